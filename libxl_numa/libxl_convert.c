/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libxl_convert.c: libxl structs <-> the host model.  Pure: nothing here
 * reaches the hypervisor, so tests build the libxl arrays themselves.
 *
 * What libxl hands us (tools/libs/light/libxl.c in 4.17) and how it maps:
 *  - libxl_numainfo: size and free in bytes (we keep KiB), one SLIT row of
 *    num_dists entries.  A node id Xen does not have online reads
 *    LIBXL_NUMAINFO_INVALID_ENTRY in size and free; such a node is left
 *    undescribed, the builder's "present with no cpus and no memory", so
 *    it can never be chosen and needs no SLIT row.  (Adding it with 0 KiB
 *    would make it described, and finish() would then demand distances
 *    that Xen reports as invalid.)  Xen counts nodes up to the last online
 *    one, so an absent node is never the last; if an array ends with one
 *    anyway, the host simply has fewer node ids.
 *  - libxl_cputopology: LIBXL_CPUTOPOLOGY_INVALID_ENTRY in node marks a
 *    cpu Xen does not have (not present, or on no node): offline here.
 *    An invalid core or socket becomes -1.
 *  - Affinity maps come as wide as Xen's maps (nr_cpu_ids cpus,
 *    MAX_NUMNODES nodes) and a default hard affinity has every bit set, so
 *    vCPU maps are clipped to the host's cpus and node affinities to its
 *    nodes: bits past them name hardware that does not exist.  Cpupool
 *    maps are not clipped: a pool holding a cpu the topology lacks is an
 *    inconsistency finish() reports.
 *  - A domain in no cpupool (CPUPOOLID_NONE: dying, already out of its
 *    pool) is left out, as libxl__get_numa_candidate leaves out a domain
 *    whose cpupool it cannot read.  A domain in a cpupool the list lacks
 *    is an inconsistency finish() reports.
 *  - Domain names are not in libxl_dominfo: they come from the names
 *    array (libxl_domid_to_name), NULL when unknown.  Per-node pages and
 *    the DMA zone are not available through libxl and stay unknown.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"
#include "xlnuma_libxl.h"

#ifndef LIBXL_HAVE_VCPUINFO_SOFT_AFFINITY
#error "libxl without libxl_vcpuinfo.cpumap_soft (Xen < 4.5) is not supported"
#endif

/* Xen's CPUPOOLID_NONE: the cpupool of a dying domain that has left its
 * pool (cpupool_get_id in xen/common/sched/cpupool.c). */
#define NO_CPUPOOL UINT32_MAX

/* ---- bitmaps ---- */

int xlnuma_bitmap_from_libxl(const libxl_bitmap *src, xlnuma_bitmap *dst)
{
    xlnuma_bitmap b;
    int rc;

    if (!src || !dst)
        return XLNUMA_ERROR_INVAL;
    if (src->size && !src->map)
        return XLNUMA_ERROR_INVAL;
    if (src->size > UINT_MAX / 8)
        return XLNUMA_ERROR_RANGE;
    xlnuma_bitmap_init(&b);
    rc = xlnuma_bitmap_resize(&b, src->size * 8);
    if (rc)
        return rc;
    /* Both keep bit i in byte i / 8 at position i % 8. */
    if (src->size)
        memcpy(b.map, src->map, src->size);
    xlnuma_bitmap_dispose(dst);
    *dst = b;
    return 0;
}

/*
 * The map is allocated with calloc(), which libxl_bitmap_dispose() frees
 * like any libxl allocation, rather than with libxl_bitmap_alloc(): that
 * one needs a live libxl_ctx and _exit()s when memory runs out.  lctx is
 * therefore unused and may be NULL.
 */
int xlnuma_bitmap_to_libxl(libxl_ctx *lctx, const xlnuma_bitmap *src,
                           libxl_bitmap *dst)
{
    unsigned nb;
    uint8_t *map = NULL;

    if (!src || !dst)
        return XLNUMA_ERROR_INVAL;
    nb = (src->nr_bits + 7) / 8;
    if (nb) {
        map = calloc(nb, 1);
        if (!map)
            return XLNUMA_ERROR_NOMEM;
        memcpy(map, src->map, nb);
    }
    libxl_bitmap_dispose(dst);
    dst->map = map;
    dst->size = nb;
    return 0;
}

