/*
 * block-search.h - sorted 32-bit keys searched a cache line at a time.
 *
 * The engines' lookup tables (the compiled NSG fields, nsg-index.c; each
 * subnet's route segments, route.c) are small sorted arrays of interval
 * starts, read on random queries that find them cold in the cache.  A binary
 * search touches a new cache line at almost every step; here the keys sit in
 * blocks of VS_BLOCK_KEYS (one 64-byte line when the array is 64-byte
 * aligned) and a summary holds the first key of each block, so a search
 * reads the summary and one block: two lines for up to 256 keys, where a
 * binary search read six to eight.  Within a line, counting the keys at or
 * below the value is branch-free and cheaper than a mispredicted branch.
 */
#ifndef VS_BLOCK_SEARCH_H
#define VS_BLOCK_SEARCH_H

#include <glib.h>

#define VS_BLOCK_KEYS 16

/* How many of keys[0..n) are at or below value. */
static inline guint
vs_block_count_at_or_below(const guint32 *keys, guint n, guint32 value)
{
	guint count = 0;

	for (guint i = 0; i < n; i++)
		count += keys[i] <= value;
	return count;
}

/* The number of summary entries for count keys. */
static inline guint
vs_block_summary_count(guint count)
{
	return (count + VS_BLOCK_KEYS - 1) / VS_BLOCK_KEYS;
}

/*
 * The index of the last key at or below value, in keys[0..count) sorted
 * ascending with keys[0] == 0 (so there is one); summary[j] ==
 * keys[j * VS_BLOCK_KEYS].
 */
static inline guint
vs_block_search(const guint32 *summary, const guint32 *keys, guint count, guint32 value)
{
	guint summary_count = vs_block_summary_count(count);
	guint block, first;

	if (summary_count <= VS_BLOCK_KEYS) {
		block = vs_block_count_at_or_below(summary, summary_count, value) - 1;
	} else {
		guint lo = 0, hi = summary_count;

		/* the last block starting at or below value (the first starts at 0) */
		while (hi - lo > 1) {
			guint mid = lo + (hi - lo) / 2;

			if (summary[mid] <= value)
				lo = mid;
			else
				hi = mid;
		}
		block = lo;
	}
	first = block * VS_BLOCK_KEYS;
	return first +
	       vs_block_count_at_or_below(keys + first, MIN(VS_BLOCK_KEYS, count - first), value) -
	       1;
}

#endif
