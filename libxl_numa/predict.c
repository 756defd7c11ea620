/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * predict.c: where Xen 4.17 puts a PV guest's memory, given the guest's
 * node affinity and the host's free memory per node, split at Xen's DMA
 * width.  Pure.  docs/placement.md, "Where the memory lands", states the
 * model with its sources in xen.git; in short:
 *
 *  - libxc's meminit_pv (tools/libs/guest/xg_dom_x86.c) populates a PV
 *    guest without vNUMA in 2 MiB extents (order 9) as long as Xen has
 *    them, then 4 KiB pages; it names no node, so Xen's allocator alone
 *    places every extent;
 *  - alloc_domheap_pages (xen/common/page_alloc.c) asks for memory above
 *    the DMA width first and for any memory only when no node has that;
 *  - get_free_buddy starts at the affinity node after the one the domain
 *    last allocated from (cycle_node on d->last_alloc_node), tries the
 *    affinity nodes in turn and then every other online node from the
 *    lowest id.
 *
 * Simulated in bulk: a round over the affinity nodes that can still give
 * an extent gives each one, in the order the rotation visits them, so
 * whole rounds are counted at once and the work is O(nodes^2) per phase
 * whatever the guest's size.  tests/check_predict.c compares it with a
 * plain extent-by-extent transcription of the allocator.
 */
#define _GNU_SOURCE             /* asprintf */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

#define PAGE_SHIFT 12
#define EXTENT_PAGES 512u           /* SUPERPAGE_2MB_NR_PFNS */

/* ---- the DMA split ---- */

static unsigned fls64(uint64_t v)
{
    return v ? 64u - (unsigned)__builtin_clzll(v) : 0;
}

/* KiB of [start, start + size) that lie below 2^bits bytes. */
static uint64_t below_width(uint64_t start_kib, uint64_t size_kib,
                            unsigned bits)
{
    uint64_t limit = bits >= 10 ? UINT64_C(1) << (bits - 10) : 0;

    if (start_kib >= limit)
        return 0;
    return size_kib < limit - start_kib ? size_kib : limit - start_kib;
}

int xlnuma_predict_dma_split(xlnuma_ctx *ctx, const xlnuma_host *h,
                             uint64_t *dma_r, uint64_t *above_r,
                             char **how_r)
{
    unsigned nr_mem = 0, rule_node = 0, bits;
    uint64_t start = 0;
    char *how = NULL;
    int n, rc;

    if (how_r)
        *how_r = NULL;
    if (!h || !dma_r || !above_r) {
        LOG(ERROR, "xlnuma_predict_dma_split: %s is NULL",
            !h ? "the host" : "an output array");
        return XLNUMA_ERROR_INVAL;
    }
    if (!xlnuma__host_finished(h)) {
        LOG(ERROR, "xlnuma_predict_dma_split: the host is not finished");
        return XLNUMA_ERROR_INVAL;
    }
    if (h->dma_known) {
        for (unsigned i = 0; i < h->nr_nodes; i++) {
            dma_r[i] = h->nodes[i].dmafree_kib / 4;
            above_r[i] = h->nodes[i].memfree_kib / 4 - dma_r[i];
        }
        return 0;
    }

    for (unsigned i = 0; i < h->nr_nodes; i++)
        if (h->nodes[i].memsize_kib && nr_mem++ == 0)
            rule_node = i;
    bits = h->dma_bits;
    if (!bits && nr_mem > 1) {
        /* arch_get_dma_bitsize (xen/arch/x86/numa.c): a quarter of the
         * first node with memory below 4 GiB.  Without the nodes' spans
         * we take them to lie in id order from address 0, so that node
         * starts at 0. */
        uint64_t v = h->nodes[rule_node].memsize_kib / 4 / 4 - 1;

        bits = fls64(v) + PAGE_SHIFT;   /* v wraps, as Xen's would */
        if (bits > 32)
            bits = 32;
    }
    for (unsigned i = 0; i < h->nr_nodes; i++) {
        const xlnuma_node *nd = &h->nodes[i];
        uint64_t dma = bits ? below_width(start, nd->memsize_kib, bits) : 0;

        /* Xen allocates from the highest zone down, so free memory is
         * taken to lie below the width first. */
        if (dma > nd->memfree_kib)
            dma = nd->memfree_kib;
        dma_r[i] = dma / 4;
        above_r[i] = nd->memfree_kib / 4 - dma_r[i];
        if (!xlnuma__add_u64(start, nd->memsize_kib, &start))
            start = UINT64_MAX;
    }
    if (!how_r)
        return 0;
    if (!bits)
        n = asprintf(&how, "estimated: no DMA zone, as Xen keeps none on a "
                     "host with %s node with memory", nr_mem ? "one" : "no");
    else if (h->dma_bits)
        n = asprintf(&how, "estimated: DMA width %u bits as the host gives "
                     "it, nodes taken to lie in id order from address 0, "
                     "free memory counted below the width first", bits);
    else
        n = asprintf(&how, "estimated: DMA width %u bits by Xen's rule on "
                     "node %u's span (%" PRIu64 " MiB, taken to start at "
                     "0), free memory counted below the width first", bits,
                     rule_node, h->nodes[rule_node].memsize_kib / 1024);
    if (n < 0) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    *how_r = how;
    how = NULL;
    rc = 0;
 out:
    free(how);
    return rc;
}

