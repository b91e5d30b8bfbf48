"""The election protocol: key ceremony, election context, ballot encryption, proofs,
threshold decryption.

Import from the modules themselves (this package re-exports nothing):
- context: ElectionContext, the public parameters every other part binds to.
- schnorr, chaum_pedersen: the guardian proofs (knowledge of a discrete log; equality of
  two discrete logs), in batch-verifiable form (commitments sent).
- guardian, ceremony, guardian_store: the Feldman key ceremony, step by step or
  in-process (run_ceremony), and guardian secrets at rest under a passphrase.
- decryption, dlog: decryption shares with proofs, Lagrange combination, and counts
  recovered by baby-step giant-step.
- elgamal and the ballot modules: encryption and its proofs (see their docstrings).
specs/key-ceremony.md and specs/protocol.md state every encoding and check.
"""
