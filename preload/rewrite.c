/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * rewrite.c: a libxl_domain_config, the settings and the host ->
 * request -> engine -> the config rewritten.  Pure: no hypervisor, no
 * I/O; tests/check_preload.c drives it with configs built in the test.
 *
 * The manual-placement rule is `xl-numa place''s (place_decide.c), read
 * from what xl (or libvirt) put into the config rather than from the
 * config file's text: xl turns cpus="..." into one hard-affinity map per
 * vCPU, a per-vCPU list into as many maps as the list has entries (and
 * switches libxl's placement off), cpus_soft= into soft-affinity maps
 * (placement off too), pool= into c_info.pool_name, vnuma= into vnodes.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "preload.h"

void preload_guest_init(preload_guest *g)
{
    memset(g, 0, sizeof(*g));
}

void preload_guest_dispose(preload_guest *g)
{
    preload_guest_init(g);
}

void preload_decision_init(preload_decision *d)
{
    memset(d, 0, sizeof(*d));
    xlnuma_request_init(&d->req);
    xlnuma_result_init(&d->res);
}

void preload_decision_dispose(preload_decision *d)
{
    free(d->reason);
    free(d->nodes);
    free(d->cpus);
    xlnuma_request_dispose(&d->req);
    xlnuma_result_dispose(&d->res);
    preload_decision_init(d);
}

/* Appends to a malloc'd string (NULL: empty); false on OOM. */
static bool append(char **s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static bool append(char **s, const char *fmt, ...)
{
    char *add, *out;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&add, fmt, ap);
    va_end(ap);
    if (n < 0)
        return false;
    if (!*s) {
        *s = add;
        return true;
    }
    n = asprintf(&out, "%s%s", *s, add);
    free(add);
    if (n < 0)
        return false;
    free(*s);
    *s = out;
    return true;
}

/* Same set bits (sizes may differ). */
static bool lmap_same(const libxl_bitmap *a, const libxl_bitmap *b)
{
    uint32_t n = a->size > b->size ? a->size : b->size;

    for (uint32_t i = 0; i < n; i++) {
        uint8_t x = i < a->size && a->map ? a->map[i] : 0;
        uint8_t y = i < b->size && b->map ? b->map[i] : 0;

        if (x != y)
            return false;
    }
    return true;
}

static bool placement_off(const libxl_domain_build_info *b)
{
    return !libxl_defbool_is_default(b->numa_placement) &&
           !libxl_defbool_val(b->numa_placement);
}

/* The hard affinity came as a per-vCPU list: its maps differ, or there
 * are not one per vCPU (xl: a list shorter than the vCPUs), or libxl's
 * placement is off with no soft affinity to explain it (xl switches it
 * off for every list, also one of equal entries). */
static bool hard_is_list(const libxl_domain_build_info *b)
{
    int nv = b->max_vcpus > 0 ? b->max_vcpus : 1;

    if (b->num_vcpu_hard_affinity <= 0)
        return false;
    if (b->num_vcpu_hard_affinity != nv)
        return true;
    for (int i = 1; i < b->num_vcpu_hard_affinity; i++)
        if (!lmap_same(&b->vcpu_hard_affinity[0], &b->vcpu_hard_affinity[i]))
            return true;
    return placement_off(b) && b->num_vcpu_soft_affinity <= 0;
}

int preload_manual_rule(const libxl_domain_config *dc, preload_placement p,
                        char **reason_r)
{
    const libxl_domain_build_info *b = &dc->b_info;
    const libxl_domain_create_info *c = &dc->c_info;
    bool within = p == PRELOAD_PLACEMENT_WITHIN;
    bool soft = b->num_vcpu_soft_affinity > 0;
    bool hard = b->num_vcpu_hard_affinity > 0 || b->cpumap.size > 0;
    bool list = hard_is_list(b);
    bool pool = c->pool_name || c->poolid != 0;
    bool vnuma = b->num_vnuma_nodes > 0;
    bool nodemap = b->nodemap.size > 0;
    bool off = placement_off(b) && !soft && !list;
    bool fixable = true;    /* `within' would place it */
    char *what = NULL, *reason = NULL;
    bool ok = true;

    *reason_r = NULL;
#define ADD(...) (ok = ok && append(&what, "%s", what ? ", " : "") &&  \
                  append(&what, __VA_ARGS__))
    if (soft) {
        ADD("a soft affinity (cpus_soft=)");
        fixable = false;
    }
    if (hard && !within)
        ADD(list ? "a per-vCPU hard affinity (cpus= as a list)"
                 : "a hard affinity (cpus=)");
    if (pool && !within) {
        if (c->pool_name)
            ADD("a cpupool (pool=\"%s\")", c->pool_name);
        else
            ADD("a cpupool (poolid %" PRIu32 ")", c->poolid);
    }
    if (vnuma) {
        ADD("%d virtual NUMA node%s (vnuma=)", b->num_vnuma_nodes,
            b->num_vnuma_nodes == 1 ? "" : "s");
        fixable = false;
    }
    if (nodemap) {
        ADD("a node affinity (the build info's node map)");
        fixable = false;
    }
    if (off) {
        ADD("libxl's placement turned off (numa_placement false in the "
            "build info)");
        fixable = false;
    }
