/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_limits.c: absurd sizes and counts -- 10^6 nodes, 10^20 bytes,
 * 100000 vCPUs, a million levels of JSON -- get a clear error (the rc
 * and a message naming the value), never an overflow, a crash or
 * gigabytes of memory.  Core only; the command's limits are the CLI
 * golden cases limits-*.  Rows marked "fuzz" or "bug" were failures
 * once (tests/hardening/README.md).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* A growing string. */
typedef struct {
    char *s;
    size_t len, cap;
} buf;

static void put(buf *b, const char *s)
{
    size_t n = strlen(s);

    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        ck_assert_ptr_nonnull(b->s);
    }
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

static void putf(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void putf(buf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    put(b, tmp);
}

static void put_n(buf *b, const char *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        put(b, s);
}

/* ---- TCase "json": the state loader ---------------------------------- */

#define HEAD "{\"format\":\"xlnuma-state\",\"version\":1,"
#define NODE0 "{\"id\":0,\"memsize_kib\":1048576,\"memfree_kib\":1048576}"
#define CPU0 "{\"id\":0,\"core\":0,\"socket\":0,\"node\":0}"

static char *json_deep(void)            /* bug: a stack overflow */
{
    buf b = { 0 };

    put(&b, "{\"a\":");
    put_n(&b, "[", 3000000);
    put_n(&b, "]", 3000000);
    put(&b, "}");
    return b.s;
}

static char *json_deep_in_string(void)  /* brackets in a string are text */
{
    buf b = { 0 };

    put(&b, "{\"format\":\"");
    put_n(&b, "[{", 1000);
    put(&b, "\",\"version\":1,\"nodes\":[],\"cpus\":[]}");
    return b.s;
}

static char *json_node_id(void)
{
    return strdup(HEAD "\"nodes\":[{\"id\":1000000,\"memsize_kib\":1,"
                  "\"memfree_kib\":1}],\"cpus\":[]}");
}

static char *json_many_nodes(void)
{
    buf b = { 0 };

    put(&b, HEAD "\"nodes\":[");
    for (unsigned i = 0; i < 5000; i++)
        putf(&b, "%s{\"id\":%u,\"memsize_kib\":1,\"memfree_kib\":1}",
             i ? "," : "", i);
    put(&b, "],\"cpus\":[]}");
    return b.s;
}

static char *json_memsize_1e20(void)
{
    return strdup(HEAD "\"nodes\":[{\"id\":0,\"memsize_kib\":"
                  "100000000000000000000,\"memfree_kib\":1}],\"cpus\":[]}");
}

static char *json_memsize_2_50(void)
{
    return strdup(HEAD "\"nodes\":[{\"id\":0,\"memsize_kib\":"
                  "1125899906842625,\"memfree_kib\":1}],\"cpus\":[]}");
}

static char *json_nr_vcpus(void)
{
    return strdup(HEAD "\"nodes\":[" NODE0 "],\"cpus\":[" CPU0 "],"
                  "\"domains\":[{\"id\":1,\"name\":\"a\",\"pool\":0,"
                  "\"mem_kib\":0,\"nr_vcpus\":100000}]}");
}

/* bug: 16384 vCPUs x 2 maps of 2^20 bits: 4 GiB from 300 bytes */
static char *json_vcpu_maps(void)
{
    return strdup(HEAD "\"nodes\":[" NODE0 "],\"cpus\":[" CPU0 ","
                  "{\"id\":1048575,\"core\":1,\"socket\":0,\"node\":0}],"
                  "\"domains\":[{\"id\":1,\"name\":\"a\",\"pool\":0,"
                  "\"mem_kib\":0,\"nr_vcpus\":16384,\"hard\":\"all\"}]}");
}

static char *json_distances(void)
{
    buf b = { 0 };

    /* Not 10^6: yajl grows an array one realloc per element, which
     * ASan makes quadratic. */
    put(&b, HEAD "\"nodes\":[{\"id\":0,\"memsize_kib\":1,\"memfree_kib\":1,"
        "\"distances\":[10");
    put_n(&b, ",10", 19999);
    put(&b, "]}],\"cpus\":[]}");
    return b.s;
}

static char *json_pages(void)
{
    return strdup(HEAD "\"nodes\":[" NODE0 "],\"cpus\":[" CPU0 "],"
                  "\"domains\":[{\"id\":1,\"name\":\"a\",\"pool\":0,"
                  "\"mem_kib\":0,\"nr_vcpus\":1,\"pages_per_node\":"
                  "[18446744073709551615]}]}");
}

static const struct json_case {
    const char *what;
    char *(*make)(void);
    int rc;
    const char *msg;
} json_cases[] = {
    { "3,000,000 levels of arrays", json_deep, XLNUMA_ERROR_PARSE,
      "line 1: nested deeper than 32 levels" },
    { "brackets inside a string", json_deep_in_string, XLNUMA_ERROR_PARSE,
      "format is \"[{[{" },
    { "node id 10^6", json_node_id, XLNUMA_ERROR_RANGE,
      "$.nodes[0].id is 1000000; it must be in 0..4095" },
    { "5000 nodes", json_many_nodes, XLNUMA_ERROR_RANGE,
      "$.nodes[4096].id is 4096; it must be in 0..4095" },
    { "memsize 10^20 KiB", json_memsize_1e20, XLNUMA_ERROR_RANGE,
      "$.nodes[0].memsize_kib is 100000000000000000000; it must be an "
      "integer in 0..1125899906842624" },
    { "memsize 2^50 + 1 KiB", json_memsize_2_50, XLNUMA_ERROR_RANGE,
      "$.nodes[0].memsize_kib is 1125899906842625; it must be in "
      "0..1125899906842624" },
    { "100000 vCPUs", json_nr_vcpus, XLNUMA_ERROR_RANGE,
      "$.domains[0].nr_vcpus is 100000; it must be in 0..16384" },
    { "16384 vCPUs on 2^20 pCPUs", json_vcpu_maps, XLNUMA_ERROR_RANGE,
      "state: $.domains[0]: 16384 vCPUs in all, each with affinity maps of "
      "1048576 pCPUs, are more than this library models (256 MiB" },
    { "20000 distances", json_distances, XLNUMA_ERROR_INCONSISTENT,
      "$.nodes[0].distances has 20000 entries; node ids go up to 0" },
    { "2^64 - 1 pages", json_pages, XLNUMA_ERROR_RANGE,
      "pages_per_node[0] is 18446744073709551615; it must be an integer" },
};

START_TEST(test_json)
{
    const struct json_case *c = &json_cases[_i];
    char *text = c->make();
    xlnuma_host *h = NULL;

    ck_assert_int_eq(xlnuma_host_from_json(test_ctx, text, &h), c->rc);
    ck_assert_ptr_null(h);
    ck_assert_msg(strstr(test_log_text(), c->msg), "%s: the log lacks "
                  "\"%s\":\n%s", c->what, c->msg, test_log_text());
    free(text);
}
END_TEST

/* ---- TCase "xl": the capture parsers --------------------------------- */

static char *fixture(const char *rel)
{
    char *path = test_srcpath(rel), *text = NULL;
    FILE *f = fopen(path, "r");
    buf b = { 0 };
    char line[4096];

    ck_assert_msg(f != NULL, "cannot open %s", path);
    put(&b, "");
    while (fgets(line, sizeof(line), f))
        put(&b, line);
    fclose(f);
    free(path);
    text = b.s;
    return text;
}

/* text with the line starting with `key' replaced by `line' */
static char *with_line(const char *text, const char *key, const char *line)
{
    buf b = { 0 };
    const char *p = text;

    put(&b, "");
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
        char *l = strndup(p, n);

        ck_assert_ptr_nonnull(l);
        if (!strncmp(l, key, strlen(key))) {
            put(&b, line);
            put(&b, "\n");
        } else {
            put(&b, l);
        }
        free(l);
        p += n;
    }
    return b.s;
}

