/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_libxl_convert.c: the libxl adapter without a hypervisor.  The
 * arrays libxl_get_numainfo, libxl_get_cpu_topology, libxl_list_cpupool,
 * libxl_list_domain and libxl_list_vcpu return are built here the way
 * libxl 4.17 builds them (bytes, invalid markers, maps as wide as Xen's)
 * and freed with libxl's own _list_free functions, so the ownership the
 * adapter assumes is libxl's.  Values of the "xenlab" fixture are those of
 * /work/shared/hosts/xenlab-2node (xl info -n, xl vcpu-list).  The "live"
 * TCase runs libxl_host.c against a fake libxl defined here.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>
#include <libxl_utils.h>

#include "testutil.h"
#include "xlnuma_libxl.h"

#define MIB_BYTES (UINT64_C(1) << 20)
/* Xen's maps are wider than the host: nr_cpu_ids cpus, MAX_NUMNODES. */
#define CPU_BITS 16
#define NODE_BITS 64
#define MAX_DOMS 6
#define MAX_VCPUS 4
#define INV LIBXL_CPUTOPOLOGY_INVALID_ENTRY
#define NINV LIBXL_NUMAINFO_INVALID_ENTRY
#define NO_POOL UINT32_MAX      /* Xen's CPUPOOLID_NONE */

/* ---- libxl arrays built as libxl builds them ---- */

static xlnuma_libxl_arrays fx;
/* What the fixture owns, whatever a test does to fx. */
static struct {
    libxl_numainfo *ninfo;
    int nr_nodes;
    libxl_cputopology *tinfo;
    int nr_cpus;
    libxl_cpupoolinfo *pools;
    int nr_pools;
    libxl_dominfo *doms;
    libxl_vcpuinfo *vcpus[MAX_DOMS];
    int nr_vcpus[MAX_DOMS];
    libxl_bitmap nodeaff[MAX_DOMS];
    char *names[MAX_DOMS];
} own;
static libxl_vcpuinfo *fx_vcpus[MAX_DOMS];
static int fx_nr_vcpus[MAX_DOMS];
static char *fx_names[MAX_DOMS];

/* A libxl map of nr_bits holding list ("all", "2-3"...; NULL: empty). */
static void lmap(libxl_bitmap *b, unsigned nr_bits, const char *list)
{
    xlnuma_bitmap t;

    libxl_bitmap_dispose(b);
    b->size = (nr_bits + 7) / 8;
    b->map = calloc(b->size, 1);
    ck_assert_ptr_nonnull(b->map);
    if (!list)
        return;
    xlnuma_bitmap_init(&t);
    ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, list, nr_bits, &t), 0);
    xlnuma_bitmap_for_each(i, &t)
        b->map[i / 8] |= (uint8_t)(1u << (i % 8));
    xlnuma_bitmap_dispose(&t);
}

static void fx_alloc(int nodes, int cpus, int pools, int doms)
{
    memset(&fx, 0, sizeof(fx));
    memset(&own, 0, sizeof(own));
    memset(fx_vcpus, 0, sizeof(fx_vcpus));
    memset(fx_nr_vcpus, 0, sizeof(fx_nr_vcpus));
    memset(fx_names, 0, sizeof(fx_names));
    own.ninfo = calloc((size_t)nodes, sizeof(*own.ninfo));
    own.tinfo = calloc((size_t)cpus, sizeof(*own.tinfo));
    own.pools = calloc((size_t)pools + 1, sizeof(*own.pools));
    own.doms = calloc(MAX_DOMS, sizeof(*own.doms));
    ck_assert(own.ninfo && own.tinfo && own.pools && own.doms);
    for (int i = 0; i < nodes; i++)
        libxl_numainfo_init(&own.ninfo[i]);
    for (int i = 0; i < cpus; i++)
        libxl_cputopology_init(&own.tinfo[i]);
    for (int i = 0; i < pools; i++)
        libxl_cpupoolinfo_init(&own.pools[i]);
    for (int i = 0; i < MAX_DOMS; i++) {
        libxl_dominfo_init(&own.doms[i]);
        libxl_bitmap_init(&own.nodeaff[i]);
    }
    own.nr_nodes = nodes;
    own.nr_cpus = cpus;
    own.nr_pools = pools;
    fx.ninfo = own.ninfo;
    fx.nr_nodes = nodes;
    fx.tinfo = own.tinfo;
    fx.nr_cpus = cpus;
    fx.pools = own.pools;
    fx.nr_pools = pools;
    fx.doms = own.doms;
    fx.nr_doms = doms;
    fx.vcpus = fx_vcpus;
    fx.nr_vcpus = fx_nr_vcpus;
    fx.nodeaffinity = own.nodeaff;
    fx.names = fx_names;
}

static void fx_free(void)
{
    libxl_numainfo_list_free(own.ninfo, own.nr_nodes);
    libxl_cputopology_list_free(own.tinfo, own.nr_cpus);
    libxl_cpupoolinfo_list_free(own.pools, own.nr_pools);
    libxl_dominfo_list_free(own.doms, MAX_DOMS);
    for (int d = 0; d < MAX_DOMS; d++) {
        libxl_vcpuinfo_list_free(own.vcpus[d], own.nr_vcpus[d]);
        libxl_bitmap_dispose(&own.nodeaff[d]);
        free(own.names[d]);
    }
    memset(&own, 0, sizeof(own));
    memset(&fx, 0, sizeof(fx));
}

/* Node i: sizes in MiB as xl info -n shows them, libxl gives bytes. */
static void fx_node(int i, uint64_t size_mib, uint64_t free_mib,
                    const uint32_t *dists)
{
    libxl_numainfo *n = &own.ninfo[i];

    n->size = size_mib * MIB_BYTES;
    n->free = free_mib * MIB_BYTES;
    n->num_dists = own.nr_nodes;
    n->dists = calloc((size_t)own.nr_nodes, sizeof(*n->dists));
    ck_assert_ptr_nonnull(n->dists);
    memcpy(n->dists, dists, (size_t)own.nr_nodes * sizeof(*n->dists));
}

/* A node id Xen does not have online, as libxl_get_numainfo shows it. */
static void fx_node_absent(int i)
{
    libxl_numainfo *n = &own.ninfo[i];

    n->size = n->free = NINV;
    n->num_dists = own.nr_nodes;
    n->dists = calloc((size_t)own.nr_nodes, sizeof(*n->dists));
    ck_assert_ptr_nonnull(n->dists);
    for (int j = 0; j < own.nr_nodes; j++)
        n->dists[j] = NINV;
}

static void fx_cpu(int i, uint32_t core, uint32_t socket, uint32_t node)
{
    own.tinfo[i].core = core;
    own.tinfo[i].socket = socket;
    own.tinfo[i].node = node;
}

static void fx_pool(int i, uint32_t id, const char *name,
                    libxl_scheduler sched, const char *cpus)
{
    libxl_cpupoolinfo *p = &own.pools[i];

    p->poolid = id;
    p->pool_name = strdup(name);
    ck_assert_ptr_nonnull(p->pool_name);
    p->sched = sched;
    lmap(&p->cpumap, CPU_BITS, cpus);
}

static void fx_dom(int i, uint32_t domid, const char *name, uint32_t pool,
                   uint64_t mem_kib, const char *nodeaff, int nr_vcpus)
{
    libxl_dominfo *d = &own.doms[i];

    d->domid = domid;
    d->cpupool = pool;
    d->current_memkb = mem_kib;
    d->vcpu_max_id = (uint32_t)nr_vcpus - 1;
    d->vcpu_online = (uint32_t)nr_vcpus;
    if (name) {
        own.names[i] = fx_names[i] = strdup(name);
        ck_assert_ptr_nonnull(own.names[i]);
    }
    lmap(&own.nodeaff[i], NODE_BITS, nodeaff);
    own.vcpus[i] = fx_vcpus[i] = calloc(MAX_VCPUS, sizeof(libxl_vcpuinfo));
    ck_assert_ptr_nonnull(own.vcpus[i]);
    for (int v = 0; v < MAX_VCPUS; v++)
        libxl_vcpuinfo_init(&own.vcpus[i][v]);
    own.nr_vcpus[i] = MAX_VCPUS;
    fx_nr_vcpus[i] = nr_vcpus;
}

