/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_placement_cases.c: the placement semantics worked by hand.
 *
 * Every row's answer was computed by hand from the normative semantics;
 * the working is in the comment above the row.  The same table is run
 * twice, in two TCases: against the brute-force reference
 * (tests/reference.c) and against the engine (xlnuma_place), so a
 * failure says which side is wrong.  Memory is in KiB throughout; G is
 * a GiB, M a MiB, T a TiB.  "distance" is the sum of SLIT entries over
 * ordered pairs, so a 2-node set at SLIT 20 has distance 40.
 */
#include <stdlib.h>
#include <string.h>

#include "reference.h"
#include "testutil.h"

#define M MIB
#define G GIB
#define T TIB
#define MAXN 8

/* ---- hosts, as data ---- */

struct hdom {
    uint32_t domid;
    const char *name;
    unsigned pool;
    unsigned vcpus;
    const char *hard;           /* NULL: every cpu of the host */
    const char *nodes;          /* node affinity; NULL: empty (all) */
    const char *offline;        /* vCPU ids that are offline; NULL none */
};

struct hpool {
    unsigned id;
    const char *name;
    const char *cpus;           /* "" for an empty pool */
};

struct hspec {
    unsigned nr_nodes;
    unsigned cpus[MAXN];        /* online cpus per node */
    unsigned threads;           /* per core; 0 means 1 */
    /* Every node in socket 0, core ids restarting at 0 on each node (as
     * some multi-node packages report them): cores of different nodes
     * share their (socket, core) pair. */
    bool one_socket;
    uint64_t size[MAXN];
    uint64_t free[MAXN];
    uint64_t dma[MAXN];         /* set on every node when dma_known */
    bool dma_known;
    const unsigned *slit;       /* nr_nodes^2; NULL: 10 local, 20 remote */
    struct hpool pools[3];
    unsigned nr_pools;          /* 0: the default Pool-0 */
    struct hdom doms[3];
    unsigned nr_doms;
};

/* 4 nodes x 4 cpus, 16G each; free 8G, 12G, 9G, 8G. */
static const struct hspec h4 = {
    .nr_nodes = 4, .cpus = { 4, 4, 4, 4 },
    .size = { 16 * G, 16 * G, 16 * G, 16 * G },
    .free = { 8 * G, 12 * G, 9 * G, 8 * G },
};

/* h4 plus a domain "busy" with 3 vCPUs pinned to node 1 (cpus 4-7):
 * per-node loads 0, 3, 0, 0. */
static const struct hspec h4busy = {
    .nr_nodes = 4, .cpus = { 4, 4, 4, 4 },
    .size = { 16 * G, 16 * G, 16 * G, 16 * G },
    .free = { 8 * G, 12 * G, 9 * G, 8 * G },
    .doms = { { 1, "busy", 0, 3, "4-7", NULL, NULL } }, .nr_doms = 1,
};

/* 4 nodes x 4 cpus, 8G free each: everything ties. */
static const struct hspec h4eq = {
    .nr_nodes = 4, .cpus = { 4, 4, 4, 4 },
    .size = { 16 * G, 16 * G, 16 * G, 16 * G },
    .free = { 8 * G, 8 * G, 8 * G, 8 * G },
};

/* Node 1 holds memory but no cpu. */
static const struct hspec hmemonly = {
    .nr_nodes = 3, .cpus = { 2, 0, 2 },
    .size = { 2 * G, 64 * G, 2 * G },
    .free = { 1 * G, 64 * G, 1 * G },
};

/* Pools: Pool-0 = cpus 0-5 (node 0 and half of node 1), web = 6-15
 * (the rest of node 1, nodes 2 and 3), empty = nothing.  Domain-0 (4
 * vCPUs, all cpus) lives in Pool-0; "w" (2 vCPUs, all cpus, node
 * affinity 3) in web. */
static const struct hspec hpools = {
    .nr_nodes = 4, .cpus = { 4, 4, 4, 4 },
    .size = { 64 * G, 64 * G, 64 * G, 64 * G },
    .free = { 32 * G, 32 * G, 8 * G, 16 * G },
    .pools = { { 0, "Pool-0", "0-5" }, { 1, "web", "6-15" },
               { 2, "empty", "" } },
    .nr_pools = 3,
    .doms = { { 0, "Domain-0", 0, 4, NULL, NULL, NULL },
              { 5, "w", 1, 2, NULL, "3", NULL } },
    .nr_doms = 2,
};

/* Only pools 1 and 2: there is no Pool-0 for pool = -1. */
static const struct hspec hnopool0 = {
    .nr_nodes = 2, .cpus = { 2, 2 },
    .size = { 8 * G, 8 * G }, .free = { 4 * G, 4 * G },
    .pools = { { 1, "a", "0-1" }, { 2, "b", "2-3" } }, .nr_pools = 2,
};

static const struct hspec h1 = {
    .nr_nodes = 1, .cpus = { 4 }, .size = { 16 * G }, .free = { 8 * G },
};

/* 3T + 3T: a 32-bit KiB sum of the pair wraps to 2T. */
static const struct hspec h2huge = {
    .nr_nodes = 2, .cpus = { 2, 2 },
    .size = { 4 * T, 4 * T }, .free = { 3 * T, 3 * T },
};

/* 1G and 2T+1G: as an int, the KiB difference is -2^31. */
static const struct hspec h2cmp = {
    .nr_nodes = 2, .cpus = { 2, 2 },
    .size = { 4 * T, 4 * T }, .free = { 1 * G, 2 * T + 1 * G },
};

/* 4T+8G and 4T+16G: each wraps 32 bits on its own. */
static const struct hspec h2big4 = {
    .nr_nodes = 2, .cpus = { 2, 2 },
    .size = { 8 * T, 8 * T }, .free = { 4 * T + 8 * G, 4 * T + 16 * G },
};

