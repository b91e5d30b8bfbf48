/*
 * fe25.h: field arithmetic mod 2^255-19 in radix 2^25.5 (ten uint32 limbs at bit
 * positions 0,26,51,77,102,128,153,179,204,230; even limbs 26 bits, odd limbs 25 bits;
 * products in uint64). The portable path for compilers without unsigned __int128
 * (32-bit ARM). Included by fe.h only; see fe.h for the bounds contract.
 *
 * Product rule: limb i times limb j lands at limb i+j, times 2 when i and j are both odd
 * (25+25-bit positions sum to one bit more than the nominal position), times 19 when
 * i+j >= 10 (2^255 = 19 mod p). Column bounds for 2x-tight inputs (even limbs < 2^27,
 * odd limbs < 2^26): each term < 2^27 * 19 * 2^27 < 2^59.3, ten terms < 2^62.7.
 * Every function is constant time.
 */
#ifndef EVOTE_FE25_H
#define EVOTE_FE25_H

#define FE25_M26 ((uint32_t)0x3ffffff)
#define FE25_M25 ((uint32_t)0x1ffffff)

static inline void fe_0(fe *h) { int i; for (i = 0; i < 10; i++) h->v[i] = 0; }
static inline void fe_1(fe *h) { fe_0(h); h->v[0] = 1; }
static inline void fe_copy(fe *h, const fe *f) { *h = *f; }

static inline void fe_add(fe *h, const fe *f, const fe *g) {
    int i;
    EVOTE_UNROLL
    for (i = 0; i < 10; i++) h->v[i] = f->v[i] + g->v[i];
}

/* Carry 64-bit column values into a tight fe (each input < 2^63). */
static inline void fe25_reduce64(fe *h, uint64_t r[10]) {
    uint64_t c;
    c = r[0] >> 26; r[0] &= FE25_M26; r[1] += c;
    c = r[1] >> 25; r[1] &= FE25_M25; r[2] += c;
    c = r[2] >> 26; r[2] &= FE25_M26; r[3] += c;
    c = r[3] >> 25; r[3] &= FE25_M25; r[4] += c;
    c = r[4] >> 26; r[4] &= FE25_M26; r[5] += c;
    c = r[5] >> 25; r[5] &= FE25_M25; r[6] += c;
    c = r[6] >> 26; r[6] &= FE25_M26; r[7] += c;
    c = r[7] >> 25; r[7] &= FE25_M25; r[8] += c;
    c = r[8] >> 26; r[8] &= FE25_M26; r[9] += c;
    c = r[9] >> 25; r[9] &= FE25_M25; r[0] += 19 * c;
    c = r[0] >> 26; r[0] &= FE25_M26; r[1] += c;
    {
        int i;
        EVOTE_UNROLL
        for (i = 0; i < 10; i++) h->v[i] = (uint32_t)r[i];
    }
}

static inline void fe_carry(fe *h, const fe *f) {
    uint64_t r[10];
    int i;
    EVOTE_UNROLL
    for (i = 0; i < 10; i++) r[i] = f->v[i];
    fe25_reduce64(h, r);
}

/* h = f - g computed as f + 4p - g (no underflow for 2x-tight g), then carried. */
static inline void fe_sub(fe *h, const fe *f, const fe *g) {
    uint64_t r[10];
    int i;
    r[0] = (uint64_t)f->v[0] + 0xfffffb4u - g->v[0];
    EVOTE_UNROLL
    for (i = 1; i < 10; i++)
        r[i] = (uint64_t)f->v[i] + ((i & 1) ? 0x7fffffcu : 0xffffffcu) - g->v[i];
    fe25_reduce64(h, r);
}

static inline void fe_neg(fe *h, const fe *f) {
    fe z;
    fe_0(&z);
    fe_sub(h, &z, f);
}

#define FE25_M(a, b) ((uint64_t)(a) * (b))

