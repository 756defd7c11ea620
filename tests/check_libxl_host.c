/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_libxl_host.c: the adapter against a live Xen.  Exits 77 (automake
 * SKIP) when there is no hypervisor: libxl_ctx_alloc fails, or
 * libxl_get_numainfo does.  Where it runs (dom0 of a lab host), it checks
 * the host model read through libxl against what libxl says directly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxl.h>
#include <libxl_utils.h>

#include "testutil.h"
#include "xlnuma_libxl.h"

#define SKIP 77

static libxl_ctx *lctx;
static xentoollog_logger_stdiostream *xtl;
static xlnuma_host *live;

/* A libxl ctx per test: check forks each test, and a libxl ctx must not
 * be used across a fork. */
static void setup_live(void)
{
    test_ctx_setup();
    xtl = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
    ck_assert_ptr_nonnull(xtl);
    ck_assert_int_eq(libxl_ctx_alloc(&lctx, LIBXL_VERSION, 0,
                                     (xentoollog_logger *)xtl), 0);
    ck_assert_msg(xlnuma_host_from_libxl(test_ctx, lctx, &live) == 0,
                  "xlnuma_host_from_libxl failed:\n%s", test_log_text());
}

static void teardown_live(void)
{
    xlnuma_host_free(live);
    live = NULL;
    libxl_ctx_free(lctx);
    lctx = NULL;
    xtl_logger_destroy((xentoollog_logger *)xtl);
    xtl = NULL;
    test_ctx_teardown();
}

START_TEST(test_nodes)
{
    libxl_numainfo *ni;
    int nr = 0, present = 0;

    ni = libxl_get_numainfo(lctx, &nr);
    ck_assert_ptr_nonnull(ni);
    ck_assert_uint_le(xlnuma_host_nr_nodes(live), (unsigned)nr);
    for (int i = 0; i < nr; i++) {
        const xlnuma_node *n = xlnuma_host_node(live, (unsigned)i);

        if (ni[i].size == LIBXL_NUMAINFO_INVALID_ENTRY) {
            ck_assert(!n || (n->memsize_kib == 0 &&
                             xlnuma_bitmap_is_empty(&n->cpus)));
            continue;
        }
        present++;
        ck_assert_ptr_nonnull(n);
        ck_assert_uint_eq(n->memsize_kib, ni[i].size / 1024);
        /* free memory moves; it stays within the size */
        ck_assert_uint_le(n->memfree_kib, n->memsize_kib);
        ck_assert_uint_eq(n->distance[i], ni[i].dists[i]);
    }
    ck_assert_int_ge(present, 1);
    libxl_numainfo_list_free(ni, nr);
}
END_TEST

START_TEST(test_cpus_pools)
{
    libxl_cputopology *ti;
    libxl_cpupoolinfo *pools;
    int nr = 0, nr_pools = 0;
    unsigned online = 0;
    xlnuma_bitmap pooled;

    ti = libxl_get_cpu_topology(lctx, &nr);
    ck_assert_ptr_nonnull(ti);
    ck_assert_uint_eq(xlnuma_host_nr_cpus(live), (unsigned)nr);
    for (int c = 0; c < nr; c++) {
        const xlnuma_cpu *cpu = xlnuma_host_cpu(live, (unsigned)c);

        if (ti[c].node == LIBXL_CPUTOPOLOGY_INVALID_ENTRY) {
            ck_assert(!cpu->online);
            continue;
        }
        online++;
        ck_assert(cpu->online);
        ck_assert_int_eq(cpu->node, (int)ti[c].node);
        ck_assert(xlnuma_bitmap_test(&xlnuma_host_node(live,
                                                       ti[c].node)->cpus,
                                     (unsigned)c));
    }
    ck_assert_uint_ge(online, 1);
    libxl_cputopology_list_free(ti, nr);

    pools = libxl_list_cpupool(lctx, &nr_pools);
    ck_assert_ptr_nonnull(pools);
    ck_assert_uint_eq(xlnuma_host_nr_pools(live), (unsigned)nr_pools);
    xlnuma_bitmap_init(&pooled);
    for (int p = 0; p < nr_pools; p++) {
        const xlnuma_pool *xp = xlnuma_host_pool_by_id(live,
                                                       pools[p].poolid);

        ck_assert_ptr_nonnull(xp);
        ck_assert_str_eq(xp->name, pools[p].pool_name);
        ck_assert_int_eq(xlnuma_bitmap_from_libxl(&pools[p].cpumap,
                                                  &pooled), 0);
        ck_assert(xlnuma_bitmap_equal(&pooled, &xp->cpus));
    }
    xlnuma_bitmap_dispose(&pooled);
    libxl_cpupoolinfo_list_free(pools, nr_pools);
    ck_assert_ptr_nonnull(xlnuma_host_pool_by_id(live, 0));
}
END_TEST