/* 4 nodes of 2^41 KiB free (2 PiB): sums pass 2^42 KiB. */
static const struct hspec h4peta = {
    .nr_nodes = 4, .cpus = { 1, 1, 1, 1 },
    .size = { 1ull << 42, 1ull << 42, 1ull << 42, 1ull << 42 },
    .free = { 1ull << 41, 1ull << 41, 1ull << 41, 1ull << 41 },
};

/* HP DL980 as in /work/shared/hosts/seed-dl980/numactl-H.txt: 8 nodes x
 * 10 cpus; sizes and free in MB from numactl (x 1024 = KiB). */
static const unsigned dl980_slit[64] = {
    10, 12, 17, 17, 19, 19, 19, 19,
    12, 10, 17, 17, 19, 19, 19, 19,
    17, 17, 10, 12, 19, 19, 19, 19,
    17, 17, 12, 10, 19, 19, 19, 19,
    19, 19, 19, 19, 10, 12, 17, 17,
    19, 19, 19, 19, 12, 10, 17, 17,
    19, 19, 19, 19, 17, 17, 10, 12,
    19, 19, 19, 19, 17, 17, 12, 10,
};

#define DL980_NODES                                                      \
    .nr_nodes = 8, .cpus = { 10, 10, 10, 10, 10, 10, 10, 10 },           \
    .size = { 16373 * M, 16384 * M, 16384 * M, 16384 * M,                \
              16384 * M, 16384 * M, 16384 * M, 16384 * M },              \
    .free = { 15837 * M, 15965 * M, 15912 * M, 15890 * M,               \
              15950 * M, 15871 * M, 15923 * M, 14665 * M },              \
    .slit = dl980_slit

static const struct hspec dl980 = { DL980_NODES };

/* The DL980 with a Domain-0 of 8 vCPUs on every cpu: 8 on every node. */
static const struct hspec dl980dom0 = {
    DL980_NODES,
    .doms = { { 0, "Domain-0", 0, 8, NULL, NULL, NULL } }, .nr_doms = 1,
};

/* 2 x 4 cpus, 16G each, 8G free each. */
static const struct hspec h2hr = {
    .nr_nodes = 2, .cpus = { 4, 4 },
    .size = { 16 * G, 16 * G }, .free = { 8 * G, 8 * G },
};

/* 2 nodes x 2 cores x 2 threads. */
static const struct hspec h2smt = {
    .nr_nodes = 2, .cpus = { 4, 4 }, .threads = 2,
    .size = { 16 * G, 16 * G }, .free = { 8 * G, 8 * G },
};

/* 2 nodes x 1 core x 2 threads, both cores reported as socket 0 core
 * 0: one distinct (socket, core) pair on the whole host. */
static const struct hspec h2shared = {
    .nr_nodes = 2, .cpus = { 2, 2 }, .threads = 2, .one_socket = true,
    .size = { 16 * G, 16 * G }, .free = { 8 * G, 8 * G },
};

/* Node 0 has 4G free of which 2G in the DMA zone; node 1 3G, none. */
static const struct hspec h2dma = {
    .nr_nodes = 2, .cpus = { 2, 2 },
    .size = { 8 * G, 8 * G }, .free = { 4 * G, 3 * G },
    .dma = { 2 * G, 0 }, .dma_known = true,
};

/* Load definitions: cpus 0-1 on node 0, 2-3 on node 1.  Domain-0: 2
 * vCPUs on all cpus, node affinity 0.  "x": 1 offline vCPU on cpu 2. */
static const struct hspec h2load = {
    .nr_nodes = 2, .cpus = { 2, 2 },
    .size = { 8 * G, 8 * G }, .free = { 8 * G, 4 * G },
    .doms = { { 0, "Domain-0", 0, 2, NULL, "0", NULL },
              { 3, "x", 0, 1, "2", NULL, "0" } },
    .nr_doms = 2,
};

static void add_dom(xlnuma_host *h, const struct hdom *hd)
{
    xlnuma_domain d;
    xlnuma_bitmap off;

    xlnuma_domain_init(&d);
    xlnuma_bitmap_init(&off);
    d.domid = hd->domid;
    d.name = strdup(hd->name);
    ck_assert_ptr_nonnull(d.name);
    d.pool = hd->pool;
    d.mem_kib = 1 * G;
    if (hd->nodes)
        ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, hd->nodes, 0,
                                             &d.node_affinity), 0);
    if (hd->offline)
        ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, hd->offline, 0,
                                             &off), 0);
    d.vcpus = calloc(hd->vcpus, sizeof(*d.vcpus));
    ck_assert_ptr_nonnull(d.vcpus);
    for (unsigned v = 0; v < hd->vcpus; v++) {
        xlnuma_vcpu *vc = &d.vcpus[v];

        xlnuma_vcpu_init(vc);
        d.nr_vcpus = v + 1;
        vc->id = v;
        vc->online = !xlnuma_bitmap_test(&off, v);
        if (hd->hard) {
            ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, hd->hard, 0,
                                                 &vc->hard), 0);
        } else {
            for (unsigned c = 0; c < xlnuma_host_nr_cpus(h); c++)
                ck_assert_int_eq(xlnuma_bitmap_set(&vc->hard, c), 0);
        }
    }
    ck_assert_int_eq(xlnuma_host_add_domain(test_ctx, h, &d), 0);
    xlnuma_domain_dispose(&d);
    xlnuma_bitmap_dispose(&off);
}

