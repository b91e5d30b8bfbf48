/*
 * ristretto.c: ristretto255 encoding, decoding, equality and the one-way map, following
 * RFC 9496 section 4.3 step by step (step numbers in the comments). Constant time.
 */
#include "ristretto.h"
#include "consts.h"

/* Decoding in two halves around its one inverse square root, so that the batch form can
   run FE_LANES square roots in lockstep (fe.h). */
typedef struct { fe s, u1, u2, v, ratio_v; int ok; } decode_state;

/* Steps 1 and 2 up to the square root: sets st->ratio_v = v u2^2 (the root's argument). */
static void decode_begin(decode_state *st, const uint8_t bytes[32]) {
    fe ss, u2_sqr, t;
    uint8_t check[32];
    int canonical;

    /* Step 1: interpret the string as s; reject unless canonical (s < p, encoded with
       bit 255 clear) and nonnegative (low bit clear). Canonicity: re-encode and compare. */
    fe_frombytes(&st->s, bytes);
    fe_tobytes(check, &st->s);
    canonical = ct_bytes_eq(check, bytes, 32);   /* also fails when bit 255 is set */
    st->ok = canonical & (1 ^ (bytes[0] & 1));

    /* Step 2: the candidate point. */
    fe_sq(&ss, &st->s);
    fe_1(&t);
    fe_sub(&st->u1, &t, &ss);             /* u1 = 1 - s^2 */
    fe_add(&st->u2, &t, &ss);             /* u2 = 1 + s^2 (2x tight) */
    fe_sq(&u2_sqr, &st->u2);
    fe_sq(&t, &st->u1);
    fe_mul(&t, &t, &FE_D);
    fe_neg(&t, &t);
    fe_sub(&st->v, &t, &u2_sqr);          /* v = -(D u1^2) - u2^2 */
    fe_mul(&st->ratio_v, &st->v, &u2_sqr);
}

/* The rest of step 2 from invsqrt = 1 / sqrt(v u2^2), then steps 3 and 4. */
static int decode_end(ge_p3 *p, const decode_state *st, const fe *invsqrt, int was_square) {
    fe den_x, den_y, x, y, t;
    int ok;
    fe_mul(&den_x, invsqrt, &st->u2);
    fe_mul(&den_y, invsqrt, &den_x);
    fe_mul(&den_y, &den_y, &st->v);
    fe_mul(&x, &st->s, &den_x);
    fe_add(&x, &x, &x);
    fe_abs(&x, &x);                       /* x = |2 s den_x| */
    fe_mul(&y, &st->u1, &den_y);
    fe_mul(&t, &x, &y);

    /* Step 3: reject when not square, t negative, or y = 0. */
    ok = st->ok & was_square & (1 ^ fe_isnegative(&t)) & (1 ^ fe_iszero(&y));

    /* Step 4: (x, y, 1, t); on rejection hand back the identity, not garbage. */
    p->X = x;
    p->Y = y;
    fe_1(&p->Z);
    p->T = t;
    {
        ge_p3 id;
        ge_p3_0(&id);
        fe_cmov(&p->X, &id.X, (unsigned int)(1 ^ ok));
        fe_cmov(&p->Y, &id.Y, (unsigned int)(1 ^ ok));
        fe_cmov(&p->T, &id.T, (unsigned int)(1 ^ ok));
    }
    return ok;
}

int ristretto_decode(ge_p3 *p, const uint8_t bytes[32]) {
    decode_state st;
    fe one, invsqrt;
    int was_square;
    decode_begin(&st, bytes);
    fe_1(&one);
    was_square = fe_sqrt_ratio_m1(&invsqrt, &one, &st.ratio_v);   /* 1 / sqrt(v u2^2) */
    return decode_end(p, &st, &invsqrt, was_square);
}

size_t ristretto_decode_batch(ge_p3 *p, int *ok, const uint8_t *bytes, size_t n) {
    decode_state st[FE_LANES];
    fe ratio[FE_LANES], invsqrt[FE_LANES];
    int was_square[FE_LANES];
    size_t i, k;
    for (i = 0; i < n; i += FE_LANES) {
        size_t lanes = n - i < FE_LANES ? n - i : FE_LANES;
        for (k = 0; k < FE_LANES; k++) {
            /* a short last group repeats its first encoding in the spare lanes */
            decode_begin(&st[k], bytes + 32 * (i + (k < lanes ? k : 0)));
            ratio[k] = st[k].ratio_v;
        }
        fe_invsqrt_x4(invsqrt, was_square, ratio);
        for (k = 0; k < lanes; k++) ok[i + k] = decode_end(&p[i + k], &st[k], &invsqrt[k], was_square[k]);
    }
    i = 0;
    while (i < n && ok[i]) i++;
    return i;
}

/* Encoding, likewise in two halves around its inverse square root. */
typedef struct { fe u1, u2, ratio_v; } encode_state;

