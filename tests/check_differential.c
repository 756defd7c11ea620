/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_differential.c: the engine against the brute-force reference on
 * random hosts.
 *
 * A seeded generator (splitmix64; the seed is printed and can be set
 * with XLNUMA_DIFF_SEED) builds varied hosts through the public builder
 * and one random request per host, and every policy -- the built-ins
 * and two test plug-ins, one with a compare callback and one with a
 * filter -- is run through xlnuma_place() and ref_place().  Both must
 * give the same rc, outcome, node set and figures.  A mismatch prints
 * the seed, the host number, the host, the request and both answers.
 *
 * Reproduce host N alone:
 *   XLNUMA_DIFF_SEED=S XLNUMA_DIFF_FIRST=N XLNUMA_DIFF_HOSTS=1 \
 *       tests/check_differential
 * Two more passes check the reduction of load-first searches
 * (placement.c, reduce()), which the engine uses from 25 suitable nodes
 * on: the same hosts with it forced at every size, xen43 against the
 * reference; and hosts of 25 to 40 nodes, xen43 with the reduction
 * against the plain search (no reference is fast enough there).
 *
 * XLNUMA_DIFF_DUMPS=K dumps the first K mismatches of each batch of
 * 250 hosts (default 3); XLNUMA_DIFF_LOG=1 sends the library's log to
 * stderr; XLNUMA_DIFF_JSON=DIR saves each dumped host there as a JSON
 * state file (xl-numa --host FILE).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reference.h"
#include "testutil.h"
#include "xlnuma_internal.h"    /* ctx->reduce_from */

#define DEFAULT_SEED UINT64_C(0x5eed0f1a7c0ffee5)
#define DEFAULT_HOSTS 10000u
#define BATCH 250u
#define COVERAGE_HOSTS 1500u
#define MAX_NODES_BIG 24u
#define MAX_NODES_GEN 40u       /* the reduction pass's hosts */
#define REDUCE_HOSTS 400u
/* The reference may look at this many sets per call on hosts of more
 * than 12 suitable nodes; beyond it the request is scaled down. */
#define REF_BUDGET 20000ull
#define MAX_DUMPS 3u

static uint64_t seed = DEFAULT_SEED;
/* No logger by default: a capturing one would hold every message of
 * 80000 placements.  XLNUMA_DIFF_LOG=1 logs to stderr, to reproduce. */
static xlnuma_ctx *dctx;
static xentoollog_logger_stdiostream *dlog;
static unsigned first_host, nr_hosts = DEFAULT_HOSTS;
static unsigned long long max_dumps = MAX_DUMPS;
static const char *json_dir;    /* XLNUMA_DIFF_JSON: save hosts there */
/* Set by a test case (check forks one process per test). */
static unsigned gen_max_nodes = MAX_NODES_BIG;
static bool xen43_only;
static unsigned tiny_budget;    /* > 0: the engine gets 1..this steps */

/* ---- the generator ---- */

