"""Generator of specs/vectors/slot-decryption-n3-t2.json (specs/slot-decryption.md).

    PYTHONPATH=src python tests/slot_decryption_vectors_gen.py     # rewrites the file

On the context and key shares of ceremony-n3-t2.json (tests/ceremony_vectors_gen.py),
with every random input derived from a label: slot values VALUES (N = 4 candidates: 1..4
votes, 5 blank, the rest marks) encrypted with nonces vector_scalar("slot encryption
nonce j"), each guardian's slot shares with proof nonce vector_scalar("guardian i slot
decryption nonce") (slot_shares_from_nonce), and the decryption combined from the
guardians of SUBSET. tests/test_slot_decryption_vectors.py regenerates the file byte for
byte and re-derives every share file and the decryption with the pure-Python reference
(tests/reference/slot_decryption.py: hashlib and tests/reference/ristretto255.py only).
"""
import json
from pathlib import Path

from evote.protocol import slot_decryption as sd
from evote.protocol.elgamal import encrypt

from ceremony_vectors_gen import CEREMONY_FILE, ceremony_vector, dumps, vector_scalar

VECTOR_FILE = Path(__file__).resolve().parent.parent / "specs" / "vectors" / \
    "slot-decryption-n3-t2.json"
CONTEST = "council-tehran"
N = 4
VALUES = [3, 5, 1, 2**24 + 9, 4, 5, 70000, 1, 6, 2]
SUBSET = [1, 3]


def build() -> dict:
    stored = json.loads(CEREMONY_FILE.read_bytes())["sealed_example"]
    _, ctx, finished = ceremony_vector(stored)
    nonces = [vector_scalar(f"slot encryption nonce {j}") for j in range(len(VALUES))]
    cts = b"".join(encrypt(v, r, ctx).to_bytes() for v, r in zip(VALUES, nonces))
    label = sd.slot_label(ctx.base_hash, CONTEST, cts)
    guardians = []
    shares = {}
    for g in finished:
        u = vector_scalar(f"guardian {g.index} slot decryption nonce")
        sh = sd.slot_shares_from_nonce(g, ctx, CONTEST, cts, u)
        shares[g.index] = sh
        seed = sd.weight_seed(label, g.index, ctx.public_share(g.index).to_bytes(), sh.shares)
        guardians.append({
            "guardian_index": g.index, "nonce": u.to_bytes().hex(),
            "seed": seed.hex(),
            "rho": [r.to_bytes(16, "little").hex() for r in sd.rho(seed, 0, len(VALUES))],
            "challenge": sd.proof_challenge(seed, sh.proof[:32], sh.proof[32:64])
            .to_bytes(32, "little").hex(),
            "slot_shares": sh.to_bytes().hex()})
    dec = sd.decrypt_slots(ctx, CONTEST, N, cts, [shares[i] for i in SUBSET])
    return {
        "source": "evote's own slot decryption vector, on the context of ceremony-n3-t2.json",
        "format": "specs/slot-decryption.md; byte strings hex; rho as 16 bytes little endian",
        "generated_by": "tests/slot_decryption_vectors_gen.py",
        "ceremony": CEREMONY_FILE.name,
        "base_hash": ctx.base_hash.hex(),
        "contest_id": CONTEST, "n_candidates": N,
        "values": VALUES,
        "encryption_nonces": [r.to_bytes().hex() for r in nonces],
        "ciphertexts": cts.hex(),
        "ciphertexts_digest": sd.blob_digest("ciphertexts", cts, 64).hex(),
        "label": label.hex(),
        "guardians": guardians,
        "subset": SUBSET,
        "decryption": dec.to_bytes().hex(),
        "counts": sd.slot_counts(dec),
    }


if __name__ == "__main__":
    VECTOR_FILE.write_bytes(dumps(build()))
    print(f"wrote {VECTOR_FILE}")
