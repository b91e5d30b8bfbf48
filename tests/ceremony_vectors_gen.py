"""Generator of specs/vectors/ceremony-n3-t2.json and decryption-n3-t2.json.

    PYTHONPATH=src python tests/ceremony_vectors_gen.py      # rewrites both files

All randomness is derived from fixed labels (vector_bytes / vector_scalar below) and
enters through the inner entry points (guardian_from_randomness, run_ceremony_with with
nonces, decryption_share_from_nonces). The one exception is the sealed-share example:
SealedBox draws its own ephemeral key, so that field is recorded once and checked by
opening it, not regenerated (tests/test_ceremony_vectors.py keeps the stored value).
"""
import json
import sys
from pathlib import Path

from evote.group import Scalar
from evote.hashing import digest, digest64, text
from evote.protocol.ceremony import (deal_shares, guardian_from_randomness, publish_record,
                                     run_ceremony_with)
from evote.protocol.ceremony_wire import canonical_json
from evote.protocol.decryption import (combine_decryption_shares, decryption_challenge,
                                       decryption_share_from_nonces, lagrange_coefficients)
from evote.protocol.elgamal import encrypt
from evote.protocol.lot import LOT_LABEL
from evote.record.lot import decrypt_lot
from evote.protocol.schnorr import schnorr_challenge

VECTOR_DIR = Path(__file__).resolve().parent.parent / "specs" / "vectors"
CEREMONY_FILE = VECTOR_DIR / "ceremony-n3-t2.json"
DECRYPTION_FILE = VECTOR_DIR / "decryption-n3-t2.json"
N, T = 3, 2
COUNTS = [0, 1, 2, 70000]
SUBSET = [1, 3]


def vector_bytes(label: str) -> bytes:
    return digest("evote/v1/test-vector", text(label))


def vector_scalar(label: str) -> Scalar:
    return Scalar.from_wide_bytes(digest64("evote/v1/test-vector", text(label)))


def ceremony_vector(sealed_example=None):
    """(vector dict, context, guardians). `sealed_example`: a stored example to keep."""
    mh = vector_bytes("manifest")
    guardians = [guardian_from_randomness(
        mh, i, N, T, vector_bytes(f"guardian {i} signing seed"),
        vector_bytes(f"guardian {i} transport secret"),
        tuple(vector_scalar(f"guardian {i} coefficient {j}") for j in range(T)),
        vector_scalar(f"guardian {i} lot m"))   # the lot secret, drawn at generate
        for i in range(1, N + 1)]
    nonces = [[vector_scalar(f"guardian {g.index} schnorr nonce {j}") for j in range(T)]
              for g in guardians]
    lot_secrets = [tuple(vector_scalar(f"guardian {g.index} lot {name}")
                         for name in ("m", "k", "r", "s")) for g in guardians]
    ctx, finished = run_ceremony_with(mh, guardians, nonces,
                                      [secrets[1:] for secrets in lot_secrets])  # k, r, s
    out_guardians = []
    for g, f, ns, rec in zip(guardians, finished, nonces, ctx.guardians):
        out_guardians.append({
            "index": g.index,
            "signing_seed": g.signing_seed.hex(),
            "transport_secret": g.transport_secret.hex(),
            "coefficients": [a.to_bytes().hex() for a in g.coefficients],
            "schnorr_nonces": [u.to_bytes().hex() for u in ns],
            "schnorr_challenges": [schnorr_challenge(mh, g.index, j, k, p.commitment)
                                   .to_bytes().hex()
                                   for j, (k, p) in enumerate(zip(rec.commitments, rec.proofs))],
            "record_digest": rec.digest().hex(),
            "record": rec.to_json_obj(),
            "shares_out": {str(l): g.evaluate(l).to_bytes().hex() for l in range(1, N + 1)},
            "key_share": f.key_share.to_bytes().hex(),
            "public_share": ctx.public_share(g.index).to_bytes().hex(),
            "lot_secrets": {name: x.to_bytes().hex()
                            for name, x in zip(("m", "k", "r", "s"), lot_secrets[g.index - 1])},
            "acknowledgement_digest": ctx.acknowledgements[g.index - 1].digest(
                [r.lot_commitment for r in ctx.guardians]).hex(),
        })
    if sealed_example is None:
        sealed = next(s for s in deal_shares(guardians[0], ctx.guardians) if s.recipient == 2)
        sealed_example = {"sender": 1, "recipient": 2, "sealed_share": sealed.to_json_obj(),
                          "plaintext": (mh + (1).to_bytes(8, "big") + (2).to_bytes(8, "big")
                                        + guardians[0].evaluate(2).to_bytes()).hex()}
    vector = {
        "source": "evote's own ceremony vector (no external source exists for this protocol)",
        "format": "specs/key-ceremony.md section 11: inputs (seeds, coefficients, nonces, "
                  "lot secrets) and every derived value, hex; records, acknowledgements "
                  "(section 12) and context in their JSON forms",
        "generated_by": "tests/ceremony_vectors_gen.py (randomness: digest64("
                        "'evote/v1/test-vector', label) reduced mod l, labels in the file)",
        "manifest_hash": mh.hex(), "n_guardians": N, "threshold": T,
        "guardians": out_guardians,
        "sealed_example": sealed_example,
        "joint_key": ctx.joint_key.to_bytes().hex(),
        "base_hash": ctx.base_hash.hex(),
        "context": ctx.to_json_obj(),
    }
    return vector, ctx, finished


