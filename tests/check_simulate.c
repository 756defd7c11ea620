/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_simulate.c: the simulator (simulate.c) -- the memory split, the
 * trace format, the generator, the replay's invariants on seeded traces
 * over real topologies, and its metrics on small worked examples.
 * Nothing here measures time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static void setup(void)
{
    test_ctx_setup();
}

static void teardown(void)
{
    test_ctx_teardown();
}

static xlnuma_host *finished(xlnuma_host *h)
{
    ck_assert_msg(xlnuma_host_finish(test_ctx, h) == 0, "finish: %s",
                  test_log_text());
    return h;
}

static xlnuma_host *load(const char *rel)
{
    char *path = test_srcpath(rel);
    xlnuma_host *h = NULL;

    ck_assert_msg(xlnuma_host_load(test_ctx, path, &h) == 0,
                  "loading %s:\n%s", rel, test_log_text());
    free(path);
    return h;
}

static void parse_ok(const char *text, xlnuma_trace *t)
{
    ck_assert_msg(xlnuma_trace_parse(test_ctx, text, t) == 0,
                  "parse:\n%s", test_log_text());
}

static void simulate_ok(const xlnuma_host *h, const xlnuma_trace *t,
                        const char *policy, xlnuma_sim_result *r)
{
    const xlnuma_policy *p = xlnuma_policy_find(test_ctx, policy);

    ck_assert_ptr_nonnull(p);
    ck_assert_msg(xlnuma_simulate(test_ctx, h, t, p, r) == 0,
                  "simulate %s:\n%s", policy, test_log_text());
}

static const xlnuma_sim_guest *guest(const xlnuma_sim_result *r,
                                     const char *name)
{
    for (unsigned i = 0; i < r->nr_guests; i++)
        if (!strcmp(r->guests[i].name, name))
            return &r->guests[i];
    ck_abort_msg("no guest %s", name);
    return NULL;
}

static char *nodes_of(const xlnuma_sim_guest *g)
{
    char *s = xlnuma_bitmap_format(&g->nodes);

    ck_assert_ptr_nonnull(s);
    return s;
}

/* ---- the split -------------------------------------------------------- */

static const struct split_case {
    uint64_t free[3];           /* KiB */
    const char *nodes;
    uint64_t need_kib;
    uint64_t headroom_kib;
    int rc;
    uint64_t want[3];           /* pages */
    uint64_t avail;             /* pages */
} split_cases[] = {
    /* 1 GiB in proportion 1:3. */
    { { GIB, 3 * GIB, 2 * GIB }, "0-1", GIB, 0, 0,
      { 65536, 196608, 0 }, 1048576 },
    /* 257 pages as 1:3:2: 42, 128, 85 and the two left to node 1. */
    { { GIB, 3 * GIB, 2 * GIB }, "0-2", 1028, 0, 0, { 42, 130, 85 },
      1572864 },
    /* Ties on what is left go to the lower id. */
    { { 12, 12, 12 }, "0-2", 16, 0, 0, { 2, 1, 1 }, 9 },
    /* Headroom: 512 MiB less on each node. */
    { { GIB, 3 * GIB, 2 * GIB }, "0-2", 4608 * MIB, 512 * MIB, 0,
      { 131072, 655360, 393216 }, 1179648 },
    /* Short by a page: NOFIT, with what the nodes could give. */
    { { GIB, 3 * GIB, 2 * GIB }, "0", GIB + 4, 0, XLNUMA_ERROR_NOFIT,
      { 0, 0, 0 }, 262144 },
    /* A node beyond the host. */
    { { GIB, 3 * GIB, 2 * GIB }, "1,5", GIB, 0, XLNUMA_ERROR_INVAL,
      { 0, 0, 0 }, 0 },
};

START_TEST(test_split)
{
    const struct split_case *c = &split_cases[_i];
    xlnuma_host *h = NULL;
    xlnuma_bitmap nodes;
    xlnuma_request req;
    uint64_t pages[3] = { 9, 9, 9 }, avail = 0;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    for (unsigned n = 0; n < 3; n++) {
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, n, 4 * GIB,
                                              c->free[n]), 0);
        ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, n, 0, 0, (int)n),
                         0);
    }
    finished(h);
    xlnuma_bitmap_init(&nodes);
    ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, c->nodes, 0, &nodes), 0);
    xlnuma_request_init(&req);
    req.need_kib = c->need_kib;
    req.headroom_kib = c->headroom_kib;
    ck_assert_int_eq(xlnuma_split_memory(test_ctx, h, &req, &nodes, pages,
                                         &avail), c->rc);
    if (c->rc != XLNUMA_ERROR_INVAL)
        ck_assert_uint_eq(avail, c->avail);
    if (!c->rc)
        for (unsigned n = 0; n < 3; n++)
            ck_assert_msg(pages[n] == c->want[n], "node %u: %llu pages, "
                          "expected %llu", n, (unsigned long long)pages[n],
                          (unsigned long long)c->want[n]);
    if (c->rc == XLNUMA_ERROR_INVAL)
        ck_assert_ptr_nonnull(strstr(test_log_text(), "node 5 is not a "
                                     "node of the host"));
    xlnuma_request_dispose(&req);
    xlnuma_bitmap_dispose(&nodes);
    xlnuma_host_free(h);
}
END_TEST

