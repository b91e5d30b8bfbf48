/* CFFI cdef of csrc/evote.h: no preprocessor lines (kept in sync by tests/test_native_header.py). */
static const int EVOTE_OK;
static const int EVOTE_ERR_ENCODING;
static const int EVOTE_ERR_SCALAR;
static const int EVOTE_ERR_ZERO;
static const int EVOTE_ERR_ARGUMENT;
const char *evote_core_version(void);
int evote_core_uses_int128(void);
int evote_scalar_is_canonical(const uint8_t s[32]);
void evote_scalar_reduce_wide(uint8_t out[32], const uint8_t in[64]);
int evote_scalar_add(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
int evote_scalar_sub(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
int evote_scalar_mul(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
int evote_scalar_neg(uint8_t out[32], const uint8_t a[32]);
int evote_scalar_invert(uint8_t out[32], const uint8_t a[32]);
int evote_point_is_valid(const uint8_t p[32]);
int evote_point_add(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
int evote_point_sub(uint8_t out[32], const uint8_t a[32], const uint8_t b[32]);
int evote_point_neg(uint8_t out[32], const uint8_t a[32]);
void evote_point_from_uniform(uint8_t out[32], const uint8_t in[64]);
int evote_points_validate(const uint8_t *points, size_t n, size_t *bad_index);
int evote_scalarmult(uint8_t out[32], const uint8_t scalar[32], const uint8_t point[32]);
int evote_scalarmult_base(uint8_t out[32], const uint8_t scalar[32]);
size_t evote_basetable_size(void);
int evote_basetable_init(uint8_t *table, const uint8_t point[32]);
int evote_basetable_mul(uint8_t out[32], const uint8_t *table, const uint8_t s[32]);
int evote_basetable_mul2(uint8_t out[32], const uint8_t *table_a, const uint8_t a[32],
                         const uint8_t *table_b, const uint8_t b[32]);
int evote_double_scalarmult_vartime(uint8_t out[32], const uint8_t a[32],
                                    const uint8_t p[32], const uint8_t b[32]);
int evote_msm_vartime(uint8_t out[32], const uint8_t *scalars, const uint8_t *points,
                      size_t n, size_t *bad_index);
int evote_msm_colsum_vartime(uint8_t out[32], uint8_t *sums, const uint8_t *scalars,
                             const uint8_t *points, const int32_t *columns, size_t n,
                             size_t n_columns, size_t *bad_index);
int evote_msm_uniform_vartime(uint8_t out[32], const uint8_t *scalars, const uint8_t *uniform,
                              size_t n, size_t *bad_index);
int evote_shuffle_chunk_vartime(uint8_t out[64], const uint8_t *u_digests, const uint8_t *sp,
                                int has_next, const uint8_t params[288],
                                const uint8_t *points, const uint8_t *gen_uniform, size_t m,
                                size_t *bad_index);
int evote_shuffle_chain_chunk_vartime(uint8_t *out, size_t n_mixes, const uint8_t *u_digests,
                                      const uint8_t *sp, int has_next, const uint8_t *params,
                                      const uint8_t *proof_points, const uint8_t *lists,
                                      const uint8_t *gen_uniform, size_t m,
                                      size_t *bad_index);
int evote_verify01_coefs_vartime(uint8_t *out, uint8_t gk[64], const uint8_t *proofs,
                                 const uint8_t *weights, const uint8_t extra[128], size_t k,
                                 size_t *bad);
int evote_multiples_vartime(uint8_t *out, const uint8_t base[32], size_t n);
int evote_aggregate_vartime(uint8_t *out, const uint8_t *rows, size_t n_rows, size_t width,
                            size_t *bad_index);
/* ---- ballot provers (csrc/prove.c): appended section ---- */
int evote_prove01_commit(uint8_t *out, uint8_t *nonces, const uint8_t *table_k,
                         const uint8_t *bits, const uint8_t *randomness, size_t k);
int evote_prove01_respond(uint8_t *out, const uint8_t *bits, const uint8_t *randomness,
                          const uint8_t *challenges, size_t k);
int evote_disjunctive_commit(uint8_t *out, const uint8_t *table_k, uint32_t value,
                             uint32_t lo, uint32_t hi, const uint8_t *randomness);
int evote_disjunctive_respond(uint8_t *out, uint32_t value, uint32_t lo, uint32_t hi,
                              const uint8_t nonce[32], const uint8_t *randomness,
                              const uint8_t challenge[64]);
int evote_slot_range_coefs_vartime(uint8_t *acc, const uint8_t scalars[160],
                                   const uint8_t *us, const uint8_t *u_invs, size_t slots,
                                   size_t bits);
size_t evote_slot_gens_size(size_t n);
int evote_slot_gens_init(uint8_t *buf, const uint8_t *g, const uint8_t *h,
                         const uint8_t u[32], size_t n);
int evote_slot_a_commit(uint8_t out[32], const uint8_t *gens, const uint8_t *bits,
                        const uint8_t alpha_h[32]);
int evote_slot_prover_t(uint8_t out[64], const uint8_t *bits, const uint8_t *s_l,
                        const uint8_t *s_r, const uint8_t yz[64], size_t slots, size_t b);
int evote_slot_prover_lr(uint8_t *state, uint8_t t_hat[32], const uint8_t *bits,
                         const uint8_t *s_l, const uint8_t *s_r, const uint8_t yzx[96],
                         const uint8_t y_inv[32], size_t slots, size_t b);
int evote_slot_ipa_round_vartime(uint8_t lr[64], const uint8_t *state, const uint8_t *gens,
                                 size_t n_cur, const uint8_t x_ip[32]);
int evote_slot_ipa_fold(uint8_t *next, const uint8_t *state, const uint8_t *gens,
                        size_t n_cur, const uint8_t u[32]);