#undef ADD
    if (!ok)
        goto nomem;
    if (!what)
        return 0;
    if (within)
        ok = append(&reason, "manual placement: the config gives %s "
                    "(XLNUMA_PLACEMENT=within honours a hard affinity and "
                    "a cpupool only)", what);
    else if (fixable)
        ok = append(&reason, "manual placement: the config gives %s (set "
                    "XLNUMA_PLACEMENT=within to place the guest inside %s)",
                    what, hard && pool ? "its cpupool and hard affinity"
                                       : hard ? "its hard affinity"
                                              : "its cpupool");
    else
        ok = append(&reason, "manual placement: the config gives %s", what);
    free(what);
    if (!ok)
        return XLNUMA_ERROR_NOMEM;
    *reason_r = reason;
    return 0;
 nomem:
    free(what);
    return XLNUMA_ERROR_NOMEM;
}

/* `within': the hard affinity (every vCPU's map together, or the single
 * cpumap) narrows the suitable pCPUs; it must name a cpu of the host. */
static int within_cpus(xentoollog_logger *lg, const libxl_domain_build_info *b,
                       const xlnuma_host *h, xlnuma_bitmap *cpus_r)
{
    xlnuma_bitmap one;
    int rc = 0;

    xlnuma_bitmap_init(&one);
    if (b->num_vcpu_hard_affinity > 0) {
        for (int i = 0; i < b->num_vcpu_hard_affinity && !rc; i++) {
            rc = xlnuma_bitmap_from_libxl(&b->vcpu_hard_affinity[i], &one);
            if (!rc)
                rc = xlnuma_bitmap_or(cpus_r, &one);
        }
    } else if (b->cpumap.size > 0) {
        rc = xlnuma_bitmap_from_libxl(&b->cpumap, cpus_r);
    }
    /* libxl's maps are as wide as Xen's; "all" sets every bit. */
    if (!rc)
        rc = xlnuma_bitmap_resize(cpus_r, xlnuma_host_nr_cpus(h));
    if (rc) {
        PLOG(lg, ERROR, "the hard affinity cannot be read (%s)",
             xlnuma_strerror(rc));
        goto out;
    }
    if (xlnuma_bitmap_is_empty(cpus_r) &&
        (b->num_vcpu_hard_affinity > 0 || b->cpumap.size > 0)) {
        PLOG(lg, ERROR, "the hard affinity holds no cpu of this host (it "
             "has %u)", xlnuma_host_nr_cpus(h));
        rc = XLNUMA_ERROR_INVAL;
    }
 out:
    xlnuma_bitmap_dispose(&one);
    return rc;
}

/* Why the engine found no candidate, with its figures. */
static int nofit_reason(preload_decision *d)
{
    const xlnuma_result *r = &d->res;
    uint64_t need_mib = (d->req.need_kib + 1023) / 1024;
    bool ok;

    switch (r->outcome) {
    case XLNUMA_NOFIT_MEMORY:
        ok = append(&d->reason, "not enough free memory: the guest needs %"
                    PRIu64 " MiB, the %u suitable node%s %" PRIu64
                    " MiB free%s", need_mib, r->nr_suitable_nodes,
                    r->nr_suitable_nodes == 1 ? " has" : "s have",
                    r->max_free_kib / 1024,
                    r->nr_suitable_nodes == 1 ? "" : " together");
        break;
    case XLNUMA_NOFIT_CPUS:
        ok = append(&d->reason, "too few pCPUs: the guest has %u vCPUs, "
                    "the suitable pCPUs number %u", d->req.vcpus,
                    r->nr_suitable_cpus);
        break;
    case XLNUMA_NOFIT_BOTH:
        ok = append(&d->reason, "no set of %u to %u nodes has both %"
                    PRIu64 " MiB free and %u pCPUs", r->min_nodes,
                    r->max_nodes, need_mib, d->req.vcpus);
        break;
    case XLNUMA_NOFIT_EMPTY_POOL:
        ok = append(&d->reason, "no suitable pCPU in the guest's cpupool%s",
                    xlnuma_bitmap_is_empty(&d->req.cpus)
                    ? "" : " within its hard affinity");
        break;
    case XLNUMA_NOFIT_BUDGET:
        ok = append(&d->reason, "the search stopped after %llu steps, its "
                    "budget, before finding a set that fits",
                    r->nr_steps);
        break;
    default:
        ok = append(&d->reason, "no candidate (%s)",
                    xlnuma_outcome_name(r->outcome));
        break;
    }
    return ok ? 0 : XLNUMA_ERROR_NOMEM;
}

