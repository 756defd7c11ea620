/* SPDX-License-Identifier: LGPL-2.1-only */
/* check_state.c: the JSON state file -- golden output, round trips, strict
 * reading, atomic saving. */
#define _GNU_SOURCE             /* asprintf */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* ---- helpers ---- */

static char *read_path(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf;
    long n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static char *read_text(const char *rel)
{
    char *path = test_srcpath(rel), *t = read_path(path);

    free(path);
    return t;
}

static void write_path(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    ck_assert_msg(f != NULL, "cannot create %s", path);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

static bool have_fixture(const char *rel)
{
    char *path = test_srcpath(rel);
    struct stat st;
    bool ok = stat(path, &st) == 0;

    free(path);
    return ok;
}

static xlnuma_host *load(const char *rel)
{
    char *path = test_srcpath(rel);
    xlnuma_host *h = NULL;
    int rc = xlnuma_host_load(test_ctx, path, &h);

    ck_assert_msg(rc == 0, "loading %s: rc %d\n%s", rel, rc,
                  test_log_text());
    free(path);
    return h;
}

static char *to_json(const xlnuma_host *h)
{
    char *j = NULL;

    ck_assert_int_eq(xlnuma_host_to_json(test_ctx, h, &j), 0);
    ck_assert_ptr_nonnull(j);
    return j;
}

static void same_map(const xlnuma_bitmap *a, const xlnuma_bitmap *b,
                     const char *what)
{
    ck_assert_msg(xlnuma_bitmap_equal(a, b), "%s differs", what);
}

/* Two hosts describe the same machine, field by field. */
static void same_host(const xlnuma_host *a, const xlnuma_host *b)
{
    unsigned nn = xlnuma_host_nr_nodes(a);

    ck_assert_uint_eq(nn, xlnuma_host_nr_nodes(b));
    ck_assert_uint_eq(xlnuma_host_nr_cpus(a), xlnuma_host_nr_cpus(b));
    ck_assert_uint_eq(xlnuma_host_nr_pools(a), xlnuma_host_nr_pools(b));
    ck_assert_uint_eq(xlnuma_host_nr_domains(a), xlnuma_host_nr_domains(b));
    ck_assert_int_eq(xlnuma_host_dma_known(a), xlnuma_host_dma_known(b));
    ck_assert_uint_eq(xlnuma_host_dma_bits(a), xlnuma_host_dma_bits(b));
    for (unsigned i = 0; i < nn; i++) {
        const xlnuma_node *x = xlnuma_host_node(a, i);
        const xlnuma_node *y = xlnuma_host_node(b, i);

        ck_assert_uint_eq(x->memsize_kib, y->memsize_kib);
        ck_assert_uint_eq(x->memfree_kib, y->memfree_kib);
        ck_assert_uint_eq(x->dmafree_kib, y->dmafree_kib);
        same_map(&x->cpus, &y->cpus, "node cpus");
        for (unsigned j = 0; j < nn; j++)
            ck_assert_uint_eq(x->distance[j], y->distance[j]);
    }
    for (unsigned i = 0; i < xlnuma_host_nr_cpus(a); i++) {
        const xlnuma_cpu *x = xlnuma_host_cpu(a, i);
        const xlnuma_cpu *y = xlnuma_host_cpu(b, i);

        ck_assert_int_eq(x->core, y->core);
        ck_assert_int_eq(x->socket, y->socket);
        ck_assert_int_eq(x->node, y->node);
        ck_assert_int_eq(x->online, y->online);
    }
    for (unsigned i = 0; i < xlnuma_host_nr_pools(a); i++) {
        const xlnuma_pool *x = xlnuma_host_pool(a, i);
        const xlnuma_pool *y = xlnuma_host_pool(b, i);

        ck_assert_uint_eq(x->id, y->id);
        ck_assert_str_eq(x->name, y->name);
        ck_assert_str_eq(x->sched ? x->sched : "-", y->sched ? y->sched : "-");
        same_map(&x->cpus, &y->cpus, "pool cpus");
    }
    for (unsigned i = 0; i < xlnuma_host_nr_domains(a); i++) {
        const xlnuma_domain *x = xlnuma_host_domain(a, i);
        const xlnuma_domain *y = xlnuma_host_domain(b, i);

        ck_assert_uint_eq(x->domid, y->domid);
        ck_assert_str_eq(x->name, y->name);
        ck_assert_uint_eq(x->pool, y->pool);
        ck_assert_uint_eq(x->mem_kib, y->mem_kib);
        same_map(&x->node_affinity, &y->node_affinity, "node affinity");
        ck_assert_uint_eq(x->nr_vcpus, y->nr_vcpus);
        for (unsigned v = 0; v < x->nr_vcpus; v++) {
            ck_assert_uint_eq(x->vcpus[v].id, y->vcpus[v].id);
            ck_assert_int_eq(x->vcpus[v].cpu, y->vcpus[v].cpu);
            ck_assert_int_eq(x->vcpus[v].online, y->vcpus[v].online);
            same_map(&x->vcpus[v].hard, &y->vcpus[v].hard, "hard");
            same_map(&x->vcpus[v].soft, &y->vcpus[v].soft, "soft");
        }
        ck_assert_int_eq(!x->pages_per_node, !y->pages_per_node);
        ck_assert_uint_eq(x->pages_total, y->pages_total);
        if (x->pages_per_node) {
            ck_assert_uint_eq(x->nr_pages, y->nr_pages);
            for (unsigned n = 0; n < x->nr_pages; n++)
                ck_assert_uint_eq(x->pages_per_node[n], y->pages_per_node[n]);
        }
    }
}

/* ---- golden files and round trips, on every fixture ---- */

#define EXP "tests/data/expected/"

static const struct golden {
    const char *src;            /* a capture, numactl text or JSON */
    const char *expected;       /* its canonical JSON */
} goldens[] = {
    { "tests/data/shared-xenlab-2node", EXP "shared-xenlab-2node.json" },
    { "tests/data/shared-xenlab-4node", EXP "shared-xenlab-4node.json" },
    { "tests/data/xenlab-2node", EXP "xenlab-2node.json" },
    { "tests/data/xenlab-2node/dom0-only", EXP "xenlab-2node-dom0-only.json" },
    { "tests/data/xenlab-4node", EXP "xenlab-4node.json" },
    { "tests/data/xenlab-4node/dom0-only", EXP "xenlab-4node-dom0-only.json" },
    { "tests/data/xl-handmade", EXP "xl-handmade.json" },
    { "tests/data/dl980/numactl-H.txt", EXP "dl980.json" },
    { "tests/data/guest-4cell/numactl-H.txt", EXP "guest-4cell.json" },
    { "tests/data/numactl-sparse/numactl-H.txt", EXP "numactl-sparse.json" },
    { "examples/hosts/dl980.json", "examples/hosts/dl980.json" },
    { "examples/hosts/dl980-numactl.txt", EXP "dl980.json" },
};

/* The parse of each source gives exactly its golden file.  Set
 * XLNUMA_UPDATE_GOLDEN=1 to rewrite them after a capture is re-recorded
 * (and review the diff). */
START_TEST(test_golden)
{
    const struct golden *g = &goldens[_i];
    xlnuma_host *h;
    char *got, *want, *path;

    if (!have_fixture(g->src)) {
        fprintf(stderr, "check_state: %s absent, skipped\n", g->src);
        return;
    }
    h = load(g->src);
    got = to_json(h);
    path = test_srcpath(g->expected);
    if (getenv("XLNUMA_UPDATE_GOLDEN") && strcmp(g->src, g->expected)) {
        write_path(path, got);
        fprintf(stderr, "check_state: wrote %s\n", g->expected);
    }
    want = read_path(path);
    ck_assert_msg(!strcmp(got, want), "%s: output differs from %s:\n%s",
                  g->src, g->expected, got);
    free(path);
    free(want);
    free(got);
    xlnuma_host_free(h);
}
END_TEST

/* to_json(from_json(x)) is x for canonical x, and from_json(to_json(h))
 * describes the host h. */
START_TEST(test_roundtrip)
{
    const struct golden *g = &goldens[_i];
    xlnuma_host *h0, *h1 = NULL, *h2 = NULL;
    char *text, *again, *again2;

    if (!have_fixture(g->src))
        return;
    text = read_text(g->expected);
    ck_assert_int_eq(xlnuma_host_from_json(test_ctx, text, &h1), 0);
    again = to_json(h1);
    ck_assert_str_eq(again, text);
    h0 = load(g->src);
    same_host(h0, h1);
    /* and a copy made by xlnuma_host_dup writes the same */
    ck_assert_int_eq(xlnuma_host_dup(test_ctx, h1, &h2), 0);
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h2), 0);
    again2 = to_json(h2);
    ck_assert_str_eq(again2, text);
    free(again2);
    xlnuma_host_free(h2);
    xlnuma_host_free(h0);
    xlnuma_host_free(h1);
    free(again);
    free(text);
}
END_TEST

