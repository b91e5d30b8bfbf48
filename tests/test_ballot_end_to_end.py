"""Ballots under a real key ceremony's context: encrypt, batch-verify, add up, threshold-
decrypt: the counts (and blank ballots) equal the plaintext sums."""
import os

from hypothesis import given, settings, strategies as st

from ballot_support import make_manifest
from evote.protocol.ceremony import run_ceremony
from evote.protocol.decryption import (combine_decryption_shares, compute_decryption_share,
                                       position_label, verify_decryption_shares)
from evote.protocol.dlog import discrete_logs
from evote.protocol.elgamal import Ciphertext
from evote.protocol.encrypt import encrypt_ballot
from evote.protocol.verify_ballot import verify_ballots_batch

M = make_manifest(((4, 2, "plurality"),), extra_style=False)
CTX, GUARDIANS = run_ceremony(M.hash(), 3, 2)
ballot_choices = st.lists(st.integers(1, 4), unique=True, max_size=2)


@settings(max_examples=4, deadline=None)
@given(st.lists(ballot_choices, min_size=1, max_size=5))
def test_tally_of_ballots_equals_plaintext_sum(votes):
    ballots = [encrypt_ballot(CTX, M, "s", {"c0": v}, os.urandom(32))[0] for v in votes]
    assert verify_ballots_batch(CTX, M, ballots) == len(ballots)
    sums = [Ciphertext.zero()] * 5
    for b in ballots:
        c = b.contests[0]
        for k, sel in enumerate((*c.selections, c.blank)):
            sums[k] = sums[k] + sel.ciphertext()
    labels = [position_label("c0", code) for code in (1, 2, 3, 4, 0)]
    shares = [compute_decryption_share(g, CTX, sums, labels) for g in GUARDIANS[1:]]
    verify_decryption_shares(CTX, sums, labels, shares)
    counts = discrete_logs(combine_decryption_shares(CTX, sums, shares), len(ballots))
    assert counts[:4] == [sum(code in v for v in votes) for code in (1, 2, 3, 4)]
    assert counts[4] == sum(not v for v in votes)
