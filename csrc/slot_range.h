/*
 * slot_range.h: the hot loops of the choice-slot range proof (specs/slot-ballot.md
 * sections 8 and 10), private to csrc/. The exported functions (evote_slot_*) are
 * declared in evote.h; this header holds the layout of the generator buffer they share.
 *
 * Generator buffer (evote_slot_gens_size(n) bytes, filled by evote_slot_gens_init; the
 * vector generators g_0..g_{n-1}, h_0..h_{n-1} of section 3 and U, decoded once per
 * process):
 *   bytes [0, 8)     magic "evoteSG1"
 *   bytes [8, 16)    n as a little-endian uint64, then FE_NLIMBS as a uint32
 *   bytes [64, ...)  ge_p3 g[n], h[n], U, -sum_t h_t, then ge_precomp (g_t + h_t)[n],
 *                    then ge_precomp 2^(10 j) P for j < 26, for P = g_0..g_{n-1},
 *                    h_0..h_{n-1}, U (3.4 MB for n = 512: built once per process)
 * Read only through memcpy (the buffer needs no alignment).
 */
#ifndef EVOTE_SLOT_RANGE_H
#define EVOTE_SLOT_RANGE_H

#include <stddef.h>

#include "ge.h"

#define SLOT_GENS_HEADER 64
#define SLOT_MAX_ROUNDS 16           /* vector length at most 2^16 */
#define SLOT_WINDOW_BITS 10          /* the inner-product rounds' fixed-base MSM */
#define SLOT_WINDOWS 26              /* 26 x 10 bits >= 253 bits + a carry */
#define SLOT_BUCKETS 512             /* |signed digit| in 1..512 */

#endif
