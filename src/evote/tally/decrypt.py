"""Threshold decryption of district tallies, with proofs, and its verification.

decrypt_district_tallies(context, guardians_present, tallies, bound=None): for every
district tally and every contest in it, each present guardian computes its decryption
share of the contest's ciphertexts (protocol.decryption: s_l * alpha_k with a
Chaum-Pedersen proof), the shares are verified (one batch per contest), combined by
Lagrange interpolation and the counts recovered by baby-step giant-step in [0, bound]
(bound: the contest tally's ballot count unless given).

Position labels (bound into every share's proof): position k of a contest tally (its
k-th candidate in manifest order; k = number of candidates for the blank indicator) has
the label decryption.position_label(contest_id, k) = u64(len(id)) || id (UTF-8) || u64(k).
The manifest (bound through the base hash) fixes which candidate sits at position k.

decrypt_with_shares(context, tallies, shares_by_contest, manifest=None) does the same
from shares computed separately (`evote combine`: each guardian computed its own on its
own machine): no process holds two guardians' secrets.

verify_decryption_record(context, tallies, record) checks that the record covers exactly
the tallies (districts, contests, ballot counts), then for each contest every share's
proof and that the shares combine to the published counts (no discrete log needed); it
raises DecryptionRecordError naming the district, the contest and, for a bad proof, the
guardian. It returns the counts as evote.results ContestCounts.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from ..errors import EvoteError, EvoteTypeError, InvalidProof
from ..protocol.decryption import (DecryptionShare, compute_decryption_share, decrypt_tally,
                                   position_label, verify_counts, verify_decryption_share)
from ..protocol.elgamal import Ciphertext
from ..results.model import ContestCounts
from .errors import DecryptionRecordError, TallyInputError
from .model import ContestTally, EncryptedTally, _exact_keys

DECRYPTION_VERSION = "evote-tally-decryption/1"


def tally_labels(contest_id: str, width: int) -> list:
    """Labels of a contest tally's positions 0..width-1 (candidates in order, then blank)."""
    return [position_label(contest_id, k) for k in range(width)]


@dataclass(frozen=True)
class ContestDecryption:
    """One contest of one district tally: the present guardians' shares (with proofs)
    and the counts they decrypt to (candidates in order, then blank ballots)."""
    district_id: str
    contest_id: str
    ballots: int
    shares: tuple
    counts: tuple

    def contest_counts(self) -> ContestCounts:
        return ContestCounts(self.contest_id, tuple(self.counts[:-1]), self.ballots,
                             self.counts[-1])

    def to_json_obj(self) -> dict:
        return {"district_id": self.district_id, "contest_id": self.contest_id,
                "ballots": self.ballots, "counts": list(self.counts),
                "shares": [s.to_json_obj() for s in self.shares]}

    @classmethod
    def from_json_obj(cls, obj: Any, where: str) -> "ContestDecryption":
        if not isinstance(obj, dict):
            raise TallyInputError(f"{where}: expected an object")
        _exact_keys(where, obj, ("ballots", "contest_id", "counts", "district_id", "shares"))
        for key in ("district_id", "contest_id"):
            if not isinstance(obj[key], str):
                raise TallyInputError(f"{where}.{key}: expected a string")
        where = f"{where} (district {obj['district_id']!r}, contest {obj['contest_id']!r})"
        ballots = obj["ballots"]
        counts = obj["counts"]
        if isinstance(ballots, bool) or not isinstance(ballots, int) or ballots < 0:
            raise TallyInputError(f"{where}.ballots: expected an integer >= 0")
        if not isinstance(counts, list) or not counts or any(
                isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in counts):
            raise TallyInputError(f"{where}.counts: expected a non-empty list of integers >= 0")
        if not isinstance(obj["shares"], list):
            raise TallyInputError(f"{where}.shares: expected a list")
        shares = []
        for i, s in enumerate(obj["shares"]):
            try:
                shares.append(DecryptionShare.from_json_obj(s))
            except EvoteError as exc:
                raise TallyInputError(f"{where}.shares[{i}]: {exc}") from None
        return cls(obj["district_id"], obj["contest_id"], ballots, tuple(shares),
                   tuple(counts))


