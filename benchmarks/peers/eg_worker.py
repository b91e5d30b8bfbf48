"""ElectionGuard 1.4.0, timed with its own API: a worker that answers one request per line.

Runs inside the Python 3.10 venv made by setup_peers.sh (ElectionGuard needs Python < 3.11),
never inside evote's: run_all.py starts it once and sends it JSON lines on stdin, so that
its runs interleave with evote's without paying an import or a key ceremony each time.

    {"op": "setup", "n": 50, "l": 9}      key ceremony (5 guardians, quorum 3), not timed
    {"op": "encrypt", "n": 50, "l": 9, "reps": 2}
    {"op": "verify", "n": 50, "l": 9, "reps": 2}
    {"op": "size", "n": 50, "l": 9}
    {"op": "decrypt", "n": 50, "l": 9}    3 of 5 guardians decrypt a tally of 3 ballots

Each answer is one JSON line: {"ok": true, "cpu": s, "wall": s, ...} per unit, or
{"ok": false, "error": "..."}. Every result is checked against the plaintext before it is
answered: each encrypted ballot is decrypted (untimed) with the sum of the guardians'
secrets and compared with the choices; verification must accept the honest ballot and
reject one with a changed ciphertext; the decrypted tally must equal the sum of the
choices. A check that fails answers ok=false, so no figure is reported for it.

ElectionGuard's decryption hands each contest's selections to a process pool
(electionguard.scheduler.Scheduler, one process per core). Here the Scheduler runs its
tasks in this process, one after the other, so that both sides are measured on one core
with this process's CPU clock: the figures are per core, as evote's are.
"""
import json
import os
import sys
import time
from datetime import datetime

import logging

# The answers go to the real stdout; everything else that writes to stdout (ElectionGuard's
# log handler does) goes to stderr, so it can never be read as an answer.
_ANSWERS = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)
sys.stdout = sys.stderr

import electionguard.scheduler as eg_scheduler  # noqa: E402


def _serial_schedule(self, task, arguments, with_shared_resources=False):
    return [task(*args) for args in arguments]


eg_scheduler.Scheduler._open = lambda self: None          # no pools
eg_scheduler.Scheduler.close = lambda self: None
eg_scheduler.Scheduler.schedule = _serial_schedule
# ElectionGuard logs every ciphertext at INFO to stderr; writing that is not its crypto.
# (The log lines are still formatted: that is in its code, so it is in its figures.)
logging.getLogger("electionguard").setLevel(logging.WARNING)

from electionguard.ballot import (PlaintextBallot, PlaintextBallotContest,  # noqa: E402
                                  PlaintextBallotSelection)
from electionguard.ballot_box import cast_ballot  # noqa: E402
from electionguard.decryption_mediator import DecryptionMediator  # noqa: E402
from electionguard.elgamal import ElGamalCiphertext  # noqa: E402
from electionguard.encrypt import encrypt_ballot  # noqa: E402
from electionguard.group import add_q, int_to_p, mult_p  # noqa: E402
from electionguard.key_ceremony import CeremonyDetails  # noqa: E402
from electionguard.key_ceremony_mediator import KeyCeremonyMediator  # noqa: E402
from electionguard.manifest import (BallotStyle, Candidate,  # noqa: E402
                                    CandidateContestDescription, ElectionType,
                                    GeopoliticalUnit, Manifest, ReportingUnitType,
                                    SelectionDescription, SpecVersion, VoteVariationType)
from electionguard.serialize import to_raw  # noqa: E402
from electionguard.tally import CiphertextTally  # noqa: E402
from electionguard_tools.helpers.election_builder import ElectionBuilder  # noqa: E402
from electionguard_tools.helpers.key_ceremony_orchestrator import (  # noqa: E402
    KeyCeremonyOrchestrator)
from electionguard_tools.helpers.tally_ceremony_orchestrator import (  # noqa: E402
    TallyCeremonyOrchestrator)

GUARDIANS, QUORUM = 5, 3
TALLY_BALLOTS = 3
_ELECTIONS = {}


