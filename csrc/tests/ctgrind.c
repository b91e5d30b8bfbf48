/*
 * ctgrind.c: constant-time check under valgrind memcheck (the "ctgrind" idea).
 * Build with -DEVOTE_CTGRIND (so CT_DECLASSIFY in ct.h speaks to valgrind) and run as
 *   valgrind --error-exitcode=1 ./ctgrind
 * The secret scalars are marked undefined with VALGRIND_MAKE_MEM_UNDEFINED; memcheck then
 * reports every conditional jump or memory address that depends on them. Outputs are
 * marked defined again before they are compared (they are public results).
 * Exercised: evote_scalarmult, evote_scalarmult_base, evote_basetable_mul / mul2, the
 * scalar operations (add, sub, mul, neg, invert, reduce_wide, is_canonical), and the
 * provers (evote_prove01_commit / respond with secret bits and randomness, both bit
 * values in one batch; evote_disjunctive_commit / respond with secret value, nonce and
 * randomness).
 * "ctgrind selftest" branches on a secret on purpose; memcheck must fail that run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "evote.h"

#define SECRET(p, n) VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))

#define TEST_RNG_SEED 0x0123456789abcdefULL
#include "test_rng.h"

int main(int argc, char **argv) {
    uint8_t a[32], b[32], out[32], out2[32], P[32], w[64];
    uint8_t *ta = malloc(evote_basetable_size()), *tb = malloc(evote_basetable_size());
    int i, bad = 0;
    if (ta == NULL || tb == NULL) return 2;
    if (argc > 1 && strcmp(argv[1], "selftest") == 0) {
        /* A deliberate secret-dependent branch: memcheck must report it (the script
           checks that this run fails, so the check itself can fail). */
        rand_scalar(a);
        SECRET(a, 32);
        if (a[0] & 1) printf("odd\n");
        else printf("even\n");
        return 0;
    }
    rnd(w, 64);
    evote_point_from_uniform(P, w);
    if (evote_basetable_init(ta, P) != EVOTE_OK) return 2;
    evote_scalarmult_base(out, (const uint8_t *)"\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
    if (evote_basetable_init(tb, out) != EVOTE_OK) return 2;
    for (i = 0; i < 4; i++) {
        rand_scalar(a);
        rand_scalar(b);
        SECRET(a, 32);
        SECRET(b, 32);
        /* variable base */
        bad |= evote_scalarmult(out, a, P) != EVOTE_OK;
        PUBLIC(out, 32);
        /* fixed base, generator and any table */
        bad |= evote_scalarmult_base(out, a) != EVOTE_OK;
        PUBLIC(out, 32);
        bad |= evote_basetable_mul(out2, tb, a) != EVOTE_OK;
        PUBLIC(out2, 32);
        bad |= memcmp(out, out2, 32) != 0;
        bad |= evote_basetable_mul(out, ta, a) != EVOTE_OK;
        bad |= evote_basetable_mul2(out, ta, a, tb, b) != EVOTE_OK;
        PUBLIC(out, 32);
        /* scalar arithmetic */
        bad |= evote_scalar_add(out, a, b) != EVOTE_OK;
        bad |= evote_scalar_sub(out, a, b) != EVOTE_OK;
        bad |= evote_scalar_mul(out, a, b) != EVOTE_OK;
        bad |= evote_scalar_neg(out, a) != EVOTE_OK;
        bad |= evote_scalar_invert(out, a) != EVOTE_OK;
        bad |= evote_scalar_is_canonical(b) != 1;
        SECRET(w, 64);
        evote_scalar_reduce_wide(out, w);
        PUBLIC(w, 64);
        PUBLIC(out, 32);
        PUBLIC(a, 32);
        PUBLIC(b, 32);
    }
    {   /* provers: bits, value, nonce and randomness secret; k, lo, hi, challenges public */
        enum { K = 4, NB = 5 };
        uint8_t bits[K] = {0, 1, 1, 0}, rand[320 * K], ch[64 * K], pout[192 * K], nonces[32 * K];
        uint8_t resp[96 * K], rrand[128 * NB], rout[64 * NB], rresp[32 * (2 * NB - 1)];
        uint32_t v;
        for (i = 0; i < 2; i++) {
            rnd(rand, sizeof rand);
            rnd(ch, sizeof ch);
            rnd(rrand, sizeof rrand);
            rand_scalar(a);
            v = 2 + (uint32_t)i * 3;   /* in [2, 6] */
            SECRET(bits, sizeof bits);
            SECRET(rand, sizeof rand);
            SECRET(rrand, sizeof rrand);
            SECRET(a, 32);
            SECRET(&v, sizeof v);
            bad |= evote_prove01_commit(pout, nonces, ta, bits, rand, K) != EVOTE_OK;
            bad |= evote_prove01_respond(resp, bits, rand, ch, K) != EVOTE_OK;
            bad |= evote_disjunctive_commit(rout, ta, v, 2, 6, rrand) != EVOTE_OK;
            bad |= evote_disjunctive_respond(rresp, v, 2, 6, a, rrand, ch) != EVOTE_OK;
            PUBLIC(pout, sizeof pout);
            PUBLIC(nonces, sizeof nonces);
            PUBLIC(resp, sizeof resp);
            PUBLIC(rout, sizeof rout);
            PUBLIC(rresp, sizeof rresp);
            PUBLIC(bits, sizeof bits);
            PUBLIC(rand, sizeof rand);
            PUBLIC(rrand, sizeof rrand);
            PUBLIC(a, 32);
            PUBLIC(&v, sizeof v);
            bits[i] ^= 1;   /* the second round with other bits */
        }
    }
    free(ta);
    free(tb);
    printf("ctgrind: %s\n", bad ? "wrong results" : "ran (memcheck decides)");
    return bad;
}
