/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fuzz_xlcfg.c: an xl domain config through the command's reader
 * (xl_ext/guestcfg.c, libxlutil underneath) and on into the decision
 * (xl_ext/place_decide.c, cpulist.c, overrides.c) on fuzz_small_host().
 *
 * The input is the config file's text, then up to 8 KEY=VALUE command
 * line arguments, separated by NUL bytes.  Whatever the input, the
 * override lines a placement produces are cpus= / cpus_soft= with a
 * list of numbers: nothing from the config reaches xl's command line.
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_cli.h"

#define MAX_EXTRA 8

/* The config as a file guestcfg_read() can open: one memfd, rewritten
 * for each input. */
static const char *cfg_path(const char *text)
{
    static char path[64];
    static int fd = -1;
    size_t len = strlen(text);

    if (fd < 0) {
        fd = memfd_create("fuzz-xlcfg", MFD_CLOEXEC);
        FUZZ_ASSERT(fd >= 0, "memfd_create failed");
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    FUZZ_ASSERT(!ftruncate(fd, 0), "ftruncate failed");
    FUZZ_ASSERT(pwrite(fd, text, len, 0) == (ssize_t)len, "pwrite failed");
    return path;
}

static void check_override(const char *o)
{
    const char *v;
    size_t len;

    if (!strncmp(o, "cpus=\"", 6))
        v = o + 6;
    else if (!strncmp(o, "cpus_soft=\"", 11))
        v = o + 11;
    else
        v = NULL;
    FUZZ_ASSERT(v, "override \"%s\" sets neither cpus nor cpus_soft", o);
    len = strlen(v);
    FUZZ_ASSERT(len > 1 && v[len - 1] == '"' &&
                strspn(v, "0123456789,-nodes:") == len - 1,
                "override \"%s\" is not a plain list", o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const xlnuma_host *h = fuzz_small_host();
    char *pieces[1 + MAX_EXTRA];
    unsigned nr;
    placeopts po;
    guestcfg g;
    decision d;
    int ret;

    if (fuzz_split(data, size, 1 + MAX_EXTRA, pieces, &nr))
        return 0;
    fuzz_cli_reset();
    guestcfg_init(&g);
    placeopts_init(&po);
    decision_init(&d);
    ret = guestcfg_read(cfg_path(pieces[0]), pieces + 1, nr - 1, &g);
    /* No message check here: libxlutil prints its own syntax errors. */
    FUZZ_ASSERT(ret == 0 || ret == XL_NUMA_EXIT_ERROR,
                "guestcfg_read returned %d", ret);
    if (ret)
        goto out;
    ret = decide_config(h, &g, &po, &d);
    FUZZ_ASSERT(!ret || (ret == XL_NUMA_EXIT_ERROR && fuzz_cli_errors()),
                "decide_config returned %d after %u messages", ret,
                fuzz_cli_errors());
    if (ret || d.kind != DECISION_PLACED)
        goto out;
    FUZZ_ASSERT(d.nr_overrides >= 1 && d.nr_overrides <= 2,
                "%u overrides", d.nr_overrides);
    for (unsigned i = 0; i < d.nr_overrides; i++)
        check_override(d.overrides[i]);
 out:
    decision_dispose(&d);
    guestcfg_dispose(&g);
    fuzz_split_free(pieces, nr);
    return 0;
}
