/*
 * scalarmult.c: constant-time scalar multiplication for secret scalars.
 *
 * Both methods recode the scalar into 64 signed radix-16 digits e[i] in [-8, 8]
 * (sc_recode_radix16), so s = sum e[i] 16^i, and for every digit select |e[i]| * Q from
 * a table of 1Q..8Q by scanning all eight entries with the select idiom of ct.h (no
 * memory index depends on the digit), then negate conditionally (also masked), then add.
 * Digit 0 selects the identity. The digit loop itself is public (always 64 digits).
 *
 *  - Variable base: table of 1P..8P in cached form; 4 doublings per digit (252 in all)
 *    and 64 additions.
 *  - Fixed base: signed radix-32 digits e[i] in [-16, 16] (sc_recode_radix32, 51
 *    digits) and per position pair i a row of (j+1) 32^(2i) B, j < 16 (affine); the odd
 *    digits are summed first, multiplied by 32 (5 doublings), then the even digits are
 *    added: 51 mixed additions and 5 doublings. (Radix 32 beats radix 16 here once the
 *    scan is vectorised: 13 fewer additions for twice the entries scanned.)
 * Secret temporaries (digits, selected entries, accumulators) are wiped before return.
 */
#include <stdlib.h>
#include <string.h>

#include "basetable_g.h"
#include "ct.h"
#include "ristretto.h"
#include "sc.h"
#include "scalarmult.h"

/* (|b|, sign of b) for b in [-8, 8], without branches. */
static void digit_split(uint32_t *babs, uint32_t *bneg, int8_t b) {
    uint32_t u = (uint32_t)(int32_t)b;      /* two's complement, well defined */
    uint32_t neg = u >> 31;
    *bneg = neg;
    *babs = (u ^ (0u - neg)) + neg;
}

/*
 * The table scan: out = OR over j < 8 of (m[j] AND entry j), word by word, where
 * exactly one mask m[j] is all ones (or none, for the digit 0). Every entry is read in
 * full whatever the digit. Entries are read through memcpy (no alignment needed); the
 * flat loop over whole 16-byte multiples lets the compiler use vector loads (SSE2 and
 * NEON both exist on every x86-64 and aarch64), which makes the scan about 4x cheaper.
 */
#define SCAN_MAX 16
#if (defined(__GNUC__) || defined(__clang__)) && !defined(EVOTE_NO_VECTOR_SCAN)
/* 16 bytes at a time with the compiler's generic vectors (SSE2 on x86-64, NEON on ARM,
   plain integer code where neither exists); both entry sizes (128 and 160 bytes) are
   multiples of 16. Same masks, same reads, same constant-time argument. */
typedef uint64_t scan_vec __attribute__((vector_size(16)));
/* always_inline: the callers' constant stride, size and count then fold into the code */
static inline __attribute__((always_inline)) void table_scan(fe_limb *out, const uint8_t *entries, size_t stride, size_t nwords,
                       const fe_limb *m, size_t n) {
    const size_t nbytes = nwords * sizeof(fe_limb);
    scan_vec mv[SCAN_MAX];
    size_t j, off, g;
    EVOTE_UNROLL
    for (j = 0; j < n; j++) {
        uint64_t m64 = (uint64_t)0 - (uint64_t)(m[j] & 1);   /* widen the all-ones mask */
        mv[j] = (scan_vec){m64, m64};
    }
    for (off = 0; off < nbytes; off += 16) {
        scan_vec acc = {0, 0};
        EVOTE_UNROLL
        for (g = 0; g < n; g += 8) {   /* 8 entries unrolled */
            scan_vec x0, x1, x2, x3, x4, x5, x6, x7;
            const uint8_t *e = entries + g * stride + off;
            const scan_vec *mg = mv + g;
            memcpy(&x0, e, 16);
            memcpy(&x1, e + stride, 16);
            memcpy(&x2, e + 2 * stride, 16);
            memcpy(&x3, e + 3 * stride, 16);
            memcpy(&x4, e + 4 * stride, 16);
            memcpy(&x5, e + 5 * stride, 16);
            memcpy(&x6, e + 6 * stride, 16);
            memcpy(&x7, e + 7 * stride, 16);
            acc |= (mg[0] & x0) | (mg[1] & x1) | (mg[2] & x2) | (mg[3] & x3) | (mg[4] & x4) |
                   (mg[5] & x5) | (mg[6] & x6) | (mg[7] & x7);
        }
        memcpy((uint8_t *)out + off, &acc, 16);
    }
}
#else
static fe_limb scan_load(const uint8_t *p) {
    fe_limb x;
    memcpy(&x, p, sizeof x);   /* no alignment needed */
    return x;
}

