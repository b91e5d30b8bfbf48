"""Belenios 2.0 through Debian's belenios-tool: an election with evote's question shape
(one question, n answers, between 1 and L chosen), 5 trustees with threshold 3.

Setup (untimed): credentials, the threshold trustee key ceremony (steps 1-6 of
`setup generate-trustee-key-threshold`), `setup make-trustees` with no server key,
`setup make-election` (group BELENIOS-2048, Belenios's default), `archive init`.

What is timed, each a belenios-tool process (CPU of the child from rusage, and wall):
- encrypt: `election generate-ballot` for one voter (the ballot is then added to the
  archive, untimed; every timed ballot is in the tally, see below);
- verify one ballot: `election verify` on the archive holding the B ballots cast so far,
  minus `election verify` on a copy of the archive before any ballot, divided by B;
- size: the bytes of one ballot as generate-ballot writes it;
- decrypt: on a copy of the archive after `compute-encrypted-tally`, three trustees'
  `election decrypt-threshold` plus `election compute-result` (which checks the partial
  decryptions and takes the discrete logs): the decryption work alone (the tally's
  homomorphic sum is not counted; neither is evote's).
Checks: the result of every decryption run must equal the sum of the plaintext choices of
every ballot cast, so every timed ballot is checked; `election verify` must pass on the
final archive.
Each process's start (reading the archive) is in its figure; BASELINE measures a no-op
run of the tool (`setup generate-token`) for scale, printed with the table.
"""
import json
import os
import resource
import shutil
import subprocess
import time

from evote_shapes import chosen

TOOL = "belenios-tool"
GROUP = "BELENIOS-2048"
TRUSTEES, THRESHOLD = 5, 3


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(args, cwd, stdin=None, timed=False):
    """Run belenios-tool; return (stdout bytes, child CPU seconds, wall seconds)."""
    env = dict(os.environ, BELENIOS_USE_URANDOM="1")
    c, w = _children_cpu(), time.perf_counter()
    p = subprocess.run([TOOL] + args, cwd=cwd, input=stdin, capture_output=True, env=env)
    cpu, wall = _children_cpu() - c, time.perf_counter() - w
    if p.returncode != 0:
        raise RuntimeError(f"belenios-tool {' '.join(args[:2])} failed: "
                           f"{p.stderr.decode(errors='replace').strip()[-300:]}")
    return p.stdout, cpu, wall


def available() -> str:
    """'' if belenios-tool runs here, else why not."""
    if shutil.which(TOOL) is None:
        return "belenios-tool is not installed (apt-get install -y belenios-tool)"
    try:
        run(["setup", "generate-token"], cwd="/")
    except Exception as exc:
        return f"belenios-tool does not run: {exc}"
    return ""


def baseline() -> float:
    return run(["setup", "generate-token"], cwd="/")[1]