static void fx_vcpu(int d, int v, uint32_t cpu, bool online,
                    const char *hard, const char *soft)
{
    libxl_vcpuinfo *vi = &own.vcpus[d][v];

    vi->vcpuid = (uint32_t)v;
    vi->cpu = cpu;
    vi->online = online;
    lmap(&vi->cpumap, CPU_BITS, hard);
    lmap(&vi->cpumap_soft, CPU_BITS, soft);
}

/* xenlab-2node: xl info -n and xl vcpu-list of a 2-node Xen 4.17 lab. */
static void fx_xenlab(void)
{
    static const uint32_t d0[] = { 10, 21 }, d1[] = { 21, 10 };

    fx_alloc(2, 4, 1, 3);
    fx_node(0, 1024, 907, d0);
    fx_node(1, 1023, 604, d1);
    fx_cpu(0, 0, 0, 0);
    fx_cpu(1, 1, 0, 0);
    fx_cpu(2, 0, 1, 1);
    fx_cpu(3, 1, 1, 1);
    fx_pool(0, 0, "Pool-0", LIBXL_SCHEDULER_CREDIT2, "0-3");
    fx_dom(0, 0, "Domain-0", 0, 512 * MIB, "all", 2);
    fx_vcpu(0, 0, 1, true, "all", "all");
    fx_vcpu(0, 1, 0, true, "all", "all");
    fx_dom(1, 1, "g1", 0, 128 * MIB, "1", 2);
    fx_vcpu(1, 0, 3, true, "all", "2-3");
    fx_vcpu(1, 1, 1, true, "all", "2-3");
    fx_dom(2, 2, "g2", 0, 128 * MIB, "1", 1);
    fx_vcpu(2, 0, 2, true, "2-3", "0-1");
}

/*
 * sparse: node id 1 absent in the middle, cpu 4 not present, cpu 5
 * present but on no node, two cpupools, a dying domain in no cpupool and
 * a guest with an offline vCPU.
 */
static void fx_sparse(void)
{
    static const uint32_t d0[] = { 10, NINV, 20 }, d2[] = { 20, NINV, 10 };

    fx_alloc(3, 6, 2, 4);
    fx_node(0, 2048, 1500, d0);
    fx_node_absent(1);
    fx_node(2, 2048, 1000, d2);
    fx_cpu(0, 0, 0, 0);
    fx_cpu(1, 1, 0, 0);
    fx_cpu(2, 0, 1, 2);
    fx_cpu(3, 1, 1, 2);
    fx_cpu(4, INV, INV, INV);
    fx_cpu(5, 2, 1, INV);
    fx_pool(0, 0, "Pool-0", LIBXL_SCHEDULER_CREDIT2, "0-1");
    fx_pool(1, 3, "batch", LIBXL_SCHEDULER_CREDIT, "2-3");
    fx_dom(0, 0, "Domain-0", 0, 1024 * MIB, "all", 2);
    fx_vcpu(0, 0, 0, true, "all", "all");
    fx_vcpu(0, 1, 1, true, "all", "all");
    fx_dom(1, 4, "g1", 3, 256 * MIB, "2", 2);
    fx_vcpu(1, 0, 2, true, "2-3", "3");
    fx_vcpu(1, 1, 3, false, "2-3", "3");   /* offline: stale cpu */
    fx_dom(2, 7, NULL, NO_POOL, 4 * MIB, "all", 1);
    fx_vcpu(2, 0, 0, false, "all", "all");
    fx_dom(3, 9, "g3", 0, 64 * MIB, "0", 1);
    fx_vcpu(3, 0, 0, true, "0", "all");
}

static void setup_xenlab(void)
{
    test_ctx_setup();
    fx_xenlab();
}

static void setup_sparse(void)
{
    test_ctx_setup();
    fx_sparse();
}

static void teardown_fx(void)
{
    fx_free();
    test_ctx_teardown();
}

static void assert_map(const xlnuma_bitmap *b, const char *want)
{
    char *s = xlnuma_bitmap_format(b);

    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, want);
    free(s);
}

static xlnuma_host *convert_ok(void)
{
    xlnuma_host *h = NULL;
    int rc = xlnuma_host_from_libxl_arrays(test_ctx, &fx, &h);

    ck_assert_msg(rc == 0, "rc %d, log:\n%s", rc, test_log_text());
    ck_assert_ptr_nonnull(h);
    return h;
}

/* ---- TCase "bitmap": libxl_bitmap <-> xlnuma_bitmap ---- */

static const struct bitmap_case {
    unsigned nr_bits;               /* libxl width, rounded to bytes */
    const char *list;
    unsigned want_bits;
    const char *canon;
} bitmap_cases[] = {
    { 0,    NULL,           0,    "" },
    { 8,    "0",            8,    "0" },
    { 4,    "0-3",          8,    "0-3" },     /* libxl counts bytes */
    { 16,   "2-3,9,15",     16,   "2-3,9,15" },
    { 64,   "all",          64,   "0-63" },
    { 1024, "0,511,1023",   1024, "0,511,1023" },
    { 4096, NULL,           4096, "" },
};

START_TEST(test_bitmap_roundtrip)
{
    const struct bitmap_case *c = &bitmap_cases[_i];
    libxl_bitmap l, back;
    xlnuma_bitmap b;

    libxl_bitmap_init(&l);
    libxl_bitmap_init(&back);
    xlnuma_bitmap_init(&b);
    if (c->nr_bits)
        lmap(&l, c->nr_bits, c->list);
    /* dst is replaced, not merged: start from stale content */
    ck_assert_int_eq(xlnuma_bitmap_set(&b, 5000), 0);
    ck_assert_int_eq(xlnuma_bitmap_from_libxl(&l, &b), 0);
    ck_assert_uint_eq(b.nr_bits, c->want_bits);
    assert_map(&b, c->canon);
    lmap(&back, 8, "1");
    ck_assert_int_eq(xlnuma_bitmap_to_libxl(NULL, &b, &back), 0);
    ck_assert_uint_eq(back.size, l.size);
    if (l.size)
        ck_assert_mem_eq(back.map, l.map, l.size);
    else
        ck_assert_ptr_null(back.map);
    libxl_bitmap_dispose(&l);
    libxl_bitmap_dispose(&back);
    xlnuma_bitmap_dispose(&b);
}
END_TEST

START_TEST(test_bitmap_errors)
{
    libxl_bitmap l;
    xlnuma_bitmap b;
    uint8_t byte = 0x0f;

    xlnuma_bitmap_init(&b);
    ck_assert_int_eq(xlnuma_bitmap_set(&b, 3), 0);
    l.size = 2;
    l.map = NULL;                   /* a size without a map */
    ck_assert_int_eq(xlnuma_bitmap_from_libxl(&l, &b), XLNUMA_ERROR_INVAL);
    l.size = UINT32_MAX;            /* more bits than an unsigned holds */
    l.map = &byte;
    ck_assert_int_eq(xlnuma_bitmap_from_libxl(&l, &b), XLNUMA_ERROR_RANGE);
    ck_assert_int_eq(xlnuma_bitmap_from_libxl(NULL, &b), XLNUMA_ERROR_INVAL);
    ck_assert_int_eq(xlnuma_bitmap_to_libxl(NULL, &b, NULL),
                     XLNUMA_ERROR_INVAL);
    assert_map(&b, "3");            /* failures leave dst alone */
    xlnuma_bitmap_dispose(&b);
}
END_TEST

/* ---- TCase "xenlab": the 2-node lab host ---- */

START_TEST(test_xenlab_nodes)
{
    xlnuma_host *h = convert_ok();
    const xlnuma_node *n0, *n1;

    ck_assert_uint_eq(xlnuma_host_nr_nodes(h), 2);
    n0 = xlnuma_host_node(h, 0);
    n1 = xlnuma_host_node(h, 1);
    ck_assert_uint_eq(n0->memsize_kib, 1024 * MIB);
    ck_assert_uint_eq(n0->memfree_kib, 907 * MIB);
    ck_assert_uint_eq(n1->memsize_kib, 1023 * MIB);
    ck_assert_uint_eq(n1->memfree_kib, 604 * MIB);
    ck_assert_uint_eq(n0->distance[0], 10);
    ck_assert_uint_eq(n0->distance[1], 21);
    ck_assert_uint_eq(n1->distance[0], 21);
    ck_assert_uint_eq(n1->distance[1], 10);
    assert_map(&n0->cpus, "0-1");
    assert_map(&n1->cpus, "2-3");
    ck_assert(!xlnuma_host_dma_known(h));
    xlnuma_host_free(h);
}
END_TEST

