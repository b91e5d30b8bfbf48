"""`evote combine`: guardians' share files, each computed on its own machine, combined
into tally/decryption.json; what it refuses (a share file of another tally, a bad proof,
fewer than t guardians, two files of one guardian, an existing decryption)."""
import json
import os

import pytest
from click.testing import CliRunner

from evote.cli.main import cli
from evote.election.combine import CombineRefused, combine
from evote.election.guardian_decrypt import decrypt
from evote.election.guardian_shares import GuardianSharesError
from evote.record import layout
from evote.record.jsonio import load_json_file
from evote.record.tallies import RecordTallies
from evote.tally import DecryptionRecord, verify_decryption_record

from guardian_support import PASSPHRASE, copy_record, make_election, make_record, save_secrets


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """An honest record, every guardian's share file of it, and guardian 1's share file
    of another record (other ballots) of the same election."""
    d = tmp_path_factory.mktemp("combine")
    election = make_election()
    secrets = save_secrets(election, d / "secrets")
    record, plain = make_record(election, d / "record")
    other, _ = make_record(election, d / "other", voter_seed=99)
    shares = [str(d / f"shares-{i}.json") for i in (1, 2, 3)]
    for secret, out in zip(secrets, shares):
        decrypt(secret, PASSPHRASE, record, out, jobs=1)
    fresh = save_secrets(election, d / "secrets-other")   # a log of their own
    decrypt(fresh[0], PASSPHRASE, other, d / "other-shares-1.json", jobs=1)
    return dict(election=election, record=record, plain=plain, shares=shares,
                other_share=str(d / "other-shares-1.json"), dir=d)


def _record(setup, tmp_path):
    return copy_record(setup["record"], tmp_path / "rec")


def test_two_guardians_decrypt_apart_and_the_verifier_accepts(setup, tmp_path):
    record = _record(setup, tmp_path)
    o = combine(record, [setup["shares"][2], setup["shares"][0]])
    assert (o.present, o.missing) == ((1, 3), (2,))
    value, _ = load_json_file(os.path.join(record, *layout.DECRYPTION.split("/")),
                              layout.DECRYPTION)
    rec = DecryptionRecord.from_json_obj(value)
    assert rec == o.record
    tv, _ = load_json_file(os.path.join(record, *layout.TALLY.split("/")), layout.TALLY)
    tallies = RecordTallies.from_json_obj(tv, layout.TALLY)
    e = setup["election"]
    counts = verify_decryption_record(e.context, tallies.districts, rec, manifest=e.manifest)
    got = {c.contest_id: [list(c.votes), c.ballots_cast, c.blank]
           for items in counts.values() for c in items}
    assert got == setup["plain"]
    assert [[s.guardian_index for s in c.shares] for c in rec.contests] == [[1, 3], [1, 3]]


def test_all_three_guardians_combine_too(setup, tmp_path):
    o = combine(_record(setup, tmp_path), setup["shares"])
    assert (o.present, o.missing) == ((1, 2, 3), ())


def test_a_share_file_of_another_tally_is_refused(setup, tmp_path):
    with pytest.raises(CombineRefused, match=r"other-shares-1.json.tally_hash: not the hash "
                       r"of the record's tally/encrypted.json"):
        combine(_record(setup, tmp_path), [setup["other_share"], setup["shares"][1]])
    assert not os.path.exists(os.path.join(tmp_path, "rec", "tally", "decryption.json"))


def test_a_bad_proof_names_the_guardian_and_contest(setup, tmp_path):
    obj = json.loads(open(setup["shares"][1], "rb").read())
    partials = obj["contests"][1]["share"]["partials"]
    partials[0], partials[1] = partials[1], partials[0]   # valid points, wrong proofs
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(obj))
    with pytest.raises(CombineRefused, match=r"bad.json: guardian 2, district 'village-001', "
                       r"contest 'council-village-001': decryption share of guardian 2 at "
                       r"position 0 .*proof does not verify"):
        combine(_record(setup, tmp_path), [setup["shares"][0], str(bad)])


def test_fewer_than_t_guardians_is_refused(setup, tmp_path):
    with pytest.raises(CombineRefused, match=r"guardian\(s\) 3: 1 of the 2 guardians needed"):
        combine(_record(setup, tmp_path), [setup["shares"][2]])


