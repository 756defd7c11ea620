/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * reference.c: brute-force reference of the placement semantics.
 *
 * Every node set of every size is enumerated in lexicographic order of
 * its node ids and every figure is recomputed from its definition for
 * each set: no incremental sums, no pruning, no cached per-node loads.
 * The only deliberate shortcut is documented at REF_SHORTCUT_NODES.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"

/* Exact arithmetic for the memory rules: no sum or product can wrap. */
typedef unsigned __int128 ref_u128;

/* Step 9 of the semantics: the built-in policies. */
static const xlnuma_policy ref_builtins[] = {
    {
        .name = "xen43",
        .load_model = XLNUMA_LOAD_PER_NODE,
        .keys = { XLNUMA_KEY_LOAD_LESS, XLNUMA_KEY_FREE_MORE },
    },
    {
        .name = "xen42",
        .load_model = XLNUMA_LOAD_PER_CANDIDATE,
        .flags = XLNUMA_POLICY_PLACE_ONE_NODE_HOST |
                 XLNUMA_POLICY_PIN_DEFAULT,
        .keys = { XLNUMA_KEY_LOAD_LESS, XLNUMA_KEY_FREE_MORE },
    },
    {
        .name = "greedy",
        .load_model = XLNUMA_LOAD_PER_NODE,
        .keys = { XLNUMA_KEY_END },
    },
    {
        .name = "packed",
        .load_model = XLNUMA_LOAD_PER_NODE,
        .keys = { XLNUMA_KEY_FREE_LESS },
    },
    {
        .name = "spread",
        .load_model = XLNUMA_LOAD_PER_NODE,
        .keys = { XLNUMA_KEY_FREE_MORE },
    },
    {
        .name = "closest",
        .load_model = XLNUMA_LOAD_PER_NODE,
        .keys = { XLNUMA_KEY_DISTANCE_LESS, XLNUMA_KEY_LOAD_LESS,
                  XLNUMA_KEY_FREE_MORE },
    },
};

/* Above this many suitable nodes, a request that is short of memory or
 * pCPUs over ALL suitable nodes is answered without enumerating: no
 * subset can then be feasible, since usable memory and pCPUs only grow
 * when nodes are added.  Below it the reference enumerates anyway, so
 * the differential test also checks that reasoning. */
#define REF_SHORTCUT_NODES 12u

const xlnuma_policy *ref_builtin_policy(const char *name)
{
    for (size_t i = 0; i < sizeof(ref_builtins) / sizeof(ref_builtins[0]);
         i++)
        if (name && !strcmp(ref_builtins[i].name, name))
            return &ref_builtins[i];
    return NULL;
}

void ref_result_init(ref_result *r)
{
    memset(r, 0, sizeof(*r));
    xlnuma_bitmap_init(&r->nodes);
    xlnuma_bitmap_init(&r->cpus);
}

void ref_result_dispose(ref_result *r)
{
    if (!r)
        return;
    xlnuma_bitmap_dispose(&r->nodes);
    xlnuma_bitmap_dispose(&r->cpus);
    ref_result_init(r);
}

/* ---- the figures of one node set, from the definitions ---- */

struct ref_core {
    int socket, core;
};

struct ref_search {
    const xlnuma_host *h;
    const xlnuma_request *req;
    const xlnuma_policy *p;
    unsigned nr_cpus;
    bool *suitable_cpu;         /* S, indexed by cpu id */
    unsigned *suit;             /* suitable node ids, ascending */
    unsigned m;
    bool *in_set;               /* indexed by node id */
    struct ref_core *cores;     /* scratch, nr_cpus entries */
    bool bad_key;
};

static int core_cmp(const void *a, const void *b)
{
    const struct ref_core *x = a, *y = b;

    if (x->socket != y->socket)
        return x->socket < y->socket ? -1 : 1;
    if (x->core != y->core)
        return x->core < y->core ? -1 : 1;
    return 0;
}

/* Step 6, per node: (domain, vcpu) pairs with some cpu c in v.hard, in
 * S, in the domain's own pool, online on node n, and n in the domain's
 * node affinity (empty: every node). */