/* ---- the trace format --------------------------------------------------- */

START_TEST(test_trace_parse)
{
    xlnuma_trace t;
    char *csv = NULL;

    xlnuma_trace_init(&t);
    parse_ok("# a comment\n"
             "time,event,name,memory_mib,vcpus\r\n"
             "\n"
             "0,create,a,1024,2\n"
             "  0 , create , b.1 , 512 , 1  \n"
             "5,destroy,a,,\n"
             "7,destroy,b.1\n"
             "7,create,a,2048,4", &t);
    ck_assert_uint_eq(t.nr_events, 5);
    ck_assert_str_eq(t.events[1].name, "b.1");
    ck_assert_uint_eq(t.events[1].memory_mib, 512);
    ck_assert_uint_eq(t.events[1].line, 5);
    ck_assert_int_eq(t.events[3].action, XLNUMA_TRACE_DESTROY);
    ck_assert_uint_eq(t.events[4].time, 7);
    ck_assert_uint_eq(t.events[4].vcpus, 4);

    /* Formatting and reading back gives the same events. */
    ck_assert_int_eq(xlnuma_trace_format(test_ctx, &t, &csv), 0);
    ck_assert_str_eq(csv, "time,event,name,memory_mib,vcpus\n"
                          "0,create,a,1024,2\n0,create,b.1,512,1\n"
                          "5,destroy,a,,\n7,destroy,b.1,,\n"
                          "7,create,a,2048,4\n");
    parse_ok(csv, &t);
    ck_assert_uint_eq(t.nr_events, 5);
    ck_assert_uint_eq(t.events[0].line, 2);
    free(csv);

    /* An empty trace is a trace. */
    parse_ok("time,event,name,memory_mib,vcpus\n", &t);
    ck_assert_uint_eq(t.nr_events, 0);
    xlnuma_trace_dispose(&t);
}
END_TEST

static const struct trace_bad {
    const char *text;
    int rc;
    const char *msg;
} trace_bad[] = {
    { "0,create,a,1024\n", XLNUMA_ERROR_PARSE,
      "trace line 1: create needs TIME,create,NAME,MEMORY_MIB,VCPUS" },
    { "0,create\n", XLNUMA_ERROR_PARSE, "trace line 1: 2 fields" },
    { "0,create,a,1,1,1\n", XLNUMA_ERROR_PARSE, "trace line 1: 6 fields" },
    { "x,create,a,1,1\n", XLNUMA_ERROR_PARSE,
      "trace line 1: time \"x\" is not a decimal number" },
    { "-1,create,a,1,1\n", XLNUMA_ERROR_PARSE,
      "time \"-1\" is not a decimal number" },
    { "0,start,a,1,1\n", XLNUMA_ERROR_PARSE,
      "trace line 1: unknown event \"start\" (create or destroy)" },
    { "0,create,a,1.5,1\n", XLNUMA_ERROR_PARSE,
      "memory (MiB) \"1.5\" is not a decimal number" },
    { "0,create,a,0,1\n", XLNUMA_ERROR_RANGE,
      "trace line 1: create a: memory 0 MiB is not in 1.." },
    { "0,create,a,1,0\n", XLNUMA_ERROR_RANGE,
      "trace line 1: create a: 0 vCPUs is not in 1..16384" },
    { "0,create,a,1,16385\n", XLNUMA_ERROR_RANGE,
      "vCPUs 16385 is too large (at most 16384)" },
    { "0,create,a,99999999999999,1\n", XLNUMA_ERROR_RANGE,
      "memory (MiB) 99999999999999 is too large" },
    { "0,create,a b,1,1\n", XLNUMA_ERROR_PARSE,
      "guest name \"a b\" has ' '" },
    { "0,create,,1,1\n", XLNUMA_ERROR_PARSE,
      "trace line 1: a guest name has 1 to 64 characters" },
    { "5,create,a,1,1\n4,create,b,1,1\n", XLNUMA_ERROR_PARSE,
      "trace line 2: time 4 is before the previous event's 5" },
    { "0,create,a,1,1\n\n1,create,a,1,1\n", XLNUMA_ERROR_PARSE,
      "trace line 3: create a: it is alive already (created at trace "
      "line 1)" },
    { "0,create,a,1,1\n1,destroy,b\n", XLNUMA_ERROR_PARSE,
      "trace line 2: destroy b: no guest of that name is alive" },
    { "0,create,a,1,1\n1,destroy,a\n2,destroy,a\n", XLNUMA_ERROR_PARSE,
      "trace line 3: destroy a: no guest of that name is alive" },
    { "0,create,a,1,1\n1,destroy,a,1,1\n", XLNUMA_ERROR_PARSE,
      "trace line 2: destroy takes no memory or vCPUs (\"1\")" },
    { "0,create,a,1,1\ntime,event,name,memory_mib,vcpus\n",
      XLNUMA_ERROR_PARSE, "trace line 2: time \"time\" is not a decimal" },
};

