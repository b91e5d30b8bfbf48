/*
 * shuffle_verify.c: one chunk task of the shuffle verifier's batch (exported
 * evote_shuffle_chunk_vartime; specs/shuffle.md section 6, "Batch form" and "Chunks").
 * Public data only: variable time.
 *
 * For the items k = 1..m of a chunk (global index i = first + k), with u_i reduced here
 * from its digest, sp_i the proof's responses, e_i = e^i and the verifier's weights:
 *   c_i       -(x_1 c + x_3 c u_i)            h_i (one-way map)   x_1 c + x_3 sp_i
 *   alpha_i   -(x_a c u_i)                    alpha'_i            x_a sp_i
 *   beta_i    -(x_b c u_i)                    beta'_i             x_b sp_i
 *   chat_i    x_5 e_{i+1} sp_{i+1} - x_5 e_i c     (i < N: sp_{i+1} may be the next chunk's)
 *   chat_N    -(x_2 c + x_5 e_N c)
 * and returns enc(sum of coefficient x point) || le32(prod u_i). The Python verifier
 * (protocol/shuffle.py) adds the G, K, Q and t terms; tests/test_shuffle_chunks.py checks
 * these coefficients against the table computed with Python integers.
 *
 * A chain of mixes (list 0 -> mix 1 -> list 1 -> ... -> list K) is checked in one msm per
 * chunk: mix k's coefficients for list k (its outputs) and mix k+1's for the same points
 * (its inputs) are added, and so are every mix's coefficients of h_i, so each list point
 * is decoded once and each generator mapped once for all the mixes.
 */
#include <stdlib.h>
#include <string.h>

#include "evote.h"
#include "ge.h"
#include "ristretto.h"
#include "sc.h"

/* The coefficients of mix k's own points (c_i, chat_i) and its share of the list points
   and generators, added into sc_lists (k - 1: its inputs, k: its outputs) and sc_gen. */
static void mix_coefficients(uint8_t *sc_own, uint8_t *sc_in, uint8_t *sc_out, uint8_t *sc_gen,
                             uint8_t prod[32], const uint8_t *u_digests, const uint8_t *sp,
                             size_t n_sp, const uint8_t params[288], size_t m) {
    const uint8_t *c = params, *e_first = params + 32, *e = params + 64, *x1 = params + 96,
                  *x2 = params + 128, *x3 = params + 160, *xa = params + 192,
                  *xb = params + 224, *x5 = params + 256;
    uint8_t x1c[32], x3c[32], xac[32], xbc[32], x5e[32], x5e_next[32], u[32], t[32], t2[32];
    size_t k;
    sc_mul(x1c, x1, c);
    sc_mul(x3c, x3, c);
    sc_mul(xac, xa, c);
    sc_mul(xbc, xb, c);
    sc_mul(x5e, x5, e_first);                    /* x_5 e_i for the chunk's first i */
    memset(prod, 0, 32);
    prod[0] = 1;
    for (k = 0; k < m; k++) {
        const uint8_t *spk = sp + 32 * k;
        uint8_t *chain = sc_own + 32 * (m + k);
        sc_reduce_wide(u, u_digests + 64 * k);   /* u_i = digest mod l */
        sc_mul(prod, prod, u);
        sc_mul(t, x3c, u);
        sc_add(t, t, x1c);
        sc_neg(sc_own + 32 * k, t);                            /* c_i */
        sc_mul(t, xac, u);
        sc_sub(sc_in + 64 * k, sc_in + 64 * k, t);             /* alpha_i (input) */
        sc_mul(t, xbc, u);
        sc_sub(sc_in + 64 * k + 32, sc_in + 64 * k + 32, t);   /* beta_i (input) */
        sc_mul(t, xa, spk);
        sc_add(sc_out + 64 * k, sc_out + 64 * k, t);           /* alpha'_i (output) */
        sc_mul(t, xb, spk);
        sc_add(sc_out + 64 * k + 32, sc_out + 64 * k + 32, t); /* beta'_i (output) */
        sc_mul(t, x3, spk);
        sc_add(t, t, x1c);
        sc_add(sc_gen + 32 * k, sc_gen + 32 * k, t);           /* h_i */
        sc_mul(x5e_next, x5e, e);
        sc_mul(t2, x5e, c);
        if (k + 1 < n_sp) {                                    /* chat_i, i < N */
            sc_mul(t, x5e_next, sp + 32 * (k + 1));
            sc_sub(chain, t, t2);
        } else {                                               /* chat_N */
            sc_mul(t, x2, c);
            sc_add(t, t, t2);
            sc_neg(chain, t);
        }
        memcpy(x5e, x5e_next, 32);
    }
}

