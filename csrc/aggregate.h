/*
 * aggregate.h: variable-time column sums of many encodings, and runs of multiples.
 */
#ifndef EVOTE_AGGREGATE_H
#define EVOTE_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>

/* See evote_aggregate_vartime / evote_multiples_vartime in evote.h; same contract,
   except that out is not zeroed on error here (evote.c does that). Returns EVOTE_OK,
   EVOTE_ERR_ENCODING (with *bad_index) or EVOTE_ERR_ARGUMENT (allocation failed). */
int aggregate_vartime(uint8_t *out, const uint8_t *rows, size_t n_rows, size_t width,
                      size_t *bad_index);
int multiples_vartime(uint8_t *out, const uint8_t base[32], size_t n);

#endif
