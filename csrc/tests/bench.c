/*
 * bench.c: C timing driver for the evote core (not a test; numbers for tuning).
 * Build: gcc -std=c99 -O2 -Icsrc (every csrc .c file) csrc/tests/bench.c -o bench -ldl
 * Prints microseconds per operation; where libsodium is loadable at run time
 * (libsodium.so.23), the same operations of its ristretto255 as anchors.
 * Usage: bench [quick] [cpu]  ("quick" skips the n = 65536 MSM and shortens runs; "cpu"
 * times with the thread's CPU clock, for loaded machines).
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evote.h"
#include "fe.h"
#include "msm.h"
#include "ristretto.h"

/* "cpu" mode: thread CPU time instead of wall time, so that on a loaded machine long
   operations (msm, aggregate) are not charged for the time other processes ran. */
static int use_cpu = 0;
static double now(void) {
    struct timespec ts;
    clock_gettime(use_cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double min_time = 0.3;
static volatile uint8_t sink;

/* Time body in batches of about 5 ms for min_time seconds in all; report the fastest
   batch in microseconds per call (the minimum is robust to other load on the machine). */
#define TIME_US(result, body)                                                   \
    do {                                                                        \
        long _batch = 1, _i;                                                    \
        double _t0, _t, _best = 1e30, _start = now();                           \
        for (;;) { /* calibrate the batch size */                               \
            _t0 = now();                                                        \
            for (_i = 0; _i < _batch; _i++) { body; }                           \
            _t = now() - _t0;                                                   \
            if (_t > 0.005 || _batch >= (1L << 24)) break;                      \
            _batch *= 2;                                                        \
        }                                                                       \
        _best = _t / (double)_batch;                                            \
        while (now() - _start < min_time) {                                     \
            _t0 = now();                                                        \
            for (_i = 0; _i < _batch; _i++) { body; }                           \
            _t = (now() - _t0) / (double)_batch;                                \
            if (_t < _best) _best = _t;                                         \
        }                                                                       \
        result = 1e6 * _best;                                                   \
    } while (0)

#define TEST_RNG_SEED 0x9e3779b97f4a7c15ULL
#include "test_rng.h"

typedef int (*sod2)(unsigned char *, const unsigned char *);
typedef int (*sod3)(unsigned char *, const unsigned char *, const unsigned char *);
typedef int (*sod1)(const unsigned char *);

int main(int argc, char **argv) {
    int quick = 0, k_arg;
    for (k_arg = 1; k_arg < argc; k_arg++) {
        if (strcmp(argv[k_arg], "quick") == 0) quick = 1;
        if (strcmp(argv[k_arg], "cpu") == 0) use_cpu = 1;
    }
    uint8_t a[32], b[32], P[32], out[32];
    uint8_t *ta = malloc(evote_basetable_size()), *tb = malloc(evote_basetable_size());
    double t_sm, t, t2;
    fe f, g;
    ge_p3 p3;
    void *sod;
    if (quick) min_time = 0.1;
    if (argc > 1 && strcmp(argv[1], "tune") == 0) {   /* Straus vs Pippenger windows */
        static const size_t ns[] = {16, 32, 64, 128, 256, 1024, 4096, 16384, 65536};
        size_t k, i, nmax = 65536;
        uint8_t *sc = malloc(32 * nmax), *pt = malloc(32 * nmax);
        ge_p3 *pts = malloc(nmax * sizeof(ge_p3)), r;
        min_time = 0.2;
        for (i = 0; i < nmax; i++) {
            rand_scalar(sc + 32 * i);
            if (i < 1024) rand_point(pt + 32 * i);
            else memcpy(pt + 32 * i, pt + 32 * (i % 1024), 32);
            ristretto_decode(&pts[i], pt + 32 * i);
        }
        for (k = 0; k < sizeof ns / sizeof ns[0]; k++) {
            size_t n = ns[k];
            int c;
            printf("n=%-6u", (unsigned)n);
            if (n <= 256) {
                TIME_US(t, ge_msm_straus_vartime(&r, sc, pts, n));
                printf(" straus %.2f", t / (double)n);
            }
            for (c = 4; c <= 16; c++) {
                if (((size_t)1 << c) > 4 * n || ((size_t)1 << c) < n / 64) continue;
                TIME_US(t, ge_msm_pippenger_vartime(&r, sc, pts, n, c));
                printf(" c%d %.2f", c, t / (double)n);
            }
            printf("  (us/point, decoding excluded)\n");
        }
        return 0;
    }
    rand_scalar(a);
    rand_scalar(b);
    rand_point(P);
    evote_basetable_init(ta, P);
    evote_scalarmult_base(out, (const uint8_t *)"\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    evote_basetable_init(tb, out);
    printf("evote core %s, %s field\n", evote_core_version(),
           evote_core_uses_int128() ? "radix 2^51" : "radix 2^25.5");

    fe_frombytes(&f, P);
    fe_frombytes(&g, a);
    TIME_US(t, fe_mul(&f, &f, &g));
    printf("%-34s %9.4f us\n", "fe_mul", t);
    TIME_US(t, fe_sq(&f, &f));
    printf("%-34s %9.4f us\n", "fe_sq", t);
    TIME_US(t, fe_invert(&f, &f));
    printf("%-34s %9.3f us\n", "fe_invert", t);
    sink = (uint8_t)f.v[0];

    TIME_US(t, sink ^= (uint8_t)evote_point_is_valid(P));
    printf("%-34s %9.3f us\n", "decode (point_is_valid)", t);
    ristretto_decode(&p3, P);
    TIME_US(t, ristretto_encode(out, &p3));
    printf("%-34s %9.3f us\n", "encode", t);
    TIME_US(t_sm, evote_scalarmult(out, a, P));
    printf("%-34s %9.3f us\n", "scalarmult (ct, variable base)", t_sm);
    TIME_US(t, evote_scalarmult_base(out, a));
    printf("%-34s %9.3f us\n", "scalarmult_base (ct, G table)", t);
    TIME_US(t, evote_basetable_mul(out, ta, a));
    printf("%-34s %9.3f us\n", "basetable_mul (ct)", t);
    TIME_US(t, evote_basetable_mul2(out, ta, a, tb, b));
    printf("%-34s %9.3f us\n", "basetable_mul2 (ct)", t);
    TIME_US(t, evote_basetable_init(ta, P));
    printf("%-34s %9.3f us\n", "basetable_init", t);
    TIME_US(t, evote_double_scalarmult_vartime(out, a, P, b));
    printf("%-34s %9.3f us\n", "double_scalarmult_vartime", t);
    TIME_US(t, evote_point_add(out, P, out));
    printf("%-34s %9.3f us\n", "point_add (2 decodes + encode)", t);
    TIME_US(t, evote_scalar_mul(out, a, b));
    printf("%-34s %9.3f us\n", "scalar_mul", t);
    TIME_US(t, evote_scalar_invert(out, a));
    printf("%-34s %9.3f us\n", "scalar_invert", t);

    {
        static const size_t sizes[] = {64, 1024, 65536};
        size_t k, nmax = quick ? 1024 : 65536, i, bad;
        uint8_t *sc = malloc(32 * nmax), *pt = malloc(32 * nmax);
        for (i = 0; i < nmax; i++) {
            rand_scalar(sc + 32 * i);
            if (i < 1024) rand_point(pt + 32 * i);
            else memcpy(pt + 32 * i, pt + 32 * (i % 1024), 32);
        }
        for (k = 0; k < 3; k++) {
            size_t n = sizes[k];
            if (n > nmax) break;
            TIME_US(t, evote_msm_vartime(out, sc, pt, n, &bad));
            printf("msm_vartime n=%-6u %14.3f us/point  (%.3f of one ct scalarmult)\n",
                   (unsigned)n, t / (double)n, t / (double)n / t_sm);
        }
        TIME_US(t, evote_points_validate(pt, 1024, &bad));
        printf("%-34s %9.3f us/point\n", "points_validate n=1024", t / 1024);
        {
            size_t rows = quick ? 128 : 1024, width = 8;   /* reuse pt as rows x width */
            uint8_t *o = malloc(32 * width), *blob = malloc(32 * rows * width);
            for (i = 0; i < rows * width; i++) memcpy(blob + 32 * i, pt + 32 * (i % 1024), 32);
            TIME_US(t, evote_aggregate_vartime(o, blob, rows, width, &bad));
            printf("aggregate_vartime %ux%u %12.0f points/s\n", (unsigned)rows, (unsigned)width,
                   (double)(rows * width) / (t * 1e-6));
            free(o);
            free(blob);
        }
        free(sc);
        free(pt);
    }

    sod = dlopen("libsodium.so.23", RTLD_NOW);
    if (sod == NULL) sod = dlopen("libsodium.so", RTLD_NOW);
    if (sod != NULL) {
        int (*init)(void) = (int (*)(void))dlsym(sod, "sodium_init");
        sod3 sm = (sod3)dlsym(sod, "crypto_scalarmult_ristretto255");
        sod2 smb = (sod2)dlsym(sod, "crypto_scalarmult_ristretto255_base");
        sod1 valid = (sod1)dlsym(sod, "crypto_core_ristretto255_is_valid_point");
        sod3 ncl = (sod3)dlsym(sod, "crypto_scalarmult_ed25519_noclamp");
        sod2 nclb = (sod2)dlsym(sod, "crypto_scalarmult_ed25519_base_noclamp");
        if (init && sm && smb && valid) {

            init();
            TIME_US(t, sm(out, a, P));
            TIME_US(t2, smb(out, a));
            printf("libsodium ristretto255: scalarmult %.3f us, base %.3f us, ", t, t2);
            TIME_US(t, sink ^= (uint8_t)valid(P));
            printf("is_valid_point %.3f us\n", t);
            if (ncl && nclb) {   /* the anchors, call by call interleaved with ours */
                uint8_t ed[32];
                int k;
                double t0, best_s = 1e9, best_o = 1e9, bb_s = 1e9, bb_o = 1e9, x;
                nclb(ed, a);
                for (k = 0; k < (quick ? 300 : 2000); k++) {
                    t0 = now(); ncl(out, b, ed); x = now() - t0; if (x < best_s) best_s = x;
                    t0 = now(); evote_scalarmult(out, a, P); x = now() - t0; if (x < best_o) best_o = x;
                    t0 = now(); nclb(out, a); x = now() - t0; if (x < bb_s) bb_s = x;
                    t0 = now(); evote_scalarmult_base(out, a); x = now() - t0; if (x < bb_o) bb_o = x;
                }
                printf("ct scalarmult / ed25519_noclamp      %.3f (%.3f / %.3f us, interleaved minima)\n",
                       best_o / best_s, 1e6 * best_o, 1e6 * best_s);
                printf("ct base / ed25519_base_noclamp       %.3f (%.3f / %.3f us, interleaved minima)\n",
                       bb_o / bb_s, 1e6 * bb_o, 1e6 * bb_s);
            }
        }
    }
    free(ta);
    free(tb);
    return 0;
}