START_TEST(test_domains)
{
    const xlnuma_domain *d0 = xlnuma_host_domain_by_name(live, "Domain-0");
    xlnuma_bitmap node, hard, soft;
    uint32_t domid = 12345;

    ck_assert_ptr_nonnull(d0);
    ck_assert_uint_eq(d0->domid, 0);
    ck_assert_uint_ge(d0->nr_vcpus, 1);
    ck_assert_uint_gt(d0->mem_kib, 0);
    for (unsigned i = 0; i < xlnuma_host_nr_domains(live); i++) {
        const xlnuma_domain *d = xlnuma_host_domain(live, i);

        ck_assert_ptr_nonnull(xlnuma_host_pool_by_id(live, d->pool));
        for (unsigned v = 0; v < d->nr_vcpus; v++)
            ck_assert_uint_eq(d->vcpus[v].id, v);
    }

    ck_assert_int_eq(xlnuma_libxl_domid_by_name(test_ctx, lctx, "Domain-0",
                                                &domid), 0);
    ck_assert_uint_eq(domid, 0);
    ck_assert_int_eq(xlnuma_libxl_domid_by_name(test_ctx, lctx,
                                                "no-such-domain-xlnuma",
                                                &domid),
                     XLNUMA_ERROR_NOTFOUND);

    xlnuma_bitmap_init(&node);
    xlnuma_bitmap_init(&hard);
    xlnuma_bitmap_init(&soft);
    ck_assert_int_eq(xlnuma_libxl_domain_affinity(test_ctx, lctx, 0, &node,
                                                  &hard, &soft), 0);
    ck_assert(!xlnuma_bitmap_is_empty(&node));
    ck_assert(!xlnuma_bitmap_is_empty(&hard));
    /* the model's maps are the same ones, clipped to the host */
    for (unsigned v = 0; v < d0->nr_vcpus; v++)
        ck_assert(xlnuma_bitmap_subset(&d0->vcpus[v].hard, &hard));
    ck_assert(xlnuma_bitmap_subset(&d0->node_affinity, &node));
    ck_assert_int_eq(xlnuma_libxl_domain_affinity(test_ctx, lctx, 32000,
                                                  &node, NULL, NULL),
                     XLNUMA_ERROR_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(test_log_text(),
                                 "domain 32000 does not exist"));
    xlnuma_bitmap_dispose(&node);
    xlnuma_bitmap_dispose(&hard);
    xlnuma_bitmap_dispose(&soft);
}
END_TEST

/* With a libxl ctx, the maps written are as wide as Xen's. */
START_TEST(test_apply_widths)
{
    libxl_domain_build_info bi;
    xlnuma_result res;
    int first = xlnuma_bitmap_next(&xlnuma_host_pool_by_id(live, 0)->cpus,
                                   0);
    const xlnuma_cpu *cpu;
    int max_nodes = libxl_get_max_nodes(lctx);
    int max_cpus = libxl_get_max_cpus(lctx);

    ck_assert_int_ge(first, 0);
    cpu = xlnuma_host_cpu(live, (unsigned)first);
    xlnuma_result_init(&res);
    res.outcome = XLNUMA_PLACED;
    ck_assert_int_eq(xlnuma_bitmap_set(&res.best.nodes,
                                       (unsigned)cpu->node), 0);
    ck_assert_int_eq(xlnuma_bitmap_set(&res.cpus, (unsigned)first), 0);
    libxl_domain_build_info_init(&bi);
    libxl_domain_build_info_init_type(&bi, LIBXL_DOMAIN_TYPE_PV);
    bi.max_vcpus = 2;
    ck_assert_int_eq(xlnuma_apply_to_build_info(test_ctx, lctx, live, &res,
                                                XLNUMA_MODE_PIN, &bi), 0);
    ck_assert_int_gt(max_nodes, 0);
    ck_assert_int_gt(max_cpus, 0);
    ck_assert_uint_ge(bi.nodemap.size, (unsigned)(max_nodes + 7) / 8);
    ck_assert(libxl_bitmap_test(&bi.nodemap, cpu->node));
    ck_assert_int_eq(bi.num_vcpu_soft_affinity, 2);
    ck_assert_uint_ge(bi.vcpu_soft_affinity[1].size,
                      (unsigned)(max_cpus + 7) / 8);
    ck_assert_uint_ge(bi.vcpu_hard_affinity[0].size,
                      (unsigned)(max_cpus + 7) / 8);
    ck_assert(libxl_bitmap_test(&bi.vcpu_hard_affinity[0], first));
    libxl_domain_build_info_dispose(&bi);
    xlnuma_result_dispose(&res);
}
END_TEST

/* 0 when a hypervisor answers libxl, SKIP otherwise (said on stderr). */
static int probe_xen(void)
{
    xentoollog_logger_stdiostream *lg;
    libxl_ctx *c = NULL;
    libxl_numainfo *ni;
    int nr = 0, rc = 0;

    lg = xtl_createlogger_stdiostream(stderr, XTL_ERROR, 0);
    if (!lg) {
        fprintf(stderr, "cannot create a xentoollog logger\n");
        return -1;
    }
    if (libxl_ctx_alloc(&c, LIBXL_VERSION, 0, (xentoollog_logger *)lg)) {
        fprintf(stderr, "SKIP: libxl_ctx_alloc failed: no Xen hypervisor "
                "here (or not run in dom0 as root)\n");
        rc = SKIP;
        goto out;
    }
    ni = libxl_get_numainfo(c, &nr);
    if (!ni) {
        fprintf(stderr, "SKIP: libxl_get_numainfo failed: no hypervisor "
                "answers\n");
        rc = SKIP;
        goto out;
    }
    libxl_numainfo_list_free(ni, nr);
 out:
    libxl_ctx_free(c);
    xtl_logger_destroy((xentoollog_logger *)lg);
    return rc;
}

int main(void)
{
    Suite *s;
    TCase *tc;
    int rc;

    rc = probe_xen();
    if (rc)
        return rc == SKIP ? SKIP : EXIT_FAILURE;
    s = suite_create("libxl_host");
    tc = tcase_create("live");
    tcase_add_checked_fixture(tc, setup_live, teardown_live);
    tcase_add_test(tc, test_nodes);
    tcase_add_test(tc, test_cpus_pools);
    tcase_add_test(tc, test_domains);
    tcase_add_test(tc, test_apply_widths);
    suite_add_tcase(s, tc);
    return xlnuma_test_run(s);
}
