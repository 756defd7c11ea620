/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * load.c: runnable vCPUs, counted as libxl counts them.
 *
 * libxl 4.17 (tools/libs/light/libxl_numa.c, nr_vcpus_on_nodes): for
 * every domain, dom0 included, and every vCPU, online or not, the vCPU
 * counts once on node N when some pCPU of N is in its hard affinity, in
 * the suitable set and in the domain's own cpupool, and N is in the
 * domain's node affinity.  Soft affinity and real CPU use are ignored.
 * An empty node affinity in our model means "unknown", read as all nodes
 * (what Xen reports for a domain nobody restricted).
 *
 * Most vCPUs of a host share a few hard affinities ("all", or a node's
 * pCPUs), so the vCPUs of a domain with the same hard affinity are
 * counted once and weighted.
 */
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

/* Add weight w to every node where (hard & allowed) has a pCPU, within
 * the node affinity (empty: all). */
static void count_vcpu(const xlnuma_host *h, const xlnuma_bitmap *hard,
                       const xlnuma_bitmap *allowed,
                       const xlnuma_bitmap *nodeaff, unsigned w,
                       unsigned *load_r, unsigned char *counted)
{
    bool all_nodes = xlnuma_bitmap_is_empty(nodeaff);
    unsigned n = hard->nr_bits < allowed->nr_bits ? hard->nr_bits
                                                  : allowed->nr_bits;
    unsigned nbytes = (n + 7) / 8;

    memset(counted, 0, h->nr_nodes);
    for (unsigned b = 0; b < nbytes; b++) {
        uint8_t byte = hard->map[b] & allowed->map[b];

        while (byte) {
            unsigned c = b * 8 + (unsigned)__builtin_ctz(byte);
            const xlnuma_cpu *cpu;

            byte &= (uint8_t)(byte - 1);
            if (c >= h->nr_cpus)
                return;
            cpu = &h->cpus[c];
            if (!cpu->online || cpu->node < 0 || counted[cpu->node])
                continue;
            if (!all_nodes &&
                !xlnuma_bitmap_test(nodeaff, (unsigned)cpu->node))
                continue;
            counted[cpu->node] = 1;
            load_r[cpu->node] += w;
        }
    }
}

int xlnuma_node_load(xlnuma_ctx *ctx, const xlnuma_host *h,
                     const xlnuma_bitmap *suitable, unsigned *load_r)
{
    unsigned nn = h->nr_nodes;
    unsigned char *counted = NULL;
    xlnuma_bitmap allowed;
    int rc;

    xlnuma_bitmap_init(&allowed);
    if (!h->finished) {
        LOG(ERROR, "host not finished");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    counted = malloc(nn);
    if (!counted) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    memset(load_r, 0, nn * sizeof(*load_r));
    for (unsigned i = 0; i < h->nr_domains; i++) {
        const xlnuma_domain *d = &h->domains[i];
        const xlnuma_pool *pool = xlnuma_host_pool_by_id(h, d->pool);

        if (!pool)
            continue;  /* finish() rejects this; be safe */
        rc = xlnuma_bitmap_and(&allowed, suitable, &pool->cpus);
        if (rc)
            goto out;
        for (unsigned v = 0; v < d->nr_vcpus; v++) {
            unsigned w = 1;

            /* vCPUs with the hard affinity of an earlier one were
             * counted with it. */
            bool seen = false;

            for (unsigned u = 0; u < v && !seen; u++)
                seen = xlnuma_bitmap_equal(&d->vcpus[u].hard,
                                           &d->vcpus[v].hard);
            if (seen)
                continue;
            for (unsigned u = v + 1; u < d->nr_vcpus; u++)
                if (xlnuma_bitmap_equal(&d->vcpus[u].hard,
                                        &d->vcpus[v].hard))
                    w++;
            count_vcpu(h, &d->vcpus[v].hard, &allowed, &d->node_affinity,
                       w, load_r, counted);
        }
    }
    rc = 0;
 out:
    xlnuma_bitmap_dispose(&allowed);
    free(counted);
    return rc;
}
