/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fuzz_cpulist.c: the two list syntaxes -- the library's
 * xlnuma_bitmap_parse() ("0-3,^2", "all") and the command's xl cpu-list
 * parser, cpulist_parse() (xl_ext/cpulist.c: "nodes:1,^5").
 *
 * The first byte picks: odd, cpulist_parse on fuzz_small_host(); even,
 * xlnuma_bitmap_parse with limit byte >> 1 (0: unbounded).  The rest is
 * the list.  A parsed map must stay within its bounds and, for the
 * library, format and parse back to itself.
 */
#include <string.h>

#include "fuzz.h"
#include "fuzz_cli.h"

#define PARSE_LIMIT (1u << 24)

static void library(const char *s, unsigned limit)
{
    xlnuma_ctx *ctx = fuzz_ctx();
    xlnuma_bitmap b, again;
    char *text;
    int rc;

    xlnuma_bitmap_init(&b);
    xlnuma_bitmap_init(&again);
    fuzz_log_reset();
    rc = xlnuma_bitmap_parse(ctx, s, limit, &b);
    fuzz_check_rc(rc, "xlnuma_bitmap_parse");
    if (rc)
        goto out;
    xlnuma_bitmap_for_each(i, &b)
        FUZZ_ASSERT((unsigned)i < (limit ? limit : PARSE_LIMIT),
                    "\"%s\" limit %u gave bit %d", s, limit, i);
    text = xlnuma_bitmap_format(&b);
    if (!text)
        goto out;
    if (*text) {
        rc = xlnuma_bitmap_parse(ctx, text, limit, &again);
        FUZZ_ASSERT(!rc && xlnuma_bitmap_equal(&b, &again),
                    "\"%s\" formats as \"%s\", which parses %s", s, text,
                    rc ? "not at all" : "differently");
    } else {
        FUZZ_ASSERT(xlnuma_bitmap_is_empty(&b), "\"%s\" formats as \"\"",
                    s);
    }
    free(text);
 out:
    xlnuma_bitmap_dispose(&again);
    xlnuma_bitmap_dispose(&b);
}

static void command(const char *s)
{
    const xlnuma_host *h = fuzz_small_host();
    xlnuma_bitmap b;
    int ret;

    xlnuma_bitmap_init(&b);
    fuzz_cli_reset();
    ret = cpulist_parse("cpus", s, h, &b);
    FUZZ_ASSERT(ret == 0 || (ret == XL_NUMA_EXIT_ERROR && fuzz_cli_errors()),
                "cpulist_parse \"%s\": %d after %u messages", s, ret,
                fuzz_cli_errors());
    if (!ret) {
        FUZZ_ASSERT(!xlnuma_bitmap_is_empty(&b), "\"%s\": empty map", s);
        xlnuma_bitmap_for_each(i, &b)
            FUZZ_ASSERT((unsigned)i < xlnuma_host_nr_cpus(h),
                        "\"%s\" gave pCPU %d of %u", s, i,
                        xlnuma_host_nr_cpus(h));
    }
    xlnuma_bitmap_dispose(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;

    if (!size)
        return 0;
    s = fuzz_strndup(data + 1, size - 1);
    if (!s)
        return 0;
    if (data[0] & 1)
        command(s);
    else
        library(s, data[0] >> 1);
    free(s);
    return 0;
}
