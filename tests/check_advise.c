/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_advise.c: the rebalance advisor (libxl_numa/advise.c) on hosts
 * worked by hand.  Every host has nodes of two pCPUs (node n: pCPUs 2n
 * and 2n+1); each row's comment gives the arithmetic of its figures
 * (docs/placement.md, "Rebalance advice").
 */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define CPN 2u          /* pCPUs per node */
#define MAX_DOMS 4
#define NONE "-"        /* an empty soft affinity */

typedef struct {
    uint32_t domid;
    unsigned pool;
    unsigned vcpus;
    const char *hard;   /* NULL: every pCPU */
    const char *soft;   /* NULL: every pCPU; NONE: empty */
    const char *pages;  /* pages per node, "p0,p1,..."; NULL: unknown */
    unsigned offline;   /* the last vCPUs offline */
} dom_spec;

typedef struct {
    xlnuma_advice_kind kind;
    const char *from, *to;      /* node lists ("" empty) */
    uint32_t now_ppm, after_ppm;
    uint64_t load_before, load_after;   /* thousandths (MOVE, BUSY) */
} want_spec;

static const struct advise_case {
    const char *what;
    unsigned nodes;
    const char *pool1;          /* pCPUs of a pool 1, or NULL */
    unsigned min_gain_ppm;      /* UINT32_MAX: the default */
    unsigned nr_doms;
    dom_spec doms[MAX_DOMS];
    want_spec want[MAX_DOMS];
    const char *load_before, *load_after;   /* per node, thousandths */
} cases[] = {
    /* dom0 spreads 1000 on each node; g's two vCPUs 2000 on node 1.  To
     * node 0: 1000 + 2000 = 3000 on 2 pCPUs, 1.5 per pCPU, no more than
     * node 1's 3000 / 2 now: allowed. */
    { "memory on the other node", 2, NULL, UINT32_MAX, 2,
      { { 0, 0, 2, NULL, NULL, "100,100", 0 },
        { 1, 0, 2, NULL, "2-3", "1000,0", 0 } },
      { { XLNUMA_ADVICE_DOM0, "0-1", "", 500000, 0, 0, 0 },
        { XLNUMA_ADVICE_MOVE, "1", "0", 0, 1000000, 1000, 3000 } },
      "1000,3000", "3000,1000" },
    /* Each vCPU half on node 0 (250 pages of 1000) and half on node 1
     * (750): 0.5 local.  Node 1 alone: 0.75, but 1000 (dom0) + 2000 =
     * 3000 on its 2 pCPUs against 4000 on 4 now: busy. */
    { "busy target", 2, NULL, UINT32_MAX, 2,
      { { 0, 0, 2, NULL, NULL, NULL, 0 },
        { 1, 0, 2, NULL, NULL, "250,750", 0 } },
      { { XLNUMA_ADVICE_DOM0, "0-1", "", 0, 0, 0, 0 },
        { XLNUMA_ADVICE_BUSY, "0-1", "1", 500000, 750000, 2000, 3000 } },
      "2000,2000", "2000,2000" },
    /* The same without dom0: node 1 gets 2000 on 2 pCPUs, one each. */
    { "spread memory", 2, NULL, UINT32_MAX, 1,
      { { 1, 0, 2, NULL, NULL, "250,750", 0 } },
      { { XLNUMA_ADVICE_MOVE, "0-1", "1", 500000, 750000, 1000, 2000 } },
      "1000,1000", "0,2000" },
    /* 25 points of gain: below 30. */
    { "gain below the minimum", 2, NULL, 300000, 1,
      { { 1, 0, 2, NULL, NULL, "250,750", 0 } },
      { { XLNUMA_ADVICE_KEEP, "0-1", "", 500000, 0, 0, 0 } },
      "1000,1000", "1000,1000" },
    /* 4 vCPUs need both nodes' pCPUs: nothing better than now (0.5). */
    { "capacity", 2, NULL, UINT32_MAX, 1,
      { { 1, 0, 4, NULL, NULL, "1000,0", 0 } },
      { { XLNUMA_ADVICE_KEEP, "0-1", "", 500000, 0, 0, 0 } },
      "2000,2000", "2000,2000" },
    /* Hard affinity on node 1, memory on node 0: only a new hard
     * affinity helps (local_free 100%, checked below). */
    { "hard affinity", 2, NULL, UINT32_MAX, 1,
      { { 1, 0, 1, "2-3", NULL, "1000,0", 0 } },
      { { XLNUMA_ADVICE_HARD, "1", "", 0, 0, 0, 0 } },
      "0,1000", "0,1000" },
    /* A soft affinity outside the hard one is ignored, as Xen does: the
     * vCPU runs on node 0, with its memory. */
    { "soft outside hard", 2, NULL, UINT32_MAX, 1,
      { { 1, 0, 1, "0-1", "2-3", "1000,0", 0 } },
      { { XLNUMA_ADVICE_KEEP, "0", "", 1000000, 0, 0, 0 } },
      "1000,0", "1000,0" },
    /* g1 moves to node 0 (2000 on 2 pCPUs).  Then node 0 alone would
     * get 4000 on 2 pCPUs against g2's node 1 at 2000 on 2: too busy;
     * nodes 0-1 (each vCPU over 4 pCPUs, 0.5 local) keep 4000 on 4. */
    { "moves see each other", 2, NULL, UINT32_MAX, 2,
      { { 1, 0, 2, NULL, "2-3", "1000,0", 0 },
        { 2, 0, 2, NULL, "2-3", "1000,0", 0 } },
      { { XLNUMA_ADVICE_MOVE, "1", "0", 0, 1000000, 0, 2000 },
        { XLNUMA_ADVICE_MOVE, "1", "0-1", 0, 500000, 4000, 4000 } },
      "0,4000", "3000,1000" },
    /* Only online vCPUs count for locality and load (vCPU 1 is offline
     * and would be on node 0); both count for the pCPUs needed. */
    { "offline vCPUs", 2, NULL, UINT32_MAX, 1,
      { { 1, 0, 2, NULL, "2-3", "1000,0", 1 } },
      { { XLNUMA_ADVICE_MOVE, "1", "0", 0, 1000000, 0, 1000 } },
      "0,1000", "1000,0" },
    /* A guest in a pool of node 1's pCPUs cannot go to node 0. */
    { "pool", 2, "2-3", UINT32_MAX, 1,
      { { 1, 1, 1, NULL, NULL, "1000,0", 0 } },
      { { XLNUMA_ADVICE_KEEP, "1", "", 0, 0, 0, 0 } },
      "0,1000", "0,1000" },
    /* Unknown pages, or none. */
    { "no pages", 2, NULL, UINT32_MAX, 2,
      { { 1, 0, 1, NULL, "0-1", NULL, 0 },
        { 2, 0, 1, NULL, "0-1", "0,0", 0 } },
      { { XLNUMA_ADVICE_NO_PAGES, "0", "", 0, 0, 0, 0 },
        { XLNUMA_ADVICE_NO_PAGES, "0", "", 0, 0, 0, 0 } },
      "2000,0", "2000,0" },
    /* Memory split between nodes 1 and 2; node 1 is busy with "busy"'s
     * two vCPUs, so node 2 comes first: 0.5 local, and adding node 1
     * gains nothing. */
    { "load orders equal nodes", 3, NULL, UINT32_MAX, 2,
      { { 1, 0, 2, "2-3", "2-3", NULL, 0 },
        { 2, 0, 2, NULL, "0-1", "0,500,500", 0 } },
      { { XLNUMA_ADVICE_NO_PAGES, "1", "", 0, 0, 0, 0 },
        { XLNUMA_ADVICE_MOVE, "0", "2", 0, 500000, 0, 2000 } },
      "2000,2000,0", "0,2000,2000" },
    /* An empty soft affinity is the hard one. */
    { "empty soft", 2, NULL, UINT32_MAX, 1,
      { { 1, 0, 2, "2-3", NONE, "0,1000", 0 } },
      { { XLNUMA_ADVICE_KEEP, "1", "", 1000000, 0, 0, 0 } },
      "0,2000", "0,2000" },
};

