"""The verifier's report: numbered checks, counts, and the exact place of each failure.

Invariant: the report is a pure function of the record. Nothing machine-dependent (time,
paths outside the record, worker count, dict order) enters it, so the same record gives
the same bytes on any machine and with any number of workers. Failures are kept sorted
by (location, message); at most MAX_LISTED are listed per check, with the total count.
The verified winners are set only when every check passed (run.py), so a report that is
not VALID never names a winner.
"""
import json
from dataclasses import dataclass, field

MAX_LISTED = 200

PASS, FAIL, NOT_RUN = "pass", "fail", "not run"


@dataclass(frozen=True, order=True)
class Failure:
    location: str  # file, kiosk, record number, ballot id, contest, candidate: whatever applies
    message: str


@dataclass
class Check:
    number: str                # "V5"
    title: str
    checked: int = 0           # how many items were checked
    unit: str = "items"
    failures: list = field(default_factory=list)
    not_run_reason: str = ""   # set when an earlier failure made this check impossible

    def fail(self, location: str, message: str) -> None:
        # A message never repeats its location: readers below the report often name the
        # file themselves ("tally/x.json: ..." or "tally/x.json $.a: ..."); keep one.
        if location and message.startswith(location) and \
                message[len(location):len(location) + 1] in (":", " "):
            message = message[len(location):].lstrip(": ") or message
        self.failures.append(Failure(location, message))

    @property
    def status(self) -> str:
        if self.not_run_reason:
            return NOT_RUN
        return FAIL if self.failures else PASS

    def to_json_obj(self) -> dict:
        listed = sorted(set(self.failures))[:MAX_LISTED]
        return {
            "check": self.number,
            "title": self.title,
            "status": self.status,
            "checked": self.checked,
            "unit": self.unit,
            "failure_count": len(set(self.failures)),
            "failures": [{"location": f.location, "message": f.message} for f in listed],
            **({"not_run_reason": self.not_run_reason} if self.not_run_reason else {}),
        }