/* The example of xlnuma-state(5) is canonical. */
START_TEST(test_doc_example)
{
    char *pod, *start, *end, *json, *out;
    xlnuma_host *h = NULL;
    size_t n = 0;

    if (!have_fixture("docs/xlnuma-state.5.pod"))
        return;
    pod = read_text("docs/xlnuma-state.5.pod");
    start = strstr(pod, "\n=head1 EXAMPLE\n");
    ck_assert_ptr_nonnull(start);
    start = strstr(start, "\n    {\n");
    ck_assert_ptr_nonnull(start);
    end = strstr(start, "\n=head1");
    ck_assert_ptr_nonnull(end);
    json = malloc((size_t)(end - start) + 1);
    ck_assert_ptr_nonnull(json);
    /* the verbatim paragraph, less its four spaces of indent */
    for (char *p = start + 1; p < end; ) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

        if (len >= 4 && !strncmp(p, "    ", 4)) {
            memcpy(json + n, p + 4, len - 4);
            n += len - 4;
            json[n++] = '\n';
        }
        p += len + 1;
    }
    json[n] = '\0';
    ck_assert_int_eq(xlnuma_host_from_json(test_ctx, json, &h), 0);
    out = to_json(h);
    ck_assert_str_eq(out, json);
    ck_assert(!xlnuma_host_cpu(h, 3)->online);
    ck_assert_uint_eq(xlnuma_host_dma_bits(h), 29);
    free(out);
    free(json);
    free(pod);
    xlnuma_host_free(h);
}
END_TEST

