/* SPDX-License-Identifier: LGPL-2.1-only */
/* check_engine.c: what the engine adds to the bare decision -- the
 * explanation, bounds on big hosts, plug-ins, the host model's checks. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* The seed's DL980: 8 nodes x 10 cpus, SLIT 10/12/17/19. */
static const unsigned dl980_slit[8][8] = {
    { 10, 12, 17, 17, 19, 19, 19, 19 },
    { 12, 10, 17, 17, 19, 19, 19, 19 },
    { 17, 17, 10, 12, 19, 19, 19, 19 },
    { 17, 17, 12, 10, 19, 19, 19, 19 },
    { 19, 19, 19, 19, 10, 12, 17, 17 },
    { 19, 19, 19, 19, 12, 10, 17, 17 },
    { 19, 19, 19, 19, 17, 17, 10, 12 },
    { 19, 19, 19, 19, 17, 17, 12, 10 },
};
static const unsigned dl980_free_mib[8] = {
    15837, 15965, 15912, 15890, 15950, 15871, 15923, 14665,
};

static xlnuma_host *dl980(void)
{
    xlnuma_host *h;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    for (unsigned n = 0; n < 8; n++) {
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, n,
                         (n ? 16384 : 16373) * MIB, dl980_free_mib[n] * MIB),
                         0);
        for (unsigned m = 0; m < 8; m++)
            ck_assert_int_eq(xlnuma_host_set_distance(test_ctx, h, n, m,
                                                      dl980_slit[n][m]), 0);
        for (unsigned c = 0; c < 10; c++)
            ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, n * 10 + c,
                                                 (int)c, (int)n, (int)n), 0);
    }
    return h;
}

static void place(xlnuma_host *h, const char *policy, uint64_t need,
                  unsigned vcpus, bool explain, xlnuma_result *res)
{
    xlnuma_request req;

    xlnuma_request_init(&req);
    req.need_kib = need;
    req.vcpus = vcpus;
    req.policy = xlnuma_policy_find(test_ctx, policy);
    ck_assert_ptr_nonnull(req.policy);
    req.explain = explain;
    ck_assert_int_eq(xlnuma_place(test_ctx, h, &req, res), 0);
    xlnuma_request_dispose(&req);
}

static char *nodes_of(const xlnuma_result *res)
{
    return xlnuma_bitmap_format(&res->best.nodes);
}

START_TEST(test_dl980_policies)
{
    static const struct { const char *pol; uint64_t need; unsigned vcpus;
                          const char *nodes; } c[] = {
        /* 12 GiB, 4 vCPUs: one node.  xen43/spread: most free = node 1
         * (15965); packed: least free that fits = node 7 (14665);
         * greedy: first = node 0; closest: all singles distance 0, then
         * load 0 everywhere, then most free = node 1. */
        { "xen43",   12 * GIB, 4, "1" },
        { "spread",  12 * GIB, 4, "1" },
        { "packed",  12 * GIB, 4, "7" },
        { "greedy",  12 * GIB, 4, "0" },
        { "closest", 12 * GIB, 4, "1" },
        /* 16 vCPUs need two nodes.  xen43 takes the most free pair
         * {1,4} (15965+15950) at distance 19; closest takes a pair at
         * 12: {0,1} 31802, {2,3} 31802, {4,5} 31821, {6,7} 30588 ->
         * {4,5}. */
        { "xen43",   8 * GIB, 16, "1,4" },
        { "closest", 8 * GIB, 16, "4-5" },
        /* docs/placement.md's worked example: 20578 MiB, 16 vCPUs. */
        { "xen43",   20578 * MIB, 16, "1,4" },
        { "closest", 20578 * MIB, 16, "4-5" },
        { "packed",  20578 * MIB, 16, "0,7" },
        { "greedy",  20578 * MIB, 16, "0-1" },
        { "spread",  20578 * MIB, 16, "1,4" },
        { "xen42",   20578 * MIB, 16, "1,4" },
        /* 20 GiB needs two nodes by memory alone. */
        { "packed",  20 * GIB, 1, "0,7" },
    };

    for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
        xlnuma_host *h = dl980();
        xlnuma_result res;
        char *s;

        ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
        xlnuma_result_init(&res);
        place(h, c[i].pol, c[i].need, c[i].vcpus, false, &res);
        ck_assert_int_eq(res.outcome, XLNUMA_PLACED);
        s = nodes_of(&res);
        ck_assert_msg(!strcmp(s, c[i].nodes), "%s: got %s, want %s",
                      c[i].pol, s, c[i].nodes);
        if (!strcmp(c[i].pol, "closest") && res.best.nr_nodes == 2)
            ck_assert_uint_eq(res.best.max_distance, 12);
        free(s);
        xlnuma_result_dispose(&res);
        xlnuma_host_free(h);
    }
}
END_TEST

