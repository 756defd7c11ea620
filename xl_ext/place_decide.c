/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * place_decide.c: config (or raw numbers) + host -> request -> engine ->
 * decision.
 *
 * The manual-placement rule is the seed's (Xen 4.2's documentation): a
 * guest whose config pins it (cpus=, cpus_soft=), puts it in a cpupool
 * (pool=) or places its virtual nodes (vnuma pnode=) is left alone, and
 * the reason is said.  numa_placement="within" places such a guest
 * inside its pool and cpus= mask instead -- what libxl means to do with
 * a single cpus= mask and does not (PRIOR-ART.md, defect 1).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

void placeopts_init(placeopts *po)
{
    memset(po, 0, sizeof(*po));
}

static int parse_headroom(placeopts *po, const char *arg)
{
    size_t len = strlen(arg);
    uint64_t v;
    int ret;

    if (len && arg[len - 1] == '%') {
        char *num = strndup(arg, len - 1);

        if (!num) {
            cli_err("out of memory");
            return XL_NUMA_EXIT_ERROR;
        }
        ret = parse_u64_arg("--headroom", num, 100, &v);
        free(num);
        if (!ret)
            po->headroom_pct = (unsigned)v;
        return ret;
    }
    ret = parse_u64_arg("--headroom (MiB)", arg, UINT64_C(1) << 40, &v);
    if (!ret)
        po->headroom_kib = v * 1024;
    return ret;
}

int placeopts_handle(placeopts *po, int opt, const char *arg)
{
    switch (opt) {
    case OPT_POLICY:
        po->policy = arg;
        return 0;
    case OPT_MODE:
        if (!strcmp(arg, "affinity"))
            po->mode = XLNUMA_MODE_AFFINITY;
        else if (!strcmp(arg, "pin"))
            po->mode = XLNUMA_MODE_PIN;
        else {
            cli_err("--mode \"%s\": affinity or pin", arg);
            return XL_NUMA_EXIT_ERROR;
        }
        po->mode_given = true;
        return 0;
    case OPT_MIN_NODES:
        return parse_uint_arg("--min-nodes", arg, 1u << 16, &po->min_nodes);
    case OPT_MAX_NODES:
        return parse_uint_arg("--max-nodes", arg, 1u << 16, &po->max_nodes);
    case OPT_HEADROOM:
        po->headroom_given = true;
        return parse_headroom(po, arg);
    case OPT_VNUMA:
        po->vnuma = true;
        return 0;
    case OPT_FORCE:
        po->force = true;
        return 0;
    case OPT_SMT_CORES:
        po->smt_cores = true;
        return 0;
    case OPT_DMA_AWARE:
    case OPT_NO_DMA_AWARE:
        po->dma_aware = opt == OPT_DMA_AWARE;
        po->dma_aware_given = true;
        return 0;
    case OPT_EXPLAIN:
        po->explain = true;
        return 0;
    case OPT_MAX_STEPS: {
        uint64_t v;
        int ret = parse_u64_arg("--max-steps", arg, UINT64_C(1) << 50, &v);

        if (!ret && !v) {
            cli_err("--max-steps: at least 1 step");
            ret = XL_NUMA_EXIT_ERROR;
        }
        if (!ret)
            po->max_steps = v;
        return ret;
    }
    default:
        return 1;
    }
}

void decision_init(decision *d)
{
    memset(d, 0, sizeof(*d));
    xlnuma_request_init(&d->req);
    xlnuma_result_init(&d->res);
    xlnuma_bitmap_init(&d->soft);
    xlnuma_bitmap_init(&d->hard);
}

void decision_dispose(decision *d)
{
    free(d->reason);
    free(d->guest_name);
    free(d->pool_name);
    xlnuma_request_dispose(&d->req);
    xlnuma_result_dispose(&d->res);
    for (unsigned i = 0; i < d->nr_overrides; i++)
        free(d->overrides[i]);
    xlnuma_bitmap_dispose(&d->soft);
    xlnuma_bitmap_dispose(&d->hard);
    free(d->shares);
    vnuma_dispose(d);
    locality_dispose(d);
    decision_init(d);
}

int decision_exit(const decision *d)
{
    switch (d->kind) {
    case DECISION_PLACED:  return XL_NUMA_EXIT_OK;
    case DECISION_SKIPPED: return XL_NUMA_EXIT_SKIPPED;
    case DECISION_REFUSED: return XL_NUMA_EXIT_NOFIT;
    default:               return XL_NUMA_EXIT_NOFIT;
    }
}

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

/* The policy: --policy, else numa_placement_policy=, else xen43.  Names
 * are checked against the built-ins here so that an unknown one gets
 * the list of known ones. */
