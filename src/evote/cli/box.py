"""`evote box ...`: inspect kiosk ballot boxes.

    evote box check PATH --authority-key HEX [--election-hash HEX] [--station ID]
                         [--kiosk ID] [--require-closed] [--all] [--json]
    evote box check PATH --manifest MANIFEST.json   (authority key and election hash from it)
    evote box check PATH       (no authority key: the certificate's signature is not
                                checked, and the output says so)

Prints a summary (kiosk, station, counts, chain head, first problem) and exits 0 when
every check passes, 1 when the box fails a check or reopening it would have to cut
something (a torn final frame), 2 when the input cannot be used. When PATH.hwm (the box's
high-water mark, specs/ballot-box.md section 9) exists, the box must hold the last record
it names (`acknowledged-lost` otherwise). Reading only: nothing is cut or repaired.
"""
import json
import sys

import click

from ..errors import EvoteError


def _hex32(name, value):
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise click.UsageError(f"{name}: not hexadecimal") from None
    if len(raw) != 32:
        raise click.UsageError(f"{name}: expected 32 bytes (64 hex digits), got {len(raw)}")
    return raw


def _from_manifest(path):
    """(authority key, manifest hash) of the manifest file; UsageError naming it."""
    from ..manifest import load_manifest  # lazy: only when asked
    try:
        m = load_manifest(path)
    except EvoteError as exc:  # the message names the file and the field
        raise click.UsageError(f"--manifest: {exc}") from None
    return m.authority_key, m.hash()


@click.group()
def box():
    """Kiosk ballot boxes: check a box file."""


@box.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--authority-key", help="Election authority's Ed25519 public key (hex).")
@click.option("--manifest", type=click.Path(dir_okay=False),
              help="Take the authority key and election hash from this manifest.")
@click.option("--election-hash", help="Expected election (manifest) hash (hex).")
@click.option("--station", help="Expected station id.")
@click.option("--kiosk", help="Expected kiosk id.")
@click.option("--require-closed", is_flag=True, help="Fail unless the box has its CLOSE record.")
@click.option("--all", "show_all", is_flag=True, help="List every problem, not only the first.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def check(path, authority_key, manifest, election_hash, station, kiosk, require_closed,
          show_all, as_json):
    """Verify the ballot box at PATH and print a summary."""
    from ..ballotbox.highwater import holds, loss, mark_path, read_mark
    from ..ballotbox.problems import BoxDamaged, ChainError, TornFrame
    from ..ballotbox.reader import scan_box
    from ..ballotbox.records import short_code, time_of

    try:
        want_election = None if election_hash is None else _hex32("--election-hash", election_hash)
        if manifest is not None:
            auth, manifest_hash = _from_manifest(manifest)
            want_election = want_election or manifest_hash
        elif authority_key is not None:
            auth = _hex32("--authority-key", authority_key)
        else:
            auth = None  # everything but the certificate's signature; said loudly below
    except click.UsageError as exc:
        click.echo(f"evote box check: {exc.message}", err=True)
        sys.exit(2)
    try:
        report = scan_box(path, authority_key=auth, election_hash=want_election,
                          station_id=station, kiosk_id=kiosk, keep_hashes=True)
    except (EvoteError, OSError) as exc:
        click.echo(f"evote box check: cannot read {path}: {exc}", err=True)
        sys.exit(2)
    problems = list(report.problems)
    try:
        mark = read_mark(mark_path(path))
    except BoxDamaged as exc:
        mark = None
        problems.append(exc)
    if mark is not None and not holds(report, mark):
        problems.append(loss(report, mark))
    if report.torn_offset is not None:  # reopening would cut it: never a silent OK
        problems.append(TornFrame("torn-frame", f"{report.torn_bytes} bytes of an incomplete "
                                  "final frame (never acknowledged if the high-water mark "
                                  "agrees); reopening the box cuts them",
                                  seq=report.n_records, offset=report.torn_offset, path=path))
    if require_closed and not report.closed and report.n_records:
        problems.append(ChainError("not-closed", "the box has no CLOSE record",
                                   seq=report.n_records, kiosk_id=report.kiosk_id, path=path))
    summary = {
        "path": str(path), "bytes": report.file_size, "kiosk": report.kiosk_id,
        "station": report.station_id,
        "election_hash": report.election_hash.hex() if report.election_hash else None,
        "kiosk_key": report.kiosk_key.hex() if report.kiosk_key else None,
        "records": report.n_records, "cast": report.n_cast, "spoiled": report.n_spoiled,
        "closed": report.closed,
        "chain_head": report.chain_head.hex() if report.chain_head else None,
        "last_time": time_of(report.last_time_us).isoformat() if report.n_records else None,
        "torn_tail": None if report.torn_offset is None else
        {"offset": report.torn_offset, "bytes": report.torn_bytes},
        "certificate_checked": report.certificate_checked,
        "high_water": None if mark is None or mark.empty else
        {"record": mark.seq, "type": mark.rtype.name, "path": mark.path},
        "ok": not problems,
        "problems": [{"record": p.seq, "offset": p.offset, "check": p.check,
                      "detail": p.detail} for p in problems],
    }
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        _print_text(summary, problems, show_all, short_code)
    sys.exit(0 if not problems else 1)


def _print_text(s, problems, show_all, short_code):
    out = click.echo
    out(f"box        {s['path']} ({s['bytes']} bytes)")
    out(f"kiosk      {s['kiosk']}    station {s['station']}")
    out(f"election   {s['election_hash']}")
    out(f"kiosk key  {s['kiosk_key']}")
    state = "closed" if s["closed"] else "open (no CLOSE record)"
    out(f"records    {s['records']}: {s['cast']} cast, {s['spoiled']} spoiled; {state}")
    if s["chain_head"]:
        out(f"chain head {s['chain_head']} ({short_code(bytes.fromhex(s['chain_head']))})")
    out(f"last time  {s['last_time']}")
    hw = s["high_water"]
    if hw is None:
        out(f"high water none ({s['path']}.hwm missing or empty: acknowledged records "
            "cannot be checked)")
    else:
        out(f"high water record {hw['record']} ({hw['type']}) in {hw['path']}")
    if not s["certificate_checked"]:
        out("warning    kiosk certificate NOT checked against the authority's key "
            "(give --authority-key or --manifest)")
    if not problems:
        out("result     OK: every record verified" if s["certificate_checked"] else
            "result     OK as far as checked: records consistent and signed by the key in "
            "the certificate; the certificate itself is unverified")
        return
    out(f"result     FAILED: {len(problems)} problem(s)")
    for p in problems if show_all else problems[:1]:
        out(f"  record {p.seq} (offset {p.offset}): {p.check}: {p.detail}")
    if not show_all and len(problems) > 1:
        out("  (use --all to list every problem)")
