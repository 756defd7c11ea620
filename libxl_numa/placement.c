/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * placement.c: the engine.  Pure: it reads the host and the request and
 * writes the result; no hypervisor, no I/O, no globals.
 *
 * The search is libxl's (tools/libs/light/libxl_numa.c,
 * libxl__get_numa_candidate): node sets of k suitable nodes, k ascending
 * from min_nodes, each size in lexicographic order of node ids, stopping
 * at the first k that has a candidate; the first of equal candidates
 * wins.  Instead of evaluating every combination, a depth-first walk over
 * the same order keeps incremental sums and cuts a whole group of sets
 * (every completion of a prefix) when a bound proves that none of them
 * can be feasible or can beat the incumbent:
 *   - feasibility: the prefix plus the best remaining nodes cannot reach
 *     the memory or pCPU need;
 *   - objective: for each key of the policy, in order, an optimistic
 *     bound of the final value (sums of the best remaining per-node
 *     values; monotone terms for coverage counts and distances) compared
 *     with the incumbent; a bound equal on every key also cuts, because
 *     a later tie never wins.
 * The result is the one exhaustive enumeration gives (tests/reference.c
 * is that enumeration; tests/check_differential.c compares them).
 */
#define _GNU_SOURCE             /* qsort_r */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

/* Coverage counting: a family of sets over the suitable nodes, each with
 * a multiplicity; total = sum of multiplicities of the sets touched by
 * the chosen nodes.  Used for 4.2.0's per-candidate load (a set per
 * distinct vCPU node mask) and for distinct cores (a set per core). */
typedef struct {
    unsigned nr_sets;
    unsigned *mult;             /* nr_sets */
    unsigned *cnt;              /* nr_sets: chosen nodes touching it */
    unsigned **by_node;         /* m lists of set ids */
    unsigned *nr_by_node;       /* m */
    unsigned total;
} cover;

/* Sums of the r best values among the suffix [s, m) of the suitable
 * nodes, in O(log m): a persistent segment tree over the values' ranks,
 * one version per suffix start. */
typedef struct {
    unsigned cnt;
    uint64_t sum;
    unsigned l, r;
} pst_node;

typedef struct {
    pst_node *n;
    unsigned nr;
    unsigned *root;             /* m + 1 versions */
    unsigned m;
} suffix_best;

/* The same over doubles, for the combined load/memory bound. */
typedef struct {
    unsigned cnt;
    double sum;
    unsigned l, r;
} pstd_node;

typedef struct {
    pstd_node *n;
    unsigned nr;
    unsigned *root;
    unsigned m;
} suffix_best_d;

/* The suffix sums the bounds need, for one order of the nodes. */
typedef struct {
    suffix_best usable, cap, free_desc, free_asc, load;
    /* usable - lambda * load, largest first (lambda > 0 only) */
    suffix_best_d mixed;
} suffix_bounds;

typedef struct {
    xlnuma_ctx *ctx;
    const xlnuma_host *h;
    const xlnuma_request *req;
    const xlnuma_policy *p;
    xlnuma_result *res;

    unsigned m;                 /* suitable nodes */
    /* The walk runs over positions 0..m-1; sidx maps a position to the
     * suitable node's index (ids ascending), node to its node id.  The
     * per-position arrays below are permuted copies of the b_ arrays. */
    unsigned *sidx;             /* m */
    unsigned *b_node;           /* m: suitable node ids, ascending */
    uint64_t *b_free, *b_usable, *b_above, *b_cap, *b_load;
    unsigned *b_threads;
    unsigned *node;             /* m: node id at each position */
    uint64_t *free;             /* m */
    uint64_t *usable;           /* m: free minus DMA zone and headroom */
    uint64_t *above_dma;        /* m: free minus the DMA zone */
    uint64_t *cap;              /* m: pCPUs (or cores) for the bound */
    unsigned *threads;          /* m: suitable pCPUs */
    uint64_t *load;             /* m: per-node runnable vCPUs */
    unsigned dmin;              /* smallest distance between two nodes */
    suffix_bounds pol;          /* over positions, in the walk's order */
    suffix_bounds id;           /* over suitable indices (id order) */
    cover cores, vmask;

    /* Dominance (additive policies only): dom[j] holds the i < j whose
     * every figure is at least as good as j's.  A set that holds j but
     * skipped such an i is never the answer: swapping j for i gives one
     * as good and earlier in order. */
    bool use_dom;
    uint64_t *dom;              /* m rows of dom_words */
    unsigned dom_words;
    uint64_t *picked;           /* dom_words: the current prefix */

    bool need_dist;             /* keys or callbacks look at distance */
    bool track_cores;           /* cores cover built (else counted last) */
    /* Load first (xen43): a set that beats the incumbent has load <= A
     * and usable >= B, so sum(usable - lambda load) >= B - lambda A;
     * lambda comes from the root's linear relaxation.  0: unused. */
    double lambda;

    /* The reduction (load first, big hosts; see reduce()): nodes proved
     * to be in every set that can win form the base, which the walk
     * never visits but counts in its sums from the start; nodes proved
     * to be in none are dropped.  nbase 0: no reduction. */
    unsigned nbase;
    xlnuma_bitmap base;
    uint64_t base_free, base_usable, base_above, base_load;
    unsigned base_cpus, base_cores, base_maxd;
    uint64_t base_dist;
    uint64_t *b_distb;          /* m: distances to and from the base */
    unsigned *b_maxdb;          /* m: the largest of them */

    /* Two phases (additive keys): phase 1 walks the nodes in the
     * policy's own order to find the optimal value fast; phase 2 walks
     * the id order to find the first set, in libxl's order, that has it
     * (ties_win: a bound equal to the target does not cut; the first
     * leaf equal to it ends the walk). */
    bool ties_win, found_first, quiet;
    bool exclude_best;          /* phase 1b: a tie other than best */
    /* Phase 2 asks "can the forced nodes be completed with nodes of a
     * higher id into a set with the target value?": forced marks the
     * positions fixed in the set, min_sidx the highest id index decided,
     * unavail (dominance) the decided positions left out. */
    bool restricted;
    bool *forced;               /* m */
    int min_sidx;
    uint64_t *unavail;          /* dom_words */

    /* the walk */
    unsigned k;
    unsigned *pick;             /* k indices into the suitable nodes */
    uint64_t cur_free, cur_usable, cur_load, cur_dist, cur_above;
    unsigned cur_cpus;
    unsigned *maxd;             /* max distance of the first d picks */
    bool prune;
    unsigned long long steps, max_steps;
    bool out_of_steps;

    /* outcome */
    bool have_best, have_runner, any_feasible;
    xlnuma_candidate best, runner, scratch, phase1_best;
    long best_trace;            /* index in res->trace, -1 */
    unsigned trace_cap;
    unsigned long long seq;
    int rc;
} search;

/* ---- small helpers ---- */

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    uint64_t r;

    return xlnuma__add_u64(a, b, &r) ? r : UINT64_MAX;
}

/* C(n, r), saturating at ULLONG_MAX. */
static unsigned long long binom(unsigned n, unsigned r)
{
    unsigned long long v = 1;

    if (r > n)
        return 0;
    if (r > n - r)
        r = n - r;
    for (unsigned i = 1; i <= r; i++) {
        unsigned long long t;

        /* v = v * (n - r + i) / i, exact at every step */
        if (__builtin_mul_overflow(v, (unsigned long long)(n - r + i), &t))
            return ULLONG_MAX;
        v = t / i;
    }
    return v;
}

typedef struct {
    const uint64_t *val;
    bool desc;
} order_by;

static int ord_cmp(const void *a, const void *b, void *arg)
{
    const order_by *ob = arg;
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    uint64_t vx = ob->val[x], vy = ob->val[y];

    if (vx != vy)
        return (vx < vy) != ob->desc ? -1 : 1;
    return x < y ? -1 : 1;
}

/* The indices 0..m-1 ordered by val (ties by index). */
static unsigned *make_order(const uint64_t *val, unsigned m, bool desc)
{
    unsigned *o = malloc((m ? m : 1) * sizeof(*o));
    order_by ob = { val, desc };

    if (!o)
        return NULL;
    for (unsigned i = 0; i < m; i++)
        o[i] = i;
    qsort_r(o, m, sizeof(*o), ord_cmp, &ob);
    return o;
}

/* ---- suffix sums ---- */

/* One body for both kinds of suffix tree: dispose, insert, build from
 * the values and their order (best first, chosen by the caller), and
 * query the sum of the r best values among positions [start, m).  For
 * uint64 values: at most 2^50 each and m at most 4096, so sums fit. */
#define DEFINE_SUFFIX_BEST(P, T, V)                                     \
    static void P##_dispose(T *sb)                                      \
    {                                                                   \
        free(sb->n);                                                    \
        free(sb->root);                                                 \
        memset(sb, 0, sizeof(*sb));                                     \
    }                                                                   \
                                                                        \
    static unsigned P##_insert(T *sb, unsigned prev, unsigned lo,       \
                               unsigned hi, unsigned pos, V v)          \
    {                                                                   \
        unsigned id = sb->nr++;                                         \
                                                                        \
        sb->n[id] = sb->n[prev];                                        \
        sb->n[id].cnt++;                                                \
        sb->n[id].sum += v;                                             \
        if (lo < hi) {                                                  \
            unsigned mid = lo + (hi - lo) / 2, c;                       \
                                                                        \
            if (pos <= mid) {                                           \
                c = P##_insert(sb, sb->n[prev].l, lo, mid, pos, v);     \
                sb->n[id].l = c;                                        \
            } else {                                                    \
                c = P##_insert(sb, sb->n[prev].r, mid + 1, hi, pos, v); \
                sb->n[id].r = c;                                        \
            }                                                           \
        }                                                               \
        return id;                                                      \
    }                                                                   \
                                                                        \
    static int P##_build_ranked(T *sb, const V *val, unsigned m,        \
                                const unsigned *ord)                    \
    {                                                                   \
        unsigned depth = 1, *rank = NULL;                               \
                                                                        \
        P##_dispose(sb);                                                \
        while ((1u << (depth - 1)) < m)                                 \
            depth++;                                                    \
        sb->m = m;                                                      \
        sb->n = calloc((size_t)m * (depth + 1) + 1, sizeof(*sb->n));    \
        sb->root = calloc(m + 1, sizeof(*sb->root));                    \
        rank = malloc((m ? m : 1) * sizeof(*rank));                     \
        if (!sb->n || !sb->root || !rank || !ord) {                     \
            free(rank);                                                 \
            return XLNUMA_ERROR_NOMEM;                                  \
        }                                                               \
        for (unsigned i = 0; i < m; i++)                                \
            rank[ord[i]] = i;                                           \
        sb->nr = 1;             /* node 0: the empty tree */            \
        sb->root[m] = 0;                                                \
        for (unsigned i = m; i-- > 0;)                                  \
            sb->root[i] = P##_insert(sb, sb->root[i + 1], 0, m - 1,     \
                                     rank[i], val[i]);                  \
        free(rank);                                                     \
        return 0;                                                       \
    }                                                                   \
                                                                        \
    static V P##_query(const T *sb, unsigned start, unsigned r)         \
    {                                                                   \
        unsigned node, lo = 0, hi = sb->m - 1;                          \
        V acc = 0;                                                      \
                                                                        \
        if (!r || start >= sb->m)                                       \
            return 0;                                                   \
        node = sb->root[start];                                         \
        if (sb->n[node].cnt <= r)                                       \
            return sb->n[node].sum;                                     \
        while (lo < hi) {                                               \
            unsigned mid = lo + (hi - lo) / 2, l = sb->n[node].l;       \
                                                                        \
            if (sb->n[l].cnt >= r) {                                    \
                node = l;                                               \
                hi = mid;                                               \
            } else {                                                    \
                acc += sb->n[l].sum;                                    \
                r -= sb->n[l].cnt;                                      \
                node = sb->n[node].r;                                   \
                lo = mid + 1;                                           \
            }                                                           \
        }                                                               \
        return acc + sb->n[node].sum;                                   \
    }