START_TEST(test_xenlab_cpus_pools)
{
    xlnuma_host *h = convert_ok();
    static const int want[4][3] = { {0, 0, 0}, {1, 0, 0}, {0, 1, 1},
                                    {1, 1, 1} };
    const xlnuma_pool *p;

    ck_assert_uint_eq(xlnuma_host_nr_cpus(h), 4);
    for (unsigned c = 0; c < 4; c++) {
        const xlnuma_cpu *cpu = xlnuma_host_cpu(h, c);

        ck_assert(cpu->online);
        ck_assert_int_eq(cpu->core, want[c][0]);
        ck_assert_int_eq(cpu->socket, want[c][1]);
        ck_assert_int_eq(cpu->node, want[c][2]);
    }
    ck_assert_uint_eq(xlnuma_host_nr_pools(h), 1);
    p = xlnuma_host_pool_by_name(h, "Pool-0");
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(p->id, 0);
    ck_assert_str_eq(p->sched, "credit2");
    assert_map(&p->cpus, "0-3");
    xlnuma_host_free(h);
}
END_TEST

START_TEST(test_xenlab_domains)
{
    xlnuma_host *h = convert_ok();
    const xlnuma_domain *d;

    ck_assert_uint_eq(xlnuma_host_nr_domains(h), 3);
    d = xlnuma_host_domain_by_name(h, "Domain-0");
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->domid, 0);
    ck_assert_uint_eq(d->mem_kib, 512 * MIB);
    ck_assert_uint_eq(d->pool, 0);
    /* Xen's 64-bit node map and 16-bit cpu maps, clipped to the host */
    assert_map(&d->node_affinity, "0-1");
    ck_assert_uint_eq(d->nr_vcpus, 2);
    ck_assert_int_eq(d->vcpus[0].cpu, 1);
    ck_assert_int_eq(d->vcpus[1].cpu, 0);
    assert_map(&d->vcpus[0].hard, "0-3");
    assert_map(&d->vcpus[1].soft, "0-3");
    ck_assert_ptr_null(d->pages_per_node);

    d = xlnuma_host_domain_by_name(h, "g1");
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->domid, 1);
    ck_assert_uint_eq(d->mem_kib, 128 * MIB);
    assert_map(&d->node_affinity, "1");
    ck_assert_uint_eq(d->nr_vcpus, 2);
    for (unsigned v = 0; v < 2; v++) {
        ck_assert_uint_eq(d->vcpus[v].id, v);
        ck_assert(d->vcpus[v].online);
        assert_map(&d->vcpus[v].hard, "0-3");
        assert_map(&d->vcpus[v].soft, "2-3");
    }
    ck_assert_int_eq(d->vcpus[0].cpu, 3);

    d = xlnuma_host_domain_by_name(h, "g2");
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->nr_vcpus, 1);
    ck_assert_int_eq(d->vcpus[0].cpu, 2);
    assert_map(&d->vcpus[0].hard, "2-3");
    assert_map(&d->vcpus[0].soft, "0-1");
    xlnuma_host_free(h);
}
END_TEST

/* ---- TCase "sparse": absent node, offline cpus, pools, dying domain ---- */

START_TEST(test_sparse_nodes_cpus)
{
    xlnuma_host *h = convert_ok();
    const xlnuma_node *n1;
    const xlnuma_cpu *c4, *c5;

    /* the absent node keeps its id, with no cpus and no memory */
    ck_assert_uint_eq(xlnuma_host_nr_nodes(h), 3);
    n1 = xlnuma_host_node(h, 1);
    ck_assert_uint_eq(n1->memsize_kib, 0);
    ck_assert_uint_eq(n1->memfree_kib, 0);
    ck_assert(xlnuma_bitmap_is_empty(&n1->cpus));
    assert_map(&xlnuma_host_node(h, 0)->cpus, "0-1");
    assert_map(&xlnuma_host_node(h, 2)->cpus, "2-3");
    ck_assert_uint_eq(xlnuma_host_node(h, 0)->distance[2], 20);
    ck_assert_uint_eq(xlnuma_host_node(h, 2)->memfree_kib, 1000 * MIB);

    ck_assert_uint_eq(xlnuma_host_nr_cpus(h), 6);
    c4 = xlnuma_host_cpu(h, 4);
    ck_assert(!c4->online);
    ck_assert_int_eq(c4->node, XLNUMA_NO_NODE);
    ck_assert_int_eq(c4->core, -1);
    ck_assert_int_eq(c4->socket, -1);
    c5 = xlnuma_host_cpu(h, 5);
    ck_assert(!c5->online);
    ck_assert_int_eq(c5->node, XLNUMA_NO_NODE);
    ck_assert_int_eq(c5->core, 2);
    ck_assert_int_eq(c5->socket, 1);
    xlnuma_host_free(h);
}
END_TEST

START_TEST(test_sparse_pools_domains)
{
    xlnuma_host *h = convert_ok();
    const xlnuma_pool *p;
    const xlnuma_domain *d;

    ck_assert_uint_eq(xlnuma_host_nr_pools(h), 2);
    p = xlnuma_host_pool_by_id(h, 3);
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->name, "batch");
    ck_assert_str_eq(p->sched, "credit");
    assert_map(&p->cpus, "2-3");
    assert_map(&xlnuma_host_pool_by_id(h, 0)->cpus, "0-1");

    /* the dying domain in no cpupool is left out, and said so */
    ck_assert_uint_eq(xlnuma_host_nr_domains(h), 3);
    for (unsigned i = 0; i < 3; i++)
        ck_assert_uint_ne(xlnuma_host_domain(h, i)->domid, 7);
    ck_assert_ptr_nonnull(strstr(test_log_text(),
                                 "domain 7 is in no cpupool"));

    d = xlnuma_host_domain_by_name(h, "Domain-0");
    assert_map(&d->node_affinity, "0-2");
    assert_map(&d->vcpus[0].hard, "0-5");

    d = xlnuma_host_domain_by_name(h, "g1");
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(d->domid, 4);
    ck_assert_uint_eq(d->pool, 3);
    assert_map(&d->node_affinity, "2");
    ck_assert(d->vcpus[0].online);
    ck_assert_int_eq(d->vcpus[0].cpu, 2);
    ck_assert(!d->vcpus[1].online);
    ck_assert_int_eq(d->vcpus[1].cpu, XLNUMA_NO_CPU);
    assert_map(&d->vcpus[1].hard, "2-3");
    assert_map(&d->vcpus[1].soft, "3");

    d = xlnuma_host_domain_by_name(h, "g3");
    ck_assert_ptr_nonnull(d);
    assert_map(&d->node_affinity, "0");
    assert_map(&d->vcpus[0].hard, "0");
    xlnuma_host_free(h);
}
END_TEST

/* ---- TCase "variants": inputs libxl may give that are still valid ---- */

static void var_no_pools(void) { fx.nr_pools = 0; fx.pools = NULL; }
static void var_no_nodeaff(void) { fx.nodeaffinity = NULL; }
static void var_no_names(void) { fx.names = NULL; }
static void var_no_slit(void)
{
    fx.ninfo[0].num_dists = 0;
    fx.ninfo[1].num_dists = 0;
}
static void var_unknown_sched(void) { fx.pools[0].sched = 99; }
static void var_no_vcpus_yet(void) { fx_nr_vcpus[2] = 0; fx.vcpus = NULL;
                                     fx_nr_vcpus[0] = fx_nr_vcpus[1] = 0; }
static void var_odd_bytes(void) { fx.ninfo[0].free += 1023; }