#define HM "tests/data/xl-handmade/"

static const struct xl_case {
    const char *what;
    const char *key;            /* xl info -n line replaced */
    const char *info_line;
    const char *list_n_key;     /* xl list -n line replaced, or NULL */
    const char *list_n_line;
    int rc;
    const char *msg;
} xl_cases[] = {
    { "nr_nodes 10^6", "nr_nodes", "nr_nodes               : 1000000",
      NULL, NULL, XLNUMA_ERROR_RANGE,
      "xl info -n line 7: nr_nodes 1000000 is out of range (at most 4096)" },
    { "nr_cpus 10^20", "nr_cpus", "nr_cpus                : "
      "100000000000000000000", NULL, NULL, XLNUMA_ERROR_RANGE,
      "xl info -n line 5: nr_cpus" },
    { "max_cpu_id 2^32", "max_cpu_id", "max_cpu_id             : "
      "4294967296", NULL, NULL, XLNUMA_ERROR_RANGE,
      "xl info -n line 6: max_cpu_id" },
    { "16384 vCPUs on 2^20 pCPUs, no vcpu-list", "max_cpu_id",
      "max_cpu_id             : 1048575", "batch",
      "batch                                        7   512 16384     "
      "-b----       3.1 1", XLNUMA_ERROR_RANGE,
      "xl list -n: 16390 vCPUs in all, each with affinity maps of 1048576 "
      "pCPUs, are more than this library models" },
    { "a domain of 10^20 MiB", "nr_nodes", "nr_nodes               : 3",
      "batch", "batch                                        7   "
      "100000000000000000000     2     -b----       3.1 1",
      XLNUMA_ERROR_RANGE, "xl list -n line 4: Mem" },
};

