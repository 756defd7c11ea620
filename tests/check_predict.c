/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_predict.c: where Xen 4.17 puts a PV guest's pages
 * (docs/placement.md, "Where the memory lands"): hand-worked hosts, the
 * estimated DMA split, real lab captures, the bulk model against an
 * extent-by-extent transcription of Xen's allocator on random hosts, and
 * Xen's console text as the live host reads it (xlnuma_host_read_xen_heap
 * without the hypervisor).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "xlnuma_internal.h"        /* xlnuma__host_add_xen_console */

#define E 512u                      /* pages in a 2 MiB extent */
#define MAXN 6

/* A host whose free memory is given in pages above and below the DMA
 * width; every node spans 64 GiB and has one cpu. */
static xlnuma_host *host_pages(unsigned nodes, const uint64_t *above,
                               const uint64_t *dma)
{
    xlnuma_host *h = NULL;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    for (unsigned n = 0; n < nodes; n++) {
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, n, 64 * GIB,
                                              (above[n] + dma[n]) * 4), 0);
        ck_assert_int_eq(xlnuma_host_set_dma(test_ctx, h, n, dma[n] * 4), 0);
        for (unsigned m = 0; m < nodes; m++)
            ck_assert_int_eq(xlnuma_host_set_distance(test_ctx, h, n, m,
                                                      n == m ? 10 : 20), 0);
        ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, n, 0, (int)n,
                                             (int)n), 0);
    }
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    return h;
}

static void affinity(const char *list, xlnuma_bitmap *b)
{
    xlnuma_bitmap_init(b);
    if (list)
        ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, list, 0, b), 0);
}

/* ---- hand-worked hosts ---- */

static const struct hand_case {
    const char *what;
    unsigned nodes;
    uint64_t above[MAXN], dma[MAXN];    /* free pages */
    const char *aff;                    /* NULL: every node */
    uint64_t pages;
    uint64_t want[MAXN];
} hand[] = {
    /* The lab's 2-node host with dom0 (xl-debug-keys-H.txt): node 0 has
     * 215329 pages above the 29-bit width and 114432 below it. */
    { "128 MiB on node 0 of the lab host", 2, { 215329, 251062 },
      { 114432, 0 }, "0", 32768, { 32768, 0 } },
    /* Node 0 can give 36 extents above the width: the other 28 come from
     * node 1 before node 0's DMA zone is touched: 56.25% local. */
    { "node 0 spills to node 1, not into its DMA zone", 2,
      { 36 * E + 100, 100000 }, { 114432, 0 }, "0", 64 * E,
      { 36 * E, 28 * E } },
    /* Nobody has memory above the width after 10 + 5 extents: the rest
     * comes from the affinity node's DMA zone. */
    { "the DMA zone only when no node has memory above", 2,
      { 10 * E, 5 * E }, { 100000, 0 }, "0", 64 * E, { 59 * E, 5 * E } },
    { "two affinity nodes take turns per 2 MiB extent", 2,
      { 100000, 100000 }, { 0, 0 }, "0-1", 64 * E, { 32 * E, 32 * E } },
    /* The rotation starts after node 0 (Xen's last_alloc_node is 0):
     * seen in the lab for guests of 1, 2 and 4 vCPUs. */
    { "an odd extent goes to the affinity node after node 0", 2,
      { 100000, 100000 }, { 0, 0 }, "0-1", 65 * E, { 32 * E, 33 * E } },
    { "the rotation starts at the first affinity node after node 0", 3,
      { 100000, 100000, 100000 }, { 0, 0, 0 }, "0,2", 3 * E,
      { E, 0, 2 * E } },
    { "an affinity without node 0 starts at its lowest node", 3,
      { 100000, 100000, 100000 }, { 0, 0, 0 }, "1-2", 3 * E,
      { 0, 2 * E, E } },
    /* 1000 pages hold one extent; the 488 left cannot hold another. */
    { "a leftover under 2 MiB is passed over for another node", 2,
      { 1000, 100000 }, { 0, 0 }, "0", 2 * E, { E, E } },
    /* No node has 2 MiB anywhere: page by page, 300 from node 0, then the
     * other node before node 0's DMA zone. */
    { "page by page when no 2 MiB extent is left", 2, { 300, 400 },
      { 200, 0 }, "0", 600, { 300, 300 } },
    /* Extents to 1, 0, 1; then the 100 pages alternate from node 0. */
    { "the 4 KiB remainder continues the rotation", 2,
      { 100000, 100000 }, { 0, 0 }, "0-1", 3 * E + 100,
      { E + 50, 2 * E + 50 } },
    /* Rounds of 3 until node 0 is out (2), of 2 until node 1 is out (5),
     * node 2 alone up to 10; the last 3 from node 3. */
    { "the rotation skips exhausted nodes", 4,
      { 2 * E, 5 * E, 10 * E, 100000 }, { 0, 0, 0, 0 }, "0-2", 20 * E,
      { 2 * E, 5 * E, 10 * E, 3 * E } },
    { "the other nodes give from the lowest id up", 4,
      { E, 3 * E, 2 * E, 4 * E }, { 0, 0, 0, 0 }, "2", 8 * E,
      { E, 3 * E, 2 * E, 2 * E } },
    { "no affinity: every node in turn", 3,
      { 100000, 100000, 100000 }, { 0, 0, 0 }, NULL, 6 * E,
      { 2 * E, 2 * E, 2 * E } },
    { "the affinity's DMA zone before the others' DMA zones", 2,
      { 0, 0 }, { 3 * E, 10 * E }, "0", 5 * E, { 3 * E, 2 * E } },
    { "an affinity node without free memory", 2, { 0, 100000 },
      { 0, 0 }, "0", 4 * E, { 0, 4 * E } },
    { "every free page used", 2, { E, E }, { 0, 0 }, "0", 2 * E,
      { E, E } },
    /* After extents from node 3 (not in the affinity) the rotation
     * resumes after node 3, that is at node 0, not at node 2. */
    { "the rotation resumes after the last node used", 4,
      { E, 0, 0, 2 * E }, { 5 * E, 0, 5 * E, 0 }, "0,2", 4 * E,
      { 2 * E, 0, 0, 2 * E } },
    { "a guest of no pages", 2, { 100, 100 }, { 0, 0 }, "0", 0, { 0, 0 } },
};