@dataclass
class Report:
    record_format: str = ""
    election_id: str = ""
    root_hash: str = ""
    manifest_hash: str = ""
    checks: list = field(default_factory=list)
    unusable: str = ""        # why the record could not be verified at all (exit code 2)
    package_hash: str = ""    # hash of the record's package.json ("" if none or unhashable)
    pinned: bool = False      # verified against an announced package hash (--package)
    winners: tuple = ()       # winners.ContestWinners, set only after VALID
    exclusions: tuple = ()    # the valid exclusions (V17): dicts box, station_id, kiosk_id,
                              # forms_excluded, reason, signed_by; listed, never silent
    fallbacks: tuple = ()     # the valid paper fallbacks (record.md 5.4): dicts station_id,
                              # path, kiosks, reason, signed_by; listed, never silent

    def mark_unusable(self, reason: str) -> None:
        """The record is unusable input (exit 2, specs/record.md 9): no check ran to its
        end, so none is reported passed or failed: every check is "not run" with this
        reason, and what it had counted or found so far is dropped (which checks had
        started depends only on the reading order, never on the record)."""
        self.unusable = reason
        self.winners = ()
        self.exclusions = ()
        self.fallbacks = ()
        for c in self.checks:
            c.checked = 0
            c.failures = []
            c.not_run_reason = f"unusable input: {reason}"

    def check(self, number: str, title: str, unit: str = "items") -> Check:
        c = Check(number, title, unit=unit)
        self.checks.append(c)
        return c

    @property
    def valid(self) -> bool:
        return (not self.unusable and bool(self.checks)
                and all(c.status == PASS for c in self.checks))

    @property
    def exit_code(self) -> int:
        """0 valid, 1 invalid, 2 unusable input."""
        return 2 if self.unusable else (0 if self.valid else 1)

    def get(self, number: str) -> Check:
        for c in self.checks:
            if c.number == number:
                return c
        raise KeyError(number)

    def to_json_obj(self) -> dict:
        return {
            "format": "evote-verify-report/1",
            "record_format": self.record_format,
            "election_id": self.election_id,
            "root_hash": self.root_hash,
            "manifest_hash": self.manifest_hash,
            "valid": self.valid,
            "unusable": self.unusable or None,
            "package_hash": self.package_hash or None,
            "pinned": self.pinned,
            "checks": [c.to_json_obj() for c in self.checks],
            "winners": [w.to_json_obj() for w in self.winners] if self.valid else [],
            "exclusions": [dict(e) for e in self.exclusions],
            "fallbacks": [dict(f) for f in self.fallbacks],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_json_obj(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def not_pinned_warning(self) -> str:
        return ("WARNING: not pinned to an announced election package hash: this record was "
                "checked only against itself, so another package (other stations' modes, "
                "kiosks or officials) would pass too; run again with --package HASH, the "
                "package hash announced before the polls opened")

    def winners_text(self) -> str:
        """The verified winners and alternates, one block per contest ("" unless VALID)."""
        if not self.valid or not self.winners:
            return ""
        lines = ["verified results (recomputed by this verifier from the decrypted counts):"]
        for w in self.winners:
            lines += w.to_lines()
        return "\n".join(lines) + "\n"

    def exclusions_text(self) -> list:
        """One line per box the supervising board excluded (V17), never left out."""
        if not self.exclusions:
            return []
        out = [f"EXCLUDED by the supervising board: {len(self.exclusions)} box(es); their "
               "ballots are in no tally and no count (V17):"]
        for e in self.exclusions:
            out.append(f"  {e['box']}: {e['forms_excluded']} forms issued excluded; reason: "
                       f"{' '.join(e['reason'].split())}; signed by "
                       f"{', '.join(e['signed_by'])}")
        return out

    def fallbacks_text(self) -> list:
        """One line per electronic station whose officials fell back to paper (record.md
        5.4): its boxes and its paper result are both counted; never left out."""
        if not self.fallbacks:
            return []
        out = [f"PAPER FALLBACK decided by the station officials: {len(self.fallbacks)} "
               "station(s); their kiosks' boxes and their paper results are both counted:"]
        for f in self.fallbacks:
            out.append(f"  {f['station_id']} ({f['path']}): kiosks {', '.join(f['kiosks'])}; "
                       f"reason: {' '.join(f['reason'].split())}; signed by "
                       f"{', '.join(f['signed_by'])}")
        return out

    def to_text(self) -> str:
        lines = [
            f"evote verify: election {self.election_id or '?'} ({self.record_format or '?'})",
            f"root hash: {self.root_hash or '?'}",
            f"manifest hash: {self.manifest_hash or '?'}",
            "package hash: " + (self.package_hash or ("?" if self.unusable   # not read
                                                      else "(no package.json)"))
            + (" (pinned: --package)" if self.pinned else ""),
        ]
        if self.unusable:   # said first: no check below ran
            lines.append(f"UNUSABLE INPUT: {self.unusable}")
        for c in self.checks:
            mark = {PASS: "ok  ", FAIL: "FAIL", NOT_RUN: "--  "}[c.status]
            lines.append(f"[{mark}] {c.number:>4} {c.title}: {c.checked} {c.unit} checked")
            if c.not_run_reason:
                lines.append(f"         not run: {c.not_run_reason}")
            uniq = sorted(set(c.failures))
            for f in uniq[:MAX_LISTED]:
                lines.append(f"         {f.location}: {f.message}")
            if len(uniq) > MAX_LISTED:
                lines.append(f"         ... and {len(uniq) - MAX_LISTED} more failures")
        lines += self.exclusions_text()
        lines += self.fallbacks_text()
        if not self.pinned and not self.unusable:
            lines.append(self.not_pinned_warning())
        lines.append("RESULT: " + ("VALID" if self.valid else
                                   "UNUSABLE" if self.unusable else "INVALID"))
        return "\n".join(lines) + "\n"
