/*
 * verify_coefs.c: the batch verifier's scalar work for 0/1 proofs (evote.h,
 * evote_verify01_coefs_vartime; specs/protocol.md section 7.2). Public data only.
 *
 * For one proof with Fiat-Shamir digest d, challenge c_0, responses v_0, v_1 and weights
 * w_1..w_4 (uniform 128-bit integers chosen by the verifier), c = d mod l, c_1 = c - c_0:
 *   coefficient of alpha  w_1 c_0 + w_3 c_1 + a      coefficient of A_0, B_0, A_1, B_1
 *   coefficient of beta   w_2 c_0 + w_4 c_1 + b      w_1, w_2, w_3, w_4 as they are
 *   to G:  -(w_1 v_0 + w_3 v_1 + w_4 c_1)            to K:  -(w_2 v_0 + w_4 v_1)
 * (a, b: the contest's range-proof terms, given by the caller). The weighted equations
 * are those of verify_ballot._prepare, which stays the reference in Python.
 *
 * Arithmetic: a weight times a scalar is at most 2^128 * 2^253 = 2^381, so a coefficient
 * (two products plus a 256-bit term) fits a 512-bit accumulator with room to spare and is
 * reduced once (sc_reduce_wide); the G and K sums of up to 2^120 proofs accumulate
 * unreduced the same way. Limbs are 32-bit with 64-bit products: portable C99.
 */
#include <string.h>

#include "evote.h"
#include "sc.h"

#define WIDE_LIMBS 16   /* 512 bits */

typedef struct {
    uint32_t v[WIDE_LIMBS];
} wide;

static void load_limbs(uint32_t *x, const uint8_t *b, int limbs) {
    int i;
    for (i = 0; i < limbs; i++)
        x[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
               (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
}

/* acc += x << (32 * at), x of `limbs` limbs with a carry into the limbs above.
   Invariant (callers): the true sum stays below 2^512. */
static void wide_add_at(wide *acc, const uint32_t *x, int limbs, int at) {
    uint64_t carry = 0;
    int j;
    for (j = 0; j < limbs; j++) {
        uint64_t t = (uint64_t)acc->v[at + j] + x[j] + carry;
        acc->v[at + j] = (uint32_t)t;
        carry = t >> 32;
    }
    for (j = at + limbs; j < WIDE_LIMBS && carry != 0; j++) {
        uint64_t t = (uint64_t)acc->v[j] + carry;
        acc->v[j] = (uint32_t)t;
        carry = t >> 32;
    }
}

/* acc += w * s, w a 128-bit weight (4 limbs), s a 256-bit integer (8 limbs). */
static void wide_mac(wide *acc, const uint32_t w[4], const uint32_t s[8]) {
    int i, j;
    for (i = 0; i < 4; i++) {
        uint32_t row[9];
        uint64_t carry = 0;
        for (j = 0; j < 8; j++) {   /* (2^32 - 1)^2 + (2^32 - 1) < 2^64 */
            uint64_t t = (uint64_t)w[i] * s[j] + carry;
            row[j] = (uint32_t)t;
            carry = t >> 32;
        }
        row[8] = (uint32_t)carry;
        wide_add_at(acc, row, 9, i);
    }
}

static void wide_reduce(uint8_t out[32], const wide *acc) {
    uint8_t b[64];
    int i;
    for (i = 0; i < WIDE_LIMBS; i++) {
        b[4 * i] = (uint8_t)acc->v[i];
        b[4 * i + 1] = (uint8_t)(acc->v[i] >> 8);
        b[4 * i + 2] = (uint8_t)(acc->v[i] >> 16);
        b[4 * i + 3] = (uint8_t)(acc->v[i] >> 24);
    }
    sc_reduce_wide(out, b);
}

/* A coefficient  w_x c_0 + w_y c_1 + e  mod l. */
static void coefficient(uint8_t out[32], const uint32_t wx[4], const uint32_t c0[8],
                        const uint32_t wy[4], const uint32_t c1[8], const uint32_t e[8]) {
    wide acc;
    memset(&acc, 0, sizeof acc);
    wide_mac(&acc, wx, c0);
    wide_mac(&acc, wy, c1);
    wide_add_at(&acc, e, 8, 0);
    wide_reduce(out, &acc);
}

int evote_verify01_coefs_vartime(uint8_t *out, uint8_t gk[64], const uint8_t *proofs,
                                 const uint8_t *weights, const uint8_t extra[128], size_t k,
                                 size_t *bad) {
    wide g, kk;
    uint32_t e[4][8];
    size_t i;
    if (out == NULL || gk == NULL || bad == NULL || (k != 0 && (proofs == NULL ||
        weights == NULL)) || extra == NULL)
        return EVOTE_ERR_ARGUMENT;
    *bad = 0;
    for (i = 0; i < k; i++) {   /* refuse before writing anything */
        const uint8_t *p = proofs + 160 * i;
        if (!sc_is_canonical(p + 64) || !sc_is_canonical(p + 96) || !sc_is_canonical(p + 128)) {
            *bad = i;
            memset(out, 0, 192 * k);
            memset(gk, 0, 64);
            return EVOTE_ERR_SCALAR;
        }
    }
    for (i = 0; i < 4; i++) load_limbs(e[i], extra + 32 * i, 8);
    memset(&g, 0, sizeof g);
    memset(&kk, 0, sizeof kk);
    for (i = 0; i < k; i++) {
        const uint8_t *p = proofs + 160 * i, *wb = weights + 64 * i;
        uint8_t *o = out + 192 * i, c[32], c1b[32];
        uint32_t c0[8], c1[8], v0[8], v1[8], w[4][4];
        const uint32_t *ea = e[i + 1 == k ? 2 : 0], *eb = e[i + 1 == k ? 3 : 1];
        int j;
        sc_reduce_wide(c, p);
        sc_sub(c1b, c, p + 64);
        load_limbs(c0, p + 64, 8);
        load_limbs(c1, c1b, 8);
        load_limbs(v0, p + 96, 8);
        load_limbs(v1, p + 128, 8);
        for (j = 0; j < 4; j++) load_limbs(w[j], wb + 16 * j, 4);
        coefficient(o, w[0], c0, w[2], c1, ea);
        coefficient(o + 32, w[1], c0, w[3], c1, eb);
        for (j = 0; j < 4; j++) {
            memcpy(o + 64 + 32 * j, wb + 16 * j, 16);
            memset(o + 80 + 32 * j, 0, 16);
        }
        wide_mac(&g, w[0], v0);
        wide_mac(&g, w[2], v1);
        wide_mac(&g, w[3], c1);
        wide_mac(&kk, w[1], v0);
        wide_mac(&kk, w[3], v1);
    }
    wide_reduce(gk, &g);
    wide_reduce(gk + 32, &kk);
    return EVOTE_OK;
}
