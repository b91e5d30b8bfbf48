/*
 * msm.c: variable-time multi-scalar multiplication. Public data only: branches and
 * table indices depend on the scalars' digits.
 *
 *  - Straus (interleaved wNAF, w = 5): one shared chain of ~253 doublings, and per point
 *    a table of its odd multiples P, 3P, ..., 15P (cached form) and about 253/6
 *    additions. Best for small n.
 *  - Pippenger (bucket method) with signed radix-2^c digits in [-2^(c-1), 2^(c-1)]:
 *    per window, each point is added to (or subtracted from) bucket |digit|, then
 *    sum_b b * bucket[b] is formed with two running sums; windows are combined by c
 *    doublings. Points enter buckets as affine precomp (1M each: decoded points have
 *    Z = 1), so each bucket addition is a mixed addition (3M) plus the conversion back
 *    to extended coordinates (4M); an empty bucket just takes a copy of the point.
 */
#include <stdlib.h>
#include <string.h>

#include "consts.h"
#include "msm.h"
#include "ristretto.h"

int msm_wnaf_vartime(int8_t naf[MSM_NAF_LEN], const uint8_t s[32], int w) {
    uint64_t x[6] = {0, 0, 0, 0, 0, 0};
    int pos = 0, top = -1, carry = 0, i, j;
    const int width = 1 << w, half = 1 << (w - 1);
    for (i = 0; i < 4; i++)
        for (j = 7; j >= 0; j--) x[i] = (x[i] << 8) | s[8 * i + j];
    memset(naf, 0, MSM_NAF_LEN);
    while (pos < MSM_NAF_LEN) {   /* x[4], x[5] = 0 pad the reads */
        int idx = pos / 64, sh = pos % 64, window;
        uint64_t bits = x[idx] >> sh;
        if (sh != 0) bits |= x[idx + 1] << (64 - sh);
        if (((bits & 1) ^ (uint64_t)carry) == 0) {   /* low bit of window + carry is 0 */
            pos++;
            continue;
        }
        window = carry + (int)(bits & (uint64_t)(width - 1));
        if (window < half) {
            naf[pos] = (int8_t)window;
            carry = 0;
        } else {
            naf[pos] = (int8_t)(window - width);
            carry = 1;
        }
        top = pos;
        pos += w;
    }
    return top;
}

/* tab[k] = (2k+1) P for k < 8, cached form. */
static void odd_multiples(ge_cached tab[8], const ge_p3 *p) {
    ge_p1p1 t;
    ge_p3 p2, q;
    ge_cached p2c;
    int k;
    ge_p3_dbl(&t, p);
    ge_p1p1_to_p3(&p2, &t);
    ge_p3_to_cached(&p2c, &p2);
    ge_p3_to_cached(&tab[0], p);
    q = *p;
    for (k = 1; k < 8; k++) {
        ge_add(&t, &q, &p2c);
        ge_p1p1_to_p3(&q, &t);
        ge_p3_to_cached(&tab[k], &q);
    }
}

/* Straus over n points with caller-provided scratch: tabs[n][8], nafs[n][MSM_NAF_LEN]. */
static void straus_core(ge_p3 *r, const uint8_t *scalars, const ge_p3 *points, size_t n,
                        ge_cached (*tabs)[8], int8_t (*nafs)[MSM_NAF_LEN]) {
    size_t i;
    int top = -1, pos;
    ge_p3 acc;
    ge_p1p1 t;
    ge_p2 q;
    for (i = 0; i < n; i++) {
        int ti = msm_wnaf_vartime(nafs[i], scalars + 32 * i, 5);
        if (ti > top) top = ti;
        odd_multiples(tabs[i], &points[i]);
    }
    /* acc lives in p2 form between doublings (3M per conversion) and is promoted to p3
       (4M) only where an addition follows. */
    ge_p3_0(&acc);
    ge_p3_to_p2(&q, &acc);
    for (pos = top; pos >= 0; pos--) {
        size_t last = n;   /* index of the last nonzero digit at pos, n if none */
        ge_p2_dbl(&t, &q);
        for (i = n; i-- > 0;)
            if (nafs[i][pos] != 0) {
                last = i;
                break;
            }
        if (last == n) {
            if (pos > 0) ge_p1p1_to_p2(&q, &t);
            else ge_p1p1_to_p3(&acc, &t);
            continue;
        }
        ge_p1p1_to_p3(&acc, &t);
        for (i = 0; i <= last; i++) {
            int d = nafs[i][pos];
            if (d == 0) continue;
            if (d > 0) ge_add(&t, &acc, &tabs[i][d / 2]);
            else ge_sub(&t, &acc, &tabs[i][(-d) / 2]);
            if (i < last || pos == 0) ge_p1p1_to_p3(&acc, &t);
            else ge_p1p1_to_p2(&q, &t);
        }
    }
    *r = acc;
}

