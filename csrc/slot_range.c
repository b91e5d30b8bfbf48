/*
 * slot_range.c: the hot loops of the choice-slot range proof (specs/slot-ballot.md
 * sections 8 and 10) and the exported evote_slot_* functions over them (evote.h). The
 * Python module evote.protocol.slot_range stays the reference: the same values, byte for
 * byte, from the same inputs. Fiat-Shamir hashing stays in Python (evote.hashing).
 *
 * Verifier (public data): the inner-product equation's coefficients of the 2N vector
 * generators for one proof, times its batch weight w, added into the batch's
 * accumulators (with s_t = prod_k u_k^(+-1), w_t the block weights of section 4):
 *   g_t += -w z - w a s_t,    h_t += w z + (w_t - b s_{N-1-t}) w y^-t.
 * Prover:
 *   - A = alpha H - sum_t h_t + sum_t a_L[t] (g_t + h_t): a selection sum over the
 *     precomputed g_t + h_t, constant time in the bits (masked selects of ct.h);
 *   - t_1, t_2 and then l = l(x), r = r(x), t_hat = <l, r> (section 8 steps 3-4),
 *     constant time in the bits and s_L, s_R (fixed loops, Montgomery arithmetic below);
 *   - the inner-product rounds: L_k, R_k as multi-scalar products over the ORIGINAL
 *     generators, the folded ones kept as coefficients (coef_g, coef_h), then the fold.
 *     Variable time: l and r could be sent in the clear (Bulletproofs section 4.2), so
 *     these scalars are not secret.
 *
 * Scalar arithmetic: Montgomery form (sc_mont.h, the core sc.c uses) kept across
 * the loops: sc.c's API converts in and out on every product (two reductions), these
 * loops need one. "Plain" below is the integer itself, "mont" is x R mod l; mont_mul of a
 * plain and a mont value is the plain product. Every helper is constant time.
 * Outputs are written only after every input was read; on an error they are zeroed
 * (except after a NULL pointer or a bad count: nothing written).
 */
#include <stdlib.h>
#include <string.h>

#include "ct.h"
#include "evote.h"
#include "ge.h"
#include "ristretto.h"
#include "sc.h"
#include "sc_mont.h"
#include "slot_range.h"

/* ---------------------------------------------------------------- Montgomery scalars */

/* The Montgomery core is sc_mont.h's (shared with sc.c); these names keep the loops
   below short. */
typedef sc_word mt_word;
typedef sc_t mt;
#define MT_N SC_N
#define mt_mask(b) sc_mask(b)
#define mt_load sc_load
#define mt_store sc_store

typedef struct { mt l, r2, one_m, one; } mt_ctx;   /* l, R^2, 1 (mont: R mod l), 1 (plain) */

/* r = a b / R mod l; a b < l R (one operand < l, the other < R). */
static void mt_mul(mt *r, const mt *a, const mt *b, const mt_ctx *c) {
    sc_mont_mul(r, a, b, &c->l);
}

/* r = a + b mod l, a, b < l. */
static void mt_add(mt *r, const mt *a, const mt *b, const mt_ctx *c) {
    sc_add_t(r, a, b, &c->l);
}

/* r = a - b mod l, a, b < l. */
static void mt_sub(mt *r, const mt *a, const mt *b, const mt_ctx *c) {
    sc_sub_t(r, a, b, &c->l);
}

static void mt_ctx_init(mt_ctx *c) {
    uint8_t one[32] = {1};
    mt_load(&c->l, SC_L);
    mt_load(&c->r2, SC_R2);
    mt_load(&c->one, one);
    mt_mul(&c->one_m, &c->one, &c->r2, c);     /* 1 * R^2 / R = R mod l */
}

/* mont form of a canonical scalar given as bytes. */
static void mt_from_bytes(mt *r, const uint8_t s[32], const mt_ctx *c) {
    mt x;
    mt_load(&x, s);
    mt_mul(r, &x, &c->r2, c);
}

/* r = a mod l (plain) from a mont value. */
static void mt_to_plain(mt *r, const mt *a, const mt_ctx *c) {
    mt_mul(r, a, &c->one, c);
}

/* ---------------------------------------------------------------- argument checks */

/* 1 iff the 32-byte little-endian s < l. Variable time: PUBLIC data only (the
   verifier's and the inner-product rounds' scalars); the top byte decides all but a
   2^-124 fraction of canonical inputs. Secret scalars go through sc_is_canonical. */