DEFINE_SUFFIX_BEST(sbd, suffix_best_d, double)
DEFINE_SUFFIX_BEST(sb, suffix_best, uint64_t)

static int dbl_desc_cmp(const void *a, const void *b, void *arg)
{
    const double *v = arg;
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

    if (v[x] != v[y])
        return v[x] > v[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* Largest-first over val. */
static int sbd_build(suffix_best_d *sb, const double *val, unsigned m)
{
    unsigned *ord = malloc((m ? m : 1) * sizeof(*ord));
    int rc;

    if (ord) {
        for (unsigned i = 0; i < m; i++)
            ord[i] = i;
        qsort_r(ord, m, sizeof(*ord), dbl_desc_cmp, (void *)val);
    }
    rc = sbd_build_ranked(sb, val, m, ord);
    free(ord);
    return rc;
}

static int sb_build(suffix_best *sb, const uint64_t *val, unsigned m,
                    bool desc)
{
    unsigned *ord = make_order(val, m, desc);
    int rc = sb_build_ranked(sb, val, m, ord);

    free(ord);
    return rc;
}

static void bounds_dispose(suffix_bounds *b)
{
    sbd_dispose(&b->mixed);
    sb_dispose(&b->usable);
    sb_dispose(&b->cap);
    sb_dispose(&b->free_desc);
    sb_dispose(&b->free_asc);
    sb_dispose(&b->load);
}

static int bounds_build(suffix_bounds *b, const uint64_t *usable,
                        const uint64_t *cap, const uint64_t *free_kib,
                        const uint64_t *load, unsigned m, double lambda)
{
    int rc;

    bounds_dispose(b);
    if (lambda > 0) {
        double *w = malloc((m ? m : 1) * sizeof(*w));

        if (!w)
            return XLNUMA_ERROR_NOMEM;
        for (unsigned i = 0; i < m; i++)
            w[i] = (double)usable[i] - lambda * (double)load[i];
        rc = sbd_build(&b->mixed, w, m);
        free(w);
        if (rc)
            return rc;
    }
    rc = sb_build(&b->usable, usable, m, true);
    if (!rc)
        rc = sb_build(&b->cap, cap, m, true);
    if (!rc)
        rc = sb_build(&b->free_desc, free_kib, m, true);
    if (!rc)
        rc = sb_build(&b->free_asc, free_kib, m, false);
    if (!rc)
        rc = sb_build(&b->load, load, m, false);
    return rc;
}

/* ---- coverage ---- */

static void cover_dispose(cover *c, unsigned m)
{
    if (c->by_node)
        for (unsigned i = 0; i < m; i++)
            free(c->by_node[i]);
    free(c->by_node);
    free(c->nr_by_node);
    free(c->mult);
    free(c->cnt);
    memset(c, 0, sizeof(*c));
}

/* Build from nr_sets sets given as node-index bitmaps over m nodes. */
static int cover_build(cover *c, unsigned m, xlnuma_bitmap *sets,
                       const unsigned *mult, unsigned nr_sets)
{
    c->nr_sets = nr_sets;
    c->mult = calloc(nr_sets ? nr_sets : 1, sizeof(*c->mult));
    c->cnt = calloc(nr_sets ? nr_sets : 1, sizeof(*c->cnt));
    c->by_node = calloc(m ? m : 1, sizeof(*c->by_node));
    c->nr_by_node = calloc(m ? m : 1, sizeof(*c->nr_by_node));
    if (!c->mult || !c->cnt || !c->by_node || !c->nr_by_node)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned s = 0; s < nr_sets; s++) {
        c->mult[s] = mult[s];
        xlnuma_bitmap_for_each(i, &sets[s])
            c->nr_by_node[i]++;
    }
    for (unsigned i = 0; i < m; i++) {
        c->by_node[i] = malloc((c->nr_by_node[i] ? c->nr_by_node[i] : 1) *
                               sizeof(unsigned));
        if (!c->by_node[i])
            return XLNUMA_ERROR_NOMEM;
        c->nr_by_node[i] = 0;
    }
    for (unsigned s = 0; s < nr_sets; s++)
        xlnuma_bitmap_for_each(i, &sets[s])
            c->by_node[i][c->nr_by_node[i]++] = s;
    return 0;
}

static void cover_add(cover *c, unsigned i)
{
    for (unsigned j = 0; j < c->nr_by_node[i]; j++) {
        unsigned s = c->by_node[i][j];

        if (c->cnt[s]++ == 0)
            c->total += c->mult[s];
    }
}

static void cover_remove(cover *c, unsigned i)
{
    for (unsigned j = 0; j < c->nr_by_node[i]; j++) {
        unsigned s = c->by_node[i][j];

        if (--c->cnt[s] == 0)
            c->total -= c->mult[s];
    }
}

/* Dedupe sets (bitmaps over m nodes) with multiplicities, by a hash. */
typedef struct {
    xlnuma_bitmap *sets;
    unsigned *mult;
    unsigned nr, cap;
    unsigned *slot;             /* hash table of set index + 1 */
    unsigned nslot;
} set_pool;

static void set_pool_dispose(set_pool *sp)
{
    for (unsigned i = 0; i < sp->nr; i++)
        xlnuma_bitmap_dispose(&sp->sets[i]);
    free(sp->sets);
    free(sp->mult);
    free(sp->slot);
    memset(sp, 0, sizeof(*sp));
}

static uint64_t hash_map(const xlnuma_bitmap *b)
{
    uint64_t hsh = 1469598103934665603ULL;
    int last = -1;

    xlnuma_bitmap_for_each(i, b) {
        hsh = (hsh ^ (uint64_t)i) * 1099511628211ULL;
        last = i;
    }
    return hsh ^ (uint64_t)last;
}

/* Takes ownership of *b (leaves it empty). */
static int set_pool_add(set_pool *sp, xlnuma_bitmap *b, unsigned mult)
{
    uint64_t hsh;
    unsigned pos;

    if ((sp->nr + 1) * 2 > sp->nslot) {
        unsigned ns = sp->nslot ? sp->nslot * 2 : 64;
        unsigned *slot = calloc(ns, sizeof(*slot));

        if (!slot)
            return XLNUMA_ERROR_NOMEM;
        for (unsigned i = 0; i < sp->nr; i++) {
            pos = (unsigned)(hash_map(&sp->sets[i]) % ns);
            while (slot[pos])
                pos = (pos + 1) % ns;
            slot[pos] = i + 1;
        }
        free(sp->slot);
        sp->slot = slot;
        sp->nslot = ns;
    }
    hsh = hash_map(b);
    pos = (unsigned)(hsh % sp->nslot);
    while (sp->slot[pos]) {
        unsigned s = sp->slot[pos] - 1;

        if (xlnuma_bitmap_equal(&sp->sets[s], b)) {
            sp->mult[s] += mult;
            xlnuma_bitmap_dispose(b);
            return 0;
        }
        pos = (pos + 1) % sp->nslot;
    }
    if (sp->nr == sp->cap) {
        unsigned nc = sp->cap ? sp->cap * 2 : 16;
        xlnuma_bitmap *ns = realloc(sp->sets, nc * sizeof(*ns));
        unsigned *nm;

        if (!ns)
            return XLNUMA_ERROR_NOMEM;
        sp->sets = ns;
        nm = realloc(sp->mult, nc * sizeof(*nm));
        if (!nm)
            return XLNUMA_ERROR_NOMEM;
        sp->mult = nm;
        sp->cap = nc;
    }
    sp->sets[sp->nr] = *b;
    xlnuma_bitmap_init(b);
    sp->mult[sp->nr] = mult;
    sp->slot[pos] = ++sp->nr;
    return 0;
}

/* ---- request / result structs ---- */

void xlnuma_request_init(xlnuma_request *r)
{
    memset(r, 0, sizeof(*r));
    r->pool = -1;
    xlnuma_bitmap_init(&r->cpus);
}

void xlnuma_request_dispose(xlnuma_request *r)
{
    if (!r)
        return;
    xlnuma_bitmap_dispose(&r->cpus);
    xlnuma_request_init(r);
}

void xlnuma_candidate_init(xlnuma_candidate *c)
{
    memset(c, 0, sizeof(*c));
    xlnuma_bitmap_init(&c->nodes);
}

void xlnuma_candidate_dispose(xlnuma_candidate *c)
{
    if (!c)
        return;
    xlnuma_bitmap_dispose(&c->nodes);
    xlnuma_candidate_init(c);
}

int xlnuma_candidate_copy(xlnuma_candidate *dst, const xlnuma_candidate *src)
{
    xlnuma_bitmap b;
    int rc;

    if (dst == src)
        return 0;
    xlnuma_bitmap_init(&b);
    rc = xlnuma_bitmap_copy(&b, &src->nodes);
    if (rc)
        return rc;
    xlnuma_bitmap_dispose(&dst->nodes);
    *dst = *src;
    dst->nodes = b;
    return 0;
}

void xlnuma_result_init(xlnuma_result *r)
{
    memset(r, 0, sizeof(*r));
    xlnuma_candidate_init(&r->best);
    xlnuma_candidate_init(&r->runner_up);
    xlnuma_bitmap_init(&r->cpus);
}

void xlnuma_result_dispose(xlnuma_result *r)
{
    if (!r)
        return;
    xlnuma_candidate_dispose(&r->best);
    xlnuma_candidate_dispose(&r->runner_up);
    xlnuma_bitmap_dispose(&r->cpus);
    free(r->node_load);
    for (unsigned i = 0; i < r->nr_trace; i++)
        xlnuma_candidate_dispose(&r->trace[i].c);
    free(r->trace);
    xlnuma_result_init(r);
}

/* ---- trace ---- */

static int trace_add(search *s, const xlnuma_candidate *c, xlnuma_verdict v,
                     uint64_t short_kib, unsigned short_cpus,
                     unsigned prefix_len, unsigned long long group)
{
    xlnuma_result *res = s->res;
    xlnuma_explained *e;
    int rc;

    if (!s->req->explain || s->quiet)
        return 0;
    if (res->nr_trace >= XLNUMA_TRACE_LIMIT) {
        res->trace_truncated = true;
        return 0;
    }
    if (res->nr_trace == s->trace_cap) {
        unsigned ncap = s->trace_cap ? s->trace_cap * 2 : 16;

        e = realloc(res->trace, ncap * sizeof(*e));
        if (!e)
            return XLNUMA_ERROR_NOMEM;
        res->trace = e;
        s->trace_cap = ncap;
    }
    e = &res->trace[res->nr_trace];
    memset(e, 0, sizeof(*e));
    xlnuma_candidate_init(&e->c);
    rc = xlnuma_candidate_copy(&e->c, c);
    if (rc)
        return rc;
    e->verdict = v;
    e->short_kib = short_kib;
    e->short_cpus = short_cpus;
    e->prefix_len = prefix_len;
    e->group_size = group;
    res->nr_trace++;
    return 0;
}

/* ---- the walk ---- */

static int fill_nodes(search *s, xlnuma_candidate *c, unsigned n)
{
    int rc;

    xlnuma_bitmap_clear(&c->nodes);
    for (unsigned j = 0; j < n; j++) {
        rc = xlnuma_bitmap_set(&c->nodes, s->node[s->pick[j]]);
        if (rc)
            return rc;
    }
    return s->nbase ? xlnuma_bitmap_or(&c->nodes, &s->base) : 0;
}

static unsigned cur_cap(const search *s)
{
    return s->req->smt_cores ? s->cores.total : s->cur_cpus;
}

static unsigned cur_load(const search *s)
{
    if (s->p->load_model == XLNUMA_LOAD_PER_CANDIDATE)
        return s->vmask.total;
    return (unsigned)s->cur_load;
}

static unsigned dist(const search *s, unsigned a, unsigned b)
{
    return s->h->nodes[s->node[a]].distance[s->node[b]];
}

static void add_node(search *s, unsigned depth, unsigned i)
{
    s->pick[depth] = i;
    s->cur_free += s->free[i];
    s->cur_usable += s->usable[i];
    s->cur_above += s->above_dma[i];
    s->cur_load += s->load[i];
    s->cur_cpus += s->threads[i];
    cover_add(&s->cores, s->sidx[i]);
    cover_add(&s->vmask, s->sidx[i]);
    if (s->use_dom)
        s->picked[i / 64] |= UINT64_C(1) << (i % 64);
    if (s->need_dist) {
        unsigned md = s->maxd[depth];

        if (s->b_distb) {
            s->cur_dist += s->b_distb[s->sidx[i]];
            if (s->b_maxdb[s->sidx[i]] > md)
                md = s->b_maxdb[s->sidx[i]];
        }
        for (unsigned j = 0; j < depth; j++) {
            unsigned a = s->pick[j], d1 = dist(s, a, i), d2 = dist(s, i, a);

            s->cur_dist += d1 + d2;
            if (d1 > md)
                md = d1;
            if (d2 > md)
                md = d2;
        }
        s->maxd[depth + 1] = md;
    }
}

static void remove_node(search *s, unsigned depth, unsigned i)
{
    s->cur_free -= s->free[i];
    s->cur_usable -= s->usable[i];
    s->cur_above -= s->above_dma[i];
    s->cur_load -= s->load[i];
    s->cur_cpus -= s->threads[i];
    cover_remove(&s->cores, s->sidx[i]);
    cover_remove(&s->vmask, s->sidx[i]);
    if (s->use_dom)
        s->picked[i / 64] &= ~(UINT64_C(1) << (i % 64));
    if (s->need_dist) {
        if (s->b_distb)
            s->cur_dist -= s->b_distb[s->sidx[i]];
        for (unsigned j = 0; j < depth; j++) {
            unsigned a = s->pick[j];

            s->cur_dist -= dist(s, a, i) + dist(s, i, a);
        }
    }
}

/* Some i < j not in the prefix is at least as good as j. */
static bool dominated(const search *s, unsigned j)
{
    const uint64_t *row = s->dom + (size_t)j * s->dom_words;

    for (unsigned w = 0; w <= j / 64; w++)
        if (row[w] & ~(s->picked[w] | s->unavail[w]))
            return true;
    return false;
}

/* Distance figures of a finished candidate, from its node map. */
static int candidate_distances(const xlnuma_host *h, xlnuma_candidate *c)
{
    unsigned n = 0, nr = xlnuma_bitmap_count(&c->nodes);
    unsigned *v = malloc((nr ? nr : 1) * sizeof(*v));

    c->distance = 0;
    c->max_distance = 0;
    if (!v)
        return XLNUMA_ERROR_NOMEM;
    xlnuma_bitmap_for_each(a, &c->nodes)
        v[n++] = (unsigned)a;
    for (unsigned i = 0; i < n; i++) {
        const unsigned *row = h->nodes[v[i]].distance;
        uint64_t sum = 0;
        unsigned mx = 0;

        for (unsigned j = 0; j < n; j++) {
            unsigned d = row[v[j]];

            sum += d;
            if (j != i && d > mx)
                mx = d;
        }
        c->distance += sum - row[v[i]];
        if (mx > c->max_distance)
            c->max_distance = mx;
    }
    free(v);
    return 0;
}

/* The figures of the full set in the walk (k picks and the base), all
 * but its node map. */
static void leaf_figures(search *s, xlnuma_candidate *c)
{
    c->nr_nodes = s->k + s->nbase;
    c->nr_cpus = cur_cap(s);
    c->nr_cores = s->cores.total + s->base_cores;
    c->load = cur_load(s);
    c->free_kib = s->cur_free;
    c->free_above_dma_kib = s->cur_above;
    c->distance = s->need_dist ? s->cur_dist : 0;
    c->max_distance = s->need_dist ? s->maxd[s->k] : 0;
}

/* Its node map, once (only what is kept or listed needs one). */
static int leaf_nodes(search *s, xlnuma_candidate *c, bool *filled)
{
    int rc = 0;

    if (!*filled) {
        rc = fill_nodes(s, c, s->k);
        *filled = !rc;
    }
    return rc;
}

/* A feasible set that loses: the best loser so far is the runner-up,
 * and explain lists it. */
static int leaf_lost(search *s, xlnuma_candidate *c, bool *filled)
{
    int rc = 0;

    if (!s->have_runner ||
        xlnuma__candidate_compare(s->p, c, &s->runner) < 0) {
        rc = leaf_nodes(s, c, filled);
        if (!rc)
            rc = xlnuma_candidate_copy(&s->runner, c);
        if (rc)
            return rc;
        s->have_runner = true;
    }
    if (s->req->explain) {
        rc = leaf_nodes(s, c, filled);
        if (!rc)
            rc = trace_add(s, c, XLNUMA_VERDICT_LOST, 0, 0, c->nr_nodes, 1);
    }
    return rc;
}

static void evaluate_leaf(search *s)
{
    xlnuma_candidate *c = &s->scratch;
    const xlnuma_request *req = s->req;
    uint64_t short_kib = 0;
    unsigned short_cpus = 0, cap = cur_cap(s);
    bool filled = false;
    xlnuma_verdict v;
    int rc = 0;

#define FILL() do {                                                     \
        rc = leaf_nodes(s, c, &filled);                                 \
        if (rc)                                                         \
            goto fail;                                                  \
    } while (0)

    leaf_figures(s, c);
    c->order = s->seq++;
    s->res->nr_evaluated++;

    if (s->cur_usable < req->need_kib)
        short_kib = req->need_kib - s->cur_usable;
    if (cap < req->vcpus)
        short_cpus = req->vcpus - cap;
    if (short_kib || short_cpus) {
        if (req->explain) {
            v = short_kib && short_cpus ? XLNUMA_VERDICT_SHORT_BOTH
                : short_kib ? XLNUMA_VERDICT_SHORT_MEMORY
                            : XLNUMA_VERDICT_SHORT_CPUS;
            FILL();
            rc = trace_add(s, c, v, short_kib, short_cpus, c->nr_nodes, 1);
        }
        goto done;
    }
    s->any_feasible = true;
    if (s->p->filter || s->p->compare)
        FILL();
    if (s->p->filter && !s->p->filter(c, s->p->priv)) {
        rc = trace_add(s, c, XLNUMA_VERDICT_FILTERED, 0, 0, c->nr_nodes, 1);
        goto done;
    }
    if (s->ties_win) {
        /* Phase 2: the first set with the target value is the answer. */
        if (xlnuma__candidate_compare(s->p, c, &s->best) <= 0) {
            FILL();
            if (s->exclude_best &&
                xlnuma_bitmap_equal(&c->nodes, &s->best.nodes))
                goto done;
            rc = xlnuma_candidate_copy(&s->best, c);
            if (rc)
                goto fail;
            s->found_first = true;
            rc = trace_add(s, c, XLNUMA_VERDICT_CHOSEN, 0, 0, c->nr_nodes, 1);
        } else {
            rc = leaf_lost(s, c, &filled);
        }
        goto done;
    }
    if (!s->have_best ||
        xlnuma__candidate_compare(s->p, c, &s->best) < 0) {
        FILL();
        if (s->have_best) {
            /* The old best beat everything before it: it is the best
             * loser now. */
            rc = xlnuma_candidate_copy(&s->runner, &s->best);
            if (rc)
                goto fail;
            s->have_runner = true;
            if (s->best_trace >= 0)
                s->res->trace[s->best_trace].verdict = XLNUMA_VERDICT_LOST;
        }
        rc = xlnuma_candidate_copy(&s->best, c);
        if (rc)
            goto fail;
        s->have_best = true;
        s->best_trace = -1;
        if (req->explain && !s->quiet &&
            s->res->nr_trace < XLNUMA_TRACE_LIMIT)
            s->best_trace = (long)s->res->nr_trace;
        rc = trace_add(s, c, XLNUMA_VERDICT_CHOSEN, 0, 0, c->nr_nodes, 1);
    } else {
        rc = leaf_lost(s, c, &filled);
    }
#undef FILL
 done:
    if (!rc)
        return;
 fail:
    s->rc = rc;
}

