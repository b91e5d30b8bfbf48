/*
 * prove.c: the kiosk's provers for the disjunctive Chaum-Pedersen proofs of
 * specs/protocol.md section 4.2, and the exported evote_prove01_* / evote_disjunctive_*
 * functions (evote.h) over them. Same values, byte for byte, as the Python reference
 * (evote.protocol.disjunctive._prove_unchecked over G_TABLE and the K table); only the
 * number of table multiplications and encodings differs.
 *
 * Randomness arrives as 64-byte pieces, each reduced mod l (sc_reduce_wide), exactly as
 * Scalar.from_wide_bytes does; challenges arrive as the 64-byte digest64 outputs and are
 * reduced here the same way. Fiat-Shamir hashing stays in Python (evote.hashing).
 *
 * 0/1 ciphertext with its proof (per selection; m in {0, 1} secret, K the joint key):
 *   alpha = r G,  beta = r K + m G               (m G: a masked select of G or identity)
 *   A_0 = a_0 G,  B_0 = a_0 K + d_0 G,  d_0 = c_0 (0 - m)
 *   A_1 = a_1 G,  B_1 = a_1 K + d_1 G,  d_1 = c_1 (1 - m)
 * Exactly one of d_0, d_1 may be nonzero, so D = d G with d = m ? -c_0 : c_1 (masked
 * select) is computed once and added to B_0 when m = 1, to B_1 when m = 0 (the other
 * gets the identity, also by a masked select of cached points): 7 table multiplications
 * instead of 9.
 * Halving: every point P = s B above is computed as P' = (s / 2 mod l) B (scalars times
 * HALF = (l + 1) / 2, and m (G / 2) for m G), and enc(P) is then enc(2 P'), which has no
 * square root: one field inversion for a whole batch (double_encode_batch below), several
 * times cheaper than ristretto_encode. Why the bytes are those of ristretto_encode(s B):
 * 2 (s HALF mod l) = s + j l with j in {0, 1}, so 2 P' = s B + j l B = s B + j l T where
 * T in E[4] is the torsion part of the table's representative of B: the same
 * ristretto255 element.
 * Responses (s_0 = 1 - m): c_0' = c_0 + s_0 (c - c_0 - c_1), c_1' = c - c_0',
 *   v_0 = a_0 + c_0' r, v_1 = a_1 + c_1' r; the product s_0 (...) is a masked select.
 * Range [lo, hi] (value v secret): A_j = a_j G, B_j = a_j K + c_j (j - v) G; responses
 *   c_j' = c_j + [j == v] (c - sum c_k) for j < hi, c_hi' = c - sum_{j<hi} c_j',
 *   v_j = a_j + c_j' r. [j == v] is a mask from ct_eq_u32, never a branch.
 *
 * Timing: constant time in the secrets (bits m, value v, nonce r, every randomness
 * piece): fixed loop counts (k, lo, hi are public), table scans of scalarmult.c, masked
 * selects of ct.h. The only branches on secrets are on validity facts, declassified
 * (a bit that is not 0 or 1, a value outside [lo, hi], a nonce >= l): the caller's
 * refusal is public. Secret temporaries are wiped before return.
 */
#include <string.h>

#include "consts.h"
#include "ct.h"
#include "evote.h"
#include "ge.h"
#include "sc.h"
#include "scalarmult.h"

#define WIDE 64                     /* bytes of one randomness piece */
#define SEL_RAND (5 * WIDE)         /* r, c_0, a_0, c_1, a_1 */
#define SEL_POINTS 6                /* alpha, beta, A_0, B_0, A_1, B_1 */
#define SEL_CHUNK 8                 /* selections per batch of encodings */
#define RANGE_MAX_HI 0xffffu        /* hi < 2^16 (specs/protocol.md 4.2) */
#define RANGE_CHUNK 16              /* branches per batch of encodings */

#define ENC_MAX (SEL_CHUNK * SEL_POINTS > 2 * RANGE_CHUNK ? SEL_CHUNK * SEL_POINTS : 2 * RANGE_CHUNK)

/* HALF = 1/2 mod l = (l + 1) / 2, little-endian. */
static const uint8_t SC_HALF[32] = {
    0xf7, 0xe9, 0x7a, 0x2e, 0x8d, 0x31, 0x09, 0x2c, 0x6b, 0xce, 0x7b, 0x51, 0xef, 0x7c, 0x6f, 0x0a,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08};

