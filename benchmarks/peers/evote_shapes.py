"""evote's side of the peer figures: one plurality contest of n candidates with L chosen,
timed through the library's own API, every result checked against the plaintext.

- encrypt: encrypt_ballot with every proof (n + 1 ciphertexts with 0/1 proofs, the
  [1, L] range proof); each ballot of the timed batch is then decrypted (untimed) with
  the test context's secret and compared with the choices;
- verify: verify_ballot on one ballot at a time; the honest ballot must pass and one with
  a changed ciphertext must be refused (checked once per shape, untimed);
- size: the wire bytes (EncryptedBallot.to_bytes());
- decrypt: 3 of 5 guardians (a real ceremony: run_ceremony) decrypt a tally of n
  ciphertexts holding the counts of TALLY_BALLOTS ballots (the same counts the peers
  decrypt): shares with proofs, the shares verified, Lagrange combination, discrete logs;
  the counts must come out equal.
Clock: this process's CPU time (everything here runs on one thread).
"""
import os
import time

from ballot_support import make_context, make_manifest
from evote.group import Point, Scalar
from evote.protocol import dlog
from evote.protocol.ceremony import run_ceremony
from evote.protocol.decryption import (combine_decryption_shares, compute_decryption_share,
                                       verify_decryption_shares)
from evote.protocol.elgamal import encrypt
from evote.protocol.encrypt import encrypt_ballot
from evote.protocol.encrypted_ballot import EncryptedBallot
from evote.protocol.verify_ballot import verify_ballot

TALLY_BALLOTS = 3  # as the peers' tallies (eg_worker.py, belenios_election.py)


def chosen(n: int, big_l: int, k: int = 0) -> list:
    """The candidate indexes ballot k chooses: big_l of n, spread out, shifted by k
    (the same rule as the peers' drivers)."""
    step = max(1, n // big_l)
    return sorted({(i * step + k) % n for i in range(big_l)})


class Shape:
    def __init__(self, n: int, big_l: int):
        self.n, self.big_l = n, big_l
        self.ctx = make_context()
        self.manifest = make_manifest(((n, big_l, "plurality"),), extra_style=False)
        self._ceremony = None

    def choices(self, k: int) -> dict:
        return {"c0": [str(i + 1) for i in chosen(self.n, self.big_l, k)]}

    def encrypt_one(self, k: int = 0) -> EncryptedBallot:
        return encrypt_ballot(self.ctx, self.manifest, "s", self.choices(k), os.urandom(32))[0]

    def check_plaintext(self, ballot: EncryptedBallot, k: int) -> None:
        """beta - s*alpha must be G for the chosen candidates and the identity elsewhere."""
        want = set(chosen(self.n, self.big_l, k))
        g, zero = Point.generator(), Point.identity()
        for i, sel in enumerate(ballot.contests[0].selections):
            m = Point.from_bytes(sel.beta) - self.ctx.secret * Point.from_bytes(sel.alpha)
            if m != (g if i in want else zero):
                raise AssertionError(f"evote: candidate {i} decrypts to the wrong value")

    def encrypt(self, reps: int) -> float:
        t = time.process_time()
        ballots = [self.encrypt_one(k) for k in range(reps)]
        cpu = (time.process_time() - t) / reps
        for k, b in enumerate(ballots):
            self.check_plaintext(b, k)
        return cpu

    def verify(self, reps: int) -> float:
        ballots = [self.encrypt_one(0) for _ in range(reps)]
        t = time.process_time()
        for b in ballots:
            verify_ballot(self.ctx, self.manifest, b)
        return (time.process_time() - t) / reps

    def check_verifier_refuses(self) -> None:
        b = self.encrypt_one(0)
        c = b.contests[0]
        sel = c.selections[0]
        moved = (Point.from_bytes(sel.beta) + Point.generator()).to_bytes()
        bad_sel = sel._replace(beta=moved)
        bad = EncryptedBallot(b.ballot_id, b.style_id,
                              (c._replace(selections=(bad_sel,) + c.selections[1:]),))
        try:
            verify_ballot(self.ctx, self.manifest, bad)
        except Exception:
            return
        raise AssertionError("evote accepted a ballot with a changed ciphertext")

    def size(self) -> int:
        return len(self.encrypt_one(0).to_bytes())

    def _tally(self):
        if self._ceremony is None:
            ctx, guardians = run_ceremony(bytes(range(32)), 5, 3)
            dlog._baby_table()  # the process-wide table, built once, outside the timing
            counts = [0] * self.n
            for k in range(TALLY_BALLOTS):
                for i in chosen(self.n, self.big_l, k):
                    counts[i] += 1
            cts = [encrypt(m, Scalar.random(), ctx) for m in counts]
            labels = [f"contest c0/candidate {i}".encode() for i in range(self.n)]
            self._ceremony = (ctx, (guardians[0], guardians[2], guardians[4]), cts, labels,
                              counts)
        return self._ceremony

    def decrypt(self) -> float:
        ctx, present, cts, labels, counts = self._tally()
        t = time.process_time()
        shares = [compute_decryption_share(g, ctx, cts, labels) for g in present]
        verify_decryption_shares(ctx, cts, labels, shares)
        got = dlog.discrete_logs(combine_decryption_shares(ctx, cts, shares), TALLY_BALLOTS)
        cpu = time.process_time() - t
        if list(got) != counts:
            raise AssertionError("evote: decrypted tally differs from the plaintext counts")
        return cpu
