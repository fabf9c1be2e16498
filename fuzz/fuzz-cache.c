/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: mtasts_cache_entry_deserialize(), the reader of cache
 * entries an MTA keeps in its own store (a file may be damaged or
 * planted). Oracles:
 *   - a failure leaves *out NULL and reports at least one error;
 *   - a success serialises to text that reads back to an entry that
 *     serialises to the same bytes (a fixed point), with the same domain,
 *     id, times, failure record and an equal policy;
 *   - the decisions of both entries agree.
 */
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mtasts_cache_entry *e = FUZZ_SENTINEL, *back = NULL;
	mtasts_diag *d = NULL;
	char *text = NULL, *text2 = NULL;
	size_t len = 0, len2 = 0;
	int st;

	if (mtasts_diag_new(&d) != MTASTS_OK)
		return 0;
	st = mtasts_cache_entry_deserialize(&e, (const char *)data, size, d);
	if (st != MTASTS_OK) {
		FUZZ_ASSERT(e == NULL, "failure %d with an entry", st);
		FUZZ_ASSERT(st == MTASTS_ENOMEM ||
		                    mtasts_diag_error_count(d) > 0,
		            "failure %d without an error", st);
		mtasts_diag_free(d);
		return 0;
	}
	FUZZ_ASSERT(e != NULL, "success without an entry");
	FUZZ_ASSERT(mtasts_diag_error_count(d) == 0, "success with errors");

	if (mtasts_cache_entry_serialize(e, &text, &len) != MTASTS_OK)
		goto out; /* out of memory */
	st = mtasts_cache_entry_deserialize(&back, text, len, NULL);
	if (st == MTASTS_ENOMEM)
		goto out;
	FUZZ_ASSERT(st == MTASTS_OK, "serialised entry does not read back (%d)",
	            st);
	if (mtasts_cache_entry_serialize(back, &text2, &len2) != MTASTS_OK)
		goto out;
	FUZZ_ASSERT(len == len2 && memcmp(text, text2, len) == 0,
	            "serialisation is not a fixed point");
	FUZZ_ASSERT(strcmp(mtasts_cache_entry_domain(e),
	                   mtasts_cache_entry_domain(back)) == 0,
	            "domain changed");
	FUZZ_ASSERT(mtasts_cache_entry_fetched_at(e) ==
	                            mtasts_cache_entry_fetched_at(back) &&
	                    mtasts_cache_entry_failed_at(e) ==
	                            mtasts_cache_entry_failed_at(back) &&
	                    mtasts_cache_entry_failures(e) ==
	                            mtasts_cache_entry_failures(back),
	            "times or failure count changed");
	FUZZ_ASSERT((mtasts_cache_entry_policy(e) == NULL) ==
	                    (mtasts_cache_entry_policy(back) == NULL),
	            "policy lost or gained");
	if (mtasts_cache_entry_policy(e))
		FUZZ_ASSERT(
		        mtasts_policy_equal(mtasts_cache_entry_policy(e),
		                            mtasts_cache_entry_policy(back)),
		        "policy changed");
	{
		/* a decision made on the entry and on its copy agree */
		int64_t now = mtasts_cache_entry_fetched_at(e) + 300, r1, r2;
		int a1 = mtasts_cache_decide(e, MTASTS_TXT_NOT_CHECKED, NULL,
		                             now, &r1);
		int a2 = mtasts_cache_decide(back, MTASTS_TXT_NOT_CHECKED, NULL,
		                             now, &r2);

		FUZZ_ASSERT(a1 == a2 && r1 == r2, "decisions differ");
		FUZZ_ASSERT(a1 >= MTASTS_ACTION_USE && a1 <= MTASTS_ACTION_NONE,
		            "unknown action %d", a1);
	}
out:
	mtasts_free(text);
	mtasts_free(text2);
	mtasts_cache_entry_free(back);
	mtasts_cache_entry_free(e);
	mtasts_diag_free(d);
	return 0;
}