static xlnuma_host *build_host(const struct hspec *hs)
{
    xlnuma_host *h = NULL;
    unsigned threads = hs->threads ? hs->threads : 1, cpu = 0;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    for (unsigned n = 0; n < hs->nr_nodes; n++) {
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, n, hs->size[n],
                                              hs->free[n]), 0);
        if (hs->dma_known)
            ck_assert_int_eq(xlnuma_host_set_dma(test_ctx, h, n,
                                                 hs->dma[n]), 0);
        for (unsigned m = 0; m < hs->nr_nodes; m++) {
            unsigned d = hs->slit ? hs->slit[n * hs->nr_nodes + m]
                                  : (n == m ? 10 : 20);

            ck_assert_int_eq(xlnuma_host_set_distance(test_ctx, h, n, m, d),
                             0);
        }
        for (unsigned c = 0; c < hs->cpus[n]; c++, cpu++)
            ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, cpu,
                                                 (int)(c / threads),
                                                 hs->one_socket ? 0 : (int)n,
                                                 (int)n), 0);
    }
    for (unsigned p = 0; p < hs->nr_pools; p++) {
        xlnuma_bitmap b;

        xlnuma_bitmap_init(&b);
        if (*hs->pools[p].cpus)
            ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, hs->pools[p].cpus,
                                                 0, &b), 0);
        ck_assert_int_eq(xlnuma_host_add_pool(test_ctx, h, hs->pools[p].id,
                                              hs->pools[p].name, "credit2",
                                              &b), 0);
        xlnuma_bitmap_dispose(&b);
    }
    for (unsigned i = 0; i < hs->nr_doms; i++)
        add_dom(h, &hs->doms[i]);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    return h;
}

/* ---- plug-in policies used by the table ---- */

/* Rejects every set that holds node 0. */
static bool filter_no_node0(const xlnuma_candidate *c, void *priv)
{
    return !xlnuma_bitmap_test(&c->nodes, 0);
}

static bool filter_none(const xlnuma_candidate *c, void *priv)
{
    return false;
}

static int priv_tag;

/* Smaller largest distance, then less free memory (a tight fit close
 * together).  Checks that priv is handed through. */
static int cmp_close_tight(const xlnuma_candidate *a,
                           const xlnuma_candidate *b, void *priv)
{
    ck_assert_ptr_eq(priv, &priv_tag);
    if (a->max_distance != b->max_distance)
        return a->max_distance < b->max_distance ? -1 : 1;
    if (a->free_kib != b->free_kib)
        return a->free_kib < b->free_kib ? -1 : 1;
    return 0;
}

static const xlnuma_policy pol_no_node0 = {
    .name = "test-packed-no-node0",
    .summary = "best fit, never node 0",
    .keys = { XLNUMA_KEY_FREE_LESS },
    .filter = filter_no_node0,
};

static const xlnuma_policy pol_reject_all = {
    .name = "test-reject-all",
    .summary = "filters out everything",
    .keys = { XLNUMA_KEY_LOAD_LESS },
    .filter = filter_none,
};

static const xlnuma_policy pol_close_tight = {
    .name = "test-close-tight",
    .summary = "smallest max distance, then best fit",
    .compare = cmp_close_tight,
    .priv = &priv_tag,
};

static const xlnuma_policy pol_maxdist_keys = {
    .name = "test-maxdist",
    .summary = "keys only: smallest max distance, then best fit",
    .keys = { XLNUMA_KEY_MAXDIST_LESS, XLNUMA_KEY_FREE_LESS },
};

static const xlnuma_policy *const plugins[] = {
    &pol_no_node0, &pol_reject_all, &pol_close_tight, &pol_maxdist_keys,
};

/* ---- the table ---- */

struct pcase {
    const char *what;
    const struct hspec *host;
    /* request */
    const char *policy;         /* NULL: default (xen43) */
    uint64_t need;
    unsigned vcpus;
    int pool;                   /* 0 in a row means -1 unless pool_set */
    bool pool_set;
    const char *cpus;           /* NULL: none */
    unsigned min_nodes, max_nodes;
    uint64_t headroom;
    unsigned pct;
    bool smt, dma;
    /* expected */
    int rc;
    xlnuma_outcome outcome;
    const char *nodes;          /* PLACED: the chosen set */
    unsigned nr_cpus, load;
    uint64_t free;
    uint64_t distance;
    const char *res_cpus;       /* NULL: not checked */
};

#define POOL(p) .pool = (p), .pool_set = true
#define PLACED(n, c, l, f, d) \
    .outcome = XLNUMA_PLACED, .nodes = (n), .nr_cpus = (c), .load = (l), \
    .free = (f), .distance = (d)

