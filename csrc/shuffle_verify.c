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
 */
#include <stdlib.h>
#include <string.h>

#include "evote.h"
#include "ge.h"
#include "ristretto.h"
#include "sc.h"

int evote_shuffle_chunk_vartime(uint8_t out[64], const uint8_t *u_digests, const uint8_t *sp,
                                int has_next, const uint8_t params[288],
                                const uint8_t *points, const uint8_t *gen_uniform, size_t m,
                                size_t *bad_index) {
    const uint8_t *c = params, *e_first = params + 32, *e = params + 64, *x1 = params + 96,
                  *x2 = params + 128, *x3 = params + 160, *xa = params + 192,
                  *xb = params + 224, *x5 = params + 256;
    uint8_t x1c[32], x3c[32], xac[32], xbc[32], x5e[32], x5e_next[32], u[32], t[32],
        t2[32], prod[32], part_p[32], part_h[32];
    uint8_t *sc_pts = NULL, *sc_gen = NULL;
    size_t k, n_sp;
    int rc = EVOTE_OK;
    ge_p3 a, b;
    memset(out, 0, 64);
    if (params == NULL || m == 0 || m > ((size_t)-1) / 512 || u_digests == NULL ||
        sp == NULL || points == NULL || gen_uniform == NULL)
        return EVOTE_ERR_ARGUMENT;
    for (k = 0; k < 9; k++)
        if (!sc_is_canonical(params + 32 * k)) return EVOTE_ERR_ARGUMENT;
    n_sp = m + (has_next ? 1 : 0);
    for (k = 0; k < n_sp; k++) {
        if (!sc_is_canonical(sp + 32 * k)) {
            if (bad_index != NULL) *bad_index = k;
            return EVOTE_ERR_SCALAR;
        }
    }
    sc_pts = malloc(6 * 32 * m);   /* c (m), chat (m), inputs (2m), outputs (2m) */
    sc_gen = malloc(32 * m);
    if (sc_pts == NULL || sc_gen == NULL) {
        rc = EVOTE_ERR_ARGUMENT;
        goto done;
    }
    sc_mul(x1c, x1, c);
    sc_mul(x3c, x3, c);
    sc_mul(xac, xa, c);
    sc_mul(xbc, xb, c);
    sc_mul(x5e, x5, e_first);                    /* x_5 e_i for the chunk's first i */
    memset(prod, 0, 32);
    prod[0] = 1;
    for (k = 0; k < m; k++) {
        const uint8_t *spk = sp + 32 * k;
        uint8_t *chain = sc_pts + 32 * (m + k);
        sc_reduce_wide(u, u_digests + 64 * k);   /* u_i = digest mod l */
        sc_mul(prod, prod, u);
        sc_mul(t, x3c, u);
        sc_add(t, t, x1c);
        sc_neg(sc_pts + 32 * k, t);                            /* c_i */
        sc_mul(t, xac, u);
        sc_neg(sc_pts + 32 * (2 * m + 2 * k), t);              /* alpha_i */
        sc_mul(t, xbc, u);
        sc_neg(sc_pts + 32 * (2 * m + 2 * k + 1), t);          /* beta_i */
        sc_mul(sc_pts + 32 * (4 * m + 2 * k), xa, spk);        /* alpha'_i */
        sc_mul(sc_pts + 32 * (4 * m + 2 * k + 1), xb, spk);    /* beta'_i */
        sc_mul(t, x3, spk);
        sc_add(sc_gen + 32 * k, t, x1c);                       /* h_i */
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
    rc = evote_msm_vartime(part_p, sc_pts, points, 6 * m, bad_index);
    if (rc != EVOTE_OK) goto done;
    rc = evote_msm_uniform_vartime(part_h, sc_gen, gen_uniform, m, NULL);
    if (rc != EVOTE_OK) goto done;
    if (!ristretto_decode(&a, part_p) || !ristretto_decode(&b, part_h)) {
        rc = EVOTE_ERR_ARGUMENT;   /* unreachable: our own encodings */
        goto done;
    }
    ge_p3_add(&a, &a, &b);
    ristretto_encode(out, &a);
    memcpy(out + 32, prod, 32);
done:
    free(sc_pts);
    free(sc_gen);
    if (rc != EVOTE_OK) memset(out, 0, 64);
    return rc;
}
