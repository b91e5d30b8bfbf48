/*
 * fe.c: the non-inline part of GF(2^255-19): byte conversion, comparisons, and the
 * exponentiation chains (inversion, (p-5)/8 power, RFC 9496 SQRT_RATIO_M1).
 * Everything here is constant time. Bounds: see fe.h.
 */
#include "fe.h"
#include "consts.h"

#ifdef EVOTE_FE_RADIX51

static uint64_t load64_le(const uint8_t *s) {
    uint64_t r = 0;
    int i;
    for (i = 7; i >= 0; i--) r = (r << 8) | s[i];
    return r;
}

void fe_frombytes(fe *h, const uint8_t s[32]) {
    uint64_t w0 = load64_le(s), w1 = load64_le(s + 8), w2 = load64_le(s + 16);
    uint64_t w3 = load64_le(s + 24);
    h->v[0] = w0 & FE51_MASK;
    h->v[1] = ((w0 >> 51) | (w1 << 13)) & FE51_MASK;
    h->v[2] = ((w1 >> 38) | (w2 << 26)) & FE51_MASK;
    h->v[3] = ((w2 >> 25) | (w3 << 39)) & FE51_MASK;
    h->v[4] = (w3 >> 12) & FE51_MASK;   /* drops bit 255 */
}

/* Canonical encoding. Input up to 2x tight. */
void fe_tobytes(uint8_t s[32], const fe *f) {
    uint64_t h[5], q, w[4];
    int i, j;
    for (i = 0; i < 5; i++) h[i] = f->v[i];
    fe51_carry(h);
    fe51_carry(h);   /* now h < 2^255 + 19*2: below 2p */
    /* q = 1 iff h >= p, i.e. iff h + 19 carries out of bit 255 (exact carry chain). */
    q = (h[0] + 19) >> 51;
    q = (h[1] + q) >> 51;
    q = (h[2] + q) >> 51;
    q = (h[3] + q) >> 51;
    q = (h[4] + q) >> 51;
    /* h - q p = h + 19 q - q 2^255: add 19q and drop the carry out of limb 4. */
    h[0] += 19 * q;
    h[1] += h[0] >> 51; h[0] &= FE51_MASK;
    h[2] += h[1] >> 51; h[1] &= FE51_MASK;
    h[3] += h[2] >> 51; h[2] &= FE51_MASK;
    h[4] += h[3] >> 51; h[3] &= FE51_MASK;
    h[4] &= FE51_MASK;
    w[0] = h[0] | (h[1] << 51);
    w[1] = (h[1] >> 13) | (h[2] << 38);
    w[2] = (h[2] >> 26) | (h[3] << 25);
    w[3] = (h[3] >> 39) | (h[4] << 12);
    EVOTE_UNROLL
    for (i = 0; i < 4; i++) {
        EVOTE_UNROLL
        for (j = 0; j < 8; j++) s[8 * i + j] = (uint8_t)(w[i] >> (8 * j));
    }
}

#else /* radix 2^25.5 */

static const int fe25_pos[10] = {0, 26, 51, 77, 102, 128, 153, 179, 204, 230};

static uint32_t load32_le(const uint8_t *s) {
    return (uint32_t)s[0] | ((uint32_t)s[1] << 8) | ((uint32_t)s[2] << 16) |
           ((uint32_t)s[3] << 24);
}

void fe_frombytes(fe *h, const uint8_t s[32]) {
    int i;
    for (i = 0; i < 10; i++) {
        int pos = fe25_pos[i];
        /* pos % 8 + width <= 32 for every limb, so one 32-bit load suffices;
           the last limb (bits 230..254) masks off bit 255. */
        uint32_t w = load32_le(s + pos / 8) >> (pos % 8);
        h->v[i] = w & ((i & 1) ? FE25_M25 : FE25_M26);
    }
}

