/*
 * test_core.c: C-level correctness checks of the evote core (run by .ci/c-checks.sh,
 * natively, under ASan/UBSan, on the portable field path and under qemu for ARM).
 *
 *  1. RFC 9496 vectors (rfc9496_vectors.h, generated from specs/vectors/ by
 *     csrc/tools/gen_vectors.py): multiples of the generator through every
 *     multiplication routine, every invalid encoding rejected, hash-to-group.
 *  2. Scalars: against a slow independent reference (schoolbook product and binary long
 *     division by l on 32-bit words), and the field laws.
 *  3. Points: group laws, decode(encode) round trips, and constant-time versus
 *     variable-time agreement (scalarmult, basetable_mul/mul2, double_scalarmult,
 *     Straus, Pippenger at several windows, aggregate, multiples) on random inputs.
 *  4. Error paths: return codes and zeroed outputs.
 * Usage: test_core [seed] [rounds]. Prints one line per group; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evote.h"
#include "fe.h"
#include "msm.h"
#include "rfc9496_vectors.h"
#include "ristretto.h"
#include "sc.h"
#include "scalarmult.h"

static int failures = 0;
#define CHECK(cond, ...)                                                    \
    do {                                                                    \
        if (!(cond)) {                                                      \
            failures++;                                                     \
            if (failures < 30) {                                            \
                printf("  FAIL %s:%d: ", __FILE__, __LINE__);               \
                printf(__VA_ARGS__);                                        \
                printf("\n");                                               \
            }                                                               \
        }                                                                   \
    } while (0)

/* ---- deterministic randomness (splitmix64) ---- */
static uint64_t rng_state;
static uint64_t rng64(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static void rng_bytes(uint8_t *b, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) b[i] = (uint8_t)(rng64() >> 56);
}
/* A random scalar < l; every 8th one is an edge value (0, 1, l-1, small). */
static void rand_scalar(uint8_t s[32]) {
    static const uint8_t LM1[32] = {0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                    0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                    0, 0, 0, 0, 0x10};
    uint64_t k = rng64();
    memset(s, 0, 32);
    switch (k % 16) {
    case 0: return;
    case 1: s[0] = 1; return;
    case 2: memcpy(s, LM1, 32); return;
    case 3: s[0] = (uint8_t)(k >> 8); return;
    default: {
        uint8_t w[64];
        rng_bytes(w, 64);
        sc_reduce_wide(s, w);
    }
    }
}
static void rand_point(uint8_t p[32]) {
    uint8_t w[64];
    rng_bytes(w, 64);
    evote_point_from_uniform(p, w);
}

/* ---- slow reference for scalars: 32-bit words, little endian ---- */
static const uint32_t REF_L[8] = {0x5cf5d3ed, 0x5812631a, 0xa2f79cd6, 0x14def9de, 0, 0, 0, 0x10000000};
static void ref_load(uint32_t *w, const uint8_t *b, int nwords) {
    int i;
    for (i = 0; i < nwords; i++)
        w[i] = (uint32_t)b[4 * i] | ((uint32_t)b[4 * i + 1] << 8) | ((uint32_t)b[4 * i + 2] << 16) |
               ((uint32_t)b[4 * i + 3] << 24);
}
/* x (nwords words) mod l by binary long division, into 32 bytes. */
static void ref_mod(uint8_t out[32], const uint32_t *x, int nwords) {
    uint32_t r[9] = {0};
    int bit, i;
    for (bit = nwords * 32 - 1; bit >= 0; bit--) {
        uint32_t in = (x[bit / 32] >> (bit % 32)) & 1, ge = 1;
        for (i = 8; i > 0; i--) r[i] = (r[i] << 1) | (r[i - 1] >> 31);
        r[0] = (r[0] << 1) | in;
        for (i = 8; i >= 0; i--) {   /* r >= l ? */
            uint32_t li = i < 8 ? REF_L[i] : 0;
            if (r[i] != li) {
                ge = r[i] > li;
                break;
            }
        }
        if (ge) {
            uint64_t borrow = 0;
            for (i = 0; i < 9; i++) {
                uint64_t t = (uint64_t)r[i] - (i < 8 ? REF_L[i] : 0) - borrow;
                r[i] = (uint32_t)t;
                borrow = (t >> 63) & 1;
            }
        }
    }
    for (i = 0; i < 32; i++) out[i] = (uint8_t)(r[i / 4] >> (8 * (i % 4)));
}
static void ref_mul(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]) {
    uint32_t x[8], y[8], z[16] = {0};
    int i, j;
    ref_load(x, a, 8);
    ref_load(y, b, 8);
    for (i = 0; i < 8; i++) {
        uint64_t c = 0;
        for (j = 0; j < 8; j++) {
            uint64_t t = (uint64_t)x[i] * y[j] + z[i + j] + c;
            z[i + j] = (uint32_t)t;
            c = t >> 32;
        }
        z[i + 8] = (uint32_t)c;
    }
    ref_mod(out, z, 16);
}
static void ref_add(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]) {
    uint32_t x[8], y[8], z[9];
    uint64_t c = 0;
    int i;
    ref_load(x, a, 8);
    ref_load(y, b, 8);
    for (i = 0; i < 8; i++) {
        c += (uint64_t)x[i] + y[i];
        z[i] = (uint32_t)c;
        c >>= 32;
    }
    z[8] = (uint32_t)c;
    ref_mod(out, z, 9);
}

