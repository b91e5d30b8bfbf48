"""specs/vectors/ceremony-n3-t2.json and decryption-n3-t2.json: they reproduce byte for
byte from their generator, and an independent path (hashlib + the pure-Python
ristretto255 in tests/reference, no evote code) confirms every equation in them."""
import hashlib
import json

import nacl.public
import nacl.signing
import pytest

from reference import ristretto255 as ref

import ceremony_vectors_gen as gen

L = ref.L


@pytest.fixture(scope="module")
def files():
    return (json.loads(gen.CEREMONY_FILE.read_bytes()),
            json.loads(gen.DECRYPTION_FILE.read_bytes()))


def test_vectors_reproduce_byte_for_byte(files):
    cv, dv = gen.build(keep_sealed_example=True)
    assert gen.dumps(cv) == gen.CEREMONY_FILE.read_bytes()
    assert gen.dumps(dv) == gen.DECRYPTION_FILE.read_bytes()


# ---- the independent path: hashing and group arithmetic written here from the spec

def H(tag, *fields, size=64):
    """specs/key-ceremony.md 1.2: SHA-512 over length-prefixed tag and fields."""
    h = hashlib.sha512()
    for item in (tag.encode(),) + fields:
        h.update(len(item).to_bytes(8, "big") + item)
    return h.digest()[:size]


def u64(n):
    return n.to_bytes(8, "big")


def sc(hexstr):
    return int.from_bytes(bytes.fromhex(hexstr), "little")


def pt(hexstr):
    p = ref.decode(bytes.fromhex(hexstr))
    assert p is not None
    return p


def enc(p):
    return ref.encode(p)


def G(k):
    return ref.mul(k % L, ref.GENERATOR)


def challenge(tag, *fields):
    return int.from_bytes(H(tag, *fields), "little") % L


def test_ceremony_equations_independently(files):
    cv, _ = files
    mh = bytes.fromhex(cv["manifest_hash"])
    n, t = cv["n_guardians"], cv["threshold"]
    rows = []
    for g in cv["guardians"]:
        i, rec = g["index"], g["record"]
        coeffs = [sc(a) for a in g["coefficients"]]
        commitments = [G(a) for a in coeffs]
        assert [enc(k).hex() for k in commitments] == rec["commitments"]
        rows.append(commitments)
        for j, (u_hex, proof_hex) in enumerate(zip(g["schnorr_nonces"], rec["proofs"])):
            proof = bytes.fromhex(proof_hex)
            h, v = ref.decode(proof[:32]), int.from_bytes(proof[32:], "little")
            assert enc(G(sc(u_hex))) == proof[:32]
            c = challenge("evote/v1/guardian-schnorr", mh, u64(i), u64(j),
                          enc(commitments[j]), proof[:32])
            assert c.to_bytes(32, "little").hex() == g["schnorr_challenges"][j]
            assert v == (sc(u_hex) + c * coeffs[j]) % L
            assert ref.equal(G(v), ref.add(h, ref.mul(c, commitments[j])))
        ident = bytes(nacl.signing.SigningKey(bytes.fromhex(g["signing_seed"])).verify_key)
        assert ident.hex() == rec["identity_key"]
        transport = bytes(nacl.public.PrivateKey(bytes.fromhex(g["transport_secret"])).public_key)
        assert transport.hex() == rec["transport_key"]
        # the lot commitment m_i*H_lot, H_lot the hash-to-group of the lot generator tag
        h_lot = ref.from_uniform(H("evote/v1/lot-generator"))
        lot_c = enc(ref.mul(sc(g["lot_secrets"]["m"]), h_lot))
        assert lot_c.hex() == rec["lot_commitment"]
        d = H("evote/v1/guardian-record", mh, u64(n), u64(t), u64(i), ident, transport,
              *(enc(k) for k in commitments), *(bytes.fromhex(p) for p in rec["proofs"]),
              lot_c, size=32)
        assert d.hex() == g["record_digest"]
        nacl.signing.VerifyKey(ident).verify(d, bytes.fromhex(rec["signature"]))
        for l, share in g["shares_out"].items():
            assert sc(share) == sum(a * int(l) ** j for j, a in enumerate(coeffs)) % L
    k = ref.IDENTITY
    for row in rows:
        k = ref.add(k, row[0])
    assert enc(k).hex() == cv["joint_key"]
    base = H("evote/v1/base-hash", mh, b"ristretto255", u64(n), u64(t),
             *(enc(c) for row in rows for c in row), enc(k), size=32)
    assert base.hex() == cv["base_hash"] == cv["context"]["base_hash"]
    for g in cv["guardians"]:
        l = g["index"]
        s = sum(sc(h["shares_out"][str(l)]) for h in cv["guardians"]) % L
        assert s == sc(g["key_share"])
        assert enc(G(s)).hex() == g["public_share"]
        s_pub = ref.IDENTITY
        for row in rows:
            for j, kij in enumerate(row):
                s_pub = ref.add(s_pub, ref.mul(l ** j, kij))
        assert enc(s_pub).hex() == g["public_share"]


