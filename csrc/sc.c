/*
 * sc.c: arithmetic mod l (the ristretto255 group order) with Montgomery multiplication.
 *
 * Words are 64 bits when unsigned __int128 exists (and EVOTE_NO_INT128 is unset), else
 * 32 bits; R = 2^256 either way. mont_mul(a, b) = a b / R mod l (CIOS method), valid when
 * a b < l R, with output < l. Everything is constant time: fixed loop counts, and the
 * final conditional subtraction goes through the select idiom of ct.h. The exponent in
 * sc_invert (l - 2) is public, so its digits may index the window table.
 * Secret temporaries are wiped before return.
 */
#include <string.h>

#include "ct.h"
#include "sc.h"

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

/* l, R^2 mod l, R^3 mod l, l - 2: little-endian bytes (computed with Python integers). */
static const uint8_t SC_L[32] = {
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
static const uint8_t SC_R2[32] = {
    0x01, 0x0f, 0x9c, 0x44, 0xe3, 0x11, 0x06, 0xa4, 0x47, 0x93, 0x85, 0x68, 0xa7, 0x1b, 0x0e, 0xd0,
    0x65, 0xbe, 0xf5, 0x17, 0xd2, 0x73, 0xec, 0xce, 0x3d, 0x9a, 0x30, 0x7c, 0x1b, 0x41, 0x99, 0x03};
static const uint8_t SC_R3[32] = {
    0xdb, 0xa2, 0x83, 0x7b, 0x68, 0x49, 0x9e, 0x2a, 0xec, 0xf3, 0xf7, 0xae, 0xe6, 0x24, 0x83, 0x27,
    0x65, 0x5b, 0xec, 0x04, 0x6c, 0xdc, 0x65, 0x80, 0xc7, 0xce, 0x99, 0x35, 0x77, 0x0b, 0x53, 0x0e};
static const uint8_t SC_LM2[32] = {
    0xeb, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};

static void sc_load(sc_t *r, const uint8_t s[32]) {
    int i, j;
    for (i = 0; i < SC_N; i++) {
        sc_word w = 0;
        for (j = SC_WBITS / 8 - 1; j >= 0; j--) w = (w << 8) | s[i * (SC_WBITS / 8) + j];
        r->w[i] = w;
    }
}

static void sc_store(uint8_t s[32], const sc_t *r) {
    int i, j;
    for (i = 0; i < SC_N; i++)
        for (j = 0; j < SC_WBITS / 8; j++) s[i * (SC_WBITS / 8) + j] = (uint8_t)(r->w[i] >> (8 * j));
}

/* r = x - l if x >= l else x, for x < 2l given as SC_N words plus a top word xt. */
static void sc_csub_l(sc_t *r, const sc_word x[SC_N], sc_word xt, const sc_t *l) {
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

/* r = a b / R mod l (CIOS). Requires a b < l R; output < l. r may alias a or b. */
static void sc_mont_mul(sc_t *r, const sc_t *a, const sc_t *b, const sc_t *l) {
    sc_word t[SC_N + 2];
    int i, j;
    memset(t, 0, sizeof t);
    for (i = 0; i < SC_N; i++) {
        sc_word c = 0, m;
        sc_dword s;
        for (j = 0; j < SC_N; j++) {
            s = (sc_dword)t[j] + (sc_dword)a->w[i] * b->w[j] + c;
            t[j] = (sc_word)s;
            c = (sc_word)(s >> SC_WBITS);
        }
        s = (sc_dword)t[SC_N] + c;
        t[SC_N] = (sc_word)s;
        t[SC_N + 1] = (sc_word)(s >> SC_WBITS);
        m = t[0] * SC_N0;
        s = (sc_dword)t[0] + (sc_dword)m * l->w[0];
        c = (sc_word)(s >> SC_WBITS);
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
static void sc_add_t(sc_t *r, const sc_t *a, const sc_t *b, const sc_t *l) {
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

int sc_is_canonical(const uint8_t s[32]) {
    sc_t x, l;
    sc_word borrow = 0;
    int i;
    sc_load(&x, s);
    sc_load(&l, SC_L);
    for (i = 0; i < SC_N; i++) {
        sc_dword t = (sc_dword)x.w[i] - l.w[i] - borrow;
        borrow = (sc_word)(t >> (2 * SC_WBITS - 1));
    }
    ct_wipe(&x, sizeof x);
    return (int)borrow;   /* borrow out means s < l */
}

int sc_is_zero(const uint8_t s[32]) {
    uint32_t d = 0;
    int i;
    for (i = 0; i < 32; i++) d |= s[i];
    return (int)ct_is_zero_u32(d);
}

void sc_reduce_wide(uint8_t out[32], const uint8_t in[64]) {
    sc_t lo, hi, r2, r3, l, one;
    sc_load(&l, SC_L);
    sc_load(&r2, SC_R2);
    sc_load(&r3, SC_R3);
    sc_load(&lo, in);
    sc_load(&hi, in + 32);
    memset(&one, 0, sizeof one);
    one.w[0] = 1;
    sc_mont_mul(&lo, &lo, &r2, &l);   /* lo R */
    sc_mont_mul(&hi, &hi, &r3, &l);   /* hi R^2 */
    sc_add_t(&lo, &lo, &hi, &l);      /* (lo + hi R) R */
    sc_mont_mul(&lo, &lo, &one, &l);  /* lo + hi 2^256 mod l */
    sc_store(out, &lo);
    ct_wipe(&lo, sizeof lo);
    ct_wipe(&hi, sizeof hi);
}

void sc_reduce32(uint8_t out[32], const uint8_t in[32]) {
    sc_t x, r2, l, one;
    sc_load(&l, SC_L);
    sc_load(&r2, SC_R2);
    sc_load(&x, in);
    memset(&one, 0, sizeof one);
    one.w[0] = 1;
    sc_mont_mul(&x, &x, &r2, &l);
    sc_mont_mul(&x, &x, &one, &l);
    sc_store(out, &x);
    ct_wipe(&x, sizeof x);
}

void sc_add(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]) {
    sc_t x, y, l;
    sc_load(&l, SC_L);
    sc_load(&x, a);
    sc_load(&y, b);
    sc_add_t(&x, &x, &y, &l);
    sc_store(out, &x);
    ct_wipe(&x, sizeof x);
    ct_wipe(&y, sizeof y);
}

void sc_sub(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]) {
    sc_t x, y, l;
    sc_word borrow = 0, c = 0, m;
    int i;
    sc_load(&l, SC_L);
    sc_load(&x, a);
    sc_load(&y, b);
    for (i = 0; i < SC_N; i++) {
        sc_dword t = (sc_dword)x.w[i] - y.w[i] - borrow;
        x.w[i] = (sc_word)t;
        borrow = (sc_word)(t >> (2 * SC_WBITS - 1));
    }
    m = sc_mask((unsigned int)borrow);   /* a < b: add l back */
    for (i = 0; i < SC_N; i++) {
        sc_dword t = (sc_dword)x.w[i] + (m & l.w[i]) + c;
        x.w[i] = (sc_word)t;
        c = (sc_word)(t >> SC_WBITS);
    }
    sc_store(out, &x);
    ct_wipe(&x, sizeof x);
    ct_wipe(&y, sizeof y);
}

void sc_neg(uint8_t out[32], const uint8_t a[32]) {
    static const uint8_t zero[32] = {0};
    sc_sub(out, zero, a);
}

void sc_mul(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]) {
    sc_t x, y, r2, l;
    sc_load(&l, SC_L);
    sc_load(&r2, SC_R2);
    sc_load(&x, a);
    sc_load(&y, b);
    sc_mont_mul(&x, &x, &y, &l);    /* a b / R */
    sc_mont_mul(&x, &x, &r2, &l);   /* a b */
    sc_store(out, &x);
    ct_wipe(&x, sizeof x);
    ct_wipe(&y, sizeof y);
}

void sc_invert(uint8_t out[32], const uint8_t a[32]) {
    sc_t tab[16], acc, l, r2, one;
    int i, k;
    sc_load(&l, SC_L);
    sc_load(&r2, SC_R2);
    memset(&one, 0, sizeof one);
    one.w[0] = 1;
    sc_mont_mul(&tab[0], &r2, &one, &l);       /* 1 in Montgomery form: R mod l */
    sc_load(&tab[1], a);
    sc_mont_mul(&tab[1], &tab[1], &r2, &l);    /* a R */
    for (i = 2; i < 16; i++) sc_mont_mul(&tab[i], &tab[i - 1], &tab[1], &l);
    /* Fixed 4-bit windows over the public exponent l - 2, most significant first. */
    acc = tab[SC_LM2[31] >> 4];
    for (k = 62; k >= 0; k--) {
        int digit = (SC_LM2[k / 2] >> (4 * (k & 1))) & 15;
        for (i = 0; i < 4; i++) sc_mont_mul(&acc, &acc, &acc, &l);
        sc_mont_mul(&acc, &acc, &tab[digit], &l);
    }
    sc_mont_mul(&acc, &acc, &one, &l);         /* leave Montgomery form */
    sc_store(out, &acc);
    ct_wipe(tab, sizeof tab);
    ct_wipe(&acc, sizeof acc);
}

void sc_recode_radix16(int8_t e[64], const uint8_t s[32]) {
    int i, carry = 0;
    for (i = 0; i < 32; i++) {
        e[2 * i] = (int8_t)(s[i] & 15);
        e[2 * i + 1] = (int8_t)(s[i] >> 4);
    }
    for (i = 0; i < 63; i++) {
        int v = e[i] + carry;           /* in [0, 16] */
        carry = (v + 8) >> 4;           /* v + 8 >= 8: nonnegative shift */
        e[i] = (int8_t)(v - carry * 16);
    }
    e[63] = (int8_t)(e[63] + carry);
}

void sc_recode_radix32(int8_t e[51], const uint8_t s[32]) {
    int i, carry = 0;
    for (i = 0; i < 51; i++) {   /* bits [5i, 5i + 5) of s, read across byte borders */
        int bit = 5 * i, byte = bit / 8, sh = bit % 8;
        unsigned int w = s[byte];
        if (byte + 1 < 32) w |= (unsigned int)s[byte + 1] << 8;
        e[i] = (int8_t)((w >> sh) & 31);
    }
    for (i = 0; i < 50; i++) {
        int v = e[i] + carry;           /* in [0, 32] */
        carry = (v + 16) >> 5;          /* v + 16 >= 16: nonnegative shift */
        e[i] = (int8_t)(v - carry * 32);
    }
    e[50] = (int8_t)(e[50] + carry);    /* bits 250..254: at most 7 for s < 2^253, plus 1 */
}