def test_two_files_of_one_guardian_are_refused(setup, tmp_path):
    copy = tmp_path / "again.json"
    copy.write_bytes(open(setup["shares"][0], "rb").read())
    with pytest.raises(CombineRefused, match=r"are both guardian 1's"):
        combine(_record(setup, tmp_path), [setup["shares"][0], str(copy)])


def test_a_share_file_missing_a_contest_or_malformed_is_refused(setup, tmp_path):
    record = _record(setup, tmp_path)
    obj = json.loads(open(setup["shares"][1], "rb").read())
    obj["contests"] = obj["contests"][:1]
    short = tmp_path / "short.json"
    short.write_text(json.dumps(obj))
    with pytest.raises(CombineRefused, match=r"short.json: no share for district "
                       r"'village-001', contest 'council-village-001'"):
        combine(record, [setup["shares"][0], str(short)])
    obj["contests"][0]["share"]["guardian_index"] = 3
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(obj))
    with pytest.raises(GuardianSharesError, match=r"wrong.json.contests\[0\] .*a share of "
                       r"guardian 3 in guardian 2's file"):
        combine(record, [setup["shares"][0], str(wrong)])


def test_an_existing_decryption_is_never_replaced(setup, tmp_path):
    record = _record(setup, tmp_path)
    combine(record, setup["shares"][:2])
    path = os.path.join(record, "tally", "decryption.json")
    before = open(path, "rb").read()
    with pytest.raises(CombineRefused, match=r"tally/decryption.json: already exists"):
        combine(record, setup["shares"][1:])
    assert open(path, "rb").read() == before


def test_cli_combine_prints_present_and_missing(setup, tmp_path):
    record = _record(setup, tmp_path)
    runner = CliRunner()
    r = runner.invoke(cli, ["combine", record, setup["shares"][0], setup["shares"][1]])
    assert r.exit_code == 0, r.output
    assert "guardians present: 1, 2; missing: 3" in r.output
    r = runner.invoke(cli, ["combine", record, setup["shares"][2]])
    assert r.exit_code == 2
    assert r.output.startswith("evote combine: tally/decryption.json: already exists")
    assert "Traceback" not in r.output


def test_the_lot_seed_is_the_same_for_any_t_guardians(setup, tmp_path):
    """tally/lot.json: written with the decryption, verified against the context's lot
    ciphertext; guardians {1, 3} and {1, 2, 3} give the same seed (withholding changes
    nothing), and `evote results` uses it."""
    from evote.election.results_step import verified_lot_seed
    from evote.election.record_inputs import read_election
    from evote.record.lot import LotDecryption
    ctx = setup["election"].context
    seeds = []
    for k, files in enumerate(([setup["shares"][2], setup["shares"][0]], setup["shares"])):
        record = copy_record(setup["record"], tmp_path / f"rec{k}")
        o = combine(record, files)
        value, _ = load_json_file(os.path.join(record, *layout.LOT.split("/")), layout.LOT)
        lot = LotDecryption.from_json_obj(value)
        assert lot == o.lot and [s.guardian_index for s in lot.shares] == list(o.present)
        assert lot.verify(ctx) == verified_lot_seed(read_election(record)) == lot.seed
        seeds.append(lot.seed)
    assert seeds[0] == seeds[1]


def test_a_bad_lot_share_is_refused_and_nothing_written(setup, tmp_path):
    record = _record(setup, tmp_path)
    obj = json.loads(open(setup["shares"][1], "rb").read())
    obj["lot"]["partials"] = [obj["contests"][0]["share"]["partials"][0]]  # another's value
    bad = tmp_path / "bad-lot.json"
    bad.write_text(json.dumps(obj))
    with pytest.raises(CombineRefused, match=r"guardian 2's lot share"):
        combine(record, [setup["shares"][0], str(bad)])
    for rel in (layout.DECRYPTION, layout.LOT):
        assert not os.path.exists(os.path.join(record, *rel.split("/")))
    obj["lot"] = None                                          # a share file without its lot
    bad.unlink()
    bad.write_text(json.dumps(obj))
    with pytest.raises(GuardianSharesError, match=r"bad-lot.json.lot"):
        combine(record, [setup["shares"][0], str(bad)])
