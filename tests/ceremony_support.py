"""Test helpers for the ceremony and decryption tests: cached ceremonies and tallies.

A ceremony per (n, t) is run once per test session (run_ceremony is the code under test
in test_ceremony_honest.py; here it only supplies fixtures). Weak argon2id limits keep
the guardian-store tests fast.
"""
import functools
import hashlib
import itertools

from evote.group import Scalar
from evote.protocol.ceremony import run_ceremony
from evote.protocol.elgamal import encrypt

FAST_KDF = {"opslimit": 1, "memlimit": 8192}


def manifest_hash_for(label: str) -> bytes:
    return hashlib.sha256(label.encode()).digest()


@functools.lru_cache(maxsize=None)
def ceremony(n: int, t: int):
    """(context, guardians) of a fresh honest ceremony, cached per (n, t)."""
    return run_ceremony(manifest_hash_for(f"test manifest {n} {t}"), n, t)


def encrypt_counts(context, counts):
    """Ciphertexts of the given counts (each an encryption of that total) and labels."""
    cts = [encrypt(m, Scalar.random(), context) for m in counts]
    labels = [f"contest c/candidate {k}".encode() for k in range(len(counts))]
    return cts, labels


def subsets(n, size):
    return list(itertools.combinations(range(n), size))
