/*
 * fe51.h: field arithmetic mod 2^255-19 in radix 2^51 (five uint64 limbs, products in
 * unsigned __int128). Included by fe.h only; see fe.h for the bounds contract.
 * Every function is constant time.
 */
#ifndef EVOTE_FE51_H
#define EVOTE_FE51_H

/* Forced inlining: these are small and sit in the innermost loops of every layer. */
#if defined(__GNUC__) || defined(__clang__)
#define FE51_INLINE static inline __attribute__((always_inline))
#else
#define FE51_INLINE static inline
#endif

#define FE51_MASK ((uint64_t)0x7ffffffffffffULL)
typedef unsigned __int128 fe_u128;

FE51_INLINE void fe_0(fe *h) { h->v[0] = h->v[1] = h->v[2] = h->v[3] = h->v[4] = 0; }
FE51_INLINE void fe_1(fe *h) { fe_0(h); h->v[0] = 1; }
FE51_INLINE void fe_copy(fe *h, const fe *f) { *h = *f; }

FE51_INLINE void fe_add(fe *h, const fe *f, const fe *g) {
    h->v[0] = f->v[0] + g->v[0];
    h->v[1] = f->v[1] + g->v[1];
    h->v[2] = f->v[2] + g->v[2];
    h->v[3] = f->v[3] + g->v[3];
    h->v[4] = f->v[4] + g->v[4];
}

/* One carry pass: limbs < 2^64 in, limbs < 2^51 out except limb 0 < 2^51 + 19*2^13. */
FE51_INLINE void fe51_carry(uint64_t h[5]) {
    uint64_t c;
    c = h[0] >> 51; h[0] &= FE51_MASK; h[1] += c;
    c = h[1] >> 51; h[1] &= FE51_MASK; h[2] += c;
    c = h[2] >> 51; h[2] &= FE51_MASK; h[3] += c;
    c = h[3] >> 51; h[3] &= FE51_MASK; h[4] += c;
    c = h[4] >> 51; h[4] &= FE51_MASK; h[0] += 19 * c;
}

FE51_INLINE void fe_carry(fe *h, const fe *f) { *h = *f; fe51_carry(h->v); }

/* h = f - g computed as f + 4p - g (no underflow for g < 2^53), then carried. */
FE51_INLINE void fe_sub(fe *h, const fe *f, const fe *g) {
    h->v[0] = (f->v[0] + 0x1fffffffffffb4ULL) - g->v[0];
    h->v[1] = (f->v[1] + 0x1ffffffffffffcULL) - g->v[1];
    h->v[2] = (f->v[2] + 0x1ffffffffffffcULL) - g->v[2];
    h->v[3] = (f->v[3] + 0x1ffffffffffffcULL) - g->v[3];
    h->v[4] = (f->v[4] + 0x1ffffffffffffcULL) - g->v[4];
    fe51_carry(h->v);
}

FE51_INLINE void fe_neg(fe *h, const fe *f) {
    fe z;
    fe_0(&z);
    fe_sub(h, &z, f);
}

/* Carry five 128-bit column sums into a tight result. Bounds: with input limbs below
   2^54 (fe_mul, fe_sq) or 2^53 (fe_sq2, whose columns are doubled) every column is below
   2^115 (so each r_i >> 51 fits 64 bits) and r4 < 2^111, so c = r4 >> 51 < 2^60 and
   h0 + 19 c < 2^64: the wrap-around fold needs only 64-bit arithmetic. The callers only
   ever pass at most 2x tight limbs (< 2^52.1). */
FE51_INLINE void fe51_reduce128(fe *h, fe_u128 r0, fe_u128 r1, fe_u128 r2, fe_u128 r3,
                                fe_u128 r4) {
    uint64_t h0, h1, h2, h3, h4, c;
    r1 += (uint64_t)(r0 >> 51); h0 = (uint64_t)r0 & FE51_MASK;
    r2 += (uint64_t)(r1 >> 51); h1 = (uint64_t)r1 & FE51_MASK;
    r3 += (uint64_t)(r2 >> 51); h2 = (uint64_t)r2 & FE51_MASK;
    r4 += (uint64_t)(r3 >> 51); h3 = (uint64_t)r3 & FE51_MASK;
    c = (uint64_t)(r4 >> 51);   h4 = (uint64_t)r4 & FE51_MASK;
    h0 += c * 19;
    h1 += h0 >> 51; h0 &= FE51_MASK;   /* h1 < 2^51 + 2^13: tight */
    h->v[0] = h0; h->v[1] = h1; h->v[2] = h2; h->v[3] = h3; h->v[4] = h4;
}

#define FE51_M(a, b) ((fe_u128)(a) * (b))