static void hex(const uint8_t *b, size_t n, char *out) {
    size_t i;
    for (i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", b[i]);
}

/* ---- 1. RFC 9496 vectors ---- */
static void test_rfc_vectors(void) {
    uint8_t out[32], acc[32], s[32];
    size_t i, n_mult = sizeof RFC_MULTIPLES / sizeof RFC_MULTIPLES[0];
    uint8_t *table = malloc(evote_basetable_size());
    CHECK(table != NULL, "malloc");
    CHECK(evote_basetable_init(table, RFC_MULTIPLES[1]) == EVOTE_OK, "basetable_init(G)");
    memset(acc, 0, 32);
    for (i = 0; i < n_mult; i++) {
        memset(s, 0, 32);
        s[0] = (uint8_t)i;
        CHECK(evote_point_is_valid(RFC_MULTIPLES[i]) == 1, "multiple %u valid", (unsigned)i);
        CHECK(memcmp(acc, RFC_MULTIPLES[i], 32) == 0, "repeated addition, %u G", (unsigned)i);
        CHECK(evote_scalarmult_base(out, s) == EVOTE_OK && memcmp(out, RFC_MULTIPLES[i], 32) == 0,
              "scalarmult_base %u", (unsigned)i);
        CHECK(evote_scalarmult(out, s, RFC_MULTIPLES[1]) == EVOTE_OK &&
                  memcmp(out, RFC_MULTIPLES[i], 32) == 0, "scalarmult %u", (unsigned)i);
        CHECK(evote_basetable_mul(out, table, s) == EVOTE_OK && memcmp(out, RFC_MULTIPLES[i], 32) == 0,
              "basetable_mul %u", (unsigned)i);
        CHECK(evote_double_scalarmult_vartime(out, s, RFC_MULTIPLES[1], s) == EVOTE_OK,
              "double_scalarmult");
        if (2 * i < n_mult)
            CHECK(memcmp(out, RFC_MULTIPLES[2 * i], 32) == 0, "double_scalarmult %u", (unsigned)i);
        CHECK(evote_point_add(acc, acc, RFC_MULTIPLES[1]) == EVOTE_OK, "point_add");
    }
    for (i = 0; i < sizeof RFC_INVALID / sizeof RFC_INVALID[0]; i++) {
        char h[65];
        hex(RFC_INVALID[i].enc, 32, h);
        CHECK(evote_point_is_valid(RFC_INVALID[i].enc) == 0, "accepted invalid (%s) %s",
              RFC_INVALID[i].rule, h);
        CHECK(evote_point_neg(out, RFC_INVALID[i].enc) == EVOTE_ERR_ENCODING, "neg of invalid");
    }
    for (i = 0; i < sizeof RFC_H2G / sizeof RFC_H2G[0]; i++) {
        evote_point_from_uniform(out, RFC_H2G[i].in);
        CHECK(memcmp(out, RFC_H2G[i].out, 32) == 0, "hash-to-group vector %u", (unsigned)i);
    }
    free(table);
    printf("rfc9496 vectors: %u multiples, %u invalid encodings, %u hash-to-group\n",
           (unsigned)n_mult, (unsigned)(sizeof RFC_INVALID / sizeof RFC_INVALID[0]),
           (unsigned)(sizeof RFC_H2G / sizeof RFC_H2G[0]));
}

/* ---- 2. scalars ---- */
static void test_scalars(int rounds) {
    static const uint8_t ZERO[32] = {0};
    uint8_t ONE[32] = {1};
    int r;
    for (r = 0; r < rounds; r++) {
        uint8_t a[32], b[32], c[32], x[32], y[32], z[32], w[64];
        rand_scalar(a);
        rand_scalar(b);
        rand_scalar(c);
        CHECK(evote_scalar_is_canonical(a), "random scalar canonical");
        evote_scalar_mul(x, a, b);
        ref_mul(y, a, b);
        CHECK(memcmp(x, y, 32) == 0, "mul vs reference");
        evote_scalar_add(x, a, b);
        ref_add(y, a, b);
        CHECK(memcmp(x, y, 32) == 0, "add vs reference");
        evote_scalar_sub(x, x, b);
        CHECK(memcmp(x, a, 32) == 0, "(a + b) - b == a");
        evote_scalar_neg(x, a);
        evote_scalar_add(x, x, a);
        CHECK(memcmp(x, ZERO, 32) == 0, "a + (-a) == 0");
        evote_scalar_mul(x, a, b);
        evote_scalar_mul(y, b, a);
        CHECK(memcmp(x, y, 32) == 0, "ab == ba");
        evote_scalar_mul(x, x, c);
        evote_scalar_mul(y, b, c);
        evote_scalar_mul(y, a, y);
        CHECK(memcmp(x, y, 32) == 0, "(ab)c == a(bc)");
        evote_scalar_add(x, b, c);
        evote_scalar_mul(x, a, x);
        evote_scalar_mul(y, a, b);
        evote_scalar_mul(z, a, c);
        evote_scalar_add(y, y, z);
        CHECK(memcmp(x, y, 32) == 0, "a(b + c) == ab + ac");
        if (!sc_is_zero(a)) {
            CHECK(evote_scalar_invert(x, a) == EVOTE_OK, "invert");
            evote_scalar_mul(x, x, a);
            CHECK(memcmp(x, ONE, 32) == 0, "a / a == 1");
        }
        rng_bytes(w, 64);
        evote_scalar_reduce_wide(x, w);
        {
            uint32_t ww[16];
            ref_load(ww, w, 16);
            ref_mod(y, ww, 16);
        }
        CHECK(memcmp(x, y, 32) == 0, "reduce_wide vs reference");
        {   /* non-canonical 32-byte inputs: s + k l for the largest k with no overflow */
            uint8_t big[32];
            uint32_t bw[8];
            rng_bytes(big, 32);
            ref_load(bw, big, 8);
            ref_mod(y, bw, 8);
            CHECK(evote_scalar_is_canonical(big) == (memcmp(big, y, 32) == 0), "is_canonical");
            sc_reduce32(x, big);
            CHECK(memcmp(x, y, 32) == 0, "reduce32 vs reference");
        }
    }
    {   /* the signed digit recodings: ranges, and sum e[i] r^i == s (checked mod l) */
        int k, n;
        for (n = 0; n < rounds; n++) {
            uint8_t s[32], acc[32], rb[32], d[32];
            int8_t e16[64], e32[51];
            rand_scalar(s);
            sc_recode_radix16(e16, s);
            sc_recode_radix32(e32, s);
            memset(acc, 0, 32);
            memset(rb, 0, 32);
            rb[0] = 16;
            for (k = 63; k >= 0; k--) {
                CHECK(e16[k] >= -8 && e16[k] <= (k == 63 ? 8 : 7), "radix-16 digit range");
                memset(d, 0, 32);
                d[0] = (uint8_t)(e16[k] < 0 ? -e16[k] : e16[k]);
                if (e16[k] < 0) sc_neg(d, d);
                sc_mul(acc, acc, rb);
                sc_add(acc, acc, d);
            }
            CHECK(memcmp(acc, s, 32) == 0, "radix-16 digits sum to s");
            memset(acc, 0, 32);
            rb[0] = 32;
            for (k = 50; k >= 0; k--) {
                CHECK(e32[k] >= -16 && e32[k] <= (k == 50 ? 16 : 15), "radix-32 digit range");
                memset(d, 0, 32);
                d[0] = (uint8_t)(e32[k] < 0 ? -e32[k] : e32[k]);
                if (e32[k] < 0) sc_neg(d, d);
                sc_mul(acc, acc, rb);
                sc_add(acc, acc, d);
            }
            CHECK(memcmp(acc, s, 32) == 0, "radix-32 digits sum to s");
        }
    }
    {   /* boundaries of is_canonical */
        uint8_t l[32], lm1[32];
        int i;
        for (i = 0; i < 32; i++) l[i] = (uint8_t)(REF_L[i / 4] >> (8 * (i % 4)));
        memcpy(lm1, l, 32);
        lm1[0]--;
        CHECK(evote_scalar_is_canonical(l) == 0, "l is not canonical");
        CHECK(evote_scalar_is_canonical(lm1) == 1, "l - 1 is canonical");
        CHECK(evote_scalar_add(ONE, l, lm1) == EVOTE_ERR_SCALAR, "add rejects l");
        CHECK(memcmp(ONE, ZERO, 32) == 0, "output zeroed on error");
        ONE[0] = 1;
        CHECK(evote_scalar_invert(lm1, ZERO) == EVOTE_ERR_ZERO, "invert(0)");
        CHECK(memcmp(lm1, ZERO, 32) == 0, "invert(0) output zeroed");
    }
    printf("scalars: %d rounds against the reference and the field laws\n", rounds);
}

/* ---- 3. points ---- */
static void test_points(int rounds) {
    uint8_t *ta = malloc(evote_basetable_size()), *tb = malloc(evote_basetable_size());
    uint8_t g[32], id[32] = {0};
    int r;
    memcpy(g, RFC_MULTIPLES[1], 32);
    CHECK(ta != NULL && tb != NULL, "malloc");
    CHECK(evote_basetable_init(tb, g) == EVOTE_OK, "table of G");
    for (r = 0; r < rounds; r++) {
        uint8_t a[32], b[32], ab[32], P[32], Q[32], x[32], y[32], z[32];
        uint8_t sc2[64], pt2[64];
        size_t bad = 0;
        ge_p3 p3;
        rand_scalar(a);
        rand_scalar(b);
        rand_point(P);
        rand_point(Q);
        CHECK(evote_point_is_valid(P), "from_uniform gives a valid encoding");
        CHECK(ristretto_decode(&p3, P), "decode");
        ristretto_encode(x, &p3);
        CHECK(memcmp(x, P, 32) == 0, "encode(decode(P)) == P");
        /* ct vs vartime: a P */
        CHECK(evote_scalarmult(x, a, P) == EVOTE_OK, "scalarmult");
        CHECK(evote_double_scalarmult_vartime(y, a, P, id) == EVOTE_OK, "dsm");
        CHECK(memcmp(x, y, 32) == 0, "scalarmult == double_scalarmult_vartime(a, P, 0)");
        CHECK(evote_msm_vartime(y, a, P, 1, &bad) == EVOTE_OK && memcmp(x, y, 32) == 0,
              "scalarmult == msm n=1");
        CHECK(evote_basetable_init(ta, P) == EVOTE_OK, "basetable_init");
        CHECK(evote_basetable_mul(y, ta, a) == EVOTE_OK && memcmp(x, y, 32) == 0,
              "scalarmult == basetable_mul");
        /* a G + b P, four ways */
        CHECK(evote_basetable_mul2(x, tb, a, ta, b) == EVOTE_OK, "mul2");
        CHECK(evote_double_scalarmult_vartime(y, b, P, a) == EVOTE_OK && memcmp(x, y, 32) == 0,
              "mul2 == double_scalarmult_vartime");
        memcpy(sc2, a, 32);
        memcpy(sc2 + 32, b, 32);
        memcpy(pt2, g, 32);
        memcpy(pt2 + 32, P, 32);
        CHECK(evote_msm_vartime(y, sc2, pt2, 2, &bad) == EVOTE_OK && memcmp(x, y, 32) == 0,
              "mul2 == msm n=2");
        evote_scalarmult_base(y, a);
        evote_scalarmult(z, b, P);
        evote_point_add(y, y, z);
        CHECK(memcmp(x, y, 32) == 0, "mul2 == aG + bP");
        /* (a + b) P == a P + b P; (ab) P == a (b P) */
        evote_scalar_add(ab, a, b);
        evote_scalarmult(x, ab, P);
        evote_scalarmult(y, a, P);
        evote_scalarmult(z, b, P);
        evote_point_add(y, y, z);
        CHECK(memcmp(x, y, 32) == 0, "(a+b)P == aP + bP");
        evote_scalar_mul(ab, a, b);
        evote_scalarmult(x, ab, P);
        evote_scalarmult(y, a, z);
        CHECK(memcmp(x, y, 32) == 0, "(ab)P == a(bP)");
        /* P + Q - Q == P; P + (-P) == 0; P + Q == Q + P */
        evote_point_add(x, P, Q);
        evote_point_add(y, Q, P);
        CHECK(memcmp(x, y, 32) == 0, "P + Q == Q + P");
        evote_point_sub(x, x, Q);
        CHECK(memcmp(x, P, 32) == 0, "P + Q - Q == P");
        evote_point_neg(x, P);
        evote_point_add(x, x, P);
        CHECK(memcmp(x, id, 32) == 0, "P - P == 0");
        {   /* equality looks through the representative: P and P + (4-torsion) */
            ge_p3 q3 = p3, t3;
            fe_neg(&q3.X, &p3.X);   /* (-x, -y) is P + T2, the same ristretto element */
            fe_neg(&q3.Y, &p3.Y);
            CHECK(ristretto_eq(&p3, &q3), "eq across the coset");
            ristretto_encode(x, &q3);
            CHECK(memcmp(x, P, 32) == 0, "encode is coset-invariant");
            ristretto_decode(&t3, Q);
            CHECK(ristretto_eq(&p3, &t3) == (memcmp(P, Q, 32) == 0), "eq of different points");
        }
    }
    free(ta);
    free(tb);
    printf("points: %d rounds of group laws and ct/vartime agreement\n", rounds);
}

static void test_msm(void) {
    static const size_t sizes[] = {0, 1, 2, 3, 7, 33, 64, 65, 130, 300};
    size_t k;
    for (k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k], i, bad = 99;
        uint8_t *sc = malloc(32 * n + 1), *pt = malloc(32 * n + 1);
        uint8_t expect[32] = {0}, out[32], t[32];
        ge_p3 *pts = malloc((n + 1) * sizeof(ge_p3)), r;
        int c;
        for (i = 0; i < n; i++) {
            rand_scalar(sc + 32 * i);
            rand_point(pt + 32 * i);
            ristretto_decode(&pts[i], pt + 32 * i);
            evote_scalarmult(t, sc + 32 * i, pt + 32 * i);
            evote_point_add(expect, expect, t);
        }
        CHECK(evote_msm_vartime(out, sc, pt, n, &bad) == EVOTE_OK, "msm n=%u", (unsigned)n);
        CHECK(memcmp(out, expect, 32) == 0, "msm == sum of ct scalarmults, n=%u", (unsigned)n);
        {   /* the same msm with column sums over 3 columns (-1: none) */
            int32_t *cols = malloc(sizeof(int32_t) * (n + 1));
            uint8_t sums[3 * 32], want[3 * 32];
            memset(want, 0, sizeof want);
            for (i = 0; i < n; i++) {
                cols[i] = (int32_t)(rng64() % 4) - 1;
                if (cols[i] >= 0) evote_point_add(want + 32 * cols[i], want + 32 * cols[i], pt + 32 * i);
            }
            CHECK(evote_msm_colsum_vartime(out, sums, sc, pt, cols, n, 3, &bad) == EVOTE_OK &&
                      memcmp(out, expect, 32) == 0, "msm_colsum msm, n=%u", (unsigned)n);
            CHECK(memcmp(sums, want, sizeof sums) == 0, "msm_colsum sums, n=%u", (unsigned)n);
            if (n >= 2) {
                cols[n - 1] = 3;   /* out of range */
                CHECK(evote_msm_colsum_vartime(out, sums, sc, pt, cols, n, 3, &bad) ==
                          EVOTE_ERR_ARGUMENT && bad == n - 1, "msm_colsum bad column index");
                CHECK(memcmp(sums, RFC_MULTIPLES[0], 32) == 0, "msm_colsum sums zeroed");
            }
            free(cols);
        }
        CHECK(ge_msm_straus_vartime(&r, sc, pts, n), "straus");
        ristretto_encode(out, &r);
        CHECK(memcmp(out, expect, 32) == 0, "straus n=%u", (unsigned)n);
        for (c = 2; c <= 12; c += (c < 8 ? 1 : 4)) {
            CHECK(ge_msm_pippenger_vartime(&r, sc, pts, n, c), "pippenger");
            ristretto_encode(out, &r);
            CHECK(memcmp(out, expect, 32) == 0, "pippenger n=%u c=%d", (unsigned)n, c);
        }
        if (n >= 3) {   /* error paths name the first bad item */
            uint8_t save = pt[32 * 2];
            pt[32 * 2] |= 1;   /* negative field element: invalid */
            CHECK(evote_msm_vartime(out, sc, pt, n, &bad) == EVOTE_ERR_ENCODING && bad == 2,
                  "msm bad point index");
            CHECK(memcmp(out, RFC_MULTIPLES[0], 32) == 0, "msm output zeroed");
            CHECK(evote_points_validate(pt, n, &bad) == EVOTE_ERR_ENCODING && bad == 2,
                  "validate bad index");
            pt[32 * 2] = save;
            CHECK(evote_points_validate(pt, n, &bad) == EVOTE_OK, "validate");
            save = pt[32 * (n - 1) + 31];
            pt[32 * (n - 1) + 31] |= 0x80;   /* bit 255 set: the last point, last chunk */
            CHECK(evote_msm_vartime(out, sc, pt, n, &bad) == EVOTE_ERR_ENCODING && bad == n - 1,
                  "msm bad point index in the last chunk");
            pt[32 * (n - 1) + 31] = save;
            sc[32 * 1 + 31] = 0xff;
            CHECK(evote_msm_vartime(out, sc, pt, n, &bad) == EVOTE_ERR_SCALAR && bad == 1,
                  "msm bad scalar index");
        }
        free(sc);
        free(pt);
        free(pts);
    }
    printf("msm: Straus and Pippenger (c = 2..12) equal the ct sum for n up to 300\n");
}

