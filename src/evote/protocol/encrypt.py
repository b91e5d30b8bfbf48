"""Ballot encryption: the kiosk's call. specs/protocol.md section 5.

    encrypt_ballot(context, manifest, style_id, choices, ballot_id)
        -> (EncryptedBallot, BallotSecrets)

validates the choices (ballot.plaintext_ballot: every refusal happens before any
encryption), then encrypts with fresh randomness from os.urandom. The inner entry point
encrypt_plaintext(..., rng) takes the randomness source, so test vectors replay exactly
(seeded_rng gives a deterministic one; never use it for a real election).

A slot contest (manifest encoding "slots") is encrypted by
slot_range.encrypt_range_slots (specs/slot-ballot.md: its randomness is read from rng in
the order that spec gives) and its secrets are the slot opening. Per per-candidate
contest with n candidates and L = max_choices, in this order:
  1. selection i (0 <= i < n): nonce r_i, ciphertext (r_i*G, m_i*G + r_i*K), 0/1 proof;
  2. blank indicator b (1 when nothing was chosen): nonce r_b, ciphertext, 0/1 proof;
  3. range proof that (sum alpha_i + L*alpha_b, sum beta_i + L*beta_b), which encrypts
     sum m_i + L*b with nonce sum r_i + L*r_b, holds a value in [1, L].
Steps 1 and 2 are made together by disjunctive.prove01_batch (the C prover, csrc/prove.c:
two calls per contest around the hashes), step 3 by disjunctive.prove; the bytes are those
of the one-by-one reference path (_encrypt_one), which still serves values that are not
0 or 1 (the prover refuses them). Randomness is drawn per contest in one piece, laid out as: for each of the n + 1
ciphertexts, r (64 bytes) then c_0, a_0, c_1, a_1 (64 bytes each); then c_j, a_j for
j = 1..L (disjunctive.py). Every 64-byte piece becomes a Scalar by wide reduction mod l.
"""
from __future__ import annotations

import os
from typing import Callable, Mapping, Sequence, Tuple

from evote.errors import BallotError, EvoteError, EvoteTypeError, EvoteValueError
from evote.group import G_TABLE, Scalar
from evote.hashing import digest64, u64
from evote.manifest import Manifest

from . import disjunctive
from .ballot import Code, PlaintextBallot, PlaintextContest, plaintext_ballot
from .context import check_context
from .encrypted_ballot import (BALLOT_ID_SIZE, BallotSecrets, ContestSecrets, EncryptedBallot,
                               EncryptedContest, EncryptedSelection, SlotContestSecrets)
from . import slot_range
from .proof_statements import blank_statement, contest_statement, selection_statement
from .proof_statements import BLANK_TAG, CONTEST_TAG, SELECTION_TAG

Rng = Callable[[int], bytes]
WIDE = disjunctive.WIDE
_PER_CIPHERTEXT = WIDE + disjunctive.randomness_size(0, 1)  # r, then (c_j, a_j) x 2


def contest_randomness_size(n_candidates: int, max_choices: int) -> int:
    """Bytes of randomness one contest consumes (see the module docstring)."""
    return (n_candidates + 1) * _PER_CIPHERTEXT + disjunctive.randomness_size(1, max_choices)


def seeded_rng(seed: bytes) -> Rng:
    """A deterministic byte stream for test vectors ONLY:
    block_i = digest64("evote/v1/test-rng", seed, u64(i)), i = 0, 1, ...; rng(n) returns
    the next n bytes of block_0 || block_1 || ..."""
    if not isinstance(seed, bytes):
        raise EvoteTypeError("seeded_rng: seed must be bytes")
    state = {"buf": b"", "i": 0}

    def rng(n: int) -> bytes:
        buf = state["buf"]
        while len(buf) < n:
            buf += digest64("evote/v1/test-rng", seed, u64(state["i"]))
            state["i"] += 1
        state["buf"] = buf[n:]
        return buf[:n]

    return rng


def _check_ballot_id(ballot_id) -> None:
    if not isinstance(ballot_id, bytes):
        raise EvoteTypeError(f"ballot_id must be bytes, got {type(ballot_id).__name__}")
    if len(ballot_id) != BALLOT_ID_SIZE:
        raise EvoteValueError(f"ballot_id must be {BALLOT_ID_SIZE} bytes, got {len(ballot_id)}")


