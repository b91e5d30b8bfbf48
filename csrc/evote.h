/*
 * evote.h: the exported C interface of the evote core (ristretto255, RFC 9496).
 *
 * Contract (every function):
 *  - Points cross this interface only as canonical 32-byte ristretto255 encodings.
 *    Scalars only as canonical 32-byte little-endian integers < l, where
 *    l = 2^252 + 27742317777372353535851937790883648493 (the group order).
 *  - Functions that take points or scalars from the caller validate them and return
 *    EVOTE_ERR_ENCODING (point does not decode) or EVOTE_ERR_SCALAR (scalar >= l);
 *    outputs are then left zeroed. Success is EVOTE_OK (0).
 *  - Outputs may alias inputs unless a comment says otherwise.
 *  - Timing class: functions without a _vartime suffix run in time independent of
 *    their scalar inputs (the secrets). _vartime functions take public data only.
 *  - Internal representations (field elements, extended coordinates) stay private to
 *    csrc/; this header speaks in bytes and plain arrays only.
 *  - The cdef copy for CFFI lives in src/evote/_native_cdef.h (no preprocessor lines);
 *    keep both in sync (tests/test_native_header.py checks they agree).
 */
#ifndef EVOTE_H
#define EVOTE_H

#include <stddef.h>
#include <stdint.h>

#define EVOTE_OK 0
#define EVOTE_ERR_ENCODING (-1)
#define EVOTE_ERR_SCALAR (-2)
#define EVOTE_ERR_ZERO (-3)
#define EVOTE_ERR_ARGUMENT (-4)

/* Version string of the C core; the Python layer refuses a build whose version differs. */
const char *evote_core_version(void);
/* 1 when built with unsigned __int128 (radix 2^51), 0 for the portable 32-bit path. */
int evote_core_uses_int128(void);