struct rng {
    uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 when n == 0. */
static uint64_t below(struct rng *r, uint64_t n)
{
    return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned pct)
{
    return below(r, 100) < pct;
}

static void rng_for_host(struct rng *r, unsigned host, unsigned stream)
{
    r->s = seed ^ (UINT64_C(0x632be59bd9b4e019) * (host + 1)) ^
           ((uint64_t)stream << 56);
    rnd(r);
}

struct cpu_entry {
    int node, core, socket;
};

static uint64_t gen_size(struct rng *r, unsigned mode)
{
    switch (mode) {
    case 0:     /* ordinary: 1..64 GiB, sometimes odd KiB counts */
        return (1 + below(r, 64)) * GIB + (chance(r, 30) ? below(r, GIB)
                                                         : 0);
    case 1:     /* around 2 TiB */
        return 2 * TIB + below(r, 2 * TIB);
    case 2:     /* 4 TiB and more */
        return 4 * TIB + below(r, 60 * TIB);
    default:    /* very large: up to 2^50 KiB */
        return (UINT64_C(1) << 42) + below(r, (UINT64_C(1) << 50) -
                                              (UINT64_C(1) << 42));
    }
}

static uint64_t gen_free(struct rng *r, unsigned mode, uint64_t size)
{
    uint64_t f;

    switch (mode) {
    case 1:     /* near 2 TiB = 2^31 KiB */
        f = 2 * TIB - GIB + below(r, 2 * GIB);
        break;
    case 2:     /* 4 TiB and more: 2^32 KiB + ... */
        f = 4 * TIB + below(r, size - 4 * TIB + 1);
        break;
    default:
        f = below(r, size + 1);
        if (chance(r, 50))
            f -= f % MIB;
        break;
    }
    return f > size ? size : f;
}

static void set_all(struct rng *r, xlnuma_bitmap *b, unsigned n, unsigned pct)
{
    for (unsigned i = 0; i < n; i++)
        if (chance(r, pct))
            ck_assert_int_eq(xlnuma_bitmap_set(b, i), 0);
}

static const unsigned slit_values[] = { 11, 12, 16, 17, 19, 20, 21, 28, 32 };

static xlnuma_host *gen_host(struct rng *r, xlnuma_ctx *ctx)
{
    xlnuma_host *h = NULL;
    unsigned roll = (unsigned)below(r, 100), nn, gap = UINT32_MAX;
    unsigned threads, per, nr_entries = 0, nr_pools = 0, pool_ids[3];
    unsigned slit_mode, mem_mode, nr_online = 0, nd;
    struct cpu_entry *e;
    bool uniform, shared_sockets, collide, big;
    uint64_t eq_size = 0, eq_free = 0;
    unsigned dist[MAX_NODES_GEN][MAX_NODES_GEN];

    if (roll < 3)
        nn = 1;
    else if (roll < 88)
        nn = 2 + (unsigned)below(r, 11);
    else
        nn = 13 + (unsigned)below(r, gen_max_nodes - 12);
    big = nn > 12;
    if (nn >= 3 && chance(r, 5))
        gap = 1 + (unsigned)below(r, nn - 2);
    threads = chance(r, 30) ? 2 : 1;
    uniform = chance(r, 40);
    per = 1 + (unsigned)below(r, big ? 3 : 6);
    shared_sockets = chance(r, 20);
    collide = chance(r, 50);
    mem_mode = (unsigned)below(r, 100);
    if (mem_mode >= 45 && mem_mode < 60) {
        unsigned m = chance(r, 70) ? 0 : 1 + (unsigned)below(r, 3);

        eq_size = gen_size(r, m);
        eq_free = gen_free(r, m, eq_size);
    }

    ck_assert_int_eq(xlnuma_host_alloc(ctx, &h), 0);

    /* nodes and memory */
    for (unsigned n = 0; n < nn; n++) {
        uint64_t size, fr;
        unsigned m;

        if (n == gap)
            continue;
        if (mem_mode < 45) {
            size = gen_size(r, 0);
            fr = gen_free(r, 0, size);
        } else if (mem_mode < 60) {
            size = eq_size;
            fr = eq_free;
        } else if (mem_mode < 70) {
            size = gen_size(r, 0);
            fr = chance(r, 75) ? below(r, 64 * MIB) : gen_free(r, 0, size);
            if (fr > size)
                fr = size;
        } else if (mem_mode < 85) {
            m = 1 + (unsigned)below(r, 3);
            size = gen_size(r, m);
            fr = gen_free(r, m, size);
        } else {
            m = (unsigned)below(r, 4);
            size = gen_size(r, m);
            fr = gen_free(r, m, size);
        }
        ck_assert_int_eq(xlnuma_host_add_node(ctx, h, n, size, fr), 0);
    }
    if (chance(r, 25)) {
        bool only0 = chance(r, 50);

        for (unsigned n = 0; n < nn; n++) {
            if (n == gap || (only0 && n))
                continue;
            ck_assert_int_eq(xlnuma_host_set_dma(ctx, h, n,
                below(r, xlnuma_host_node(h, n)->memfree_kib + 1)), 0);
        }
    }

    /* SLIT */
    slit_mode = (unsigned)below(r, 100);
    for (unsigned i = 0; i < nn; i++)
        for (unsigned j = 0; j <= i; j++) {
            unsigned d = slit_values[below(r, ARRAY_SIZE(slit_values))];

            if (i == j)
                d = 10;
            else if (slit_mode >= 75 && slit_mode < 85)
                d = 20;
            else if (slit_mode >= 85 && slit_mode < 90)
                d = 10;
            dist[i][j] = dist[j][i] = d;
            if (i != j && slit_mode >= 90)  /* asymmetric */
                dist[i][j] = slit_values[below(r, ARRAY_SIZE(slit_values))];
        }
    if (slit_mode >= 15) {
        for (unsigned i = 0; i < nn; i++)
            for (unsigned j = 0; j < nn; j++)
                if (i != gap && j != gap)
                    ck_assert_int_eq(xlnuma_host_set_distance(ctx, h, i, j,
                                                              dist[i][j]), 0);
    }

    /* cpus: per node, cores x threads; some offline; maybe shuffled */
    e = calloc((size_t)nn * 16 * 2 + 8, sizeof(*e));
    ck_assert_ptr_nonnull(e);
    for (unsigned n = 0; n < nn; n++) {
        unsigned cores = uniform ? per
                       : (unsigned)below(r, big ? 4 : 7);

        if (n == gap)
            continue;
        for (unsigned c = 0; c < cores; c++)
            for (unsigned t = 0; t < threads; t++) {
                e[nr_entries].node = (int)n;
                e[nr_entries].socket = shared_sockets ? (int)n / 2 : (int)n;
                e[nr_entries].core = shared_sockets && !collide
                                   ? (int)((n % 2) * 64 + c) : (int)c;
                nr_entries++;
            }
    }
    if (!nr_entries) {
        e[0].node = 0;
        nr_entries = 1;
    }
    if (chance(r, 10)) {
        unsigned off = 1 + (unsigned)below(r, 3);

        for (unsigned i = 0; i < off; i++) {
            e[nr_entries].node = XLNUMA_NO_NODE;
            e[nr_entries].core = e[nr_entries].socket = -1;
            nr_entries++;
        }
    }
    if (chance(r, 30)) {
        for (unsigned i = nr_entries - 1; i > 0; i--) {
            unsigned j = (unsigned)below(r, i + 1);
            struct cpu_entry t = e[i];

            e[i] = e[j];
            e[j] = t;
        }
    }
    for (unsigned i = 0; i < nr_entries; i++) {
        ck_assert_int_eq(xlnuma_host_add_cpu(ctx, h, i, e[i].core,
                                             e[i].socket, e[i].node), 0);
        if (e[i].node != XLNUMA_NO_NODE)
            nr_online++;
    }
    ck_assert_uint_gt(nr_online, 0);

    /* cpupools */
    if (chance(r, 45)) {
        unsigned pr = (unsigned)below(r, 100), empty;
        xlnuma_bitmap pc[3];

        nr_pools = 2 + (unsigned)below(r, 2);
        for (unsigned p = 0; p < nr_pools; p++) {
            pool_ids[p] = pr < 85 ? p : pr < 95 ? p * 3 + (p ? 1 : 0)
                                               : p + 1;
            xlnuma_bitmap_init(&pc[p]);
        }
        empty = chance(r, 10) ? nr_pools - 1 : UINT32_MAX;
        for (unsigned i = 0; i < nr_entries; i++) {
            unsigned p = (unsigned)below(r, nr_pools);

            if (e[i].node == XLNUMA_NO_NODE || chance(r, 8) || p == empty)
                continue;
            ck_assert_int_eq(xlnuma_bitmap_set(&pc[p], i), 0);
        }
        for (unsigned p = 0; p < nr_pools; p++) {
            char name[16];

            snprintf(name, sizeof(name), "p%u", pool_ids[p]);
            ck_assert_int_eq(xlnuma_host_add_pool(ctx, h, pool_ids[p], name,
                                                  "credit2", &pc[p]), 0);
            xlnuma_bitmap_dispose(&pc[p]);
        }
    } else {
        nr_pools = 1;
        pool_ids[0] = 0;
    }

    /* domains */
    nd = (unsigned)below(r, big ? 5 : 9);
    for (unsigned i = 0; i < nd; i++) {
        xlnuma_domain d;
        unsigned hard_mode = (unsigned)below(r, 100);
        unsigned nv = 1 + (unsigned)below(r, big ? 3 : (i ? 6 : 8));
        xlnuma_bitmap shared;
        char name[16];

        xlnuma_domain_init(&d);
        xlnuma_bitmap_init(&shared);
        d.domid = i ? i * 10 + (uint32_t)below(r, 10) : 0;
        snprintf(name, sizeof(name), "d%u", d.domid);
        d.name = strdup(name);
        ck_assert_ptr_nonnull(d.name);
        d.pool = pool_ids[below(r, nr_pools)];
        d.mem_kib = below(r, UINT64_C(1) << 40);
        if (chance(r, 50))
            set_all(r, &d.node_affinity, nn, 40);
        if (hard_mode < 40) {
            set_all(r, &shared, nr_entries, 100);
        } else if (hard_mode < 65) {
            set_all(r, &shared, nr_entries, 30);
        } else if (hard_mode < 90) {
            unsigned n1 = (unsigned)below(r, nn), n2 = (unsigned)below(r, nn);
            bool two = chance(r, 40);

            for (unsigned c = 0; c < nr_entries; c++)
                if (e[c].node == (int)n1 || (two && e[c].node == (int)n2))
                    ck_assert_int_eq(xlnuma_bitmap_set(&shared, c), 0);
        }
        d.vcpus = calloc(nv, sizeof(*d.vcpus));
        ck_assert_ptr_nonnull(d.vcpus);
        for (unsigned v = 0; v < nv; v++) {
            xlnuma_vcpu *vc = &d.vcpus[v];

            xlnuma_vcpu_init(vc);
            d.nr_vcpus = v + 1;
            vc->id = v;
            vc->online = !chance(r, 10);
            if (hard_mode >= 90)    /* per-vCPU masks */
                set_all(r, &vc->hard, nr_entries, 35);
            else
                ck_assert_int_eq(xlnuma_bitmap_copy(&vc->hard, &shared), 0);
            if (chance(r, 30))
                set_all(r, &vc->soft, nr_entries, 50);
            if (chance(r, 50))
                vc->cpu = (int)below(r, nr_entries);
        }
        xlnuma_bitmap_dispose(&shared);
        ck_assert_int_eq(xlnuma_host_add_domain(ctx, h, &d), 0);
        xlnuma_domain_dispose(&d);
    }
    free(e);
    ck_assert_int_eq(xlnuma_host_finish(ctx, h), 0);
    return h;
}

/* Usable memory of node n under req (step 5), saturating. */
static uint64_t gen_usable(const xlnuma_host *h, unsigned n,
                           const xlnuma_request *req)
{
    const xlnuma_node *node = xlnuma_host_node(h, n);
    uint64_t base = node->memfree_kib - (req->dma_aware ? node->dmafree_kib
                                                        : 0);
    unsigned __int128 reserve = (unsigned __int128)req->headroom_kib +
        (unsigned __int128)node->memsize_kib * req->headroom_pct / 100;

    return (unsigned __int128)base > reserve ? base - (uint64_t)reserve : 0;
}

static void gen_request(struct rng *r, const xlnuma_host *h,
                        xlnuma_request *req)
{
    unsigned nn = xlnuma_host_nr_nodes(h), nc = xlnuma_host_nr_cpus(h);
    unsigned online = 0, most = 0, roll;
    uint64_t max_free = 0, total_free = 0;

    /* Every field is set here, whatever xlnuma_request_init() chose. */
    xlnuma_bitmap_clear(&req->cpus);
    req->policy = NULL;
    req->headroom_kib = 0;
    req->headroom_pct = 0;
    req->min_nodes = req->max_nodes = 0;
    req->max_steps = 0;         /* the default: 24 nodes finish inside */

    for (unsigned n = 0; n < nn; n++) {
        const xlnuma_node *node = xlnuma_host_node(h, n);
        unsigned c = xlnuma_bitmap_count(&node->cpus);

        online += c;
        if (c > most)
            most = c;
        total_free += node->memfree_kib;
        if (node->memfree_kib > max_free)
            max_free = node->memfree_kib;
    }

    roll = (unsigned)below(r, 100);
    if (roll < 3) {
        req->pool = 50 + (int)below(r, 50);    /* no such pool */
    } else if (roll < 4) {
        req->pool = -2 - (int)below(r, 5);
    } else if (roll < 50) {
        req->pool = -1;
    } else {
        req->pool = (int)xlnuma_host_pool(h, (unsigned)below(r,
                                          xlnuma_host_nr_pools(h)))->id;
    }
    if (chance(r, 20)) {
        if (chance(r, 50)) {
            set_all(r, &req->cpus, nc + 4, 50);
        } else {
            xlnuma_bitmap_copy(&req->cpus,
                               &xlnuma_host_node(h, (unsigned)below(r, nn))
                                   ->cpus);
            if (chance(r, 50))
                set_all(r, &req->cpus, nc, 20);
        }
    }

    roll = (unsigned)below(r, 100);
    if (roll < 50)
        req->vcpus = 1 + (unsigned)below(r, most + 1);
    else if (roll < 85)
        req->vcpus = 1 + (unsigned)below(r, online);
    else
        req->vcpus = 1 + (unsigned)below(r, 2 * online);

    if (chance(r, 12))
        req->headroom_kib = below(r, max_free / 2 + 1);
    else if (chance(r, 3))
        req->headroom_kib = below(r, UINT64_MAX);
    if (chance(r, 10))
        req->headroom_pct = (unsigned)below(r, 51);
    else if (chance(r, 2))
        req->headroom_pct = 100 + (unsigned)below(r, 200);
    req->smt_cores = chance(r, 20);
    req->dma_aware = chance(r, 20);
    if (chance(r, 12))
        req->min_nodes = 1 + (unsigned)below(r, nn + 1);
    if (chance(r, 12))
        req->max_nodes = 1 + (unsigned)below(r, nn + 1);
    req->explain = chance(r, 10);
    if (chance(r, 8))           /* a tight search budget */
        req->max_steps = 1 + below(r, 3000);

    roll = (unsigned)below(r, 100);
    if (roll < 8) {
        req->need_kib = 0;
    } else if (roll < 33) {
        req->need_kib = below(r, max_free + 1);
    } else if (roll < 63) {
        /* an exact fit of 1..3 nodes, sometimes one KiB either side */
        unsigned k = 1 + (unsigned)below(r, 3);
        uint64_t sum = 0;

        for (unsigned i = 0; i < k; i++)
            sum += gen_usable(h, (unsigned)below(r, nn), req);
        if (roll >= 53)
            sum = roll & 1 ? sum + 1 : (sum ? sum - 1 : 0);
        req->need_kib = sum;
    } else if (roll < 85) {
        req->need_kib = below(r, total_free + 1);
    } else {
        req->need_kib = total_free + 1 + below(r, total_free + 1);
    }
}

/* ---- the plug-ins under test ---- */

struct plug_priv {
    unsigned variant;
    unsigned mod, rem;          /* filter: reject when hash % mod == rem */
    unsigned max_load;          /* filter: reject above; UINT_MAX off */
    bool reject_all;
};

static struct plug_priv cmp_priv, filt_priv;

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

/* Four total preorders over the documented figures. */
static int diff_compare(const xlnuma_candidate *a, const xlnuma_candidate *b,
                        void *priv)
{
    const struct plug_priv *p = priv;
    int c;

    switch (p->variant) {
    case 0:
        if ((c = cmp_u64(a->max_distance, b->max_distance)))
            return c;
        if ((c = cmp_u64(a->load, b->load)))
            return c;
        if ((c = cmp_u64(b->nr_cores, a->nr_cores)))
            return c;
        return cmp_u64(b->free_kib >> 20, a->free_kib >> 20);
    case 1:
        if ((c = cmp_u64((uint64_t)a->load * 1000 /
                         (a->nr_cpus ? a->nr_cpus : 1),
                         (uint64_t)b->load * 1000 /
                         (b->nr_cpus ? b->nr_cpus : 1))))
            return c;
        return cmp_u64(a->distance, b->distance);
    case 2:
        return 0;
    default:
        if ((c = cmp_u64(b->distance, a->distance)))
            return c;
        return cmp_u64(a->free_kib, b->free_kib);
    }
}

static bool diff_filter(const xlnuma_candidate *c, void *priv)
{
    const struct plug_priv *p = priv;
    unsigned hash = 0;

    if (p->reject_all)
        return false;
    xlnuma_bitmap_for_each(n, &c->nodes)
        hash = hash * 31 + (unsigned)n + 1;
    if (p->mod && hash % p->mod == p->rem)
        return false;
    return c->load <= p->max_load;
}

static xlnuma_policy pol_cmp = {
    .name = "test-diff-compare",
    .summary = "plug-in with a compare callback",
    .compare = diff_compare,
    .priv = &cmp_priv,
};

static xlnuma_policy pol_filter = {
    .name = "test-diff-filter",
    .summary = "plug-in with keys and a filter",
    .filter = diff_filter,
    .priv = &filt_priv,
};

static const xlnuma_key key_lists[][XLNUMA_MAX_KEYS] = {
    { XLNUMA_KEY_LOAD_LESS, XLNUMA_KEY_FREE_MORE },
    { XLNUMA_KEY_FREE_LESS },
    { XLNUMA_KEY_MAXDIST_LESS, XLNUMA_KEY_DISTANCE_LESS,
      XLNUMA_KEY_LOAD_LESS },
    { XLNUMA_KEY_END },
    { XLNUMA_KEY_DISTANCE_LESS, XLNUMA_KEY_FREE_LESS },
    { XLNUMA_KEY_FREE_MORE, XLNUMA_KEY_MAXDIST_LESS, XLNUMA_KEY_LOAD_LESS,
      XLNUMA_KEY_DISTANCE_LESS, XLNUMA_KEY_FREE_LESS },
};

static void gen_plugins(struct rng *r, bool big)
{
    pol_cmp.load_model = chance(r, 30) ? XLNUMA_LOAD_PER_CANDIDATE
                                       : XLNUMA_LOAD_PER_NODE;
    pol_cmp.flags = chance(r, 50) ? XLNUMA_POLICY_PLACE_ONE_NODE_HOST : 0;
    cmp_priv.variant = (unsigned)below(r, 4);

    pol_filter.load_model = chance(r, 30) ? XLNUMA_LOAD_PER_CANDIDATE
                                          : XLNUMA_LOAD_PER_NODE;
    pol_filter.flags = chance(r, 50) ? XLNUMA_POLICY_PLACE_ONE_NODE_HOST : 0;
    memcpy(pol_filter.keys, key_lists[below(r, ARRAY_SIZE(key_lists))],
           sizeof(pol_filter.keys));
    filt_priv.mod = chance(r, 70) ? 2 + (unsigned)below(r, 4) : 0;
    filt_priv.rem = (unsigned)below(r, filt_priv.mod ? filt_priv.mod : 1);
    /* On big hosts a load bound or rejecting everything would make the
     * reference enumerate every subset. */
    filt_priv.max_load = !big && chance(r, 30) ? (unsigned)below(r, 12)
                                               : UINT32_MAX;
    filt_priv.reject_all = !big && chance(r, 5);
}

/* ---- comparing ---- */

struct stats {
    unsigned long long placements, mismatches, dumps, scaled;
    unsigned long long outcome[XLNUMA_NOFIT_FILTER + 1];
    unsigned long long inval, big_hosts, huge32, huge42, exact, smt_diff;
    unsigned long long sets, inexact;
    unsigned long long reductions;  /* placements with nodes fixed */
    unsigned long long gaps;        /* inexact ones with a gap checked */
};

static void dump_engine(FILE *f, int rc, const xlnuma_result *res)
{
    char b1[512], b2[512];

    fprintf(f, "engine:    rc %d (%s)", rc, xlnuma_error_name(rc));
    if (!rc)
        fprintf(f, " outcome %s", ref_outcome_name(res->outcome));
    if (!rc)
        fprintf(f, " bounds %u..%u", res->min_nodes, res->max_nodes);
    if (!rc && res->outcome == XLNUMA_PLACED)
        fprintf(f, " nodes [%s] nr_nodes %u nr_cpus %u nr_cores %u load %u "
                "free %" PRIu64 " distance %" PRIu64 " maxdist %u "
                "cpus [%s]", ref_fmt_bitmap(b1, sizeof(b1), &res->best.nodes),
                res->best.nr_nodes, res->best.nr_cpus, res->best.nr_cores,
                res->best.load, res->best.free_kib, res->best.distance,
                res->best.max_distance,
                ref_fmt_bitmap(b2, sizeof(b2), &res->cpus));
    fprintf(f, " (%llu evaluated, %llu pruned)\n", res->nr_evaluated,
            res->nr_pruned);
}

/* False when the engine agrees with the reference; else true, with the
 * fields that differ listed in buf. */
static bool differs(int rc, const xlnuma_result *res, const ref_result *ref,
                    char *buf, size_t len)
{
    const xlnuma_candidate *b = &res->best;
    size_t used = 0;

#define DIFF(cond, name)                                                   \
    do {                                                                   \
        if ((cond) && used < len)                                          \
            used += (size_t)snprintf(buf + used, len - used, "%s%s",       \
                                     used ? " " : "", (name));             \
    } while (0)

    buf[0] = '\0';
    DIFF(rc != ref->rc, "rc");
    if (rc || ref->rc)
        return used > 0;
    DIFF(res->outcome != ref->outcome, "outcome");
    DIFF(ref->have_bounds && !res->exact, "exact");
    DIFF(ref->have_bounds && (res->min_nodes != ref->min_nodes ||
                              res->max_nodes != ref->max_nodes),
         "min_nodes/max_nodes");
    if (res->outcome != XLNUMA_PLACED || ref->outcome != XLNUMA_PLACED)
        return used > 0;
    DIFF(!xlnuma_bitmap_equal(&b->nodes, &ref->nodes), "nodes");
    DIFF(res->dma_fallback != ref->dma_fallback, "dma_fallback");
    DIFF(b->nr_nodes != ref->nr_nodes, "nr_nodes");
    DIFF(b->nr_cpus != ref->nr_cpus, "nr_cpus");
    DIFF(b->nr_cores != ref->nr_cores, "nr_cores");
    DIFF(b->load != ref->load, "load");
    DIFF(b->free_kib != ref->free_kib, "free_kib");
    DIFF(b->distance != ref->distance, "distance");
    DIFF(b->max_distance != ref->max_distance, "max_distance");
    DIFF(!xlnuma_bitmap_equal(&res->cpus, &ref->cpus), "cpus");
#undef DIFF
    return used > 0;
}

/* With a step budget that ran out (res->exact false), the engine may
 * answer NOFIT_BUDGET, or PLACED with a candidate that is not the
 * optimum: then it must be a real candidate of the right size, with its
 * true figures, and no better than the reference's optimum. */
/* The optimum's figure on the first key is within gap of best's. */
static bool gap_covers(const xlnuma_request *req, const xlnuma_candidate *b,
                       const ref_result *ref, uint64_t gap)
{
    switch (req->policy->keys[0]) {
    case XLNUMA_KEY_LOAD_LESS:
        return b->load <= ref->load + gap;
    case XLNUMA_KEY_FREE_LESS:
        return b->free_kib <= ref->free_kib + gap;
    case XLNUMA_KEY_FREE_MORE:
        return ref->free_kib <= b->free_kib + gap;
    case XLNUMA_KEY_DISTANCE_LESS:
        return b->distance <= ref->distance + gap;
    case XLNUMA_KEY_MAXDIST_LESS:
        return b->max_distance <= ref->max_distance + gap;
    default:
        return false;           /* no gap is claimed without a key */
    }
}

static bool budget_differs(const xlnuma_host *h, const xlnuma_request *req,
                           const xlnuma_result *res, const ref_result *ref,
                           char *buf, size_t len)
{
    const xlnuma_candidate *b = &res->best;
    /* A fallback set is judged without the DMA rule, as it was chosen. */
    xlnuma_request plain = *req;
    ref_result ev;
    bool feasible, accepted, bad = true;

    plain.dma_aware = false;

    if (res->outcome == XLNUMA_NOFIT_BUDGET)
        return false;
    ref_result_init(&ev);
    if (res->outcome != XLNUMA_PLACED)
        snprintf(buf, len, "inexact outcome %s",
                 ref_outcome_name(res->outcome));
    else if (ref->rc || ref->outcome != XLNUMA_PLACED)
        snprintf(buf, len, "inexact placement where none exists");
    else if (b->nr_nodes != ref->nr_nodes)
        snprintf(buf, len, "inexact placement on %u nodes, not %u",
                 b->nr_nodes, ref->nr_nodes);
    else if (ref_evaluate(h, res->dma_fallback ? &plain : req, &b->nodes,
                          &ev, &feasible, &accepted) || !accepted)
        snprintf(buf, len, "inexact placement is not a candidate");
    else if (b->nr_cpus != ev.nr_cpus || b->nr_cores != ev.nr_cores ||
             b->load != ev.load || b->free_kib != ev.free_kib ||
             b->distance != ev.distance ||
             b->max_distance != ev.max_distance ||
             !xlnuma_bitmap_equal(&res->cpus, &ev.cpus))
        snprintf(buf, len, "inexact placement has wrong figures");
    else if (ref_compare_results(req, &ev, ref) < 0)
        snprintf(buf, len, "inexact placement beats the optimum");
    else if (res->has_gap && !gap_covers(req, b, ref, res->gap))
        snprintf(buf, len, "inexact placement: the optimum is further than "
                 "the gap %" PRIu64, res->gap);
    else
        bad = false;
    ref_result_dispose(&ev);
    return bad;
}

static void tally(struct stats *st, const xlnuma_request *req,
                  const ref_result *ref)
{
    st->sets += ref->nr_sets;
    if (ref->rc) {
        st->inval++;
        return;
    }
    st->outcome[ref->outcome]++;
    if (ref->outcome != XLNUMA_PLACED)
        return;
    if (ref->free_kib > UINT32_MAX)
        st->huge32++;
    if (ref->free_kib >> 42)
        st->huge42++;
    if (ref->usable_kib == req->need_kib && req->need_kib)
        st->exact++;
    if (req->smt_cores && ref->nr_cores < xlnuma_bitmap_count(&ref->cpus))
        st->smt_diff++;
}

/* Keep a mismatching host as a JSON state file, for xl-numa --host. */
static void save_json(xlnuma_ctx *ctx, const xlnuma_host *h, unsigned host)
{
    char path[4096];

    if (!json_dir)
        return;
    snprintf(path, sizeof(path), "%s/diff-%016" PRIx64 "-%u.json", json_dir,
             seed, host);
    if (xlnuma_host_save(ctx, h, path))
        printf("could not save the host as %s\n", path);
    else
        printf("host saved as %s\n", path);
}

/* One host, one request, every policy.  with_engine false: the
 * reference alone (for the generator's coverage). */
static void run_host(xlnuma_ctx *ctx, unsigned host, bool with_engine,
                     struct stats *st)
{
    const xlnuma_policy *const *builtins = NULL;
    const xlnuma_policy *pols[16];
    unsigned nr_pols = 0;
    struct rng r;
    xlnuma_host *h;
    xlnuma_request req;
    ref_result *refs;
    bool scaled = false;