START_TEST(test_trace_bad)
{
    const struct trace_bad *c = &trace_bad[_i];
    xlnuma_trace t;

    xlnuma_trace_init(&t);
    ck_assert_int_eq(xlnuma_trace_parse(test_ctx, c->text, &t), c->rc);
    ck_assert_uint_eq(t.nr_events, 0);
    ck_assert_msg(strstr(test_log_text(), c->msg), "case %d: expected "
                  "\"%s\" in:\n%s", _i, c->msg, test_log_text());
    xlnuma_trace_dispose(&t);
}
END_TEST

START_TEST(test_trace_load)
{
    xlnuma_trace t;
    char path[] = "/tmp/check_simulate.XXXXXX";
    int fd = mkstemp(path);
    FILE *f;

    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs("0,create,a,1,1\n0,oops,b,1,1\n", f);
    fclose(f);
    xlnuma_trace_init(&t);
    ck_assert_int_eq(xlnuma_trace_load(test_ctx, path, &t),
                     XLNUMA_ERROR_PARSE);
    /* Messages name the file. */
    ck_assert_ptr_nonnull(strstr(test_log_text(), path));
    ck_assert_ptr_nonnull(strstr(test_log_text(), " line 2: unknown "
                                 "event \"oops\""));
    unlink(path);
    ck_assert_int_eq(xlnuma_trace_load(test_ctx, path, &t),
                     XLNUMA_ERROR_IO);
    xlnuma_trace_dispose(&t);
}
END_TEST

/* ---- the generator ------------------------------------------------------ */

static char *generate_csv(const xlnuma_host *h, unsigned n, uint64_t seed)
{
    xlnuma_trace t;
    char *csv = NULL;

    xlnuma_trace_init(&t);
    ck_assert_msg(xlnuma_trace_generate(test_ctx, h, n, seed, &t) == 0,
                  "generate:\n%s", test_log_text());
    ck_assert_int_eq(xlnuma_trace_format(test_ctx, &t, &csv), 0);
    xlnuma_trace_dispose(&t);
    return csv;
}

START_TEST(test_generate)
{
    xlnuma_host *h = load("examples/hosts/dl980-numactl.txt");
    char *a = generate_csv(h, 300, 42), *b = generate_csv(h, 300, 42);
    char *c = generate_csv(h, 300, 43);
    unsigned creates = 0, destroys = 0, small = 0, multi_node_size = 0;
    uint64_t max_mib = 0, free_mib = 0;
    unsigned max_vcpus = 0;
    xlnuma_trace t;

    /* Same seed, same trace; another seed, another. */
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);

    xlnuma_trace_init(&t);
    parse_ok(a, &t);
    for (unsigned n = 0; n < 8; n++)
        free_mib += xlnuma_host_node(h, n)->memfree_kib / 1024;
    for (unsigned i = 0; i < t.nr_events; i++) {
        const xlnuma_trace_event *e = &t.events[i];

        if (e->action == XLNUMA_TRACE_DESTROY) {
            destroys++;
            continue;
        }
        creates++;
        ck_assert_uint_ge(e->memory_mib, 128);
        ck_assert_uint_eq(e->memory_mib % 64, 0);
        ck_assert_uint_ge(e->vcpus, 1);
        /* Scaled: 80 pCPUs of 256 and 124 GiB of 1 TiB. */
        ck_assert_uint_le(e->vcpus, 20);
        ck_assert_uint_le(e->memory_mib, free_mib / 4 + 64);
        small += e->memory_mib <= 512;
        multi_node_size += e->memory_mib > 15000;
        if (e->memory_mib > max_mib)
            max_mib = e->memory_mib;
        if (e->vcpus > max_vcpus)
            max_vcpus = e->vcpus;
    }
    ck_assert_uint_eq(creates, 300);
    /* Departures after the last arrival are left out, the rest kept. */
    ck_assert_uint_gt(destroys, 100);
    ck_assert_uint_lt(destroys, 300);
    /* Many small guests, a few that need more than a DL980 node. */
    ck_assert_uint_gt(small, 100);
    ck_assert_uint_gt(multi_node_size, 0);
    ck_assert_uint_lt(multi_node_size, 30);
    ck_assert_uint_gt(max_vcpus, 10);
    xlnuma_trace_dispose(&t);
    free(a);
    free(b);
    free(c);
    xlnuma_host_free(h);
}
END_TEST

/* The trace offers more than the host holds: every policy refuses some
 * guests and the host is nearly full at its peak. */
