"""The mix files of a slot contest (specs/mix.md sections 2-4): the mix input
`mix/<contest>/input.bin` (EVMI) and one mix `mix/<contest>/<k>-<mix_id>.bin` (EVMX),
their strict parsers, the list hash, the shuffle label, the signed hash, and the check
of one mix against its inputs.

    MixInput(contest_id, ciphertexts).to_bytes() / MixInput.from_bytes(data, what)
    MixFile(...).to_bytes() / MixFile.from_bytes(data, what)
    list_hash(contest_id, blob); mix_label(base_hash, contest_id, k, mix_id)
    signed_digest(manifest_hash, body)
    check_mix(mix, inputs, *, manifest_hash, base_hash, joint_key, contest_id, k,
              mix_id, server_key)        # raises, naming the step of specs/mix.md 4
    prepare_mix_check(...) -> ShuffleCheck; run verify_chunk(*a) for a in .tasks
    anywhere; finish_mix_check(check, results)   # the same verdict, split into tasks

Invariants: the parsers decode no point (the shuffle verification decodes each once);
a parsed file re-encodes to the same bytes (there is one encoding of each value).
Ciphertext lists travel as raw 64-byte-per-item blobs.
"""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from typing import Optional

import nacl.exceptions
import nacl.signing

from ..errors import EvoteTypeError, InvalidEncoding, InvalidProof, InvalidSignature
from ..hashing import digest, text, u64
from .shuffle import ShuffleCheck, prepare_verify, prepare_verify_chain, verify_chunk
from .shuffle_codec import ShuffleProof

INPUT_MAGIC, MIX_MAGIC, VERSION = b"EVMI", b"EVMX", 1
MAX_N = 2**31 - 1
MAX_ID = 64
SIGNATURE_SIZE = 64
TAG_LIST = "evote/v1/mix-ciphertexts"
TAG_LABEL = "evote/v1/mix-label"
TAG_FILE = "evote/v1/mix-file"

_HEAD = struct.Struct(">4sB3s")   # magic, version, reserved
_BE32 = struct.Struct(">I")


class MixFileError(InvalidEncoding):
    """A mix file or mix input that does not parse (names the field and its offset)."""


# An id that names a record file (specs/record.md 1; the same rule as
# evote.record.layout.is_safe_id, kept here so the protocol layer imports no record code).
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def is_safe_id(value) -> bool:
    return isinstance(value, str) and bool(_SAFE_ID.match(value)) and ".." not in value


def _check_id(name: str, value) -> bytes:
    if not isinstance(value, str) or not is_safe_id(value):
        raise EvoteTypeError(f"{name}: {value!r:.80} is not an id that names a record file")
    return value.encode("ascii")


def _check_blob(name: str, blob) -> bytes:
    if type(blob) is not bytes:
        raise EvoteTypeError(f"{name} must be bytes")
    if len(blob) % 64 or len(blob) // 64 > MAX_N:
        raise InvalidEncoding(f"{name}: {len(blob)} bytes is not a list of at most 2^31 - 1 "
                              "ciphertexts of 64 bytes")
    return blob


