/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_guard.c: unit tests of the over-commit guard's split of a
 * guest's memory over its nodes (xl_ext/guard.c) and of the vNUMA plan
 * and its override lines (xl_ext/vnuma.c), below what the golden tests
 * see.  Every row is worked by hand.
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

/* ---- guard_waterfill -------------------------------------------------- */

#define MAXN 4

static const struct {
    unsigned nr;
    uint64_t free[MAXN], reserve[MAXN], amount;
    uint64_t take[MAXN], shortfall[MAXN];
} fill_cases[] = {
    /* Equal parts while every node has them. */
    { 2, { 1000, 3000 }, { 0, 0 }, 2000, { 1000, 1000 }, { 0, 0 } },
    /* Node 0 runs out: it gives 1000, node 1 the other 2000. */
    { 2, { 1000, 3000 }, { 0, 0 }, 3000, { 1000, 2000 }, { 0, 0 } },
    /* 7 over 3: 2 each, the last KiB to the lowest id. */
    { 3, { 5, 5, 5 }, { 0, 0, 0 }, 7, { 3, 2, 2 }, { 0, 0, 0 } },
    /* The node in the middle runs out at 1; 14 over the two others. */
    { 3, { 10, 1, 10 }, { 0, 0, 0 }, 15, { 7, 1, 7 }, { 0, 0, 0 } },
    /* Exactly all of it. */
    { 2, { 10, 20 }, { 0, 0 }, 30, { 10, 20 }, { 0, 0 } },
    /* 10 more than the nodes have: 5 each beyond their free memory. */
    { 2, { 10, 20 }, { 0, 0 }, 40, { 15, 25 }, { 5, 5 } },
    /* The lab host (MiB as KiB here), headroom 200: node 1 gives all
     * its 980, 200 of it from its headroom. */
    { 2, { 1288, 980 }, { 200, 200 }, 2000, { 1020, 980 }, { 0, 200 } },
    /* pin: 956 each; node 1 can give 880. */
    { 2, { 1288, 980 }, { 100, 100 }, 1912, { 956, 956 }, { 0, 76 } },
    /* A reserve larger than the free memory: all of the take is short. */
    { 2, { 100, 100 }, { 150, 0 }, 100, { 50, 50 }, { 50, 0 } },
    /* Nothing to take. */
    { 3, { 5, 5, 5 }, { 1, 1, 1 }, 0, { 0, 0, 0 }, { 0, 0, 0 } },
    /* One node. */
    { 1, { 64 }, { 16 }, 64, { 64 }, { 16 } },
    /* Four nodes, two of them small. */
    { 4, { 2, 100, 3, 100 }, { 0, 0, 0, 0 }, 105, { 2, 50, 3, 50 },
      { 0, 0, 0, 0 } },
};

START_TEST(test_waterfill)
{
    node_share s[MAXN];
    uint64_t sum = 0;
    unsigned nr = fill_cases[_i].nr;

    memset(s, 0, sizeof(s));
    for (unsigned i = 0; i < nr; i++) {
        s[i].node = i;
        s[i].free_kib = fill_cases[_i].free[i];
        s[i].reserve_kib = fill_cases[_i].reserve[i];
    }
    guard_waterfill(s, nr, fill_cases[_i].amount);
    for (unsigned i = 0; i < nr; i++) {
        ck_assert_msg(s[i].take_kib == fill_cases[_i].take[i],
                      "node %u takes %llu, expected %llu", i,
                      (unsigned long long)s[i].take_kib,
                      (unsigned long long)fill_cases[_i].take[i]);
        ck_assert_msg(s[i].short_kib == fill_cases[_i].shortfall[i],
                      "node %u short by %llu, expected %llu", i,
                      (unsigned long long)s[i].short_kib,
                      (unsigned long long)fill_cases[_i].shortfall[i]);
        sum += s[i].take_kib;
    }
    ck_assert_uint_eq(sum, fill_cases[_i].amount);
}
END_TEST

