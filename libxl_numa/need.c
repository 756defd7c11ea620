/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * need.c: the free memory libxl 4.17 requires before it creates a guest.
 *
 * Facts (read from xen.git, RELEASE-4.17, and measured against the real
 * libxl_domain_need_memory in a Xen 4.17 dom0):
 *  - tools/libs/light/libxl_mem.c, libxl__domain_need_memory_calculate:
 *    need = target + shadow + iommu, plus LIBXL_PV_EXTRA_MEMORY (1 MiB)
 *    for PV or LIBXL_HVM_EXTRA_MEMORY (2 MiB) for PVH/HVM, plus the stub
 *    domain's memory and the video memory when a stub domain is used;
 *    then rounded up to a multiple of 2 MiB.
 *  - libxl_create.c, the build-info defaults: shadow defaults to
 *    libxl__get_required_paging_memory(maxmem, max_vcpus), i.e.
 *    4 KiB * (256 * vcpus + k * maxmem_MiB), k = 2 for HVM without HAP,
 *    else 1.  It runs before max_vcpus gets its default, so the vCPU term
 *    uses maxvcpus=, else vcpus=, else 0.
 *  - Video memory defaults (libxl_create.c): qemu-xen-traditional 4 MiB
 *    (cirrus) or 8 MiB (stdvga); qemu-xen 8 MiB (cirrus) or 16 MiB
 *    (stdvga).  Stub domain memory: 28 MiB (traditional), 128 MiB
 *    (qemu-xen, stubdomain_memory=).
 *  - iommu_memkb is 0 unless PCI passthrough sizes it; we do not model
 *    passthrough.
 * Unlike libxl, a config with neither memory= nor maxmem= is refused:
 * libxl computes an absurd need (~2^56 KiB) from the "unset" marker.
 */
#include <inttypes.h>
#include <string.h>

#include "xlnuma_internal.h"

#define MIB_KIB UINT64_C(1024)

void xlnuma_guest_init(xlnuma_guest *g)
{
    memset(g, 0, sizeof(*g));
    g->type = XLNUMA_GUEST_PV;
    g->hap = true;
}

void xlnuma_guest_dispose(xlnuma_guest *g)
{
    if (g)
        xlnuma_guest_init(g);
}

unsigned xlnuma_guest_vcpus(const xlnuma_guest *g)
{
    if (g->maxvcpus)
        return g->maxvcpus;
    return g->vcpus ? g->vcpus : 1;
}

static uint64_t video_default_kib(const xlnuma_guest *g)
{
    if (g->stubdom == XLNUMA_STUBDOM_QEMU_TRAD)
        return (g->stdvga ? 8 : 4) * MIB_KIB;
    return (g->stdvga ? 16 : 8) * MIB_KIB;
}

int xlnuma_need_memory(xlnuma_ctx *ctx, const xlnuma_guest *g,
                       uint64_t *need_kib_r)
{
    uint64_t target, maxmem, shadow, need, paging, v;
    int rc;

    if (!g->memory_kib && !g->maxmem_kib) {
        LOG(ERROR, "the guest has neither memory= nor maxmem=: its need "
            "cannot be known (libxl would compute an absurd one)");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    if (g->memory_kib > XLNUMA_MAX_KIB || g->maxmem_kib > XLNUMA_MAX_KIB ||
        g->shadow_kib > XLNUMA_MAX_KIB || g->videoram_kib > XLNUMA_MAX_KIB ||
        g->stubdom_mem_kib > XLNUMA_MAX_KIB) {
        LOG(ERROR, "memory %" PRIu64 " KiB / maxmem %" PRIu64 " KiB is "
            "absurd (limit %" PRIu64 " KiB)", g->memory_kib, g->maxmem_kib,
            XLNUMA_MAX_KIB);
        rc = XLNUMA_ERROR_RANGE;
        goto out;
    }
    if (g->maxvcpus > XLNUMA_MAX_VCPUS || g->vcpus > XLNUMA_MAX_VCPUS) {
        LOG(ERROR, "%u vCPUs is more than Xen allows (%u)",
            g->maxvcpus > g->vcpus ? g->maxvcpus : g->vcpus,
            XLNUMA_MAX_VCPUS);
        rc = XLNUMA_ERROR_RANGE;
        goto out;
    }
    if (g->memory_kib && g->maxmem_kib && g->memory_kib > g->maxmem_kib) {
        LOG(ERROR, "memory= (%" PRIu64 " MiB) is larger than maxmem= (%"
            PRIu64 " MiB)", g->memory_kib / MIB_KIB, g->maxmem_kib / MIB_KIB);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    target = g->memory_kib ? g->memory_kib : g->maxmem_kib;
    maxmem = g->maxmem_kib ? g->maxmem_kib : g->memory_kib;

    if (g->shadow_given) {
        shadow = g->shadow_kib;
    } else {
        v = g->maxvcpus ? g->maxvcpus : g->vcpus;
        paging = 256 * v +
            (g->type == XLNUMA_GUEST_HVM && !g->hap ? 2 : 1) *
            (maxmem / MIB_KIB);
        shadow = 4 * paging;   /* bounded: maxmem <= 2^50 */
    }

    need = target + shadow;
    switch (g->type) {
    case XLNUMA_GUEST_PV:
        need += 1 * MIB_KIB;
        break;
    case XLNUMA_GUEST_PVH:
    case XLNUMA_GUEST_HVM:
        need += 2 * MIB_KIB;
        if (g->stubdom != XLNUMA_STUBDOM_NONE) {
            uint64_t stub = g->stubdom_mem_kib;
            uint64_t video = g->videoram_kib ? g->videoram_kib
                                             : video_default_kib(g);

            if (!stub)
                stub = (g->stubdom == XLNUMA_STUBDOM_QEMU_TRAD ? 28 : 128)
                       * MIB_KIB;
            need += stub + video;
        }
        break;
    default:
        LOG(ERROR, "unknown guest type %d", (int)g->type);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    if (need % (2 * MIB_KIB))
        need += 2 * MIB_KIB - need % (2 * MIB_KIB);
    *need_kib_r = need;
    rc = 0;
 out:
    return rc;
}
