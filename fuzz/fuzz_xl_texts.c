/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fuzz_xl_texts.c: every xl capture parser at once,
 * xlnuma_host_from_xl_texts().  The input is the seven texts in the
 * order of xlnuma_xl_texts, separated by NUL bytes (fuzz/mkseeds.sh
 * joins capture directories that way); an empty text is an absent one.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *texts[7];
    unsigned nr = 0;
    xlnuma_xl_texts t;
    xlnuma_host *h = NULL;
    const char **slot[7] = {
        &t.info_n, &t.list_n, &t.list_c, &t.vcpu_list, &t.cpupool_list_c,
        &t.debug_keys_u, &t.debug_keys_h,
    };
    int rc;

    if (fuzz_split(data, size, 7, texts, &nr))
        return 0;
    for (unsigned i = 0; i < 7; i++)
        *slot[i] = i < nr && *texts[i] ? texts[i] : NULL;
    fuzz_log_reset();
    rc = xlnuma_host_from_xl_texts(fuzz_ctx(), &t, &h);
    fuzz_check_rc(rc, "xlnuma_host_from_xl_texts");
    FUZZ_ASSERT(!rc == !!h, "rc %d but host %p", rc, (void *)h);
    if (h)
        fuzz_exercise_host(h, "xl texts");
    xlnuma_host_free(h);
    fuzz_split_free(texts, nr);
    return 0;
}
