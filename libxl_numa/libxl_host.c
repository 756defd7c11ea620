/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * libxl_host.c: the only file that asks libxl (and through it libxenctrl)
 * about the live host.  It fetches libxl's arrays and hands them to the
 * pure conversion in libxl_convert.c; what it adds is the I/O, the
 * freeing, and the races a live host has (a domain may vanish between
 * two calls).
 *
 * Xen's maps are wider than the host: libxenctrl copies
 * (max_node_id + 1) / 8 bytes of a node map and (max_cpu_id + 1) / 8 bytes
 * of a cpu map in and out of every libxl_bitmap it is given, whatever the
 * bitmap's size (xc_domain_node_setaffinity, xc_vcpu_setaffinity).  With
 * MAX_NUMNODES = 64 on x86 a 2-node host still needs 8-byte node maps, so
 * every map that reaches libxl is sized from libxl_get_max_nodes() and
 * libxl_get_max_cpus().
 */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "xlnuma_internal.h"
#include "xlnuma_libxl.h"

#if !defined(LIBXL_HAVE_BUILDINFO_VCPU_AFFINITY_ARRAYS) || \
    !defined(LIBXL_HAVE_VNUMA)
#error "libxl without per-vCPU affinity arrays or vNUMA (Xen < 4.6)"
#endif

/* Xen's XEN_INVALID_MAX_VCPU_ID: a domain that has no vCPU yet. */
#define NO_VCPU_YET UINT32_MAX

/* A zeroed map of nr_bits, allocated as libxl frees it (free()). */
static int libxl_map_alloc(libxl_bitmap *b, unsigned nr_bits)
{
    unsigned nb = (nr_bits + 7) / 8;
    uint8_t *map = calloc(nb ? nb : 1, 1);

    if (!map)
        return XLNUMA_ERROR_NOMEM;
    libxl_bitmap_dispose(b);
    b->map = map;
    b->size = nb;
    return 0;
}

/* Widths of Xen's node and cpu maps. */
static int xen_map_widths(xlnuma_ctx *ctx, libxl_ctx *lctx,
                          unsigned *nodes_r, unsigned *cpus_r)
{
    int n, c;

    n = libxl_get_max_nodes(lctx);
    if (n <= 0) {
        LOG(ERROR, "libxl_get_max_nodes failed (libxl rc %d)", n);
        return XLNUMA_ERROR_BACKEND;
    }
    c = libxl_get_max_cpus(lctx);
    if (c <= 0) {
        LOG(ERROR, "libxl_get_max_cpus failed (libxl rc %d)", c);
        return XLNUMA_ERROR_BACKEND;
    }
    *nodes_r = (unsigned)n;
    *cpus_r = (unsigned)c;
    return 0;
}

/* Whether domid exists now: 0 (and its vcpu_max_id), NOTFOUND, or
 * BACKEND (logged). */
static int domain_check(xlnuma_ctx *ctx, libxl_ctx *lctx, uint32_t domid,
                        uint32_t *vcpu_max_id_r)
{
    libxl_dominfo info;
    int r;

    libxl_dominfo_init(&info);
    r = libxl_domain_info(lctx, &info, domid);
    if (vcpu_max_id_r)
        *vcpu_max_id_r = info.vcpu_max_id;
    libxl_dominfo_dispose(&info);
    if (r == ERROR_DOMAIN_NOTFOUND)
        return XLNUMA_ERROR_NOTFOUND;
    if (r) {
        LOG(ERROR, "libxl_domain_info failed for domain %" PRIu32
            " (libxl rc %d)", domid, r);
        return XLNUMA_ERROR_BACKEND;
    }
    return 0;
}

/* ---- the live host ---- */

/* Per-domain data fetched from libxl, parallel to the dominfo list. */
typedef struct {
    libxl_vcpuinfo **vcpus;
    int *nr_vcpus;
    libxl_bitmap *nodeaff;
    char **names;
    int nr;                     /* entries allocated */
} dom_extra;

static void extra_release(dom_extra *x, int k)
{
    libxl_vcpuinfo_list_free(x->vcpus[k], x->nr_vcpus[k]);
    x->vcpus[k] = NULL;
    x->nr_vcpus[k] = 0;
    libxl_bitmap_dispose(&x->nodeaff[k]);
    free(x->names[k]);
    x->names[k] = NULL;
}

