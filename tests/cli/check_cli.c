/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_cli.c: unit tests of the xl-numa command's own pieces, below
 * what the golden tests (run.sh) see: list formatting, xl's cpu-list
 * syntax, the override lines, how a recorded guest's memory is split
 * over its nodes, and where a decided guest's pages are expected to land
 * (locality.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "xl_numa.h"

/* What xl_numa.c provides to the other files of the command. */
struct cli cli;
static char last_err[1024];

void cli_err(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_err, sizeof(last_err), fmt, ap);
    va_end(ap);
}

static xlnuma_bitmap map_of(const char *list)
{
    xlnuma_bitmap b;

    xlnuma_bitmap_init(&b);
    if (*list)
        ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, list, 0, &b), 0);
    return b;
}

/* ---- format_list ------------------------------------------------------ */

static const struct {
    const char *bits;           /* xlnuma_bitmap_parse syntax; "" empty */
    const char *prefix;
    const char *want;
} format_cases[] = {
    { "",            "",       ""                  },
    { "0",           "",       "0"                 },
    { "0-1",         "",       "0-1"               },
    { "0,2",         "",       "0,2"               },
    { "0-2,5,7-8",   "",       "0-2,5,7-8"         },
    { "1000-1001",   "",       "1000-1001"         },
    { "1",           "nodes:", "nodes:1"           },
    { "1,3-4",       "nodes:", "nodes:1,nodes:3-4" },
};

START_TEST(test_format_list)
{
    xlnuma_bitmap b = map_of(format_cases[_i].bits);
    char *s = format_list(&b, format_cases[_i].prefix);

    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, format_cases[_i].want);
    free(s);
    xlnuma_bitmap_dispose(&b);
}
END_TEST

/* ---- cpulist_parse: 2 nodes x 4 pCPUs (0-3 on node 0, 4-7 on 1) ------- */

static xlnuma_host *host;

static void setup_host(void)
{
    test_ctx_setup();
    cli.ctx = test_ctx;
    host = test_host_uniform(2, 4, 4 * GIB, 2 * GIB);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, host), 0);
    last_err[0] = '\0';
}

static void teardown_host(void)
{
    xlnuma_host_free(host);
    host = NULL;
    cli.ctx = NULL;
    test_ctx_teardown();
}

static const struct {
    const char *spec;
    const char *want;           /* the pCPUs, or NULL: an error ... */
    const char *msg;            /* ... whose message contains this */
} cpulist_cases[] = {
    { "all",                 "0-7",     NULL },
    { "0-3,^2",              "0-1,3",   NULL },
    { "nodes:1",             "4-7",     NULL },
    { "node:0,nodes:1,^5",   "0-4,6-7", NULL },
    { "all,^nodes:0",        "4-7",     NULL },
    { "nodes:0-1,^3",        "0-2,4-7", NULL },
    { " 1 , 3-4 ,",          "1,3-4",   NULL },
    { "^1,0-1",              "0-1",     NULL },
    { "nodes:all",           "0-7",     NULL },
    { "7",                   "7",       NULL },
    { "",                    NULL, "selects no pCPU" },
    { "0,^0",                NULL, "selects no pCPU" },
    { "^all",                NULL, "\"^\" cannot be combined with \"all\"" },
    { "^nodes:all",          NULL, "\"^\" cannot be combined with \"all\"" },
    { "x",                   NULL, "\"x\" is not a pCPU or a range" },
    { "1-",                  NULL, "\"1-\" is not a pCPU or a range" },
    { "-1",                  NULL, "\"-1\" is not a pCPU or a range" },
    { "3-1",                 NULL, "\"3-1\" is not a pCPU or a range" },
    { "1x",                  NULL, "\"1x\" is not a pCPU or a range" },
    { "+1",                  NULL, "\"+1\" is not a pCPU or a range" },
    { "nodes:",              NULL, "\"nodes:\" is not a node or a range" },
    { "node:a",              NULL, "\"node:a\" is not a node or a range" },
    { "8",                   NULL, "pCPU 8 does not exist (the host has 8 "
                                   "pCPUs, 0-7)" },
    { "2-9",                 NULL, "pCPU 9 does not exist" },
    { "nodes:2",             NULL, "node 2 does not exist (the host has 2 "
                                   "nodes, 0-1)" },
    { "99999999999",         NULL, "is not a pCPU or a range" },
};

