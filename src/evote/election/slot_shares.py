"""Slot contests in the guardians' decryption and the tally centre's combine
(specs/slot-decryption.md; specs/election.md section 7; the record's files
mix/<contest_id>/shares.bin and mix/<contest_id>/decryption.bin, specs/record.md).

    verified_slot_lists(election, recomputed)        # guardian: what it may decrypt
    guardian_slot_shares(guardian, context, lists)   # guardian: shares + one proof each
    write_guardian_slot_files(out_json, index, pairs, inputs) -> SlotSharesEntry tuple
    combine_slot_contests(election, files)           # combiner: check and combine
    write_slot_decryptions(election, combined, inputs)
    record_slot_counts(election, run=None)           # results: verified counts

Invariants: a guardian decrypts a slot contest only when (1) the record's mix input is
byte for byte the list it recomputed from the boxes it verified itself, (2) every mix
of the manifest's mix servers is in the record, in order, each valid (signature and
shuffle proof, chained from that input), (3) the contest has at least the manifest's
privacy floor of ballots. Anything else would make it a decryption oracle for a list it
has not checked. Nothing here holds two parties' secrets.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Mapping, Optional

from ..errors import EvoteError
from ..protocol.mix_file import MixFile, MixInput
from ..protocol.slot_decryption import (compute_slot_shares, decrypt_slots, slot_counts,
                                        slot_label, verify_slot_decryption)
from ..protocol.slot_decryption_codec import (SlotDecryption, SlotShares, join_shares,
                                              shares_size, split_shares, MAX_SLOTS)
from ..record import layout
from ..results.model import ContestCounts
from .files import write_new_file
from .guardian_shares import SlotSharesEntry, slot_file_hash
from .mix import MAX_MIX_FILE, MAX_MIX_INPUT, MixStepRefused, read_chain, read_sized

SHARES_NAME = "shares.bin"          # mix/<C>/shares.bin: the combined guardians' EVDS files
DECRYPTION_NAME = "decryption.bin"  # mix/<C>/decryption.bin: the EVDV values and marks
MAX_SHARES_FILE = shares_size(MAX_SLOTS)
MAX_DECRYPTION_FILE = 64 + 4 * 1000 + 36 * MAX_SLOTS


class SlotStepRefused(EvoteError):
    """A slot contest cannot be decrypted or combined as asked (names the file, contest
    or guardian, and why)."""


def shares_path(contest_id: str) -> str:
    return f"{layout.MIX_DIR}/{contest_id}/{SHARES_NAME}"


def decryption_path(contest_id: str) -> str:
    return f"{layout.MIX_DIR}/{contest_id}/{DECRYPTION_NAME}"


@dataclass(frozen=True)
class SlotList:
    """A slot contest's list to decrypt: the last mix's outputs (b"" when no ballot)."""
    contest: object            # manifest Contest
    outputs: bytes
    ballots: int

    @property
    def contest_id(self) -> str:
        return self.contest.contest_id


def _ballots(contest, data: bytes, where: str) -> int:
    unit = 64 * contest.max_choices
    if len(data) % unit:
        raise SlotStepRefused(f"{where}: {len(data)} bytes is not a whole number of "
                              f"ballots of {contest.max_choices} slots")
    return len(data) // unit


def _first_difference(have: bytes, want: bytes) -> str:
    for j in range(min(len(have), len(want)) // 64):
        if have[64 * j:64 * j + 64] != want[64 * j:64 * j + 64]:
            return f"slot ciphertext {j} differs from the list recomputed from the boxes"
    return (f"{len(have) // 64} slot ciphertexts, the boxes' counted CAST ballots give "
            f"{len(want) // 64}")


# ------------------------------------------------------------------ guardian

def verified_slot_lists(election, recomputed: Mapping[str, bytes], progress=None) -> tuple:
    """Steps (1)-(3) of the module docstring for every slot contest of the manifest, in
    manifest order; recomputed: contest id -> the mix input the guardian recomputed from
    the boxes (tally.slot_inputs). SlotStepRefused naming the first problem."""
    m = election.manifest
    servers = tuple(getattr(m, "mix_servers", ()))
    out = []
    for contest in m.slot_contests:
        cid = contest.contest_id
        want = recomputed.get(cid, b"")
        rel = layout.mix_input_path(cid)
        try:   # the input first: a list not from the boxes is refused before any mix
            have = MixInput.from_bytes(read_sized(election.full(rel), f"record file {rel}",
                                                  MAX_MIX_INPUT), rel).ciphertexts
        except EvoteError as exc:
            raise SlotStepRefused(str(exc)) from None
        if have != want:
            raise SlotStepRefused(f"{rel}: not the contest's mix input: "
                                  f"{_first_difference(have, want)}")
        try:
            chain = read_chain(election, cid, progress)
        except (MixStepRefused, EvoteError) as exc:
            raise SlotStepRefused(f"contest {cid}: {exc}") from None
        if chain.input.ciphertexts != want:   # read again by the chain: the same file
            raise SlotStepRefused(f"{rel}: changed while it was read")
        if len(chain.mixes) != len(servers) or not servers:
            k = len(chain.mixes) + 1
            raise SlotStepRefused(
                f"contest {cid}: mix {k} of {len(servers)} "
                f"({servers[k - 1].mix_id if k <= len(servers) else 'none'}) is not in the "
                "record; guardians decrypt only the last mix's outputs")
        ballots = _ballots(contest, want, rel)
        if ballots < m.privacy_floor:
            raise SlotStepRefused(f"contest {cid}: {ballots} ballots, below the privacy "
                                  f"floor of {m.privacy_floor}; it is never decrypted")
        out.append(SlotList(contest, chain.last, ballots))
    return tuple(out)


def decrypt_log_entries(context, lists) -> list:
    """(district, contest, label) per list to decrypt, for the guardian's decryption log:
    a second, different list of the same contest is refused there."""
    return [(sl.contest.district_id, sl.contest_id,
             slot_label(context.base_hash, sl.contest_id, sl.outputs))
            for sl in lists if sl.outputs]


def guardian_slot_shares(guardian, context, lists) -> list:
    """(list, SlotShares) for every list with ballots (protocol.slot_decryption)."""
    return [(sl, compute_slot_shares(guardian, context, sl.contest_id, sl.outputs))
            for sl in lists if sl.outputs]


def slot_file_name(out_json: str, contest_id: str) -> str:
    return f"{os.path.basename(out_json)}.{contest_id}.slots"


def write_guardian_slot_files(out_json: str, pairs, inputs=()) -> tuple:
    """Each contest's EVDS file beside the share file (never replacing one); the
    entries the share file lists (name and hash)."""
    entries = []
    for sl, shares in pairs:
        name = slot_file_name(out_json, sl.contest_id)
        data = shares.to_bytes()
        write_new_file(os.path.join(os.path.dirname(os.path.abspath(out_json)), name), data,
                       f"slot shares of contest {sl.contest_id}", inputs=inputs)
        entries.append(SlotSharesEntry(sl.contest_id, name, slot_file_hash(data)))
    return tuple(entries)


# ------------------------------------------------------------------ combiner

def last_outputs(election, contest) -> bytes:
    """The outputs of the manifest's last mix server's mix of the contest, as in the
    record (parsed, not re-verified: `evote mix add` checked it; V19 checks it)."""
    servers = tuple(getattr(election.manifest, "mix_servers", ()))
    if not servers:
        raise SlotStepRefused(f"contest {contest.contest_id}: the manifest names no mix "
                              "server")
    rel = layout.mix_file_path(contest.contest_id, len(servers), servers[-1].mix_id)
    if not os.path.isfile(election.full(rel)):
        raise SlotStepRefused(f"{rel}: missing; the slot contest is decrypted only after "
                              "its last mix")
    try:
        mix = MixFile.from_bytes(read_sized(election.full(rel), f"record file {rel}",
                                            MAX_MIX_FILE), rel)
    except EvoteError as exc:
        raise SlotStepRefused(str(exc)) from None
    return mix.outputs


def _guardian_shares(path: str, entry: SlotSharesEntry, index: int) -> SlotShares:
    where = f"share file {path}: slot shares of contest {entry.contest_id} ({entry.file})"
    full = os.path.join(os.path.dirname(os.path.abspath(path)), entry.file)
    try:
        data = read_sized(full, where, MAX_SHARES_FILE)
    except EvoteError as exc:
        raise SlotStepRefused(str(exc)) from None
    if slot_file_hash(data) != entry.hash:
        raise SlotStepRefused(f"{where}: its hash is not the one the share file lists")
    try:
        shares = SlotShares.from_bytes(data, where)
    except EvoteError as exc:
        raise SlotStepRefused(str(exc)) from None
    if shares.guardian_index != index:
        raise SlotStepRefused(f"{where}: guardian {shares.guardian_index}'s shares in "
                              f"guardian {index}'s share file")
    return shares


@dataclass(frozen=True)
class CombinedSlot:
    contest: object
    decryption: SlotDecryption
    shares: tuple              # SlotShares of the guardians combined, increasing


def combine_slot_contests(election, files: Mapping[int, tuple], run=None) -> list:
    """files: guardian index -> (share file path, GuardianShares). Every file must list
    exactly the slot contests with ballots; every share set is verified (the guardian
    and file of one that fails are named); all of them are combined. run: runs the
    chunk tasks (verify.executors.run_tasks; default: in this process)."""
    m, ctx = election.manifest, election.context
    slot_ids = {c.contest_id for c in m.slot_contests}
    for index, (path, gs) in sorted(files.items()):
        for e in gs.slot_shares:
            if e.contest_id not in slot_ids:
                raise SlotStepRefused(f"share file {path}: slot shares of contest "
                                      f"{e.contest_id!r}, not a slot contest of the manifest")
    out = []
    for contest in m.slot_contests:
        cid = contest.contest_id
        outputs = last_outputs(election, contest)
        ballots = _ballots(contest, outputs, f"contest {cid}: the last mix's outputs")
        shares = []
        for index, (path, gs) in sorted(files.items()):
            entry = {e.contest_id: e for e in gs.slot_shares}.get(cid)
            if not outputs:
                if entry is not None:
                    raise SlotStepRefused(f"share file {path}: slot shares of contest {cid}, "
                                          "which has no ballot")
                continue
            if entry is None:
                raise SlotStepRefused(f"share file {path}: no slot shares for contest {cid}")
            shares.append(_guardian_shares(path, entry, index))
        if not outputs:
            continue
        if ballots < m.privacy_floor:
            raise SlotStepRefused(f"contest {cid}: {ballots} ballots, below the privacy "
                                  f"floor of {m.privacy_floor}; it is never decrypted")
        try:
            dec = decrypt_slots(ctx, cid, len(contest.candidates), outputs, shares,
                                **({"run": run} if run else {}))
        except EvoteError as exc:
            who = _named_file(str(exc), files)
            raise SlotStepRefused(f"{who}contest {cid}: {exc}") from None
        out.append(CombinedSlot(contest, dec, tuple(sorted(shares,
                                                           key=lambda s: s.guardian_index))))
    return out


def _named_file(message: str, files) -> str:
    """The share file of the guardian a protocol error names ("guardian <i>:"), if any."""
    m = re.search(r"guardian (\d+)\b", message)
    if m and int(m.group(1)) in files:
        return f"share file {files[int(m.group(1))][0]}: "
    return ""


def write_slot_decryptions(election, combined, inputs=()) -> None:
    """mix/<C>/shares.bin and mix/<C>/decryption.bin of each combined slot contest,
    through the one writer (never replacing a file)."""
    for cs in combined:
        cid = cs.contest.contest_id
        for rel, data in ((shares_path(cid), join_shares(cs.shares)),
                          (decryption_path(cid), cs.decryption.to_bytes())):
            write_new_file(election.full(rel), data, f"record file {rel}", inputs=inputs)


def check_not_written(election) -> None:
    for contest in election.manifest.slot_contests:
        for rel in (shares_path(contest.contest_id), decryption_path(contest.contest_id)):
            if os.path.lexists(election.full(rel)):
                raise SlotStepRefused(f"{rel}: already exists in the record; it is never "
                                      "replaced")


# ------------------------------------------------------------------ counts

def slot_contest_counts(contest, decryption: Optional[SlotDecryption],
                        ballots: int) -> ContestCounts:
    """Votes per candidate and blank ballots from the decrypted values (no decryption:
    no ballot, all zero). ballots = slots / L."""
    n = len(contest.candidates)
    if decryption is None:
        return ContestCounts(contest.contest_id, (0,) * n, ballots, 0)
    counts = slot_counts(decryption)
    return ContestCounts(contest.contest_id, tuple(counts[:n]), ballots, counts[n])


def read_slot_decryption(directory: str, contest_id: str) -> tuple:
    """(shares tuple, SlotDecryption) parsed from the record's two files; EvoteError
    naming the file."""
    rel_s, rel_d = shares_path(contest_id), decryption_path(contest_id)
    full = lambda rel: os.path.join(directory, *rel.split("/"))  # noqa: E731
    shares = split_shares(read_sized(full(rel_s), f"record file {rel_s}", MAX_SHARES_FILE),
                          rel_s)
    dec = SlotDecryption.from_bytes(read_sized(full(rel_d), f"record file {rel_d}",
                                               MAX_DECRYPTION_FILE), rel_d)
    return shares, dec


def record_slot_counts(election, run=None) -> dict:
    """district id -> tuple of ContestCounts of its slot contests, each verified
    (specs/slot-decryption.md 5) against the last mix's outputs in the record; the
    results step's input besides tally/decryption.json. SlotStepRefused naming the
    contest and file."""
    out: dict = {}
    for contest in election.manifest.slot_contests:
        cid = contest.contest_id
        outputs = last_outputs(election, contest)
        ballots = _ballots(contest, outputs, f"contest {cid}: the last mix's outputs")
        dec = None
        if outputs:
            try:
                shares, dec = read_slot_decryption(election.directory, cid)
                kw = {} if run is None else {"run": run}
                verify_slot_decryption(election.context, cid, len(contest.candidates),
                                       outputs, shares, dec, **kw)
            except EvoteError as exc:
                raise SlotStepRefused(f"{decryption_path(cid)}: {exc}") from None
        counts = slot_contest_counts(contest, dec, ballots)
        out.setdefault(contest.district_id, []).append(counts)
    return {did: tuple(items) for did, items in out.items()}