int ge_msm_straus_vartime(ge_p3 *r, const uint8_t *scalars, const ge_p3 *points, size_t n) {
    ge_cached (*tabs)[8];
    int8_t (*nafs)[MSM_NAF_LEN];
    ge_p3_0(r);
    if (n == 0) return 1;
    tabs = malloc(n * sizeof *tabs);
    nafs = malloc(n * sizeof *nafs);
    if (tabs == NULL || nafs == NULL) {
        free(tabs);
        free(nafs);
        return 0;
    }
    straus_core(r, scalars, points, n, tabs, nafs);
    free(tabs);
    free(nafs);
    return 1;
}

void ge_double_scalarmult_vartime(ge_p3 *r, const uint8_t a[32], const ge_p3 *p,
                                  const uint8_t b[32]) {
    ge_cached tabs[2][8];
    int8_t nafs[2][MSM_NAF_LEN];
    uint8_t scalars[64];
    ge_p3 pts[2];
    memcpy(scalars, a, 32);
    memcpy(scalars + 32, b, 32);
    pts[0] = *p;
    ristretto_generator(&pts[1]);
    straus_core(r, scalars, pts, 2, tabs, nafs);
}

/* Signed radix-2^c digits of scalar s (carry-chained from the low digits), written to
   digits[j * stride] for the nwin windows j: window-major, so that each window's pass
   over the points reads its digits sequentially. */
static void radix_digits(int32_t *digits, size_t stride, const uint8_t s[32], int c, int nwin) {
    uint64_t x[6] = {0, 0, 0, 0, 0, 0};
    int j, i, k, carry = 0;
    const int64_t width = (int64_t)1 << c, half = width >> 1;
    for (i = 0; i < 4; i++)
        for (k = 7; k >= 0; k--) x[i] = (x[i] << 8) | s[8 * i + k];
    for (j = 0; j < nwin; j++) {
        int pos = j * c, idx = pos / 64, sh = pos % 64;
        uint64_t bits = 0;
        int64_t v;
        if (idx < 4) {
            bits = x[idx] >> sh;
            if (sh != 0) bits |= x[idx + 1] << (64 - sh);
        }
        v = (int64_t)(bits & (uint64_t)(width - 1)) + carry;
        if (v >= half) {
            v -= width;
            carry = 1;
        } else {
            carry = 0;
        }
        digits[(size_t)j * stride] = (int32_t)v;
    }
}

/* p3 + p3 -> p3 through the cached form (9M + 4M). */
static void add_p3(ge_p3 *r, const ge_p3 *p, const ge_p3 *q) {
    ge_cached c;
    ge_p1p1 t;
    ge_p3_to_cached(&c, q);
    ge_add(&t, p, &c);
    ge_p1p1_to_p3(r, &t);
}