START_TEST(test_cpulist)
{
    xlnuma_bitmap b;
    char *s;
    int ret;

    xlnuma_bitmap_init(&b);
    ret = cpulist_parse("cpus", cpulist_cases[_i].spec, host, &b);
    if (cpulist_cases[_i].want) {
        ck_assert_int_eq(ret, 0);
        s = format_list(&b, "");
        ck_assert_str_eq(s, cpulist_cases[_i].want);
        free(s);
    } else {
        ck_assert_int_eq(ret, XL_NUMA_EXIT_ERROR);
        ck_assert_msg(strstr(last_err, cpulist_cases[_i].msg),
                      "\"%s\": message \"%s\" lacks \"%s\"",
                      cpulist_cases[_i].spec, last_err,
                      cpulist_cases[_i].msg);
        ck_assert_msg(strstr(last_err, "cpus=\""),
                      "the message names the key: %s", last_err);
        ck_assert(xlnuma_bitmap_is_empty(&b));
    }
    xlnuma_bitmap_dispose(&b);
}
END_TEST

/* ---- overrides_build -------------------------------------------------- */

static const struct {
    const char *nodes;          /* the chosen nodes */
    const char *cpus;           /* the chosen pCPUs (res.cpus) */
    xlnuma_mode mode;
    const char *lines[2];
} override_cases[] = {
    { "1",   "4-7", XLNUMA_MODE_AFFINITY, { "cpus_soft=\"nodes:1\"", NULL } },
    { "0-1", "0-7", XLNUMA_MODE_AFFINITY,
      { "cpus_soft=\"nodes:0-1\"", NULL } },
    { "1",   "4-7", XLNUMA_MODE_PIN,
      { "cpus=\"nodes:1\"", "cpus_soft=\"nodes:1\"" } },
    /* A pool or cpus= mask allowed only some of the node's pCPUs. */
    { "1",   "5-6", XLNUMA_MODE_AFFINITY, { "cpus_soft=\"5-6\"", NULL } },
    { "0-1", "3-4", XLNUMA_MODE_PIN,
      { "cpus=\"3-4\"", "cpus_soft=\"3-4\"" } },
};

START_TEST(test_overrides)
{
    decision d;
    xlnuma_bitmap nodes = map_of(override_cases[_i].nodes);
    xlnuma_bitmap cpus = map_of(override_cases[_i].cpus);
    unsigned want = override_cases[_i].lines[1] ? 2 : 1;

    decision_init(&d);
    d.mode = override_cases[_i].mode;
    ck_assert_int_eq(xlnuma_bitmap_copy(&d.res.best.nodes, &nodes), 0);
    ck_assert_int_eq(xlnuma_bitmap_copy(&d.res.cpus, &cpus), 0);
    ck_assert_int_eq(overrides_build(host, &d), 0);
    ck_assert_uint_eq(d.nr_overrides, want);
    for (unsigned i = 0; i < want; i++)
        ck_assert_str_eq(d.overrides[i], override_cases[_i].lines[i]);
    ck_assert(xlnuma_bitmap_equal(&d.soft, &cpus));
    ck_assert(d.pin == (d.mode == XLNUMA_MODE_PIN));
    if (d.pin)
        ck_assert(xlnuma_bitmap_equal(&d.hard, &cpus));
    decision_dispose(&d);
    xlnuma_bitmap_dispose(&nodes);
    xlnuma_bitmap_dispose(&cpus);
}
END_TEST

/* ---- state_split_pages: 3 nodes of 4 GiB, free 1, 3 and 2 GiB, 512 MiB
 * of node 0's free memory in the DMA zone -------------------------------- */

static xlnuma_host *split_host(uint64_t free0, uint64_t free1,
                               uint64_t free2)
{
    uint64_t frees[3] = { free0, free1, free2 };
    xlnuma_host *h = NULL;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    for (unsigned n = 0; n < 3; n++) {
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, n, 4 * GIB,
                                              frees[n]), 0);
        for (unsigned m = 0; m < 3; m++)
            ck_assert_int_eq(xlnuma_host_set_distance(test_ctx, h, n, m,
                                                      n == m ? 10 : 20), 0);
        ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, n, 0, (int)n,
                                             (int)n), 0);
    }
    ck_assert_int_eq(xlnuma_host_set_dma(test_ctx, h, 0,
                                         frees[0] < 512 * MIB ? frees[0]
                                                              : 512 * MIB),
                     0);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    return h;
}