static void test_aggregate(void) {
    const size_t n_rows = 37, width = 5;
    uint8_t *rows = malloc(32 * n_rows * width), out[32 * 5], expect[32 * 5], mult[32 * 20], g2[32];
    size_t i, j, bad = 0;
    memset(expect, 0, sizeof expect);
    for (i = 0; i < n_rows; i++)
        for (j = 0; j < width; j++) {
            uint8_t *e = rows + 32 * (i * width + j);
            rand_point(e);
            evote_point_add(expect + 32 * j, expect + 32 * j, e);
        }
    CHECK(evote_aggregate_vartime(out, rows, n_rows, width, &bad) == EVOTE_OK, "aggregate");
    CHECK(memcmp(out, expect, sizeof out) == 0, "aggregate == column sums");
    CHECK(evote_aggregate_vartime(out, rows, 0, width, &bad) == EVOTE_OK, "aggregate no rows");
    for (j = 0; j < width; j++) CHECK(memcmp(out + 32 * j, RFC_MULTIPLES[0], 32) == 0, "empty sum");
    rows[32 * (3 * width + 4) + 31] |= 0x80;   /* bit 255: non-canonical */
    CHECK(evote_aggregate_vartime(out, rows, n_rows, width, &bad) == EVOTE_ERR_ENCODING &&
              bad == 3 * width + 4, "aggregate bad index");
    CHECK(evote_multiples_vartime(mult, RFC_MULTIPLES[2], 8) == EVOTE_OK, "multiples");
    for (i = 0; i < 8; i++) CHECK(memcmp(mult + 32 * i, RFC_MULTIPLES[2 * i], 32) == 0, "multiples %u", (unsigned)i);
    memcpy(g2, RFC_MULTIPLES[1], 32);
    g2[0] ^= 1;
    CHECK(evote_multiples_vartime(mult, g2, 3) == EVOTE_ERR_ENCODING, "multiples bad base");
    free(rows);
    printf("aggregate and multiples: column sums, empty input, error index\n");
}