static const struct pcase cases[] = {
    /* --- fewer runnable vCPUs beats more free memory --- */
    /* k=1 (ceil(2/4) = 1), all four fit 4G.  Loads 0,3,0,0; free
     * 8,12,9,8.  Among load 0: node 2 has the most (9G) -> {2}. */
    { "load beats free", &h4busy, "xen43", 4 * G, 2,
      PLACED("2", 4, 0, 9 * G, 0), .res_cpus = "8-11" },
    /* spread only looks at free memory -> node 1 (12G), load 3. */
    { "spread ignores load", &h4busy, "spread", 4 * G, 2,
      PLACED("1", 4, 3, 12 * G, 0) },
    /* xen42 counts per candidate: busy touches only node 1, so the same
     * loads -> {2}. */
    { "xen42 load", &h4busy, "xen42", 4 * G, 2,
      PLACED("2", 4, 0, 9 * G, 0) },

    /* --- fewer nodes first --- */
    /* need 10G: at k=1 only node 1 (12G) fits; it wins with load 3
     * although {0,2} would have load 0. */
    { "fewer nodes first", &h4busy, "xen43", 10 * G, 2,
      PLACED("1", 4, 3, 12 * G, 0) },

    /* --- exact fit --- */
    /* need 12G: node 1 has exactly 12G -> {1}. */
    { "exact fit", &h4, "xen43", 12 * G, 1,
      PLACED("1", 4, 0, 12 * G, 0) },
    /* need 12G + 1K: no single node; pairs all fit, load 0, most free
     * is {1,2} = 21G; distance 20 + 20. */
    { "one KiB over", &h4, "xen43", 12 * G + 1, 1,
      PLACED("1-2", 8, 0, 21 * G, 40), .res_cpus = "4-11" },
    /* packed: fitting nodes for 9G are 1 (12G) and 2 (9G, exact). */
    { "packed exact", &h4, "packed", 9 * G, 1,
      PLACED("2", 4, 0, 9 * G, 0) },

    /* --- ties keep the first in lexicographic order --- */
    { "tie k=1", &h4eq, "xen43", 1 * G, 1, PLACED("0", 4, 0, 8 * G, 0) },
    { "tie k=2", &h4eq, "xen43", 9 * G, 1,
      PLACED("0-1", 8, 0, 16 * G, 40) },
    /* k=3: distance 6 ordered pairs x 20. */
    { "tie k=3", &h4eq, "spread", 17 * G, 1,
      PLACED("0-2", 12, 0, 24 * G, 120) },
    /* greedy: the first feasible: node 0 has 8G < 9G, node 1 fits. */
    { "greedy first", &h4, "greedy", 9 * G, 1,
      PLACED("1", 4, 0, 12 * G, 0) },
    /* packed: nodes 0 and 3 both 8G -> the first, 0. */
    { "packed tie", &h4, "packed", 1 * G, 1, PLACED("0", 4, 0, 8 * G, 0) },

    /* --- memory-only nodes are never chosen --- */
    /* suitable nodes {0,2}; min 1 (node 1 has no cpu, not uniform);
     * k=1: 1G < 1.5G twice; k=2 {0,2}: 2G, 4 cpus, distance 40. */
    { "memory-only node", &hmemonly, "xen43", 1536 * M, 2,
      PLACED("0,2", 4, 0, 2 * G, 40), .res_cpus = "0-3" },
    /* usable over suitable nodes is 2G < 3G; cpus 4 >= 2. */
    { "memory-only: no memory", &hmemonly, "xen43", 3 * G, 2,
      .outcome = XLNUMA_NOFIT_MEMORY },

    /* --- too many vCPUs --- */
    { "17 vcpus on 16 cpus", &h4, "xen43", 1 * G, 17,
      .outcome = XLNUMA_NOFIT_CPUS },
    { "17 vcpus and 100G", &h4, "xen43", 100 * G, 17,
      .outcome = XLNUMA_NOFIT_BOTH },
    /* max 1 node, 13G: neither short over all nodes (37G, 16 cpus), no
     * single node has 13G -> BOTH. */
    { "max 1 node", &h4, "xen43", 13 * G, 1, .max_nodes = 1,
      .outcome = XLNUMA_NOFIT_BOTH },

    /* --- pools --- */
    { "empty pool", &hpools, "xen43", 1 * G, 1, POOL(2),
      .outcome = XLNUMA_NOFIT_EMPTY_POOL },
    /* web = 6-15, narrowed to 0-3: nothing left. */
    { "cpus outside pool", &hpools, "xen43", 1 * G, 1, POOL(1),
      .cpus = "0-3", .outcome = XLNUMA_NOFIT_EMPTY_POOL },
    { "unknown pool", &hpools, "xen43", 1 * G, 1, POOL(7),
      .rc = XLNUMA_ERROR_INVAL },
    { "negative pool", &hpools, "xen43", 1 * G, 1, POOL(-2),
      .rc = XLNUMA_ERROR_INVAL },
    { "no Pool-0", &hnopool0, "xen43", 1 * G, 1, POOL(-1),
      .rc = XLNUMA_ERROR_INVAL },
    /* web: suitable nodes 1 (cpus 6-7), 2, 3.  Domain-0 is in Pool-0 and
     * does not count; w counts on node 3 only (node affinity).  Loads
     * {1} 0, {2} 0, {3} 2.  Free 32, 8, 16 -> {1} with 2 cpus. */
    { "pool web", &hpools, "xen43", 4 * G, 2, POOL(1),
      PLACED("1", 2, 0, 32 * G, 0), .res_cpus = "6-7" },
    /* 3 vCPUs: node 1 has only 2 pool cpus; {2} load 0 beats {3}. */
    { "pool web 3 vcpus", &hpools, "xen43", 4 * G, 3, POOL(1),
      PLACED("2", 4, 0, 8 * G, 0), .res_cpus = "8-11" },
    /* xen42 ignores pools and node affinity: Domain-0 (4) and w (2)
     * touch every node, load 6 everywhere; node 1 has too few pool cpus
     * for 3 vCPUs; of {2} (8G) and {3} (16G) the freer, {3}. */
    { "pool web xen42", &hpools, "xen42", 4 * G, 3, POOL(1),
      PLACED("3", 4, 6, 16 * G, 0) },
    /* Pool-0 (pool -1): nodes 0 and 1 (cpus 4-5).  Domain-0 counts 4
     * on each; free 32 = 32 -> the first, {0}. */
    { "pool default", &hpools, "xen43", 4 * G, 2, POOL(-1),
      PLACED("0", 4, 4, 32 * G, 0), .res_cpus = "0-3" },
    /* 5 vCPUs: min ceil(5/4) = 2 = both suitable nodes. */
    { "pool default 5 vcpus", &hpools, "xen43", 4 * G, 5, POOL(0),
      PLACED("0-1", 6, 8, 64 * G, 40), .res_cpus = "0-5" },
    /* web with a hard mask 7-9,15: node 1 has cpu 7, node 2 cpus 8-9,
     * node 3 cpu 15; 2 vCPUs fit only node 2. */
    { "pool web narrowed", &hpools, "xen43", 1 * G, 2, POOL(1),
      .cpus = "7-9,15", PLACED("2", 2, 0, 8 * G, 0), .res_cpus = "8-9" },

    /* --- hard-affinity narrowing via req.cpus --- */
    { "cpus 8-15", &h4, "xen43", 1 * G, 2, .cpus = "8-15",
      PLACED("2", 4, 0, 9 * G, 0), .res_cpus = "8-11" },
    /* 2-5: two cpus on each of nodes 0 and 1; 3 vCPUs need both. */
    { "cpus 2-5", &h4, "xen43", 1 * G, 3, .cpus = "2-5",
      PLACED("0-1", 4, 0, 20 * G, 40), .res_cpus = "2-5" },

    /* --- one-node hosts --- */
    { "one node xen43", &h1, "xen43", 1 * G, 1,
      .outcome = XLNUMA_SKIP_ONE_NODE },
    { "one node default", &h1, NULL, 1 * G, 1,
      .outcome = XLNUMA_SKIP_ONE_NODE },
    { "one node xen42", &h1, "xen42", 1 * G, 1,
      PLACED("0", 4, 0, 8 * G, 0), .res_cpus = "0-3" },
    /* The one-node check comes before the pool check. */
    { "one node bad pool xen43", &h1, "xen43", 1 * G, 1, POOL(9),
      .outcome = XLNUMA_SKIP_ONE_NODE },
    { "one node bad pool xen42", &h1, "xen42", 1 * G, 1, POOL(9),
      .rc = XLNUMA_ERROR_INVAL },
    { "one node xen42 5 vcpus", &h1, "xen42", 1 * G, 5,
      .outcome = XLNUMA_NOFIT_CPUS },

    /* --- huge memory: libxl's 32-bit sum and int comparator --- */
    /* 5T: no single node (3T); the pair has 6T (libxl: 2T, no fit). */
    { "6T pair", &h2huge, "xen43", 5 * T, 1,
      PLACED("0-1", 4, 0, 6 * T, 40) },
    /* 1G vs 2T+1G: more free wins -> {1} (libxl's int says 0). */
    { "2T comparator", &h2cmp, "xen43", 512 * M, 1,
      PLACED("1", 2, 0, 2 * T + 1 * G, 0) },
    { "2T comparator packed", &h2cmp, "packed", 512 * M, 1,
      PLACED("0", 2, 0, 1 * G, 0) },
    /* need 4T+12G: only node 1 (4T+16G); 32 bits would see 16G. */
    { "4T node", &h2big4, "xen43", 4 * T + 12 * G, 1,
      PLACED("1", 2, 0, 4 * T + 16 * G, 0) },
    { "8T pair", &h2big4, "xen43", 8 * T + 20 * G, 1,
      PLACED("0-1", 4, 0, 8 * T + 24 * G, 40) },
    /* 3 x 2^41: pairs have 2^42 < need; k=3, the first triple, exact;
     * 6 ordered pairs x 20 = 120. */
    { "2^42 sum", &h4peta, "xen43", 3ull << 41, 1,
      PLACED("0-2", 3, 0, 3ull << 41, 120) },
    { "2^42 sum short", &h4peta, "xen43", (1ull << 43) + 1, 1,
      .outcome = XLNUMA_NOFIT_MEMORY },

    /* --- the DL980 --- */
    /* 16 vCPUs: min ceil(16/10) = 2.  All 28 pairs fit 4G and 20 cpus;
     * load 0.  closest: distance 24 for {0,1} {2,3} {4,5} {6,7}; free
     * 31802M, 31802M, 31821M, 30588M -> {4,5}. */
    { "dl980 closest 16", &dl980, "closest", 4 * G, 16,
      PLACED("4-5", 20, 0, 31821 * M, 24), .res_cpus = "40-59" },
    /* xen43 takes the two freest nodes, 1 (15965M) and 4 (15950M), at
     * SLIT 19: distance 38. */
    { "dl980 xen43 16", &dl980, "xen43", 4 * G, 16,
      PLACED("1,4", 20, 0, 31915 * M, 38) },
    /* Domain-0 adds 8 per node: every pair 16, same choice. */
    { "dl980 dom0 closest 16", &dl980dom0, "closest", 4 * G, 16,
      PLACED("4-5", 20, 16, 31821 * M, 24) },
    { "dl980 dom0 xen43 16", &dl980dom0, "xen43", 4 * G, 16,
      PLACED("1,4", 20, 16, 31915 * M, 38) },
    /* 12G (12288M), 4 vCPUs: every node fits at k=1. */
    { "dl980 greedy 12G", &dl980, "greedy", 12 * G, 4,
      PLACED("0", 10, 0, 15837 * M, 0) },
    { "dl980 packed 12G", &dl980, "packed", 12 * G, 4,
      PLACED("7", 10, 0, 14665 * M, 0) },
    { "dl980 spread 12G", &dl980, "spread", 12 * G, 4,
      PLACED("1", 10, 0, 15965 * M, 0) },
    { "dl980 xen43 12G", &dl980, "xen43", 12 * G, 4,
      PLACED("1", 10, 0, 15965 * M, 0) },
    { "dl980 closest 12G", &dl980, "closest", 12 * G, 4,
      PLACED("1", 10, 0, 15965 * M, 0) },
    /* 15.5G = 15872M: fits nodes 1 (15965), 2 (15912), 3 (15890), 4
     * (15950), 6 (15923); node 5 (15871) is 1M short. */
    { "dl980 greedy 15.5G", &dl980, "greedy", 15872 * M, 4,
      PLACED("1", 10, 0, 15965 * M, 0) },
    { "dl980 packed 15.5G", &dl980, "packed", 15872 * M, 4,
      PLACED("3", 10, 0, 15890 * M, 0) },
    { "dl980 spread 15.5G", &dl980, "spread", 15872 * M, 4,
      PLACED("1", 10, 0, 15965 * M, 0) },
    /* 20G, 4 vCPUs: no node; at k=2 the SLIT-12 pairs have max distance
     * 12, the tightest of them is {6,7} (30588M). */
    { "dl980 plug-in compare", &dl980, "test-close-tight", 20 * G, 4,
      PLACED("6-7", 20, 0, 30588 * M, 24) },
    { "dl980 maxdist keys", &dl980, "test-maxdist", 20 * G, 4,
      PLACED("6-7", 20, 0, 30588 * M, 24) },

    /* --- headroom --- */
    { "no headroom", &h2hr, "xen43", 7 * G, 1, PLACED("0", 4, 0, 8 * G, 0) },
    /* 2G headroom: 6G usable per node < 7G -> the pair (12G). */
    { "headroom 2G", &h2hr, "xen43", 7 * G, 1, .headroom = 2 * G,
      PLACED("0-1", 8, 0, 16 * G, 40) },
    /* 10% of 16G = 1677721K (integer): usable 6710887K < 7G = 7340032K;
     * 6G = 6291456K fits. */
    { "headroom 10% 7G", &h2hr, "xen43", 7 * G, 1, .pct = 10,
      PLACED("0-1", 8, 0, 16 * G, 40) },
    { "headroom 10% 6G", &h2hr, "xen43", 6 * G, 1, .pct = 10,
      PLACED("0", 4, 0, 8 * G, 0) },
    { "headroom 10% exact", &h2hr, "xen43", 6710887, 1, .pct = 10,
      PLACED("0", 4, 0, 8 * G, 0) },
    { "headroom 10% exact+1", &h2hr, "xen43", 6710888, 1, .pct = 10,
      PLACED("0-1", 8, 0, 16 * G, 40) },
    /* 12G usable in all < 14G: over-commit refused. */
    { "headroom refuses", &h2hr, "xen43", 14 * G, 1, .headroom = 2 * G,
      .outcome = XLNUMA_NOFIT_MEMORY },
    /* headroom above free: usable 0, so only a 0 need fits. */
    { "headroom above free", &h2hr, "xen43", 1, 1, .headroom = 9 * G,
      .outcome = XLNUMA_NOFIT_MEMORY },
    { "headroom above free, need 0", &h2hr, "xen43", 0, 1,
      .headroom = 9 * G, PLACED("0", 4, 0, 8 * G, 0) },

    /* --- SMT --- */
    /* 3 vCPUs: a node has 4 threads (k=1 fits) but 2 cores. */
    { "threads", &h2smt, "xen43", 1 * G, 3, PLACED("0", 4, 0, 8 * G, 0) },
    { "cores", &h2smt, "xen43", 1 * G, 3, .smt = true,
      PLACED("0-1", 4, 0, 16 * G, 40), .res_cpus = "0-7" },
    { "cores short", &h2smt, "xen43", 1 * G, 5, .smt = true,
      .outcome = XLNUMA_NOFIT_CPUS },
    /* cores are counted over the set, not summed per node: {0,1} holds
     * the single pair (0,0) < 2 vCPUs; memory is plenty -> CPUS. */
    { "cores shared by nodes", &h2shared, "xen43", 1 * G, 2, .smt = true,
      .outcome = XLNUMA_NOFIT_CPUS },
    { "cores shared, 1 vcpu", &h2shared, "xen43", 1 * G, 1, .smt = true,
      PLACED("0", 1, 0, 8 * G, 0), .res_cpus = "0-1" },
    { "threads shared by nodes", &h2shared, "xen43", 1 * G, 2,
      PLACED("0", 2, 0, 8 * G, 0), .res_cpus = "0-1" },

    /* --- DMA zone --- */
    /* 3G above DMA: node 0 has 4G - 2G = 2G; node 1 3G exactly. */
    { "dma aware", &h2dma, "xen43", 3 * G, 1, .dma = true,
      PLACED("1", 2, 0, 3 * G, 0) },
    { "dma unaware", &h2dma, "xen43", 3 * G, 1,
      PLACED("0", 2, 0, 4 * G, 0) },
    { "dma aware pair", &h2dma, "xen43", 5 * G, 1, .dma = true,
      PLACED("0-1", 4, 0, 7 * G, 40) },
    /* 5G + 1 KiB above DMA: no set has it (5G in all), so the rule is
     * dropped (dma_fallback): both nodes hold 7G, the pair is chosen. */
    { "dma aware short", &h2dma, "xen43", 5 * G + 1, 1, .dma = true,
      PLACED("0-1", 4, 0, 7 * G, 40) },
    /* Beyond all free memory even without the rule: no-memory. */
    { "dma aware short even without", &h2dma, "xen43", 7 * G + 1, 1,
      .dma = true, .outcome = XLNUMA_NOFIT_MEMORY },

    /* --- what counts as load --- */
    /* Per node: Domain-0's 2 vCPUs count on node 0 only (affinity); x's
     * offline vCPU counts on node 1 -> loads 2, 1 -> {1}. */
    { "load per node", &h2load, "xen43", 1 * G, 1,
      PLACED("1", 2, 1, 4 * G, 0) },
    /* Per candidate: Domain-0 touches both nodes: {0} 2, {1} 3. */
    { "load per candidate", &h2load, "xen42", 1 * G, 1,
      PLACED("0", 2, 2, 8 * G, 0) },
    { "load closest", &h2load, "closest", 1 * G, 1,
      PLACED("1", 2, 1, 4 * G, 0) },
    /* Both nodes: per node 2 + 1 = 3. */
    { "load pair", &h2load, "xen43", 9 * G, 1,
      PLACED("0-1", 4, 3, 12 * G, 40) },
    /* Per candidate the pair counts each vCPU once: 3. */
    { "load pair xen42", &h2load, "xen42", 9 * G, 1,
      PLACED("0-1", 4, 3, 12 * G, 40) },

    /* --- min_nodes and max_nodes --- */
    { "min 2", &h4, "xen43", 1 * G, 1, .min_nodes = 2,
      PLACED("1-2", 8, 0, 21 * G, 40) },
    /* capped at the 4 suitable nodes: 12 ordered pairs x 20. */
    { "min 9", &h4, "xen43", 1 * G, 1, .min_nodes = 9,
      PLACED("0-3", 16, 0, 37 * G, 240) },
    { "min 3 max 2", &h4, "xen43", 1 * G, 1, .min_nodes = 3,
      .max_nodes = 2, .rc = XLNUMA_ERROR_INVAL },
    /* max 9 > 4 means all: k=1 fits. */
    { "max 9", &h4, "xen43", 1 * G, 1, .max_nodes = 9,
      PLACED("1", 4, 0, 12 * G, 0) },
    /* uniform 4 cpus per node: 5 vCPUs -> min 2. */
    { "libxl min rule", &h4, "xen43", 1 * G, 5,
      PLACED("1-2", 8, 0, 21 * G, 40) },
    /* 16 vCPUs: min ceil(16/4) = 4, every node. */
    { "min above suitable", &h4, "xen43", 1 * G, 16,
      PLACED("0-3", 16, 0, 37 * G, 240) },

    /* --- plug-in filters --- */
    /* best fit without node 0: {1} 12G, {2} 9G, {3} 8G -> {3}. */
    { "filter no node 0", &h4, "test-packed-no-node0", 1 * G, 1,
      PLACED("3", 4, 0, 8 * G, 0) },
    { "filter everything", &h4, "test-reject-all", 1 * G, 1,
      .outcome = XLNUMA_NOFIT_FILTER },
    /* a short request never reaches the filter. */
    { "filter but short", &h4, "test-reject-all", 100 * G, 1,
      .outcome = XLNUMA_NOFIT_MEMORY },
};