/* h = f * g. Inputs: limbs < 2^54 (so 19*limb < 2^59). Output tight. Constant time. */
FE51_INLINE void fe_mul(fe *h, const fe *f, const fe *g) {
    uint64_t f0 = f->v[0], f1 = f->v[1], f2 = f->v[2], f3 = f->v[3], f4 = f->v[4];
    uint64_t g0 = g->v[0], g1 = g->v[1], g2 = g->v[2], g3 = g->v[3], g4 = g->v[4];
    uint64_t g1_19 = 19 * g1, g2_19 = 19 * g2, g3_19 = 19 * g3, g4_19 = 19 * g4;
    fe_u128 r0, r1, r2, r3, r4;
    r0 = FE51_M(f0, g0) + FE51_M(f1, g4_19) + FE51_M(f2, g3_19) + FE51_M(f3, g2_19) + FE51_M(f4, g1_19);
    r1 = FE51_M(f0, g1) + FE51_M(f1, g0) + FE51_M(f2, g4_19) + FE51_M(f3, g3_19) + FE51_M(f4, g2_19);
    r2 = FE51_M(f0, g2) + FE51_M(f1, g1) + FE51_M(f2, g0) + FE51_M(f3, g4_19) + FE51_M(f4, g3_19);
    r3 = FE51_M(f0, g3) + FE51_M(f1, g2) + FE51_M(f2, g1) + FE51_M(f3, g0) + FE51_M(f4, g4_19);
    r4 = FE51_M(f0, g4) + FE51_M(f1, g3) + FE51_M(f2, g2) + FE51_M(f3, g1) + FE51_M(f4, g0);
    fe51_reduce128(h, r0, r1, r2, r3, r4);
}

/* Column sums of f^2 (shared by fe_sq and fe_sq2). */
#define FE51_SQ_COLUMNS(f)                                                              \
    uint64_t f0 = (f)->v[0], f1 = (f)->v[1], f2 = (f)->v[2], f3 = (f)->v[3], f4 = (f)->v[4]; \
    uint64_t f0_2 = 2 * f0, f1_2 = 2 * f1, f2_2 = 2 * f2;                               \
    uint64_t f3_19 = 19 * f3, f4_19 = 19 * f4;                                          \
    fe_u128 r0 = FE51_M(f0, f0) + FE51_M(f1_2, f4_19) + FE51_M(f2_2, f3_19);            \
    fe_u128 r1 = FE51_M(f0_2, f1) + FE51_M(f2_2, f4_19) + FE51_M(f3, f3_19);            \
    fe_u128 r2 = FE51_M(f0_2, f2) + FE51_M(f1, f1) + FE51_M(2 * f3, f4_19);             \
    fe_u128 r3 = FE51_M(f0_2, f3) + FE51_M(f1_2, f2) + FE51_M(f4, f4_19);               \
    fe_u128 r4 = FE51_M(f0_2, f4) + FE51_M(f1_2, f3) + FE51_M(f2, f2)

FE51_INLINE void fe_sq(fe *h, const fe *f) {
    FE51_SQ_COLUMNS(f);
    fe51_reduce128(h, r0, r1, r2, r3, r4);
}

FE51_INLINE void fe_sq2(fe *h, const fe *f) {
    FE51_SQ_COLUMNS(f);
    fe51_reduce128(h, r0 << 1, r1 << 1, r2 << 1, r3 << 1, r4 << 1);
}

/* h = f * c for c < 2^17. */
FE51_INLINE void fe_mul_small(fe *h, const fe *f, uint32_t c) {
    fe51_reduce128(h, FE51_M(f->v[0], c), FE51_M(f->v[1], c), FE51_M(f->v[2], c),
                   FE51_M(f->v[3], c), FE51_M(f->v[4], c));
}

FE51_INLINE void fe_cmov(fe *h, const fe *f, unsigned int b) {
    uint64_t m = ct_mask64(b);
    h->v[0] ^= m & (h->v[0] ^ f->v[0]);
    h->v[1] ^= m & (h->v[1] ^ f->v[1]);
    h->v[2] ^= m & (h->v[2] ^ f->v[2]);
    h->v[3] ^= m & (h->v[3] ^ f->v[3]);
    h->v[4] ^= m & (h->v[4] ^ f->v[4]);
}

FE51_INLINE void fe_cswap(fe *f, fe *g, unsigned int b) {
    uint64_t m = ct_mask64(b), x;
    int i;
    EVOTE_UNROLL
    for (i = 0; i < 5; i++) {
        x = m & (f->v[i] ^ g->v[i]);
        f->v[i] ^= x;
        g->v[i] ^= x;
    }
}

#endif
