/*
 * msm.h: variable-time multi-scalar multiplication (public scalars and points only).
 */
#ifndef EVOTE_MSM_H
#define EVOTE_MSM_H

#include <stddef.h>

#include "ge.h"

/* Width-w non-adjacent form of a 256-bit little-endian scalar: naf[i] in
   {0, +-1, +-3, ..., +-(2^(w-1) - 1)}, sum naf[i] 2^i = s. naf has MSM_NAF_LEN entries;
   returns the index of the highest nonzero digit, or -1 for s = 0. 2 <= w <= 8. */
#define MSM_NAF_LEN 264
int msm_wnaf_vartime(int8_t naf[MSM_NAF_LEN], const uint8_t s[32], int w);

/* r = a P + b G. Variable time. */
void ge_double_scalarmult_vartime(ge_p3 *r, const uint8_t a[32], const ge_p3 *p,
                                  const uint8_t b[32]);

/* r = sum scalars[i] points[i], i < n. Scalars: n x 32 bytes, each < 2^253 (canonical).
   points: decoded points with Z = 1 (as ristretto_decode returns them); the array is
   used as scratch and left unchanged in value. Straus for small n, Pippenger beyond.
   Returns 1, or 0 when memory could not be allocated (then *r is the identity). */
int ge_msm_vartime(ge_p3 *r, const uint8_t *scalars, const ge_p3 *points, size_t n);

/* The same points with Z = 1 (X, Y, T divided by Z), as ge_msm_vartime needs them, by
   Montgomery's trick: one inversion and about 9 multiplications per point. Every Z must
   be nonzero (true of any point from decoding, the one-way map or the group law);
   scratch holds n field elements. Variable time only in n. */
void msm_normalize_batch(ge_p3 *p, fe *scratch, size_t n);

/* The two methods, exposed for tests and tuning. */
int ge_msm_straus_vartime(ge_p3 *r, const uint8_t *scalars, const ge_p3 *points, size_t n);
int ge_msm_pippenger_vartime(ge_p3 *r, const uint8_t *scalars, const ge_p3 *points,
                             size_t n, int c);

#endif