START_TEST(test_hand)
{
    const struct hand_case *c = &hand[_i];
    xlnuma_host *h = host_pages(c->nodes, c->above, c->dma);
    uint64_t got[MAXN];
    xlnuma_bitmap aff;

    affinity(c->aff, &aff);
    memset(got, 0xff, sizeof(got));
    ck_assert_msg(xlnuma_predict_pages(test_ctx, h, &aff, c->pages,
                                       got) == 0, "%s: %s", c->what,
                  test_log_text());
    for (unsigned n = 0; n < c->nodes; n++)
        ck_assert_msg(got[n] == c->want[n], "%s: node %u got %llu pages, "
                      "expected %llu", c->what, n,
                      (unsigned long long)got[n],
                      (unsigned long long)c->want[n]);
    xlnuma_bitmap_dispose(&aff);
    xlnuma_host_free(h);
}
END_TEST

/* ---- errors ---- */

START_TEST(test_errors)
{
    uint64_t above[2] = { 1000, 1000 }, dma[2] = { 10, 0 }, got[2];
    uint64_t d[2], a[2];
    xlnuma_host *h = host_pages(2, above, dma), *u = NULL;
    xlnuma_bitmap aff;

    affinity("2", &aff);
    ck_assert_int_eq(xlnuma_predict_pages(test_ctx, h, &aff, 1, got),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "names node 2, but the "
                                 "host has 2 nodes"));
    ck_assert_int_eq(xlnuma_predict_pages(test_ctx, NULL, NULL, 1, got),
                     XLNUMA_ERROR_INVAL);
    ck_assert_int_eq(xlnuma_predict_pages(test_ctx, h, NULL, 1, NULL),
                     XLNUMA_ERROR_INVAL);
    /* 2010 pages free in all. */
    ck_assert_int_eq(xlnuma_predict_pages(test_ctx, h, NULL, 2011, got),
                     XLNUMA_ERROR_NOFIT);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "a guest of 2011 pages "
                                 "cannot be built: the host has 2010 pages "
                                 "free"));
    ck_assert_int_eq(xlnuma_predict_pages(test_ctx, h, NULL, 2010, got), 0);
    ck_assert_uint_eq(got[0] + got[1], 2010);
    ck_assert_int_eq(xlnuma_predict_dma_split(test_ctx, h, NULL, a, NULL),
                     XLNUMA_ERROR_INVAL);
    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &u), 0);
    ck_assert_int_eq(xlnuma_host_add_node(test_ctx, u, 0, GIB, GIB), 0);
    ck_assert_int_eq(xlnuma_predict_dma_split(test_ctx, u, d, a, NULL),
                     XLNUMA_ERROR_INVAL);
    ck_assert_int_eq(xlnuma_predict_pages(test_ctx, u, NULL, 1, got),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "not finished"));
    xlnuma_host_free(u);
    xlnuma_bitmap_dispose(&aff);
    xlnuma_host_free(h);
}
END_TEST