static void chk_no_pools(const xlnuma_host *h)
{
    /* finish() makes Pool-0 of every online cpu */
    ck_assert_uint_eq(xlnuma_host_nr_pools(h), 1);
    assert_map(&xlnuma_host_pool_by_id(h, 0)->cpus, "0-3");
}
static void chk_no_nodeaff(const xlnuma_host *h)
{
    for (unsigned i = 0; i < xlnuma_host_nr_domains(h); i++)
        ck_assert(xlnuma_bitmap_is_empty(
                      &xlnuma_host_domain(h, i)->node_affinity));
}
static void chk_no_names(const xlnuma_host *h)
{
    ck_assert_uint_eq(xlnuma_host_nr_domains(h), 3);
    for (unsigned i = 0; i < 3; i++)
        ck_assert_ptr_null(xlnuma_host_domain(h, i)->name);
}
static void chk_no_slit(const xlnuma_host *h)
{
    ck_assert_uint_eq(xlnuma_host_node(h, 0)->distance[1], 20);
    ck_assert_uint_eq(xlnuma_host_node(h, 1)->distance[1], 10);
}
static void chk_unknown_sched(const xlnuma_host *h)
{
    ck_assert_ptr_null(xlnuma_host_pool(h, 0)->sched);
}
static void chk_no_vcpus_yet(const xlnuma_host *h)
{
    for (unsigned i = 0; i < 3; i++)
        ck_assert_uint_eq(xlnuma_host_domain(h, i)->nr_vcpus, 0);
}
static void chk_odd_bytes(const xlnuma_host *h)
{
    ck_assert_uint_eq(xlnuma_host_node(h, 0)->memfree_kib, 907 * MIB);
}

static const struct variant_case {
    const char *name;
    void (*mutate)(void);
    void (*check)(const xlnuma_host *h);
} variant_cases[] = {
    { "no cpupool list",      var_no_pools,      chk_no_pools },
    { "no node affinities",   var_no_nodeaff,    chk_no_nodeaff },
    { "no names",             var_no_names,      chk_no_names },
    { "no SLIT rows",         var_no_slit,       chk_no_slit },
    { "unknown scheduler",    var_unknown_sched, chk_unknown_sched },
    { "no vCPUs yet",         var_no_vcpus_yet,  chk_no_vcpus_yet },
    { "bytes below a KiB",    var_odd_bytes,     chk_odd_bytes },
};

START_TEST(test_variant)
{
    const struct variant_case *c = &variant_cases[_i];
    xlnuma_host *h;

    c->mutate();
    h = convert_ok();
    c->check(h);
    xlnuma_host_free(h);
}
END_TEST

/* ---- TCase "errors": bad arrays, each named in the log ---- */

static void bad_dist_invalid(void) { fx.ninfo[0].dists[1] = NINV; }
static void bad_dist_count(void) { fx.ninfo[1].num_dists = 1; }
static void bad_dist_range(void) { fx.ninfo[0].dists[1] = 300; }
static void bad_dist_local(void) { fx.ninfo[0].dists[0] = 30; }
static void bad_free_invalid(void) { fx.ninfo[1].free = NINV; }
static void bad_free_gt_size(void)
{
    fx.ninfo[0].free = fx.ninfo[0].size + MIB_BYTES;
}
static void bad_cpu_node_absent(void)
{
    fx.ninfo[1].size = fx.ninfo[1].free = NINV;
}
static void bad_cpu_node_beyond(void) { fx.tinfo[3].node = 5; }
static void bad_cpu_core_range(void) { fx.tinfo[0].core = 0x80000000u; }
static void bad_negative_count(void) { fx.nr_cpus = -1; }
static void bad_null_array(void) { fx.tinfo = NULL; }
static void bad_no_nodes(void) { fx.nr_nodes = 0; fx.ninfo = NULL; }
static void bad_all_offline(void)
{
    for (int c = 0; c < 4; c++)
        fx.tinfo[c].node = INV;
}
static void bad_vcpus_missing(void) { fx.vcpus = NULL; }
static void bad_nr_vcpus(void) { fx_nr_vcpus[0] = -2; }
static void bad_pool_unknown(void) { fx.doms[2].cpupool = 7; }
static void bad_pool_cpu_absent(void) { fx.pools[0].cpumap.map[0] |= 0x40; }
static void bad_pool_noname(void)
{
    free(fx.pools[0].pool_name);
    fx.pools[0].pool_name = NULL;
}
static void bad_vcpu_cpu_range(void) { fx_vcpus[1][0].cpu = 0x80000000u; }
static void bad_vcpu_cpu_beyond(void) { fx_vcpus[1][0].cpu = 9; }
static void bad_dup_domid(void) { fx.doms[2].domid = 1; }
static void bad_dup_name(void)
{
    free(fx_names[2]);
    own.names[2] = fx_names[2] = strdup("g1");
}
static void bad_map_no_bytes(void)
{
    free(fx.nodeaffinity[1].map);
    fx.nodeaffinity[1].map = NULL;
}

static const struct error_case {
    const char *name;
    void (*mutate)(void);
    int rc;
    const char *log;                /* a substring of the message */
} error_cases[] = {
    { "invalid distance", bad_dist_invalid, XLNUMA_ERROR_INCONSISTENT,
      "distance 0->1: libxl reports it invalid" },
    { "short SLIT row", bad_dist_count, XLNUMA_ERROR_INCONSISTENT,
      "node 1: libxl gives 1 distances, expected one per node (2)" },
    { "distance > 255", bad_dist_range, XLNUMA_ERROR_RANGE,
      "distance 0->1 is 300" },
    { "remote < local", bad_dist_local, XLNUMA_ERROR_INCONSISTENT,
      "smaller than local" },
    { "free invalid", bad_free_invalid, XLNUMA_ERROR_INCONSISTENT,
      "node 1: libxl reports a size of 1072693248 bytes but an invalid "
      "free memory" },
    { "free > size", bad_free_gt_size, XLNUMA_ERROR_INCONSISTENT,
      "node 0: free memory 1049600 KiB exceeds its size 1048576 KiB" },
    { "cpu on absent node", bad_cpu_node_absent, XLNUMA_ERROR_INCONSISTENT,
      "cpu 2: libxl places it on node 1, but that node is not online" },
    { "cpu beyond nodes", bad_cpu_node_beyond, XLNUMA_ERROR_INCONSISTENT,
      "cpu 3: libxl places it on node 5, but libxl_get_numainfo reports "
      "fewer nodes" },
    { "core out of range", bad_cpu_core_range, XLNUMA_ERROR_RANGE,
      "cpu 0: core 2147483648 is out of range" },
    { "negative count", bad_negative_count, XLNUMA_ERROR_INVAL,
      "-1 cpus" },
    { "NULL array", bad_null_array, XLNUMA_ERROR_INVAL,
      "4 cpus NULL" },
    { "no node", bad_no_nodes, XLNUMA_ERROR_INCONSISTENT,
      "libxl_get_numainfo reports fewer nodes" },
    { "no online cpu", bad_all_offline, XLNUMA_ERROR_INCONSISTENT,
      "no online cpu" },
    { "vCPU arrays missing", bad_vcpus_missing, XLNUMA_ERROR_INVAL,
      "domain 0: 2 vCPUs but no libxl_vcpuinfo array" },
    { "negative vCPU count", bad_nr_vcpus, XLNUMA_ERROR_RANGE,
      "domain 0: -2 vCPUs is out of range" },
    { "unknown cpupool", bad_pool_unknown, XLNUMA_ERROR_INCONSISTENT,
      "domain g2 is in cpupool 7, which does not exist" },
    { "pool cpu absent", bad_pool_cpu_absent, XLNUMA_ERROR_INCONSISTENT,
      "cpupool Pool-0 holds cpu 6" },
    { "pool without name", bad_pool_noname, XLNUMA_ERROR_INVAL,
      "cpupool 0 has no name" },
    { "vCPU cpu out of range", bad_vcpu_cpu_range, XLNUMA_ERROR_RANGE,
      "domain 1 vCPU 0: libxl says it runs on cpu 2147483648" },
    { "vCPU cpu beyond host", bad_vcpu_cpu_beyond, XLNUMA_ERROR_INCONSISTENT,
      "domain g1: vCPU 0 runs on cpu 9, but the host has 4" },
    { "duplicate domid", bad_dup_domid, XLNUMA_ERROR_INCONSISTENT,
      "domain id 1 appears twice" },
    { "duplicate name", bad_dup_name, XLNUMA_ERROR_INCONSISTENT,
      "domain name g1 appears twice" },
    { "map without bytes", bad_map_no_bytes, XLNUMA_ERROR_INVAL,
      "domain 1: node affinity is a libxl_bitmap of 8 bytes" },
};

