"""What each ballot proof's Fiat-Shamir challenge binds (specs/protocol.md section 4.3).

The challenge of every proof is
    c = int_le(digest64(tag, *statement, A_lo||B_lo||...||A_hi||B_hi)) mod l
with evote.hashing's domain-separated, length-prefixed construction. The statement binds
the election (base hash: manifest, group, guardians, joint key), the ballot id, the
contest id, the position in the contest, and the ciphertext(s) proved about, so a proof
cannot be replayed for another election, ballot, contest or slot (weak Fiat-Shamir, which
hashes only the commitments, is what broke Helios).
"""
from evote.hashing import text, u64

SELECTION_TAG = "evote/v1/selection-proof"   # candidate slot encrypts 0 or 1
BLANK_TAG = "evote/v1/blank-proof"           # blank indicator encrypts 0 or 1
CONTEST_TAG = "evote/v1/contest-proof"       # sum + L*blank encrypts a value in [1, L]


def selection_statement(base_hash: bytes, ballot_id: bytes, contest_id: str, position: int,
                        ciphertext: bytes) -> tuple:
    """Candidate `position` (0-based, manifest order): alpha||beta (64 bytes)."""
    return (base_hash, ballot_id, text(contest_id), u64(position), ciphertext)


def blank_statement(base_hash: bytes, ballot_id: bytes, contest_id: str, n_candidates: int,
                    ciphertext: bytes) -> tuple:
    """The blank indicator, at position n (after the n candidates)."""
    return (base_hash, ballot_id, text(contest_id), u64(n_candidates), ciphertext)


def contest_statement(base_hash: bytes, ballot_id: bytes, contest_id: str, max_choices: int,
                      ciphertexts: bytes) -> tuple:
    """The range proof: L and every ciphertext of the contest, selections in order then
    the blank indicator ((n + 1) * 64 bytes); the summed ciphertext is a function of them."""
    return (base_hash, ballot_id, text(contest_id), u64(max_choices), ciphertexts)
