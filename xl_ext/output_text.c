/* SPDX-License-Identifier: LGPL-2.1-only */
/* output_text.c: decisions, hosts and vCPU dashboards for people. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

const char *mode_name(xlnuma_mode m)
{
    return m == XLNUMA_MODE_PIN ? "pin" : "affinity";
}

const char *verdict_name(xlnuma_verdict v)
{
    switch (v) {
    case XLNUMA_VERDICT_CHOSEN:       return "chosen";
    case XLNUMA_VERDICT_LOST:         return "lost";
    case XLNUMA_VERDICT_SHORT_MEMORY: return "short-memory";
    case XLNUMA_VERDICT_SHORT_CPUS:   return "short-cpus";
    case XLNUMA_VERDICT_SHORT_BOTH:   return "short-both";
    case XLNUMA_VERDICT_FILTERED:     return "filtered";
    case XLNUMA_VERDICT_PRUNED:       return "pruned";
    default:                          return "unknown";
    }
}

int pool0_node_load(const xlnuma_host *h, unsigned **load_r)
{
    const xlnuma_pool *p0 = xlnuma_host_pool_by_id(h, 0);
    unsigned *load;
    xlnuma_bitmap all;
    int rc;

    load = calloc(xlnuma_host_nr_nodes(h) + 1, sizeof(*load));
    if (!load) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    xlnuma_bitmap_init(&all);
    if (!p0) {
        /* finish() always makes Pool-0; be safe with all cpus anyway. */
        for (unsigned c = 0; c < xlnuma_host_nr_cpus(h); c++)
            if (xlnuma_bitmap_set(&all, c)) {
                rc = XLNUMA_ERROR_NOMEM;
                goto out;
            }
    }
    rc = xlnuma_node_load(cli.ctx, h, p0 ? &p0->cpus : &all, load);
 out:
    xlnuma_bitmap_dispose(&all);
    if (rc) {
        cli_err("cannot count runnable vCPUs (%s)", xlnuma_strerror(rc));
        free(load);
        return XL_NUMA_EXIT_ERROR;
    }
    *load_r = load;
    return 0;
}

/* "1" or "0-1" with "node"/"nodes" before it. */
static void print_nodes_word(FILE *f, const xlnuma_bitmap *nodes)
{
    char *s = format_list(nodes, "");

    fprintf(f, "node%s %s", xlnuma_bitmap_count(nodes) == 1 ? "" : "s",
            s ? s : "?");
    free(s);
}

static void print_list(FILE *f, const xlnuma_bitmap *b)
{
    char *s = format_list(b, "");

    fputs(s ? (*s ? s : "-") : "?", f);
    free(s);
}

static void print_guest(FILE *f, const decision *d)
{
    fprintf(f, "guest:      %s%s%u vCPU%s, needs %" PRIu64 " MiB (%" PRIu64
            " KiB)\n", d->guest_name ? d->guest_name : "",
            d->guest_name ? ": " : "", d->req.vcpus,
            d->req.vcpus == 1 ? "" : "s", kib_to_mib_up(d->req.need_kib),
            d->req.need_kib);
    fprintf(f, "policy:     %s%s, mode %s, pool %s", d->policy->name,
            d->req.dma_aware ? " (DMA-aware)" : "", mode_name(d->mode),
            d->pool_name ? d->pool_name : "Pool-0");
    if (!xlnuma_bitmap_is_empty(&d->req.cpus)) {
        fputs(", within pCPUs ", f);
        print_list(f, &d->req.cpus);
    }
    fputc('\n', f);
}

/* How far from the best possible the figure on the first key can be
 * (res.has_gap: the policy has such a key). */
