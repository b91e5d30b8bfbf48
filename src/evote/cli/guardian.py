"""`evote guardian ...`: the key ceremony as separate steps exchanging files.

    evote guardian generate --manifest M.json | --manifest-hash HEX
                            --index I --guardians N --threshold T --out SECRET.json
    evote guardian commit   SECRET.json --out COMMIT.json
    evote guardian publish  SECRET.json --commitments COMMIT.json... --out RECORD.json
    evote guardian deal     SECRET.json RECORD.json... --out-dir DIR
    evote guardian finish   SECRET.json RECORD.json... --shares SHARE.json...
                            [--complaints-out FILE] [--complain-missing]
    evote guardian acknowledge SECRET.json RECORD.json... --out ACK.json
    evote guardian context  RECORD.json... --commitments COMMIT.json...
                            --acknowledgements ACK.json... --out CONTEXT.json
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

import click

from .steps import kdf_limits, read_passphrase, run_step

_PASS = click.option("--passphrase-file", type=click.Path(dir_okay=False),
                     help="Read the passphrase from this file (first line) instead of asking.")
_OPS = click.option("--kdf-ops", type=int, default=None,
                    help="argon2id passes for a new secret file (default 3).")
_MEM = click.option("--kdf-mem-kib", type=int, default=None,
                    help="argon2id memory in KiB for a new secret file (default 65536).")


def _passphrase(passphrase_file, confirm=False):
    return read_passphrase(passphrase_file, "Guardian passphrase", confirm=confirm)


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
    """Step 1: new keys, polynomial and lot secret, saved encrypted to --out."""
    from ..election import ceremony_steps
    from ..election.files import check_output

    def step():
        mh = _manifest_hash(manifest, manifest_hash)
        check_output(out, "secret file")  # before the passphrase is asked
        ceremony_steps.generate(mh, index, n, t, out, _passphrase(passphrase_file, confirm=True),
                                **kdf_limits(kdf_ops, kdf_mem_kib))
        click.echo(f"guardian {index} of {n} (threshold {t}): secret saved to {out}")
    run_step("guardian generate", step)


@guardian.command()
@click.argument("secret", type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Commitment file (public).")
@_PASS
def commit(secret, out, passphrase_file):
    """Step 1b: commit to this guardian's key part and lot commitment, before any record."""
    from ..election import ceremony_steps

    def step():
        com = ceremony_steps.commit(secret, _passphrase(passphrase_file), out)
        click.echo(f"guardian {com.guardian_index}: commitment written to {out}")
    run_step("guardian commit", step)


@guardian.command()
@click.argument("secret", type=click.Path(dir_okay=False))
@click.option("--commitments", "commitments", multiple=True, type=click.Path(dir_okay=False),
              help="Every guardian's commitment file, this one's too (repeat the option).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Record file.")
@_PASS
def publish(secret, commitments, out, passphrase_file):
    """Step 2, once all N commitments are in: write this guardian's signed record."""
    from ..election import ceremony_steps

    def step():
        record = ceremony_steps.publish(secret, _passphrase(passphrase_file), out,
                                        commitments)
        click.echo(f"guardian {record.index}: record written to {out}")
    run_step("guardian publish", step)


@guardian.command()
@click.argument("secret", type=click.Path(dir_okay=False))
@click.argument("records", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out-dir", required=True, type=click.Path(file_okay=False))
@_PASS
def deal(secret, records, out_dir, passphrase_file):
    """Step 3: check all N records, write one sealed share per other guardian."""
    from ..election import ceremony_steps

    def step():
        paths = ceremony_steps.deal(secret, _passphrase(passphrase_file), records, out_dir)
        click.echo(f"{len(paths)} sealed shares written to {out_dir}")
    run_step("guardian deal", step)


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
    from ..election import ceremony_steps

    def step():
        done = ceremony_steps.finish(secret, _passphrase(passphrase_file), records,
                                     share_paths, complain_missing=complain_missing,
                                     complaints_out=complaints_out)
        if done.complaints:
            for c in done.complaints:
                click.echo(f"complaint: {c}", err=True)
            click.echo(f"guardian {done.index}: {len(done.complaints)} complaint(s) written "
                       f"to {done.complaints_path}; no key share kept", err=True)
            return 1
        click.echo(f"guardian {done.index}: key share checked against S_{done.index} and "
                   f"saved; base hash {done.base_hash.hex()}")
        return 0
    run_step("guardian finish", step)


@guardian.command()
@click.argument("secret", type=click.Path(dir_okay=False))
@click.argument("records", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Acknowledgement file (public).")
@_PASS
def acknowledge(secret, records, out, passphrase_file):
    """Step 5: acknowledge the context of the N records, with the lot contribution (the
    lot secret your record committed to, encrypted under the joint key)."""
    from ..election import ceremony_steps

    def step():
        ack = ceremony_steps.acknowledge(secret, _passphrase(passphrase_file), records, out)
        click.echo(f"guardian {ack.guardian_index} acknowledges base hash "
                   f"{ack.base_hash.hex()}; acknowledgement written to {out}")
    run_step("guardian acknowledge", step)


@guardian.command()
@click.argument("records", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--commitments", "commitments", multiple=True,
              type=click.Path(dir_okay=False),
              help="Each guardian's commitment file (repeat the option for each).")
@click.option("--acknowledgements", "acks", multiple=True,
              type=click.Path(dir_okay=False),
              help="Each guardian's acknowledgement file (repeat the option for each).")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
def context(records, commitments, acks, out):
    """Step 6 (anyone): check the N records, commitments and acknowledgements; write the
    election context."""
    from ..election import ceremony_steps

    def step():
        ctx = ceremony_steps.context(records, out, acks, commitments)
        click.echo(f"election context written to {out}: joint key "
                   f"{ctx.joint_key.to_bytes().hex()}, base hash {ctx.base_hash.hex()}")
    run_step("guardian context", step)


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
        for cid, n, path in o.slot_files:   # slot contests (specs/slot-decryption.md)
            click.echo(f"slot contest {cid}: every mix verified, {n} shuffled slots "
                       f"decrypted with one proof; slot shares written to {path} (send it "
                       "with the share file)")
    run_step("guardian decrypt", step)