    rng_for_host(&r, host, 0);
    h = gen_host(&r, ctx);
    if (xlnuma_host_nr_nodes(h) > 16)
        st->big_hosts++;
    gen_plugins(&r, xlnuma_host_nr_nodes(h) > 12);
    if (xen43_only) {
        pols[nr_pols++] = with_engine ? xlnuma_policy_find(ctx, "xen43")
                                      : ref_builtin_policy("xen43");
    } else if (with_engine) {
        builtins = xlnuma_policy_builtins();
        for (unsigned i = 0; builtins[i] && nr_pols < 14; i++)
            pols[nr_pols++] = builtins[i];
    } else {
        static const char *const names[] = {
            "xen43", "xen42", "greedy", "packed", "spread", "closest",
        };

        for (size_t i = 0; i < ARRAY_SIZE(names); i++)
            pols[nr_pols++] = ref_builtin_policy(names[i]);
    }
    if (!xen43_only) {
        pols[nr_pols++] = &pol_cmp;
        pols[nr_pols++] = &pol_filter;
    }
    refs = calloc(nr_pols, sizeof(*refs));
    ck_assert_ptr_nonnull(refs);
    for (unsigned p = 0; p < nr_pols; p++)
        ref_result_init(&refs[p]);

    memset(&req, 0, sizeof(req));
    xlnuma_request_init(&req);
    gen_request(&r, h, &req);
    /* Bound the reference's work: scale the request down until every
     * policy is decided within the budget (only big hosts get there). */
    for (unsigned tries = 0;; tries++) {
        bool over = false;

        for (unsigned p = 0; p < nr_pols && !over; p++) {
            req.policy = pols[p];
            over = ref_place_limited(h, &req, REF_BUDGET, &refs[p]) ==
                   REF_OVER_BUDGET;
        }
        if (!over)
            break;
        ck_assert_msg(tries < 12, "host %u: cannot bound the reference",
                      host);
        scaled = true;
        req.need_kib /= 4;
        req.vcpus = (req.vcpus + 1) / 2;
        req.min_nodes = 0;
        req.max_nodes = 0;
        filt_priv.mod = 0;
    }
    if (scaled)
        st->scaled++;

