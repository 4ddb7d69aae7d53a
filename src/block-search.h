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
 * binary search read six to eight.  Both searches are branch-free.
 */
#ifndef VS_BLOCK_SEARCH_H
#define VS_BLOCK_SEARCH_H

#include <glib.h>

#define VS_BLOCK_KEYS 16

/* The number of summary entries for count keys. */
static inline guint
vs_block_summary_count(guint count)
{
	return (count + VS_BLOCK_KEYS - 1) / VS_BLOCK_KEYS;
}

/*
 * The index of the last of keys[0..n) at or below value, keys sorted ascending
 * with keys[0] <= value: a binary search whose steps are conditional moves, not
 * branches (about log2(n) steps of a few instructions, none mispredicted).
 */
static inline guint
vs_block_last_at_or_below(const guint32 *keys, guint n, guint32 value)
{
	const guint32 *base = keys;

	while (n > 1) {
		guint half = n / 2;

		base = base[half] <= value ? base + half : base;
		n -= half;
	}
	return (guint)(base - keys);
}

/*
 * The index of the last key at or below value, in keys[0..count) sorted
 * ascending with keys[0] == 0 (so there is one); summary[j] ==
 * keys[j * VS_BLOCK_KEYS].
 */
static inline guint
vs_block_search(const guint32 *summary, const guint32 *keys, guint count, guint32 value)
{
	guint first = vs_block_last_at_or_below(summary, vs_block_summary_count(count), value) *
		      VS_BLOCK_KEYS;

	return first +
	       vs_block_last_at_or_below(keys + first, MIN(VS_BLOCK_KEYS, count - first), value);
}

#endif