START_TEST(test_error)
{
    const struct error_case *c = &error_cases[_i];
    xlnuma_host *h = (xlnuma_host *)&fx;    /* a sentinel, never read */

    c->mutate();
    ck_assert_int_eq(xlnuma_host_from_libxl_arrays(test_ctx, &fx, &h),
                     c->rc);
    ck_assert_ptr_eq(h, (xlnuma_host *)&fx);
    ck_assert_msg(strstr(test_log_text(), c->log),
                  "%s: expected \"%s\" in the log:\n%s", c->name, c->log,
                  test_log_text());
}
END_TEST

START_TEST(test_error_args)
{
    xlnuma_host *h = NULL;

    ck_assert_int_eq(xlnuma_host_from_libxl_arrays(test_ctx, NULL, &h),
                     XLNUMA_ERROR_INVAL);
    ck_assert_int_eq(xlnuma_host_from_libxl_arrays(test_ctx, &fx, NULL),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_null(h);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "the arrays is NULL"));
}
END_TEST

/* ---- TCase "apply": a decision written into a build info ---- */

static xlnuma_host *apply_host;
static xlnuma_result apply_res;
static libxl_domain_build_info bi;

static void setup_apply(void)
{
    setup_xenlab();
    apply_host = convert_ok();
    fx_free();
    xlnuma_result_init(&apply_res);
    apply_res.outcome = XLNUMA_PLACED;
    ck_assert_int_eq(xlnuma_bitmap_set(&apply_res.best.nodes, 1), 0);
    apply_res.best.nr_nodes = 1;
    ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, "2-3", 0,
                                         &apply_res.cpus), 0);
    libxl_domain_build_info_init(&bi);
    libxl_domain_build_info_init_type(&bi, LIBXL_DOMAIN_TYPE_PV);
}

static void teardown_apply(void)
{
    libxl_domain_build_info_dispose(&bi);
    xlnuma_result_dispose(&apply_res);
    xlnuma_host_free(apply_host);
    apply_host = NULL;
    test_ctx_teardown();
}

#define PRE_SOFT    0x1u    /* cpus_soft= gave every vCPU a soft affinity */
#define PRE_HARD    0x2u    /* cpus= gave every vCPU a hard affinity */
#define PRE_NODEMAP 0x4u    /* a node map from an earlier placement */
#define PRE_N       4       /* entries in the pre-existing arrays */

/* Fills bi as xl would for a config with the given settings. */
static void pre_fill(unsigned pre)
{
    if (pre & PRE_SOFT) {
        bi.vcpu_soft_affinity = calloc(PRE_N, sizeof(libxl_bitmap));
        ck_assert_ptr_nonnull(bi.vcpu_soft_affinity);
        for (int i = 0; i < PRE_N; i++) {
            libxl_bitmap_init(&bi.vcpu_soft_affinity[i]);
            lmap(&bi.vcpu_soft_affinity[i], CPU_BITS, "0-1");
        }
        bi.num_vcpu_soft_affinity = PRE_N;
    }
    if (pre & PRE_HARD) {
        bi.vcpu_hard_affinity = calloc(PRE_N, sizeof(libxl_bitmap));
        ck_assert_ptr_nonnull(bi.vcpu_hard_affinity);
        for (int i = 0; i < PRE_N; i++) {
            libxl_bitmap_init(&bi.vcpu_hard_affinity[i]);
            lmap(&bi.vcpu_hard_affinity[i], CPU_BITS, "0");
        }
        bi.num_vcpu_hard_affinity = PRE_N;
    }
    if (pre & PRE_NODEMAP)
        lmap(&bi.nodemap, NODE_BITS, "0");
}

static void assert_lmap(const libxl_bitmap *b, unsigned size,
                        const char *want)
{
    xlnuma_bitmap x;

    ck_assert_uint_eq(b->size, size);
    xlnuma_bitmap_init(&x);
    ck_assert_int_eq(xlnuma_bitmap_from_libxl(b, &x), 0);
    assert_map(&x, want);
    xlnuma_bitmap_dispose(&x);
}

static const struct apply_case {
    xlnuma_mode mode;
    int max_vcpus;
    unsigned pre;
    int want_n;                     /* soft (and, PIN, hard) entries */
} apply_cases[] = {
    { XLNUMA_MODE_AFFINITY, 2, 0,                      2 },
    { XLNUMA_MODE_PIN,      2, 0,                      2 },
    { XLNUMA_MODE_AFFINITY, 0, 0,                      1 },
    { XLNUMA_MODE_AFFINITY, 3, PRE_SOFT | PRE_NODEMAP, 3 },
    { XLNUMA_MODE_PIN,      2, PRE_SOFT | PRE_HARD,    2 },
    { XLNUMA_MODE_AFFINITY, 2, PRE_HARD,               2 },
    { XLNUMA_MODE_PIN,      1, PRE_HARD | PRE_NODEMAP, 1 },
};

START_TEST(test_apply)
{
    const struct apply_case *c = &apply_cases[_i];

    bi.max_vcpus = c->max_vcpus;
    pre_fill(c->pre);
    ck_assert_int_eq(xlnuma_apply_to_build_info(test_ctx, NULL, apply_host,
                                                &apply_res, c->mode, &bi),
                     0);
    /* without a libxl ctx the maps are as wide as the host model */
    assert_lmap(&bi.nodemap, 1, "1");
    ck_assert_int_eq(bi.num_vcpu_soft_affinity, c->want_n);
    for (int i = 0; i < c->want_n; i++)
        assert_lmap(&bi.vcpu_soft_affinity[i], 1, "2-3");
    if (c->mode == XLNUMA_MODE_PIN) {
        ck_assert_int_eq(bi.num_vcpu_hard_affinity, c->want_n);
        for (int i = 0; i < c->want_n; i++)
            assert_lmap(&bi.vcpu_hard_affinity[i], 1, "2-3");
    } else if (c->pre & PRE_HARD) {
        /* affinity mode leaves a given hard affinity alone */
        ck_assert_int_eq(bi.num_vcpu_hard_affinity, PRE_N);
        for (int i = 0; i < PRE_N; i++)
            assert_lmap(&bi.vcpu_hard_affinity[i], CPU_BITS / 8, "0");
    } else {
        ck_assert_int_eq(bi.num_vcpu_hard_affinity, 0);
        ck_assert_ptr_null(bi.vcpu_hard_affinity);
    }
    ck_assert(!libxl_defbool_is_default(bi.numa_placement));
    ck_assert(!libxl_defbool_val(bi.numa_placement));
    /* applying twice replaces, and leaks nothing (valgrind) */
    ck_assert_int_eq(xlnuma_apply_to_build_info(test_ctx, NULL, apply_host,
                                                &apply_res, c->mode, &bi),
                     0);
    ck_assert_int_eq(bi.num_vcpu_soft_affinity, c->want_n);
}
END_TEST

static void ap_not_placed(void) { apply_res.outcome = XLNUMA_NOFIT_MEMORY; }
static void ap_node_beyond(void)
{
    ck_assert_int_eq(xlnuma_bitmap_set(&apply_res.best.nodes, 4), 0);
}
static void ap_no_nodes(void) { xlnuma_bitmap_clear(&apply_res.best.nodes); }
static void ap_cpu_absent(void)
{
    ck_assert_int_eq(xlnuma_bitmap_set(&apply_res.cpus, 7), 0);
}
static void ap_no_cpus(void) { xlnuma_bitmap_clear(&apply_res.cpus); }
static void ap_vcpus_negative(void) { bi.max_vcpus = -1; }
/* vnuma = [ [...], [...] ]: the count is what apply looks at */
static void ap_vnuma(void) { bi.num_vnuma_nodes = 2; }

