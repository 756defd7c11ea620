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
 * A host's vCPUs share few hard affinities ("all", a node's pCPUs), which
 * finish() interned: the nodes a distinct affinity reaches within a pool
 * are found once, then each vCPU only meets them with its domain's node
 * affinity.
 */
#include <stdlib.h>
#include <string.h>

#include "xlnuma_internal.h"

/* Nodes where (map & allowed) has an online pCPU, into touched. */
static int touched_nodes(const xlnuma_host *h, const xlnuma_bitmap *map,
                         const xlnuma_bitmap *allowed, xlnuma_bitmap *touched)
{
    unsigned n = map->nr_bits < allowed->nr_bits ? map->nr_bits
                                                 : allowed->nr_bits;
    int rc;

    rc = xlnuma_bitmap_resize(touched, h->nr_nodes);
    if (rc)
        return rc;
    xlnuma_bitmap_clear(touched);
    for (unsigned b = 0; b < (n + 7) / 8; b++) {
        uint8_t byte = map->map[b] & allowed->map[b];

        while (byte) {
            unsigned c = b * 8 + (unsigned)__builtin_ctz(byte);
            const xlnuma_cpu *cpu;

            byte &= (uint8_t)(byte - 1);
            if (c >= h->nr_cpus)
                return 0;
            cpu = &h->cpus[c];
            if (cpu->online && cpu->node >= 0)
                touched->map[cpu->node / 8] |=
                    (uint8_t)(1u << (cpu->node % 8));
        }
    }
    return 0;
}

int xlnuma_node_load(xlnuma_ctx *ctx, const xlnuma_host *h,
                     const xlnuma_bitmap *suitable, unsigned *load_r)
{
    unsigned np = h->nr_pools, nn = h->nr_nodes;
    xlnuma_bitmap *allowed = NULL, *touched = NULL;
    signed char *done = NULL;   /* per (map, pool): 0 todo, 1 done */
    int rc;

    if (!h->finished) {
        LOG(ERROR, "host not finished");
        return XLNUMA_ERROR_INVAL;
    }
    memset(load_r, 0, nn * sizeof(*load_r));
    if (!h->nr_hard)
        return 0;
    allowed = calloc(np, sizeof(*allowed));
    touched = calloc((size_t)h->nr_hard * np, sizeof(*touched));
    done = calloc((size_t)h->nr_hard * np, 1);
    if (!allowed || !touched || !done) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    for (unsigned p = 0; p < np; p++) {
        rc = xlnuma_bitmap_and(&allowed[p], suitable, &h->pools[p].cpus);
        if (rc)
            goto out;
    }
    for (unsigned i = 0; i < h->nr_domains; i++) {
        const xlnuma_domain *d = &h->domains[i];
        bool all_nodes = xlnuma_bitmap_is_empty(&d->node_affinity);
        unsigned p;

        for (p = 0; p < np && h->pools[p].id != d->pool; p++)
            ;
        if (p == np)
            continue;           /* finish() rejects this; be safe */
        for (unsigned v = 0; v < d->nr_vcpus; v++) {
            size_t t = (size_t)h->vcpu_hard[h->dom_vcpu0[i] + v] * np + p;
            const xlnuma_bitmap *tn = &touched[t];

            if (!done[t]) {
                rc = touched_nodes(h, h->hard_rep[t / np], &allowed[p],
                                   &touched[t]);
                if (rc)
                    goto out;
                done[t] = 1;
            }
            if (all_nodes) {
                xlnuma_bitmap_for_each(n, tn)
                    load_r[n]++;
            } else {
                xlnuma_bitmap_for_each(n, &d->node_affinity)
                    if (xlnuma_bitmap_test(tn, (unsigned)n))
                        load_r[n]++;
            }
        }
    }
    rc = 0;
 out:
    if (touched)
        for (size_t t = 0; t < (size_t)h->nr_hard * np; t++)
            xlnuma_bitmap_dispose(&touched[t]);
    if (allowed)
        for (unsigned p = 0; p < np; p++)
            xlnuma_bitmap_dispose(&allowed[p]);
    free(touched);
    free(allowed);
    free(done);
    return rc;
}