static int canonical_vartime(const uint8_t s[32]) {
    int i;
    if (s[31] != SC_L[31]) return s[31] < SC_L[31];
    for (i = 30; i >= 0; i--)
        if (s[i] != SC_L[i]) return s[i] < SC_L[i];
    return 0;                                  /* s == l */
}

static int all_canonical(const uint8_t *s, size_t n, size_t *bad) {
    size_t i;
    for (i = 0; i < n; i++)
        if (!canonical_vartime(s + 32 * i)) {
            if (bad) *bad = i;
            return 0;
        }
    return 1;
}

/* The vector length of L slots of b bits: the smallest power of two >= L b, as
   log2 in *rounds; 0 when the arguments are out of range. */
static int shape_rounds(size_t slots, size_t bits, size_t *rounds) {
    size_t n = 1, k = 0;
    if (slots == 0 || bits == 0 || bits > 64 || slots > ((size_t)1 << SLOT_MAX_ROUNDS))
        return 0;
    while (n < slots * bits) {
        n <<= 1;
        k++;
        if (k > SLOT_MAX_ROUNDS) return 0;
    }
    *rounds = k;
    return 1;
}

/* w_t of section 4 in mont form for t < n: z^(j+2) 2^i at t = j b + i (j < L), then
   z^(L+2) 2^(t - L b) for the padding positions. */
static void block_weights(mt *w, size_t n, size_t slots, size_t bits, const mt *z_m,
                          const mt_ctx *c) {
    mt zp, cur;
    size_t j, i, t = 0;
    mt_mul(&zp, z_m, z_m, c);                  /* z^2 */
    for (j = 0; j < slots; j++) {
        cur = zp;
        for (i = 0; i < bits; i++, t++) {
            w[t] = cur;
            mt_add(&cur, &cur, &cur, c);
        }
        mt_mul(&zp, &zp, z_m, c);
    }
    cur = zp;                                  /* z^(L+2) */
    for (; t < n; t++) {
        w[t] = cur;
        mt_add(&cur, &cur, &cur, c);
    }
}

/* ---------------------------------------------------------------- verifier */

int evote_slot_range_coefs_vartime(uint8_t *acc, const uint8_t scalars[160],
                                   const uint8_t *us, const uint8_t *u_invs, size_t slots,
                                   size_t bits) {
    mt_ctx c;
    mt y_inv, z, a, b, wgt, zw, aw, yw, u_m, ui_m, tmp, tmp2, acc_t;
    mt *s = NULL, *wt = NULL;
    size_t rounds, n, len, i, k, t;
    if (!acc || !scalars || !shape_rounds(slots, bits, &rounds)) return EVOTE_ERR_ARGUMENT;
    if (rounds && (!us || !u_invs)) return EVOTE_ERR_ARGUMENT;
    n = (size_t)1 << rounds;
    if (!all_canonical(scalars, 5, NULL) || !all_canonical(us, rounds, NULL) ||
        !all_canonical(u_invs, rounds, NULL) || !all_canonical(acc, 2 * n, NULL))
        return EVOTE_ERR_SCALAR;
    s = malloc(n * sizeof *s);
    wt = malloc(n * sizeof *wt);
    if (!s || !wt) {
        free(s);
        free(wt);
        return EVOTE_ERR_ARGUMENT;
    }
    mt_ctx_init(&c);
    mt_from_bytes(&y_inv, scalars, &c);
    mt_from_bytes(&z, scalars + 32, &c);
    mt_from_bytes(&a, scalars + 64, &c);
    mt_from_bytes(&b, scalars + 96, &c);
    mt_load(&wgt, scalars + 128);              /* plain */
    /* s_t (mont): round k + 1 is bit rounds-1-k of t (round 1 the most significant);
       bit set -> u_k, else u_k^-1. s_0 = prod_k u_k^-1, and s_t = s_(t - 2^j) u_k^2 for
       j the highest set bit of t and k = rounds-1-j: one product per entry. */
    s[0] = c.one_m;
    for (k = 0; k < rounds; k++) {
        mt_from_bytes(&ui_m, u_invs + 32 * k, &c);
        mt_mul(&s[0], &s[0], &ui_m, &c);
    }
    for (k = 0, len = 1; k < rounds; k++, len <<= 1) {
        size_t j = k;                          /* bit j: round rounds-1-j */
        mt_from_bytes(&u_m, us + 32 * (rounds - 1 - j), &c);
        mt_mul(&u_m, &u_m, &u_m, &c);          /* (u^2 R^2 / R: u^2 in mont form) */
        for (i = 0; i < len; i++) mt_mul(&s[len + i], &s[i], &u_m, &c);
    }
    block_weights(wt, n, slots, bits, &z, &c);
    mt_mul(&zw, &wgt, &z, &c);                 /* plain w z */
    mt_mul(&aw, &wgt, &a, &c);                 /* plain w a */
    yw = wgt;                                  /* plain w y^-t */
    for (t = 0; t < n; t++) {
        /* g_t += -(w z) - (w a) s_t */
        mt_mul(&tmp, &aw, &s[t], &c);
        mt_add(&tmp, &tmp, &zw, &c);
        mt_load(&acc_t, acc + 32 * t);
        mt_sub(&acc_t, &acc_t, &tmp, &c);
        mt_store(acc + 32 * t, &acc_t);
        /* h_t += w z + (w_t - b s_{N-1-t}) w y^-t */
        mt_mul(&tmp, &b, &s[n - 1 - t], &c);   /* mont */
        mt_sub(&tmp, &wt[t], &tmp, &c);
        mt_mul(&tmp2, &tmp, &yw, &c);          /* plain */
        mt_add(&tmp2, &tmp2, &zw, &c);
        mt_load(&acc_t, acc + 32 * (n + t));
        mt_add(&acc_t, &acc_t, &tmp2, &c);
        mt_store(acc + 32 * (n + t), &acc_t);
        mt_mul(&yw, &yw, &y_inv, &c);
    }
    free(s);
    free(wt);
    return EVOTE_OK;
}