/* ---- the compact vCPU form and defaults ---- */

START_TEST(test_compact)
{
    xlnuma_host *h = test_host_uniform(2, 4, 4 * GIB, 3 * GIB), *r = NULL;
    const xlnuma_domain *d;
    char *j, *j2;

    test_host_add_domain(h, 0, "Domain-0", 0, 2, NULL, NULL);
    test_host_add_domain(h, 5, "pinned", 0, 3, "4-7", "1");
    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    j = to_json(h);
    /* identical vCPUs that run nowhere are written compactly */
    ck_assert_ptr_nonnull(strstr(j, "\"nr_vcpus\": 3,\n      \"hard\": "
                                 "\"4-7\",\n      \"soft\": \"none\""));
    ck_assert_ptr_null(strstr(j, "\"vcpus\""));
    ck_assert_int_eq(xlnuma_host_from_json(test_ctx, j, &r), 0);
    same_host(h, r);
    d = xlnuma_host_domain_by_name(r, "pinned");
    ck_assert_uint_eq(d->nr_vcpus, 3);
    ck_assert_uint_eq(d->vcpus[2].id, 2);
    j2 = to_json(r);
    ck_assert_str_eq(j, j2);
    free(j);
    free(j2);
    xlnuma_host_free(h);
    xlnuma_host_free(r);
}
END_TEST