/* The reserve: headroom KiB + pct% of the size, as the engine's. */
START_TEST(test_reserve)
{
    xlnuma_request req;
    xlnuma_node n;

    memset(&n, 0, sizeof(n));
    xlnuma_request_init(&req);
    n.memsize_kib = 1536 * MIB;
    req.headroom_pct = 30;              /* 471859.2 KiB, rounded down */
    ck_assert_uint_eq(guard_reserve_kib(&n, &req), 471859);
    req.headroom_kib = 256 * MIB;
    req.headroom_pct = 10;
    ck_assert_uint_eq(guard_reserve_kib(&n, &req),
                      256 * MIB + 157286);
    n.memsize_kib = UINT64_MAX;         /* saturates, never wraps */
    req.headroom_kib = UINT64_MAX - 1;
    ck_assert_uint_eq(guard_reserve_kib(&n, &req), UINT64_MAX);
    xlnuma_request_dispose(&req);
}
END_TEST

/* ---- vnuma_plan and vnuma_overrides ----------------------------------- */

/* 4 nodes of 2 pCPUs, SLIT 10 + 5 per hop (the 4-node lab host's). */
static xlnuma_host *host;

static void setup_host(void)
{
    test_ctx_setup();
    cli.ctx = test_ctx;
    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &host), 0);
    for (unsigned n = 0; n < 4; n++) {
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, host, n, 4 * GIB,
                                              2 * GIB), 0);
        for (unsigned m = 0; m < 4; m++)
            ck_assert_int_eq(xlnuma_host_set_distance(test_ctx, host, n, m,
                                                      10 + 5 * (n > m ? n - m
                                                                : m - n)),
                             0);
        for (unsigned c = 0; c < 2; c++)
            ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, host, 2 * n + c,
                                                 (int)c, (int)n, (int)n), 0);
    }
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, host), 0);
}

static void teardown_host(void)
{
    xlnuma_host_free(host);
    host = NULL;
    cli.ctx = NULL;
    test_ctx_teardown();
}

static xlnuma_bitmap map_of(const char *list)
{
    xlnuma_bitmap b;

    xlnuma_bitmap_init(&b);
    if (*list)
        ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, list, 0, &b), 0);
    return b;
}

