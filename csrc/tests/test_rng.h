/*
 * test_rng.h: deterministic xorshift64 bytes, scalars and points for the C drivers
 * (ctgrind.c, bench.c). Test data only: never a source of secrets. The including file
 * defines TEST_RNG_SEED first, so each driver keeps its own fixed sequence.
 */
#ifndef EVOTE_TEST_RNG_H
#define EVOTE_TEST_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "evote.h"

#ifndef TEST_RNG_SEED
#error "define TEST_RNG_SEED before including test_rng.h"
#endif

static uint64_t st = TEST_RNG_SEED;

static inline void rnd(uint8_t *b, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        st ^= st << 13;
        st ^= st >> 7;
        st ^= st << 17;
        b[i] = (uint8_t)st;
    }
}

static inline void rand_scalar(uint8_t s[32]) {
    uint8_t w[64];
    rnd(w, 64);
    evote_scalar_reduce_wide(s, w);
}

static inline void rand_point(uint8_t p[32]) {
    uint8_t w[64];
    rnd(w, 64);
    evote_point_from_uniform(p, w);
}

#endif
