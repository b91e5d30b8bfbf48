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

int aggregate_vartime(uint8_t *out, const uint8_t *rows, size_t n_rows, size_t width,
                      size_t *bad_index) {
    ge_p3 *acc;
    size_t i, j;
    if (width == 0) return EVOTE_OK;
    acc = malloc(width * sizeof *acc);
    if (acc == NULL) return EVOTE_ERR_ARGUMENT;
    for (j = 0; j < width; j++) ge_p3_0(&acc[j]);
    for (i = 0; i < n_rows; i++) {
        for (j = 0; j < width; j++) {
            const uint8_t *enc = rows + 32 * (i * width + j);
            ge_p3 p;
            ge_precomp pc;
            ge_p1p1 t;
            fe tmp;
            if (!ristretto_decode(&p, enc)) {
                if (bad_index != NULL) *bad_index = i * width + j;
                free(acc);
                return EVOTE_ERR_ENCODING;
            }
            fe_add(&tmp, &p.Y, &p.X);
            fe_carry(&pc.yplusx, &tmp);
            fe_sub(&pc.yminusx, &p.Y, &p.X);
            fe_mul(&pc.xy2d, &p.T, &FE_D2);
            ge_madd(&t, &acc[j], &pc);
            ge_p1p1_to_p3(&acc[j], &t);
        }
    }
    for (j = 0; j < width; j++) ristretto_encode(out + 32 * j, &acc[j]);
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
    for (i = 0; i < n; i++) {
        ristretto_encode(out + 32 * i, &acc);
        ge_add(&t, &acc, &bc);
        ge_p1p1_to_p3(&acc, &t);
    }
    return EVOTE_OK;
}