/* ---- the DMA split, read or estimated ---- */

static const struct split_case {
    const char *what;
    unsigned nodes;
    uint64_t size_mib[3], free_mib[3];
    unsigned dma_bits;                  /* set on the host; 0: not */
    uint64_t want_dma[3];               /* pages */
    const char *how;                    /* a part of the sentence */
} splits[] = {
    /* 393216 pages / 4 - 1 = 98303: 17 bits + 12 = 29: 512 MiB. */
    { "the lab host: 29 bits from node 0's 1536 MiB", 2, { 1536, 3584 },
      { 1288, 980 }, 0, { 512 * 256, 0 },
      "DMA width 29 bits by Xen's rule on node 0's span (1536 MiB" },
    { "dma_bits=30 given: node 0's first GiB", 2, { 1536, 3584 },
      { 1288, 980 }, 30, { 1024 * 256, 0 },
      "DMA width 30 bits as the host gives it" },
    /* 65536 / 4 - 1 = 16383: 14 + 12 = 26 bits: 64 MiB */
    { "a 256 MiB node 0", 2, { 256, 4096 }, { 200, 4000 }, 0,
      { 64 * 256, 0 }, "26 bits" },
    /* 64 GiB: 4194304 - 1: 22 + 12 = 34, capped at 32: 4 GiB */
    { "the width stops at 32 bits", 2, { 65536, 65536 }, { 60000, 60000 },
      0, { 4096 * 256, 0 }, "32 bits" },
    /* dma_bits=33: 8 GiB = node 0 and 2 GiB of node 1. */
    { "a width past node 0 reaches node 1", 2, { 6144, 8192 },
      { 6000, 8000 }, 33, { 6000 * 256, 2048 * 256 }, "33 bits" },
    { "free memory counts below the width first", 2, { 1536, 1536 },
      { 100, 1500 }, 0, { 100 * 256, 0 }, "29 bits" },
    { "node 0 without memory: the rule on node 1", 3, { 0, 1024, 1024 },
      { 0, 1000, 1000 }, 0, { 0, 256 * 256, 0 },
      "on node 1's span (1024 MiB" },
    { "one node: no DMA zone", 1, { 4096 }, { 4000 }, 0, { 0 },
      "no DMA zone" },
};

START_TEST(test_split)
{
    const struct split_case *c = &splits[_i];
    uint64_t dma[3], above[3];
    xlnuma_host *h = NULL;
    char *how = NULL;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    for (unsigned n = 0; n < c->nodes; n++) {
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, n,
                                              c->size_mib[n] * MIB,
                                              c->free_mib[n] * MIB), 0);
        for (unsigned m = 0; m < c->nodes; m++)
            ck_assert_int_eq(xlnuma_host_set_distance(test_ctx, h, n, m,
                                                      n == m ? 10 : 20), 0);
        ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, n, 0, 0, (int)n),
                         0);
    }
    if (c->dma_bits)
        ck_assert_int_eq(xlnuma_host_set_dma_bits(test_ctx, h, c->dma_bits),
                         0);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    ck_assert_int_eq(xlnuma_predict_dma_split(test_ctx, h, dma, above,
                                              &how), 0);
    for (unsigned n = 0; n < c->nodes; n++) {
        ck_assert_msg(dma[n] == c->want_dma[n], "%s: node %u: %llu DMA "
                      "pages, expected %llu", c->what, n,
                      (unsigned long long)dma[n],
                      (unsigned long long)c->want_dma[n]);
        ck_assert_uint_eq(dma[n] + above[n], c->free_mib[n] * 256);
    }
    ck_assert_ptr_nonnull(how);
    ck_assert_msg(strstr(how, "estimated") && strstr(how, c->how),
                  "%s: \"%s\" lacks \"%s\"", c->what, how, c->how);
    free(how);
    xlnuma_host_free(h);
}
END_TEST

