/*
 * ge.c: edwards25519 group law in extended coordinates (see ge.h for representations).
 * Every function is constant time. Limb bounds are commented where an addition feeds
 * a multiplication: at most 2x tight (fe.h).
 */
#include <string.h>

#include "ge.h"
#include "consts.h"

static void ge_p3_to_precomp_zinv(ge_precomp *r, const ge_p3 *p, const fe *zi);

void ge_p3_0(ge_p3 *h) {
    fe_0(&h->X);
    fe_1(&h->Y);
    fe_1(&h->Z);
    fe_0(&h->T);
}

void ge_cached_0(ge_cached *h) {
    fe_1(&h->YplusX);
    fe_1(&h->YminusX);
    fe_1(&h->Z2);
    fe_add(&h->Z2, &h->Z2, &h->Z2);
    fe_0(&h->T2d);
}

void ge_precomp_0(ge_precomp *h) {
    memset(h->pad, 0, sizeof h->pad);
    fe_1(&h->yplusx);
    fe_1(&h->yminusx);
    fe_0(&h->xy2d);
}

void ge_p3_to_cached(ge_cached *r, const ge_p3 *p) {
    fe_add(&r->YplusX, &p->Y, &p->X);     /* 2x tight */
    fe_sub(&r->YminusX, &p->Y, &p->X);
    fe_add(&r->Z2, &p->Z, &p->Z);         /* 2x tight */
    fe_mul(&r->T2d, &p->T, &FE_D2);
}

void ge_p3_to_p2(ge_p2 *r, const ge_p3 *p) {
    r->X = p->X;
    r->Y = p->Y;
    r->Z = p->Z;
}

void ge_p1p1_to_p3(ge_p3 *r, const ge_p1p1 *p) {
    fe_mul(&r->X, &p->X, &p->T);
    fe_mul(&r->Y, &p->Y, &p->Z);
    fe_mul(&r->Z, &p->Z, &p->T);
    fe_mul(&r->T, &p->X, &p->Y);
}

void ge_p1p1_to_p2(ge_p2 *r, const ge_p1p1 *p) {
    fe_mul(&r->X, &p->X, &p->T);
    fe_mul(&r->Y, &p->Y, &p->Z);
    fe_mul(&r->Z, &p->Z, &p->T);
}

/* dbl-2008-hwcd with a = -1, with E, F, G, H all negated (the signs cancel in the
   products X3 = EF, Y3 = GH, Z3 = FG, T3 = EH): A = X^2, B = Y^2, C = 2 Z^2,
   H = A + B, E = H - (X + Y)^2, G = A - B, F = C + G; stored as the p1p1
   (X = E, Y = H, Z = G, T = F). */
void ge_p2_dbl(ge_p1p1 *r, const ge_p2 *p) {
    fe a, b, c, s, t0;
    fe_sq(&a, &p->X);
    fe_sq(&b, &p->Y);
    fe_sq2(&c, &p->Z);
    fe_add(&s, &p->X, &p->Y);             /* 2x tight */
    fe_sq(&t0, &s);
    fe_add(&r->Y, &a, &b);                /* H, 2x tight */
    fe_sub(&r->X, &r->Y, &t0);            /* E, tight */
    fe_sub(&r->Z, &a, &b);                /* G, tight */
    fe_add(&r->T, &c, &r->Z);             /* F, 2x tight */
}

void ge_p3_dbl(ge_p1p1 *r, const ge_p3 *p) {
    ge_p2 q;
    ge_p3_to_p2(&q, p);
    ge_p2_dbl(r, &q);
}

/* add-2008-hwcd-3: A = (Y1-X1)(Y2-X2), B = (Y1+X1)(Y2+X2), C = T1 2d T2,
   D = Z1 2 Z2, E = B - A, F = D - C, G = D + C, H = B + A; p1p1 (E, H, G, F). */
void ge_add(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q) {
    fe a, b, c, d, t;
    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->YminusX);
    fe_add(&t, &p->Y, &p->X);             /* 2x tight */
    fe_mul(&b, &t, &q->YplusX);
    fe_mul(&c, &p->T, &q->T2d);
    fe_mul(&d, &p->Z, &q->Z2);
    fe_sub(&r->X, &b, &a);                /* E */
    fe_add(&r->Y, &b, &a);                /* H, 2x tight */
    fe_add(&r->Z, &d, &c);                /* G, 2x tight */
    fe_sub(&r->T, &d, &c);                /* F */
}

/* p - q: the negation of q swaps Y+X with Y-X and negates 2dT (so C changes sign). */
void ge_sub(ge_p1p1 *r, const ge_p3 *p, const ge_cached *q) {
    fe a, b, c, d, t;
    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->YplusX);
    fe_add(&t, &p->Y, &p->X);
    fe_mul(&b, &t, &q->YminusX);
    fe_mul(&c, &p->T, &q->T2d);
    fe_mul(&d, &p->Z, &q->Z2);
    fe_sub(&r->X, &b, &a);
    fe_add(&r->Y, &b, &a);
    fe_sub(&r->Z, &d, &c);
    fe_add(&r->T, &d, &c);
}

