/*
 * ristretto.h: the ristretto255 group (RFC 9496) over edwards25519 points (private).
 * A ge_p3 here is any representative of its ristretto255 class (coset of the
 * 4-torsion); only encode and eq look through the representative.
 */
#ifndef EVOTE_RISTRETTO_H
#define EVOTE_RISTRETTO_H

#include "ge.h"

/* RFC 9496 4.3.1. Returns 1 and sets *p on success, 0 on a rejected encoding (then *p is
   the identity). Constant time in the bytes (the encoding is usually public anyway). */
int ristretto_decode(ge_p3 *p, const uint8_t s[32]);
/* RFC 9496 4.3.2: the canonical encoding of p's class. Constant time. */
void ristretto_encode(uint8_t s[32], const ge_p3 *p);
/* n decodes at once (p[i], ok[i] = ristretto_decode(&p[i], bytes + 32 i)), FE_LANES
   square roots in lockstep: about 1.4x the throughput of a loop. Returns the index of the
   first rejected encoding, n when all decode. Constant time per point (each point's work
   is independent of its bytes, as in ristretto_decode); the returned index is public. */
size_t ristretto_decode_batch(ge_p3 *p, int *ok, const uint8_t *bytes, size_t n);
/* n encodes at once (out + 32 i = encoding of p[i]), lockstep as above. Constant time in
   the points (so usable on secret points: temporaries are wiped). */
void ristretto_encode_batch(uint8_t *out, const ge_p3 *p, size_t n);
/* RFC 9496 4.3.3: 1 iff p and q are the same ristretto255 element. Constant time. */
int ristretto_eq(const ge_p3 *p, const ge_p3 *q);
/* RFC 9496 4.3.4: element derivation (one-way map) from 64 bytes. Constant time. */
void ristretto_from_uniform(ge_p3 *p, const uint8_t in[64]);
/* n one-way maps at once (p[i] = ristretto_from_uniform of in + 64 i), FE_LANES square
   roots in lockstep. Same points as the loop (test_core checks); the representatives
   have any Z. Variable time only in a branch taken for the rare t where v = 0 (the batch
   serves public inputs: generators); otherwise as ristretto_from_uniform. */
void ristretto_from_uniform_batch(ge_p3 *p, const uint8_t *in, size_t n);
/* The generator (RFC 8032 basepoint). */
void ristretto_generator(ge_p3 *p);

#endif
