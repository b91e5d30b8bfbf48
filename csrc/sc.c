/*
 * sc.c: arithmetic mod l (the ristretto255 group order) on 32-byte little-endian
 * scalars, over the Montgomery core of sc_mont.h (CIOS, R = 2^256, constant time).
 * The exponent in sc_invert (l - 2) is public, so its digits may index the window table.
 * Secret temporaries are wiped before return.
 */
#include <string.h>

#include "ct.h"
#include "sc.h"
#include "sc_mont.h"   /* sc_t, SC_L, SC_R2, load/store, mont_mul, add_t, sub_t */

/* R^3 mod l and l - 2: little-endian bytes (computed with Python integers). */
static const uint8_t SC_R3[32] = {
    0xdb, 0xa2, 0x83, 0x7b, 0x68, 0x49, 0x9e, 0x2a, 0xec, 0xf3, 0xf7, 0xae, 0xe6, 0x24, 0x83, 0x27,
    0x65, 0x5b, 0xec, 0x04, 0x6c, 0xdc, 0x65, 0x80, 0xc7, 0xce, 0x99, 0x35, 0x77, 0x0b, 0x53, 0x0e};
static const uint8_t SC_LM2[32] = {
    0xeb, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};

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
    sc_load(&l, SC_L);
    sc_load(&x, a);
    sc_load(&y, b);
    sc_sub_t(&x, &x, &y, &l);
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
