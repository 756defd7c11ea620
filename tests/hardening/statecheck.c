/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * statecheck.c: is a JSON state file that xl-numa create and destroy
 * changed still consistent with the one it started from?  For the
 * hardening tests (parallel-create.sh, crash-safety.sh).
 *
 *   statecheck BASE STATE
 *
 * Both must load.  Then: the same nodes with the same sizes; BASE's
 * domains still there, unchanged; domain names and ids unique; every
 * domain STATE adds has a per-node record that adds up to its memory
 * (pages_total, mem_kib); and on every node, free memory in BASE less
 * the pages the added domains hold there is exactly the free memory in
 * STATE, which is at most the node's size -- nothing lost, nothing
 * counted twice, never below zero.
 *
 * Prints each added domain as "NAME NODE=PAGES ..." (nodes with pages
 * only), in file order, on stdout; each violation on stderr.  Exit 0
 * consistent, 1 not, 2 when a file does not load.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlnuma.h"

#define PAGE_KIB 4u

static unsigned nr_bad;

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
    va_list ap;

    fputs("statecheck: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    nr_bad++;
}

static bool same_domain(const xlnuma_domain *a, const xlnuma_domain *b)
{
    if (a->domid != b->domid || a->mem_kib != b->mem_kib ||
        a->nr_vcpus != b->nr_vcpus || a->nr_pages != b->nr_pages ||
        a->pages_total != b->pages_total)
        return false;
    for (unsigned n = 0; n < a->nr_pages; n++)
        if (a->pages_per_node[n] != b->pages_per_node[n])
            return false;
    return true;
}

static void check_nodes(const xlnuma_host *base, const xlnuma_host *st)
{
    if (xlnuma_host_nr_nodes(base) != xlnuma_host_nr_nodes(st)) {
        bad("%u nodes, %u at first", xlnuma_host_nr_nodes(st),
            xlnuma_host_nr_nodes(base));
        return;
    }
    for (unsigned n = 0; n < xlnuma_host_nr_nodes(st); n++)
        if (xlnuma_host_node(st, n)->memsize_kib !=
            xlnuma_host_node(base, n)->memsize_kib)
            bad("node %u: memsize %" PRIu64 " KiB, %" PRIu64 " at first", n,
                xlnuma_host_node(st, n)->memsize_kib,
                xlnuma_host_node(base, n)->memsize_kib);
}

static void check_domains(const xlnuma_host *base, const xlnuma_host *st,
                          uint64_t *taken)
{
    unsigned nr_nodes = xlnuma_host_nr_nodes(st);

    for (unsigned i = 0; i < xlnuma_host_nr_domains(base); i++) {
        const xlnuma_domain *b = xlnuma_host_domain(base, i);
        const xlnuma_domain *d = xlnuma_host_domain_by_name(st, b->name);

        if (!d)
            bad("domain %s is gone", b->name);
        else if (!same_domain(b, d))
            bad("domain %s has changed", b->name);
    }
    for (unsigned i = 0; i < xlnuma_host_nr_domains(st); i++) {
        const xlnuma_domain *d = xlnuma_host_domain(st, i);
        uint64_t sum = 0;

        for (unsigned j = 0; j < i; j++) {
            const xlnuma_domain *e = xlnuma_host_domain(st, j);

            if (!strcmp(d->name, e->name))
                bad("domain %s is recorded twice", d->name);
            if (d->domid == e->domid)
                bad("domains %s and %s are both id %u", e->name, d->name,
                    d->domid);
        }
        if (xlnuma_host_domain_by_name(base, d->name))
            continue;
        if (!d->pages_per_node || !d->nr_pages) {
            bad("added domain %s has no per-node record", d->name);
            continue;
        }
        if (d->nr_pages > nr_nodes) {
            bad("added domain %s has pages on %u nodes of %u", d->name,
                d->nr_pages, nr_nodes);
            continue;
        }
        printf("%s", d->name);
        for (unsigned n = 0; n < d->nr_pages; n++) {
            sum += d->pages_per_node[n];
            taken[n] += d->pages_per_node[n];
            if (d->pages_per_node[n])
                printf(" %u=%" PRIu64, n, d->pages_per_node[n]);
        }
        putchar('\n');
        if (sum != d->pages_total)
            bad("domain %s: pages per node add up to %" PRIu64 ", "
                "pages_total is %" PRIu64, d->name, sum, d->pages_total);
        if (d->mem_kib != d->pages_total * PAGE_KIB)
            bad("domain %s: mem_kib %" PRIu64 " is not its %" PRIu64
                " pages", d->name, d->mem_kib, d->pages_total);
    }
}

static void check_memory(const xlnuma_host *base, const xlnuma_host *st,
                         const uint64_t *taken)
{
    for (unsigned n = 0; n < xlnuma_host_nr_nodes(st); n++) {
        const xlnuma_node *b = xlnuma_host_node(base, n);
        const xlnuma_node *s = xlnuma_host_node(st, n);

        if (s->memfree_kib > s->memsize_kib)
            bad("node %u: %" PRIu64 " KiB free of %" PRIu64, n,
                s->memfree_kib, s->memsize_kib);
        if (taken[n] * PAGE_KIB > b->memfree_kib)
            bad("node %u: the added domains hold %" PRIu64 " KiB, only %"
                PRIu64 " were free", n, taken[n] * PAGE_KIB, b->memfree_kib);
        else if (b->memfree_kib - taken[n] * PAGE_KIB != s->memfree_kib)
            bad("node %u: %" PRIu64 " KiB free; %" PRIu64 " were, and the "
                "added domains hold %" PRIu64, n, s->memfree_kib,
                b->memfree_kib, taken[n] * PAGE_KIB);
    }
}

static xlnuma_host *load(xlnuma_ctx *ctx, const char *path)
{
    xlnuma_host *h = NULL;
    int rc = xlnuma_host_load(ctx, path, &h);

    if (rc)
        fprintf(stderr, "statecheck: %s does not load (%s)\n", path,
                xlnuma_strerror(rc));
    return h;
}

int main(int argc, char **argv)
{
    xentoollog_logger_stdiostream *lg;
    xlnuma_host *base = NULL, *st = NULL;
    xlnuma_ctx *ctx = NULL;
    uint64_t *taken = NULL;
    int ret = 2;

    if (argc != 3) {
        fprintf(stderr, "usage: statecheck BASE STATE\n");
        return 2;
    }
    lg = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
    if (!lg || xlnuma_ctx_alloc(&ctx, (xentoollog_logger *)lg))
        goto out;
    base = load(ctx, argv[1]);
    st = load(ctx, argv[2]);
    if (!base || !st)
        goto out;
    check_nodes(base, st);
    if (!nr_bad) {
        taken = calloc(xlnuma_host_nr_nodes(st) + 1, sizeof(*taken));
        if (!taken)
            goto out;
        check_domains(base, st, taken);
        check_memory(base, st, taken);
    }
    ret = nr_bad ? 1 : 0;
 out:
    free(taken);
    xlnuma_host_free(st);
    xlnuma_host_free(base);
    xlnuma_ctx_free(ctx);
    if (lg)
        xtl_logger_destroy((xentoollog_logger *)lg);
    return ret;
}
