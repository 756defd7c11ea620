/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * vnuma.c: a guest placed on several nodes, shown to the guest as that
 * many virtual NUMA nodes -- xl's vnuma= (tools/xl/xl_parse.c,
 * parse_vnuma_config; xl.cfg(5) "vnuma") with one vnode per chosen node:
 *
 *   vnuma = [ [ "pnode=0", "size=1024", "vcpus=0-1", "vdistances=10,21" ],
 *             [ "pnode=1", "size=1024", "vcpus=2-3", "vdistances=21,10" ] ]
 *
 * Every key is mandatory.  The sizes add up to maxmem= (xl checks it,
 * and uses the sum as maxmem= when it is not given); the vCPUs to
 * maxvcpus=, each vCPU in exactly one vnode (libxl checks it); a vnode's
 * vdistances= has one entry per vnode and its own is the smallest.
 *
 * xl parses vnuma= for every guest type, but only an HVM guest can be
 * built with it: libxl (4.6 to 4.17) refuses it for PV guests ("PV vNUMA
 * is not yet supported", libxl_create.c), and fails to build a PVH one --
 * its ACPI builder (libxl_x86_acpi.c, init_acpi_config) asks
 * xc_domain_getvnuma for the sizes with empty buffers and takes Xen's
 * ENOBUFS answer for a failure ("xc_domain_getvnuma failed", seen in the
 * Xen lab, tests/xenlab/scenarios/30-vnuma.sh).  Nor with
 * populate-on-demand, an HVM guest whose memory= is less than maxmem=.
 * A pnode= turns libxl's placement off, and each vnode's memory comes
 * from its node only.
 *
 * What is emitted alongside: libxl gives each vCPU the soft affinity of
 * its vnode's node when no cpus_soft= is given, and warns when a vCPU's
 * affinity spans other nodes than its vnode's.  We give that per-vCPU
 * soft affinity ourselves, as a cpus_soft= list (and, in pin mode, the
 * same as a cpus= list): it keeps a pool's or cpus= mask's narrowing
 * that a whole node would not, matches libxl's check, and is what
 * xl-numa create verifies.  Every override is printed from numbers.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

/* A growing string; on OOM buf becomes NULL and stays so. */
typedef struct {
    char *buf;
    size_t len, cap;
    bool failed;
} strbuf;

static void sb_printf(strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sb_printf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (sb->failed)
        return;
    for (;;) {
        size_t room = sb->cap - sb->len;

        va_start(ap, fmt);
        n = vsnprintf(sb->buf ? sb->buf + sb->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            break;
        if ((size_t)n < room) {
            sb->len += (size_t)n;
            return;
        }
        {
            size_t ncap = (sb->cap ? sb->cap * 2 : 256) + (size_t)n;
            char *nbuf = realloc(sb->buf, ncap);

            if (!nbuf)
                break;
            sb->buf = nbuf;
            sb->cap = ncap;
        }
    }
    free(sb->buf);
    sb->buf = NULL;
    sb->failed = true;
}

/* The video memory an HVM guest's vnode 0 must hold (libxl puts it
 * there): videoram=, else the device model's default (need.c's). */
static uint64_t video_mib(const guestcfg *g)
{
    if (g->guest.videoram_kib)
        return kib_to_mib_up(g->guest.videoram_kib);
    if (g->dm_traditional)
        return g->guest.stdvga ? 8 : 4;
    return g->guest.stdvga ? 16 : 8;
}

int vnuma_check_guest(const guestcfg *g)
{
    if (g->nr_vnodes) {
        cli_err("%s: --vnuma: the config gives its own vnuma= (%u vnode%s);"
                " drop one or the other", g->source, g->nr_vnodes,
                g->nr_vnodes == 1 ? "" : "s");
        return XL_NUMA_EXIT_ERROR;
    }
    if (g->guest.type == XLNUMA_GUEST_PV) {
        cli_err("%s: --vnuma: libxl refuses vNUMA for PV guests (\"PV "
                "vNUMA is not yet supported\", see vnuma in xl.cfg(5)); "
                "it is for type=\"hvm\"", g->source);
        return XL_NUMA_EXIT_ERROR;
    }
    if (g->guest.type == XLNUMA_GUEST_PVH) {
        cli_err("%s: --vnuma: libxl cannot build a PVH guest with vNUMA: "
                "its ACPI builder takes Xen's answer to its first "
                "xc_domain_getvnuma call for a failure (\"xc_domain_getvnuma"
                " failed\"); it is for type=\"hvm\"", g->source);
        return XL_NUMA_EXIT_ERROR;
    }
    if (g->guest.memory_kib && g->guest.maxmem_kib &&
        g->guest.memory_kib < g->guest.maxmem_kib) {
        cli_err("%s: --vnuma: memory=%" PRIu64 " is less than maxmem=%"
                PRIu64 ": libxl would use populate-on-demand, which it "
                "cannot combine with vNUMA", g->source,
                g->guest.memory_kib / 1024, g->guest.maxmem_kib / 1024);
        return XL_NUMA_EXIT_ERROR;
    }
    if (g->cpus.is_list) {
        cli_err("%s: --vnuma: cpus= is a per-vCPU list, which the vCPUs' "
                "vnodes could contradict; give one cpus= mask",
                g->source);
        return XL_NUMA_EXIT_ERROR;
    }
    return 0;
}

void vnuma_dispose(decision *d)
{
    for (unsigned v = 0; v < d->nr_vnodes; v++)
        free(d->vnodes[v].vdistances);
    free(d->vnodes);
    d->vnodes = NULL;
    d->nr_vnodes = 0;
}

int vnuma_plan(const xlnuma_host *h, const guestcfg *g, decision *d)
{
    const xlnuma_bitmap *nodes = &d->res.best.nodes;
    unsigned k = xlnuma_bitmap_count(nodes), vcpus = d->req.vcpus, v = 0;
    uint64_t total_mib = (g->guest.maxmem_kib ? g->guest.maxmem_kib
                                              : g->guest.memory_kib) / 1024;
    unsigned next_vcpu = 0;

    vnuma_dispose(d);
    if (vcpus < k) {
        cli_err("%s: --vnuma: the guest's %u vCPU%s cannot give each of "
                "its %u vnodes one (it is placed on %u nodes)", g->source,
                vcpus, vcpus == 1 ? "" : "s", k, k);
        return XL_NUMA_EXIT_ERROR;
    }
    if (total_mib < k) {
        cli_err("%s: --vnuma: %" PRIu64 " MiB cannot give each of %u "
                "vnodes 1 MiB", g->source, total_mib, k);
        return XL_NUMA_EXIT_ERROR;
    }
    if (g->guest.type == XLNUMA_GUEST_HVM &&
        total_mib / k + total_mib % k < video_mib(g)) {
        cli_err("%s: --vnuma: vnode 0 (%" PRIu64 " MiB) must hold the "
                "video memory (%" PRIu64 " MiB)", g->source,
                total_mib / k + total_mib % k, video_mib(g));
        return XL_NUMA_EXIT_ERROR;
    }
    d->vnodes = calloc(k, sizeof(*d->vnodes));
    if (!d->vnodes)
        goto nomem;
    d->nr_vnodes = k;
    xlnuma_bitmap_for_each(n, nodes) {
        const xlnuma_node *node = xlnuma_host_node(h, (unsigned)n);
        vnuma_node *vn = &d->vnodes[v];
        unsigned w = 0;

        vn->pnode = (unsigned)n;
        vn->size_mib = total_mib / k + (v == 0 ? total_mib % k : 0);
        vn->first_vcpu = next_vcpu;
        vn->nr_vcpus = vcpus / k + (v < vcpus % k);
        next_vcpu += vn->nr_vcpus;
        vn->vdistances = calloc(k, sizeof(*vn->vdistances));
        if (!vn->vdistances)
            goto nomem;
        xlnuma_bitmap_for_each(m, nodes)
            vn->vdistances[w++] = node->distance[m];
        v++;
    }
    return 0;
 nomem:
    cli_err("out of memory");
    vnuma_dispose(d);
    return XL_NUMA_EXIT_ERROR;
}

int vnuma_vcpu_cpus(const xlnuma_host *h, const decision *d, unsigned v,
                    xlnuma_bitmap *cpus_r)
{
    for (unsigned i = 0; i < d->nr_vnodes; i++) {
        const vnuma_node *vn = &d->vnodes[i];

        if (v >= vn->first_vcpu && v < vn->first_vcpu + vn->nr_vcpus)
            return xlnuma_bitmap_and(cpus_r,
                                     &xlnuma_host_node(h, vn->pnode)->cpus,
                                     &d->res.cpus) ? XL_NUMA_EXIT_ERROR : 0;
    }
    return XL_NUMA_EXIT_ERROR;      /* every vCPU is in a vnode */
}

/* A vnode's affinity: "nodes:P" when every pCPU of P was chosen, else
 * the chosen pCPUs of P. */
static char *vnode_cpus(const xlnuma_host *h, const decision *d,
                        const vnuma_node *vn)
{
    const xlnuma_node *node = xlnuma_host_node(h, vn->pnode);
    xlnuma_bitmap mine;
    char *s = NULL;

    xlnuma_bitmap_init(&mine);
    if (!xlnuma_bitmap_and(&mine, &node->cpus, &d->res.cpus)) {
        if (xlnuma_bitmap_equal(&mine, &node->cpus)) {
            if (asprintf(&s, "nodes:%u", vn->pnode) < 0)
                s = NULL;
        } else {
            s = format_list(&mine, "");
        }
    }
    xlnuma_bitmap_dispose(&mine);
    return s;
}

/* key=["a","a","b",...]: one entry per vCPU, its vnode's. */
static char *per_vcpu_line(const char *key, char *const *entries,
                           const decision *d)
{
    strbuf sb = { NULL, 0, 0, false };

    sb_printf(&sb, "%s=[", key);
    for (unsigned v = 0; v < d->nr_vnodes; v++)
        for (unsigned c = 0; c < d->vnodes[v].nr_vcpus; c++)
            sb_printf(&sb, "%s\"%s\"",
                      v == 0 && c == 0 ? "" : ",", entries[v]);
    sb_printf(&sb, "]");
    return sb.buf;
}

int vnuma_overrides(const xlnuma_host *h, decision *d)
{
    strbuf sb = { NULL, 0, 0, false };
    char **entries = NULL;
    int ret = XL_NUMA_EXIT_ERROR;

    for (unsigned i = 0; i < d->nr_overrides; i++) {
        free(d->overrides[i]);
        d->overrides[i] = NULL;
    }
    d->nr_overrides = 0;

    sb_printf(&sb, "vnuma=[");
    for (unsigned v = 0; v < d->nr_vnodes; v++) {
        const vnuma_node *vn = &d->vnodes[v];

        sb_printf(&sb, "%s[\"pnode=%u\",\"size=%" PRIu64 "\",", v ? "," : "",
                  vn->pnode, vn->size_mib);
        if (vn->nr_vcpus == 1)
            sb_printf(&sb, "\"vcpus=%u\",", vn->first_vcpu);
        else
            sb_printf(&sb, "\"vcpus=%u-%u\",", vn->first_vcpu,
                      vn->first_vcpu + vn->nr_vcpus - 1);
        sb_printf(&sb, "\"vdistances=");
        for (unsigned w = 0; w < d->nr_vnodes; w++)
            sb_printf(&sb, "%s%u", w ? "," : "", vn->vdistances[w]);
        sb_printf(&sb, "\"]");
    }
    sb_printf(&sb, "]");
    if (!sb.buf)
        goto out;
    d->overrides[d->nr_overrides++] = sb.buf;

    entries = calloc(d->nr_vnodes, sizeof(*entries));
    if (!entries)
        goto out;
    for (unsigned v = 0; v < d->nr_vnodes; v++) {
        entries[v] = vnode_cpus(h, d, &d->vnodes[v]);
        if (!entries[v])
            goto out;
    }
    if (d->pin) {
        d->overrides[d->nr_overrides] = per_vcpu_line("cpus", entries, d);
        if (!d->overrides[d->nr_overrides++])
            goto out;
    }
    d->overrides[d->nr_overrides] = per_vcpu_line("cpus_soft", entries, d);
    if (!d->overrides[d->nr_overrides++])
        goto out;
    ret = 0;
 out:
    if (ret)
        cli_err("out of memory");
    for (unsigned v = 0; entries && v < d->nr_vnodes; v++)
        free(entries[v]);
    free(entries);
    return ret;
}

void print_vnuma_text(FILE *f, const decision *d)
{
    if (!d->vnuma_asked)
        return;
    if (!d->nr_vnodes) {
        fputs("vnuma:      not used: the guest is on one node\n", f);
        return;
    }
    fprintf(f, "vnuma:      %u vnodes, memory and vCPUs split evenly (the "
            "remainder on vnode 0)\n", d->nr_vnodes);
    for (unsigned v = 0; v < d->nr_vnodes; v++) {
        const vnuma_node *vn = &d->vnodes[v];

        fprintf(f, "  vnode %u:  node %u, %" PRIu64 " MiB, vCPU%s %u", v,
                vn->pnode, vn->size_mib, vn->nr_vcpus == 1 ? "" : "s",
                vn->first_vcpu);
        if (vn->nr_vcpus > 1)
            fprintf(f, "-%u", vn->first_vcpu + vn->nr_vcpus - 1);
        fputs(", distances ", f);
        for (unsigned w = 0; w < d->nr_vnodes; w++)
            fprintf(f, "%s%u", w ? "," : "", vn->vdistances[w]);
        fputc('\n', f);
    }
}
