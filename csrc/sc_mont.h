/*
 * sc_mont.h: the Montgomery core of arithmetic mod l (the ristretto255 group order),
 * shared by sc.c (the byte-level scalar API) and slot_range.c (loops that stay in
 * Montgomery form). Internal to csrc/: static inline helpers, no exported symbols.
 *
 * Words are 64 bits when unsigned __int128 exists (and EVOTE_NO_INT128 is unset), else
 * 32 bits; R = 2^256 either way. sc_mont_mul(a, b) = a b / R mod l (CIOS method), valid
 * when a b < l R, with output < l. Everything is constant time: fixed loop counts, and
 * conditional corrections go through the select idiom of ct.h. The product's temporary
 * is wiped before return (it holds secret partial products in the provers).
 */
#ifndef EVOTE_SC_MONT_H
#define EVOTE_SC_MONT_H

#include <stdint.h>
#include <string.h>

#include "ct.h"

#if defined(__SIZEOF_INT128__) && !defined(EVOTE_NO_INT128)
typedef uint64_t sc_word;
typedef unsigned __int128 sc_dword;
#define SC_WBITS 64
#define SC_N 4
#define SC_N0 ((sc_word)0xd2b51da312547e1bULL) /* -1/l mod 2^64 */
#define sc_mask(b) ct_mask64(b)
#else
typedef uint32_t sc_word;
typedef uint64_t sc_dword;
#define SC_WBITS 32
#define SC_N 8
#define SC_N0 ((sc_word)0x12547e1bU)            /* -1/l mod 2^32 */
#define sc_mask(b) ct_mask32(b)
#endif

typedef struct { sc_word w[SC_N]; } sc_t;

/* l and R^2 mod l: little-endian bytes (computed with Python integers). */
static const uint8_t SC_L[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
static const uint8_t SC_R2[32] = {
    0x01, 0x0f, 0x9c, 0x44, 0xe3, 0x11, 0x06, 0xa4, 0x47, 0x93, 0x85, 0x68, 0xa7, 0x1b, 0x0e, 0xd0,
    0x65, 0xbe, 0xf5, 0x17, 0xd2, 0x73, 0xec, 0xce, 0x3d, 0x9a, 0x30, 0x7c, 0x1b, 0x41, 0x99, 0x03};

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* little-endian words of a little-endian integer: the same bytes */
static inline void sc_load(sc_t *r, const uint8_t s[32]) { memcpy(r->w, s, 32); }
static inline void sc_store(uint8_t s[32], const sc_t *r) { memcpy(s, r->w, 32); }
#else
static inline void sc_load(sc_t *r, const uint8_t s[32]) {
    int i, j;
    for (i = 0; i < SC_N; i++) {
        sc_word w = 0;
        for (j = SC_WBITS / 8 - 1; j >= 0; j--) w = (w << 8) | s[i * (SC_WBITS / 8) + j];
        r->w[i] = w;
    }
}

static inline void sc_store(uint8_t s[32], const sc_t *r) {
    int i, j;
    for (i = 0; i < SC_N; i++)
        for (j = 0; j < SC_WBITS / 8; j++) s[i * (SC_WBITS / 8) + j] = (uint8_t)(r->w[i] >> (8 * j));
}
#endif

/* r = x - l if x >= l else x, for x < 2l given as SC_N words plus a top word xt. */
static inline void sc_csub_l(sc_t *r, const sc_word x[SC_N], sc_word xt, const sc_t *l) {
    sc_word d[SC_N], borrow = 0, m;
    int i;
    for (i = 0; i < SC_N; i++) {
        sc_dword t = (sc_dword)x[i] - l->w[i] - borrow;
        d[i] = (sc_word)t;
        borrow = (sc_word)(t >> (2 * SC_WBITS - 1));   /* 1 on underflow */
    }
    /* x >= l iff the subtraction did not borrow out of the top word */
    borrow = (sc_word)((sc_dword)xt - borrow) >> (SC_WBITS - 1);  /* xt is 0 or 1 */
    m = sc_mask((unsigned int)borrow);   /* all ones: keep x */
    for (i = 0; i < SC_N; i++) r->w[i] = d[i] ^ (m & (d[i] ^ x[i]));
}

/* r = a b / R mod l (CIOS). Requires a b < l R (one operand < l, the other < R); output
   < l. r may alias a or b. Loops unrolled where the compiler allows (fixed counts). */
static inline void sc_mont_mul(sc_t *r, const sc_t *a, const sc_t *b, const sc_t *l) {
    sc_word t[SC_N + 2] = {0};
    int i, j;
    EVOTE_UNROLL
    for (i = 0; i < SC_N; i++) {
        sc_word c = 0, m;
        sc_dword s;
        const sc_word ai = a->w[i];
        EVOTE_UNROLL
        for (j = 0; j < SC_N; j++) {
            s = (sc_dword)t[j] + (sc_dword)ai * b->w[j] + c;
            t[j] = (sc_word)s;
            c = (sc_word)(s >> SC_WBITS);
        }
        s = (sc_dword)t[SC_N] + c;
        t[SC_N] = (sc_word)s;
        t[SC_N + 1] = (sc_word)(s >> SC_WBITS);
        m = t[0] * SC_N0;
        s = (sc_dword)t[0] + (sc_dword)m * l->w[0];
        c = (sc_word)(s >> SC_WBITS);
        EVOTE_UNROLL
        for (j = 1; j < SC_N; j++) {
            s = (sc_dword)t[j] + (sc_dword)m * l->w[j] + c;
            t[j - 1] = (sc_word)s;
            c = (sc_word)(s >> SC_WBITS);
        }
        s = (sc_dword)t[SC_N] + c;
        t[SC_N - 1] = (sc_word)s;
        t[SC_N] = t[SC_N + 1] + (sc_word)(s >> SC_WBITS);
    }
    sc_csub_l(r, t, t[SC_N], l);
    ct_wipe(t, sizeof t);
}

/* r = a + b mod l for a, b < l (sum < 2l < 2^254: no top word). */
static inline void sc_add_t(sc_t *r, const sc_t *a, const sc_t *b, const sc_t *l) {
    sc_word s[SC_N], c = 0;
    int i;
    for (i = 0; i < SC_N; i++) {
        sc_dword t = (sc_dword)a->w[i] + b->w[i] + c;
        s[i] = (sc_word)t;
        c = (sc_word)(t >> SC_WBITS);
    }
    sc_csub_l(r, s, c, l);
    ct_wipe(s, sizeof s);
}

/* r = a - b mod l for a, b < l: subtract, then add l back under a mask on the borrow.
   r may alias a or b. */
static inline void sc_sub_t(sc_t *r, const sc_t *a, const sc_t *b, const sc_t *l) {
    sc_word d[SC_N], borrow = 0, m, c = 0;
    int i;
    for (i = 0; i < SC_N; i++) {
        sc_dword t = (sc_dword)a->w[i] - b->w[i] - borrow;
        d[i] = (sc_word)t;
        borrow = (sc_word)(t >> (2 * SC_WBITS - 1));
    }
    m = sc_mask((unsigned int)borrow);   /* a < b: add l back */
    for (i = 0; i < SC_N; i++) {
        sc_dword t = (sc_dword)d[i] + (m & l->w[i]) + c;
        r->w[i] = (sc_word)t;
        c = (sc_word)(t >> SC_WBITS);
    }
    ct_wipe(d, sizeof d);
}

#endif
