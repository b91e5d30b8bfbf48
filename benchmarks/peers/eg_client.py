"""Talks to eg_worker.py, which runs ElectionGuard 1.4.0 in its own Python 3.10 venv."""
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_VENV = "/tmp/evote-peers/eg-venv"


class ElectionGuard:
    def __init__(self, venv: str = DEFAULT_VENV, log_path: str = "/tmp/evote-peers/eg.log"):
        python = os.path.join(venv, "bin", "python")
        if not os.path.exists(python):
            raise RuntimeError(f"no ElectionGuard venv at {venv} "
                               "(run sh benchmarks/peers/setup_peers.sh)")
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen([python, os.path.join(HERE, "eg_worker.py")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self._log)
        hello = self._read()
        self.version, self.python = hello["version"], hello["python"]

    def _read(self, op=None) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the ElectionGuard worker exited (see /tmp/evote-peers/eg.log)")
        out = json.loads(line)
        if not out.get("ok"):
            raise RuntimeError(f"ElectionGuard: {out.get('error')}")
        if op is not None and out.get("op") != op:
            raise RuntimeError(f"ElectionGuard answered {out.get('op')!r} to {op!r}")
        return out

    def ask(self, **req) -> dict:
        self.proc.stdin.write((json.dumps(req) + "\n").encode())
        self.proc.stdin.flush()
        return self._read(req["op"])

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)
        self._log.close()