/* A measured split is used as it is, and nothing is said about it. */
START_TEST(test_split_measured)
{
    uint64_t above[2] = { 7000, 9000 }, dma[2] = { 3000, 0 };
    uint64_t d[2], a[2];
    xlnuma_host *h = host_pages(2, above, dma);
    char *how = (char *)"x";

    ck_assert_int_eq(xlnuma_predict_dma_split(test_ctx, h, d, a, &how), 0);
    ck_assert_ptr_null(how);
    ck_assert_uint_eq(d[0], 3000);
    ck_assert_uint_eq(a[0], 7000);
    ck_assert_uint_eq(d[1], 0);
    ck_assert_uint_eq(a[1], 9000);
    xlnuma_host_free(h);
}
END_TEST

/* ---- real captures ---- */

/* The lab's dom0-only state predicts where its two guests went: Xen's
 * own 'u' dump of the state with them running (xl-debug-keys-u.txt):
 * cap-plain (affinity 0) all on node 0, cap-soft1 (affinity 1) all on
 * node 1. */
START_TEST(test_capture)
{
    char *dir = test_srcpath("tests/data/xenlab-2node/dom0-only");
    char *after = test_srcpath("tests/data/xenlab-2node");
    xlnuma_host *h = NULL, *ha = NULL;
    const xlnuma_domain *d;
    uint64_t dma[2], above[2], got[2];
    xlnuma_bitmap aff;

    ck_assert_int_eq(xlnuma_host_load(test_ctx, dir, &h), 0);
    ck_assert_int_eq(xlnuma_host_load(test_ctx, after, &ha), 0);
    ck_assert(xlnuma_host_dma_known(h));
    ck_assert_uint_eq(xlnuma_host_dma_bits(h), 29);
    ck_assert_int_eq(xlnuma_predict_dma_split(test_ctx, h, dma, above,
                                              NULL), 0);
    ck_assert_uint_eq(dma[1], 0);
    ck_assert_uint_gt(dma[0], 100000);
    for (unsigned i = 0; i < 2; i++) {
        d = xlnuma_host_domain_by_name(ha, i ? "cap-soft1" : "cap-plain");
        ck_assert_ptr_nonnull(d);
        ck_assert_ptr_nonnull(d->pages_per_node);
        affinity(i ? "1" : "0", &aff);
        ck_assert(xlnuma_bitmap_equal(&aff, &d->node_affinity));
        ck_assert_int_eq(xlnuma_predict_pages(test_ctx, h, &aff,
                                              d->pages_total, got), 0);
        ck_assert_uint_eq(got[0], d->pages_per_node[0]);
        ck_assert_uint_eq(got[1], d->pages_per_node[1]);
        xlnuma_bitmap_dispose(&aff);
    }
    xlnuma_host_free(h);
    xlnuma_host_free(ha);
    free(dir);
    free(after);
}
END_TEST

/* ---- Xen's console, as read live ---- */

static char *slurp(const char *rel)
{
    char *path = test_srcpath(rel), *buf;
    FILE *f = fopen(path, "r");
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    buf = calloc((size_t)n + 1, 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    free(path);
    return buf;
}

static char *concat(const char *const *parts, unsigned n)
{
    size_t len = 1;
    char *s;

    for (unsigned i = 0; i < n; i++)
        len += strlen(parts[i]);
    s = calloc(len, 1);
    ck_assert_ptr_nonnull(s);
    for (unsigned i = 0; i < n; i++)
        strcat(s, parts[i]);
    return s;
}

#define LAB "tests/data/xenlab-2node/"

/* The lab host as libxl would give it: no dumps. */
static xlnuma_host *lab_without_dumps(void)
{
    char *info = slurp(LAB "xl-info-n.txt"), *list = slurp(LAB
        "xl-list-n.txt"), *vcpu = slurp(LAB "xl-vcpu-list.txt");
    xlnuma_xl_texts t;
    xlnuma_host *h = NULL, *c = NULL;

    memset(&t, 0, sizeof(t));
    t.info_n = info;
    t.list_n = list;
    t.vcpu_list = vcpu;
    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, &t, &h), 0);
    ck_assert(!xlnuma_host_dma_known(h));
    ck_assert_int_eq(xlnuma_host_dup(test_ctx, h, &c), 0);
    xlnuma_host_free(h);
    free(info);
    free(list);
    free(vcpu);
    return c;
}