#define PAGES(mib) ((uint64_t)(mib) * 256)

static const struct {
    uint64_t free[3];           /* KiB */
    const char *nodes;
    uint64_t need_kib;
    uint64_t headroom_kib;
    unsigned headroom_pct;
    bool dma_aware;
    int ret;
    uint64_t want[3];           /* pages */
} split_cases[] = {
    /* In proportion to the free memory: 1 GiB as 1:3. */
    { { GIB, 3 * GIB, 2 * GIB }, "0-1", GIB, 0, 0, false, 0,
      { PAGES(256), PAGES(768), 0 } },
    /* 257 pages as 1:3:2 -> 42.8, 128.5, 85.7: 42, 128, 85 and the two
     * odd pages to node 1, which has the most left each time. */
    { { GIB, 3 * GIB, 2 * GIB }, "0-2", 1028, 0, 0, false, 0,
      { 42, 130, 85 } },
    /* A need that is not whole pages is rounded up. */
    { { GIB, 3 * GIB, 2 * GIB }, "0-2", 6, 0, 0, false, 0, { 0, 2, 0 } },
    /* Ties go to the lower node id. */
    { { 12, 12, 12 }, "0-2", 16, 0, 0, false, 0, { 2, 1, 1 } },
    /* Headroom of 512 MiB: 512, 2560, 1536 MiB usable, all taken. */
    { { GIB, 3 * GIB, 2 * GIB }, "0-2", 4608 * MIB, 512 * MIB, 0, false, 0,
      { PAGES(512), PAGES(2560), PAGES(1536) } },
    /* 25% of 4 GiB: node 0 can give nothing. */
    { { GIB, 3 * GIB, 2 * GIB }, "0-2", 1536 * MIB, 0, 25, false, 0,
      { 0, PAGES(1024), PAGES(512) } },
    /* DMA-aware: node 0 gives 512 of its 1024 MiB; 1536 MiB as 1:6. */
    { { GIB, 3 * GIB, 2 * GIB }, "0-1", 1536 * MIB, 0, 0, true, 0,
      { 56173, 337043, 0 } },
    /* More than the nodes can give. */
    { { GIB, 3 * GIB, 2 * GIB }, "0-1", 4097 * MIB, 0, 0, false,
      XL_NUMA_EXIT_ERROR, { 0, 0, 0 } },
    /* Nothing to take. */
    { { GIB, 3 * GIB, 2 * GIB }, "1", 0, 0, 0, false, 0, { 0, 0, 0 } },
};

START_TEST(test_split)
{
    xlnuma_host *h = split_host(split_cases[_i].free[0],
                                split_cases[_i].free[1],
                                split_cases[_i].free[2]);
    xlnuma_bitmap nodes = map_of(split_cases[_i].nodes);
    xlnuma_request req;
    uint64_t pages[3] = { 99, 99, 99 }, sum = 0;

    xlnuma_request_init(&req);
    req.need_kib = split_cases[_i].need_kib;
    req.headroom_kib = split_cases[_i].headroom_kib;
    req.headroom_pct = split_cases[_i].headroom_pct;
    req.dma_aware = split_cases[_i].dma_aware;
    ck_assert_int_eq(state_split_pages(h, &req, &nodes, pages),
                     split_cases[_i].ret);
    if (split_cases[_i].ret) {
        ck_assert_msg(strstr(last_err, "the chosen nodes can give"),
                      "message: %s", last_err);
    } else {
        for (unsigned n = 0; n < 3; n++) {
            ck_assert_msg(pages[n] == split_cases[_i].want[n],
                          "node %u: %llu pages, expected %llu", n,
                          (unsigned long long)pages[n],
                          (unsigned long long)split_cases[_i].want[n]);
            sum += pages[n];
        }
        ck_assert_uint_eq(sum, (req.need_kib + 3) / 4);
    }
    xlnuma_request_dispose(&req);
    xlnuma_bitmap_dispose(&nodes);
    xlnuma_host_free(h);
}
END_TEST

/* ---- locality ----------------------------------------------------------- */