static void test_errors(void) {
    uint8_t out[32], big[32], t[32];
    uint8_t *table = malloc(evote_basetable_size());
    memset(big, 0xff, 32);
    memset(t, 0, 32);
    t[0] = 3;
    CHECK(evote_scalarmult(out, big, RFC_MULTIPLES[1]) == EVOTE_ERR_SCALAR, "scalarmult bad scalar");
    CHECK(evote_scalarmult(out, t, RFC_INVALID[0].enc) == EVOTE_ERR_ENCODING, "scalarmult bad point");
    CHECK(memcmp(out, RFC_MULTIPLES[0], 32) == 0, "zeroed");
    CHECK(evote_scalarmult_base(out, big) == EVOTE_ERR_SCALAR, "base bad scalar");
    CHECK(evote_basetable_init(table, RFC_INVALID[3].enc) == EVOTE_ERR_ENCODING, "init bad point");
    CHECK(evote_basetable_mul(out, table, t) == EVOTE_ERR_ARGUMENT, "zeroed table refused");
    CHECK(evote_basetable_init(table, RFC_MULTIPLES[3]) == EVOTE_OK, "init");
    CHECK(evote_basetable_mul(out, table, big) == EVOTE_ERR_SCALAR, "basetable bad scalar");
    CHECK(evote_basetable_mul2(out, table, t, table, big) == EVOTE_ERR_SCALAR, "mul2 bad scalar");
    CHECK(evote_double_scalarmult_vartime(out, t, RFC_INVALID[5].enc, t) == EVOTE_ERR_ENCODING, "dsm bad point");
    CHECK(evote_msm_vartime(out, NULL, NULL, 0, NULL) == EVOTE_OK &&
              memcmp(out, RFC_MULTIPLES[0], 32) == 0, "msm n=0 is the identity");
    CHECK(evote_point_add(out, RFC_MULTIPLES[1], RFC_INVALID[7].enc) == EVOTE_ERR_ENCODING, "add bad");
    free(table);
    printf("error paths: codes and zeroed outputs\n");
}

/* The batch decode and encode (FE_LANES square roots in lockstep) agree with the single
   forms on every length up to 3 groups, valid and invalid inputs mixed at every lane. */