static unsigned node_load(const struct ref_search *s, unsigned n)
{
    const xlnuma_node *node = xlnuma_host_node(s->h, n);
    unsigned load = 0;

    for (unsigned di = 0; di < xlnuma_host_nr_domains(s->h); di++) {
        const xlnuma_domain *d = xlnuma_host_domain(s->h, di);
        const xlnuma_pool *pool = xlnuma_host_pool_by_id(s->h, d->pool);

        if (!xlnuma_bitmap_is_empty(&d->node_affinity) &&
            !xlnuma_bitmap_test(&d->node_affinity, n))
            continue;
        for (unsigned v = 0; v < d->nr_vcpus; v++) {
            bool counts = false;

            xlnuma_bitmap_for_each(c, &node->cpus) {
                if (xlnuma_bitmap_test(&d->vcpus[v].hard, (unsigned)c) &&
                    s->suitable_cpu[c] && pool &&
                    xlnuma_bitmap_test(&pool->cpus, (unsigned)c)) {
                    counts = true;
                    break;
                }
            }
            if (counts)
                load++;
        }
    }
    return load;
}

/* Step 6, per candidate (4.2.0): (domain, vcpu) pairs whose hard
 * affinity holds an online cpu on a node of the set. */
static unsigned candidate_load(const struct ref_search *s)
{
    unsigned load = 0;

    for (unsigned di = 0; di < xlnuma_host_nr_domains(s->h); di++) {
        const xlnuma_domain *d = xlnuma_host_domain(s->h, di);

        for (unsigned v = 0; v < d->nr_vcpus; v++) {
            bool counts = false;

            xlnuma_bitmap_for_each(c, &d->vcpus[v].hard) {
                const xlnuma_cpu *cpu = xlnuma_host_cpu(s->h, (unsigned)c);

                if (cpu && cpu->online && cpu->node >= 0 &&
                    s->in_set[cpu->node]) {
                    counts = true;
                    break;
                }
            }
            if (counts)
                load++;
        }
    }
    return load;
}

/* Fill c with the figures of the set {suit[idx[0]], ..., suit[idx[k-1]]}
 * and *usable_r with its usable memory (step 5). */
static int set_figures(struct ref_search *s, const unsigned *idx, unsigned k,
                       xlnuma_candidate *c, ref_u128 *usable_r)
{
    const xlnuma_request *req = s->req;
    unsigned threads = 0, nr_pairs = 0, cores = 0;
    ref_u128 usable = 0;
    int rc;

    memset(s->in_set, 0, xlnuma_host_nr_nodes(s->h) * sizeof(bool));
    xlnuma_bitmap_clear(&c->nodes);
    for (unsigned i = 0; i < k; i++) {
        s->in_set[s->suit[idx[i]]] = true;
        rc = xlnuma_bitmap_set(&c->nodes, s->suit[idx[i]]);
        if (rc)
            return rc;
    }
    c->nr_nodes = k;
    c->free_kib = 0;
    c->free_above_dma_kib = 0;
    c->distance = 0;
    c->max_distance = 0;
    for (unsigned i = 0; i < k; i++) {
        const xlnuma_node *n = xlnuma_host_node(s->h, s->suit[idx[i]]);
        uint64_t base = n->memfree_kib;
        ref_u128 reserve;

        xlnuma_bitmap_for_each(cpu, &n->cpus) {
            const xlnuma_cpu *cp = xlnuma_host_cpu(s->h, (unsigned)cpu);

            if (!s->suitable_cpu[cpu])
                continue;
            threads++;
            s->cores[nr_pairs].socket = cp->socket;
            s->cores[nr_pairs].core = cp->core;
            nr_pairs++;
        }
        c->free_kib += n->memfree_kib;
        c->free_above_dma_kib += n->memfree_kib - n->dmafree_kib;
        if (req->dma_aware)
            base = n->memfree_kib - n->dmafree_kib;
        reserve = (ref_u128)req->headroom_kib +
                  (ref_u128)n->memsize_kib * req->headroom_pct / 100;
        if ((ref_u128)base > reserve)
            usable += (ref_u128)base - reserve;
        for (unsigned j = 0; j < k; j++) {
            unsigned d;

            if (j == i)
                continue;
            d = n->distance[s->suit[idx[j]]];
            c->distance += d;
            if (d > c->max_distance)
                c->max_distance = d;
        }
    }
    qsort(s->cores, nr_pairs, sizeof(s->cores[0]), core_cmp);
    for (unsigned i = 0; i < nr_pairs; i++)
        if (i == 0 || core_cmp(&s->cores[i - 1], &s->cores[i]))
            cores++;
    c->nr_cores = cores;
    c->nr_cpus = req->smt_cores ? cores : threads;
    if (s->p->load_model == XLNUMA_LOAD_PER_CANDIDATE) {
        c->load = candidate_load(s);
    } else {
        c->load = 0;
        for (unsigned i = 0; i < k; i++)
            c->load += node_load(s, s->suit[idx[i]]);
    }
    *usable_r = usable;
    return 0;
}