static const struct {
    uint64_t part, whole;
    const char *want;
} pct_cases[] = {
    { 0, 0, "100.0" },              /* nothing to place: all local */
    { 10000, 10000, "100.0" },
    { 9997, 10000, "99.9" },        /* rounded down, never up to 100 */
    { 2, 3, "66.6" },
    { 1, 3, "33.3" },
    { 0, 5, "0.0" },
    { UINT64_C(1) << 48, UINT64_C(1) << 48, "100.0" },
};

START_TEST(test_pct)
{
    char buf[LOCALITY_PCT_LEN];

    ck_assert_str_eq(locality_pct(pct_cases[_i].part, pct_cases[_i].whole,
                                  buf, sizeof(buf)), pct_cases[_i].want);
}
END_TEST

/* --dma-aware / --no-dma-aware, then numa_placement_dma_aware=, then the
 * policy's default. */
static const struct {
    const char *policy;
    int opt;                        /* -1: not given */
    int key;                        /* -1: not given; NULL config: -2 */
    bool want;
} aware_cases[] = {
    { "xen43",  -1, -1, false },
    { "xen42",  -1, -2, false },
    { "spread", -1, -1, true  },
    { "greedy", -1, -2, true  },
    { "spread",  0, -1, false },
    { "xen43",   1, -1, true  },
    { "spread", -1,  0, false },
    { "xen43",  -1,  1, true  },
    { "xen43",   1,  0, true  },    /* the option beats the key */
    { "spread",  0,  1, false },
};

START_TEST(test_dma_aware)
{
    placeopts po;
    guestcfg g;

    placeopts_init(&po);
    guestcfg_init(&g);
    if (aware_cases[_i].opt >= 0) {
        po.dma_aware_given = true;
        po.dma_aware = aware_cases[_i].opt;
    }
    if (aware_cases[_i].key >= 0) {
        g.dma_aware_given = true;
        g.dma_aware = aware_cases[_i].key;
    }
    ck_assert_int_eq(locality_dma_aware(&po, aware_cases[_i].key == -2
                                        ? NULL : &g,
                                        xlnuma_policy_find(test_ctx,
                                            aware_cases[_i].policy)),
                     aware_cases[_i].want);
    guestcfg_dispose(&g);
}
END_TEST

/* The fixture's host: 2 nodes of 4 GiB, 2 GiB free each, no DMA split:
 * estimated by Xen's rule, 30 bits (a quarter of node 0 is 1 GiB), so
 * node 0 has 1 GiB free above the width and node 1 2 GiB. */
static const struct predict_case {
    const char *what;
    int type;                       /* -1: the raw form */
    uint64_t memory_mib;            /* or the raw need */
    const char *nodes;
    unsigned vnodes;                /* vNUMA: that many of memory/vnodes */
    bool have;
    uint64_t want[2];
    const char *note, *err;
} predict_cases[] = {
    { "PV guest on node 0", XLNUMA_GUEST_PV, 128, "0", 0, true,
      { 32768, 0 }, "estimated: DMA width 30 bits", "" },
    /* 512 extents above the width on node 0, the other 256 from node 1
     * before node 0's DMA zone. */
    { "PV guest larger than node 0 above the width", XLNUMA_GUEST_PV, 1536,
      "0", 0, true, { 262144, 131072 }, "estimated",
      "warning: Xen is expected to put 131072 of the guest's 393216 pages "
      "(33.3%) outside node 0" },
    { "the raw form: the need as the guest's memory", -1, 132, "1", 0, true,
      { 0, 33792 }, "estimated", "" },
    { "vNUMA: each vnode on its pnode", XLNUMA_GUEST_HVM, 512, "0-1", 2,
      true, { 65536, 65536 }, NULL, "" },
    { "HVM: no prediction", XLNUMA_GUEST_HVM, 128, "0", 0, false,
      { 0, 0 }, "no prediction: the model is Xen's allocation of a PV "
      "guest's memory, and this guest is HVM", "" },
};