void fe_tobytes(uint8_t s[32], const fe *f) {
    uint32_t h[10], q;
    uint64_t acc = 0;
    int i, nbits = 0, k = 0;
    fe t;
    fe_carry(&t, f);
    fe_carry(&t, &t);
    for (i = 0; i < 10; i++) h[i] = t.v[i];
    q = (h[0] + 19) >> 26;
    for (i = 1; i < 10; i++) q = (h[i] + q) >> ((i & 1) ? 25 : 26);
    h[0] += 19 * q;
    for (i = 0; i < 9; i++) {
        int w = (i & 1) ? 25 : 26;
        h[i + 1] += h[i] >> w;
        h[i] &= (i & 1) ? FE25_M25 : FE25_M26;
    }
    h[9] &= FE25_M25;
    for (i = 0; i < 10; i++) {
        acc |= (uint64_t)h[i] << nbits;
        nbits += (i & 1) ? 25 : 26;
        while (nbits >= 8) {
            s[k++] = (uint8_t)acc;
            acc >>= 8;
            nbits -= 8;
        }
    }
    if (k < 32) s[k] = (uint8_t)acc;   /* 255 bits: the last byte holds 7 bits */
}

#endif

int fe_iszero(const fe *f) {
    uint8_t s[32];
    uint32_t d = 0;
    int i;
    fe_tobytes(s, f);
    EVOTE_UNROLL
    for (i = 0; i < 32; i++) d |= s[i];
    return (int)ct_is_zero_u32(d);
}

int fe_isnegative(const fe *f) {
    uint8_t s[32];
    fe_tobytes(s, f);
    return s[0] & 1;
}

int fe_eq(const fe *f, const fe *g) {
    uint8_t a[32], b[32];
    fe_tobytes(a, f);
    fe_tobytes(b, g);
    return ct_bytes_eq(a, b, 32);
}

void fe_cneg(fe *h, const fe *f, unsigned int b) {
    fe n;
    fe_neg(&n, f);
    fe_carry(h, f);
    fe_cmov(h, &n, b);
}

void fe_abs(fe *h, const fe *f) { fe_cneg(h, f, (unsigned int)fe_isnegative(f)); }

void fe_sqn(fe *h, const fe *f, int n) {
    int i;
    fe_sq(h, f);
    for (i = 1; i < n; i++) fe_sq(h, h);
}

/*
 * Lanes. The exponentiation chains below are a serial chain of ~250 squarings, each
 * waiting for the previous one's carries, so one chain leaves most of the multiplier
 * idle. The _lanes forms run `lanes` independent chains step by step in lockstep
 * (lanes is a compile-time constant at every call: 1 for the single forms, FE_LANES for
 * the batch forms), which lets the CPU overlap them: same results, same constant-time
 * argument (every lane runs the same instruction sequence whatever the values).
 */
#if defined(__GNUC__) || defined(__clang__)
#define FE_LANES_INLINE static inline __attribute__((always_inline))
#else
#define FE_LANES_INLINE static inline
#endif

FE_LANES_INLINE void sqn_lanes(fe *h, int n, int lanes) {
    int i, k;
    for (i = 0; i < n; i++) {
        for (k = 0; k < lanes; k++) fe_sq(&h[k], &h[k]);
    }
}

FE_LANES_INLINE void mul_lanes(fe *h, const fe *f, const fe *g, int lanes) {
    int k;
    for (k = 0; k < lanes; k++) fe_mul(&h[k], &f[k], &g[k]);
}

/* z250[k] = z[k]^(2^250 - 1) and z11[k] = z[k]^11, the common prefix of both chains.
   Each array has `lanes` entries. */
FE_LANES_INLINE void pow2250_lanes(fe *z250, fe *z11, const fe *z, int lanes) {
    fe z2[FE_LANES], z9[FE_LANES], t[FE_LANES], z5_0[FE_LANES], z10_0[FE_LANES];
    fe z20_0[FE_LANES], z50_0[FE_LANES], z100_0[FE_LANES];
    int k;
    for (k = 0; k < lanes; k++) fe_sq(&z2[k], &z[k]);   /* 2 */
    for (k = 0; k < lanes; k++) t[k] = z2[k];
    sqn_lanes(t, 2, lanes);                              /* 8 */
    mul_lanes(z9, t, z, lanes);                          /* 9 */
    mul_lanes(z11, z9, z2, lanes);                       /* 11 */
    for (k = 0; k < lanes; k++) fe_sq(&t[k], &z11[k]);  /* 22 */
    mul_lanes(z5_0, t, z9, lanes);                       /* 31 = 2^5 - 1 */
    for (k = 0; k < lanes; k++) t[k] = z5_0[k];
    sqn_lanes(t, 5, lanes);
    mul_lanes(z10_0, t, z5_0, lanes);                    /* 2^10 - 1 */
    for (k = 0; k < lanes; k++) t[k] = z10_0[k];
    sqn_lanes(t, 10, lanes);
    mul_lanes(z20_0, t, z10_0, lanes);                   /* 2^20 - 1 */
    for (k = 0; k < lanes; k++) t[k] = z20_0[k];
    sqn_lanes(t, 20, lanes);
    mul_lanes(t, t, z20_0, lanes);                       /* 2^40 - 1 */
    sqn_lanes(t, 10, lanes);
    mul_lanes(z50_0, t, z10_0, lanes);                   /* 2^50 - 1 */
    for (k = 0; k < lanes; k++) t[k] = z50_0[k];
    sqn_lanes(t, 50, lanes);
    mul_lanes(z100_0, t, z50_0, lanes);                  /* 2^100 - 1 */
    for (k = 0; k < lanes; k++) t[k] = z100_0[k];
    sqn_lanes(t, 100, lanes);
    mul_lanes(t, t, z100_0, lanes);                      /* 2^200 - 1 */
    sqn_lanes(t, 50, lanes);
    mul_lanes(z250, t, z50_0, lanes);                    /* 2^250 - 1 */
}