/* ---------------------------------------------------------------- generator buffer */

static const uint8_t GENS_MAGIC[8] = {'e', 'v', 'o', 't', 'e', 'S', 'G', '1'};

static size_t gens_p3_offset(size_t idx) { return SLOT_GENS_HEADER + idx * sizeof(ge_p3); }
/* p3 indices: g_t = t, h_t = n + t, U = 2n, -sum h = 2n + 1; then the precomp entries */
static size_t gens_gh_offset(size_t n, size_t t) {
    return gens_p3_offset(2 * n + 2) + t * sizeof(ge_precomp);
}
/* then, for each of the 2n + 1 points P of index idx (g, h, U), the window multiples
   2^(SLOT_WINDOW_BITS j) P for j < SLOT_WINDOWS, affine: the fixed-base bucket MSM below */
static size_t gens_win_offset(size_t n, size_t idx, size_t j) {
    return gens_gh_offset(n, n) + (idx * SLOT_WINDOWS + j) * sizeof(ge_precomp);
}

static int valid_length(size_t n) {
    return n >= 1 && n <= ((size_t)1 << SLOT_MAX_ROUNDS) && (n & (n - 1)) == 0;
}

size_t evote_slot_gens_size(size_t n) {
    if (!valid_length(n)) return 0;
    return gens_win_offset(n, 2 * n + 1, 0);
}

static int gens_check(const uint8_t *gens, size_t n) {
    uint64_t stored = 0;
    uint32_t limbs = 0;
    int i;
    if (!gens || memcmp(gens, GENS_MAGIC, 8) != 0) return 0;
    for (i = 7; i >= 0; i--) stored = (stored << 8) | gens[8 + i];
    for (i = 3; i >= 0; i--) limbs = (limbs << 8) | gens[16 + i];
    return stored == (uint64_t)n && limbs == (uint32_t)FE_NLIMBS;
}

static size_t gens_n(const uint8_t *gens) {
    uint64_t stored = 0;
    int i;
    if (!gens) return 0;
    for (i = 7; i >= 0; i--) stored = (stored << 8) | gens[8 + i];
    if (!valid_length((size_t)stored) || !gens_check(gens, (size_t)stored)) return 0;
    return (size_t)stored;
}

static void gens_p3(ge_p3 *p, const uint8_t *gens, size_t idx) {
    memcpy(p, gens + gens_p3_offset(idx), sizeof *p);
}

