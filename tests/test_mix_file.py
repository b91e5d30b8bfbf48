"""The mix files' formats and the check of one mix (specs/mix.md 2-4): round trips, the
strict parsers naming the field and offset, and, for every byte of an honest mix file,
that changing it is refused (by the parser, the signature, the input hash or the proof)."""
import functools

import nacl.signing
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evote.errors import EvoteError, InvalidEncoding
from evote.group import Scalar
from evote.protocol.ceremony import run_ceremony
from evote.protocol.elgamal import Ciphertext, encrypt
from evote.protocol.mix_file import (MixFile, MixInput, check_mix, list_hash, mix_label,
                                     sign_mix)
from evote.protocol.shuffle import shuffle

MH = bytes(range(32))
CID, MID = "tehran", "mix-1"


@functools.lru_cache(maxsize=None)
def _honest():
    ctx, _ = run_ceremony(MH, 3, 2)
    key = nacl.signing.SigningKey(bytes(32))
    cts = [encrypt(m, Scalar.random(), ctx) for m in (3, 1, 4, 1, 5)]
    blob = b"".join(c.to_bytes() for c in cts)
    outs, proof = shuffle(ctx.joint_key, cts, label=mix_label(ctx.base_hash, CID, 1, MID))
    m = sign_mix(MixFile(CID, 1, MID, list_hash(CID, blob),
                         b"".join(c.to_bytes() for c in outs), proof, bytes(64)), MH, key)
    return ctx, key, blob, m.to_bytes()


def _check(ctx, key, blob, data):
    check_mix(MixFile.from_bytes(data), blob, manifest_hash=MH, base_hash=ctx.base_hash,
              joint_key=ctx.joint_key, contest_id=CID, k=1, mix_id=MID,
              server_key=bytes(key.verify_key))


def test_round_trips_and_honest_check():
    ctx, key, blob, data = _honest()
    assert MixFile.from_bytes(data).to_bytes() == data
    mi = MixInput(CID, blob)
    assert MixInput.from_bytes(mi.to_bytes()) == mi and mi.n == 5
    _check(ctx, key, blob, data)


def test_input_parser_names_fields():
    good = MixInput(CID, bytes(128)).to_bytes()
    with pytest.raises(InvalidEncoding, match="magic at offset 0"):
        MixInput.from_bytes(b"EVMX" + good[4:])
    with pytest.raises(InvalidEncoding, match="reserved bytes at offset 5"):
        MixInput.from_bytes(good[:5] + b"\1" + good[6:])
    with pytest.raises(InvalidEncoding, match="contest id at offset 8"):
        MixInput.from_bytes(good[:9] + b"." + good[10:])
    with pytest.raises(InvalidEncoding, match="n = 2 needs 128"):
        MixInput.from_bytes(good[:-1])
    with pytest.raises(InvalidEncoding, match="n = 2 needs 128"):
        MixInput.from_bytes(good + b"\0")


def test_other_place_refused():
    ctx, key, blob, data = _honest()
    m = MixFile.from_bytes(data)
    common = dict(manifest_hash=MH, base_hash=ctx.base_hash, joint_key=ctx.joint_key,
                  server_key=bytes(key.verify_key))
    with pytest.raises(EvoteError, match="step 2: the file is mix 1, at the place of mix 2"):
        check_mix(m, blob, contest_id=CID, k=2, mix_id=MID, **common)
    with pytest.raises(EvoteError, match="step 2: .*mix server 1 is 'other'"):
        check_mix(m, blob, contest_id=CID, k=1, mix_id="other", **common)
    with pytest.raises(EvoteError, match="step 3"):
        check_mix(m, blob[64:] + blob[:64], contest_id=CID, k=1, mix_id=MID, **common)
    with pytest.raises(EvoteError, match="step 5"):
        check_mix(m, blob, contest_id=CID, k=1, mix_id=MID,
                  **{**common, "server_key": bytes(nacl.signing.SigningKey(b"\1" * 32)
                                                   .verify_key)})
    with pytest.raises(EvoteError, match="step 5"):   # another election's manifest
        check_mix(m, blob, contest_id=CID, k=1, mix_id=MID, **{**common,
                                                               "manifest_hash": bytes(32)})


def test_dropped_ciphertext_refused_even_when_resigned():
    """A server that drops one ciphertext, recomputes everything it can and signs: the
    proof is for 5 and the outputs are 4 (parse), or a fresh proof over 4 outputs of a
    5-input list is refused (step 4)."""
    ctx, key, blob, data = _honest()
    m = MixFile.from_bytes(data)
    short = [Ciphertext.from_bytes(blob[i:i + 64]) for i in range(0, 4 * 64, 64)]
    outs, proof = shuffle(ctx.joint_key, short, label=mix_label(ctx.base_hash, CID, 1, MID))
    forged = sign_mix(MixFile(CID, 1, MID, m.input_hash, b"".join(c.to_bytes() for c in outs),
                              proof, bytes(64)), MH, key)
    with pytest.raises(EvoteError, match="step 4: 4 outputs for 5 inputs"):
        _check(ctx, key, blob, forged.to_bytes())


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_byte_change_refused(data):
    ctx, key, blob, raw = _honest()
    i = data.draw(st.integers(0, len(raw) - 1), label="offset")
    x = data.draw(st.integers(1, 255), label="xor")
    bad = bytearray(raw)
    bad[i] ^= x
    with pytest.raises(EvoteError):
        _check(ctx, key, blob, bytes(bad))


@pytest.mark.parametrize("chunk", [1, 2, 5])
def test_split_check_gives_the_same_verdict(chunk):
    """specs/mix.md 6: step 6 cut into chunk tasks (as V19 runs it) accepts the honest mix
    and refuses a replaced output, whatever the cut."""
    from evote.protocol.mix_file import finish_mix_check, prepare_mix_check, verify_chunk
    ctx, key, blob, data = _honest()
    common = dict(manifest_hash=MH, base_hash=ctx.base_hash, joint_key=ctx.joint_key,
                  contest_id=CID, k=1, mix_id=MID, server_key=bytes(key.verify_key))
    m = MixFile.from_bytes(data)
    check = prepare_mix_check(m, blob, chunk=chunk, **common)
    assert len(check.tasks) == -(-5 // chunk)
    finish_mix_check(check, [verify_chunk(*t) for t in check.tasks])
    forged = sign_mix(MixFile(CID, 1, MID, m.input_hash, blob[:64] + m.outputs[64:], m.proof,
                              bytes(64)), MH, key)
    check = prepare_mix_check(forged, blob, chunk=chunk, **common)
    with pytest.raises(EvoteError, match="step 6"):
        finish_mix_check(check, [verify_chunk(*t) for t in check.tasks])
