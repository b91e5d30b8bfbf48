"""The record's lot decryption file, tally/lot.json (specs/record.md section 6,
specs/key-ceremony.md section 12): written by `evote combine`, checked by V12, its seed
used by `evote results` and recomputed by V15.

    {"version": "evote-lot-decryption/1",
     "shares": [<DecryptionShare of the context's lot ciphertext, label LOT_LABEL>, ...],
     "point": hex32,      // P = beta - sum lambda_l M_l over the shares' guardians
     "seed": hex32}       // H("evote/v1/lot-seed"; base hash, P)

Invariants of a verified LotDecryption (verify()): at least t shares of distinct
guardians of the context, sorted by guardian, one partial each, every proof valid for
the context's lot ciphertext (the sum of the n acknowledged contributions); point is
their combination and seed its hash. Any t valid shares give the same point (the
ciphertext and the guardians' polynomial fix it), so the set of guardians who decrypt
cannot change the seed. Nothing here is secret.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import EvoteError, InvalidProof, RecordError
from ..group import Point
from ..protocol.decryption import (DecryptionShare, combine_decryption_shares,
                                   verify_decryption_share, verify_decryption_shares)
from ..protocol.lot import LOT_LABEL, lot_seed
from .fields import Obj

LOT_VERSION = "evote-lot-decryption/1"


@dataclass(frozen=True)
class LotDecryption:
    shares: tuple          # DecryptionShare, sorted by guardian index
    point: Point
    seed: bytes

    def to_json_obj(self) -> dict:
        return {"version": LOT_VERSION, "shares": [s.to_json_obj() for s in self.shares],
                "point": self.point.to_bytes().hex(), "seed": self.seed.hex()}

    @classmethod
    def from_json_obj(cls, value, where: str = "tally/lot.json") -> "LotDecryption":
        """Strict reader (shapes and encodings); RecordError names the file and field."""
        o = Obj(value, where + " $", ("version", "shares", "point", "seed"))
        if o.get("version") != LOT_VERSION:
            raise RecordError(f"{o.at('version')}: {o.get('version')!r} is not "
                              f"{LOT_VERSION!r}")
        shares = []
        for i, s in enumerate(o.list("shares")):
            try:
                shares.append(DecryptionShare.from_json_obj(s))
            except EvoteError as exc:
                raise RecordError(f"{o.at('shares')}[{i}]: {exc}") from None
        try:
            point = Point.from_bytes(o.hex("point", 32))
        except EvoteError as exc:
            raise RecordError(f"{o.at('point')}: {exc}") from None
        return cls(tuple(shares), point, o.hex("seed", 32))

    def verify(self, context) -> bytes:
        """The seed, after every check of the module docstring; RecordError naming the
        guardian or the field otherwise."""
        where = "tally/lot.json"
        indices = [s.guardian_index for s in self.shares]
        if indices != sorted(set(indices)):
            raise RecordError(f"{where} $.shares: guardians {indices}: not sorted, or a "
                              "guardian repeated")
        if len(indices) < context.threshold:
            raise RecordError(f"{where} $.shares: {len(indices)} share(s) (guardians "
                              f"{indices}); the threshold is {context.threshold}")
        point = combine_lot_shares(context, self.shares, where)
        if point != self.point:
            raise RecordError(f"{where} $.point: not the combination of the shares "
                              f"({point.to_bytes().hex()})")
        seed = lot_seed(context.base_hash, point)
        if seed != self.seed:
            raise RecordError(f"{where} $.seed: not H(\"evote/v1/lot-seed\"; base hash, "
                              f"point) = {seed.hex()}")
        return seed


def combine_lot_shares(context, shares, where: str) -> Point:
    """Verify every share's proof against the context's lot ciphertext (one batch; on
    failure the first bad guardian is named) and combine them: the lot point P."""
    try:
        ct = context.lot_ciphertext
    except EvoteError as exc:
        raise RecordError(f"{where}: {exc}") from None
    try:
        verify_decryption_shares(context, [ct], [LOT_LABEL], list(shares))
        return combine_decryption_shares(context, [ct], list(shares))[0]
    except InvalidProof:
        for s in shares:
            try:
                verify_decryption_share(context, [ct], [LOT_LABEL], s)
            except (InvalidProof, EvoteError) as exc:
                raise RecordError(f"{where}: guardian {s.guardian_index}'s lot share: "
                                  f"{exc}") from None
        raise RecordError(f"{where}: lot shares do not verify") from None
    except EvoteError as exc:
        raise RecordError(f"{where}: {exc}") from None


def decrypt_lot(context, shares: Any) -> LotDecryption:
    """LotDecryption from shares computed elsewhere (each guardian's), every one checked."""
    ordered = tuple(sorted(shares, key=lambda s: s.guardian_index))
    point = combine_lot_shares(context, ordered, "lot shares")
    return LotDecryption(ordered, point, lot_seed(context.base_hash, point))
