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

typedef struct {
    xlnuma_ctx *ctx;
    const xlnuma_host *h;
    const xlnuma_request *req;
    const xlnuma_policy *p;
    xlnuma_result *res;

    unsigned m;                 /* suitable nodes */
    unsigned *node;             /* m: their ids, ascending */
    uint64_t *free;             /* m */
    uint64_t *usable;           /* m: free minus DMA zone and headroom */
    uint64_t *cap;              /* m: pCPUs (or cores) for the bound */
    unsigned *threads;          /* m: suitable pCPUs */
    uint64_t *load;             /* m: per-node runnable vCPUs */
    unsigned *dist;             /* m x m */
    unsigned dmin;              /* smallest distance between two nodes */
    unsigned *ord_free_desc, *ord_free_asc, *ord_usable_desc;
    unsigned *ord_cap_desc, *ord_load_asc;
    cover cores, vmask;

    /* the walk */
    unsigned k;
    unsigned *pick;             /* k indices into the suitable nodes */
    uint64_t cur_free, cur_usable, cur_load, cur_dist;
    unsigned cur_cpus, cur_maxdist;
    bool prune;

    /* outcome */
    bool have_best, have_runner, any_feasible;
    xlnuma_candidate best, runner, scratch;
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

/* Sum of the r best values among indices >= start, best first in ord. */
static uint64_t sum_best(const unsigned *ord, const uint64_t *val,
                         unsigned m, unsigned start, unsigned r)
{
    uint64_t s = 0;

    for (unsigned i = 0; i < m && r; i++) {
        if (ord[i] < start)
            continue;
        s = sat_add(s, val[ord[i]]);
        r--;
    }
    return s;
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

    if (!s->req->explain)
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
    return 0;
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

static void add_node(search *s, unsigned depth, unsigned i)
{
    s->pick[depth] = i;
    s->cur_free += s->free[i];
    s->cur_usable += s->usable[i];
    s->cur_load += s->load[i];
    s->cur_cpus += s->threads[i];
    cover_add(&s->cores, i);
    cover_add(&s->vmask, i);
    for (unsigned j = 0; j < depth; j++) {
        unsigned a = s->pick[j];
        unsigned d1 = s->dist[(size_t)a * s->m + i];
        unsigned d2 = s->dist[(size_t)i * s->m + a];

        s->cur_dist += d1 + d2;
    }
}

static void remove_node(search *s, unsigned depth, unsigned i)
{
    s->cur_free -= s->free[i];
    s->cur_usable -= s->usable[i];
    s->cur_load -= s->load[i];
    s->cur_cpus -= s->threads[i];
    cover_remove(&s->cores, i);
    cover_remove(&s->vmask, i);
    for (unsigned j = 0; j < depth; j++) {
        unsigned a = s->pick[j];

        s->cur_dist -= s->dist[(size_t)a * s->m + i] +
                       s->dist[(size_t)i * s->m + a];
    }
}

static unsigned maxdist_of(const search *s, unsigned n)
{
    unsigned md = 0;

    for (unsigned a = 0; a < n; a++)
        for (unsigned b = 0; b < n; b++) {
            unsigned d;

            if (a == b)
                continue;
            d = s->dist[(size_t)s->pick[a] * s->m + s->pick[b]];
            if (d > md)
                md = d;
        }
    return md;
}

static void evaluate_leaf(search *s)
{
    xlnuma_candidate *c = &s->scratch;
    const xlnuma_request *req = s->req;
    uint64_t short_kib = 0;
    unsigned short_cpus = 0, cap = cur_cap(s);
    xlnuma_verdict v;
    int rc;

    rc = fill_nodes(s, c, s->k);
    if (rc)
        goto fail;
    c->nr_nodes = s->k;
    c->nr_cpus = s->cur_cpus;
    c->nr_cores = s->cores.total;
    c->load = cur_load(s);
    c->free_kib = s->cur_free;
    c->free_above_dma_kib = 0;
    for (unsigned j = 0; j < s->k; j++) {
        const xlnuma_node *nd = &s->h->nodes[s->node[s->pick[j]]];

        c->free_above_dma_kib += nd->memfree_kib - nd->dmafree_kib;
    }
    c->distance = s->cur_dist;
    c->max_distance = maxdist_of(s, s->k);
    c->order = s->seq++;
    s->res->nr_evaluated++;

    if (s->cur_usable < req->need_kib)
        short_kib = req->need_kib - s->cur_usable;
    if (cap < req->vcpus)
        short_cpus = req->vcpus - cap;
    if (short_kib || short_cpus) {
        v = short_kib && short_cpus ? XLNUMA_VERDICT_SHORT_BOTH
            : short_kib ? XLNUMA_VERDICT_SHORT_MEMORY
                        : XLNUMA_VERDICT_SHORT_CPUS;
        rc = trace_add(s, c, v, short_kib, short_cpus, s->k, 1);
        goto done;
    }
    s->any_feasible = true;
    if (s->p->filter && !s->p->filter(c, s->p->priv)) {
        rc = trace_add(s, c, XLNUMA_VERDICT_FILTERED, 0, 0, s->k, 1);
        goto done;
    }
    if (!s->have_best ||
        xlnuma__candidate_compare(s->p, c, &s->best) < 0) {
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
        if (req->explain && s->res->nr_trace < XLNUMA_TRACE_LIMIT)
            s->best_trace = (long)s->res->nr_trace;
        rc = trace_add(s, c, XLNUMA_VERDICT_CHOSEN, 0, 0, s->k, 1);
    } else {
        if (!s->have_runner ||
            xlnuma__candidate_compare(s->p, c, &s->runner) < 0) {
            rc = xlnuma_candidate_copy(&s->runner, c);
            if (rc)
                goto fail;
            s->have_runner = true;
        }
        rc = trace_add(s, c, XLNUMA_VERDICT_LOST, 0, 0, s->k, 1);
    }
 done:
    if (!rc)
        return;
 fail:
    s->rc = rc;
}

/* Can the group (picks 0..depth, r more from indices >= start) be cut? */
static xlnuma_verdict group_cut(search *s, unsigned depth, unsigned start,
                                unsigned r, uint64_t *short_kib,
                                unsigned *short_cpus)
{
    const xlnuma_request *req = s->req;
    uint64_t mem, cap, b;
    unsigned j = depth + 1;      /* nodes in the prefix */

    *short_kib = 0;
    *short_cpus = 0;
    mem = sat_add(s->cur_usable,
                  sum_best(s->ord_usable_desc, s->usable, s->m, start, r));
    cap = sat_add(cur_cap(s),
                  sum_best(s->ord_cap_desc, s->cap, s->m, start, r));
    if (mem < req->need_kib)
        *short_kib = req->need_kib - mem;
    if (cap < req->vcpus)
        *short_cpus = (unsigned)(req->vcpus - cap);
    if (*short_kib || *short_cpus)
        return *short_kib && *short_cpus ? XLNUMA_VERDICT_SHORT_BOTH
            : *short_kib ? XLNUMA_VERDICT_SHORT_MEMORY
                         : XLNUMA_VERDICT_SHORT_CPUS;
    if (!s->have_best || s->p->compare)
        return XLNUMA_VERDICT_CHOSEN;       /* no cut */
    for (unsigned i = 0; i < XLNUMA_MAX_KEYS && s->p->keys[i]; i++) {
        int c;

        switch (s->p->keys[i]) {
        case XLNUMA_KEY_LOAD_LESS:
            if (s->p->load_model == XLNUMA_LOAD_PER_CANDIDATE)
                b = s->vmask.total;
            else
                b = s->cur_load +
                    sum_best(s->ord_load_asc, s->load, s->m, start, r);
            c = b > s->best.load ? 1 : b < s->best.load ? -1 : 0;
            break;
        case XLNUMA_KEY_FREE_MORE:
            b = sat_add(s->cur_free,
                        sum_best(s->ord_free_desc, s->free, s->m, start, r));
            c = b < s->best.free_kib ? 1 : b > s->best.free_kib ? -1 : 0;
            break;
        case XLNUMA_KEY_FREE_LESS:
            b = s->cur_free +
                sum_best(s->ord_free_asc, s->free, s->m, start, r);
            c = b > s->best.free_kib ? 1 : b < s->best.free_kib ? -1 : 0;
            break;
        case XLNUMA_KEY_DISTANCE_LESS:
            b = s->cur_dist + (uint64_t)s->dmin *
                (2ull * j * r + (uint64_t)r * (r ? r - 1 : 0));
            c = b > s->best.distance ? 1 : b < s->best.distance ? -1 : 0;
            break;
        case XLNUMA_KEY_MAXDIST_LESS: {
            unsigned md = maxdist_of(s, j);

            if (r && s->dmin > md)
                md = s->dmin;
            c = md > s->best.max_distance ? 1
                : md < s->best.max_distance ? -1 : 0;
            break;
        }
        default:
            c = 0;
            break;
        }
        if (c < 0)
            return XLNUMA_VERDICT_CHOSEN;   /* might win: no cut */
        if (c > 0)
            return XLNUMA_VERDICT_LOST;
    }
    return XLNUMA_VERDICT_LOST;             /* at best a later tie */
}

static void walk(search *s, unsigned start, unsigned depth)
{
    unsigned r = s->k - depth;  /* picks left, this one included */

    for (unsigned i = start; i + r <= s->m && !s->rc; i++) {
        add_node(s, depth, i);
        if (depth + 1 == s->k) {
            evaluate_leaf(s);
        } else if (s->prune) {
            uint64_t sk;
            unsigned sc;
            xlnuma_verdict v = group_cut(s, depth, i + 1, r - 1, &sk, &sc);

            if (v != XLNUMA_VERDICT_CHOSEN) {
                unsigned long long g = binom(s->m - i - 1, r - 1);

                s->res->nr_pruned = s->res->nr_pruned + g < g
                    ? ULLONG_MAX : s->res->nr_pruned + g;
                if (s->req->explain) {
                    xlnuma_candidate *c = &s->scratch;
                    int rc = fill_nodes(s, c, depth + 1);

                    if (!rc) {
                        c->nr_nodes = s->k;
                        c->free_kib = s->cur_free;
                        c->load = cur_load(s);
                        c->nr_cpus = s->cur_cpus;
                        c->distance = s->cur_dist;
                        rc = trace_add(s, c, XLNUMA_VERDICT_PRUNED, sk, sc,
                                       depth + 1, g);
                    }
                    if (rc)
                        s->rc = rc;
                }
            } else {
                walk(s, i + 1, depth + 1);
            }
        } else {
            walk(s, i + 1, depth + 1);
        }
        remove_node(s, depth, i);
    }
}

/* ---- setup ---- */

static void search_dispose(search *s)
{
    free(s->node);
    free(s->free);
    free(s->usable);
    free(s->cap);
    free(s->threads);
    free(s->load);
    free(s->dist);
    free(s->ord_free_desc);
    free(s->ord_free_asc);
    free(s->ord_usable_desc);
    free(s->ord_cap_desc);
    free(s->ord_load_asc);
    free(s->pick);
    cover_dispose(&s->cores, s->m);
    cover_dispose(&s->vmask, s->m);
    xlnuma_candidate_dispose(&s->best);
    xlnuma_candidate_dispose(&s->runner);
    xlnuma_candidate_dispose(&s->scratch);
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

/* Cores: one set per distinct (socket, core) among suitable cpus (a cpu
 * whose core is unknown is a core of its own); its nodes are where its
 * threads are. */
static int build_cores(search *s, const xlnuma_bitmap *S, const int *idx_of)
{
    const xlnuma_host *h = s->h;
    unsigned nc = 0, *cpu = NULL, *mult = NULL;
    xlnuma_bitmap *sets = NULL;
    int rc;

    cpu = malloc((h->nr_cpus ? h->nr_cpus : 1) * sizeof(*cpu));
    if (!cpu) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    xlnuma_bitmap_for_each(c, S)
        if ((unsigned)c < h->nr_cpus && h->cpus[c].online)
            cpu[nc++] = (unsigned)c;
    sets = calloc(nc ? nc : 1, sizeof(*sets));
    mult = calloc(nc ? nc : 1, sizeof(*mult));
    if (!sets || !mult) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    /* Group cpus by (socket, core) with an open hash keyed on the pair;
     * mult[] first maps each cpu to its set, then holds multiplicities. */
    {
        unsigned nsets = 0;
        /* map (socket, core) -> set via a simple open hash */
        unsigned nslot = 1, *slot;

        while (nslot < nc * 2 + 2)
            nslot *= 2;
        slot = calloc(nslot, sizeof(*slot));
        if (!slot) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
        for (unsigned j = 0; j < nc; j++) {
            const xlnuma_cpu *cp = &h->cpus[cpu[j]];
            uint64_t key;
            unsigned pos, set = UINT32_MAX;

            if (cp->core < 0) {
                set = nsets++;
            } else {
                key = ((uint64_t)(uint32_t)cp->socket << 32) |
                      (uint32_t)cp->core;
                pos = (unsigned)((key * 0x9E3779B97F4A7C15ULL) >> 33) &
                      (nslot - 1);
                while (slot[pos]) {
                    unsigned o = slot[pos] - 1;
                    const xlnuma_cpu *oc = &h->cpus[cpu[o]];

                    if (oc->socket == cp->socket && oc->core == cp->core) {
                        set = mult[o];   /* set id of the first thread */
                        break;
                    }
                    pos = (pos + 1) & (nslot - 1);
                }
                if (set == UINT32_MAX) {
                    set = nsets++;
                    slot[pos] = j + 1;
                }
            }
            mult[j] = set;               /* reuse: cpu j -> its set */
            rc = xlnuma_bitmap_set(&sets[set], (unsigned)idx_of[cp->node]);
            if (rc) {
                free(slot);
                goto out;
            }
        }
        free(slot);
        for (unsigned j = 0; j < nsets; j++)
            mult[j] = 1;
        rc = cover_build(&s->cores, s->m, sets, mult, nsets);
    }
 out:
    if (sets)
        for (unsigned j = 0; j < nc; j++)
            xlnuma_bitmap_dispose(&sets[j]);
    free(sets);
    free(mult);
    free(cpu);
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

static unsigned auto_min_nodes(const xlnuma_host *h, unsigned vcpus)
{
    unsigned c0 = xlnuma_bitmap_count(&h->nodes[0].cpus);

    for (unsigned n = 1; n < h->nr_nodes; n++)
        if (xlnuma_bitmap_count(&h->nodes[n].cpus) != c0)
            return 1;
    if (!c0)
        return 1;
    return (vcpus + c0 - 1) / c0;
}

int xlnuma_place(xlnuma_ctx *ctx, const xlnuma_host *h,
                 const xlnuma_request *req, xlnuma_result *res)
{
    search s;
    const xlnuma_pool *pool;
    xlnuma_bitmap S;
    int *idx_of = NULL;
    unsigned pool_id, min_nodes, max_nodes;
    int rc;

    memset(&s, 0, sizeof(s));
    xlnuma_candidate_init(&s.best);
    xlnuma_candidate_init(&s.runner);
    xlnuma_candidate_init(&s.scratch);
    s.best_trace = -1;
    xlnuma_bitmap_init(&S);
    xlnuma_result_dispose(res);

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
    s.node = malloc(h->nr_nodes * sizeof(*s.node));
    if (!idx_of || !s.node) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    for (unsigned n = 0; n < h->nr_nodes; n++) {
        idx_of[n] = -1;
        if (xlnuma_bitmap_intersects(&h->nodes[n].cpus, &S)) {
            idx_of[n] = (int)s.m;
            s.node[s.m++] = n;
        }
    }
    s.free = calloc(s.m, sizeof(*s.free));
    s.usable = calloc(s.m, sizeof(*s.usable));
    s.cap = calloc(s.m, sizeof(*s.cap));
    s.threads = calloc(s.m, sizeof(*s.threads));
    s.load = calloc(s.m, sizeof(*s.load));
    s.dist = calloc((size_t)s.m * s.m, sizeof(*s.dist));
    if (!s.free || !s.usable || !s.cap || !s.threads || !s.load || !s.dist) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    rc = build_cores(&s, &S, idx_of);
    if (rc)
        goto out;
    rc = build_vmask(&s, idx_of);
    if (rc)
        goto out;
    s.dmin = UINT32_MAX;
    for (unsigned i = 0; i < s.m; i++) {
        const xlnuma_node *nd = &h->nodes[s.node[i]];
        xlnuma_bitmap t;

        s.free[i] = nd->memfree_kib;
        s.usable[i] = node_usable(req, nd);
        xlnuma_bitmap_init(&t);
        rc = xlnuma_bitmap_and(&t, &nd->cpus, &S);
        if (rc)
            goto out;
        s.threads[i] = xlnuma_bitmap_count(&t);
        s.cap[i] = req->smt_cores ? s.cores.nr_by_node[i] : s.threads[i];
        xlnuma_bitmap_dispose(&t);
        s.load[i] = res->node_load[s.node[i]];
        for (unsigned j = 0; j < s.m; j++) {
            unsigned d = nd->distance[s.node[j]];

            s.dist[(size_t)i * s.m + j] = d;
            if (i != j && d < s.dmin)
                s.dmin = d;
        }
        res->max_free_kib += s.free[i];
    }
    if (s.dmin == UINT32_MAX)
        s.dmin = 0;
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

    s.ord_free_desc = make_order(s.free, s.m, true);
    s.ord_free_asc = make_order(s.free, s.m, false);
    s.ord_usable_desc = make_order(s.usable, s.m, true);
    s.ord_cap_desc = make_order(s.cap, s.m, true);
    s.ord_load_asc = make_order(s.load, s.m, false);
    s.pick = calloc(max_nodes, sizeof(*s.pick));
    if (!s.ord_free_desc || !s.ord_free_asc || !s.ord_usable_desc ||
        !s.ord_cap_desc || !s.ord_load_asc || !s.pick) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }

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

    for (unsigned k = min_nodes; k <= max_nodes && !s.have_best; k++) {
        uint64_t mem, cap;

        s.k = k;
        /* No k-set can be feasible: skip the size at once. */
        mem = sum_best(s.ord_usable_desc, s.usable, s.m, 0, k);
        cap = sum_best(s.ord_cap_desc, s.cap, s.m, 0, k);
        if (s.prune && (mem < req->need_kib || cap < req->vcpus)) {
            unsigned long long g = binom(s.m, k);

            res->nr_pruned = res->nr_pruned + g < g ? ULLONG_MAX
                                                    : res->nr_pruned + g;
            if (req->explain) {
                xlnuma_candidate *c = &s.scratch;
                uint64_t sk = mem < req->need_kib ? req->need_kib - mem : 0;
                unsigned sc = cap < req->vcpus
                    ? (unsigned)(req->vcpus - cap) : 0;

                xlnuma_bitmap_clear(&c->nodes);
                c->nr_nodes = k;
                c->free_kib = 0;
                c->load = 0;
                c->nr_cpus = 0;
                c->distance = 0;
                rc = trace_add(&s, c, XLNUMA_VERDICT_PRUNED, sk, sc, 0, g);
                if (rc)
                    goto out;
            }
            continue;
        }
        walk(&s, 0, 0);
        if (s.rc) {
            rc = s.rc;
            goto out;
        }
    }

    if (s.have_best) {
        res->outcome = XLNUMA_PLACED;
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
            all_mem = sat_add(all_mem, s.usable[i]);
            all_cap += s.cap[i];
        }
        mem_short = all_mem < req->need_kib;
        cpu_short = all_cap < req->vcpus;
        if (mem_short && !cpu_short)
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
    xlnuma_bitmap_dispose(&S);
    search_dispose(&s);
    return rc;
}
