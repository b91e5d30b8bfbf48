"""Find a ballot by its confirmation code and verify what the record says about it
(specs/voter.md sections 2, 3 and 5).

    result = find_ballot(view, query)    # search every listed box (codes only)
    result.matches                       # [Match], at most MAX_MATCHES kept
    checked = verify_match(view, match)  # that one box, the index, the ballot's proofs

The search pass streams each box with the frame reader and compares codes only (no
signature is checked, nothing is kept but matches), so it costs one read of the record's
boxes; only the box that holds the match is then verified record by record.
"""
import os
from dataclasses import dataclass, field

from ..ballotbox.framing import RecordType, iter_frames
from ..ballotbox.reader import walk_box
from ..ballotbox.records import CastRecord, SpoilRecord, decode_body, short_code
from ..errors import BoxError, EvoteError
from ..protocol.encrypted_ballot import EncryptedBallot
from ..protocol.verify_ballot import verify_ballot
from ..record import layout

MAX_MATCHES = 20
_BUFFER = 1 << 20


@dataclass(frozen=True)
class Match:
    """A CAST or SPOIL record whose code matches the query (not yet verified)."""
    path: str
    station_id: str
    kiosk_id: str
    seq: int
    kind: str          # "CAST" or "SPOIL"
    code: bytes
    ballot_id: bytes

    @property
    def short_code(self) -> str:
        return short_code(self.code)


@dataclass
class Search:
    matches: list = field(default_factory=list)
    n_matches: int = 0
    incomplete: list = field(default_factory=list)   # (path, why the search stopped)
    records_read: int = 0
    bytes_read: int = 0


def _search_box(view, entry, query, out: Search) -> None:
    rel, station_id, kiosk_id = entry
    why = view.not_followed(rel)
    if why:
        out.incomplete.append((rel, why))
        return
    try:
        fd = os.open(view.full(rel), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        out.incomplete.append((rel, f"cannot be opened: {exc.strerror}"))
        return
    with os.fdopen(fd, "rb", buffering=_BUFFER) as f:
        import stat
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            out.incomplete.append((rel, "not a regular file"))
            return
        try:
            for frame in iter_frames(f, limit=st.st_size):
                out.records_read += 1
                out.bytes_read += frame.size
                if frame.rtype not in (RecordType.CAST, RecordType.SPOIL):
                    continue
                # the body starts: ballot id (32) | confirmation code (32) | ...
                if not query.matches(frame.body[32:64]):
                    continue
                try:
                    fields = decode_body(frame.rtype, frame.body)
                except EvoteError as exc:
                    out.incomplete.append((rel, f"record {frame.seq} (offset {frame.offset}): "
                                                f"{exc}"))
                    continue
                out.n_matches += 1
                if len(out.matches) < MAX_MATCHES:
                    out.matches.append(Match(rel, station_id, kiosk_id, frame.seq,
                                             frame.rtype.name, fields["code"],
                                             fields["ballot_id"]))
        except BoxError as exc:   # FramingError, TornFrame: the rest cannot be read
            if getattr(exc, "check", None) == "torn-frame":
                return            # a torn tail was never acknowledged: nothing lost
            out.incomplete.append((rel, f"offset {exc.offset}: {exc.check}: {exc.detail}"))
        except OSError as exc:
            out.incomplete.append((rel, f"cannot be read: {exc.strerror or exc}"))


def find_ballot(view, query) -> Search:
    """Every CAST/SPOIL record of the listed boxes whose code matches `query`."""
    out = Search()
    for entry in view.boxes:
        _search_box(view, entry, query, out)
    return out


@dataclass
class Checked:
    """What verify_match found. ok: every check up to and including the ballot passed.
    record: the verified CastRecord/SpoilRecord (None if it did not verify)."""
    match: Match
    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    record: object = None
    ballot: object = None
    station_name: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and self.record is not None


PAGE_LIMIT = 1 << 26     # bytes of a station's page of codes read at most


def station_page_warning(view, match: Match):
    """None when the station's page of codes (specs/record.md 1.1) shows this CAST
    ballot's short and full code; else why not (a warning: the page is not covered by
    the root hash, V18 checks it). Read as a regular file, never through a link."""
    rel = layout.report_station_codes_path(match.station_id)
    why = view.not_followed(rel)
    if why:
        return f"{rel}: {why}"
    try:
        fd = os.open(view.full(rel), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as f:
            page = f.read(PAGE_LIMIT)
    except OSError as exc:
        return f"{rel}: cannot be read ({exc.strerror or exc}): the station's page of codes"
    shown = (f'<code class="s">{match.short_code}</code>'.encode() in page
             and f'<code class="f">{match.code.hex()}</code>'.encode() in page)
    return None if shown else (f"{rel}: the station's page of codes does not show this "
                               "ballot's code (the page is not what the boxes hold: "
                               "evote verify checks it, V18)")


def verify_match(view, match: Match, expected_root=None) -> Checked:
    """Verify the box of `match` up to and including it (specs/voter.md section 5);
    never raises for what the record holds."""
    out = Checked(match)
    m = view.manifest
    out.problems += view.index_problems(layout.MANIFEST, layout.CONTEXT, match.path,
                                        expected_root=expected_root)
    if view.not_followed(match.path):   # named by index_problems; never read through it
        return out
    try:
        station = m.station(match.station_id)
        out.station_name = station.name
        style_id = station.style_id
    except EvoteError:
        out.problems.append(f"{match.path}: station {match.station_id!r} is not in the manifest")
        return out
    where = f"{match.path} record {match.seq}"
    try:
        gen = walk_box(view.full(match.path), authority_key=m.authority_key,
                       election_hash=m.hash(), station_id=match.station_id,
                       kiosk_id=match.kiosk_id)
        report = None
        try:
            while True:
                record, problems = next(gen)
                for p in problems:
                    before = p.seq is None or p.seq <= match.seq
                    (out.problems if before and out.record is None else out.warnings).append(
                        f"{match.path} record {p.seq}: {p.check}: {p.detail}")
                if (isinstance(record, (CastRecord, SpoilRecord)) and record.seq == match.seq
                        and not out.problems):
                    if record.code != match.code or record.ballot_id != match.ballot_id:
                        out.problems.append(f"{where}: changed while it was being read")
                    else:
                        out.record = record
        except StopIteration as stop:
            report = stop.value
    except (BoxError, OSError) as exc:
        out.problems.append(f"{match.path}: cannot be read: {exc}")
        return out
    if out.record is None:
        if not out.problems:
            out.problems.append(f"{where}: not reached (the box ends before it)")
        return out
    if report.torn_offset is not None:
        out.warnings.append(f"{match.path}: {report.torn_bytes} bytes of an incomplete final "
                            "frame")
    if not report.closed:
        out.warnings.append(f"{match.path}: the box has no CLOSE record")
    try:
        ballot = EncryptedBallot.from_bytes(out.record.payload)
    except EvoteError as exc:
        out.problems.append(f"{where}: the ballot does not decode: {exc}")
        return out
    if ballot.ballot_id != match.ballot_id:
        out.problems.append(f"{where}: the encrypted ballot carries another ballot id")
    elif ballot.style_id != style_id:
        out.problems.append(f"{where}: ballot style {ballot.style_id!r} is not the station's "
                            f"style {style_id!r}")
    else:
        try:
            verify_ballot(view.context, m, ballot)
            out.ballot = ballot
        except EvoteError as exc:
            out.problems.append(f"{where}: the ballot's proofs do not verify: {exc}")
    return out
