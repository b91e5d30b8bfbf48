"""`evote guardian decrypt`: a guardian's shares on its own machine, and what it refuses
(a tally centre that hands over something else than the boxes' tally, a tally below the
privacy floor, an altered box, a second different tally of a contest)."""
import json
import os
import shutil

import pytest
from click.testing import CliRunner

from evote.cli.main import cli
from evote.election import decrypt_log
from evote.election.files import StepFileError
from evote.election.guardian_decrypt import DecryptRefused, decrypt
from evote.election.guardian_shares import GuardianShares
from evote.errors import EvoteError

from guardian_support import PASSPHRASE, copy_record, make_election, make_record, save_secrets


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    d = tmp_path_factory.mktemp("gdecrypt")
    election = make_election()
    secrets = save_secrets(election, d / "secrets")
    record, plain = make_record(election, d / "record")
    one_voter, _ = make_record(election, d / "one-voter", voters=1)
    other, _ = make_record(election, d / "other", voter_seed=99)
    return dict(election=election, secrets=secrets, record=record, plain=plain,
                one_voter=one_voter, other=other, dir=d)


def _secret(setup, tmp_path, i=1):
    """A fresh copy of guardian i's secret file (so it has a log of its own)."""
    p = tmp_path / f"guardian-{i}.json"
    shutil.copyfile(setup["secrets"][i - 1], p)
    return str(p)


def _log_lines(secret):
    with open(decrypt_log.log_path(secret), "rb") as f:
        return f.read().splitlines()


def test_shares_cover_every_district_contest_and_are_logged(setup, tmp_path):
    secret = _secret(setup, tmp_path)
    out = tmp_path / "shares.json"
    o = decrypt(secret, PASSPHRASE, setup["record"], out, jobs=1)
    assert (o.guardian_index, o.contests, o.boxes, o.ballots, o.repeated) == (1, 2, 2, 8, ())
    shares = GuardianShares.from_json_obj(json.loads(out.read_bytes()))
    assert [c.contest_id for c in shares.contests] == ["council-city-1", "council-village-001"]
    assert all(c.ballots == 4 for c in shares.contests)
    assert len(_log_lines(secret)) == 2
    assert oct(os.stat(decrypt_log.log_path(secret)).st_mode & 0o777) == "0o600"


def test_a_tally_that_is_one_voters_ballot_is_refused(setup, tmp_path):
    # The tally centre hands over, as "the tally", the tally of a single ballot: its
    # decryption would be that voter's vote. The guardian recomputes and refuses.
    record = copy_record(setup["record"], tmp_path / "rec")
    os.remove(os.path.join(record, "tally", "encrypted.json"))
    shutil.copyfile(os.path.join(setup["one_voter"], "tally", "encrypted.json"),
                    os.path.join(record, "tally", "encrypted.json"))
    secret = _secret(setup, tmp_path)
    with pytest.raises(DecryptRefused, match=r"station 'city-1-st001', contest 'council-city-1': "
                       r"tally/encrypted.json differs from the tally of the boxes "
                       r"\(1 ballots there, 4 ballots recomputed\)"):
        decrypt(secret, PASSPHRASE, record, tmp_path / "s.json", jobs=1)
    assert not (tmp_path / "s.json").exists()
    assert not os.path.exists(decrypt_log.log_path(secret))  # nothing logged either


def test_a_district_tally_that_differs_is_named(setup, tmp_path):
    # Stations equal, districts not: the district part of the file is what is decrypted.
    record = copy_record(setup["record"], tmp_path / "rec")
    path = os.path.join(record, "tally", "encrypted.json")
    good = json.loads(open(path, "rb").read())
    fake = json.loads(open(os.path.join(setup["one_voter"], "tally", "encrypted.json"),
                           "rb").read())
    good["districts"]["village-001"] = fake["districts"]["village-001"]
    os.remove(path)
    with open(path, "w") as f:
        json.dump(good, f)
    with pytest.raises(DecryptRefused, match=r"district 'village-001', contest "
                       r"'council-village-001': tally/encrypted.json differs"):
        decrypt(_secret(setup, tmp_path), PASSPHRASE, record, tmp_path / "s.json", jobs=1)


def test_a_tally_below_the_privacy_floor_is_refused_naming_each(tmp_path):
    election = make_election(seed=8, privacy_floor=5)
    secrets = save_secrets(election, tmp_path / "secrets")
    record, _ = make_record(election, tmp_path / "rec", voters=4)
    with pytest.raises(DecryptRefused) as err:
        decrypt(secrets[0], PASSPHRASE, record, tmp_path / "s.json", jobs=1)
    msg = str(err.value)
    assert msg.startswith("below the privacy floor of 5 ballots: ")
    assert "district 'city-1', contest 'council-city-1' (4 ballots)" in msg
    assert "district 'village-001', contest 'council-village-001' (4 ballots)" in msg
    assert not (tmp_path / "s.json").exists()


