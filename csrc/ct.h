/*
 * ct.h: constant-time helpers shared by csrc/ (private).
 *
 * The select idiom: a condition b in {0,1} becomes a mask m = 0 - b (all ones or zero),
 * and a move is written h ^= m & (h ^ f). Nothing branches or indexes on b.
 * Why a barrier: an optimiser that can prove b is 0 or 1 may turn the masked arithmetic
 * back into a branch or cmov-free jump. ct_barrier_u32/u64 hide the value's range from it
 * (an empty asm statement with the value as an in/out operand on gcc/clang; a plain
 * identity elsewhere). valgrind in .ci/c-checks.sh reports any branch that reappears.
 */
#ifndef EVOTE_CT_H
#define EVOTE_CT_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
static inline uint32_t ct_barrier_u32(uint32_t x) { __asm__("" : "+r"(x)); return x; }
#if UINTPTR_MAX > 0xffffffffu
static inline uint64_t ct_barrier_u64(uint64_t x) { __asm__("" : "+r"(x)); return x; }
#else
static inline uint64_t ct_barrier_u64(uint64_t x) {
    uint32_t lo = (uint32_t)x, hi = (uint32_t)(x >> 32);
    __asm__("" : "+r"(lo), "+r"(hi));
    return ((uint64_t)hi << 32) | lo;
}
#endif
#else
static inline uint32_t ct_barrier_u32(uint32_t x) { return x; }
static inline uint64_t ct_barrier_u64(uint64_t x) { return x; }
#endif

/*
 * Declassification: a few results computed from secrets are public by design (a scalar
 * is canonical or not; an inverse's input was zero). Code marks them with
 * CT_DECLASSIFY before branching on them. Normally a no-op; the valgrind constant-time
 * check (csrc/tests/ctgrind.c, -DEVOTE_CTGRIND) makes it tell memcheck the bytes are
 * defined, so only unintended secret-dependent branches are reported.
 */
#ifdef EVOTE_CTGRIND
#include <valgrind/memcheck.h>
#define CT_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define CT_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

/* Complete unrolling of short constant-trip loops: gcc -O2 leaves 5- to 16-iteration
   loops rolled, which costs up to 15% in the hot paths. */
#if defined(__clang__)
#define EVOTE_UNROLL _Pragma("unroll")
#elif defined(__GNUC__) && __GNUC__ >= 8
#define EVOTE_UNROLL _Pragma("GCC unroll 16")
#else
#define EVOTE_UNROLL
#endif

/* 1 if x == 0 else 0, without a branch. */
static inline uint32_t ct_is_zero_u32(uint32_t x) {
    return (uint32_t)(1 ^ (((uint64_t)x | (0 - (uint64_t)x)) >> 63));
}
/* 1 if a == b else 0. */
static inline uint32_t ct_eq_u32(uint32_t a, uint32_t b) { return ct_is_zero_u32(a ^ b); }

/* all-ones if b == 1, zero if b == 0 */
static inline uint32_t ct_mask32(uint32_t b) { return ct_barrier_u32(0u - b); }
static inline uint64_t ct_mask64(uint32_t b) { return ct_barrier_u64(0 - (uint64_t)b); }

/* 1 if the n bytes are equal, constant time in their contents. */
static inline int ct_bytes_eq(const uint8_t *a, const uint8_t *b, size_t n) {
    uint32_t d = 0;
    size_t i;
    for (i = 0; i < n; i++) d |= (uint32_t)(a[i] ^ b[i]);
    return (int)ct_is_zero_u32(d);
}

/* Overwrite n bytes with zeros in a way the compiler may not drop (volatile stores). */
static inline void ct_wipe(void *p, size_t n) {
    volatile uint8_t *q = (volatile uint8_t *)p;
    while (n--) *q++ = 0;
}

#endif