static void test_batch(int rounds) {
    enum { NMAX = 3 * FE_LANES + 1 };
    uint8_t enc[32 * NMAX], out[32 * NMAX], one[32];
    ge_p3 pts[NMAX], q;
    int ok[NMAX], r;
    size_t n, i, first;
    for (r = 0; r < rounds; r++) {
        n = (size_t)(rng64() % (NMAX + 1));
        for (i = 0; i < n; i++) {
            uint64_t kind = rng64() % 4;
            uint8_t *e = enc + 32 * i;
            if (kind == 0) rng_bytes(e, 32);                  /* mostly invalid */
            else if (kind == 1) memcpy(e, RFC_INVALID[rng64() % (sizeof RFC_INVALID / sizeof RFC_INVALID[0])].enc, 32);
            else rand_point(e);
        }
        first = ristretto_decode_batch(pts, ok, enc, n);
        for (i = 0; i < n && ok[i]; i++) {
        }
        CHECK(first == i, "decode_batch first bad index, n=%u", (unsigned)n);
        for (i = 0; i < n; i++) {
            int ok1 = ristretto_decode(&q, enc + 32 * i);
            CHECK(ok[i] == ok1, "decode_batch flag, n=%u i=%u", (unsigned)n, (unsigned)i);
            ristretto_encode(one, &pts[i]);
            ristretto_encode(out, &q);
            CHECK(memcmp(one, out, 32) == 0, "decode_batch point, n=%u i=%u", (unsigned)n, (unsigned)i);
            if (ok1) CHECK(memcmp(one, enc + 32 * i, 32) == 0, "decode_batch round trip");
        }
        for (i = 0; i < n; i++) {   /* points with Z != 1 and T != X Y / Z as stored */
            ge_p3 a;
            ristretto_decode(&a, RFC_MULTIPLES[1 + rng64() % 15]);
            ge_p3_add(&pts[i], &pts[i], &a);
        }
        ristretto_encode_batch(out, pts, n);
        for (i = 0; i < n; i++) {
            ristretto_encode(one, &pts[i]);
            CHECK(memcmp(one, out + 32 * i, 32) == 0, "encode_batch, n=%u i=%u", (unsigned)n, (unsigned)i);
        }
    }
    printf("batch decode/encode: equal to the single forms on %d random batches\n", rounds);
}

/* The provers of prove.c against the plain formulas of specs/protocol.md 4.2 computed with
   the exported table and scalar operations (one multiplication per product, one encoding
   each): 0/1 ciphertexts with both bits, ranges [lo, hi] with every value; error paths. */
static void prove_ref_branch(uint8_t A[32], uint8_t B[32], const uint8_t *tg, const uint8_t *tk,
                             const uint8_t *wide_c, const uint8_t *wide_a, uint32_t j, uint32_t v) {
    uint8_t c[32], a[32], js[32], vs[32], d[32];
    memset(js, 0, 32);
    memset(vs, 0, 32);
    js[0] = (uint8_t)j, js[1] = (uint8_t)(j >> 8);
    vs[0] = (uint8_t)v, vs[1] = (uint8_t)(v >> 8);
    evote_scalar_reduce_wide(c, wide_c);
    evote_scalar_reduce_wide(a, wide_a);
    evote_scalar_sub(d, js, vs);
    evote_scalar_mul(d, c, d);                          /* d_j = c_j (j - v) */
    CHECK(evote_basetable_mul(A, tg, a) == EVOTE_OK, "ref A_j");
    CHECK(evote_basetable_mul2(B, tg, d, tk, a) == EVOTE_OK, "ref B_j");
}