static const struct {
    const char *nodes, *cpus;   /* chosen nodes and pCPUs */
    xlnuma_guest_type type;
    uint64_t memory_mib, maxmem_mib;
    unsigned vcpus;
    bool stdvga, pin;
    int ret;
    const char *lines[3];       /* the overrides, when ret is 0 */
} plan_cases[] = {
    /* Even: 768 MiB and 2 vCPUs a vnode; the SLIT rows of 0 and 1. */
    { "0-1", "0-3", XLNUMA_GUEST_PVH, 1536, 0, 4, false, false, 0,
      { "vnuma=[[\"pnode=0\",\"size=768\",\"vcpus=0-1\","
        "\"vdistances=10,15\"],[\"pnode=1\",\"size=768\",\"vcpus=2-3\","
        "\"vdistances=15,10\"]]",
        "cpus_soft=[\"nodes:0\",\"nodes:0\",\"nodes:1\",\"nodes:1\"]",
        NULL } },
    /* Nodes 0, 2, 3: 1000 MiB as 334 + 333 + 333, 7 vCPUs as 3 + 2 + 2;
     * rows restricted to those nodes (node 0: 10, 20, 25). */
    { "0,2-3", "0-1,4-7", XLNUMA_GUEST_HVM, 1000, 0, 7, false, false, 0,
      { "vnuma=[[\"pnode=0\",\"size=334\",\"vcpus=0-2\","
        "\"vdistances=10,20,25\"],[\"pnode=2\",\"size=333\","
        "\"vcpus=3-4\",\"vdistances=20,10,15\"],[\"pnode=3\","
        "\"size=333\",\"vcpus=5-6\",\"vdistances=25,15,10\"]]",
        "cpus_soft=[\"nodes:0\",\"nodes:0\",\"nodes:0\",\"nodes:2\","
        "\"nodes:2\",\"nodes:3\",\"nodes:3\"]", NULL } },
    /* maxmem= is what the vnodes add up to; one vCPU in vnode 1. */
    { "2-3", "4-7", XLNUMA_GUEST_PVH, 512, 513, 3, false, false, 0,
      { "vnuma=[[\"pnode=2\",\"size=257\",\"vcpus=0-1\","
        "\"vdistances=10,15\"],[\"pnode=3\",\"size=256\",\"vcpus=2\","
        "\"vdistances=15,10\"]]",
        "cpus_soft=[\"nodes:2\",\"nodes:2\",\"nodes:3\"]", NULL } },
    /* Pin mode, and a mask that left one pCPU of node 1. */
    { "0-1", "0-1,3", XLNUMA_GUEST_PVH, 256, 0, 2, false, true, 0,
      { "vnuma=[[\"pnode=0\",\"size=128\",\"vcpus=0\","
        "\"vdistances=10,15\"],[\"pnode=1\",\"size=128\",\"vcpus=1\","
        "\"vdistances=15,10\"]]",
        "cpus=[\"nodes:0\",\"3\"]", "cpus_soft=[\"nodes:0\",\"3\"]" } },
    /* One vCPU cannot make two vnodes. */
    { "0-1", "0-3", XLNUMA_GUEST_PVH, 256, 0, 1, false, false,
      XL_NUMA_EXIT_ERROR, { NULL } },
    /* 3 MiB cannot give 4 vnodes 1 MiB each. */
    { "0-3", "0-7", XLNUMA_GUEST_PVH, 3, 0, 4, false, false,
      XL_NUMA_EXIT_ERROR, { NULL } },
    /* HVM: vnode 0 holds the video memory: 8 MiB cirrus fits 12... */
    { "0-1", "0-3", XLNUMA_GUEST_HVM, 24, 0, 2, false, false, 0,
      { "vnuma=[[\"pnode=0\",\"size=12\",\"vcpus=0\","
        "\"vdistances=10,15\"],[\"pnode=1\",\"size=12\",\"vcpus=1\","
        "\"vdistances=15,10\"]]",
        "cpus_soft=[\"nodes:0\",\"nodes:1\"]", NULL } },
    /* ... 16 MiB stdvga does not. */
    { "0-1", "0-3", XLNUMA_GUEST_HVM, 24, 0, 2, true, false,
      XL_NUMA_EXIT_ERROR, { NULL } },
};

START_TEST(test_plan)
{
    xlnuma_bitmap nodes = map_of(plan_cases[_i].nodes);
    xlnuma_bitmap cpus = map_of(plan_cases[_i].cpus);
    guestcfg g;
    decision d;
    int ret;

    guestcfg_init(&g);
    decision_init(&d);
    g.source = strdup("test.cfg");
    g.guest.type = plan_cases[_i].type;
    g.guest.memory_kib = plan_cases[_i].memory_mib * 1024;
    g.guest.maxmem_kib = plan_cases[_i].maxmem_mib * 1024;
    g.guest.stdvga = plan_cases[_i].stdvga;
    d.req.vcpus = plan_cases[_i].vcpus;
    d.pin = plan_cases[_i].pin;
    ck_assert_int_eq(xlnuma_bitmap_copy(&d.res.best.nodes, &nodes), 0);
    ck_assert_int_eq(xlnuma_bitmap_copy(&d.res.cpus, &cpus), 0);
    d.res.best.nr_nodes = xlnuma_bitmap_count(&nodes);

    ret = vnuma_plan(host, &g, &d);
    ck_assert_int_eq(ret, plan_cases[_i].ret);
    if (!ret) {
        unsigned want = 0, vcpus = 0;

        ck_assert_uint_eq(d.nr_vnodes, xlnuma_bitmap_count(&nodes));
        for (unsigned v = 0; v < d.nr_vnodes; v++) {
            xlnuma_bitmap mine;

            /* every vCPU in one vnode, in order */
            ck_assert_uint_eq(d.vnodes[v].first_vcpu, vcpus);
            vcpus += d.vnodes[v].nr_vcpus;
            xlnuma_bitmap_init(&mine);
            ck_assert_int_eq(vnuma_vcpu_cpus(host, &d,
                                             d.vnodes[v].first_vcpu,
                                             &mine), 0);
            ck_assert(xlnuma_bitmap_subset(&mine, &cpus));
            xlnuma_bitmap_dispose(&mine);
        }
        ck_assert_uint_eq(vcpus, plan_cases[_i].vcpus);
        ck_assert_int_eq(vnuma_overrides(host, &d), 0);
        while (want < 3 && plan_cases[_i].lines[want])
            want++;
        ck_assert_uint_eq(d.nr_overrides, want);
        for (unsigned i = 0; i < want; i++)
            ck_assert_str_eq(d.overrides[i], plan_cases[_i].lines[i]);
    } else {
        ck_assert_ptr_nonnull(strstr(last_err, "--vnuma"));
        ck_assert_uint_eq(d.nr_vnodes, 0);
    }
    decision_dispose(&d);
    guestcfg_dispose(&g);
    xlnuma_bitmap_dispose(&nodes);
    xlnuma_bitmap_dispose(&cpus);
}
END_TEST