/* ---- scalars mod l (constant time) ---- */
int evote_scalar_is_canonical(const uint8_t s[32]);            /* 1 if s < l, else 0 */
void evote_scalar_reduce_wide(uint8_t out[32], const uint8_t in[64]); /* in (LE 512-bit) mod l */
int evote_scalar_add(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
int evote_scalar_sub(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
int evote_scalar_mul(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
int evote_scalar_neg(uint8_t out[32], const uint8_t a[32]);
/* 1/a mod l; EVOTE_ERR_ZERO when a == 0. Constant time except for that final check. */
int evote_scalar_invert(uint8_t out[32], const uint8_t a[32]);

/* ---- points (public-data operations are variable time; see names) ---- */
int evote_point_is_valid(const uint8_t p[32]);                 /* 1 valid, 0 invalid */
int evote_point_add(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
int evote_point_sub(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
int evote_point_neg(uint8_t out[32], const uint8_t a[32]);
/* RFC 9496 one-way map (hash-to-group) of 64 uniform bytes. */
void evote_point_from_uniform(uint8_t out[32], const uint8_t in[64]);
/* Validate n encodings (n*32 bytes). EVOTE_OK, or EVOTE_ERR_ENCODING with *bad_index set
   to the first invalid one. */
int evote_points_validate(const uint8_t *points, size_t n, size_t *bad_index);

/* ---- constant-time scalar multiplication (secret scalar) ---- */
int evote_scalarmult(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]);
int evote_scalarmult_base(uint8_t out[32], const uint8_t scalar[32]);   /* scalar * G */

/* Fixed-base tables for any long-lived base (the generator, the joint key K).
   The table is an opaque byte buffer of evote_basetable_size() bytes, caller-allocated. */
size_t evote_basetable_size(void);
int evote_basetable_init(uint8_t *table, const uint8_t point[32]);
/* out = s * B, constant time in s. */
int evote_basetable_mul(uint8_t out[32], const uint8_t *table, const uint8_t s[32]);
/* out = a * A + b * B for two tables, constant time in a and b; one encoding at the end. */
int evote_basetable_mul2(uint8_t out[32], const uint8_t *table_a, const uint8_t a[32],
                         const uint8_t *table_b, const uint8_t b[32]);

/* ---- variable-time operations (public scalars and points only) ---- */
/* out = a * P + b * G */
int evote_double_scalarmult_vartime(uint8_t out[32], const uint8_t a[32],
                                    const uint8_t p[32], const uint8_t b[32]);
/* out = sum scalars[i] * points[i] over n pairs (n may be 0: identity).
   Straus for small n, Pippenger for large n. On a bad point or scalar, *bad_index names
   the first one. Scalars are canonical (< l). */
int evote_msm_vartime(uint8_t out[32], const uint8_t *scalars, const uint8_t *points,
                      size_t n, size_t *bad_index);
/* The msm of evote_msm_vartime and, from the same decoded points, column sums:
   sums[c] = sum of points[i] over the i with columns[i] == c, for c < n_columns (each
   columns[i] is -1, for no column, or in [0, n_columns)). One decode per point serves
   both (the verifier's ballot proofs and tallies). Errors as evote_msm_vartime, plus
   EVOTE_ERR_ARGUMENT with *bad_index = i for a column index out of range; sums is then
   zeroed too. sums may not alias the inputs. */
int evote_msm_colsum_vartime(uint8_t out[32], uint8_t *sums, const uint8_t *scalars,
                             const uint8_t *points, const int32_t *columns, size_t n,
                             size_t n_columns, size_t *bad_index);
/* sum scalars[i] * from_uniform(uniform + 64 i) (RFC 9496 one-way map), i < n: an msm
   over hash-to-group points (generators) without encoding or decoding them. Errors as
   evote_msm_vartime (no point can be invalid). Variable time: public data only. */
int evote_msm_uniform_vartime(uint8_t out[32], const uint8_t *scalars, const uint8_t *uniform,
                              size_t n, size_t *bad_index);
/* One chunk task of the shuffle verifier's batch (specs/shuffle.md 6; csrc/shuffle_verify.c
   states the coefficients): m items, u_digests m x 64 bytes (digest64 of u_i, reduced
   here), sp the m responses sp_i then, when has_next, the next item's (canonical; else
   EVOTE_ERR_SCALAR and *bad_index), params c, e^(first+1), e, x_1, x_2, x_3, x_a, x_b,
   x_5 (9 x 32, canonical), points the 6m encodings c_i, chat_i, inputs, outputs (else
   EVOTE_ERR_ENCODING and *bad_index, the index in points), gen_uniform the m one-way-map
   inputs of h_i. out: enc(weighted sum) || le32(prod u_i). Variable time: public data. */
int evote_shuffle_chunk_vartime(uint8_t out[64], const uint8_t *u_digests, const uint8_t *sp,
                                int has_next, const uint8_t params[288],
                                const uint8_t *points, const uint8_t *gen_uniform, size_t m,
                                size_t *bad_index);
/* The same for a chain of n_mixes mixes over lists 0..n_mixes (specs/shuffle.md 6,
   "Chains"): per mix k its u_digests (m x 64), sp (m or m + 1 items), params (288 bytes)
   and own points (c_i then chat_i, 2m x 32), each block one after the other; lists: the
   n_mixes + 1 lists of 2m encodings; out: enc(weighted sum) || le32(prod u_i of mix 1)
   || ... (32 + 32 n_mixes bytes). *bad_index: the sp item over all the mixes' sp, or the
   point's index in proof_points then lists. 1 <= n_mixes <= 64. */
int evote_shuffle_chain_chunk_vartime(uint8_t *out, size_t n_mixes, const uint8_t *u_digests,
                                      const uint8_t *sp, int has_next, const uint8_t *params,
                                      const uint8_t *proof_points, const uint8_t *lists,
                                      const uint8_t *gen_uniform, size_t m,
                                      size_t *bad_index);
/* The batch verifier's scalar work for k 0/1 proofs (specs/protocol.md 7.2; public data).
   proofs: k * 160 bytes, per proof its Fiat-Shamir digest (64 bytes, reduced mod l here:
   c), c_0, v_0, v_1; weights: k * 64 bytes, per proof w_1..w_4 (16 bytes each, 128-bit
   little-endian); extra: a, b (the alpha and beta terms added for proofs 0..k-2), then
   a', b' (for proof k-1), 32 bytes each, any 256-bit values.
   out: k * 192 bytes, per proof the coefficients of alpha, beta, A_0, B_0, A_1, B_1:
   w_1 c_0 + w_3 c_1 + a, w_2 c_0 + w_4 c_1 + b (mod l, c_1 = c - c_0), then w_1..w_4.
   gk: the sums over the proofs of w_1 v_0 + w_3 v_1 + w_4 c_1 and of w_2 v_0 + w_4 v_1,
   mod l (what the proofs take from the coefficients of G and K).
   EVOTE_ERR_SCALAR with *bad = i: proof i's c_0, v_0 or v_1 is not canonical (out and gk
   zeroed); EVOTE_ERR_ARGUMENT: a NULL pointer. out may not alias the inputs. */
int evote_verify01_coefs_vartime(uint8_t *out, uint8_t gk[64], const uint8_t *proofs,
                                 const uint8_t *weights, const uint8_t extra[128], size_t k,
                                 size_t *bad);
/* out[i] = i * base for i in [0, n): consecutive multiples (baby steps for discrete logs). */
int evote_multiples_vartime(uint8_t *out, const uint8_t base[32], size_t n);
/* Homomorphic aggregation: `rows` is an n_rows x width array of encodings (row-major,
   32 bytes each); out[j] = sum over rows of rows[i][j], for each of the width columns.
   Decodes each input once, accumulates in extended coordinates, encodes once per column.
   On an invalid encoding returns EVOTE_ERR_ENCODING with *bad_index = i * width + j. */
int evote_aggregate_vartime(uint8_t *out, const uint8_t *rows, size_t n_rows, size_t width,
                            size_t *bad_index);

/* ---- ballot provers (csrc/prove.c; constant time in every secret) ----
   The kiosk's side of the disjunctive Chaum-Pedersen proofs of specs/protocol.md 4.2:
   the same values, byte for byte, as evote.protocol.disjunctive._prove_unchecked. Each
   proof is made in two calls around the Fiat-Shamir hash, which the caller computes
   (digest64 over the statement and the commitments) and passes as its 64-byte digest;
   it is reduced mod l here, as are the 64-byte randomness pieces. K is given as its
   basetable (evote_basetable_init). Secret inputs: bits, value, nonce, randomness; the
   only data-dependent branches are validity refusals (a bit not 0 or 1, a value outside
   [lo, hi], a nonce >= l), whose outcome is public. Outputs may not alias inputs.
   Errors: EVOTE_ERR_ARGUMENT (NULL pointer, bad table, bad bit or value, count too large,
   lo > hi or hi >= 2^16), EVOTE_ERR_SCALAR (nonce >= l); the outputs are then zeroed,
   except after a NULL pointer, a too large count or a bad lo/hi (nothing is written). */
/* k 0/1 ciphertexts Enc(m_i; r_i) with the commitments of their [0, 1] proofs.
   bits: k bytes m_i in {0, 1}; randomness: k * 320 bytes, per ciphertext r, c_0, a_0, c_1,
   a_1 (64 bytes each). out: k * 192 bytes, per ciphertext alpha, beta, A_0, B_0, A_1, B_1
   (encodings, public); nonces: k * 32 bytes, r_i mod l (secret: the ballot's nonces).
   k == 0 does nothing. */
int evote_prove01_commit(uint8_t *out, uint8_t *nonces, const uint8_t *table_k,
                         const uint8_t *bits, const uint8_t *randomness, size_t k);
/* The responses of those k proofs: challenges holds k 64-byte digests (the i-th proof's
   Fiat-Shamir hash); bits and randomness as given to evote_prove01_commit.
   out: k * 96 bytes, per proof c_0', v_0, v_1 (scalars, public). */
int evote_prove01_respond(uint8_t *out, const uint8_t *bits, const uint8_t *randomness,
                          const uint8_t *challenges, size_t k);
/* The commitments of a proof that Enc(value; r) encrypts a value in [lo, hi]
   (lo <= value <= hi < 2^16); randomness: nb * 128 bytes (c_j, a_j for j = lo..hi, 64
   bytes each), nb = hi - lo + 1. out: nb * 64 bytes, A_lo, B_lo, ..., A_hi, B_hi. */
int evote_disjunctive_commit(uint8_t *out, const uint8_t *table_k, uint32_t value,
                             uint32_t lo, uint32_t hi, const uint8_t *randomness);
/* Its responses, given the nonce r (32 bytes, canonical) and the 64-byte digest.
   out: (2 nb - 1) * 32 bytes: challenges c_lo', ..., c_{hi-1}', then responses v_lo..v_hi. */
int evote_disjunctive_respond(uint8_t *out, uint32_t value, uint32_t lo, uint32_t hi,
                              const uint8_t nonce[32], const uint8_t *randomness,
                              const uint8_t challenge[64]);

/* ---- choice-slot range proof (csrc/slot_range.c; specs/slot-ballot.md 8, 10) ----
   Vector length n = the smallest power of two >= slots * bits (bits <= 64, n <= 2^16).
   The verifier's scalar work for one proof (public data): acc (2n * 32 bytes, in and
   out, canonical) gets the inner-product equation's coefficients of g_0..g_{n-1}, then
   h_0..h_{n-1}, added mod l; scalars: y^-1, z, a, b, w (the batch weight), 32 bytes
   each; us, u_invs: the rounds' challenges and their inverses (log2 n * 32 bytes). */
int evote_slot_range_coefs_vartime(uint8_t *acc, const uint8_t scalars[160],
                                   const uint8_t *us, const uint8_t *u_invs, size_t slots,
                                   size_t bits);
/* The prover's generator buffer: evote_slot_gens_size(n) bytes (0 for a bad n), filled
   from the encodings of g_0..g_{n-1}, h_0..h_{n-1} (n * 32 bytes each) and U. */
size_t evote_slot_gens_size(size_t n);
int evote_slot_gens_init(uint8_t *buf, const uint8_t *g, const uint8_t *h,
                         const uint8_t u[32], size_t n);
/* A = alpha_h - sum h_t + sum bits[t] (g_t + h_t), bits: n bytes in {0, 1}. Constant
   time in bits and alpha_h. */
int evote_slot_a_commit(uint8_t out[32], const uint8_t *gens, const uint8_t *bits,
                        const uint8_t alpha_h[32]);
/* t_1, t_2 (out, 64 bytes) from the bits (n bytes), s_L, s_R (n * 32 bytes) and y, z
   (yz, 64 bytes). Constant time in bits, s_L, s_R. */
int evote_slot_prover_t(uint8_t out[64], const uint8_t *bits, const uint8_t *s_l,
                        const uint8_t *s_r, const uint8_t yz[64], size_t slots, size_t b);
/* l = l(x), r = r(x) and t_hat = <l, r> (yzx: y, z, x); state (4n * 32 bytes): l, r,
   then the inner-product coefficients 1 and y^-t (Montgomery form). Constant time in
   bits, s_L, s_R. */
int evote_slot_prover_lr(uint8_t *state, uint8_t t_hat[32], const uint8_t *bits,
                         const uint8_t *s_l, const uint8_t *s_r, const uint8_t yzx[96],
                         const uint8_t y_inv[32], size_t slots, size_t b);
/* One inner-product round on a state of current length n_cur ((2 n_cur + 2n) * 32
   bytes): lr = L_k || R_k. Then the fold with the round's challenge u into next
   ((n_cur + 2n) * 32 bytes, may not alias state). Variable time (l, r are public). */
int evote_slot_ipa_round_vartime(uint8_t lr[64], const uint8_t *state, const uint8_t *gens,
                                 size_t n_cur, const uint8_t x_ip[32]);
int evote_slot_ipa_fold(uint8_t *next, const uint8_t *state, const uint8_t *gens,
                        size_t n_cur, const uint8_t u[32]);

#endif