/* Step 8: < 0 when a is better than b. */
static int ref_compare(struct ref_search *s, const xlnuma_candidate *a,
                       const xlnuma_candidate *b)
{
    const xlnuma_policy *p = s->p;

    if (p->compare)
        return p->compare(a, b, p->priv);
    for (unsigned i = 0; i < XLNUMA_MAX_KEYS && p->keys[i] != XLNUMA_KEY_END;
         i++) {
        switch (p->keys[i]) {
        case XLNUMA_KEY_LOAD_LESS:
            if (a->load != b->load)
                return a->load < b->load ? -1 : 1;
            break;
        case XLNUMA_KEY_FREE_MORE:
            if (a->free_kib != b->free_kib)
                return a->free_kib > b->free_kib ? -1 : 1;
            break;
        case XLNUMA_KEY_FREE_LESS:
            if (a->free_kib != b->free_kib)
                return a->free_kib < b->free_kib ? -1 : 1;
            break;
        case XLNUMA_KEY_DISTANCE_LESS:
            if (a->distance != b->distance)
                return a->distance < b->distance ? -1 : 1;
            break;
        case XLNUMA_KEY_MAXDIST_LESS:
            if (a->max_distance != b->max_distance)
                return a->max_distance < b->max_distance ? -1 : 1;
            break;
        default:
            s->bad_key = true;
            return 0;
        }
    }
    return 0;
}

static void cand_init(xlnuma_candidate *c)
{
    memset(c, 0, sizeof(*c));
    xlnuma_bitmap_init(&c->nodes);
}

static int cand_copy(xlnuma_candidate *dst, const xlnuma_candidate *src)
{
    xlnuma_bitmap nodes = dst->nodes;
    int rc;

    rc = xlnuma_bitmap_copy(&nodes, &src->nodes);
    *dst = *src;
    dst->nodes = nodes;
    return rc;
}

/* Next k-combination of 0..m-1 in lexicographic order; false after the
 * last one. */
static bool next_combination(unsigned *idx, unsigned k, unsigned m)
{
    unsigned i = k;

    while (i > 0 && idx[i - 1] == m - k + i - 1)
        i--;
    if (i == 0)
        return false;
    idx[i - 1]++;
    for (unsigned j = i; j < k; j++)
        idx[j] = idx[j - 1] + 1;
    return true;
}

const char *ref_outcome_name(xlnuma_outcome o)
{
    switch (o) {
    case XLNUMA_PLACED: return "PLACED";
    case XLNUMA_SKIP_ONE_NODE: return "SKIP_ONE_NODE";
    case XLNUMA_NOFIT_MEMORY: return "NOFIT_MEMORY";
    case XLNUMA_NOFIT_CPUS: return "NOFIT_CPUS";
    case XLNUMA_NOFIT_BOTH: return "NOFIT_BOTH";
    case XLNUMA_NOFIT_EMPTY_POOL: return "NOFIT_EMPTY_POOL";
    case XLNUMA_NOFIT_FILTER: return "NOFIT_FILTER";
    case XLNUMA_NOFIT_BUDGET: return "NOFIT_BUDGET";
    }
    return "(unknown outcome)";
}

static const xlnuma_policy *effective_policy(const xlnuma_policy *p)
{
    if (!p || (!p->compare && !p->filter && ref_builtin_policy(p->name)))
        return ref_builtin_policy(p ? p->name : "xen43");
    return p;
}

