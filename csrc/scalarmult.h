/*
 * scalarmult.h: constant-time scalar multiplication (secret scalars), private.
 *
 * Fixed-base table layout (the opaque bytes of evote_basetable_*):
 *   bytes [0, 8)    magic "evoteBT2"
 *   bytes [8, 12)   FE_NLIMBS (5 or 10) as a little-endian uint32: a table built by the
 *                   other field representation is refused
 *   bytes [32, 64)  the ristretto255 encoding of the base B
 *   bytes [64, ...) 26 x 16 ge_precomp entries (128 bytes each): entry [i][j] =
 *                   (j+1) 32^(2i) B, affine (y+x, y-x, 2dxy, zero pad), native limbs,
 *                   read only through memcpy (so the buffer needs no alignment).
 * The static table of the generator (basetable_g.h) has the same entry layout.
 */
#ifndef EVOTE_SCALARMULT_H
#define EVOTE_SCALARMULT_H

#include <stddef.h>

#include "ge.h"

#define BASETABLE_HEADER 64
#define BASETABLE_ROWS 26   /* signed radix-32 digits: 51 digits, two per row */
#define BASETABLE_COLS 16   /* |digit| in 1..16 */
#define BASETABLE_ENTRIES (BASETABLE_ROWS * BASETABLE_COLS)
#define BASETABLE_SIZE (BASETABLE_HEADER + BASETABLE_ENTRIES * sizeof(ge_precomp))

/* r = s P. s: 32-byte scalar < 2^255 (secret). Constant time in s. */
void ge_scalarmult(ge_p3 *r, const uint8_t s[32], const ge_p3 *p);
/* r = s G with the static generator table. Constant time in s. */
void ge_scalarmult_base(ge_p3 *r, const uint8_t s[32]);

/* Fill the table bytes for base p (encoding enc). Variable time (public base). */
void basetable_build(uint8_t *table, const ge_p3 *p, const uint8_t enc[32]);
/* 1 if the header is one this build writes. */
int basetable_check(const uint8_t *table);
/* r = s B from table entries (entries = table + BASETABLE_HEADER, or the static G table
   viewed as bytes). Constant time in s. */
void basetable_mul(ge_p3 *r, const uint8_t *entries, const uint8_t s[32]);
/* r = a A + b B. Constant time in a and b. */
void basetable_mul2(ge_p3 *r, const uint8_t *entries_a, const uint8_t a[32],
                    const uint8_t *entries_b, const uint8_t b[32]);
/* The static generator table as entry bytes. */
const uint8_t *basetable_g_entries(void);

#endif
