"""Where each object of an election record lives (specs/record.md, section 1).

Paths are relative to the record directory and always use '/' separators. The layout
is versioned by FORMAT; a verifier refuses any other version as unusable input.
"""
import re

FORMAT = "evote-record/3"

INDEX = "record.json"          # format, election id, every covered file and its hash
ROOT = "ROOT"                  # the root hash, hex, one line (announced publicly)
MANIFEST = "manifest.json"
CONTEXT = "context.json"       # election context: guardians' public records, joint key
PACKAGE = "package.json"       # the election package file, byte for byte (covered)
BOXES_DIR = "boxes"            # boxes/<station_id>/<kiosk_id>.box
PAPER_DIR = "paper"            # paper/<station_id>.json: declared, signed paper results
DECLARATIONS_DIR = "declarations"  # declarations/<station_id>.json: an electronic
                                   # station's forms issued, signed by its officials
FALLBACK_DIR = "fallback"      # fallback/<station_id>.json: officials' signed decision that
                               # an electronic station fell back to paper (record.md 5.4)
TALLY = "tally/encrypted.json"     # encrypted station and district tallies
DECRYPTION = "tally/decryption.json"  # decryption shares and proofs per district tally
LOT = "tally/lot.json"             # the lot ciphertext's shares, point and seed (V12)
RESULTS = "results/results.json"   # counts, winners, alternates, ties
MIX_DIR = "mix"                # mix/<contest_id>/...: a slot contest's mix input and mixes
                               # (specs/mix.md), only when the manifest has a slot contest
MIX_INPUT_NAME = "input.bin"   # mix/<contest_id>/input.bin, written by evote tally
REPORTS_DIR = "reports"        # the reports people read (specs/record.md section 1.1):
                               # not covered by the root (they show it), checked by V18
REPORT_HTML = "reports/results.html"   # the results page
REPORT_TEXT = "reports/results.txt"    # the same as plain text

# Identifiers that become path components: no separators, no dot-files, bounded length.
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def is_safe_id(value: str) -> bool:
    """True if value may be used as a single path component of the record."""
    return isinstance(value, str) and bool(_SAFE_ID.match(value)) and ".." not in value


def box_path(station_id: str, kiosk_id: str) -> str:
    return f"{BOXES_DIR}/{station_id}/{kiosk_id}.box"


def paper_path(station_id: str) -> str:
    return f"{PAPER_DIR}/{station_id}.json"


def declaration_path(station_id: str) -> str:
    return f"{DECLARATIONS_DIR}/{station_id}.json"


def fallback_path(station_id: str) -> str:
    return f"{FALLBACK_DIR}/{station_id}.json"


def mix_input_path(contest_id: str) -> str:
    """mix/<contest_id>/input.bin: the slot ciphertexts the first mix shuffles."""
    return f"{MIX_DIR}/{contest_id}/{MIX_INPUT_NAME}"


def mix_file_path(contest_id: str, k: int, mix_id: str) -> str:
    """mix/<contest_id>/<k>-<mix_id>.bin: the k-th mix of the contest (specs/mix.md 3)."""
    return f"{MIX_DIR}/{contest_id}/{k}-{mix_id}.bin"


_MIX_NAME = re.compile(r"^([1-9][0-9]{0,9})-(.+)\.bin$")


def parse_mix_path(path: str):
    """("input", contest_id) for mix/<C>/input.bin, ("mix", contest_id, k, mix_id) for
    mix/<C>/<k>-<mix_id>.bin (k decimal, no leading zero), else None. Other files
    under mix/<C>/ (the slot decryption's, specs/slot-decryption.md) are not named here."""
    parts = path.split("/")
    if len(parts) != 3 or parts[0] != MIX_DIR or not is_safe_id(parts[1]):
        return None
    if parts[2] == MIX_INPUT_NAME:
        return ("input", parts[1])
    m = _MIX_NAME.match(parts[2])
    if m and is_safe_id(m.group(2)):
        return ("mix", parts[1], int(m.group(1)), m.group(2))
    return None


# Files of the slot decryption under mix/<contest_id>/ (specs/slot-decryption.md), by
# name; their owner lists them here.
SLOT_DECRYPTION_NAMES: tuple = ("shares.bin", "decryption.bin")   # election/slot_shares.py


def is_mix_record_path(path: str) -> bool:
    """A path the record format defines under mix/: mix/<C>/input.bin, mix/<C>/<k>-<id>.bin
    or one of SLOT_DECRYPTION_NAMES under mix/<C>/ (C a safe id; which contests have
    them is V19's and V20's to check)."""
    parts = path.split("/")
    return parse_mix_path(path) is not None or (
        len(parts) == 3 and parts[0] == MIX_DIR and is_safe_id(parts[1])
        and parts[2] in SLOT_DECRYPTION_NAMES)


def report_contest_csv_path(contest_id: str) -> str:
    """reports/contest-<contest_id>.csv: a row per candidate."""
    return f"{REPORTS_DIR}/contest-{contest_id}.csv"


def report_stations_csv_path(contest_id: str) -> str:
    """reports/stations-<contest_id>.csv: a row per station with published counts."""
    return f"{REPORTS_DIR}/stations-{contest_id}.csv"


def report_station_codes_path(station_id: str) -> str:
    """reports/station-<station_id>.html: the codes of a station's CAST ballots."""
    return f"{REPORTS_DIR}/station-{station_id}.html"


def is_covered(path: str) -> bool:
    """Files the root hash covers: everything except the index, ROOT and reports/."""
    return path not in (INDEX, ROOT) and not path.startswith(REPORTS_DIR + "/")
