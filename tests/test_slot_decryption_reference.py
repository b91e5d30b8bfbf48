"""Differential: evote's slot decryption against the pure-Python reference written from
specs/slot-decryption.md (tests/reference/slot_decryption.py, no evote code): same share
files byte for byte from the same nonce, same decryption file, and the same verdict on
honest and tampered inputs."""
import dataclasses

import pytest

from evote.errors import EvoteError
from evote.group import Point, Scalar
from evote.protocol import slot_decryption as sd
from evote.protocol.elgamal import encrypt
from evote.protocol.slot_decryption_codec import SlotDecryption, SlotShares

from ceremony_support import ceremony
from reference import slot_decryption as ref

N = 4
CONTEST = "c-ref"
VALUES = [2, 5, 9000, 1, 5]


@pytest.fixture(scope="module")
def case():
    ctx, guardians = ceremony(3, 2)
    cts = sd.ciphertexts_blob([encrypt(v, Scalar.random(), ctx) for v in VALUES])
    nonces = [Scalar.from_int(1000 + g.index) for g in guardians]
    shares = [sd.slot_shares_from_nonce(g, ctx, CONTEST, cts, u)
              for g, u in zip(guardians, nonces)]
    publics = {g.index: ctx.public_share(g.index).to_bytes() for g in guardians}
    return ctx, guardians, cts, shares, publics


def test_shares_byte_for_byte(case):
    ctx, guardians, cts, shares, _ = case
    assert sd.slot_label(ctx.base_hash, CONTEST, cts) == ref.label(ctx.base_hash, CONTEST, cts)
    for g, s in zip(guardians, shares):
        assert s.to_bytes() == ref.prove(ctx.base_hash, CONTEST, g.index, int(g.key_share),
                                         cts, 1000 + g.index)


def test_decryption_byte_for_byte_and_verified(case):
    ctx, _, cts, shares, publics = case
    for chosen in (shares[:2], shares[1:], shares):
        dec = sd.decrypt_slots(ctx, CONTEST, N, cts, chosen)
        files = [s.to_bytes() for s in chosen]
        assert dec.to_bytes() == ref.combine(ctx.base_hash, CONTEST, N, cts, files)
        assert ref.verify(ctx.base_hash, CONTEST, publics, 2, N, cts, files,
                          dec.to_bytes()) is None
    assert sd.slot_counts(dec) == [1, 1, 0, 0, 2]


def _evote_verdict(ctx, cts, share_files, dec_bytes):
    try:
        shares = [SlotShares.from_bytes(f) for f in share_files]
        dec = SlotDecryption.from_bytes(dec_bytes)
        sd.verify_slot_decryption(ctx, CONTEST, N, cts, shares, dec)
    except EvoteError as exc:
        return str(exc)
    return None


def _plus_g(blob: bytes, at: int) -> bytes:
    p = Point.from_bytes(blob[at:at + 32]) + Point.generator()
    return blob[:at] + p.to_bytes() + blob[at + 32:]


@pytest.mark.parametrize("tamper", [
    "none", "share", "response", "commitment", "value", "mark", "vote_as_mark", "label",
])
def test_same_verdict(case, tamper):
    ctx, _, cts, shares, publics = case
    files = [s.to_bytes() for s in shares[:2]]
    dec = sd.decrypt_slots(ctx, CONTEST, N, cts, shares[:2]).to_bytes()
    values_at = 20 + 4 * 2 + 32
    if tamper == "share":
        files[0] = _plus_g(files[0], 144 + 32 * 3)
    elif tamper == "response":
        v = (int.from_bytes(files[1][112:144], "little") + 1) % Scalar.ORDER
        files[1] = files[1][:112] + v.to_bytes(32, "little") + files[1][144:]
    elif tamper == "commitment":
        files[1] = _plus_g(files[1], 80)
    elif tamper == "value":
        dec = dec[:values_at] + (3).to_bytes(4, "big") + dec[values_at + 4:]
    elif tamper == "mark":
        dec = _plus_g(dec, values_at + 4 * len(VALUES))
    elif tamper == "vote_as_mark":   # slot 0 (value 2) published as the mark 2*G
        d = SlotDecryption.from_bytes(dec)
        two_g = (Point.generator() + Point.generator()).to_bytes()
        dec = dataclasses.replace(d, values=(0,) + d.values[1:], marks=two_g + d.marks).to_bytes()
    elif tamper == "label":
        other = sd.slot_label(ctx.base_hash, "other", cts)
        files = [f[:16] + other + f[48:] for f in files]
        dec = dec[:values_at - 32] + other + dec[values_at:]
    got_ref = ref.verify(ctx.base_hash, CONTEST, publics, 2, N, cts, files, dec)
    got_evote = _evote_verdict(ctx, cts, files, dec)
    if tamper == "none":
        assert got_ref is None and got_evote is None
    else:
        assert got_ref is not None and got_evote is not None, (got_ref, got_evote)