/* What xl and libxl refuse, before any placement. */
START_TEST(test_check_guest)
{
    guestcfg g;

    guestcfg_init(&g);
    g.source = strdup("test.cfg");
    g.guest.type = XLNUMA_GUEST_HVM;
    g.guest.memory_kib = 512 * MIB;
    ck_assert_int_eq(vnuma_check_guest(&g), 0);
    g.guest.type = XLNUMA_GUEST_PV;
    ck_assert_int_eq(vnuma_check_guest(&g), XL_NUMA_EXIT_ERROR);
    ck_assert_ptr_nonnull(strstr(last_err, "PV vNUMA is not yet supported"));
    g.guest.type = XLNUMA_GUEST_PVH;
    ck_assert_int_eq(vnuma_check_guest(&g), XL_NUMA_EXIT_ERROR);
    ck_assert_ptr_nonnull(strstr(last_err, "xc_domain_getvnuma failed"));
    g.guest.type = XLNUMA_GUEST_HVM;
    g.guest.maxmem_kib = 1024 * MIB;
    ck_assert_int_eq(vnuma_check_guest(&g), XL_NUMA_EXIT_ERROR);
    ck_assert_ptr_nonnull(strstr(last_err, "populate-on-demand"));
    g.guest.maxmem_kib = 512 * MIB;
    ck_assert_int_eq(vnuma_check_guest(&g), 0);
    g.nr_vnodes = 2;
    ck_assert_int_eq(vnuma_check_guest(&g), XL_NUMA_EXIT_ERROR);
    ck_assert_ptr_nonnull(strstr(last_err, "its own vnuma= (2 vnodes)"));
    g.nr_vnodes = 0;
    g.cpus.is_list = true;
    ck_assert_int_eq(vnuma_check_guest(&g), XL_NUMA_EXIT_ERROR);
    ck_assert_ptr_nonnull(strstr(last_err, "per-vCPU list"));
    g.cpus.is_list = false;
    guestcfg_dispose(&g);
}
END_TEST

/* The cores the engine counts with smt_cores, for messages. */
START_TEST(test_suitable_cores)
{
    xlnuma_request req;
    unsigned cores;

    xlnuma_request_init(&req);
    req.pool = -1;
    /* test host: core c of socket n for pCPUs 2n + c: 8 cores */
    ck_assert_int_eq(guard_suitable_cores(host, &req, &cores), 0);
    ck_assert_uint_eq(cores, 8);
    req.cpus = map_of("0-2");
    ck_assert_int_eq(guard_suitable_cores(host, &req, &cores), 0);
    ck_assert_uint_eq(cores, 3);
    xlnuma_request_dispose(&req);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("guard");
    TCase *tc;

    tc = tcase_create("waterfill");
    tcase_add_loop_test(tc, test_waterfill, 0, ARRAY_SIZE(fill_cases));
    tcase_add_test(tc, test_reserve);
    suite_add_tcase(s, tc);

    tc = tcase_create("vnuma");
    tcase_add_checked_fixture(tc, setup_host, teardown_host);
    tcase_add_loop_test(tc, test_plan, 0, ARRAY_SIZE(plan_cases));
    tcase_add_test(tc, test_check_guest);
    tcase_add_test(tc, test_suitable_cores);
    suite_add_tcase(s, tc);

    return xlnuma_test_run(s);
}