START_TEST(test_predict)
{
    const struct predict_case *c = &predict_cases[_i];
    xlnuma_bitmap nodes = map_of(c->nodes);
    vnuma_node vn[2];
    guestcfg g;
    decision d;

    guestcfg_init(&g);
    decision_init(&d);
    d.kind = DECISION_PLACED;
    ck_assert_int_eq(xlnuma_bitmap_copy(&d.res.best.nodes, &nodes), 0);
    if (c->type >= 0) {
        g.guest.type = (xlnuma_guest_type)c->type;
        g.guest.memory_kib = c->memory_mib * 1024;
    } else {
        d.req.need_kib = c->memory_mib * 1024;
    }
    memset(vn, 0, sizeof(vn));
    for (unsigned v = 0; v < c->vnodes; v++) {
        vn[v].pnode = v;
        vn[v].size_mib = c->memory_mib / c->vnodes;
    }
    if (c->vnodes) {
        d.vnodes = vn;
        d.nr_vnodes = c->vnodes;
    }
    ck_assert_int_eq(locality_predict(host, c->type >= 0 ? &g : NULL, &d),
                     0);
    d.vnodes = NULL;
    d.nr_vnodes = 0;
    ck_assert_int_eq(d.have_expect, c->have);
    if (c->have) {
        uint64_t local = 0;

        ck_assert_uint_eq(d.expect_nr, 2);
        for (unsigned n = 0; n < 2; n++) {
            ck_assert_msg(d.expect_per_node[n] == c->want[n], "%s: node %u: "
                          "%llu pages, expected %llu", c->what, n,
                          (unsigned long long)d.expect_per_node[n],
                          (unsigned long long)c->want[n]);
            if (xlnuma_bitmap_test(&nodes, n))
                local += c->want[n];
        }
        ck_assert_uint_eq(d.expect_pages, c->want[0] + c->want[1]);
        ck_assert_uint_eq(d.expect_local, local);
    }
    if (c->note)
        ck_assert_msg(d.expect_note && strstr(d.expect_note, c->note),
                      "%s: note \"%s\"", c->what,
                      d.expect_note ? d.expect_note : "(none)");
    else
        ck_assert_ptr_null(d.expect_note);
    ck_assert_msg(strstr(last_err, c->err), "%s: message \"%s\"", c->what,
                  last_err);
    decision_dispose(&d);
    guestcfg_dispose(&g);
    xlnuma_bitmap_dispose(&nodes);
}
END_TEST

/* A DMA-aware request on a host without the split decides on a copy
 * with the split estimated; any other request on the host itself. */
START_TEST(test_estimated_host)
{
    const xlnuma_host *use = NULL;
    decision d;

    decision_init(&d);
    ck_assert_int_eq(locality_host(host, &d, &use), 0);
    ck_assert_ptr_eq(use, host);
    ck_assert_ptr_null(d.dma_host);
    d.req.dma_aware = true;
    ck_assert_int_eq(locality_host(host, &d, &use), 0);
    ck_assert_ptr_eq(use, d.dma_host);
    ck_assert(xlnuma_host_dma_known(use));
    ck_assert_uint_eq(xlnuma_host_node(use, 0)->dmafree_kib, GIB);
    ck_assert_uint_eq(xlnuma_host_node(use, 1)->dmafree_kib, 0);
    ck_assert_uint_eq(xlnuma_host_node(use, 0)->memfree_kib, 2 * GIB);
    ck_assert_ptr_nonnull(strstr(d.expect_note, "estimated"));
    decision_dispose(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli");
    TCase *tc;

    tc = tcase_create("format_list");
    tcase_add_checked_fixture(tc, setup_host, teardown_host);
    tcase_add_loop_test(tc, test_format_list, 0, ARRAY_SIZE(format_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("cpulist");
    tcase_add_checked_fixture(tc, setup_host, teardown_host);
    tcase_add_loop_test(tc, test_cpulist, 0, ARRAY_SIZE(cpulist_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("overrides");
    tcase_add_checked_fixture(tc, setup_host, teardown_host);
    tcase_add_loop_test(tc, test_overrides, 0, ARRAY_SIZE(override_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("split");
    tcase_add_checked_fixture(tc, setup_host, teardown_host);
    tcase_add_loop_test(tc, test_split, 0, ARRAY_SIZE(split_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("locality");
    tcase_add_checked_fixture(tc, setup_host, teardown_host);
    tcase_add_loop_test(tc, test_pct, 0, ARRAY_SIZE(pct_cases));
    tcase_add_loop_test(tc, test_dma_aware, 0, ARRAY_SIZE(aware_cases));
    tcase_add_loop_test(tc, test_predict, 0, ARRAY_SIZE(predict_cases));
    tcase_add_test(tc, test_estimated_host);
    suite_add_tcase(s, tc);

    return xlnuma_test_run(s);
}