/* Converts a map and clips it to clip bits (0: no clipping -- a host
 * without nodes or cpus fails in finish() anyway); logs what failed with
 * the owner's description. */
static int map_from_libxl(xlnuma_ctx *ctx, const libxl_bitmap *src,
                          unsigned clip, xlnuma_bitmap *dst,
                          const char *what, const char *owner, int id)
{
    int rc;

    rc = xlnuma_bitmap_from_libxl(src, dst);
    if (rc == XLNUMA_ERROR_NOMEM)
        return rc;
    if (rc) {
        LOG(ERROR, "%s %d: %s is a libxl_bitmap of %" PRIu32 " bytes at "
            "%p, which cannot be converted", owner, id, what, src->size,
            (void *)src->map);
        return rc;
    }
    if (clip && dst->nr_bits > clip)
        rc = xlnuma_bitmap_resize(dst, clip);
    return rc;
}

/* ---- host model from libxl arrays ---- */

static int check_arrays(xlnuma_ctx *ctx, const xlnuma_libxl_arrays *a)
{
    if (a->nr_nodes < 0 || a->nr_cpus < 0 || a->nr_pools < 0 ||
        a->nr_doms < 0) {
        LOG(ERROR, "libxl arrays with a negative count: %d nodes, %d cpus, "
            "%d cpupools, %d domains", a->nr_nodes, a->nr_cpus, a->nr_pools,
            a->nr_doms);
        return XLNUMA_ERROR_INVAL;
    }
    if ((a->nr_nodes && !a->ninfo) || (a->nr_cpus && !a->tinfo) ||
        (a->nr_pools && !a->pools) || (a->nr_doms && !a->doms)) {
        LOG(ERROR, "libxl arrays: a count is non-zero but its array is "
            "NULL (%d nodes %s, %d cpus %s, %d cpupools %s, %d domains %s)",
            a->nr_nodes, a->ninfo ? "given" : "NULL",
            a->nr_cpus, a->tinfo ? "given" : "NULL",
            a->nr_pools, a->pools ? "given" : "NULL",
            a->nr_doms, a->doms ? "given" : "NULL");
        return XLNUMA_ERROR_INVAL;
    }
    if (a->nr_nodes > (int)XLNUMA_MAX_NODES) {
        LOG(ERROR, "libxl reports %d NUMA nodes; at most %u are supported",
            a->nr_nodes, XLNUMA_MAX_NODES);
        return XLNUMA_ERROR_RANGE;
    }
    if (a->nr_cpus > (int)XLNUMA_MAX_CPUS) {
        LOG(ERROR, "libxl reports %d cpus; at most %u are supported",
            a->nr_cpus, XLNUMA_MAX_CPUS);
        return XLNUMA_ERROR_RANGE;
    }
    return 0;
}

static bool node_present(const libxl_numainfo *ni)
{
    return ni->size != LIBXL_NUMAINFO_INVALID_ENTRY;
}