/*
 * out + 32 i = the RFC 9496 encoding of 2 p[i], for i < n <= ENC_MAX (public points).
 * The batched double-and-encode of the Ristretto construction (Hamburg; as in
 * curve25519-dalek's double_and_compress_batch): with e = 2XY, f = Z^2 + d T^2,
 * g = Y^2 + X^2, h = Z^2 - d T^2 (2P = (e/f, g/h) in affine terms, a = -1), the encoding
 * of 2P needs 1/(efgh) only, so all n share one inversion (Montgomery's trick):
 *   Zinv = eg / (efgh), Tinv = fh / (efgh), magic = 1/sqrt(a - d);
 *   if IS_NEGATIVE(eg Zinv): (e, g, h) = (g, -e, f sqrt(-1)), magic = sqrt(-1);
 *   if IS_NEGATIVE(h e Zinv): g = -g;
 *   s = |(h - g) magic g Tinv|.
 * efgh = 0 exactly when p[i] is a torsion point (in E[8]); then 2 p[i] is the identity
 * class, whose encoding is zero: such an entry is inverted as 1 and its s set to 0, by
 * masked selects. Constant time (no branch on the points). Limb bounds: f and g are
 * carried to tight after their additions; every other value comes out of fe_mul/fe_sub.
 */
static void double_encode_batch(uint8_t *out, const ge_p3 *p, size_t n) {
    fe e[ENC_MAX], f[ENC_MAX], g[ENC_MAX], h[ENC_MAX], eg[ENC_MAX], fh[ENC_MAX];
    fe acc[ENC_MAX], z, inv, t, u, magic, minus_e, f_sqrta;
    unsigned int zero[ENC_MAX], neg;
    size_t i;
    for (i = 0; i < n; i++) {
        fe xx, yy, zz, dtt;
        fe_sq(&xx, &p[i].X);
        fe_sq(&yy, &p[i].Y);
        fe_sq(&zz, &p[i].Z);
        fe_sq(&dtt, &p[i].T);
        fe_mul(&dtt, &dtt, &FE_D);
        fe_add(&t, &p[i].Y, &p[i].Y);
        fe_mul(&e[i], &p[i].X, &t);         /* 2XY */
        fe_add(&f[i], &zz, &dtt);
        fe_carry(&f[i], &f[i]);             /* Z^2 + d T^2 */
        fe_add(&g[i], &yy, &xx);
        fe_carry(&g[i], &g[i]);             /* Y^2 + X^2 */
        fe_sub(&h[i], &zz, &dtt);           /* Z^2 - d T^2 */
        fe_mul(&eg[i], &e[i], &g[i]);
        fe_mul(&fh[i], &f[i], &h[i]);
        fe_mul(&z, &eg[i], &fh[i]);         /* efgh */
        zero[i] = (unsigned int)fe_iszero(&z);
        fe_1(&t);
        fe_cmov(&z, &t, zero[i]);           /* a torsion point: invert 1 instead */
        if (i == 0) acc[0] = z;
        else fe_mul(&acc[i], &acc[i - 1], &z);
    }
    if (n == 0) return;
    fe_invert(&inv, &acc[n - 1]);           /* 1 / prod efgh */
    for (i = n; i-- > 0;) {
        /* inv = 1 / (efgh_0 ... efgh_i); t = 1 / efgh_i */
        if (i > 0) fe_mul(&t, &inv, &acc[i - 1]);
        else t = inv;
        if (i > 0) {                        /* inv = 1 / (efgh_0 ... efgh_{i-1}) */
            fe_mul(&z, &eg[i], &fh[i]);
            fe_1(&u);
            fe_cmov(&z, &u, zero[i]);
            fe_mul(&inv, &inv, &z);
        }
        fe_mul(&z, &eg[i], &t);             /* Zinv */
        fe_mul(&u, &fh[i], &t);             /* Tinv */
        magic = FE_INVSQRT_A_MINUS_D;
        fe_mul(&t, &eg[i], &z);
        neg = (unsigned int)fe_isnegative(&t);
        fe_neg(&minus_e, &e[i]);
        fe_mul(&f_sqrta, &f[i], &FE_SQRT_M1);
        fe_cmov(&e[i], &g[i], neg);
        fe_cmov(&g[i], &minus_e, neg);
        fe_cmov(&h[i], &f_sqrta, neg);
        fe_cmov(&magic, &FE_SQRT_M1, neg);
        fe_mul(&t, &h[i], &e[i]);
        fe_mul(&t, &t, &z);
        fe_cneg(&g[i], &g[i], (unsigned int)fe_isnegative(&t));
        fe_mul(&t, &g[i], &u);
        fe_mul(&t, &magic, &t);
        fe_sub(&u, &h[i], &g[i]);
        fe_mul(&t, &u, &t);
        fe_abs(&t, &t);
        fe_0(&u);
        fe_cmov(&t, &u, zero[i]);           /* 2 p[i] is the identity: s = 0 */
        fe_tobytes(out + 32 * i, &t);
    }
}