def _check_shape(manifest, plaintext: PlaintextBallot) -> None:
    """A hand-built PlaintextBallot has the shape the manifest gives its style: one
    PlaintextContest per style contest, in style order, each with one vote per candidate
    and a tuple of selected codes. The values are left to the prover, which refuses all
    but 0/1 votes and a range value in [1, max_choices] (so tests can still act as a
    cheating kiosk through encrypt_plaintext with a forging prover)."""
    sid = plaintext.style_id
    try:
        style = manifest.style(sid)
    except EvoteError:
        raise BallotError(f"plaintext: ballot style {sid!r} is not in the manifest") from None
    contests = plaintext.contests
    if not isinstance(contests, (tuple, list)) or \
            not all(isinstance(c, PlaintextContest) for c in contests):
        raise EvoteTypeError("plaintext: contests must be a tuple (or list) of PlaintextContest")
    if tuple(c.contest_id for c in contests) != style.contest_ids:
        raise BallotError(f"plaintext: contests {[c.contest_id for c in contests]} are not "
                          f"those of style {sid!r} in order ({list(style.contest_ids)})")
    for plain in contests:
        n = len(manifest.contest(plain.contest_id).candidates)
        if not isinstance(plain.selected, tuple) or not isinstance(plain.votes, tuple) or \
                len(plain.votes) != n:
            raise BallotError(f"plaintext: contest {plain.contest_id!r} needs a tuple of "
                              f"selected codes and a tuple of {n} votes")


def _encrypt_one(m: int, rand: bytes, k_table, statement) -> Tuple[EncryptedSelection, Scalar]:
    """One 0/1 ciphertext and its proof; `statement(ct_bytes)` gives (tag, hash fields)."""
    r = Scalar.from_wide_bytes(rand[:WIDE])
    ms = Scalar.from_int(m)
    alpha = G_TABLE.mul(r).to_bytes()
    beta = G_TABLE.mul2(ms, k_table, r).to_bytes()
    tag, fields = statement(alpha + beta)
    proof = disjunctive.prove(m, r, 0, 1, k_table, tag, fields, rand[WIDE:])
    return EncryptedSelection(alpha, beta, proof), r


def _selections_one_by_one(values, rand: bytes, k_table, statement):
    """The n + 1 ciphertexts and 0/1 proofs through disjunctive.prove, one at a time: the
    path for values that are not all 0 or 1, where prove refuses (EvoteValueError)."""
    made, nonces = [], []
    for i, m in enumerate(values):
        chunk = rand[i * _PER_CIPHERTEXT:(i + 1) * _PER_CIPHERTEXT]
        sel, r = _encrypt_one(m, chunk, k_table, lambda ct, i=i: statement(i, ct))
        made.append(sel)
        nonces.append(r)
    return made, nonces


def _selections(values, rand: bytes, k_table, statement):
    """The n + 1 ciphertexts Enc(m_i; r_i) with their 0/1 proofs and the nonces r_i:
    disjunctive.prove01_batch (two C calls) when every value is an int 0 or 1 (checked in
    constant time by the C core), else _selections_one_by_one (same bytes, or a refusal)."""
    bits = None
    if all(type(m) is int for m in values):
        try:
            bits = bytes(values)
        except ValueError:   # outside 0..255: refused below
            pass
    if bits is not None:
        try:
            made, nonces = disjunctive.prove01_batch(bits, rand, k_table, statement)
            return [EncryptedSelection(*x) for x in made], nonces
        except disjunctive.NotZeroOrOne:
            pass
    return _selections_one_by_one(values, rand, k_table, statement)


