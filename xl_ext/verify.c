/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * verify.c: after xl create, read the new domain back through libxl and
 * check that Xen holds the decision: node affinity = the chosen nodes,
 * every vCPU's soft affinity = the chosen pCPUs and, in pin mode, the
 * hard affinity too.  A mismatch is reported, not repaired: it means
 * xl or libxl did something else than they were told.
 */
#include <stdlib.h>

#include "xl_numa.h"

static bool check(const char *name, const char *what,
                  const xlnuma_bitmap *got, const xlnuma_bitmap *want)
{
    char *g, *w;

    if (xlnuma_bitmap_equal(got, want))
        return true;
    g = format_list(got, "");
    w = format_list(want, "");
    cli_err("create: %s's %s is %s, the decision was %s", name, what,
            g ? (*g ? g : "empty") : "?", w ? w : "?");
    free(g);
    free(w);
    return false;
}

int verify_domain(libxl_ctx *lctx, const xlnuma_host *h, const char *name,
                  const decision *d)
{
    xlnuma_bitmap nodeaff, hard, soft;
    uint32_t domid;
    bool ok;
    int rc, ret;

    (void)h;
    xlnuma_bitmap_init(&nodeaff);
    xlnuma_bitmap_init(&hard);
    xlnuma_bitmap_init(&soft);
    rc = xlnuma_libxl_domid_by_name(cli.ctx, lctx, name, &domid);
    if (rc) {
        cli_err("create: xl create succeeded but libxl finds no domain %s "
                "(%s)", name, xlnuma_strerror(rc));
        ret = XL_NUMA_EXIT_XL;
        goto out;
    }
    rc = xlnuma_libxl_domain_affinity(cli.ctx, lctx, domid, &nodeaff,
                                      &hard, &soft);
    if (rc) {
        cli_err("create: cannot read %s's affinities back (%s)", name,
                xlnuma_strerror(rc));
        ret = XL_NUMA_EXIT_XL;
        goto out;
    }
    ok = check(name, "node affinity", &nodeaff, &d->res.best.nodes);
    ok &= check(name, "soft affinity", &soft, &d->soft);
    if (d->pin)
        ok &= check(name, "hard affinity", &hard, &d->hard);
    if (!ok) {
        ret = XL_NUMA_EXIT_XL;
        goto out;
    }
    fprintf(stderr, "xl-numa: verified: %s (domain %u) has the decided "
            "node affinity and %s affinity\n", name, domid,
            d->pin ? "hard and soft" : "soft");
    ret = 0;
 out:
    xlnuma_bitmap_dispose(&nodeaff);
    xlnuma_bitmap_dispose(&hard);
    xlnuma_bitmap_dispose(&soft);
    return ret;
}