static int add_nodes(xlnuma_ctx *ctx, xlnuma_host *h,
                     const xlnuma_libxl_arrays *a)
{
    int rc;

    for (int i = 0; i < a->nr_nodes; i++) {
        const libxl_numainfo *ni = &a->ninfo[i];

        if (!node_present(ni))
            continue;
        if (ni->free == LIBXL_NUMAINFO_INVALID_ENTRY) {
            LOG(ERROR, "node %d: libxl reports a size of %" PRIu64 " bytes "
                "but an invalid free memory (LIBXL_NUMAINFO_INVALID_ENTRY)",
                i, ni->size);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        rc = xlnuma_host_add_node(ctx, h, (unsigned)i, ni->size / 1024,
                                  ni->free / 1024);
        if (rc)
            return rc;
    }
    for (int i = 0; i < a->nr_nodes; i++) {
        const libxl_numainfo *ni = &a->ninfo[i];

        if (!node_present(ni))
            continue;
        if (ni->num_dists == 0)
            continue;       /* no SLIT row: finish() decides */
        if (ni->num_dists != a->nr_nodes || !ni->dists) {
            LOG(ERROR, "node %d: libxl gives %d distances%s, expected one "
                "per node (%d)", i, ni->num_dists,
                ni->dists ? "" : " and no array", a->nr_nodes);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        for (int j = 0; j < ni->num_dists; j++) {
            uint32_t d = ni->dists[j];

            if (!node_present(&a->ninfo[j]))
                continue;
            if (d == LIBXL_NUMAINFO_INVALID_ENTRY) {
                LOG(ERROR, "distance %d->%d: libxl reports it invalid "
                    "(LIBXL_NUMAINFO_INVALID_ENTRY) although both nodes "
                    "are present", i, j);
                return XLNUMA_ERROR_INCONSISTENT;
            }
            rc = xlnuma_host_set_distance(ctx, h, (unsigned)i, (unsigned)j,
                                          d);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* A topology field: the invalid marker becomes -1. */
static int topo_field(xlnuma_ctx *ctx, uint32_t v, int cpu, const char *what,
                      int *r)
{
    if (v == LIBXL_CPUTOPOLOGY_INVALID_ENTRY) {
        *r = -1;
        return 0;
    }
    if (v > INT_MAX) {
        LOG(ERROR, "cpu %d: %s %" PRIu32 " is out of range", cpu, what, v);
        return XLNUMA_ERROR_RANGE;
    }
    *r = (int)v;
    return 0;
}

static int add_cpus(xlnuma_ctx *ctx, xlnuma_host *h,
                    const xlnuma_libxl_arrays *a)
{
    int rc;

    for (int i = 0; i < a->nr_cpus; i++) {
        const libxl_cputopology *t = &a->tinfo[i];
        int core, socket, node;

        rc = topo_field(ctx, t->core, i, "core", &core);
        if (!rc)
            rc = topo_field(ctx, t->socket, i, "socket", &socket);
        if (!rc)
            rc = topo_field(ctx, t->node, i, "node", &node);
        if (rc)
            return rc;
        if (node >= 0 && (node >= a->nr_nodes ||
                          !node_present(&a->ninfo[node]))) {
            LOG(ERROR, "cpu %d: libxl places it on node %d, but %s", i, node,
                node >= a->nr_nodes ? "libxl_get_numainfo reports fewer "
                "nodes" : "that node is not online");
            return XLNUMA_ERROR_INCONSISTENT;
        }
        rc = xlnuma_host_add_cpu(ctx, h, (unsigned)i, core, socket,
                                 node >= 0 ? node : XLNUMA_NO_NODE);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_pools(xlnuma_ctx *ctx, xlnuma_host *h,
                     const xlnuma_libxl_arrays *a)
{
    xlnuma_bitmap cpus;
    int rc = 0;

    xlnuma_bitmap_init(&cpus);
    for (int i = 0; i < a->nr_pools; i++) {
        const libxl_cpupoolinfo *p = &a->pools[i];

        rc = map_from_libxl(ctx, &p->cpumap, 0, &cpus, "cpu map", "cpupool",
                            (int)p->poolid);
        if (rc)
            goto out;
        /* NULL for a scheduler libxl does not name: stored as unknown. */
        rc = xlnuma_host_add_pool(ctx, h, p->poolid, p->pool_name,
                                  libxl_scheduler_to_string(p->sched),
                                  &cpus);
        if (rc)
            goto out;
    }
 out:
    xlnuma_bitmap_dispose(&cpus);
    return rc;
}

static int convert_vcpu(xlnuma_ctx *ctx, const xlnuma_host *h,
                        const libxl_vcpuinfo *vi, uint32_t domid,
                        xlnuma_vcpu *v)
{
    unsigned nr_cpus = xlnuma_host_nr_cpus(h);
    int rc;

    v->id = vi->vcpuid;
    v->online = vi->online;
    v->cpu = XLNUMA_NO_CPU;
    /* An offline vCPU keeps a stale processor; xl vcpu-list prints '-'. */
    if (vi->online) {
        if (vi->cpu > INT_MAX) {
            LOG(ERROR, "domain %" PRIu32 " vCPU %" PRIu32 ": libxl says it "
                "runs on cpu %" PRIu32 ", which is out of range", domid,
                vi->vcpuid, vi->cpu);
            return XLNUMA_ERROR_RANGE;
        }
        v->cpu = (int)vi->cpu;
    }
    rc = map_from_libxl(ctx, &vi->cpumap, nr_cpus, &v->hard,
                        "hard affinity of a vCPU", "domain", (int)domid);
    if (rc)
        return rc;
    return map_from_libxl(ctx, &vi->cpumap_soft, nr_cpus, &v->soft,
                          "soft affinity of a vCPU", "domain", (int)domid);
}

static int convert_domain(xlnuma_ctx *ctx, const xlnuma_host *h,
                          const xlnuma_libxl_arrays *a, int i,
                          xlnuma_domain *d)
{
    const libxl_dominfo *di = &a->doms[i];
    int nr = a->nr_vcpus ? a->nr_vcpus[i] : 0;
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);
    int rc;

    d->domid = di->domid;
    d->pool = di->cpupool;
    d->mem_kib = di->current_memkb;
    if (a->names && a->names[i] && !(d->name = strdup(a->names[i])))
        return XLNUMA_ERROR_NOMEM;
    if (a->nodeaffinity) {
        rc = map_from_libxl(ctx, &a->nodeaffinity[i], nr_nodes,
                            &d->node_affinity, "node affinity", "domain",
                            (int)di->domid);
        if (rc)
            return rc;
    }
    if (nr < 0 || nr > (int)XLNUMA_MAX_VCPUS) {
        LOG(ERROR, "domain %" PRIu32 ": %d vCPUs is out of range (0..%u)",
            di->domid, nr, XLNUMA_MAX_VCPUS);
        return XLNUMA_ERROR_RANGE;
    }
    if (!nr)
        return 0;
    if (!a->vcpus || !a->vcpus[i]) {
        LOG(ERROR, "domain %" PRIu32 ": %d vCPUs but no libxl_vcpuinfo "
            "array", di->domid, nr);
        return XLNUMA_ERROR_INVAL;
    }
    d->vcpus = calloc((size_t)nr, sizeof(*d->vcpus));
    if (!d->vcpus)
        return XLNUMA_ERROR_NOMEM;
    for (int v = 0; v < nr; v++) {
        xlnuma_vcpu_init(&d->vcpus[v]);
        d->nr_vcpus = (unsigned)v + 1;
        rc = convert_vcpu(ctx, h, &a->vcpus[i][v], di->domid, &d->vcpus[v]);
        if (rc)
            return rc;
    }
    return 0;
}

int xlnuma_host_from_libxl_arrays(xlnuma_ctx *ctx,
                                  const xlnuma_libxl_arrays *a,
                                  xlnuma_host **host_r)
{
    xlnuma_host *h = NULL;
    xlnuma_domain d;
    int rc;

    xlnuma_domain_init(&d);
    if (!a || !host_r) {
        LOG(ERROR, "xlnuma_host_from_libxl_arrays: %s is NULL",
            a ? "host_r" : "the arrays");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    rc = check_arrays(ctx, a);
    if (rc)
        goto out;
    rc = xlnuma_host_alloc(ctx, &h);
    if (rc)
        goto out;
    rc = add_nodes(ctx, h, a);
    if (rc)
        goto out;
    rc = add_cpus(ctx, h, a);
    if (rc)
        goto out;
    rc = add_pools(ctx, h, a);
    if (rc)
        goto out;
    for (int i = 0; i < a->nr_doms; i++) {
        if (a->doms[i].cpupool == NO_CPUPOOL) {
            LOG(DETAIL, "domain %" PRIu32 " is in no cpupool (dying); it "
                "is left out, as libxl's placement leaves it out",
                a->doms[i].domid);
            continue;
        }
        rc = convert_domain(ctx, h, a, i, &d);
        if (!rc)
            rc = xlnuma_host_add_domain(ctx, h, &d);
        xlnuma_domain_dispose(&d);
        if (rc)
            goto out;
    }
    rc = xlnuma_host_finish(ctx, h);
    if (rc)
        goto out;
    *host_r = h;
    h = NULL;
 out:
    xlnuma_domain_dispose(&d);
    xlnuma_host_free(h);
    return rc;
}