static void encode_begin(encode_state *st, const ge_p3 *p) {
    fe t;
    fe_add(&t, &p->Z, &p->Y);
    fe_sub(&st->u1, &p->Z, &p->Y);
    fe_mul(&st->u1, &t, &st->u1);         /* u1 = (Z0 + Y0)(Z0 - Y0) */
    fe_mul(&st->u2, &p->X, &p->Y);        /* u2 = X0 Y0 */
    fe_sq(&t, &st->u2);
    fe_mul(&st->ratio_v, &st->u1, &t);    /* u1 u2^2 */
}

/* From invsqrt = 1 / sqrt(u1 u2^2) to the bytes. */
static void encode_end(uint8_t out[32], const ge_p3 *p, const encode_state *st,
                       const fe *invsqrt) {
    fe t, den1, den2, z_inv, ix0, iy0, enchanted, x, y, den_inv;
    int rotate;
    fe_mul(&den1, invsqrt, &st->u1);
    fe_mul(&den2, invsqrt, &st->u2);
    fe_mul(&z_inv, &den1, &den2);
    fe_mul(&z_inv, &z_inv, &p->T);        /* z_inv = den1 den2 T0 */
    fe_mul(&ix0, &p->X, &FE_SQRT_M1);
    fe_mul(&iy0, &p->Y, &FE_SQRT_M1);
    fe_mul(&enchanted, &den1, &FE_INVSQRT_A_MINUS_D);
    fe_mul(&t, &p->T, &z_inv);
    rotate = fe_isnegative(&t);
    x = p->X;
    y = p->Y;
    fe_cmov(&x, &iy0, (unsigned int)rotate);
    fe_cmov(&y, &ix0, (unsigned int)rotate);
    den_inv = den2;
    fe_cmov(&den_inv, &enchanted, (unsigned int)rotate);
    fe_mul(&t, &x, &z_inv);
    fe_cneg(&y, &y, (unsigned int)fe_isnegative(&t));
    fe_sub(&t, &p->Z, &y);
    fe_mul(&t, &den_inv, &t);
    fe_abs(&t, &t);                       /* s = |den_inv (Z - Y)| */
    fe_tobytes(out, &t);
}

void ristretto_encode(uint8_t out[32], const ge_p3 *p) {
    encode_state st;
    fe one, invsqrt;
    encode_begin(&st, p);
    fe_1(&one);
    (void)fe_sqrt_ratio_m1(&invsqrt, &one, &st.ratio_v);   /* invsqrt = 1 / sqrt(u1 u2^2) */
    encode_end(out, p, &st, &invsqrt);
}

void ristretto_encode_batch(uint8_t *out, const ge_p3 *p, size_t n) {
    encode_state st[FE_LANES];
    fe ratio[FE_LANES], invsqrt[FE_LANES];
    int was_square[FE_LANES];   /* always 1 for a point of the curve */
    size_t i, k;
    for (i = 0; i < n; i += FE_LANES) {
        size_t lanes = n - i < FE_LANES ? n - i : FE_LANES;
        for (k = 0; k < FE_LANES; k++) {
            encode_begin(&st[k], &p[i + (k < lanes ? k : 0)]);   /* spare lanes: a repeat */
            ratio[k] = st[k].ratio_v;
        }
        fe_invsqrt_x4(invsqrt, was_square, ratio);
        for (k = 0; k < lanes; k++) encode_end(out + 32 * (i + k), &p[i + k], &st[k], &invsqrt[k]);
    }
    ct_wipe(st, sizeof st);
    ct_wipe(ratio, sizeof ratio);
    ct_wipe(invsqrt, sizeof invsqrt);
}

int ristretto_eq(const ge_p3 *p, const ge_p3 *q) {
    fe a, b;
    int e1, e2;
    fe_mul(&a, &p->X, &q->Y);
    fe_mul(&b, &p->Y, &q->X);
    e1 = fe_eq(&a, &b);                   /* X1 Y2 == Y1 X2 */
    fe_mul(&a, &p->Y, &q->Y);
    fe_mul(&b, &p->X, &q->X);
    e2 = fe_eq(&a, &b);                   /* Y1 Y2 == X1 X2 */
    return e1 | e2;
}

/* RFC 9496 4.3.4, MAP(t): the Elligator-style map of one field element, in two halves
   around its square root SQRT_RATIO_M1(u, v), so that the batch form can run FE_LANES
   roots in lockstep. */
typedef struct { fe t, r, u, v; } map_state;

static void map_begin(map_state *st, const fe *t) {
    fe one, tmp, tmp2;
    fe_1(&one);
    st->t = *t;
    fe_sq(&st->r, t);
    fe_mul(&st->r, &st->r, &FE_SQRT_M1);  /* r = SQRT_M1 t^2 */
    fe_add(&st->u, &st->r, &one);
    fe_mul(&st->u, &st->u, &FE_ONE_MINUS_D_SQ);   /* u = (r + 1) ONE_MINUS_D_SQ */
    fe_mul(&tmp, &st->r, &FE_D);
    fe_neg(&tmp2, &one);
    fe_sub(&tmp, &tmp2, &tmp);            /* -1 - r D */
    fe_add(&tmp2, &st->r, &FE_D);         /* r + D */
    fe_mul(&st->v, &tmp, &tmp2);          /* v = (-1 - r D)(r + D) */
}

