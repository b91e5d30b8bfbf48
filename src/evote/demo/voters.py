"""Simulated voters: random but plausible choices, reproducible from the demo seed.

Each contest gets a popularity per candidate (a few favourites, a long tail), the same at
every station for one seed. A voter leaves the ballot blank with probability BLANK,
chooses fewer than max_choices with probability FEWER, and otherwise fills it; the
candidates are drawn by popularity without replacement. Codes are typed as a kiosk would
receive them: mostly ASCII digits, some in Persian digits.

This is sample data from random.Random (not a secret, not for real elections).

A voter who challenged keeps the kiosk's printed opening in their own directory,
<voters>/<station>/voter-<n>/ (keep_opening), and checks it against the published
record with `evote challenge check` (check_challenge, run in a process of its own: the
opening tells the voter's intended choices, so no other party's process holds it).
"""
import glob
import math
import os
import random

from ..manifest import to_persian_digits

BLANK = 0.03
FEWER = 0.3
PERSIAN_DIGITS = 0.3


def popularity(seed: int, contest) -> list:
    rng = random.Random(f"evote-demo-popularity:{seed}:{contest.contest_id}")
    return [rng.paretovariate(1.2) for _ in contest.candidates]


def choose(rng: random.Random, contest, weights) -> list:
    """One voter's typed codes for one contest (possibly empty: a blank ballot)."""
    if rng.random() < BLANK:
        return []
    k = contest.max_choices
    if k > 1 and rng.random() < FEWER:
        k = rng.randint(1, k - 1)
    # Weighted sampling without replacement (Efraimidis-Spirakis keys u^(1/w)).
    keys = sorted(((math.log(rng.random() or 1e-300) / w, i) for i, w in enumerate(weights)),
                  reverse=True)
    chosen = sorted(i for _, i in keys[:k])
    codes = []
    for i in chosen:
        code = contest.candidates[i].code
        codes.append(to_persian_digits(code) if rng.random() < PERSIAN_DIGITS else str(code))
    return codes


def plain_votes(contest, codes) -> list:
    """The 0/1 vector a list of typed codes stands for (for the demo's own cross-check)."""
    from ..manifest import parse_candidate_code
    chosen = {parse_candidate_code(c) for c in codes}
    return [1 if c.code in chosen else 0 for c in contest.candidates]


OPENING_FILE = "opening.hex"     # the text the printout's QR code carries
CODE_FILE = "challenged-code.txt"


def voter_dir(voters_dir, station_id: str, voter: int) -> str:
    return os.path.join(voters_dir, station_id, f"voter-{voter:04d}")


def keep_opening(voters_dir, station_id: str, voter: int, challenged) -> str:
    """The voter takes the kiosk's printout home: the opening (hex, as its QR code) and
    the challenged ballot's short code, in the voter's own directory. Returns it."""
    from ..new_files import write_new_file
    home = voter_dir(voters_dir, station_id, voter)
    os.makedirs(home, exist_ok=True)
    write_new_file(os.path.join(home, OPENING_FILE), challenged.opening_hex.encode() + b"\n",
                   "voter's printed opening", secret=True)
    write_new_file(os.path.join(home, CODE_FILE), challenged.short_code.encode() + b"\n",
                   "voter's challenged code")
    return home


def challengers(voters_dir) -> list:
    """The directories of the voters who kept an opening, in order."""
    return sorted(glob.glob(os.path.join(voters_dir, "*", "voter-*")))


def check_challenge(record_dir, home) -> tuple:
    """What `evote challenge check RECORD CODE --opening FILE` answers this voter, briefly:
    (exit code, short code, lines: the status, then per contest the choices the kiosk
    encrypted, or the English answer in full when it is not verified). Run it as the
    voter's party."""
    from ..voter.answers import challenge_answer
    from ..voter.challenge_check import read_opening_file
    from ..voter.codes import parse_code
    from ..voter.messages import render
    from ..voter.record_view import open_record
    with open(os.path.join(home, CODE_FILE), encoding="ascii") as f:
        code = f.read().strip()
    opening = read_opening_file(os.path.join(home, OPENING_FILE))
    answer, exit_code = challenge_answer(open_record(record_dir), parse_code(code), opening)
    if answer["status"] != "opening-verified":
        return exit_code, code, render(answer, "en", record_dir, code).strip().splitlines()
    lines = ["opening verified: the published ballot encrypts exactly these choices"]
    for c in answer["choices"]:
        picked = ", ".join(f"{x['code']} {x['name']}" for x in c["candidates"]) or "blank"
        lines.append(f"{c['name']} ({c['contest_id']}): {picked}")
    return exit_code, code, lines