/* Can every set that extends the j picked nodes with r more from
 * [start, m) be cut?  CHOSEN: no; else the reason. */
static xlnuma_verdict group_cut(search *s, const suffix_bounds *sb,
                                unsigned j, unsigned start, unsigned r,
                                uint64_t *short_kib, unsigned *short_cpus)
{
    const xlnuma_request *req = s->req;
    uint64_t mem, cap, b;

    *short_kib = 0;
    *short_cpus = 0;
    mem = s->cur_usable + sb_query(&sb->usable, start, r);
    cap = cur_cap(s) + sb_query(&sb->cap, start, r);
    if (mem < req->need_kib)
        *short_kib = req->need_kib - mem;
    if (cap < req->vcpus)
        *short_cpus = (unsigned)(req->vcpus - cap);
    if (*short_kib || *short_cpus)
        return *short_kib && *short_cpus ? XLNUMA_VERDICT_SHORT_BOTH
            : *short_kib ? XLNUMA_VERDICT_SHORT_MEMORY
                         : XLNUMA_VERDICT_SHORT_CPUS;
    if (!s->have_best || s->p->compare)
        return XLNUMA_VERDICT_CHOSEN;
    if (s->lambda > 0 && r && s->best.load >= s->cur_load) {
        double a = (double)(s->best.load - s->cur_load);
        double need = (double)req->need_kib - (double)s->cur_usable;
        double top = sbd_query(&sb->mixed, start, r);
        /* margin for rounding: values are below 2^62 */
        double eps = 1e-9 * (fabs(need) + s->lambda * a + fabs(top)) + 1;

        if (top + eps < need - s->lambda * a)
            return XLNUMA_VERDICT_LOST;
    }
    for (unsigned i = 0; i < XLNUMA_MAX_KEYS && s->p->keys[i]; i++) {
        int c;

        switch (s->p->keys[i]) {
        case XLNUMA_KEY_LOAD_LESS:
            if (s->p->load_model == XLNUMA_LOAD_PER_CANDIDATE)
                b = s->vmask.total;
            else
                b = s->cur_load + sb_query(&sb->load, start, r);
            c = b > s->best.load ? 1 : b < s->best.load ? -1 : 0;
            break;
        case XLNUMA_KEY_FREE_MORE:
            b = s->cur_free + sb_query(&sb->free_desc, start, r);
            c = b < s->best.free_kib ? 1 : b > s->best.free_kib ? -1 : 0;
            break;
        case XLNUMA_KEY_FREE_LESS:
            b = s->cur_free + sb_query(&sb->free_asc, start, r);
            c = b > s->best.free_kib ? 1 : b < s->best.free_kib ? -1 : 0;
            break;
        case XLNUMA_KEY_DISTANCE_LESS:
            b = s->cur_dist + (uint64_t)s->dmin *
                (2ull * (j + s->nbase) * r + (uint64_t)r * (r ? r - 1 : 0));
            c = b > s->best.distance ? 1 : b < s->best.distance ? -1 : 0;
            break;
        case XLNUMA_KEY_MAXDIST_LESS:
            b = s->maxd[j];
            if (j + s->nbase + r >= 2 && s->dmin > b)
                b = s->dmin;
            c = b > s->best.max_distance ? 1
                : b < s->best.max_distance ? -1 : 0;
            break;
        default:
            c = 0;
            break;
        }
        if (c < 0)
            return XLNUMA_VERDICT_CHOSEN;   /* might win: no cut */
        if (c > 0)
            return XLNUMA_VERDICT_LOST;
    }
    /* At best a tie: a later tie loses, except in phase 2. */
    return s->ties_win ? XLNUMA_VERDICT_CHOSEN : XLNUMA_VERDICT_LOST;
}

static void record_cut(search *s, unsigned j, xlnuma_verdict v,
                       unsigned long long g, uint64_t sk, unsigned sc)
{
    xlnuma_candidate *c = &s->scratch;
    int rc;

    s->res->nr_pruned = s->res->nr_pruned + g < g ? ULLONG_MAX
                                                 : s->res->nr_pruned + g;
    if (!s->req->explain || s->quiet)
        return;
    rc = fill_nodes(s, c, j);
    if (rc) {
        s->rc = rc;
        return;
    }
    c->nr_nodes = s->k + s->nbase;
    c->free_kib = s->cur_free;
    c->load = cur_load(s);
    c->nr_cpus = cur_cap(s);
    c->distance = s->need_dist ? s->cur_dist : 0;
    rc = trace_add(s, c, XLNUMA_VERDICT_PRUNED, sk, sc, j + s->nbase, g);
    (void)v;
    if (rc)
        s->rc = rc;
}