START_TEST(test_xl)
{
    const struct xl_case *c = &xl_cases[_i];
    char *info = fixture(HM "xl-info-n.txt");
    char *list = fixture(HM "xl-list-n.txt");
    char *info2 = with_line(info, c->key, c->info_line);
    char *list2 = c->list_n_key ? with_line(list, c->list_n_key,
                                            c->list_n_line) : NULL;
    xlnuma_xl_texts t = { .info_n = info2, .list_n = list2 };
    xlnuma_host *h = NULL;

    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, &t, &h), c->rc);
    ck_assert_ptr_null(h);
    ck_assert_msg(strstr(test_log_text(), c->msg), "%s: the log lacks "
                  "\"%s\":\n%s", c->what, c->msg, test_log_text());
    free(info);
    free(list);
    free(info2);
    free(list2);
}
END_TEST

/* ---- TCase "numactl" ------------------------------------------------- */

static const struct numactl_case {
    const char *what;
    const char *text;
    int rc;
    const char *msg;
} numactl_cases[] = {
    { "10^6 nodes", "available: 1000000 nodes (0-999999)\n",
      XLNUMA_ERROR_RANGE, "numactl -H line 1: the node count 1000000 is out "
      "of range (at most 4096)" },
    { "node id 10^6", "available: 1 nodes (999999)\n",
      XLNUMA_ERROR_RANGE, "numactl -H line 1: node id 999999 is out of "
      "range (at most 4095)" },
    /* bug: read as 18446744073709551615 */
    { "10^20 nodes", "available: 100000000000000000000 nodes (0)\n",
      XLNUMA_ERROR_RANGE, "numactl -H line 1: the node count "
      "100000000000000000000 is out of range (at most 4096)" },
    { "-1 nodes", "available: -1 nodes (0)\n",
      XLNUMA_ERROR_RANGE, "numactl -H line 1: the node count is negative "
      "(-1)" },
    { "a node of 10^20 MB", "available: 1 nodes (0)\n"
      "node 0 cpus: 0\nnode 0 size: 100000000000000000000 MB\n",
      XLNUMA_ERROR_RANGE, "numactl -H line 3: size (MB) "
      "100000000000000000000 is out of range" },
    { "cpu 2^20", "available: 1 nodes (0)\nnode 0 cpus: 1048576\n",
      XLNUMA_ERROR_RANGE, "numactl -H line 2:" },
};

