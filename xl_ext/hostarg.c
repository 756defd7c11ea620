/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * hostarg.c: --host SRC -- the live host through libxl, a file or a
 * directory through xlnuma_host_load(), or the shipped example host.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl_numa.h"

#ifndef EXAMPLE_HOST
#define EXAMPLE_HOST "/usr/share/xlnuma/hosts/dl980.json"
#endif

void hostarg_init(hostarg *ha)
{
    memset(ha, 0, sizeof(*ha));
}

void hostarg_dispose(hostarg *ha)
{
    xlnuma_host_free(ha->host);
    if (ha->lctx)
        libxl_ctx_free(ha->lctx);
    free(ha->source);
    hostarg_init(ha);
}

bool path_is_json_state(const char *path)
{
    struct stat st;
    char buf[256];
    ssize_t n;
    int fd;
    bool json = false;

    if (stat(path, &st) || !S_ISREG(st.st_mode))
        return false;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        ssize_t i;

        for (i = 0; i < n && isspace((unsigned char)buf[i]); i++)
            ;
        if (i < n) {
            json = buf[i] == '{';
            break;
        }
    }
    close(fd);
    return json;
}

const char *example_host_path(void)
{
    static const char *const paths[] = {
        EXAMPLE_HOST,
#ifdef EXAMPLE_HOST_SRC
        EXAMPLE_HOST_SRC,
#endif
    };

    for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
        if (!access(paths[i], R_OK))
            return paths[i];
    return NULL;
}

int live_open(bool quiet, libxl_ctx **lctx_r)
{
    xentoollog_logger_stdiostream *silent = NULL;
    libxl_ctx *lctx = NULL;
    libxl_numainfo *ninfo = NULL;
    int nr_nodes = 0, ret;

    if (quiet) {
        /* A probe: libxl would complain loudly on a host without Xen. */
        silent = xtl_createlogger_stdiostream(stderr, XTL_NUM_LEVELS,
                                              XTL_STDIOSTREAM_HIDE_PROGRESS);
        if (!silent) {
            cli_err("out of memory");
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
        if (libxl_ctx_alloc(&lctx, LIBXL_VERSION, 0,
                            (xentoollog_logger *)silent)) {
            lctx = NULL;
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
        ninfo = libxl_get_numainfo(lctx, &nr_nodes);
        if (!ninfo) {
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
        libxl_numainfo_list_free(ninfo, nr_nodes);
        ninfo = NULL;
        libxl_ctx_free(lctx);
        lctx = NULL;
    }

    if (libxl_ctx_alloc(&lctx, LIBXL_VERSION, 0,
                        (xentoollog_logger *)cli.logger)) {
        lctx = NULL;
        if (!quiet)
            cli_err("cannot open libxl: is this a Xen host's dom0, and are "
                    "you root?");
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    *lctx_r = lctx;
    lctx = NULL;
    ret = 0;
 out:
    if (lctx)
        libxl_ctx_free(lctx);
    if (silent)
        xtl_logger_destroy((xentoollog_logger *)silent);
    return ret;
}

static int resolve_live(hostarg *ha, bool quiet)
{
    int rc, ret;

    ret = live_open(quiet, &ha->lctx);
    if (ret)
        return ret;
    rc = xlnuma_host_from_libxl(cli.ctx, ha->lctx, &ha->host);
    if (rc) {
        /* The adapter logged which libxl call failed. */
        cli_err("cannot read the live host (%s)", xlnuma_strerror(rc));
        return XL_NUMA_EXIT_ERROR;
    }
    /* Xen's DMA split and the domains' pages (locality.c). */
    locality_live_host(ha->lctx, &ha->host);
    ha->kind = HOST_LIVE;
    ha->source = strdup("live");
    return ha->source ? 0 : XL_NUMA_EXIT_ERROR;
}

static int resolve_path(hostarg *ha, const char *path, host_kind kind)
{
    int rc;

    rc = xlnuma_host_load(cli.ctx, path, &ha->host);
    if (rc) {
        /* The loader logged the file, line and value at fault. */
        cli_err("cannot read the host from %s (%s)", path,
                xlnuma_strerror(rc));
        return XL_NUMA_EXIT_ERROR;
    }
    ha->kind = kind;
    ha->is_state = path_is_json_state(path);
    ha->source = strdup(path);
    return ha->source ? 0 : XL_NUMA_EXIT_ERROR;
}

int hostarg_resolve(const char *spec, hostarg *ha)
{
    const char *example;
    int ret;

    if (spec && !strcmp(spec, "live"))
        return resolve_live(ha, false);
    if (spec) {
        if (!*spec) {
            cli_err("--host: an empty path");
            return XL_NUMA_EXIT_ERROR;
        }
        if (access(spec, R_OK)) {
            cli_err("--host %s: %s", spec, strerror(errno));
            return XL_NUMA_EXIT_ERROR;
        }
        return resolve_path(ha, spec, HOST_PATH);
    }

    ret = resolve_live(ha, true);
    if (!ret || ha->lctx)
        return ret;         /* live, or libxl opened but could not read */
    example = example_host_path();
    if (!example) {
        cli_err("no Xen here (libxl does not open) and no example host "
                "installed; give --host");
        return XL_NUMA_EXIT_ERROR;
    }
    fprintf(stderr, "xl-numa: no Xen here (libxl does not open); using the "
            "example host %s\n", example);
    return resolve_path(ha, example, HOST_EXAMPLE);
}
