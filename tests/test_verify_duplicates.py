"""V9: a ciphertext copied into another ballot (here: by a certified kiosk that re-signs
another kiosk's ballot under a new ballot id) is named at both places; the copy's proofs
fail too (they bind the ballot id), and it is never counted."""
import os
from dataclasses import replace

import nacl.signing

from evote.ballotbox import issue_certificate, open_box, read_box
from evote.ballotbox.records import CastRecord
from evote.hashing import digest, u64
from evote.manifest import load_manifest
from evote.protocol.encrypted_ballot import EncryptedBallot
from evote.verify.run import verify_record

from test_verify_support import SMALL, copy_record, reseal, small_record


def test_copied_ballot_is_a_duplicate(tmp_path_factory, tmp_path):
    record = copy_record(small_record(tmp_path_factory), tmp_path)
    m = load_manifest(os.path.join(record, "manifest.json"))
    authority = nacl.signing.SigningKey(digest("evote/v1/demo-authority", u64(SMALL["seed"])))
    src = os.path.join(record, "boxes", "city-1-st001", "city-1-st001-k1.box")
    victim = next(r for r in read_box(src, authority_key=m.authority_key)
                  if isinstance(r, CastRecord))
    original = EncryptedBallot.from_bytes(victim.payload)

    key = nacl.signing.SigningKey.generate()
    cert = issue_certificate(authority, election_hash=m.hash(), station_id="city-1-st001",
                             kiosk_id="city-1-st001-k9", kiosk_key=bytes(key.verify_key))
    path = os.path.join(record, "boxes", "city-1-st001", "city-1-st001-k9.box")
    box = open_box(path, kiosk_key=key, certificate=cert, authority_key=m.authority_key,
                   durable=False)
    bid = box.next_ballot_id()
    box.cast(bid, replace(original, ballot_id=bid).to_bytes())
    box.close()
    box.release()
    reseal(record)

    rep = verify_record(record, jobs=1)
    assert rep.exit_code == 1
    v9 = rep.get("V9")
    assert v9.status == "fail"
    texts = [f"{f.location} {f.message}" for f in v9.failures]
    assert any("city-1-st001-k9.box" in t and "city-1-st001-k1.box" in t for t in texts), texts
    assert any(victim.ballot_id.hex() in t for t in texts)
    v8 = rep.get("V8")
    assert any("city-1-st001-k9.box" in f.location and bid.hex() in f.location
               for f in v8.failures)
    assert rep.get("V11").status == "pass"  # the copy was not counted
    text = rep.to_text()
    assert "FAIL" in text and "V9" in text
