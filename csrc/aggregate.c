/*
 * aggregate.c: homomorphic column sums (tallying) and consecutive multiples (baby steps
 * of a discrete logarithm). Public data only: variable time.
 *
 * aggregate: every encoding is decoded exactly once (the dominant cost: one inverse
 * square root each), added into its column's accumulator as a mixed addition (decoded
 * points have Z = 1), and each column is encoded once at the end.
 */
#include <stdlib.h>

#include "aggregate.h"
#include "consts.h"
#include "evote.h"
#include "ristretto.h"

/* Encodings are decoded AGG_BLOCK at a time (ristretto_decode_batch), in row-major order. */
#define AGG_BLOCK 64

int aggregate_vartime(uint8_t *out, const uint8_t *rows, size_t n_rows, size_t width,
                      size_t *bad_index) {
    ge_p3 *acc, p[AGG_BLOCK];
    int ok[AGG_BLOCK];
    size_t total, start, k, col;
    if (width == 0) return EVOTE_OK;
    acc = malloc(width * sizeof *acc);
    if (acc == NULL) return EVOTE_ERR_ARGUMENT;
    for (col = 0; col < width; col++) ge_p3_0(&acc[col]);
    total = n_rows * width;   /* no overflow: the caller bounds n_rows * width * 32 */
    col = 0;                  /* invariant: col = start mod width */
    for (start = 0; start < total; start += AGG_BLOCK) {
        size_t m = total - start < AGG_BLOCK ? total - start : AGG_BLOCK;
        k = ristretto_decode_batch(p, ok, rows + 32 * start, m);
        if (k < m) {
            if (bad_index != NULL) *bad_index = start + k;
            free(acc);
            return EVOTE_ERR_ENCODING;
        }
        for (k = 0; k < m; k++) {
            ge_precomp pc;
            ge_p1p1 t;
            fe tmp;
            /* decoded points have Z = 1: (y + x, y - x, 2 d t) is their affine form */
            fe_add(&tmp, &p[k].Y, &p[k].X);
            fe_carry(&pc.yplusx, &tmp);
            fe_sub(&pc.yminusx, &p[k].Y, &p[k].X);
            fe_mul(&pc.xy2d, &p[k].T, &FE_D2);
            ge_madd(&t, &acc[col], &pc);
            ge_p1p1_to_p3(&acc[col], &t);
            if (++col == width) col = 0;
        }
    }
    ristretto_encode_batch(out, acc, width);
    free(acc);
    return EVOTE_OK;
}

int multiples_vartime(uint8_t *out, const uint8_t base[32], size_t n) {
    ge_p3 b, acc;
    ge_cached bc;
    ge_p1p1 t;
    size_t i;
    if (!ristretto_decode(&b, base)) return EVOTE_ERR_ENCODING;
    ge_p3_to_cached(&bc, &b);
    ge_p3_0(&acc);
    for (i = 0; i < n; i += AGG_BLOCK) {   /* AGG_BLOCK multiples, then one batch encode */
        ge_p3 block[AGG_BLOCK];
        size_t k, m = n - i < AGG_BLOCK ? n - i : AGG_BLOCK;
        for (k = 0; k < m; k++) {
            block[k] = acc;
            ge_add(&t, &acc, &bc);
            ge_p1p1_to_p3(&acc, &t);
        }
        ristretto_encode_batch(out + 32 * i, block, m);
    }
    return EVOTE_OK;
}
