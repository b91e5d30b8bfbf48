/*
 * slot_checks.c: checks of csrc/slot_range.c not covered by tests/test_core.c (not yet
 * wired into .ci/c-checks.sh):
 *   ./slot_checks ctgrind   under valgrind memcheck (build with -DEVOTE_CTGRIND): bits,
 *                           s_L, s_R and alpha*H marked secret for evote_slot_a_commit,
 *                           evote_slot_prover_t and evote_slot_prover_lr; memcheck must
 *                           report nothing (valgrind -q --error-exitcode=1).
 *   ./slot_checks paths     prints a hash of A, t_1, t_2, l, r, every inner-product round
 *                           and the verifier's coefficients for fixed inputs: the int128
 *                           build and the -DEVOTE_NO_INT128 build must print the same.
 * Build: gcc -std=c99 -O2 -g -Icsrc $(ls csrc/[a-z]*.c) csrc/tests/slot_checks.c -o slot_checks
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef EVOTE_CTGRIND
#include <valgrind/memcheck.h>
#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#else
#define SECRET(p, n) ((void)(p), (void)(n))
#define PUBLIC(p, n) ((void)(p), (void)(n))
#endif
#include "evote.h"

static unsigned long long st = 0x9e3779b97f4a7c15ULL;
static void rnd(uint8_t *p, size_t n) { while (n--) { st ^= st << 13; st ^= st >> 7; st ^= st << 17; *p++ = (uint8_t)st; } }
static void rand_scalar(uint8_t s[32]) { uint8_t w[64]; rnd(w, 64); evote_scalar_reduce_wide(s, w); }
static unsigned long h = 5381;
static void mix(const uint8_t *p, size_t n) { while (n--) h = h * 33 + *p++; }

static int ctgrind(void) {
    enum { L = 3, B = 24, N = 128 };
    uint8_t *g = malloc(32 * N), *h = malloc(32 * N), u[32], w[64], *sl = malloc(32 * N), *sr = malloc(32 * N);
    uint8_t bits[N], yz[96], yinv[32], out[64], th[32], ah[32], one[32] = {1};
    uint8_t *state = malloc(128 * N);
    size_t i;
    int bad = 0, rep;
    for (i = 0; i < N; i++) { rnd(w, 64); evote_point_from_uniform(g + 32 * i, w); rnd(w, 64); evote_point_from_uniform(h + 32 * i, w); }
    rnd(w, 64); evote_point_from_uniform(u, w);
    uint8_t *gens = malloc(evote_slot_gens_size(N));
    if (evote_slot_gens_init(gens, g, h, u, N) != EVOTE_OK) return 2;
    for (rep = 0; rep < 2; rep++) {
        for (i = 0; i < N; i++) { bits[i] = (i < L * B) ? (uint8_t)(rnd(w, 1), w[0] & 1) : 0; rand_scalar(sl + 32 * i); rand_scalar(sr + 32 * i); }
        rand_scalar(yz); rand_scalar(yz + 32); rand_scalar(yz + 64);
        evote_scalar_invert(yinv, yz);
        rand_scalar(w); evote_scalarmult_base(ah, w);
        SECRET(bits, N); SECRET(sl, 32 * N); SECRET(sr, 32 * N); SECRET(ah, 32);
        bad |= evote_slot_a_commit(out, gens, bits, ah) != EVOTE_OK; PUBLIC(out, 32);
        bad |= evote_slot_prover_t(out, bits, sl, sr, yz, L, B) != EVOTE_OK; PUBLIC(out, 64);
        bad |= evote_slot_prover_lr(state, th, bits, sl, sr, yz, yinv, L, B) != EVOTE_OK;
        PUBLIC(state, 128 * N); PUBLIC(th, 32);
        PUBLIC(bits, N); PUBLIC(sl, 32 * N); PUBLIC(sr, 32 * N); PUBLIC(ah, 32);
    }
    (void)one;
    printf(bad ? "FAILED\n" : "ran\n");
    return bad;
}

static int paths(void) {
    enum { L = 3, B = 24, N = 128, R = 7 };
    uint8_t *g = malloc(32 * N), *hh = malloc(32 * N), u[32], w[64], *sl = malloc(32 * N), *sr = malloc(32 * N);
    uint8_t bits[N], yz[96], yinv[32], out[64], th[32], ah[32], sc[160], us[32 * R], uis[32 * R];
    uint8_t *state = malloc(128 * N), *next = malloc(128 * N), *acc = calloc(64 * N, 1);
    size_t i, n_cur;
    int rc = 0;
    for (i = 0; i < N; i++) { rnd(w, 64); evote_point_from_uniform(g + 32 * i, w); rnd(w, 64); evote_point_from_uniform(hh + 32 * i, w); }
    rnd(w, 64); evote_point_from_uniform(u, w);
    uint8_t *gens = malloc(evote_slot_gens_size(N));
    rc |= evote_slot_gens_init(gens, g, hh, u, N);
    for (i = 0; i < N; i++) { bits[i] = (i < L * B) ? (uint8_t)(rnd(w, 1), w[0] & 1) : 0; rand_scalar(sl + 32 * i); rand_scalar(sr + 32 * i); }
    rand_scalar(yz); rand_scalar(yz + 32); rand_scalar(yz + 64); evote_scalar_invert(yinv, yz);
    rand_scalar(w); evote_scalarmult_base(ah, w);
    rc |= evote_slot_a_commit(out, gens, bits, ah); mix(out, 32);
    rc |= evote_slot_prover_t(out, bits, sl, sr, yz, L, B); mix(out, 64);
    rc |= evote_slot_prover_lr(state, th, bits, sl, sr, yz, yinv, L, B); mix(state, 128 * N); mix(th, 32);
    for (n_cur = N; n_cur > 1; n_cur /= 2) {
        rc |= evote_slot_ipa_round_vartime(out, state, gens, n_cur, yz + 64); mix(out, 64);
        rand_scalar(w);
        rc |= evote_slot_ipa_fold(next, state, gens, n_cur, w); memcpy(state, next, 32 * (n_cur + 2 * N));
    }
    mix(state, 64);
    for (i = 0; i < 5; i++) rand_scalar(sc + 32 * i);
    for (i = 0; i < R; i++) { rand_scalar(us + 32 * i); evote_scalar_invert(uis + 32 * i, us + 32 * i); }
    rc |= evote_slot_range_coefs_vartime(acc, sc, us, uis, L, B); mix(acc, 64 * N);
    rc |= evote_slot_range_coefs_vartime(acc, sc, us, uis, L, B); mix(acc, 64 * N);
    printf("rc=%d hash=%016lx\n", rc, h);
    return rc != 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "paths") == 0) return paths();
    if (argc > 1 && strcmp(argv[1], "ctgrind") == 0) return ctgrind();
    fprintf(stderr, "usage: slot_checks ctgrind|paths\n");
    return 2;
}