/* ---- running a row ---- */

static const xlnuma_policy *find_plugin(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(plugins); i++)
        if (!strcmp(plugins[i]->name, name))
            return plugins[i];
    return NULL;
}

static void make_request(const struct pcase *c, bool engine,
                         xlnuma_request *req)
{
    memset(req, 0, sizeof(*req));
    if (engine)
        xlnuma_request_init(req);
    else
        xlnuma_bitmap_init(&req->cpus);
    /* every field is set below, whatever _init chose */
    xlnuma_bitmap_clear(&req->cpus);
    req->explain = false;
    req->max_steps = 0;
    req->need_kib = c->need;
    req->vcpus = c->vcpus;
    req->pool = c->pool_set ? c->pool : -1;
    if (c->cpus)
        ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, c->cpus, 0,
                                             &req->cpus), 0);
    req->min_nodes = c->min_nodes;
    req->max_nodes = c->max_nodes;
    req->headroom_kib = c->headroom;
    req->headroom_pct = c->pct;
    req->smt_cores = c->smt;
    req->dma_aware = c->dma;
    req->policy = NULL;
    if (c->policy) {
        req->policy = find_plugin(c->policy);
        if (!req->policy)
            req->policy = engine ? xlnuma_policy_find(test_ctx, c->policy)
                                 : ref_builtin_policy(c->policy);
        ck_assert_msg(req->policy != NULL, "no policy %s", c->policy);
    }
}