START_TEST(test_generate_fills)
{
    xlnuma_host *h = load("examples/hosts/dl980-numactl.txt");
    xlnuma_sim_result r;
    xlnuma_trace t;
    uint64_t initial = 0, lowest = UINT64_MAX;

    xlnuma_trace_init(&t);
    xlnuma_sim_result_init(&r);
    ck_assert_int_eq(xlnuma_trace_generate(test_ctx, h, 300, 7, &t), 0);
    simulate_ok(h, &t, "xen43", &r);
    ck_assert_uint_gt(r.refused, 0);
    ck_assert_uint_gt(r.placed, r.refused);
    for (unsigned s = 0; s < r.nr_states; s++) {
        uint64_t f = 0;

        for (unsigned n = 0; n < r.nr_nodes; n++)
            f += r.free_kib[(size_t)s * r.nr_nodes + n];
        if (!s)
            initial = f;
        if (f < lowest)
            lowest = f;
    }
    ck_assert_uint_lt(lowest, initial / 10);
    xlnuma_sim_result_dispose(&r);
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
}
END_TEST

START_TEST(test_generate_bad)
{
    xlnuma_host *h = finished(test_host_uniform(2, 2, 256 * MIB, 100 * MIB));
    xlnuma_trace t;

    xlnuma_trace_init(&t);
    ck_assert_int_eq(xlnuma_trace_generate(test_ctx, h, 0, 1, &t),
                     XLNUMA_ERROR_RANGE);
    ck_assert_int_eq(xlnuma_trace_generate(test_ctx, h, 10, 1, &t),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "Pool-0's nodes have 200 "
                                 "MiB free"));
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
}
END_TEST

/* ---- invariants on seeded simulations ----------------------------------- */

static const char *const all_policies[] = {
    "xen43", "xen42", "greedy", "packed", "spread", "closest",
};

static const struct inv_case {
    const char *host;           /* NULL: a uniform 4 x 8 host */
    unsigned guests;
    uint64_t seed;
} inv_cases[] = {
    { "examples/hosts/dl980-numactl.txt", 200, 1 },
    { "examples/hosts/dl980.json", 150, 2 },    /* with domains */
    { "tests/data/hwloc/192em64t-24n8c2t.xml", 150, 3 },
    { "tests/data/hwloc/16amd64-8n2c-cpusets.xml", 120, 4 },
    { "tests/data/hwloc/64intel64-heteromem.xml", 120, 5 },
    { "tests/data/hwloc/cxlmem+dax.v3.xml", 60, 6 },     /* one node */
    { NULL, 200, 7 },
};

/* Everything a result must satisfy, checked from its parts. */
static void check_invariants(const xlnuma_host *h, const xlnuma_trace *t,
                             const xlnuma_sim_result *r)
{
    unsigned nn = r->nr_nodes, creates = 0;
    uint64_t *live = calloc(nn, sizeof(*live));

    ck_assert_ptr_nonnull(live);
    ck_assert_uint_eq(nn, xlnuma_host_nr_nodes(h));
    ck_assert_uint_eq(r->nr_states, t->nr_events + 1);
    for (unsigned i = 0; i < t->nr_events; i++)
        creates += t->events[i].action == XLNUMA_TRACE_CREATE;
    ck_assert_uint_eq(r->nr_guests, creates);
    ck_assert_uint_eq(r->placed + r->refused, creates);
    ck_assert_uint_eq(r->single_node + r->multinode, r->placed);

    for (unsigned i = 0; i < r->nr_guests; i++) {
        const xlnuma_sim_guest *g = &r->guests[i];
        uint64_t sum = 0;

        ck_assert_uint_lt(g->create_event, t->nr_events);
        ck_assert_str_eq(g->name, t->events[g->create_event].name);
        if (!g->created) {
            /* Every refusal is explained. */
            ck_assert_int_ne(g->outcome, XLNUMA_PLACED);
            ck_assert_int_ne(g->outcome, XLNUMA_SKIP_ONE_NODE);
            ck_assert_ptr_nonnull(g->message);
            ck_assert_uint_gt(strlen(g->message), 10);
            ck_assert_ptr_null(g->pages);
            continue;
        }
        ck_assert_ptr_null(g->message);
        ck_assert(g->outcome == XLNUMA_PLACED ||
                  g->outcome == XLNUMA_SKIP_ONE_NODE);
        /* The whole need, only on the chosen nodes. */
        for (unsigned n = 0; n < nn; n++) {
            if (!xlnuma_bitmap_test(&g->nodes, n))
                ck_assert_uint_eq(g->pages[n], 0);
            sum += g->pages[n];
        }
        ck_assert_uint_eq(sum, (g->need_kib + 3) / 4);
        ck_assert(g->distance >= 1 && g->distance <= 255);
    }

    /* State by state: free memory + what the live guests hold = the
     * initial free memory, on every node; nothing below zero. */
    for (unsigned s = 0; s < r->nr_states; s++) {
        memset(live, 0, nn * sizeof(*live));
        for (unsigned i = 0; i < r->nr_guests; i++) {
            const xlnuma_sim_guest *g = &r->guests[i];

            if (!g->created || g->create_event >= s ||
                (g->destroy_event != XLNUMA_SIM_ALIVE &&
                 g->destroy_event < s))
                continue;
            for (unsigned n = 0; n < nn; n++)
                live[n] += g->pages[n] * 4;
        }
        for (unsigned n = 0; n < nn; n++) {
            uint64_t f = r->free_kib[(size_t)s * nn + n];

            ck_assert_msg(f + live[n] == xlnuma_host_node(h, n)->memfree_kib,
                          "state %u node %u: %llu free + %llu held != %llu",
                          s, n, (unsigned long long)f,
                          (unsigned long long)live[n],
                          (unsigned long long)
                          xlnuma_host_node(h, n)->memfree_kib);
            ck_assert_uint_le(f, xlnuma_host_node(h, n)->memsize_kib);
        }
    }
    ck_assert(r->fragmentation >= 0 && r->fragmentation < 1);
    ck_assert(r->single_node_share >= 0 && r->single_node_share <= 1);
    if (!xlnuma_host_dma_known(h))  /* else one node can be short too */
        ck_assert_uint_le(r->overcommits, r->multinode);
    free(live);
}

