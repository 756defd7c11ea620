/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * advise.c: rebalance advice for running guests, in the manner of
 * numad's advice mode -- where is each guest's memory (its pages per
 * node, Xen's debug key 'u'), where may its vCPUs run, and how busy are
 * those nodes?
 *
 * Xen cannot move a running guest's memory from one node to another, so
 * the advice only ever moves the vCPUs to the memory: a new soft
 * affinity.  A hard affinity is the administrator's and is never
 * advised away; when it is what keeps a guest from its memory, the
 * advice says so.  docs/placement.md ("Rebalance advice") defines the
 * figures; in short:
 *
 *  - a vCPU runs on its effective pCPUs: its soft affinity within its
 *    hard affinity (Xen ignores a soft affinity that does not meet the
 *    hard one), within its pool's online pCPUs;
 *  - locality: the share of a guest's memory accesses expected to be
 *    node-local, each vCPU running evenly over its effective pCPUs and
 *    touching its pages evenly; the mean over its online vCPUs;
 *  - load: the vCPUs expected on a node, each online vCPU of every
 *    domain counting on each node in proportion to its effective pCPUs
 *    there;
 *  - the target of a move is the nodes the guest's hard affinity allows,
 *    taken by pages (most first; then least load per pCPU; then id) until
 *    they have a pCPU for each vCPU; each such prefix is tried, and the
 *    most local one that does not leave its nodes busier per pCPU than
 *    max(1, the guest's current nodes) wins, if it gains enough;
 *  - guests are advised in the host's order, each seeing the loads the
 *    earlier moves leave.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

#define PPM 1000000u
#define MILLI 1000u

void xlnuma_advise_request_init(xlnuma_advise_request *r)
{
    memset(r, 0, sizeof(*r));
    r->min_gain_ppm = XLNUMA_ADVICE_MIN_GAIN_DEFAULT;
}

void xlnuma_advise_request_dispose(xlnuma_advise_request *r)
{
    (void)r;
}

static void advice_init(xlnuma_advice *a)
{
    memset(a, 0, sizeof(*a));
    xlnuma_bitmap_init(&a->from_nodes);
    xlnuma_bitmap_init(&a->to_nodes);
    xlnuma_bitmap_init(&a->to_cpus);
    xlnuma_bitmap_init(&a->memory_nodes);
}

static void advice_dispose(xlnuma_advice *a)
{
    xlnuma_bitmap_dispose(&a->from_nodes);
    xlnuma_bitmap_dispose(&a->to_nodes);
    xlnuma_bitmap_dispose(&a->to_cpus);
    xlnuma_bitmap_dispose(&a->memory_nodes);
}

void xlnuma_advice_list_init(xlnuma_advice_list *l)
{
    memset(l, 0, sizeof(*l));
}

void xlnuma_advice_list_dispose(xlnuma_advice_list *l)
{
    for (unsigned i = 0; l->advice && i < l->nr_advice; i++)
        advice_dispose(&l->advice[i]);
    free(l->advice);
    free(l->load_before_milli);
    free(l->load_after_milli);
    xlnuma_advice_list_init(l);
}

const char *xlnuma_advice_kind_name(xlnuma_advice_kind k)
{
    switch (k) {
    case XLNUMA_ADVICE_KEEP:     return "keep";
    case XLNUMA_ADVICE_MOVE:     return "move";
    case XLNUMA_ADVICE_HARD:     return "hard-affinity";
    case XLNUMA_ADVICE_BUSY:     return "busy";
    case XLNUMA_ADVICE_NO_PAGES: return "no-pages";
    case XLNUMA_ADVICE_DOM0:     return "dom0";
    }
    return "unknown";
}

/* ---- per-domain working state ---- */

typedef struct {
    const xlnuma_host *h;
    unsigned nr_nodes;
    uint64_t *demand;           /* expected vCPUs per node, thousandths */
    /* the domain being advised */
    const xlnuma_domain *d;
    xlnuma_bitmap pool;         /* its pool's online pCPUs */
    xlnuma_bitmap *hard;        /* per vCPU: hard within pool, or pool */
    xlnuma_bitmap *eff;         /* per vCPU: effective pCPUs now */
    uint64_t *own;              /* its own demand per node, now */
    uint64_t *own_after;        /* ... after a move (scratch) */
    unsigned *order;            /* candidate nodes, best first */
    unsigned nr_order;
} work;

static int cpus_of_nodes(const xlnuma_host *h, const xlnuma_bitmap *nodes,
                         const xlnuma_bitmap *within, xlnuma_bitmap *r)
{
    int rc = xlnuma_host_nodes_to_cpus(h, nodes, r);

    if (!rc)
        rc = xlnuma_bitmap_and(r, r, within);
    return rc;
}

static unsigned count_on_node(const xlnuma_host *h, const xlnuma_bitmap *cpus,
                              unsigned n)
{
    unsigned c = 0;

    xlnuma_bitmap_for_each(i, cpus) {
        const xlnuma_cpu *cpu = (unsigned)i < xlnuma_host_nr_cpus(h)
                                ? xlnuma_host_cpu(h, (unsigned)i) : NULL;

        if (cpu && cpu->online && cpu->node == (int)n)
            c++;
    }
    return c;
}

/* Add one vCPU running on cpus (non-empty) to dem[]. */
static void add_demand(const xlnuma_host *h, unsigned nr_nodes,
                       const xlnuma_bitmap *cpus, uint64_t *dem)
{
    unsigned total = xlnuma_bitmap_count(cpus);

    if (!total)
        return;
    for (unsigned n = 0; n < nr_nodes; n++) {
        unsigned here = count_on_node(h, cpus, n);

        dem[n] += (uint64_t)MILLI * here / total;
    }
}

/* A pool's online pCPUs. */
static int pool_cpus(const xlnuma_host *h, unsigned pool_id,
                     xlnuma_bitmap *r)
{
    const xlnuma_pool *p = xlnuma_host_pool_by_id(h, pool_id);
    int rc;

    xlnuma_bitmap_clear(r);
    if (p) {
        rc = xlnuma_bitmap_copy(r, &p->cpus);
        if (rc)
            return rc;
    } else {
        for (unsigned c = 0; c < xlnuma_host_nr_cpus(h); c++) {
            rc = xlnuma_bitmap_set(r, c);
            if (rc)
                return rc;
        }
    }
    for (unsigned c = 0; c < xlnuma_host_nr_cpus(h); c++)
        if (!xlnuma_host_cpu(h, c)->online)
            xlnuma_bitmap_reset(r, c);
    return 0;
}

/* hard_r = v's hard affinity within pool (pool when they do not meet);
 * eff_r = its soft affinity within that, or that when they do not meet
 * (soft NULL: use soft_override instead of v's own). */
static int effective(const xlnuma_vcpu *v, const xlnuma_bitmap *pool,
                     const xlnuma_bitmap *soft_override,
                     xlnuma_bitmap *hard_r, xlnuma_bitmap *eff_r)
{
    int rc;

    rc = xlnuma_bitmap_and(hard_r, &v->hard, pool);
    if (!rc && xlnuma_bitmap_is_empty(hard_r))
        rc = xlnuma_bitmap_copy(hard_r, pool);
    if (!rc)
        rc = xlnuma_bitmap_and(eff_r, soft_override ? soft_override
                                                     : &v->soft, hard_r);
    if (!rc && xlnuma_bitmap_is_empty(eff_r))
        rc = xlnuma_bitmap_copy(eff_r, hard_r);
    return rc;
}

/* Whether vCPU v counts for locality and load: online ones, or all when
 * none is online (a paused guest's). */
static bool counts(const xlnuma_domain *d, unsigned v)
{
    for (unsigned i = 0; i < d->nr_vcpus; i++)
        if (d->vcpus[i].online)
            return d->vcpus[v].online;
    return true;
}

/* Expected locality of d's pages when each vCPU runs on eff[v]. */
static uint32_t locality(const xlnuma_host *h, const xlnuma_domain *d,
                         const xlnuma_bitmap *eff)
{
    unsigned nr = d->nr_pages, counted = 0;
    uint64_t total = 0, sum = 0;

    for (unsigned n = 0; n < nr; n++)
        total += d->pages_per_node[n];
    if (!total)
        return 0;
    for (unsigned v = 0; v < d->nr_vcpus; v++) {
        unsigned __int128 num = 0;
        unsigned ncpus = xlnuma_bitmap_count(&eff[v]);

        if (!counts(d, v) || !ncpus)
            continue;
        xlnuma_bitmap_for_each(c, &eff[v]) {
            const xlnuma_cpu *cpu = xlnuma_host_cpu(h, (unsigned)c);

            if (cpu && cpu->node >= 0 && (unsigned)cpu->node < nr)
                num += d->pages_per_node[cpu->node];
        }
        sum += (uint64_t)(num * PPM / ((unsigned __int128)ncpus * total));
        counted++;
    }
    return counted ? (uint32_t)(sum / counted) : 0;
}

/* The nodes holding cpus of the map. */
static int nodes_of(const xlnuma_host *h, const xlnuma_bitmap *cpus,
                    xlnuma_bitmap *r)
{
    return xlnuma_host_cpus_to_nodes(h, cpus, r);
}

static void work_dispose(work *w)
{
    for (unsigned v = 0; w->d && v < w->d->nr_vcpus; v++) {
        if (w->hard)
            xlnuma_bitmap_dispose(&w->hard[v]);
        if (w->eff)
            xlnuma_bitmap_dispose(&w->eff[v]);
    }
    free(w->hard);
    free(w->eff);
    w->hard = w->eff = NULL;
    xlnuma_bitmap_dispose(&w->pool);
    w->d = NULL;
}

/* d's pool, hard and effective maps, and its own demand. */
static int work_domain(work *w, const xlnuma_domain *d)
{
    int rc;

    w->d = d;
    xlnuma_bitmap_init(&w->pool);
    w->hard = calloc(d->nr_vcpus ? d->nr_vcpus : 1, sizeof(*w->hard));
    w->eff = calloc(d->nr_vcpus ? d->nr_vcpus : 1, sizeof(*w->eff));
    if (!w->hard || !w->eff)
        return XLNUMA_ERROR_NOMEM;
    for (unsigned v = 0; v < d->nr_vcpus; v++) {
        xlnuma_bitmap_init(&w->hard[v]);
        xlnuma_bitmap_init(&w->eff[v]);
    }
    rc = pool_cpus(w->h, d->pool, &w->pool);
    if (rc)
        return rc;
    memset(w->own, 0, w->nr_nodes * sizeof(*w->own));
    for (unsigned v = 0; v < d->nr_vcpus; v++) {
        rc = effective(&d->vcpus[v], &w->pool, NULL, &w->hard[v],
                       &w->eff[v]);
        if (rc)
            return rc;
        if (counts(d, v))
            add_demand(w->h, w->nr_nodes, &w->eff[v], w->own);
    }
    return 0;
}

/* Locality and own demand if every vCPU's soft affinity were soft;
 * hard == NULL: as if the hard affinities were the whole pool. */
static int try_soft(work *w, const xlnuma_bitmap *soft, bool free_hard,
                    uint32_t *loc_r, uint64_t *own_r)
{
    const xlnuma_domain *d = w->d;
    xlnuma_bitmap *eff = calloc(d->nr_vcpus ? d->nr_vcpus : 1, sizeof(*eff));
    xlnuma_bitmap hard;
    int rc = 0;

    if (!eff)
        return XLNUMA_ERROR_NOMEM;
    xlnuma_bitmap_init(&hard);
    if (own_r)
        memset(own_r, 0, w->nr_nodes * sizeof(*own_r));
    for (unsigned v = 0; v < d->nr_vcpus; v++)
        xlnuma_bitmap_init(&eff[v]);
    for (unsigned v = 0; v < d->nr_vcpus && !rc; v++) {
        if (free_hard) {
            rc = xlnuma_bitmap_and(&eff[v], soft, &w->pool);
            if (!rc && xlnuma_bitmap_is_empty(&eff[v]))
                rc = xlnuma_bitmap_copy(&eff[v], &w->pool);
        } else {
            rc = effective(&d->vcpus[v], &w->pool, soft, &hard, &eff[v]);
        }
        if (!rc && own_r && counts(d, v))
            add_demand(w->h, w->nr_nodes, &eff[v], own_r);
    }
    if (!rc)
        *loc_r = locality(w->h, d, eff);
    for (unsigned v = 0; v < d->nr_vcpus; v++)
        xlnuma_bitmap_dispose(&eff[v]);
    free(eff);
    xlnuma_bitmap_dispose(&hard);
    return rc;
}

/* Sort key of the candidate nodes: pages (more first), load per pCPU of
 * the others (less first), id. */
typedef struct {
    const work *w;
    const unsigned *cpus_per_node;
} order_ctx;

static bool before(const order_ctx *oc, unsigned a, unsigned b)
{
    const work *w = oc->w;
    uint64_t pa = a < w->d->nr_pages ? w->d->pages_per_node[a] : 0;
    uint64_t pb = b < w->d->nr_pages ? w->d->pages_per_node[b] : 0;
    unsigned __int128 la, lb;

    if (pa != pb)
        return pa > pb;
    /* (demand - own) / cpus, cross-multiplied */
    la = (unsigned __int128)(w->demand[a] - w->own[a]) *
         (oc->cpus_per_node[b] ? oc->cpus_per_node[b] : 1);
    lb = (unsigned __int128)(w->demand[b] - w->own[b]) *
         (oc->cpus_per_node[a] ? oc->cpus_per_node[a] : 1);
    if (la != lb)
        return la < lb;
    return a < b;
}

/* Candidate nodes: those with pCPUs in allowed, best first. */
static int build_order(work *w, const xlnuma_bitmap *allowed,
                       unsigned *cpus_per_node)
{
    order_ctx oc = { w, cpus_per_node };

    w->nr_order = 0;
    for (unsigned n = 0; n < w->nr_nodes; n++) {
        cpus_per_node[n] = count_on_node(w->h, allowed, n);
        if (cpus_per_node[n])
            w->order[w->nr_order++] = n;
    }
    /* insertion sort: node counts are small, and the order is total */
    for (unsigned i = 1; i < w->nr_order; i++) {
        unsigned x = w->order[i], j = i;

        while (j > 0 && before(&oc, x, w->order[j - 1])) {
            w->order[j] = w->order[j - 1];
            j--;
        }
        w->order[j] = x;
    }
    return 0;
}

static uint64_t sum_over(const uint64_t *a, const xlnuma_bitmap *nodes)
{
    uint64_t s = 0;

    xlnuma_bitmap_for_each(n, nodes)
        s += a[n];
    return s;
}

/* The best prefix of w->order: most local, capacity for the vCPUs, and
 * (check_load) no busier per pCPU than max(1, from). */
static int best_prefix(work *w, const unsigned *cpus_per_node,
                       bool free_hard, bool check_load,
                       uint64_t from_load, unsigned from_cpus,
                       xlnuma_bitmap *to_r, uint32_t *loc_r, bool *found_r,
                       uint64_t *load_before_r, uint64_t *load_after_r,
                       unsigned *to_cpus_r)
{
    const xlnuma_domain *d = w->d;
    xlnuma_bitmap prefix, soft;
    unsigned cap = 0;
    int rc = 0;

    *found_r = false;
    xlnuma_bitmap_init(&prefix);
    xlnuma_bitmap_init(&soft);
    for (unsigned k = 0; k < w->nr_order && !rc; k++) {
        uint64_t before_t, after_t;
        unsigned ncpus;
        uint32_t loc;

        rc = xlnuma_bitmap_set(&prefix, w->order[k]);
        if (rc)
            break;
        cap += cpus_per_node[w->order[k]];
        if (cap < d->nr_vcpus)
            continue;
        rc = cpus_of_nodes(w->h, &prefix, &w->pool, &soft);
        if (rc)
            break;
        rc = try_soft(w, &soft, free_hard, &loc, w->own_after);
        if (rc)
            break;
        ncpus = xlnuma_bitmap_count(&soft);
        before_t = sum_over(w->demand, &prefix);
        after_t = before_t - sum_over(w->own, &prefix) +
                  sum_over(w->own_after, &prefix);
        if (check_load && after_t > (uint64_t)MILLI * ncpus &&
            (unsigned __int128)after_t * (from_cpus ? from_cpus : 1) >
            (unsigned __int128)from_load * ncpus)
            continue;
        if (*found_r && loc <= *loc_r)
            continue;
        rc = xlnuma_bitmap_copy(to_r, &prefix);
        if (rc)
            break;
        *loc_r = loc;
        *found_r = true;
        if (load_before_r)
            *load_before_r = before_t;
        if (load_after_r)
            *load_after_r = after_t;
        if (to_cpus_r)
            *to_cpus_r = ncpus;
    }
    xlnuma_bitmap_dispose(&prefix);
    xlnuma_bitmap_dispose(&soft);
    return rc;
}

static int advise_domain(work *w, const xlnuma_advise_request *req,
                         xlnuma_advice *a)
{
    const xlnuma_domain *d = w->d;
    xlnuma_bitmap allowed, busy_to;
    unsigned *cpus_per_node = NULL, from_cpus;
    uint64_t from_load, lb = 0, la = 0;
    uint32_t loc_move = 0, loc_any = 0, loc_free = 0;
    bool found_move, found_any, found_free;
    unsigned to_ncpus = 0;
    int rc;

    xlnuma_bitmap_init(&allowed);
    xlnuma_bitmap_init(&busy_to);
    cpus_per_node = calloc(w->nr_nodes ? w->nr_nodes : 1,
                           sizeof(*cpus_per_node));
    if (!cpus_per_node) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }

    /* Where it may run (a->from_nodes: where it runs now). */
    for (unsigned v = 0; v < d->nr_vcpus; v++) {
        rc = xlnuma_bitmap_or(&allowed, &w->hard[v]);
        if (rc)
            goto out;
    }
    a->local_now_ppm = locality(w->h, d, w->eff);
    from_load = sum_over(w->demand, &a->from_nodes);
    from_cpus = 0;
    xlnuma_bitmap_for_each(n, &a->from_nodes)
        from_cpus += count_on_node(w->h, &w->pool, (unsigned)n);

    /* Within the hard affinity, with and without the load rule. */
    rc = build_order(w, &allowed, cpus_per_node);
    if (!rc)
        rc = best_prefix(w, cpus_per_node, false, true, from_load, from_cpus,
                         &a->to_nodes, &loc_move, &found_move, &lb, &la,
                         &to_ncpus);
    if (!rc)
        rc = best_prefix(w, cpus_per_node, false, false, from_load,
                         from_cpus, &busy_to, &loc_any, &found_any, NULL,
                         NULL, NULL);
    /* Anywhere in the pool, hard affinity aside. */
    if (!rc)
        rc = build_order(w, &w->pool, cpus_per_node);
    if (!rc) {
        xlnuma_bitmap scratch;

        xlnuma_bitmap_init(&scratch);
        rc = best_prefix(w, cpus_per_node, true, false, from_load, from_cpus,
                         &scratch, &loc_free, &found_free, NULL, NULL, NULL);
        xlnuma_bitmap_dispose(&scratch);
    }
    if (rc)
        goto out;

    if (found_move && loc_move > a->local_now_ppm &&
        loc_move >= a->local_now_ppm + req->min_gain_ppm &&
        !xlnuma_bitmap_equal(&a->to_nodes, &a->from_nodes)) {
        a->kind = XLNUMA_ADVICE_MOVE;
        a->local_after_ppm = loc_move;
        a->load_before_milli = lb;
        a->load_after_milli = la;
        a->to_nr_cpus = to_ncpus;
        rc = cpus_of_nodes(w->h, &a->to_nodes, &w->pool, &a->to_cpus);
        if (rc)
            goto out;
        /* The moves that follow see the load this one leaves. */
        {
            xlnuma_bitmap soft;

            xlnuma_bitmap_init(&soft);
            rc = xlnuma_bitmap_copy(&soft, &a->to_cpus);
            if (!rc)
                rc = try_soft(w, &soft, false, &loc_move, w->own_after);
            xlnuma_bitmap_dispose(&soft);
            if (rc)
                goto out;
            for (unsigned n = 0; n < w->nr_nodes; n++)
                w->demand[n] = w->demand[n] - w->own[n] + w->own_after[n];
        }
    } else if (found_any && loc_any > a->local_now_ppm &&
               loc_any >= a->local_now_ppm + req->min_gain_ppm &&
               !xlnuma_bitmap_equal(&busy_to, &a->from_nodes)) {
        a->kind = XLNUMA_ADVICE_BUSY;
        a->local_after_ppm = loc_any;
        rc = xlnuma_bitmap_copy(&a->to_nodes, &busy_to);
        if (rc)
            goto out;
        /* the figures of the load it would leave */
        {
            xlnuma_bitmap soft;
            uint32_t loc;

            xlnuma_bitmap_init(&soft);
            rc = cpus_of_nodes(w->h, &busy_to, &w->pool, &soft);
            if (!rc)
                rc = try_soft(w, &soft, false, &loc, w->own_after);
            if (!rc) {
                a->to_nr_cpus = xlnuma_bitmap_count(&soft);
                a->load_before_milli = sum_over(w->demand, &busy_to);
                a->load_after_milli = a->load_before_milli -
                                      sum_over(w->own, &busy_to) +
                                      sum_over(w->own_after, &busy_to);
            }
            xlnuma_bitmap_dispose(&soft);
            if (rc)
                goto out;
        }
    } else {
        a->kind = XLNUMA_ADVICE_KEEP;
        xlnuma_bitmap_clear(&a->to_nodes);
    }

    a->local_free_ppm = found_free ? loc_free : 0;
    {
        uint32_t reach = a->kind == XLNUMA_ADVICE_MOVE ? a->local_after_ppm
                                                        : a->local_now_ppm;

        a->hard_limited = found_free && loc_free > reach &&
                          loc_free >= reach + req->min_gain_ppm;
        if (a->hard_limited && a->kind == XLNUMA_ADVICE_KEEP)
            a->kind = XLNUMA_ADVICE_HARD;
    }
    rc = 0;
 out:
    free(cpus_per_node);
    xlnuma_bitmap_dispose(&allowed);
    xlnuma_bitmap_dispose(&busy_to);
    return rc;
}

int xlnuma_advise(xlnuma_ctx *ctx, const xlnuma_host *h,
                  const xlnuma_advise_request *req,
                  xlnuma_advice_list *list_r)
{
    xlnuma_advise_request defaults;
    xlnuma_advice_list l;
    work w;
    unsigned nr_doms;
    int rc;

    xlnuma_advice_list_init(&l);
    memset(&w, 0, sizeof(w));
    if (!h || !list_r || !xlnuma__host_finished(h)) {
        LOG(ERROR, "xlnuma_advise: %s", !h ? "the host is NULL"
            : !list_r ? "list_r is NULL" : "the host is not finished");
        return XLNUMA_ERROR_INVAL;
    }
    if (!req) {
        xlnuma_advise_request_init(&defaults);
        req = &defaults;
    }
    if (req->min_gain_ppm > PPM) {
        LOG(ERROR, "xlnuma_advise: a gain of %u ppm is more than 100%%",
            req->min_gain_ppm);
        return XLNUMA_ERROR_RANGE;
    }
    nr_doms = xlnuma_host_nr_domains(h);
    w.h = h;
    w.nr_nodes = xlnuma_host_nr_nodes(h);
    l.nr_nodes = w.nr_nodes;
    l.advice = calloc(nr_doms ? nr_doms : 1, sizeof(*l.advice));
    l.load_before_milli = calloc(w.nr_nodes + 1, sizeof(uint64_t));
    l.load_after_milli = calloc(w.nr_nodes + 1, sizeof(uint64_t));
    w.demand = calloc(w.nr_nodes + 1, sizeof(*w.demand));
    w.own = calloc(w.nr_nodes + 1, sizeof(*w.own));
    w.own_after = calloc(w.nr_nodes + 1, sizeof(*w.own_after));
    w.order = calloc(w.nr_nodes + 1, sizeof(*w.order));
    if (!l.advice || !l.load_before_milli || !l.load_after_milli ||
        !w.demand || !w.own || !w.own_after || !w.order) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    for (unsigned i = 0; i < nr_doms; i++)
        advice_init(&l.advice[i]);
    l.nr_advice = nr_doms;

    /* Everyone's load first: dom0 and guests without pages count too. */
    for (unsigned i = 0; i < nr_doms; i++) {
        rc = work_domain(&w, xlnuma_host_domain(h, i));
        for (unsigned n = 0; !rc && n < w.nr_nodes; n++)
            w.demand[n] += w.own[n];
        work_dispose(&w);
        if (rc)
            goto out;
    }
    memcpy(l.load_before_milli, w.demand, w.nr_nodes * sizeof(*w.demand));

    for (unsigned i = 0; i < nr_doms; i++) {
        const xlnuma_domain *d = xlnuma_host_domain(h, i);
        xlnuma_advice *a = &l.advice[i];
        uint64_t total = 0;

        a->domain = i;
        a->domid = d->domid;
        for (unsigned n = 0; d->pages_per_node && n < d->nr_pages; n++) {
            total += d->pages_per_node[n];
            if (d->pages_per_node[n]) {
                rc = xlnuma_bitmap_set(&a->memory_nodes, n);
                if (rc)
                    goto out;
            }
        }
        rc = work_domain(&w, d);
        if (!rc) {
            xlnuma_bitmap eff_all;

            xlnuma_bitmap_init(&eff_all);
            for (unsigned v = 0; !rc && v < d->nr_vcpus; v++)
                if (counts(d, v))
                    rc = xlnuma_bitmap_or(&eff_all, &w.eff[v]);
            if (!rc)
                rc = nodes_of(h, &eff_all, &a->from_nodes);
            xlnuma_bitmap_dispose(&eff_all);
        }
        if (rc) {
            work_dispose(&w);
            goto out;
        }
        if (d->domid == 0) {
            a->kind = XLNUMA_ADVICE_DOM0;
            if (total)
                a->local_now_ppm = locality(h, d, w.eff);
        } else if (!d->pages_per_node || !total) {
            a->kind = XLNUMA_ADVICE_NO_PAGES;
        } else if (!d->nr_vcpus) {
            a->kind = XLNUMA_ADVICE_KEEP;
        } else {
            rc = advise_domain(&w, req, a);
        }
        work_dispose(&w);
        if (rc)
            goto out;
        if (a->kind == XLNUMA_ADVICE_MOVE)
            LOG(DETAIL, "domain %" PRIu32 ": move soft affinity, locality "
                "%" PRIu32 " -> %" PRIu32 " ppm", d->domid,
                a->local_now_ppm, a->local_after_ppm);
    }
    memcpy(l.load_after_milli, w.demand, w.nr_nodes * sizeof(*w.demand));

    xlnuma_advice_list_dispose(list_r);
    *list_r = l;
    xlnuma_advice_list_init(&l);
    rc = 0;
 out:
    if (rc == XLNUMA_ERROR_NOMEM)
        LOG(ERROR, "xlnuma_advise: out of memory");
    work_dispose(&w);
    free(w.demand);
    free(w.own);
    free(w.own_after);
    free(w.order);
    xlnuma_advice_list_dispose(&l);
    return rc;
}
