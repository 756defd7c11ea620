/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * guard.c: the over-commit guard, after the engine has decided.
 *
 * The engine keeps each node's headroom out of the memory a set of
 * nodes offers, summed over the set (docs/placement.md, section 7).  A
 * guest's memory is not taken from the set as a whole, though: Xen's
 * allocator takes it from the domain's nodes in turn (xen/common/
 * page_alloc.c, get_free_buddy: each allocation starts at the node after
 * the last one used), so in equal parts, a node that runs out giving
 * what it has and the others the rest.  The guard looks at each node
 * that way:
 *
 *  - no candidate with the headroom, one without: the guest fits only by
 *    over-committing.  The refusal names, node by node, how far the
 *    policy's choice without the headroom would eat into it.
 *  - pin mode confines the guest (libvirt's "strict"), which may balloon
 *    up to maxmem=: its nodes must give the need at maxmem=, node by
 *    node, without eating into their headroom.  Refused otherwise,
 *    unless --force (numa_placement_force=1).
 *  - vNUMA: a vnode's memory comes from its node and from nowhere else
 *    (libxl asks Xen for exact-node memory), so each node must hold its
 *    vnode's size and share of the rest of the need.  Short of the
 *    node's free memory: refused, forced or not (Xen would fail the
 *    allocation); short of its headroom only: refused unless --force.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

static int set_reason(decision *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int set_reason(decision *d, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    free(d->reason);
    d->reason = s;
    return 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a + b < a ? UINT64_MAX : a + b;
}

/* As the engine computes it: headroom KiB + pct% of the node's size. */
uint64_t guard_reserve_kib(const xlnuma_node *n, const xlnuma_request *req)
{
    return sat_add(req->headroom_kib,
                   n->memsize_kib / 100 * req->headroom_pct +
                   n->memsize_kib % 100 * req->headroom_pct / 100);
}

static bool headroom_set(const xlnuma_request *req)
{
    return req->headroom_kib || req->headroom_pct;
}

/* One share per node of nodes, with its free memory (above the DMA zone
 * when the request is DMA-aware and the engine did not have to drop that
 * rule) and its reserve. */
static int shares_alloc(const xlnuma_host *h, const xlnuma_request *req,
                        bool dma_fallback, const xlnuma_bitmap *nodes,
                        decision *d)
{
    unsigned nr = xlnuma_bitmap_count(nodes), i = 0;

    free(d->shares);
    d->shares = calloc(nr ? nr : 1, sizeof(*d->shares));
    d->nr_shares = 0;
    if (!d->shares) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    xlnuma_bitmap_for_each(n, nodes) {
        const xlnuma_node *node = xlnuma_host_node(h, (unsigned)n);
        node_share *s = &d->shares[i++];

        s->node = (unsigned)n;
        s->free_kib = node->memfree_kib;
        if (req->dma_aware && !dma_fallback)
            s->free_kib -= node->dmafree_kib;   /* dmafree <= memfree */
        s->reserve_kib = guard_reserve_kib(node, req);
    }
    d->nr_shares = nr;
    return 0;
}

/* What each share can give without eating into its headroom, and the
 * shortfall that follows from its take. */
static bool shares_judge(node_share *s, unsigned nr)
{
    bool over = false;

    for (unsigned i = 0; i < nr; i++) {
        uint64_t usable = s[i].free_kib > s[i].reserve_kib
                          ? s[i].free_kib - s[i].reserve_kib : 0;

        s[i].short_kib = s[i].take_kib > usable ? s[i].take_kib - usable : 0;
        over |= s[i].short_kib != 0;
    }
    return over;
}

/* min(free, level) summed over the shares. */
static uint64_t filled(const node_share *s, unsigned nr, uint64_t level)
{
    uint64_t sum = 0;

    for (unsigned i = 0; i < nr; i++)
        sum += s[i].free_kib < level ? s[i].free_kib : level;
    return sum;
}

void guard_waterfill(node_share *s, unsigned nr, uint64_t amount)
{
    uint64_t total = 0, hi = 0, lo = 0, base, rest;

    if (!nr)
        return;
    for (unsigned i = 0; i < nr; i++) {
        total += s[i].free_kib;
        if (s[i].free_kib > hi)
            hi = s[i].free_kib;
    }
    if (amount >= total) {
        /* Every node gives all it has; the rest would be taken from them
         * in turn too, beyond what they have. */
        rest = amount - total;
        for (unsigned i = 0; i < nr; i++)
            s[i].take_kib = s[i].free_kib + rest / nr + (i < rest % nr);
        shares_judge(s, nr);
        return;
    }
    /* The smallest level L with sum(min(free, L)) >= amount: every node
     * gives min(free, L - 1), and the nodes that still have more give
     * the last KiB, one each, lowest id first. */
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;

        if (filled(s, nr, mid) >= amount)
            hi = mid;
        else
            lo = mid + 1;
    }
    base = lo ? lo - 1 : 0;
    rest = amount - filled(s, nr, base);
    for (unsigned i = 0; i < nr; i++) {
        s[i].take_kib = s[i].free_kib < base ? s[i].free_kib : base;
        if (rest && s[i].free_kib > base) {
            s[i].take_kib++;
            rest--;
        }
    }
    shares_judge(s, nr);
}