START_TEST(test_invariants)
{
    const struct inv_case *c = &inv_cases[_i];
    xlnuma_host *h = c->host ? load(c->host)
                             : finished(test_host_uniform(4, 8, 16 * GIB,
                                                          15 * GIB));
    xlnuma_trace t;

    xlnuma_trace_init(&t);
    ck_assert_int_eq(xlnuma_trace_generate(test_ctx, h, c->guests, c->seed,
                                           &t), 0);
    for (unsigned p = 0; p < ARRAY_SIZE(all_policies); p++) {
        xlnuma_sim_result r1, r2;

        xlnuma_sim_result_init(&r1);
        xlnuma_sim_result_init(&r2);
        simulate_ok(h, &t, all_policies[p], &r1);
        check_invariants(h, &t, &r1);
        ck_assert_str_eq(r1.policy->name, all_policies[p]);

        /* Deterministic: the same input, the same result. */
        simulate_ok(h, &t, all_policies[p], &r2);
        ck_assert_uint_eq(r1.placed, r2.placed);
        ck_assert_uint_eq(r1.overcommits, r2.overcommits);
        ck_assert(r1.mean_distance == r2.mean_distance);
        ck_assert(r1.p95_distance == r2.p95_distance);
        ck_assert(r1.fragmentation == r2.fragmentation);
        ck_assert(r1.worst_load == r2.worst_load);
        ck_assert_int_eq(memcmp(r1.free_kib, r2.free_kib,
                                (size_t)r1.nr_states * r1.nr_nodes *
                                sizeof(*r1.free_kib)), 0);
        for (unsigned i = 0; i < r1.nr_guests; i++)
            ck_assert(xlnuma_bitmap_equal(&r1.guests[i].nodes,
                                          &r2.guests[i].nodes));
        xlnuma_sim_result_dispose(&r1);
        xlnuma_sim_result_dispose(&r2);
    }
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
}
END_TEST

/* ---- metrics on worked examples ------------------------------------------ */

/* 2 nodes x 4 pCPUs, 8 GiB each (SLIT 10/20).  A guest of 6 vCPUs needs
 * both nodes; with equal free memory its pages split 1:1, so its
 * distance is 1/4 10 + 1/4 10 + 1/2 20 = 15. */
START_TEST(test_distance)
{
    xlnuma_host *h = finished(test_host_uniform(2, 4, 8 * GIB, 8 * GIB));
    xlnuma_sim_result r;
    xlnuma_trace t;
    char *s;

    xlnuma_trace_init(&t);
    xlnuma_sim_result_init(&r);
    parse_ok("0,create,wide,2048,6\n1,create,a,1024,2\n2,create,b,1024,2\n"
             "3,create,c,1024,1\n", &t);
    simulate_ok(h, &t, "xen43", &r);
    ck_assert_uint_eq(r.placed, 4);
    ck_assert_uint_eq(r.multinode, 1);
    s = nodes_of(guest(&r, "wide"));
    ck_assert_str_eq(s, "0-1");
    free(s);
    ck_assert_double_eq_tol(guest(&r, "wide")->distance, 15.0, 1e-9);
    ck_assert_double_eq_tol(guest(&r, "a")->distance, 10.0, 1e-9);
    ck_assert_double_eq_tol(r.mean_distance_multinode, 15.0, 1e-9);
    ck_assert_double_eq_tol(r.mean_distance, (15.0 + 30) / 4, 1e-9);
    /* p95 of {10, 10, 10, 15} by nearest rank: the 4th. */
    ck_assert_double_eq_tol(r.p95_distance, 15.0, 1e-9);
    ck_assert_double_eq_tol(r.single_node_share, 0.75, 1e-9);
    xlnuma_sim_result_dispose(&r);
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
}
END_TEST

/* Load: greedy piles guests on node 0, xen43 does not.  4 guests of 2
 * vCPUs on 2 nodes x 4 pCPUs: greedy 8 vCPUs on node 0 (2 per pCPU),
 * xen43 4 on each (1 per pCPU). */