START_TEST(test_explain_small)
{
    xlnuma_host *h = dl980();
    xlnuma_result res;
    unsigned chosen = 0, lost = 0, shortm = 0;

    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    xlnuma_result_init(&res);
    /* 20 GiB: every single node is short; 28 pairs all fit. */
    place(h, "xen43", 20 * GIB, 2, true, &res);
    ck_assert_int_eq(res.outcome, XLNUMA_PLACED);
    ck_assert(!res.trace_truncated);
    ck_assert_uint_eq(res.nr_trace, 8 + 28);
    for (unsigned i = 0; i < res.nr_trace; i++) {
        const xlnuma_explained *e = &res.trace[i];

        if (e->verdict == XLNUMA_VERDICT_CHOSEN)
            chosen++;
        else if (e->verdict == XLNUMA_VERDICT_LOST)
            lost++;
        else if (e->verdict == XLNUMA_VERDICT_SHORT_MEMORY) {
            shortm++;
            ck_assert_uint_eq(e->c.nr_nodes, 1);
            ck_assert_uint_eq(e->short_kib,
                              20 * GIB - dl980_free_mib[i] * MIB);
        }
    }
    ck_assert_uint_eq(chosen, 1);
    ck_assert_uint_eq(lost, 27);
    ck_assert_uint_eq(shortm, 8);
    /* winner {1,4} (15965+15950), runner-up {1,6} (15965+15923): more
     * free memory won */
    ck_assert(res.has_runner_up);
    {
        char *w = xlnuma_bitmap_format(&res.best.nodes);
        char *r = xlnuma_bitmap_format(&res.runner_up.nodes);

        ck_assert_str_eq(w, "1,4");
        ck_assert_str_eq(r, "1,6");
        free(w);
        free(r);
    }
    ck_assert_int_eq(xlnuma_deciding_key(res.policy, &res.best,
                                         &res.runner_up),
                     XLNUMA_KEY_FREE_MORE);
    xlnuma_result_dispose(&res);
    xlnuma_host_free(h);
}
END_TEST

/* 1024 nodes x 16 cpus: no node-count cutoff, and the walk is bounded. */
START_TEST(test_huge_host)
{
    xlnuma_host *h = test_host_uniform(1024, 16, 64 * GIB, 60 * GIB);
    xlnuma_result res;

    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    xlnuma_result_init(&res);
    /* needs 512 nodes' memory: all equal, so the first 512 win */
    place(h, "xen43", 512 * 60 * GIB, 8, false, &res);
    ck_assert_int_eq(res.outcome, XLNUMA_PLACED);
    ck_assert_uint_eq(res.best.nr_nodes, 512);
    ck_assert_uint_eq(res.best.free_kib, 512 * 60 * GIB);
    ck_assert_int_eq(xlnuma_bitmap_next(&res.best.nodes, 0), 0);
    ck_assert_int_eq(xlnuma_bitmap_next(&res.best.nodes, 512), -1);
    ck_assert_uint_lt(res.nr_evaluated, 100000);
    xlnuma_result_dispose(&res);
    xlnuma_host_free(h);
}
END_TEST

static int prefer_high_ids(const xlnuma_candidate *a,
                           const xlnuma_candidate *b, void *priv)
{
    int la = -1, lb = -1;

    (void)priv;
    xlnuma_bitmap_for_each(i, &a->nodes)
        la = i;
    xlnuma_bitmap_for_each(i, &b->nodes)
        lb = i;
    return lb - la;
}

static bool no_node_zero(const xlnuma_candidate *c, void *priv)
{
    (void)priv;
    return !xlnuma_bitmap_test(&c->nodes, 0);
}

START_TEST(test_plugin)
{
    static const xlnuma_policy hi = {
        .name = "test-high", .compare = prefer_high_ids,
    };
    static const xlnuma_policy nz = {
        .name = "test-nozero", .filter = no_node_zero,
    };
    static const xlnuma_policy bad = { .name = "xen43",
                                       .compare = prefer_high_ids };
    xlnuma_host *h = dl980();
    xlnuma_result res;
    char *s;

    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    ck_assert_int_eq(xlnuma_policy_register(test_ctx, &hi), 0);
    ck_assert_int_eq(xlnuma_policy_register(test_ctx, &nz), 0);
    ck_assert_int_eq(xlnuma_policy_register(test_ctx, &hi),
                     XLNUMA_ERROR_INVAL);
    ck_assert_int_eq(xlnuma_policy_register(test_ctx, &bad),
                     XLNUMA_ERROR_INVAL);
    xlnuma_result_init(&res);
    place(h, "test-high", GIB, 1, false, &res);
    s = nodes_of(&res);
    ck_assert_str_eq(s, "7");
    free(s);
    place(h, "test-nozero", GIB, 1, false, &res);
    s = nodes_of(&res);
    ck_assert_str_eq(s, "1");   /* first passing the filter */
    free(s);
    xlnuma_result_dispose(&res);
    ck_assert_ptr_null(xlnuma_policy_find(test_ctx, "nosuch"));
    ck_assert_ptr_nonnull(strstr(test_log_text(), "nosuch"));
    xlnuma_host_free(h);
}
END_TEST

