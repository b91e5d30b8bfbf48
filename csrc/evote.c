/*
 * evote.c: the exported interface (evote.h). Thin wrappers: validate every input
 * (canonical scalars, decodable points, argument shapes), call the private layers,
 * return a code, zero the outputs on any error, wipe secret temporaries.
 * Timing: the wrappers of constant-time operations branch only on public facts (an
 * input's validity, declassified with CT_DECLASSIFY); see ct.h.
 */
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "ct.h"
#include "evote.h"
#include "msm.h"
#include "ristretto.h"
#include "sc.h"
#include "scalarmult.h"

#ifndef EVOTE_CORE_VERSION
#define EVOTE_CORE_VERSION "unknown"
#endif

const char *evote_core_version(void) { return EVOTE_CORE_VERSION; }

int evote_core_uses_int128(void) {
#ifdef EVOTE_FE_RADIX51
    return 1;
#else
    return 0;
#endif
}

/* Canonicity of a (possibly secret) scalar, declassified: rejecting it is public. */
static int scalar_ok(const uint8_t s[32]) {
    int ok = sc_is_canonical(s);
    CT_DECLASSIFY(&ok, sizeof ok);
    return ok;
}

/* ---- scalars ---- */

int evote_scalar_is_canonical(const uint8_t s[32]) { return scalar_ok(s); }

void evote_scalar_reduce_wide(uint8_t out[32], const uint8_t in[64]) { sc_reduce_wide(out, in); }

#define SCALAR_BINOP(name, op)                                                    \
    int name(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]) {         \
        if (!scalar_ok(a) || !scalar_ok(b)) {                                     \
            memset(out, 0, 32);                                                   \
            return EVOTE_ERR_SCALAR;                                              \
        }                                                                         \
        op(out, a, b);                                                            \
        return EVOTE_OK;                                                          \
    }

SCALAR_BINOP(evote_scalar_add, sc_add)
SCALAR_BINOP(evote_scalar_sub, sc_sub)
SCALAR_BINOP(evote_scalar_mul, sc_mul)

int evote_scalar_neg(uint8_t out[32], const uint8_t a[32]) {
    if (!scalar_ok(a)) {
        memset(out, 0, 32);
        return EVOTE_ERR_SCALAR;
    }
    sc_neg(out, a);
    return EVOTE_OK;
}

int evote_scalar_invert(uint8_t out[32], const uint8_t a[32]) {
    int zero;
    if (!scalar_ok(a)) {
        memset(out, 0, 32);
        return EVOTE_ERR_SCALAR;
    }
    zero = sc_is_zero(a);
    CT_DECLASSIFY(&zero, sizeof zero);   /* the documented exception */
    if (zero) {
        memset(out, 0, 32);
        return EVOTE_ERR_ZERO;
    }
    sc_invert(out, a);
    return EVOTE_OK;
}

/* ---- points ---- */

int evote_point_is_valid(const uint8_t p[32]) {
    ge_p3 q;
    return ristretto_decode(&q, p);
}

int evote_point_add(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]) {
    ge_p3 p, q;
    if (!ristretto_decode(&p, a) || !ristretto_decode(&q, b)) {
        memset(out, 0, 32);
        return EVOTE_ERR_ENCODING;
    }
    ge_p3_add(&p, &p, &q);
    ristretto_encode(out, &p);
    return EVOTE_OK;
}

int evote_point_sub(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]) {
    ge_p3 p, q;
    if (!ristretto_decode(&p, a) || !ristretto_decode(&q, b)) {
        memset(out, 0, 32);
        return EVOTE_ERR_ENCODING;
    }
    ge_p3_neg(&q, &q);
    ge_p3_add(&p, &p, &q);
    ristretto_encode(out, &p);
    return EVOTE_OK;
}

int evote_point_neg(uint8_t out[32], const uint8_t a[32]) {
    ge_p3 p;
    if (!ristretto_decode(&p, a)) {
        memset(out, 0, 32);
        return EVOTE_ERR_ENCODING;
    }
    ge_p3_neg(&p, &p);
    ristretto_encode(out, &p);
    return EVOTE_OK;
}

