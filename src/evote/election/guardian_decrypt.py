"""`evote guardian decrypt`: one guardian's decryption shares, on its own machine
(specs/election.md section 7, steps 1-5).

    decrypt(secret_path, passphrase, record_dir, out, *, jobs=None) -> SharesOutcome

Trusts nothing in the record but what it checks, in this order, and writes nothing
unless every check passes:
1. the record's manifest and context are the guardian's (same manifest hash and base
   hash, its own public share S_l in the context); a package.json in the record has the
   same manifest and context, and lists every box's kiosk certificate;
2. every box is read and verified here (tally_boxes with every ballot's proofs): a box
   that does not verify, a refused or duplicate ballot, a box not closed, a box whose
   OPEN record names another station or kiosk than its path: refused. The station and
   district tallies are recomputed and must equal tally/encrypted.json exactly;
3. no district contest tally of fewer than the manifest's privacy_floor ballots;
   for each slot contest (slot_shares.verified_slot_lists): mix/<C>/input.bin is byte
   for byte the mix input recomputed from the boxes verified in step 2, every mix of
   the manifest's mix servers is in the record, in order, each valid (signature and
   shuffle proof), and the contest has at least privacy_floor ballots;
4. the decryption log (decrypt_log.py) accepts every contest (a slot contest's entry
   holds its decryption label, which binds the last mix's outputs), and the new entries
   are fsynced before the share file is written;
5. the shares are computed (the tallies' and the lot ciphertext's: the sum of the
   context's n lot contributions, specs/key-ceremony.md 12; each slot contest's last
   mix outputs, specs/slot-decryption.md 3, written as a binary file beside the share
   file and listed in it by name and hash) and the share file written through
   files.write_new_json.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from ..ballotbox import read_box
from ..ballotbox.records import OpenRecord
from ..errors import EvoteError
from ..group import G_TABLE
from ..protocol.decryption import compute_decryption_share
from ..protocol.guardian_store import load_guardian
from ..protocol.lot import LOT_LABEL
from ..record import layout
from ..tally import tally_boxes, tally_labels
from .exclusion import record_exclusions
from ..tally.decrypt import _vector
from . import decrypt_log
from .files import check_output, read_input, write_new_json
from .guardian_shares import ContestShare, GuardianShares, tally_file_hash
from .record_inputs import box_files, read_election, read_tallies
from .slot_shares import (SlotStepRefused, decrypt_log_entries, guardian_slot_shares,
                          verified_slot_lists, write_guardian_slot_files)

PACKAGE = getattr(layout, "PACKAGE", "package.json")
MAX_PACKAGE_BYTES = 256 * 1024 * 1024


class DecryptRefused(EvoteError):
    """The guardian refuses to decrypt: the record is not what it must be (the message
    says which file, district or contest, and why)."""


@dataclass(frozen=True)
class SharesOutcome:
    path: str                  # the share file written
    guardian_index: int
    tally_hash: bytes
    contests: int              # district contests decrypted
    boxes: int                 # boxes verified
    ballots: int               # CAST ballots counted, over all boxes
    repeated: tuple            # (district, contest) already in the log, same ciphertexts
    slot_files: tuple = ()     # (contest id, slots decrypted, file written) per slot contest


def _check_guardian(guardian, election) -> None:
    m, ctx = election.manifest, election.context
    l = guardian.index
    if guardian.manifest_hash != m.hash():
        raise DecryptRefused(f"{layout.MANIFEST}: not the manifest of guardian {l}'s election "
                             f"(hash {m.hash().hex()[:16]}..., the guardian's "
                             f"{guardian.manifest_hash.hex()[:16]}...)")
    if guardian.key_share is None:
        raise DecryptRefused(f"guardian {l} has not finished the key ceremony (no key share)")
    if (ctx.n_guardians, ctx.threshold) != (guardian.n, guardian.t) or \
            ctx.base_hash != guardian.base_hash:
        raise DecryptRefused(f"{layout.CONTEXT}: not the context of guardian {l}'s key "
                             "ceremony (base hash differs)")
    if G_TABLE.mul(guardian.key_share) != ctx.public_share(l):
        raise DecryptRefused(f"{layout.CONTEXT}: public share S_{l} is not guardian {l}'s")
    try:  # the lot ciphertext needs all n acknowledgements; the commitment round all n
        ctx.require_acknowledgements()        # commitments (both verified when read)
        ctx.require_ceremony_commitments()
    except EvoteError as exc:
        raise DecryptRefused(f"{layout.CONTEXT}: {exc}") from None


def _check_package(election, boxes: dict) -> None:
    """boxes: relative path -> (station, kiosk, certificate bytes) from each OPEN record."""
    path = election.full(PACKAGE)
    if not os.path.lexists(path):
        return
    from .package import parse_package_bytes
    data = read_input(path, f"record file {PACKAGE}", MAX_PACKAGE_BYTES)
    try:
        package = parse_package_bytes(data, PACKAGE)
    except EvoteError as exc:
        raise DecryptRefused(str(exc)) from None
    if package.manifest.to_json_obj() != election.manifest.to_json_obj():
        raise DecryptRefused(f"{PACKAGE}.manifest: not the record's {layout.MANIFEST}")
    if package.context.to_json_obj() != election.context.to_json_obj():
        raise DecryptRefused(f"{PACKAGE}.context: not the record's {layout.CONTEXT}")
    listed = package.kiosk_certificates()
    for rel, (station, kiosk, cert) in sorted(boxes.items()):
        if listed.get(cert) != (station, kiosk):
            raise DecryptRefused(f"{rel}: kiosk {kiosk!r} of station {station!r} has a "
                                 f"certificate the election package does not list")


def _open_records(election, rels) -> dict:
    """rel -> (station, kiosk, certificate bytes) of each box's OPEN record, which must
    name the station and kiosk of its path."""
    out = {}
    for rel in rels:
        try:
            first = next(iter(read_box(election.full(rel),
                                       authority_key=election.manifest.authority_key,
                                       election_hash=election.manifest.hash())), None)
        except EvoteError as exc:
            raise DecryptRefused(f"{rel}: {exc}") from None
        if not isinstance(first, OpenRecord):
            raise DecryptRefused(f"{rel}: the box does not begin with an OPEN record")
        _, station, name = rel.split("/")
        if (first.station_id, first.kiosk_id) != (station, name[:-4]):
            raise DecryptRefused(f"{rel}: its OPEN record is kiosk {first.kiosk_id!r} of "
                                 f"station {first.station_id!r}, not the kiosk its path names")
        out[rel] = (first.station_id, first.kiosk_id, first.certificate.to_bytes())
    return out


def _first_difference(kind: str, recorded: dict, recomputed: dict):
    for name in sorted(set(recorded) | set(recomputed)):
        a, b = recorded.get(name), recomputed.get(name)
        if a is None:
            return f"{kind} {name!r}: the boxes give a tally, {layout.TALLY} has none"
        if b is None:
            return f"{kind} {name!r}: in {layout.TALLY} but no box gives it a tally"
        for cid in sorted(set(a) | set(b)):
            if cid not in a or cid not in b or a[cid] != b[cid]:
                ra = "absent" if cid not in a else f"{a[cid].ballots} ballots"
                rb = "absent" if cid not in b else f"{b[cid].ballots} ballots"
                return (f"{kind} {name!r}, contest {cid!r}: {layout.TALLY} differs from the "
                        f"tally of the boxes ({ra} there, {rb} recomputed)")
    return None


def verified_district_tallies(election, jobs=None) -> tuple:
    """Steps 1 (boxes, package), 2 and 3 on the record: (district tallies recomputed
    from the boxes, bytes of tally/encrypted.json, boxes, ballots, slot contests' lists
    to decrypt). DecryptRefused naming the first problem."""
    m = election.manifest
    excluded = record_exclusions(election.directory, m)   # the board's (V17): not read
    rels = [r for r in box_files(election) if r not in excluded]
    if not rels:
        raise DecryptRefused(f"record {election.directory}: no ballot box under "
                             f"{layout.BOXES_DIR}/")
    _check_package(election, _open_records(election, rels))
    run = tally_boxes(m, election.context, [election.full(r) for r in rels], m.authority_key,
                      jobs=jobs, progress=False, verify_proofs=True)
    if run.problems:
        p = run.problems[0]
        more = f" (and {len(run.problems) - 1} more)" if len(run.problems) > 1 else ""
        raise DecryptRefused(f"the boxes do not verify: {p}{more}")
    for b in run.boxes:
        if not b.closed:
            raise DecryptRefused(f"{os.path.relpath(b.path, election.directory)}: the box "
                                 "has no CLOSE record")
    recorded, tally_bytes = read_tallies(election)
    for kind, a, b in (("station", recorded.stations, run.stations),
                       ("district", recorded.districts, run.districts)):
        diff = _first_difference(kind, a, b)
        if diff is not None:
            raise DecryptRefused(diff)
    low = [f"district {did!r}, contest {ct.contest_id!r} ({ct.ballots} ballots)"
           for did, t in sorted(run.districts.items()) for ct in t.contests
           if ct.ballots < m.privacy_floor]
    if low:
        raise DecryptRefused(f"below the privacy floor of {m.privacy_floor} ballots: "
                             f"{'; '.join(low)}; such a tally is never decrypted")
    ballots = sum(b.counted for b in run.boxes)
    try:
        slot_lists = verified_slot_lists(election, run.slot_inputs)
    except SlotStepRefused as exc:
        raise DecryptRefused(str(exc)) from None
    return run.districts, tally_bytes, len(rels), ballots, slot_lists


def decrypt(secret_path, passphrase, record_dir, out, *, jobs=None) -> SharesOutcome:
    """Steps 1-5 of the module docstring; returns what was written."""
    secret_path = os.fspath(secret_path)
    out = check_output(out, "share file", inputs=(secret_path,))   # fail before the work
    guardian = load_guardian(secret_path, passphrase)
    election = read_election(record_dir)
    _check_guardian(guardian, election)
    districts, tally_bytes, n_boxes, n_ballots, slot_lists = \
        verified_district_tallies(election, jobs)
    contests = [(did, ct) for did, t in sorted(districts.items())
                for ct in sorted(t.contests, key=lambda c: c.contest_id)]
    repeated = decrypt_log.record_decryptions(
        decrypt_log.log_path(secret_path),
        [(did, ct.contest_id, decrypt_log.ciphertexts_hash(ct.ciphertexts))
         for did, ct in contests] + decrypt_log_entries(election.context, slot_lists))
    entries = []
    for did, ct in contests:
        share = compute_decryption_share(guardian, election.context, _vector(ct),
                                         tally_labels(ct.contest_id, ct.width))
        entries.append(ContestShare(did, ct.contest_id, ct.ballots, share))
    # the lot ciphertext, decrypted with the tallies (specs/key-ceremony.md 12)
    lot = compute_decryption_share(guardian, election.context,
                                   [election.context.lot_ciphertext], [LOT_LABEL])
    th = tally_file_hash(tally_bytes)
    slot_entries = write_guardian_slot_files(
        out, guardian_slot_shares(guardian, election.context, slot_lists),
        inputs=(secret_path, decrypt_log.log_path(secret_path)))
    shares = GuardianShares(guardian.manifest_hash, guardian.index, th, tuple(entries), lot,
                            slot_entries)
    path = write_new_json(out, shares.to_json_obj(), "share file",
                          inputs=(secret_path, decrypt_log.log_path(secret_path)))
    slot_files = tuple((e.contest_id, len(sl.outputs) // 64,
                        os.path.join(os.path.dirname(path), e.file))
                       for e, sl in zip(slot_entries, [sl for sl in slot_lists if sl.outputs]))
    return SharesOutcome(path, guardian.index, th, len(entries), n_boxes, n_ballots,
                         repeated, slot_files)
