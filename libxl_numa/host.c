/* SPDX-License-Identifier: LGPL-2.1-only */
/* host.c: the host model -- builder, invariant check, readers. */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

/* ---- domain and vcpu structs ---- */

void xlnuma_vcpu_init(xlnuma_vcpu *v)
{
    memset(v, 0, sizeof(*v));
    v->cpu = XLNUMA_NO_CPU;
    v->online = true;
    xlnuma_bitmap_init(&v->hard);
    xlnuma_bitmap_init(&v->soft);
}

void xlnuma_vcpu_dispose(xlnuma_vcpu *v)
{
    if (!v)
        return;
    xlnuma_bitmap_dispose(&v->hard);
    xlnuma_bitmap_dispose(&v->soft);
}

void xlnuma_domain_init(xlnuma_domain *d)
{
    memset(d, 0, sizeof(*d));
    xlnuma_bitmap_init(&d->node_affinity);
}

void xlnuma_domain_dispose(xlnuma_domain *d)
{
    if (!d)
        return;
    free(d->name);
    xlnuma_bitmap_dispose(&d->node_affinity);
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        xlnuma_vcpu_dispose(&d->vcpus[i]);
    free(d->vcpus);
    free(d->pages_per_node);
    xlnuma_domain_init(d);
}

static void pool_dispose(xlnuma_pool *p)
{
    free(p->name);
    free(p->sched);
    xlnuma_bitmap_dispose(&p->cpus);
}

/* ---- alloc / free ---- */

int xlnuma_host_alloc(xlnuma_ctx *ctx, xlnuma_host **host_r)
{
    xlnuma_host *h = calloc(1, sizeof(*h));

    if (!h)
        return XLNUMA_ERROR_NOMEM;
    *host_r = h;
    return 0;
}

static void free_summaries(xlnuma_host *h);

void xlnuma_host_free(xlnuma_host *h)
{
    if (!h)
        return;
    for (unsigned i = 0; i < h->nr_nodes; i++)
        xlnuma_bitmap_dispose(&h->nodes[i].cpus);
    free(h->nodes);
    free(h->node_cpu0);
    free(h->node_cpu);
    free(h->cpu_core);
    free(h->node_described);
    free(h->cpus);
    free(h->cpu_described);
    for (unsigned i = 0; i < h->nr_pools; i++)
        pool_dispose(&h->pools[i]);
    free(h->pools);
    for (unsigned i = 0; i < h->nr_domains; i++)
        xlnuma_domain_dispose(&h->domains[i]);
    free(h->domains);
    free(h->dist);
    free(h->hard_rep);
    free(h->dom_vcpu0);
    free(h->vcpu_hard);
    free_summaries(h);
    free(h);
}

bool xlnuma__host_finished(const xlnuma_host *h)
{
    return h->finished;
}

static int check_building(xlnuma_ctx *ctx, const xlnuma_host *h)
{
    if (h->finished) {
        LOG(ERROR, "host already finished; dup it to change it");
        return XLNUMA_ERROR_INVAL;
    }
    return 0;
}

/* An array arr of cap elements of size bytes with room for want: the
 * array, doubled (or arr itself), its new length in *cap_r; NULL when
 * out of memory (arr unchanged).  The caller records the length once
 * every array that shares it has grown.  Building a host element by
 * element stays linear. */
static void *grow_array(void *arr, unsigned cap, unsigned want,
                        size_t size, unsigned *cap_r)
{
    unsigned ncap = cap ? cap : 8;

    *cap_r = cap;
    if (want <= cap && arr)
        return arr;
    while (ncap < want)
        ncap = ncap > UINT_MAX / 2 ? want : ncap * 2;
    *cap_r = ncap;
    return realloc(arr, (size_t)ncap * size);
}

/* ---- nodes and distances ---- */

static int grow_nodes(xlnuma_host *h, unsigned nr)
{
    xlnuma_node *n;
    bool *d;
    unsigned cap;

    if (nr <= h->nr_nodes)
        return 0;
    n = grow_array(h->nodes, h->cap_nodes, nr, sizeof(*n), &cap);
    if (!n)
        return XLNUMA_ERROR_NOMEM;
    h->nodes = n;
    d = grow_array(h->node_described, h->cap_nodes, nr, sizeof(*d), &cap);
    if (!d)
        return XLNUMA_ERROR_NOMEM;
    h->node_described = d;
    h->cap_nodes = cap;
    for (unsigned i = h->nr_nodes; i < nr; i++) {
        memset(&h->nodes[i], 0, sizeof(h->nodes[i]));
        h->nodes[i].id = i;
        xlnuma_bitmap_init(&h->nodes[i].cpus);
        h->node_described[i] = false;
    }
    h->nr_nodes = nr;
    return 0;
}

static int grow_dist(xlnuma_host *h, unsigned need)
{
    unsigned cap = h->dist_cap ? h->dist_cap : 8;
    unsigned *m;

    if (need <= h->dist_cap)
        return 0;
    while (cap < need)
        cap *= 2;
    m = calloc((size_t)cap * cap, sizeof(*m));
    if (!m)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned i = 0; i < h->dist_cap; i++)
        memcpy(m + (size_t)i * cap, h->dist + (size_t)i * h->dist_cap,
               h->dist_cap * sizeof(*m));
    free(h->dist);
    h->dist = m;
    h->dist_cap = cap;
    return 0;
}