static const struct apply_error_case {
    void (*mutate)(void);
    int mode;
    const char *log;
} apply_error_cases[] = {
    { ap_not_placed,     XLNUMA_MODE_AFFINITY,
      "no placement to apply: the outcome is no-memory" },
    { ap_node_beyond,    XLNUMA_MODE_AFFINITY,
      "the placement chose node 4, but the host has 2 nodes" },
    { ap_no_nodes,       XLNUMA_MODE_PIN,
      "the placement result has no node" },
    { ap_cpu_absent,     XLNUMA_MODE_PIN,
      "the placement chose cpu 7, which the host does not have online" },
    { ap_no_cpus,        XLNUMA_MODE_AFFINITY,
      "the placement result has no cpu" },
    { ap_vcpus_negative, XLNUMA_MODE_AFFINITY,
      "the build info has max_vcpus -1" },
    { ap_vnuma,          XLNUMA_MODE_AFFINITY,
      "the build info has 2 vNUMA nodes" },
    { NULL,              7,
      "unknown placement mode 7" },
};

START_TEST(test_apply_error)
{
    const struct apply_error_case *c = &apply_error_cases[_i];

    bi.max_vcpus = 2;
    pre_fill(PRE_SOFT | PRE_HARD);
    if (c->mutate)
        c->mutate();
    ck_assert_int_eq(xlnuma_apply_to_build_info(test_ctx, NULL, apply_host,
                                                &apply_res,
                                                (xlnuma_mode)c->mode, &bi),
                     XLNUMA_ERROR_INVAL);
    ck_assert_msg(strstr(test_log_text(), c->log),
                  "expected \"%s\" in the log:\n%s", c->log,
                  test_log_text());
    /* the build info is untouched */
    ck_assert(libxl_defbool_is_default(bi.numa_placement));
    ck_assert_uint_eq(bi.nodemap.size, 0);
    ck_assert_int_eq(bi.num_vcpu_soft_affinity, PRE_N);
    ck_assert_int_eq(bi.num_vcpu_hard_affinity, PRE_N);
    assert_lmap(&bi.vcpu_soft_affinity[0], CPU_BITS / 8, "0-1");
    assert_lmap(&bi.vcpu_hard_affinity[PRE_N - 1], CPU_BITS / 8, "0");
    bi.num_vnuma_nodes = 0;         /* no vnode array to dispose */
}
END_TEST

START_TEST(test_apply_null)
{
    ck_assert_int_eq(xlnuma_apply_to_build_info(test_ctx, NULL, apply_host,
                                                NULL, XLNUMA_MODE_PIN, &bi),
                     XLNUMA_ERROR_INVAL);
    ck_assert_int_eq(xlnuma_apply_to_build_info(test_ctx, NULL, apply_host,
                                                &apply_res, XLNUMA_MODE_PIN,
                                                NULL),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "the result is NULL"));
    ck_assert_ptr_nonnull(strstr(test_log_text(),
                                 "the build info is NULL"));
}
END_TEST

/* ---- A fake libxl, for libxl_host.c without a hypervisor ----
 *
 * These definitions take the place of libxenlight's for the adapter
 * linked into this program: they serve the fixture's arrays, copied the
 * way libxl allocates them, and the adapter frees them with the real
 * libxl _list_free functions.  Flags make a call fail or a domain vanish
 * between two calls, as on a busy host. */

#define NONE UINT32_MAX

static struct {
    bool fail_numainfo, fail_topology, fail_cpupool, fail_domains;
    uint32_t gone;              /* vanished before libxl_list_vcpu */
    uint32_t gone_late;         /* vanished after libxl_list_vcpu */
    uint32_t no_vcpu_yet;       /* exists, has no vCPU yet */
    uint32_t vcpu_fail;         /* exists, libxl_list_vcpu fails */
    uint32_t nodeaff_fail;      /* exists, get_nodeaffinity fails */
    int max_nodes, max_cpus;    /* libxl_get_max_nodes / _cpus */
    unsigned nodeaff_short;     /* node maps narrower than Xen's seen */
} fake;
static int fake_storage;
#define FAKE_LCTX ((libxl_ctx *)&fake_storage)

static void fake_reset(void)
{
    memset(&fake, 0, sizeof(fake));
    fake.gone = fake.gone_late = fake.no_vcpu_yet = NONE;
    fake.vcpu_fail = fake.nodeaff_fail = NONE;
    fake.max_nodes = NODE_BITS;
    fake.max_cpus = CPU_BITS;
}

static void copy_lmap(libxl_bitmap *dst, const libxl_bitmap *src)
{
    libxl_bitmap_init(dst);
    dst->size = src->size;
    dst->map = calloc(src->size ? src->size : 1, 1);
    ck_assert_ptr_nonnull(dst->map);
    if (src->size)
        memcpy(dst->map, src->map, src->size);
}

static int fake_index(uint32_t domid)
{
    for (int i = 0; i < fx.nr_doms; i++)
        if (own.doms[i].domid == domid)
            return i;
    return -1;
}

libxl_numainfo *libxl_get_numainfo(libxl_ctx *ctx, int *nr)
{
    libxl_numainfo *r;

    ck_assert_ptr_eq(ctx, FAKE_LCTX);
    if (fake.fail_numainfo)
        return NULL;
    r = calloc((size_t)own.nr_nodes, sizeof(*r));
    ck_assert_ptr_nonnull(r);
    for (int i = 0; i < own.nr_nodes; i++) {
        r[i] = own.ninfo[i];
        r[i].dists = calloc((size_t)r[i].num_dists, sizeof(uint32_t));
        ck_assert_ptr_nonnull(r[i].dists);
        memcpy(r[i].dists, own.ninfo[i].dists,
               (size_t)r[i].num_dists * sizeof(uint32_t));
    }
    *nr = own.nr_nodes;
    return r;
}

libxl_cputopology *libxl_get_cpu_topology(libxl_ctx *ctx, int *nb_cpu_out)
{
    libxl_cputopology *r;

    if (fake.fail_topology)
        return NULL;
    r = calloc((size_t)own.nr_cpus, sizeof(*r));
    ck_assert_ptr_nonnull(r);
    memcpy(r, own.tinfo, (size_t)own.nr_cpus * sizeof(*r));
    *nb_cpu_out = own.nr_cpus;
    return r;
}

libxl_cpupoolinfo *libxl_list_cpupool(libxl_ctx *ctx, int *nb_pool_out)
{
    libxl_cpupoolinfo *r;

    if (fake.fail_cpupool)
        return NULL;
    r = calloc((size_t)own.nr_pools, sizeof(*r));
    ck_assert_ptr_nonnull(r);
    for (int i = 0; i < own.nr_pools; i++) {
        r[i] = own.pools[i];
        r[i].pool_name = strdup(own.pools[i].pool_name);
        copy_lmap(&r[i].cpumap, &own.pools[i].cpumap);
    }
    *nb_pool_out = own.nr_pools;
    return r;
}

libxl_dominfo *libxl_list_domain(libxl_ctx *ctx, int *nb_domain_out)
{
    libxl_dominfo *r;

    if (fake.fail_domains)
        return NULL;
    r = calloc((size_t)fx.nr_doms, sizeof(*r));
    ck_assert_ptr_nonnull(r);
    for (int i = 0; i < fx.nr_doms; i++) {
        r[i] = own.doms[i];
        r[i].ssid_label = strdup("system_u:system_r:domU_t");
    }
    *nb_domain_out = fx.nr_doms;
    return r;
}

int libxl_domain_info(libxl_ctx *ctx, libxl_dominfo *info_r, uint32_t domid)
{
    int i = fake_index(domid);

    if (i < 0 || domid == fake.gone || domid == fake.gone_late)
        return ERROR_DOMAIN_NOTFOUND;
    if (info_r) {
        *info_r = own.doms[i];
        info_r->ssid_label = NULL;
        if (domid == fake.no_vcpu_yet)
            info_r->vcpu_max_id = UINT32_MAX;
    }
    return 0;
}