void evote_point_from_uniform(uint8_t out[32], const uint8_t in[64]) {
    ge_p3 p;
    ristretto_from_uniform(&p, in);
    ristretto_encode(out, &p);
}

int evote_points_validate(const uint8_t *points, size_t n, size_t *bad_index) {
    enum { BLOCK = 64 };   /* decoded a block at a time (ristretto_decode_batch) */
    size_t i, k;
    ge_p3 q[BLOCK];
    int ok[BLOCK];
    if ((n > 0 && points == NULL) || n > ((size_t)-1) / 32) return EVOTE_ERR_ARGUMENT;
    for (i = 0; i < n; i += BLOCK) {
        size_t m = n - i < BLOCK ? n - i : BLOCK;
        k = ristretto_decode_batch(q, ok, points + 32 * i, m);
        if (k < m) {
            if (bad_index != NULL) *bad_index = i + k;
            return EVOTE_ERR_ENCODING;
        }
    }
    return EVOTE_OK;
}

/* ---- constant-time scalar multiplication ---- */

int evote_scalarmult(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]) {
    ge_p3 p, r;
    if (!scalar_ok(scalar)) {
        memset(out, 0, 32);
        return EVOTE_ERR_SCALAR;
    }
    if (!ristretto_decode(&p, point)) {
        memset(out, 0, 32);
        return EVOTE_ERR_ENCODING;
    }
    ge_scalarmult(&r, scalar, &p);
    ristretto_encode(out, &r);
    ct_wipe(&r, sizeof r);
    return EVOTE_OK;
}

int evote_scalarmult_base(uint8_t out[32], const uint8_t scalar[32]) {
    ge_p3 r;
    if (!scalar_ok(scalar)) {
        memset(out, 0, 32);
        return EVOTE_ERR_SCALAR;
    }
    ge_scalarmult_base(&r, scalar);
    ristretto_encode(out, &r);
    ct_wipe(&r, sizeof r);
    return EVOTE_OK;
}

size_t evote_basetable_size(void) { return BASETABLE_SIZE; }

int evote_basetable_init(uint8_t *table, const uint8_t point[32]) {
    ge_p3 p;
    if (table == NULL) return EVOTE_ERR_ARGUMENT;
    if (!ristretto_decode(&p, point)) {
        memset(table, 0, BASETABLE_SIZE);
        return EVOTE_ERR_ENCODING;
    }
    basetable_build(table, &p, point);
    return EVOTE_OK;
}

int evote_basetable_mul(uint8_t out[32], const uint8_t *table, const uint8_t s[32]) {
    ge_p3 r;
    if (table == NULL || !basetable_check(table)) {
        memset(out, 0, 32);
        return EVOTE_ERR_ARGUMENT;
    }
    if (!scalar_ok(s)) {
        memset(out, 0, 32);
        return EVOTE_ERR_SCALAR;
    }
    basetable_mul(&r, table + BASETABLE_HEADER, s);
    ristretto_encode(out, &r);
    ct_wipe(&r, sizeof r);
    return EVOTE_OK;
}

int evote_basetable_mul2(uint8_t out[32], const uint8_t *table_a, const uint8_t a[32],
                         const uint8_t *table_b, const uint8_t b[32]) {
    ge_p3 r;
    if (table_a == NULL || table_b == NULL || !basetable_check(table_a) ||
        !basetable_check(table_b)) {
        memset(out, 0, 32);
        return EVOTE_ERR_ARGUMENT;
    }
    if (!scalar_ok(a) || !scalar_ok(b)) {
        memset(out, 0, 32);
        return EVOTE_ERR_SCALAR;
    }
    basetable_mul2(&r, table_a + BASETABLE_HEADER, a, table_b + BASETABLE_HEADER, b);
    ristretto_encode(out, &r);
    ct_wipe(&r, sizeof r);
    return EVOTE_OK;
}

/* ---- variable time ---- */