/* The host model refuses inconsistent descriptions, naming the values. */
START_TEST(test_host_invariants)
{
    xlnuma_host *h;
    xlnuma_bitmap b;

    /* free > size */
    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, 0, 100, 200), 0);
    ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, 0, 0, 0, 0), 0);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h),
                     XLNUMA_ERROR_INCONSISTENT);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "exceeds its size"));
    xlnuma_host_free(h);

    /* cpu on an undescribed node */
    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, 0, 100, 50), 0);
    ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, 0, 0, 0, 3), 0);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h),
                     XLNUMA_ERROR_INCONSISTENT);
    xlnuma_host_free(h);

    /* a cpu in two pools; a pool holding an offline cpu */
    xlnuma_bitmap_init(&b);
    h = test_host_uniform(2, 2, GIB, GIB);
    ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, "0-2", 0, &b), 0);
    ck_assert_int_eq(xlnuma_host_add_pool(test_ctx, h, 0, "Pool-0", NULL,
                                          &b), 0);
    ck_assert_int_eq(xlnuma_host_add_pool(test_ctx, h, 1, "p1", NULL, &b),
                     0);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h),
                     XLNUMA_ERROR_INCONSISTENT);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "is in cpupools"));
    xlnuma_host_free(h);

    /* asymmetric but valid SLIT; local larger than remote is not */
    h = test_host_uniform(2, 1, GIB, GIB);
    ck_assert_int_eq(xlnuma_host_set_distance(test_ctx, h, 0, 0, 30), 0);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h),
                     XLNUMA_ERROR_INCONSISTENT);
    xlnuma_host_free(h);

    /* absurd sizes and ids */
    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, 1000000, 1, 1),
                     XLNUMA_ERROR_RANGE);
    ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, 0, UINT64_MAX, 1),
                     XLNUMA_ERROR_RANGE);
    ck_assert_int_eq(xlnuma_host_set_distance(test_ctx, h, 0, 1, 0),
                     XLNUMA_ERROR_RANGE);
    ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, 1u << 30, 0, 0, 0),
                     XLNUMA_ERROR_RANGE);
    xlnuma_host_free(h);

    /* unknown pool of a domain */
    h = test_host_uniform(2, 1, GIB, GIB);
    test_host_add_domain(h, 0, "Domain-0", 5, 1, NULL, NULL);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h),
                     XLNUMA_ERROR_INCONSISTENT);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "cpupool 5"));
    xlnuma_host_free(h);
    xlnuma_bitmap_dispose(&b);
}
END_TEST

/* dup + take memory: the state-file path of `xl-numa create'. */
START_TEST(test_dup)
{
    xlnuma_host *h = test_host_uniform(2, 2, 4 * GIB, 4 * GIB), *c;

    test_host_add_domain(h, 0, "Domain-0", 0, 2, NULL, NULL);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    ck_assert_int_eq(xlnuma_host_dup(test_ctx, h, &c), 0);
    ck_assert_int_eq(xlnuma_host_take_memory(test_ctx, c, 1, GIB), 0);
    ck_assert_int_eq(xlnuma_host_take_memory(test_ctx, c, 1, 4 * GIB),
                     XLNUMA_ERROR_RANGE);
    ck_assert_int_eq(xlnuma_host_remove_domain(test_ctx, c, "nosuch"),
                     XLNUMA_ERROR_NOTFOUND);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, c), 0);
    ck_assert_uint_eq(xlnuma_host_node(c, 1)->memfree_kib, 3 * GIB);
    ck_assert_uint_eq(xlnuma_host_node(h, 1)->memfree_kib, 4 * GIB);
    ck_assert_uint_eq(xlnuma_host_nr_domains(c), 1);
    ck_assert_uint_eq(xlnuma_host_node(c, 0)->distance[1], 20);
    ck_assert_int_eq(xlnuma_host_add_node(test_ctx, c, 5, 1, 1),
                     XLNUMA_ERROR_INVAL);   /* finished: read-only */
    xlnuma_host_free(c);
    xlnuma_host_free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("policies");

    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(tc, test_dl980_policies);
    tcase_add_test(tc, test_explain_small);
    tcase_add_test(tc, test_plugin);
    suite_add_tcase(s, tc);
    tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_huge_host);
    suite_add_tcase(s, tc);
    tc = tcase_create("host");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(tc, test_host_invariants);
    tcase_add_test(tc, test_dup);
    suite_add_tcase(s, tc);
    return xlnuma_test_run(s);
}