/* The rest of MAP from (was_square, s) = SQRT_RATIO_M1(u, v). */
static void map_end(ge_p3 *p, const map_state *st, const fe *root, int was_square) {
    fe s, s_prime, c, n, w0, w1, w2, w3, one, tmp;
    fe_1(&one);
    s = *root;
    fe_mul(&s_prime, &s, &st->t);
    fe_abs(&s_prime, &s_prime);
    fe_neg(&s_prime, &s_prime);           /* s' = -|s t| */
    fe_cmov(&s, &s_prime, (unsigned int)(1 ^ was_square));
    fe_neg(&c, &one);
    fe_cmov(&c, &st->r, (unsigned int)(1 ^ was_square));   /* c = was_square ? -1 : r */
    fe_sub(&tmp, &st->r, &one);
    fe_mul(&n, &c, &tmp);
    fe_mul(&n, &n, &FE_D_MINUS_ONE_SQ);
    fe_sub(&n, &n, &st->v);               /* N = c (r - 1) D_MINUS_ONE_SQ - v */
    fe_mul(&w0, &s, &st->v);
    fe_add(&w0, &w0, &w0);                /* w0 = 2 s v (2x tight) */
    fe_mul(&w1, &n, &FE_SQRT_AD_MINUS_ONE);
    fe_sq(&tmp, &s);
    fe_sub(&w2, &one, &tmp);              /* w2 = 1 - s^2 */
    fe_add(&w3, &one, &tmp);              /* w3 = 1 + s^2 (2x tight) */
    fe_mul(&p->X, &w0, &w3);
    fe_mul(&p->Y, &w2, &w1);
    fe_mul(&p->Z, &w1, &w3);
    fe_mul(&p->T, &w0, &w2);
}

static void ristretto_map(ge_p3 *p, const fe *t) {
    map_state st;
    fe s;
    int was_square;
    map_begin(&st, t);
    was_square = fe_sqrt_ratio_m1(&s, &st.u, &st.v);
    map_end(p, &st, &s, was_square);
}

void ristretto_from_uniform(ge_p3 *p, const uint8_t in[64]) {
    fe t1, t2;
    ge_p3 p1, p2;
    /* fe_frombytes masks bit 255 of each half, as the RFC asks. */
    fe_frombytes(&t1, in);
    fe_frombytes(&t2, in + 32);
    ristretto_map(&p1, &t1);
    ristretto_map(&p2, &t2);
    ge_p3_add(p, &p1, &p2);
}

void ristretto_from_uniform_batch(ge_p3 *p, const uint8_t *in, size_t n) {
    /* Lane k of a round maps half (k % 2) of input i + k / 2. SQRT_RATIO_M1(u, v) is
       |u * SQRT_RATIO_M1(1, u v)| with the same was_square whenever u v != 0 (the
       nonnegative root of u/v, or of SQRT_M1 u/v, is unique); u is never 0 (r = -1
       would need SQRT_M1 to be a square, and p = 5 mod 8), v is 0 for a few t, which
       take the one-at-a-time root. */
    map_state st[FE_LANES];
    fe ratio[FE_LANES], root[FE_LANES], t;
    ge_p3 half[FE_LANES];
    int was_square[FE_LANES];
    size_t i, k;
    for (i = 0; i < n; i += FE_LANES / 2) {
        size_t items = n - i < FE_LANES / 2 ? n - i : FE_LANES / 2;
        for (k = 0; k < FE_LANES; k++) {
            /* a short last round repeats its first input in the spare lanes */
            size_t item = i + (k / 2 < items ? k / 2 : 0);
            fe_frombytes(&t, in + 64 * item + 32 * (k % 2));   /* masks bit 255 */
            map_begin(&st[k], &t);
            fe_mul(&ratio[k], &st[k].u, &st[k].v);
        }
        fe_invsqrt_x4(root, was_square, ratio);
        for (k = 0; k < FE_LANES; k++) {
            if (fe_iszero(&st[k].v)) {
                was_square[k] = fe_sqrt_ratio_m1(&root[k], &st[k].u, &st[k].v);
            } else {
                fe_mul(&root[k], &root[k], &st[k].u);
                fe_abs(&root[k], &root[k]);
            }
            map_end(&half[k], &st[k], &root[k], was_square[k]);
        }
        for (k = 0; k < items; k++) ge_p3_add(&p[i + k], &half[2 * k], &half[2 * k + 1]);
    }
}

void ristretto_generator(ge_p3 *p) {
    p->X = FE_GX;
    p->Y = FE_GY;
    fe_1(&p->Z);
    p->T = FE_GT;
}