/* The figures every side must agree on. */
struct answer {
    int rc;
    xlnuma_outcome outcome;
    const xlnuma_bitmap *nodes;
    unsigned nr_nodes, nr_cpus, load;
    uint64_t free, distance;
    const xlnuma_bitmap *cpus;
};

static void check_answer(const struct pcase *c, const char *side,
                         const struct answer *a)
{
    xlnuma_bitmap want;
    char got[256];

    ck_assert_msg(a->rc == c->rc, "%s, %s: rc %d, expected %d", c->what,
                  side, a->rc, c->rc);
    if (c->rc)
        return;
    ck_assert_msg(a->outcome == c->outcome, "%s, %s: outcome %s, expected "
                  "%s", c->what, side, ref_outcome_name(a->outcome),
                  ref_outcome_name(c->outcome));
    if (c->outcome != XLNUMA_PLACED)
        return;
    xlnuma_bitmap_init(&want);
    ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, c->nodes, 0, &want), 0);
    ck_assert_msg(xlnuma_bitmap_equal(a->nodes, &want),
                  "%s, %s: nodes [%s], expected [%s]", c->what, side,
                  ref_fmt_bitmap(got, sizeof(got), a->nodes), c->nodes);
    ck_assert_msg(a->nr_nodes == xlnuma_bitmap_count(&want),
                  "%s, %s: nr_nodes %u", c->what, side, a->nr_nodes);
    ck_assert_msg(a->nr_cpus == c->nr_cpus, "%s, %s: nr_cpus %u, expected "
                  "%u", c->what, side, a->nr_cpus, c->nr_cpus);
    ck_assert_msg(a->load == c->load, "%s, %s: load %u, expected %u",
                  c->what, side, a->load, c->load);
    ck_assert_msg(a->free == c->free, "%s, %s: free %llu, expected %llu",
                  c->what, side, (unsigned long long)a->free,
                  (unsigned long long)c->free);
    ck_assert_msg(a->distance == c->distance, "%s, %s: distance %llu, "
                  "expected %llu", c->what, side,
                  (unsigned long long)a->distance,
                  (unsigned long long)c->distance);
    if (c->res_cpus) {
        xlnuma_bitmap_clear(&want);
        ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, c->res_cpus, 0,
                                             &want), 0);
        ck_assert_msg(xlnuma_bitmap_equal(a->cpus, &want),
                      "%s, %s: cpus [%s], expected [%s]", c->what, side,
                      ref_fmt_bitmap(got, sizeof(got), a->cpus),
                      c->res_cpus);
    }
    xlnuma_bitmap_dispose(&want);
}

