/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * staterec.c: a JSON state file as a simulated host that persists --
 * xl-numa create records a placed guest there, xl-numa destroy removes
 * one.  The file is changed through a copy of the host (xlnuma_host_dup)
 * saved atomically, so it is either the old host or the new one.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

#define PAGE_KIB 4u

/* What node n can give under the request (placement semantics 5). */
static uint64_t usable_kib(const xlnuma_node *node, const xlnuma_request *req)
{
    uint64_t base = node->memfree_kib, reserve;

    if (req->dma_aware)
        base = base > node->dmafree_kib ? base - node->dmafree_kib : 0;
    reserve = req->headroom_kib +
              node->memsize_kib * req->headroom_pct / 100;
    return base > reserve ? base - reserve : 0;
}

int state_split_pages(const xlnuma_host *h, const xlnuma_request *req,
                      const xlnuma_bitmap *nodes, uint64_t *pages_r)
{
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);
    uint64_t need = req->need_kib / PAGE_KIB + (req->need_kib % PAGE_KIB != 0);
    uint64_t total = 0, given = 0, *avail;

    avail = calloc(nr_nodes ? nr_nodes : 1, sizeof(*avail));
    if (!avail) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    memset(pages_r, 0, nr_nodes * sizeof(*pages_r));
    xlnuma_bitmap_for_each(n, nodes) {
        if ((unsigned)n >= nr_nodes)
            continue;
        avail[n] = usable_kib(xlnuma_host_node(h, (unsigned)n), req) /
                   PAGE_KIB;
        total += avail[n];
    }
    if (total < need) {
        cli_err("the chosen nodes can give %" PRIu64 " pages, the guest "
                "needs %" PRIu64, total, need);
        free(avail);
        return XL_NUMA_EXIT_ERROR;
    }
    if (total) {
        xlnuma_bitmap_for_each(n, nodes) {
            if ((unsigned)n >= nr_nodes)
                continue;
            pages_r[n] = (uint64_t)((unsigned __int128)need * avail[n] /
                                    total);
            given += pages_r[n];
        }
    }
    /* need * avail / total rounds down: fewer than one page per node is
     * left over.  Hand it out where the most is left. */
    while (given < need) {
        int best = -1;

        xlnuma_bitmap_for_each(n, nodes) {
            if ((unsigned)n >= nr_nodes || pages_r[n] >= avail[n])
                continue;
            if (best < 0 ||
                avail[n] - pages_r[n] > avail[best] - pages_r[best])
                best = n;
        }
        if (best < 0)
            break;          /* cannot happen: total >= need */
        pages_r[best]++;
        given++;
    }
    free(avail);
    return 0;
}

static uint32_t next_domid(const xlnuma_host *h)
{
    uint32_t id = 0;

    for (unsigned i = 0; i < xlnuma_host_nr_domains(h); i++)
        if (xlnuma_host_domain(h, i)->domid > id)
            id = xlnuma_host_domain(h, i)->domid;
    return id + 1;
}

/* The guest as a domain of the host: its vCPUs carry the decided
 * affinities (hard: pin mode's, else the cpus= mask it was placed
 * within, else every pCPU), its node affinity is the chosen nodes. */
static int build_domain(const xlnuma_host *h, const decision *d,
                        const uint64_t *pages, xlnuma_domain *dom)
{
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);

    dom->domid = next_domid(h);
    dom->name = strdup(d->guest_name);
    dom->pool = d->req.pool < 0 ? 0 : (unsigned)d->req.pool;
    dom->nr_vcpus = d->req.vcpus;
    dom->vcpus = calloc(d->req.vcpus, sizeof(*dom->vcpus));
    dom->pages_per_node = calloc(nr_nodes, sizeof(*dom->pages_per_node));
    if (!dom->name || !dom->vcpus || !dom->pages_per_node)
        return XL_NUMA_EXIT_ERROR;
    dom->nr_pages = nr_nodes;
    for (unsigned n = 0; n < nr_nodes; n++) {
        dom->pages_per_node[n] = pages[n];
        dom->pages_total += pages[n];
    }
    dom->mem_kib = dom->pages_total * PAGE_KIB;
    if (xlnuma_bitmap_copy(&dom->node_affinity, &d->res.best.nodes))
        return XL_NUMA_EXIT_ERROR;

    for (unsigned v = 0; v < d->req.vcpus; v++) {
        xlnuma_vcpu *vc = &dom->vcpus[v];

        xlnuma_vcpu_init(vc);
        vc->id = v;
        vc->cpu = XLNUMA_NO_CPU;
        vc->online = true;
        if (d->pin) {
            if (xlnuma_bitmap_copy(&vc->hard, &d->hard))
                return XL_NUMA_EXIT_ERROR;
        } else if (!xlnuma_bitmap_is_empty(&d->req.cpus)) {
            if (xlnuma_bitmap_copy(&vc->hard, &d->req.cpus))
                return XL_NUMA_EXIT_ERROR;
        } else {
            for (unsigned c = 0; c < xlnuma_host_nr_cpus(h); c++)
                if (xlnuma_bitmap_set(&vc->hard, c))
                    return XL_NUMA_EXIT_ERROR;
        }
        if (xlnuma_bitmap_copy(&vc->soft, &d->soft))
            return XL_NUMA_EXIT_ERROR;
    }
    return 0;
}