class BeleniosElection:
    def __init__(self, n: int, big_l: int, workdir: str, voters: int):
        self.n, self.big_l, self.dir = n, big_l, workdir
        os.makedirs(workdir, exist_ok=False)
        d = workdir
        uuid = run(["setup", "generate-token"], d)[0].decode().strip()
        g = ["--group", GROUP]
        run(["setup", "generate-credentials", "--uuid", uuid, *g, "--count", str(voters)], d)
        for f in os.listdir(d):
            if f.endswith(".pubcreds"):
                os.rename(os.path.join(d, f), os.path.join(d, "public_creds.json"))
            if f.endswith(".privcreds"):
                os.rename(os.path.join(d, f), os.path.join(d, "private_creds.txt"))
        keygen = ["setup", "generate-trustee-key-threshold", *g]
        for _ in range(TRUSTEES):
            run(keygen + ["--step", "1"], d)
        self.keys = sorted(f[:-4] for f in os.listdir(d) if f.endswith(".key"))
        certs = b"".join(open(os.path.join(d, k + ".cert"), "rb").read() for k in self.keys)
        open(os.path.join(d, "certs.jsons"), "wb").write(certs)
        run(keygen + ["--certs", "certs.jsons", "--step", "2"], d)
        polys = b"".join(run(keygen + ["--certs", "certs.jsons", "--key", k + ".key",
                                       "--step", "3", "--threshold", str(THRESHOLD)], d)[0]
                         for k in self.keys)
        open(os.path.join(d, "polynomials.jsons"), "wb").write(polys)
        run(keygen + ["--certs", "certs.jsons", "--step", "4",
                      "--polynomials", "polynomials.jsons"], d)
        outs = b"".join(run(keygen + ["--certs", "certs.jsons", "--key", k + ".key",
                                      "--step", "5"], d,
                            stdin=open(os.path.join(d, k + ".vinput"), "rb").read())[0]
                        for k in self.keys)
        thr = run(keygen + ["--certs", "certs.jsons", "--step", "6",
                            "--polynomials", "polynomials.jsons"], d, stdin=outs)[0]
        open(os.path.join(d, "threshold.json"), "wb").write(thr)
        open(os.path.join(d, "public_keys.jsons"), "wb").write(b"")  # no server key
        run(["setup", "make-trustees"], d)
        os.remove(os.path.join(d, "threshold.json"))
        template = {"description": "evote benchmark", "name": f"{big_l} of {n}",
                    "questions": [{"answers": [f"candidate {i}" for i in range(n)],
                                   "min": 1, "max": big_l, "question": "council"}]}
        json.dump(template, open(os.path.join(d, "template.json"), "w"))
        run(["setup", "make-election", "--uuid", uuid, *g, "--template", "template.json"], d)
        run(["archive", "init"], d)
        for f in ("election.json", "trustees.json", "public_creds.json"):
            os.remove(os.path.join(d, f))
        self.archive = uuid + ".bel"
        self.creds = [line.split()[1] for line in
                      open(os.path.join(d, "private_creds.txt")).read().splitlines()]
        self.empty = os.path.join(d, "empty")
        os.makedirs(self.empty)
        shutil.copy(os.path.join(d, self.archive), self.empty)
        self.cast = []        # choice vectors of the ballots in the archive
        self.last_ballot = b""
        self._tallied = None

    def _vote(self, k: int) -> bytes:
        picks = set(chosen(self.n, self.big_l, k))
        return json.dumps([[1 if i in picks else 0 for i in range(self.n)]]).encode()

    def encrypt(self) -> float:
        """Time one voter's generate-ballot; add the ballot to the archive (untimed)."""
        if self._tallied is not None or len(self.cast) >= len(self.creds):
            raise RuntimeError("no voter left to cast a ballot")
        k = len(self.cast)
        cred = os.path.join(self.dir, "cred.txt")
        vote = os.path.join(self.dir, "vote.json")
        open(cred, "w").write(self.creds[k] + "\n")
        open(vote, "wb").write(self._vote(k))
        ballot, cpu, _ = run(["election", "generate-ballot", "--privcred", cred,
                              "--ballot", vote], self.dir)
        run(["archive", "add-event", "--type=Ballot"], self.dir, stdin=ballot)
        self.cast.append(self._vote(k))
        self.last_ballot = ballot
        return cpu

    def verify_one(self) -> float:
        """(verify with the B ballots) - (verify with none), per ballot."""
        if not self.cast:
            raise RuntimeError("no ballot cast yet")
        full = run(["election", "verify"], self.dir)[1]
        empty = run(["election", "verify"], self.empty)[1]
        return max(full - empty, 0.0) / len(self.cast)

    def size(self) -> int:
        return len(self.last_ballot.rstrip(b"\n"))

    def _close(self) -> str:
        """End the voting phase and add the encrypted tally (once); return that archive."""
        if self._tallied is None:
            run(["archive", "add-event", "--type=EndBallots"], self.dir, stdin=b"")
            tally = run(["election", "compute-encrypted-tally"], self.dir)[0]
            run(["archive", "add-event", "--type=EncryptedTally"], self.dir, stdin=tally)
            self._tallied = os.path.join(self.dir, "tallied")
            os.makedirs(self._tallied)
            shutil.copy(os.path.join(self.dir, self.archive), self._tallied)
        return self._tallied

    def decrypt(self) -> float:
        """3 trustees' partial decryptions + compute-result, on a fresh copy of the
        tallied archive; the result must equal the sum of the cast ballots' choices."""
        src = self._close()
        d = os.path.join(self.dir, f"decrypt-{time.monotonic_ns()}")
        os.makedirs(d)
        shutil.copy(os.path.join(src, self.archive), d)
        cpu = 0.0
        for tid, k in enumerate(self.keys[:THRESHOLD], start=1):
            share, c, _ = run(["election", "decrypt-threshold",
                               "--key", os.path.join(self.dir, k + ".key"),
                               "--decryption-key", os.path.join(self.dir, k + ".dkey"),
                               "--trustee-id", str(tid)], d)
            cpu += c
            run(["archive", "add-event", "--type=PartialDecryption"], d, stdin=share)
        result, c, _ = run(["election", "compute-result"], d)
        cpu += c
        want = [sum(col) for col in zip(*(json.loads(v)[0] for v in self.cast))]
        got = json.loads(result)["result"][0]
        if got != want:
            raise AssertionError(f"Belenios result {got} differs from the plaintext sum")
        run(["archive", "add-event", "--type=Result"], d, stdin=result)
        run(["election", "verify"], d)
        shutil.rmtree(d)
        return cpu