static void print_gap(FILE *f, const decision *d)
{
    const xlnuma_policy *p = d->res.policy ? d->res.policy : d->policy;
    unsigned long long g = d->res.gap;

    if (!p)
        return;
    if (!g) {
        fprintf(f, "            no set does better on %s; whether libxl's "
                "order puts an\n            equally good set first is not "
                "proven\n", xlnuma_key_name(p->keys[0]));
        return;
    }
    switch (p->keys[0]) {
    case XLNUMA_KEY_LOAD_LESS:
        fprintf(f, "            at most %llu runnable vCPU%s more than the "
                "best possible set\n", g, g == 1 ? "" : "s");
        break;
    case XLNUMA_KEY_FREE_LESS:
        fprintf(f, "            at most %llu KiB more free memory than the "
                "best possible set\n", g);
        break;
    case XLNUMA_KEY_FREE_MORE:
        fprintf(f, "            at most %llu KiB less free memory than the "
                "best possible set\n", g);
        break;
    case XLNUMA_KEY_DISTANCE_LESS:
    case XLNUMA_KEY_MAXDIST_LESS:
        fprintf(f, "            a distance at most %llu above the best "
                "possible set's\n", g);
        break;
    default:
        break;
    }
}

static void print_placed(FILE *f, const xlnuma_host *h, const decision *d)
{
    const xlnuma_candidate *b = &d->res.best;
    unsigned nr_cpus = xlnuma_bitmap_count(&d->res.cpus);

    fputs("placed:     ", f);
    print_nodes_word(f, &b->nodes);
    fputc('\n', f);
    xlnuma_bitmap_for_each(n, &b->nodes) {
        const xlnuma_node *node = xlnuma_host_node(h, (unsigned)n);
        xlnuma_bitmap mine;

        xlnuma_bitmap_init(&mine);
        fprintf(f, "  node %d:  pCPUs ", n);
        if (!xlnuma_bitmap_and(&mine, &node->cpus, &d->res.cpus))
            print_list(f, &mine);
        xlnuma_bitmap_dispose(&mine);
        fprintf(f, ", %" PRIu64 " MiB free", kib_to_mib(node->memfree_kib));
        if ((unsigned)n < d->res.nr_node_load)
            fprintf(f, ", %u runnable vCPU%s", d->res.node_load[n],
                    d->res.node_load[n] == 1 ? "" : "s");
        fputc('\n', f);
    }
    if (b->nr_nodes > 1)
        fprintf(f, "  total:   %u pCPU%s, %" PRIu64 " MiB free, %u runnable "
                "vCPU%s, distance %" PRIu64 " (largest %u)\n", nr_cpus,
                nr_cpus == 1 ? "" : "s", kib_to_mib(b->free_kib), b->load,
                b->load == 1 ? "" : "s", b->distance, b->max_distance);
    if (d->req.smt_cores)
        fprintf(f, "  cores:   %u (counted against the vCPUs)\n",
                b->nr_cores);
    if (!d->res.exact) {
        fprintf(f, "note:       the search stopped after %llu steps, its "
                "budget: the best set found, not proven the best (see "
                "--max-steps)\n", d->res.nr_steps);
        if (d->res.has_gap)
            print_gap(f, d);
    }
    print_vnuma_text(f, d);
    if (d->overcommit)
        print_shares_text(f, d);
    fputs("xl overrides:\n", f);
    for (unsigned i = 0; i < d->nr_overrides; i++)
        fprintf(f, "  %s\n", d->overrides[i]);
}

static void print_verdict(FILE *f, const xlnuma_explained *e)
{
    switch (e->verdict) {
    case XLNUMA_VERDICT_SHORT_MEMORY:
        fprintf(f, "rejected: memory short by %" PRIu64 " MiB",
                kib_to_mib_up(e->short_kib));
        break;
    case XLNUMA_VERDICT_SHORT_CPUS:
        fprintf(f, "rejected: pCPUs short by %u", e->short_cpus);
        break;
    case XLNUMA_VERDICT_SHORT_BOTH:
        fprintf(f, "rejected: memory short by %" PRIu64 " MiB, pCPUs short "
                "by %u", kib_to_mib_up(e->short_kib), e->short_cpus);
        break;
    case XLNUMA_VERDICT_FILTERED:
        fputs("rejected by the policy's filter", f);
        break;
    case XLNUMA_VERDICT_PRUNED:
        fprintf(f, "pruned: group of %llu set%s of %u nodes starting so",
                e->group_size, e->group_size == 1 ? "" : "s",
                e->c.nr_nodes);
        break;
    default:
        fputs(verdict_name(e->verdict), f);
    }
}

