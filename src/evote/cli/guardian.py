"""`evote guardian ...`: the key ceremony as separate steps exchanging files.

    evote guardian generate --manifest M.json | --manifest-hash HEX
                            --index I --guardians N --threshold T --out SECRET.json
    evote guardian publish  SECRET.json --out RECORD.json
    evote guardian deal     SECRET.json RECORD.json... --out-dir DIR
    evote guardian finish   SECRET.json RECORD.json... --shares SHARE.json...
                            [--complaints-out FILE] [--complain-missing]
    evote guardian context  RECORD.json... --out CONTEXT.json
    evote guardian decrypt  SECRET.json RECORD --out SHARES.json [--jobs N]

Secret files are encrypted under a passphrase (asked on the terminal, or read from
--passphrase-file); they are written with mode 0600, and `generate` never replaces an
existing file. Every file is written through evote.election.files (whole or not at all,
never replacing a file, never one of the step's inputs); the one exception is `finish`,
which replaces SECRET with the same guardian holding its key share (atomic rename).
The steps and every file format are in specs/key-ceremony.md (section 8); `decrypt` in
specs/election.md (section 7).
Exit 0 on success, 1 when `finish` raised complaints (written to --complaints-out,
default complaints-I.json), 2 on unusable input.
"""
import json
import sys
from pathlib import Path

import click

from ..errors import EvoteError

_PASS = click.option("--passphrase-file", type=click.Path(dir_okay=False),
                     help="Read the passphrase from this file (first line) instead of asking.")
_OPS = click.option("--kdf-ops", type=int, default=None,
                    help="argon2id passes for a new secret file (default 3).")
_MEM = click.option("--kdf-mem-kib", type=int, default=None,
                    help="argon2id memory in KiB for a new secret file (default 65536).")


def _fail(step, message):
    click.echo(f"evote guardian {step}: {message}", err=True)
    sys.exit(2)