int evote_slot_gens_init(uint8_t *buf, const uint8_t *g, const uint8_t *h,
                         const uint8_t u[32], size_t n) {
    ge_p3 *pts = NULL, acc, sum;
    ge_cached cached;
    ge_p1p1 r;
    ge_precomp *pre = NULL;
    fe *scratch = NULL;
    int *ok = NULL;
    size_t t, size;
    int i, rc = EVOTE_OK;
    if (!buf || !g || !h || !u || !valid_length(n)) return EVOTE_ERR_ARGUMENT;
    size = evote_slot_gens_size(n);
    pts = malloc((2 * n + 2) * sizeof *pts);
    ok = malloc((2 * n + 1) * sizeof *ok);
    pre = malloc(n * sizeof *pre);
    scratch = malloc(n * sizeof *scratch);
    if (!pts || !ok || !pre || !scratch) {
        rc = EVOTE_ERR_ARGUMENT;
        goto done;
    }
    if (ristretto_decode_batch(pts, ok, g, n) != n ||
        ristretto_decode_batch(pts + n, ok + n, h, n) != n ||
        !ristretto_decode(&pts[2 * n], u)) {
        memset(buf, 0, size);
        rc = EVOTE_ERR_ENCODING;
        goto done;
    }
    ge_p3_0(&sum);
    for (t = 0; t < n; t++) {
        ge_p3_to_cached(&cached, &pts[n + t]);
        ge_add(&r, &sum, &cached);
        ge_p1p1_to_p3(&sum, &r);
    }
    ge_p3_neg(&pts[2 * n + 1], &sum);
    /* g_t + h_t, to affine precomp form with one inversion */
    {
        ge_p3 *gh = malloc(n * sizeof *gh);
        if (!gh) {
            rc = EVOTE_ERR_ARGUMENT;
            goto done;
        }
        for (t = 0; t < n; t++) {
            ge_p3_to_cached(&cached, &pts[n + t]);
            ge_add(&r, &pts[t], &cached);
            ge_p1p1_to_p3(&gh[t], &r);
        }
        ge_p3_batch_to_precomp(pre, gh, n, scratch);
        free(gh);
    }
    /* window multiples 2^(8 j) P of g, h, U, to affine with one inversion */
    {
        size_t m = (2 * n + 1) * SLOT_WINDOWS, idx, j, k;
        ge_p3 *mult = malloc(m * sizeof *mult);
        fe *scr = malloc(m * sizeof *scr);
        ge_precomp *win = malloc(m * sizeof *win);
        if (!mult || !scr || !win) {
            free(mult);
            free(scr);
            free(win);
            rc = EVOTE_ERR_ARGUMENT;
            goto done;
        }
        for (idx = 0; idx < 2 * n + 1; idx++) {
            ge_p3 q = pts[idx];
            for (j = 0; j < SLOT_WINDOWS; j++) {
                ge_p2 q2;
                mult[idx * SLOT_WINDOWS + j] = q;
                ge_p3_to_p2(&q2, &q);
                for (k = 0; k < SLOT_WINDOW_BITS - 1; k++) {
                    ge_p2_dbl(&r, &q2);
                    ge_p1p1_to_p2(&q2, &r);
                }
                ge_p2_dbl(&r, &q2);
                ge_p1p1_to_p3(&q, &r);
            }
        }
        ge_p3_batch_to_precomp(win, mult, m, scr);
        memcpy(buf + gens_win_offset(n, 0, 0), win, m * sizeof *win);
        free(mult);
        free(scr);
        free(win);
    }
    memset(buf, 0, SLOT_GENS_HEADER);
    memcpy(buf, GENS_MAGIC, 8);
    for (i = 0; i < 8; i++) buf[8 + i] = (uint8_t)((uint64_t)n >> (8 * i));
    for (i = 0; i < 4; i++) buf[16 + i] = (uint8_t)((uint32_t)FE_NLIMBS >> (8 * i));
    memcpy(buf + gens_p3_offset(0), pts, (2 * n + 2) * sizeof *pts);
    memcpy(buf + gens_gh_offset(n, 0), pre, n * sizeof *pre);
    (void)acc;
done:
    free(pts);
    free(ok);
    free(pre);
    free(scratch);
    return rc;
}

/* ---------------------------------------------------------------- prover: A */

int evote_slot_a_commit(uint8_t out[32], const uint8_t *gens, const uint8_t *bits,
                        const uint8_t alpha_h[32]) {
    size_t n = gens_n(gens), t;
    ge_p3 acc, base;
    ge_cached cached;
    ge_precomp e, sel;
    ge_p1p1 r;
    uint32_t bad = 0;
    if (!out || !bits || !alpha_h || n == 0) return EVOTE_ERR_ARGUMENT;
    for (t = 0; t < n; t++) bad |= (uint32_t)(bits[t] >> 1);
    CT_DECLASSIFY(&bad, sizeof bad);           /* a non-bit is refused: a public fact */
    if (bad) {
        memset(out, 0, 32);
        return EVOTE_ERR_ARGUMENT;
    }
    {
        int ok = ristretto_decode(&acc, alpha_h);
        CT_DECLASSIFY(&ok, sizeof ok);         /* a bad encoding is refused: public */
        if (!ok) {
            memset(out, 0, 32);
            return EVOTE_ERR_ENCODING;
        }
    }
    gens_p3(&base, gens, 2 * n + 1);           /* -sum_t h_t */
    ge_p3_to_cached(&cached, &base);
    ge_add(&r, &acc, &cached);
    ge_p1p1_to_p3(&acc, &r);
    for (t = 0; t < n; t++) {
        memcpy(&e, gens + gens_gh_offset(n, t), sizeof e);
        ge_precomp_0(&sel);
        ge_precomp_cmov(&sel, &e, (unsigned int)bits[t]);
        ge_madd(&r, &acc, &sel);
        ge_p1p1_to_p3(&acc, &r);
    }
    ristretto_encode(out, &acc);
    ct_wipe(&acc, sizeof acc);
    ct_wipe(&sel, sizeof sel);
    ct_wipe(&r, sizeof r);
    return EVOTE_OK;
}

