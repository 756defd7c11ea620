/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * check_hwloc.c: hwloc XML as a host source (parse_hwloc.c) -- the eight
 * real topologies of tests/data/hwloc/ read through xlnuma_host_load,
 * hand-made documents for the rules (index order, gp indexing, DRAM/HBM
 * nodes, the XML reader) and bad documents with their messages.
 *
 * The expected figures of the real files were worked out from the XML
 * by another reader (Python's ElementTree), not by this code.
 */
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

static xlnuma_host *load_fixture(const char *file)
{
    char rel[256], *path;
    xlnuma_host *h = NULL;
    int rc;

    snprintf(rel, sizeof(rel), "tests/data/hwloc/%s", file);
    path = test_srcpath(rel);
    rc = xlnuma_host_load(test_ctx, path, &h);
    ck_assert_msg(rc == 0, "loading %s: rc %d, log:\n%s", file, rc,
                  test_log_text());
    free(path);
    return h;
}

static void assert_cpus(const xlnuma_host *h, unsigned node, const char *want)
{
    char *s = xlnuma_bitmap_format(&xlnuma_host_node(h, node)->cpus);

    ck_assert_ptr_nonnull(s);
    ck_assert_msg(!strcmp(s, want), "node %u: cpus %s, expected %s", node, s,
                  want);
    free(s);
}

/* ---- the real topologies ------------------------------------------------ */

static const struct real_case {
    const char *file;
    unsigned nr_nodes;          /* ids 0..max, fillers included */
    unsigned nr_described;      /* NUMANode objects */
    unsigned nr_cpus;           /* highest PU + 1 */
    unsigned online;            /* PUs on a node */
    /* a node: its cpus and size */
    unsigned node;
    const char *node_cpus;
    uint64_t node_kib;
    /* a cpu: its core, socket and node */
    unsigned cpu;
    int core, socket, cpu_node;
    /* three SLIT entries */
    unsigned d[3][3];           /* from, to, distance */
} real_cases[] = {
    { "192em64t-24n8c2t.xml", 24, 24, 384, 384,
      23, "184-191,376-383", 32489472,
      200, 0, 1, 1,
      { { 0, 10, 79 }, { 2, 3, 50 }, { 16, 23, 65 } } },
    { "16amd64-4distances.xml", 8, 8, 16, 16,
      0, "2-3", 8386704,            /* the one node of 8 GiB less 1.9 MB */
      11, 11, 5, 3,
      { { 1, 0, 20 }, { 5, 5, 10 }, { 3, 7, 20 } } },
    { "16amd64-8n2c-cpusets.xml", 6, 5, 16, 4,  /* node 0 disallowed */
      1, "2-3", 8388608,
      12, 0, 6, XLNUMA_NO_NODE,                 /* its node is gone */
      { { 1, 2, 20 }, { 4, 4, 10 }, { 5, 1, 20 } } },
    { "24em64t-2n6c2t-pci.xml", 2, 2, 24, 24,
      1, "1,3,5,7,9,11,13,15,17,19,21,23", 18874364,
      22, 9, 0, 0,
      { { 0, 1, 20 }, { 1, 0, 20 }, { 1, 1, 10 } } },
    { "64intel64-heteromem.xml", 8, 8, 64, 64, /* 4 DRAM + 4 HBM */
      2, "8-11,24-27,40-43,56-59", 1048576,
      63, 15, 0, 3,
      { { 0, 7, 20 }, { 4, 4, 10 }, { 3, 5, 20 } } },  /* no matrix */
    { "96em64t-4n4d3ca2co-pci.xml", 4, 4, 96, 96,
      3, "72-95", 50069504,
      95, 5, 15, 3,
      { { 0, 1, 26 }, { 2, 2, 10 }, { 3, 0, 26 } } },
    { "cxlmem+dax.v3.xml", 1, 1, 4, 4,
      0, "0-3", 2989960,
      3, 3, 0, 0,
      { { 0, 0, 10 }, { 0, 0, 10 }, { 0, 0, 10 } } },
    { "nvidiaDGX2.xml", 2, 2, 26, 4,
      1, "24-25", 792712816,
      25, 1, 1, 1,
      { { 0, 1, 21 }, { 1, 0, 21 }, { 1, 1, 10 } } },
};

START_TEST(test_real)
{
    const struct real_case *c = &real_cases[_i];
    xlnuma_host *h = load_fixture(c->file);
    const xlnuma_cpu *cpu;
    unsigned online = 0, described = 0;

    ck_assert_uint_eq(xlnuma_host_nr_nodes(h), c->nr_nodes);
    ck_assert_uint_eq(xlnuma_host_nr_cpus(h), c->nr_cpus);
    for (unsigned i = 0; i < xlnuma_host_nr_cpus(h); i++)
        online += xlnuma_host_cpu(h, i)->online;
    ck_assert_uint_eq(online, c->online);
    for (unsigned n = 0; n < c->nr_nodes; n++) {
        const xlnuma_node *node = xlnuma_host_node(h, n);

        described += node->memsize_kib > 0;
        /* hwloc knows no free memory: all of it is free. */
        ck_assert_uint_eq(node->memfree_kib, node->memsize_kib);
        ck_assert_uint_eq(node->memsize_kib % 4, 0);
    }
    ck_assert_uint_eq(described, c->nr_described);
    assert_cpus(h, c->node, c->node_cpus);
    ck_assert_uint_eq(xlnuma_host_node(h, c->node)->memsize_kib,
                      c->node_kib);
    cpu = xlnuma_host_cpu(h, c->cpu);
    ck_assert_int_eq(cpu->core, c->core);
    ck_assert_int_eq(cpu->socket, c->socket);
    ck_assert_int_eq(cpu->node, c->cpu_node);
    ck_assert(cpu->online == (c->cpu_node != XLNUMA_NO_NODE));
    for (unsigned k = 0; k < 3; k++)
        ck_assert_msg(xlnuma_host_node(h, c->d[k][0])->distance[c->d[k][1]]
                      == c->d[k][2], "%s: distance %u->%u is %u, expected %u",
                      c->file, c->d[k][0], c->d[k][1],
                      xlnuma_host_node(h, c->d[k][0])->distance[c->d[k][1]],
                      c->d[k][2]);
    xlnuma_host_free(h);
}
END_TEST

/* The 24-node SGI UV 2000: every row, and the whole host sane. */
START_TEST(test_uv2000)
{
    xlnuma_host *h = load_fixture("192em64t-24n8c2t.xml");
    /* Row 0 of its NUMALatency matrix, as the file gives it. */
    static const unsigned row0[24] = {
        10, 50, 65, 65, 65, 65, 65, 65, 65, 65, 79, 79,
        65, 65, 79, 79, 65, 65, 79, 79, 79, 79, 79, 79,
    };

    for (unsigned j = 0; j < 24; j++)
        ck_assert_uint_eq(xlnuma_host_node(h, 0)->distance[j], row0[j]);
    for (unsigned i = 0; i < 24; i++) {
        const xlnuma_node *n = xlnuma_host_node(h, i);

        ck_assert_uint_eq(xlnuma_bitmap_count(&n->cpus), 16);
        ck_assert_uint_eq(n->distance[i], 10);
        ck_assert_uint_eq(n->distance[i ^ 1], 50);     /* node pairs */
        for (unsigned j = 0; j < 24; j++)
            ck_assert_uint_eq(n->distance[j],
                              xlnuma_host_node(h, j)->distance[i]);
    }
    /* Two threads of each core, sockets = nodes. */
    for (unsigned c = 0; c < 192; c++) {
        const xlnuma_cpu *a = xlnuma_host_cpu(h, c);
        const xlnuma_cpu *b = xlnuma_host_cpu(h, c + 192);

        ck_assert_int_eq(a->core, b->core);
        ck_assert_int_eq(a->socket, b->socket);
        ck_assert_int_eq(a->node, (int)(c / 8));
        ck_assert_int_eq(a->socket, a->node);
    }
    xlnuma_host_free(h);
}
END_TEST

/* ---- hand-made documents: the rules ----------------------------------- */

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
             "<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n"
/* A NUMANode of 1 GiB; its gp_index is its os_index followed by 0. */
#define NODE(os, set, extra)                                               \
    "<object type=\"NUMANode\" os_index=\"" #os "\" cpuset=\"" set "\" "  \
    "gp_index=\"" #os "0\" local_memory=\"1073741824\" " extra "/>\n"
#define PU(os) "<object type=\"PU\" os_index=\"" #os "\"/>\n"

static xlnuma_host *parse_ok(const char *text)
{
    xlnuma_host *h = NULL;
    int rc = xlnuma_host_from_hwloc(test_ctx, text, &h);

    ck_assert_msg(rc == 0, "rc %d, log:\n%s", rc, test_log_text());
    return h;
}

/* Indexes in another order than the ids, an asymmetric matrix. */
START_TEST(test_index_order)
{
    xlnuma_host *h = parse_ok(
        HEAD "<topology version=\"2.0\">\n"
        "<object type=\"Machine\" os_index=\"0\" cpuset=\"0x7\">\n"
        NODE(0, "0x1", "") NODE(1, "0x2", "") NODE(2, "0x4", "")
        PU(0) PU(1) PU(2)
        "</object>\n"
        "<distances2 type=\"NUMANode\" nbobjs=\"3\" kind=\"5\" "
        "name=\"NUMALatency\" indexing=\"os\">\n"
        "<indexes length=\"3\">2 0</indexes><indexes length=\"1\">1"
        "</indexes>\n"
        "<u64values length=\"9\">10 31 32 41 10 43</u64values>\n"
        "<u64values length=\"9\">51 52 10</u64values>\n"
        "</distances2>\n</topology>\n");

    /* Row k is object indexes[k]: node 2 then 0 then 1. */
    ck_assert_uint_eq(xlnuma_host_node(h, 2)->distance[0], 31);
    ck_assert_uint_eq(xlnuma_host_node(h, 2)->distance[1], 32);
    ck_assert_uint_eq(xlnuma_host_node(h, 0)->distance[2], 41);
    ck_assert_uint_eq(xlnuma_host_node(h, 0)->distance[1], 43);
    ck_assert_uint_eq(xlnuma_host_node(h, 1)->distance[2], 51);
    ck_assert_uint_eq(xlnuma_host_node(h, 1)->distance[0], 52);
    ck_assert_uint_eq(xlnuma_host_node(h, 1)->memsize_kib, 1048576);
    xlnuma_host_free(h);
}
END_TEST

/* gp indexing; a bandwidth matrix is not a distance. */
START_TEST(test_gp_indexing)
{
    xlnuma_host *h = parse_ok(
        HEAD "<topology version=\"2.0\">\n"
        NODE(0, "0x1", "") NODE(1, "0x2", "") PU(0) PU(1)
        "<distances2 type=\"NUMANode\" nbobjs=\"2\" kind=\"9\" "
        "name=\"NUMABandwidth\" indexing=\"os\">\n"
        "<indexes length=\"3\">0 1</indexes>\n"
        "<u64values length=\"9\">900 300 300 900</u64values>\n"
        "</distances2>\n"
        "<distances2 type=\"NUMANode\" nbobjs=\"2\" kind=\"6\" "
        "indexing=\"gp\">\n"
        "<indexes length=\"5\">10 00</indexes>\n"
        "<u64values length=\"11\">10 17 15 10</u64values>\n"
        "</distances2>\n</topology>\n");

    /* gp 10 is node 1, gp 00 node 0. */
    ck_assert_uint_eq(xlnuma_host_node(h, 1)->distance[0], 17);
    ck_assert_uint_eq(xlnuma_host_node(h, 0)->distance[1], 15);
    xlnuma_host_free(h);
}
END_TEST

/* DRAM and HBM with the same cpus: cpus go to DRAM, even when HBM has
 * the lower id; no matrix: 10 and 20. */
START_TEST(test_dram_hbm)
{
    xlnuma_host *h = parse_ok(
        HEAD "<topology version=\"3.0\">\n"
        "<object type=\"Package\" os_index=\"4\">\n"
        NODE(0, "0x3", "subtype=\"HBM\"")
        NODE(1, "0x3", "subtype=\"DRAM\"")
        "<object type=\"Core\" os_index=\"7\">" PU(0) PU(1) "</object>\n"
        "</object>\n"
        NODE(2, "0x0", "subtype=\"CXL-DRAM\"")
        "</topology>\n");

    ck_assert(xlnuma_bitmap_is_empty(&xlnuma_host_node(h, 0)->cpus));
    assert_cpus(h, 1, "0-1");
    ck_assert(xlnuma_bitmap_is_empty(&xlnuma_host_node(h, 2)->cpus));
    ck_assert_int_eq(xlnuma_host_cpu(h, 1)->core, 7);
    ck_assert_int_eq(xlnuma_host_cpu(h, 1)->socket, 4);
    ck_assert_uint_eq(xlnuma_host_node(h, 0)->distance[1], 20);
    ck_assert_uint_eq(xlnuma_host_node(h, 2)->distance[2], 10);
    xlnuma_host_free(h);
}
END_TEST

/* The XML reader: comments, CDATA, entities, a DOCTYPE with an internal
 * subset, single quotes, a byte order mark, multi-word cpusets. */
START_TEST(test_reader)
{
    xlnuma_host *h = parse_ok(
        "\xef\xbb\xbf<?xml version='1.0'?>\n"
        "<!DOCTYPE topology [ <!ELEMENT topology ANY> <!-- ] > --> ]>\n"
        "<!-- a comment with <object type=\"PU\" os_index=\"9\"/> -->\n"
        "<topology version='2.0'>\n"
        "<info name=\"a&amp;b\" value=\"&lt;&#65;&#x42;&quot;&apos;&gt;\"/>"
        "\n<object type='NUMANode' os_index='0' local_memory='4096' "
        "cpuset='0x00000001,,0x00000003'/>\n"
        PU(0) PU(1) PU(64)
        "<![CDATA[ <object type=\"PU\" os_index=\"5\"/> ]]>\n"
        "</topology>\n");

    assert_cpus(h, 0, "0-1,64");
    ck_assert_uint_eq(xlnuma_host_nr_cpus(h), 65);
    ck_assert_uint_eq(xlnuma_host_node(h, 0)->memsize_kib, 4);
    xlnuma_host_free(h);
}
END_TEST

/* xlnuma_host_load picks the hwloc reader by the first characters. */
START_TEST(test_load_detects)
{
    char path[] = "/tmp/check_hwloc.XXXXXX";
    int fd = mkstemp(path);
    static const char text[] =
        "\n  <topology version=\"2.0\">" NODE(0, "0x1", "") PU(0)
        "</topology>\n";
    xlnuma_host *h = NULL;
    FILE *f;

    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    ck_assert_int_eq(xlnuma_host_load(test_ctx, path, &h), 0);
    ck_assert_uint_eq(xlnuma_host_nr_nodes(h), 1);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "hwloc XML"));
    xlnuma_host_free(h);
    unlink(path);
}
END_TEST

