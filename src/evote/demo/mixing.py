"""The demo's mix servers (specs/mix.md): each makes its key in a process of its own
before the manifest exists (the authority lists their public keys), and later mixes
every slot contest in a process of its own, in the manifest's order, reading the tally
centre's record and writing its mix file at home; the tally centre (the main process,
no secret) checks each file and adds it to the record (evote mix add).
"""
import os

from ..election import mix as mix_steps
from ..manifest import MixServer

MIX_SERVERS = ("mix-1", "mix-2")


def _keygen(key_path, passphrase, kdf) -> str:
    return mix_steps.keygen(key_path, passphrase, **kdf)


def _shuffle(record_dir, key_path, passphrase, contest_id, out) -> tuple:
    o = mix_steps.shuffle_contest(record_dir, key_path, passphrase, out,
                                  contest_id=contest_id)
    return o.k, o.n, o.seconds


def key_path(work, mix_id) -> str:
    return os.path.join(work, "mix-servers", mix_id, "mix.key")


def mix_servers(work, as_party, passphrase, kdf) -> tuple:
    """Each mix server's key made at home; the manifest's mix_servers, in mixing order."""
    out = []
    for mix_id in MIX_SERVERS:
        path = key_path(work, mix_id)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        out.append(MixServer(mix_id, bytes.fromhex(as_party(_keygen, path, passphrase, kdf))))
    return tuple(out)


def mix_every_slot_contest(work, record_dir, manifest, as_party, passphrase, step) -> None:
    """Every mix server, in order, mixes every slot contest (each shuffle in a process
    of its own); the tally centre adds each file to the record after checking it."""
    for contest in manifest.slot_contests:
        cid = contest.contest_id
        for server in manifest.mix_servers:
            out = os.path.join(work, "mix-servers", server.mix_id, f"{cid}.mix")
            os.makedirs(os.path.dirname(out), exist_ok=True)
            k, n, seconds = as_party(_shuffle, record_dir, key_path(work, server.mix_id),
                                     passphrase, cid, out)
            mix_steps.add_mixes(record_dir, [out])
            step(f"mix {k} of contest {cid} by {server.mix_id}: {n} slot ciphertexts "
                 f"re-encrypted and permuted in {seconds:.1f} s, with a shuffle proof; "
                 "checked and added to the record")