static void extra_dispose(dom_extra *x)
{
    for (int k = 0; k < x->nr; k++)
        extra_release(x, k);
    free(x->vcpus);
    free(x->nr_vcpus);
    free(x->nodeaff);
    free(x->names);
    memset(x, 0, sizeof(*x));
}

static int extra_alloc(dom_extra *x, int nr)
{
    size_t n = nr ? (size_t)nr : 1;

    x->vcpus = calloc(n, sizeof(*x->vcpus));
    x->nr_vcpus = calloc(n, sizeof(*x->nr_vcpus));
    x->nodeaff = calloc(n, sizeof(*x->nodeaff));
    x->names = calloc(n, sizeof(*x->names));
    if (!x->vcpus || !x->nr_vcpus || !x->nodeaff || !x->names)
        return XLNUMA_ERROR_NOMEM;
    x->nr = nr;
    for (int k = 0; k < nr; k++)
        libxl_bitmap_init(&x->nodeaff[k]);
    return 0;
}

/*
 * Fetches domain di's vCPUs, node affinity and name into slot k.
 * NOTFOUND (not logged) when the domain went away meanwhile.
 */
static int fetch_domain(xlnuma_ctx *ctx, libxl_ctx *lctx,
                        const libxl_dominfo *di, unsigned max_nodes,
                        dom_extra *x, int k)
{
    uint32_t domid = di->domid, max_id;
    int nr_cpus_out, rc;

    x->vcpus[k] = libxl_list_vcpu(lctx, domid, &x->nr_vcpus[k],
                                  &nr_cpus_out);
    if (!x->vcpus[k]) {
        x->nr_vcpus[k] = 0;
        /* libxl_list_vcpu fails, silently, for a domain with no vCPU
         * yet, and with an error for one that vanished. */
        rc = domain_check(ctx, lctx, domid, &max_id);
        if (rc)
            return rc;      /* NOTFOUND: gone */
        if (max_id != NO_VCPU_YET) {
            LOG(ERROR, "libxl_list_vcpu failed for domain %" PRIu32
                " (%" PRIu32 " vCPUs)", domid, max_id + 1);
            return XLNUMA_ERROR_BACKEND;
        }
    }
    rc = libxl_map_alloc(&x->nodeaff[k], max_nodes);
    if (rc)
        return rc;
    if (libxl_domain_get_nodeaffinity(lctx, domid, &x->nodeaff[k])) {
        rc = domain_check(ctx, lctx, domid, NULL);
        if (rc)
            return rc;
        LOG(ERROR, "libxl_domain_get_nodeaffinity failed for domain %"
            PRIu32, domid);
        return XLNUMA_ERROR_BACKEND;
    }
    /* NULL (no name in xenstore, e.g. a dying domain) is allowed. */
    x->names[k] = libxl_domid_to_name(lctx, domid);
    return 0;
}