static xlnuma_bitmap map_of(const char *list)
{
    xlnuma_bitmap b;

    xlnuma_bitmap_init(&b);
    if (*list)
        ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, list, 0, &b), 0);
    return b;
}

static void all_cpus(xlnuma_bitmap *b, unsigned nr)
{
    for (unsigned c = 0; c < nr; c++)
        ck_assert_int_eq(xlnuma_bitmap_set(b, c), 0);
}

static void add_dom(xlnuma_host *h, unsigned nr_nodes, const dom_spec *s)
{
    xlnuma_domain d;
    char name[16];

    xlnuma_domain_init(&d);
    snprintf(name, sizeof(name), s->domid ? "g%u" : "Domain-0",
             (unsigned)s->domid);
    d.domid = s->domid;
    d.name = strdup(name);
    d.pool = s->pool;
    d.mem_kib = 128 * MIB;
    d.vcpus = calloc(s->vcpus, sizeof(*d.vcpus));
    ck_assert_ptr_nonnull(d.vcpus);
    for (unsigned v = 0; v < s->vcpus; v++) {
        xlnuma_vcpu *vc = &d.vcpus[v];

        xlnuma_vcpu_init(vc);
        d.nr_vcpus = v + 1;
        vc->id = v;
        vc->cpu = XLNUMA_NO_CPU;
        vc->online = v < s->vcpus - s->offline;
        if (s->hard)
            vc->hard = map_of(s->hard);
        else
            all_cpus(&vc->hard, nr_nodes * CPN);
        if (!s->soft)
            all_cpus(&vc->soft, nr_nodes * CPN);
        else if (strcmp(s->soft, NONE))
            vc->soft = map_of(s->soft);
    }
    if (s->pages) {
        const char *p = s->pages;

        d.pages_per_node = calloc(nr_nodes, sizeof(*d.pages_per_node));
        ck_assert_ptr_nonnull(d.pages_per_node);
        d.nr_pages = nr_nodes;
        for (unsigned n = 0; n < nr_nodes; n++) {
            char *end;

            d.pages_per_node[n] = strtoull(p, &end, 10);
            d.pages_total += d.pages_per_node[n];
            p = *end ? end + 1 : end;
        }
    }
    ck_assert_int_eq(xlnuma_host_add_domain(test_ctx, h, &d), 0);
    xlnuma_domain_dispose(&d);
}