/* ---------------------------------------------------------------- prover: t(X), l, r */

/* The per-position values of section 8 step 3 (mont), constant time in the bit and
   s_L, s_R: l0 = a_L - z, r0 = y^t (a_L - 1 + z) + w_t, r1 = y^t s_R, and s_L. */
typedef struct { mt l0, r0, r1, sl; } poly_terms;

static int poly_walk(const uint8_t *bits, const uint8_t *s_l, const uint8_t *s_r,
                     const uint8_t y[32], const uint8_t z[32], size_t slots, size_t b,
                     size_t *n_out, poly_terms **terms_out, mt_ctx *c) {
    size_t rounds, n, t;
    mt y_m, z_m, zm1, yp, al, tmp;
    mt *w;
    poly_terms *terms;
    uint32_t bad = 0;
    if (!shape_rounds(slots, b, &rounds)) return EVOTE_ERR_ARGUMENT;
    n = (size_t)1 << rounds;
    for (t = 0; t < n; t++) bad |= (uint32_t)(bits[t] >> 1);
    CT_DECLASSIFY(&bad, sizeof bad);
    if (bad) return EVOTE_ERR_ARGUMENT;
    if (!sc_is_canonical(y) || !sc_is_canonical(z)) return EVOTE_ERR_SCALAR;
    {   /* s_L, s_R are secret: one flag over all of them, then a public refusal */
        uint32_t canon = 1;
        for (t = 0; t < n; t++)
            canon &= (uint32_t)sc_is_canonical(s_l + 32 * t) & (uint32_t)sc_is_canonical(s_r + 32 * t);
        CT_DECLASSIFY(&canon, sizeof canon);
        if (!canon) return EVOTE_ERR_SCALAR;
    }
    w = malloc(n * sizeof *w);
    terms = malloc(n * sizeof *terms);
    if (!w || !terms) {
        free(w);
        free(terms);
        return EVOTE_ERR_ARGUMENT;
    }
    mt_ctx_init(c);
    mt_from_bytes(&y_m, y, c);
    mt_from_bytes(&z_m, z, c);
    mt_sub(&zm1, &z_m, &c->one_m, c);          /* z - 1 */
    block_weights(w, n, slots, b, &z_m, c);
    yp = c->one_m;
    for (t = 0; t < n; t++) {
        mt zero;
        memset(&zero, 0, sizeof zero);
        al = zero;
        {   /* al = bit ? 1 : 0 (mont), by the select idiom */
            mt_word m = mt_mask((unsigned int)bits[t]);
            int i;
            for (i = 0; i < MT_N; i++) al.w[i] = m & c->one_m.w[i];
        }
        mt_sub(&terms[t].l0, &al, &z_m, c);
        mt_add(&tmp, &al, &zm1, c);
        mt_mul(&tmp, &tmp, &yp, c);
        mt_add(&terms[t].r0, &tmp, &w[t], c);
        mt_from_bytes(&tmp, s_r + 32 * t, c);
        mt_mul(&terms[t].r1, &tmp, &yp, c);
        mt_from_bytes(&terms[t].sl, s_l + 32 * t, c);
        mt_mul(&yp, &yp, &y_m, c);
    }
    ct_wipe(&al, sizeof al);
    ct_wipe(&tmp, sizeof tmp);
    free(w);
    *n_out = n;
    *terms_out = terms;
    return EVOTE_OK;
}

static void free_terms(poly_terms *terms, size_t n) {
    ct_wipe(terms, n * sizeof *terms);
    free(terms);
}