int evote_shuffle_chain_chunk_vartime(uint8_t *out, size_t n_mixes, const uint8_t *u_digests,
                                      const uint8_t *sp, int has_next, const uint8_t *params,
                                      const uint8_t *proof_points, const uint8_t *lists,
                                      const uint8_t *gen_uniform, size_t m,
                                      size_t *bad_index) {
    uint8_t part_p[32], part_h[32];
    uint8_t *sc = NULL, *sc_gen = NULL;
    size_t k, j, n_sp, n_pts;
    int rc = EVOTE_OK;
    ge_p3 a, b;
    if (out == NULL) return EVOTE_ERR_ARGUMENT;
    if (n_mixes == 0 || n_mixes > 64 || params == NULL || m == 0 ||
        m > ((size_t)-1) / (512 * (n_mixes + 1)) || u_digests == NULL || sp == NULL ||
        proof_points == NULL || lists == NULL || gen_uniform == NULL) {
        memset(out, 0, 32 + 32 * (n_mixes <= 64 ? n_mixes : 0));
        return EVOTE_ERR_ARGUMENT;
    }
    memset(out, 0, 32 + 32 * n_mixes);
    n_sp = m + (has_next ? 1 : 0);
    for (k = 0; k < n_mixes; k++) {
        for (j = 0; j < 9; j++)
            if (!sc_is_canonical(params + 288 * k + 32 * j)) return EVOTE_ERR_ARGUMENT;
        for (j = 0; j < n_sp; j++) {
            if (!sc_is_canonical(sp + 32 * (n_sp * k + j))) {
                if (bad_index != NULL) *bad_index = n_sp * k + j;
                return EVOTE_ERR_SCALAR;
            }
        }
    }
    /* One msm over the mixes' own points (c then chat, 2m per mix) and the n_mixes + 1
       lists (2m each: list k is mix k's outputs and mix k+1's inputs, decoded once). */
    n_pts = 2 * m * n_mixes + 2 * m * (n_mixes + 1);
    sc = calloc(n_pts, 32);
    sc_gen = calloc(m, 32);
    if (sc == NULL || sc_gen == NULL) {
        rc = EVOTE_ERR_ARGUMENT;
        goto done;
    }
    for (k = 0; k < n_mixes; k++) {
        uint8_t *sc_lists = sc + 32 * 2 * m * n_mixes;
        mix_coefficients(sc + 32 * 2 * m * k, sc_lists + 32 * 2 * m * k,
                         sc_lists + 32 * 2 * m * (k + 1), sc_gen, out + 32 + 32 * k,
                         u_digests + 64 * m * k, sp + 32 * n_sp * k, n_sp, params + 288 * k, m);
    }
    {
        /* proof points and lists side by side, as the msm takes them */
        uint8_t *pts = malloc(32 * n_pts);
        if (pts == NULL) {
            rc = EVOTE_ERR_ARGUMENT;
            goto done;
        }
        memcpy(pts, proof_points, 32 * 2 * m * n_mixes);
        memcpy(pts + 32 * 2 * m * n_mixes, lists, 32 * 2 * m * (n_mixes + 1));
        rc = evote_msm_vartime(part_p, sc, pts, n_pts, bad_index);
        free(pts);
    }
    if (rc != EVOTE_OK) goto done;
    rc = evote_msm_uniform_vartime(part_h, sc_gen, gen_uniform, m, NULL);
    if (rc != EVOTE_OK) goto done;
    if (!ristretto_decode(&a, part_p) || !ristretto_decode(&b, part_h)) {
        rc = EVOTE_ERR_ARGUMENT;   /* unreachable: our own encodings */
        goto done;
    }
    ge_p3_add(&a, &a, &b);
    ristretto_encode(out, &a);
done:
    free(sc);
    free(sc_gen);
    if (rc != EVOTE_OK) memset(out, 0, 32 + 32 * n_mixes);
    return rc;
}

int evote_shuffle_chunk_vartime(uint8_t out[64], const uint8_t *u_digests, const uint8_t *sp,
                                int has_next, const uint8_t params[288],
                                const uint8_t *points, const uint8_t *gen_uniform, size_t m,
                                size_t *bad_index) {
    /* one mix: points = c (m), chat (m), inputs (2m), outputs (2m) */
    if (points == NULL) {
        if (out != NULL) memset(out, 0, 64);
        return EVOTE_ERR_ARGUMENT;
    }
    return evote_shuffle_chain_chunk_vartime(out, 1, u_digests, sp, has_next, params, points,
                                             points + 64 * m, gen_uniform, m, bad_index);
}