START_TEST(test_load)
{
    xlnuma_host *h = finished(test_host_uniform(2, 4, 8 * GIB, 8 * GIB));
    static const char trace[] = "0,create,a,512,2\n0,create,b,512,2\n"
                                "0,create,c,512,2\n0,create,d,512,2\n";
    xlnuma_sim_result g, x;
    xlnuma_trace t;

    xlnuma_trace_init(&t);
    xlnuma_sim_result_init(&g);
    xlnuma_sim_result_init(&x);
    parse_ok(trace, &t);
    simulate_ok(h, &t, "greedy", &g);
    simulate_ok(h, &t, "xen43", &x);
    ck_assert_double_eq_tol(g.worst_load, 2.0, 1e-9);
    ck_assert_uint_eq(g.worst_load_node, 0);
    ck_assert_uint_eq(g.worst_load_state, 4);
    ck_assert_double_eq_tol(x.worst_load, 1.0, 1e-9);
    ck_assert_uint_eq(g.single_node, 4);
    /* One node each: libxl counts them the same. */
    ck_assert_double_eq_tol(g.worst_libxl_load, 2.0, 1e-9);
    ck_assert_double_eq_tol(x.worst_libxl_load, 1.0, 1e-9);
    xlnuma_sim_result_dispose(&g);
    xlnuma_sim_result_dispose(&x);

    /* 6 vCPUs over both nodes: 3 per node, 0.75 per pCPU; libxl counts
     * all 6 on each node. */
    xlnuma_trace_dispose(&t);
    parse_ok("0,create,wide,512,6\n", &t);
    simulate_ok(h, &t, "xen43", &x);
    ck_assert_double_eq_tol(x.worst_load, 0.75, 1e-9);
    ck_assert_double_eq_tol(x.worst_libxl_load, 1.5, 1e-9);
    xlnuma_sim_result_dispose(&g);
    xlnuma_sim_result_dispose(&x);
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
}
END_TEST

/* Fragmentation after each event: 1 - largest free / total free over
 * nodes with pCPUs.  2 nodes of 8 GiB: a guest of 4 GiB and 1 vCPU
 * (need 4096 + 17 shadow + 1 = 4114 MiB) on one node leaves 8192 and
 * 4078 MiB free. */
START_TEST(test_fragmentation)
{
    xlnuma_host *h = finished(test_host_uniform(2, 4, 8 * GIB, 8 * GIB));
    xlnuma_sim_result r;
    xlnuma_trace t;
    double f1, f2;

    xlnuma_trace_init(&t);
    xlnuma_sim_result_init(&r);
    parse_ok("0,create,a,4096,1\n10,destroy,a\n", &t);
    simulate_ok(h, &t, "xen43", &r);
    ck_assert_uint_eq(guest(&r, "a")->need_kib, 4114 * MIB);
    f1 = 1 - 8192.0 / (8192 + 4078);
    f2 = 0.5;                   /* empty again: 8 and 8 GiB */
    ck_assert_double_eq_tol(r.fragmentation, (f1 + f2) / 2, 1e-9);
    ck_assert_uint_eq(r.state_time[1], 0);
    ck_assert_uint_eq(r.state_time[2], 10);
    ck_assert_uint_eq(r.peak_guests, 1);
    ck_assert_uint_eq(guest(&r, "a")->destroy_event, 1);
    xlnuma_sim_result_dispose(&r);
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
}
END_TEST

/* A would-be over-commit: node 0 has 1 GiB free, node 1 7 GiB; a guest
 * of 6 vCPUs needs both, and 3 GiB split evenly asks node 0 for 1.5.
 * The recorded split is proportional, so nothing goes below zero. */
START_TEST(test_overcommit)
{
    xlnuma_host *h = NULL;
    xlnuma_sim_result r;
    xlnuma_trace t;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    for (unsigned n = 0; n < 2; n++) {
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, n, 8 * GIB,
                                              n ? 7 * GIB : GIB), 0);
        for (unsigned c = 0; c < 4; c++)
            ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, n * 4 + c,
                                                 (int)c, (int)n, (int)n), 0);
    }
    finished(h);
    xlnuma_trace_init(&t);
    xlnuma_sim_result_init(&r);
    parse_ok("0,create,big,3072,6\n0,create,small,512,6\n", &t);
    simulate_ok(h, &t, "xen43", &r);
    ck_assert(guest(&r, "big")->overcommit);
    ck_assert_uint_eq(r.overcommits, 1);
    /* Its need, 3072 + 18 shadow + 1 rounded to 3092 MiB, in proportion
     * 1:7: 386.5 MiB from node 0. */
    ck_assert_uint_eq(guest(&r, "big")->pages[0], 3092 * 256 / 8);
    ck_assert_uint_eq(guest(&r, "big")->pages[1], 3092 * 256 / 8 * 7);
    /* The small one needs 522 MiB: 261 from each, and node 0 has 637.5
     * MiB left. */
    ck_assert(!guest(&r, "small")->overcommit);
    xlnuma_sim_result_dispose(&r);
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
}
END_TEST