int evote_double_scalarmult_vartime(uint8_t out[32], const uint8_t a[32],
                                    const uint8_t p[32], const uint8_t b[32]) {
    ge_p3 q, r;
    if (!scalar_ok(a) || !scalar_ok(b)) {
        memset(out, 0, 32);
        return EVOTE_ERR_SCALAR;
    }
    if (!ristretto_decode(&q, p)) {
        memset(out, 0, 32);
        return EVOTE_ERR_ENCODING;
    }
    ge_double_scalarmult_vartime(&r, a, &q, b);
    ristretto_encode(out, &r);
    return EVOTE_OK;
}

/* Points are decoded and multiplied in chunks of this many, so that memory stays bounded
   (about 100 MB per chunk, allocated once) whatever n is; at this size Pippenger's window
   is already at its cap, so chunking costs only the per-chunk bucket sums (about 3%). */
#ifndef EVOTE_MSM_CHUNK
#define EVOTE_MSM_CHUNK ((size_t)1 << 18)   /* tests build with a small value */
#endif
#define MSM_CHUNK ((size_t)(EVOTE_MSM_CHUNK))

/* The msm of evote_msm_vartime, and when with_columns also the column sums of
   evote_msm_colsum_vartime from the same decoded points. Checks its arguments; on error
   the outputs are zeroed. */
static int msm_impl(uint8_t out[32], int with_columns, uint8_t *sums, const uint8_t *scalars,
                    const uint8_t *points, const int32_t *columns, size_t n, size_t n_columns,
                    size_t *bad_index) {
    /* out may alias an input: it is written only after every input has been read. */
    ge_p3 *pts = NULL, *acc_col = NULL, r, acc;
    int *ok = NULL;
    size_t i, start;
    int rc = EVOTE_OK;
    if ((n > 0 && (scalars == NULL || points == NULL)) || n > ((size_t)-1) / 32 ||
        (with_columns && (n_columns > ((size_t)-1) / 32 / sizeof(ge_p3) ||
                          (n_columns > 0 && sums == NULL) || (n > 0 && columns == NULL)))) {
        rc = EVOTE_ERR_ARGUMENT;
        goto done;
    }
    for (i = 0; i < n; i++) {
        if (!sc_is_canonical(scalars + 32 * i)) {
            if (bad_index != NULL) *bad_index = i;
            rc = EVOTE_ERR_SCALAR;
            goto done;
        }
        if (with_columns && (columns[i] < -1 || (columns[i] >= 0 && (size_t)columns[i] >= n_columns))) {
            if (bad_index != NULL) *bad_index = i;
            rc = EVOTE_ERR_ARGUMENT;
            goto done;
        }
    }
    if (with_columns && n_columns > 0) {
        acc_col = malloc(n_columns * sizeof *acc_col);
        if (acc_col == NULL) {
            rc = EVOTE_ERR_ARGUMENT;
            goto done;
        }
        for (i = 0; i < n_columns; i++) ge_p3_0(&acc_col[i]);
    }
    ge_p3_0(&acc);
    if (n > 0) {
        pts = malloc((n < MSM_CHUNK ? n : MSM_CHUNK) * sizeof *pts);
        ok = malloc((n < MSM_CHUNK ? n : MSM_CHUNK) * sizeof *ok);
        if (pts == NULL || ok == NULL) {
            rc = EVOTE_ERR_ARGUMENT;
            goto done;
        }
    }
    for (start = 0; start < n; start += MSM_CHUNK) {
        size_t m = n - start < MSM_CHUNK ? n - start : MSM_CHUNK;
        i = ristretto_decode_batch(pts, ok, points + 32 * start, m);
        if (i < m) {
            if (bad_index != NULL) *bad_index = start + i;
            rc = EVOTE_ERR_ENCODING;
            goto done;
        }
        if (acc_col != NULL) {
            for (i = 0; i < m; i++) {
                int32_t col = columns[start + i];
                if (col >= 0) ge_p3_add(&acc_col[col], &acc_col[col], &pts[i]);
            }
        }
        if (!ge_msm_vartime(&r, scalars + 32 * start, pts, m)) {
            rc = EVOTE_ERR_ARGUMENT;
            goto done;
        }
        ge_p3_add(&acc, &acc, &r);
    }
    ristretto_encode(out, &acc);
    if (acc_col != NULL) ristretto_encode_batch(sums, acc_col, n_columns);
done:
    free(pts);
    free(ok);
    free(acc_col);
    if (rc != EVOTE_OK) {
        memset(out, 0, 32);
        if (with_columns && sums != NULL && n_columns > 0 &&
            n_columns <= ((size_t)-1) / 32 / sizeof(ge_p3)) {
            memset(sums, 0, 32 * n_columns);
        }
    }
    return rc;
}

