"""Threshold decryption of a tally vector: shares with proofs, checks, combination.

For ciphertexts (alpha_k, beta_k), k = 0..N-1, with position labels label_k (bytes the
tally code chooses, e.g. contest and candidate), guardian l publishes

    M_lk = s_l * alpha_k  with a Chaum-Pedersen proof that log_G S_l == log_alpha_k M_lk,
    c_lk = H64("evote/v1/decryption-share"; base_hash, u64(l), label_k, alpha_k, beta_k,
               S_l, M_lk, a_lk, b_lk) mod l.

Any set Q of at least t guardians combines:  m_k*G = beta_k - sum_{l in Q} lambda_l M_lk,
lambda_l = prod_{j in Q, j != l} j / (j - l) mod l; m_k by baby-step giant-step (dlog.py).
specs/key-ceremony.md section 10 states every byte and check.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from ..errors import EvoteTypeError, EvoteValueError, InvalidProof, TallyMismatch
from ..group import G_TABLE, Point, Scalar, msm_vartime_raw
from ..hashing import digest64, text, u64
from . import ceremony_wire as w
from .batch_check import msm_is_identity, random_weights
from .chaum_pedersen import EqualityProof, add_batch_terms, check_equal_logs, prove_equal_logs
from .context import ElectionContext
from .dlog import discrete_logs
from .elgamal import Ciphertext
from .guardian import Guardian
from .threshold_errors import NotEnoughShares

DECRYPTION_TAG = "evote/v1/decryption-share"
SHARE_VERSION = "evote/decryption-share/v1"
MAX_LABEL = 1024  # bytes


@dataclass(frozen=True)
class DecryptionShare:
    """Guardian `guardian_index`'s partial decryptions M_k of a tally vector, with proofs.
    Public. The ciphertexts and labels it refers to are given alongside when verifying."""

    guardian_index: int
    partials: tuple[Point, ...]
    proofs: tuple[EqualityProof, ...]

    def __post_init__(self) -> None:
        w.require_int("DecryptionShare.guardian_index", self.guardian_index, 1, w.MAX_GUARDIANS)
        if not isinstance(self.partials, tuple) or not isinstance(self.proofs, tuple):
            raise EvoteTypeError("DecryptionShare: partials and proofs must be tuples")
        if len(self.partials) != len(self.proofs):
            raise EvoteValueError(f"decryption share of guardian {self.guardian_index}: "
                                  f"{len(self.partials)} partials but {len(self.proofs)} proofs")
        for k, (m, p) in enumerate(zip(self.partials, self.proofs)):
            w.require_point(f"guardian {self.guardian_index} partial[{k}]", m)
            if not isinstance(p, EqualityProof):
                raise EvoteTypeError(f"guardian {self.guardian_index} proof[{k}]: "
                                     "expected EqualityProof")

    def to_json_obj(self) -> dict[str, Any]:
        return {"version": SHARE_VERSION, "guardian_index": self.guardian_index,
                "partials": [m.to_bytes().hex() for m in self.partials],
                "proofs": [p.to_bytes().hex() for p in self.proofs]}

    @classmethod
    def from_json_obj(cls, obj: Any) -> "DecryptionShare":
        what = "decryption share"
        w.check_keys(what, obj, {"version", "guardian_index", "partials", "proofs"})
        w.check_version(what, obj, SHARE_VERSION)
        l = w.read_int(what, obj, "guardian_index", 1, w.MAX_GUARDIANS)
        what = f"decryption share of guardian {l}"
        partials = tuple(w.hex_point(f"{what}.partials[{k}]", m)
                         for k, m in enumerate(w.read_list(what, obj, "partials")))
        proofs = tuple(EqualityProof.from_bytes(w.hex_bytes(f"{what}.proofs[{k}]", p, 96),
                                                f"{what}.proofs[{k}]")
                       for k, p in enumerate(w.read_list(what, obj, "proofs", len(partials))))
        return cls(l, partials, proofs)


def position_label(contest_id: str, position: int) -> bytes:
    """The label of a tally position: u64(len) || contest id (UTF-8) || u64(position),
    where position k is the contest's k-th candidate in manifest order and k = n is the
    blank indicator (specs/key-ceremony.md 10.0). Unambiguous for any contest id; the
    manifest, bound through the base hash, fixes which candidate sits at each position."""
    cid = text(contest_id)
    return u64(len(cid)) + cid + u64(w.require_int("position", position, 0, 2**63))


def decryption_challenge(base_hash: bytes, index: int, label: bytes, ciphertext: Ciphertext,
                         public_share: Point, partial: Point, commit_g: Point,
                         commit_h: Point) -> Scalar:
    return Scalar.from_wide_bytes(digest64(
        DECRYPTION_TAG, base_hash, u64(index), label, ciphertext.alpha.to_bytes(),
        ciphertext.beta.to_bytes(), public_share.to_bytes(), partial.to_bytes(),
        commit_g.to_bytes(), commit_h.to_bytes()))


def _check_vector(ciphertexts: Sequence[Ciphertext], labels: Sequence[bytes]) -> None:
    if len(ciphertexts) != len(labels):
        raise EvoteValueError(f"{len(ciphertexts)} ciphertexts but {len(labels)} labels")
    for k, (ct, label) in enumerate(zip(ciphertexts, labels)):
        if not isinstance(ct, Ciphertext):
            raise EvoteTypeError(f"ciphertexts[{k}]: expected Ciphertext, got {type(ct).__name__}")
        if not isinstance(label, bytes):
            raise EvoteTypeError(f"labels[{k}]: expected bytes, got {type(label).__name__}")
        if len(label) > MAX_LABEL:
            raise EvoteValueError(f"labels[{k}]: longer than {MAX_LABEL} bytes")


def _check_guardian(guardian: Guardian, context: ElectionContext) -> None:
    if not isinstance(guardian, Guardian):
        raise EvoteTypeError("guardian: expected Guardian")
    if not isinstance(context, ElectionContext):
        raise EvoteTypeError("context: expected ElectionContext")
    if guardian.key_share is None:
        raise EvoteValueError(f"guardian {guardian.index} has not finished the key ceremony")
    if guardian.base_hash != context.base_hash or guardian.n != context.n_guardians:
        raise EvoteValueError(f"guardian {guardian.index} belongs to another election context")
    if G_TABLE.mul(guardian.key_share) != context.public_share(guardian.index):
        raise EvoteValueError(f"guardian {guardian.index}: key share does not match S_"
                              f"{guardian.index} of the context")


def compute_decryption_share(guardian: Guardian, context: ElectionContext,
                             ciphertexts: Sequence[Ciphertext],
                             labels: Sequence[bytes]) -> DecryptionShare:
    """Guardian l's share of every ciphertext, each with its proof (fresh nonces)."""
    return decryption_share_from_nonces(guardian, context, ciphertexts, labels,
                                        [Scalar.random() for _ in ciphertexts])


