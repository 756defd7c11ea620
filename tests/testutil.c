/* SPDX-License-Identifier: LGPL-2.1-only */
/* testutil.c: fixtures shared by the check suites. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

struct xlnuma_test_logger {
    xentoollog_logger vtable;
    char *text;
    size_t len;
};

static void cap_vmessage(xentoollog_logger *logger, xentoollog_level level,
                         int errnoval, const char *context,
                         const char *format, va_list al)
{
    xlnuma_test_logger *l = (xlnuma_test_logger *)logger;
    char buf[4096];
    int n = vsnprintf(buf, sizeof(buf), format, al);
    char *t;

    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    t = realloc(l->text, l->len + (size_t)n + 2);
    if (!t)
        return;
    l->text = t;
    memcpy(l->text + l->len, buf, (size_t)n);
    l->len += (size_t)n;
    l->text[l->len++] = '\n';
    l->text[l->len] = '\0';
}

static void cap_progress(xentoollog_logger *logger, const char *context,
                         const char *doing_what, int percent,
                         unsigned long done, unsigned long total)
{
}

static void cap_destroy(xentoollog_logger *logger)
{
}

xlnuma_test_logger *xlnuma_test_logger_new(void)
{
    xlnuma_test_logger *l = calloc(1, sizeof(*l));

    if (!l)
        return NULL;
    l->vtable.vmessage = cap_vmessage;
    l->vtable.progress = cap_progress;
    l->vtable.destroy = cap_destroy;
    return l;
}

xentoollog_logger *xlnuma_test_logger_xtl(xlnuma_test_logger *l)
{
    return &l->vtable;
}

const char *xlnuma_test_logger_text(const xlnuma_test_logger *l)
{
    return l->text ? l->text : "";
}

void xlnuma_test_logger_reset(xlnuma_test_logger *l)
{
    free(l->text);
    l->text = NULL;
    l->len = 0;
}

void xlnuma_test_logger_free(xlnuma_test_logger *l)
{
    if (!l)
        return;
    free(l->text);
    free(l);
}

xlnuma_ctx *test_ctx;
xlnuma_test_logger *test_log;

void test_ctx_setup(void)
{
    test_log = xlnuma_test_logger_new();
    ck_assert_ptr_nonnull(test_log);
    ck_assert_int_eq(xlnuma_ctx_alloc(&test_ctx,
                                      xlnuma_test_logger_xtl(test_log)), 0);
}

void test_ctx_teardown(void)
{
    xlnuma_ctx_free(test_ctx);
    test_ctx = NULL;
    xlnuma_test_logger_free(test_log);
    test_log = NULL;
}

const char *test_log_text(void)
{
    return xlnuma_test_logger_text(test_log);
}

xlnuma_host *test_host_uniform(unsigned nodes, unsigned cpus_per_node,
                               uint64_t size_kib, uint64_t free_kib)
{
    xlnuma_host *h = NULL;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    for (unsigned n = 0; n < nodes; n++) {
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, n, size_kib,
                                              free_kib), 0);
        for (unsigned m = 0; m < nodes; m++)
            ck_assert_int_eq(xlnuma_host_set_distance(test_ctx, h, n, m,
                                                      n == m ? 10 : 20), 0);
        for (unsigned c = 0; c < cpus_per_node; c++)
            ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h,
                                                 n * cpus_per_node + c,
                                                 (int)c, (int)n, (int)n), 0);
    }
    return h;
}

void test_host_add_domain(xlnuma_host *h, uint32_t domid, const char *name,
                          unsigned pool, unsigned vcpus, const char *cpus,
                          const char *nodes)
{
    xlnuma_domain d;

    xlnuma_domain_init(&d);
    d.domid = domid;
    d.name = strdup(name);
    d.pool = pool;
    d.mem_kib = 128 * MIB;
    if (nodes)
        ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, nodes, 0,
                                             &d.node_affinity), 0);
    d.vcpus = calloc(vcpus ? vcpus : 1, sizeof(*d.vcpus));
    ck_assert_ptr_nonnull(d.vcpus);
    for (unsigned v = 0; v < vcpus; v++) {
        xlnuma_vcpu_init(&d.vcpus[v]);
        d.nr_vcpus = v + 1;
        d.vcpus[v].id = v;
        if (cpus) {
            ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, cpus, 0,
                                                 &d.vcpus[v].hard), 0);
        } else {
            /* all: every cpu the host has described so far */
            unsigned nc = xlnuma_host_nr_cpus(h);

            for (unsigned c = 0; c < nc; c++)
                ck_assert_int_eq(xlnuma_bitmap_set(&d.vcpus[v].hard, c), 0);
        }
    }
    ck_assert_int_eq(xlnuma_host_add_domain(test_ctx, h, &d), 0);
    xlnuma_domain_dispose(&d);
}

char *test_srcpath(const char *rel)
{
    size_t n = strlen(TOP_SRCDIR) + strlen(rel) + 2;
    char *p = malloc(n);

    ck_assert_ptr_nonnull(p);
    snprintf(p, n, "%s/%s", TOP_SRCDIR, rel);
    return p;
}

int xlnuma_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