def _encrypt_contest(context, contest, plain, ballot_id: bytes, rand: bytes):
    n = len(contest.candidates)
    big_l = contest.max_choices
    base_hash, k_table, cid = context.base_hash, context.k_table, contest.contest_id

    def statement(i: int, ct: bytes):
        """(tag, statement fields) of ciphertext i: selections 0..n-1, then the blank
        indicator at position n (proof_statements.py)."""
        if i < n:
            return SELECTION_TAG, selection_statement(base_hash, ballot_id, cid, i, ct)
        return BLANK_TAG, blank_statement(base_hash, ballot_id, cid, n, ct)

    b = plain.blank
    selections, nonces = _selections((*plain.votes, b), rand[:(n + 1) * _PER_CIPHERTEXT],
                                     k_table, statement)
    blank = selections.pop()
    # The range statement: value sum m_i + L*b, nonce sum r_i + L*r_b.
    r_sum = nonces[-1] * big_l
    for r in nonces[:-1]:
        r_sum = r_sum + r
    value = sum(plain.votes) + big_l * b
    partial = EncryptedContest(cid, tuple(selections), blank, None)
    range_proof = disjunctive.prove(
        value, r_sum, 1, big_l, k_table, CONTEST_TAG,
        contest_statement(base_hash, ballot_id, cid, big_l, partial.ciphertexts_bytes()),
        rand[(n + 1) * _PER_CIPHERTEXT:])
    return (EncryptedContest(cid, tuple(selections), blank, range_proof),
            ContestSecrets(cid, plain.selected, tuple(nonces)))


def encrypt_plaintext(context, manifest, plaintext: PlaintextBallot, ballot_id: bytes,
                      rng: Rng, precomputed: Mapping[str, object] = None
                      ) -> Tuple[EncryptedBallot, BallotSecrets]:
    """Encrypt a validated plaintext ballot with randomness from rng(n) -> n bytes.
    precomputed: slot contest id -> slot_range.precompute(context, contest) made before
    the voter chose (each consumed here, once; a slot contest without one reads rng)."""
    _check_ballot_id(ballot_id)
    check_context(context)
    if not isinstance(manifest, Manifest):
        raise EvoteTypeError(f"manifest must be an evote.manifest.Manifest, got "
                             f"{type(manifest).__name__}")
    if not isinstance(plaintext, PlaintextBallot):
        raise EvoteTypeError("plaintext must be a PlaintextBallot (use plaintext_ballot())")
    if not callable(rng):
        raise EvoteTypeError(f"rng must be callable (n -> n bytes), got {type(rng).__name__}")
    _check_shape(manifest, plaintext)
    contests, secrets = [], []
    for plain in plaintext.contests:
        contest = manifest.contest(plain.contest_id)
        if contest.uses_slots:   # specs/slot-ballot.md: marks, slots, one range proof
            pre = (precomputed or {}).get(contest.contest_id)
            try:
                rc, opening = slot_range.encrypt_range_slots(context, contest, plain,
                                                             ballot_id, rng, precomputed=pre)
            except EvoteValueError as exc:
                raise type(exc)(f"contest {plain.contest_id!r}: {exc}") from None
            contests.append(rc)
            secrets.append(SlotContestSecrets(contest.contest_id, plain.selected, opening))
            continue
        size = contest_randomness_size(len(contest.candidates), contest.max_choices)
        rand = rng(size)
        if not isinstance(rand, bytes):
            raise EvoteTypeError(f"rng returned {type(rand).__name__}, not bytes")
        if len(rand) != size:
            raise EvoteValueError(f"rng returned {len(rand)} bytes, {size} asked")
        try:
            enc, sec = _encrypt_contest(context, contest, plain, ballot_id, rand)
        except EvoteValueError as exc:   # the prover refuses a vote that is not 0 or 1, or
            # a count outside [1, max_choices]: say which contest (same error class)
            raise type(exc)(f"contest {plain.contest_id!r}: {exc}") from None
        contests.append(enc)
        secrets.append(sec)
    return (EncryptedBallot(ballot_id, plaintext.style_id, tuple(contests)),
            BallotSecrets(ballot_id, plaintext.style_id, tuple(secrets)))


def encrypt_ballot(context, manifest, style_id: str, choices: Mapping[str, Sequence[Code]],
                   ballot_id: bytes, precomputed: Mapping[str, object] = None
                   ) -> Tuple[EncryptedBallot, BallotSecrets]:
    """Validate the voter's choices for `style_id` and encrypt them under the election key.

    context: ElectionContext (base_hash, k_table); manifest: evote.manifest.Manifest;
    choices: contest id -> typed codes (a style contest not named is blank);
    ballot_id: 32 bytes from the ballot box (bound into every proof);
    precomputed: slot contest id -> slot_range.precompute(...) (see encrypt_plaintext).
    Raises BallotError (before any encryption) for choices that cannot be cast.
    """
    _check_ballot_id(ballot_id)
    plaintext = plaintext_ballot(manifest, style_id, choices)
    return encrypt_plaintext(context, manifest, plaintext, ballot_id, os.urandom, precomputed)