def decryption_vector(ctx, finished):
    rs = [vector_scalar(f"encryption nonce {k}") for k in range(len(COUNTS))]
    cts = [encrypt(m, r, ctx) for m, r in zip(COUNTS, rs)]
    labels = [f"contest c1/candidate {k + 1}".encode() for k in range(len(COUNTS))]
    shares = []
    out = []
    for g in finished:
        nonces = [vector_scalar(f"guardian {g.index} decryption nonce {k}")
                  for k in range(len(cts))]
        share = decryption_share_from_nonces(g, ctx, cts, labels, nonces)
        shares.append(share)
        s_pub = ctx.public_share(g.index)
        out.append({
            "guardian_index": g.index,
            "nonces": [u.to_bytes().hex() for u in nonces],
            "challenges": [decryption_challenge(ctx.base_hash, g.index, lab, ct, s_pub, m,
                                                p.commit_g, p.commit_h).to_bytes().hex()
                           for lab, ct, m, p in zip(labels, cts, share.partials, share.proofs)],
            "share": share.to_json_obj(),
        })
    chosen = [shares[i - 1] for i in SUBSET]
    combined = combine_decryption_shares(ctx, cts, chosen)
    lam = lagrange_coefficients(SUBSET)
    lot_ct = ctx.lot_ciphertext   # the sum of the ceremony vector's lot contributions
    lot_shares = [decryption_share_from_nonces(
        finished[i - 1], ctx, [lot_ct], [LOT_LABEL],
        [vector_scalar(f"guardian {i} lot decryption nonce")]) for i in SUBSET]
    lot = decrypt_lot(ctx, lot_shares)
    return {
        "source": "evote's own decryption vector, on the context of ceremony-n3-t2.json",
        "format": "specs/key-ceremony.md section 11; ciphertexts alpha||beta hex, labels hex",
        "generated_by": "tests/ceremony_vectors_gen.py",
        "ceremony": CEREMONY_FILE.name,
        "base_hash": ctx.base_hash.hex(),
        "counts": COUNTS,
        "encryption_nonces": [r.to_bytes().hex() for r in rs],
        "ciphertexts": [ct.to_bytes().hex() for ct in cts],
        "labels": [lab.hex() for lab in labels],
        "shares": out,
        "subset": SUBSET,
        "lagrange": {str(i): lam[i].to_bytes(32, "little").hex() for i in SUBSET},
        "combined": [p.to_bytes().hex() for p in combined],
        "lot": {"ciphertext": lot_ct.to_bytes().hex(), "label": LOT_LABEL.hex(),
                "decryption": lot.to_json_obj()},
    }


def build(keep_sealed_example=True):
    stored = None
    if keep_sealed_example and CEREMONY_FILE.exists():
        stored = json.loads(CEREMONY_FILE.read_bytes())["sealed_example"]
    cv, ctx, finished = ceremony_vector(stored)
    return cv, decryption_vector(ctx, finished)


def dumps(obj) -> bytes:
    """File form: the canonical JSON re-indented for reading (json.loads gives it back)."""
    return json.dumps(json.loads(canonical_json(obj)), indent=1, sort_keys=True).encode() + b"\n"


if __name__ == "__main__":
    cv, dv = build(keep_sealed_example="--new-sealed" not in sys.argv)
    CEREMONY_FILE.write_bytes(dumps(cv))
    DECRYPTION_FILE.write_bytes(dumps(dv))
    print(f"wrote {CEREMONY_FILE} and {DECRYPTION_FILE}")
