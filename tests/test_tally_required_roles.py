"""Who must sign (issue 12 section 2), as a property: a paper result or a declaration
verifies complete exactly when every role of the manifest's signing_roles.station has
signed it, whatever the required roles and whichever certified officials signed; the
error names the missing roles."""
import dataclasses

import nacl.signing
from hypothesis import given, settings
from hypothesis import strategies as st

from evote.manifest.anchors import SigningRoles
from evote.results.model import ContestCounts
from evote.tally import (PaperResult, PaperResultError, StationDeclaration,
                         StationDeclarationError, certify_official)

from test_tally_support import AUTHORITY, make_election_manifest

ROLES = ("clerk", "observer", "secretary", "station-head")
KEYS = {r: nacl.signing.SigningKey(bytes([40 + i]) * 32) for i, r in enumerate(ROLES)}


def _manifest(required):
    return dataclasses.replace(make_election_manifest(),
                               signing_roles=SigningRoles(station=tuple(sorted(required))))


def _sign(doc, m, signers):
    for role in signers:
        key = KEYS[role]
        doc = doc.sign(role, key, certify_official(AUTHORITY, m.hash(), "c1", role,
                                                   bytes(key.verify_key)))
    return doc


@settings(max_examples=60, deadline=None)
@given(required=st.sets(st.sampled_from(ROLES), min_size=1),
       signers=st.lists(st.sampled_from(ROLES), unique=True),
       paper=st.booleans())
def test_complete_exactly_when_every_required_role_signed(required, signers, paper):
    m = _manifest(required)
    if paper:
        doc, err = PaperResult(m.hash(), "c1", 7, (ContestCounts(
            "city-council", (3, 2, 0, 1, 4, 2), 7, 1),)), PaperResultError
    else:
        doc, err = StationDeclaration(m.hash(), "c1", 7), StationDeclarationError
    doc = _sign(doc, m, signers)
    doc.verify(m, min_officials=0, complete=False)   # a partial form is well signed
    missing = sorted(set(required) - set(signers))
    try:
        doc.verify(m, min_officials=0)
    except err as exc:
        assert missing, exc
        assert f"not signed by the required role(s) {', '.join(missing)}" in str(exc)
        return
    assert not missing