int state_record(const xlnuma_host *h, const char *path, const decision *d,
                 uint64_t *pages_r)
{
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);
    xlnuma_host *copy = NULL;
    xlnuma_domain dom;
    uint64_t *pages;
    int rc, ret;

    xlnuma_domain_init(&dom);
    pages = calloc(nr_nodes, sizeof(*pages));
    if (!pages) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    ret = state_split_pages(h, &d->req, &d->res.best.nodes, pages);
    if (ret)
        goto out;
    ret = build_domain(h, d, pages, &dom);
    if (ret) {
        cli_err("out of memory");
        goto out;
    }

    ret = XL_NUMA_EXIT_ERROR;
    rc = xlnuma_host_dup(cli.ctx, h, &copy);
    if (rc)
        goto lib_failed;
    rc = xlnuma_host_add_domain(cli.ctx, copy, &dom);
    if (rc)
        goto lib_failed;
    for (unsigned n = 0; n < nr_nodes; n++) {
        if (!pages[n])
            continue;
        rc = xlnuma_host_take_memory(cli.ctx, copy, n, pages[n] * PAGE_KIB);
        if (rc)
            goto lib_failed;
    }
    rc = xlnuma_host_finish(cli.ctx, copy);
    if (rc)
        goto lib_failed;
    rc = xlnuma_host_save(cli.ctx, copy, path);
    if (rc)
        goto lib_failed;
    if (pages_r)
        memcpy(pages_r, pages, nr_nodes * sizeof(*pages));
    ret = 0;
    goto out;
 lib_failed:
    cli_err("cannot record %s in %s (%s); the file is unchanged",
            d->guest_name, path, xlnuma_strerror(rc));
 out:
    xlnuma_domain_dispose(&dom);
    xlnuma_host_free(copy);
    free(pages);
    return ret;
}

int state_remove(const xlnuma_host *h, const char *path, const char *name)
{
    const xlnuma_domain *d = xlnuma_host_domain_by_name(h, name);
    xlnuma_host *copy = NULL;
    uint64_t *pages = NULL;
    unsigned nr;
    int rc, ret = XL_NUMA_EXIT_ERROR;

    if (!d) {
        cli_err("destroy: no domain \"%s\" in %s", name, path);
        return XL_NUMA_EXIT_ERROR;
    }
    if (d->domid == 0) {
        cli_err("destroy: %s is domain 0", name);
        return XL_NUMA_EXIT_ERROR;
    }
    if (!d->pages_per_node) {
        cli_err("destroy: %s has no per-node memory record in %s, so its "
                "memory cannot be given back", name, path);
        return XL_NUMA_EXIT_ERROR;
    }
    /* d lives in h; keep what it held before h's copy changes. */
    nr = d->nr_pages;
    pages = malloc((nr ? nr : 1) * sizeof(*pages));
    if (!pages) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    memcpy(pages, d->pages_per_node, nr * sizeof(*pages));

    rc = xlnuma_host_dup(cli.ctx, h, &copy);
    if (!rc)
        rc = xlnuma_host_remove_domain(cli.ctx, copy, name);
    for (unsigned n = 0; !rc && n < nr; n++)
        if (pages[n])
            rc = xlnuma_host_give_memory(cli.ctx, copy, n,
                                         pages[n] * PAGE_KIB);
    if (!rc)
        rc = xlnuma_host_finish(cli.ctx, copy);
    if (!rc)
        rc = xlnuma_host_save(cli.ctx, copy, path);
    if (rc)
        cli_err("cannot remove %s from %s (%s); the file is unchanged", name,
                path, xlnuma_strerror(rc));
    else
        ret = 0;
    xlnuma_host_free(copy);
    free(pages);
    return ret;
}
