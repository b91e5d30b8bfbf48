"""Slot contests through the guardians, the combiner and check V20 on a small demo record
whose city council is in choice slots, mixed by two mix servers (the parties' files are
kept: the guardians' secrets and share files). A guardian refuses a record whose mix
chain it cannot verify (and writes nothing); combine refuses a bad slot share (named);
V20 refuses a forged value, a forged share, a missing file, resealed as a forger would;
--jobs 1 and 2 give the same report; results count the slot contest."""
import glob
import json
import os
import shutil
import types

import pytest

from evote.election import combine as combine_step
from evote.election import guardian_decrypt
from evote.election.combine import CombineRefused
from evote.election.guardian_decrypt import DecryptRefused
from evote.election.record_inputs import read_election
from evote.election.slot_shares import decryption_path, record_slot_counts, shares_path
from evote.group import G_TABLE, Point, Scalar
from evote.protocol.slot_decryption_codec import (MARK, SlotDecryption, SlotShares,
                                                  join_shares, split_shares)
from evote.record import layout
from evote.record.election import parsed_election
from evote.verify.run import verify_record

from test_verify_support import reseal

PASSPHRASE = "evote demo: every party's passphrase"
_built = {}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(record, parties' work dir): a sealed demo record with the city in slots."""
    if "path" not in _built:
        import evote.demo.election as demo_election
        base = str(tmp_path_factory.mktemp("slotdec"))
        orig = demo_election.shutil
        demo_election.shutil = types.SimpleNamespace(rmtree=lambda *a, **k: None)
        try:
            demo_election.run_demo(os.path.join(base, "record"), stations=3,
                                   voters_per_station=6, seed=11, jobs=1,
                                   log=lambda m: None, slots=True, verify=False)
        finally:
            demo_election.shutil = orig
        work = glob.glob(os.path.join(base, ".evote-demo-parties-*"))
        assert len(work) == 1
        _built["path"] = (os.path.join(base, "record"), work[0])
    return _built["path"]


def _copy(demo, tmp_path, name="copy"):
    dest = str(tmp_path / name)
    shutil.copytree(demo[0], dest, symlinks=True)
    return dest


def _cid(record):
    mb = open(os.path.join(record, layout.MANIFEST), "rb").read()
    cb = open(os.path.join(record, layout.CONTEXT), "rb").read()
    m, _ = parsed_election(mb, cb)
    return m, m.slot_contests[0].contest_id


def _read(record, rel):
    with open(os.path.join(record, *rel.split("/")), "rb") as f:
        return f.read()


def _write(record, rel, data):
    with open(os.path.join(record, *rel.split("/")), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------- V20

def test_honest_record_v20_and_counts(demo):
    rep = verify_record(demo[0], jobs=1)
    assert rep.valid, rep.to_text()
    v20 = rep.get("V20")
    assert v20.status == "pass" and v20.checked == 1
    m, cid = _cid(demo[0])
    contest = m.slot_contests[0]
    n_cand = len(contest.candidates)
    dec = SlotDecryption.from_bytes(_read(demo[0], decryption_path(cid)))
    counts = record_slot_counts(read_election(demo[0]))[contest.district_id][0]
    assert counts.ballots_cast * contest.max_choices == dec.n
    assert counts.blank == sum(1 for v in dec.values if v == n_cand + 1)
    assert list(counts.votes) == [sum(1 for v in dec.values if v == k + 1)
                                  for k in range(n_cand)]
    assert sum(counts.votes) > 0
    # results: the slot counts plus the city's paper station's (every vote at least)
    results = json.loads(_read(demo[0], layout.RESULTS))
    entry = [c for c in results["contests"] if c["contest_id"] == cid][0]
    published = {c["code"]: c["votes"] for c in entry["candidates"]}
    for cand, v in zip(contest.candidates, counts.votes):
        assert published[cand.code] >= v
    assert entry["ballots_cast"] >= counts.ballots_cast


def test_jobs_1_and_2_identical(demo):
    assert verify_record(demo[0], jobs=1).to_json() == verify_record(demo[0], jobs=2).to_json()


def _v20_after(record):
    assert reseal(record)
    rep = verify_record(record, jobs=1)
    assert rep.get("V1").status == "pass" and rep.get("V2").status == "pass"
    assert rep.get("V19").status == "pass"
    return rep, rep.get("V20")


def test_forged_value_resealed_fails_v20(demo, tmp_path):
    record = _copy(demo, tmp_path)
    m, cid = _cid(record)
    dec = SlotDecryption.from_bytes(_read(record, decryption_path(cid)))
    j = next(k for k, v in enumerate(dec.values) if v != MARK)
    other = dec.values[j] % len(m.slot_contests[0].candidates) + 1
    forged = SlotDecryption(dec.n_candidates, dec.guardians, dec.label,
                            dec.values[:j] + (other,) + dec.values[j + 1:], dec.marks)
    _write(record, decryption_path(cid), forged.to_bytes())
    rep, v20 = _v20_after(record)
    assert v20.status == "fail", rep.to_text()
    assert [f.location for f in v20.failures] == [decryption_path(cid)]
    assert f"slot {j}:" in v20.failures[0].message
    assert rep.get("V14").status == "not run" and not rep.valid


def test_vote_published_as_mark_fails_v20(demo, tmp_path):
    record = _copy(demo, tmp_path)
    _, cid = _cid(record)
    dec = SlotDecryption.from_bytes(_read(record, decryption_path(cid)))
    j = next(k for k, v in enumerate(dec.values) if v != MARK)
    before = sum(1 for v in dec.values[:j] if v == MARK)
    point = G_TABLE.mul(Scalar.from_int(dec.values[j])).to_bytes()
    forged = SlotDecryption(dec.n_candidates, dec.guardians, dec.label,
                            dec.values[:j] + (MARK,) + dec.values[j + 1:],
                            dec.marks[:32 * before] + point + dec.marks[32 * before:])
    _write(record, decryption_path(cid), forged.to_bytes())
    _, v20 = _v20_after(record)
    assert v20.status == "fail"
    assert f"slot {j} is published as a mark" in v20.failures[0].message


def test_forged_share_resealed_fails_v20(demo, tmp_path):
    record = _copy(demo, tmp_path)
    _, cid = _cid(record)
    shares = list(split_shares(_read(record, shares_path(cid))))
    s = shares[1]
    d = (Point.from_bytes(s.share(0)) + Point.generator()).to_bytes()
    shares[1] = SlotShares(s.guardian_index, s.n, s.label, s.proof, d + s.shares[32:])
    _write(record, shares_path(cid), join_shares(shares))
    _, v20 = _v20_after(record)
    assert v20.status == "fail"
    assert [f.location for f in v20.failures] == [shares_path(cid)]
    assert f"guardian {s.guardian_index}: the batched Chaum-Pedersen proof" in \
        v20.failures[0].message


def test_missing_decryption_resealed_fails_v20(demo, tmp_path):
    record = _copy(demo, tmp_path)
    _, cid = _cid(record)
    os.unlink(os.path.join(record, *decryption_path(cid).split("/")))
    _, v20 = _v20_after(record)
    assert v20.status == "fail"
    assert [f.location for f in v20.failures] == [decryption_path(cid)]
    assert "missing" in v20.failures[0].message


def test_decryption_of_another_contest_place_fails(demo, tmp_path):
    record = _copy(demo, tmp_path)
    m, cid = _cid(record)
    other = next(c.contest_id for c in m.contests if c.contest_id != cid)
    os.makedirs(os.path.join(record, layout.MIX_DIR, other))
    _write(record, decryption_path(other), _read(record, decryption_path(cid)))
    assert reseal(record)
    rep = verify_record(record, jobs=1)
    v20 = rep.get("V20")
    assert v20.status == "fail" and decryption_path(other) in [f.location for f in v20.failures]


# ---------------------------------------------------------------- guardian

def _guardian_files(demo, g):
    home = os.path.join(demo[1], f"guardian-{g}")
    return os.path.join(home, "secret.json"), home


def _decrypt(demo, record, tmp_path, g=1):
    secret, _ = _guardian_files(demo, g)
    out = str(tmp_path / f"shares-{g}.json")
    guardian_decrypt.decrypt(secret, PASSPHRASE, record, out, jobs=1)
    return out


def test_guardian_decrypts_the_verified_chain(demo, tmp_path):
    """The same record, decrypted again: the same slot files (the label is logged, the
    shares are deterministic in s_i; only the proof is fresh) and they combine."""
    record = _copy(demo, tmp_path)
    out = _decrypt(demo, record, tmp_path)
    obj = json.loads(open(out, "rb").read())
    assert [e["contest_id"] for e in obj["slot_shares"]] == [_cid(record)[1]]
    mine = SlotShares.from_bytes(open(os.path.join(tmp_path, obj["slot_shares"][0]["file"]),
                                      "rb").read())
    published = split_shares(_read(record, shares_path(_cid(record)[1])))
    assert mine.shares == published[0].shares and mine.label == published[0].label


@pytest.mark.parametrize("forgery", ["drop_last_mix", "corrupt_mix", "input_not_boxes",
                                     "mix_out_of_place"])
def test_guardian_refuses_unverified_chain(demo, tmp_path, forgery):
    record = _copy(demo, tmp_path)
    m, cid = _cid(record)
    paths = [layout.mix_file_path(cid, k, s.mix_id) for k, s in enumerate(m.mix_servers, 1)]
    if forgery == "drop_last_mix":
        os.unlink(os.path.join(record, *paths[1].split("/")))
        match = "mix 2 of 2"
    elif forgery == "corrupt_mix":
        data = bytearray(_read(record, paths[1]))
        data[200] ^= 1        # an output byte: the signature no longer verifies
        _write(record, paths[1], bytes(data))
        match = paths[1]
    elif forgery == "input_not_boxes":
        data = _read(record, layout.mix_input_path(cid))
        swapped = data[:-128] + data[-64:] + data[-128:-64]   # two slots swapped
        _write(record, layout.mix_input_path(cid), swapped)
        match = "not the contest's mix input"
    else:   # mix 2's file moved to position 1's name: the chain is out of order
        os.unlink(os.path.join(record, *paths[0].split("/")))
        os.rename(os.path.join(record, *paths[1].split("/")),
                  os.path.join(record, layout.MIX_DIR, cid, f"1-{m.mix_servers[1].mix_id}.bin"))
        match = "mix 1"
    out = str(tmp_path / "shares-1.json")
    with pytest.raises(DecryptRefused, match=match):
        guardian_decrypt.decrypt(_guardian_files(demo, 1)[0], PASSPHRASE, record, out,
                                 jobs=1)
    assert not os.path.exists(out)
    assert not glob.glob(str(tmp_path / "shares-1.json.*"))


# ---------------------------------------------------------------- combine

def _unsealed_for_combine(demo, tmp_path):
    """A copy of the record as it was before `evote combine`, with copies of the present
    guardians' share files (and their slot files)."""
    record = _copy(demo, tmp_path)
    _, cid = _cid(record)
    for rel in (layout.INDEX, layout.ROOT, layout.DECRYPTION, layout.LOT, layout.RESULTS,
                shares_path(cid), decryption_path(cid)):
        os.unlink(os.path.join(record, *rel.split("/")))
    shutil.rmtree(os.path.join(record, layout.REPORTS_DIR), ignore_errors=True)
    files = []
    for home in sorted(glob.glob(os.path.join(demo[1], "guardian-*"))):
        for p in glob.glob(os.path.join(home, "shares-*.json*")):
            dest = tmp_path / "shares" / os.path.basename(p)
            dest.parent.mkdir(exist_ok=True)
            shutil.copy(p, dest)
            if p.endswith(".json"):
                files.append(str(dest))
    return record, cid, sorted(files)


def test_combine_again_gives_the_same_decryption(demo, tmp_path):
    record, cid, files = _unsealed_for_combine(demo, tmp_path)
    out = combine_step.combine(record, files)
    assert len(out.slots) == 1
    assert _read(record, decryption_path(cid)) == _read(demo[0], decryption_path(cid))


def test_combine_refuses_a_bad_share(demo, tmp_path):
    record, cid, files = _unsealed_for_combine(demo, tmp_path)
    from evote.election.guardian_shares import slot_file_hash
    target = files[1]
    obj = json.loads(open(target, "rb").read())
    slot_file = os.path.join(os.path.dirname(target), obj["slot_shares"][0]["file"])
    s = SlotShares.from_bytes(open(slot_file, "rb").read())
    d = (Point.from_bytes(s.share(2)) + Point.generator()).to_bytes()
    bad = SlotShares(s.guardian_index, s.n, s.label, s.proof,
                     s.shares[:64] + d + s.shares[96:]).to_bytes()
    with open(slot_file, "wb") as f:
        f.write(bad)
    with pytest.raises(CombineRefused, match="hash is not the one the share file lists"):
        combine_step.combine(record, files)
    obj["slot_shares"][0]["hash"] = slot_file_hash(bad).hex()   # the forger fixes the hash
    with open(target, "w") as f:
        json.dump(obj, f)
    with pytest.raises(CombineRefused, match=f"share file {target}: contest {cid}: .*guardian "
                       f"{s.guardian_index}: the batched Chaum-Pedersen proof"):
        combine_step.combine(record, files)
    assert not os.path.exists(os.path.join(record, *decryption_path(cid).split("/")))
    assert not os.path.exists(os.path.join(record, *layout.DECRYPTION.split("/")))


def test_cli_decrypt_and_combine_print_the_slot_contest(demo, tmp_path):
    from click.testing import CliRunner
    from evote.cli.main import cli
    record, cid, files = _unsealed_for_combine(demo, tmp_path)
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    out = str(tmp_path / "again-2.json")
    r = CliRunner().invoke(cli, ["guardian", "decrypt", _guardian_files(demo, 2)[0], record,
                                 "--out", out, "--passphrase-file", str(pw), "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert f"slot contest {cid}: every mix verified" in r.output
    assert os.path.exists(out + f".{cid}.slots")
    r = CliRunner().invoke(cli, ["combine", record] + files)
    assert r.exit_code == 0, r.output
    assert f"slot contest {cid}: " in r.output and "slots decrypted" in r.output


def test_log_refuses_a_second_list_of_the_same_contest(demo, tmp_path):
    """The guardian's log entry of a slot contest is its decryption label: the same list
    again is allowed; another list of the same contest (one re-encrypted slot) refused."""
    from evote.election import decrypt_log
    from evote.election.slot_shares import SlotList, decrypt_log_entries, last_outputs
    from evote.protocol.elgamal import Ciphertext
    election = read_election(demo[0])
    contest = election.manifest.slot_contests[0]
    outputs = last_outputs(election, contest)
    first = Ciphertext.from_bytes(outputs[:64])
    ctx = election.context
    again = (first + Ciphertext(Point.identity(), Point.identity())).to_bytes()
    assert again == outputs[:64]
    other = (Ciphertext(G_TABLE.mul(Scalar.from_int(5)), ctx.joint_key * Scalar.from_int(5))
             + first).to_bytes() + outputs[64:]      # the same plaintext, re-encrypted
    log = str(tmp_path / "secret.json.decrypt-log")
    ballots = len(outputs) // (64 * contest.max_choices)
    decrypt_log.record_decryptions(log, decrypt_log_entries(ctx, [SlotList(contest, outputs,
                                                                           ballots)]))
    assert decrypt_log.record_decryptions(
        log, decrypt_log_entries(ctx, [SlotList(contest, outputs, ballots)]))
    with pytest.raises(decrypt_log.DecryptLogError):
        decrypt_log.record_decryptions(
            log, decrypt_log_entries(ctx, [SlotList(contest, other, ballots)]))


def test_guardian_refuses_a_slot_contest_below_the_privacy_floor(demo):
    """verified_slot_lists (the guardian's step 3) on the demo record seen through a
    manifest whose privacy floor is one more than the contest's ballots: refused."""
    from evote.election.slot_shares import SlotStepRefused, verified_slot_lists
    from evote.protocol.mix_file import MixInput
    election = read_election(demo[0])
    contest = election.manifest.slot_contests[0]
    cid = contest.contest_id
    want = MixInput.from_bytes(_read(demo[0], layout.mix_input_path(cid))).ciphertexts
    ballots = len(want) // (64 * contest.max_choices)
    assert verified_slot_lists(election, {cid: want})[0].ballots == ballots

    class Floor:
        def __init__(self, m, floor):
            self._m, self.privacy_floor = m, floor

        def __getattr__(self, name):
            return getattr(self._m, name)
    high = types.SimpleNamespace(manifest=Floor(election.manifest, ballots + 1),
                                 context=election.context, directory=election.directory,
                                 full=election.full)
    with pytest.raises(SlotStepRefused, match=f"{ballots} ballots, below the privacy floor"):
        verified_slot_lists(high, {cid: want})
