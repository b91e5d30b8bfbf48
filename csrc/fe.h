/*
 * fe.h: arithmetic in GF(p), p = 2^255 - 19 (private to csrc/).
 *
 * Two representations, one API, chosen at compile time:
 *  - EVOTE_FE_RADIX51 (default when the compiler has unsigned __int128): five uint64
 *    limbs, limb i weighs 2^(51 i); products in unsigned __int128.
 *  - otherwise (or with -DEVOTE_NO_INT128): ten uint32 limbs at bit positions
 *    0,26,51,77,102,128,153,179,204,230 ("radix 2^25.5"); products in uint64.
 *
 * Limb bounds. "Tight" means every limb is below 2^51 (radix 51) resp. 2^26 / 2^25
 * (radix 25.5) plus a small slack on limb 0 and 1 left by the final carry; every
 * function that carries (mul, sq, sub, neg, carry, frombytes, the constants) returns a
 * tight result. fe_add does not carry: the sum of two tight values is "loose" (2x tight).
 *  - fe_mul / fe_sq / fe_sq2 accept inputs up to 2x tight each (radix 25.5 overflows
 *    beyond roughly 2.6x tight; radix 51 accepts limbs < 2^54, fe_sq2 < 2^53).
 *    Never feed add(add(..)) to them.
 *  - fe_sub / fe_neg accept a minuend up to 2x tight and a subtrahend up to 2x tight.
 *  - fe_tobytes accepts up to 2x tight and writes the canonical (fully reduced) encoding.
 * Outputs may alias inputs everywhere.
 *
 * Timing: every function here is constant time (no branch or index depends on the
 * values), including fe_invert, fe_pow22523, fe_iszero, fe_isnegative, fe_eq and the
 * conditional moves.
 */
#ifndef EVOTE_FE_H
#define EVOTE_FE_H

#include <stdint.h>

#if defined(__SIZEOF_INT128__) && !defined(EVOTE_NO_INT128)
#define EVOTE_FE_RADIX51 1
typedef struct { uint64_t v[5]; } fe;
#define FE_NLIMBS 5
typedef uint64_t fe_limb;
#else
typedef struct { uint32_t v[10]; } fe;
#define FE_NLIMBS 10
typedef uint32_t fe_limb;
#endif

#include "ct.h"

/* Inline core (per representation): fe_0, fe_1, fe_copy, fe_add (no carry, loose
   output), fe_sub, fe_neg, fe_carry (loose -> tight), fe_mul, fe_sq, fe_sq2 (2 f^2),
   fe_mul_small (f * c, c < 2^17), fe_cmov (h = b ? f : h), fe_cswap. */
#ifdef EVOTE_FE_RADIX51
#include "fe51.h"
#else
#include "fe25.h"
#endif

void fe_sqn(fe *h, const fe *f, int n);            /* f^(2^n), n >= 1 public */

/* Little-endian bytes; frombytes ignores bit 255 (callers check canonicity apart). */
void fe_frombytes(fe *h, const uint8_t s[32]);
void fe_tobytes(uint8_t s[32], const fe *f);

int fe_iszero(const fe *f);       /* 1 if f == 0 mod p */
int fe_isnegative(const fe *f);   /* low bit of the canonical encoding (RFC 9496 IS_NEGATIVE) */
int fe_eq(const fe *f, const fe *g);  /* 1 if equal mod p */

/* Conditional operations use the one select idiom of ct.h (mask = 0 - b), b in {0,1}. */
void fe_cneg(fe *h, const fe *f, unsigned int b);   /* h = b ? -f : f */
void fe_abs(fe *h, const fe *f);                    /* h = |f| (RFC 9496 CT_ABS) */

void fe_invert(fe *h, const fe *z);       /* z^(p-2); 0 maps to 0 */
void fe_pow22523(fe *h, const fe *z);     /* z^((p-5)/8) */
/* RFC 9496 SQRT_RATIO_M1: returns was_square; *r = the nonnegative sqrt(u/v) when u/v is
   square, else the nonnegative sqrt(SQRT_M1 * u/v); r = 0 when u == 0 (or v == 0). */
int fe_sqrt_ratio_m1(fe *r, const fe *u, const fe *v);
/* FE_LANES independent SQRT_RATIO_M1(1, v[k]) (inverse square roots, as decoding and
   encoding need) run in lockstep: the same results as FE_LANES calls of
   fe_sqrt_ratio_m1(&out[k], one, &v[k]), about 1.4x the throughput (fe.c "Lanes").
   out may not alias v. Constant time. */
#define FE_LANES 4
void fe_invsqrt_x4(fe out[FE_LANES], int was_square[FE_LANES], const fe v[FE_LANES]);

#endif