static void test_prove(int rounds) {
    enum { KMAX = 20, NBMAX = 24 };
    uint8_t *tg = malloc(evote_basetable_size()), *tk = malloc(evote_basetable_size());
    uint8_t bits[KMAX], rand[320 * KMAX], ch[64 * KMAX], out[192 * KMAX], nonces[32 * KMAX];
    uint8_t resp[96 * KMAX], x[32], y[32], K[32], r[32], ms[32], c[32], t[32], u[32], c0[32];
    uint8_t rrand[128 * NBMAX], rout[64 * NBMAX], rresp[32 * (2 * NBMAX - 1)], sum[32];
    size_t k, i;
    uint32_t lo, hi, v, j;
    int round;
    CHECK(tg != NULL && tk != NULL, "malloc");
    CHECK(evote_basetable_init(tg, RFC_MULTIPLES[1]) == EVOTE_OK, "table of G");
    rand_point(K);
    CHECK(evote_basetable_init(tk, K) == EVOTE_OK, "table of K");
    for (round = 0; round < rounds; round++) {
        k = (size_t)(rng64() % (KMAX + 1));
        rng_bytes(rand, sizeof rand);
        rng_bytes(ch, sizeof ch);
        for (i = 0; i < k; i++) bits[i] = (uint8_t)(rng64() & 1);
        if (k > 0) memset(rand + 320 * (rng64() % k), 0, 64 * (1 + rng64() % 5));  /* zeros */
        CHECK(evote_prove01_commit(out, nonces, tk, bits, rand, k) == EVOTE_OK, "prove01_commit");
        CHECK(evote_prove01_respond(resp, bits, rand, ch, k) == EVOTE_OK, "prove01_respond");
        for (i = 0; i < k; i++) {
            const uint8_t *w = rand + 320 * i, *o = out + 192 * i, *q = resp + 96 * i;
            memset(ms, 0, 32);
            ms[0] = bits[i];
            evote_scalar_reduce_wide(r, w);
            CHECK(memcmp(nonces + 32 * i, r, 32) == 0, "nonce %u", (unsigned)i);
            evote_basetable_mul(x, tg, r);
            CHECK(memcmp(o, x, 32) == 0, "alpha %u", (unsigned)i);
            evote_basetable_mul2(x, tg, ms, tk, r);
            CHECK(memcmp(o + 32, x, 32) == 0, "beta %u (m = %u)", (unsigned)i, bits[i]);
            for (j = 0; j < 2; j++) {
                prove_ref_branch(x, y, tg, tk, w + 64 + 128 * j, w + 128 + 128 * j, j, bits[i]);
                CHECK(memcmp(o + 64 + 64 * j, x, 32) == 0, "A_%u of %u", j, (unsigned)i);
                CHECK(memcmp(o + 96 + 64 * j, y, 32) == 0, "B_%u of %u (m = %u)", j, (unsigned)i, bits[i]);
            }
            /* c_0' = c_0 + (1 - m)(c - c_0 - c_1), v_0 = a_0 + c_0' r, v_1 = a_1 + (c - c_0') r */
            evote_scalar_reduce_wide(c, ch + 64 * i);
            evote_scalar_reduce_wide(c0, w + 64);
            evote_scalar_reduce_wide(t, w + 192);
            evote_scalar_sub(t, c, t);
            evote_scalar_sub(t, t, c0);
            if (bits[i] == 0) evote_scalar_add(c0, c0, t);
            CHECK(memcmp(q, c0, 32) == 0, "c_0' of %u", (unsigned)i);
            evote_scalar_reduce_wide(u, w + 128);
            evote_scalar_mul(x, c0, r);
            evote_scalar_add(x, x, u);
            CHECK(memcmp(q + 32, x, 32) == 0, "v_0 of %u", (unsigned)i);
            evote_scalar_sub(t, c, c0);
            evote_scalar_reduce_wide(u, w + 256);
            evote_scalar_mul(x, t, r);
            evote_scalar_add(x, x, u);
            CHECK(memcmp(q + 64, x, 32) == 0, "v_1 of %u", (unsigned)i);
        }
        /* a range [lo, hi] with a random value in it */
        lo = (uint32_t)(rng64() % 4);
        hi = lo + (uint32_t)(rng64() % NBMAX);
        v = lo + (uint32_t)(rng64() % (hi - lo + 1));
        rng_bytes(rrand, sizeof rrand);
        rand_scalar(r);
        CHECK(evote_disjunctive_commit(rout, tk, v, lo, hi, rrand) == EVOTE_OK, "range commit");
        CHECK(evote_disjunctive_respond(rresp, v, lo, hi, r, rrand, ch) == EVOTE_OK, "range respond");
        evote_scalar_reduce_wide(c, ch);
        memset(sum, 0, 32);
        for (j = lo; j <= hi; j++) {
            size_t b = j - lo, nb = hi - lo + 1;
            prove_ref_branch(x, y, tg, tk, rrand + 128 * b, rrand + 128 * b + 64, j, v);
            CHECK(memcmp(rout + 64 * b, x, 32) == 0, "range A_%u", j);
            CHECK(memcmp(rout + 64 * b + 32, y, 32) == 0, "range B_%u", j);
            evote_scalar_reduce_wide(t, rrand + 128 * b);         /* c_j */
            if (j == v) {                                         /* c_j + (c - sum c_k) */
                size_t q2;
                evote_scalar_add(t, t, c);
                for (q2 = 0; q2 < nb; q2++) {
                    evote_scalar_reduce_wide(u, rrand + 128 * q2);
                    evote_scalar_sub(t, t, u);
                }
            }
            if (j < hi) {
                CHECK(memcmp(rresp + 32 * b, t, 32) == 0, "range c_%u'", j);
                evote_scalar_add(sum, sum, t);
            } else {
                evote_scalar_sub(t, c, sum);
            }
            evote_scalar_reduce_wide(u, rrand + 128 * b + 64);
            evote_scalar_mul(x, t, r);
            evote_scalar_add(x, x, u);
            CHECK(memcmp(rresp + 32 * (nb - 1 + b), x, 32) == 0, "range v_%u", j);
        }
    }
    /* error paths: refused, outputs zeroed */
    bits[0] = 0;
    bits[1] = 2;
    memset(out, 0xaa, 384);
    CHECK(evote_prove01_commit(out, nonces, tk, bits, rand, 2) == EVOTE_ERR_ARGUMENT, "bit 2");
    CHECK(out[0] == 0 && out[383] == 0 && nonces[63] == 0, "zeroed after bit 2");
    CHECK(evote_prove01_respond(resp, bits, rand, ch, 2) == EVOTE_ERR_ARGUMENT, "respond bit 2");
    CHECK(resp[0] == 0 && resp[191] == 0, "respond zeroed");
    CHECK(evote_prove01_commit(out, nonces, NULL, bits, rand, 1) == EVOTE_ERR_ARGUMENT, "NULL table");
    CHECK(evote_prove01_commit(NULL, NULL, NULL, NULL, NULL, 0) == EVOTE_OK, "k = 0");
    memset(tg, 0, 64);   /* a broken header */
    CHECK(evote_prove01_commit(out, nonces, tg, bits, rand, 1) == EVOTE_ERR_ARGUMENT, "bad table");
    CHECK(evote_disjunctive_commit(rout, tk, 4, 1, 3, rrand) == EVOTE_ERR_ARGUMENT, "value > hi");
    CHECK(rout[0] == 0 && rout[191] == 0, "range commit zeroed");
    CHECK(evote_disjunctive_commit(rout, tk, 0, 1, 3, rrand) == EVOTE_ERR_ARGUMENT, "value < lo");
    CHECK(evote_disjunctive_commit(rout, tk, 0xffffffffu, 1, 3, rrand) == EVOTE_ERR_ARGUMENT, "value huge");
    CHECK(evote_disjunctive_commit(rout, tk, 2, 3, 1, rrand) == EVOTE_ERR_ARGUMENT, "lo > hi");
    CHECK(evote_disjunctive_commit(rout, tk, 2, 0, 0x10000u, rrand) == EVOTE_ERR_ARGUMENT, "hi >= 2^16");
    memset(x, 0xff, 32);
    CHECK(evote_disjunctive_respond(rresp, 2, 1, 3, x, rrand, ch) == EVOTE_ERR_SCALAR, "nonce >= l");
    CHECK(rresp[0] == 0 && rresp[159] == 0, "range respond zeroed");
    CHECK(evote_disjunctive_respond(rresp, 5, 1, 3, r, rrand, ch) == EVOTE_ERR_ARGUMENT, "respond value");
    free(tg);
    free(tk);
    printf("provers: 0/1 batches and [lo, hi] ranges equal the plain formulas on %d rounds\n",
           rounds);
}

/* evote_verify01_coefs_vartime against the constant-time scalar ops (sc_mul, sc_add and
   sc_sub of section 2): the weights are scalars < 2^128 < l, extra is reduced first. */