static void search_dispose(struct ref_search *s)
{
    free(s->suitable_cpu);
    free(s->cores);
    free(s->suit);
    free(s->in_set);
    memset(s, 0, sizeof(*s));
}

/* Steps 2, 1 and 3, in libxl's order.  *stop_r is set, with *outcome_r,
 * when the request is answered before any search. */
static int search_setup(struct ref_search *s, const xlnuma_host *h,
                        const xlnuma_request *req, bool *stop_r,
                        xlnuma_outcome *outcome_r)
{
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);
    const xlnuma_pool *pool;
    bool s_empty = true;

    memset(s, 0, sizeof(*s));
    s->h = h;
    s->req = req;
    s->p = effective_policy(req->policy);
    *stop_r = true;

    /* Step 2 comes first, as in libxl. */
    if (nr_nodes <= 1 &&
        !(s->p->flags & XLNUMA_POLICY_PLACE_ONE_NODE_HOST)) {
        *outcome_r = XLNUMA_SKIP_ONE_NODE;
        return 0;
    }

    /* Step 1: the pool and the suitable cpus S. */
    pool = req->pool < -1 ? NULL
         : xlnuma_host_pool_by_id(h, req->pool == -1 ? 0u
                                                     : (unsigned)req->pool);
    if (!pool)
        return XLNUMA_ERROR_INVAL;
    s->nr_cpus = xlnuma_host_nr_cpus(h);
    s->suitable_cpu = calloc(s->nr_cpus + 1, sizeof(bool));
    s->cores = calloc(s->nr_cpus + 1, sizeof(*s->cores));
    s->suit = calloc(nr_nodes + 1, sizeof(unsigned));
    s->in_set = calloc(nr_nodes + 1, sizeof(bool));
    if (!s->suitable_cpu || !s->cores || !s->suit || !s->in_set)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned c = 0; c < s->nr_cpus; c++) {
        s->suitable_cpu[c] = xlnuma_bitmap_test(&pool->cpus, c) &&
            (xlnuma_bitmap_is_empty(&req->cpus) ||
             xlnuma_bitmap_test(&req->cpus, c));
        if (s->suitable_cpu[c])
            s_empty = false;
    }
    if (s_empty) {
        *outcome_r = XLNUMA_NOFIT_EMPTY_POOL;
        return 0;
    }

    /* Step 3: suitable nodes. */
    for (unsigned n = 0; n < nr_nodes; n++) {
        const xlnuma_node *node = xlnuma_host_node(h, n);
        bool holds = false;

        xlnuma_bitmap_for_each(c, &node->cpus)
            if ((unsigned)c < s->nr_cpus && s->suitable_cpu[c])
                holds = true;
        if (holds)
            s->suit[s->m++] = n;
    }
    *stop_r = false;
    return 0;
}

/* Step 11: the answer for the set c. */
static int fill_placed(ref_result *out, const struct ref_search *s,
                       const xlnuma_candidate *c, ref_u128 usable)
{
    int rc;

    out->outcome = XLNUMA_PLACED;
    rc = xlnuma_bitmap_copy(&out->nodes, &c->nodes);
    if (rc)
        return rc;
    out->nr_nodes = c->nr_nodes;
    out->nr_cpus = c->nr_cpus;
    out->nr_cores = c->nr_cores;
    out->load = c->load;
    out->free_kib = c->free_kib;
    out->usable_kib = (uint64_t)usable;
    out->distance = c->distance;
    out->max_distance = c->max_distance;
    xlnuma_bitmap_clear(&out->cpus);
    xlnuma_bitmap_for_each(n, &c->nodes) {
        xlnuma_bitmap_for_each(cpu,
                               &xlnuma_host_node(s->h, (unsigned)n)->cpus)
            if (s->suitable_cpu[cpu]) {
                rc = xlnuma_bitmap_set(&out->cpus, (unsigned)cpu);
                if (rc)
                    return rc;
            }
    }
    return 0;
}

int ref_place(const xlnuma_host *h, const xlnuma_request *req,
              ref_result *out)
{
    return ref_place_limited(h, req, 0, out);
}

static int ref_place_once(const xlnuma_host *h, const xlnuma_request *req,
                          unsigned long long max_sets, ref_result *out);