/* r = b ? a : r for 32-byte scalars, b in {0, 1} (ct.h idiom). */
static void sc_cmov(uint8_t r[32], const uint8_t a[32], uint32_t b) {
    const uint8_t m = (uint8_t)ct_mask32(b);
    int i;
    for (i = 0; i < 32; i++) r[i] ^= (uint8_t)(m & (r[i] ^ a[i]));
}

/* The small integer v < 2^16 as a canonical scalar (no branch on v). */
static void sc_from_u16(uint8_t s[32], uint32_t v) {
    memset(s, 0, 32);
    s[0] = (uint8_t)v;
    s[1] = (uint8_t)(v >> 8);
}

/* r = p + (b ? q : identity), b in {0, 1}; q in cached form. */
static void add_masked(ge_p3 *r, const ge_p3 *p, const ge_cached *q, uint32_t b) {
    ge_cached sel;
    ge_p1p1 t;
    ge_cached_0(&sel);
    ge_cached_cmov(&sel, q, (unsigned int)b);
    ge_add(&t, p, &sel);
    ge_p1p1_to_p3(r, &t);
    ct_wipe(&sel, sizeof sel);
    ct_wipe(&t, sizeof t);
}

/* Halves of the six points of one 0/1 selection (see the top comment; encode_points
   doubles them back) and its nonce r. g_half: G / 2, cached. */
static void prove01_commit_one(ge_p3 pts[SEL_POINTS], uint8_t nonce[32], const uint8_t *entries_k,
                               const ge_cached *g_half, uint32_t m, const uint8_t rand[SEL_RAND]) {
    const uint8_t *entries_g = basetable_g_entries();
    uint8_t c0[32], a0[32], c1[32], a1[32], d[32], negc0[32], x[32];
    ge_p3 rk, dg, ak;
    ge_cached dc;

    sc_reduce_wide(nonce, rand);
    sc_reduce_wide(c0, rand + WIDE);
    sc_reduce_wide(a0, rand + 2 * WIDE);
    sc_reduce_wide(c1, rand + 3 * WIDE);
    sc_reduce_wide(a1, rand + 4 * WIDE);

    /* alpha/2 = (r/2) G; beta/2 = (r/2) K + m (G/2) */
    sc_mul(x, nonce, SC_HALF);
    basetable_mul(&pts[0], entries_g, x);
    basetable_mul(&rk, entries_k, x);
    add_masked(&pts[1], &rk, g_half, m);

    /* D/2 = (d/2) G with d = m ? -c_0 : c_1 (= d_0 + d_1) */
    sc_neg(negc0, c0);
    memcpy(d, c1, 32);
    sc_cmov(d, negc0, m);
    sc_mul(d, d, SC_HALF);
    basetable_mul(&dg, entries_g, d);
    ge_p3_to_cached(&dc, &dg);

    /* A_0 = a_0 G, B_0 = a_0 K + [m = 1] D; A_1 = a_1 G, B_1 = a_1 K + [m = 0] D (halved) */
    sc_mul(x, a0, SC_HALF);
    basetable_mul(&pts[2], entries_g, x);
    basetable_mul(&ak, entries_k, x);
    add_masked(&pts[3], &ak, &dc, m);
    sc_mul(x, a1, SC_HALF);
    basetable_mul(&pts[4], entries_g, x);
    basetable_mul(&ak, entries_k, x);
    add_masked(&pts[5], &ak, &dc, m ^ 1);

    ct_wipe(c0, 32);
    ct_wipe(a0, 32);
    ct_wipe(c1, 32);
    ct_wipe(a1, 32);
    ct_wipe(d, 32);
    ct_wipe(negc0, 32);
    ct_wipe(x, 32);
    ct_wipe(&rk, sizeof rk);
    ct_wipe(&dg, sizeof dg);
    ct_wipe(&ak, sizeof ak);
    ct_wipe(&dc, sizeof dc);
}

