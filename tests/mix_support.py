"""A small unsealed record with one slot contest, for the mix steps' tests: manifest.json
(the demo manifest with the city's contest in slots and two mix servers), context.json (a
2-of-3 ceremony) and mix/<city>/input.bin holding `n` fresh encryptions (no boxes: the
mix steps read only these files). The mix servers' key files are encrypted with weak
argon2id limits under PASSPHRASE (in the file `pw`).
"""
from __future__ import annotations

import dataclasses
import os

import nacl.signing

from evote.election.files import write_new_file
from evote.election.keys import write_new_key_file
from evote.group import Scalar
from evote.manifest import MixServer, make_demo_manifest
from evote.protocol.ceremony import run_ceremony
from evote.protocol.elgamal import encrypt
from evote.protocol.mix_file import MixInput
from evote.record import layout
from evote.record.writer import RecordWriter

PASSPHRASE = "a mix server's passphrase"
WEAK_KDF = {"opslimit": 1, "memlimit": 8192 * 1024}


@dataclasses.dataclass
class MixRecord:
    dir: str            # the record
    home: str           # the parties' files (keys, pw, mix files made)
    manifest: object
    context: object
    guardians: list
    contest_id: str
    keys: dict          # mix_id -> key file path
    pw: str
    plaintexts: list


def build_mix_record(directory, *, n=6, servers=("mixA", "mixB"), seed=7) -> MixRecord:
    directory = os.fspath(directory)
    home = os.path.join(directory, "home")
    os.makedirs(home)
    signing = {s: nacl.signing.SigningKey.generate() for s in servers}
    authority = nacl.signing.SigningKey.generate()
    manifest = make_demo_manifest(seed, 2, 1, city_candidates=4, city_seats=2,
                                  authority_key=bytes(authority.verify_key),
                                  city_alternates=1, privacy_floor=1, city_encoding="slots",
                                  mix_servers=tuple(MixServer(s, bytes(k.verify_key))
                                                    for s, k in signing.items()))
    context, guardians = run_ceremony(manifest.hash(), 3, 2)
    record = os.path.join(directory, "record")
    w = RecordWriter(record)
    w.write_manifest(manifest)
    w.write_context(context)
    cid = manifest.slot_contests[0].contest_id
    plaintexts = [1 + (i % 6) for i in range(n)]
    blob = b"".join(encrypt(m, Scalar.random(), context).to_bytes() for m in plaintexts)
    os.makedirs(os.path.join(record, layout.MIX_DIR, cid))
    write_new_file(w.path_of(layout.mix_input_path(cid)), MixInput(cid, blob).to_bytes(),
                   "mix input")
    pw = write_new_file(os.path.join(home, "pw"), (PASSPHRASE + "\n").encode(), "pw")
    keys = {}
    for s, k in signing.items():
        keys[s] = write_new_key_file(os.path.join(home, f"{s}.key"), k, PASSPHRASE, **WEAK_KDF)
    return MixRecord(record, home, manifest, context, list(guardians), cid, keys, pw,
                     plaintexts)