int xlnuma_host_add_node(xlnuma_ctx *ctx, xlnuma_host *h, unsigned id,
                         uint64_t memsize_kib, uint64_t memfree_kib)
{
    int rc;

    rc = check_building(ctx, h);
    if (rc)
        return rc;
    if (id >= XLNUMA_MAX_NODES) {
        LOG(ERROR, "node %u: more than %u nodes are not supported",
            id, XLNUMA_MAX_NODES);
        return XLNUMA_ERROR_RANGE;
    }
    if (memsize_kib > XLNUMA_MAX_KIB || memfree_kib > XLNUMA_MAX_KIB) {
        LOG(ERROR, "node %u: memory size %" PRIu64 " KiB or free %" PRIu64
            " KiB is absurd (limit %" PRIu64 " KiB)", id, memsize_kib,
            memfree_kib, XLNUMA_MAX_KIB);
        return XLNUMA_ERROR_RANGE;
    }
    rc = grow_nodes(h, id + 1);
    if (rc)
        return rc;
    if (h->node_described[id]) {
        LOG(ERROR, "node %u described twice", id);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    h->node_described[id] = true;
    h->nodes[id].memsize_kib = memsize_kib;
    h->nodes[id].memfree_kib = memfree_kib;
    return 0;
}

int xlnuma_host_set_distance(xlnuma_ctx *ctx, xlnuma_host *h,
                             unsigned from, unsigned to, unsigned dist)
{
    int rc;

    rc = check_building(ctx, h);
    if (rc)
        return rc;
    if (from >= XLNUMA_MAX_NODES || to >= XLNUMA_MAX_NODES) {
        LOG(ERROR, "distance %u->%u: node out of range", from, to);
        return XLNUMA_ERROR_RANGE;
    }
    if (dist == 0 || dist > 255) {
        LOG(ERROR, "distance %u->%u is %u; SLIT entries are 1..255",
            from, to, dist);
        return XLNUMA_ERROR_RANGE;
    }
    rc = grow_dist(h, (from > to ? from : to) + 1);
    if (rc)
        return rc;
    h->dist[(size_t)from * h->dist_cap + to] = dist;
    return 0;
}

int xlnuma_host_set_dma(xlnuma_ctx *ctx, xlnuma_host *h, unsigned node,
                        uint64_t dmafree_kib)
{
    int rc = check_building(ctx, h);

    if (rc)
        return rc;
    if (node >= h->nr_nodes || !h->node_described[node]) {
        LOG(ERROR, "DMA zone of node %u: no such node", node);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    h->nodes[node].dmafree_kib = dmafree_kib;
    h->dma_known = true;
    return 0;
}

int xlnuma_host_set_dma_bits(xlnuma_ctx *ctx, xlnuma_host *h, unsigned bits)
{
    int rc = check_building(ctx, h);

    if (rc)
        return rc;
    if (bits > 64) {
        LOG(ERROR, "DMA width of %u bits is absurd", bits);
        return XLNUMA_ERROR_RANGE;
    }
    h->dma_bits = bits;
    return 0;
}

/* ---- cpus ---- */

int xlnuma_host_add_cpu(xlnuma_ctx *ctx, xlnuma_host *h, unsigned id,
                        int core, int socket, int node)
{
    int rc;

    rc = check_building(ctx, h);
    if (rc)
        return rc;
    if (id >= XLNUMA_MAX_CPUS) {
        LOG(ERROR, "cpu %u: more than %u cpus are not supported",
            id, XLNUMA_MAX_CPUS);
        return XLNUMA_ERROR_RANGE;
    }
    if (node < XLNUMA_NO_NODE || node >= (int)XLNUMA_MAX_NODES) {
        LOG(ERROR, "cpu %u: node %d out of range", id, node);
        return XLNUMA_ERROR_RANGE;
    }
    if (id >= h->nr_cpus) {
        unsigned cap;
        xlnuma_cpu *c = grow_array(h->cpus, h->cap_cpus, id + 1,
                                   sizeof(*c), &cap);
        bool *d;

        if (!c)
            return XLNUMA_ERROR_NOMEM;
        h->cpus = c;
        d = grow_array(h->cpu_described, h->cap_cpus, id + 1, sizeof(*d),
                       &cap);
        if (!d)
            return XLNUMA_ERROR_NOMEM;
        h->cpu_described = d;
        h->cap_cpus = cap;
        for (unsigned i = h->nr_cpus; i <= id; i++) {
            h->cpus[i].id = i;
            h->cpus[i].core = h->cpus[i].socket = -1;
            h->cpus[i].node = XLNUMA_NO_NODE;
            h->cpus[i].online = false;
            h->cpu_described[i] = false;
        }
        h->nr_cpus = id + 1;
    }
    if (h->cpu_described[id]) {
        LOG(ERROR, "cpu %u described twice", id);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    h->cpu_described[id] = true;
    h->cpus[id].core = core;
    h->cpus[id].socket = socket;
    h->cpus[id].node = node;
    h->cpus[id].online = node != XLNUMA_NO_NODE;
    return 0;
}

/* ---- pools ---- */

int xlnuma_host_add_pool(xlnuma_ctx *ctx, xlnuma_host *h, unsigned id,
                         const char *name, const char *sched,
                         const xlnuma_bitmap *cpus)
{
    xlnuma_pool *p, np;
    unsigned cap;
    int rc;

    rc = check_building(ctx, h);
    if (rc)
        return rc;
    if (!name || !*name) {
        LOG(ERROR, "cpupool %u has no name", id);
        return XLNUMA_ERROR_INVAL;
    }
    for (unsigned i = 0; i < h->nr_pools; i++) {
        if (h->pools[i].id == id || !strcmp(h->pools[i].name, name)) {
            LOG(ERROR, "cpupool %u (%s) described twice", id, name);
            return XLNUMA_ERROR_INCONSISTENT;
        }
    }
    memset(&np, 0, sizeof(np));
    np.id = id;
    xlnuma_bitmap_init(&np.cpus);
    np.name = strdup(name);
    np.sched = sched ? strdup(sched) : NULL;
    if (!np.name || (sched && !np.sched) ||
        (cpus && xlnuma_bitmap_copy(&np.cpus, cpus))) {
        pool_dispose(&np);
        return XLNUMA_ERROR_NOMEM;
    }
    p = grow_array(h->pools, h->cap_pools, h->nr_pools + 1, sizeof(*p),
                   &cap);
    if (!p) {
        pool_dispose(&np);
        return XLNUMA_ERROR_NOMEM;
    }
    h->pools = p;
    h->cap_pools = cap;
    h->pools[h->nr_pools++] = np;
    return 0;
}

/* ---- domains ---- */

int xlnuma_host_add_domain(xlnuma_ctx *ctx, xlnuma_host *h, xlnuma_domain *d)
{
    xlnuma_domain *nd;
    unsigned cap;
    int rc;

    rc = check_building(ctx, h);
    if (rc)
        return rc;
    if (h->nr_domains >= XLNUMA_MAX_DOMAINS) {
        LOG(ERROR, "more than %u domains", XLNUMA_MAX_DOMAINS);
        return XLNUMA_ERROR_RANGE;
    }
    if (d->nr_vcpus > XLNUMA_MAX_VCPUS) {
        LOG(ERROR, "domain %s: %u vCPUs is more than Xen allows (%u)",
            d->name ? d->name : "?", d->nr_vcpus, XLNUMA_MAX_VCPUS);
        return XLNUMA_ERROR_RANGE;
    }
    if (d->mem_kib > XLNUMA_MAX_KIB) {
        LOG(ERROR, "domain %s: memory %" PRIu64 " KiB is absurd",
            d->name ? d->name : "?", d->mem_kib);
        return XLNUMA_ERROR_RANGE;
    }
    nd = grow_array(h->domains, h->cap_domains, h->nr_domains + 1,
                    sizeof(*nd), &cap);
    if (!nd)
        return XLNUMA_ERROR_NOMEM;
    h->domains = nd;
    h->cap_domains = cap;
    h->domains[h->nr_domains++] = *d;
    xlnuma_domain_init(d);
    return 0;
}

int xlnuma_host_remove_domain(xlnuma_ctx *ctx, xlnuma_host *h,
                              const char *name)
{
    int rc = check_building(ctx, h);

    if (rc)
        return rc;
    for (unsigned i = 0; i < h->nr_domains; i++) {
        if (h->domains[i].name && !strcmp(h->domains[i].name, name)) {
            xlnuma_domain_dispose(&h->domains[i]);
            memmove(&h->domains[i], &h->domains[i + 1],
                    (h->nr_domains - i - 1) * sizeof(h->domains[0]));
            h->nr_domains--;
            return 0;
        }
    }
    LOG(ERROR, "no domain named \"%s\"", name);
    return XLNUMA_ERROR_NOTFOUND;
}

int xlnuma_host_take_memory(xlnuma_ctx *ctx, xlnuma_host *h, unsigned node,
                            uint64_t kib)
{
    int rc = check_building(ctx, h);

    if (rc)
        return rc;
    if (node >= h->nr_nodes) {
        LOG(ERROR, "node %u: no such node", node);
        return XLNUMA_ERROR_INVAL;
    }
    if (h->nodes[node].memfree_kib < kib) {
        LOG(ERROR, "node %u: taking %" PRIu64 " KiB but only %" PRIu64
            " KiB are free", node, kib, h->nodes[node].memfree_kib);
        return XLNUMA_ERROR_RANGE;
    }
    h->nodes[node].memfree_kib -= kib;
    if (h->nodes[node].dmafree_kib > h->nodes[node].memfree_kib)
        h->nodes[node].dmafree_kib = h->nodes[node].memfree_kib;
    return 0;
}

int xlnuma_host_give_memory(xlnuma_ctx *ctx, xlnuma_host *h, unsigned node,
                            uint64_t kib)
{
    int rc = check_building(ctx, h);
    uint64_t nf;

    if (rc)
        return rc;
    if (node >= h->nr_nodes) {
        LOG(ERROR, "node %u: no such node", node);
        return XLNUMA_ERROR_INVAL;
    }
    if (!xlnuma__add_u64(h->nodes[node].memfree_kib, kib, &nf) ||
        nf > h->nodes[node].memsize_kib) {
        LOG(ERROR, "node %u: giving back %" PRIu64 " KiB would exceed its "
            "size %" PRIu64 " KiB", node, kib, h->nodes[node].memsize_kib);
        return XLNUMA_ERROR_RANGE;
    }
    h->nodes[node].memfree_kib = nf;
    return 0;
}

/* ---- finish: the invariants ---- */

static int finish_distances(xlnuma_ctx *ctx, xlnuma_host *h)
{
    unsigned n = h->nr_nodes, given = 0;
    unsigned *m;

    for (unsigned i = 0; i < h->dist_cap; i++)
        for (unsigned j = 0; j < h->dist_cap; j++)
            if (h->dist[(size_t)i * h->dist_cap + j]) {
                if (i >= n || j >= n) {
                    LOG(ERROR, "distance %u->%u names a node beyond the "
                        "%u described", i, j, n);
                    return XLNUMA_ERROR_INCONSISTENT;
                }
                given++;
            }
    m = calloc((size_t)n * n, sizeof(*m));
    if (!m)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < n; j++) {
            unsigned d = 0;

            if (given)
                d = h->dist[(size_t)i * h->dist_cap + j];
            else
                d = i == j ? 10 : 20;  /* no SLIT: Linux's defaults */
            m[(size_t)i * n + j] = d;
        }
    /* Nodes that a source described must have complete rows, local the
     * smallest entry.  Undescribed filler nodes may stay unknown. */
    for (unsigned i = 0; i < n; i++) {
        if (!h->node_described[i])
            continue;
        for (unsigned j = 0; j < n; j++) {
            unsigned d = m[(size_t)i * n + j];

            if (!h->node_described[j])
                continue;
            if (d == XLNUMA_DISTANCE_UNKNOWN) {
                LOG(ERROR, "distance %u->%u missing from the SLIT", i, j);
                free(m);
                return XLNUMA_ERROR_INCONSISTENT;
            }
            if (d < m[(size_t)i * n + i]) {
                LOG(ERROR, "distance %u->%u (%u) is smaller than local "
                    "distance %u->%u (%u)", i, j, d, i, i,
                    m[(size_t)i * n + i]);
                free(m);
                return XLNUMA_ERROR_INCONSISTENT;
            }
        }
    }
    free(h->dist);
    h->dist = m;
    h->dist_cap = n;
    for (unsigned i = 0; i < n; i++)
        h->nodes[i].distance = m + (size_t)i * n;
    return 0;
}

static int check_map(xlnuma_ctx *ctx, const xlnuma_bitmap *b, unsigned limit,
                     const char *what, const char *owner)
{
    int last = xlnuma__bitmap_last(b);

    if (last >= (int)limit) {
        LOG(ERROR, "%s: %s names %d, but the host has only %u", owner,
            what, last, limit);
        return XLNUMA_ERROR_INCONSISTENT;
    }
    return 0;
}

static int finish_domains(xlnuma_ctx *ctx, xlnuma_host *h)
{
    int rc;

    for (unsigned i = 0; i < h->nr_domains; i++) {
        xlnuma_domain *d = &h->domains[i];
        const char *nm = d->name ? d->name : "(unnamed)";

        for (unsigned j = 0; j < i; j++) {
            if (h->domains[j].domid == d->domid) {
                LOG(ERROR, "domain id %u appears twice (%s, %s)", d->domid,
                    h->domains[j].name ? h->domains[j].name : "?", nm);
                return XLNUMA_ERROR_INCONSISTENT;
            }
            if (d->name && h->domains[j].name &&
                !strcmp(d->name, h->domains[j].name)) {
                LOG(ERROR, "domain name %s appears twice", nm);
                return XLNUMA_ERROR_INCONSISTENT;
            }
        }
        if (!xlnuma_host_pool_by_id(h, d->pool)) {
            LOG(ERROR, "domain %s is in cpupool %u, which does not exist",
                nm, d->pool);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        rc = check_map(ctx, &d->node_affinity, h->nr_nodes,
                       "node affinity", nm);
        if (rc)
            return rc;
        if (d->pages_per_node && d->nr_pages > h->nr_nodes) {
            LOG(ERROR, "domain %s: pages on %u nodes, host has %u", nm,
                d->nr_pages, h->nr_nodes);
            return XLNUMA_ERROR_INCONSISTENT;
        }
        for (unsigned v = 0; v < d->nr_vcpus; v++) {
            xlnuma_vcpu *vc = &d->vcpus[v];

            rc = check_map(ctx, &vc->hard, h->nr_cpus, "hard affinity", nm);
            if (!rc)
                rc = check_map(ctx, &vc->soft, h->nr_cpus, "soft affinity",
                               nm);
            if (rc)
                return rc;
            if (vc->cpu >= (int)h->nr_cpus) {
                LOG(ERROR, "domain %s: vCPU %u runs on cpu %d, but the host "
                    "has %u", nm, v, vc->cpu, h->nr_cpus);
                return XLNUMA_ERROR_INCONSISTENT;
            }
        }
    }
    return 0;
}

/* Intern the vCPUs' hard affinities (see xlnuma_internal.h). */
/* Over the bytes up to the last one set: equal maps of different widths
 * hash alike. */
static uint64_t map_hash(const xlnuma_bitmap *b)
{
    uint64_t hsh = 1469598103934665603ULL;
    unsigned nb = xlnuma__bitmap_used_bytes(b);

    for (unsigned i = 0; i < nb; i++)
        hsh = (hsh ^ b->map[i]) * 1099511628211ULL;
    return hsh ^ nb;
}

static void free_summaries(xlnuma_host *h)
{
    free(h->dom_pool);
    free(h->dom_aff0);
    free(h->dom_aff);
    free(h->dom_run0);
    free(h->run_hard);
    free(h->run_len);
    free(h->hard_node0);
    free(h->hard_node);
    h->dom_pool = h->dom_aff0 = h->dom_aff = h->dom_run0 = NULL;
    h->run_hard = h->run_len = h->hard_node0 = h->hard_node = NULL;
}

static int uint_cmp(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

    return x < y ? -1 : x > y;
}

/* The nodes of each distinct hard affinity's online cpus, ascending, in
 * one pass over each map: a node is listed when first met and unmarked
 * from the list afterwards. */
static int finish_hard_nodes(xlnuma_host *h)
{
    unsigned nhn = 0, cap = 64, *list;
    bool *seen = calloc(h->nr_nodes ? h->nr_nodes : 1, sizeof(*seen));

    h->hard_node0 = malloc((h->nr_hard + 1) * sizeof(*h->hard_node0));
    list = malloc(cap * sizeof(*list));
    if (!seen || !h->hard_node0 || !list) {
        free(seen);
        free(list);
        return XLNUMA_ERROR_NOMEM;
    }
    for (unsigned id = 0; id < h->nr_hard; id++) {
        unsigned start = nhn;

        h->hard_node0[id] = nhn;
        xlnuma_bitmap_for_each(c, h->hard_rep[id]) {
            int node;

            if ((unsigned)c >= h->nr_cpus)
                break;
            node = h->cpus[c].node;
            if (!h->cpus[c].online || node < 0 || seen[node])
                continue;
            if (nhn == cap) {
                unsigned *nl = realloc(list, 2 * cap * sizeof(*nl));

                if (!nl) {
                    free(seen);
                    free(list);
                    return XLNUMA_ERROR_NOMEM;
                }
                list = nl;
                cap *= 2;
            }
            seen[node] = true;
            list[nhn++] = (unsigned)node;
        }
        for (unsigned j = start; j < nhn; j++)
            seen[list[j]] = false;
        qsort(list + start, nhn - start, sizeof(*list), uint_cmp);
    }
    h->hard_node0[h->nr_hard] = nhn;
    h->hard_node = list;
    free(seen);
    return 0;
}

/* The flat arrays of struct xlnuma_host for load.c, after intern_hard. */
static int finish_summaries(xlnuma_host *h)
{
    unsigned nd = h->nr_domains, naff = 0, nrun = 0;
    int rc;

    free_summaries(h);
    for (unsigned d = 0; d < nd; d++) {
        const xlnuma_domain *dom = &h->domains[d];
        const unsigned *hv = &h->vcpu_hard[h->dom_vcpu0[d]];

        naff += xlnuma_bitmap_count(&dom->node_affinity);
        for (unsigned v = 0; v < dom->nr_vcpus; v++)
            nrun += !v || hv[v] != hv[v - 1];
    }
    h->dom_pool = malloc((nd ? nd : 1) * sizeof(*h->dom_pool));
    h->dom_aff0 = malloc((nd + 1) * sizeof(*h->dom_aff0));
    h->dom_aff = malloc((naff ? naff : 1) * sizeof(*h->dom_aff));
    h->dom_run0 = malloc((nd + 1) * sizeof(*h->dom_run0));
    h->run_hard = malloc((nrun ? nrun : 1) * sizeof(*h->run_hard));
    h->run_len = malloc((nrun ? nrun : 1) * sizeof(*h->run_len));
    if (!h->dom_pool || !h->dom_aff0 || !h->dom_aff || !h->dom_run0 ||
        !h->run_hard || !h->run_len) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    naff = nrun = 0;
    for (unsigned d = 0; d < nd; d++) {
        const xlnuma_domain *dom = &h->domains[d];
        const unsigned *hv = &h->vcpu_hard[h->dom_vcpu0[d]];
        unsigned p;

        for (p = 0; p < h->nr_pools && h->pools[p].id != dom->pool; p++)
            ;
        h->dom_pool[d] = p < h->nr_pools ? p : UINT32_MAX;
        h->dom_aff0[d] = naff;
        xlnuma_bitmap_for_each(n, &dom->node_affinity)
            h->dom_aff[naff++] = (unsigned)n;
        h->dom_run0[d] = nrun;
        for (unsigned v = 0; v < dom->nr_vcpus; v++) {
            if (!v || hv[v] != hv[v - 1]) {
                h->run_hard[nrun] = hv[v];
                h->run_len[nrun++] = 0;
            }
            h->run_len[nrun - 1]++;
        }
    }
    h->dom_aff0[nd] = naff;
    h->dom_run0[nd] = nrun;
    rc = finish_hard_nodes(h);
 out:
    if (rc)
        free_summaries(h);
    return rc;
}

static int intern_hard(xlnuma_host *h)
{
    unsigned total = 0, nslot = 16, *slot = NULL;
    uint64_t *hashes = NULL;
    int rc;

    free(h->hard_rep);
    free(h->dom_vcpu0);
    free(h->vcpu_hard);
    h->hard_rep = NULL;
    h->vcpu_hard = NULL;
    h->nr_hard = 0;
    h->dom_vcpu0 = calloc(h->nr_domains ? h->nr_domains : 1,
                          sizeof(*h->dom_vcpu0));
    if (!h->dom_vcpu0)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned d = 0; d < h->nr_domains; d++) {
        h->dom_vcpu0[d] = total;
        total += h->domains[d].nr_vcpus;
    }
    while (nslot < total * 2)
        nslot *= 2;
    h->vcpu_hard = calloc(total ? total : 1, sizeof(*h->vcpu_hard));
    h->hard_rep = calloc(total ? total : 1, sizeof(*h->hard_rep));
    hashes = calloc(total ? total : 1, sizeof(*hashes));
    slot = calloc(nslot, sizeof(*slot));
    if (!h->vcpu_hard || !h->hard_rep || !hashes || !slot) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    for (unsigned d = 0; d < h->nr_domains; d++)
        for (unsigned v = 0; v < h->domains[d].nr_vcpus; v++) {
            const xlnuma_bitmap *b = &h->domains[d].vcpus[v].hard;
            uint64_t hsh = map_hash(b);
            unsigned pos = (unsigned)(hsh & (nslot - 1)), id = UINT32_MAX;

            while (slot[pos]) {
                unsigned cand = slot[pos] - 1;

                if (hashes[cand] == hsh &&
                    xlnuma_bitmap_equal(h->hard_rep[cand], b)) {
                    id = cand;
                    break;
                }
                pos = (pos + 1) & (nslot - 1);
            }
            if (id == UINT32_MAX) {
                id = h->nr_hard++;
                h->hard_rep[id] = b;
                hashes[id] = hsh;
                slot[pos] = id + 1;
            }
            h->vcpu_hard[h->dom_vcpu0[d] + v] = id;
        }
    rc = 0;
 out:
    free(hashes);
    free(slot);
    return rc;
}

/* Dense core ids of the online cpus (struct xlnuma_host), by an open
 * hash on (socket, core). */
static int finish_core_ids(xlnuma_host *h)
{
    unsigned nslot = 2, *slot, *core, n = 0;

    while (nslot < 2 * h->nr_cpus + 2)
        nslot *= 2;
    slot = calloc(nslot, sizeof(*slot));      /* cpu + 1; 0 empty */
    core = malloc((h->nr_cpus ? h->nr_cpus : 1) * sizeof(*core));
    if (!slot || !core) {
        free(slot);
        free(core);
        return XLNUMA_ERROR_NOMEM;
    }
    for (unsigned c = 0; c < h->nr_cpus; c++) {
        const xlnuma_cpu *cp = &h->cpus[c];
        uint64_t key;
        unsigned pos;

        core[c] = UINT32_MAX;
        if (!cp->online || cp->node < 0)
            continue;
        if (cp->core < 0) {
            core[c] = n++;
            continue;
        }
        key = ((uint64_t)(uint32_t)cp->socket << 32) | (uint32_t)cp->core;
        pos = (unsigned)((key * 0x9E3779B97F4A7C15ULL) >> 33) & (nslot - 1);
        while (slot[pos]) {
            const xlnuma_cpu *o = &h->cpus[slot[pos] - 1];

            if (o->socket == cp->socket && o->core == cp->core)
                break;
            pos = (pos + 1) & (nslot - 1);
        }
        if (slot[pos]) {
            core[c] = core[slot[pos] - 1];
        } else {
            slot[pos] = c + 1;
            core[c] = n++;
        }
    }
    free(slot);
    free(h->cpu_core);
    h->cpu_core = core;
    h->nr_core_ids = n;
    return 0;
}

/* The per-node lists of online pCPUs, from the cpus' nodes (counting
 * sort: ascending cpu ids within each node), and the cpus' core ids. */
static int finish_node_cpus(xlnuma_host *h)
{
    unsigned *c0, *list, total = 0;

    c0 = calloc(h->nr_nodes + 1, sizeof(*c0));
    if (!c0)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned c = 0; c < h->nr_cpus; c++)
        if (h->cpus[c].online && h->cpus[c].node >= 0) {
            c0[h->cpus[c].node + 1]++;
            total++;
        }
    list = malloc((total ? total : 1) * sizeof(*list));
    if (!list) {
        free(c0);
        return XLNUMA_ERROR_NOMEM;
    }
    for (unsigned n = 0; n < h->nr_nodes; n++)
        c0[n + 1] += c0[n];
    for (unsigned c = 0; c < h->nr_cpus; c++)
        if (h->cpus[c].online && h->cpus[c].node >= 0)
            list[c0[h->cpus[c].node]++] = c;
    /* c0[n] now ends node n: shift back to starts. */
    for (unsigned n = h->nr_nodes; n > 0; n--)
        c0[n] = c0[n - 1];
    c0[0] = 0;
    free(h->node_cpu0);
    free(h->node_cpu);
    h->node_cpu0 = c0;
    h->node_cpu = list;
    return finish_core_ids(h);
}

int xlnuma_host_finish(xlnuma_ctx *ctx, xlnuma_host *h)
{
    xlnuma_bitmap all;
    int rc;

    xlnuma_bitmap_init(&all);
    rc = check_building(ctx, h);
    if (rc)
        goto out;
    if (!h->nr_nodes) {
        LOG(ERROR, "the host has no NUMA node");
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    }
    for (unsigned i = 0; i < h->nr_nodes; i++) {
        xlnuma_node *n = &h->nodes[i];

        xlnuma_bitmap_clear(&n->cpus);
        if (n->memfree_kib > n->memsize_kib) {
            LOG(ERROR, "node %u: free memory %" PRIu64 " KiB exceeds its "
                "size %" PRIu64 " KiB", i, n->memfree_kib, n->memsize_kib);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        if (n->dmafree_kib > n->memfree_kib) {
            LOG(ERROR, "node %u: DMA-zone free memory %" PRIu64 " KiB "
                "exceeds its free memory %" PRIu64 " KiB", i,
                n->dmafree_kib, n->memfree_kib);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
    }
    rc = finish_distances(ctx, h);
    if (rc)
        goto out;
    for (unsigned c = 0; c < h->nr_cpus; c++) {
        xlnuma_cpu *cpu = &h->cpus[c];

        if (!cpu->online)
            continue;
        if (cpu->node >= (int)h->nr_nodes || !h->node_described[cpu->node]) {
            LOG(ERROR, "cpu %u is on node %d, which is not described", c,
                cpu->node);
            rc = XLNUMA_ERROR_INCONSISTENT;
            goto out;
        }
        rc = xlnuma_bitmap_set(&h->nodes[cpu->node].cpus, c);
        if (rc)
            goto out;
        rc = xlnuma_bitmap_set(&all, c);
        if (rc)
            goto out;
    }
    if (xlnuma_bitmap_is_empty(&all)) {
        LOG(ERROR, "the host has no online cpu");
        rc = XLNUMA_ERROR_INCONSISTENT;
        goto out;
    }
    rc = finish_node_cpus(h);
    if (rc)
        goto out;
    if (!h->nr_pools) {
        h->finished = false;
        rc = xlnuma_host_add_pool(ctx, h, 0, "Pool-0", NULL, &all);
        if (rc)
            goto out;
    }
    for (unsigned p = 0; p < h->nr_pools; p++) {
        xlnuma_pool *pool = &h->pools[p];

        xlnuma_bitmap_for_each(c, &pool->cpus) {
            if (!xlnuma_bitmap_test(&all, (unsigned)c)) {
                LOG(ERROR, "cpupool %s holds cpu %d, which is offline or "
                    "absent", pool->name, c);
                rc = XLNUMA_ERROR_INCONSISTENT;
                goto out;
            }
            for (unsigned q = 0; q < p; q++)
                if (xlnuma_bitmap_test(&h->pools[q].cpus, (unsigned)c)) {
                    LOG(ERROR, "cpu %d is in cpupools %s and %s", c,
                        h->pools[q].name, pool->name);
                    rc = XLNUMA_ERROR_INCONSISTENT;
                    goto out;
                }
        }
    }
    rc = finish_domains(ctx, h);
    if (rc)
        goto out;
    rc = intern_hard(h);
    if (!rc)
        rc = finish_summaries(h);
    if (rc)
        goto out;
    h->finished = true;
 out:
    xlnuma_bitmap_dispose(&all);
    return rc;
}

/* ---- readers ---- */

unsigned xlnuma_host_nr_nodes(const xlnuma_host *h)
{
    return h->nr_nodes;
}

const xlnuma_node *xlnuma_host_node(const xlnuma_host *h, unsigned id)
{
    return id < h->nr_nodes ? &h->nodes[id] : NULL;
}

unsigned xlnuma_host_nr_cpus(const xlnuma_host *h)
{
    return h->nr_cpus;
}

const xlnuma_cpu *xlnuma_host_cpu(const xlnuma_host *h, unsigned id)
{
    return id < h->nr_cpus ? &h->cpus[id] : NULL;
}

unsigned xlnuma_host_nr_pools(const xlnuma_host *h)
{
    return h->nr_pools;
}

const xlnuma_pool *xlnuma_host_pool(const xlnuma_host *h, unsigned idx)
{
    return idx < h->nr_pools ? &h->pools[idx] : NULL;
}

const xlnuma_pool *xlnuma_host_pool_by_id(const xlnuma_host *h, unsigned id)
{
    for (unsigned i = 0; i < h->nr_pools; i++)
        if (h->pools[i].id == id)
            return &h->pools[i];
    return NULL;
}

const xlnuma_pool *xlnuma_host_pool_by_name(const xlnuma_host *h,
                                            const char *name)
{
    for (unsigned i = 0; i < h->nr_pools; i++)
        if (!strcmp(h->pools[i].name, name))
            return &h->pools[i];
    return NULL;
}

unsigned xlnuma_host_nr_domains(const xlnuma_host *h)
{
    return h->nr_domains;
}

const xlnuma_domain *xlnuma_host_domain(const xlnuma_host *h, unsigned idx)
{
    return idx < h->nr_domains ? &h->domains[idx] : NULL;
}

const xlnuma_domain *xlnuma_host_domain_by_name(const xlnuma_host *h,
                                                const char *name)
{
    for (unsigned i = 0; i < h->nr_domains; i++)
        if (h->domains[i].name && !strcmp(h->domains[i].name, name))
            return &h->domains[i];
    return NULL;
}

bool xlnuma_host_dma_known(const xlnuma_host *h)
{
    return h->dma_known;
}

unsigned xlnuma_host_dma_bits(const xlnuma_host *h)
{
    return h->dma_bits;
}

int xlnuma_host_cpus_to_nodes(const xlnuma_host *h, const xlnuma_bitmap *cpus,
                              xlnuma_bitmap *nodes_r)
{
    int rc;

    rc = xlnuma_bitmap_resize(nodes_r, h->nr_nodes);
    if (rc)
        return rc;
    xlnuma_bitmap_clear(nodes_r);
    xlnuma_bitmap_for_each(c, cpus) {
        if ((unsigned)c >= h->nr_cpus)
            break;
        if (h->cpus[c].online && h->cpus[c].node >= 0)
            xlnuma_bitmap_set(nodes_r, (unsigned)h->cpus[c].node);
    }
    return 0;
}

int xlnuma_host_nodes_to_cpus(const xlnuma_host *h,
                              const xlnuma_bitmap *nodes,
                              xlnuma_bitmap *cpus_r)
{
    int rc;

    rc = xlnuma_bitmap_resize(cpus_r, h->nr_cpus);
    if (rc)
        return rc;
    xlnuma_bitmap_clear(cpus_r);
    xlnuma_bitmap_for_each(n, nodes) {
        if ((unsigned)n >= h->nr_nodes)
            break;
        if (!h->finished) {
            rc = xlnuma_bitmap_or(cpus_r, &h->nodes[n].cpus);
            if (rc)
                return rc;
            continue;
        }
        for (unsigned j = h->node_cpu0[n]; j < h->node_cpu0[n + 1]; j++) {
            rc = xlnuma_bitmap_set(cpus_r, h->node_cpu[j]);
            if (rc)
                return rc;
        }
    }
    return 0;
}

/* ---- dup ---- */

static int dup_domain(xlnuma_domain *dst, const xlnuma_domain *src)
{
    *dst = *src;
    dst->name = NULL;
    dst->vcpus = NULL;
    dst->pages_per_node = NULL;
    xlnuma_bitmap_init(&dst->node_affinity);
    dst->nr_vcpus = 0;
    if (src->name && !(dst->name = strdup(src->name)))
        return XLNUMA_ERROR_NOMEM;
    if (xlnuma_bitmap_copy(&dst->node_affinity, &src->node_affinity))
        return XLNUMA_ERROR_NOMEM;
    if (src->pages_per_node && src->nr_pages) {
        dst->pages_per_node = malloc(src->nr_pages * sizeof(uint64_t));
        if (!dst->pages_per_node)
            return XLNUMA_ERROR_NOMEM;
        memcpy(dst->pages_per_node, src->pages_per_node,
               src->nr_pages * sizeof(uint64_t));
    }
    if (src->nr_vcpus) {
        dst->vcpus = calloc(src->nr_vcpus, sizeof(*dst->vcpus));
        if (!dst->vcpus)
            return XLNUMA_ERROR_NOMEM;
    }
    for (unsigned v = 0; v < src->nr_vcpus; v++) {
        xlnuma_vcpu_init(&dst->vcpus[v]);
        dst->nr_vcpus = v + 1;
        dst->vcpus[v].id = src->vcpus[v].id;
        dst->vcpus[v].cpu = src->vcpus[v].cpu;
        dst->vcpus[v].online = src->vcpus[v].online;
        if (xlnuma_bitmap_copy(&dst->vcpus[v].hard, &src->vcpus[v].hard) ||
            xlnuma_bitmap_copy(&dst->vcpus[v].soft, &src->vcpus[v].soft))
            return XLNUMA_ERROR_NOMEM;
    }
    return 0;
}

int xlnuma_host_dup(xlnuma_ctx *ctx, const xlnuma_host *h,
                    xlnuma_host **copy_r)
{
    xlnuma_host *c = NULL;
    int rc;

    rc = xlnuma_host_alloc(ctx, &c);
    if (rc)
        goto out;
    for (unsigned i = 0; i < h->nr_nodes; i++) {
        const xlnuma_node *n = &h->nodes[i];

        if (!h->node_described[i]) {
            rc = grow_nodes(c, i + 1);
            if (rc)
                goto out;
            continue;
        }
        rc = xlnuma_host_add_node(ctx, c, i, n->memsize_kib, n->memfree_kib);
        if (rc)
            goto out;
        c->nodes[i].dmafree_kib = n->dmafree_kib;
    }
    c->dma_known = h->dma_known;
    c->dma_bits = h->dma_bits;
    for (unsigned i = 0; i < h->nr_nodes; i++)
        for (unsigned j = 0; j < h->nr_nodes; j++) {
            unsigned d = h->finished ? h->nodes[i].distance[j]
                : (i < h->dist_cap && j < h->dist_cap
                   ? h->dist[(size_t)i * h->dist_cap + j] : 0);

            if (!d)
                continue;
            rc = xlnuma_host_set_distance(ctx, c, i, j, d);
            if (rc)
                goto out;
        }
    for (unsigned i = 0; i < h->nr_cpus; i++) {
        const xlnuma_cpu *cpu = &h->cpus[i];

        if (!h->cpu_described[i])
            continue;
        rc = xlnuma_host_add_cpu(ctx, c, i, cpu->core, cpu->socket,
                                 cpu->online ? cpu->node : XLNUMA_NO_NODE);
        if (rc)
            goto out;
    }
    for (unsigned i = 0; i < h->nr_pools; i++) {
        rc = xlnuma_host_add_pool(ctx, c, h->pools[i].id, h->pools[i].name,
                                  h->pools[i].sched, &h->pools[i].cpus);
        if (rc)
            goto out;
    }
    for (unsigned i = 0; i < h->nr_domains; i++) {
        xlnuma_domain d;

        rc = dup_domain(&d, &h->domains[i]);
        if (!rc)
            rc = xlnuma_host_add_domain(ctx, c, &d);
        xlnuma_domain_dispose(&d);
        if (rc)
            goto out;
    }
    *copy_r = c;
    c = NULL;
    rc = 0;
 out:
    xlnuma_host_free(c);
    return rc;
}
