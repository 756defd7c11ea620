/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libxl_ops.c: the module's only questions to libxl, asked through a
 * libxl ctx of its own, never the caller's:
 *  - the caller's ctx has no public way to give us its logger, and our
 *    messages must honour XLNUMA_VERBOSE anyway;
 *  - libxl_domain_need_memory() marks the ctx it is called on as a "new
 *    API" caller, which changes how libxl_domain_create_new() defaults
 *    shadow memory for callers of the older need-memory API
 *    (ok_to_default_memkb_in_create, libxl_create.c).  On our own ctx the
 *    caller's create behaves exactly as without the module.
 */
#include <inttypes.h>
#include <stdlib.h>

#include <libxl_utils.h>

#include "preload.h"

static int live_open(xentoollog_logger *lg, libxl_ctx **lctx_r)
{
    libxl_ctx *lctx = NULL;
    int r;

    r = libxl_ctx_alloc(&lctx, LIBXL_VERSION, 0, lg);
    if (r || !lctx) {
        PLOG(lg, ERROR, "cannot open libxl (libxl_ctx_alloc: libxl rc %d)",
             r);
        return XLNUMA_ERROR_BACKEND;
    }
    *lctx_r = lctx;
    return 0;
}

static void live_close(libxl_ctx *lctx)
{
    libxl_ctx_free(lctx);
}

/*
 * libxl_domain_need_memory() on a copy of the config as the caller gave
 * it: the function defaults the config it is given, and the caller's
 * must reach the real create untouched but for our decision.  The
 * defaulted copy also says the vCPUs and the pool (pool_name resolved).
 */
static int live_guest(xentoollog_logger *lg, libxl_ctx *lctx,
                      const libxl_domain_config *dc, preload_guest *g_r)
{
    libxl_domain_config copy;
    uint64_t need = 0;
    int r, rc;

    libxl_domain_config_init(&copy);
    if (!lctx) {
        PLOG(lg, ERROR, "no libxl ctx to compute the memory need with");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    libxl_domain_config_copy(lctx, &copy, dc);
    /* Defaulting turns a lone b_info.cpumap into per-vCPU maps that it
     * allocates in a gc of its own, freed when it returns (libxl 4.17,
     * libxl__domain_build_info_setdefault): disposing of the copy would
     * then free them twice.  The need does not depend on affinity. */
    if (copy.b_info.cpumap.size && !copy.b_info.num_vcpu_hard_affinity) {
        libxl_bitmap_dispose(&copy.b_info.cpumap);
        libxl_bitmap_init(&copy.b_info.cpumap);
    }
    r = libxl_domain_need_memory(lctx, &copy, (uint32_t)INVALID_DOMID,
                                 &need);
    if (r) {
        PLOG(lg, ERROR, "libxl_domain_need_memory failed (libxl rc %d)", r);
        rc = XLNUMA_ERROR_BACKEND;
        goto out;
    }
    g_r->need_kib = need;
    g_r->vcpus = copy.b_info.max_vcpus > 0 ? (unsigned)copy.b_info.max_vcpus
                                           : 1;
    g_r->poolid = copy.c_info.poolid;
    PLOG(lg, DEBUG, "libxl_domain_need_memory: %" PRIu64 " KiB; %u vCPUs, "
         "cpupool %" PRIu32, need, g_r->vcpus, g_r->poolid);
    rc = 0;
 out:
    libxl_domain_config_dispose(&copy);
    return rc;
}

static int live_host(xlnuma_ctx *ctx, libxl_ctx *lctx, xlnuma_host **host_r)
{
    return xlnuma_host_from_libxl(ctx, lctx, host_r);
}

const preload_ops preload_live_ops = {
    .logger = NULL,
    .open = live_open,
    .close = live_close,
    .guest = live_guest,
    .host = live_host,
};