enum { RING_BOOT = 1, RING_OLD_H = 2, RING_U = 4, RING_H = 8,
       RING_STRANGER = 16 };

/* A console ring: boot noise, optionally the DMA width line, an older
 * 'H' dump, the 'u' and 'H' dumps, a domain the host does not know. */
static char *ring_text(unsigned what)
{
    char *dma = slurp(LAB "xl-dmesg-dma.txt");
    char *old_h = slurp(LAB "dom0-only/xl-debug-keys-H.txt");
    char *u = slurp(LAB "xl-debug-keys-u.txt");
    char *h = slurp(LAB "xl-debug-keys-H.txt");
    const char *parts[8];
    unsigned n = 0;
    char *s;

    parts[n++] = "(XEN) [    0.000000] Xen version 4.17.7\n";
    if (what & RING_BOOT)
        parts[n++] = dma;
    parts[n++] = "(XEN) [    9.100000] Freed 2048kB init memory\n";
    if (what & RING_OLD_H)
        parts[n++] = old_h;
    if (what & RING_U)
        parts[n++] = u;
    if (what & RING_STRANGER)
        parts[n++] = "(XEN) Domain 7 (total: 5):\n(XEN)     Node 0: 5\n"
                     "(XEN)     Node 1: 0\n";
    if (what & RING_H)
        parts[n++] = h;
    s = concat(parts, n);
    free(dma);
    free(old_h);
    free(u);
    free(h);
    return s;
}

/* Console text with both dumps gives the host the capture directory
 * gives: the same split, width and pages per domain; the older 'H' dump
 * and a domain that came meanwhile are left out. */
START_TEST(test_console)
{
    char *dir = test_srcpath("tests/data/xenlab-2node");
    char *ring = ring_text(RING_BOOT | RING_OLD_H | RING_U | RING_STRANGER |
                           RING_H);
    xlnuma_host *want = NULL, *c = lab_without_dumps();

    ck_assert_int_eq(xlnuma_host_load(test_ctx, dir, &want), 0);
    ck_assert_int_eq(xlnuma__host_add_xen_console(test_ctx, c, ring,
                                                  "console=com1"), 0);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, c), 0);
    ck_assert(xlnuma_host_dma_known(c));
    ck_assert_uint_eq(xlnuma_host_dma_bits(c), 29);
    for (unsigned n = 0; n < 2; n++)
        ck_assert_uint_eq(xlnuma_host_node(c, n)->dmafree_kib,
                          xlnuma_host_node(want, n)->dmafree_kib);
    ck_assert_uint_eq(xlnuma_host_node(c, 0)->dmafree_kib,
                      (16128 + 32768 + 65536) * 4);
    ck_assert_uint_eq(xlnuma_host_nr_domains(c), 3);
    for (unsigned i = 0; i < 3; i++) {
        const xlnuma_domain *d = xlnuma_host_domain(c, i);
        const xlnuma_domain *w = xlnuma_host_domain_by_name(want, d->name);

        ck_assert_ptr_nonnull(w);
        ck_assert_ptr_nonnull(d->pages_per_node);
        ck_assert_uint_eq(d->nr_pages, 2);
        ck_assert_uint_eq(d->pages_total, w->pages_total);
        for (unsigned n = 0; n < 2; n++)
            ck_assert_uint_eq(d->pages_per_node[n], w->pages_per_node[n]);
    }
    ck_assert_ptr_nonnull(strstr(test_log_text(), "domain 7 came or went"));
    xlnuma_host_free(want);
    xlnuma_host_free(c);
    free(ring);
    free(dir);
}
END_TEST