def list_hash(contest_id: str, blob: bytes) -> bytes:
    """H("evote/v1/mix-ciphertexts"; text(C), u64(n), blob) (specs/mix.md 2)."""
    _check_id("contest_id", contest_id)
    _check_blob("ciphertexts", blob)
    return digest(TAG_LIST, text(contest_id), u64(len(blob) // 64), blob)


def mix_label(base_hash: bytes, contest_id: str, k: int, mix_id: str) -> bytes:
    """The shuffle's label: H("evote/v1/mix-label"; base_hash, text(C), u64(k),
    text(mix_id)) (specs/mix.md 3)."""
    if type(base_hash) is not bytes or len(base_hash) != 32:
        raise EvoteTypeError("base_hash must be 32 bytes")
    _check_id("contest_id", contest_id)
    _check_id("mix_id", mix_id)
    return digest(TAG_LABEL, base_hash, text(contest_id), u64(k), text(mix_id))


def signed_digest(manifest_hash: bytes, body: bytes) -> bytes:
    """What mix server k signs: H("evote/v1/mix-file"; manifest_hash, body)."""
    if type(manifest_hash) is not bytes or len(manifest_hash) != 32:
        raise EvoteTypeError("manifest_hash must be 32 bytes")
    return digest(TAG_FILE, manifest_hash, bytes(body))


class _Reader:
    """Reads fields in order; MixFileError names the field and its offset."""

    def __init__(self, data, what: str):
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise EvoteTypeError(f"{what}: expected bytes, got {type(data).__name__}")
        self.data, self.at, self.what = bytes(data), 0, what

    def take(self, size: int, field: str) -> bytes:
        if self.at + size > len(self.data):
            raise MixFileError(f"{self.what}: {field} at offset {self.at}: the file ends "
                               f"after {len(self.data)} bytes")
        out = self.data[self.at:self.at + size]
        self.at += size
        return out

    def head(self, magic: bytes) -> None:
        m, version, reserved = _HEAD.unpack(self.take(_HEAD.size, "header"))
        if m != magic:
            raise MixFileError(f"{self.what}: magic at offset 0 is {m!r}, not {magic!r}")
        if version != VERSION:
            raise MixFileError(f"{self.what}: version at offset 4 is {version}, not {VERSION}")
        if reserved != bytes(3):
            raise MixFileError(f"{self.what}: reserved bytes at offset 5 are not zero")

    def ident(self, field: str) -> str:
        at = self.at
        size = self.take(1, f"{field} length")[0]
        raw = self.take(size, field)
        try:
            value = raw.decode("ascii")
        except UnicodeDecodeError:
            value = None
        if not 1 <= size <= MAX_ID or value is None or not is_safe_id(value):
            raise MixFileError(f"{self.what}: {field} at offset {at} is not an id that names "
                               "a record file (1-64 of [A-Za-z0-9_.-], not starting with "
                               "'.', '_' or '-')")
        return value

    def count(self, field: str) -> int:
        at = self.at
        n = _BE32.unpack(self.take(4, field))[0]
        if n > MAX_N:
            raise MixFileError(f"{self.what}: {field} at offset {at} is {n}, above 2^31 - 1")
        return n


@dataclass(frozen=True)
class MixInput:
    """mix/<contest>/input.bin: the contest's slot ciphertexts (64n bytes, not decoded)."""

    contest_id: str
    ciphertexts: bytes

    def __post_init__(self) -> None:
        _check_id("MixInput.contest_id", self.contest_id)
        _check_blob("MixInput.ciphertexts", self.ciphertexts)

    @property
    def n(self) -> int:
        return len(self.ciphertexts) // 64

    def to_bytes(self) -> bytes:
        cid = self.contest_id.encode("ascii")
        return (_HEAD.pack(INPUT_MAGIC, VERSION, bytes(3)) + bytes([len(cid)]) + cid
                + _BE32.pack(self.n) + self.ciphertexts)

    @classmethod
    def from_bytes(cls, data, what: str = "mix input") -> "MixInput":
        r = _Reader(data, what)
        r.head(INPUT_MAGIC)
        cid = r.ident("contest id")
        n = r.count("n")
        if len(r.data) - r.at != 64 * n:
            raise MixFileError(f"{what}: {len(r.data) - r.at} bytes of ciphertexts at offset "
                               f"{r.at}, but n = {n} needs {64 * n}")
        return cls(cid, r.data[r.at:])


@dataclass(frozen=True)
class MixFile:
    """mix/<contest>/<k>-<mix_id>.bin: one mix server's shuffle of one contest's list."""

    contest_id: str
    k: int
    mix_id: str
    input_hash: bytes
    outputs: bytes            # 64n bytes, not decoded
    proof: ShuffleProof
    signature: bytes          # 64 bytes, Ed25519 (bytes(64) before signing)

    def __post_init__(self) -> None:
        _check_id("MixFile.contest_id", self.contest_id)
        _check_id("MixFile.mix_id", self.mix_id)
        if not isinstance(self.k, int) or isinstance(self.k, bool) or not 1 <= self.k <= MAX_N:
            raise EvoteTypeError(f"MixFile.k must be an int in 1..2^31 - 1, not {self.k!r:.40}")
        if type(self.input_hash) is not bytes or len(self.input_hash) != 32:
            raise EvoteTypeError("MixFile.input_hash must be 32 bytes")
        _check_blob("MixFile.outputs", self.outputs)
        if not isinstance(self.proof, ShuffleProof):
            raise EvoteTypeError("MixFile.proof must be a ShuffleProof")
        if type(self.signature) is not bytes or len(self.signature) != SIGNATURE_SIZE:
            raise EvoteTypeError("MixFile.signature must be 64 bytes")

    @property
    def n(self) -> int:
        return len(self.outputs) // 64

    def body(self) -> bytes:
        """Every byte before the signature (specs/mix.md 3)."""
        cid, mid = self.contest_id.encode("ascii"), self.mix_id.encode("ascii")
        return b"".join([_HEAD.pack(MIX_MAGIC, VERSION, bytes(3)), _BE32.pack(self.k),
                         bytes([len(cid)]), cid, bytes([len(mid)]), mid, self.input_hash,
                         _BE32.pack(self.n), self.outputs, self.proof.to_bytes()])

    def to_bytes(self) -> bytes:
        return self.body() + self.signature

    @property
    def file_name(self) -> str:
        return f"{self.k}-{self.mix_id}.bin"

    @classmethod
    def from_bytes(cls, data, what: str = "mix file") -> "MixFile":
        r = _Reader(data, what)
        r.head(MIX_MAGIC)
        k_at = r.at
        k = _BE32.unpack(r.take(4, "k"))[0]
        if not 1 <= k <= MAX_N:
            raise MixFileError(f"{what}: k at offset {k_at} is {k}, not in 1..2^31 - 1")
        cid = r.ident("contest id")
        mid = r.ident("mix id")
        input_hash = r.take(32, "input hash")
        n = r.count("n")
        outputs = r.take(64 * n, "outputs")
        proof_at = r.at
        if len(r.data) - proof_at < SIGNATURE_SIZE:
            raise MixFileError(f"{what}: no room for the shuffle proof and the signature "
                               f"after offset {proof_at}")
        try:
            proof = ShuffleProof.from_bytes(r.data[proof_at:-SIGNATURE_SIZE],
                                            f"{what}: shuffle proof at offset {proof_at}")
        except InvalidEncoding as exc:
            raise MixFileError(str(exc)) from None
        if proof.n != n:
            raise MixFileError(f"{what}: the shuffle proof at offset {proof_at} is for "
                               f"N = {proof.n}, the file holds n = {n} outputs")
        return cls(cid, k, mid, input_hash, outputs, proof, r.data[-SIGNATURE_SIZE:])


def sign_mix(unsigned: MixFile, manifest_hash: bytes, key: nacl.signing.SigningKey) -> MixFile:
    """The same mix with the server's signature over signed_digest(manifest_hash, body)."""
    sig = key.sign(signed_digest(manifest_hash, unsigned.body())).signature
    return MixFile(unsigned.contest_id, unsigned.k, unsigned.mix_id, unsigned.input_hash,
                   unsigned.outputs, unsigned.proof, bytes(sig))


class MixRefused(InvalidProof):
    """A mix that is not valid at its place in the chain (specs/mix.md 4: names the step)."""


def _check_place(mix: MixFile, contest_id: str, k: int, mix_id: str) -> None:
    if mix.contest_id != contest_id:
        raise MixRefused(f"step 2: the file is a mix of contest {mix.contest_id!r}, not "
                         f"{contest_id!r}")
    if mix.k != k:
        raise MixRefused(f"step 2: the file is mix {mix.k}, at the place of mix {k}")
    if mix.mix_id != mix_id:
        raise MixRefused(f"step 2: mix {k} is by mix server {mix.mix_id!r}; the manifest's "
                         f"mix server {k} is {mix_id!r}")


def check_mix_claims(mix: MixFile, *, manifest_hash: bytes, contest_id: str, k: int,
                     mix_id: str, server_key: bytes) -> None:
    """specs/mix.md 4 steps 2 and 5: the mix says it is mix k of contest C by the
    manifest's k-th server, and that server signed it. Cheap; no inputs needed."""
    _check_place(mix, contest_id, k, mix_id)
    try:
        nacl.signing.VerifyKey(bytes(server_key)).verify(
            signed_digest(manifest_hash, mix.body()), mix.signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError, ValueError,
            TypeError):
        raise InvalidSignature(f"step 5: the signature is not mix server {mix_id!r}'s "
                               f"(key {bytes(server_key).hex()[:16]}...) over this file") from None


def check_mix_steps(mix: MixFile, inputs: bytes, *, manifest_hash: bytes, contest_id: str,
                    k: int, mix_id: str, server_key: bytes) -> None:
    """Steps 2-5 of specs/mix.md 4 (step 1 is the parse): the first failure raised."""
    if not isinstance(mix, MixFile):
        raise EvoteTypeError("check_mix: mix must be a MixFile")
    _check_blob("inputs", inputs)
    _check_place(mix, contest_id, k, mix_id)                      # step 2
    if mix.input_hash != list_hash(contest_id, inputs):           # step 3
        raise MixRefused(f"step 3: the input hash is not the hash of the list mix {k} "
                         f"must shuffle ({'input.bin' if k == 1 else f'mix {k - 1} outputs'}):"
                         " a mix of another list, or the chain is out of order")
    if mix.n != len(inputs) // 64:                                # step 4
        raise MixRefused(f"step 4: {mix.n} outputs for {len(inputs) // 64} inputs")
    check_mix_claims(mix, manifest_hash=manifest_hash, contest_id=contest_id, k=k,
                     mix_id=mix_id, server_key=server_key)               # step 5


def prepare_mix_check(mix: MixFile, inputs: bytes, *, manifest_hash: bytes,
                      base_hash: bytes, joint_key, contest_id: str, k: int, mix_id: str,
                      server_key: bytes, chunk: Optional[int] = None) -> ShuffleCheck:
    """Steps 1-5 of specs/mix.md 4 here (the first failure raised), and step 6 cut into
    the shuffle verification's chunk tasks (protocol.shuffle.prepare_verify): run
    verify_chunk(*args) for each of .tasks anywhere, then .finish(results)."""
    check_mix_steps(mix, inputs, manifest_hash=manifest_hash, contest_id=contest_id, k=k,
                    mix_id=mix_id, server_key=server_key)
    try:                                                                 # step 6
        return prepare_verify(joint_key, inputs, mix.outputs, mix.proof,
                              label=mix_label(base_hash, contest_id, k, mix_id),
                              **({} if chunk is None else {"chunk": chunk}))
    except InvalidProof as exc:
        raise MixRefused(f"step 6: {exc}") from None


def prepare_chain_check(mixes, first_inputs: bytes, *, base_hash: bytes, joint_key,
                        contest_id: str, chunk: Optional[int] = None) -> ShuffleCheck:
    """Step 6 of mixes 1..m of one contest at once (protocol.shuffle.prepare_verify_chain:
    every intermediate list decoded once), for mixes whose steps 1-5 passed, so each one's
    inputs are the previous one's outputs. A failure (here or in .finish) is an
    InvalidProof "mix k: ..." naming the mix; the verdict is each mix's own."""
    lists = [first_inputs] + [m.outputs for m in mixes]
    labels = [mix_label(base_hash, contest_id, m.k, m.mix_id) for m in mixes]
    return prepare_verify_chain(joint_key, lists, [m.proof for m in mixes], labels,
                                **({} if chunk is None else {"chunk": chunk}))


def finish_mix_check(check: ShuffleCheck, results) -> None:
    """Step 6's verdict from the chunk tasks' results (in task order)."""
    try:
        check.finish(results)
    except InvalidProof as exc:
        raise MixRefused(f"step 6: {exc}") from None


def check_mix(mix: MixFile, inputs: bytes, *, manifest_hash: bytes, base_hash: bytes,
              joint_key, contest_id: str, k: int, mix_id: str, server_key: bytes,
              map_tasks=None) -> None:
    """Every step of specs/mix.md 4 in order; the first failure raised (MixRefused or
    InvalidSignature), naming the step. map_tasks(fn, args list) -> results runs the
    shuffle check's chunk tasks (default: here, in turn)."""
    check = prepare_mix_check(mix, inputs, manifest_hash=manifest_hash,
                              base_hash=base_hash, joint_key=joint_key,
                              contest_id=contest_id, k=k, mix_id=mix_id,
                              server_key=server_key)
    run = map_tasks or (lambda fn, args: [fn(*a) for a in args])
    finish_mix_check(check, run(verify_chunk, check.tasks))


__all__ = ["MixInput", "MixFile", "MixFileError", "MixRefused", "list_hash", "mix_label",
           "signed_digest", "sign_mix", "check_mix", "check_mix_claims", "prepare_mix_check",
           "finish_mix_check", "verify_chunk", "check_mix_steps", "prepare_chain_check"]