int evote_slot_prover_t(uint8_t out[64], const uint8_t *bits, const uint8_t *s_l,
                        const uint8_t *s_r, const uint8_t yz[64], size_t slots, size_t b) {
    mt_ctx c;
    poly_terms *terms = NULL;
    mt t1, t2, p;
    size_t n = 0, t;
    int rc;
    if (!out || !bits || !s_l || !s_r || !yz) return EVOTE_ERR_ARGUMENT;
    rc = poly_walk(bits, s_l, s_r, yz, yz + 32, slots, b, &n, &terms, &c);
    if (rc != EVOTE_OK) {
        memset(out, 0, 64);
        return rc;
    }
    memset(&t1, 0, sizeof t1);
    memset(&t2, 0, sizeof t2);
    for (t = 0; t < n; t++) {                  /* t1 = <l0, r1> + <s_L, r0>, t2 = <s_L, r1> */
        mt_mul(&p, &terms[t].l0, &terms[t].r1, &c);
        mt_add(&t1, &t1, &p, &c);
        mt_mul(&p, &terms[t].sl, &terms[t].r0, &c);
        mt_add(&t1, &t1, &p, &c);
        mt_mul(&p, &terms[t].sl, &terms[t].r1, &c);
        mt_add(&t2, &t2, &p, &c);
    }
    mt_to_plain(&t1, &t1, &c);
    mt_to_plain(&t2, &t2, &c);
    mt_store(out, &t1);
    mt_store(out + 32, &t2);
    free_terms(terms, n);
    ct_wipe(&t1, sizeof t1);
    ct_wipe(&t2, sizeof t2);
    ct_wipe(&p, sizeof p);
    return EVOTE_OK;
}

/* IPA state (bytes): a[n_cur] (plain), b[n_cur] (plain), coef_g[n] (mont), coef_h[n]
   (mont); size 32 (2 n_cur + 2 n). */

int evote_slot_prover_lr(uint8_t *state, uint8_t t_hat[32], const uint8_t *bits,
                         const uint8_t *s_l, const uint8_t *s_r, const uint8_t yzx[96],
                         const uint8_t y_inv[32], size_t slots, size_t b) {
    mt_ctx c;
    poly_terms *terms = NULL;
    mt x_m, yi_m, lv, rv, p, th, coef;
    size_t n = 0, t;
    int rc;
    if (!state || !t_hat || !bits || !s_l || !s_r || !yzx || !y_inv) return EVOTE_ERR_ARGUMENT;
    if (!sc_is_canonical(yzx + 64) || !sc_is_canonical(y_inv)) return EVOTE_ERR_SCALAR;
    rc = poly_walk(bits, s_l, s_r, yzx, yzx + 32, slots, b, &n, &terms, &c);
    if (rc != EVOTE_OK) return rc;
    mt_from_bytes(&x_m, yzx + 64, &c);
    mt_from_bytes(&yi_m, y_inv, &c);
    memset(&th, 0, sizeof th);
    coef = c.one_m;
    for (t = 0; t < n; t++) {
        mt_mul(&p, &terms[t].sl, &x_m, &c);
        mt_add(&lv, &terms[t].l0, &p, &c);
        mt_mul(&p, &terms[t].r1, &x_m, &c);
        mt_add(&rv, &terms[t].r0, &p, &c);
        mt_mul(&p, &lv, &rv, &c);
        mt_add(&th, &th, &p, &c);
        mt_to_plain(&lv, &lv, &c);
        mt_to_plain(&rv, &rv, &c);
        mt_store(state + 32 * t, &lv);
        mt_store(state + 32 * (n + t), &rv);
        mt_store(state + 32 * (2 * n + t), &c.one_m);     /* coef_g = 1 */
        mt_store(state + 32 * (3 * n + t), &coef);        /* coef_h = y^-t */
        mt_mul(&coef, &coef, &yi_m, &c);
    }
    mt_to_plain(&th, &th, &c);
    mt_store(t_hat, &th);
    free_terms(terms, n);
    ct_wipe(&lv, sizeof lv);
    ct_wipe(&rv, sizeof rv);
    ct_wipe(&p, sizeof p);
    return EVOTE_OK;
}

/* ---------------------------------------------------------------- prover: IPA rounds */

/* The signed radix-2^SLOT_WINDOW_BITS digits of a scalar < 2^253: d[j] in
   [-2^(c-1), 2^(c-1)], sum d[j] 2^(c j) = s (c = SLOT_WINDOW_BITS; the top window holds
   bits 250..252 plus a carry: no carry out). Variable time (public scalars). */