static void table_scan(fe_limb *out, const uint8_t *entries, size_t stride, size_t nwords,
                       const fe_limb *m, size_t n) {
    fe_limb acc[4 * 10];   /* the largest entry: ge_cached, portable representation */
    size_t j, w;
    memset(acc, 0, nwords * sizeof(fe_limb));
    for (j = 0; j < n; j++) {
        const uint8_t *e = entries + j * stride;
        const fe_limb mj = m[j];
        for (w = 0; w < nwords; w++) acc[w] |= mj & scan_load(e + w * sizeof(fe_limb));
    }
    memcpy(out, acc, nwords * sizeof(fe_limb));
}
#endif

/* Masks for digit b (|b| <= n): m[j] all ones iff |b| == j + 1; *m0 all ones iff b == 0. */
static void digit_masks(fe_limb *m, size_t n, fe_limb *m0, uint32_t *bneg, int8_t b) {
    uint32_t babs;
    size_t j;
    digit_split(&babs, bneg, b);
    EVOTE_UNROLL
    for (j = 0; j < n; j++) m[j] = (fe_limb)ct_mask64(ct_eq_u32(babs, (uint32_t)j + 1));
    *m0 = (fe_limb)ct_mask64(ct_is_zero_u32(babs));
}

/* r = b * (table entries 1..8), cached form, constant time in b. */
static void cached_select(ge_cached *r, const ge_cached tab[8], int8_t b) {
    fe_limb m[8], m0, words[4 * FE_NLIMBS];   /* ge_cached: 4 fe, no padding */
    uint32_t bneg;
    ge_cached id;
    int k;
    digit_masks(m, 8, &m0, &bneg, b);
    table_scan(words, (const uint8_t *)tab, sizeof(ge_cached), 4 * FE_NLIMBS, m, 8);
    memcpy(r, words, sizeof *r);   /* ge_cached is 4 fe: 4 * FE_NLIMBS limbs, no padding */
    ge_cached_0(&id);
    for (k = 0; k < FE_NLIMBS; k++) {
        r->YplusX.v[k] |= m0 & id.YplusX.v[k];
        r->YminusX.v[k] |= m0 & id.YminusX.v[k];
        r->Z2.v[k] |= m0 & id.Z2.v[k];
    }
    ge_cached_cneg(r, bneg);
}

/* r = b * row entries (row = BASETABLE_COLS consecutive ge_precomp as bytes), constant
   time in b, |b| <= BASETABLE_COLS. */
static void precomp_select(ge_precomp *r, const uint8_t *row, int8_t b) {
    fe_limb m[BASETABLE_COLS], m0, words[sizeof(ge_precomp) / sizeof(fe_limb)];
    uint32_t bneg;
    digit_masks(m, BASETABLE_COLS, &m0, &bneg, b);
    table_scan(words, row, sizeof(ge_precomp), sizeof(ge_precomp) / sizeof(fe_limb), m,
               BASETABLE_COLS);
    memcpy(r, words, sizeof *r);
    r->yplusx.v[0] |= m0 & 1;    /* identity: y+x = y-x = 1, 2dxy = 0 */
    r->yminusx.v[0] |= m0 & 1;
    ge_precomp_cneg(r, bneg);
}

