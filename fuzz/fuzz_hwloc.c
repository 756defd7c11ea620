/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fuzz_hwloc.c: hwloc 2.x XML, xlnuma_host_from_hwloc().
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xlnuma_host *h = NULL;
    char *text = fuzz_strndup(data, size);
    int rc;

    if (!text)
        return 0;
    fuzz_log_reset();
    rc = xlnuma_host_from_hwloc(fuzz_ctx(), text, &h);
    fuzz_check_rc(rc, "xlnuma_host_from_hwloc");
    FUZZ_ASSERT(!rc == !!h, "rc %d but host %p", rc, (void *)h);
    if (h)
        fuzz_exercise_host(h, "hwloc");
    xlnuma_host_free(h);
    free(text);
    return 0;
}
