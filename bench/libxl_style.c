/* SPDX-License-Identifier: LGPL-2.1-only */
/* libxl_style.c: see libxl_style.h. */
#include <stdlib.h>
#include <string.h>

#include "libxl_style.h"

/* libxl's nr_vcpus_on_nodes: once per vCPU per node. */
static void vcpus_on_nodes(const ls_host *h, unsigned *on_node)
{
    uint8_t *counted = malloc(h->nr_nodes);

    memset(on_node, 0, h->nr_nodes * sizeof(*on_node));
    for (unsigned d = 0; d < h->nr_doms; d++)
        for (unsigned v = 0; v < h->dom_nr_vcpus[d]; v++) {
            memset(counted, 0, h->nr_nodes);
            for (unsigned c = 0; c < h->nr_cpus; c++) {
                unsigned n = h->cpu_node[c];

                if (h->vcpu_hard[d][v][c] && h->suitable[c] &&
                    h->dom_pool_cpus[d][c] && h->dom_nodeaff[d][n] &&
                    !counted[n]) {
                    counted[n] = 1;
                    on_node[n]++;
                }
            }
        }
    free(counted);
}

/* libxl's comb_init/comb_next: k-combinations of 0..n-1, in order. */
static bool comb_next(unsigned *comb, unsigned n, unsigned k)
{
    int i;

    for (i = (int)k - 1; i >= 0 && comb[i] == n - k + (unsigned)i; i--)
        ;
    if (i < 0)
        return false;
    comb[i]++;
    for (unsigned j = (unsigned)i + 1; j < k; j++)
        comb[j] = comb[j - 1] + 1;
    return true;
}

bool ls_place(const ls_host *h, uint64_t need_kib, unsigned vcpus,
              uint8_t *nodes_r, unsigned long long *combos_r)
{
    unsigned nn = h->nr_nodes, *on_node, *suit, nr_suit = 0, *comb;
    unsigned *cpn, min_nodes, per = 0;
    uint8_t *nodemap, *suit_node;
    bool found = false;
    unsigned best_vcpus = 0;
    uint64_t best_free = 0;
    unsigned long long combos = 0;

    on_node = calloc(nn, sizeof(*on_node));
    suit = calloc(nn, sizeof(*suit));
    comb = calloc(nn + 1, sizeof(*comb));
    cpn = calloc(nn, sizeof(*cpn));
    nodemap = calloc(nn, 1);
    suit_node = calloc(nn, 1);
    vcpus_on_nodes(h, on_node);
    for (unsigned c = 0; c < h->nr_cpus; c++) {
        cpn[h->cpu_node[c]]++;
        if (h->suitable[c])
            suit_node[h->cpu_node[c]] = 1;
    }
    for (unsigned n = 0; n < nn; n++)
        if (suit_node[n])
            suit[nr_suit++] = n;
    /* count_cpus_per_node */
    per = cpn[0];
    for (unsigned n = 1; n < nn; n++)
        if (cpn[n] != per)
            per = 0;
    min_nodes = per ? (vcpus + per - 1) / per : 1;
    if (!min_nodes)
        min_nodes = 1;
    if (min_nodes > nr_suit)
        min_nodes = nr_suit;
    for (unsigned k = min_nodes; k <= nr_suit && !found; k++) {
        for (unsigned i = 0; i < k; i++)
            comb[i] = i;
        do {
            uint64_t free_kib = 0;
            unsigned ncpus = 0, nv = 0;

            combos++;
            memset(nodemap, 0, nn);
            for (unsigned i = 0; i < k; i++)
                nodemap[suit[comb[i]]] = 1;
            /* nodemap_to_free_memkb */
            for (unsigned n = 0; n < nn; n++)
                if (nodemap[n])
                    free_kib += h->free_bytes[n] / 1024;
            if (free_kib < need_kib)
                continue;
            /* nodemap_to_nr_cpus: a scan of every pCPU */
            for (unsigned c = 0; c < h->nr_cpus; c++)
                if (h->suitable[c] && nodemap[h->cpu_node[c]])
                    ncpus++;
            if (ncpus < vcpus)
                continue;
            /* nodemap_to_nr_vcpus */
            for (unsigned n = 0; n < nn; n++)
                if (nodemap[n])
                    nv += on_node[n];
            /* numa_cmpf, strict: fewer vCPUs, then more free memory */
            if (!found || nv < best_vcpus ||
                (nv == best_vcpus && free_kib > best_free)) {
                found = true;
                best_vcpus = nv;
                best_free = free_kib;
                memcpy(nodes_r, nodemap, nn);
            }
        } while (comb_next(comb, nr_suit, k));
    }
    *combos_r = combos;
    free(on_node);
    free(suit);
    free(comb);
    free(cpn);
    free(nodemap);
    free(suit_node);
    return found;
}
