/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * policy.c: the built-in policies are data -- a name, a load model and
 * the keys they compare, in order.  docs/placement.md defines each one.
 */
#include <string.h>

#include "xlnuma_internal.h"

static const xlnuma_policy policy_xen43 = {
    .name = "xen43",
    .summary = "libxl 4.3-4.17: fewest nodes, then fewest runnable vCPUs, "
               "then most free memory",
    .load_model = XLNUMA_LOAD_PER_NODE,
    .keys = { XLNUMA_KEY_LOAD_LESS, XLNUMA_KEY_FREE_MORE },
};

static const xlnuma_policy policy_xen42 = {
    .name = "xen42",
    .summary = "libxl 4.2.0: as xen43, load counted per candidate; "
               "places on one-node hosts; enacted by pinning",
    .load_model = XLNUMA_LOAD_PER_CANDIDATE,
    .flags = XLNUMA_POLICY_PLACE_ONE_NODE_HOST | XLNUMA_POLICY_PIN_DEFAULT,
    .keys = { XLNUMA_KEY_LOAD_LESS, XLNUMA_KEY_FREE_MORE },
};

static const xlnuma_policy policy_greedy = {
    .name = "greedy",
    .summary = "first fit: the first node set, in id order, that fits",
    .load_model = XLNUMA_LOAD_PER_NODE,
    .flags = XLNUMA_POLICY_DMA_AWARE_DEFAULT,
    .keys = { XLNUMA_KEY_END },
};

static const xlnuma_policy policy_packed = {
    .name = "packed",
    .summary = "best fit: the fitting node set with the least free memory",
    .load_model = XLNUMA_LOAD_PER_NODE,
    .flags = XLNUMA_POLICY_DMA_AWARE_DEFAULT,
    .keys = { XLNUMA_KEY_FREE_LESS },
};

static const xlnuma_policy policy_spread = {
    .name = "spread",
    .summary = "worst fit: the fitting node set with the most free memory",
    .load_model = XLNUMA_LOAD_PER_NODE,
    .flags = XLNUMA_POLICY_DMA_AWARE_DEFAULT,
    .keys = { XLNUMA_KEY_FREE_MORE },
};

static const xlnuma_policy policy_closest = {
    .name = "closest",
    .summary = "fewest nodes, then the smallest SLIT distance within the "
               "set, then xen43's order",
    .load_model = XLNUMA_LOAD_PER_NODE,
    .flags = XLNUMA_POLICY_DMA_AWARE_DEFAULT,
    .keys = { XLNUMA_KEY_DISTANCE_LESS, XLNUMA_KEY_LOAD_LESS,
              XLNUMA_KEY_FREE_MORE },
};

static const xlnuma_policy *const builtins[] = {
    &policy_xen43, &policy_xen42, &policy_greedy, &policy_packed,
    &policy_spread, &policy_closest, NULL,
};

const xlnuma_policy *const *xlnuma_policy_builtins(void)
{
    return builtins;
}

const xlnuma_policy *xlnuma_policy_find(xlnuma_ctx *ctx, const char *name)
{
    if (!name)
        return builtins[0];
    for (unsigned i = 0; builtins[i]; i++)
        if (!strcmp(builtins[i]->name, name))
            return builtins[i];
    for (unsigned i = 0; ctx && i < ctx->nr_plugins; i++)
        if (!strcmp(ctx->plugins[i]->name, name))
            return ctx->plugins[i];
    LOG(ERROR, "unknown placement policy \"%s\" (known: xen43, xen42, "
        "greedy, packed, spread, closest%s)", name,
        ctx && ctx->nr_plugins ? ", and registered plug-ins" : "");
    return NULL;
}

int xlnuma_policy_register(xlnuma_ctx *ctx, const xlnuma_policy *p)
{
    if (!p || !p->name || !*p->name) {
        LOG(ERROR, "a policy needs a name");
        return XLNUMA_ERROR_INVAL;
    }
    if (!p->compare && p->keys[0] == XLNUMA_KEY_END && !p->filter) {
        LOG(ERROR, "policy %s has neither keys, compare nor filter",
            p->name);
        return XLNUMA_ERROR_INVAL;
    }
    for (unsigned i = 0; i < XLNUMA_MAX_KEYS; i++)
        if (p->keys[i] > XLNUMA_KEY_MAXDIST_LESS) {
            LOG(ERROR, "policy %s: key %d is unknown", p->name,
                (int)p->keys[i]);
            return XLNUMA_ERROR_INVAL;
        }
    for (unsigned i = 0; builtins[i]; i++)
        if (!strcmp(builtins[i]->name, p->name)) {
            LOG(ERROR, "policy name %s is taken by a built-in", p->name);
            return XLNUMA_ERROR_INVAL;
        }
    for (unsigned i = 0; i < ctx->nr_plugins; i++)
        if (!strcmp(ctx->plugins[i]->name, p->name)) {
            LOG(ERROR, "policy %s is already registered", p->name);
            return XLNUMA_ERROR_INVAL;
        }
    if (ctx->nr_plugins >= XLNUMA_MAX_POLICIES) {
        LOG(ERROR, "more than %u plug-in policies", XLNUMA_MAX_POLICIES);
        return XLNUMA_ERROR_RANGE;
    }
    ctx->plugins[ctx->nr_plugins++] = p;
    return 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

/* One key: < 0 when a is better on it. */
int xlnuma__key_compare(xlnuma_key k, const xlnuma_candidate *a,
                        const xlnuma_candidate *b)
{
    switch (k) {
    case XLNUMA_KEY_LOAD_LESS:
        return cmp_u64(a->load, b->load);
    case XLNUMA_KEY_FREE_MORE:
        return cmp_u64(b->free_kib, a->free_kib);
    case XLNUMA_KEY_FREE_LESS:
        return cmp_u64(a->free_kib, b->free_kib);
    case XLNUMA_KEY_DISTANCE_LESS:
        return cmp_u64(a->distance, b->distance);
    case XLNUMA_KEY_MAXDIST_LESS:
        return cmp_u64(a->max_distance, b->max_distance);
    case XLNUMA_KEY_END:
        break;
    }
    return 0;
}

int xlnuma__candidate_compare(const xlnuma_policy *p,
                              const xlnuma_candidate *a,
                              const xlnuma_candidate *b)
{
    if (p->compare)
        return p->compare(a, b, p->priv);
    for (unsigned i = 0; i < XLNUMA_MAX_KEYS && p->keys[i]; i++) {
        int c = xlnuma__key_compare(p->keys[i], a, b);

        if (c)
            return c;
    }
    return 0;
}

const char *xlnuma_key_name(xlnuma_key k)
{
    switch (k) {
    case XLNUMA_KEY_LOAD_LESS:     return "fewer runnable vCPUs";
    case XLNUMA_KEY_FREE_MORE:     return "more free memory";
    case XLNUMA_KEY_FREE_LESS:     return "less free memory";
    case XLNUMA_KEY_DISTANCE_LESS: return "smaller distance";
    case XLNUMA_KEY_MAXDIST_LESS:  return "smaller largest distance";
    case XLNUMA_KEY_END:           break;
    }
    return "order";
}

xlnuma_key xlnuma_deciding_key(const xlnuma_policy *p,
                               const xlnuma_candidate *a,
                               const xlnuma_candidate *b)
{
    if (p->compare)
        return XLNUMA_KEY_END;
    for (unsigned i = 0; i < XLNUMA_MAX_KEYS && p->keys[i]; i++)
        if (xlnuma__key_compare(p->keys[i], a, b))
            return p->keys[i];
    return XLNUMA_KEY_END;
}
