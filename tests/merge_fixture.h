/* merge_fixture.h: a store filled with known entries for the merge tests. */
#ifndef FEEDMUX_MERGE_FIXTURE_H
#define FEEDMUX_MERGE_FIXTURE_H

#include <stdint.h>

#include "conf.h"
#include "store.h"

#define FIXTURE_NOW	1700000000

/*
 * Feeds "alpha" and "beta" must be configured.  Puts the fixed entries
 * (one of them full of characters XML forbids, one shared by both feeds).
 */
int	fixture_fill(struct store *, const struct conf *, int64_t now);
/* n generated entries "gen-<start+i>" in feed alpha. */
int	fixture_more(struct store *, int start, int n, int64_t now);
/* n entries without dates "Undated <i>" in feed beta, in one fetch. */
int	fixture_undated(struct store *, int n, int64_t now);

#endif
