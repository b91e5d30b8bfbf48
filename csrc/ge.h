/*
 * ge.h: points of edwards25519, -x^2 + y^2 = 1 + d x^2 y^2 (private to csrc/).
 *
 * Representations (the name says which):
 *  ge_p3      extended (X:Y:Z:T), x = X/Z, y = Y/Z, x y = T/Z. All fields tight.
 *  ge_p2      projective (X:Y:Z), what doubling consumes.
 *  ge_p1p1    "completed" result of an addition or doubling: x = X/Z, y = Y/T.
 *             Fields may be loose (2x tight); only the conversions below read them.
 *  ge_cached  (Y+X, Y-X, 2Z, 2dT) of a p3 point: the reusable operand of an addition.
 *  ge_precomp (y+x, y-x, 2dxy) of an affine point (Z = 1): table entries, tight
 *             (plus zero padding to 128 bytes).
 * Formulas: add-2008-hwcd-3 (unified, 8M, k = 2d) and dbl-2008-hwcd (4M + 4S) of
 * Hisil-Wong-Carter-Dawson 2008 for a = -1. Outputs may alias inputs.
 * Every function here is constant time; whether a caller's use is secret-safe depends
 * on the caller (see scalarmult.c and msm.c).
 */
#ifndef EVOTE_GE_H
#define EVOTE_GE_H

#include <stddef.h>

#include "fe.h"

typedef struct { fe X, Y, Z, T; } ge_p3;
typedef struct { fe X, Y, Z; } ge_p2;
typedef struct { fe X, Y, Z, T; } ge_p1p1;
typedef struct { fe YplusX, YminusX, Z2, T2d; } ge_cached;
/* ge_precomp is padded to 128 bytes (16 or 32 limbs) so that the constant-time table
   scans in scalarmult.c run over a whole number of 16-byte vectors. pad stays zero. */
typedef struct { fe yplusx, yminusx, xy2d; fe_limb pad[8 / sizeof(fe_limb)]; } ge_precomp;

void ge_p3_0(ge_p3 *h);                                    /* the identity (0:1:1:0) */
void ge_cached_0(ge_cached *h);                            /* identity, cached form */
void ge_precomp_0(ge_precomp *h);                          /* identity, precomp form */
void ge_p3_to_cached(ge_cached *r, const ge_p3 *p);
void ge_p3_to_p2(ge_p2 *r, const ge_p3 *p);
void ge_p1p1_to_p3(ge_p3 *r, const ge_p1p1 *p);            /* 4M */
void ge_p1p1_to_p2(ge_p2 *r, const ge_p1p1 *p);            /* 3M */
void ge_p2_dbl(ge_p1p1 *r, const ge_p2 *p);                /* 2P */
void ge_p3_dbl(ge_p1p1 *r, const ge_p3 *p);
void ge_add(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q);     /* p + q */
void ge_sub(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q);     /* p - q */
void ge_madd(ge_p1p1 *r, const ge_p3 *p, const ge_precomp *q);   /* p + q, q affine */
void ge_msub(ge_p1p1 *r, const ge_p3 *p, const ge_precomp *q);   /* p - q, q affine */
void ge_p3_add(ge_p3 *r, const ge_p3 *p, const ge_p3 *q);        /* convenience */
void ge_p3_neg(ge_p3 *r, const ge_p3 *p);
void ge_p3_to_precomp(ge_precomp *r, const ge_p3 *p);      /* one inversion */
/* r[i] = precomp of p[i] for i < n with one inversion in all (Montgomery's trick);
   scratch holds n fe. All Z must be nonzero (true for points of the curve). */
void ge_p3_batch_to_precomp(ge_precomp *r, const ge_p3 *p, size_t n, fe *scratch);

/* Constant-time conditional operations (ct.h idiom), b in {0, 1}. */
void ge_cached_cmov(ge_cached *r, const ge_cached *p, unsigned int b);
void ge_cached_cneg(ge_cached *r, unsigned int b);         /* r = b ? -r : r */
void ge_precomp_cmov(ge_precomp *r, const ge_precomp *p, unsigned int b);
void ge_precomp_cneg(ge_precomp *r, unsigned int b);

#endif
