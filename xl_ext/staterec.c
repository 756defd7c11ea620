/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * staterec.c: a JSON state file as a simulated host that persists --
 * xl-numa create records a placed guest there, xl-numa destroy removes
 * one.  The file is changed through a copy of the host (xlnuma_host_dup)
 * saved atomically, so it is either the old host or the new one.
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl_numa.h"

#define PAGE_KIB 4u

/* A writer killed between creating its temporary file and renaming it
 * over the state file (xlnuma_host_save: DIR/.BASE.XXXXXX, mkstemp's six
 * letters or digits) leaves the file behind.  Under the state file's
 * lock no other writer is at work, so every such file is stale: remove
 * it before saving.  Best effort; a failure changes nothing else. */
static void remove_stale_temps(const char *path)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    size_t blen = strlen(base);
    struct dirent *e;
    char *dir;
    DIR *d;

    dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path))
                : strdup(".");
    d = dir ? opendir(dir) : NULL;
    while (d && (e = readdir(d)) != NULL) {
        const char *n = e->d_name, *x = n + 2 + blen;
        struct stat st;
        bool ours = n[0] == '.' && !strncmp(n + 1, base, blen) &&
                    n[1 + blen] == '.' && strlen(x) == 6;

        for (unsigned i = 0; ours && i < 6; i++)
            ours = isalnum((unsigned char)x[i]);
        if (!ours || fstatat(dirfd(d), n, &st, AT_SYMLINK_NOFOLLOW) ||
            !S_ISREG(st.st_mode))
            continue;
        if (!unlinkat(dirfd(d), n, 0) && cli.verbose)
            fprintf(stderr, "xl-numa: removed %s/%s, left by a writer that "
                    "died\n", dir, n);
    }
    if (d)
        closedir(d);
    free(dir);
}

/* The library's split (xlnuma_split_memory), which the simulator shares;
 * here a shortfall is said in the command's words. */
int state_split_pages(const xlnuma_host *h, const xlnuma_request *req,
                      const xlnuma_bitmap *nodes, uint64_t *pages_r)
{
    uint64_t avail = 0;
    int rc;

    rc = xlnuma_split_memory(cli.ctx, h, req, nodes, pages_r, &avail);
    if (rc == XLNUMA_ERROR_NOFIT) {
        cli_err("the chosen nodes can give %" PRIu64 " pages, the guest "
                "needs %" PRIu64, avail,
                req->need_kib / PAGE_KIB + (req->need_kib % PAGE_KIB != 0));
        return XL_NUMA_EXIT_ERROR;
    }
    if (rc) {
        cli_err("cannot split the guest's memory (%s)", xlnuma_strerror(rc));
        return XL_NUMA_EXIT_ERROR;
    }
    return 0;
}

static uint32_t next_domid(const xlnuma_host *h)
{
    uint32_t id = 0;

    for (unsigned i = 0; i < xlnuma_host_nr_domains(h); i++)
        if (xlnuma_host_domain(h, i)->domid > id)
            id = xlnuma_host_domain(h, i)->domid;
    return id + 1;
}

/* The guest as a domain of the host: its vCPUs carry the decided
 * affinities (hard: pin mode's, else the cpus= mask it was placed
 * within, else every pCPU), its node affinity is the chosen nodes. */
static int build_domain(const xlnuma_host *h, const decision *d,
                        const uint64_t *pages, xlnuma_domain *dom)
{
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);

    dom->domid = next_domid(h);
    dom->name = strdup(d->guest_name);
    dom->pool = d->req.pool < 0 ? 0 : (unsigned)d->req.pool;
    dom->nr_vcpus = d->req.vcpus;
    dom->vcpus = calloc(d->req.vcpus, sizeof(*dom->vcpus));
    dom->pages_per_node = calloc(nr_nodes, sizeof(*dom->pages_per_node));
    if (!dom->name || !dom->vcpus || !dom->pages_per_node)
        return XL_NUMA_EXIT_ERROR;
    dom->nr_pages = nr_nodes;
    for (unsigned n = 0; n < nr_nodes; n++) {
        dom->pages_per_node[n] = pages[n];
        dom->pages_total += pages[n];
    }
    dom->mem_kib = dom->pages_total * PAGE_KIB;
    if (xlnuma_bitmap_copy(&dom->node_affinity, &d->res.best.nodes))
        return XL_NUMA_EXIT_ERROR;

    for (unsigned v = 0; v < d->req.vcpus; v++) {
        xlnuma_vcpu *vc = &dom->vcpus[v];

        xlnuma_vcpu_init(vc);
        vc->id = v;
        vc->cpu = XLNUMA_NO_CPU;
        vc->online = true;
        if (d->pin) {
            if (xlnuma_bitmap_copy(&vc->hard, &d->hard))
                return XL_NUMA_EXIT_ERROR;
        } else if (!xlnuma_bitmap_is_empty(&d->req.cpus)) {
            if (xlnuma_bitmap_copy(&vc->hard, &d->req.cpus))
                return XL_NUMA_EXIT_ERROR;
        } else {
            for (unsigned c = 0; c < xlnuma_host_nr_cpus(h); c++)
                if (xlnuma_bitmap_set(&vc->hard, c))
                    return XL_NUMA_EXIT_ERROR;
        }
        if (xlnuma_bitmap_copy(&vc->soft, &d->soft))
            return XL_NUMA_EXIT_ERROR;
        /* vNUMA: the vCPU's own vnode's pCPUs (vnuma.c's overrides). */
        if (d->nr_vnodes &&
            (vnuma_vcpu_cpus(h, d, v, &vc->soft) ||
             (d->pin && xlnuma_bitmap_copy(&vc->hard, &vc->soft))))
            return XL_NUMA_EXIT_ERROR;
    }
    return 0;
}