static int pick_policy(const char *name, const char *from, decision *d)
{
    const xlnuma_policy *const *b = xlnuma_policy_builtins();
    char known[256] = "";

    if (!name)
        name = "xen43";
    if (plugin_spec(name))
        return plugin_policy_load(name, from, &d->policy);
    for (unsigned i = 0; b[i]; i++) {
        if (!strcmp(b[i]->name, name)) {
            d->policy = xlnuma_policy_find(cli.ctx, name);
            if (!d->policy) {
                cli_err("policy \"%s\" cannot be found", name);
                return XL_NUMA_EXIT_ERROR;
            }
            return 0;
        }
        if (strlen(known) + strlen(b[i]->name) + 3 < sizeof(known)) {
            if (i)
                strcat(known, ", ");
            strcat(known, b[i]->name);
        }
    }
    cli_err("%s: unknown policy \"%s\" (known: %s)", from, name, known);
    return XL_NUMA_EXIT_ERROR;
}

static void pick_mode(const placeopts *po, const guestcfg *g, decision *d)
{
    if (po->mode_given)
        d->mode = po->mode;
    else if (g && g->mode_given)
        d->mode = g->mode;
    else if (d->policy->flags & XLNUMA_POLICY_PIN_DEFAULT)
        d->mode = XLNUMA_MODE_PIN;
    else
        d->mode = XLNUMA_MODE_AFFINITY;
}

/* The options win over the config's keys (g: NULL in the raw form). */
static void fill_request(const placeopts *po, const guestcfg *g,
                         decision *d)
{
    d->req.policy = d->policy;
    d->req.min_nodes = po->min_nodes;
    d->req.max_nodes = po->max_nodes;
    if (po->headroom_given || !g) {
        d->req.headroom_kib = po->headroom_kib;
        d->req.headroom_pct = po->headroom_pct;
    } else {
        d->req.headroom_kib = g->headroom_kib;
        d->req.headroom_pct = g->headroom_pct;
    }
    d->req.smt_cores = po->smt_cores || (g && g->smt_cores);
    d->vnuma_asked = po->vnuma || (g && g->vnuma);
    d->req.dma_aware = locality_dma_aware(po, g, d->policy);
    d->req.explain = po->explain;
    d->req.max_steps = po->max_steps;
}

static int pool_lookup(const xlnuma_host *h, const char *name,
                       const char *from, decision *d)
{
    const xlnuma_pool *p;
    char known[256] = "";

    if (!name) {
        p = xlnuma_host_pool_by_id(h, 0);
        d->req.pool = -1;
        d->pool_name = strdup(p && p->name ? p->name : "Pool-0");
        return d->pool_name ? 0 : XL_NUMA_EXIT_ERROR;
    }
    p = xlnuma_host_pool_by_name(h, name);
    if (!p) {
        for (unsigned i = 0; i < xlnuma_host_nr_pools(h); i++) {
            const char *n = xlnuma_host_pool(h, i)->name;

            if (strlen(known) + strlen(n) + 3 < sizeof(known)) {
                if (i)
                    strcat(known, ", ");
                strcat(known, n);
            }
        }
        cli_err("%s: pool \"%s\" does not exist on this host (pools: %s)",
                from, name, known);
        return XL_NUMA_EXIT_ERROR;
    }
    d->req.pool = (int)p->id;
    d->pool_name = strdup(p->name);
    return d->pool_name ? 0 : XL_NUMA_EXIT_ERROR;
}

/* Why no candidate, in the engine's own terms (placement semantics 10). */
static int nofit_reason(decision *d)
{
    const xlnuma_result *res = &d->res;
    uint64_t need_mib = kib_to_mib_up(d->req.need_kib);

    switch (res->outcome) {
    case XLNUMA_NOFIT_MEMORY:
        return set_reason(d, "not enough free memory: the guest needs %"
                          PRIu64 " MiB, the %u suitable node%s have %" PRIu64
                          " MiB free together%s", need_mib,
                          res->nr_suitable_nodes,
                          res->nr_suitable_nodes == 1 ? "" : "s",
                          kib_to_mib(res->max_free_kib),
                          d->req.dma_aware
                          ? (d->req.headroom_kib || d->req.headroom_pct
                             ? ", before the headroom and the DMA zone"
                             : ", DMA zone included")
                          : (d->req.headroom_kib || d->req.headroom_pct
                             ? ", before the headroom" : ""));
    case XLNUMA_NOFIT_CPUS:
        /* With smt_cores, guard.c says it in cores. */
        return set_reason(d, "too few pCPUs: the guest has %u vCPUs, the "
                          "suitable pCPUs number %u", d->req.vcpus,
                          res->nr_suitable_cpus);
    case XLNUMA_NOFIT_BOTH:
        return set_reason(d, "no set of %u to %u nodes has both %" PRIu64
                          " MiB free and %u pCPUs", res->min_nodes,
                          res->max_nodes, need_mib, d->req.vcpus);
    case XLNUMA_NOFIT_EMPTY_POOL:
        return set_reason(d, "no suitable pCPU: pool %s%s holds none",
                          d->pool_name,
                          xlnuma_bitmap_is_empty(&d->req.cpus)
                          ? "" : " within the cpus= mask");
    case XLNUMA_NOFIT_BUDGET:
        return set_reason(d, "the search stopped after %llu steps, its "
                          "budget, before finding any set that fits (see "
                          "--max-steps)", res->nr_steps);
    case XLNUMA_NOFIT_FILTER:
        return set_reason(d, "policy %s rejected every set of nodes that "
                          "fits", d->policy->name);
    default:
        return set_reason(d, "no candidate (%s)",
                          xlnuma_outcome_name(res->outcome));
    }
}