/* Step 12 (issue 11): with dma_aware, when no set fits above the DMA
 * zone (any NOFIT other than an empty pool), the answer is the one
 * without the rule, marked dma_fallback. */
int ref_place_limited(const xlnuma_host *h, const xlnuma_request *req,
                      unsigned long long max_sets, ref_result *out)
{
    xlnuma_request plain;
    int rc = ref_place_once(h, req, max_sets, out);

    if (rc || !req->dma_aware || out->outcome == XLNUMA_PLACED ||
        out->outcome == XLNUMA_SKIP_ONE_NODE ||
        out->outcome == XLNUMA_NOFIT_EMPTY_POOL)
        return rc;
    plain = *req;
    plain.dma_aware = false;
    rc = ref_place_once(h, &plain, max_sets, out);
    if (!rc && out->outcome == XLNUMA_PLACED)
        out->dma_fallback = true;
    return rc;
}

static int ref_place_once(const xlnuma_host *h, const xlnuma_request *req,
                          unsigned long long max_sets, ref_result *out)
{
    struct ref_search s;
    xlnuma_candidate cand, best;
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);
    unsigned *idx = NULL, min_nodes, max_nodes, per_node = 0;
    unsigned long long order = 0;
    bool have_best = false, any_feasible = false, uniform = true;
    bool mem_short, cpu_short, stop;
    ref_u128 usable, best_usable = 0;
    int rc;

    cand_init(&cand);
    cand_init(&best);
    ref_result_dispose(out);
    rc = search_setup(&s, h, req, &stop, &out->outcome);
    if (rc || stop)
        goto out;
    idx = calloc(nr_nodes + 1, sizeof(unsigned));
    if (!idx) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }

    /* Step 4: the bounds. */
    for (unsigned n = 0; n < nr_nodes; n++) {
        unsigned cnt = xlnuma_bitmap_count(&xlnuma_host_node(h, n)->cpus);

        if (n == 0)
            per_node = cnt;
        else if (cnt != per_node)
            uniform = false;
    }
    if (req->min_nodes)
        min_nodes = req->min_nodes;
    else if (uniform && per_node > 0)
        min_nodes = req->vcpus / per_node + (req->vcpus % per_node != 0);
    else
        min_nodes = 1;
    if (min_nodes < 1)
        min_nodes = 1;
    if (min_nodes > s.m)
        min_nodes = s.m;
    max_nodes = req->max_nodes && req->max_nodes <= s.m ? req->max_nodes
                                                       : s.m;
    if (min_nodes > max_nodes) {
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    out->have_bounds = true;
    out->min_nodes = min_nodes;
    out->max_nodes = max_nodes;

    /* Step 10's facts: all suitable nodes together. */
    for (unsigned i = 0; i < s.m; i++)
        idx[i] = i;
    rc = set_figures(&s, idx, s.m, &cand, &usable);
    if (rc)
        goto out;
    mem_short = usable < (ref_u128)req->need_kib;
    cpu_short = cand.nr_cpus < req->vcpus;

    /* Step 8: fewest nodes first, lexicographic within a size. */
    for (unsigned k = min_nodes; k <= max_nodes && !have_best; k++) {
        if (s.m > REF_SHORTCUT_NODES && (mem_short || cpu_short)) {
            out->shortcut = true;
            break;
        }
        for (unsigned i = 0; i < k; i++)
            idx[i] = i;
        do {
            bool feasible;

            if (max_sets && out->nr_sets >= max_sets) {
                rc = REF_OVER_BUDGET;
                goto out;
            }
            rc = set_figures(&s, idx, k, &cand, &usable);
            if (rc)
                goto out;
            cand.order = order++;
            out->nr_sets++;
            feasible = usable >= (ref_u128)req->need_kib &&
                       cand.nr_cpus >= req->vcpus;
            if (!feasible)
                continue;
            out->nr_feasible++;
            any_feasible = true;
            if (s.p->filter && !s.p->filter(&cand, s.p->priv))
                continue;
            if (!have_best || ref_compare(&s, &cand, &best) < 0) {
                rc = cand_copy(&best, &cand);
                if (rc)
                    goto out;
                best_usable = usable;
                have_best = true;
            }
        } while (next_combination(idx, k, s.m));
    }
    if (s.bad_key) {
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }

    if (have_best)
        rc = fill_placed(out, &s, &best, best_usable);
    else if (mem_short && !cpu_short)
        out->outcome = XLNUMA_NOFIT_MEMORY;
    else if (cpu_short && !mem_short)
        out->outcome = XLNUMA_NOFIT_CPUS;
    else if (any_feasible)
        out->outcome = XLNUMA_NOFIT_FILTER;
    else
        out->outcome = XLNUMA_NOFIT_BOTH;
 out:
    out->rc = rc;
    free(idx);
    search_dispose(&s);
    xlnuma_bitmap_dispose(&cand.nodes);
    xlnuma_bitmap_dispose(&best.nodes);
    return rc;
}