libxl_vcpuinfo *libxl_list_vcpu(libxl_ctx *ctx, uint32_t domid,
                                int *nb_vcpu, int *nr_cpus_out)
{
    int i = fake_index(domid);
    libxl_vcpuinfo *r;

    if (i < 0 || domid == fake.gone || domid == fake.no_vcpu_yet ||
        domid == fake.vcpu_fail)
        return NULL;
    r = calloc((size_t)fx_nr_vcpus[i], sizeof(*r));
    ck_assert_ptr_nonnull(r);
    for (int v = 0; v < fx_nr_vcpus[i]; v++) {
        r[v] = own.vcpus[i][v];
        copy_lmap(&r[v].cpumap, &own.vcpus[i][v].cpumap);
        copy_lmap(&r[v].cpumap_soft, &own.vcpus[i][v].cpumap_soft);
    }
    *nb_vcpu = fx_nr_vcpus[i];
    *nr_cpus_out = fake.max_cpus;
    return r;
}

int libxl_domain_get_nodeaffinity(libxl_ctx *ctx, uint32_t domid,
                                  libxl_bitmap *nodemap)
{
    int i = fake_index(domid);

    if (i < 0 || domid == fake.gone || domid == fake.gone_late ||
        domid == fake.nodeaff_fail)
        return ERROR_FAIL;
    /* libxenctrl writes (max_nodes + 7) / 8 bytes, whatever the size */
    if (nodemap->size < ((unsigned)fake.max_nodes + 7) / 8)
        fake.nodeaff_short++;
    memset(nodemap->map, 0, nodemap->size);
    memcpy(nodemap->map, own.nodeaff[i].map,
           nodemap->size < own.nodeaff[i].size ? nodemap->size
                                               : own.nodeaff[i].size);
    return 0;
}

char *libxl_domid_to_name(libxl_ctx *ctx, uint32_t domid)
{
    int i = fake_index(domid);

    return i >= 0 && fx_names[i] ? strdup(fx_names[i]) : NULL;
}

int libxl_get_max_nodes(libxl_ctx *ctx)
{
    return fake.max_nodes ? fake.max_nodes : ERROR_FAIL;
}

int libxl_get_max_cpus(libxl_ctx *ctx)
{
    return fake.max_cpus ? fake.max_cpus : ERROR_FAIL;
}

static void setup_fake(void)
{
    setup_xenlab();
    fake_reset();
}

/* ---- TCase "live": libxl_host.c against the fake ---- */

START_TEST(test_live_ok)
{
    xlnuma_host *h = NULL;
    const xlnuma_domain *d;

    ck_assert_int_eq(xlnuma_host_from_libxl(test_ctx, FAKE_LCTX, &h), 0);
    ck_assert_uint_eq(xlnuma_host_nr_nodes(h), 2);
    ck_assert_uint_eq(xlnuma_host_node(h, 1)->memfree_kib, 604 * MIB);
    ck_assert_uint_eq(xlnuma_host_nr_cpus(h), 4);
    ck_assert_uint_eq(xlnuma_host_nr_pools(h), 1);
    ck_assert_uint_eq(xlnuma_host_nr_domains(h), 3);
    d = xlnuma_host_domain_by_name(h, "g1");
    ck_assert_ptr_nonnull(d);
    assert_map(&d->node_affinity, "1");
    assert_map(&d->vcpus[1].soft, "2-3");
    d = xlnuma_host_domain_by_name(h, "Domain-0");
    assert_map(&d->node_affinity, "0-1");
    ck_assert_uint_eq(fake.nodeaff_short, 0);
    xlnuma_host_free(h);
}
END_TEST

static void lv_gone(void) { fake.gone = 1; }
static void lv_gone_late(void) { fake.gone_late = 1; }
static void lv_no_vcpu_yet(void) { fake.no_vcpu_yet = 1; }

static const struct live_race_case {
    void (*mutate)(void);
    unsigned nr_domains;
    const char *log;                /* NULL: nothing logged */
} live_race_cases[] = {
    { lv_gone,        2, "domain 1 went away while the host was read" },
    { lv_gone_late,   2, "domain 1 went away while the host was read" },
    { lv_no_vcpu_yet, 3, NULL },
};

START_TEST(test_live_race)
{
    const struct live_race_case *c = &live_race_cases[_i];
    xlnuma_host *h = NULL;
    const xlnuma_domain *g1, *g2;

    c->mutate();
    ck_assert_msg(xlnuma_host_from_libxl(test_ctx, FAKE_LCTX, &h) == 0,
                  "log:\n%s", test_log_text());
    ck_assert_uint_eq(xlnuma_host_nr_domains(h), c->nr_domains);
    if (c->log)
        ck_assert_ptr_nonnull(strstr(test_log_text(), c->log));
    else
        ck_assert_str_eq(test_log_text(), "");
    g1 = xlnuma_host_domain_by_name(h, "g1");
    if (c->nr_domains == 2) {
        ck_assert_ptr_null(g1);
    } else {
        ck_assert_ptr_nonnull(g1);
        ck_assert_uint_eq(g1->nr_vcpus, 0);
    }
    /* the domain after the missing one keeps its own data */
    g2 = xlnuma_host_domain_by_name(h, "g2");
    ck_assert_ptr_nonnull(g2);
    ck_assert_uint_eq(g2->domid, 2);
    ck_assert_uint_eq(g2->nr_vcpus, 1);
    ck_assert_int_eq(g2->vcpus[0].cpu, 2);
    assert_map(&g2->vcpus[0].hard, "2-3");
    assert_map(&g2->node_affinity, "1");
    xlnuma_host_free(h);
}
END_TEST

static void lf_numainfo(void) { fake.fail_numainfo = true; }
static void lf_topology(void) { fake.fail_topology = true; }
static void lf_cpupool(void) { fake.fail_cpupool = true; }
static void lf_domains(void) { fake.fail_domains = true; }
static void lf_max_nodes(void) { fake.max_nodes = 0; }
static void lf_max_cpus(void) { fake.max_cpus = 0; }
static void lf_vcpus(void) { fake.vcpu_fail = 2; }
static void lf_nodeaff(void) { fake.nodeaff_fail = 1; }
static void lf_bad_data(void) { own.tinfo[3].node = 5; }

static const struct live_fail_case {
    void (*mutate)(void);
    int rc;
    const char *log;
} live_fail_cases[] = {
    { lf_numainfo,  XLNUMA_ERROR_BACKEND, "libxl_get_numainfo failed" },
    { lf_topology,  XLNUMA_ERROR_BACKEND, "libxl_get_cpu_topology failed" },
    { lf_cpupool,   XLNUMA_ERROR_BACKEND, "libxl_list_cpupool failed" },
    { lf_domains,   XLNUMA_ERROR_BACKEND, "libxl_list_domain failed" },
    { lf_max_nodes, XLNUMA_ERROR_BACKEND, "libxl_get_max_nodes failed" },
    { lf_max_cpus,  XLNUMA_ERROR_BACKEND, "libxl_get_max_cpus failed" },
    { lf_vcpus,     XLNUMA_ERROR_BACKEND,
      "libxl_list_vcpu failed for domain 2 (1 vCPUs)" },
    { lf_nodeaff,   XLNUMA_ERROR_BACKEND,
      "libxl_domain_get_nodeaffinity failed for domain 1" },
    { lf_bad_data,  XLNUMA_ERROR_INCONSISTENT,
      "cpu 3: libxl places it on node 5" },
};

START_TEST(test_live_fail)
{
    const struct live_fail_case *c = &live_fail_cases[_i];
    xlnuma_host *h = NULL;

    c->mutate();
    ck_assert_int_eq(xlnuma_host_from_libxl(test_ctx, FAKE_LCTX, &h), c->rc);
    ck_assert_ptr_null(h);
    ck_assert_msg(strstr(test_log_text(), c->log),
                  "expected \"%s\" in the log:\n%s", c->log,
                  test_log_text());
}
END_TEST

START_TEST(test_live_args)
{
    xlnuma_host *h = NULL;

    ck_assert_int_eq(xlnuma_host_from_libxl(test_ctx, NULL, &h),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "the libxl ctx is NULL"));
}
END_TEST

