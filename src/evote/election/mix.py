"""The mix servers' steps and the tally centre's placing of their files (specs/mix.md).

    keygen(key_out, passphrase, *, opslimit=None, memlimit=None) -> public key hex
    shuffle_contest(record_dir, key_path, passphrase, out, *, contest_id=None,
                    progress=None) -> ShuffleOutcome       # a mix server, on its machine
    add_mixes(record_dir, files) -> [paths written]       # the tally centre
    read_chain(election, contest_id, progress=None) -> MixChain   # mixes so far, checked

Invariants: nothing is written unless every check passed; every file goes through
evote.new_files (whole or not at all, never replacing one); a mix server's permutation
and nonces live only inside protocol.shuffle.shuffle (never stored, never logged); a mix
that is written has been checked by specs/mix.md 4 against the list it shuffled, by the
server that made it and again by the tally centre that places it.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Callable, Optional

import nacl.signing

from ..errors import EvoteError
from ..protocol.elgamal import Ciphertext
from ..protocol.mix_file import (MixFile, MixInput, check_mix, list_hash, mix_label,
                                 sign_mix)
from ..protocol.shuffle import shuffle
from ..record import layout
from .files import check_output, read_input, write_new_file
from .keys import load_signing_key, write_new_key_file
from .record_inputs import RecordElection, read_election

# A mix file holds 64 bytes of outputs and at most 160 of proof per ciphertext (96 in
# shuffle proof version 2, 160 in version 1): the cap is that of the largest n (< 2^31);
# the reader allocates the file's actual size (read_sized), and the parser checks that
# size against the n in the file.
MAX_MIX_FILE = 12 + 64 + 64 + 300 + 224 * (2**31 - 1) + 64
MAX_MIX_INPUT = 13 + 64 + 64 * (2**31 - 1)


class MixStepRefused(EvoteError):
    """A mix step refuses (names the file, contest, position or mix server, and why)."""


@dataclass(frozen=True)
class MixChain:
    """A slot contest's mix input and the mixes already in the record, each checked
    (specs/mix.md 4) against the list before it: `last` is the list the next mix
    shuffles (input.bin's ciphertexts, or the last mix's outputs)."""
    contest_id: str
    input: MixInput
    mixes: tuple           # MixFile, k = 1..len(mixes)
    last: bytes


@dataclass(frozen=True)
class ShuffleOutcome:
    path: str
    contest_id: str
    k: int
    mix_id: str
    n: int
    seconds: float


def keygen(key_out, passphrase, *, opslimit=None, memlimit=None) -> str:
    """A new mix server key file (Ed25519 from the OS CSPRNG, passphrase-protected like
    the officials' keys); its public key, hex, for the manifest's mix_servers."""
    key = nacl.signing.SigningKey.generate()
    write_new_key_file(key_out, key, passphrase, opslimit=opslimit, memlimit=memlimit)
    return bytes(key.verify_key).hex()


def slot_contest(manifest, contest_id: Optional[str]):
    """The manifest's slot contest `contest_id` (None: the only one)."""
    slots = tuple(getattr(manifest, "slot_contests", ()))
    if contest_id is None:
        if len(slots) != 1:
            raise MixStepRefused(
                "the manifest has no slot contest (nothing to mix)" if not slots else
                f"the manifest has {len(slots)} slot contests "
                f"({', '.join(c.contest_id for c in slots)}): name one with --contest")
        return slots[0]
    for c in slots:
        if c.contest_id == contest_id:
            return c
    raise MixStepRefused(f"contest {contest_id!r} is not a slot contest of the manifest "
                         f"(slot contests: {', '.join(c.contest_id for c in slots) or 'none'})")


def read_sized(path, what: str, cap: int) -> bytes:
    """read_input with the limit set to the file's size (at most cap): the checked
    reader allocates its limit, and these files may be gigabytes."""
    try:
        size = os.stat(path).st_size
    except OSError:
        size = 0      # read_input names the problem
    return read_input(path, what, max(0, min(size, cap)))


def _read_mix_input(election: RecordElection, contest_id: str) -> MixInput:
    rel = layout.mix_input_path(contest_id)
    data = read_sized(election.full(rel), f"record file {rel}", MAX_MIX_INPUT)
    try:
        mi = MixInput.from_bytes(data, rel)
    except EvoteError as exc:
        raise MixStepRefused(str(exc)) from None
    if mi.contest_id != contest_id:
        raise MixStepRefused(f"{rel}: holds the input of contest {mi.contest_id!r}")
    return mi


def _mix_files_present(election: RecordElection, contest_id: str) -> dict:
    """k -> (mix_id, rel path) of the mix files under mix/<contest>/; anything there that
    is neither the input nor a mix file is left to its owner (the slot decryption)."""
    directory = election.full(f"{layout.MIX_DIR}/{contest_id}")
    out = {}
    if not os.path.isdir(directory):
        return out
    for name in sorted(os.listdir(directory)):
        rel = f"{layout.MIX_DIR}/{contest_id}/{name}"
        kind = layout.parse_mix_path(rel)
        if kind is None or kind[0] != "mix":
            continue
        _, _, k, mix_id = kind
        if k in out:
            raise MixStepRefused(f"{rel}: a second mix at position {k} (the first is "
                                 f"{out[k][1]})")
        out[k] = (mix_id, rel)
    return out


def _servers(manifest) -> tuple:
    return tuple(getattr(manifest, "mix_servers", ()))


def read_mix_file(path, what: str) -> MixFile:
    data = read_sized(path, what, MAX_MIX_FILE)
    try:
        return MixFile.from_bytes(data, what)
    except EvoteError as exc:
        raise MixStepRefused(str(exc)) from None


def _check(election, mix: MixFile, inputs: bytes, k: int, where: str) -> None:
    servers = _servers(election.manifest)
    if not 1 <= k <= len(servers):
        raise MixStepRefused(f"{where}: mix {k}, but the manifest names "
                             f"{len(servers)} mix server(s)")
    server = servers[k - 1]
    try:
        check_mix(mix, inputs, manifest_hash=election.manifest.hash(),
                  base_hash=election.context.base_hash, joint_key=election.context.joint_key,
                  contest_id=mix.contest_id, k=k, mix_id=server.mix_id,
                  server_key=server.key)
    except EvoteError as exc:
        raise MixStepRefused(f"{where}: {exc}") from None


def read_chain(election: RecordElection, contest_id: str,
               progress: Optional[Callable[[str], None]] = None) -> MixChain:
    """The contest's input and mixes 1..j in the record, each checked in turn
    (specs/mix.md 4): MixStepRefused names the first that is missing or not valid."""
    say = progress or (lambda line: None)
    mi = _read_mix_input(election, contest_id)
    present = _mix_files_present(election, contest_id)
    servers = _servers(election.manifest)
    last, mixes = mi.ciphertexts, []
    for k in range(1, len(present) + 1):
        if k not in present:
            raise MixStepRefused(f"{layout.MIX_DIR}/{contest_id}/: mix {k} is missing but "
                                 f"mix {max(present)} is there")
        mix_id, rel = present[k]
        if k > len(servers) or servers[k - 1].mix_id != mix_id:
            want = servers[k - 1].mix_id if k <= len(servers) else None
            raise MixStepRefused(f"{rel}: mix {k} must be " + (
                f"{layout.mix_file_path(contest_id, k, want)} (the manifest's mix server "
                f"{k} is {want!r})" if want else
                f"absent: the manifest names {len(servers)} mix server(s)"))
        say(f"checking mix {k} of contest {contest_id} ({mi.n} ciphertexts)")
        mix = read_mix_file(election.full(rel), rel)
        if layout.mix_file_path(contest_id, mix.k, mix.mix_id) != rel:
            raise MixStepRefused(f"{rel}: holds mix {mix.k} by {mix.mix_id!r} of contest "
                                 f"{mix.contest_id!r}")
        _check(election, mix, last, k, rel)
        mixes.append(mix)
        last = mix.outputs
    return MixChain(contest_id, mi, tuple(mixes), last)


def _sealed(election: RecordElection) -> None:
    for name in (layout.INDEX, layout.ROOT):
        if os.path.lexists(election.full(name)):
            raise MixStepRefused(f"record {election.directory}: sealed ({name} exists); a "
                                 "sealed record is never changed")


def shuffle_contest(record_dir, key_path, passphrase, out, *, contest_id=None,
                    progress: Optional[Callable[[str], None]] = None) -> ShuffleOutcome:
    """`evote mix shuffle` (specs/mix.md 5): check, shuffle, prove, sign, self-check,
    write `out`. The secret key is loaded only after every public check passed."""
    say = progress or (lambda line: None)
    out = check_output(out, "mix file")
    election = read_election(record_dir)
    contest = slot_contest(election.manifest, contest_id)
    cid = contest.contest_id
    servers = _servers(election.manifest)
    chain = read_chain(election, cid, say)   # every public check before the key is read
    k = len(chain.mixes) + 1
    key = load_signing_key(key_path, passphrase)
    public = bytes(key.verify_key)
    mine = [j for j, s in enumerate(servers, 1) if s.key == public]
    if not mine:
        raise MixStepRefused(f"key file {key_path}: its public key {public.hex()} is not one "
                             "of the manifest's mix_servers")
    k_mine = mine[0]
    server = servers[k_mine - 1]
    if k_mine < k:
        raise MixStepRefused(f"mix server {server.mix_id!r} (mix {k_mine}) has already mixed "
                             f"contest {cid!r}: {layout.mix_file_path(cid, k_mine, server.mix_id)}"
                             " is in the record")
    if k_mine > k:
        raise MixStepRefused(f"mix server {server.mix_id!r} is mix {k_mine} of contest "
                             f"{cid!r}, but the record holds {k - 1} mix(es): it is mix "
                             f"server {servers[k - 1].mix_id!r}'s turn (mix {k})")
    n = len(chain.last) // 64
    say(f"mix {k} of contest {cid}: re-encrypting and permuting {n} ciphertexts")
    t0 = time.monotonic()
    try:
        cts = [Ciphertext.from_bytes(chain.last[64 * i:64 * i + 64], f"ciphertext {i}")
               for i in range(n)]
    except EvoteError as exc:
        where = layout.mix_input_path(cid) if k == 1 else \
            layout.mix_file_path(cid, k - 1, servers[k - 2].mix_id)
        raise MixStepRefused(f"{where}: {exc}") from None
    label = mix_label(election.context.base_hash, cid, k, server.mix_id)
    outputs, proof = shuffle(election.context.joint_key, cts, label=label)
    unsigned = MixFile(cid, k, server.mix_id, list_hash(cid, chain.last),
                       b"".join(c.to_bytes() for c in outputs), proof, bytes(64))
    mix = sign_mix(unsigned, election.manifest.hash(), key)
    say(f"mix {k} of contest {cid}: proved in {time.monotonic() - t0:.1f} s; checking it")
    _check(election, mix, chain.last, k, f"the new mix {k}")   # never publish a bad mix
    write_new_file(out, mix.to_bytes(), "mix file")
    return ShuffleOutcome(out, cid, k, server.mix_id, n, time.monotonic() - t0)


def add_mixes(record_dir, files, progress: Optional[Callable[[str], None]] = None) -> list:
    """`evote mix add` (specs/mix.md 5): each file, in the order given, checked at the
    next place of its contest's chain and written into the record. Returns the record
    paths written."""
    say = progress or (lambda line: None)
    election = read_election(record_dir)
    _sealed(election)
    written = []
    for path in files:
        what = f"mix file {path}"
        mix = read_mix_file(path, what)
        slot_contest(election.manifest, mix.contest_id)
        chain = read_chain(election, mix.contest_id, say)
        k = len(chain.mixes) + 1
        if mix.k != k:
            raise MixStepRefused(
                f"{what}: mix {mix.k} of contest {mix.contest_id!r}, but the record holds "
                f"{k - 1} mix(es): " + (f"the place of mix {mix.k} is taken"
                                        if mix.k < k else f"mix {k} must come first"))
        say(f"checking mix {k} of contest {mix.contest_id} ({mix.n} ciphertexts)")
        _check(election, mix, chain.last, k, what)
        rel = layout.mix_file_path(mix.contest_id, k, mix.mix_id)
        write_new_file(election.full(rel), mix.to_bytes(), f"record file {rel}")
        written.append(rel)
    return written


__all__ = ["keygen", "shuffle_contest", "add_mixes", "read_chain", "read_mix_file",
           "slot_contest", "MixChain", "MixStepRefused", "ShuffleOutcome"]