/* c_0', v_0, v_1 of one 0/1 selection from its randomness and its challenge digest. */
static void prove01_respond_one(uint8_t out[96], uint32_t m, const uint8_t rand[SEL_RAND],
                                const uint8_t challenge[64]) {
    uint8_t r[32], c0[32], a0[32], c1[32], a1[32], c[32], t[32], u[32];
    sc_reduce_wide(r, rand);
    sc_reduce_wide(c0, rand + WIDE);
    sc_reduce_wide(a0, rand + 2 * WIDE);
    sc_reduce_wide(c1, rand + 3 * WIDE);
    sc_reduce_wide(a1, rand + 4 * WIDE);
    sc_reduce_wide(c, challenge);
    /* c_0' = c_0 + (1 - m)(c - c_0 - c_1): t = c_0 + (c - c_0 - c_1), keep c_0 when m = 1 */
    sc_sub(t, c, c0);
    sc_sub(t, t, c1);
    sc_add(t, c0, t);
    sc_cmov(t, c0, m);
    memcpy(out, t, 32);                /* c_0' */
    sc_mul(u, t, r);
    sc_add(out + 32, a0, u);           /* v_0 = a_0 + c_0' r */
    sc_sub(t, c, t);                   /* c_1' = c - c_0' */
    sc_mul(u, t, r);
    sc_add(out + 64, a1, u);           /* v_1 = a_1 + c_1' r */
    ct_wipe(r, 32);
    ct_wipe(c0, 32);
    ct_wipe(a0, 32);
    ct_wipe(c1, 32);
    ct_wipe(a1, 32);
    ct_wipe(t, 32);
    ct_wipe(u, 32);
}

/* 1 if every one of the k bytes is 0 or 1. Constant time in the bytes; the answer is
   declassified (a refusal is public). */
static int bits_ok(const uint8_t *bits, size_t k) {
    uint32_t bad = 0;
    size_t i;
    int ok;
    for (i = 0; i < k; i++) bad |= (uint32_t)(bits[i] >> 1);
    ok = (int)ct_is_zero_u32(bad);
    CT_DECLASSIFY(&ok, sizeof ok);
    return ok;
}

/* 1 if lo <= v <= hi (all < 2^16), constant time in v, declassified. */
static int value_in_range(uint32_t v, uint32_t lo, uint32_t hi) {
    int ok = (int)ct_is_zero_u32(((v - lo) | (hi - v)) >> 31);
    CT_DECLASSIFY(&ok, sizeof ok);
    return ok;
}

static int range_ok(uint32_t lo, uint32_t hi) { return lo <= hi && hi <= RANGE_MAX_HI; }

/* ---- exported (evote.h) ---- */

int evote_prove01_commit(uint8_t *out, uint8_t *nonces, const uint8_t *table_k,
                         const uint8_t *bits, const uint8_t *randomness, size_t k) {
    ge_p3 pts[SEL_CHUNK * SEL_POINTS], gh;
    ge_cached g_half;
    size_t start, i;
    if (k == 0) return EVOTE_OK;
    if (out == NULL || nonces == NULL || table_k == NULL || bits == NULL ||
        randomness == NULL || k > ((size_t)-1) / (SEL_RAND + 1))
        return EVOTE_ERR_ARGUMENT;
    if (!basetable_check(table_k) || !bits_ok(bits, k)) {
        memset(out, 0, k * SEL_POINTS * 32);
        memset(nonces, 0, k * 32);
        return EVOTE_ERR_ARGUMENT;
    }
    basetable_mul(&gh, basetable_g_entries(), SC_HALF);   /* G / 2 (public) */
    ge_p3_to_cached(&g_half, &gh);
    for (start = 0; start < k; start += SEL_CHUNK) {
        size_t n = k - start < SEL_CHUNK ? k - start : SEL_CHUNK;
        for (i = 0; i < n; i++) {
            size_t s = start + i;
            prove01_commit_one(&pts[SEL_POINTS * i], nonces + 32 * s,
                               table_k + BASETABLE_HEADER, &g_half, (uint32_t)(bits[s] & 1),
                               randomness + SEL_RAND * s);
        }
        double_encode_batch(out + SEL_POINTS * 32 * start, pts, SEL_POINTS * n);
    }
    return EVOTE_OK;
}

int evote_prove01_respond(uint8_t *out, const uint8_t *bits, const uint8_t *randomness,
                          const uint8_t *challenges, size_t k) {
    size_t i;
    if (k == 0) return EVOTE_OK;
    if (out == NULL || bits == NULL || randomness == NULL || challenges == NULL ||
        k > ((size_t)-1) / (SEL_RAND + 1))
        return EVOTE_ERR_ARGUMENT;
    if (!bits_ok(bits, k)) {
        memset(out, 0, k * 96);
        return EVOTE_ERR_ARGUMENT;
    }
    for (i = 0; i < k; i++)
        prove01_respond_one(out + 96 * i, (uint32_t)(bits[i] & 1), randomness + SEL_RAND * i,
                            challenges + 64 * i);
    return EVOTE_OK;
}

