/*
 * sc.h: integers mod l = 2^252 + 27742317777372353535851937790883648493 (private).
 * Scalars are 32-byte little-endian; every function here is constant time in its
 * inputs, and outputs may alias inputs. Inputs of the arithmetic must be canonical (< l)
 * unless a comment says otherwise; outputs always are.
 */
#ifndef EVOTE_SC_H
#define EVOTE_SC_H

#include <stdint.h>

int sc_is_canonical(const uint8_t s[32]);                   /* 1 iff s < l */
void sc_reduce_wide(uint8_t out[32], const uint8_t in[64]); /* any 512-bit in, mod l */
void sc_reduce32(uint8_t out[32], const uint8_t in[32]);    /* any 256-bit in, mod l */
void sc_add(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
void sc_sub(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
void sc_neg(uint8_t out[32], const uint8_t a[32]);
void sc_mul(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
void sc_invert(uint8_t out[32], const uint8_t a[32]);       /* a^(l-2); 0 -> 0 */
int sc_is_zero(const uint8_t s[32]);                        /* 1 iff all bytes zero */

/* Signed radix-16 digits: s = sum e[i] 16^i, e[i] in [-8, 8), e[63] in [0, 8].
   Needs s < 2^255 (any canonical scalar). Constant time. */
void sc_recode_radix16(int8_t e[64], const uint8_t s[32]);
/* Signed radix-32 digits: s = sum e[i] 32^i, e[i] in [-16, 16), e[50] in [0, 16].
   Needs s < 2^253 (any canonical scalar). Constant time. */
void sc_recode_radix32(int8_t e[51], const uint8_t s[32]);

#endif