static void window_digits(int d[SLOT_WINDOWS], const uint8_t s[32]) {
    int j, carry = 0;
    for (j = 0; j < SLOT_WINDOWS; j++) {
        int bit = j * SLOT_WINDOW_BITS, v = 0, k;
        for (k = SLOT_WINDOW_BITS - 1; k >= 0; k--) {
            int b = bit + k;
            v = (v << 1) | (b < 256 ? (s[b >> 3] >> (b & 7)) & 1 : 0);
        }
        v += carry;
        carry = v > SLOT_BUCKETS;
        d[j] = v - (carry << SLOT_WINDOW_BITS);
    }
}

/* r = sum scal[i] P_{idx[i]} over m terms with the window tables of the generator buffer
   (variable time, public scalars < 2^253): signed radix-2^10 digits, 26 windows; every
   (term, window) with digit d goes into bucket |d| with the sign of d (one affine
   addition), then r = sum_k k bucket[k] by two running sums (2 x 512 additions). About
   26 additions per term, against about 45 for Pippenger over decoded points at m = 513. */
static int fixed_msm_vartime(ge_p3 *r, const uint8_t *gens, size_t n, const uint8_t *scal,
                             const size_t *idx, size_t m) {
    ge_p3 *bucket = malloc(SLOT_BUCKETS * sizeof *bucket), run, acc;
    ge_precomp e;
    ge_cached cached;
    ge_p1p1 t;
    size_t i, j;
    int k;
    if (!bucket) return 0;
    for (k = 0; k < SLOT_BUCKETS; k++) ge_p3_0(&bucket[k]);
    for (i = 0; i < m; i++) {
        int digits[SLOT_WINDOWS];
        window_digits(digits, scal + 32 * i);
        for (j = 0; j < SLOT_WINDOWS; j++) {
            int d = digits[j];
            if (d == 0) continue;
            memcpy(&e, gens + gens_win_offset(n, idx[i], j), sizeof e);
            if (d > 0) {
                ge_madd(&t, &bucket[d - 1], &e);
                ge_p1p1_to_p3(&bucket[d - 1], &t);
            } else {
                ge_msub(&t, &bucket[-d - 1], &e);
                ge_p1p1_to_p3(&bucket[-d - 1], &t);
            }
        }
    }
    ge_p3_0(&run);
    ge_p3_0(&acc);
    for (k = SLOT_BUCKETS - 1; k >= 0; k--) {
        ge_p3_to_cached(&cached, &bucket[k]);
        ge_add(&t, &run, &cached);
        ge_p1p1_to_p3(&run, &t);
        ge_p3_to_cached(&cached, &run);
        ge_add(&t, &acc, &cached);
        ge_p1p1_to_p3(&acc, &t);
    }
    *r = acc;
    free(bucket);
    return 1;
}

static int ipa_args(const uint8_t *state, const uint8_t *gens, size_t n_cur, size_t *n) {
    *n = gens_n(gens);
    if (!state || *n == 0 || n_cur < 2 || n_cur > *n || (n_cur & (n_cur - 1)) != 0)
        return EVOTE_ERR_ARGUMENT;
    if (!all_canonical(state, 2 * n_cur + 2 * *n, NULL)) return EVOTE_ERR_SCALAR;
    return EVOTE_OK;
}