/* Non-canonical input: defaults omitted, nulls. */
START_TEST(test_defaults)
{
    static const char *const in =
        "{\"format\": \"xlnuma-state\", \"version\": 1,\n"
        " \"nodes\": [{\"id\": 0, \"memsize_kib\": 1048576,"
        " \"memfree_kib\": 524288},\n"
        "            {\"id\": 1, \"memsize_kib\": 1048576,"
        " \"memfree_kib\": 1048576}],\n"
        " \"cpus\": [{\"id\": 0, \"core\": 0, \"socket\": 0, \"node\": 0},\n"
        "          {\"id\": 1, \"core\": null, \"socket\": null,"
        " \"node\": null},\n"
        "          {\"id\": 2, \"core\": 1, \"socket\": 1, \"node\": 1}],\n"
        " \"domains\": [{\"id\": 0, \"name\": \"Domain-0\", \"pool\": 0,"
        " \"mem_kib\": 65536, \"nr_vcpus\": 2, \"pages_per_node\": [3, 4]},\n"
        "   {\"id\": 1, \"name\": \"g\", \"pool\": 0, \"mem_kib\": 1024,"
        " \"node_affinity\": \"all\", \"vcpus\": [{\"id\": 0, \"cpu\": null,"
        " \"online\": false, \"soft\": \"none\"}]}]}\n";
    xlnuma_host *h = NULL;
    const xlnuma_domain *d;
    const xlnuma_pool *p;

    ck_assert_int_eq(xlnuma_host_from_json(test_ctx, in, &h), 0);
    /* no distances: 10 local, 20 remote */
    ck_assert_uint_eq(xlnuma_host_node(h, 0)->distance[1], 20);
    ck_assert(!xlnuma_host_cpu(h, 1)->online);
    ck_assert_int_eq(xlnuma_host_cpu(h, 1)->core, -1);
    /* no pools: Pool-0 with the online cpus */
    ck_assert_uint_eq(xlnuma_host_nr_pools(h), 1);
    p = xlnuma_host_pool(h, 0);
    ck_assert_str_eq(p->name, "Pool-0");
    ck_assert_uint_eq(xlnuma_bitmap_count(&p->cpus), 2);
    d = xlnuma_host_domain_by_name(h, "Domain-0");
    ck_assert_uint_eq(d->nr_vcpus, 2);
    ck_assert_uint_eq(xlnuma_bitmap_count(&d->vcpus[1].hard), 3);
    ck_assert_uint_eq(d->pages_total, 7);       /* the sum */
    ck_assert(xlnuma_bitmap_is_empty(&d->node_affinity));
    d = xlnuma_host_domain_by_name(h, "g");
    ck_assert_uint_eq(xlnuma_bitmap_count(&d->node_affinity), 2);
    ck_assert(!d->vcpus[0].online);
    ck_assert_int_eq(d->vcpus[0].cpu, XLNUMA_NO_CPU);
    ck_assert(xlnuma_bitmap_is_empty(&d->vcpus[0].soft));
    ck_assert_uint_eq(xlnuma_bitmap_count(&d->vcpus[0].hard), 3);
    ck_assert(!xlnuma_host_dma_known(h));
    xlnuma_host_free(h);
}
END_TEST