/* Without the boot line: dma_bits= on Xen's command line, else Xen's
 * rule on node 0's span as the 'u' dump gives it (393216 pages: 29). */
static const struct width_case {
    const char *cmdline;
    unsigned bits;
    const char *log;
} widths[] = {
    { "console=com1 dma_bits=30 noreboot", 30, "from dma_bits=" },
    { NULL, 29, "rule on node 0 (start 0, 393216 pages spanned)" },
    { "dma_bits=junk", 29, "rule on node 0" },
};

START_TEST(test_console_width)
{
    const struct width_case *w = &widths[_i];
    char *ring = ring_text(RING_U | RING_H);
    xlnuma_host *c = lab_without_dumps();

    ck_assert_int_eq(xlnuma__host_add_xen_console(test_ctx, c, ring,
                                                  w->cmdline), 0);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, c), 0);
    ck_assert_uint_eq(xlnuma_host_dma_bits(c), w->bits);
    ck_assert_msg(strstr(test_log_text(), w->log), "log lacks \"%s\": %s",
                  w->log, test_log_text());
    /* 30 bits: zones 1..18, 131072 more pages below the width. */
    ck_assert_uint_eq(xlnuma_host_node(c, 0)->dmafree_kib,
                      (16128 + 32768 + 65536 +
                       (w->bits == 30 ? 131072 : 0)) * 4);
    xlnuma_host_free(c);
    free(ring);
}
END_TEST

START_TEST(test_console_missing)
{
    static const struct {
        unsigned what;
        const char *log;
    } cases[] = {
        { RING_BOOT | RING_U, "holds no 'H' dump" },
        { RING_BOOT | RING_H, "holds no 'u' dump" },
    };
    char *ring = ring_text(cases[_i].what);
    xlnuma_host *c = lab_without_dumps();

    ck_assert_int_eq(xlnuma__host_add_xen_console(test_ctx, c, ring, NULL),
                     XLNUMA_ERROR_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(test_log_text(), cases[_i].log));
    ck_assert_ptr_nonnull(strstr(test_log_text(), "conring_size"));
    xlnuma_host_free(c);
    free(ring);
}
END_TEST

/* ---- the bulk model against Xen's allocator, one request at a time ---- */

/* A transcription of alloc_domheap_pages/get_free_buddy for the model's
 * state: written from xen/common/page_alloc.c, not from predict.c. */
typedef struct {
    unsigned nr;
    bool aff[MAXN];
    uint64_t free[2][MAXN];
    uint64_t got[MAXN];
    int last;                       /* d->last_alloc_node */
} ref_state;

static int ref_buddy(ref_state *s, int zone, uint64_t size)
{
    int node = -1, first;

    /* cycle_node(last, mask) */
    for (unsigned n = 0; n < s->nr && node < 0; n++)
        if (s->aff[n] && (int)n > s->last)
            node = (int)n;
    for (unsigned n = 0; n < s->nr && node < 0; n++)
        if (s->aff[n])
            node = (int)n;
    first = node;
    do {
        if (s->free[zone][node] >= size)
            return node;
        do
            node = (node + 1) % (int)s->nr;
        while (!s->aff[node]);
    } while (node != first);
    for (unsigned n = 0; n < s->nr; n++)
        if (!s->aff[n] && s->free[zone][n] >= size)
            return (int)n;
    return -1;
}

static bool ref_alloc(ref_state *s, uint64_t size)
{
    for (int zone = 0; zone < 2; zone++) {
        int n = ref_buddy(s, zone, size);

        if (n >= 0) {
            s->free[zone][n] -= size;
            s->got[n] += size;
            s->last = n;
            return true;
        }
    }
    return false;
}

static uint64_t rnd_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(uint64_t bound)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return bound ? rnd_state % bound : 0;
}

/* Free pages: often whole extents, sometimes with a ragged tail,
 * sometimes nothing. */
static uint64_t rnd_pages(void)
{
    switch (rnd(4)) {
    case 0:
        return 0;
    case 1:
        return rnd(12) * E;
    default:
        return rnd(12) * E + rnd(E);
    }
}