int evote_slot_ipa_round_vartime(uint8_t lr[64], const uint8_t *state, const uint8_t *gens,
                                 size_t n_cur, const uint8_t x_ip[32]) {
    mt_ctx c;
    mt x_m, cl, cr, p, sc_v, coef;
    size_t n, half, t, i;
    uint8_t *scal = NULL;
    size_t *pts = NULL;
    ge_p3 res;
    const uint8_t *a, *b, *cg, *ch;
    int rc, side;
    if (!lr || !x_ip) return EVOTE_ERR_ARGUMENT;
    rc = ipa_args(state, gens, n_cur, &n);
    if (rc != EVOTE_OK) return rc;
    if (!sc_is_canonical(x_ip)) return EVOTE_ERR_SCALAR;
    scal = malloc(32 * (n + 1));
    pts = malloc((n + 1) * sizeof *pts);
    if (!scal || !pts) {
        free(scal);
        free(pts);
        return EVOTE_ERR_ARGUMENT;
    }
    mt_ctx_init(&c);
    a = state;
    b = state + 32 * n_cur;
    cg = state + 64 * n_cur;
    ch = cg + 32 * n;
    half = n_cur / 2;
    mt_from_bytes(&x_m, x_ip, &c);
    memset(&cl, 0, sizeof cl);
    memset(&cr, 0, sizeof cr);
    for (i = 0; i < half; i++) {               /* c_L = <a_lo, b_hi>, c_R = <a_hi, b_lo> */
        mt av, bv;
        mt_load(&av, a + 32 * i);
        mt_from_bytes(&bv, b + 32 * (half + i), &c);
        mt_mul(&p, &av, &bv, &c);
        mt_add(&cl, &cl, &p, &c);
        mt_load(&av, a + 32 * (half + i));
        mt_from_bytes(&bv, b + 32 * i, &c);
        mt_mul(&p, &av, &bv, &c);
        mt_add(&cr, &cr, &p, &c);
    }
    /* side 0: L_k = <a_lo, g_hi> + <b_hi, h'_lo> + c_L Q; side 1: R_k with lo and hi
       swapped (spec section 8 step 5), over the original generators */
    for (side = 0; side < 2; side++) {
        for (t = 0; t < n; t++) {
            int hi;
            mt v;
            i = t & (n_cur - 1);
            hi = i >= half;
            if (hi != side) {                   /* a times coef_g on g_t */
                mt_load(&v, a + 32 * (hi ? i - half : i + half));
                mt_load(&coef, cg + 32 * t);
                pts[t] = t;
            } else {                            /* b times coef_h on h_t */
                mt_load(&v, b + 32 * (hi ? i - half : i + half));
                mt_load(&coef, ch + 32 * t);
                pts[t] = n + t;
            }
            mt_mul(&sc_v, &v, &coef, &c);      /* plain */
            mt_store(scal + 32 * t, &sc_v);
        }
        mt_mul(&sc_v, side ? &cr : &cl, &x_m, &c);   /* plain */
        mt_store(scal + 32 * n, &sc_v);
        pts[n] = 2 * n;
        if (!fixed_msm_vartime(&res, gens, n, scal, pts, n + 1)) {
            free(scal);
            free(pts);
            memset(lr, 0, 64);
            return EVOTE_ERR_ARGUMENT;
        }
        ristretto_encode(lr + 32 * side, &res);
    }
    free(scal);
    free(pts);
    return EVOTE_OK;
}

int evote_slot_ipa_fold(uint8_t *next, const uint8_t *state, const uint8_t *gens,
                        size_t n_cur, const uint8_t u[32]) {
    mt_ctx c;
    mt u_m, ui_m, x, y, p, q;
    uint8_t ui[32];
    size_t n, half, i, t;
    const uint8_t *a, *b, *cg, *ch;
    uint8_t *na, *nb, *ncg, *nch;
    int rc;
    if (!next || !u) return EVOTE_ERR_ARGUMENT;
    rc = ipa_args(state, gens, n_cur, &n);
    if (rc != EVOTE_OK) return rc;
    if (!sc_is_canonical(u)) return EVOTE_ERR_SCALAR;
    if (sc_is_zero(u)) return EVOTE_ERR_ZERO;
    mt_ctx_init(&c);
    sc_invert(ui, u);
    mt_from_bytes(&u_m, u, &c);
    mt_from_bytes(&ui_m, ui, &c);
    half = n_cur / 2;
    a = state;
    b = state + 32 * n_cur;
    cg = state + 64 * n_cur;
    ch = cg + 32 * n;
    na = next;
    nb = next + 32 * half;
    ncg = next + 64 * half;
    nch = ncg + 32 * n;
    for (i = 0; i < half; i++) {               /* a' = u a_lo + u^-1 a_hi, b' = u^-1 b_lo + u b_hi */
        mt_load(&x, a + 32 * i);
        mt_load(&y, a + 32 * (half + i));
        mt_mul(&p, &x, &u_m, &c);
        mt_mul(&q, &y, &ui_m, &c);
        mt_add(&p, &p, &q, &c);
        mt_store(na + 32 * i, &p);
        mt_load(&x, b + 32 * i);
        mt_load(&y, b + 32 * (half + i));
        mt_mul(&p, &x, &ui_m, &c);
        mt_mul(&q, &y, &u_m, &c);
        mt_add(&p, &p, &q, &c);
        mt_store(nb + 32 * i, &p);
    }
    for (t = 0; t < n; t++) {                  /* g' = u^-1 g_lo + u g_hi, h' = u h_lo + u^-1 h_hi */
        int lo = (t & (n_cur - 1)) < half;
        mt_load(&x, cg + 32 * t);
        mt_mul(&p, &x, lo ? &ui_m : &u_m, &c);
        mt_store(ncg + 32 * t, &p);
        mt_load(&x, ch + 32 * t);
        mt_mul(&p, &x, lo ? &u_m : &ui_m, &c);
        mt_store(nch + 32 * t, &p);
    }
    return EVOTE_OK;
}