START_TEST(test_reference)
{
    const struct pcase *c = &cases[_i];
    xlnuma_host *h = build_host(c->host);
    xlnuma_request req;
    ref_result r;
    struct answer a;

    make_request(c, false, &req);
    ref_result_init(&r);
    ref_place(h, &req, &r);
    a = (struct answer){
        .rc = r.rc, .outcome = r.outcome, .nodes = &r.nodes,
        .nr_nodes = r.nr_nodes, .nr_cpus = r.nr_cpus, .load = r.load,
        .free = r.free_kib, .distance = r.distance, .cpus = &r.cpus,
    };
    check_answer(c, "reference", &a);
    ref_result_dispose(&r);
    xlnuma_bitmap_dispose(&req.cpus);
    xlnuma_host_free(h);
}
END_TEST

START_TEST(test_engine)
{
    const struct pcase *c = &cases[_i];
    xlnuma_host *h = build_host(c->host);
    xlnuma_request req;
    xlnuma_result res;
    struct answer a;

    make_request(c, true, &req);
    xlnuma_result_init(&res);
    a = (struct answer){ .rc = xlnuma_place(test_ctx, h, &req, &res) };
    a.outcome = res.outcome;
    a.nodes = &res.best.nodes;
    a.nr_nodes = res.best.nr_nodes;
    a.nr_cpus = res.best.nr_cpus;
    a.load = res.best.load;
    a.free = res.best.free_kib;
    a.distance = res.best.distance;
    a.cpus = &res.cpus;
    check_answer(c, "engine", &a);
    if (c->rc)  /* the failure is explained in the log */
        ck_assert_msg(*test_log_text(), "%s: rc %d but nothing logged",
                      c->what, c->rc);
    xlnuma_result_dispose(&res);
    xlnuma_bitmap_dispose(&req.cpus);
    xlnuma_host_free(h);
}
END_TEST