def test_sealed_example_opens(files):
    cv, _ = files
    ex = cv["sealed_example"]
    sealed = ex["sealed_share"]
    recipient = cv["guardians"][ex["recipient"] - 1]
    sender = cv["guardians"][ex["sender"] - 1]
    box = nacl.public.SealedBox(nacl.public.PrivateKey(bytes.fromhex(recipient["transport_secret"])))
    plain = box.decrypt(bytes.fromhex(sealed["sealed"]))
    assert plain.hex() == ex["plaintext"]
    assert plain[48:].hex() == sender["shares_out"][str(ex["recipient"])]
    mh = bytes.fromhex(cv["manifest_hash"])
    d = H("evote/v1/sealed-share", mh, u64(ex["sender"]), u64(ex["recipient"]),
          bytes.fromhex(sealed["sealed"]), size=32)
    nacl.signing.VerifyKey(bytes.fromhex(sender["record"]["identity_key"])).verify(
        d, bytes.fromhex(sealed["signature"]))


def test_decryption_equations_independently(files):
    cv, dv = files
    k = pt(cv["joint_key"])
    base = bytes.fromhex(dv["base_hash"])
    cts = []
    for m, r_hex, ct_hex in zip(dv["counts"], dv["encryption_nonces"], dv["ciphertexts"]):
        r = sc(r_hex)
        alpha, beta = G(r), ref.add(G(m), ref.mul(r, k))
        assert (enc(alpha) + enc(beta)).hex() == ct_hex
        cts.append((alpha, beta))
    labels = [bytes.fromhex(x) for x in dv["labels"]]
    partials = {}
    for entry in dv["shares"]:
        l = entry["guardian_index"]
        g = cv["guardians"][l - 1]
        s, s_pub = sc(g["key_share"]), g["public_share"]
        share = entry["share"]
        partials[l] = [pt(m) for m in share["partials"]]
        for pos, ((alpha, beta), label) in enumerate(zip(cts, labels)):
            m_pt = partials[l][pos]
            assert ref.equal(m_pt, ref.mul(s, alpha))
            proof = bytes.fromhex(share["proofs"][pos])
            a, b, v = ref.decode(proof[:32]), ref.decode(proof[32:64]), int.from_bytes(proof[64:], "little")
            u = sc(entry["nonces"][pos])
            assert enc(a) == enc(G(u)) and enc(b) == enc(ref.mul(u, alpha))
            c = challenge("evote/v1/decryption-share", base, u64(l), label, enc(alpha), enc(beta),
                          bytes.fromhex(s_pub), enc(m_pt), proof[:32], proof[32:64])
            assert c.to_bytes(32, "little").hex() == entry["challenges"][pos]
            assert v == (u + c * s) % L
            assert ref.equal(G(v), ref.add(a, ref.mul(c, pt(s_pub))))
            assert ref.equal(ref.mul(v, alpha), ref.add(b, ref.mul(c, m_pt)))
    q = dv["subset"]
    for l in q:
        lam = 1
        for j in q:
            if j != l:
                lam = lam * j * pow(j - l, -1, L) % L
        assert lam.to_bytes(32, "little").hex() == dv["lagrange"][str(l)]
    for pos, ((alpha, beta), m) in enumerate(zip(cts, dv["counts"])):
        acc = beta
        for l in q:
            acc = ref.sub(acc, ref.mul(sc(dv["lagrange"][str(l)]), partials[l][pos]))
        assert enc(acc).hex() == dv["combined"][pos] == enc(G(m)).hex()