/* h = f * g, inputs at most 2x tight, output tight. */
static inline void fe_mul(fe *h, const fe *f, const fe *g) {
    uint32_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    uint32_t f5 = f->v[5], f6 = f->v[6], f7 = f->v[7], f8 = f->v[8], f9 = f->v[9];
    uint32_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
    uint32_t g5 = g->v[5], g6 = g->v[6], g7 = g->v[7], g8 = g->v[8], g9 = g->v[9];
    uint32_t f1_2 = 2 * f1, f3_2 = 2 * f3, f5_2 = 2 * f5, f7_2 = 2 * f7, f9_2 = 2 * f9;
    uint32_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
    uint32_t g5_19 = 19 * g5, g6_19 = 19 * g6, g7_19 = 19 * g7, g8_19 = 19 * g8;
    uint32_t g9_19 = 19 * g9;
    uint64_t r[10];
#define M FE25_M
    r[0] = M(f0, g0) + M(f1_2, g9_19) + M(f2, g8_19) + M(f3_2, g7_19) + M(f4, g6_19) + M(f5_2, g5_19) + M(f6, g4_19) + M(f7_2, g3_19) + M(f8, g2_19) + M(f9_2, g1_19);
    r[1] = M(f0, g1) + M(f1, g0) + M(f2, g9_19) + M(f3, g8_19) + M(f4, g7_19) + M(f5, g6_19) + M(f6, g5_19) + M(f7, g4_19) + M(f8, g3_19) + M(f9, g2_19);
    r[2] = M(f0, g2) + M(f1_2, g1) + M(f2, g0) + M(f3_2, g9_19) + M(f4, g8_19) + M(f5_2, g7_19) + M(f6, g6_19) + M(f7_2, g5_19) + M(f8, g4_19) + M(f9_2, g3_19);
    r[3] = M(f0, g3) + M(f1, g2) + M(f2, g1) + M(f3, g0) + M(f4, g9_19) + M(f5, g8_19) + M(f6, g7_19) + M(f7, g6_19) + M(f8, g5_19) + M(f9, g4_19);
    r[4] = M(f0, g4) + M(f1_2, g3) + M(f2, g2) + M(f3_2, g1) + M(f4, g0) + M(f5_2, g9_19) + M(f6, g8_19) + M(f7_2, g7_19) + M(f8, g6_19) + M(f9_2, g5_19);
    r[5] = M(f0, g5) + M(f1, g4) + M(f2, g3) + M(f3, g2) + M(f4, g1) + M(f5, g0) + M(f6, g9_19) + M(f7, g8_19) + M(f8, g7_19) + M(f9, g6_19);
    r[6] = M(f0, g6) + M(f1_2, g5) + M(f2, g4) + M(f3_2, g3) + M(f4, g2) + M(f5_2, g1) + M(f6, g0) + M(f7_2, g9_19) + M(f8, g8_19) + M(f9_2, g7_19);
    r[7] = M(f0, g7) + M(f1, g6) + M(f2, g5) + M(f3, g4) + M(f4, g3) + M(f5, g2) + M(f6, g1) + M(f7, g0) + M(f8, g9_19) + M(f9, g8_19);
    r[8] = M(f0, g8) + M(f1_2, g7) + M(f2, g6) + M(f3_2, g5) + M(f4, g4) + M(f5_2, g3) + M(f6, g2) + M(f7_2, g1) + M(f8, g0) + M(f9_2, g9_19);
    r[9] = M(f0, g9) + M(f1, g8) + M(f2, g7) + M(f3, g6) + M(f4, g5) + M(f5, g4) + M(f6, g3) + M(f7, g2) + M(f8, g1) + M(f9, g0);
#undef M
    fe25_reduce64(h, r);
}