def _passphrase(passphrase_file, confirm=False):
    if passphrase_file is not None:
        try:
            lines = Path(passphrase_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise EvoteError(f"passphrase file {passphrase_file}: cannot read ({exc})") from None
        return lines[0] if lines else ""
    try:
        return click.prompt("Guardian passphrase", hide_input=True, confirmation_prompt=confirm)
    except click.Abort:  # end of input or ^C: no passphrase, which is unusable input
        raise EvoteError("no passphrase given (input ended or was interrupted; "
                         "--passphrase-file FILE reads it from a file)") from None


def _kdf(ops, mem_kib, existing=None):
    from ..protocol import guardian_store as gs
    limits = {"opslimit": gs.DEFAULT_OPSLIMIT, "memlimit": gs.DEFAULT_MEMLIMIT}
    if existing is not None:
        header = json.loads(Path(existing).read_bytes())
        limits = {"opslimit": header["opslimit"], "memlimit": header["memlimit"]}
    if ops is not None:
        limits["opslimit"] = ops
    if mem_kib is not None:
        limits["memlimit"] = mem_kib * 1024
    return limits


def _read_json(path, what="guardian file"):
    """Strict JSON of a file, read through evote.election.files (its errors name it)."""
    from ..election.files import read_json_input
    return read_json_input(path, what)[0]


def _write_json(path, obj, what, inputs):
    """A new file through evote.election.files: whole or not at all, never replacing a
    file, never one of the step's inputs (so --out SECRET cannot destroy the secret)."""
    from ..election.files import write_new_file
    from ..protocol.ceremony_wire import canonical_json
    write_new_file(path, canonical_json(obj) + b"\n", what, inputs=inputs)


def _make_dir(path):
    try:
        Path(path).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EvoteError(f"{path}: cannot create the directory ({exc.strerror})") from None


def _not_a_sealed_share(path, obj):
    """A shell glob after --shares gives the option only its first file; the others
    spill into RECORDS. Say so rather than 'not a guardian record'."""
    from ..protocol.guardian import SEALED_VERSION
    if isinstance(obj, dict) and obj.get("version") == SEALED_VERSION:
        raise EvoteError(f"RECORDS has {path}, a sealed share: give --shares before each "
                         "share file, e.g. --shares a.json --shares b.json; a glob after "
                         "--shares gives it only its first file")


def _records(paths):
    from ..protocol.guardian import GuardianRecord
    out = []
    for p in paths:
        out.append(_parsed(p, GuardianRecord.from_json_obj, check=_not_a_sealed_share))
    return out


def _parsed(path, parse, check=None):
    """parse(the JSON of `path`); every error names the file once (_read_json's own
    errors already do)."""
    obj = _read_json(path)
    if check is not None:
        check(path, obj)
    try:
        return parse(obj)
    except EvoteError as exc:
        raise EvoteError(f"{path}: {exc}") from None


def _manifest_hash(manifest, manifest_hash):
    if (manifest is None) == (manifest_hash is None):
        raise click.UsageError("give exactly one of --manifest and --manifest-hash")
    if manifest is not None:
        from ..manifest import load_manifest
        return load_manifest(manifest).hash()
    try:
        raw = bytes.fromhex(manifest_hash)
    except ValueError:
        raise click.UsageError("--manifest-hash: not hexadecimal") from None
    if len(raw) != 32:
        raise click.UsageError("--manifest-hash: expected 32 bytes (64 hex digits)")
    return raw


def _run(step, fn):
    try:
        return fn()
    except click.UsageError as exc:
        _fail(step, exc.message)
    except EvoteError as exc:
        _fail(step, str(exc))


@click.group()
def guardian():
    """Key ceremony steps for one guardian (files in, files out)."""


@guardian.command()
@click.option("--manifest", type=click.Path(dir_okay=False), help="The election manifest.")
@click.option("--manifest-hash", help="Or the manifest hash (hex).")
@click.option("--index", type=int, required=True, help="This guardian's number, 1..N.")
@click.option("--guardians", "n", type=int, required=True, help="Number of guardians N.")
@click.option("--threshold", "t", type=int, required=True, help="Guardians needed to decrypt.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Secret file.")
@_PASS
@_OPS
@_MEM
def generate(manifest, manifest_hash, index, n, t, out, passphrase_file, kdf_ops, kdf_mem_kib):
    """Step 1: new keys and polynomial, saved encrypted to --out."""
    from ..election.files import check_output, write_new_file
    from ..protocol.ceremony import generate_guardian
    from ..protocol.guardian_store import seal_guardian

    def step():
        mh = _manifest_hash(manifest, manifest_hash)
        # checked before the passphrase is asked; written without ever replacing a file
        # (an existing one may be a guardian's only copy of its secrets), mode 0600
        check_output(out, "secret file")
        g = generate_guardian(mh, index, n, t)
        sealed = seal_guardian(g, _passphrase(passphrase_file, confirm=True),
                               **_kdf(kdf_ops, kdf_mem_kib))
        write_new_file(out, sealed, "secret file", secret=True)
        click.echo(f"guardian {index} of {n} (threshold {t}): secret saved to {out}")
    _run("generate", step)


@guardian.command()
@click.argument("secret", type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Record file.")
@_PASS
def publish(secret, out, passphrase_file):
    """Step 2: write this guardian's signed public record."""
    from ..protocol.ceremony import publish_record
    from ..protocol.guardian_store import load_guardian

    def step():
        g = load_guardian(secret, _passphrase(passphrase_file))
        _write_json(out, publish_record(g).to_json_obj(), "record file", (secret,))
        click.echo(f"guardian {g.index}: record written to {out}")
    _run("publish", step)


@guardian.command()
@click.argument("secret", type=click.Path(dir_okay=False))
@click.argument("records", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out-dir", required=True, type=click.Path(file_okay=False))
@_PASS
def deal(secret, records, out_dir, passphrase_file):
    """Step 3: check all N records, write one sealed share per other guardian."""
    from ..protocol.ceremony import deal_shares
    from ..protocol.guardian_store import load_guardian

    def step():
        g = load_guardian(secret, _passphrase(passphrase_file))
        shares = deal_shares(g, _records(records))
        _make_dir(out_dir)
        inputs = (secret, *records)
        for s in shares:
            _write_json(Path(out_dir) / f"share-{s.sender}-to-{s.recipient}.json",
                        s.to_json_obj(), "sealed share file", inputs)
        click.echo(f"guardian {g.index}: {len(shares)} sealed shares written to {out_dir}")
    _run("deal", step)


@guardian.command()
@click.argument("secret", type=click.Path(dir_okay=False))
@click.argument("records", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--shares", "share_paths", multiple=True, required=True,
              type=click.Path(dir_okay=False), help="A sealed share sent to this guardian "
              "(repeat the option for each).")
@click.option("--complaints-out", type=click.Path(dir_okay=False))
@click.option("--complain-missing", is_flag=True,
              help="Complain against every guardian whose share is not given (without it, "
              "a missing share is refused as a slip of the command line).")
@_PASS
def finish(secret, records, share_paths, complaints_out, complain_missing, passphrase_file):
    """Step 4: open and check the shares; keep the key share, or write complaints."""
    from ..protocol.ceremony import finish_guardian
    from ..protocol.guardian import SealedShare
    from ..protocol.guardian_store import load_guardian, save_guardian

    def step():
        passphrase = _passphrase(passphrase_file)
        g = load_guardian(secret, passphrase)
        shares = []
        for p in share_paths:
            shares.append(_parsed(p, SealedShare.from_json_obj))
        recs = _records(records)
        senders = {s.sender for s in shares}
        missing = [i for i in range(1, g.n + 1) if i != g.index and i not in senders]
        if missing and not complain_missing:
            raise EvoteError(f"no share from guardian(s) {', '.join(map(str, missing))}: a "
                             "missing share is not a bad share; give every share, or "
                             "--complain-missing to complain against them")
        outcome = finish_guardian(g, recs, shares)
        if outcome.complaints:
            path = complaints_out or f"complaints-{g.index}.json"
            _write_json(path, [c.to_json_obj() for c in outcome.complaints],
                        "complaints file", (secret, *records, *share_paths))
            for c in outcome.complaints:
                click.echo(f"complaint: {c}", err=True)
            click.echo(f"guardian {g.index}: {len(outcome.complaints)} complaint(s) written "
                       f"to {path}; no key share kept", err=True)
            return 1
        # The one secret replaced on purpose: the same guardian, now with its key share.
        # save_guardian writes a temporary file, fsyncs it and renames it over SECRET.
        save_guardian(secret, outcome.guardian, passphrase, **_kdf(None, None, existing=secret))
        click.echo(f"guardian {g.index}: key share checked against S_{g.index} and saved; "
                   f"base hash {outcome.context.base_hash.hex()}")
        return 0
    sys.exit(_run("finish", step))


@guardian.command()
@click.argument("records", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def context(records, out):
    """Step 5 (anyone): check the N records and write the election context."""
    from ..protocol.ceremony import build_context

    def step():
        recs = _records(records)
        r0 = recs[0]
        ctx = build_context(r0.manifest_hash, r0.n, r0.t, recs)
        _write_json(out, ctx.to_json_obj(), "context file", records)
        click.echo(f"election context written to {out}: joint key "
                   f"{ctx.joint_key.to_bytes().hex()}, base hash {ctx.base_hash.hex()}")
    _run("context", step)


@guardian.command()
@click.argument("secret", type=click.Path(dir_okay=False))
@click.argument("record", type=click.Path(file_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="The share file to write (send it to the tally centre).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes verifying the boxes (default: every core).")
@_PASS
def decrypt(secret, record, out, jobs, passphrase_file):
    """On this guardian's own machine: check RECORD (every box, the tally, the privacy
    floor, the decryption log), then write this guardian's decryption shares."""
    from ..election.guardian_decrypt import decrypt as decrypt_record

    def step():
        o = decrypt_record(secret, _passphrase(passphrase_file), record, out, jobs=jobs)
        again = f" ({len(o.repeated)} decrypted before, same ciphertexts)" if o.repeated else ""
        click.echo(f"guardian {o.guardian_index}: {o.boxes} boxes and {o.ballots} ballots "
                   f"verified, the tally recomputed and equal; {o.contests} contest(s) "
                   f"decrypted{again}; shares written to {o.path} (tally hash "
                   f"{o.tally_hash.hex()})")
    _run("decrypt", step)
