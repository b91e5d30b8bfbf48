"""Encrypted tallies: per contest, the homomorphic sum of the CAST ballots' ciphertexts.

    ContestTally(contest_id, ciphertexts, ballots)
        ciphertexts[k] = 64 bytes alpha_k || beta_k = sum over the ballots of the k-th
        ciphertext of the contest: the candidates in manifest order, then (last) the blank
        indicator. ballots = how many CAST ballots were summed.
    EncryptedTally: one ContestTally per contest id (a station's, a district's, a
        worker's partial tally).

Invariants (valid by construction): every ciphertext is 64 bytes whose two halves are
canonical ristretto255 encodings; ballots >= 0. merge() is the group addition of the
ciphertexts and the sum of the counts, so it is associative and commutative, with the
empty tally (and a contest tally of identity points and 0 ballots) as neutral element:
partial tallies from any split of the ballots, merged in any order, give the same bytes.
Objects are immutable. JSON (to_json_obj / from_json_obj) is canonical: lowercase hex,
contests sorted by id, exact keys; a reader refuses anything else with a precise error.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping

from ..errors import EvoteTypeError, InvalidEncoding
from ..group import aggregate_vartime, validate_points
from .errors import TallyInputError

TALLY_VERSION = "evote-encrypted-tally/1"
CIPHERTEXT_SIZE = 64
ZERO_CIPHERTEXT = bytes(CIPHERTEXT_SIZE)  # (identity, identity): the encryption of 0, nonce 0
MAX_ID = 255
_HEX = frozenset("0123456789abcdef")


def _check_id(what: str, value: Any) -> str:
    if not isinstance(value, str):
        raise EvoteTypeError(f"{what}: expected str, got {type(value).__name__}")
    if not 1 <= len(value) <= MAX_ID:
        raise TallyInputError(f"{what}: must be 1-{MAX_ID} characters, got {len(value)}")
    return value


def _check_count(what: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EvoteTypeError(f"{what}: expected int, got {type(value).__name__}")
    if not 0 <= value < 1 << 63:
        raise TallyInputError(f"{what}: {value} is out of range [0, 2^63)")
    return value


class ContestTally:
    """The encrypted totals of one contest (see the module docstring)."""

    __slots__ = ("_contest_id", "_ciphertexts", "_ballots")

    def __init__(self, contest_id: str, ciphertexts: Iterable[bytes], ballots: int):
        """Checks everything: types, 64-byte ciphertexts, every point's encoding (one C
        call), ballots >= 0. TallyInputError names the contest and the position."""
        cid = _check_id("ContestTally.contest_id", contest_id)
        if isinstance(ciphertexts, (bytes, str)) or not isinstance(ciphertexts, Iterable):
            raise EvoteTypeError(f"contest tally {cid!r}: ciphertexts must be a sequence of "
                                 "64-byte values")
        cts = tuple(ciphertexts)
        if not cts:
            raise TallyInputError(f"contest tally {cid!r}: no ciphertexts (needs the "
                                  "candidates and the blank indicator)")
        for k, c in enumerate(cts):
            if not isinstance(c, bytes):
                raise EvoteTypeError(f"contest tally {cid!r}: ciphertexts[{k}] must be bytes, "
                                     f"not {type(c).__name__}")
            if len(c) != CIPHERTEXT_SIZE:
                raise TallyInputError(f"contest tally {cid!r}: ciphertexts[{k}] has {len(c)} "
                                      f"bytes, not {CIPHERTEXT_SIZE}")
        try:
            validate_points(b"".join(cts))
        except InvalidEncoding:
            k, half = _first_bad(cts)
            raise TallyInputError(f"contest tally {cid!r}: ciphertexts[{k}] {half} is not a "
                                  "valid ristretto255 encoding") from None
        _check_count(f"contest tally {cid!r}: ballots", ballots)
        self._set(cid, cts, ballots)

    @classmethod
    def _trusted(cls, contest_id: str, ciphertexts: tuple, ballots: int) -> "ContestTally":
        # Only for values the C core produced (canonical by construction) or checked above.
        t = object.__new__(cls)
        t._set(contest_id, ciphertexts, ballots)
        return t

    def _set(self, cid, cts, ballots):
        object.__setattr__(self, "_contest_id", cid)
        object.__setattr__(self, "_ciphertexts", cts)
        object.__setattr__(self, "_ballots", ballots)

    @classmethod
    def zero(cls, contest_id: str, width: int) -> "ContestTally":
        """The tally of no ballot for a contest of width = candidates + 1 positions."""
        _check_id("contest_id", contest_id)
        if isinstance(width, bool) or not isinstance(width, int) or width < 1:
            raise TallyInputError(f"contest tally {contest_id!r}: width must be an int >= 1")
        return cls._trusted(contest_id, (ZERO_CIPHERTEXT,) * width, 0)

    def __setattr__(self, name, value):
        raise AttributeError("ContestTally is immutable")

    def __delattr__(self, name):
        raise AttributeError("ContestTally is immutable")

    @property
    def contest_id(self) -> str:
        return self._contest_id

    @property
    def ciphertexts(self) -> tuple:
        """64-byte alpha||beta per position: candidates in manifest order, then blank."""
        return self._ciphertexts

    @property
    def ballots(self) -> int:
        return self._ballots

    @property
    def width(self) -> int:
        return len(self._ciphertexts)

    def merge(self, other: "ContestTally") -> "ContestTally":
        """Position-wise homomorphic sum, ballots added (one C call)."""
        if not isinstance(other, ContestTally):
            raise EvoteTypeError(f"merge: expected ContestTally, got {type(other).__name__}")
        if other._contest_id != self._contest_id or other.width != self.width:
            raise TallyInputError(
                f"cannot merge the tally of contest {other._contest_id!r} ({other.width} "
                f"positions) into contest {self._contest_id!r} ({self.width} positions)")
        return merge_contest_tallies((self, other))

    def __eq__(self, other):
        if not isinstance(other, ContestTally):
            return NotImplemented
        return (self._contest_id, self._ballots, self._ciphertexts) == \
            (other._contest_id, other._ballots, other._ciphertexts)

    def __hash__(self):
        return hash((ContestTally, self._contest_id, self._ballots, self._ciphertexts))

    def __repr__(self):
        return (f"ContestTally({self._contest_id!r}, {self.width} positions, "
                f"{self._ballots} ballots)")

    def __reduce__(self):  # pickling across worker processes: C outputs, no re-check
        return (ContestTally._trusted, (self._contest_id, self._ciphertexts, self._ballots))

    def to_json_obj(self) -> dict:
        return {"contest_id": self._contest_id, "ballots": self._ballots,
                "ciphertexts": [c.hex() for c in self._ciphertexts]}

    @classmethod
    def from_json_obj(cls, obj: Any, where: str = "contest tally") -> "ContestTally":
        if not isinstance(obj, dict):
            raise TallyInputError(f"{where}: expected an object, got {type(obj).__name__}")
        _exact_keys(where, obj, ("ballots", "ciphertexts", "contest_id"))
        cid = obj["contest_id"]
        if not isinstance(cid, str):
            raise TallyInputError(f"{where}.contest_id: expected a string")
        where = f"{where} {cid!r}"
        ballots = obj["ballots"]
        if isinstance(ballots, bool) or not isinstance(ballots, int):
            raise TallyInputError(f"{where}.ballots: expected an integer")
        raw = obj["ciphertexts"]
        if not isinstance(raw, list):
            raise TallyInputError(f"{where}.ciphertexts: expected a list")
        cts = []
        for k, h in enumerate(raw):
            if not isinstance(h, str) or len(h) != 2 * CIPHERTEXT_SIZE or not _HEX.issuperset(h):
                raise TallyInputError(f"{where}.ciphertexts[{k}]: expected {2 * CIPHERTEXT_SIZE}"
                                      " lowercase hex digits")
            cts.append(bytes.fromhex(h))
        try:
            return cls(cid, cts, ballots)
        except TallyInputError as exc:
            raise TallyInputError(f"{where}: {exc}") from None


def _first_bad(cts: tuple) -> tuple:
    """(position, 'alpha'|'beta') of the first invalid encoding (error path only)."""
    for k, c in enumerate(cts):
        for half, enc in (("alpha", c[:32]), ("beta", c[32:])):
            try:
                validate_points(enc)
            except InvalidEncoding:
                return k, half
    return -1, "?"


def _exact_keys(where: str, obj: dict, keys: tuple) -> None:
    have = set(obj)
    missing = [k for k in keys if k not in have]
    extra = sorted(str(k) for k in have - set(keys))
    if missing:
        raise TallyInputError(f"{where}: missing field(s) {', '.join(missing)}")
    if extra:
        raise TallyInputError(f"{where}: unknown field(s) {', '.join(extra)}")


def merge_contest_tallies(tallies: Iterable[ContestTally]) -> ContestTally:
    """Sum any number (>= 1) of tallies of the same contest in ONE C call."""
    tallies = list(tallies)
    if not tallies:
        raise TallyInputError("merge_contest_tallies: nothing to merge")
    first = tallies[0]
    for t in tallies:
        if not isinstance(t, ContestTally):
            raise EvoteTypeError(f"merge: expected ContestTally, got {type(t).__name__}")
        if t._contest_id != first._contest_id or t.width != first.width:
            raise TallyInputError(
                f"cannot merge the tally of contest {t._contest_id!r} ({t.width} positions) "
                f"with contest {first._contest_id!r} ({first.width} positions)")
    if len(tallies) == 1:
        return first
    width = first.width
    cols = aggregate_vartime(b"".join(b"".join(t._ciphertexts) for t in tallies),
                             len(tallies), 2 * width)
    cts = tuple(cols[2 * k] + cols[2 * k + 1] for k in range(width))
    return ContestTally._trusted(first._contest_id, cts, sum(t._ballots for t in tallies))


class EncryptedTally(Mapping):
    """contest id -> ContestTally; immutable. Iteration is in sorted contest-id order."""

    __slots__ = ("_by_id",)

    def __init__(self, contests: Iterable[ContestTally] = ()):
        by_id = {}
        for t in contests:
            if not isinstance(t, ContestTally):
                raise EvoteTypeError(f"EncryptedTally: expected ContestTally items, got "
                                     f"{type(t).__name__}")
            if t.contest_id in by_id:
                raise TallyInputError(f"EncryptedTally: contest {t.contest_id!r} given twice")
            by_id[t.contest_id] = t
        object.__setattr__(self, "_by_id", dict(sorted(by_id.items())))

    def __setattr__(self, name, value):
        raise AttributeError("EncryptedTally is immutable")

    def __getitem__(self, contest_id: str) -> ContestTally:
        try:
            return self._by_id[contest_id]
        except KeyError:
            raise KeyError(f"no tally for contest {contest_id!r}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def __eq__(self, other):
        if not isinstance(other, EncryptedTally):
            return NotImplemented
        return self._by_id == other._by_id

    def __hash__(self):
        return hash(tuple(self._by_id.values()))

    def __repr__(self):
        return f"EncryptedTally({', '.join(map(repr, self._by_id.values()))})"

    def __reduce__(self):
        return (EncryptedTally, (tuple(self._by_id.values()),))

    @property
    def contests(self) -> tuple:
        """The ContestTally objects, sorted by contest id."""
        return tuple(self._by_id.values())

    def merge(self, other: "EncryptedTally") -> "EncryptedTally":
        """Contest-wise merge; a contest present on one side only is kept as it is."""
        if not isinstance(other, EncryptedTally):
            raise EvoteTypeError(f"merge: expected EncryptedTally, got {type(other).__name__}")
        return merge_tallies((self, other))

    def to_json_obj(self) -> dict:
        return {"version": TALLY_VERSION,
                "contests": [t.to_json_obj() for t in self._by_id.values()]}

    @classmethod
    def from_json_obj(cls, obj: Any, where: str = "encrypted tally") -> "EncryptedTally":
        """Strict reader: version, exact keys, contests sorted by id and unique, lowercase
        hex, valid encodings. TallyInputError names the field."""
        if not isinstance(obj, dict):
            raise TallyInputError(f"{where}: expected an object, got {type(obj).__name__}")
        _exact_keys(where, obj, ("contests", "version"))
        if obj["version"] != TALLY_VERSION:
            raise TallyInputError(f"{where}.version: {obj['version']!r} is not {TALLY_VERSION!r}")
        items = obj["contests"]
        if not isinstance(items, list):
            raise TallyInputError(f"{where}.contests: expected a list")
        out = [ContestTally.from_json_obj(c, f"{where}.contests[{i}]") for i, c in enumerate(items)]
        for i in range(1, len(out)):
            if out[i - 1].contest_id >= out[i].contest_id:
                raise TallyInputError(f"{where}.contests[{i}]: contest {out[i].contest_id!r} is "
                                      "out of order or repeated (canonical: sorted, unique)")
        return cls(out)


def merge_tallies(tallies: Iterable[EncryptedTally]) -> EncryptedTally:
    """Merge any number of tallies: one C call per contest."""
    groups: dict = {}
    for t in tallies:
        if not isinstance(t, EncryptedTally):
            raise EvoteTypeError(f"merge: expected EncryptedTally, got {type(t).__name__}")
        for cid, ct in t._by_id.items():
            groups.setdefault(cid, []).append(ct)
    return EncryptedTally(merge_contest_tallies(g) for g in groups.values())


def zero_tally(manifest, contest_ids: Iterable[str]) -> EncryptedTally:
    """The tally of no ballot for these contests (a station where nobody voted)."""
    return EncryptedTally(ContestTally.zero(cid, len(manifest.contest(cid).candidates) + 1)
                          for cid in contest_ids)


