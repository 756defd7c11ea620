/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fuzz_state_json.c: the JSON state loader, xlnuma_host_from_json().
 * A host that loads must be written back and reloaded unchanged, and a
 * placement on it must stay within it.
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
    rc = xlnuma_host_from_json(fuzz_ctx(), text, &h);
    fuzz_check_rc(rc, "xlnuma_host_from_json");
    FUZZ_ASSERT(!rc == !!h, "rc %d but host %p", rc, (void *)h);
    if (h)
        fuzz_exercise_host(h, "state json");
    xlnuma_host_free(h);
    free(text);
    return 0;
}