@dataclass(frozen=True)
class DecryptionRecord:
    """Every contest of every district tally, decrypted (sorted by district, contest)."""
    contests: tuple

    def by_district(self) -> dict:
        out: dict = {}
        for c in self.contests:
            out.setdefault(c.district_id, []).append(c.contest_counts())
        return {d: tuple(v) for d, v in out.items()}

    def to_json_obj(self) -> dict:
        return {"version": DECRYPTION_VERSION, "contests": [c.to_json_obj() for c in self.contests]}

    @classmethod
    def from_json_obj(cls, obj: Any, where: str = "decryption record") -> "DecryptionRecord":
        if not isinstance(obj, dict):
            raise TallyInputError(f"{where}: expected an object")
        _exact_keys(where, obj, ("contests", "version"))
        if obj["version"] != DECRYPTION_VERSION:
            raise TallyInputError(f"{where}.version: {obj['version']!r} is not "
                                  f"{DECRYPTION_VERSION!r}")
        if not isinstance(obj["contests"], list):
            raise TallyInputError(f"{where}.contests: expected a list")
        items = tuple(ContestDecryption.from_json_obj(c, f"{where}.contests[{i}]")
                      for i, c in enumerate(obj["contests"]))
        keys = [(c.district_id, c.contest_id) for c in items]
        if keys != sorted(set(keys)):
            raise TallyInputError(f"{where}.contests: not sorted by (district, contest) or "
                                  "a contest is repeated")
        return cls(items)


def _check_tallies(tallies) -> list:
    if not isinstance(tallies, Mapping):
        raise EvoteTypeError("tallies: expected a mapping district id -> EncryptedTally")
    out = []
    for did in sorted(tallies):
        t = tallies[did]
        if not isinstance(t, EncryptedTally):
            raise EvoteTypeError(f"tallies[{did!r}]: expected EncryptedTally")
        out.extend((did, ct) for ct in t.contests)
    return out


def _vector(ct: ContestTally) -> list:
    return [Ciphertext.from_bytes(c, f"contest {ct.contest_id!r} ciphertext {k}")
            for k, c in enumerate(ct.ciphertexts)]


def contest_ciphertexts(ct: ContestTally) -> list:
    """The Ciphertext of each position of a contest tally (what its shares decrypt)."""
    return _vector(ct)


def _check_contest(manifest, ct: ContestTally, did: str) -> None:
    if manifest is None:
        return
    try:
        contest = manifest.contest(ct.contest_id)
    except (EvoteError, KeyError):
        raise TallyInputError(f"district {did!r}: contest {ct.contest_id!r} is not in the "
                              "manifest") from None
    if contest.district_id != did:
        station = next((st for st in manifest.stations if st.station_id == did), None)
        if station is None:
            raise TallyInputError(f"district {did!r}: contest {ct.contest_id!r} belongs to "
                                  f"district {contest.district_id!r}")
        if ct.contest_id not in manifest.style(station.style_id).contest_ids:  # station tally
            raise TallyInputError(f"station {did!r} does not offer contest {ct.contest_id!r}")
    if ct.width != len(contest.candidates) + 1:
        raise TallyInputError(f"district {did!r}, contest {ct.contest_id!r}: {ct.width} "
                              f"positions, the contest has {len(contest.candidates)} "
                              "candidates + blank")


def decrypt_district_tallies(context, guardians_present: Sequence, tallies: Mapping,
                             bound: Optional[int] = None, *, manifest=None) -> DecryptionRecord:
    """Decrypt every contest of every district tally with the present guardians (at least
    the threshold; secrets stay in the Guardian objects). bound: largest count searched
    (default: each contest tally's ballot count, which no count can exceed). manifest,
    if given: each contest must be in it, in that district, with that many positions.
    Where station tallies are published, `tallies` may map station ids (checked against
    the station's style); the record's district_id field then holds the station id."""
    present = list(guardians_present)
    if len(present) < context.threshold:
        raise TallyInputError(f"{len(present)} guardian(s) present; the threshold is "
                              f"{context.threshold}")
    out = []
    for did, ct in _check_tallies(tallies):
        _check_contest(manifest, ct, did)
        cts, labels = _vector(ct), tally_labels(ct.contest_id, ct.width)
        shares = [compute_decryption_share(g, context, cts, labels) for g in present]
        limit = ct.ballots if bound is None else bound
        try:
            counts = decrypt_tally(context, cts, labels, shares, limit)
        except EvoteError as exc:
            raise DecryptionRecordError(f"district {did!r}, contest {ct.contest_id!r}: "
                                        f"{exc}") from None
        out.append(ContestDecryption(did, ct.contest_id, ct.ballots, tuple(shares),
                                     tuple(counts)))
    return DecryptionRecord(tuple(out))