int ge_msm_pippenger_vartime(ge_p3 *r, const uint8_t *scalars, const ge_p3 *points,
                             size_t n, int c) {
    /* Scalars are < 2^253; the top window only holds the last carry. */
    const int nwin = (253 + c - 1) / c + 1;
    const size_t nbuckets = (size_t)1 << (c - 1);
    ge_precomp *pre = NULL;
    ge_p3 *buckets = NULL;
    uint8_t *used = NULL;
    int32_t *digits = NULL;
    ge_p3 acc, running, total;
    ge_p1p1 t;
    size_t i, b;
    int j, k, acc_empty = 1;

    ge_p3_0(r);
    if (n == 0) return 1;
    pre = malloc(n * sizeof *pre);
    buckets = malloc(nbuckets * sizeof *buckets);
    used = malloc(nbuckets);
    digits = malloc(n * (size_t)nwin * sizeof *digits);
    if (pre == NULL || buckets == NULL || used == NULL || digits == NULL) {
        free(pre);
        free(buckets);
        free(used);
        free(digits);
        return 0;
    }
    for (i = 0; i < n; i++) {
        /* Z = 1: (y + x, y - x, 2d x y) straight from the coordinates. */
        fe tmp;
        fe_add(&tmp, &points[i].Y, &points[i].X);
        fe_carry(&pre[i].yplusx, &tmp);
        fe_sub(&pre[i].yminusx, &points[i].Y, &points[i].X);
        fe_mul(&pre[i].xy2d, &points[i].T, &FE_D2);
        radix_digits(digits + i, n, scalars + 32 * i, c, nwin);
    }
    ge_p3_0(&acc);
    for (j = nwin - 1; j >= 0; j--) {
        const int32_t *dj = digits + (size_t)j * n;
        int running_empty = 1, total_empty = 1;
        if (!acc_empty)
            for (k = 0; k < c; k++) {
                ge_p3_dbl(&t, &acc);
                ge_p1p1_to_p3(&acc, &t);
            }
        memset(used, 0, nbuckets);
        for (i = 0; i < n; i++) {
            int32_t d = dj[i];
            size_t bi;
            if (d == 0) continue;
            bi = (size_t)(d > 0 ? d : -d) - 1;
            if (!used[bi]) {
                if (d > 0) buckets[bi] = points[i];
                else ge_p3_neg(&buckets[bi], &points[i]);
                used[bi] = 1;
            } else {
                if (d > 0) ge_madd(&t, &buckets[bi], &pre[i]);
                else ge_msub(&t, &buckets[bi], &pre[i]);
                ge_p1p1_to_p3(&buckets[bi], &t);
            }
        }
        /* total = sum (b+1) bucket[b] = sum over b of (sum of the buckets >= b) */
        for (b = nbuckets; b-- > 0;) {
            if (used[b]) {
                if (running_empty) {
                    running = buckets[b];
                    running_empty = 0;
                } else {
                    add_p3(&running, &running, &buckets[b]);
                }
            }
            if (!running_empty) {
                if (total_empty) {
                    total = running;
                    total_empty = 0;
                } else {
                    add_p3(&total, &total, &running);
                }
            }
        }
        if (!total_empty) {
            if (acc_empty) {
                acc = total;
                acc_empty = 0;
            } else {
                add_p3(&acc, &acc, &total);
            }
        }
    }
    *r = acc;
    free(pre);
    free(buckets);
    free(used);
    free(digits);
    return 1;
}

/* Window size for Pippenger, from instruction counts (csrc/tests/bench.c tune and
   callgrind): c = log2(n) up to n = 256, then c grows by one per factor 4 of n (the
   running sums over 2^(c-1) buckets cost about as much as the points' additions), and
   stays at 12 from n = 65536 on: 2048 buckets x 160 bytes still fit the L2 cache. */
static int pippenger_window(size_t n) {
    int lg = 0;
    while (lg < 62 && ((size_t)1 << (lg + 1)) <= n) lg++;
    if (lg <= 8) return lg < 5 ? 5 : lg;
    return 4 + lg / 2 > 12 ? 12 : 4 + lg / 2;
}

void msm_normalize_batch(ge_p3 *p, fe *scratch, size_t n) {
    fe inv, zi, t;
    size_t i;
    if (n == 0) return;
    scratch[0] = p[0].Z;                         /* scratch[i] = Z_0 Z_1 ... Z_i */
    for (i = 1; i < n; i++) fe_mul(&scratch[i], &scratch[i - 1], &p[i].Z);
    fe_invert(&inv, &scratch[n - 1]);            /* 1 / (Z_0 ... Z_(n-1)) */
    for (i = n; i-- > 0;) {
        if (i > 0) {
            fe_mul(&zi, &inv, &scratch[i - 1]);  /* 1 / Z_i */
            fe_mul(&inv, &inv, &p[i].Z);         /* 1 / (Z_0 ... Z_(i-1)) */
        } else {
            zi = inv;
        }
        fe_mul(&t, &p[i].X, &zi);
        p[i].X = t;
        fe_mul(&t, &p[i].Y, &zi);
        p[i].Y = t;
        fe_mul(&t, &p[i].T, &zi);
        p[i].T = t;
        fe_1(&p[i].Z);
    }
}

#define MSM_STRAUS_MAX 48   /* Straus wins below (instruction counts, bench.c tune) */

int ge_msm_vartime(ge_p3 *r, const uint8_t *scalars, const ge_p3 *points, size_t n) {
    if (n <= MSM_STRAUS_MAX) return ge_msm_straus_vartime(r, scalars, points, n);
    return ge_msm_pippenger_vartime(r, scalars, points, n, pippenger_window(n));
}
