"""A small real election built in Python, as files, for the tests of the role steps
(station officials, tally centre, results). Others may reuse it: build_election(tmp_path)
returns the paths of everything a step reads.

The election: a city of two stations (the first electronic with two kiosks, the second
on paper), one village station (electronic, one kiosk); 2 seats of 4 candidates in the
city; a 2-of-3 key ceremony (the guardians are returned in memory); every station has two
certified officials, "station-head" and "observer", whose key files are encrypted with
weak argon2id limits (PASSPHRASE, in the file `pw`). Boxes hold a few CAST ballots
(durable=False for speed) and are closed; `declare_all` / `paper_counts` make what the
officials would sign. The privacy floor is 1 so that a handful of ballots can be decrypted.
"""
from __future__ import annotations

import dataclasses
import os

import nacl.signing

from evote.ballotbox import issue_certificate, open_box
from evote.election import station as station_steps
from evote.election.certificates import OfficialCredential, write_official_certificate_file
from evote.election.files import write_new_file, write_new_json
from evote.election.keys import write_new_key_file
from evote.election.package import ElectionPackage, KioskEntry, OfficialEntry, StationPlan
from evote.manifest import make_demo_manifest
from evote.protocol.ceremony import run_ceremony
from evote.protocol.encrypt import encrypt_ballot
from evote.tally import certify_official

PASSPHRASE = "an official's passphrase"
ROLES = ("observer", "station-head")
WEAK_KDF = {"opslimit": 1, "memlimit": 8192 * 1024}


@dataclasses.dataclass
class Election:
    dir: str
    authority: nacl.signing.SigningKey
    manifest: object
    context: object
    guardians: list
    package: ElectionPackage
    package_path: str
    passphrase_file: str
    city: str                 # electronic city station (kiosks k1, k2)
    paper_station: str        # the city station on paper
    village: str              # electronic village station (kiosk k1)
    kiosk_keys: dict          # kiosk id -> SigningKey
    kiosk_certs: dict         # kiosk id -> KioskCertificate
    officials: dict           # (station, role) -> (key path, certificate path)
    boxes: dict = dataclasses.field(default_factory=dict)   # kiosk id -> box path
    cast: dict = dataclasses.field(default_factory=dict)    # station -> CAST ballots

    def kiosks(self, station_id):
        return sorted(k for k in self.kiosk_certs if k.startswith(station_id + "-"))

    def path(self, *parts):
        return os.path.join(self.dir, *parts)


def _signed(package: ElectionPackage, authority) -> ElectionPackage:
    return dataclasses.replace(package,
                               authority_signature=authority.sign(package.hash()).signature)


def make_official(directory, manifest, authority, station_id, role, name=None):
    """(key path, certificate path, OfficialEntry) of a fresh official."""
    name = name or f"{station_id}-{role}"
    key = nacl.signing.SigningKey.generate()
    key_path = write_new_key_file(os.path.join(directory, f"{name}.key"), key, PASSPHRASE,
                                  **WEAK_KDF)
    pk = bytes(key.verify_key)
    cert = certify_official(authority, manifest.hash(), station_id, role, pk)
    cred = OfficialCredential(manifest.hash(), station_id, role, pk, cert)
    cert_path = write_official_certificate_file(os.path.join(directory, f"{name}.cert.json"),
                                                cred)
    return key_path, cert_path, OfficialEntry(role, pk, cert)


def build_election(directory, *, seed=11, voters=(3, 2, 2), manifest_fields=None) -> Election:
    """Everything under `directory` (created): package.json, pw, officials/, boxes/.
    voters: CAST ballots in (city kiosk k1, city kiosk k2, village kiosk k1);
    manifest_fields: top-level Manifest fields to set (e.g. supervisors, voting_window)."""
    directory = os.fspath(directory)
    os.makedirs(os.path.join(directory, "officials"), exist_ok=True)
    authority = nacl.signing.SigningKey.generate()
    manifest = make_demo_manifest(seed, 2, 1, authority_key=bytes(authority.verify_key),
                                  city_seats=2, city_alternates=1, city_candidates=4,
                                  privacy_floor=1)
    manifest = dataclasses.replace(manifest, **(manifest_fields or {}))
    context, guardians = run_ceremony(manifest.hash(), 3, 2)
    city, paper_id, village = (s.station_id for s in manifest.stations)
    keys, certs, officials, plans = {}, {}, {}, []
    for s in manifest.stations:
        kiosks = {city: ("k1", "k2"), village: ("k1",)}.get(s.station_id, ())
        entries = []
        for k in kiosks:
            kid = f"{s.station_id}-{k}"
            keys[kid] = nacl.signing.SigningKey.generate()
            certs[kid] = issue_certificate(authority, election_hash=manifest.hash(),
                                           station_id=s.station_id, kiosk_id=kid,
                                           kiosk_key=bytes(keys[kid].verify_key))
            entries.append(KioskEntry(kid, certs[kid]))
        listed = []
        for role in ROLES:
            kp, cp, entry = make_official(os.path.join(directory, "officials"), manifest,
                                          authority, s.station_id, role)
            officials[(s.station_id, role)] = (kp, cp)
            listed.append(entry)
        listed.sort(key=lambda o: (o.role, o.public_key))
        plans.append(StationPlan(s.station_id, "electronic" if entries else "paper",
                                 tuple(entries), tuple(listed)))
    package = _signed(ElectionPackage(manifest, context, tuple(plans), bytes(64)), authority)
    package.verify()
    package_path = write_new_file(os.path.join(directory, "package.json"), package.to_bytes(),
                                  "election package")
    pw = write_new_file(os.path.join(directory, "pw"), (PASSPHRASE + "\n").encode(), "pw")
    e = Election(directory, authority, manifest, context, list(guardians), package,
                 package_path, pw, city, paper_id, village, keys, certs, officials)
    counts = dict(zip((f"{city}-k1", f"{city}-k2", f"{village}-k1"), voters))
    for kid, n in counts.items():
        e.boxes[kid] = make_box(e, kid, n)
        sid = kid.rsplit("-", 1)[0]
        e.cast[sid] = e.cast.get(sid, 0) + n
    return e


