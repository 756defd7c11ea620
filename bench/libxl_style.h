/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libxl_style.h: the baseline of the benchmark -- libxl's candidate
 * search as libxl 4.17 structures it (tools/libs/light/libxl_numa.c),
 * written again from its description: per placement, count the
 * runnable vCPUs of every domain on every node; then, for k = min_nodes
 * upwards, every k-combination of the suitable nodes, with a scan of
 * the nodes for free memory and of every pCPU for the pCPU count, as
 * libxl's nodemap_to_* helpers do.  Unlike libxl, memory is summed in 64
 * bits so that the answers can be compared with the engine's.
 */
#ifndef XLNUMA_BENCH_LIBXL_STYLE_H
#define XLNUMA_BENCH_LIBXL_STYLE_H

#include <stdbool.h>
#include <stdint.h>

/* The arrays libxl gets from libxl_get_numainfo, libxl_get_cpu_topology,
 * libxl_list_domain/libxl_list_vcpu and libxl_domain_get_nodeaffinity. */
typedef struct {
    unsigned nr_nodes;
    uint64_t *free_bytes;           /* per node */
    unsigned nr_cpus;
    unsigned *cpu_node;             /* per cpu */
    uint8_t *suitable;              /* per cpu: in the guest's pool */
    unsigned nr_doms;
    uint8_t **dom_pool_cpus;        /* per domain: its pool's cpus */
    uint8_t **dom_nodeaff;          /* per domain: per node */
    unsigned *dom_nr_vcpus;
    uint8_t ***vcpu_hard;           /* per domain, per vcpu: per cpu */
} ls_host;

/* Fills nodes_r (nr_nodes flags); returns false when nothing fits. */
bool ls_place(const ls_host *h, uint64_t need_kib, unsigned vcpus,
              uint8_t *nodes_r, unsigned long long *combos_r);

#endif