START_TEST(test_numactl)
{
    const struct numactl_case *c = &numactl_cases[_i];
    xlnuma_host *h = NULL;

    ck_assert_int_eq(xlnuma_host_from_numactl(test_ctx, c->text, &h), c->rc);
    ck_assert_ptr_null(h);
    ck_assert_msg(strstr(test_log_text(), c->msg), "%s: the log lacks "
                  "\"%s\":\n%s", c->what, c->msg, test_log_text());
}
END_TEST

/* ---- TCase "bitmap": the widest maps --------------------------------- */

static const struct range_case {
    const char *in;
    unsigned limit;
    int rc;
    const char *canon;
    unsigned count;
} range_cases[] = {
    { "16777216",              0, XLNUMA_ERROR_RANGE, NULL, 0 },
    { "0-16777216",            0, XLNUMA_ERROR_RANGE, NULL, 0 },
    { "0-16777215",            0, 0, "0-16777215", 16777216 },
    { "0-16777215,^1-16777214", 0, 0, "0,16777215", 2 },
    /* whole bytes and the partial ones at each end */
    { "3-12,^5-9",             0, 0, "3-4,10-12", 5 },
    { "0-63,^8-15",            0, 0, "0-7,16-63", 56 },
    { "1-6,^0-7",              0, 0, "", 0 },
    { "0-7,^3-100",            0, 0, "0-2", 3 },
    { "9-9,17-23,24-25",       0, 0, "9,17-25", 10 },
    { "^5",                    8, 0, "", 0 },
};

START_TEST(test_range)
{
    const struct range_case *c = &range_cases[_i];
    xlnuma_bitmap b;
    char *s;

    xlnuma_bitmap_init(&b);
    ck_assert_int_eq(xlnuma_bitmap_parse(test_ctx, c->in, c->limit, &b),
                     c->rc);
    if (!c->rc) {
        s = xlnuma_bitmap_format(&b);
        ck_assert_str_eq(s, c->canon);
        ck_assert_uint_eq(xlnuma_bitmap_count(&b), c->count);
        free(s);
    } else {
        ck_assert_ptr_nonnull(strstr(test_log_text(), "index too large"));
    }
    xlnuma_bitmap_dispose(&b);
}
END_TEST

/* fuzz: a map built bit by bit grew one byte at a time past 4096 bits,
 * so numactl's "node 0 cpus: 5-641184" took minutes; now it doubles. */
START_TEST(test_growth)
{
    xlnuma_bitmap b;
    unsigned widths = 0, last = 0;

    xlnuma_bitmap_init(&b);
    for (unsigned i = 0; i < (1u << 20); i++) {
        ck_assert_int_eq(xlnuma_bitmap_set(&b, i), 0);
        if (b.nr_bits != last) {
            widths++;
            last = b.nr_bits;
        }
    }
    ck_assert_uint_le(widths, 32);
    ck_assert_uint_le(b.nr_bits, 1u << 21);
    ck_assert_uint_eq(xlnuma_bitmap_count(&b), 1u << 20);
    xlnuma_bitmap_dispose(&b);
}
END_TEST

/* ---- TCase "engine": requests no host can meet ----------------------- */

static const struct place_case {
    const char *what;
    uint64_t need_kib;
    unsigned vcpus;
    uint64_t headroom_kib;
    unsigned headroom_pct;
} place_cases[] = {
    { "2^64 - 1 KiB",           UINT64_MAX, 1,        0,          0 },
    { "100000 vCPUs",           1024,       100000,   0,          0 },
    { "2^32 - 1 vCPUs",         1024,       UINT_MAX, 0,          0 },
    { "headroom 2^64 - 1 KiB",  1024,       1,        UINT64_MAX, 0 },
    { "headroom 2^32 - 1 %",    1024,       1,        0,          UINT_MAX },
    { "headroom 100 % and all", UINT64_MAX, UINT_MAX, UINT64_MAX, 100 },
};