def make_box(e: Election, kiosk_id: str, n_ballots: int, *, directory=None, close=True,
             key=None, certificate=None) -> str:
    """A box of `n_ballots` CAST ballots (voter v picks candidate v mod width + 1 in every
    contest) at <dir>/boxes-in/<kiosk>.box."""
    directory = directory or e.path("boxes-in")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"{kiosk_id}.box")
    cert = certificate or e.kiosk_certs[kiosk_id]
    m = e.manifest
    style_id = m.station(cert.station_id).style_id
    box = open_box(path, kiosk_key=key or e.kiosk_keys[kiosk_id], certificate=cert,
                   authority_key=m.authority_key, durable=False)
    for v in range(n_ballots):
        choices = {}
        for cid in m.style(style_id).contest_ids:
            cands = m.contest(cid).candidates
            choices[cid] = [str(cands[v % len(cands)].code)]
        bid = box.next_ballot_id()
        ballot, _ = encrypt_ballot(e.context, m, style_id, choices, bid)
        box.cast(bid, ballot.to_bytes())
    if close:
        box.close()
    box.release()
    return path


def official_args(e: Election, station_id: str, role: str) -> dict:
    kp, cp = e.officials[(station_id, role)]
    return {"key_path": kp, "certificate_path": cp, "passphrase": PASSPHRASE}


def declare_all(e: Election, directory=None, forms=None) -> dict:
    """Each electronic station's declaration (forms issued = its CAST ballots unless
    forms[station] says otherwise), signed by both officials; station -> path."""
    directory = directory or e.path("declarations-in")
    os.makedirs(directory, exist_ok=True)
    out = {}
    for sid in (e.city, e.village):
        first = os.path.join(directory, f"{sid}.head.json")
        station_steps.declare(e.package_path, sid, (forms or {}).get(sid, e.cast.get(sid, 0)),
                              out=first, **official_args(e, sid, "station-head"))
        out[sid] = os.path.join(directory, f"{sid}.json")
        station_steps.sign(first, out=out[sid], package_path=e.package_path,
                           **official_args(e, sid, "observer"))
        os.unlink(first)
    return out


def paper_counts(e: Election, forms=10, spoiled=1) -> dict:
    """A valid COUNTS object for the paper station (forms - spoiled ballots cast)."""
    m = e.manifest
    contests = {}
    cast = forms - spoiled
    for cid in m.style(m.station(e.paper_station).style_id).contest_ids:
        cands = m.contest(cid).candidates
        votes = {str(c.code): 0 for c in cands}
        votes[str(cands[0].code)] = cast - 1
        contests[cid] = {"votes": votes, "ballots_cast": cast, "blank": 1}
    return {"forms_issued": forms, "spoiled_forms": spoiled, "contests": contests}


def write_paper_result(e: Election, directory=None, counts=None) -> str:
    """The paper station's result, signed by both officials."""
    directory = directory or e.path("paper-in")
    os.makedirs(directory, exist_ok=True)
    counts_path = write_new_json(os.path.join(directory, "counts.json.in"),
                                 counts or paper_counts(e), "counts")
    first = os.path.join(directory, "head.json.part")
    station_steps.paper(e.package_path, e.paper_station, counts_path, out=first,
                        **official_args(e, e.paper_station, "station-head"))
    out = os.path.join(directory, f"{e.paper_station}.json")
    station_steps.sign(first, out=out, package_path=e.package_path,
                       **official_args(e, e.paper_station, "observer"))
    os.unlink(first)
    os.unlink(counts_path)
    return out