    for (unsigned p = 0; p < nr_pols; p++) {
        xlnuma_result res;
        char what[160];
        bool bad;
        int rc;

        st->placements++;
        tally(st, &req, &refs[p]);
        if (!with_engine)
            continue;
        req.policy = pols[p];
        if (tiny_budget)
            req.max_steps = 1 + (host * 7u + p * 13u) % tiny_budget;
        xlnuma_result_init(&res);
        rc = xlnuma_place(ctx, h, &req, &res);
        if (!rc && res.nr_fixed_in + res.nr_fixed_out)
            st->reductions++;
        if (req.max_steps && !rc && !res.exact) {
            st->inexact++;
            st->gaps += res.has_gap;
            bad = budget_differs(h, &req, &res, &refs[p], what,
                                 sizeof(what));
        } else {
            bad = differs(rc, &res, &refs[p], what, sizeof(what));
        }
        if (bad) {
            st->mismatches++;
            printf("MISMATCH seed=0x%016" PRIx64 " host=%u policy=%s: %s "
                   "differs\n", seed, host, pols[p]->name, what);
            if (st->dumps++ < max_dumps) {
                if (pols[p] == &pol_cmp)
                    printf("plug-in: compare variant %u, load model %d, "
                           "flags %#x\n", cmp_priv.variant,
                           (int)pol_cmp.load_model, pol_cmp.flags);
                if (pols[p] == &pol_filter)
                    printf("plug-in: keys %d,%d,%d,%d,%d load model %d "
                           "flags %#x filter mod %u rem %u max_load %u "
                           "reject_all %d\n", (int)pol_filter.keys[0],
                           (int)pol_filter.keys[1], (int)pol_filter.keys[2],
                           (int)pol_filter.keys[3], (int)pol_filter.keys[4],
                           (int)pol_filter.load_model, pol_filter.flags,
                           filt_priv.mod, filt_priv.rem, filt_priv.max_load,
                           filt_priv.reject_all);
                ref_dump_host(stdout, h);
                save_json(ctx, h, host);
                ref_dump_request(stdout, &req);
                ref_dump_result(stdout, &refs[p]);
                dump_engine(stdout, rc, &res);
            }
        }
        xlnuma_result_dispose(&res);
    }
    for (unsigned p = 0; p < nr_pols; p++)
        ref_result_dispose(&refs[p]);
    free(refs);
    req.policy = NULL;
    xlnuma_request_dispose(&req);
    xlnuma_host_free(h);
}

static void print_stats(const char *what, const struct stats *st)
{
    printf("%s: %llu placements (%llu sets), placed %llu, one-node %llu, "
           "no-memory %llu, no-cpus %llu, no-both %llu, empty-pool %llu, "
           "filtered %llu, inval %llu; >16-node hosts %llu, placed >2^32 "
           "KiB %llu, >2^42 KiB %llu, exact fits %llu, smt %llu, scaled "
           "%llu, inexact (budget) %llu; mismatches %llu\n", what,
           st->placements, st->sets,
           st->outcome[XLNUMA_PLACED], st->outcome[XLNUMA_SKIP_ONE_NODE],
           st->outcome[XLNUMA_NOFIT_MEMORY], st->outcome[XLNUMA_NOFIT_CPUS],
           st->outcome[XLNUMA_NOFIT_BOTH],
           st->outcome[XLNUMA_NOFIT_EMPTY_POOL],
           st->outcome[XLNUMA_NOFIT_FILTER], st->inval, st->big_hosts,
           st->huge32, st->huge42, st->exact, st->smt_diff, st->scaled,
           st->inexact, st->mismatches);
    fflush(stdout);
}

static void diff_setup(void)
{
    const char *v = getenv("XLNUMA_DIFF_LOG");

    if (v && *v && strcmp(v, "0")) {
        dlog = xtl_createlogger_stdiostream(stderr, XTL_DEBUG, 0);
        ck_assert_ptr_nonnull(dlog);
    }
    ck_assert_int_eq(xlnuma_ctx_alloc(&dctx, (xentoollog_logger *)dlog),
                     0);
}

static void diff_teardown(void)
{
    xlnuma_ctx_free(dctx);
    dctx = NULL;
    xtl_logger_destroy((xentoollog_logger *)dlog);
    dlog = NULL;
}

/* One batch of hosts against the reference; reduced: xen43 alone, with
 * the reduction at every size, which must fire. */
static void run_batch(unsigned batch, bool reduced)
{
    unsigned from = first_host + batch * BATCH;
    unsigned to = from + BATCH;
    struct stats st;
    char what[112];

    memset(&st, 0, sizeof(st));
    if (reduced) {
        dctx->reduce_from = 2;
        xen43_only = true;
    }
    if (to > first_host + nr_hosts)
        to = first_host + nr_hosts;
    for (unsigned host = from; host < to; host++)
        run_host(dctx, host, true, &st);
    snprintf(what, sizeof(what), "%sseed 0x%016" PRIx64 " hosts %u-%u",
             reduced ? "reduced xen43, " : "", seed, from, to - 1);
    print_stats(what, &st);
    printf("%s: %llu placements with nodes fixed by the reduction, %llu "
           "inexact ones with their gap checked\n", what, st.reductions,
           st.gaps);
    ck_assert_msg(st.mismatches == 0, "%s: %llu of %llu placements differ "
                  "from the reference (details in the log)", what,
                  st.mismatches, st.placements);
    if (reduced && to - from == BATCH)
        ck_assert_uint_ge(st.reductions, 10);
}

START_TEST(test_differential)
{
    run_batch((unsigned)_i, false);
}
END_TEST

START_TEST(test_differential_reduced)
{
    run_batch((unsigned)_i, true);
}
END_TEST

/* Every policy with a budget of a few steps: whenever the answer is not
 * exact, the gap it claims must reach the reference's optimum. */
START_TEST(test_gap)
{
    struct stats st;
    unsigned n = nr_hosts < 2000 ? nr_hosts : 2000;

    memset(&st, 0, sizeof(st));
    tiny_budget = 60;
    for (unsigned host = first_host; host < first_host + n; host++)
        run_host(dctx, host, true, &st);
    print_stats("tiny budgets", &st);
    printf("tiny budgets: %llu inexact placements, %llu with their gap "
           "checked against the optimum\n", st.inexact, st.gaps);
    ck_assert_msg(st.mismatches == 0, "%llu of %llu placements wrong",
                  st.mismatches, st.placements);
    if (n == 2000)
        ck_assert_uint_ge(st.gaps, 500);
}
END_TEST

/* Hosts of 25 to 40 nodes: xen43 with the reduction against the plain
 * search (neither multiplier nor reduction), which must finish. */
START_TEST(test_reduce_vs_plain)
{
    unsigned compared = 0, reduced = 0, skipped = 0, bad = 0;
    xlnuma_ctx *plain;

    ck_assert_int_eq(xlnuma_ctx_alloc(&plain, NULL), 0);
    plain->reduce_from = UINT32_MAX;
    dctx->reduce_from = 0;      /* the default */
    gen_max_nodes = MAX_NODES_GEN;
    for (unsigned host = first_host; compared + skipped < REDUCE_HOSTS &&
         host < first_host + 200 * REDUCE_HOSTS; host++) {
        struct rng r;
        xlnuma_host *h;
        xlnuma_request req;
        xlnuma_result a, b;
        int rca, rcb;

        rng_for_host(&r, host, 7);
        h = gen_host(&r, dctx);
        if (xlnuma_host_nr_nodes(h) < 25) {
            xlnuma_host_free(h);
            continue;
        }
        memset(&req, 0, sizeof(req));
        xlnuma_request_init(&req);
        gen_request(&r, h, &req);
        if (chance(&r, 70)) {
            /* Mostly a memory need that binds: a share of all free
             * memory, in Pool-0, threads as pCPUs. */
            uint64_t total = 0;

            for (unsigned n = 0; n < xlnuma_host_nr_nodes(h); n++)
                total += xlnuma_host_node(h, n)->memfree_kib;
            req.need_kib = total / 100 * (10 + below(&r, 61));
            req.vcpus = 1 + (unsigned)below(&r, 8);
            req.pool = -1;
            req.smt_cores = false;
            req.min_nodes = req.max_nodes = 0;
            xlnuma_bitmap_clear(&req.cpus);
        }
        req.policy = xlnuma_policy_find(dctx, "xen43");
        req.max_steps = 20000000;
        xlnuma_result_init(&a);
        xlnuma_result_init(&b);
        rca = xlnuma_place(plain, h, &req, &a);
        rcb = xlnuma_place(dctx, h, &req, &b);
        if (!rca && !a.exact) {
            skipped++;
        } else {
            compared++;
            reduced += b.nr_fixed_in + b.nr_fixed_out > 0;
            if (rca != rcb || (!rca && (a.outcome != b.outcome ||
                !b.exact || a.best.load != b.best.load ||
                a.best.free_kib != b.best.free_kib ||
                !xlnuma_bitmap_equal(&a.best.nodes, &b.best.nodes)))) {
                char *x = xlnuma_bitmap_format(&a.best.nodes);
                char *y = xlnuma_bitmap_format(&b.best.nodes);

                printf("MISMATCH reduce host=%u: plain rc %d %s [%s] load "
                       "%u free %" PRIu64 "; reduced rc %d %s [%s] load %u "
                       "free %" PRIu64 " exact %d (fixed %u in, %u out)\n",
                       host, rca, xlnuma_outcome_name(a.outcome),
                       x ? x : "?", a.best.load, a.best.free_kib, rcb,
                       xlnuma_outcome_name(b.outcome), y ? y : "?",
                       b.best.load, b.best.free_kib, b.exact,
                       b.nr_fixed_in, b.nr_fixed_out);
                free(x);
                free(y);
                bad++;
            }
        }
        xlnuma_result_dispose(&a);
        xlnuma_result_dispose(&b);
        req.policy = NULL;
        xlnuma_request_dispose(&req);
        xlnuma_host_free(h);
    }
    printf("reduction vs plain search, 25-40 nodes: %u compared, %u with "
           "nodes fixed, %u skipped (plain search over budget), %u "
           "mismatches\n", compared, reduced, skipped, bad);
    fflush(stdout);
    xlnuma_ctx_free(plain);
    ck_assert_uint_eq(bad, 0);
    if (nr_hosts >= DEFAULT_HOSTS) {
        ck_assert_uint_ge(compared, REDUCE_HOSTS * 9 / 10);
        ck_assert_uint_ge(reduced, REDUCE_HOSTS / 10);
    }
}
END_TEST

/* The generator reaches every corner the differential test claims to
 * cover (the reference alone, so this holds without the engine). */
START_TEST(test_coverage)
{
    struct stats st;
    unsigned n = nr_hosts < COVERAGE_HOSTS ? nr_hosts : COVERAGE_HOSTS;

    memset(&st, 0, sizeof(st));
    for (unsigned host = first_host; host < first_host + n; host++)
        run_host(dctx, host, false, &st);
    print_stats("coverage (reference only)", &st);
    if (n < COVERAGE_HOSTS)
        return;     /* a reproduction run, not the whole sample */
    for (unsigned o = 0; o <= XLNUMA_NOFIT_FILTER; o++)
        ck_assert_msg(st.outcome[o] >= 10, "outcome %s only %llu times",
                      ref_outcome_name((xlnuma_outcome)o), st.outcome[o]);
    ck_assert_uint_ge(st.inval, 10);
    ck_assert_uint_ge(st.big_hosts, 10);
    ck_assert_uint_ge(st.huge32, 10);
    ck_assert_uint_ge(st.huge42, 10);
    ck_assert_uint_ge(st.exact, 10);
    ck_assert_uint_ge(st.smt_diff, 10);
}
END_TEST

static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *s = getenv(name);
    char *end;
    unsigned long long v;