static xlnuma_host *build(const struct advise_case *c)
{
    xlnuma_host *h = test_host_uniform(c->nodes, CPN, 4 * GIB, 2 * GIB);

    if (c->pool1) {
        xlnuma_bitmap p0, p1 = map_of(c->pool1);

        xlnuma_bitmap_init(&p0);
        for (unsigned i = 0; i < c->nodes * CPN; i++)
            if (!xlnuma_bitmap_test(&p1, i))
                ck_assert_int_eq(xlnuma_bitmap_set(&p0, i), 0);
        ck_assert_int_eq(xlnuma_host_add_pool(test_ctx, h, 0, "Pool-0",
                                              NULL, &p0), 0);
        ck_assert_int_eq(xlnuma_host_add_pool(test_ctx, h, 1, "p1", NULL,
                                              &p1), 0);
        xlnuma_bitmap_dispose(&p0);
        xlnuma_bitmap_dispose(&p1);
    }
    for (unsigned i = 0; i < c->nr_doms; i++)
        add_dom(h, c->nodes, &c->doms[i]);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    return h;
}

static void check_map(const char *what, const char *dom,
                      const xlnuma_bitmap *got, const char *want)
{
    char *s = xlnuma_bitmap_format(got);

    ck_assert_ptr_nonnull(s);
    ck_assert_msg(!strcmp(s, want), "%s: %s is \"%s\", expected \"%s\"",
                  dom, what, s, want);
    free(s);
}

static void check_loads(const char *what, const uint64_t *got,
                        unsigned nr, const char *want)
{
    const char *p = want;

    for (unsigned n = 0; n < nr; n++) {
        char *end;
        uint64_t w = strtoull(p, &end, 10);

        ck_assert_msg(got[n] == w, "%s load of node %u: %llu, expected "
                      "%llu", what, n, (unsigned long long)got[n],
                      (unsigned long long)w);
        p = *end ? end + 1 : end;
    }
}

START_TEST(test_advise)
{
    const struct advise_case *c = &cases[_i];
    xlnuma_host *h = build(c);
    xlnuma_advise_request req;
    xlnuma_advice_list l;

    xlnuma_advise_request_init(&req);
    xlnuma_advice_list_init(&l);
    if (c->min_gain_ppm != UINT32_MAX)
        req.min_gain_ppm = c->min_gain_ppm;
    ck_assert_int_eq(xlnuma_advise(test_ctx, h, &req, &l), 0);
    ck_assert_uint_eq(l.nr_advice, c->nr_doms);
    ck_assert_uint_eq(l.nr_nodes, c->nodes);
    for (unsigned i = 0; i < c->nr_doms; i++) {
        const xlnuma_advice *a = &l.advice[i];
        const want_spec *w = &c->want[i];
        const char *name = xlnuma_host_domain(h, a->domain)->name;

        ck_assert_msg(a->kind == w->kind, "%s: %s: %s, expected %s",
                      c->what, name, xlnuma_advice_kind_name(a->kind),
                      xlnuma_advice_kind_name(w->kind));
        ck_assert_uint_eq(a->domid, c->doms[i].domid);
        check_map("from_nodes", name, &a->from_nodes, w->from);
        check_map("to_nodes", name, &a->to_nodes, w->to);
        ck_assert_uint_eq(a->local_now_ppm, w->now_ppm);
        if (w->kind == XLNUMA_ADVICE_MOVE || w->kind == XLNUMA_ADVICE_BUSY) {
            ck_assert_uint_eq(a->local_after_ppm, w->after_ppm);
            ck_assert_uint_eq(a->load_before_milli, w->load_before);
            ck_assert_uint_eq(a->load_after_milli, w->load_after);
        }
        if (w->kind == XLNUMA_ADVICE_MOVE) {
            xlnuma_bitmap want_cpus, nodes = map_of(w->to);

            /* the soft affinity: the pCPUs of to_nodes in the pool */
            xlnuma_bitmap_init(&want_cpus);
            ck_assert_int_eq(xlnuma_host_nodes_to_cpus(h, &nodes,
                                                       &want_cpus), 0);
            ck_assert(xlnuma_bitmap_equal(&a->to_cpus, &want_cpus));
            ck_assert_uint_eq(a->to_nr_cpus,
                              xlnuma_bitmap_count(&want_cpus));
            xlnuma_bitmap_dispose(&want_cpus);
            xlnuma_bitmap_dispose(&nodes);
        } else {
            ck_assert(xlnuma_bitmap_is_empty(&a->to_cpus));
        }
        if (w->kind == XLNUMA_ADVICE_HARD) {
            ck_assert(a->hard_limited);
            ck_assert_uint_eq(a->local_free_ppm, 1000000);
        }
    }
    check_loads("before", l.load_before_milli, c->nodes, c->load_before);
    check_loads("after", l.load_after_milli, c->nodes, c->load_after);
    xlnuma_advice_list_dispose(&l);
    xlnuma_advice_list_dispose(&l);     /* idempotent */
    xlnuma_advise_request_dispose(&req);
    xlnuma_host_free(h);
}
END_TEST