/* A step budget (req.max_steps) may stop the search early: then the
 * engine says so (exact false) and answers NOFIT_BUDGET or a real
 * candidate of the right size; it never fails, and an exact answer is
 * the reference's.  Every budget from 1 step to beyond what the search
 * needs, on requests whose only sets are large. */
static const struct bcase {
    const struct hspec *host;
    const char *policy;
    uint64_t need;
    unsigned vcpus;
} budget_cases[] = {
    { &h4eq, "xen43", 1, 16 },          /* only {0-3} */
    { &h4eq, "spread", 17 * G, 1 },     /* the 4 triples tie */
    { &h4busy, "xen43", 20 * G, 1 },    /* pairs with 20G and more */
    { &dl980, "closest", 4 * G, 16 },
    { &dl980dom0, "xen43", 40 * G, 30 },
    { &h4, "test-packed-no-node0", 1, 8 },
};

START_TEST(test_budget)
{
    const struct bcase *bc = &budget_cases[_i];
    const struct pcase pc = {
        .what = "budget", .host = bc->host, .policy = bc->policy,
        .need = bc->need, .vcpus = bc->vcpus,
    };
    xlnuma_host *h = build_host(bc->host);
    xlnuma_request req;
    ref_result ref, ev;
    bool exact_seen = false;

    make_request(&pc, true, &req);
    ref_result_init(&ref);
    ref_result_init(&ev);
    ck_assert_int_eq(ref_place(h, &req, &ref), 0);
    ck_assert_int_eq(ref.outcome, XLNUMA_PLACED);
    for (req.max_steps = 1; req.max_steps <= 400 && !exact_seen;
         req.max_steps++) {
        xlnuma_result res;
        bool feasible, accepted;
        int rc;

        xlnuma_result_init(&res);
        rc = xlnuma_place(test_ctx, h, &req, &res);
        ck_assert_msg(rc == 0, "%s, max_steps %llu: rc %d (%s)", bc->policy,
                      req.max_steps, rc, test_log_text());
        if (res.exact) {
            exact_seen = true;
            ck_assert_int_eq(res.outcome, XLNUMA_PLACED);
            ck_assert(xlnuma_bitmap_equal(&res.best.nodes, &ref.nodes));
        } else if (res.outcome == XLNUMA_PLACED) {
            ck_assert_uint_eq(res.best.nr_nodes, ref.nr_nodes);
            ck_assert_int_eq(ref_evaluate(h, &req, &res.best.nodes, &ev,
                                          &feasible, &accepted), 0);
            ck_assert_msg(accepted, "%s, max_steps %llu: not a candidate",
                          bc->policy, req.max_steps);
            ck_assert_int_ge(ref_compare_results(&req, &ev, &ref), 0);
        } else {
            ck_assert_msg(res.outcome == XLNUMA_NOFIT_BUDGET,
                          "%s, max_steps %llu: outcome %s", bc->policy,
                          req.max_steps, ref_outcome_name(res.outcome));
        }
        xlnuma_result_dispose(&res);
    }
    ck_assert_msg(exact_seen, "%s: never exact within 400 steps",
                  bc->policy);
    ref_result_dispose(&ev);
    ref_result_dispose(&ref);
    xlnuma_bitmap_dispose(&req.cpus);
    xlnuma_host_free(h);
}
END_TEST

/* The engine's built-in policies are the ones the semantics define. */
START_TEST(test_builtin_table)
{
    const xlnuma_policy *const *b = xlnuma_policy_builtins();
    static const char *const names[] = {
        "xen43", "xen42", "greedy", "packed", "spread", "closest",
    };
    unsigned n = 0;

    ck_assert_ptr_nonnull(b);
    for (; b[n]; n++) {
        const xlnuma_policy *p = b[n], *want = ref_builtin_policy(p->name);
        unsigned k;

        ck_assert_msg(want != NULL, "unexpected built-in %s", p->name);
        ck_assert_msg(p->compare == NULL && p->filter == NULL,
                      "%s has callbacks", p->name);
        ck_assert_msg(p->load_model == want->load_model,
                      "%s: load model %d", p->name, (int)p->load_model);
        ck_assert_msg((p->flags & XLNUMA_POLICY_PLACE_ONE_NODE_HOST) ==
                      (want->flags & XLNUMA_POLICY_PLACE_ONE_NODE_HOST),
                      "%s: flags %#x", p->name, p->flags);
        for (k = 0; k < XLNUMA_MAX_KEYS; k++) {
            ck_assert_msg(p->keys[k] == want->keys[k], "%s: key %u is %d, "
                          "expected %d", p->name, k, (int)p->keys[k],
                          (int)want->keys[k]);
            if (p->keys[k] == XLNUMA_KEY_END)
                break;
        }
        ck_assert_ptr_eq(xlnuma_policy_find(test_ctx, p->name), p);
    }
    ck_assert_uint_eq(n, ARRAY_SIZE(names));
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        ck_assert_msg(ref_builtin_policy(names[i]) != NULL, "%s", names[i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("placement cases");
    TCase *tc = tcase_create("reference");

    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_reference, 0, ARRAY_SIZE(cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("engine");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_engine, 0, ARRAY_SIZE(cases));
    tcase_add_test(tc, test_builtin_table);
    suite_add_tcase(s, tc);
    tc = tcase_create("engine budget");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_budget, 0, ARRAY_SIZE(budget_cases));
    suite_add_tcase(s, tc);
    return xlnuma_test_run(s);
}