static void test_verify_coefs(int rounds) {
    enum { KMAX = 12 };
    static const uint8_t L_MINUS_1[32] = {
        0xec, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
        0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
    uint8_t proofs[160 * KMAX], weights[64 * KMAX], extra[128], out[192 * KMAX], gk[64];
    uint8_t e[4][32], w[4][32], c[32], c1[32], t[32], u[32], g[32], kk[32];
    size_t k, i, bad;
    int round, j;
    for (round = 0; round < rounds; round++) {
        k = (size_t)(rng64() % (KMAX + 1));
        rng_bytes(proofs, sizeof proofs);
        rng_bytes(weights, sizeof weights);
        rng_bytes(extra, sizeof extra);
        for (i = 0; i < k; i++) {
            uint8_t *p = proofs + 160 * i;
            for (j = 0; j < 3; j++) {   /* canonical scalars, sometimes 0 or l - 1 */
                uint64_t pick = rng64() % 8;
                if (pick == 0) memset(p + 64 + 32 * j, 0, 32);
                else if (pick == 1) memcpy(p + 64 + 32 * j, L_MINUS_1, 32);
                else p[64 + 32 * j + 31] &= 0x0f;   /* < 2^252 < l */
            }
            if (rng64() % 4 == 0) memset(weights + 64 * i, 0xff, 64);   /* 2^128 - 1 */
        }
        if (round % 5 == 0) memset(extra, 0xff, sizeof extra);
        CHECK(evote_verify01_coefs_vartime(out, gk, proofs, weights, extra, k, &bad) == EVOTE_OK,
              "verify01_coefs k=%u", (unsigned)k);
        for (j = 0; j < 4; j++) sc_reduce32(e[j], extra + 32 * j);
        memset(g, 0, 32);
        memset(kk, 0, 32);
        for (i = 0; i < k; i++) {
            const uint8_t *p = proofs + 160 * i, *ea = e[i + 1 == k ? 2 : 0],
                          *eb = e[i + 1 == k ? 3 : 1];
            for (j = 0; j < 4; j++) {
                memset(w[j], 0, 32);
                memcpy(w[j], weights + 64 * i + 16 * j, 16);
                CHECK(memcmp(out + 192 * i + 64 + 32 * j, w[j], 32) == 0, "weight %d", j);
            }
            sc_reduce_wide(c, p);
            sc_sub(c1, c, p + 64);
            sc_mul(t, w[0], p + 64);   /* alpha: w1 c0 + w3 c1 + a */
            sc_mul(u, w[2], c1);
            sc_add(t, t, u);
            sc_add(t, t, ea);
            CHECK(memcmp(out + 192 * i, t, 32) == 0, "alpha coefficient %u", (unsigned)i);
            sc_mul(t, w[1], p + 64);   /* beta: w2 c0 + w4 c1 + b */
            sc_mul(u, w[3], c1);
            sc_add(t, t, u);
            sc_add(t, t, eb);
            CHECK(memcmp(out + 192 * i + 32, t, 32) == 0, "beta coefficient %u", (unsigned)i);
            sc_mul(t, w[0], p + 96);   /* G: w1 v0 + w3 v1 + w4 c1 */
            sc_add(g, g, t);
            sc_mul(t, w[2], p + 128);
            sc_add(g, g, t);
            sc_mul(t, w[3], c1);
            sc_add(g, g, t);
            sc_mul(t, w[1], p + 96);   /* K: w2 v0 + w4 v1 */
            sc_add(kk, kk, t);
            sc_mul(t, w[3], p + 128);
            sc_add(kk, kk, t);
        }
        CHECK(memcmp(gk, g, 32) == 0 && memcmp(gk + 32, kk, 32) == 0, "G and K sums");
        if (k > 0) {   /* a non-canonical scalar names its proof; outputs zeroed */
            size_t at = (size_t)(rng64() % k);
            memset(proofs + 160 * at + 64 + 32 * (rng64() % 3), 0xff, 32);
            CHECK(evote_verify01_coefs_vartime(out, gk, proofs, weights, extra, k, &bad) ==
                  EVOTE_ERR_SCALAR && bad == at, "bad scalar refused");
            for (i = 0; i < 64; i++) CHECK(gk[i] == 0, "gk zeroed");
        }
    }
    CHECK(evote_verify01_coefs_vartime(NULL, gk, proofs, weights, extra, 1, &bad) ==
          EVOTE_ERR_ARGUMENT, "NULL out");
    printf("verify01 coefficients: %d rounds\n", rounds);
}

/* The shuffle verifier's C (shuffle_verify.c) and what it stands on: the batched one-way
   map against the single one (random inputs in every lane position, and the field
   elements t whose map has v = 0), msm_normalize_batch, the generator msm against the msm
   of the encoded mapped points, a chunk equal to its two halves added (the boundary's
   sp_next, e powers and partial products of u), and the error paths. */
static void test_shuffle(int rounds) {
    static const uint8_t V_ZERO_T[4][32] = {
        {0x45, 0xe4, 0xa3, 0xb5, 0x34, 0xd5, 0xcf, 0x8a, 0x55, 0x92, 0x15, 0xf1, 0xd2, 0x56, 0x43, 0x32,
         0xea, 0x91, 0x14, 0x8c, 0x66, 0xab, 0xcb, 0x8a, 0x68, 0x14, 0x84, 0x0b, 0xa7, 0xaa, 0x4c, 0x7a},
        {0xa8, 0x1b, 0x5c, 0x4a, 0xcb, 0x2a, 0x30, 0x75, 0xaa, 0x6d, 0xea, 0x0e, 0x2d, 0xa9, 0xbc, 0xcd,
         0x15, 0x6e, 0xeb, 0x73, 0x99, 0x54, 0x34, 0x75, 0x97, 0xeb, 0x7b, 0xf4, 0x58, 0x55, 0xb3, 0x05},
        {0x40, 0x25, 0x6a, 0xc5, 0xe4, 0xc7, 0x3a, 0xf6, 0x05, 0x7c, 0x6d, 0x51, 0x20, 0xf9, 0x0c, 0x43,
         0x62, 0xab, 0x4a, 0xd9, 0x01, 0x5b, 0xc3, 0x65, 0x59, 0x8d, 0xac, 0xa0, 0x48, 0xba, 0xc4, 0x00},
        {0xad, 0xda, 0x95, 0x3a, 0x1b, 0x38, 0xc5, 0x09, 0xfa, 0x83, 0x92, 0xae, 0xdf, 0x06, 0xf3, 0xbc,
         0x9d, 0x54, 0xb5, 0x26, 0xfe, 0xa4, 0x3c, 0x9a, 0xa6, 0x72, 0x53, 0x5f, 0xb7, 0x45, 0x3b, 0x7f}};
    static const uint8_t ZERO[32] = {0};
    enum { NMAX = 53, M = 7 };
    static uint8_t uni[64 * NMAX], enc[32 * NMAX], enc2[32 * NMAX], sc[32 * NMAX];
    static ge_p3 pts[NMAX];
    static fe scratch[NMAX];
    uint8_t a[32], b[32], out[96], half1[96], half2[96];
    size_t n, i, bad;
    int r;
    printf("shuffle verifier C (batched one-way map, generator msm, chunks)\n");
    for (r = 0; r < rounds; r++) {
        n = 1 + (size_t)(rng64() % 9);
        rng_bytes(uni, 64 * n);
        if (r < 8) memcpy(uni + 64 * (r % n) + 32 * (r / 4 % 2), V_ZERO_T[r % 4], 32);
        ristretto_from_uniform_batch(pts, uni, n);
        for (i = 0; i < n; i++) evote_point_from_uniform(enc + 32 * i, uni + 64 * i);
        ristretto_encode_batch(enc2, pts, n);
        CHECK(memcmp(enc, enc2, 32 * n) == 0, "from_uniform_batch == from_uniform, n = %u",
              (unsigned)n);
        msm_normalize_batch(pts, scratch, n);
        ristretto_encode_batch(enc2, pts, n);
        CHECK(memcmp(enc, enc2, 32 * n) == 0, "normalized points keep their class");
        for (i = 0; i < n; i++) {
            fe one;
            fe_1(&one);
            CHECK(fe_eq(&pts[i].Z, &one), "normalized Z == 1");
        }
    }
    for (n = 1; n <= NMAX; n += 13) {   /* 1, 14, 27, 40, 53: Straus and Pippenger */
        rng_bytes(uni, 64 * n);
        for (i = 0; i < n; i++) {
            rand_scalar(sc + 32 * i);
            evote_point_from_uniform(enc + 32 * i, uni + 64 * i);
        }
        CHECK(evote_msm_uniform_vartime(a, sc, uni, n, &bad) == EVOTE_OK &&
              evote_msm_vartime(b, sc, enc, n, &bad) == EVOTE_OK && memcmp(a, b, 32) == 0,
              "msm_uniform == msm of the mapped points, n = %u", (unsigned)n);
    }
    sc[31] = 0xff;
    CHECK(evote_msm_uniform_vartime(a, sc, uni, 1, &bad) == EVOTE_ERR_SCALAR && bad == 0 &&
          memcmp(a, ZERO, 32) == 0, "msm_uniform: bad scalar, zeroed output");

    {   /* a chain of 2 mixes over 3 lists, M items: whole chunk == first 3 + last 4 */
        static uint8_t ud[2 * M * 64], sp[2 * (M + 1) * 32], par[2 * 288], own[2 * 2 * M * 32],
            lists[3 * 2 * M * 32], gen[64 * M];
        uint8_t ud1[2 * 3 * 64], sp1[2 * 4 * 32], par1[2 * 288], own1[2 * 2 * 3 * 32],
            lists1[3 * 2 * 3 * 32];
        uint8_t ud2[2 * 4 * 64], sp2[2 * 4 * 32], par2[2 * 288], own2[2 * 2 * 4 * 32],
            lists2[3 * 2 * 4 * 32];
        ge_p3 p1, p2;
        size_t k, j;
        rng_bytes(ud, sizeof ud);
        rng_bytes(gen, sizeof gen);
        for (i = 0; i < 2 * M; i++) rand_scalar(sp + 32 * i);   /* M items per mix, no next */
        for (i = 0; i < 2 * 9; i++) rand_scalar(par + 32 * i);
        for (i = 0; i < 2 * 2 * M; i++) {
            rand_scalar(a);
            CHECK(evote_scalarmult_base(own + 32 * i, a) == EVOTE_OK, "point");
        }
        for (i = 0; i < 3 * 2 * M; i++) {
            rand_scalar(a);
            CHECK(evote_scalarmult_base(lists + 32 * i, a) == EVOTE_OK, "point");
        }
        CHECK(evote_shuffle_chain_chunk_vartime(out, 2, ud, sp, 0, par, own, lists, gen, M,
                                                &bad) == EVOTE_OK, "chain chunk");
        /* the halves: items 0..2 (with the next item's sp) and 3..6; e^(first+1) for the
           second half is e^4 = e^1 * e^3 */
        for (k = 0; k < 2; k++) {
            const uint8_t *e = par + 288 * k + 64;
            uint8_t e3[32];
            memcpy(ud1 + 64 * 3 * k, ud + 64 * M * k, 64 * 3);
            memcpy(ud2 + 64 * 4 * k, ud + 64 * M * k + 64 * 3, 64 * 4);
            memcpy(sp1 + 32 * 4 * k, sp + 32 * M * k, 32 * 4);         /* 3 + the next */
            memcpy(sp2 + 32 * 4 * k, sp + 32 * M * k + 32 * 3, 32 * 4);
            memcpy(par1 + 288 * k, par + 288 * k, 288);
            memcpy(par2 + 288 * k, par + 288 * k, 288);
            sc_mul(e3, e, e);
            sc_mul(e3, e3, e);
            sc_mul(par2 + 288 * k + 32, par + 288 * k + 32, e3);
            for (j = 0; j < 2; j++) {                                  /* c, chat */
                memcpy(own1 + 32 * (6 * k + 3 * j), own + 32 * (2 * M * k + M * j), 32 * 3);
                memcpy(own2 + 32 * (8 * k + 4 * j), own + 32 * (2 * M * k + M * j + 3), 32 * 4);
            }
        }
        for (j = 0; j < 3; j++) {
            memcpy(lists1 + 32 * 6 * j, lists + 32 * 2 * M * j, 32 * 6);
            memcpy(lists2 + 32 * 8 * j, lists + 32 * (2 * M * j + 6), 32 * 8);
        }
        CHECK(evote_shuffle_chain_chunk_vartime(half1, 2, ud1, sp1, 1, par1, own1, lists1, gen,
                                                3, &bad) == EVOTE_OK &&
              evote_shuffle_chain_chunk_vartime(half2, 2, ud2, sp2, 0, par2, own2, lists2,
                                                gen + 64 * 3, 4, &bad) == EVOTE_OK,
              "chain chunk halves");
        CHECK(ristretto_decode(&p1, half1) && ristretto_decode(&p2, half2), "decode halves");
        ge_p3_add(&p1, &p1, &p2);
        ristretto_encode(a, &p1);
        CHECK(memcmp(a, out, 32) == 0, "chunk == its two halves added");
        for (k = 0; k < 2; k++) {
            sc_mul(b, half1 + 32 + 32 * k, half2 + 32 + 32 * k);
            CHECK(memcmp(b, out + 32 + 32 * k, 32) == 0, "prod u == product of the halves'");
        }
        lists[32 * (3 * 2 * M - 1)] |= 1;                 /* the last point: s negative */
        CHECK(evote_shuffle_chain_chunk_vartime(out, 2, ud, sp, 0, par, own, lists, gen, M,
                                                &bad) == EVOTE_ERR_ENCODING &&
              bad == 2 * 2 * M + 3 * 2 * M - 1 && memcmp(out, ZERO, 32) == 0,
              "chain chunk: bad point named, zeroed output");
        sp[32 * (2 * M - 1) + 31] = 0xff;
        CHECK(evote_shuffle_chain_chunk_vartime(out, 2, ud, sp, 0, par, own, lists, gen, M,
                                                &bad) == EVOTE_ERR_SCALAR && bad == 2 * M - 1,
              "chain chunk: bad sp named");
        par[31] = 0xff;
        CHECK(evote_shuffle_chain_chunk_vartime(out, 2, ud, sp, 0, par, own, lists, gen, M,
                                                &bad) == EVOTE_ERR_ARGUMENT, "bad params");
        CHECK(evote_shuffle_chain_chunk_vartime(out, 2, ud, sp, 0, par, own, lists, gen, 0,
                                                &bad) == EVOTE_ERR_ARGUMENT, "m = 0");
        CHECK(evote_shuffle_chain_chunk_vartime(out, 0, ud, sp, 0, par, own, lists, gen, M,
                                                &bad) == EVOTE_ERR_ARGUMENT, "no mixes");
    }
}

int main(int argc, char **argv) {
    uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0x5eed2026ULL;
    int rounds = argc > 2 ? atoi(argv[2]) : 200;
    rng_state = seed;
    printf("evote core %s, %s field, seed %llu, %d rounds\n", evote_core_version(),
           evote_core_uses_int128() ? "radix 2^51" : "radix 2^25.5", (unsigned long long)seed,
           rounds);
    test_rfc_vectors();
    test_scalars(rounds);
    test_points(rounds / 4 + 1);
    test_batch(rounds);
    test_msm();
    test_aggregate();
    test_errors();
    test_prove(rounds / 4 + 1);
    test_verify_coefs(rounds / 4 + 1);
    test_shuffle(rounds / 4 + 1);
    if (failures) {
        printf("test_core: %d FAILURES\n", failures);
        return 1;
    }
    printf("test_core: all passed\n");
    return 0;
}
