/* SPDX-License-Identifier: LGPL-2.1-only */
/* example.c: place a guest on a host read from a file, with a built-in
 * policy and with one of our own, registered at run time. */
#include <stdio.h>
#include <stdlib.h>

#include <xentoollog.h>
#include <xlnuma.h>

/* Our policy: the set whose pCPUs fit the vCPUs most tightly, then the
 * one with the least free memory (best fit on both).  < 0: a is better. */
static int tightest(const xlnuma_candidate *a, const xlnuma_candidate *b,
                    void *priv)
{
    (void)priv;
    if (a->nr_cpus != b->nr_cpus)
        return a->nr_cpus < b->nr_cpus ? -1 : 1;
    if (a->free_kib != b->free_kib)
        return a->free_kib < b->free_kib ? -1 : 1;
    return 0;                   /* a tie: the earlier set wins */
}

/* Borrowed by the ctx: static storage outlives it. */
static const xlnuma_policy tight = {
    .name = "tightest",
    .summary = "fewest pCPUs, then least free memory",
    .load_model = XLNUMA_LOAD_PER_NODE,
    .compare = tightest,
};

/* A PV guest of 20 GiB and 16 vCPUs needs 20578 MiB (docs/placement.md
 * works it out); print the nodes the policy called name gives it. */
static int place(xlnuma_ctx *ctx, const xlnuma_host *h, const char *name)
{
    xlnuma_request req;
    xlnuma_result res;
    char *nodes = NULL;
    int rc;

    xlnuma_request_init(&req);
    xlnuma_result_init(&res);
    req.need_kib = 20578 * 1024;
    req.vcpus = 16;
    req.policy = xlnuma_policy_find(ctx, name);
    if (!req.policy) {
        rc = XLNUMA_ERROR_NOTFOUND;     /* the logger said why */
        goto out;
    }
    rc = xlnuma_place(ctx, h, &req, &res);
    if (rc)
        goto out;
    if (res.outcome != XLNUMA_PLACED) {
        printf("%s: %s\n", name, xlnuma_outcome_name(res.outcome));
        goto out;
    }
    nodes = xlnuma_bitmap_format(&res.best.nodes);
    if (!nodes) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    printf("%s: nodes %s\n", name, nodes);
 out:
    free(nodes);
    xlnuma_result_dispose(&res);
    xlnuma_request_dispose(&req);
    return rc;
}

int main(int argc, char **argv)
{
    xentoollog_logger_stdiostream *lg;
    xlnuma_ctx *ctx = NULL;
    xlnuma_host *h = NULL;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: %s HOST (dl980-numactl.txt, say)\n",
                argv[0]);
        return 2;
    }
    lg = xtl_createlogger_stdiostream(stderr, XTL_WARN, 0);
    if (!lg)
        return 1;
    rc = xlnuma_ctx_alloc(&ctx, (xentoollog_logger *)lg);
    if (!rc)
        rc = xlnuma_host_load(ctx, argv[1], &h);
    if (!rc)
        rc = place(ctx, h, "closest");
    if (!rc)
        rc = xlnuma_policy_register(ctx, &tight);
    if (!rc)
        rc = place(ctx, h, "tightest");
    if (rc)
        fprintf(stderr, "example: %s\n", xlnuma_strerror(rc));
    xlnuma_host_free(h);
    xlnuma_ctx_free(ctx);
    xtl_logger_destroy((xentoollog_logger *)lg);
    return rc ? 1 : 0;
}