/* ---- the allocator ---- */

enum { ABOVE = 0, DMA = 1 };

typedef struct {
    unsigned nr;                /* nodes */
    bool *aff;                  /* the mask the allocator rotates over */
    bool *online;
    uint64_t *free[2];          /* pages per node: above / below the width */
    uint64_t *got;              /* pages given, per node */
    unsigned *act;              /* scratch: node ids */
    unsigned last;              /* d->last_alloc_node */
} alloc_sim;

static void take(alloc_sim *s, int zone, unsigned n, uint64_t units,
                 uint64_t size)
{
    s->free[zone][n] -= units * size;
    s->got[n] += units * size;
}

/* Up to `units' allocations of `size' pages from the affinity nodes'
 * memory in `zone'; the number placed. */
static uint64_t rotate(alloc_sim *s, int zone, uint64_t units,
                       uint64_t size)
{
    uint64_t done = 0;

    while (done < units) {
        uint64_t left = units - done, m = UINT64_MAX, q, r;
        unsigned k = 0, i0 = 0;

        /* The nodes the rotation can still use, in id order; m: the
         * fewest allocations any of them can still give. */
        for (unsigned n = 0; n < s->nr; n++) {
            if (!s->aff[n] || s->free[zone][n] < size)
                continue;
            if (s->free[zone][n] / size < m)
                m = s->free[zone][n] / size;
            s->act[k++] = n;
        }
        if (!k)
            break;
        /* cycle_node: the first one after the last node used. */
        while (i0 < k && s->act[i0] <= s->last)
            i0++;
        if (i0 == k)
            i0 = 0;
        if (left >= (uint64_t)k * m) {
            /* m whole rounds; the rotation ends where it started. */
            for (unsigned j = 0; j < k; j++)
                take(s, zone, s->act[j], m, size);
            s->last = s->act[(i0 + k - 1) % k];
            done += (uint64_t)k * m;
            continue;
        }
        q = left / k;
        r = left % k;
        for (unsigned j = 0; j < k; j++)
            take(s, zone, s->act[(i0 + j) % k], q + (j < r), size);
        if (r)
            s->last = s->act[(i0 + r - 1) % k];
        else if (q)
            s->last = s->act[(i0 + k - 1) % k];
        done = units;
    }
    return done;
}

/* Up to `units' allocations from the other online nodes, each time from
 * the lowest id that has room (get_free_buddy restarts there). */
static uint64_t fill_others(alloc_sim *s, int zone, uint64_t units,
                            uint64_t size)
{
    uint64_t done = 0;

    for (unsigned n = 0; n < s->nr && done < units; n++) {
        uint64_t t;

        if (s->aff[n] || !s->online[n])
            continue;
        t = s->free[zone][n] / size;
        if (t > units - done)
            t = units - done;
        if (!t)
            continue;
        take(s, zone, n, t, size);
        s->last = n;
        done += t;
    }
    return done;
}

/* alloc_domheap_pages, `units' times for `size' pages: above the DMA
 * width on the affinity nodes, then on the others; then any zone (only
 * the DMA zone has memory left by then), likewise.  The number placed:
 * fewer only when no node has `size' pages left anywhere. */