int evote_msm_vartime(uint8_t out[32], const uint8_t *scalars, const uint8_t *points,
                      size_t n, size_t *bad_index) {
    return msm_impl(out, 0, NULL, scalars, points, NULL, n, 0, bad_index);
}

int evote_msm_colsum_vartime(uint8_t out[32], uint8_t *sums, const uint8_t *scalars,
                             const uint8_t *points, const int32_t *columns, size_t n,
                             size_t n_columns, size_t *bad_index) {
    return msm_impl(out, 1, sums, scalars, points, columns, n, n_columns, bad_index);
}

int evote_msm_uniform_vartime(uint8_t out[32], const uint8_t *scalars, const uint8_t *uniform,
                              size_t n, size_t *bad_index) {
    /* The points are made here by the one-way map and never encoded nor decoded: a
       verifier's generators cost two lockstep square roots each, not four. */
    ge_p3 *pts = NULL, r, acc;
    fe *scratch = NULL;
    size_t i, start;
    int rc = EVOTE_OK;
    if ((n > 0 && (scalars == NULL || uniform == NULL)) || n > ((size_t)-1) / 64) {
        rc = EVOTE_ERR_ARGUMENT;
        goto done;
    }
    for (i = 0; i < n; i++) {
        if (!sc_is_canonical(scalars + 32 * i)) {
            if (bad_index != NULL) *bad_index = i;
            rc = EVOTE_ERR_SCALAR;
            goto done;
        }
    }
    ge_p3_0(&acc);
    if (n > 0) {
        pts = malloc((n < MSM_CHUNK ? n : MSM_CHUNK) * sizeof *pts);
        scratch = malloc((n < MSM_CHUNK ? n : MSM_CHUNK) * sizeof *scratch);
        if (pts == NULL || scratch == NULL) {
            rc = EVOTE_ERR_ARGUMENT;
            goto done;
        }
    }
    for (start = 0; start < n; start += MSM_CHUNK) {
        size_t m = n - start < MSM_CHUNK ? n - start : MSM_CHUNK;
        ristretto_from_uniform_batch(pts, uniform + 64 * start, m);
        msm_normalize_batch(pts, scratch, m);
        if (!ge_msm_vartime(&r, scalars + 32 * start, pts, m)) {
            rc = EVOTE_ERR_ARGUMENT;
            goto done;
        }
        ge_p3_add(&acc, &acc, &r);
    }
    ristretto_encode(out, &acc);
done:
    free(pts);
    free(scratch);
    if (rc != EVOTE_OK) memset(out, 0, 32);
    return rc;
}

int evote_multiples_vartime(uint8_t *out, const uint8_t base[32], size_t n) {
    int rc;
    if ((n > 0 && out == NULL) || n > ((size_t)-1) / 32) return EVOTE_ERR_ARGUMENT;
    rc = multiples_vartime(out, base, n);
    if (rc != EVOTE_OK && n > 0) memset(out, 0, 32 * n);
    return rc;
}

int evote_aggregate_vartime(uint8_t *out, const uint8_t *rows, size_t n_rows, size_t width,
                            size_t *bad_index) {
    int rc;
    if (width > 0 && out == NULL) return EVOTE_ERR_ARGUMENT;
    if (n_rows > 0 && width > 0 && rows == NULL) {
        memset(out, 0, 32 * width);
        return EVOTE_ERR_ARGUMENT;
    }
    if (width != 0 && n_rows > ((size_t)-1) / 32 / width) {
        memset(out, 0, 32 * width);
        return EVOTE_ERR_ARGUMENT;
    }
    rc = aggregate_vartime(out, rows, n_rows, width, bad_index);
    if (rc != EVOTE_OK && width > 0) memset(out, 0, 32 * width);
    return rc;
}