void ge_scalarmult(ge_p3 *r, const uint8_t s[32], const ge_p3 *p) {
    ge_cached tab[8], sel;
    ge_p3 mult[9], acc;
    ge_p1p1 t;
    ge_p2 q;
    int8_t e[64];
    int i, k;

    /* mult[k] = k P for k = 1..8 (public work: P is not secret), tab[k-1] cached. */
    mult[1] = *p;
    ge_p3_to_cached(&tab[0], p);
    for (k = 2; k <= 8; k++) {
        if (k & 1) {
            ge_add(&t, &mult[k - 1], &tab[0]);
        } else {
            ge_p3_dbl(&t, &mult[k / 2]);
        }
        ge_p1p1_to_p3(&mult[k], &t);
    }
    for (k = 1; k <= 8; k++) ge_p3_to_cached(&tab[k - 1], &mult[k]);

    sc_recode_radix16(e, s);
    cached_select(&sel, tab, e[63]);
    ge_p3_0(&acc);
    ge_add(&t, &acc, &sel);
    ge_p1p1_to_p3(&acc, &t);
    ge_p3_to_p2(&q, &acc);
    for (i = 62; i >= 0; i--) {
        ge_p2_dbl(&t, &q);
        ge_p1p1_to_p2(&q, &t);
        ge_p2_dbl(&t, &q);
        ge_p1p1_to_p2(&q, &t);
        ge_p2_dbl(&t, &q);
        ge_p1p1_to_p2(&q, &t);
        ge_p2_dbl(&t, &q);
        ge_p1p1_to_p3(&acc, &t);
        cached_select(&sel, tab, e[i]);
        ge_add(&t, &acc, &sel);
        if (i > 0) {
            ge_p1p1_to_p2(&q, &t);     /* the next step doubles: X, Y, Z suffice */
        } else {
            ge_p1p1_to_p3(&acc, &t);
        }
    }
    *r = acc;
    ct_wipe(e, sizeof e);
    ct_wipe(&sel, sizeof sel);
    ct_wipe(&acc, sizeof acc);
    ct_wipe(&t, sizeof t);
    ct_wipe(&q, sizeof q);
}

#define BT_DIGITS 51
#define BT_ROW_BYTES ((size_t)BASETABLE_COLS * sizeof(ge_precomp))

/* acc += sum over the digits i = first, first + 2, ... of e[i] 32^(i - i mod 2) B. */
static void basetable_accumulate(ge_p3 *acc, const uint8_t *entries, const int8_t e[BT_DIGITS],
                                 int first) {
    ge_precomp sel;
    ge_p1p1 t;
    int i;
    for (i = first; i < BT_DIGITS; i += 2) {
        precomp_select(&sel, entries + (size_t)(i / 2) * BT_ROW_BYTES, e[i]);
        ge_madd(&t, acc, &sel);
        ge_p1p1_to_p3(acc, &t);
    }
    ct_wipe(&sel, sizeof sel);
    ct_wipe(&t, sizeof t);
}

static void times32(ge_p3 *acc) {
    ge_p1p1 t;
    ge_p2 q;
    int k;
    ge_p3_to_p2(&q, acc);
    for (k = 0; k < 4; k++) {
        ge_p2_dbl(&t, &q);
        ge_p1p1_to_p2(&q, &t);
    }
    ge_p2_dbl(&t, &q);
    ge_p1p1_to_p3(acc, &t);
    ct_wipe(&t, sizeof t);
    ct_wipe(&q, sizeof q);
}