/* Mixed addition with an affine operand (Z2 = 1, so D = 2 Z1). */
void ge_madd(ge_p1p1 *r, const ge_p3 *p, const ge_precomp *q) {
    fe a, b, c, d, t;
    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->yminusx);
    fe_add(&t, &p->Y, &p->X);
    fe_mul(&b, &t, &q->yplusx);
    fe_mul(&c, &p->T, &q->xy2d);
    fe_add(&d, &p->Z, &p->Z);
    fe_carry(&d, &d);                     /* tight, so that D + C stays 2x tight */
    fe_sub(&r->X, &b, &a);
    fe_add(&r->Y, &b, &a);
    fe_add(&r->Z, &d, &c);
    fe_sub(&r->T, &d, &c);
}

void ge_msub(ge_p1p1 *r, const ge_p3 *p, const ge_precomp *q) {
    fe a, b, c, d, t;
    fe_sub(&t, &p->Y, &p->X);
    fe_mul(&a, &t, &q->yplusx);
    fe_add(&t, &p->Y, &p->X);
    fe_mul(&b, &t, &q->yminusx);
    fe_mul(&c, &p->T, &q->xy2d);
    fe_add(&d, &p->Z, &p->Z);
    fe_carry(&d, &d);
    fe_sub(&r->X, &b, &a);
    fe_add(&r->Y, &b, &a);
    fe_sub(&r->Z, &d, &c);
    fe_add(&r->T, &d, &c);
}

void ge_p3_add(ge_p3 *r, const ge_p3 *p, const ge_p3 *q) {
    ge_cached c;
    ge_p1p1 t;
    ge_p3_to_cached(&c, q);
    ge_add(&t, p, &c);
    ge_p1p1_to_p3(r, &t);
}

void ge_p3_neg(ge_p3 *r, const ge_p3 *p) {
    fe_neg(&r->X, &p->X);
    r->Y = p->Y;
    r->Z = p->Z;
    fe_neg(&r->T, &p->T);
}

void ge_p3_to_precomp(ge_precomp *r, const ge_p3 *p) {
    fe zi;
    fe_invert(&zi, &p->Z);
    ge_p3_to_precomp_zinv(r, p, &zi);
}

/* precomp of p given 1/Z */
static void ge_p3_to_precomp_zinv(ge_precomp *r, const ge_p3 *p, const fe *zi) {
    fe x, y, t;
    memset(r->pad, 0, sizeof r->pad);
    fe_mul(&x, &p->X, zi);
    fe_mul(&y, &p->Y, zi);
    fe_add(&t, &y, &x);
    fe_carry(&r->yplusx, &t);
    fe_sub(&r->yminusx, &y, &x);
    fe_mul(&t, &x, &y);
    fe_mul(&r->xy2d, &t, &FE_D2);
}

void ge_p3_batch_to_precomp(ge_precomp *r, const ge_p3 *p, size_t n, fe *scratch) {
    fe inv, zi;
    size_t i;
    if (n == 0) return;
    scratch[0] = p[0].Z;   /* scratch[i] = Z_0 ... Z_i */
    for (i = 1; i < n; i++) fe_mul(&scratch[i], &scratch[i - 1], &p[i].Z);
    fe_invert(&inv, &scratch[n - 1]);
    for (i = n - 1; i > 0; i--) {
        fe_mul(&zi, &inv, &scratch[i - 1]);   /* 1 / Z_i */
        fe_mul(&inv, &inv, &p[i].Z);          /* 1 / (Z_0 ... Z_{i-1}) */
        ge_p3_to_precomp_zinv(&r[i], &p[i], &zi);
    }
    ge_p3_to_precomp_zinv(&r[0], &p[0], &inv);
}

void ge_cached_cmov(ge_cached *r, const ge_cached *p, unsigned int b) {
    fe_cmov(&r->YplusX, &p->YplusX, b);
    fe_cmov(&r->YminusX, &p->YminusX, b);
    fe_cmov(&r->Z2, &p->Z2, b);
    fe_cmov(&r->T2d, &p->T2d, b);
}

void ge_cached_cneg(ge_cached *r, unsigned int b) {
    fe n;
    fe_cswap(&r->YplusX, &r->YminusX, b);
    fe_neg(&n, &r->T2d);
    fe_cmov(&r->T2d, &n, b);
}

void ge_precomp_cmov(ge_precomp *r, const ge_precomp *p, unsigned int b) {
    fe_cmov(&r->yplusx, &p->yplusx, b);
    fe_cmov(&r->yminusx, &p->yminusx, b);
    fe_cmov(&r->xy2d, &p->xy2d, b);
}

void ge_precomp_cneg(ge_precomp *r, unsigned int b) {
    fe n;
    fe_cswap(&r->yplusx, &r->yminusx, b);
    fe_neg(&n, &r->xy2d);
    fe_cmov(&r->xy2d, &n, b);
}