/* Run the engine on d->req and classify. */
static int run_engine(const xlnuma_host *h, decision *d)
{
    int rc;

    rc = xlnuma_place(cli.ctx, h, &d->req, &d->res);
    if (rc) {
        /* The engine logged why the request makes no sense. */
        cli_err("placement failed: %s", xlnuma_strerror(rc));
        return XL_NUMA_EXIT_ERROR;
    }
    d->have_result = true;
    switch (d->res.outcome) {
    case XLNUMA_PLACED:
        d->kind = DECISION_PLACED;
        if (set_reason(d, "placed"))
            return XL_NUMA_EXIT_ERROR;
        return overrides_build(h, d);
    case XLNUMA_SKIP_ONE_NODE:
        d->kind = DECISION_SKIPPED;
        return set_reason(d, "the host has one NUMA node: there is nothing "
                          "to place");
    default:
        d->kind = DECISION_NOFIT;
        return nofit_reason(d);
    }
}

/* The manual-placement rule.  *skip_r set and d->reason filled when the
 * config places the guest itself. */
static int manual_rule(const guestcfg *g, decision *d, bool *skip_r)
{
    bool within = g->placement == NUMA_PLACEMENT_WITHIN;
    bool cpus = g->cpus.given && !within, pool = g->pool && !within;
    char what[160] = "";
    const char *hint;

#define ADD(s) do {                                                     \
        if (*what)                                                      \
            strcat(what, ", ");                                         \
        strcat(what, s);                                                \
    } while (0)
    if (cpus)
        ADD(g->cpus.is_list ? "cpus= as a per-vCPU list" : "cpus=");
    if (pool)
        ADD("pool=");
    if (g->cpus_soft.given)
        ADD("cpus_soft=");
    if (g->vnuma_pnode)
        ADD("vnuma pnode=");
#undef ADD
    *skip_r = *what != '\0';
    if (!*skip_r)
        return 0;
    d->kind = DECISION_SKIPPED;
    if (within)
        return set_reason(d, "manual placement: the config gives %s "
                          "(numa_placement=\"within\" honours cpus= and "
                          "pool= only)", what);
    if (cpus && pool)
        hint = "inside the pool and the cpus= mask";
    else if (cpus)
        hint = "inside the cpus= mask";
    else if (pool)
        hint = "inside the pool";
    else
        return set_reason(d, "manual placement: the config gives %s", what);
    return set_reason(d, "manual placement: the config gives %s (set "
                      "numa_placement=\"within\" to place the guest %s)",
                      what, hint);
}

/* numa_placement="within": the cpus= mask (a list: every vCPU's mask
 * together) narrows the suitable pCPUs. */
static int within_mask(const xlnuma_host *h, const guestcfg *g,
                       decision *d)
{
    xlnuma_bitmap one;
    int ret = 0;

    if (!g->cpus.given)
        return 0;
    if (g->cpus.is_list && d->mode == XLNUMA_MODE_PIN) {
        cli_err("%s: pin mode would replace the per-vCPU cpus= list; use "
                "affinity mode or a single cpus= mask", g->source);
        return XL_NUMA_EXIT_ERROR;
    }
    xlnuma_bitmap_init(&one);
    for (unsigned i = 0; i < g->cpus.nr_items; i++) {
        ret = cpulist_parse("cpus", g->cpus.items[i], h, &one);
        if (ret)
            break;
        if (xlnuma_bitmap_or(&d->req.cpus, &one)) {
            cli_err("out of memory");
            ret = XL_NUMA_EXIT_ERROR;
            break;
        }
    }
    xlnuma_bitmap_dispose(&one);
    return ret;
}

/* Everything a config says is checked, placed or not: a config xl would
 * refuse is refused here too. */