START_TEST(test_differential)
{
    for (unsigned iter = 0; iter < 3000; iter++) {
        uint64_t above[MAXN], dma[MAXN], got[MAXN], total = 0, pages, ext;
        unsigned nodes = 1 + (unsigned)rnd(MAXN), naff = 0;
        ref_state r;
        xlnuma_bitmap aff;
        xlnuma_host *h;

        memset(&r, 0, sizeof(r));
        r.nr = nodes;
        r.last = 0;
        xlnuma_bitmap_init(&aff);
        for (unsigned n = 0; n < nodes; n++) {
            above[n] = rnd_pages();
            dma[n] = rnd(3) ? 0 : rnd_pages();
            r.free[0][n] = above[n];
            r.free[1][n] = dma[n];
            total += above[n] + dma[n];
            if (rnd(2)) {
                ck_assert_int_eq(xlnuma_bitmap_set(&aff, n), 0);
                r.aff[n] = true;
                naff++;
            }
        }
        if (!naff)
            for (unsigned n = 0; n < nodes; n++)
                r.aff[n] = true;
        pages = rnd(total + 1);
        h = host_pages(nodes, above, dma);
        ck_assert_int_eq(xlnuma_predict_pages(test_ctx, h, &aff, pages, got),
                         0);

        ext = pages / E;
        for (uint64_t i = 0; i < ext; i++)
            if (!ref_alloc(&r, E)) {
                ext = i;
                break;
            }
        for (uint64_t i = ext * E; i < pages; i++)
            ck_assert(ref_alloc(&r, 1));
        for (unsigned n = 0; n < nodes; n++)
            ck_assert_msg(got[n] == r.got[n], "iteration %u, %u nodes, %llu "
                          "pages: node %u: model %llu, allocator %llu", iter,
                          nodes, (unsigned long long)pages, n,
                          (unsigned long long)got[n],
                          (unsigned long long)r.got[n]);
        xlnuma_bitmap_dispose(&aff);
        xlnuma_host_free(h);
    }
}
END_TEST

/* A 1 TiB guest over 64 nodes is counted in rounds, not extent by
 * extent: this finishes at once and adds up. */
START_TEST(test_large)
{
    uint64_t above[64], dma[64], got[64], sum = 0;
    xlnuma_host *h = NULL;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    for (unsigned n = 0; n < 64; n++) {
        above[n] = (UINT64_C(20) << 18) + n * 1000;   /* ~20 GiB */
        dma[n] = n ? 0 : UINT64_C(1) << 20;
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, n, TIB,
                                              (above[n] + dma[n]) * 4), 0);
        ck_assert_int_eq(xlnuma_host_set_dma(test_ctx, h, n, dma[n] * 4), 0);
        for (unsigned m = 0; m < 64; m++)
            ck_assert_int_eq(xlnuma_host_set_distance(test_ctx, h, n, m,
                                                      n == m ? 10 : 20), 0);
        ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, n, 0, 0, (int)n),
                         0);
    }
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    /* 1 TiB = 2^28 pages over every node: they have 1280 GiB above the
     * width, so nothing comes from node 0's DMA zone. */
    ck_assert_int_eq(xlnuma_predict_pages(test_ctx, h, NULL,
                                          UINT64_C(1) << 28, got), 0);
    for (unsigned n = 0; n < 64; n++) {
        sum += got[n];
        ck_assert_uint_le(got[n], above[n]);
    }
    ck_assert_uint_eq(sum, UINT64_C(1) << 28);
    xlnuma_host_free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("predict");
    TCase *tc;

    tc = tcase_create("hand-worked");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_hand, 0, ARRAY_SIZE(hand));
    suite_add_tcase(s, tc);

    tc = tcase_create("dma-split");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_split, 0, ARRAY_SIZE(splits));
    tcase_add_test(tc, test_split_measured);
    suite_add_tcase(s, tc);

    tc = tcase_create("captures");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(tc, test_capture);
    suite_add_tcase(s, tc);

    tc = tcase_create("allocator");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(tc, test_differential);
    tcase_add_test(tc, test_large);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("xen-console");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(tc, test_console);
    tcase_add_loop_test(tc, test_console_width, 0, ARRAY_SIZE(widths));
    tcase_add_loop_test(tc, test_console_missing, 0, 2);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);

    return xlnuma_test_run(s);
}
