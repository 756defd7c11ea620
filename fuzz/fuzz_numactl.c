/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fuzz_numactl.c: `numactl -H' text, xlnuma_host_from_numactl().
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
    rc = xlnuma_host_from_numactl(fuzz_ctx(), text, &h);
    fuzz_check_rc(rc, "xlnuma_host_from_numactl");
    FUZZ_ASSERT(!rc == !!h, "rc %d but host %p", rc, (void *)h);
    if (h)
        fuzz_exercise_host(h, "numactl");
    xlnuma_host_free(h);
    free(text);
    return 0;
}
