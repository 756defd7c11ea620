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
        uint8_t byte;

        /* Skip eight empty bytes at once: pinned maps are sparse. */
        while (!(b % 8) && b + 8 <= (n + 7) / 8 &&
               !(xlnuma__load64(map->map + b) &
                 xlnuma__load64(allowed->map + b)))
            b += 8;
        if (b >= (n + 7) / 8)
            break;
        byte = map->map[b] & allowed->map[b];

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

/* Is node n in the ascending list l[0..len)? */
static bool in_list(const unsigned *l, unsigned len, unsigned n)
{
    unsigned lo = 0, hi = len;

    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;

        if (l[mid] == n)
            return true;
        if (l[mid] < n)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

int xlnuma_node_load(xlnuma_ctx *ctx, const xlnuma_host *h,
                     const xlnuma_bitmap *suitable, unsigned *load_r)
{
    unsigned np = h->nr_pools, nn = h->nr_nodes;
    xlnuma_bitmap *allowed = NULL, *touched = NULL;
    signed char *done = NULL;   /* per (map, pool): 0 todo, 1 done */
    bool *whole = NULL;         /* per pool: allowed is every online cpu */
    int rc;

    if (!h->finished) {
        LOG(ERROR, "host not finished");
        return XLNUMA_ERROR_INVAL;
    }
    memset(load_r, 0, nn * sizeof(*load_r));
    if (!h->nr_hard)
        return 0;
    allowed = calloc(np, sizeof(*allowed));
    whole = calloc(np, sizeof(*whole));
    touched = calloc((size_t)h->nr_hard * np, sizeof(*touched));
    done = calloc((size_t)h->nr_hard * np, 1);
    if (!allowed || !whole || !touched || !done) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    for (unsigned p = 0; p < np; p++) {
        rc = xlnuma_bitmap_and(&allowed[p], suitable, &h->pools[p].cpus);
        if (rc)
            goto out;
        /* Then a hard affinity reaches exactly the nodes of its online
         * cpus, listed by finish(). */
        whole[p] = xlnuma_bitmap_count(&allowed[p]) == xlnuma__nr_online(h);
    }
    for (unsigned i = 0; i < h->nr_domains; i++) {
        unsigned p = h->dom_pool[i];
        const unsigned *aff = h->dom_aff + h->dom_aff0[i];
        unsigned naff = h->dom_aff0[i + 1] - h->dom_aff0[i];

        if (p >= np)
            continue;           /* finish() rejects this; be safe */
        for (unsigned r = h->dom_run0[i]; r < h->dom_run0[i + 1]; r++) {
            unsigned id = h->run_hard[r], run = h->run_len[r];
            size_t t = (size_t)id * np + p;
            const xlnuma_bitmap *tn = &touched[t];

            if (whole[p]) {
                const unsigned *l = h->hard_node + h->hard_node0[id];
                unsigned len = h->hard_node0[id + 1] - h->hard_node0[id];

                if (!naff) {
                    for (unsigned j = 0; j < len; j++)
                        load_r[l[j]] += run;
                } else {
                    for (unsigned j = 0; j < naff; j++)
                        if (len == nn || in_list(l, len, aff[j]))
                            load_r[aff[j]] += run;
                }
                continue;
            }
            if (!done[t]) {
                rc = touched_nodes(h, h->hard_rep[id], &allowed[p],
                                   &touched[t]);
                if (rc)
                    goto out;
                done[t] = 1;
            }
            if (!naff) {
                xlnuma_bitmap_for_each(n, tn)
                    load_r[n] += run;
            } else {
                for (unsigned j = 0; j < naff; j++)
                    if (xlnuma_bitmap_test(tn, aff[j]))
                        load_r[aff[j]] += run;
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
    free(whole);
    free(done);
    return rc;
}