/* With a libxl ctx, apply sizes the maps as Xen reads them. */
START_TEST(test_live_apply)
{
    xlnuma_host *h = convert_ok();
    xlnuma_result res;
    libxl_domain_build_info b;

    xlnuma_result_init(&res);
    res.outcome = XLNUMA_PLACED;
    ck_assert_int_eq(xlnuma_bitmap_set(&res.best.nodes, 0), 0);
    ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, "0-1", 0, &res.cpus), 0);
    libxl_domain_build_info_init(&b);
    libxl_domain_build_info_init_type(&b, LIBXL_DOMAIN_TYPE_PV);
    b.max_vcpus = 2;
    ck_assert_int_eq(xlnuma_apply_to_build_info(test_ctx, FAKE_LCTX, h, &res,
                                                XLNUMA_MODE_PIN, &b), 0);
    assert_lmap(&b.nodemap, NODE_BITS / 8, "0");
    assert_lmap(&b.vcpu_soft_affinity[1], CPU_BITS / 8, "0-1");
    assert_lmap(&b.vcpu_hard_affinity[0], CPU_BITS / 8, "0-1");
    /* Xen's widths unknown: nothing changes */
    fake.max_nodes = 0;
    ck_assert_int_eq(xlnuma_apply_to_build_info(test_ctx, FAKE_LCTX, h, &res,
                                                XLNUMA_MODE_AFFINITY, &b),
                     XLNUMA_ERROR_BACKEND);
    ck_assert_ptr_nonnull(strstr(test_log_text(),
                                 "libxl_get_max_nodes failed"));
    assert_lmap(&b.nodemap, NODE_BITS / 8, "0");
    ck_assert_int_eq(b.num_vcpu_hard_affinity, 2);
    libxl_domain_build_info_dispose(&b);
    xlnuma_result_dispose(&res);
    xlnuma_host_free(h);
}
END_TEST

START_TEST(test_live_domain_affinity)
{
    xlnuma_bitmap node, hard, soft;

    xlnuma_bitmap_init(&node);
    xlnuma_bitmap_init(&hard);
    xlnuma_bitmap_init(&soft);
    ck_assert_int_eq(xlnuma_bitmap_set(&hard, 100), 0);    /* replaced */
    ck_assert_int_eq(xlnuma_libxl_domain_affinity(test_ctx, FAKE_LCTX, 2,
                                                  &node, &hard, &soft), 0);
    ck_assert_uint_eq(node.nr_bits, NODE_BITS);     /* as Xen reports */
    assert_map(&node, "1");
    assert_map(&hard, "2-3");
    assert_map(&soft, "0-1");
    ck_assert_uint_eq(fake.nodeaff_short, 0);
    /* the union over vCPUs; out-params may be NULL */
    ck_assert_int_eq(xlnuma_libxl_domain_affinity(test_ctx, FAKE_LCTX, 0,
                                                  NULL, NULL, &soft), 0);
    assert_map(&soft, "0-15");
    ck_assert_int_eq(xlnuma_libxl_domain_affinity(test_ctx, FAKE_LCTX, 42,
                                                  &node, &hard, &soft),
                     XLNUMA_ERROR_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(test_log_text(),
                                 "domain 42 does not exist"));
    fake.nodeaff_fail = 1;
    ck_assert_int_eq(xlnuma_libxl_domain_affinity(test_ctx, FAKE_LCTX, 1,
                                                  &node, &hard, NULL),
                     XLNUMA_ERROR_BACKEND);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "libxl_domain_get_"
                                 "nodeaffinity failed for domain 1"));
    fake.vcpu_fail = 2;
    ck_assert_int_eq(xlnuma_libxl_domain_affinity(test_ctx, FAKE_LCTX, 2,
                                                  NULL, &hard, NULL),
                     XLNUMA_ERROR_BACKEND);
    ck_assert_ptr_nonnull(strstr(test_log_text(),
                                 "libxl_list_vcpu failed for domain 2"));
    /* failures leave the out-params as they were */
    assert_map(&node, "1");
    assert_map(&hard, "2-3");
    fake.no_vcpu_yet = 1;
    ck_assert_int_eq(xlnuma_libxl_domain_affinity(test_ctx, FAKE_LCTX, 1,
                                                  NULL, &hard, &soft), 0);
    ck_assert(xlnuma_bitmap_is_empty(&hard));
    ck_assert(xlnuma_bitmap_is_empty(&soft));
    xlnuma_bitmap_dispose(&node);
    xlnuma_bitmap_dispose(&hard);
    xlnuma_bitmap_dispose(&soft);
}
END_TEST

START_TEST(test_live_domid_by_name)
{
    uint32_t domid = 77;

    ck_assert_int_eq(xlnuma_libxl_domid_by_name(test_ctx, FAKE_LCTX, "g2",
                                                &domid), 0);
    ck_assert_uint_eq(domid, 2);
    ck_assert_int_eq(xlnuma_libxl_domid_by_name(test_ctx, FAKE_LCTX,
                                                "Domain-0", &domid), 0);
    ck_assert_uint_eq(domid, 0);
    domid = 77;
    ck_assert_int_eq(xlnuma_libxl_domid_by_name(test_ctx, FAKE_LCTX, "g",
                                                &domid),
                     XLNUMA_ERROR_NOTFOUND);
    ck_assert_uint_eq(domid, 77);
    ck_assert_ptr_nonnull(strstr(test_log_text(),
                                 "no domain is named \"g\""));
    fake.fail_domains = true;
    ck_assert_int_eq(xlnuma_libxl_domid_by_name(test_ctx, FAKE_LCTX, "g2",
                                                &domid),
                     XLNUMA_ERROR_BACKEND);
    ck_assert_int_eq(xlnuma_libxl_domid_by_name(test_ctx, FAKE_LCTX, NULL,
                                                &domid),
                     XLNUMA_ERROR_INVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("libxl_convert");
    TCase *tc;

    tc = tcase_create("bitmap");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_bitmap_roundtrip, 0,
                        ARRAY_SIZE(bitmap_cases));
    tcase_add_test(tc, test_bitmap_errors);
    suite_add_tcase(s, tc);

    tc = tcase_create("xenlab");
    tcase_add_checked_fixture(tc, setup_xenlab, teardown_fx);
    tcase_add_test(tc, test_xenlab_nodes);
    tcase_add_test(tc, test_xenlab_cpus_pools);
    tcase_add_test(tc, test_xenlab_domains);
    suite_add_tcase(s, tc);

    tc = tcase_create("sparse");
    tcase_add_checked_fixture(tc, setup_sparse, teardown_fx);
    tcase_add_test(tc, test_sparse_nodes_cpus);
    tcase_add_test(tc, test_sparse_pools_domains);
    suite_add_tcase(s, tc);

    tc = tcase_create("variants");
    tcase_add_checked_fixture(tc, setup_xenlab, teardown_fx);
    tcase_add_loop_test(tc, test_variant, 0, ARRAY_SIZE(variant_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup_xenlab, teardown_fx);
    tcase_add_loop_test(tc, test_error, 0, ARRAY_SIZE(error_cases));
    tcase_add_test(tc, test_error_args);
    suite_add_tcase(s, tc);

    tc = tcase_create("apply");
    tcase_add_checked_fixture(tc, setup_apply, teardown_apply);
    tcase_add_loop_test(tc, test_apply, 0, ARRAY_SIZE(apply_cases));
    tcase_add_loop_test(tc, test_apply_error, 0,
                        ARRAY_SIZE(apply_error_cases));
    tcase_add_test(tc, test_apply_null);
    suite_add_tcase(s, tc);

    tc = tcase_create("live");
    tcase_add_checked_fixture(tc, setup_fake, teardown_fx);
    tcase_add_test(tc, test_live_ok);
    tcase_add_loop_test(tc, test_live_race, 0, ARRAY_SIZE(live_race_cases));
    tcase_add_loop_test(tc, test_live_fail, 0, ARRAY_SIZE(live_fail_cases));
    tcase_add_test(tc, test_live_args);
    tcase_add_test(tc, test_live_apply);
    tcase_add_test(tc, test_live_domain_affinity);
    tcase_add_test(tc, test_live_domid_by_name);
    suite_add_tcase(s, tc);

    return xlnuma_test_run(s);
}