int evote_disjunctive_commit(uint8_t *out, const uint8_t *table_k, uint32_t value,
                             uint32_t lo, uint32_t hi, const uint8_t *randomness) {
    const uint8_t *entries_g = basetable_g_entries();
    ge_p3 pts[2 * RANGE_CHUNK];
    uint8_t vs[32], js[32], diff[32], c[32], a[32], d[32];   /* js is public */
    uint32_t start, i;
    size_t nb;
    if (out == NULL || table_k == NULL || randomness == NULL || !range_ok(lo, hi))
        return EVOTE_ERR_ARGUMENT;
    nb = (size_t)(hi - lo) + 1;
    if (!basetable_check(table_k) || !value_in_range(value, lo, hi)) {
        memset(out, 0, 64 * nb);
        return EVOTE_ERR_ARGUMENT;
    }
    sc_from_u16(vs, value);
    for (start = 0; start < nb; start += RANGE_CHUNK) {
        uint32_t n = nb - start < RANGE_CHUNK ? (uint32_t)(nb - start) : RANGE_CHUNK;
        for (i = 0; i < n; i++) {
            const uint8_t *rnd = randomness + 2 * WIDE * (size_t)(start + i);
            sc_reduce_wide(c, rnd);
            sc_reduce_wide(a, rnd + WIDE);
            sc_mul(a, a, SC_HALF);     /* halved points (top comment) */
            sc_mul(c, c, SC_HALF);
            sc_from_u16(js, lo + start + i);
            sc_sub(diff, js, vs);      /* j - v: zero on the true branch */
            sc_mul(d, c, diff);
            basetable_mul(&pts[2 * i], entries_g, a);
            basetable_mul2(&pts[2 * i + 1], table_k + BASETABLE_HEADER, a, entries_g, d);
        }
        double_encode_batch(out + 64 * (size_t)start, pts, 2 * (size_t)n);
    }
    ct_wipe(vs, 32);
    ct_wipe(diff, 32);
    ct_wipe(c, 32);
    ct_wipe(a, 32);
    ct_wipe(d, 32);
    return EVOTE_OK;   /* pts holds public results only */
}

int evote_disjunctive_respond(uint8_t *out, uint32_t value, uint32_t lo, uint32_t hi,
                              const uint8_t nonce[32], const uint8_t *randomness,
                              const uint8_t challenge[64]) {
    uint8_t c[32], delta[32], cj[32], t[32], sum[32], u[32], a[32];
    uint32_t j;
    size_t nb, i;
    int ok;
    if (out == NULL || nonce == NULL || randomness == NULL || challenge == NULL ||
        !range_ok(lo, hi))
        return EVOTE_ERR_ARGUMENT;
    nb = (size_t)(hi - lo) + 1;
    ok = sc_is_canonical(nonce);
    CT_DECLASSIFY(&ok, sizeof ok);
    if (!ok) {
        memset(out, 0, 32 * (2 * nb - 1));
        return EVOTE_ERR_SCALAR;
    }
    if (!value_in_range(value, lo, hi)) {
        memset(out, 0, 32 * (2 * nb - 1));
        return EVOTE_ERR_ARGUMENT;
    }
    /* delta = c - sum_j c_j */
    sc_reduce_wide(c, challenge);
    memcpy(delta, c, 32);
    for (i = 0; i < nb; i++) {
        sc_reduce_wide(cj, randomness + 2 * WIDE * i);
        sc_sub(delta, delta, cj);
    }
    /* c_j' = c_j + [j == v] delta (j < hi), c_hi' = c - sum; v_j = a_j + c_j' r.
       Challenges go to out[0 .. nb-2], responses to out[nb-1 .. 2nb-2]. */
    memset(sum, 0, 32);
    for (i = 0; i < nb; i++) {
        const uint8_t *rnd = randomness + 2 * WIDE * i;
        j = lo + (uint32_t)i;
        if (i + 1 < nb) {              /* public: the branch index */
            sc_reduce_wide(cj, rnd);
            sc_add(t, cj, delta);
            sc_cmov(cj, t, ct_eq_u32(j, value));
            sc_add(sum, sum, cj);
            memcpy(out + 32 * i, cj, 32);
        } else {
            sc_sub(cj, c, sum);
        }
        sc_reduce_wide(a, rnd + WIDE);
        sc_mul(u, cj, nonce);
        sc_add(out + 32 * (nb - 1 + i), a, u);
    }
    ct_wipe(delta, 32);
    ct_wipe(cj, 32);
    ct_wipe(t, 32);
    ct_wipe(sum, 32);
    ct_wipe(u, 32);
    ct_wipe(a, 32);
    return EVOTE_OK;
}