/* One key's value for a candidate, and what it measures. */
static int key_value(xlnuma_key k, const xlnuma_candidate *c, uint64_t *v_r,
                     const char **what_r)
{
    switch (k) {
    case XLNUMA_KEY_LOAD_LESS:
        *v_r = c->load;
        *what_r = "runnable vCPUs";
        return 0;
    case XLNUMA_KEY_FREE_MORE:
    case XLNUMA_KEY_FREE_LESS:
        *v_r = c->free_kib;
        *what_r = "free memory";
        return 0;
    case XLNUMA_KEY_DISTANCE_LESS:
        *v_r = c->distance;
        *what_r = "distance";
        return 0;
    case XLNUMA_KEY_MAXDIST_LESS:
        *v_r = c->max_distance;
        *what_r = "largest distance";
        return 0;
    default:
        return -1;
    }
}

static void print_key_value(FILE *f, xlnuma_key k, uint64_t v, uint64_t other)
{
    if (k != XLNUMA_KEY_FREE_MORE && k != XLNUMA_KEY_FREE_LESS)
        fprintf(f, "%" PRIu64, v);
    else if (kib_to_mib(v) != kib_to_mib(other))
        fprintf(f, "%" PRIu64 " MiB", kib_to_mib(v));
    else
        fprintf(f, "%" PRIu64 " KiB", v);
}

/* Why the winner beat the runner-up: the policy's deciding key with both
 * values, and the keys before it, on which they tied. */
static void print_why(FILE *f, const decision *d)
{
    const xlnuma_policy *p = d->res.policy ? d->res.policy : d->policy;
    const xlnuma_candidate *w = &d->res.best, *r = &d->res.runner_up;
    uint64_t a, b;
    const char *what;
    xlnuma_key k;
    unsigned tied = 0;

    fputs("why:        ", f);
    if (!d->res.has_runner_up) {
        if (d->res.nr_pruned)
            fprintf(f, "no other set of nodes fits or can win: %llu were "
                    "cut by bounds without being looked at one by one\n",
                    d->res.nr_pruned);
        else
            fputs("no other set of nodes fits\n", f);
        return;
    }
    print_nodes_word(f, &w->nodes);
    fputs(" beat the runner-up ", f);
    print_nodes_word(f, &r->nodes);
    if (p->compare) {
        fprintf(f, ": policy %s's comparator preferred it\n", p->name);
        return;
    }
    if (p->keys[0] == XLNUMA_KEY_END) {
        fprintf(f, ": policy %s takes the first set that fits, in "
                "enumeration order\n", p->name);
        return;
    }
    k = xlnuma_deciding_key(p, w, r);
    if (k == XLNUMA_KEY_END || key_value(k, w, &a, &what) ||
        key_value(k, r, &b, &what)) {
        fputs(": they tie on every key, and it comes first in enumeration "
              "order\n", f);
        return;
    }
    fprintf(f, " on %s: ", xlnuma_key_name(k));
    print_key_value(f, k, a, b);
    fputs(" against ", f);
    print_key_value(f, k, b, a);
    for (unsigned i = 0; i < XLNUMA_MAX_KEYS && p->keys[i] != k &&
                         p->keys[i] != XLNUMA_KEY_END; i++) {
        if (key_value(p->keys[i], w, &a, &what))
            continue;
        fprintf(f, "%s%s ", tied++ ? ", " : " (tied on ", what);
        print_key_value(f, p->keys[i], a, a);
    }
    fputs(tied ? ")\n" : "\n", f);
}