def test_lot_contributions_and_seed_by_the_independent_path(files):
    """specs/key-ceremony.md 12: each acknowledgement's contribution and proof recomputed
    from its lot secrets by tests/reference/lot.py, its digest, its Ed25519 signature; the
    lot ciphertext is their sum, the subset's shares decrypt it to sum m_i*G, and the seed
    is its hash."""
    from reference import lot as ref_lot
    cv, dv = files
    base, k_enc = bytes.fromhex(cv["base_hash"]), bytes.fromhex(cv["joint_key"])
    acks = cv["context"]["acknowledgements"]
    assert [a["guardian_index"] for a in acks] == [g["index"] for g in cv["guardians"]]
    cs = [bytes.fromhex(g["record"]["lot_commitment"]) for g in cv["guardians"]]
    total_a, total_b, total_m = ref.IDENTITY, ref.IDENTITY, 0
    for g, ack in zip(cv["guardians"], acks):
        m, k, r, s = (sc(g["lot_secrets"][x]) for x in ("m", "k", "r", "s"))
        assert ref_lot.lot_commitment(m) == cs[g["index"] - 1]   # the record's, from m
        a, b, t1, t2, t3, z1, z2 = ref_lot.contribute(base, cs, g["index"], k_enc, m, k, r, s)
        proof = t1 + t2 + t3 + z1.to_bytes(32, "little") + z2.to_bytes(32, "little")
        assert ack["contribution"] == (a + b).hex() and ack["proof"] == proof.hex()
        assert ref_lot.verify(base, cs, g["index"], k_enc, a, b, t1, t2, t3, z1, z2)
        d = ref_lot.ack_digest(base, cs, g["index"], a, b, proof)
        assert d.hex() == g["acknowledgement_digest"]
        nacl.signing.VerifyKey(bytes.fromhex(g["record"]["identity_key"])).verify(
            d, bytes.fromhex(ack["signature"]))
        total_a, total_b, total_m = ref.add(total_a, pt(a.hex())), \
            ref.add(total_b, pt(b.hex())), (total_m + m) % L
    lot = dv["lot"]
    assert lot["ciphertext"] == (enc(total_a) + enc(total_b)).hex()
    acc = total_b
    for share in lot["decryption"]["shares"]:
        l = share["guardian_index"]
        acc = ref.sub(acc, ref.mul(sc(dv["lagrange"][str(l)]), pt(share["partials"][0])))
    assert enc(acc).hex() == lot["decryption"]["point"] == enc(G(total_m)).hex()
    assert ref_lot.seed(base, enc(acc)).hex() == lot["decryption"]["seed"]


def test_ceremony_commitments_by_the_independent_path(files):
    """specs/key-ceremony.md 13: each guardian's commitment is the hash of its record's
    coefficient commitments and lot commitment, signed by its identity key."""
    cv, _ = files
    mh, n, t = bytes.fromhex(cv["manifest_hash"]), cv["n_guardians"], cv["threshold"]
    comms = cv["context"]["ceremony_commitments"]
    assert [c["guardian_index"] for c in comms] == [g["index"] for g in cv["guardians"]]
    for g, com in zip(cv["guardians"], comms):
        rec, i = g["record"], g["index"]
        points = [bytes.fromhex(k) for k in rec["commitments"]]
        c = H("evote/v1/ceremony-commitment", mh, u64(n), u64(t), u64(i), *points,
              bytes.fromhex(rec["lot_commitment"]), size=32)
        assert com["commitment"] == c.hex() and com["identity_key"] == rec["identity_key"]
        d = H("evote/v1/ceremony-commitment-signature", mh, u64(n), u64(t), u64(i),
              bytes.fromhex(rec["identity_key"]), c, size=32)
        nacl.signing.VerifyKey(bytes.fromhex(rec["identity_key"])).verify(
            d, bytes.fromhex(com["signature"]))