def test_an_altered_box_is_refused(setup, tmp_path):
    record = copy_record(setup["record"], tmp_path / "rec")
    box = os.path.join(record, "boxes", "city-1-st001", "city-1-st001-k1.box")
    data = bytearray(open(box, "rb").read())
    data[len(data) // 2] ^= 1
    with open(box, "wb") as f:
        f.write(data)
    with pytest.raises(DecryptRefused, match=r"^the boxes do not verify: .*city-1-st001-k1.box"):
        decrypt(_secret(setup, tmp_path), PASSPHRASE, record, tmp_path / "s.json", jobs=1)


def test_a_box_missing_from_the_record_is_a_mismatch(setup, tmp_path):
    record = copy_record(setup["record"], tmp_path / "rec")
    os.remove(os.path.join(record, "boxes", "village-001-st001", "village-001-st001-k1.box"))
    with pytest.raises(DecryptRefused, match=r"station 'village-001-st001': in tally/encrypted"
                       r".json but no box gives it a tally"):
        decrypt(_secret(setup, tmp_path), PASSPHRASE, record, tmp_path / "s.json", jobs=1)


def test_a_stray_file_under_boxes_is_refused(setup, tmp_path):
    record = copy_record(setup["record"], tmp_path / "rec")
    open(os.path.join(record, "boxes", "city-1-st001", "notes.txt"), "w").close()
    with pytest.raises(EvoteError, match=r"boxes/city-1-st001/notes.txt: not a box file"):
        decrypt(_secret(setup, tmp_path), PASSPHRASE, record, tmp_path / "s.json", jobs=1)


def test_the_log_allows_the_same_tally_again_and_refuses_another(setup, tmp_path):
    secret = _secret(setup, tmp_path)
    decrypt(secret, PASSPHRASE, setup["record"], tmp_path / "a.json", jobs=1)
    again = decrypt(secret, PASSPHRASE, setup["record"], tmp_path / "b.json", jobs=1)
    assert again.repeated == (("city-1", "council-city-1"),
                              ("village-001", "council-village-001"))
    lines = _log_lines(secret)
    assert len(lines) == 2                      # the same ciphertexts are not logged twice
    # other valid ballots in the boxes, a valid record of them: the same contests with
    # other ciphertexts; decrypting both would reveal their difference
    with pytest.raises(decrypt_log.DecryptLogError,
                       match=r"already decrypted with other ciphertexts: district 'city-1', "
                       r"contest 'council-city-1'; district 'village-001'"):
        decrypt(secret, PASSPHRASE, setup["other"], tmp_path / "c.json", jobs=1)
    assert not (tmp_path / "c.json").exists()
    assert _log_lines(secret) == lines          # never rewritten, nothing appended


def test_a_log_line_that_does_not_parse_is_refused_naming_it(setup, tmp_path):
    secret = _secret(setup, tmp_path)
    decrypt(secret, PASSPHRASE, setup["record"], tmp_path / "a.json", jobs=1)
    log = decrypt_log.log_path(secret)
    with open(log, "ab") as f:
        f.write(b"{not json\n")
    before = open(log, "rb").read()
    with pytest.raises(decrypt_log.DecryptLogError, match=r"decrypt-log: line 3: not a JSON "
                       r"line"):
        decrypt(secret, PASSPHRASE, setup["record"], tmp_path / "b.json", jobs=1)
    with open(log, "ab") as f:
        f.write(b'{"district_id": "x"')    # a torn last line, no end of line
    with pytest.raises(decrypt_log.DecryptLogError, match=r"line 4 is incomplete"):
        decrypt(secret, PASSPHRASE, setup["record"], tmp_path / "b.json", jobs=1)
    assert open(log, "rb").read().startswith(before)


def test_a_log_entry_of_the_wrong_shape_is_refused(tmp_path):
    log = tmp_path / "s.json.decrypt-log"
    log.write_bytes(b'{"district_id": "d", "contest_id": "c", "ciphertexts_hash": "zz"}\n')
    with pytest.raises(decrypt_log.DecryptLogError, match=r"line 1.ciphertexts_hash"):
        decrypt_log.record_decryptions(str(log), [("d", "c", b"\0" * 32)])


def test_a_record_of_another_election_is_refused(setup, tmp_path):
    other = make_election(seed=9)
    secrets = save_secrets(other, tmp_path / "secrets")
    with pytest.raises(DecryptRefused, match=r"manifest.json: not the manifest of guardian "
                       r"1's election"):
        decrypt(secrets[0], PASSPHRASE, setup["record"], tmp_path / "s.json", jobs=1)


def test_the_out_file_is_never_the_secret_or_an_existing_file(setup, tmp_path):
    secret = _secret(setup, tmp_path)
    before = open(secret, "rb").read()
    with pytest.raises(StepFileError, match=r"is also an input of this step"):
        decrypt(secret, PASSPHRASE, setup["record"], secret, jobs=1)
    assert open(secret, "rb").read() == before
    (tmp_path / "x.json").write_text("keep")
    with pytest.raises(StepFileError, match=r"already exists"):
        decrypt(secret, PASSPHRASE, setup["record"], tmp_path / "x.json", jobs=1)
    assert (tmp_path / "x.json").read_text() == "keep"


def test_cli_decrypt_prints_and_refuses_in_one_line(setup, tmp_path):
    secret = _secret(setup, tmp_path, 2)
    pw = setup["dir"] / "secrets" / "pw"
    runner = CliRunner()
    r = runner.invoke(cli, ["guardian", "decrypt", secret, setup["record"], "--out",
                            str(tmp_path / "s.json"), "--passphrase-file", str(pw),
                            "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert "guardian 2: 2 boxes and 8 ballots verified" in r.output
    r = runner.invoke(cli, ["guardian", "decrypt", secret, setup["other"], "--out",
                            str(tmp_path / "t.json"), "--passphrase-file", str(pw),
                            "--jobs", "1"])
    assert r.exit_code == 2
    assert r.output.startswith("evote guardian decrypt: decryption log ")
    assert r.output.count("\n") == 1 and "Traceback" not in r.output


def test_a_package_in_the_record_must_list_every_box_certificate(setup, tmp_path):
    from guardian_support import write_package
    record = copy_record(setup["record"], tmp_path / "rec")
    write_package(setup["election"], record)
    decrypt(_secret(setup, tmp_path), PASSPHRASE, record, tmp_path / "ok.json", jobs=1)
    record = copy_record(setup["record"], tmp_path / "rec2")
    write_package(setup["election"], record, replace_kiosk="village-001-st001-k1")
    with pytest.raises(DecryptRefused, match=r"boxes/village-001-st001/village-001-st001-"
                       r"k1.box: kiosk 'village-001-st001-k1' of station 'village-001-st001' "
                       r"has a certificate the election package does not list"):
        decrypt(_secret(setup, tmp_path, 2), PASSPHRASE, record, tmp_path / "s.json", jobs=1)


def test_a_context_without_every_acknowledgement_is_refused_before_the_log(setup, tmp_path):
    """A context short of the guardians' acknowledgements has no lot ciphertext (specs/
    key-ceremony.md 12): refused in step 1, nothing logged, nothing written."""
    record = copy_record(setup["record"], tmp_path / "rec")
    path = os.path.join(record, "context.json")
    obj = json.loads(open(path, "rb").read())
    obj["acknowledgements"] = []
    os.unlink(path)
    from evote.record.jsonio import canonical_bytes
    with open(path, "wb") as f:
        f.write(canonical_bytes(obj))
    if os.path.exists(os.path.join(record, "package.json")):  # it would be named first
        os.unlink(os.path.join(record, "package.json"))
    secret = _secret(setup, tmp_path)
    with pytest.raises(DecryptRefused, match=r"context.json: election context: 0 of the 3 "
                       r"guardians' acknowledgements"):
        decrypt(secret, PASSPHRASE, record, tmp_path / "s.json", jobs=1)
    assert not os.path.exists(decrypt_log.log_path(secret))
    assert not os.path.exists(tmp_path / "s.json")


def test_the_share_file_holds_the_lot_share(setup, tmp_path):
    from evote.protocol.decryption import verify_decryption_share
    from evote.protocol.lot import LOT_LABEL
    out = tmp_path / "shares.json"
    decrypt(_secret(setup, tmp_path, 2), PASSPHRASE, setup["record"], out, jobs=1)
    shares = GuardianShares.from_json_obj(json.loads(out.read_bytes()))
    ctx = setup["election"].context
    assert shares.lot.guardian_index == 2
    verify_decryption_share(ctx, [ctx.lot_ciphertext], [LOT_LABEL], shares.lot)
