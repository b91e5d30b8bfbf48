"""An example kiosk program over evote.kiosk.Kiosk (guide: docs/kiosk.md).

    python docs/examples/kiosk_station.py --package package.json --key kiosk.key \
        --certificate kiosk.cert.json --box K.box [--mirror /media/second/K.box] \
        [--passphrase-file FILE] --voters voters.jsonl [--printouts DIR] [--close]

It plays the voters of VOTERS.jsonl, one JSON object a line:

    {"choices": {"<contest id>": "<codes as typed>"}, "challenge": false}

For each voter: the review (candidate names, as the voter would check them), the
encryption, the confirmation code; if "challenge" is true the ballot is challenged
(spoiled: the box records the ballot only) and the kiosk's signed opening is "printed"
for that voter alone, here as the file PRINTOUTS/<code>.opening.hex (the text a real
kiosk prints as a QR code; the voter checks it with `evote challenge check RECORD CODE
--opening FILE`); the voter's choices are encrypted again; then the ballot is cast and
the receipt printed. One line per voter. Every voter line is checked
before the first ballot is written, so a bad file writes nothing. Run it again on the
same box and it resumes (a restarted kiosk); --close ends the day with the CLOSE record.
Exit 0 done, 2 bad input (one line on stderr: `kiosk_station: <message>`).
A real kiosk reads the voter's codes from its keypad instead of a file.
"""
import argparse
import json
import os
import sys

from evote.election.files import read_input, write_new_file
from evote.errors import EvoteError
from evote.kiosk import Kiosk

PROGRAM = "kiosk_station"


class BadVoters(EvoteError):
    """A voters file line that is not a voter."""


def read_passphrase(path) -> str:
    data = read_input(path, "passphrase file", 64 * 1024)
    try:
        return data.decode("utf-8").splitlines()[0] if data else ""
    except UnicodeDecodeError:
        raise BadVoters(f"passphrase file {path}: not UTF-8") from None


def read_voters(path) -> list:
    """[(line number, choices, challenge)] of the voters file."""
    try:
        text = read_input(path, "voters file", 16 * 1024 * 1024).decode("utf-8")
    except UnicodeDecodeError:
        raise BadVoters(f"voters file {path}: not UTF-8") from None
    voters = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"voters file {path} line {n}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise BadVoters(f"{where}: not JSON ({exc})") from None
        if not isinstance(obj, dict) or set(obj) - {"choices", "challenge"} or \
                "choices" not in obj:
            raise BadVoters(f"{where}: expected {{\"choices\": {{...}}, \"challenge\": "
                            "false}")
        choices, challenge = obj["choices"], obj.get("challenge", False)
        if not isinstance(choices, dict) or \
                not all(isinstance(v, (str, list)) for v in choices.values()):
            raise BadVoters(f"{where}: choices: expected contest id -> typed codes")
        if not isinstance(challenge, bool):
            raise BadVoters(f"{where}: challenge: expected true or false")
        voters.append((n, choices, challenge))
    return voters


def review_text(review) -> str:
    return "; ".join(f"{contest}: " + (", ".join(f"{code} {name}" for code, name in picks)
                                       or "blank") for contest, picks in review)


def print_opening(printouts: str, challenged) -> str:
    """The voter's printout of a challenge: here a file (a real kiosk prints the hex as a
    QR code with the short code beside it, hands it to the voter and keeps no copy)."""
    os.makedirs(printouts, exist_ok=True)
    path = os.path.join(printouts, f"{challenged.short_code}.opening.hex")
    return write_new_file(path, challenged.opening_hex.encode() + b"\n", "printout",
                          secret=True)


def vote(kiosk: Kiosk, number: int, choices: dict, challenge: bool, printouts: str) -> str:
    """One voter at the kiosk; returns the line to print."""
    shown = review_text(kiosk.review(choices))   # the voter checks the names first
    draft = kiosk.encrypt(choices)
    parts = [f"voter {number}: {shown}", f"code {draft.short_code}"]
    if challenge:
        spoiled = kiosk.challenge(draft)             # the box gets the ballot only
        printed = print_opening(printouts, spoiled)  # the opening goes to the voter
        parts.append(f"challenged (record {spoiled.seq}), opening printed: {printed}")
        draft = kiosk.encrypt(choices)           # the voter votes again: a new ballot
        parts.append(f"code {draft.short_code}")
    receipt = kiosk.cast(draft)
    parts.append(f"cast (record {receipt.seq}), receipt {receipt.short_code}")
    return " | ".join(parts)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog=PROGRAM, description=__doc__.split("\n")[0])
    ap.add_argument("--package", required=True, help="the election package (package.json)")
    ap.add_argument("--key", required=True, help="this kiosk's key file")
    ap.add_argument("--certificate", required=True, help="this kiosk's certificate file")
    ap.add_argument("--box", required=True, help="the ballot box file (created or resumed)")
    ap.add_argument("--mirror", help="the box's mirror, on a second medium")
    ap.add_argument("--passphrase-file", help="the key's passphrase (first line); else asked")
    ap.add_argument("--voters", required=True, help="voters, one JSON object a line")
    ap.add_argument("--printouts", help="where challenged ballots' openings are 'printed' "
                    "(default: a printouts directory beside the box)")
    ap.add_argument("--close", action="store_true", help="close the box at the end")
    args = ap.parse_args(argv)
    if (sys.stdout.encoding or "").lower() not in ("utf-8", "utf8"):
        sys.stdout.reconfigure(encoding="utf-8")   # candidate names are Persian
    printouts = args.printouts or os.path.join(os.path.dirname(os.path.abspath(args.box)),
                                               "printouts")
    try:
        voters = read_voters(args.voters)
        passphrase = None if args.passphrase_file is None else \
            read_passphrase(args.passphrase_file)
        # durable (the default): every record is fsynced before the voter is told.
        with Kiosk.start(args.package, args.key, args.certificate, args.box,
                         mirror_path=args.mirror, passphrase=passphrase) as kiosk:
            for note in kiosk.recovery:
                print(f"kiosk {kiosk.kiosk_id}: recovery: {note}")
            if kiosk.closed:
                raise BadVoters(f"box {args.box}: already closed (the day is over); "
                                "no ballot can be cast")
            for n, choices, _ in voters:   # every voter checked before the first ballot
                try:
                    kiosk.choices(choices)
                except EvoteError as exc:
                    raise BadVoters(f"voters file {args.voters} line {n}: {exc}") from None
            print(f"kiosk {kiosk.kiosk_id} at station {kiosk.station_id}: box {args.box}, "
                  f"{kiosk.n_cast} cast and {kiosk.n_spoiled} spoiled before this run")
            for number, (_, choices, challenge) in enumerate(voters, 1):
                print(vote(kiosk, number, choices, challenge, printouts), flush=True)
            if args.close:
                closing = kiosk.close()
                print(f"kiosk {kiosk.kiosk_id}: closed (record {closing.seq}): "
                      f"{closing.n_cast} cast, {closing.n_spoiled} spoiled")
    except EvoteError as exc:
        print(f"{PROGRAM}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