static void print_explain(FILE *f, const decision *d)
{
    const xlnuma_result *res = &d->res;

    fprintf(f, "candidates: sets of %u to %u of the %u suitable nodes; %llu "
            "evaluated, %llu pruned\n", res->min_nodes, res->max_nodes,
            res->nr_suitable_nodes, res->nr_evaluated, res->nr_pruned);
    if (res->nr_fixed_in || res->nr_fixed_out)
        fprintf(f, "reduced:    %u nodes are in every set that can win and "
                "%u in none (bound: no\n            set of %u nodes has "
                "fewer than %llu runnable vCPUs); the search\n"
                "            covered the other %u, and the sets below "
                "include the %u\n", res->nr_fixed_in, res->nr_fixed_out,
                res->best.nr_nodes, (unsigned long long)res->reduce_bound,
                res->nr_suitable_nodes - res->nr_fixed_in -
                res->nr_fixed_out, res->nr_fixed_in);
    if (!res->nr_trace)
        return;
    fprintf(f, "  %-16s %6s %10s %5s %8s  %s\n", "nodes",
            d->req.smt_cores ? "cores" : "pCPUs", "free MiB", "load",
            "distance", "verdict");
    for (unsigned i = 0; i < res->nr_trace; i++) {
        const xlnuma_explained *e = &res->trace[i];
        char *s = format_list(&e->c.nodes, "");

        if (e->verdict == XLNUMA_VERDICT_PRUNED) {
            char *pfx = s;

            /* A whole size has an empty prefix. */
            if (asprintf(&s, "%s%s...", pfx ? pfx : "?",
                         pfx && *pfx ? "," : "") < 0)
                s = NULL;
            free(pfx);
            fprintf(f, "  %-16s %6s %10s %5s %8s  ", s ? s : "?", "", "",
                    "", "");
        } else {
            fprintf(f, "  %-16s %6u %10" PRIu64 " %5u %8" PRIu64 "  ",
                    s ? s : "?",
                    d->req.smt_cores ? e->c.nr_cores : e->c.nr_cpus,
                    kib_to_mib(e->c.free_kib), e->c.load, e->c.distance);
        }
        free(s);
        print_verdict(f, e);
        fputc('\n', f);
    }
    if (res->trace_truncated)
        fputs("  ... (the trace stops here; more sets were looked at)\n", f);
}

void print_decision_text(FILE *f, const xlnuma_host *h, const decision *d)
{
    print_guest(f, d);
    switch (d->kind) {
    case DECISION_PLACED:
        print_placed(f, h, d);
        break;
    case DECISION_SKIPPED:
        fprintf(f, "skipped:    %s\n", d->reason);
        break;
    case DECISION_NOFIT:
        fprintf(f, "no candidate: %s\n", d->reason);
        if (d->overcommit)
            print_shares_text(f, d);
        break;
    case DECISION_REFUSED:
        fprintf(f, "refused:    %s\n", d->reason);
        print_shares_text(f, d);
        break;
    }
    print_locality_text(f, d);
    if (d->req.explain && d->have_result &&
        d->res.outcome != XLNUMA_SKIP_ONE_NODE) {
        print_explain(f, d);
        if (d->kind == DECISION_PLACED)
            print_why(f, d);
    }
}

/* ---- info ------------------------------------------------------------- */

static bool all_nodes(const xlnuma_host *h, const xlnuma_bitmap *nodes)
{
    if (xlnuma_bitmap_is_empty(nodes))
        return true;
    for (unsigned n = 0; n < xlnuma_host_nr_nodes(h); n++)
        if (!xlnuma_bitmap_test(nodes, n))
            return false;
    return true;
}

static bool all_cpus(const xlnuma_host *h, const xlnuma_bitmap *cpus)
{
    for (unsigned c = 0; c < xlnuma_host_nr_cpus(h); c++)
        if (!xlnuma_bitmap_test(cpus, c))
            return false;
    return true;
}