START_TEST(test_unfinished)
{
    xlnuma_host *h = test_host_uniform(1, 1, GIB, GIB);
    char *j = NULL;

    ck_assert_int_eq(xlnuma_host_to_json(test_ctx, h, &j),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_null(j);
    xlnuma_host_free(h);
}
END_TEST

/* ---- strict reading: mutations of a valid file ---- */

static const struct bad_json {
    const char *from, *to;      /* first occurrence replaced */
    int rc;
    const char *msg;
} bad_json[] = {
    { "\"memfree_kib\": 2560000", "\"memfre_kib\": 2560000",
      XLNUMA_ERROR_PARSE, "unknown key \"memfre_kib\" in $.nodes[1]" },
    { "\"dma_bits\": 30,", "\"dma_bit\": 30,", XLNUMA_ERROR_PARSE,
      "unknown key \"dma_bit\" in $" },
    { "\"cpu\": -1,", "\"cpu\": -1, \"pinned\": true,", XLNUMA_ERROR_PARSE,
      "unknown key \"pinned\" in $.domains[1].vcpus[2]" },
    { "\"version\": 1", "\"version\": 2", XLNUMA_ERROR_RANGE,
      "version 2 is not supported" },
    { "\"format\": \"xlnuma-state\"", "\"format\": \"xlnuma-topology\"",
      XLNUMA_ERROR_PARSE, "format is \"xlnuma-topology\"" },
    { "\"mem_kib\": 1048576", "\"mem_kib\": 1e20", XLNUMA_ERROR_RANGE,
      "domains[1].mem_kib is 1e20" },
    { "\"mem_kib\": 1048576", "\"mem_kib\": 1.5", XLNUMA_ERROR_RANGE,
      "domains[1].mem_kib is 1.5" },
    { "\"mem_kib\": 1048576", "\"mem_kib\": -1", XLNUMA_ERROR_RANGE,
      "domains[1].mem_kib is -1" },
    { "\"mem_kib\": 1048576", "\"mem_kib\": 1125899906842625",
      XLNUMA_ERROR_RANGE, "domains[1].mem_kib is 1125899906842625" },
    { "\"mem_kib\": 1048576", "\"mem_kib\": 99999999999999999999",
      XLNUMA_ERROR_RANGE, "domains[1].mem_kib is 99999999999999999999" },
    { "\"memsize_kib\": 4194304", "\"memsize_kib\": 1125899906842625",
      XLNUMA_ERROR_RANGE, "nodes[0].memsize_kib is 1125899906842625" },
    { "\"mem_kib\": 1048576", "\"mem_kib\": \"1048576\"", XLNUMA_ERROR_PARSE,
      "domains[1].mem_kib must be an integer, not a string" },
    { "\"name\": \"web\",", "\"name\": \"web\", \"name\": \"www\",",
      XLNUMA_ERROR_PARSE, "key \"name\" appears twice in $.domains[1]" },
    { "\"name\": \"web\"", "\"name\": \"\"", XLNUMA_ERROR_PARSE,
      "domains[1].name is empty" },
    { "\"memsize_kib\": 4194304,", "", XLNUMA_ERROR_PARSE,
      "nodes[0] has no \"memsize_kib\"" },
    { "\"hard\": \"0-3\"", "\"hard\": \"0-x\"", XLNUMA_ERROR_PARSE,
      "domains[1].vcpus[0].hard \"0-x\" is not a list" },
    { "\"hard\": \"0-3\"", "\"hard\": \"0-99\"", XLNUMA_ERROR_RANGE,
      "domains[1].vcpus[0].hard \"0-99\" names an id beyond 7" },
    { "\"id\": 2,\n          \"cpu\": -1", "\"id\": 5,\n          \"cpu\": -1",
      XLNUMA_ERROR_INCONSISTENT, "domains[1].vcpus[2].id is 5" },
    { "\"online\": false", "\"online\": 0", XLNUMA_ERROR_PARSE,
      "domains[1].vcpus[2].online must be true or false" },
    { "\"node_affinity\": \"0\",", "\"node_affinity\": \"0\", "
      "\"nr_vcpus\": 2,", XLNUMA_ERROR_PARSE, "domains[1] has both" },
    { "        20,\n        10,\n        30\n", "        20,\n        10\n",
      XLNUMA_ERROR_INCONSISTENT, "nodes[1].distances has 2 entries" },
    { "        10,\n        20,\n        30\n",
      "        300,\n        20,\n        30\n", XLNUMA_ERROR_RANGE,
      "nodes[0].distances[0] is 300" },
    { "\"pool\": 1,", "\"pool\": 5,", XLNUMA_ERROR_INCONSISTENT,
      "domain batch is in cpupool 5, which does not exist" },
    { "\"dmafree_kib\": 0,", "", XLNUMA_ERROR_INCONSISTENT,
      "nodes[1] lacks dmafree_kib" },
    { "\"memfree_kib\": 2097152", "\"memfree_kib\": 2097153",
      XLNUMA_ERROR_INCONSISTENT, "node 2: free memory 2097153 KiB exceeds" },
    { "\"node\": 1\n    }\n  ],", "\"node\": 9\n    }\n  ],",
      XLNUMA_ERROR_INCONSISTENT, "cpu 7 is on node 9" },
    { "\"node\": 1\n    }\n  ],", "\"node\": \"1\"\n    }\n  ],",
      XLNUMA_ERROR_PARSE, "cpus[7].node must be an integer, not a string" },
    { "\"cpus\": [", "\"cpus\": {", XLNUMA_ERROR_PARSE, "not valid JSON" },
    { "\n  ]\n}", "", XLNUMA_ERROR_PARSE, "not valid JSON" },
    { "\"dma_bits\": 30", "\"dma_bits\": \"30\"", XLNUMA_ERROR_PARSE,
      "$.dma_bits must be an integer, not a string" },
    { "\"dma_bits\": 30", "\"dma_bits\": 65", XLNUMA_ERROR_RANGE,
      "$.dma_bits is 65; it must be in 0..64" },
    { "\"pages_total\": 262144,", "", 0, NULL },   /* optional */
    { "\"sched\": \"credit\",", "\"sched\": null,", 0, NULL },
};

START_TEST(test_bad_json)
{
    const struct bad_json *c = &bad_json[_i];
    char *base = read_text(EXP "xl-handmade.json"), *text, *at;
    xlnuma_host *h = NULL;
    int rc;

    at = strstr(base, c->from);
    ck_assert_msg(at != NULL, "case %d: \"%s\" is not in the base", _i,
                  c->from);
    ck_assert_int_ge(asprintf(&text, "%.*s%s%s", (int)(at - base), base,
                              c->to, at + strlen(c->from)), 0);
    rc = xlnuma_host_from_json(test_ctx, text, &h);
    ck_assert_msg(rc == c->rc, "case %d: rc %s, expected %s\n%s", _i,
                  xlnuma_error_name(rc), xlnuma_error_name(c->rc),
                  test_log_text());
    if (c->rc) {
        ck_assert_ptr_null(h);
        ck_assert_msg(strstr(test_log_text(), c->msg) != NULL,
                      "case %d: no \"%s\" in\n%s", _i, c->msg,
                      test_log_text());
    }
    xlnuma_host_free(h);
    free(text);
    free(base);
}
END_TEST

START_TEST(test_not_json)
{
    xlnuma_host *h = NULL;

    ck_assert_int_eq(xlnuma_host_from_json(test_ctx, "[1, 2]", &h),
                     XLNUMA_ERROR_PARSE);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "$ must be an object, "
                                 "not an array"));
    ck_assert_int_eq(xlnuma_host_from_json(test_ctx, "", &h),
                     XLNUMA_ERROR_PARSE);
    ck_assert_int_eq(xlnuma_host_from_json(test_ctx, "{\"format\": "
                                           "\"xlnuma-state\", \"version\": 1, "
                                           "\"nodes\": 3, \"cpus\": []}", &h),
                     XLNUMA_ERROR_PARSE);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "$.nodes must be an array, "
                                 "not a number"));
    ck_assert_int_eq(xlnuma_host_from_json(test_ctx, "{\"format\": "
                                           "\"xlnuma-state\", \"nodes\": [], "
                                           "\"cpus\": []}", &h),
                     XLNUMA_ERROR_PARSE);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "$ has no \"version\""));
    ck_assert_int_eq(xlnuma_host_from_json(test_ctx, NULL, &h),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_null(h);
}
END_TEST