/* With the DMA zone known, what lies below it does not count: a guest
 * that fits node 1 only with its DMA zone is a would-be over-commit on
 * one node. */
START_TEST(test_overcommit_dma)
{
    xlnuma_host *h = NULL;
    xlnuma_sim_result r;
    xlnuma_trace t;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &h), 0);
    for (unsigned n = 0; n < 2; n++) {
        ck_assert_int_eq(xlnuma_host_add_node(test_ctx, h, n, 4 * GIB,
                                              n ? 3 * GIB : GIB), 0);
        ck_assert_int_eq(xlnuma_host_add_cpu(test_ctx, h, n, 0, (int)n,
                                             (int)n), 0);
        ck_assert_int_eq(xlnuma_host_set_dma(test_ctx, h, n,
                                             n ? GIB : 0), 0);
    }
    finished(h);
    xlnuma_trace_init(&t);
    xlnuma_sim_result_init(&r);
    /* 2560 MiB need 2570: node 1 has 3 GiB free, 2 GiB above DMA. */
    parse_ok("0,create,a,2560,1\n0,create,b,256,1\n", &t);
    simulate_ok(h, &t, "xen43", &r);
    ck_assert_uint_eq(xlnuma_bitmap_count(&guest(&r, "a")->nodes), 1);
    ck_assert(guest(&r, "a")->overcommit);
    ck_assert(!guest(&r, "b")->overcommit);
    ck_assert_uint_eq(r.overcommits, 1);
    ck_assert_uint_eq(r.multinode, 0);
    xlnuma_sim_result_dispose(&r);
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
}
END_TEST

/* Refusals carry the engine's outcome and a message; a destroy of a
 * refused guest changes nothing; a name may come back. */
START_TEST(test_refusals)
{
    xlnuma_host *h = finished(test_host_uniform(2, 4, 4 * GIB, 4 * GIB));
    xlnuma_sim_result r;
    xlnuma_trace t;
    const xlnuma_sim_guest *g;

    xlnuma_trace_init(&t);
    xlnuma_sim_result_init(&r);
    parse_ok("0,create,huge,9000,2\n"
             "1,create,wide,512,9\n"
             "2,create,a,3000,1\n3,create,b,3000,1\n4,create,c,3000,1\n"
             "5,destroy,huge\n6,destroy,a\n7,create,a,100,1\n", &t);
    simulate_ok(h, &t, "spread", &r);
    ck_assert_uint_eq(r.creates, 6);
    ck_assert_uint_eq(r.refused, 3);
    g = guest(&r, "huge");
    ck_assert_int_eq(g->outcome, XLNUMA_NOFIT_MEMORY);
    ck_assert_str_eq(g->message, "not enough free memory: the guest needs "
                     "9040 MiB, the 2 suitable nodes have 8192 MiB free "
                     "together");
    ck_assert_uint_eq(g->destroy_event, 5);
    g = guest(&r, "wide");
    ck_assert_int_eq(g->outcome, XLNUMA_NOFIT_CPUS);
    ck_assert_str_eq(g->message, "too few pCPUs: the guest has 9 vCPUs, the "
                     "suitable pCPUs number 8");
    /* c needs 3014 MiB; a and b took 3014 of each node's 4096. */
    g = guest(&r, "c");
    ck_assert_int_eq(g->outcome, XLNUMA_NOFIT_MEMORY);
    ck_assert_ptr_nonnull(strstr(g->message, "the guest needs 3014 MiB, "
                                 "the 2 suitable nodes have 2164 MiB"));
    /* a came back after its destroy: a second guest of that name. */
    ck_assert_uint_eq(r.nr_guests, 6);
    ck_assert(r.guests[5].created);
    ck_assert_str_eq(r.guests[5].name, "a");
    ck_assert_uint_eq(r.guests[2].destroy_event, 6);
    xlnuma_sim_result_dispose(&r);
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
}
END_TEST

/* One node: libxl places nothing and creates the guest anyway; xen42
 * placed there too. */
START_TEST(test_one_node)
{
    xlnuma_host *h = finished(test_host_uniform(1, 4, 4 * GIB, 4 * GIB));
    xlnuma_sim_result r;
    xlnuma_trace t;

    xlnuma_trace_init(&t);
    xlnuma_sim_result_init(&r);
    parse_ok("0,create,a,2048,8\n1,create,b,2048,1\n", &t);
    simulate_ok(h, &t, "xen43", &r);
    ck_assert_int_eq(guest(&r, "a")->outcome, XLNUMA_SKIP_ONE_NODE);
    ck_assert(guest(&r, "a")->created);
    ck_assert_int_eq(guest(&r, "b")->outcome, XLNUMA_NOFIT_MEMORY);
    /* a took 2066 MiB; b needs 2058. */
    ck_assert_str_eq(guest(&r, "b")->message, "not enough free memory: the "
                     "guest needs 2058 MiB, node 0 can give 2030 MiB");
    ck_assert_double_eq_tol(r.worst_load, 2.0, 1e-9);
    xlnuma_sim_result_dispose(&r);
    /* 4.2.0 placed there too, and refuses 8 vCPUs on 4 pCPUs. */
    simulate_ok(h, &t, "xen42", &r);
    ck_assert_int_eq(guest(&r, "a")->outcome, XLNUMA_NOFIT_CPUS);
    ck_assert_int_eq(guest(&r, "b")->outcome, XLNUMA_PLACED);
    xlnuma_sim_result_dispose(&r);
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
}
END_TEST

