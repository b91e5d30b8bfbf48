"""The key ceremony as one guardian's steps, files in and files out (specs/key-ceremony.md
section 8). `evote guardian ...` and `evote demo` both call these; each step loads at most
one guardian's secret file.

    generate(manifest_hash, index, n, t, out, passphrase, opslimit=, memlimit=)
    commit(secret, passphrase, out) -> CeremonyCommitment
    publish(secret, passphrase, out, commitment_paths) -> GuardianRecord
    deal(secret, passphrase, record_paths, out_dir) -> [share paths]
    finish(secret, passphrase, record_paths, share_paths, complain_missing=False)
        -> FinishOutcome (complaints, or the key share saved into `secret`)
    acknowledge(secret, passphrase, record_paths, out) -> Acknowledgement
    context(record_paths, out, acknowledgement_paths=(), commitment_paths=())
        -> ElectionContext
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import EvoteError
from ..protocol import ceremony as c
from ..protocol.ceremony_commitment import CeremonyCommitment, commit as make_commitment
from ..protocol.guardian import GuardianRecord, SealedShare
from ..protocol.lot import Acknowledgement, acknowledge as make_acknowledgement
from ..protocol.guardian_store import (DEFAULT_MEMLIMIT, DEFAULT_OPSLIMIT, load_guardian,
                                       save_guardian, seal_guardian)
from .files import check_output, read_json_input, write_new_file


class CeremonyStepError(EvoteError):
    """A ceremony step refused its input (names the file)."""


def _parsed(path, what, parse):
    obj, _ = read_json_input(path, what, 16 * 1024 * 1024)
    try:
        return obj, parse(obj)
    except EvoteError as exc:
        raise CeremonyStepError(f"{path}: {exc}") from None


def _is_sealed_share(obj) -> bool:
    from ..protocol.guardian import SEALED_VERSION
    return isinstance(obj, dict) and obj.get("version") == SEALED_VERSION


def _write(path, obj, what: str, inputs) -> str:
    """Ceremony files are canonical JSON and a newline (specs/key-ceremony.md 8)."""
    from ..protocol.ceremony_wire import canonical_json
    return write_new_file(path, canonical_json(obj) + b"\n", what, inputs=inputs)


def read_records(paths) -> list:
    """Guardian records; a sealed share among them is named as the shell-glob slip it
    usually is (`--shares share-*.json` gives --shares only its first file)."""
    out = []
    for p in paths:
        obj, _ = read_json_input(p, "guardian record", 16 * 1024 * 1024)
        if _is_sealed_share(obj):
            raise CeremonyStepError(
                f"RECORDS has {p}, a sealed share: give --shares before each share file, e.g. "
                "--shares a.json --shares b.json; a glob after --shares gives it only its "
                "first file")
        try:
            out.append(GuardianRecord.from_json_obj(obj))
        except EvoteError as exc:
            raise CeremonyStepError(f"{p}: {exc}") from None
    return out


def generate(manifest_hash: bytes, index: int, n: int, t: int, out, passphrase, *,
             opslimit=None, memlimit=None) -> str:
    check_output(out, "secret file")  # before any work: never replaces a file
    g = c.generate_guardian(manifest_hash, index, n, t)
    sealed = seal_guardian(g, passphrase,
                           opslimit=DEFAULT_OPSLIMIT if opslimit is None else opslimit,
                           memlimit=DEFAULT_MEMLIMIT if memlimit is None else memlimit)
    return write_new_file(out, sealed, "secret file", secret=True)


def commit(secret, passphrase, out) -> CeremonyCommitment:
    """Step 1b (specs/key-ceremony.md 13): the guardian's signed commitment to its
    coefficient commitments, published before any record."""
    check_output(out, "commitment file", inputs=(secret,))
    com = make_commitment(load_guardian(secret, passphrase))
    _write(out, com.to_json_obj(), "commitment file", (secret,))
    return com


def read_commitments(paths) -> list:
    return [_parsed(p, "ceremony commitment",
                    lambda o, p=p: CeremonyCommitment.from_json_obj(o, f"{p}"))[1]
            for p in paths]


def _check_commitment_round(g, commitments, paths) -> None:
    """Before guardian g reveals its record: one valid commitment from each of the n
    guardians of g's ceremony, g's own among them (so no one can choose its K_i0 after
    seeing g's). CeremonyStepError naming the file or the missing guardians."""
    by_index = {}
    for com, p in zip(commitments, paths):
        if (com.manifest_hash, com.n, com.t) != (g.manifest_hash, g.n, g.t):
            raise CeremonyStepError(f"{p}: a commitment of another ceremony")
        try:
            com.verify_signature()
        except EvoteError as exc:
            raise CeremonyStepError(f"{p}: {exc}") from None
        if com.guardian_index in by_index:
            raise CeremonyStepError(f"{p}: a second commitment of guardian "
                                    f"{com.guardian_index} (also {by_index[com.guardian_index]})")
        by_index[com.guardian_index] = p
    missing = [i for i in range(1, g.n + 1) if i not in by_index]
    if missing:
        raise CeremonyStepError(
            f"--commitments: none from guardian(s) {', '.join(map(str, missing))}; publish "
            "your record only once every guardian's commitment is in (specs/key-ceremony.md "
            "13: otherwise the last to publish could choose its key part after seeing yours)")
    mine = make_commitment(g)
    if next(x for x in commitments if x.guardian_index == g.index) != mine:
        raise CeremonyStepError(f"{by_index[g.index]}: not guardian {g.index}'s own "
                                "commitment (made from another secret file?)")


def publish(secret, passphrase, out, commitment_paths=()) -> GuardianRecord:
    """Step 2, only after the commitment round: the n commitments are given and checked
    (_check_commitment_round) before the record is written."""
    check_output(out, "record file", inputs=(secret, *commitment_paths))
    g = load_guardian(secret, passphrase)
    _check_commitment_round(g, read_commitments(commitment_paths), list(commitment_paths))
    record = c.publish_record(g)
    _write(out, record.to_json_obj(), "record file", (secret, *commitment_paths))
    return record


def deal(secret, passphrase, record_paths, out_dir) -> list:
    """One sealed share per other guardian, written to out_dir; returns their paths."""
    g = load_guardian(secret, passphrase)
    shares = c.deal_shares(g, read_records(record_paths))
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as exc:
        raise CeremonyStepError(f"{out_dir}: cannot create the directory "
                                f"({exc.strerror})") from None
    inputs = (secret, *record_paths)
    paths = [os.path.join(out_dir, f"share-{s.sender}-to-{s.recipient}.json") for s in shares]
    for p in paths:
        check_output(p, "sealed share file", inputs=inputs)
    for s, p in zip(shares, paths):
        _write(p, s.to_json_obj(), "sealed share file", inputs)
    return paths


@dataclass(frozen=True)
class FinishOutcome:
    index: int
    complaints: tuple
    base_hash: bytes | None
    complaints_path: str | None = None


def finish(secret, passphrase, record_paths, share_paths, *, complain_missing=False,
           complaints_out=None) -> FinishOutcome:
    g = load_guardian(secret, passphrase)
    shares = [_parsed(p, "sealed share", SealedShare.from_json_obj)[1] for p in share_paths]
    records = read_records(record_paths)
    senders = {s.sender for s in shares}
    missing = [i for i in range(1, g.n + 1) if i != g.index and i not in senders]
    if missing and not complain_missing:
        raise CeremonyStepError(
            f"no share from guardian(s) {', '.join(map(str, missing))}: a missing share is "
            "not a bad share; give every share, or --complain-missing to complain against them")
    outcome = c.finish_guardian(g, records, shares)
    if outcome.complaints:
        path = complaints_out or f"complaints-{g.index}.json"
        _write(path, [x.to_json_obj() for x in outcome.complaints], "complaints file",
               (secret, *record_paths, *share_paths))
        return FinishOutcome(g.index, tuple(outcome.complaints), None, path)
    # The one secret replaced on purpose: the same guardian, now holding its key share
    # (save_guardian: temporary file, fsync, rename over SECRET, fsync the directory).
    header, _ = read_json_input(secret, "secret file")  # its clear argon2id limits, kept
    save_guardian(secret, outcome.guardian, passphrase, opslimit=header["opslimit"],
                  memlimit=header["memlimit"])
    return FinishOutcome(g.index, (), outcome.context.base_hash)


def acknowledge(secret, passphrase, record_paths, out) -> Acknowledgement:
    """Guardian's step 6 (specs/key-ceremony.md 12): after a finish without complaint,
    recompute the context from the n records, check it is the one this guardian
    finished (same base hash) and that its own record carries its lot commitment, and
    write its signed acknowledgement with its lot contribution (an encryption of the lot
    secret drawn at generate). Run once: a second acknowledgement of the same guardian is a second
    contribution, and the context takes exactly one."""
    check_output(out, "acknowledgement file", inputs=(secret, *record_paths))
    g = load_guardian(secret, passphrase)
    if g.key_share is None:
        raise CeremonyStepError(f"{secret}: guardian {g.index} has not finished the key "
                                "ceremony (run `evote guardian finish` first)")
    records = read_records(record_paths)
    try:
        ctx = c.build_context(g.manifest_hash, g.n, g.t, records)
    except EvoteError as exc:
        raise CeremonyStepError(f"RECORDS: {exc}") from None
    if ctx.base_hash != g.base_hash:
        raise CeremonyStepError(f"RECORDS: they give base hash {ctx.base_hash.hex()}, not "
                                f"the {g.base_hash.hex()} guardian {g.index} finished with")
    mine = ctx.guardians[g.index - 1]
    if (mine.identity_key, mine.lot_commitment) != (g.identity_key, g.lot_commitment()):
        raise CeremonyStepError(f"RECORDS: guardian {g.index}'s record is not the one "
                                f"{secret} published (identity key or lot commitment differ)")
    ack = make_acknowledgement(g, ctx.base_hash, ctx.joint_key,
                               [rec.lot_commitment for rec in ctx.guardians])
    _write(out, ack.to_json_obj(), "acknowledgement file", (secret, *record_paths))
    return ack


def read_acknowledgements(paths) -> list:
    out = []
    for p in paths:
        out.append(_parsed(p, "acknowledgement",
                           lambda o, p=p: Acknowledgement.from_json_obj(o, f"{p}"))[1])
    return out


def context(record_paths, out, acknowledgement_paths=(), commitment_paths=()):
    """The context from the n records and every guardian's acknowledgement (each
    verified: signature by the guardian's identity key, this base hash, the lot
    contribution's proof), and every guardian's ceremony commitment (each record must be
    the one committed to). Without all of them it is refused: an election's context
    carries all n of each (V4, `evote package`)."""
    inputs = (*record_paths, *acknowledgement_paths, *commitment_paths)
    check_output(out, "context file", inputs=inputs)
    records = read_records(record_paths)
    acks = read_acknowledgements(acknowledgement_paths)
    comms = read_commitments(commitment_paths)
    r0 = records[0]
    ctx = c.build_context(r0.manifest_hash, r0.n, r0.t, records)
    try:
        ctx = ctx.with_ceremony_commitments(comms)
    except EvoteError as exc:
        raise CeremonyStepError(f"--commitments: {exc}") from None
    try:
        ctx = ctx.with_acknowledgements(acks)
    except EvoteError as exc:
        raise CeremonyStepError(f"--acknowledgements: {exc}") from None
    _write(out, ctx.to_json_obj(), "context file", inputs)
    return ctx