/* A whole size cut before the walk (no set of k nodes can hold the
 * need), recorded as the walk's root cut would be. */
static void record_size_cut(search *s, unsigned k, uint64_t sk,
                            unsigned sc)
{
    xlnuma_candidate *c = &s->scratch;
    unsigned long long g = binom(s->res->nr_suitable_nodes, k);
    int rc;

    s->res->nr_pruned = s->res->nr_pruned + g < g ? ULLONG_MAX
                                                 : s->res->nr_pruned + g;
    if (!s->req->explain || s->quiet)
        return;
    xlnuma_bitmap_clear(&c->nodes);
    c->nr_nodes = k;
    c->free_kib = 0;
    c->load = 0;
    c->nr_cpus = 0;
    c->distance = 0;
    rc = trace_add(s, c, XLNUMA_VERDICT_PRUNED, sk, sc, 0, g);
    if (rc)
        s->rc = rc;
}

static void walk(search *s, unsigned start, unsigned depth)
{
    unsigned r = s->k - depth;  /* picks left, this one included */
    uint64_t sk;
    unsigned sc;
    xlnuma_verdict v;

    for (unsigned i = start; i + r <= s->m; i++) {
        if (s->rc || s->out_of_steps || s->found_first)
            return;
        if (++s->steps > s->max_steps) {
            s->out_of_steps = true;
            return;
        }
        /* Bounds only worsen as i grows: a cut here ends the loop. */
        if (s->prune) {
            v = group_cut(s, &s->pol, depth, i, r, &sk, &sc);
            if (v != XLNUMA_VERDICT_CHOSEN) {
                record_cut(s, depth, v, binom(s->m - i, r), sk, sc);
                return;
            }
        }
        if (s->restricted &&
            (s->forced[i] || (int)s->sidx[i] <= s->min_sidx))
            continue;
        if (s->use_dom && dominated(s, i))
            continue;
        add_node(s, depth, i);
        if (depth + 1 == s->k)
            evaluate_leaf(s);
        else
            walk(s, i + 1, depth + 1);
        remove_node(s, depth, i);
    }
}

/* ---- setup ---- */

static void search_dispose(search *s)
{
    free(s->sidx);
    free(s->b_node);
    free(s->b_free);
    free(s->b_usable);
    free(s->b_above);
    free(s->b_cap);
    free(s->b_load);
    free(s->b_threads);
    free(s->node);
    free(s->free);
    free(s->usable);
    free(s->above_dma);
    free(s->cap);
    free(s->threads);
    free(s->load);
    free(s->dom);
    free(s->picked);
    free(s->unavail);
    free(s->forced);
    free(s->maxd);
    free(s->b_distb);
    free(s->b_maxdb);
    xlnuma_bitmap_dispose(&s->base);
    bounds_dispose(&s->pol);
    bounds_dispose(&s->id);
    free(s->pick);
    cover_dispose(&s->cores, s->m);
    cover_dispose(&s->vmask, s->m);
    xlnuma_candidate_dispose(&s->best);
    xlnuma_candidate_dispose(&s->runner);
    xlnuma_candidate_dispose(&s->scratch);
    xlnuma_candidate_dispose(&s->phase1_best);
}

/* Is node i at least as good as node j on everything the policy and the
 * feasibility test look at (and, when strict, better on some key)? */
static bool at_least_as_good(const search *s, unsigned i, unsigned j,
                             bool strict)
{
    bool better = false;

    if (s->usable[i] < s->usable[j] || s->cap[i] < s->cap[j])
        return false;
    for (unsigned k = 0; k < XLNUMA_MAX_KEYS && s->p->keys[k]; k++) {
        switch (s->p->keys[k]) {
        case XLNUMA_KEY_LOAD_LESS:
            if (s->load[i] > s->load[j])
                return false;
            better |= s->load[i] < s->load[j];
            break;
        case XLNUMA_KEY_FREE_MORE:
            if (s->free[i] < s->free[j])
                return false;
            better |= s->free[i] > s->free[j];
            break;
        case XLNUMA_KEY_FREE_LESS:
            if (s->free[i] > s->free[j])
                return false;
            better |= s->free[i] < s->free[j];
            break;
        default:
            return false;
        }
    }
    return better || !strict;
}

/* strict: only pairs where swapping j for i strictly improves the value
 * (phase 1b, where a set of equal value must not be cut). */
static int build_dominance(search *s, bool strict)
{
    s->dom_words = (s->m + 63) / 64;
    s->dom = calloc((size_t)s->m * s->dom_words, sizeof(*s->dom));
    s->picked = calloc(s->dom_words, sizeof(*s->picked));
    s->unavail = calloc(s->dom_words, sizeof(*s->unavail));
    if (!s->dom || !s->picked || !s->unavail)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned j = 0; j < s->m; j++) {
        uint64_t *row = s->dom + (size_t)j * s->dom_words;

        for (unsigned i = 0; i < j; i++)
            if (at_least_as_good(s, i, j, strict))
                row[i / 64] |= UINT64_C(1) << (i % 64);
    }
    return 0;
}

static uint64_t node_usable(const xlnuma_request *req, const xlnuma_node *n)
{
    uint64_t base = n->memfree_kib, reserve;

    if (req->dma_aware)
        base -= n->dmafree_kib;          /* dmafree <= memfree: finish() */
    reserve = sat_add(req->headroom_kib,
                      n->memsize_kib / 100 * req->headroom_pct +
                      n->memsize_kib % 100 * req->headroom_pct / 100);
    return base > reserve ? base - reserve : 0;
}

/* Cores: one set per distinct core (xlnuma_host's dense core ids) among
 * the suitable cpus; its nodes are where its threads are. */
static int build_cores(search *s, const xlnuma_bitmap *S, const int *idx_of)
{
    const xlnuma_host *h = s->h;
    unsigned nsets = 0, n = h->nr_core_ids ? h->nr_core_ids : 1;
    unsigned *set_of = malloc(n * sizeof(*set_of));
    unsigned *mult = malloc(n * sizeof(*mult));
    xlnuma_bitmap *sets = calloc(n, sizeof(*sets));
    int rc = 0;

    if (!set_of || !mult || !sets) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    for (unsigned i = 0; i < n; i++) {
        set_of[i] = UINT32_MAX;
        mult[i] = 1;
    }
    xlnuma_bitmap_for_each(c, S) {
        unsigned id;

        if ((unsigned)c >= h->nr_cpus)
            break;
        id = h->cpu_core[c];
        if (id == UINT32_MAX)
            continue;           /* offline */
        if (set_of[id] == UINT32_MAX)
            set_of[id] = nsets++;
        rc = xlnuma_bitmap_set(&sets[set_of[id]],
                               (unsigned)idx_of[h->cpus[c].node]);
        if (rc)
            goto out;
    }
    rc = cover_build(&s->cores, s->m, sets, mult, nsets);
 out:
    if (sets)
        for (unsigned i = 0; i < n; i++)
            xlnuma_bitmap_dispose(&sets[i]);
    free(sets);
    free(mult);
    free(set_of);
    return rc;
}

/* 4.2.0's load: one set per distinct node mask of a vCPU's hard affinity
 * (online cpus, over the suitable nodes), weighted by how many vCPUs
 * share it. */
static int build_vmask(search *s, const int *idx_of)
{
    const xlnuma_host *h = s->h;
    set_pool sp;
    xlnuma_bitmap b;
    int rc = 0;

    memset(&sp, 0, sizeof(sp));
    xlnuma_bitmap_init(&b);
    if (s->p->load_model != XLNUMA_LOAD_PER_CANDIDATE)
        return cover_build(&s->vmask, s->m, NULL, NULL, 0);
    for (unsigned d = 0; d < h->nr_domains && !rc; d++) {
        const xlnuma_domain *dom = &h->domains[d];

        for (unsigned v = 0; v < dom->nr_vcpus && !rc; v++) {
            xlnuma_bitmap_clear(&b);
            xlnuma_bitmap_for_each(c, &dom->vcpus[v].hard) {
                const xlnuma_cpu *cp;

                if ((unsigned)c >= h->nr_cpus)
                    break;
                cp = &h->cpus[c];
                if (!cp->online || cp->node < 0 || idx_of[cp->node] < 0)
                    continue;
                rc = xlnuma_bitmap_set(&b, (unsigned)idx_of[cp->node]);
                if (rc)
                    break;
            }
            if (!rc && !xlnuma_bitmap_is_empty(&b))
                rc = set_pool_add(&sp, &b, 1);
        }
    }
    if (!rc)
        rc = cover_build(&s->vmask, s->m, sp.sets, sp.mult, sp.nr);
    xlnuma_bitmap_dispose(&b);
    set_pool_dispose(&sp);
    return rc;
}

/* Fill the per-position arrays for the order perm (positions ->
 * suitable indices) and rebuild what depends on it. */
static int prepare_phase(search *s, const unsigned *perm)
{
    unsigned m = s->m;
    int rc;

#define ALLOC(f) do {                                                   \
        if (!s->f && !(s->f = calloc(m ? m : 1, sizeof(*s->f))))        \
            return XLNUMA_ERROR_NOMEM;                                  \
    } while (0)
    ALLOC(sidx);
    ALLOC(node);
    ALLOC(free);
    ALLOC(usable);
    ALLOC(above_dma);
    ALLOC(cap);
    ALLOC(threads);
    ALLOC(load);
#undef ALLOC
    for (unsigned p = 0; p < m; p++) {
        unsigned i = perm[p];

        s->sidx[p] = i;
        s->node[p] = s->b_node[i];
        s->free[p] = s->b_free[i];
        s->usable[p] = s->b_usable[i];
        s->above_dma[p] = s->b_above[i];
        s->cap[p] = s->b_cap[i];
        s->threads[p] = s->b_threads[i];
        s->load[p] = s->b_load[i];
    }
    rc = bounds_build(&s->pol, s->usable, s->cap, s->free, s->load, m,
                      s->lambda);
    if (rc)
        return rc;
    if (s->use_dom) {
        free(s->dom);
        free(s->picked);
        free(s->unavail);
        s->dom = NULL;
        s->picked = NULL;
        s->unavail = NULL;
        rc = build_dominance(s, false);
        if (rc)
            return rc;
    }
    s->dmin = 0;
    if (s->need_dist && m > 1) {
        s->dmin = UINT32_MAX;
        for (unsigned i = 0; i < m; i++)
            for (unsigned j = 0; j < m; j++)
                if (i != j && dist(s, i, j) < s->dmin)
                    s->dmin = dist(s, i, j);
    }
    s->cur_free = s->base_free;
    s->cur_usable = s->base_usable;
    s->cur_above = s->base_above;
    s->cur_load = s->base_load;
    s->cur_dist = s->base_dist;
    s->cur_cpus = s->base_cpus;
    s->maxd[0] = s->base_maxd;
    s->found_first = false;
    return 0;
}

/* The policy's own order: its keys, then more usable memory, more
 * pCPUs, lower id. */