int xlnuma_host_from_libxl(xlnuma_ctx *ctx, libxl_ctx *lctx,
                           xlnuma_host **host_r)
{
    libxl_numainfo *ninfo = NULL;
    libxl_cputopology *tinfo = NULL;
    libxl_cpupoolinfo *pools = NULL;
    libxl_dominfo *doms = NULL;
    int nr_nodes = 0, nr_cpus = 0, nr_pools = 0, nr_doms = 0, kept = 0;
    unsigned max_nodes, max_cpus;
    dom_extra x;
    xlnuma_libxl_arrays a;
    int rc;

    memset(&x, 0, sizeof(x));
    if (!lctx || !host_r) {
        LOG(ERROR, "xlnuma_host_from_libxl: %s is NULL",
            lctx ? "host_r" : "the libxl ctx");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    ninfo = libxl_get_numainfo(lctx, &nr_nodes);
    if (!ninfo) {
        LOG(ERROR, "libxl_get_numainfo failed");
        rc = XLNUMA_ERROR_BACKEND;
        goto out;
    }
    tinfo = libxl_get_cpu_topology(lctx, &nr_cpus);
    if (!tinfo) {
        LOG(ERROR, "libxl_get_cpu_topology failed");
        rc = XLNUMA_ERROR_BACKEND;
        goto out;
    }
    pools = libxl_list_cpupool(lctx, &nr_pools);
    if (!pools) {
        LOG(ERROR, "libxl_list_cpupool failed");
        rc = XLNUMA_ERROR_BACKEND;
        goto out;
    }
    rc = xen_map_widths(ctx, lctx, &max_nodes, &max_cpus);
    if (rc)
        goto out;
    doms = libxl_list_domain(lctx, &nr_doms);
    if (!doms) {
        LOG(ERROR, "libxl_list_domain failed");
        rc = XLNUMA_ERROR_BACKEND;
        goto out;
    }
    rc = extra_alloc(&x, nr_doms);
    if (rc)
        goto out;
    /* Domains that vanish meanwhile are dropped; the others are packed
     * into the first `kept' entries of doms and of x. */
    for (int i = 0; i < nr_doms; i++) {
        rc = fetch_domain(ctx, lctx, &doms[i], max_nodes, &x, kept);
        if (rc == XLNUMA_ERROR_NOTFOUND) {
            LOG(DETAIL, "domain %" PRIu32 " went away while the host was "
                "read; it is left out", doms[i].domid);
            extra_release(&x, kept);
            libxl_dominfo_dispose(&doms[i]);
            libxl_dominfo_init(&doms[i]);
            continue;
        }
        if (rc)
            goto out;
        if (kept != i) {
            doms[kept] = doms[i];
            libxl_dominfo_init(&doms[i]);
        }
        kept++;
    }
    memset(&a, 0, sizeof(a));
    a.ninfo = ninfo;
    a.nr_nodes = nr_nodes;
    a.tinfo = tinfo;
    a.nr_cpus = nr_cpus;
    a.pools = pools;
    a.nr_pools = nr_pools;
    a.doms = doms;
    a.nr_doms = kept;
    a.vcpus = x.vcpus;
    a.nr_vcpus = x.nr_vcpus;
    a.nodeaffinity = x.nodeaff;
    a.names = x.names;
    rc = xlnuma_host_from_libxl_arrays(ctx, &a, host_r);
 out:
    extra_dispose(&x);
    libxl_dominfo_list_free(doms, nr_doms);
    libxl_cpupoolinfo_list_free(pools, nr_pools);
    libxl_cputopology_list_free(tinfo, nr_cpus);
    libxl_numainfo_list_free(ninfo, nr_nodes);
    return rc;
}

/* ---- Xen's own view of memory, through its console ---- */

/* libxl_xen_console_read_line hands out its whole buffer, 16 KiB
 * (libxl_console.c), NUL-terminated only when not full. */
#define CONSOLE_CHUNK 16384u
#define CONSOLE_LIMIT (64u << 20)

/* The text of Xen's console ring, as `xl dmesg' prints it (not
 * cleared). */
static int read_console_ring(xlnuma_ctx *ctx, libxl_ctx *lctx,
                             char **text_r)
{
    libxl_xen_console_reader *cr;
    char *text = NULL, *line;
    size_t len = 0, cap = 0;
    int r, rc;

    cr = libxl_xen_console_read_start(lctx, 0);
    if (!cr) {
        LOG(ERROR, "libxl_xen_console_read_start failed");
        return XLNUMA_ERROR_BACKEND;
    }
    while ((r = libxl_xen_console_read_line(lctx, cr, &line)) > 0) {
        size_t l = strnlen(line, CONSOLE_CHUNK);

        if (len + l + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 4 * CONSOLE_CHUNK;
            char *n;

            while (ncap < len + l + 1)
                ncap *= 2;
            if (ncap > CONSOLE_LIMIT) {
                LOG(ERROR, "Xen's console ring holds more than %u MiB",
                    CONSOLE_LIMIT >> 20);
                rc = XLNUMA_ERROR_RANGE;
                goto out;
            }
            n = realloc(text, ncap);
            if (!n) {
                rc = XLNUMA_ERROR_NOMEM;
                goto out;
            }
            text = n;
            cap = ncap;
        }
        memcpy(text + len, line, l);
        len += l;
    }
    if (r < 0) {
        LOG(ERROR, "libxl_xen_console_read_line failed (libxl rc %d)", r);
        rc = XLNUMA_ERROR_BACKEND;
        goto out;
    }
    if (!text) {
        text = strdup("");
        if (!text) {
            rc = XLNUMA_ERROR_NOMEM;
            goto out;
        }
    }
    text[len] = '\0';
    *text_r = text;
    text = NULL;
    rc = 0;
 out:
    free(text);
    libxl_xen_console_read_finish(lctx, cr);
    return rc;
}

int xlnuma_host_read_xen_heap(xlnuma_ctx *ctx, libxl_ctx *lctx,
                              const xlnuma_host *h, xlnuma_host **host_r)
{
    const libxl_version_info *vi;
    xlnuma_host *c = NULL;
    char keys[] = "uH";
    char *ring = NULL;
    int r, rc;

    if (!lctx || !h || !host_r) {
        LOG(ERROR, "xlnuma_host_read_xen_heap: %s is NULL",
            !lctx ? "the libxl ctx" : !h ? "the host" : "host_r");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    /* Both handlers print before the hypercall returns. */
    r = libxl_send_debug_keys(lctx, keys);
    if (r) {
        LOG(ERROR, "libxl_send_debug_keys(\"%s\") failed (libxl rc %d)",
            keys, r);
        rc = XLNUMA_ERROR_BACKEND;
        goto out;
    }
    rc = read_console_ring(ctx, lctx, &ring);
    if (rc)
        goto out;
    /* NULL: the width then comes from the boot line or Xen's rule. */
    vi = libxl_get_version_info(lctx);
    rc = xlnuma_host_dup(ctx, h, &c);
    if (rc)
        goto out;
    rc = xlnuma__host_add_xen_console(ctx, c, ring,
                                      vi ? vi->commandline : NULL);
    if (rc)
        goto out;
    rc = xlnuma_host_finish(ctx, c);
    if (rc)
        goto out;
    *host_r = c;
    c = NULL;
 out:
    xlnuma_host_free(c);
    free(ring);
    return rc;
}

/* ---- enacting a decision ---- */

/* A libxl copy of src, nr_bits wide (src must fit). */
static int wide_copy(const xlnuma_bitmap *src, unsigned nr_bits,
                     libxl_bitmap *dst)
{
    xlnuma_bitmap w;
    int rc;

    xlnuma_bitmap_init(&w);
    rc = xlnuma_bitmap_copy(&w, src);
    if (!rc)
        rc = xlnuma_bitmap_resize(&w, nr_bits);
    if (!rc)
        rc = xlnuma_bitmap_to_libxl(NULL, &w, dst);
    xlnuma_bitmap_dispose(&w);
    return rc;
}

static void affinity_array_free(libxl_bitmap *a, int n)
{
    if (!a)
        return;
    for (int i = 0; i < n; i++)
        libxl_bitmap_dispose(&a[i]);
    free(a);
}

/* n copies of cpus, nr_bits wide each. */
static int affinity_array(const xlnuma_bitmap *cpus, unsigned nr_bits, int n,
                          libxl_bitmap **a_r)
{
    libxl_bitmap *a = calloc((size_t)n, sizeof(*a));
    int rc = 0;

    if (!a)
        return XLNUMA_ERROR_NOMEM;
    for (int i = 0; i < n; i++)
        libxl_bitmap_init(&a[i]);
    for (int i = 0; i < n && !rc; i++)
        rc = wide_copy(cpus, nr_bits, &a[i]);
    if (rc) {
        affinity_array_free(a, n);
        return rc;
    }
    *a_r = a;
    return 0;
}

/* The decision must name nodes and online cpus of h. */
static int check_decision(xlnuma_ctx *ctx, const xlnuma_host *h,
                          const xlnuma_result *res)
{
    int last = -1;

    if (xlnuma_bitmap_is_empty(&res->best.nodes) ||
        xlnuma_bitmap_is_empty(&res->cpus)) {
        LOG(ERROR, "the placement result has no %s",
            xlnuma_bitmap_is_empty(&res->best.nodes) ? "node" : "cpu");
        return XLNUMA_ERROR_INVAL;
    }
    xlnuma_bitmap_for_each(n, &res->best.nodes)
        last = n;
    if (last >= (int)xlnuma_host_nr_nodes(h)) {
        LOG(ERROR, "the placement chose node %d, but the host has %u nodes",
            last, xlnuma_host_nr_nodes(h));
        return XLNUMA_ERROR_INVAL;
    }
    xlnuma_bitmap_for_each(c, &res->cpus) {
        const xlnuma_cpu *cpu = xlnuma_host_cpu(h, (unsigned)c);

        if (!cpu || !cpu->online) {
            LOG(ERROR, "the placement chose cpu %d, which the host does not "
                "have online", c);
            return XLNUMA_ERROR_INVAL;
        }
    }
    return 0;
}

/*
 * As libxl__build_pre (libxl_dom.c, 4.17) enacts its own placement: the
 * node map becomes the domain's node affinity and every vCPU gets the
 * chosen cpus as soft affinity; numa_placement is then turned off so
 * libxl neither re-places the domain nor warns that it cannot.  PIN mode
 * adds the same hard affinity per vCPU, which libxl prefers to b_info's
 * single cpumap.  Lives here rather than in libxl_convert.c because the
 * maps must be as wide as Xen's (see the top of this file): with lctx
 * NULL they are only as wide as h, which suits tests and dry runs but
 * not a build info handed to libxl.
 */
int xlnuma_apply_to_build_info(xlnuma_ctx *ctx, libxl_ctx *lctx,
                               const xlnuma_host *h,
                               const xlnuma_result *res, xlnuma_mode mode,
                               libxl_domain_build_info *b_info)
{
    libxl_bitmap nodemap;
    libxl_bitmap *soft = NULL, *hard = NULL;
    unsigned node_bits, cpu_bits, xen_nodes, xen_cpus;
    char *nodes_s = NULL, *cpus_s = NULL;
    int n = 0, rc;

    libxl_bitmap_init(&nodemap);
    if (!h || !res || !b_info) {
        LOG(ERROR, "xlnuma_apply_to_build_info: %s is NULL",
            !h ? "the host" : !res ? "the result" : "the build info");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    if (res->outcome != XLNUMA_PLACED) {
        LOG(ERROR, "no placement to apply: the outcome is %s",
            xlnuma_outcome_name(res->outcome));
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    if (mode != XLNUMA_MODE_AFFINITY && mode != XLNUMA_MODE_PIN) {
        LOG(ERROR, "unknown placement mode %d", (int)mode);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    /* 0 is libxl's "not set": it defaults to 1 vCPU. */
    n = b_info->max_vcpus ? b_info->max_vcpus : 1;
    if (n < 0 || n > (int)XLNUMA_MAX_VCPUS) {
        LOG(ERROR, "the build info has max_vcpus %d (expected 1..%u)",
            b_info->max_vcpus, XLNUMA_MAX_VCPUS);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    /* A vNUMA guest is placed by its vnodes' pnode= settings, and its
     * soft affinities come from them (set_vnuma_affinity in libxl_dom.c):
     * a single decision for the whole guest would silently undo that. */
    if (b_info->num_vnuma_nodes) {
        LOG(ERROR, "the build info has %d vNUMA nodes, placed by their "
            "pnode= settings; not applying a placement over them",
            b_info->num_vnuma_nodes);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    rc = check_decision(ctx, h, res);
    if (rc)
        goto out;
    node_bits = xlnuma_host_nr_nodes(h);
    cpu_bits = xlnuma_host_nr_cpus(h);
    if (lctx) {
        rc = xen_map_widths(ctx, lctx, &xen_nodes, &xen_cpus);
        if (rc)
            goto out;
        if (xen_nodes > node_bits)
            node_bits = xen_nodes;
        if (xen_cpus > cpu_bits)
            cpu_bits = xen_cpus;
    }
    rc = wide_copy(&res->best.nodes, node_bits, &nodemap);
    if (rc)
        goto out;
    rc = affinity_array(&res->cpus, cpu_bits, n, &soft);
    if (rc)
        goto out;
    if (mode == XLNUMA_MODE_PIN) {
        rc = affinity_array(&res->cpus, cpu_bits, n, &hard);
        if (rc)
            goto out;
    }

    /* Nothing can fail from here on: b_info changes all at once. */
    libxl_bitmap_dispose(&b_info->nodemap);
    b_info->nodemap = nodemap;
    libxl_bitmap_init(&nodemap);
    affinity_array_free(b_info->vcpu_soft_affinity,
                        b_info->num_vcpu_soft_affinity);
    b_info->vcpu_soft_affinity = soft;
    b_info->num_vcpu_soft_affinity = n;
    soft = NULL;
    if (hard) {
        affinity_array_free(b_info->vcpu_hard_affinity,
                            b_info->num_vcpu_hard_affinity);
        b_info->vcpu_hard_affinity = hard;
        b_info->num_vcpu_hard_affinity = n;
        hard = NULL;
    }
    libxl_defbool_set(&b_info->numa_placement, false);

    nodes_s = xlnuma_bitmap_format(&res->best.nodes);
    cpus_s = xlnuma_bitmap_format(&res->cpus);
    LOG(DETAIL, "build info: node affinity %s, %s affinity %s for %d "
        "vCPU(s), libxl placement off", nodes_s ? nodes_s : "?",
        mode == XLNUMA_MODE_PIN ? "hard and soft" : "soft",
        cpus_s ? cpus_s : "?", n);
    rc = 0;
 out:
    free(nodes_s);
    free(cpus_s);
    affinity_array_free(soft, n);
    affinity_array_free(hard, n);
    libxl_bitmap_dispose(&nodemap);
    return rc;
}

/* ---- helpers for the CLI ---- */

/* Replaces *dst with src as an xlnuma map. */
static int map_out(xlnuma_ctx *ctx, const libxl_bitmap *src,
                   xlnuma_bitmap *dst, uint32_t domid, const char *what)
{
    int rc = xlnuma_bitmap_from_libxl(src, dst);

    if (rc && rc != XLNUMA_ERROR_NOMEM)
        LOG(ERROR, "domain %" PRIu32 ": libxl returned a %s map of %"
            PRIu32 " bytes that cannot be converted", domid, what,
            src->size);
    return rc;
}

int xlnuma_libxl_domain_affinity(xlnuma_ctx *ctx, libxl_ctx *lctx,
                                 uint32_t domid, xlnuma_bitmap *nodeaff_r,
                                 xlnuma_bitmap *hard_r, xlnuma_bitmap *soft_r)
{
    libxl_bitmap nodemap;
    libxl_vcpuinfo *vcpus = NULL;
    xlnuma_bitmap one, hard, soft;
    unsigned max_nodes, max_cpus;
    uint32_t max_id;
    int nr_vcpus = 0, nr_cpus_out, rc;

    libxl_bitmap_init(&nodemap);
    xlnuma_bitmap_init(&one);
    xlnuma_bitmap_init(&hard);
    xlnuma_bitmap_init(&soft);
    if (!lctx) {
        LOG(ERROR, "xlnuma_libxl_domain_affinity: the libxl ctx is NULL");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    /* First, as libxl_list_vcpu would report the next domain's vCPUs
     * for a domid that does not exist. */
    rc = domain_check(ctx, lctx, domid, &max_id);
    if (rc == XLNUMA_ERROR_NOTFOUND)
        LOG(ERROR, "domain %" PRIu32 " does not exist", domid);
    if (rc)
        goto out;
    rc = xen_map_widths(ctx, lctx, &max_nodes, &max_cpus);
    if (rc)
        goto out;
    if (nodeaff_r) {
        rc = libxl_map_alloc(&nodemap, max_nodes);
        if (rc)
            goto out;
        if (libxl_domain_get_nodeaffinity(lctx, domid, &nodemap)) {
            LOG(ERROR, "libxl_domain_get_nodeaffinity failed for domain %"
                PRIu32, domid);
            rc = XLNUMA_ERROR_BACKEND;
            goto out;
        }
    }
    if ((hard_r || soft_r) && max_id != NO_VCPU_YET) {
        vcpus = libxl_list_vcpu(lctx, domid, &nr_vcpus, &nr_cpus_out);
        if (!vcpus) {
            nr_vcpus = 0;
            LOG(ERROR, "libxl_list_vcpu failed for domain %" PRIu32, domid);
            rc = XLNUMA_ERROR_BACKEND;
            goto out;
        }
    }
    for (int v = 0; v < nr_vcpus; v++) {
        rc = map_out(ctx, &vcpus[v].cpumap, &one, domid, "hard affinity");
        if (!rc)
            rc = xlnuma_bitmap_or(&hard, &one);
        if (!rc)
            rc = map_out(ctx, &vcpus[v].cpumap_soft, &one, domid,
                         "soft affinity");
        if (!rc)
            rc = xlnuma_bitmap_or(&soft, &one);
        if (rc)
            goto out;
    }
    /* Every conversion is done: the out-params change together. */
    if (nodeaff_r) {
        rc = map_out(ctx, &nodemap, &one, domid, "node affinity");
        if (rc)
            goto out;
        xlnuma_bitmap_dispose(nodeaff_r);
        *nodeaff_r = one;
        xlnuma_bitmap_init(&one);
    }
    if (hard_r) {
        xlnuma_bitmap_dispose(hard_r);
        *hard_r = hard;
        xlnuma_bitmap_init(&hard);
    }
    if (soft_r) {
        xlnuma_bitmap_dispose(soft_r);
        *soft_r = soft;
        xlnuma_bitmap_init(&soft);
    }
    rc = 0;
 out:
    libxl_vcpuinfo_list_free(vcpus, nr_vcpus);
    libxl_bitmap_dispose(&nodemap);
    xlnuma_bitmap_dispose(&one);
    xlnuma_bitmap_dispose(&hard);
    xlnuma_bitmap_dispose(&soft);
    return rc;
}

int xlnuma_libxl_domid_by_name(xlnuma_ctx *ctx, libxl_ctx *lctx,
                               const char *name, uint32_t *domid_r)
{
    libxl_dominfo *doms = NULL;
    int nr_doms = 0, rc;

    if (!lctx || !name || !domid_r) {
        LOG(ERROR, "xlnuma_libxl_domid_by_name: %s is NULL",
            !lctx ? "the libxl ctx" : !name ? "the name" : "domid_r");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    doms = libxl_list_domain(lctx, &nr_doms);
    if (!doms) {
        LOG(ERROR, "libxl_list_domain failed");
        rc = XLNUMA_ERROR_BACKEND;
        goto out;
    }
    rc = XLNUMA_ERROR_NOTFOUND;
    for (int i = 0; i < nr_doms && rc; i++) {
        char *nm = libxl_domid_to_name(lctx, doms[i].domid);

        if (nm && !strcmp(nm, name)) {
            *domid_r = doms[i].domid;
            rc = 0;
        }
        free(nm);
    }
    if (rc)
        LOG(ERROR, "no domain is named \"%s\"", name);
 out:
    libxl_dominfo_list_free(doms, nr_doms);
    return rc;
}

/* ---- rebalancing a running domain ---- */

int xlnuma_libxl_set_soft_affinity(xlnuma_ctx *ctx, libxl_ctx *lctx,
                                   uint32_t domid, const xlnuma_bitmap *cpus)
{
    libxl_bitmap map;
    unsigned max_nodes, max_cpus;
    uint32_t max_id;
    int last = -1, r, rc;

    libxl_bitmap_init(&map);
    if (!lctx || !cpus || xlnuma_bitmap_is_empty(cpus)) {
        LOG(ERROR, "xlnuma_libxl_set_soft_affinity: %s",
            !lctx ? "the libxl ctx is NULL" : "the soft affinity is empty");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    rc = domain_check(ctx, lctx, domid, &max_id);
    if (rc == XLNUMA_ERROR_NOTFOUND)
        LOG(ERROR, "domain %" PRIu32 " does not exist", domid);
    if (rc)
        goto out;
    if (max_id == NO_VCPU_YET) {
        LOG(ERROR, "domain %" PRIu32 " has no vCPU", domid);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    rc = xen_map_widths(ctx, lctx, &max_nodes, &max_cpus);
    if (rc)
        goto out;
    xlnuma_bitmap_for_each(c, cpus)
        last = c;
    if ((unsigned)last >= max_cpus) {
        LOG(ERROR, "pCPU %d is beyond Xen's %u", last, max_cpus);
        rc = XLNUMA_ERROR_RANGE;
        goto out;
    }
    rc = wide_copy(cpus, max_cpus, &map);
    if (rc)
        goto out;
    for (uint32_t v = 0; v <= max_id; v++) {
        r = libxl_set_vcpuaffinity(lctx, domid, v, NULL, &map);
        if (r) {
            LOG(ERROR, "libxl_set_vcpuaffinity failed for domain %" PRIu32
                " vCPU %" PRIu32 " (libxl rc %d)", domid, v, r);
            rc = XLNUMA_ERROR_BACKEND;
            goto out;
        }
    }
    rc = 0;
 out:
    libxl_bitmap_dispose(&map);
    return rc;
}