void fe_invert(fe *h, const fe *z) {
    fe t, z11;
    pow2250_lanes(&t, &z11, z, 1);
    fe_sqn(&t, &t, 5);             /* 2^255 - 32 */
    fe_mul(h, &t, &z11);           /* 2^255 - 21 = p - 2 */
}

FE_LANES_INLINE void pow22523_lanes(fe *h, const fe *z, int lanes) {
    fe t[FE_LANES], z11[FE_LANES];
    pow2250_lanes(t, z11, z, lanes);
    sqn_lanes(t, 2, lanes);        /* 2^252 - 4 */
    mul_lanes(h, t, z, lanes);     /* 2^252 - 3 = (p - 5) / 8 */
}

void fe_pow22523(fe *h, const fe *z) { pow22523_lanes(h, z, 1); }

/* RFC 9496, section 4.2 (SQRT_RATIO_M1), step by step, on `lanes` independent inputs;
   was_square[k] is lane k's result flag. */
FE_LANES_INLINE void sqrt_ratio_m1_lanes(fe *out, int *was_square, const fe *u, const fe *v,
                                         int lanes) {
    fe v3[FE_LANES], v7[FE_LANES], r[FE_LANES], t[FE_LANES];
    int k;
    for (k = 0; k < lanes; k++) {
        fe_sq(&t[k], &v[k]);
        fe_mul(&v3[k], &t[k], &v[k]);         /* v^3 */
        fe_sq(&t[k], &v3[k]);
        fe_mul(&v7[k], &t[k], &v[k]);         /* v^7 */
        fe_mul(&t[k], &u[k], &v7[k]);         /* u v^7 */
    }
    pow22523_lanes(t, t, lanes);              /* (u v^7)^((p-5)/8) */
    for (k = 0; k < lanes; k++) {
        fe check, u_neg, u_neg_i, r_prime;
        int correct, flipped, flipped_i;
        fe_mul(&r[k], &u[k], &v3[k]);
        fe_mul(&r[k], &r[k], &t[k]);          /* r = (u v^3) (u v^7)^((p-5)/8) */
        fe_sq(&check, &r[k]);
        fe_mul(&check, &v[k], &check);        /* check = v r^2 */
        fe_neg(&u_neg, &u[k]);
        fe_mul(&u_neg_i, &u_neg, &FE_SQRT_M1);
        correct = fe_eq(&check, &u[k]);
        flipped = fe_eq(&check, &u_neg);
        flipped_i = fe_eq(&check, &u_neg_i);
        fe_mul(&r_prime, &r[k], &FE_SQRT_M1);
        fe_cmov(&r[k], &r_prime, (unsigned int)(flipped | flipped_i));
        fe_abs(&out[k], &r[k]);
        was_square[k] = correct | flipped;
    }
}

int fe_sqrt_ratio_m1(fe *out, const fe *u, const fe *v) {
    int was_square;
    sqrt_ratio_m1_lanes(out, &was_square, u, v, 1);
    return was_square;
}

void fe_invsqrt_x4(fe out[FE_LANES], int was_square[FE_LANES], const fe v[FE_LANES]) {
    fe one[FE_LANES];
    int k;
    for (k = 0; k < FE_LANES; k++) fe_1(&one[k]);
    sqrt_ratio_m1_lanes(out, was_square, one, v, FE_LANES);
}
