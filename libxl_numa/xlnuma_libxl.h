/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xlnuma_libxl.h: the libxl adapter, as hwloc/linux-libnuma.h is hwloc's
 * bridge to libnuma.  Only libxl_host.c calls libxl_get_* and libxenctrl;
 * the conversions are pure and unit-tested on structs built in tests.
 */
#ifndef XLNUMA_LIBXL_H
#define XLNUMA_LIBXL_H

#include <libxl.h>

#include "xlnuma.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads the live host through libxl: libxl_get_numainfo,
 * libxl_get_cpu_topology, libxl_list_cpupool, libxl_list_domain,
 * libxl_list_vcpu, libxl_domain_get_nodeaffinity.  BACKEND when a call
 * fails (logged with the call's name). */
int xlnuma_host_from_libxl(xlnuma_ctx *ctx, libxl_ctx *lctx,
                           xlnuma_host **host_r);

/* Xen's own view of memory, read as `xl debug-keys' and `xl dmesg' do:
 * presses the debug keys 'u' and 'H' (libxl_send_debug_keys) and reads
 * Xen's console ring back (libxl_xen_console_read_*, without clearing
 * it), with dma_bits= from Xen's command line (libxl_get_version_info).
 * *host_r is a new, finished copy of h (a host read through libxl) with
 * each node's free memory below Xen's DMA width, the width, and each
 * domain's pages per node (docs/placement.md, "Where the memory lands").
 * The dumps stay in Xen's console, as after `xl debug-keys'.  BACKEND
 * when a libxl call fails; NOTFOUND when the ring does not hold the
 * dumps (a conring_size too small); all logged. */
int xlnuma_host_read_xen_heap(xlnuma_ctx *ctx, libxl_ctx *lctx,
                              const xlnuma_host *h, xlnuma_host **host_r);

/* Pure conversions (no hypervisor access). */
int xlnuma_bitmap_from_libxl(const libxl_bitmap *src, xlnuma_bitmap *dst);
int xlnuma_bitmap_to_libxl(libxl_ctx *lctx, const xlnuma_bitmap *src,
                           libxl_bitmap *dst /* initialised */);

/* Builds the host model from arrays as libxl returns them; used by
 * xlnuma_host_from_libxl and by tests. */
typedef struct {
    libxl_numainfo *ninfo;
    int nr_nodes;
    libxl_cputopology *tinfo;
    int nr_cpus;
    libxl_cpupoolinfo *pools;
    int nr_pools;
    libxl_dominfo *doms;
    int nr_doms;
    /* per domain i: its vCPUs and node affinity */
    libxl_vcpuinfo **vcpus;
    int *nr_vcpus;
    libxl_bitmap *nodeaffinity;
    /* per domain i: its name (libxl_domid_to_name); the array or an
     * entry may be NULL (unknown, e.g. a dying domain) */
    char **names;
} xlnuma_libxl_arrays;

int xlnuma_host_from_libxl_arrays(xlnuma_ctx *ctx,
                                  const xlnuma_libxl_arrays *a,
                                  xlnuma_host **host_r);

/* Writes a decision into a domain's build info, as libxl's own placement
 * would: node map = res->best.nodes; every vCPU's soft affinity = the
 * chosen nodes' pCPUs; in PIN mode the hard affinity as well.  Turns
 * libxl's automatic placement off for the domain. */
int xlnuma_apply_to_build_info(xlnuma_ctx *ctx, libxl_ctx *lctx,
                               const xlnuma_host *h,
                               const xlnuma_result *res, xlnuma_mode mode,
                               libxl_domain_build_info *b_info);

/* Reads a live domain's node affinity and the unions of its vCPUs' hard
 * and soft affinities (what `xl-numa create` verifies).  Each out-param
 * is initialised by the caller, replaced on success, and may be NULL when
 * not wanted.  The node map is as wide as Xen's (MAX_NUMNODES bits), as
 * Xen reports it.  NOTFOUND when the domain does not exist; BACKEND when
 * a libxl call fails. */
int xlnuma_libxl_domain_affinity(xlnuma_ctx *ctx, libxl_ctx *lctx,
                                 uint32_t domid,
                                 xlnuma_bitmap *nodeaff_r /* or NULL */,
                                 xlnuma_bitmap *hard_r /* or NULL */,
                                 xlnuma_bitmap *soft_r /* or NULL */);

/* The id of the live domain called name.  NOTFOUND when none is. */
int xlnuma_libxl_domid_by_name(xlnuma_ctx *ctx, libxl_ctx *lctx,
                               const char *name, uint32_t *domid_r);

/* Sets every vCPU's soft affinity of a live domain to cpus (libxl_set_
 * vcpuaffinity with a soft map only; the hard affinity is left alone):
 * what `xl-numa advise --apply` does.  The map is widened to Xen's
 * (libxl_get_max_cpus).  INVAL for an empty map or a domain without
 * vCPUs; RANGE for a pCPU Xen does not have; NOTFOUND when the domain
 * does not exist; BACKEND when a libxl call fails (logged with the vCPU;
 * the vCPUs before it have the new affinity). */
int xlnuma_libxl_set_soft_affinity(xlnuma_ctx *ctx, libxl_ctx *lctx,
                                   uint32_t domid,
                                   const xlnuma_bitmap *cpus);

#ifdef __cplusplus
}
#endif

#endif /* XLNUMA_LIBXL_H */