/* ---- saving ---- */

static char *tmpdir;

static void save_setup(void)
{
    char tmpl[] = "/tmp/check_state.XXXXXX";

    test_ctx_setup();
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    tmpdir = strdup(tmpl);
}

static void rm_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;

    if (!d) {
        unlink(path);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char *p;

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        ck_assert_int_ge(asprintf(&p, "%s/%s", path, e->d_name), 0);
        rm_tree(p);
        free(p);
    }
    closedir(d);
    rmdir(path);
}

static void save_teardown(void)
{
    chmod(tmpdir, 0755);
    rm_tree(tmpdir);
    free(tmpdir);
    tmpdir = NULL;
    test_ctx_teardown();
}

/* The names in a directory, sorted, space separated. */
static char *listing(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    char *s = strdup("");

    ck_assert_int_ge(n, 0);
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
            char *t;

            ck_assert_int_ge(asprintf(&t, "%s%s%s", s, *s ? " " : "",
                                      names[i]->d_name), 0);
            free(s);
            s = t;
        }
        free(names[i]);
    }
    free(names);
    return s;
}

static char *in_tmp(const char *name)
{
    char *p;

    ck_assert_int_ge(asprintf(&p, "%s/%s", tmpdir, name), 0);
    return p;
}

START_TEST(test_save_new)
{
    xlnuma_host *h = load("tests/data/xl-handmade"), *back = NULL;
    char *path = in_tmp("state.json"), *got, *want = to_json(h), *ls;
    struct stat st;

    ck_assert_int_eq(xlnuma_host_save(test_ctx, h, path), 0);
    got = read_path(path);
    ck_assert_str_eq(got, want);
    ls = listing(tmpdir);
    ck_assert_str_eq(ls, "state.json");         /* no temporary left */
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0644);
    ck_assert_int_eq(xlnuma_host_load(test_ctx, path, &back), 0);
    same_host(h, back);
    xlnuma_host_free(back);
    xlnuma_host_free(h);
    free(ls);
    free(got);
    free(want);
    free(path);
}
END_TEST

START_TEST(test_save_replace)
{
    xlnuma_host *h = load("tests/data/dl980/numactl-H.txt");
    char *path = in_tmp("state.json"), *got, *want = to_json(h), *ls;
    struct stat st;

    write_path(path, "old\n");
    ck_assert_int_eq(chmod(path, 0600), 0);
    ck_assert_int_eq(xlnuma_host_save(test_ctx, h, path), 0);
    got = read_path(path);
    ck_assert_str_eq(got, want);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0600);  /* mode kept */
    ls = listing(tmpdir);
    ck_assert_str_eq(ls, "state.json");
    xlnuma_host_free(h);
    free(ls);
    free(got);
    free(want);
    free(path);
}
END_TEST

