/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * policy-lowload.c: a placement policy in a shared object -- the example
 * of xlnuma(3), "POLICIES IN SHARED OBJECTS".  Build it as a module and
 * name it in a guest's config:
 *
 *   cc -shared -fPIC $(pkg-config --cflags xlnuma) \
 *       -o /usr/local/lib/xlnuma/policy-lowload.so policy-lowload.c
 *   numa_placement_policy =
 *       "plugin:/usr/local/lib/xlnuma/policy-lowload.so:lowload"
 *
 * lowload: among the sets of fewest nodes that fit, the fewest runnable
 * vCPUs per pCPU (xen43 compares totals, so a set of big busy nodes can
 * beat a small quiet one), then the most free memory above Xen's DMA
 * zone; a filter refuses sets whose nodes are more than 20 apart in the
 * SLIT (on most hosts: more than one hop).
 */
#include <xlnuma.h>

/* The ABI: the version this object was built for, and its entry point
 * (declared here: xlnuma.h does not declare what a plug-in defines). */
const unsigned xlnuma_plugin_api_version = XLNUMA_API_VERSION;
int xlnuma_plugin_init(xlnuma_ctx *ctx, unsigned api_version);

#define LOWLOAD_MAX_DISTANCE 20u

static int cmp_u64(uint64_t a, uint64_t b)
{
    return a < b ? -1 : a > b;
}

/* < 0: a is better.  Called only on feasible sets of one size, so
 * nr_cpus is at least the guest's vCPUs, never 0. */
static int lowload_compare(const xlnuma_candidate *a,
                           const xlnuma_candidate *b, void *priv)
{
    int c;

    /* load / nr_cpus, compared exactly: cross-multiplied in 64 bits */
    c = cmp_u64((uint64_t)a->load * b->nr_cpus,
                (uint64_t)b->load * a->nr_cpus);
    if (c)
        return c;
    return cmp_u64(b->free_above_dma_kib, a->free_above_dma_kib);
}

static bool lowload_filter(const xlnuma_candidate *c, void *priv)
{
    return c->max_distance <= LOWLOAD_MAX_DISTANCE;
}

/* Borrowed by the ctx: it must live as long as the object stays loaded,
 * which xl-numa guarantees until it frees the ctx. */
static const xlnuma_policy lowload = {
    .name = "lowload",
    .summary = "fewest runnable vCPUs per pCPU, then most free memory "
               "above the DMA zone; nodes at most 20 apart",
    .load_model = XLNUMA_LOAD_PER_NODE,
    .keys = { XLNUMA_KEY_END },
    .compare = lowload_compare,
    .filter = lowload_filter,
    .priv = NULL,
};

int xlnuma_plugin_init(xlnuma_ctx *ctx, unsigned api_version)
{
    /* The loader checks the version too; a plug-in still says what it
     * needs: the same major version, and at least its minor one. */
    if ((api_version >> 16) != (XLNUMA_API_VERSION >> 16) ||
        ((api_version >> 8) & 0xff) < ((XLNUMA_API_VERSION >> 8) & 0xff))
        return XLNUMA_ERROR_INVAL;
    return xlnuma_policy_register(ctx, &lowload);
}
