"""A small election for the kiosk tests, built in the test: an authority key, the demo
manifest (one city station, electronic, two kiosks; one village station, paper), a
one-guardian ceremony and a signed election package."""
import dataclasses

import nacl.signing

from evote.ballotbox import issue_certificate
from evote.election.files import write_new_file
from evote.election.package import ElectionPackage, KioskEntry, StationPlan
from evote.manifest import make_demo_manifest
from evote.protocol.ceremony import run_ceremony

CITY, VILLAGE = "city-1-st001", "village-001-st001"


@dataclasses.dataclass
class Election:
    authority: nacl.signing.SigningKey
    manifest: object
    context: object
    package: ElectionPackage
    keys: dict           # kiosk id -> SigningKey
    certificates: dict   # kiosk id -> KioskCertificate


def signed(package: ElectionPackage, authority) -> ElectionPackage:
    return dataclasses.replace(package,
                               authority_signature=authority.sign(package.hash()).signature)


def make_election(seed: int = 1, kiosk_ids=("k1", "k2"), paper=(VILLAGE,)) -> Election:
    authority = nacl.signing.SigningKey.generate()
    manifest = make_demo_manifest(seed, 1, 1, authority_key=bytes(authority.verify_key))
    context, _ = run_ceremony(manifest.hash(), 1, 1)
    keys, certs, stations = {}, {}, []
    for s in manifest.stations:
        entries = []
        if s.station_id not in paper:
            for k in kiosk_ids:
                kid = f"{s.station_id}-{k}"
                keys[kid] = nacl.signing.SigningKey.generate()
                certs[kid] = issue_certificate(authority, election_hash=manifest.hash(),
                                               station_id=s.station_id, kiosk_id=kid,
                                               kiosk_key=bytes(keys[kid].verify_key))
                entries.append(KioskEntry(kid, certs[kid]))
        stations.append(StationPlan(s.station_id, "paper" if s.station_id in paper
                                    else "electronic", tuple(entries), ()))
    package = signed(ElectionPackage(manifest, context, tuple(stations), bytes(64)), authority)
    package.verify()
    return Election(authority, manifest, context, package, keys, certs)


def write_package(path, package: ElectionPackage) -> str:
    return write_new_file(path, package.to_bytes(), "election package")