/* xen42 pins: its guests' hard affinity is their nodes' pCPUs, which its
 * per-candidate load sees; unpinned policies leave hard affinity whole. */
START_TEST(test_xen42_pins)
{
    xlnuma_host *h = finished(test_host_uniform(4, 2, 4 * GIB, 4 * GIB));
    xlnuma_sim_result r;
    xlnuma_trace t;
    char *s;

    xlnuma_trace_init(&t);
    xlnuma_sim_result_init(&r);
    parse_ok("0,create,a,256,2\n0,create,b,256,2\n0,create,c,256,2\n"
             "0,create,d,256,2\n", &t);
    simulate_ok(h, &t, "xen42", &r);
    /* Pinned guests count only where they are: one per node. */
    for (unsigned i = 0; i < 4; i++) {
        char want[4];

        snprintf(want, sizeof(want), "%u", i);
        s = nodes_of(&r.guests[i]);
        ck_assert_str_eq(s, want);
        free(s);
    }
    ck_assert_double_eq_tol(r.worst_load, 1.0, 1e-9);
    xlnuma_sim_result_dispose(&r);
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
}
END_TEST

START_TEST(test_errors)
{
    xlnuma_host *h = NULL, *u = NULL;
    xlnuma_trace t, bad;
    xlnuma_sim_result r;

    ck_assert_int_eq(xlnuma_host_alloc(test_ctx, &u), 0);
    h = test_host_uniform(2, 2, 4 * GIB, 4 * GIB);
    test_host_add_domain(h, 0, "Domain-0", 0, 2, NULL, NULL);
    finished(h);
    xlnuma_trace_init(&t);
    xlnuma_trace_init(&bad);
    xlnuma_sim_result_init(&r);

    /* A guest named like a domain of the host. */
    parse_ok("0,create,Domain-0,128,1\n", &t);
    ck_assert_int_eq(xlnuma_simulate(test_ctx, h, &t, NULL, &r),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "trace line 1: guest "
                                 "Domain-0 is a domain of the host "
                                 "already"));
    /* An unfinished host. */
    ck_assert_int_eq(xlnuma_simulate(test_ctx, u, &t, NULL, &r),
                     XLNUMA_ERROR_INVAL);
    /* A trace built by hand that destroys what it never created. */
    bad.events = calloc(1, sizeof(*bad.events));
    ck_assert_ptr_nonnull(bad.events);
    bad.nr_events = 1;
    bad.events[0].action = XLNUMA_TRACE_DESTROY;
    bad.events[0].name = strdup("ghost");
    ck_assert_int_eq(xlnuma_simulate(test_ctx, h, &bad, NULL, &r),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "trace event 1: destroy "
                                 "ghost: no guest of that name is alive"));
    ck_assert_uint_eq(r.nr_guests, 0);

    /* NULL policy: xen43. */
    xlnuma_trace_dispose(&t);
    parse_ok("0,create,g,128,1\n", &t);
    ck_assert_int_eq(xlnuma_simulate(test_ctx, h, &t, NULL, &r), 0);
    ck_assert_str_eq(r.policy->name, "xen43");
    xlnuma_sim_result_dispose(&r);
    xlnuma_trace_dispose(&bad);
    xlnuma_trace_dispose(&t);
    xlnuma_host_free(h);
    xlnuma_host_free(u);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("simulate");
    TCase *tc;

    tc = tcase_create("split");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_split, 0, ARRAY_SIZE(split_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("trace");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_trace_parse);
    tcase_add_loop_test(tc, test_trace_bad, 0, ARRAY_SIZE(trace_bad));
    tcase_add_test(tc, test_trace_load);
    suite_add_tcase(s, tc);

    tc = tcase_create("generate");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_generate);
    tcase_add_test(tc, test_generate_fills);
    tcase_add_test(tc, test_generate_bad);
    suite_add_tcase(s, tc);

    tc = tcase_create("invariants");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_invariants, 0, ARRAY_SIZE(inv_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("metrics");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_distance);
    tcase_add_test(tc, test_load);
    tcase_add_test(tc, test_fragmentation);
    tcase_add_test(tc, test_overcommit);
    tcase_add_test(tc, test_overcommit_dma);
    tcase_add_test(tc, test_refusals);
    tcase_add_test(tc, test_one_node);
    tcase_add_test(tc, test_xen42_pins);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);

    return xlnuma_test_run(s);
}