def decryption_share_from_nonces(guardian: Guardian, context: ElectionContext,
                                 ciphertexts: Sequence[Ciphertext], labels: Sequence[bytes],
                                 nonces: Sequence[Scalar]) -> DecryptionShare:
    """Inner entry point (test vectors): one proof nonce per ciphertext given."""
    _check_guardian(guardian, context)
    _check_vector(ciphertexts, labels)
    if len(nonces) != len(ciphertexts):
        raise EvoteValueError(f"need {len(ciphertexts)} nonces, got {len(nonces)}")
    l, s = guardian.index, guardian.key_share
    s_pub = context.public_share(l)
    partials, proofs = [], []
    for ct, label, u in zip(ciphertexts, labels, nonces):
        m = s * ct.alpha  # constant time in s
        proofs.append(prove_equal_logs(
            s, ct.alpha, lambda a, b, ct=ct, label=label, m=m: decryption_challenge(
                context.base_hash, l, label, ct, s_pub, m, a, b), u))
        partials.append(m)
    return DecryptionShare(l, tuple(partials), tuple(proofs))


def _check_share_shape(context: ElectionContext, n_positions: int, share: DecryptionShare) -> None:
    if not isinstance(share, DecryptionShare):
        raise EvoteTypeError(f"expected DecryptionShare, got {type(share).__name__}")
    if not 1 <= share.guardian_index <= context.n_guardians:
        raise EvoteValueError(f"decryption share names guardian {share.guardian_index}, "
                              f"not one of 1..{context.n_guardians}")
    if len(share.partials) != n_positions:
        raise EvoteValueError(f"decryption share of guardian {share.guardian_index} has "
                              f"{len(share.partials)} partials for {n_positions} ciphertexts")


def verify_decryption_share(context: ElectionContext, ciphertexts: Sequence[Ciphertext],
                            labels: Sequence[bytes], share: DecryptionShare) -> None:
    """One by one: raise InvalidProof naming the guardian, position and label."""
    _check_vector(ciphertexts, labels)
    _check_share_shape(context, len(ciphertexts), share)
    l = share.guardian_index
    s_pub = context.public_share(l)
    for k, (ct, label, m, proof) in enumerate(zip(ciphertexts, labels, share.partials,
                                                  share.proofs)):
        c = decryption_challenge(context.base_hash, l, label, ct, s_pub, m, proof.commit_g,
                                 proof.commit_h)
        if not check_equal_logs(proof, c, s_pub, ct.alpha, m):
            raise InvalidProof(f"decryption share of guardian {l} at position {k} "
                               f"(label {label.hex()}): proof does not verify")