static int perm_cmp(const void *a, const void *b, void *arg)
{
    const search *s = arg;
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;


    for (unsigned i = 0; i < XLNUMA_MAX_KEYS && s->p->keys[i]; i++) {
        switch (s->p->keys[i]) {
        case XLNUMA_KEY_LOAD_LESS:
            if (s->b_load[x] != s->b_load[y])
                return s->b_load[x] < s->b_load[y] ? -1 : 1;
            break;
        case XLNUMA_KEY_FREE_MORE:
            if (s->b_free[x] != s->b_free[y])
                return s->b_free[x] > s->b_free[y] ? -1 : 1;
            break;
        case XLNUMA_KEY_FREE_LESS:
            if (s->b_free[x] != s->b_free[y])
                return s->b_free[x] < s->b_free[y] ? -1 : 1;
            break;
        default:
            break;
        }
    }
    if (s->b_usable[x] != s->b_usable[y])
        return s->b_usable[x] > s->b_usable[y] ? -1 : 1;
    if (s->b_cap[x] != s->b_cap[y])
        return s->b_cap[x] > s->b_cap[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

static unsigned *policy_permutation(search *s)
{
    unsigned *o = malloc((s->m ? s->m : 1) * sizeof(*o));

    if (!o)
        return NULL;
    for (unsigned i = 0; i < s->m; i++)
        o[i] = i;
    qsort_r(o, s->m, sizeof(*o), perm_cmp, s);
    return o;
}

/* Does the current full set (k forced picks) have the target value? */
static bool full_set_matches(search *s)
{
    xlnuma_candidate *c = &s->scratch;
    int rc;

    if (s->cur_usable < s->req->need_kib || cur_cap(s) < s->req->vcpus)
        return false;
    leaf_figures(s, c);
    if (xlnuma__candidate_compare(s->p, c, &s->best) > 0)
        return false;
    rc = fill_nodes(s, c, s->k);
    if (!rc)
        rc = xlnuma_candidate_copy(&s->best, c);
    if (rc) {
        s->rc = rc;
        return false;
    }
    return true;
}

/* Phase 2.  s->best holds a set with the optimal value (phase 1).  Walk
 * the node ids in order and keep each node when some completion with
 * higher ids still reaches that value: the result is the first such
 * set in libxl's (lexicographic) order.  The last witness found shows
 * that including a node is possible, so only nodes outside it need a
 * search, which runs in the policy's order like phase 1. */
static int first_in_order(search *s)
{
    xlnuma_ctx *ctx = s->ctx;
    unsigned *pos_of = NULL, d = 0;
    xlnuma_bitmap wit;          /* witness: a best set holding the picks */
    int rc;

    xlnuma_bitmap_init(&wit);
    pos_of = malloc(s->m * sizeof(*pos_of));
    if (!s->forced)
        s->forced = calloc(s->m ? s->m : 1, sizeof(*s->forced));
    if (!pos_of || !s->forced) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    for (unsigned p = 0; p < s->m; p++) {
        pos_of[s->sidx[p]] = p;
        s->forced[p] = false;
    }
    rc = xlnuma_bitmap_copy(&wit, &s->best.nodes);
    if (rc)
        goto out;
    s->restricted = true;
    s->ties_win = true;
    s->min_sidx = -1;
    for (unsigned t = 0; t < s->m && d < s->k; t++) {
        unsigned pos = pos_of[t];
        bool keep;

        add_node(s, d, pos);
        s->forced[pos] = true;
        s->min_sidx = (int)t;
        if (xlnuma_bitmap_test(&wit, s->b_node[t])) {
            keep = true;
        } else if (d + 1 == s->k) {
            keep = full_set_matches(s);
        } else {
            uint64_t sk;
            unsigned sc;

            /* Cheap first: the best of the higher ids, key by key. */
            if (group_cut(s, &s->id, d + 1, t + 1, s->k - d - 1, &sk, &sc)
                != XLNUMA_VERDICT_CHOSEN) {
                keep = false;
            } else {
                s->found_first = false;
                walk(s, 0, d + 1);
                keep = s->found_first;
            }
        }
        if (s->rc || s->out_of_steps) {
            remove_node(s, d, pos);
            s->forced[pos] = false;
            break;
        }
        if (keep) {
            d++;
            rc = xlnuma_bitmap_copy(&wit, &s->best.nodes);
            if (rc)
                goto out;
        } else {
            remove_node(s, d, pos);
            s->forced[pos] = false;
            if (s->unavail)
                s->unavail[pos / 64] |= UINT64_C(1) << (pos % 64);
        }
    }
    if (s->rc) {
        rc = s->rc;
        goto out;
    }
    if (d < s->k && !s->out_of_steps) {
        LOG(ERROR, "internal error: no set in order reaches the optimal "
            "value (k=%u, %u nodes kept)", s->k, d);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    /* Out of steps: the witness has the optimal value; whether an
     * earlier set has it too is not proven (exact goes false). */
    if (d < s->k) {
        rc = xlnuma_candidate_copy(&s->best, &s->phase1_best);
        if (rc)
            goto out;
    }
    s->found_first = true;
    rc = 0;
 out:
    s->restricted = false;
    s->ties_win = false;
    free(pos_of);
    xlnuma_bitmap_dispose(&wit);
    return rc;
}

/* Selections: the k elements of a[0..m) with the smallest .w moved to
 * the front (Hoare selection, expected O(m)).  One body for each type of
 * weight: doubles for the multiplier's search, exact integers for the
 * reduction. */
#define DEFINE_SELECT(name, elem, key)                                  \
    static void name(elem *a, unsigned m, unsigned k)                   \
    {                                                                   \
        unsigned lo = 0, hi = m;                                        \
                                                                        \
        while (hi - lo > 1 && k > lo && k < hi) {                       \
            key pivot = a[lo + (hi - lo) / 2].w;                        \
            unsigned i = lo, j = hi - 1;                                \
                                                                        \
            while (i <= j) {                                            \
                while (a[i].w < pivot)                                  \
                    i++;                                                \
                while (a[j].w > pivot)                                  \
                    j--;                                                \
                if (i <= j) {                                           \
                    elem t = a[i];                                      \
                                                                        \
                    a[i] = a[j];                                        \
                    a[j] = t;                                           \
                    i++;                                                \
                    if (j == 0)                                         \
                        break;                                          \
                    j--;                                                \
                }                                                       \
            }                                                           \
            if (k <= j)                                                 \
                hi = j + 1;                                             \
            else if (k >= i)                                            \
                lo = i;                                                 \
            else                                                        \
                break;                                                  \
        }                                                               \
    }

/* A node's weight; i is its suitable index. */
typedef struct {
    double w;
    unsigned i;
} wnode;

DEFINE_SELECT(select_smallest, wnode, double)

/* The k nodes with the smallest load_i - l * usable_i to the front. */
static void select_by_lambda(const search *s, unsigned k, double l,
                             wnode *a)
{
    for (unsigned i = 0; i < s->m; i++) {
        a[i].w = (double)s->b_load[i] - l * (double)s->b_usable[i];
        a[i].i = i;
    }
    select_smallest(a, s->m, k);
}

/* g(l), and whether the k nodes that give it lack memory (then g grows
 * with l: its slope is need - their usable memory). */
static double root_g(const search *s, unsigned k, double l, wnode *a,
                     bool *short_r)
{
    double g = l * (double)s->req->need_kib;
    uint64_t mem = 0;

    select_by_lambda(s, k, l, a);
    for (unsigned i = 0; i < k; i++) {
        g += a[i].w;
        mem = sat_add(mem, s->b_usable[a[i].i]);
    }
    *short_r = mem < s->req->need_kib;
    return g;
}

/* The multiplier of the root's linear relaxation -- min load subject to
 * usable >= need over k of the nodes -- maximises the concave
 *   g(l) = l * need + (sum of the k smallest load_i - l * usable_i).
 * Found by bisection over log l on the sign of g's slope.  Any l >= 0
 * gives a valid bound; this one gives a strong one.  l is load per KiB;
 * 0 when memory does not bind (the k least loaded nodes hold it). */
static int root_lambda(search *s, unsigned k, double *lambda_r)
{
    wnode *w = NULL;
    double a, b, best_l = 0, best_g;
    uint64_t umax = 1, lmax = 0;
    bool lacks;

    *lambda_r = 0;
    for (unsigned i = 0; i < s->m; i++) {
        if (s->b_usable[i] > umax)
            umax = s->b_usable[i];
        if (s->b_load[i] > lmax)
            lmax = s->b_load[i];
    }
    if (!lmax || !k || k > s->m)
        return 0;               /* no load to trade */
    w = malloc(s->m * sizeof(*w));
    if (!w)
        return XLNUMA_ERROR_NOMEM;
    best_g = root_g(s, k, 0, w, &lacks);
    a = log(1e-6 / (double)umax);
    b = log((double)lmax);
    /* 18 halvings narrow log l (a range of about 35) to 1.3e-4: l
     * within that fraction of the optimum, g within a small fraction of
     * a runnable vCPU of its maximum on the hosts of bench/. */
    for (int it = 0; lacks && it < 18; it++) {
        double mid = (a + b) / 2, g;
        bool sh;

        g = root_g(s, k, exp(mid), w, &sh);
        if (g > best_g) {
            best_g = g;
            best_l = exp(mid);
        }
        if (sh)
            a = mid;
        else
            b = mid;
    }
    *lambda_r = best_l;
    free(w);
    return 0;
}

/* ---- the reduction ----
 *
 * Load first, k fixed (the first size with a feasible set).  For any
 * l >= 0 and any feasible S of k nodes, with w_i = load_i - l usable_i,
 * K the k nodes of smallest w and mu the largest w in K:
 *   load(S) = sum_S w + l usable(S) >= sum_S w + l need
 *           = LB + sum_{S\K} (w_i - mu) + sum_{K\S} (mu - w_i),
 *   LB = sum_K w + l need,
 * every term of both sums being >= 0.  A feasible set U found by a
 * heuristic gives UB = load(U) >= the optimal load.  So every set whose
 * load is at most UB -- every set that can win, and every set equal to
 * the winner on the first key -- holds each node of K with
 * mu - w_i > UB - LB and no node outside K with w_i - mu > UB - LB.
 * Those nodes are fixed: the search runs over the others.  The walk's
 * order, its phases and libxl's tie-break are unchanged: all sets
 * compared contain the base, and the first of them in libxl's order
 * is the first in the order of what they add to it.
 *
 * l is made the binary fraction p / 2^48 and w is computed in 128-bit
 * integers, so the test is exact: rounding cannot fix a node wrongly. */
static unsigned count_cores(const xlnuma_host *h, const xlnuma_bitmap *S,
                            const xlnuma_bitmap *nodes);

#if defined(__SIZEOF_INT128__)
typedef __int128 i128;
#define RED_SHIFT 48

typedef struct {
    i128 w;
    unsigned i;
} inode;

DEFINE_SELECT(select_smallest_exact, inode, i128)

/* The first k of a (a selection) as a set: feasible?  Its load. */
static bool set_feasible(const search *s, const wnode *a, unsigned k,
                         uint64_t *load_r)
{
    uint64_t mem = 0, cap = 0, load = 0;

    for (unsigned j = 0; j < k; j++) {
        unsigned i = a[j].i;

        mem = sat_add(mem, s->b_usable[i]);
        cap += s->b_cap[i];
        load += s->b_load[i];
    }
    *load_r = load;
    return mem >= s->req->need_kib && cap >= s->req->vcpus;
}

static void mark_set(const search *s, const wnode *a, unsigned k,
                     bool *in)
{
    memset(in, 0, s->m * sizeof(*in));
    for (unsigned j = 0; j < k; j++)
        in[a[j].i] = true;
}

/* A feasible set of k nodes with a small load, into in[]: the k smallest
 * load - l' usable for the smallest l' >= l that gives one (the
 * relaxation's solution, nudged toward memory).  Its load, or
 * UINT64_MAX: none found. */
static uint64_t reduce_upper(const search *s, unsigned k, double l,
                             wnode *a, bool *in)
{
    uint64_t ub = UINT64_MAX, load;
    double lo = l, hi = l;
    int it;

    select_by_lambda(s, k, l, a);
    if (set_feasible(s, a, k, &load)) {
        mark_set(s, a, k, in);
        return load;
    }
    for (it = 0; it < 64; it++) {
        hi = hi * 4 + 1e-12;
        select_by_lambda(s, k, hi, a);
        if (set_feasible(s, a, k, &load)) {
            ub = load;
            mark_set(s, a, k, in);
            break;
        }
        lo = hi;
    }
    if (ub == UINT64_MAX)
        return ub;
    /* A few halvings: the swaps below do the fine work. */
    for (it = 0; it < 6; it++) {
        double mid = sqrt(lo * hi);

        if (!(mid > lo && mid < hi))
            break;
        select_by_lambda(s, k, mid, a);
        if (set_feasible(s, a, k, &load)) {
            hi = mid;
            if (load < ub) {
                ub = load;
                mark_set(s, a, k, in);
            }
        } else {
            lo = mid;
        }
    }
    return ub;
}

/* Improve the set in[] by single swaps among the undecided nodes (keep)
 * while one lowers the load and stays feasible; the new load. */
static uint64_t reduce_swaps(const search *s, const bool *keep, bool *in,
                             uint64_t load)
{
    uint64_t mem = 0, cap = 0;
    unsigned *a = NULL, *b = NULL, na = 0, nb = 0;

    a = malloc(s->m * sizeof(*a));
    b = malloc(s->m * sizeof(*b));
    if (!a || !b)
        goto out;               /* only a heuristic */
    for (unsigned i = 0; i < s->m; i++) {
        if (in[i]) {
            mem = sat_add(mem, s->b_usable[i]);
            cap += s->b_cap[i];
        }
        if (keep[i]) {
            if (in[i])
                a[na++] = i;
            else
                b[nb++] = i;
        }
    }
    for (;;) {
        uint64_t best = 0;
        unsigned bi = 0, bj = 0;

        for (unsigned x = 0; x < na; x++) {
            unsigned i = a[x];

            for (unsigned y = 0; y < nb; y++) {
                unsigned j = b[y];

                if (s->b_load[j] >= s->b_load[i] ||
                    s->b_load[i] - s->b_load[j] <= best ||
                    mem - s->b_usable[i] + s->b_usable[j] <
                        s->req->need_kib ||
                    cap - s->b_cap[i] + s->b_cap[j] < s->req->vcpus)
                    continue;
                best = s->b_load[i] - s->b_load[j];
                bi = x;
                bj = y;
            }
        }
        if (!best)
            break;
        {
            unsigned i = a[bi], j = b[bj];

            mem = mem - s->b_usable[i] + s->b_usable[j];
            cap = cap - s->b_cap[i] + s->b_cap[j];
            load -= best;
            in[i] = false;
            in[j] = true;
            a[bi] = j;
            b[bj] = i;
        }
    }
 out:
    free(a);
    free(b);
    return load;
}

/* Keep only the suitable indices with keep[i] (ascending ids stay
 * ascending); the covers are rebuilt over them. */
static int compact(search *s, const bool *keep, const xlnuma_bitmap *S)
{
    const xlnuma_host *h = s->h;
    xlnuma_bitmap S2;
    int *idx_of = NULL;
    unsigned j = 0, old_m = s->m;
    int rc;

    xlnuma_bitmap_init(&S2);
    idx_of = malloc(h->nr_nodes * sizeof(*idx_of));
    if (!idx_of)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned n = 0; n < h->nr_nodes; n++)
        idx_of[n] = -1;
    for (unsigned i = 0; i < old_m; i++) {
        if (!keep[i])
            continue;
        s->b_node[j] = s->b_node[i];
        s->b_free[j] = s->b_free[i];
        s->b_usable[j] = s->b_usable[i];
        s->b_above[j] = s->b_above[i];
        s->b_cap[j] = s->b_cap[i];
        s->b_threads[j] = s->b_threads[i];
        s->b_load[j] = s->b_load[i];
        if (s->b_distb) {
            s->b_distb[j] = s->b_distb[i];
            s->b_maxdb[j] = s->b_maxdb[i];
        }
        idx_of[s->b_node[j]] = (int)j;
        j++;
    }
    cover_dispose(&s->cores, old_m);
    cover_dispose(&s->vmask, old_m);
    s->m = j;
    if (s->track_cores) {
        /* The cores of the kept nodes' suitable pCPUs. */
        rc = xlnuma_bitmap_resize(&S2, h->nr_cpus);
        for (unsigned i = 0; !rc && i < s->m; i++)
            for (unsigned x = h->node_cpu0[s->b_node[i]];
                 !rc && x < h->node_cpu0[s->b_node[i] + 1]; x++)
                if (xlnuma_bitmap_test(S, h->node_cpu[x]))
                    rc = xlnuma_bitmap_set(&S2, h->node_cpu[x]);
        if (!rc)
            rc = build_cores(s, &S2, idx_of);
    } else {
        rc = cover_build(&s->cores, s->m, NULL, NULL, 0);
    }
    if (!rc)
        rc = build_vmask(s, idx_of);
    xlnuma_bitmap_dispose(&S2);
    free(idx_of);
    return rc;
}

/* Try the reduction for size k with multiplier l (load per KiB).  On
 * success the suitable arrays hold only the undecided nodes and the base
 * is set; *done tells.  Any failure to find a feasible set leaves the
 * search as it was. */
static int reduce(search *s, unsigned k, double l, const xlnuma_bitmap *S,
                  bool *done)
{
    const xlnuma_host *h = s->h;
    unsigned m = s->m, nin = 0, nout = 0;
    wnode *a = NULL;
    inode *w = NULL;
    bool *keep = NULL, *in = NULL;
    uint64_t ub;
    int64_t p;
    i128 lb = 0, gap, mu;
    int rc = 0;

    *done = false;
    if (!(l >= 0) || k < 2 || k >= m || l * 0x1p48 >= 0x1p46)
        return 0;
    p = (int64_t)llround(l * 0x1p48);
    a = malloc(m * sizeof(*a));
    w = malloc(m * sizeof(*w));
    keep = malloc(m * sizeof(*keep));
    in = malloc(m * sizeof(*in));
    if (!a || !w || !keep || !in) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    ub = reduce_upper(s, k, l, a, in);
    if (ub == UINT64_MAX)
        goto out;
    for (unsigned i = 0; i < m; i++) {
        w[i].w = ((i128)s->b_load[i] << RED_SHIFT) -
                 (i128)p * (i128)s->b_usable[i];
        w[i].i = i;
    }
    select_smallest_exact(w, m, k);
    mu = w[0].w;
    for (unsigned j = 0; j < k; j++) {
        lb += w[j].w;
        if (w[j].w > mu)
            mu = w[j].w;
    }
    lb += (i128)p * (i128)s->req->need_kib;
    gap = ((i128)ub << RED_SHIFT) - lb;
    if (gap < 0) {
        /* The heuristic set beats the bound: impossible. */
        xlnuma_ctx *ctx = s->ctx;

        LOG(ERROR, "internal error: reduction bound above a feasible "
            "load (%" PRIu64 ")", ub);
        goto out;
    }
    for (int pass = 0; pass < 2; pass++) {
        nin = nout = 0;
        for (unsigned j = 0; j < m; j++) {
            bool fin = j < k && mu - w[j].w > gap;
            bool fout = j >= k && w[j].w - mu > gap;

            keep[w[j].i] = !fin && !fout;
            nin += fin;
            nout += fout;
        }
        if (pass)
            break;
        /* A better set narrows the gap: swaps among the undecided. */
        {
            uint64_t ub2 = reduce_swaps(s, keep, in, ub);

            if (ub2 == ub)
                break;
            ub = ub2;
            gap = ((i128)ub << RED_SHIFT) - lb;
            if (gap < 0)
                break;          /* cannot be: the bound holds for U */
        }
    }
    /* The node of K whose w is mu is never fixed (gap >= 0): at least
     * one node is left to walk. */
    if (!nin && !nout)
        goto out;

    xlnuma_bitmap_clear(&s->base);
    s->nbase = 0;
    s->base_free = s->base_usable = s->base_above = s->base_load = 0;
    s->base_cpus = 0;
    for (unsigned j = 0; j < k; j++) {
        unsigned i = w[j].i;

        if (keep[i])
            continue;
        rc = xlnuma_bitmap_set(&s->base, s->b_node[i]);
        if (rc)
            goto out;
        s->nbase++;
        s->base_free += s->b_free[i];
        s->base_usable = sat_add(s->base_usable, s->b_usable[i]);
        s->base_above += s->b_above[i];
        s->base_load += s->b_load[i];
        s->base_cpus += s->b_threads[i];
    }
    if (s->track_cores)
        s->base_cores = count_cores(h, S, &s->base);
    s->base_dist = 0;
    s->base_maxd = 0;
    if (s->need_dist) {
        s->b_distb = calloc(m, sizeof(*s->b_distb));
        s->b_maxdb = calloc(m, sizeof(*s->b_maxdb));
        if (!s->b_distb || !s->b_maxdb) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
        xlnuma_bitmap_for_each(b, &s->base) {
            const unsigned *row = h->nodes[b].distance;

            for (unsigned i = 0; i < m; i++) {
                unsigned n = s->b_node[i], d1 = row[n],
                         d2 = h->nodes[n].distance[b];

                if (!keep[i])
                    continue;
                s->b_distb[i] += d1 + d2;
                if (d1 > s->b_maxdb[i])
                    s->b_maxdb[i] = d1;
                if (d2 > s->b_maxdb[i])
                    s->b_maxdb[i] = d2;
            }
            xlnuma_bitmap_for_each(c, &s->base)
                if (c != b) {
                    s->base_dist += row[c];
                    if (row[c] > s->base_maxd)
                        s->base_maxd = row[c];
                }
        }
    }
    rc = compact(s, keep, S);
    if (rc)
        goto out;
    s->res->nr_fixed_in = nin;
    s->res->nr_fixed_out = nout;
    s->res->reduce_bound = lb <= 0 ? 0 :
        (uint64_t)((lb + ((i128)1 << RED_SHIFT) - 1) >> RED_SHIFT);
    *done = true;
 out:
    free(a);
    free(w);
    free(keep);
    free(in);
    return rc;
}
#else
static int reduce(search *s, unsigned k, double l, const xlnuma_bitmap *S,
                  bool *done)
{
    (void)s, (void)k, (void)l, (void)S;
    *done = false;
    return 0;
}
#endif

static int u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x > y ? -1 : x < y;
}

/* The fewest of v[0..m) whose sum reaches need (m + 1: all do not), by
 * selection, in expected O(m); v is reordered.  Values below 2^52, m
 * below 2^12: sums do not wrap. */
static unsigned fewest_reaching(uint64_t *v, unsigned m, uint64_t need)
{
    unsigned lo = 0, hi = m, taken = 0;

    if (!need)
        return 0;
    while (lo < hi) {
        uint64_t pivot = v[lo + (hi - lo) / 2], sum_gt = 0;
        unsigned gt = lo, eq, i;

        /* [lo, gt): > pivot, [gt, eq): == pivot, [eq, hi): < pivot */
        for (i = lo; i < hi; i++)
            if (v[i] > pivot) {
                uint64_t t = v[i];

                v[i] = v[gt];
                v[gt++] = t;
            }
        eq = gt;
        for (i = gt; i < hi; i++)
            if (v[i] == pivot) {
                uint64_t t = v[i];

                v[i] = v[eq];
                v[eq++] = t;
            }
        for (i = lo; i < gt; i++)
            sum_gt += v[i];
        if (gt > lo && sum_gt >= need) {
            hi = gt;            /* reached within the larger ones */
            continue;
        }
        need -= sum_gt;
        taken += gt - lo;
        if (pivot && pivot * (eq - gt) >= need)
            return taken + (unsigned)((need + pivot - 1) / pivot);
        need -= pivot * (eq - gt);
        taken += eq - gt;
        lo = eq;
    }
    return m + 1;
}

/* Load first on a big host, at k0, the first size that can hold the
 * need: the multiplier (s->lambda) and the reduction.  When nodes are
 * decided, smaller sizes are cut whole here (as the walk's root would
 * cut them) and the walk runs at k0 alone. */
static int reduce_root(search *s, const xlnuma_bitmap *S,
                       unsigned min_nodes, unsigned max_nodes,
                       unsigned *k_first, unsigned *k_last)
{
    const xlnuma_request *req = s->req;
    uint64_t *mem = malloc((s->m + 1) * sizeof(*mem));
    uint64_t *cap = malloc((s->m + 1) * sizeof(*cap));
    unsigned k0, km, kc;
    bool done = false;
    double l = 0;
    int rc = 0;

    if (!mem || !cap) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    memcpy(mem, s->b_usable, s->m * sizeof(*mem));
    memcpy(cap, s->b_cap, s->m * sizeof(*cap));
    km = fewest_reaching(mem, s->m, req->need_kib);
    kc = fewest_reaching(cap, s->m, req->vcpus);
    k0 = min_nodes;
    if (km > k0)
        k0 = km;
    if (kc > k0)
        k0 = kc;
    if (k0 > max_nodes)
        goto out;               /* no size can: the walk says so */
    rc = root_lambda(s, k0, &l);
    if (!rc)
        rc = reduce(s, k0, l, S, &done);
    if (rc || !done)
        goto out;
    if (req->explain) {
        /* The shortfalls, from the best k nodes of each figure. */
        memcpy(mem + 1, s->b_usable, s->m * sizeof(*mem));
        memcpy(cap + 1, s->b_cap, s->m * sizeof(*cap));
        qsort(mem + 1, s->m, sizeof(*mem), u64_desc);
        qsort(cap + 1, s->m, sizeof(*cap), u64_desc);
        mem[0] = cap[0] = 0;
        for (unsigned i = 1; i <= s->m; i++) {
            mem[i] = sat_add(mem[i], mem[i - 1]);
            cap[i] += cap[i - 1];
        }
    }
    for (unsigned k = min_nodes; k < k0 && !s->rc; k++) {
        uint64_t sk = 0;
        unsigned sc = 0;

        if (req->explain && mem[k] < req->need_kib)
            sk = req->need_kib - mem[k];
        if (req->explain && cap[k] < req->vcpus)
            sc = (unsigned)(req->vcpus - cap[k]);
        record_size_cut(s, k, sk, sc);
    }
    rc = s->rc;
    *k_first = *k_last = k0;
 out:
    if (!rc && l > 0)
        s->lambda = 1.0 / l;
    free(mem);
    free(cap);
    return rc;
}

/* Distinct cores among the suitable pCPUs of the nodes. */
static unsigned count_cores(const xlnuma_host *h, const xlnuma_bitmap *S,
                            const xlnuma_bitmap *nodes)
{
    bool *seen = calloc(h->nr_core_ids ? h->nr_core_ids : 1, sizeof(*seen));
    unsigned count = 0;

    if (!seen)
        return 0;
    xlnuma_bitmap_for_each(nd, nodes)
        for (unsigned j = h->node_cpu0[nd]; j < h->node_cpu0[nd + 1]; j++) {
            unsigned c = h->node_cpu[j];

            if (xlnuma_bitmap_test(S, c) && !seen[h->cpu_core[c]]) {
                seen[h->cpu_core[c]] = true;
                count++;
            }
        }
    free(seen);
    return count;
}

static unsigned auto_min_nodes(const xlnuma_host *h, unsigned vcpus)
{
    unsigned c0 = xlnuma__node_nr_cpus(h, 0);

    for (unsigned n = 1; n < h->nr_nodes; n++)
        if (xlnuma__node_nr_cpus(h, n) != c0)
            return 1;
    if (!c0)
        return 1;
    return (vcpus + c0 - 1) / c0;
}

static int u64_asc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/* The budget ran out with s->best in hand: how far can its first key's
 * figure be from the optimum's?  Bounds over every set of its size (the
 * smaller sizes had no feasible set), of the decided base and r more of
 * the current nodes.  false: no bound (a comparator, or no key). */
static bool first_key_gap(const search *s, uint64_t *gap_r)
{
    const xlnuma_candidate *b = &s->best;
    unsigned K = b->nr_nodes, r = K - s->nbase;
    uint64_t *v, bound = 0, sum = 0;

    if (s->p->compare || s->p->keys[0] == XLNUMA_KEY_END || r > s->m)
        return false;
    switch (s->p->keys[0]) {
    case XLNUMA_KEY_LOAD_LESS:
        if (s->p->load_model == XLNUMA_LOAD_PER_CANDIDATE) {
            /* A vCPU whose nodes number more than m - K is counted by
             * every set of K nodes. */
            unsigned *n = calloc(s->vmask.nr_sets ? s->vmask.nr_sets : 1,
                                 sizeof(*n));

            if (!n)
                return false;
            for (unsigned i = 0; i < s->m; i++)
                for (unsigned j = 0; j < s->vmask.nr_by_node[i]; j++)
                    n[s->vmask.by_node[i][j]]++;
            for (unsigned t = 0; t < s->vmask.nr_sets; t++)
                if (n[t] + K > s->m)
                    bound += s->vmask.mult[t];
            free(n);
            break;
        }
        /* the r smallest loads, as for memory */
        /* fall through */
    case XLNUMA_KEY_FREE_LESS:
    case XLNUMA_KEY_FREE_MORE:
        v = malloc((s->m ? s->m : 1) * sizeof(*v));
        if (!v)
            return false;
        memcpy(v, s->p->keys[0] == XLNUMA_KEY_LOAD_LESS ? s->b_load
                                                        : s->b_free,
               s->m * sizeof(*v));
        qsort(v, s->m, sizeof(*v),
              s->p->keys[0] == XLNUMA_KEY_FREE_MORE ? u64_desc : u64_asc);
        for (unsigned i = 0; i < r; i++)
            sum += v[i];
        free(v);
        if (s->p->keys[0] == XLNUMA_KEY_LOAD_LESS) {
            bound = s->base_load + sum;
            if (s->nbase && s->res->reduce_bound > bound)
                bound = s->res->reduce_bound;
        } else {
            bound = s->base_free + sum;
            /* free >= usable >= need on every feasible set */
            if (s->p->keys[0] == XLNUMA_KEY_FREE_LESS &&
                s->req->need_kib > bound)
                bound = s->req->need_kib;
        }
        break;
    case XLNUMA_KEY_DISTANCE_LESS:
        bound = (uint64_t)s->dmin * K * (K ? K - 1 : 0);
        break;
    case XLNUMA_KEY_MAXDIST_LESS:
        bound = K >= 2 ? s->dmin : 0;
        break;
    default:
        return false;
    }
    switch (s->p->keys[0]) {
    case XLNUMA_KEY_LOAD_LESS:
        *gap_r = b->load > bound ? b->load - bound : 0;
        break;
    case XLNUMA_KEY_FREE_LESS:
        *gap_r = b->free_kib > bound ? b->free_kib - bound : 0;
        break;
    case XLNUMA_KEY_FREE_MORE:
        *gap_r = bound > b->free_kib ? bound - b->free_kib : 0;
        break;
    case XLNUMA_KEY_DISTANCE_LESS:
        *gap_r = b->distance > bound ? b->distance - bound : 0;
        break;
    default:
        *gap_r = b->max_distance > bound ? b->max_distance - bound : 0;
        break;
    }
    return true;
}

static int place_once(xlnuma_ctx *ctx, const xlnuma_host *h,
                      const xlnuma_request *req, xlnuma_result *res)
{
    search s;
    const xlnuma_pool *pool;
    xlnuma_bitmap S;
    int *idx_of = NULL;
    unsigned *identity = NULL, *policy_order = NULL;
    unsigned pool_id, min_nodes, max_nodes, k_first, k_last, reduce_from;
    bool additive, unique;
    uint64_t *saved_dom, *saved_picked, *saved_unavail;
    int rc;

    memset(&s, 0, sizeof(s));
    xlnuma_candidate_init(&s.best);
    xlnuma_candidate_init(&s.runner);
    xlnuma_candidate_init(&s.scratch);
    xlnuma_candidate_init(&s.phase1_best);
    s.best_trace = -1;
    xlnuma_bitmap_init(&S);
    xlnuma_bitmap_init(&s.base);
    xlnuma_result_dispose(res);
    res->exact = true;

    if (!h || !req || !h->finished) {
        LOG(ERROR, "placement needs a finished host and a request");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    if (req->need_kib > XLNUMA_MAX_KIB * 4096) {
        LOG(ERROR, "memory need of %" PRIu64 " KiB is absurd",
            req->need_kib);
        rc = XLNUMA_ERROR_RANGE;
        goto out;
    }
    if (req->vcpus > XLNUMA_MAX_VCPUS) {
        LOG(ERROR, "%u vCPUs is more than Xen allows (%u)", req->vcpus,
            XLNUMA_MAX_VCPUS);
        rc = XLNUMA_ERROR_RANGE;
        goto out;
    }
    s.ctx = ctx;
    s.h = h;
    s.req = req;
    s.res = res;
    s.p = req->policy ? req->policy : xlnuma_policy_builtins()[0];
    res->policy = s.p;

    res->node_load = calloc(h->nr_nodes, sizeof(*res->node_load));
    if (!res->node_load) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    res->nr_node_load = h->nr_nodes;

    if (h->nr_nodes <= 1 &&
        !(s.p->flags & XLNUMA_POLICY_PLACE_ONE_NODE_HOST)) {
        LOG(DETAIL, "one-node host: no placement (policy %s)", s.p->name);
        res->outcome = XLNUMA_SKIP_ONE_NODE;
        rc = 0;
        goto out;
    }

    if (req->pool < -1) {
        LOG(ERROR, "cpupool id %d is invalid (-1 means Pool-0)", req->pool);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    pool_id = req->pool < 0 ? 0 : (unsigned)req->pool;
    pool = xlnuma_host_pool_by_id(h, pool_id);
    if (!pool) {
        LOG(ERROR, "cpupool %u does not exist on this host", pool_id);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    rc = xlnuma_bitmap_copy(&S, &pool->cpus);
    if (rc)
        goto out;
    if (!xlnuma_bitmap_is_empty(&req->cpus)) {
        rc = xlnuma_bitmap_and(&S, &S, &req->cpus);
        if (rc)
            goto out;
    }
    rc = xlnuma_node_load(ctx, h, &S, res->node_load);
    if (rc)
        goto out;
    res->nr_suitable_cpus = xlnuma_bitmap_count(&S);
    if (!res->nr_suitable_cpus) {
        LOG(DETAIL, "no suitable pCPU: cpupool %s%s is empty", pool->name,
            xlnuma_bitmap_is_empty(&req->cpus) ? "" : " within the mask");
        res->outcome = XLNUMA_NOFIT_EMPTY_POOL;
        rc = 0;
        goto out;
    }

    /* Suitable nodes and their figures. */
    idx_of = malloc(h->nr_nodes * sizeof(*idx_of));
    s.b_node = malloc(h->nr_nodes * sizeof(*s.b_node));
    s.b_threads = malloc(h->nr_nodes * sizeof(*s.b_threads));
    if (!idx_of || !s.b_node || !s.b_threads) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    /* A node is suitable when some of its pCPUs are; they are its
     * threads. */
    for (unsigned n = 0; n < h->nr_nodes; n++) {
        unsigned t = 0;

        for (unsigned j = h->node_cpu0[n]; j < h->node_cpu0[n + 1]; j++)
            t += xlnuma_bitmap_test(&S, h->node_cpu[j]);
        idx_of[n] = t ? (int)s.m : -1;
        if (t) {
            s.b_threads[s.m] = t;
            s.b_node[s.m++] = n;
        }
    }
    s.b_free = calloc(s.m, sizeof(*s.b_free));
    s.b_usable = calloc(s.m, sizeof(*s.b_usable));
    s.b_above = calloc(s.m, sizeof(*s.b_above));
    s.b_cap = calloc(s.m, sizeof(*s.b_cap));
    s.b_load = calloc(s.m, sizeof(*s.b_load));
    if (!s.b_free || !s.b_usable || !s.b_above || !s.b_cap ||
        !s.b_load) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    /* Distinct cores are needed during the search only to compare with
     * the vCPUs, to explain, or for a plug-in to look at; otherwise they
     * are counted once for the answer. */
    s.track_cores = req->smt_cores || req->explain || s.p->compare ||
                    s.p->filter;
    if (s.track_cores)
        rc = build_cores(&s, &S, idx_of);
    else
        rc = cover_build(&s.cores, s.m, NULL, NULL, 0);
    if (rc)
        goto out;
    rc = build_vmask(&s, idx_of);
    if (rc)
        goto out;
    for (unsigned i = 0; i < s.m; i++) {
        const xlnuma_node *nd = &h->nodes[s.b_node[i]];

        s.b_free[i] = nd->memfree_kib;
        s.b_usable[i] = node_usable(req, nd);
        s.b_above[i] = nd->memfree_kib - nd->dmafree_kib;
        s.b_cap[i] = req->smt_cores ? s.cores.nr_by_node[i]
                                    : s.b_threads[i];
        s.b_load[i] = res->node_load[s.b_node[i]];
        res->max_free_kib += s.b_free[i];
    }
    res->nr_suitable_nodes = s.m;

    min_nodes = req->min_nodes ? req->min_nodes
                               : auto_min_nodes(h, req->vcpus);
    if (min_nodes < 1)
        min_nodes = 1;
    if (min_nodes > s.m)
        min_nodes = s.m;
    max_nodes = req->max_nodes && req->max_nodes <= s.m ? req->max_nodes
                                                        : s.m;
    if (min_nodes > max_nodes) {
        LOG(ERROR, "inconsistent node bounds: at least %u, at most %u",
            min_nodes, max_nodes);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    res->min_nodes = min_nodes;
    res->max_nodes = max_nodes;

    /* Explaining a small search shows every set; a big one is pruned
     * and shows the groups it cut. */
    s.prune = true;
    if (req->explain) {
        unsigned long long total = 0;

        for (unsigned k = min_nodes; k <= max_nodes; k++) {
            unsigned long long b = binom(s.m, k);

            total = total + b < total ? ULLONG_MAX : total + b;
        }
        s.prune = total > XLNUMA_TRACE_LIMIT;
    }
    s.need_dist = s.p->compare || s.p->filter || req->explain;
    s.use_dom = s.prune && !s.p->compare && !s.p->filter &&
                s.p->load_model == XLNUMA_LOAD_PER_NODE && !req->smt_cores;
    additive = s.use_dom && s.p->keys[0] != XLNUMA_KEY_END;
    for (unsigned i = 0; i < XLNUMA_MAX_KEYS && s.p->keys[i]; i++) {
        xlnuma_key key = s.p->keys[i];

        if (key == XLNUMA_KEY_DISTANCE_LESS ||
            key == XLNUMA_KEY_MAXDIST_LESS)
            s.need_dist = true;
        if (key != XLNUMA_KEY_LOAD_LESS && key != XLNUMA_KEY_FREE_MORE &&
            key != XLNUMA_KEY_FREE_LESS) {
            s.use_dom = false;
            additive = false;
        }
    }
    s.pick = calloc(max_nodes, sizeof(*s.pick));
    s.maxd = calloc(max_nodes + 1, sizeof(*s.maxd));
    identity = malloc(s.m * sizeof(*identity));
    if (!s.pick || !s.maxd || !identity) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    for (unsigned i = 0; i < s.m; i++)
        identity[i] = i;
    s.max_steps = req->max_steps ? req->max_steps : XLNUMA_DEFAULT_STEPS;

    /* Load first: the multiplier of the root's relaxation, for the
     * combined load/memory bound and the reduction.  Small searches
     * finish before either would pay off. */
    s.lambda = 0;
    k_first = min_nodes;
    k_last = max_nodes;
    reduce_from = ctx && ctx->reduce_from ? ctx->reduce_from : 25;
    if (additive && s.p->keys[0] == XLNUMA_KEY_LOAD_LESS &&
        s.m >= reduce_from) {
        rc = reduce_root(&s, &S, min_nodes, max_nodes, &k_first, &k_last);
        if (rc)
            goto out;
    }
    if (additive) {
        policy_order = policy_permutation(&s);
        if (!policy_order) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
    }
    rc = prepare_phase(&s, additive ? policy_order : identity);
    if (rc)
        goto out;
    for (unsigned k = k_first;
         k <= k_last && !s.have_best && !s.out_of_steps; k++) {
        s.k = k - s.nbase;
        if (additive) {
            /* Phase 1: the optimal value, walking the policy's order. */
            s.quiet = true;
            walk(&s, 0, 0);
            s.quiet = false;
            if (s.rc) {
                rc = s.rc;
                goto out;
            }
            if (!s.have_best || s.out_of_steps)
                continue;
            rc = xlnuma_candidate_copy(&s.phase1_best, &s.best);
            if (rc)
                goto out;
            /* Phase 1b: is that value reached by any other set?  If not,
             * the set is the answer, whatever the order.  Bounded: ties
             * among identical nodes are better settled by phase 2. */
            {
                unsigned long long limit = s.max_steps, p1 = s.steps;

                s.max_steps = s.steps + 4 * p1 + 10000 < limit
                    ? s.steps + 4 * p1 + 10000 : limit;
                s.ties_win = true;
                s.exclude_best = true;
                s.found_first = false;
                s.quiet = true;
                /* Dominance could map a tie onto best itself: only strict
                 * dominance here. */
                saved_dom = s.dom;
                saved_picked = s.picked;
                saved_unavail = s.unavail;
                s.dom = s.picked = s.unavail = NULL;
                rc = build_dominance(&s, true);
                if (!rc)
                    walk(&s, 0, 0);
                free(s.dom);
                free(s.picked);
                free(s.unavail);
                s.dom = saved_dom;
                s.picked = saved_picked;
                s.unavail = saved_unavail;
                if (rc)
                    goto out;
                s.quiet = false;
                s.ties_win = false;
                s.exclude_best = false;
                unique = !s.found_first && !s.out_of_steps && !s.rc;
                if (s.out_of_steps && s.steps <= limit)
                    s.out_of_steps = false;     /* only 1b's own limit */
                s.max_steps = limit;
                if (s.rc) {
                    rc = s.rc;
                    goto out;
                }
                rc = xlnuma_candidate_copy(&s.best, &s.phase1_best);
                if (rc)
                    goto out;
                s.found_first = false;
                if (unique)
                    continue;   /* have_best: the loop ends */
            }
            /* Phase 2: the first set in libxl's order with that value. */
            rc = bounds_build(&s.id, s.b_usable, s.b_cap, s.b_free,
                              s.b_load, s.m, s.lambda);
            if (!rc)
                rc = first_in_order(&s);
            if (rc)
                goto out;
            /* A set with the same value that lost on order is the most
             * telling runner-up. */
            if (!xlnuma_bitmap_equal(&s.phase1_best.nodes, &s.best.nodes)) {
                rc = xlnuma_candidate_copy(&s.runner, &s.phase1_best);
                if (rc)
                    goto out;
                s.have_runner = true;
            }
        } else {
            walk(&s, 0, 0);
            if (s.rc) {
                rc = s.rc;
                goto out;
            }
        }
    }
    res->nr_steps = s.steps > s.max_steps ? s.max_steps : s.steps;
    res->exact = !s.out_of_steps;
    if (s.out_of_steps)
        LOG(WARN, "placement search stopped after %llu steps: the answer "
            "is the best found, not proven optimal", s.max_steps);

    /* The runner-up is part of the explanation only. */
    s.have_runner = s.have_runner && req->explain;
    if (s.have_best) {
        res->outcome = XLNUMA_PLACED;
        rc = candidate_distances(h, &s.best);
        if (!rc && s.have_runner)
            rc = candidate_distances(h, &s.runner);
        if (rc)
            goto out;
        if (s.out_of_steps)
            res->has_gap = first_key_gap(&s, &res->gap);
        if (!s.track_cores) {
            s.best.nr_cores = count_cores(h, &S, &s.best.nodes);
            if (s.have_runner)
                s.runner.nr_cores = count_cores(h, &S, &s.runner.nodes);
        }
        rc = xlnuma_candidate_copy(&res->best, &s.best);
        if (rc)
            goto out;
        if (s.have_runner) {
            rc = xlnuma_candidate_copy(&res->runner_up, &s.runner);
            if (rc)
                goto out;
            res->has_runner_up = true;
        }
        rc = xlnuma_host_nodes_to_cpus(h, &s.best.nodes, &res->cpus);
        if (!rc)
            rc = xlnuma_bitmap_and(&res->cpus, &res->cpus, &S);
        if (rc)
            goto out;
    } else {
        uint64_t all_mem = 0, all_cap = 0;
        bool mem_short, cpu_short;

        for (unsigned i = 0; i < s.m; i++) {
            all_mem = sat_add(all_mem, s.b_usable[i]);
            all_cap += s.b_threads[i];
        }
        if (req->smt_cores)
            all_cap = s.cores.nr_sets;   /* a core may span nodes */
        mem_short = all_mem < req->need_kib;
        cpu_short = all_cap < req->vcpus;
        if (s.out_of_steps)
            res->outcome = XLNUMA_NOFIT_BUDGET;
        else if (mem_short && !cpu_short)
            res->outcome = XLNUMA_NOFIT_MEMORY;
        else if (cpu_short && !mem_short)
            res->outcome = XLNUMA_NOFIT_CPUS;
        else if (s.any_feasible)
            res->outcome = XLNUMA_NOFIT_FILTER;
        else
            res->outcome = XLNUMA_NOFIT_BOTH;
        LOG(DETAIL, "no candidate (%s): need %" PRIu64 " KiB and %u pCPUs;"
            " the %u suitable nodes offer %" PRIu64 " KiB and %" PRIu64,
            xlnuma_outcome_name(res->outcome), req->need_kib, req->vcpus,
            s.m, all_mem, all_cap);
    }
    rc = 0;
 out:
    if (rc)
        xlnuma_result_dispose(res);
    free(idx_of);
    free(identity);
    free(policy_order);
    xlnuma_bitmap_dispose(&S);
    search_dispose(&s);
    return rc;
}

/* With explain on a search big enough to be pruned, the walk records
 * only the groups it cut: make sure the winner and the runner-up are in
 * the trace. */
static int trace_ensure(xlnuma_result *res, const xlnuma_candidate *c,
                        xlnuma_verdict v)
{
    xlnuma_explained *e;
    int rc;

    for (unsigned i = 0; i < res->nr_trace; i++)
        if (xlnuma_bitmap_equal(&res->trace[i].c.nodes, &c->nodes) &&
            res->trace[i].verdict != XLNUMA_VERDICT_PRUNED)
            return 0;
    e = realloc(res->trace, (res->nr_trace + 1) * sizeof(*e));
    if (!e)
        return XLNUMA_ERROR_NOMEM;
    res->trace = e;
    e = &res->trace[res->nr_trace];
    memset(e, 0, sizeof(*e));
    xlnuma_candidate_init(&e->c);
    rc = xlnuma_candidate_copy(&e->c, c);
    if (rc)
        return rc;
    e->verdict = v;
    e->prefix_len = c->nr_nodes;
    e->group_size = 1;
    res->nr_trace++;
    return 0;
}

int xlnuma_place(xlnuma_ctx *ctx, const xlnuma_host *h,
                 const xlnuma_request *req, xlnuma_result *res)
{
    xlnuma_request plain;
    int rc;

    rc = place_once(ctx, h, req, res);
    if (rc)
        return rc;
    if (req->dma_aware && res->outcome != XLNUMA_PLACED &&
        res->outcome != XLNUMA_SKIP_ONE_NODE &&
        res->outcome != XLNUMA_NOFIT_EMPTY_POOL &&
        res->outcome != XLNUMA_NOFIT_BUDGET) {
        /* No set holds the need above the DMA zone: take the best one
         * without the rule, and say that it will spill.  (A search that
         * ran out of steps proved nothing of the kind.) */
        plain = *req;
        plain.dma_aware = false;
        rc = place_once(ctx, h, &plain, res);
        if (rc)
            return rc;
        if (res->outcome == XLNUMA_PLACED) {
            res->dma_fallback = true;
            LOG(WARN, "no node set holds %llu KiB above Xen's DMA zone; "
                "nodes chosen without that rule, part of the memory will "
                "land elsewhere", (unsigned long long)req->need_kib);
        }
    }
    if (req->explain && res->outcome == XLNUMA_PLACED) {
        rc = trace_ensure(res, &res->best, XLNUMA_VERDICT_CHOSEN);
        if (!rc && res->has_runner_up)
            rc = trace_ensure(res, &res->runner_up, XLNUMA_VERDICT_LOST);
        if (rc) {
            xlnuma_result_dispose(res);
            return rc;
        }
    }
    return 0;
}