/* Column sums of f^2 into r[10] (shared by fe_sq and fe_sq2). */
static inline void fe25_sq_columns(uint64_t r[10], const fe *f) {
    uint32_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    uint32_t f5 = f->v[5], f6 = f->v[6], f7 = f->v[7], f8 = f->v[8], f9 = f->v[9];
    uint32_t f0_2 = 2 * f0, f1_2 = 2 * f1, f2_2 = 2 * f2, f3_2 = 2 * f3, f4_2 = 2 * f4;
    uint32_t f5_2 = 2 * f5, f6_2 = 2 * f6, f7_2 = 2 * f7, f8_2 = 2 * f8, f9_2 = 2 * f9;
    uint32_t f1_4 = 4 * f1, f3_4 = 4 * f3, f5_4 = 4 * f5, f7_4 = 4 * f7;
    uint32_t f5_19 = 19 * f5, f6_19 = 19 * f6, f7_19 = 19 * f7, f8_19 = 19 * f8;
    uint32_t f9_19 = 19 * f9;
#define M FE25_M
    r[0] = M(f0, f0) + M(f1_4, f9_19) + M(f2_2, f8_19) + M(f3_4, f7_19) + M(f4_2, f6_19) + M(f5_2, f5_19);
    r[1] = M(f0_2, f1) + M(f2_2, f9_19) + M(f3_2, f8_19) + M(f4_2, f7_19) + M(f5_2, f6_19);
    r[2] = M(f0_2, f2) + M(f1_2, f1) + M(f3_4, f9_19) + M(f4_2, f8_19) + M(f5_4, f7_19) + M(f6, f6_19);
    r[3] = M(f0_2, f3) + M(f1_2, f2) + M(f4_2, f9_19) + M(f5_2, f8_19) + M(f6_2, f7_19);
    r[4] = M(f0_2, f4) + M(f1_4, f3) + M(f2, f2) + M(f5_4, f9_19) + M(f6_2, f8_19) + M(f7_2, f7_19);
    r[5] = M(f0_2, f5) + M(f1_2, f4) + M(f2_2, f3) + M(f6_2, f9_19) + M(f7_2, f8_19);
    r[6] = M(f0_2, f6) + M(f1_4, f5) + M(f2_2, f4) + M(f3_2, f3) + M(f7_4, f9_19) + M(f8, f8_19);
    r[7] = M(f0_2, f7) + M(f1_2, f6) + M(f2_2, f5) + M(f3_2, f4) + M(f8_2, f9_19);
    r[8] = M(f0_2, f8) + M(f1_4, f7) + M(f2_2, f6) + M(f3_4, f5) + M(f4, f4) + M(f9_2, f9_19);
    r[9] = M(f0_2, f9) + M(f1_2, f8) + M(f2_2, f7) + M(f3_2, f6) + M(f4_2, f5);
#undef M
}

static inline void fe_sq(fe *h, const fe *f) {
    uint64_t r[10];
    fe25_sq_columns(r, f);
    fe25_reduce64(h, r);
}

static inline void fe_sq2(fe *h, const fe *f) {
    uint64_t r[10];
    int i;
    fe25_sq_columns(r, f);
    EVOTE_UNROLL
    for (i = 0; i < 10; i++) r[i] <<= 1;   /* columns < 2^62.7 before doubling */
    fe25_reduce64(h, r);
}

/* h = f * c for c < 2^17. */
static inline void fe_mul_small(fe *h, const fe *f, uint32_t c) {
    uint64_t r[10];
    int i;
    EVOTE_UNROLL
    for (i = 0; i < 10; i++) r[i] = (uint64_t)f->v[i] * c;
    fe25_reduce64(h, r);
}

static inline void fe_cmov(fe *h, const fe *f, unsigned int b) {
    uint32_t m = ct_mask32(b);
    int i;
    EVOTE_UNROLL
    for (i = 0; i < 10; i++) h->v[i] ^= m & (h->v[i] ^ f->v[i]);
}

static inline void fe_cswap(fe *f, fe *g, unsigned int b) {
    uint32_t m = ct_mask32(b), x;
    int i;
    EVOTE_UNROLL
    for (i = 0; i < 10; i++) {
        x = m & (f->v[i] ^ g->v[i]);
        f->v[i] ^= x;
        g->v[i] ^= x;
    }
}

#endif