def verify_decryption_shares(context: ElectionContext, ciphertexts: Sequence[Ciphertext],
                             labels: Sequence[bytes], shares: Sequence[DecryptionShare],
                             rng: Callable[[int], bytes] = os.urandom) -> None:
    """All shares' proofs in one MSM over random 128-bit weights (two per proof). On
    failure, check one by one and raise the first culprit's InvalidProof."""
    _check_vector(ciphertexts, labels)
    for share in shares:
        _check_share_shape(context, len(ciphertexts), share)
    if not shares or not ciphertexts:
        return
    weights = random_weights(2 * len(shares) * len(ciphertexts), rng)
    acc: dict[bytes, int] = {}
    g_coef = 0
    wi = 0
    alphas = [ct.alpha.to_bytes() for ct in ciphertexts]
    for share in shares:
        l = share.guardian_index
        s_pub = context.public_share(l)
        s_bytes = s_pub.to_bytes()
        for k, (ct, label, m, proof) in enumerate(zip(ciphertexts, labels, share.partials,
                                                      share.proofs)):
            c = decryption_challenge(context.base_hash, l, label, ct, s_pub, m,
                                     proof.commit_g, proof.commit_h)
            g_coef += add_batch_terms(acc, proof, int(c), s_bytes, alphas[k], m.to_bytes(),
                                      weights[wi], weights[wi + 1])
            wi += 2
    g = G_TABLE.point.to_bytes()
    acc[g] = acc.get(g, 0) + g_coef
    if msm_is_identity(list(acc.values()), list(acc.keys())):
        return
    for share in shares:
        verify_decryption_share(context, ciphertexts, labels, share)
    raise InvalidProof("decryption batch failed but no single proof did (internal error)")


def lagrange_coefficients(indices: Sequence[int]) -> dict[int, int]:
    """lambda_l = prod_{j != l} j / (j - l) mod l for the distinct guardian indices given."""
    order = Scalar.ORDER
    out = {}
    for l in indices:
        num, den = 1, 1
        for j in indices:
            if j != l:
                num = num * j % order
                den = den * (j - l) % order
        out[l] = num * pow(den, -1, order) % order
    return out


def combine_decryption_shares(context: ElectionContext, ciphertexts: Sequence[Ciphertext],
                              shares: Sequence[DecryptionShare]) -> list[Point]:
    """m_k*G for each ciphertext from at least t distinct guardians' shares (which the
    caller has verified). NotEnoughShares below the threshold."""
    for share in shares:
        _check_share_shape(context, len(ciphertexts), share)
    indices = [s.guardian_index for s in shares]
    if len(set(indices)) != len(indices):
        raise EvoteValueError(f"decryption shares repeat a guardian: {sorted(indices)}")
    if len(indices) < context.threshold:
        raise NotEnoughShares(f"{len(indices)} decryption share(s) from guardian(s) "
                              f"{sorted(indices)}; the threshold is {context.threshold}")
    order = Scalar.ORDER
    lam = lagrange_coefficients(indices)
    scalars = Scalar.one().to_bytes() + b"".join(
        ((-lam[s.guardian_index]) % order).to_bytes(32, "little") for s in shares)
    out = []
    for k, ct in enumerate(ciphertexts):
        points = ct.beta.to_bytes() + b"".join(s.partials[k].to_bytes() for s in shares)
        out.append(msm_vartime_raw(scalars, points))
    return out


def decrypt_tally(context: ElectionContext, ciphertexts: Sequence[Ciphertext],
                  labels: Sequence[bytes], shares: Sequence[DecryptionShare],
                  bound: int) -> list[int]:
    """Verify every share (batch), combine, and recover each count in [0, bound]
    (bound: the number of ballots cast). Raises naming the failing guardian or position."""
    verify_decryption_shares(context, ciphertexts, labels, shares)
    points = combine_decryption_shares(context, ciphertexts, shares)
    return discrete_logs(points, bound, "decrypted tally position")


def verify_counts(context: ElectionContext, ciphertexts: Sequence[Ciphertext],
                  labels: Sequence[bytes], shares: Sequence[DecryptionShare],
                  counts: Sequence[int]) -> None:
    """The verifier's check of published counts: every share's proof (batch), then
    m_k*G == beta_k - sum lambda_l M_lk for each k (no discrete log needed).
    Raises InvalidProof naming a bad share, or TallyMismatch naming the position."""
    if len(counts) != len(ciphertexts):
        raise EvoteValueError(f"{len(counts)} counts for {len(ciphertexts)} ciphertexts")
    verify_decryption_shares(context, ciphertexts, labels, shares)
    points = combine_decryption_shares(context, ciphertexts, shares)
    for k, (m, point, label) in enumerate(zip(counts, points, labels)):
        w.require_int(f"counts[{k}]", m, 0, 2**63)
        if G_TABLE.mul(Scalar.from_int(m)) != point:
            raise TallyMismatch(f"position {k} (label {label.hex()}): the shares decrypt to "
                                f"another value than the published count {m}")