/* "node 0 short by 197 MiB, node 1 short by 3 MiB" */
static char *shortfalls(const decision *d)
{
    char *s = strdup(""), *t;

    for (unsigned i = 0; s && i < d->nr_shares; i++) {
        const node_share *sh = &d->shares[i];

        if (!sh->short_kib)
            continue;
        if (asprintf(&t, "%s%snode %u short by %" PRIu64 " MiB", s,
                     *s ? ", " : "", sh->node,
                     kib_to_mib_up(sh->short_kib)) < 0)
            t = NULL;
        free(s);
        s = t;
    }
    return s;
}

static const char *nodes_word(const xlnuma_bitmap *nodes)
{
    return xlnuma_bitmap_count(nodes) == 1 ? "node" : "nodes";
}

/* No candidate with the headroom: would one fit without it? */
static int explain_headroom(const xlnuma_host *h, decision *d)
{
    xlnuma_request req = d->req;
    xlnuma_result res;
    char *list = NULL, *shorts = NULL;
    int rc, ret;

    req.headroom_kib = 0;
    req.headroom_pct = 0;
    req.explain = false;
    xlnuma_result_init(&res);
    rc = xlnuma_place(cli.ctx, h, &req, &res);
    if (rc) {
        cli_err("placement failed: %s", xlnuma_strerror(rc));
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    ret = 0;
    if (res.outcome != XLNUMA_PLACED)
        goto out;           /* short even of all the free memory */

    ret = shares_alloc(h, &d->req, res.dma_fallback, &res.best.nodes, d);
    if (ret)
        goto out;
    d->shares_kib = d->req.need_kib;
    d->shares_what = "the need, taken from the nodes in turn as Xen does";
    guard_waterfill(d->shares, d->nr_shares, d->shares_kib);
    d->overcommit = shares_judge(d->shares, d->nr_shares);
    if (!d->overcommit)
        goto out;           /* not the headroom: the engine's reason */
    list = format_list(&res.best.nodes, "");
    shorts = shortfalls(d);
    if (!list || !shorts) {
        cli_err("out of memory");
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    ret = set_reason(d, "the guest fits only by over-committing: without "
                     "the headroom it would go to %s %s, eating into the "
                     "headroom (%s)", nodes_word(&res.best.nodes), list,
                     shorts);
 out:
    free(list);
    free(shorts);
    xlnuma_result_dispose(&res);
    return ret;
}

static void refuse(decision *d)
{
    for (unsigned i = 0; i < d->nr_overrides; i++) {
        free(d->overrides[i]);
        d->overrides[i] = NULL;
    }
    d->nr_overrides = 0;
    d->kind = DECISION_REFUSED;
}

/* The need of g at its largest: memory= raised to maxmem=. */
static int need_at_maxmem(const guestcfg *g, uint64_t *need_r, bool *grows_r)
{
    xlnuma_guest big = g->guest;
    int rc;

    *grows_r = g->guest.maxmem_kib > g->guest.memory_kib &&
               g->guest.memory_kib;
    if (!*grows_r)
        return 0;
    big.memory_kib = g->guest.maxmem_kib;
    rc = xlnuma_need_memory(cli.ctx, &big, need_r);
    if (rc) {
        cli_err("%s: cannot compute the guest's need at maxmem=%" PRIu64
                " (%s)", g->source, g->guest.maxmem_kib / 1024,
                xlnuma_strerror(rc));
        return XL_NUMA_EXIT_ERROR;
    }
    return 0;
}

/* Pin mode: the chosen nodes at the guest's largest. */
static int guard_pin(const xlnuma_host *h, const guestcfg *g, bool force,
                     decision *d)
{
    const xlnuma_bitmap *nodes = &d->res.best.nodes;
    uint64_t amount = d->req.need_kib;
    bool grows = false;
    char *list = NULL, *shorts = NULL;
    int ret;

    if (g) {
        ret = need_at_maxmem(g, &amount, &grows);
        if (ret)
            return ret;
    }
    ret = shares_alloc(h, &d->req, d->res.dma_fallback, nodes, d);
    if (ret)
        return ret;
    d->shares_kib = amount;
    d->shares_what = grows ? "the need at maxmem=, taken from the nodes in "
                             "turn as Xen does"
                           : "the need, taken from the nodes in turn as Xen "
                             "does";
    guard_waterfill(d->shares, d->nr_shares, amount);
    d->overcommit = shares_judge(d->shares, d->nr_shares);
    if (!d->overcommit)
        return 0;
    if (force) {
        d->forced = true;
        return 0;
    }
    list = format_list(nodes, "");
    shorts = shortfalls(d);
    if (!list || !shorts) {
        cli_err("out of memory");
        ret = XL_NUMA_EXIT_ERROR;
    } else {
        ret = set_reason(d, "pin mode would over-commit %s %s: the guest "
                         "%s %" PRIu64 " MiB%s (%s); --force or "
                         "numa_placement_force=1 places it anyway",
                         nodes_word(nodes), list,
                         grows ? "may grow to" : "needs",
                         kib_to_mib_up(amount),
                         grows ? " at maxmem=" : "", shorts);
        refuse(d);
    }
    free(list);
    free(shorts);
    return ret;
}

/* vNUMA: each vnode from its own node, exactly. */
static int guard_vnuma(const xlnuma_host *h, const guestcfg *g, bool force,
                       decision *d)
{
    uint64_t total_mib = 0, over_mib, given = 0;
    bool beyond_free = false;
    char *shorts = NULL;
    int ret;

    ret = vnuma_plan(h, g, d);
    if (ret)
        return ret;
    ret = shares_alloc(h, &d->req, d->res.dma_fallback, &d->res.best.nodes,
                       d);
    if (ret)
        return ret;
    for (unsigned v = 0; v < d->nr_vnodes; v++)
        total_mib += d->vnodes[v].size_mib;
    /* The rest of the need (page tables, libxl's extra MiB, rounding),
     * in proportion to the sizes, the remainder on vnode 0.  The need
     * is a whole number of MiB, and at least the vnodes' total. */
    over_mib = d->req.need_kib / 1024 > total_mib
               ? d->req.need_kib / 1024 - total_mib : 0;
    for (unsigned v = 0; v < d->nr_vnodes; v++) {
        const vnuma_node *vn = &d->vnodes[v];
        uint64_t share = total_mib ? over_mib * vn->size_mib / total_mib : 0;

        for (unsigned i = 0; i < d->nr_shares; i++)
            if (d->shares[i].node == vn->pnode)
                d->shares[i].take_kib = (vn->size_mib + share) * 1024;
        given += share;
    }
    for (unsigned i = 0; i < d->nr_shares; i++)
        if (d->nr_vnodes && d->shares[i].node == d->vnodes[0].pnode)
            d->shares[i].take_kib += (over_mib - given) * 1024;
    d->shares_kib = d->req.need_kib;
    d->shares_what = "the need, each vnode from its own node";
    d->overcommit = shares_judge(d->shares, d->nr_shares);
    for (unsigned i = 0; i < d->nr_shares; i++)
        beyond_free |= d->shares[i].take_kib > d->shares[i].free_kib;

    if (d->overcommit && (beyond_free || !force)) {
        shorts = shortfalls(d);
        if (!shorts) {
            cli_err("out of memory");
            return XL_NUMA_EXIT_ERROR;
        }
        ret = set_reason(d, "vNUMA would over-commit: each vnode's memory "
                         "comes from its own node only (%s); %s", shorts,
                         beyond_free
                         ? "--force cannot help, Xen would fail to "
                           "allocate it"
                         : "--force or numa_placement_force=1 eats into "
                           "the headroom anyway");
        free(shorts);
        refuse(d);
        return ret;
    }
    d->forced = d->overcommit;
    return vnuma_overrides(h, d);
}

/* (socket, core) of a cpu; an unknown core is a core of its own. */
typedef struct {
    int socket, core;
    unsigned cpu;
} core_key;

static int core_cmp(const void *a, const void *b)
{
    const core_key *x = a, *y = b;

    if (x->socket != y->socket)
        return x->socket < y->socket ? -1 : 1;
    if (x->core != y->core)
        return x->core < y->core ? -1 : 1;
    return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

int guard_suitable_cores(const xlnuma_host *h, const xlnuma_request *req,
                         unsigned *cores_r)
{
    const xlnuma_pool *p = xlnuma_host_pool_by_id(h, req->pool < 0
                                                     ? 0 : (unsigned)req->pool);
    unsigned nr = 0, cores = 0;
    core_key *keys;

    keys = calloc(xlnuma_host_nr_cpus(h) + 1, sizeof(*keys));
    if (!keys) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    for (unsigned c = 0; p && c < xlnuma_host_nr_cpus(h); c++) {
        const xlnuma_cpu *cpu = xlnuma_host_cpu(h, c);

        if (!cpu->online || !xlnuma_bitmap_test(&p->cpus, c) ||
            (!xlnuma_bitmap_is_empty(&req->cpus) &&
             !xlnuma_bitmap_test(&req->cpus, c)))
            continue;
        keys[nr].socket = cpu->socket;
        keys[nr].core = cpu->core;
        keys[nr++].cpu = c;
    }
    qsort(keys, nr, sizeof(*keys), core_cmp);
    for (unsigned i = 0; i < nr; i++)
        if (keys[i].core < 0 || !i || keys[i].socket != keys[i - 1].socket ||
            keys[i].core != keys[i - 1].core)
            cores++;
    free(keys);
    *cores_r = cores;
    return 0;
}

int guard_decision(const xlnuma_host *h, const guestcfg *g,
                   const placeopts *po, decision *d)
{
    bool force = po->force || (g && g->force);
    unsigned cores;
    int ret;

    switch (d->kind) {
    case DECISION_NOFIT:
        if (d->req.smt_cores && d->have_result &&
            d->res.outcome == XLNUMA_NOFIT_CPUS) {
            ret = guard_suitable_cores(h, &d->req, &cores);
            if (ret)
                return ret;
            return set_reason(d, "too few cores: the guest has %u vCPUs, "
                              "the suitable pCPUs are %u threads of %u "
                              "cores (--smt-cores counts cores)",
                              d->req.vcpus, d->res.nr_suitable_cpus, cores);
        }
        if (headroom_set(&d->req) && d->have_result &&
            (d->res.outcome == XLNUMA_NOFIT_MEMORY ||
             d->res.outcome == XLNUMA_NOFIT_BOTH))
            return explain_headroom(h, d);
        return 0;
    case DECISION_PLACED:
        if (d->vnuma_asked && g && d->res.best.nr_nodes > 1)
            return guard_vnuma(h, g, force, d);
        if (d->mode == XLNUMA_MODE_PIN)
            return guard_pin(h, g, force, d);
        return 0;
    default:
        return 0;
    }
}

void print_shares_text(FILE *f, const decision *d)
{
    if (!d->nr_shares)
        return;
    fprintf(f, "over-commit: %" PRIu64 " MiB, %s%s:\n",
            kib_to_mib_up(d->shares_kib), d->shares_what,
            d->forced ? "; placed anyway (--force)" : "");
    for (unsigned i = 0; i < d->nr_shares; i++) {
        const node_share *s = &d->shares[i];
        uint64_t usable = s->free_kib > s->reserve_kib
                          ? s->free_kib - s->reserve_kib : 0;

        fprintf(f, "  node %u:  takes %" PRIu64 " MiB of %" PRIu64 " MiB "
                "free, headroom %" PRIu64 " MiB: ", s->node,
                kib_to_mib_up(s->take_kib), kib_to_mib(s->free_kib),
                kib_to_mib_up(s->reserve_kib));
        if (s->short_kib)
            fprintf(f, "short by %" PRIu64 " MiB\n",
                    kib_to_mib_up(s->short_kib));
        else
            fprintf(f, "%" PRIu64 " MiB to spare\n",
                    kib_to_mib(usable - s->take_kib));
    }
}