static uint64_t place(alloc_sim *s, uint64_t units, uint64_t size)
{
    uint64_t done = 0;

    for (int zone = ABOVE; zone <= DMA && done < units; zone++) {
        done += rotate(s, zone, units - done, size);
        done += fill_others(s, zone, units - done, size);
    }
    return done;
}

int xlnuma_predict_pages(xlnuma_ctx *ctx, const xlnuma_host *h,
                         const xlnuma_bitmap *affinity_nodes, uint64_t pages,
                         uint64_t *pages_per_node_r)
{
    alloc_sim s;
    uint64_t ext, rest, placed, have = 0;
    unsigned nr_aff = 0;
    int rc;

    memset(&s, 0, sizeof(s));
    if (!h || !pages_per_node_r) {
        LOG(ERROR, "xlnuma_predict_pages: %s is NULL",
            !h ? "the host" : "pages_per_node_r");
        return XLNUMA_ERROR_INVAL;
    }
    if (!xlnuma__host_finished(h)) {
        LOG(ERROR, "xlnuma_predict_pages: the host is not finished");
        return XLNUMA_ERROR_INVAL;
    }
    if (affinity_nodes) {
        int top = -1;

        xlnuma_bitmap_for_each(i, affinity_nodes)
            top = i;
        if (top >= (int)h->nr_nodes) {
            LOG(ERROR, "the node affinity names node %d, but the host has "
                "%u node%s", top, h->nr_nodes, h->nr_nodes == 1 ? "" : "s");
            return XLNUMA_ERROR_INVAL;
        }
    }
    s.nr = h->nr_nodes;
    /* Xen zeroes struct domain, and the lab shows the guest's memory
     * starting at the affinity node after node 0 whatever its vCPUs
     * (docs/placement.md): last_alloc_node is 0 when it is populated. */
    s.last = 0;
    s.aff = calloc(s.nr, sizeof(*s.aff));
    s.online = calloc(s.nr, sizeof(*s.online));
    s.free[ABOVE] = calloc(s.nr, sizeof(uint64_t));
    s.free[DMA] = calloc(s.nr, sizeof(uint64_t));
    s.got = calloc(s.nr, sizeof(*s.got));
    s.act = calloc(s.nr, sizeof(*s.act));
    if (!s.aff || !s.online || !s.free[ABOVE] || !s.free[DMA] || !s.got ||
        !s.act) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    rc = xlnuma_predict_dma_split(ctx, h, s.free[DMA], s.free[ABOVE], NULL);
    if (rc)
        goto out;
    /* Xen's node_online_map: the nodes the host describes.  The mask is
     * the affinity within it, or all of it when they do not meet. */
    for (unsigned n = 0; n < s.nr; n++) {
        s.online[n] = h->node_described[n];
        s.aff[n] = s.online[n] && affinity_nodes &&
                   xlnuma_bitmap_test(affinity_nodes, n);
        nr_aff += s.aff[n];
        have += s.free[ABOVE][n] + s.free[DMA][n];
    }
    if (!nr_aff)
        memcpy(s.aff, s.online, s.nr * sizeof(*s.aff));
    if (have < pages) {
        LOG(ERROR, "a guest of %" PRIu64 " pages cannot be built: the "
            "host has %" PRIu64 " pages free", pages, have);
        rc = XLNUMA_ERROR_NOFIT;
        goto out;
    }

    ext = pages / EXTENT_PAGES;
    rest = pages % EXTENT_PAGES;
    placed = place(&s, ext, EXTENT_PAGES);
    /* libxc gives up on 2 MiB extents at the first one Xen refuses and
     * populates the rest page by page. */
    rest += (ext - placed) * EXTENT_PAGES;
    placed = place(&s, rest, 1);
    if (placed != rest) {
        /* Cannot happen: every free page can take a 4 KiB page. */
        LOG(ERROR, "the allocator model placed %" PRIu64 " of %" PRIu64
            " pages", placed, rest);
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    }
    memcpy(pages_per_node_r, s.got, s.nr * sizeof(*s.got));
    rc = 0;
 out:
    free(s.aff);
    free(s.online);
    free(s.free[ABOVE]);
    free(s.free[DMA]);
    free(s.got);
    free(s.act);
    return rc;
}