static void print_affinity(FILE *f, const xlnuma_host *h,
                           const xlnuma_bitmap *nodes, int width)
{
    char *s = all_nodes(h, nodes) ? strdup("all") : format_list(nodes, "");

    fprintf(f, "%-*s", width, s ? s : "?");
    free(s);
}

static int name_width(const xlnuma_host *h, int min)
{
    int w = min;

    for (unsigned i = 0; i < xlnuma_host_nr_domains(h); i++) {
        int l = (int)strlen(xlnuma_host_domain(h, i)->name);

        if (l > w)
            w = l;
    }
    return w;
}

static const char *pool_name_of(const xlnuma_host *h, unsigned id)
{
    const xlnuma_pool *p = xlnuma_host_pool_by_id(h, id);

    return p ? p->name : "?";
}

/* The share of a domain's pages on its node-affinity nodes, when both
 * are known and the affinity is not every node. */
static void print_local(FILE *f, const xlnuma_host *h,
                        const xlnuma_domain *d)
{
    uint64_t local = 0, total = 0;

    for (unsigned n = 0; d->pages_per_node && n < d->nr_pages; n++) {
        total += d->pages_per_node[n];
        if (xlnuma_bitmap_test(&d->node_affinity, n))
            local += d->pages_per_node[n];
    }
    if (!total || all_nodes(h, &d->node_affinity))
        fprintf(f, "%5s  ", "-");
    else
        fprintf(f, "%4" PRIu64 "%%  ", local * 100 / total);
}

static void print_pages(FILE *f, const xlnuma_domain *d)
{
    if (!d->pages_per_node) {
        fputs("-\n", f);
        return;
    }
    for (unsigned n = 0; n < d->nr_pages; n++)
        fprintf(f, "%s%u:%" PRIu64, n ? " " : "", n, d->pages_per_node[n]);
    fputc('\n', f);
}

int print_info_text(FILE *f, const char *source, const xlnuma_host *h)
{
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);
    unsigned nr_doms = xlnuma_host_nr_domains(h);
    unsigned *load = NULL;
    bool dma = xlnuma_host_dma_known(h);
    unsigned online = 0;
    int ret, w;

    ret = pool0_node_load(h, &load);
    if (ret)
        return ret;
    for (unsigned c = 0; c < xlnuma_host_nr_cpus(h); c++)
        online += xlnuma_host_cpu(h, c)->online;

    fprintf(f, "host %s: %u node%s, %u pCPU%s (%u online), %u pool%s, %u "
            "domain%s\n", source, nr_nodes, nr_nodes == 1 ? "" : "s",
            xlnuma_host_nr_cpus(h), xlnuma_host_nr_cpus(h) == 1 ? "" : "s",
            online, xlnuma_host_nr_pools(h),
            xlnuma_host_nr_pools(h) == 1 ? "" : "s", nr_doms,
            nr_doms == 1 ? "" : "s");

    fprintf(f, "\n%4s  %-12s %11s %11s", "node", "pCPUs", "memsize MiB",
            "memfree MiB");
    if (dma)
        fprintf(f, " %12s", "DMA free MiB");
    fprintf(f, " %8s  %s\n", "runnable", "distances");
    for (unsigned n = 0; n < nr_nodes; n++) {
        const xlnuma_node *node = xlnuma_host_node(h, n);
        char *cpus = format_list(&node->cpus, "");

        fprintf(f, "%4u  %-12s %11" PRIu64 " %11" PRIu64, n,
                cpus ? (*cpus ? cpus : "-") : "?",
                kib_to_mib(node->memsize_kib),
                kib_to_mib(node->memfree_kib));
        free(cpus);
        if (dma)
            fprintf(f, " %12" PRIu64, kib_to_mib(node->dmafree_kib));
        fprintf(f, " %8u  ", load[n]);
        for (unsigned m = 0; m < nr_nodes; m++)
            fprintf(f, "%s%u", m ? "," : "", node->distance[m]);
        fputc('\n', f);
    }

    fprintf(f, "\n%-12s %4s  %-10s %-12s %s\n", "pool", "id", "sched",
            "pCPUs", "nodes");
    for (unsigned i = 0; i < xlnuma_host_nr_pools(h); i++) {
        const xlnuma_pool *p = xlnuma_host_pool(h, i);
        xlnuma_bitmap nodes;
        char *cpus = format_list(&p->cpus, "");
        char *ns = NULL;

        xlnuma_bitmap_init(&nodes);
        if (!xlnuma_host_cpus_to_nodes(h, &p->cpus, &nodes))
            ns = format_list(&nodes, "");
        fprintf(f, "%-12s %4u  %-10s %-12s %s\n", p->name, p->id,
                p->sched ? p->sched : "-", cpus ? (*cpus ? cpus : "-") : "?",
                ns ? (*ns ? ns : "-") : "?");
        free(cpus);
        free(ns);
        xlnuma_bitmap_dispose(&nodes);
    }

    if (nr_doms) {
        w = name_width(h, 6);
        fprintf(f, "\n%-*s %5s  %-12s %8s %5s  %-13s %5s  %s\n", w,
                "domain", "id", "pool", "mem MiB", "vCPUs", "node affinity",
                "local", "pages per node");
        for (unsigned i = 0; i < nr_doms; i++) {
            const xlnuma_domain *d = xlnuma_host_domain(h, i);

            fprintf(f, "%-*s %5u  %-12s %8" PRIu64 " %5u  ", w, d->name,
                    d->domid, pool_name_of(h, d->pool),
                    kib_to_mib(d->mem_kib), d->nr_vcpus);
            print_affinity(f, h, &d->node_affinity, 13);
            fputc(' ', f);
            print_local(f, h, d);
            print_pages(f, d);
        }
    }
    free(load);
    return 0;
}