int ref_evaluate(const xlnuma_host *h, const xlnuma_request *req,
                 const xlnuma_bitmap *nodes, ref_result *out,
                 bool *feasible_r, bool *accepted_r)
{
    struct ref_search s;
    xlnuma_candidate cand;
    unsigned *idx = NULL, k = 0;
    ref_u128 usable;
    bool stop;
    int rc;

    cand_init(&cand);
    ref_result_dispose(out);
    *feasible_r = *accepted_r = false;
    rc = search_setup(&s, h, req, &stop, &out->outcome);
    if (!rc && stop)
        rc = XLNUMA_ERROR_INVAL;    /* no search: no set to evaluate */
    if (rc)
        goto out;
    idx = calloc(s.m + 1, sizeof(unsigned));
    if (!idx) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    xlnuma_bitmap_for_each(n, nodes) {
        unsigned i = 0;

        while (i < s.m && s.suit[i] != (unsigned)n)
            i++;
        if (i == s.m) {             /* not a suitable node */
            rc = XLNUMA_ERROR_INVAL;
            goto out;
        }
        idx[k++] = i;
    }
    if (!k) {
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    rc = set_figures(&s, idx, k, &cand, &usable);
    if (rc)
        goto out;
    if (s.bad_key) {
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    *feasible_r = usable >= (ref_u128)req->need_kib &&
                  cand.nr_cpus >= req->vcpus;
    *accepted_r = *feasible_r &&
                  (!s.p->filter || s.p->filter(&cand, s.p->priv));
    rc = fill_placed(out, &s, &cand, usable);
 out:
    out->rc = rc;
    free(idx);
    search_dispose(&s);
    xlnuma_bitmap_dispose(&cand.nodes);
    return rc;
}

static void result_as_candidate(const ref_result *r, xlnuma_candidate *c)
{
    memset(c, 0, sizeof(*c));
    c->nodes = r->nodes;            /* borrowed: never disposed */
    c->nr_nodes = r->nr_nodes;
    c->nr_cpus = r->nr_cpus;
    c->nr_cores = r->nr_cores;
    c->load = r->load;
    c->free_kib = r->free_kib;
    c->distance = r->distance;
    c->max_distance = r->max_distance;
}

int ref_compare_results(const xlnuma_request *req, const ref_result *a,
                        const ref_result *b)
{
    struct ref_search s;
    xlnuma_candidate ca, cb;

    memset(&s, 0, sizeof(s));
    s.req = req;
    s.p = effective_policy(req->policy);
    result_as_candidate(a, &ca);
    result_as_candidate(b, &cb);
    return ref_compare(&s, &ca, &cb);
}

/* ---- dumps ---- */

const char *ref_fmt_bitmap(char *buf, size_t len, const xlnuma_bitmap *b)
{
    char *s = xlnuma_bitmap_format(b);

    if (!s) {
        snprintf(buf, len, "(oom)");
        return buf;
    }
    if (strlen(s) >= len && len > 4)
        snprintf(buf, len, "%.*s...", (int)(len - 4), s);
    else
        snprintf(buf, len, "%s", s);
    free(s);
    return buf;
}

void ref_dump_host(FILE *f, const xlnuma_host *h)
{
    unsigned nn = xlnuma_host_nr_nodes(h), nc = xlnuma_host_nr_cpus(h);
    char b1[512], b2[512];

    fprintf(f, "host: %u nodes, %u cpus, %u pools, %u domains, dma %s\n",
            nn, nc, xlnuma_host_nr_pools(h), xlnuma_host_nr_domains(h),
            xlnuma_host_dma_known(h) ? "known" : "unknown");
    for (unsigned n = 0; n < nn; n++) {
        const xlnuma_node *node = xlnuma_host_node(h, n);

        fprintf(f, " node %u: size %" PRIu64 " free %" PRIu64 " dma %"
                PRIu64 " cpus [%s] slit", n, node->memsize_kib,
                node->memfree_kib, node->dmafree_kib,
                ref_fmt_bitmap(b1, sizeof(b1), &node->cpus));
        for (unsigned m = 0; m < nn; m++)
            fprintf(f, "%c%u", m ? ',' : ' ',
                    node->distance ? node->distance[m] : 0);
        fputc('\n', f);
    }
    fprintf(f, " cpus (id:socket.core@node, - offline):");
    for (unsigned c = 0; c < nc; c++) {
        const xlnuma_cpu *cpu = xlnuma_host_cpu(h, c);

        if (cpu->online)
            fprintf(f, " %u:%d.%d@%d", c, cpu->socket, cpu->core, cpu->node);
        else
            fprintf(f, " %u:-", c);
    }
    fputc('\n', f);
    for (unsigned p = 0; p < xlnuma_host_nr_pools(h); p++) {
        const xlnuma_pool *pool = xlnuma_host_pool(h, p);

        fprintf(f, " pool %u %s: [%s]\n", pool->id, pool->name,
                ref_fmt_bitmap(b1, sizeof(b1), &pool->cpus));
    }
    for (unsigned i = 0; i < xlnuma_host_nr_domains(h); i++) {
        const xlnuma_domain *d = xlnuma_host_domain(h, i);

        fprintf(f, " dom %u %s: pool %u nodeaff [%s] vcpus", d->domid,
                d->name ? d->name : "?", d->pool,
                ref_fmt_bitmap(b1, sizeof(b1), &d->node_affinity));
        for (unsigned v = 0; v < d->nr_vcpus; v++)
            fprintf(f, " %u%s[%s]", v, d->vcpus[v].online ? "" : "(off)",
                    ref_fmt_bitmap(b2, sizeof(b2), &d->vcpus[v].hard));
        fputc('\n', f);
    }
}

void ref_dump_request(FILE *f, const xlnuma_request *req)
{
    char b[512];

    fprintf(f, "request: need %" PRIu64 " vcpus %u pool %d cpus [%s] "
            "min %u max %u policy %s headroom %" PRIu64 "+%u%% smt %d "
            "dma %d explain %d max_steps %llu\n", req->need_kib, req->vcpus,
            req->pool, ref_fmt_bitmap(b, sizeof(b), &req->cpus),
            req->min_nodes, req->max_nodes,
            req->policy ? req->policy->name : "(default)",
            req->headroom_kib, req->headroom_pct, req->smt_cores,
            req->dma_aware, req->explain, req->max_steps);
}

void ref_dump_result(FILE *f, const ref_result *r)
{
    char b1[512], b2[512];

    fprintf(f, "reference: rc %d (%s)", r->rc,
            r->rc == REF_OVER_BUDGET ? "over budget"
                                     : xlnuma_error_name(r->rc));
    if (!r->rc)
        fprintf(f, " outcome %s", ref_outcome_name(r->outcome));
    if (r->have_bounds)
        fprintf(f, " bounds %u..%u", r->min_nodes, r->max_nodes);
    if (!r->rc && r->outcome == XLNUMA_PLACED)
        fprintf(f, " nodes [%s] nr_nodes %u nr_cpus %u nr_cores %u load %u "
                "free %" PRIu64 " distance %" PRIu64 " maxdist %u "
                "cpus [%s]", ref_fmt_bitmap(b1, sizeof(b1), &r->nodes),
                r->nr_nodes, r->nr_cpus, r->nr_cores, r->load, r->free_kib,
                r->distance, r->max_distance,
                ref_fmt_bitmap(b2, sizeof(b2), &r->cpus));
    fprintf(f, " (%llu sets, %llu feasible%s)\n", r->nr_sets,
            r->nr_feasible, r->shortcut ? ", shortcut" : "");
}