/* The memory nodes are those with pages; the list is replaced. */
START_TEST(test_memory_nodes_and_replace)
{
    const struct advise_case *c = &cases[2];
    xlnuma_host *h = build(c);
    xlnuma_advice_list l;

    xlnuma_advice_list_init(&l);
    ck_assert_int_eq(xlnuma_advise(test_ctx, h, NULL, &l), 0);
    ck_assert_int_eq(xlnuma_advise(test_ctx, h, NULL, &l), 0);
    ck_assert_uint_eq(l.nr_advice, 1);
    check_map("memory_nodes", "g1", &l.advice[0].memory_nodes, "0-1");
    xlnuma_advice_list_dispose(&l);
    xlnuma_host_free(h);
}
END_TEST

START_TEST(test_errors)
{
    xlnuma_host *h = NULL;
    xlnuma_advise_request req;
    xlnuma_advice_list l;

    xlnuma_advice_list_init(&l);
    xlnuma_advise_request_init(&req);
    ck_assert_uint_eq(req.min_gain_ppm, XLNUMA_ADVICE_MIN_GAIN_DEFAULT);

    /* An unfinished host. */
    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, 0, GIB, GIB), 0);
    ck_assert_int_eq(xlnuma_advise(test_ctx, h, &req, &l),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "not finished"));
    xlnuma_host_free(h);

    /* A gain above 100%. */
    h = test_host_uniform(2, CPN, 4 * GIB, 2 * GIB);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    req.min_gain_ppm = 1000001;
    ck_assert_int_eq(xlnuma_advise(test_ctx, h, &req, &l),
                     XLNUMA_ERROR_RANGE);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "1000001"));
    ck_assert_ptr_null(l.advice);
    ck_assert_int_eq(xlnuma_advise(test_ctx, NULL, NULL, &l),
                     XLNUMA_ERROR_INVAL);
    ck_assert_int_eq(xlnuma_advise(test_ctx, h, NULL, NULL),
                     XLNUMA_ERROR_INVAL);

    /* A host without domains: no advice, zero loads. */
    ck_assert_int_eq(xlnuma_advise(test_ctx, h, NULL, &l), 0);
    ck_assert_uint_eq(l.nr_advice, 0);
    ck_assert_uint_eq(l.load_before_milli[0], 0);
    xlnuma_advice_list_dispose(&l);
    xlnuma_host_free(h);
}
END_TEST

START_TEST(test_kind_names)
{
    static const char *const names[] = {
        "keep", "move", "hard-affinity", "busy", "no-pages", "dom0",
    };

    for (unsigned k = 0; k < ARRAY_SIZE(names); k++)
        ck_assert_str_eq(xlnuma_advice_kind_name((xlnuma_advice_kind)k),
                         names[k]);
    ck_assert_str_eq(xlnuma_advice_kind_name((xlnuma_advice_kind)99),
                     "unknown");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("advise");
    TCase *tc;

    tc = tcase_create("hosts");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_advise, 0, ARRAY_SIZE(cases));
    tcase_add_test(tc, test_memory_nodes_and_replace);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_kind_names);
    suite_add_tcase(s, tc);

    return xlnuma_test_run(s);
}