static int fill_request(xentoollog_logger *lg, xlnuma_ctx *ctx,
                        const preload_settings *s, const xlnuma_host *h,
                        const preload_guest *g,
                        const libxl_domain_config *dc, preload_decision *d)
{
    const char *name = s->policy ? s->policy : "xen43";
    int rc;

    d->policy = xlnuma_policy_find(ctx, name);
    if (!d->policy) {
        PLOG(lg, ERROR, "%s: unknown policy \"%s\"",
             s->origin[PRELOAD_KEY_POLICY] ? s->origin[PRELOAD_KEY_POLICY]
                                           : "the default", name);
        return XLNUMA_ERROR_INVAL;
    }
    if (s->mode_given)
        d->mode = s->mode;
    else if (d->policy->flags & XLNUMA_POLICY_PIN_DEFAULT)
        d->mode = XLNUMA_MODE_PIN;
    else
        d->mode = XLNUMA_MODE_AFFINITY;
    if (!g->need_kib || !g->vcpus) {
        PLOG(lg, ERROR, "libxl gave a need of %" PRIu64 " KiB and %u "
             "vCPUs; nothing to place", g->need_kib, g->vcpus);
        return XLNUMA_ERROR_INVAL;
    }

    d->req.need_kib = g->need_kib;
    d->req.vcpus = g->vcpus;
    d->req.pool = g->poolid ? (int)g->poolid : -1;
    d->req.policy = d->policy;
    d->req.min_nodes = s->min_nodes;
    d->req.max_nodes = s->max_nodes;
    d->req.headroom_kib = s->headroom_kib;
    d->req.headroom_pct = s->headroom_pct;
    d->req.smt_cores = s->smt_cores;
    d->req.dma_aware = s->dma_aware;
    d->req.max_steps = s->max_steps;
    if (g->poolid && !xlnuma_host_pool_by_id(h, g->poolid)) {
        PLOG(lg, ERROR, "the guest's cpupool %" PRIu32 " is not on the "
             "host", g->poolid);
        return XLNUMA_ERROR_INVAL;
    }

    if (s->placement != PRELOAD_PLACEMENT_WITHIN)
        return 0;
    if (hard_is_list(&dc->b_info) && d->mode == XLNUMA_MODE_PIN) {
        PLOG(lg, ERROR, "pin mode would replace the per-vCPU hard "
             "affinity (cpus= as a list); use affinity mode or a single "
             "cpus= mask");
        return XLNUMA_ERROR_INVAL;
    }
    rc = within_cpus(lg, &dc->b_info, h, &d->req.cpus);
    return rc;
}

int preload_decide(xentoollog_logger *lg, xlnuma_ctx *ctx, libxl_ctx *lctx,
                   const preload_settings *s, const xlnuma_host *h,
                   const preload_guest *g, libxl_domain_config *dc,
                   preload_decision *d)
{
    char *reason = NULL;
    int rc;

    if (!ctx || !s || !h || !g || !dc || !d) {
        PLOG(lg, ERROR, "preload_decide: an argument is NULL");
        return XLNUMA_ERROR_INVAL;
    }
    if (s->placement == PRELOAD_PLACEMENT_OFF) {
        d->verdict = PRELOAD_SKIPPED;
        return append(&d->reason, "placement is off (%s)",
                      s->origin[PRELOAD_KEY_PLACEMENT]
                      ? s->origin[PRELOAD_KEY_PLACEMENT] : "the default")
               ? 0 : XLNUMA_ERROR_NOMEM;
    }
    rc = preload_manual_rule(dc, s->placement, &reason);
    if (rc)
        return rc;
    if (reason) {
        d->verdict = PRELOAD_SKIPPED;
        d->reason = reason;
        return 0;
    }
    rc = fill_request(lg, ctx, s, h, g, dc, d);
    if (rc)
        return rc;

    rc = xlnuma_place(ctx, h, &d->req, &d->res);
    if (rc) {
        /* The engine logged why the request makes no sense. */
        PLOG(lg, ERROR, "the engine refused the request: %s",
             xlnuma_strerror(rc));
        return rc;
    }
    switch (d->res.outcome) {
    case XLNUMA_PLACED:
        break;
    case XLNUMA_SKIP_ONE_NODE:
        d->verdict = PRELOAD_SKIPPED;
        return append(&d->reason, "the host has one NUMA node: there is "
                      "nothing to place") ? 0 : XLNUMA_ERROR_NOMEM;
    default:
        d->verdict = PRELOAD_NOFIT;
        return nofit_reason(d);
    }

    d->nodes = xlnuma_bitmap_format(&d->res.best.nodes);
    d->cpus = xlnuma_bitmap_format(&d->res.cpus);
    if (!d->nodes || !d->cpus) {
        PLOG(lg, ERROR, "out of memory");
        return XLNUMA_ERROR_NOMEM;
    }
    rc = xlnuma_apply_to_build_info(ctx, lctx, h, &d->res, d->mode,
                                    &dc->b_info);
    if (rc)
        return rc;      /* logged; b_info untouched */
    d->verdict = PRELOAD_PLACED;
    return 0;
}