/* The rename fails (the target is a non-empty directory): rc IO, the
 * target intact, the temporary file gone. */
START_TEST(test_save_rename_fails)
{
    xlnuma_host *h = load("tests/data/dl980/numactl-H.txt");
    char *dir = in_tmp("state.json"), *keep, *ls, *got;

    ck_assert_int_eq(mkdir(dir, 0755), 0);
    ck_assert_int_ge(asprintf(&keep, "%s/keep", dir), 0);
    write_path(keep, "precious\n");
    ck_assert_int_eq(xlnuma_host_save(test_ctx, h, dir), XLNUMA_ERROR_IO);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "cannot rename"));
    got = read_path(keep);
    ck_assert_str_eq(got, "precious\n");
    ls = listing(tmpdir);
    ck_assert_str_eq(ls, "state.json");
    xlnuma_host_free(h);
    free(ls);
    free(got);
    free(keep);
    free(dir);
}
END_TEST

/* A write that fails half way (a file size limit stands in for a full
 * disk): rc IO, the old file intact, the temporary file gone. */
START_TEST(test_save_write_fails)
{
    xlnuma_host *h = load("tests/data/dl980/numactl-H.txt");
    char *path = in_tmp("state.json"), *ls, *got;
    struct rlimit old, lim;
    void (*old_handler)(int);
    int rc;

    write_path(path, "old state\n");
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 100;
    old_handler = signal(SIGXFSZ, SIG_IGN);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    rc = xlnuma_host_save(test_ctx, h, path);
    ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, old_handler);
    ck_assert_int_eq(rc, XLNUMA_ERROR_IO);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "cannot write"));
    got = read_path(path);
    ck_assert_str_eq(got, "old state\n");
    ls = listing(tmpdir);
    ck_assert_str_eq(ls, "state.json");
    xlnuma_host_free(h);
    free(ls);
    free(got);
    free(path);
}
END_TEST

START_TEST(test_save_no_dir)
{
    xlnuma_host *h = load("tests/data/dl980/numactl-H.txt");
    char *path = in_tmp("missing/state.json");

    ck_assert_int_eq(xlnuma_host_save(test_ctx, h, path), XLNUMA_ERROR_IO);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "cannot create a "
                                 "temporary file in"));
    ck_assert_int_eq(xlnuma_host_save(test_ctx, h, ""), XLNUMA_ERROR_INVAL);
    xlnuma_host_free(h);
    free(path);
}
END_TEST

/* A read-only directory (meaningless for root, who may write anyway). */
START_TEST(test_save_readonly_dir)
{
    xlnuma_host *h;
    char *path, *got, *ls;

    if (geteuid() == 0)
        return;
    h = load("tests/data/dl980/numactl-H.txt");
    path = in_tmp("state.json");
    write_path(path, "old state\n");
    ck_assert_int_eq(chmod(tmpdir, 0555), 0);
    ck_assert_int_eq(xlnuma_host_save(test_ctx, h, path), XLNUMA_ERROR_IO);
    ck_assert_int_eq(chmod(tmpdir, 0755), 0);
    got = read_path(path);
    ck_assert_str_eq(got, "old state\n");
    ls = listing(tmpdir);
    ck_assert_str_eq(ls, "state.json");
    xlnuma_host_free(h);
    free(ls);
    free(got);
    free(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("state");
    TCase *tc;

    tc = tcase_create("golden");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_golden, 0, ARRAY_SIZE(goldens));
    suite_add_tcase(s, tc);

    tc = tcase_create("roundtrip");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_roundtrip, 0, ARRAY_SIZE(goldens));
    tcase_add_test(tc, test_doc_example);
    tcase_add_test(tc, test_compact);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_unfinished);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_bad_json, 0, ARRAY_SIZE(bad_json));
    tcase_add_test(tc, test_not_json);
    suite_add_tcase(s, tc);

    tc = tcase_create("save");
    tcase_add_checked_fixture(tc, save_setup, save_teardown);
    tcase_add_test(tc, test_save_new);
    tcase_add_test(tc, test_save_replace);
    tcase_add_test(tc, test_save_rename_fails);
    tcase_add_test(tc, test_save_write_fails);
    tcase_add_test(tc, test_save_no_dir);
    tcase_add_test(tc, test_save_readonly_dir);
    suite_add_tcase(s, tc);

    return xlnuma_test_run(s);
}