static int check_cpuspecs(const xlnuma_host *h, const guestcfg *g)
{
    const cpuspec *specs[] = { &g->cpus, &g->cpus_soft };
    const char *names[] = { "cpus", "cpus_soft" };
    xlnuma_bitmap scratch;
    int ret = 0;

    xlnuma_bitmap_init(&scratch);
    for (unsigned s = 0; s < 2 && !ret; s++)
        for (unsigned i = 0; i < specs[s]->nr_items && !ret; i++) {
            char what[32];

            /* A per-vCPU list names the vCPU: cpus[1]="x". */
            if (specs[s]->is_list)
                snprintf(what, sizeof(what), "%s[%u]", names[s], i);
            else
                snprintf(what, sizeof(what), "%s", names[s]);
            ret = cpulist_parse(what, specs[s]->items[i], h, &scratch);
        }
    xlnuma_bitmap_dispose(&scratch);
    return ret;
}

int decide_config(const xlnuma_host *h, const guestcfg *g,
                  const placeopts *po, decision *d)
{
    const xlnuma_guest *gu = &g->guest;
    const xlnuma_host *dh;
    bool skip;
    int rc, ret;

    if (g->name) {
        d->guest_name = strdup(g->name);
        if (!d->guest_name)
            goto nomem;
    }
    ret = pick_policy(po->policy ? po->policy : g->policy,
                      po->policy ? "--policy"
                                 : "numa_placement_policy", d);
    if (ret)
        return ret;
    pick_mode(po, g, d);
    fill_request(po, g, d);

    if (!gu->memory_kib && !gu->maxmem_kib) {
        cli_err("%s: neither memory= nor maxmem= is given", g->source);
        return XL_NUMA_EXIT_ERROR;
    }
    rc = xlnuma_need_memory(cli.ctx, gu, &d->req.need_kib);
    if (rc) {
        cli_err("%s: cannot compute the guest's memory need (%s)",
                g->source, xlnuma_strerror(rc));
        return XL_NUMA_EXIT_ERROR;
    }
    d->req.vcpus = xlnuma_guest_vcpus(gu);

    ret = check_cpuspecs(h, g);
    if (ret)
        return ret;
    if (g->vnuma_pnode && g->max_pnode >= xlnuma_host_nr_nodes(h)) {
        cli_err("%s: vnuma= pnode=%u does not exist (the host has %u "
                "nodes)", g->source, g->max_pnode, xlnuma_host_nr_nodes(h));
        return XL_NUMA_EXIT_ERROR;
    }
    ret = pool_lookup(h, g->pool, g->source, d);
    if (ret)
        return ret;

    if (g->placement == NUMA_PLACEMENT_OFF) {
        d->kind = DECISION_SKIPPED;
        return set_reason(d, "numa_placement=\"off\" in the config");
    }
    ret = manual_rule(g, d, &skip);
    if (ret || skip)
        return ret;
    if (g->placement == NUMA_PLACEMENT_WITHIN) {
        ret = within_mask(h, g, d);
        if (ret)
            return ret;
    }
    if (d->vnuma_asked) {
        ret = vnuma_check_guest(g);
        if (ret)
            return ret;
    }
    /* dh: h, or h with an estimated DMA split (locality.c). */
    ret = locality_host(h, d, &dh);
    if (!ret)
        ret = run_engine(dh, d);
    if (!ret)
        ret = guard_decision(dh, g, po, d);
    if (!ret)
        ret = locality_predict(dh, g, d);
    return ret;
 nomem:
    cli_err("out of memory");
    return XL_NUMA_EXIT_ERROR;
}

int decide_raw(const xlnuma_host *h, uint64_t need_kib, unsigned vcpus,
               const char *pool, const char *cpus, const placeopts *po,
               decision *d)
{
    const xlnuma_host *dh;
    int ret;

    ret = pick_policy(po->policy, "--policy", d);
    if (ret)
        return ret;
    pick_mode(po, NULL, d);
    fill_request(po, NULL, d);
    if (d->vnuma_asked) {
        cli_err("--vnuma needs the guest's config (its type and memory), "
                "not the raw form");
        return XL_NUMA_EXIT_ERROR;
    }
    d->req.need_kib = need_kib;
    d->req.vcpus = vcpus;
    ret = pool_lookup(h, pool, "--pool", d);
    if (ret)
        return ret;
    if (cpus) {
        ret = cpulist_parse("--cpus", cpus, h, &d->req.cpus);
        if (ret)
            return ret;
    }
    ret = locality_host(h, d, &dh);
    if (!ret)
        ret = run_engine(dh, d);
    if (!ret)
        ret = guard_decision(dh, NULL, po, d);
    if (!ret)
        ret = locality_predict(dh, NULL, d);
    return ret;
}