    if (!s || !*s)
        return dflt;
    v = strtoull(s, &end, 0);
    if (*end) {
        fprintf(stderr, "%s=%s is not a number; using %" PRIu64 "\n", name,
                s, dflt);
        return dflt;
    }
    return v;
}

int main(void)
{
    /* check keeps the name pointers: one static buffer per TCase. */
    static char gen_name[64], diff_name[64];
    Suite *s = suite_create("differential");
    TCase *tc;
    unsigned batches;

    seed = env_u64("XLNUMA_DIFF_SEED", DEFAULT_SEED);
    first_host = (unsigned)env_u64("XLNUMA_DIFF_FIRST", 0);
    nr_hosts = (unsigned)env_u64("XLNUMA_DIFF_HOSTS", DEFAULT_HOSTS);
    max_dumps = env_u64("XLNUMA_DIFF_DUMPS", MAX_DUMPS);
    json_dir = getenv("XLNUMA_DIFF_JSON");
    batches = (nr_hosts + BATCH - 1) / BATCH;
    printf("check_differential: seed 0x%016" PRIx64 ", hosts %u..%u\n",
           seed, first_host, first_host + nr_hosts - 1);
    fflush(stdout);

    snprintf(gen_name, sizeof(gen_name), "generator seed 0x%016" PRIx64,
             seed);
    tc = tcase_create(gen_name);
    tcase_add_checked_fixture(tc, diff_setup, diff_teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_coverage);
    suite_add_tcase(s, tc);

    snprintf(diff_name, sizeof(diff_name),
             "engine vs reference seed 0x%016" PRIx64, seed);
    tc = tcase_create(diff_name);
    tcase_add_checked_fixture(tc, diff_setup, diff_teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_differential, 0, (int)batches);
    suite_add_tcase(s, tc);

    tc = tcase_create("reduction");
    tcase_add_checked_fixture(tc, diff_setup, diff_teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_differential_reduced, 0, (int)batches);
    tcase_add_test(tc, test_reduce_vs_plain);
    tcase_add_test(tc, test_gap);
    suite_add_tcase(s, tc);
    return xlnuma_test_run(s);
}