int state_record(const xlnuma_host *h, const char *path, const decision *d,
                 uint64_t *pages_r)
{
    unsigned nr_nodes = xlnuma_host_nr_nodes(h);
    xlnuma_request req = d->req;    /* shallow: read only */
    xlnuma_host *copy = NULL;
    xlnuma_domain dom;
    uint64_t *pages;
    int rc, ret;

    /* After the engine's DMA fallback the nodes were chosen without the
     * DMA rule (the need does not fit above the zone): split it so. */
    if (d->res.dma_fallback)
        req.dma_aware = false;
    xlnuma_domain_init(&dom);
    pages = calloc(nr_nodes, sizeof(*pages));
    if (!pages) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    if (d->nr_vnodes) {
        /* vNUMA: each vnode's memory comes from its own node, as the
         * over-commit guard split the need (guard.c), in whole MiB. */
        for (unsigned i = 0; i < d->nr_shares; i++)
            if (d->shares[i].node < nr_nodes)
                pages[d->shares[i].node] = d->shares[i].take_kib / PAGE_KIB;
        ret = 0;
    } else {
        ret = state_split_pages(h, &req, &d->res.best.nodes, pages);
    }
    if (ret)
        goto out;
    ret = build_domain(h, d, pages, &dom);
    if (ret) {
        cli_err("out of memory");
        goto out;
    }

    ret = XL_NUMA_EXIT_ERROR;
    rc = xlnuma_host_dup(cli.ctx, h, &copy);
    if (rc)
        goto lib_failed;
    rc = xlnuma_host_add_domain(cli.ctx, copy, &dom);
    if (rc)
        goto lib_failed;
    for (unsigned n = 0; n < nr_nodes; n++) {
        if (!pages[n])
            continue;
        rc = xlnuma_host_take_memory(cli.ctx, copy, n, pages[n] * PAGE_KIB);
        if (rc)
            goto lib_failed;
    }
    rc = xlnuma_host_finish(cli.ctx, copy);
    if (rc)
        goto lib_failed;
    remove_stale_temps(path);
    rc = xlnuma_host_save(cli.ctx, copy, path);
    if (rc)
        goto lib_failed;
    if (pages_r)
        memcpy(pages_r, pages, nr_nodes * sizeof(*pages));
    ret = 0;
    goto out;
 lib_failed:
    cli_err("cannot record %s in %s (%s); the file is unchanged",
            d->guest_name, path, xlnuma_strerror(rc));
 out:
    xlnuma_domain_dispose(&dom);
    xlnuma_host_free(copy);
    free(pages);
    return ret;
}

int state_remove(const xlnuma_host *h, const char *path, const char *name)
{
    const xlnuma_domain *d = xlnuma_host_domain_by_name(h, name);
    xlnuma_host *copy = NULL;
    uint64_t *pages = NULL;
    unsigned nr;
    int rc, ret = XL_NUMA_EXIT_ERROR;

    if (!d) {
        cli_err("destroy: no domain \"%s\" in %s", name, path);
        return XL_NUMA_EXIT_ERROR;
    }
    if (d->domid == 0) {
        cli_err("destroy: %s is domain 0", name);
        return XL_NUMA_EXIT_ERROR;
    }
    if (!d->pages_per_node) {
        cli_err("destroy: %s has no per-node memory record in %s, so its "
                "memory cannot be given back", name, path);
        return XL_NUMA_EXIT_ERROR;
    }
    /* d lives in h; keep what it held before h's copy changes. */
    nr = d->nr_pages;
    pages = malloc((nr ? nr : 1) * sizeof(*pages));
    if (!pages) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    memcpy(pages, d->pages_per_node, nr * sizeof(*pages));

    rc = xlnuma_host_dup(cli.ctx, h, &copy);
    if (!rc)
        rc = xlnuma_host_remove_domain(cli.ctx, copy, name);
    for (unsigned n = 0; !rc && n < nr; n++)
        if (pages[n])
            rc = xlnuma_host_give_memory(cli.ctx, copy, n,
                                         pages[n] * PAGE_KIB);
    if (!rc)
        rc = xlnuma_host_finish(cli.ctx, copy);
    if (!rc) {
        remove_stale_temps(path);
        rc = xlnuma_host_save(cli.ctx, copy, path);
    }
    if (rc)
        cli_err("cannot remove %s from %s (%s); the file is unchanged", name,
                path, xlnuma_strerror(rc));
    else
        ret = 0;
    xlnuma_host_free(copy);
    free(pages);
    return ret;
}