/* ---- vcpu-list -------------------------------------------------------- */

static void print_cpus_or_all(FILE *f, const xlnuma_host *h,
                              const xlnuma_bitmap *cpus, int width)
{
    char *s = all_cpus(h, cpus) ? strdup("all") : format_list(cpus, "");

    fprintf(f, "%-*s", width, s ? (*s ? s : "-") : "?");
    free(s);
}

int print_vcpulist_text(FILE *f, const xlnuma_host *h)
{
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);
    int w = name_width(h, 4);

    fprintf(f, "%-*s %5s %5s %5s %5s  %-12s %-12s %s\n", w, "Name", "ID",
            "VCPU", "CPU", "Node", "Hard", "Soft", "Node affinity");
    for (unsigned i = 0; i < xlnuma_host_nr_domains(h); i++) {
        const xlnuma_domain *d = xlnuma_host_domain(h, i);

        for (unsigned v = 0; v < d->nr_vcpus; v++) {
            const xlnuma_vcpu *vc = &d->vcpus[v];
            const xlnuma_cpu *c = vc->cpu >= 0 &&
                (unsigned)vc->cpu < xlnuma_host_nr_cpus(h)
                ? xlnuma_host_cpu(h, (unsigned)vc->cpu) : NULL;

            fprintf(f, "%-*s %5u %5u ", w, d->name, d->domid, vc->id);
            if (c && vc->online)
                fprintf(f, "%5d ", vc->cpu);
            else
                fprintf(f, "%5s ", "-");
            if (c && vc->online && c->node >= 0)
                fprintf(f, "%5d  ", c->node);
            else
                fprintf(f, "%5s  ", "-");
            print_cpus_or_all(f, h, &vc->hard, 12);
            fputc(' ', f);
            print_cpus_or_all(f, h, &vc->soft, 12);
            fputc(' ', f);
            print_affinity(f, h, &d->node_affinity, 0);
            fputc('\n', f);
        }
    }
    fputs("free MiB:", f);
    for (unsigned n = 0; n < nr_nodes; n++)
        fprintf(f, "  node %u: %" PRIu64, n,
                kib_to_mib(xlnuma_host_node(h, n)->memfree_kib));
    fputc('\n', f);
    print_pages_text(f, h);
    return 0;
}