def decrypt_with_shares(context, tallies: Mapping, shares_by_contest: Mapping, *,
                        manifest=None) -> DecryptionRecord:
    """Combine shares computed elsewhere (each guardian on its own machine) into the
    decryption record of `tallies` (district id -> EncryptedTally). shares_by_contest:
    (district id, contest id) -> DecryptionShares of at least the threshold of distinct
    guardians, for every contest of the tallies. Every share's proof is verified here
    again (batch) before its use; the counts are searched in [0, the contest's ballots].
    DecryptionRecordError naming the district and contest otherwise."""
    out = []
    for did, ct in _check_tallies(tallies):
        _check_contest(manifest, ct, did)
        where = f"district {did!r}, contest {ct.contest_id!r}"
        shares = sorted(shares_by_contest.get((did, ct.contest_id), ()),
                        key=lambda s: s.guardian_index)
        cts, labels = _vector(ct), tally_labels(ct.contest_id, ct.width)
        try:
            counts = decrypt_tally(context, cts, labels, shares, ct.ballots)
        except EvoteError as exc:
            raise DecryptionRecordError(f"{where}: {exc}") from None
        out.append(ContestDecryption(did, ct.contest_id, ct.ballots, tuple(shares),
                                     tuple(counts)))
    return DecryptionRecord(tuple(out))


def verify_decryption_record(context, tallies: Mapping, record: DecryptionRecord, *,
                             manifest=None) -> dict:
    """Check a decryption record against the encrypted district tallies; return
    district id -> tuple of ContestCounts. Raises DecryptionRecordError naming the
    district, contest and (for a bad proof) guardian."""
    if not isinstance(record, DecryptionRecord):
        raise EvoteTypeError("record: expected DecryptionRecord")
    expected = {(did, ct.contest_id): ct for did, ct in _check_tallies(tallies)}
    got = {(c.district_id, c.contest_id): c for c in record.contests}
    for key in sorted(set(expected) - set(got)):
        raise DecryptionRecordError(f"district {key[0]!r}, contest {key[1]!r}: the tally has "
                                    "no decryption in the record")
    for key in sorted(set(got) - set(expected)):
        raise DecryptionRecordError(f"district {key[0]!r}, contest {key[1]!r}: decrypted in "
                                    "the record but not in the tallies")
    out: dict = {}
    for (did, cid), ct in sorted(expected.items()):
        dec = got[(did, cid)]
        where = f"district {did!r}, contest {cid!r}"
        if dec.ballots != ct.ballots:
            raise DecryptionRecordError(f"{where}: record says {dec.ballots} ballots, the "
                                        f"tally holds {ct.ballots}")
        if len(dec.counts) != ct.width:
            raise DecryptionRecordError(f"{where}: {len(dec.counts)} counts for {ct.width} "
                                        "positions")
        indices = [s.guardian_index for s in dec.shares]
        if len(set(indices)) != len(indices) or len(indices) < context.threshold:
            raise DecryptionRecordError(f"{where}: shares of guardians {indices}; need "
                                        f"{context.threshold} distinct guardians")
        try:
            _check_contest(manifest, ct, did)
        except TallyInputError as exc:
            raise DecryptionRecordError(str(exc)) from None
        cts, labels = _vector(ct), tally_labels(cid, ct.width)
        try:
            verify_counts(context, cts, labels, dec.shares, dec.counts)
        except InvalidProof:
            for s in dec.shares:  # name the guardian
                try:
                    verify_decryption_share(context, cts, labels, s)
                except InvalidProof as exc:
                    raise DecryptionRecordError(f"{where}: guardian {s.guardian_index}: "
                                                f"{exc}") from None
            raise DecryptionRecordError(f"{where}: decryption shares do not verify") from None
        except EvoteError as exc:
            raise DecryptionRecordError(f"{where}: {exc}") from None
        try:
            counts = dec.contest_counts()
        except EvoteError as exc:
            raise DecryptionRecordError(f"{where}: {exc}") from None
        out.setdefault(did, []).append(counts)
    return {d: tuple(v) for d, v in out.items()}