/* ---- bad documents ---------------------------------------------------- */

static const struct bad_case {
    const char *text;
    int rc;
    const char *msg;
} bad_cases[] = {
    { HEAD "<topology>" NODE(0, "0x1", "") PU(0) "</topology>",
      XLNUMA_ERROR_PARSE, "line 3: hwloc 1.x XML" },
    { "<topology version=\"2.0\"><distances nbobjs=\"1\"/></topology>",
      XLNUMA_ERROR_PARSE, "<distances> is hwloc 1.x XML" },
    { "<lstopo version=\"2.0\"/>", XLNUMA_ERROR_PARSE,
      "not an hwloc <topology>" },
    { "<topology version=\"2.0\"><object type=\"Machine\"></topology>",
      XLNUMA_ERROR_PARSE, "</topology> closes <object> of line 1" },
    { "<topology version=\"2.0\">\n<object type=\"Machine\">\n",
      XLNUMA_ERROR_PARSE, "line 2: <object> is never closed" },
    { "<topology version=\"2.0\"/>\n<topology version=\"2.0\"/>",
      XLNUMA_ERROR_PARSE, "line 2: <topology> after </topology>" },
    { "<topology version=\"2.0\"/> junk", XLNUMA_ERROR_PARSE,
      "text \"junk\" outside <topology>" },
    { "<topology version=\"2.0\"><object os_index=\"0\"/></topology>",
      XLNUMA_ERROR_PARSE, "an <object> without type" },
    { "<topology version=\"2.0\"><object type=\"NUMANode\" cpuset=\"0x1\"/>"
      "</topology>", XLNUMA_ERROR_PARSE, "a NUMANode object without "
      "os_index" },
    { "<topology version=\"2.0\"><object type=\"NUMANode\" os_index=\"0\"/>"
      "</topology>", XLNUMA_ERROR_PARSE, "NUMANode 0 has no cpuset" },
    { "<topology version=\"2.0\">" NODE(0, "0x1", "") NODE(0, "0x2", "")
      "</topology>", XLNUMA_ERROR_INCONSISTENT, "NUMANode os_index 0 again" },
    { "<topology version=\"2.0\">" NODE(0, "0x1", "") PU(0) PU(0)
      "</topology>", XLNUMA_ERROR_INCONSISTENT, "PU os_index 0 again" },
    { "<topology version=\"2.0\">" NODE(0, "0xzz", "") "</topology>",
      XLNUMA_ERROR_PARSE, "cpuset \"0xzz\": word \"0xzz\" is not hex" },
    { "<topology version=\"2.0\">" NODE(0, "1", "") "</topology>",
      XLNUMA_ERROR_PARSE, "word \"1\" is not 0x and 1 to 8 hex digits" },
    { "<topology version=\"2.0\">" NODE(0, "0xf...f", "") "</topology>",
      XLNUMA_ERROR_PARSE, "cpuset \"0xf...f\" is infinite" },
    { "<topology version=\"2.0\"><object type=\"NUMANode\" os_index=\"x\" "
      "cpuset=\"0x1\"/></topology>", XLNUMA_ERROR_PARSE,
      "os_index=\"x\" is not a decimal number" },
    { "<topology version=\"2.0\"><object type=\"NUMANode\" os_index=\"4096\" "
      "cpuset=\"0x1\"/></topology>", XLNUMA_ERROR_RANGE,
      "os_index=\"4096\" is too large" },
    { "<topology version=\"2.0\">" NODE(0, "0x1", "") "</topology>",
      XLNUMA_ERROR_INCONSISTENT, "no PU object" },
    { "<topology version=\"2.0\">" PU(0) "</topology>",
      XLNUMA_ERROR_INCONSISTENT, "no NUMANode object" },
    { "<topology version=\"2.0\"><info name=\"&bogus;\"/></topology>",
      XLNUMA_ERROR_PARSE, "unknown entity \"&bogus;\"" },
    { "<topology version=\"2.0\"><info name=x/></topology>",
      XLNUMA_ERROR_PARSE, "the value of attribute name of <info> is not "
      "quoted" },
    { "<topology version=\"2.0\"><info a=\"1\" a=\"2\"/></topology>",
      XLNUMA_ERROR_PARSE, "attribute a appears twice in <info>" },
    { "<topology version=\"2.0\"><!-- open", XLNUMA_ERROR_PARSE,
      "a comment is not closed by \"-->\"" },
    /* Matrices. */
    { "<topology version=\"2.0\">" NODE(0, "0x1", "") NODE(1, "0x2", "")
      PU(0) PU(1) "<distances2 type=\"NUMANode\" nbobjs=\"2\" kind=\"5\" "
      "name=\"NUMALatency\" indexing=\"os\"><indexes>0 1</indexes>"
      "<u64values>10 300 20 10</u64values></distances2></topology>",
      XLNUMA_ERROR_RANGE, "300 from node 0 to node 1 is not a SLIT distance" },
    { "<topology version=\"2.0\">" NODE(0, "0x1", "") NODE(1, "0x2", "")
      PU(0) PU(1) "<distances2 type=\"NUMANode\" nbobjs=\"1\" kind=\"5\" "
      "name=\"NUMALatency\" indexing=\"os\"><indexes>0</indexes>"
      "<u64values>10</u64values></distances2></topology>",
      XLNUMA_ERROR_INCONSISTENT, "leaves out NUMANode 1" },
    { "<topology version=\"2.0\">" NODE(0, "0x1", "") NODE(1, "0x2", "")
      PU(0) PU(1) "<distances2 type=\"NUMANode\" nbobjs=\"2\" kind=\"5\" "
      "name=\"NUMALatency\" indexing=\"os\"><indexes>0 1</indexes>"
      "<u64values>10 20 20</u64values></distances2></topology>",
      XLNUMA_ERROR_INCONSISTENT, "2 objects need 2 indexes and 4 values; it "
      "has 2 and 3" },
    { "<topology version=\"2.0\">" NODE(0, "0x1", "") NODE(1, "0x2", "")
      PU(0) PU(1) "<distances2 type=\"NUMANode\" nbobjs=\"2\" kind=\"5\" "
      "name=\"NUMALatency\" indexing=\"os\"><indexes>0 7</indexes>"
      "<u64values>10 20 20 10</u64values></distances2></topology>",
      XLNUMA_ERROR_INCONSISTENT, "names NUMANode os_index 7, which is not "
      "in the topology" },
    { "<topology version=\"2.0\">" NODE(0, "0x1", "") PU(0)
      "<distances2 type=\"NUMANode\" nbobjs=\"1\" kind=\"5\" "
      "name=\"NUMALatency\" indexing=\"os\"><indexes>0</indexes>"
      "<u64values>10 10</u64values></distances2></topology>",
      XLNUMA_ERROR_INCONSISTENT, "has more values than its 1 objects need" },
    { "<topology version=\"2.0\">" NODE(0, "0x1", "") PU(0)
      "<distances2 type=\"NUMANode\" nbobjs=\"1\" kind=\"5\" "
      "name=\"NUMALatency\" indexing=\"os\"><indexes>zero</indexes>"
      "</distances2></topology>",
      XLNUMA_ERROR_PARSE, "<indexes> holds \"zero\", not a decimal number" },
    { "<topology version=\"2.0\">" NODE(0, "0x1", "") PU(0)
      "<distances2 type=\"NUMANode\" nbobjs=\"1\" indexing=\"logical\">"
      "</distances2></topology>",
      XLNUMA_ERROR_PARSE, "indexing=\"logical\" (os or gp)" },
    /* The builder's own check, through this source. */
    { "<topology version=\"2.0\">" NODE(0, "0x1", "") NODE(1, "0x2", "")
      PU(0) PU(1) "<distances2 type=\"NUMANode\" nbobjs=\"2\" kind=\"5\" "
      "name=\"NUMALatency\" indexing=\"os\"><indexes>0 1</indexes>"
      "<u64values>20 10 10 20</u64values></distances2></topology>",
      XLNUMA_ERROR_INCONSISTENT, "is smaller than local distance" },
};

START_TEST(test_bad)
{
    const struct bad_case *c = &bad_cases[_i];
    xlnuma_host *h = NULL;

    ck_assert_int_eq(xlnuma_host_from_hwloc(test_ctx, c->text, &h), c->rc);
    ck_assert_ptr_null(h);
    ck_assert_msg(strstr(test_log_text(), c->msg),
                  "case %d: expected \"%s\" in:\n%s", _i, c->msg,
                  test_log_text());
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hwloc");
    TCase *tc;

    tc = tcase_create("real");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_real, 0, ARRAY_SIZE(real_cases));
    tcase_add_test(tc, test_uv2000);
    suite_add_tcase(s, tc);

    tc = tcase_create("rules");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_index_order);
    tcase_add_test(tc, test_gp_indexing);
    tcase_add_test(tc, test_dram_hbm);
    tcase_add_test(tc, test_reader);
    tcase_add_test(tc, test_load_detects);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_bad, 0, ARRAY_SIZE(bad_cases));
    suite_add_tcase(s, tc);

    return xlnuma_test_run(s);
}
