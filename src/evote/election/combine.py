"""`evote combine`: the tally centre combines the guardians' share files into
tally/decryption.json (specs/election.md section 7).

    combine(record_dir, share_paths) -> CombineOutcome

Checks, before anything is written: tally/decryption.json does not exist; every share
file parses strictly (guardian_shares.py); its manifest hash is the record's and its
tally hash the hash of the record's tally/encrypted.json (a share file of another tally
is refused); one file per guardian, of a guardian of the context; it covers exactly the
record's district contests with their ballot counts; every share's proof verifies
against the context's public share S_l (the guardian, contest and file of the first that
fails are named); at least t guardians. The counts are then recovered (in [0, ballots])
and the DecryptionRecord (the JSON the verifier reads) written through
files.write_new_json. The same guardians' lot shares (each file's "lot") are verified
against the context's lot ciphertext and combined into tally/lot.json (record/lot.py:
the point and the lot seed; any t guardians give the same seed). Both files are checked
before either is written. Each slot contest (specs/slot-decryption.md): every file lists
the guardian's slot shares of exactly the slot contests with ballots (a binary file
beside it, checked against its hash); each share set's batched proof is verified against
the last mix's outputs (the guardian and file of one that fails are named); all are
combined into mix/<C>/shares.bin and mix/<C>/decryption.bin (slot_shares.py), written
before tally/decryption.json. The tally centre holds no secret: shares are public.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import EvoteError, InvalidProof
from ..protocol.decryption import verify_decryption_share
from ..record import layout
from ..record.lot import decrypt_lot
from ..tally import DecryptionRecord, tally_labels
from ..tally.decrypt import contest_ciphertexts, decrypt_with_shares
from .files import read_json_input, write_new_json
from .guardian_shares import GuardianShares, tally_file_hash
from .record_inputs import read_election, read_tallies
from ..verify.executors import run_tasks
from .slot_shares import (SlotStepRefused, check_not_written, combine_slot_contests,
                          write_slot_decryptions)


class CombineRefused(EvoteError):
    """A share file or the set of them cannot be combined (names the file, guardian,
    district and contest)."""


@dataclass(frozen=True)
class CombineOutcome:
    record: DecryptionRecord
    path: str            # tally/decryption.json written
    lot: object          # record.lot.LotDecryption written to tally/lot.json
    present: tuple       # guardian indices whose shares were combined
    missing: tuple       # the context's guardians who sent no share file
    slots: tuple = ()    # slot_shares.CombinedSlot of each decrypted slot contest


def _load(path, election, th: bytes) -> GuardianShares:
    value, _ = read_json_input(path, "share file")
    where = f"share file {path}"
    shares = GuardianShares.from_json_obj(value, where)
    if shares.manifest_hash != election.manifest.hash():
        raise CombineRefused(f"{where}.manifest_hash: not the record's manifest (a share "
                             "file of another election)")
    if shares.tally_hash != th:
        raise CombineRefused(f"{where}.tally_hash: not the hash of the record's "
                             f"{layout.TALLY} (a share file of another tally)")
    n = election.context.n_guardians
    if not 1 <= shares.guardian_index <= n:
        raise CombineRefused(f"{where}.guardian_index: {shares.guardian_index} is not one of "
                             f"the context's guardians 1..{n}")
    return shares


def _check_cover(where: str, shares: GuardianShares, districts) -> None:
    have = shares.by_contest()
    want = {(did, ct.contest_id): ct for did, t in districts.items() for ct in t.contests}
    for key in sorted(set(want) - set(have)):
        raise CombineRefused(f"{where}: no share for district {key[0]!r}, contest {key[1]!r}")
    for key in sorted(set(have) - set(want)):
        raise CombineRefused(f"{where}: a share for district {key[0]!r}, contest {key[1]!r}, "
                             f"which is not in {layout.TALLY}")
    for key, entry in sorted(have.items()):
        if entry.ballots != want[key].ballots:
            raise CombineRefused(f"{where}: district {key[0]!r}, contest {key[1]!r}: "
                                 f"{entry.ballots} ballots, the tally has {want[key].ballots}")


def _name_bad_share(ctx, districts, files) -> None:
    """After a failed batch: the first share whose own proof fails, named by file,
    guardian, district and contest (CombineRefused); returns if every share verifies."""
    for did, t in sorted(districts.items()):
        for ct in t.contests:
            cts, labels = contest_ciphertexts(ct), tally_labels(ct.contest_id, ct.width)
            for index, (p, shares) in sorted(files.items()):
                share = shares.by_contest()[(did, ct.contest_id)].share
                try:
                    verify_decryption_share(ctx, cts, labels, share)
                except (InvalidProof, EvoteError) as exc:
                    raise CombineRefused(f"share file {p}: guardian {index}, district "
                                         f"{did!r}, contest {ct.contest_id!r}: {exc}") from None


def combine(record_dir, share_paths, *, jobs=None) -> CombineOutcome:
    """The checks and the write of the module docstring. jobs: processes for the slot
    contests' chunk tasks (default: every core; a small contest is one task, in this
    process)."""
    election = read_election(record_dir)
    out = election.full(layout.DECRYPTION)
    lot_out = election.full(layout.LOT)
    for rel, path in ((layout.DECRYPTION, out), (layout.LOT, lot_out)):
        if os.path.lexists(path):
            raise CombineRefused(f"{rel}: already exists in the record; it is never "
                                 "replaced")
    try:
        check_not_written(election)
    except SlotStepRefused as exc:
        raise CombineRefused(str(exc)) from None
    tallies, tally_bytes = read_tallies(election)
    th = tally_file_hash(tally_bytes)
    paths = list(share_paths)
    if not paths:
        raise CombineRefused("no share file given")
    files: dict = {}
    for p in paths:
        shares = _load(p, election, th)
        other = files.get(shares.guardian_index)
        if other is not None:
            raise CombineRefused(f"share files {other[0]} and {p} are both guardian "
                                 f"{shares.guardian_index}'s; give one file per guardian")
        _check_cover(f"share file {p}", shares, tallies.districts)
        files[shares.guardian_index] = (p, shares)
    ctx = election.context
    present = tuple(sorted(files))
    missing = tuple(i for i in range(1, ctx.n_guardians + 1) if i not in files)
    if len(present) < ctx.threshold:
        raise CombineRefused(f"share files of guardian(s) {', '.join(map(str, present))}: "
                             f"{len(present)} of the {ctx.threshold} guardians needed")
    by_contest: dict = {}
    for _, shares in files.values():
        for key, entry in shares.by_contest().items():
            by_contest.setdefault(key, []).append(entry.share)
    try:  # every share's proof checked once, in one batch per contest
        record = decrypt_with_shares(ctx, tallies.districts, by_contest,
                                     manifest=election.manifest)
    except EvoteError as exc:
        _name_bad_share(ctx, tallies.districts, files)
        raise CombineRefused(str(exc)) from None
    try:
        lot = decrypt_lot(ctx, [shares.lot for _, shares in files.values()])
    except EvoteError as exc:
        raise CombineRefused(f"share files: {exc}") from None
    try:
        slots = combine_slot_contests(
            election, files, run=lambda fn, tasks: run_tasks(fn, tasks, jobs, None))
    except SlotStepRefused as exc:
        raise CombineRefused(str(exc)) from None
    write_slot_decryptions(election, slots, inputs=tuple(paths))
    path = write_new_json(out, record.to_json_obj(), f"record file {layout.DECRYPTION}",
                          inputs=tuple(paths))
    write_new_json(lot_out, lot.to_json_obj(), f"record file {layout.LOT}",
                   inputs=tuple(paths))
    return CombineOutcome(record, path, lot, present, missing, tuple(slots))
