/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * locality.c: where a guest's pages will land and where they did
 * (docs/placement.md, "Where the memory lands").
 *
 * Node affinity only steers Xen's allocator: it takes memory above its
 * DMA width from any node before it touches the DMA zone of the guest's
 * own nodes, while xl info -n and libxl count that zone as free.  So
 * every decision comes with the pages per node Xen is expected to give
 * the guest (xlnuma_predict_pages), the DMA-aware policies make the need
 * fit above the zone, xen43 and xen42 stay libxl's and warn, and after
 * `create' the pages Xen really gave are read back (debug key 'u').
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

/* ---- the request ---- */

bool locality_dma_aware(const placeopts *po, const guestcfg *g,
                        const xlnuma_policy *p)
{
    if (po->dma_aware_given)
        return po->dma_aware;
    if (g && g->dma_aware_given)
        return g->dma_aware;
    return p && (p->flags & XLNUMA_POLICY_DMA_AWARE_DEFAULT);
}

int locality_host(const xlnuma_host *h, decision *d,
                  const xlnuma_host **use_r)
{
    unsigned nr = xlnuma_host_nr_nodes(h);
    uint64_t *dma = NULL, *above = NULL;
    xlnuma_host *c = NULL;
    char *how = NULL;
    int rc, ret;

    *use_r = h;
    if (!d->req.dma_aware || xlnuma_host_dma_known(h))
        return 0;
    dma = calloc(nr, sizeof(*dma));
    above = calloc(nr, sizeof(*above));
    if (!dma || !above) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    rc = xlnuma_predict_dma_split(cli.ctx, h, dma, above, &how);
    if (!rc)
        rc = xlnuma_host_dup(cli.ctx, h, &c);
    for (unsigned n = 0; n < nr && !rc; n++)
        if (xlnuma_host_node(h, n)->memsize_kib)
            rc = xlnuma_host_set_dma(cli.ctx, c, n, dma[n] * 4);
    if (!rc)
        rc = xlnuma_host_finish(cli.ctx, c);
    if (rc)
        goto out;
    free(d->expect_note);
    d->expect_note = how;
    how = NULL;
    xlnuma_host_free(d->dma_host);
    d->dma_host = c;
    c = NULL;
    *use_r = d->dma_host;
 out:
    ret = 0;
    if (rc) {
        cli_err("cannot estimate the host's DMA zone (%s)",
                xlnuma_strerror(rc));
        ret = XL_NUMA_EXIT_ERROR;
    }
    xlnuma_host_free(c);
    free(how);
    free(dma);
    free(above);
    return ret;
}

/* ---- the prediction ---- */

const char *locality_pct(uint64_t part, uint64_t whole, char *buf,
                         size_t len)
{
    /* Rounded down to 0.1, so that 99.97% is not shown as 100.0%. */
    uint64_t tenths = whole ? part * 1000 / whole : 1000;

    snprintf(buf, len, "%" PRIu64 ".%" PRIu64, tenths / 10, tenths % 10);
    return buf;
}

static int set_note(decision *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int set_note(decision *d, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    free(d->expect_note);
    d->expect_note = s;
    return 0;
}

/* Why part of the guest is expected elsewhere, for the warning. */
static const char *spill_reason(const decision *d)
{
    if (d->res.dma_fallback)
        return "no set of nodes holds it above Xen's DMA zone, so the "
               "nodes were chosen without that rule";
    if (!d->req.dma_aware)
        return "the nodes' free memory includes Xen's DMA zone, as libxl "
               "counts it (--dma-aware or numa_placement_dma_aware=1 "
               "makes the need fit above the zone)";
    return "Xen takes memory above its DMA width from any node before "
           "the DMA zone of the guest's own nodes";
}

int locality_predict(const xlnuma_host *h, const guestcfg *g, decision *d)
{
    unsigned nr = xlnuma_host_nr_nodes(h);
    uint64_t pages, local = 0, *per = NULL;
    uint64_t *dma = NULL, *above = NULL;
    char *how = NULL, pct[LOCALITY_PCT_LEN];
    int rc, ret;

    if (d->kind != DECISION_PLACED)
        return 0;
    per = calloc(nr ? nr : 1, sizeof(*per));
    if (!per)
        goto nomem;
    if (d->nr_vnodes) {
        /* Each virtual node's memory is built on its pnode with
         * XENMEMF_exact_node (xg_dom_x86.c, meminit_pv): no spill. */
        pages = 0;
        for (unsigned v = 0; v < d->nr_vnodes; v++) {
            if (d->vnodes[v].pnode >= nr) {
                cli_err("vnode %u is on node %u, which the host lacks", v,
                        d->vnodes[v].pnode);
                free(per);
                return XL_NUMA_EXIT_ERROR;
            }
            per[d->vnodes[v].pnode] += d->vnodes[v].size_mib * 256;
            pages += d->vnodes[v].size_mib * 256;
        }
    } else if (g && g->guest.type != XLNUMA_GUEST_PV) {
        free(per);
        return set_note(d, "no prediction: the model is Xen's allocation "
                        "of a PV guest's memory, and this guest is %s",
                        g->guest.type == XLNUMA_GUEST_HVM ? "HVM" : "PVH");
    } else {
        /* libxl__build_dom: a PV guest gets memory= (target_memkb) in
         * whole MiB; the raw form's need stands for it. */
        uint64_t kib = !g ? d->req.need_kib : g->guest.memory_kib
                       ? g->guest.memory_kib : g->guest.maxmem_kib;

        pages = g ? kib / 1024 * 256 : kib / 4;
        rc = xlnuma_predict_pages(cli.ctx, h, &d->res.best.nodes, pages,
                                  per);
        if (rc == XLNUMA_ERROR_NOFIT) {
            free(per);
            return set_note(d, "no prediction: the host's free memory "
                            "cannot hold the guest's %" PRIu64 " pages",
                            pages);
        }
        if (rc) {
            cli_err("cannot predict where the guest's memory lands (%s)",
                    xlnuma_strerror(rc));
            free(per);
            return XL_NUMA_EXIT_ERROR;
        }
        if (!xlnuma_host_dma_known(h) && !d->expect_note) {
            dma = calloc(nr, sizeof(*dma));
            above = calloc(nr, sizeof(*above));
            if (!dma || !above)
                goto nomem;
            rc = xlnuma_predict_dma_split(cli.ctx, h, dma, above, &how);
            if (rc)
                goto fail;
            d->expect_note = how;
        }
    }
    xlnuma_bitmap_for_each(n, &d->res.best.nodes)
        if ((unsigned)n < nr)
            local += per[n];
    free(d->expect_per_node);
    d->expect_per_node = per;
    d->expect_nr = nr;
    d->expect_pages = pages;
    d->expect_local = local;
    d->have_expect = true;
    if (local < pages) {
        char *nodes = format_list(&d->res.best.nodes, "");

        cli_err("warning: Xen is expected to put %" PRIu64 " of the "
                "guest's %" PRIu64 " pages (%s%%) outside node%s %s: %s",
                pages - local, pages,
                locality_pct(pages - local, pages, pct, sizeof(pct)),
                xlnuma_bitmap_count(&d->res.best.nodes) == 1 ? "" : "s",
                nodes ? nodes : "?", spill_reason(d));
        free(nodes);
    }
    ret = 0;
    goto out;
 nomem:
    rc = XLNUMA_ERROR_NOMEM;
 fail:
    cli_err("cannot predict where the guest's memory lands (%s)",
            xlnuma_strerror(rc));
    free(per);
    ret = XL_NUMA_EXIT_ERROR;
 out:
    free(dma);
    free(above);
    return ret;
}

void locality_dispose(decision *d)
{
    xlnuma_host_free(d->dma_host);
    d->dma_host = NULL;
    free(d->expect_per_node);
    d->expect_per_node = NULL;
    free(d->expect_note);
    d->expect_note = NULL;
    d->have_expect = false;
}

/* ---- output ---- */

/* " (node 0: 32768, node 1: 0)": the nodes with pages, and the chosen
 * ones. */
static void print_per_node(FILE *f, const uint64_t *per, unsigned nr,
                           const xlnuma_bitmap *chosen)
{
    bool first = true;

    for (unsigned n = 0; n < nr; n++) {
        if (!per[n] && !xlnuma_bitmap_test(chosen, n))
            continue;
        fprintf(f, "%snode %u: %" PRIu64, first ? " (" : ", ", n, per[n]);
        first = false;
    }
    fputs(first ? "" : ")", f);
}

static void print_on_nodes(FILE *f, const xlnuma_bitmap *nodes)
{
    char *s = format_list(nodes, "");

    fprintf(f, "node%s %s", xlnuma_bitmap_count(nodes) == 1 ? "" : "s",
            s ? s : "?");
    free(s);
}

void print_locality_text(FILE *f, const decision *d)
{
    bool spill = d->have_expect && d->expect_local < d->expect_pages;
    char pct[LOCALITY_PCT_LEN];

    if (d->kind != DECISION_PLACED || (!d->req.explain && !spill))
        return;
    if (d->have_expect) {
        fprintf(f, "expected:   %s%% of %" PRIu64 " pages on ",
                locality_pct(d->expect_local, d->expect_pages, pct,
                             sizeof(pct)), d->expect_pages);
        print_on_nodes(f, &d->res.best.nodes);
        print_per_node(f, d->expect_per_node, d->expect_nr,
                       &d->res.best.nodes);
        fputc('\n', f);
    }
    if (d->expect_note)
        fprintf(f, "%s%s\n", d->have_expect ? "            " : "expected:   ",
                d->expect_note);
}

static bool affinity_all(const xlnuma_host *h, const xlnuma_bitmap *nodes)
{
    for (unsigned n = 0; n < xlnuma_host_nr_nodes(h); n++)
        if (!xlnuma_bitmap_test(nodes, n))
            return xlnuma_bitmap_is_empty(nodes);
    return true;
}

void print_pages_text(FILE *f, const xlnuma_host *h)
{
    unsigned nr = xlnuma_host_nr_domains(h);
    int w = 4;
    bool any = false;

    for (unsigned i = 0; i < nr; i++) {
        const xlnuma_domain *d = xlnuma_host_domain(h, i);
        int l = (int)strlen(d->name);

        any |= d->pages_per_node != NULL;
        if (l > w)
            w = l;
    }
    if (!any)
        return;
    fprintf(f, "\n%-*s %5s  %-13s %6s  %s\n", w, "Name", "ID",
            "Node affinity", "Local", "Pages per node");
    for (unsigned i = 0; i < nr; i++) {
        const xlnuma_domain *d = xlnuma_host_domain(h, i);
        bool all = affinity_all(h, &d->node_affinity);
        uint64_t local = 0, total = 0;
        char *aff = all ? NULL : format_list(&d->node_affinity, "");
        char pct[LOCALITY_PCT_LEN];

        for (unsigned n = 0; d->pages_per_node && n < d->nr_pages; n++) {
            total += d->pages_per_node[n];
            if (all || xlnuma_bitmap_test(&d->node_affinity, n))
                local += d->pages_per_node[n];
        }
        fprintf(f, "%-*s %5u  %-13s ", w, d->name, d->domid,
                all ? "all" : aff ? aff : "?");
        free(aff);
        if (!d->pages_per_node || all || !total)
            fprintf(f, "%6s  ", "-");
        else
            fprintf(f, "%5s%%  ", locality_pct(local, total, pct,
                                               sizeof(pct)));
        if (!d->pages_per_node) {
            fputs("-\n", f);
            continue;
        }
        for (unsigned n = 0; n < d->nr_pages; n++)
            fprintf(f, "%s%u:%" PRIu64, n ? " " : "", n,
                    d->pages_per_node[n]);
        fputc('\n', f);
    }
}

/* ---- live ---- */

static bool xen_dumps_wanted(void)
{
    const char *e = getenv("XLNUMA_XEN_DUMPS");

    return !e || strcmp(e, "0");
}

void locality_live_host(libxl_ctx *lctx, xlnuma_host **host_io)
{
    xlnuma_host *c = NULL;
    int rc;

    if (!xen_dumps_wanted())
        return;
    rc = xlnuma_host_read_xen_heap(cli.ctx, lctx, *host_io, &c);
    if (rc) {
        /* The library said which call or line failed. */
        cli_err("warning: Xen's free memory below its DMA width and the "
                "domains' pages per node are unknown (%s)",
                xlnuma_strerror(rc));
        return;
    }
    xlnuma_host_free(*host_io);
    *host_io = c;
}

int locality_measure(libxl_ctx *lctx, const char *name, const decision *d,
                     FILE *f)
{
    xlnuma_host *h = NULL, *c = NULL;
    const xlnuma_domain *dom;
    uint64_t total = 0, local = 0, worst = 0;
    char pct[LOCALITY_PCT_LEN];
    int rc;

    if (!xen_dumps_wanted()) {
        fprintf(stderr, "xl-numa: create: XLNUMA_XEN_DUMPS=0: %s's pages "
                "per node are not read\n", name);
        return 0;
    }
    rc = xlnuma_host_from_libxl(cli.ctx, lctx, &h);
    if (!rc)
        rc = xlnuma_host_read_xen_heap(cli.ctx, lctx, h, &c);
    if (rc) {
        cli_err("create: warning: cannot read where %s's pages are (%s)",
                name, xlnuma_strerror(rc));
        goto out;
    }
    dom = xlnuma_host_domain_by_name(c, name);
    if (!dom || !dom->pages_per_node) {
        cli_err("create: warning: Xen's 'u' dump has no pages for %s",
                name);
        goto out;
    }
    for (unsigned n = 0; n < dom->nr_pages; n++) {
        uint64_t want, diff;

        total += dom->pages_per_node[n];
        if (xlnuma_bitmap_test(&d->res.best.nodes, n))
            local += dom->pages_per_node[n];
        if (!d->have_expect || n >= d->expect_nr)
            continue;
        want = d->expect_per_node[n];
        diff = want > dom->pages_per_node[n] ? want - dom->pages_per_node[n]
                                             : dom->pages_per_node[n] - want;
        if (diff > worst)
            worst = diff;
    }
    fprintf(f, "measured:   %s%% of %" PRIu64 " pages on ",
            locality_pct(local, total, pct, sizeof(pct)), total);
    print_on_nodes(f, &d->res.best.nodes);
    print_per_node(f, dom->pages_per_node, dom->nr_pages,
                   &d->res.best.nodes);
    fputc('\n', f);
    if (d->have_expect) {
        fprintf(f, "            expected %s%%", locality_pct(d->expect_local,
                d->expect_pages, pct, sizeof(pct)));
        fprintf(f, ", largest difference on a node %s%% of the pages\n",
                locality_pct(worst, total, pct, sizeof(pct)));
    }
 out:
    xlnuma_host_free(h);
    xlnuma_host_free(c);
    return 0;
}
