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
 */
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

int xlnuma_node_load(xlnuma_ctx *ctx, const xlnuma_host *h,
                     const xlnuma_bitmap *suitable, unsigned *load_r)
{
    unsigned nn = h->nr_nodes;
    unsigned char *counted = NULL;
    int rc;

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
        bool all_nodes = xlnuma_bitmap_is_empty(&d->node_affinity);

        if (!pool)
            continue;  /* finish() rejects this; be safe */
        for (unsigned v = 0; v < d->nr_vcpus; v++) {
            memset(counted, 0, nn);
            xlnuma_bitmap_for_each(c, &d->vcpus[v].hard) {
                const xlnuma_cpu *cpu;

                if ((unsigned)c >= h->nr_cpus)
                    break;
                cpu = &h->cpus[c];
                if (!cpu->online || cpu->node < 0 ||
                    !xlnuma_bitmap_test(suitable, (unsigned)c) ||
                    !xlnuma_bitmap_test(&pool->cpus, (unsigned)c))
                    continue;
                if (!all_nodes &&
                    !xlnuma_bitmap_test(&d->node_affinity,
                                        (unsigned)cpu->node))
                    continue;
                if (!counted[cpu->node]) {
                    counted[cpu->node] = 1;
                    load_r[cpu->node]++;
                }
            }
        }
    }
    rc = 0;
 out:
    free(counted);
    return rc;
}