START_TEST(test_place)
{
    const struct place_case *c = &place_cases[_i];
    xlnuma_host *h = test_host_uniform(4, 4, 4 * GIB, 2 * GIB);
    xlnuma_request req;
    xlnuma_result res;
    int rc;

    ck_assert_int_eq(xlnuma_host_finish(test_ctx, h), 0);
    xlnuma_request_init(&req);
    xlnuma_result_init(&res);
    req.need_kib = c->need_kib;
    req.vcpus = c->vcpus;
    req.headroom_kib = c->headroom_kib;
    req.headroom_pct = c->headroom_pct;
    rc = xlnuma_place(test_ctx, h, &req, &res);
    /* a decision that nothing fits, or a request refused with a reason */
    if (rc) {
        ck_assert_msg(rc == XLNUMA_ERROR_INVAL || rc == XLNUMA_ERROR_RANGE,
                      "%s: rc %s", c->what, xlnuma_error_name(rc));
        ck_assert_msg(test_log_text()[0], "%s: %s without a message",
                      c->what, xlnuma_error_name(rc));
    } else {
        ck_assert_msg(res.outcome != XLNUMA_PLACED, "%s: placed on %u "
                      "nodes", c->what, res.best.nr_nodes);
    }
    xlnuma_result_dispose(&res);
    xlnuma_request_dispose(&req);
    xlnuma_host_free(h);
}
END_TEST

/* ---- TCase "need": the memory formula at its ends -------------------- */

static const struct need_case {
    const char *what;
    xlnuma_guest_type type;
    uint64_t memory_kib, maxmem_kib;
    unsigned vcpus;
    bool hap;
    uint64_t shadow_kib;
} need_cases[] = {
    { "maxmem 2^64 - 1 KiB", XLNUMA_GUEST_PV, 1024, UINT64_MAX, 1, true, 0 },
    { "HVM without HAP, 2^63 KiB", XLNUMA_GUEST_HVM, UINT64_C(1) << 63, 0,
      1, false, 0 },
    { "HVM without HAP, 2^32 - 1 vCPUs", XLNUMA_GUEST_HVM, 1 << 30, 0,
      UINT_MAX, false, 0 },
    { "shadow 2^64 - 1 KiB", XLNUMA_GUEST_HVM, 1024, 0, 1, false,
      UINT64_MAX },
};

START_TEST(test_need)
{
    const struct need_case *c = &need_cases[_i];
    xlnuma_guest g;
    uint64_t need = 0;

    xlnuma_guest_init(&g);
    g.type = c->type;
    g.memory_kib = c->memory_kib;
    g.maxmem_kib = c->maxmem_kib;
    g.vcpus = c->vcpus;
    g.hap = c->hap;
    if (c->shadow_kib) {
        g.shadow_given = true;
        g.shadow_kib = c->shadow_kib;
    }
    ck_assert_int_eq(xlnuma_need_memory(test_ctx, &g, &need),
                     XLNUMA_ERROR_RANGE);
    ck_assert_msg(test_log_text()[0], "%s: RANGE without a message",
                  c->what);
    xlnuma_guest_dispose(&g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("limits");
    TCase *tc;

    tc = tcase_create("json");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_json, 0, ARRAY_SIZE(json_cases));
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("xl");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_xl, 0, ARRAY_SIZE(xl_cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("numactl");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_numactl, 0, ARRAY_SIZE(numactl_cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("bitmap");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_range, 0, ARRAY_SIZE(range_cases));
    tcase_add_test(tc, test_growth);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("engine");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_place, 0, ARRAY_SIZE(place_cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("need");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_need, 0, ARRAY_SIZE(need_cases));
    suite_add_tcase(s, tc);
    return xlnuma_test_run(s);
}
