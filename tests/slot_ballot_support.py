"""Test helpers for ballots with slot contests (issue 15): a manifest with a per-candidate
contest and a slot contest on one style, and the test context of ballot_support."""
import nacl.signing

from evote.manifest import (BallotStyle, Candidate, Contest, District, Manifest, MixServer,
                            PartyList, Station)

from ballot_support import make_context  # noqa: F401  (re-exported for the tests)

MIX_KEY = nacl.signing.SigningKey(bytes([7]) * 32).verify_key.encode()


def slot_manifest(n_slot=12, l_slot=3, method="proportional", n_pc=4, l_pc=2,
                  stations=("st1", "st2"), authority_key=bytes(32)):
    """Contest "pc" (per-candidate, n_pc candidates, codes 1..n_pc) and contest "sl"
    (slots, n_slot candidates, codes 1001.., max_choices l_slot; proportional: lists 901
    (first half) and 902 (the rest)); style "s" holds both ("pc" first), style "t" only
    "sl"; stations of district "d" with style "s"; one mix server."""
    pc = Contest("pc", "per-candidate contest", "d", l_pc, 0, l_pc, "plurality",
                 tuple(Candidate(i + 1, f"pc candidate {i}") for i in range(n_pc)))
    lists = ()
    if method == "proportional":
        lists = (PartyList(901, "list a"), PartyList(902, "list b"))
    cands = tuple(Candidate(1001 + i, f"slot candidate {i}",
                            (901 if i < n_slot // 2 else 902) if lists else None)
                  for i in range(n_slot))
    sl = Contest("sl", "slot contest", "d", l_slot, 0, l_slot, method, cands, lists,
                 encoding="slots")
    return Manifest("e", "election", "2026-06-19", (District("d", "district", "city"),),
                    tuple(Station(s, f"station {s}", "d", "s") for s in stations),
                    (pc, sl), (BallotStyle("s", ("pc", "sl")), BallotStyle("t", ("sl",))),
                    authority_key, mix_servers=(MixServer("mix-1", MIX_KEY),))