def chosen(n: int, big_l: int, k: int = 0) -> list:
    """The candidates ballot k chooses: big_l of n, spread out, shifted by k."""
    step = max(1, n // big_l)
    return sorted({(i * step + k) % n for i in range(big_l)})


class Election:
    def __init__(self, n: int, big_l: int):
        self.n, self.big_l = n, big_l
        cands = [Candidate(f"cand-{i}") for i in range(n)]
        sels = [SelectionDescription(f"sel-{i}", i, f"cand-{i}") for i in range(n)]
        contest = CandidateContestDescription(
            "contest", 0, "district", VoteVariationType.n_of_m, big_l, big_l, "council",
            sels)
        style = BallotStyle("style")
        style.geopolitical_unit_ids = ["district"]
        self.manifest = Manifest(
            spec_version=SpecVersion.EG0_95, election_scope_id=f"bench-{n}-{big_l}",
            type=ElectionType.general, start_date=datetime(2026, 6, 19),
            end_date=datetime(2026, 6, 19),
            geopolitical_units=[GeopoliticalUnit("district", "district",
                                                 ReportingUnitType.city)],
            parties=[], candidates=cands, contests=[contest], ballot_styles=[style])
        assert self.manifest.is_valid(), "manifest rejected by ElectionGuard"
        details = CeremonyDetails(GUARDIANS, QUORUM)
        self.guardians = KeyCeremonyOrchestrator.create_guardians(details)
        mediator = KeyCeremonyMediator("mediator", details)
        KeyCeremonyOrchestrator.perform_full_ceremony(self.guardians, mediator)
        joint = mediator.publish_joint_key()
        builder = ElectionBuilder(GUARDIANS, QUORUM, self.manifest)
        builder.set_public_key(joint.joint_public_key)
        builder.set_commitment_hash(joint.commitment_hash)
        self.internal, self.context = builder.build()
        secret = 0
        for g in self.guardians:
            secret = add_q(secret, g._election_keys.key_pair.secret_key)
        self.secret = secret  # the joint secret, for the untimed checks only
        self.seed = self.internal.manifest_hash
        self.refusal_checked = False
        self.last = None   # the last ballot the encrypt request made (checked)

    def plaintext(self, k: int) -> PlaintextBallot:
        sels = [PlaintextBallotSelection(f"sel-{i}", 1) for i in chosen(self.n, self.big_l, k)]
        return PlaintextBallot(f"ballot-{k}-{os.urandom(4).hex()}", "style",
                               [PlaintextBallotContest("contest", sels)])

    def encrypt(self, k: int = 0):
        return encrypt_ballot(self.plaintext(k), self.internal, self.context, self.seed)

    def check_plaintext(self, ballot, k: int) -> None:
        """Decrypt every real selection with the joint secret; compare with the choices."""
        want = set(chosen(self.n, self.big_l, k))
        contest = ballot.contests[0]
        got = set()
        for sel in contest.ballot_selections:
            if sel.is_placeholder_selection:
                continue
            if sel.ciphertext.decrypt(self.secret) == 1:
                got.add(int(sel.object_id.split("-")[1]))
        if got != want:
            raise AssertionError(f"decrypted choices {sorted(got)} != {sorted(want)}")

    def verify(self, ballot) -> bool:
        return ballot.is_valid_encryption(self.internal.manifest_hash,
                                          self.context.elgamal_public_key,
                                          self.context.crypto_extended_base_hash)

    def decrypt_tally(self, tally):
        present = [self.guardians[0], self.guardians[2], self.guardians[4]]
        mediator = DecryptionMediator("decrypt", self.context)
        TallyCeremonyOrchestrator.perform_compensated_decryption_setup(
            present, [g.share_key() for g in self.guardians], mediator, self.context, tally)
        return mediator.get_plaintext_tally(tally, self.manifest)


def _timed(fn):
    c, w = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c, time.perf_counter() - w


def handle(req: dict) -> dict:
    key = (req["n"], req["l"])
    if req["op"] == "setup":
        el, cpu, wall = _timed(lambda: Election(*key))
        _ELECTIONS[key] = el
        return {"cpu": cpu, "wall": wall}
    el = _ELECTIONS[key]
    reps = int(req.get("reps", 1))
    if req["op"] == "encrypt":
        ballots, cpu, wall = _timed(lambda: [el.encrypt(k) for k in range(reps)])
        for k, b in enumerate(ballots):
            el.check_plaintext(b, k)
        el.last = ballots[-1]   # checked; verify and size may reuse it (large shapes)
        return {"cpu": cpu / reps, "wall": wall / reps}
    if req["op"] == "verify":
        ballots = [el.encrypt(0) for _ in range(reps)] if el.last is None or reps > 1 \
            else [el.last]
        oks, cpu, wall = _timed(lambda: [el.verify(b) for b in ballots])
        if not all(oks):
            raise AssertionError("ElectionGuard rejected an honest ballot")
        if el.refusal_checked or not req.get("check_refusal", True):
            return {"cpu": cpu / reps, "wall": wall / reps}
        el.refusal_checked = True   # once per shape: a changed ballot must be refused
        sel = ballots[0].contests[0].ballot_selections[0]
        good = sel.ciphertext
        sel.ciphertext = ElGamalCiphertext(good.pad, mult_p(good.data, int_to_p(2)))
        if el.verify(ballots[0]):
            raise AssertionError("ElectionGuard accepted a tampered ballot")
        sel.ciphertext = good
        return {"cpu": cpu / reps, "wall": wall / reps}
    if req["op"] == "size":
        b = cast_ballot(el.last if el.last is not None else el.encrypt(0))
        return {"bytes": len(to_raw(b).encode())}
    if req["op"] == "decrypt":
        tally = CiphertextTally("tally", el.internal, el.context)
        counts = [0] * el.n
        for k in range(TALLY_BALLOTS):
            for i in chosen(el.n, el.big_l, k):
                counts[i] += 1
            if not tally.append(cast_ballot(el.encrypt(k)), should_validate=False):
                raise AssertionError("tally refused a ballot")
        plain, cpu, wall = _timed(lambda: el.decrypt_tally(tally))
        if plain is None:
            raise AssertionError("decryption mediator returned no tally")
        sels = plain.contests["contest"].selections
        got = [sels[f"sel-{i}"].tally for i in range(el.n)]
        if got != counts:
            raise AssertionError("decrypted tally differs from the plaintext counts")
        return {"cpu": cpu, "wall": wall, "selections": el.n}
    raise ValueError(f"unknown op {req['op']!r}")


def main() -> None:
    import electionguard
    print(json.dumps({"ok": True, "ready": True,
                      "version": getattr(electionguard, "__version__", "1.4.0"),
                      "python": sys.version.split()[0]}), file=_ANSWERS, flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = {}
        try:
            req = json.loads(line)
            out = handle(req)
            out["ok"] = True
        except Exception as exc:  # reported to the driver, which prints "not run" and why
            out = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        out["op"] = req.get("op")   # the driver checks each answer is to its own request
        print(json.dumps(out), file=_ANSWERS, flush=True)


if __name__ == "__main__":
    main()
