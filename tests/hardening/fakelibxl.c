/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fakelibxl.c: a stand-in for the live host, LD_PRELOADed into xl-numa
 * by exec-safety.sh so that `xl-numa create' runs xl (the recording
 * tests/hardening/record-xl) on a machine without Xen.  It replaces the
 * few calls the create path makes:
 *
 *   libxl_ctx_alloc/free          a context that is never used
 *   xlnuma_host_from_libxl        the host in $FAKE_LIBXL_HOST
 *   xlnuma_libxl_domid_by_name    domain 1 once xl has been run
 *   xlnuma_libxl_domain_affinity  what xl was told: the cpus= and
 *                                 cpus_soft= words record-xl recorded
 *                                 in $RECORD_XL_ARGV, resolved on the
 *                                 host (no cpus=: every pCPU), and the
 *                                 nodes of the soft affinity
 *
 * so the create's own verification checks that the override lines on
 * xl's command line say what was decided.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>

#include "xlnuma.h"
#include "xlnuma_libxl.h"

static int fake_ctx;

int libxl_ctx_alloc(libxl_ctx **pctx, int version, unsigned flags,
                    xentoollog_logger *lg)
{
    *pctx = (libxl_ctx *)&fake_ctx;
    return 0;
}

int libxl_ctx_free(libxl_ctx *ctx)
{
    return 0;
}

int xlnuma_host_from_libxl(xlnuma_ctx *ctx, libxl_ctx *lctx,
                           xlnuma_host **host_r)
{
    const char *path = getenv("FAKE_LIBXL_HOST");

    if (!path) {
        fprintf(stderr, "fakelibxl: FAKE_LIBXL_HOST is not set\n");
        return XLNUMA_ERROR_BACKEND;
    }
    return xlnuma_host_load(ctx, path, host_r);
}

/* The NUL-separated words record-xl wrote; NULL when xl has not run. */
static char *read_record(size_t *len_r)
{
    const char *path = getenv("RECORD_XL_ARGV");
    FILE *f = path ? fopen(path, "rb") : NULL;
    char *buf = NULL;
    size_t cap = 0, len = 0, n;

    if (!f)
        return NULL;
    do {
        if (cap - len < 1024) {
            char *nbuf = realloc(buf, cap = cap * 2 + 4096);

            if (!nbuf) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nbuf;
        }
        n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
    } while (n);
    fclose(f);
    buf[len] = '\0';
    *len_r = len;
    return buf;
}

int xlnuma_libxl_domid_by_name(xlnuma_ctx *ctx, libxl_ctx *lctx,
                               const char *name, uint32_t *domid_r)
{
    size_t len;
    char *rec = read_record(&len);

    if (!rec)
        return XLNUMA_ERROR_NOTFOUND;
    free(rec);
    *domid_r = 1;
    return 0;
}

/* The value of the last word "key=\"...\"" in the record, into cpus:
 * "nodes:N,nodes:M-K" through the host's nodes, else a pCPU list. */
static int affinity_of(xlnuma_ctx *ctx, const xlnuma_host *h,
                       const char *rec, size_t len, const char *key,
                       xlnuma_bitmap *cpus, bool *given_r)
{
    const char *last = NULL;
    size_t klen = strlen(key);
    xlnuma_bitmap nodes;
    char *v, *w;
    int rc;

    for (const char *p = rec; p < rec + len; p += strlen(p) + 1)
        if (!strncmp(p, key, klen) && p[klen] == '=' && p[klen + 1] == '"')
            last = p + klen + 2;
    *given_r = last != NULL;
    if (!last)
        return 0;
    v = strdup(last);
    if (!v)
        return XLNUMA_ERROR_NOMEM;
    if (*v && v[strlen(v) - 1] == '"')
        v[strlen(v) - 1] = '\0';
    xlnuma_bitmap_init(&nodes);
    if (strncmp(v, "nodes:", 6)) {
        rc = xlnuma_bitmap_parse(ctx, v, xlnuma_host_nr_cpus(h), cpus);
    } else {
        /* "nodes:1,nodes:3-4" -> "1,3-4" */
        for (char *r = v; (w = strstr(r, "nodes:")) != NULL; r = w)
            memmove(w, w + 6, strlen(w + 6) + 1);
        rc = xlnuma_bitmap_parse(ctx, v, xlnuma_host_nr_nodes(h), &nodes);
        if (!rc)
            rc = xlnuma_host_nodes_to_cpus(h, &nodes, cpus);
    }
    xlnuma_bitmap_dispose(&nodes);
    free(v);
    return rc;
}

int xlnuma_libxl_domain_affinity(xlnuma_ctx *ctx, libxl_ctx *lctx,
                                 uint32_t domid, xlnuma_bitmap *nodeaff_r,
                                 xlnuma_bitmap *hard_r,
                                 xlnuma_bitmap *soft_r)
{
    xlnuma_bitmap hard, soft, nodes;
    xlnuma_host *h = NULL;
    bool given;
    size_t len;
    char *rec = read_record(&len);
    int rc;

    xlnuma_bitmap_init(&hard);
    xlnuma_bitmap_init(&soft);
    xlnuma_bitmap_init(&nodes);
    if (!rec)
        return XLNUMA_ERROR_NOTFOUND;
    rc = xlnuma_host_from_libxl(ctx, lctx, &h);
    if (!rc)
        rc = affinity_of(ctx, h, rec, len, "cpus", &hard, &given);
    for (unsigned c = 0; !rc && !given && c < xlnuma_host_nr_cpus(h); c++)
        rc = xlnuma_bitmap_set(&hard, c);
    if (!rc)
        rc = affinity_of(ctx, h, rec, len, "cpus_soft", &soft, &given);
    if (!rc && !given)
        rc = xlnuma_bitmap_copy(&soft, &hard);
    if (!rc)
        rc = xlnuma_host_cpus_to_nodes(h, &soft, &nodes);
    if (!rc && nodeaff_r)
        rc = xlnuma_bitmap_copy(nodeaff_r, &nodes);
    if (!rc && hard_r)
        rc = xlnuma_bitmap_copy(hard_r, &hard);
    if (!rc && soft_r)
        rc = xlnuma_bitmap_copy(soft_r, &soft);
    xlnuma_bitmap_dispose(&hard);
    xlnuma_bitmap_dispose(&soft);
    xlnuma_bitmap_dispose(&nodes);
    xlnuma_host_free(h);
    free(rec);
    return rc;
}