void basetable_mul(ge_p3 *r, const uint8_t *entries, const uint8_t s[32]) {
    int8_t e[BT_DIGITS];
    ge_p3 acc;
    sc_recode_radix32(e, s);
    ge_p3_0(&acc);
    basetable_accumulate(&acc, entries, e, 1);
    times32(&acc);
    basetable_accumulate(&acc, entries, e, 0);
    *r = acc;
    ct_wipe(e, sizeof e);
    ct_wipe(&acc, sizeof acc);
}

void basetable_mul2(ge_p3 *r, const uint8_t *entries_a, const uint8_t a[32],
                    const uint8_t *entries_b, const uint8_t b[32]) {
    int8_t ea[BT_DIGITS], eb[BT_DIGITS];
    ge_p3 acc;
    sc_recode_radix32(ea, a);
    sc_recode_radix32(eb, b);
    ge_p3_0(&acc);
    basetable_accumulate(&acc, entries_a, ea, 1);
    basetable_accumulate(&acc, entries_b, eb, 1);
    times32(&acc);
    basetable_accumulate(&acc, entries_a, ea, 0);
    basetable_accumulate(&acc, entries_b, eb, 0);
    *r = acc;
    ct_wipe(ea, sizeof ea);
    ct_wipe(eb, sizeof eb);
    ct_wipe(&acc, sizeof acc);
}

const uint8_t *basetable_g_entries(void) { return (const uint8_t *)EVOTE_G_TABLE; }

void ge_scalarmult_base(ge_p3 *r, const uint8_t s[32]) {
    basetable_mul(r, basetable_g_entries(), s);
}

static const uint8_t BASETABLE_MAGIC[8] = {'e', 'v', 'o', 't', 'e', 'B', 'T', '2'};

void basetable_build(uint8_t *table, const ge_p3 *p, const uint8_t enc[32]) {
    /* The multiples in extended coordinates, then one batched inversion. Public data. */
    ge_p3 *pts = malloc(BASETABLE_ENTRIES * sizeof *pts);
    fe *scratch = malloc(BASETABLE_ENTRIES * sizeof *scratch);
    ge_precomp *pre = malloc(BASETABLE_ENTRIES * sizeof *pre);
    ge_p3 base = *p, acc;
    ge_cached bc;
    ge_p1p1 t;
    int i, j;
    memset(table, 0, BASETABLE_HEADER);
    memcpy(table, BASETABLE_MAGIC, 8);
    table[8] = (uint8_t)FE_NLIMBS;
    memcpy(table + 32, enc, 32);
    for (i = 0; i < BASETABLE_ROWS; i++) {
        ge_p3_to_cached(&bc, &base);
        acc = base;
        for (j = 0; j < BASETABLE_COLS; j++) {
            if (pts != NULL && scratch != NULL && pre != NULL) {
                pts[i * BASETABLE_COLS + j] = acc;
            } else {   /* no memory for the batch: one inversion per entry */
                ge_precomp pc;
                ge_p3_to_precomp(&pc, &acc);
                memcpy(table + BASETABLE_HEADER + ((size_t)i * BASETABLE_COLS + j) * sizeof pc,
                       &pc, sizeof pc);
            }
            ge_add(&t, &acc, &bc);
            ge_p1p1_to_p3(&acc, &t);
        }
        for (j = 0; j < 10; j++) {   /* base *= 32^2 */
            ge_p3_dbl(&t, &base);
            ge_p1p1_to_p3(&base, &t);
        }
    }
    if (pts != NULL && scratch != NULL && pre != NULL) {
        ge_p3_batch_to_precomp(pre, pts, BASETABLE_ENTRIES, scratch);
        memcpy(table + BASETABLE_HEADER, pre, BASETABLE_ENTRIES * sizeof *pre);
    }
    free(pts);
    free(scratch);
    free(pre);
}

int basetable_check(const uint8_t *table) {
    return memcmp(table, BASETABLE_MAGIC, 8) == 0 && table[8] == FE_NLIMBS && table[9] == 0 &&
           table[10] == 0 && table[11] == 0;
}
