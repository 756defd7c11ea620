/* SPDX-License-Identifier: LGPL-2.1-only */
/* check_parse.c: host sources -- xl captures, numactl -H, xlnuma_host_load. */
#define _GNU_SOURCE             /* asprintf */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"

/* ---- helpers ---- */

static char *read_text(const char *rel)
{
    char *path = test_srcpath(rel), *buf;
    FILE *f = fopen(path, "r");
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
    free(path);
    return buf;
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

    ck_assert_msg(rc == 0, "loading %s: rc %d, log:\n%s", rel, rc,
                  test_log_text());
    free(path);
    return h;
}

static char *fmt_map(const xlnuma_bitmap *b)
{
    char *s = xlnuma_bitmap_format(b);

    ck_assert_ptr_nonnull(s);
    return s;
}

static char *dup_printf(const char *f, ...)
    __attribute__((format(printf, 1, 2)));

static char *dup_printf(const char *f, ...)
{
    va_list ap;
    char *s;

    va_start(ap, f);
    ck_assert_int_ge(vasprintf(&s, f, ap), 0);
    va_end(ap);
    return s;
}

/*
 * A small query language over a host, so expectations are table rows:
 *   nodes | cpus | online | pools | domains | dma_bits | dma_known
 *   node N size|free|dma|cpus|dist
 *   cpu N core|socket|node|online
 *   pool NAME id|sched|cpus
 *   dom NAME id|pool|mem|aff|vcpus|pages|total
 *   vcpu NAME V cpu|online|hard|soft
 */
static char *query(const xlnuma_host *h, const char *q)
{
    char field[32], name[64];
    unsigned n, v;

    if (!strcmp(q, "nodes"))
        return dup_printf("%u", xlnuma_host_nr_nodes(h));
    if (!strcmp(q, "cpus"))
        return dup_printf("%u", xlnuma_host_nr_cpus(h));
    if (!strcmp(q, "online")) {
        unsigned c = 0;

        for (unsigned i = 0; i < xlnuma_host_nr_cpus(h); i++)
            c += xlnuma_host_cpu(h, i)->online;
        return dup_printf("%u", c);
    }
    if (!strcmp(q, "pools"))
        return dup_printf("%u", xlnuma_host_nr_pools(h));
    if (!strcmp(q, "domains"))
        return dup_printf("%u", xlnuma_host_nr_domains(h));
    if (!strcmp(q, "dma_bits"))
        return dup_printf("%u", xlnuma_host_dma_bits(h));
    if (!strcmp(q, "dma_known"))
        return dup_printf("%s", xlnuma_host_dma_known(h) ? "yes" : "no");
    if (sscanf(q, "node %u %31s", &n, field) == 2) {
        const xlnuma_node *nd = xlnuma_host_node(h, n);

        ck_assert_msg(nd != NULL, "no node %u", n);
        if (!strcmp(field, "size"))
            return dup_printf("%" PRIu64, nd->memsize_kib);
        if (!strcmp(field, "free"))
            return dup_printf("%" PRIu64, nd->memfree_kib);
        if (!strcmp(field, "dma"))
            return dup_printf("%" PRIu64, nd->dmafree_kib);
        if (!strcmp(field, "cpus"))
            return fmt_map(&nd->cpus);
        if (!strcmp(field, "dist")) {
            char *s = dup_printf("%s", "");

            for (unsigned j = 0; j < xlnuma_host_nr_nodes(h); j++) {
                char *t = dup_printf("%s%s%u", s, j ? "," : "",
                                     nd->distance[j]);

                free(s);
                s = t;
            }
            return s;
        }
    }
    if (sscanf(q, "cpu %u %31s", &n, field) == 2) {
        const xlnuma_cpu *c = xlnuma_host_cpu(h, n);

        ck_assert_msg(c != NULL, "no cpu %u", n);
        if (!strcmp(field, "core"))
            return dup_printf("%d", c->core);
        if (!strcmp(field, "socket"))
            return dup_printf("%d", c->socket);
        if (!strcmp(field, "node"))
            return dup_printf("%d", c->node);
        if (!strcmp(field, "online"))
            return dup_printf("%s", c->online ? "yes" : "no");
    }
    if (sscanf(q, "pool %63s %31s", name, field) == 2) {
        const xlnuma_pool *p = xlnuma_host_pool_by_name(h, name);

        ck_assert_msg(p != NULL, "no pool %s", name);
        if (!strcmp(field, "id"))
            return dup_printf("%u", p->id);
        if (!strcmp(field, "sched"))
            return dup_printf("%s", p->sched ? p->sched : "(null)");
        if (!strcmp(field, "cpus"))
            return fmt_map(&p->cpus);
    }
    if (sscanf(q, "dom %63s %31s", name, field) == 2) {
        const xlnuma_domain *d = xlnuma_host_domain_by_name(h, name);

        ck_assert_msg(d != NULL, "no domain %s", name);
        if (!strcmp(field, "id"))
            return dup_printf("%u", d->domid);
        if (!strcmp(field, "pool"))
            return dup_printf("%u", d->pool);
        if (!strcmp(field, "mem"))
            return dup_printf("%" PRIu64, d->mem_kib);
        if (!strcmp(field, "aff"))
            return fmt_map(&d->node_affinity);
        if (!strcmp(field, "vcpus"))
            return dup_printf("%u", d->nr_vcpus);
        if (!strcmp(field, "total"))
            return dup_printf("%" PRIu64, d->pages_total);
        if (!strcmp(field, "pages")) {
            char *s = dup_printf("%s", d->pages_per_node ? "" : "unknown");

            for (unsigned j = 0; d->pages_per_node && j < d->nr_pages; j++) {
                char *t = dup_printf("%s%s%" PRIu64, s, j ? "," : "",
                                     d->pages_per_node[j]);

                free(s);
                s = t;
            }
            return s;
        }
    }
    if (sscanf(q, "vcpu %63s %u %31s", name, &v, field) == 3) {
        const xlnuma_domain *d = xlnuma_host_domain_by_name(h, name);
        const xlnuma_vcpu *vc;

        ck_assert_msg(d != NULL && v < d->nr_vcpus, "no vcpu %s %u", name, v);
        vc = &d->vcpus[v];
        if (!strcmp(field, "cpu"))
            return dup_printf("%d", vc->cpu);
        if (!strcmp(field, "online"))
            return dup_printf("%s", vc->online ? "yes" : "no");
        if (!strcmp(field, "hard"))
            return fmt_map(&vc->hard);
        if (!strcmp(field, "soft"))
            return fmt_map(&vc->soft);
    }
    ck_abort_msg("bad query \"%s\"", q);
    return NULL;
}

/* ---- fixtures: every real capture and hand-made host ---- */

#define S2 "tests/data/shared-xenlab-2node"
#define S4 "tests/data/shared-xenlab-4node"
#define X2 "tests/data/xenlab-2node"
#define X2D "tests/data/xenlab-2node/dom0-only"
#define X4 "tests/data/xenlab-4node"
#define X4D "tests/data/xenlab-4node/dom0-only"
#define HM "tests/data/xl-handmade"
#define DL "tests/data/dl980/numactl-H.txt"
#define G4 "tests/data/guest-4cell/numactl-H.txt"
#define SP "tests/data/numactl-sparse/numactl-H.txt"

static const struct probe {
    const char *fixture;
    const char *query;
    const char *expect;
} probes[] = {
    /* the shared 2-node capture: xl info -n, vcpu-list, debug-keys u */
    { S2, "nodes", "2" },
    { S2, "cpus", "4" },
    { S2, "pools", "1" },
    { S2, "domains", "3" },
    { S2, "dma_known", "no" },
    { S2, "node 0 size", "1048576" },
    { S2, "node 1 size", "1047552" },
    { S2, "node 1 free", "618496" },            /* 604 MiB */
    { S2, "node 0 dist", "10,21" },
    { S2, "node 1 dist", "21,10" },
    { S2, "node 1 cpus", "2-3" },
    { S2, "cpu 2 core", "0" },
    { S2, "cpu 2 socket", "1" },
    { S2, "cpu 3 node", "1" },
    { S2, "pool Pool-0 sched", "credit2" },
    { S2, "pool Pool-0 cpus", "0-3" },
    { S2, "dom Domain-0 id", "0" },
    { S2, "dom Domain-0 pages", "28939,102133" },
    { S2, "dom Domain-0 mem", "524288" },       /* 131072 pages */
    { S2, "dom g1 vcpus", "2" },
    { S2, "dom g1 aff", "" },
    { S2, "vcpu g1 1 hard", "0-3" },            /* "all" */
    { S2, "vcpu g1 1 soft", "2-3" },
    { S2, "vcpu g1 0 cpu", "3" },
    { S2, "vcpu g2 0 hard", "2-3" },
    { S2, "vcpu g2 0 soft", "0-1" },
    { S2, "vcpu g2 0 online", "yes" },
    { S2, "dom g2 pages", "32768,0" },
    /* the shared 4-node capture */
    { S4, "nodes", "4" },
    { S4, "node 0 dist", "10,15,20,25" },
    { S4, "node 3 dist", "25,20,15,10" },
    { S4, "node 3 size", "523264" },            /* 511 MiB */
    { S4, "node 3 free", "97280" },             /* 95 MiB */
    { S4, "cpu 3 core", "3" },
    { S4, "cpu 3 node", "3" },
    { S4, "vcpu g2 0 hard", "1" },
    { S4, "vcpu g2 0 soft", "2" },
    { S4, "dom Domain-0 pages", "25455,97,3484,102036" },
    /* the full lab captures (list -n/-c, cpupools, 'H' dump) */
    { X2, "domains", "3" },
    { X2, "dma_bits", "29" },                   /* Xen printed it */
    { X2, "dma_known", "yes" },
    { X2, "node 1 dma", "0" },
    { X2, "pool Pool-0 sched", "credit2" },
    { X2, "dom cap-soft1 aff", "1" },
    { X2, "dom cap-plain mem", "131072" },
    { X2, "vcpu cap-soft1 0 soft", "2-3" },
    { X2D, "domains", "1" },
    { X4, "dma_bits", "28" },
    { X4, "node 2 size", "2883584" },
    { X4, "dom cap-plain aff", "1-2" },
    { X4D, "domains", "1" },
    /* hand-made in xl's formats: offline cpu, memory-only node, a second
     * pool with a long name, an offline vCPU, several dumps */
    { HM, "nodes", "3" },
    { HM, "cpus", "8" },
    { HM, "online", "7" },
    { HM, "cpu 5 online", "no" },
    { HM, "cpu 5 node", "-1" },
    { HM, "cpu 1 core", "0" },
    { HM, "node 0 cpus", "0-3" },
    { HM, "node 1 cpus", "4,6-7" },
    { HM, "node 2 cpus", "" },
    { HM, "node 2 size", "2097152" },
    { HM, "node 0 dist", "10,20,30" },
    { HM, "pools", "2" },
    { HM, "pool Pool-0 id", "0" },
    { HM, "pool Pool-0 cpus", "0-3" },
    { HM, "pool batch-pool-with-a-long-name id", "1" },
    { HM, "pool batch-pool-with-a-long-name cpus", "4,6" },
    { HM, "pool batch-pool-with-a-long-name sched", "credit" },
    { HM, "dom batch pool", "1" },
    { HM, "dom batch id", "7" },
    { HM, "dom batch aff", "1" },
    { HM, "dom batch mem", "524288" },
    { HM, "dom web pool", "0" },
    { HM, "dom web vcpus", "3" },
    { HM, "dom Domain-0 aff", "0-2" },
    { HM, "vcpu web 2 online", "no" },
    { HM, "vcpu web 2 cpu", "-1" },
    { HM, "vcpu web 2 hard", "0-3" },
    { HM, "vcpu web 1 soft", "0-7" },
    { HM, "vcpu batch 1 soft", "" },            /* "none" */
    /* the last complete 'u' dump (the second), not the first or third */
    { HM, "dom web pages", "262144,0,0" },
    { HM, "dom batch pages", "0,100000,31072" },
    { HM, "dom web total", "262144" },
    /* no "DMA width" line: Xen's rule on node 0 (4 GiB from 0) gives 30
     * bits, zones 1..18; the complete first 'H' dump counts */
    { HM, "dma_bits", "30" },
    { HM, "node 0 dma", "981504" },
    { HM, "node 1 dma", "0" },
    /* numactl -H */
    { DL, "nodes", "8" },
    { DL, "cpus", "80" },
    { DL, "domains", "0" },
    { DL, "pools", "1" },
    { DL, "pool Pool-0 cpus", "0-79" },
    { DL, "node 0 size", "16765952" },          /* 16373 MB */
    { DL, "node 7 free", "15016960" },          /* 14665 MB */
    { DL, "node 0 dist", "10,12,17,17,19,19,19,19" },
    { DL, "node 5 dist", "19,19,19,19,12,10,17,17" },
    { DL, "node 3 cpus", "30-39" },
    { DL, "cpu 15 core", "15" },                /* core = cpu id */
    { DL, "cpu 15 socket", "1" },               /* socket = node */
    { DL, "cpu 15 node", "1" },
    { G4, "nodes", "4" },
    { G4, "node 2 free", "43008" },             /* 42 MB */
    { G4, "node 1 dist", "20,10,20,20" },
    { G4, "node 3 cpus", "6-7" },
    /* sparse ids (0,2-3), compressed cpu lists, a memory-only node */
    { SP, "nodes", "4" },
    { SP, "node 1 size", "0" },
    { SP, "node 1 cpus", "" },
    { SP, "node 0 cpus", "0-3,8-11" },
    { SP, "node 2 cpus", "4-7,12-15" },
    { SP, "node 3 cpus", "" },
    { SP, "node 3 size", "67108864" },
    { SP, "node 0 dist", "10,0,21,17" },
    { SP, "node 3 dist", "17,0,28,10" },
    { SP, "online", "16" },
    { SP, "cpu 12 socket", "2" },
};

START_TEST(test_probe)
{
    const struct probe *p = &probes[_i];
    xlnuma_host *h;
    char *got;

    if (!have_fixture(p->fixture)) {
        /* the lab captures come from tests/xenlab; absent in some trees */
        fprintf(stderr, "check_parse: %s absent, probe skipped\n",
                p->fixture);
        return;
    }
    h = load(p->fixture);
    got = query(h, p->query);
    ck_assert_msg(!strcmp(got, p->expect), "%s: %s is \"%s\", expected "
                  "\"%s\"", p->fixture, p->query, got, p->expect);
    free(got);
    xlnuma_host_free(h);
}
END_TEST

/* ---- bad inputs ---- */

enum {
    R_INFO, R_LISTN, R_LISTC, R_VCPU, R_POOL, R_KEYU, R_KEYH, NR_ROLES,
    LOAD = NR_ROLES,            /* xlnuma_host_load on the file */
};

static const char *const capture_names[NR_ROLES] = {
    "xl-info-n.txt", "xl-list-n.txt", "xl-list-c.txt", "xl-vcpu-list.txt",
    "xl-cpupool-list-c.txt", "xl-debug-keys-u.txt", "xl-debug-keys-H.txt",
};

#define B "tests/data/bad/"

static const struct bad_case {
    int role;                   /* replaced in the hand-made capture */
    const char *file;
    int rc;
    const char *msg;            /* in the log */
} bad_cases[] = {
    { R_INFO, B "xl-info-nr-nodes.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl info -n line 7: nr_nodes is 2 but numa_info lists 3 nodes" },
    { R_INFO, B "xl-info-nr-cpus.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl info -n line 5: nr_cpus is 8 but cpu_topology lists 7 online" },
    { R_INFO, B "xl-info-max-cpu.txt", XLNUMA_ERROR_INCONSISTENT,
      "line 27: cpu 7 is listed but max_cpu_id is 6" },
    { R_INFO, B "xl-info-free.txt", XLNUMA_ERROR_INCONSISTENT,
      "line 14: free_memory is 100 MiB" },
    { R_INFO, B "xl-info-nonnumeric.txt", XLNUMA_ERROR_PARSE,
      "line 34: memsize (MiB) \"4O96\" is not a number" },
    { R_INFO, B "xl-info-negative.txt", XLNUMA_ERROR_RANGE,
      "line 34: memfree (MiB) is negative (-5)" },
    { R_INFO, B "xl-info-absurd.txt", XLNUMA_ERROR_RANGE,
      "line 35: memsize (MiB) 99999999999999 is out of range" },
    { R_INFO, B "xl-info-dist-count.txt", XLNUMA_ERROR_INCONSISTENT,
      "line 34: node 1 has 2 distances" },
    { R_INFO, B "xl-info-dist-range.txt", XLNUMA_ERROR_RANGE,
      "line 35: distance 2->0 300 is out of range" },
    { R_INFO, B "xl-info-cpu-node.txt", XLNUMA_ERROR_INCONSISTENT,
      "line 27: cpu 7 is on node 5, which numa_info does not list" },
    { R_INFO, B "xl-info-dup-cpu.txt", XLNUMA_ERROR_INCONSISTENT,
      "line 27: cpu 6 is listed twice (also line 26)" },
    { R_INFO, B "xl-info-free-size.txt", XLNUMA_ERROR_INCONSISTENT,
      "line 35: node 2: memfree 2049 MiB exceeds memsize 2048 MiB" },
    { R_INFO, B "xl-info-truncated.txt", XLNUMA_ERROR_INCONSISTENT,
      "line 7: nr_nodes is 3 but numa_info lists 1 node" },
    { R_INFO, B "xl-info-truncated-row.txt", XLNUMA_ERROR_PARSE,
      "line 34: numa_info row has 2 fields, expected 4" },
    { R_INFO, B "xl-info-no-n.txt", XLNUMA_ERROR_PARSE,
      "no cpu_topology table; was xl info run without -n?" },
    { R_LISTN, B "xl-list-n-dup-id.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl list -n line 4: domain id 3 is listed twice (also line 3)" },
    { R_LISTN, B "xl-list-n-no-numa.txt", XLNUMA_ERROR_PARSE,
      "xl list -n line 1: no NODE Affinity column" },
    { R_LISTN, B "xl-list-n-state.txt", XLNUMA_ERROR_PARSE,
      "xl list -n line 3: state \"-b-?-x\"" },
    { R_LISTN, B "xl-list-n-mem.txt", XLNUMA_ERROR_PARSE,
      "xl list -n line 3: Mem (MiB) \"1e3\" is not a number" },
    { R_LISTC, B "xl-list-c-unknown-pool.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl list -c line 3: domain web is in cpupool Pool-9, which xl "
      "cpupool-list -c does not list" },
    { R_LISTC, B "xl-list-c-name.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl list -c line 3: domain 3 is named www here but web" },
    { R_LISTC, B "xl-list-c-missing.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl list -n line 3: domain web (id 3) is not in xl list -c" },
    { R_VCPU, B "xl-vcpu-unknown-domain.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl vcpu-list line 11: domain g3 (id 9) is not in xl list -n" },
    { R_VCPU, B "xl-vcpu-dup.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl vcpu-list line 4: vCPU 1 of domain Domain-0 is listed twice" },
    { R_VCPU, B "xl-vcpu-truncated.txt", XLNUMA_ERROR_PARSE,
      "xl vcpu-list line 10: expected" },
    { R_VCPU, B "xl-vcpu-offline-cpu.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl vcpu-list line 9: vCPU 0 of batch runs on cpu 5" },
    { R_VCPU, B "xl-vcpu-online-count.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl list -n line 3: domain web has 2 online vCPUs, but xl vcpu-list "
      "lists 3" },
    { R_VCPU, B "xl-vcpu-affinity.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl vcpu-list line 9: soft affinity \"0-9\" names 9" },
    { R_VCPU, B "xl-vcpu-state.txt", XLNUMA_ERROR_PARSE,
      "xl vcpu-list line 6: state \"-x-\"" },
    { R_VCPU, B "xl-vcpu-name.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl vcpu-list line 6: domain 3 is named www here but web" },
    { R_POOL, B "xl-cpupool-offline-cpu.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl cpupool-list -c line 2: cpupool Pool-0 holds cpu 5" },
    { R_POOL, B "xl-cpupool-twice.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl cpupool-list -c line 3: cpu 4 is in two cpupools" },
    { R_POOL, B "xl-cpupool-free-cpus.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl info -n line 18 says free_cpus is 1" },
    { R_POOL, B "xl-cpupool-plain-only.txt", XLNUMA_ERROR_PARSE,
      "xl cpupool-list -c line 1: `xl cpupool-list' without -c" },
    { R_KEYU, B "xl-keys-u-unknown-domain.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl debug-keys u line 38: domain 8 is not in xl list -n" },
    { R_KEYU, B "xl-keys-u-incomplete.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl debug-keys u: no complete dump" },
    { R_KEYU, B "xl-keys-u-bad-node.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl debug-keys u line 41: node 5 is not in xl info -n" },
    { R_KEYU, B "xl-keys-u-dup-node.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl debug-keys u line 41: node 1 appears twice for domain 7" },
    { R_KEYU, B "xl-keys-u-garbled.txt", XLNUMA_ERROR_PARSE,
      "xl debug-keys u line 13: cannot parse \"Domain 3 (total 262144)\"" },
    { R_KEYH, B "xl-keys-h-garbled.txt", XLNUMA_ERROR_PARSE,
      "xl debug-keys H line 50: cannot parse \"heap[node=1][zone=x]" },
    { R_KEYH, B "xl-keys-h-negative.txt", XLNUMA_ERROR_PARSE,
      "xl debug-keys H line 50: cannot parse" },
    { R_KEYH, B "xl-keys-h-dma-exceeds.txt", XLNUMA_ERROR_INCONSISTENT,
      "node 0 has 4517504 KiB free below the DMA width (30 bits)" },
    { R_KEYH, B "xl-keys-h-order.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl debug-keys H line 6: zone 4 of node 0 is listed twice" },
    { R_KEYH, B "xl-keys-h-incomplete.txt", XLNUMA_ERROR_INCONSISTENT,
      "xl debug-keys H: no complete dump" },
    { LOAD, B "numactl-count.txt", XLNUMA_ERROR_INCONSISTENT,
      "numactl -H line 1: 9 nodes announced but (0-7) lists 8" },
    { LOAD, B "numactl-truncated.txt", XLNUMA_ERROR_PARSE,
      "numactl -H line 20: the text ends before the distance table" },
    { LOAD, B "numactl-truncated-dist.txt", XLNUMA_ERROR_PARSE,
      "numactl -H line 30: the distance table ends without a row for "
      "node 3" },
    { LOAD, B "numactl-nonnumeric.txt", XLNUMA_ERROR_PARSE,
      "numactl -H line 12: expected \"node 3 size: X MB\"" },
    { LOAD, B "numactl-negative.txt", XLNUMA_ERROR_RANGE,
      "numactl -H line 13: free (MB) is negative (-15890)" },
    { LOAD, B "numactl-absurd.txt", XLNUMA_ERROR_RANGE,
      "numactl -H line 12: size (MB) 99999999999999999 is out of range" },
    { LOAD, B "numactl-dup-cpu.txt", XLNUMA_ERROR_INCONSISTENT,
      "numactl -H line 5: cpu 9 is on nodes 0 and 1" },
    { LOAD, B "numactl-short-row.txt", XLNUMA_ERROR_INCONSISTENT,
      "numactl -H line 33: node 5 has 7 distances for 8 nodes" },
    { LOAD, B "numactl-unknown-node.txt", XLNUMA_ERROR_INCONSISTENT,
      "numactl -H line 23: node 8 is not in the \"available:\" list" },
    { LOAD, B "numactl-free-size.txt", XLNUMA_ERROR_INCONSISTENT,
      "numactl -H line 25: node 7: free 16385 MB exceeds its size" },
    { LOAD, B "numactl-dist-zero.txt", XLNUMA_ERROR_RANGE,
      "numactl -H line 30: distance 2->2 is 0" },
    { LOAD, B "numactl-garbage.txt", XLNUMA_ERROR_PARSE,
      "numactl -H line 26:" },
    { LOAD, B "unknown-format.txt", XLNUMA_ERROR_PARSE,
      "unknown format; a host is a capture directory" },
};

START_TEST(test_bad)
{
    const struct bad_case *c = &bad_cases[_i];
    char *texts[NR_ROLES] = { NULL };
    xlnuma_host *h = NULL;
    int rc;

    if (c->role == LOAD) {
        char *path = test_srcpath(c->file);

        rc = xlnuma_host_load(test_ctx, path, &h);
        free(path);
    } else {
        xlnuma_xl_texts t;

        for (unsigned i = 0; i < NR_ROLES; i++) {
            char rel[128];

            snprintf(rel, sizeof(rel), HM "/%s", capture_names[i]);
            texts[i] = read_text((int)i == c->role ? c->file : rel);
        }
        t.info_n = texts[R_INFO];
        t.list_n = texts[R_LISTN];
        t.list_c = texts[R_LISTC];
        t.vcpu_list = texts[R_VCPU];
        t.cpupool_list_c = texts[R_POOL];
        t.debug_keys_u = texts[R_KEYU];
        t.debug_keys_h = texts[R_KEYH];
        rc = xlnuma_host_from_xl_texts(test_ctx, &t, &h);
    }
    ck_assert_msg(rc == c->rc, "%s: rc %s, expected %s; log:\n%s", c->file,
                  xlnuma_error_name(rc), xlnuma_error_name(c->rc),
                  test_log_text());
    ck_assert_ptr_null(h);
    ck_assert_msg(strstr(test_log_text(), c->msg) != NULL,
                  "%s: the log lacks \"%s\":\n%s", c->file, c->msg,
                  test_log_text());
    for (unsigned i = 0; i < NR_ROLES; i++)
        free(texts[i]);
}
END_TEST

/* ---- xl texts: which are required, what absent ones imply ---- */

static void read_capture(const char *dir, char *texts[NR_ROLES])
{
    for (unsigned i = 0; i < NR_ROLES; i++) {
        char rel[128];

        snprintf(rel, sizeof(rel), "%s/%s", dir, capture_names[i]);
        texts[i] = have_fixture(rel) ? read_text(rel) : NULL;
    }
}

static void free_capture(char *texts[NR_ROLES])
{
    for (unsigned i = 0; i < NR_ROLES; i++)
        free(texts[i]);
}

static xlnuma_xl_texts as_texts(char *const texts[NR_ROLES])
{
    xlnuma_xl_texts t = {
        .info_n = texts[R_INFO], .list_n = texts[R_LISTN],
        .list_c = texts[R_LISTC], .vcpu_list = texts[R_VCPU],
        .cpupool_list_c = texts[R_POOL], .debug_keys_u = texts[R_KEYU],
        .debug_keys_h = texts[R_KEYH],
    };

    return t;
}

START_TEST(test_info_required)
{
    char *texts[NR_ROLES];
    xlnuma_xl_texts t;
    xlnuma_host *h = NULL;

    read_capture(HM, texts);
    t = as_texts(texts);
    t.info_n = NULL;
    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, &t, &h),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_null(h);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "xl info -n"));
    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, NULL, &h),
                     XLNUMA_ERROR_INVAL);
    free_capture(texts);
}
END_TEST

START_TEST(test_info_only)
{
    char *texts[NR_ROLES];
    xlnuma_xl_texts t = { NULL };
    xlnuma_host *h = NULL;
    const xlnuma_pool *p;

    read_capture(HM, texts);
    t.info_n = texts[R_INFO];
    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, &t, &h), 0);
    ck_assert_uint_eq(xlnuma_host_nr_domains(h), 0);
    ck_assert(!xlnuma_host_dma_known(h));
    /* one Pool-0 with every online cpu, and a warning that xl says one
     * cpu is free */
    ck_assert_uint_eq(xlnuma_host_nr_pools(h), 1);
    p = xlnuma_host_pool(h, 0);
    ck_assert_str_eq(p->name, "Pool-0");
    ck_assert_str_eq(p->sched, "credit2");
    ck_assert_uint_eq(xlnuma_bitmap_count(&p->cpus), 7);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "free_cpus is 1"));
    xlnuma_host_free(h);
    free_capture(texts);
}
END_TEST

START_TEST(test_no_vcpu_list)
{
    char *texts[NR_ROLES];
    xlnuma_xl_texts t;
    xlnuma_host *h = NULL;
    const xlnuma_domain *d;

    read_capture(HM, texts);
    t = as_texts(texts);
    t.vcpu_list = NULL;
    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, &t, &h), 0);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "xl vcpu-list absent"));
    /* the VCPUs column (online vCPUs), affinity to every cpu */
    d = xlnuma_host_domain_by_name(h, "web");
    ck_assert_uint_eq(d->nr_vcpus, 2);
    for (unsigned v = 0; v < d->nr_vcpus; v++) {
        ck_assert_uint_eq(xlnuma_bitmap_count(&d->vcpus[v].hard), 8);
        ck_assert_uint_eq(xlnuma_bitmap_count(&d->vcpus[v].soft), 8);
        ck_assert(d->vcpus[v].online);
        ck_assert_int_eq(d->vcpus[v].cpu, XLNUMA_NO_CPU);
    }
    xlnuma_host_free(h);
    free_capture(texts);
}
END_TEST

START_TEST(test_no_list_c)
{
    char *texts[NR_ROLES], *plain = read_text(HM "/xl-cpupool-list.txt");
    char *pools;
    xlnuma_xl_texts t;
    xlnuma_host *h = NULL;

    read_capture(HM, texts);
    t = as_texts(texts);
    t.list_c = NULL;
    /* "batch-pool-with-a-long-name4,6": without xl list -c, only the
     * plain `xl cpupool-list' table tells where the name ends */
    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, &t, &h),
                     XLNUMA_ERROR_PARSE);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "xl cpupool-list -c line "
                                 "3: cannot tell the pool name"));
    ck_assert_int_ge(asprintf(&pools, "%s%s", texts[R_POOL], plain), 0);
    t.cpupool_list_c = pools;
    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, &t, &h), 0);
    ck_assert_str_eq(xlnuma_host_pool(h, 1)->name,
                     "batch-pool-with-a-long-name");
    free(pools);
    free(plain);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "xl-list-c.txt absent: "
                                 "assuming every domain is in Pool-0"));
    for (unsigned i = 0; i < xlnuma_host_nr_domains(h); i++)
        ck_assert_uint_eq(xlnuma_host_domain(h, i)->pool, 0);
    xlnuma_host_free(h);
    free_capture(texts);
}
END_TEST

START_TEST(test_list_c_without_pools)
{
    char *texts[NR_ROLES];
    xlnuma_xl_texts t;
    xlnuma_host *h = NULL;

    /* a domain in a second pool, but no cpupool-list to say what it is */
    read_capture(HM, texts);
    t = as_texts(texts);
    t.cpupool_list_c = NULL;
    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, &t, &h),
                     XLNUMA_ERROR_INCONSISTENT);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "xl list -c line 4: "
                                 "domain batch is in cpupool "
                                 "batch-pool-with-a-long-name, but only "
                                 "Pool-0 is known"));
    free_capture(texts);
}
END_TEST

START_TEST(test_list_c_alone)
{
    char *texts[NR_ROLES];
    xlnuma_xl_texts t;
    xlnuma_host *h = NULL;

    /* xl list -c alone gives the domains too (without node affinity) */
    read_capture(HM, texts);
    t = as_texts(texts);
    t.list_n = NULL;
    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, &t, &h), 0);
    ck_assert_uint_eq(xlnuma_host_nr_domains(h), 3);
    ck_assert_uint_eq(xlnuma_host_domain_by_name(h, "batch")->pool, 1);
    ck_assert(xlnuma_bitmap_is_empty(
        &xlnuma_host_domain_by_name(h, "batch")->node_affinity));
    xlnuma_host_free(h);
    free_capture(texts);
}
END_TEST

START_TEST(test_keys_u_needs_domains)
{
    char *texts[NR_ROLES];
    xlnuma_xl_texts t = { NULL };
    xlnuma_host *h = NULL;

    read_capture(HM, texts);
    t.info_n = texts[R_INFO];
    t.debug_keys_u = texts[R_KEYU];
    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, &t, &h),
                     XLNUMA_ERROR_INVAL);
    ck_assert_ptr_nonnull(strstr(test_log_text(), "to name the domains"));
    free_capture(texts);
}
END_TEST

static const struct dma_case {
    const char *name;
    const char *h_text;         /* NULL: the hand-made dump */
    const char *cmdline;        /* replaces xen_commandline's value */
    bool drop_u;                /* without the 'u' dump's NODE lines */
    unsigned bits;
    uint64_t node0_dma_kib;
} dma_cases[] = {
    /* zones 1..18: 16000 + 32768 + 65536 + 131072 pages */
    { "rule from NODE lines", NULL, NULL, false, 30, 981504 },
    /* without NODE lines: node 0 assumed to start at 0 and span its
     * 4096 MiB memsize, the same 30 bits */
    { "rule from memsize", NULL, NULL, true, 30, 981504 },
    /* dma_bits=28 on Xen's command line: zones 1..16 */
    { "command line", NULL, "console=com1 dma_bits=28 numa=on", false, 28,
      (16000 + 32768) * 4 },
    /* the boot line wins over the command line */
    { "boot line", "Domain heap initialised DMA width 29 bits\n",
      "dma_bits=28", false, 29, (16000 + 32768 + 65536) * 4 },
    /* a heap without a DMA zone */
    { "no DMA zone", "(XEN) Domain heap initialised\n", NULL, false, 0, 0 },
};

START_TEST(test_dma_width)
{
    const struct dma_case *c = &dma_cases[_i];
    char *texts[NR_ROLES], *info = NULL, *htext = NULL;
    xlnuma_xl_texts t;
    xlnuma_host *h = NULL;
    int rc;

    read_capture(HM, texts);
    t = as_texts(texts);
    if (c->cmdline) {
        const char *key = "xen_commandline        : ";
        char *p = strstr(texts[R_INFO], key), *e;

        ck_assert_ptr_nonnull(p);
        e = strchr(p, '\n');
        ck_assert_int_ge(asprintf(&info, "%.*s%s%s%s",
                                  (int)(p - texts[R_INFO]), texts[R_INFO],
                                  key, c->cmdline, e), 0);
        t.info_n = info;
    }
    if (c->h_text) {
        ck_assert_int_ge(asprintf(&htext, "%s%s", c->h_text,
                                  texts[R_KEYH]), 0);
        t.debug_keys_h = htext;
    }
    if (c->drop_u)
        t.debug_keys_u = NULL;
    rc = xlnuma_host_from_xl_texts(test_ctx, &t, &h);
    ck_assert_msg(rc == 0, "%s: rc %d\n%s", c->name, rc, test_log_text());
    ck_assert_uint_eq(xlnuma_host_dma_bits(h), c->bits);
    ck_assert(xlnuma_host_dma_known(h));
    ck_assert_uint_eq(xlnuma_host_node(h, 0)->dmafree_kib, c->node0_dma_kib);
    ck_assert_uint_eq(xlnuma_host_node(h, 1)->dmafree_kib, 0);
    xlnuma_host_free(h);
    free(info);
    free(htext);
    free_capture(texts);
}
END_TEST

START_TEST(test_console_prefixes)
{
    /* with or without "(XEN)" and timestamps; other sources' lines and
     * noise ignored; "Node" lines keep their indentation or not */
    static const char *const u =
        "Domain 0 (total: 524288):\n"
        "Node 0: 262144\n"
        "Node 1: 262144\n"
        "    Node 2: 0\n"
        "(d3) Domain 3 (total: 1):\n"
        "(XEN) Domain 3 (total: 262144):\n"
        "(XEN)     Node 0: 1\n"
        "(XEN) [2026-11-26 13:14:00.123]     Node 1: 2\n"
        "(XEN) [   12.000000]     Node 2: 3\n"
        "some unrelated line\n"
        "(XEN) Domain 3 (vcpu#0) crashed on cpu#2:\n"
        "(XEN) Node 1 has 512 unscrubbed pages\n"
        "[  100.1] Domain 7 (total: 131072):\n"
        "[  100.1]     Node 0: 0\n"
        "[  100.1]     Node 1: 0\n"
        "[  100.1]     Node 2: 131072\n";
    char *texts[NR_ROLES];
    xlnuma_xl_texts t;
    xlnuma_host *h = NULL;
    const xlnuma_domain *d;

    read_capture(HM, texts);
    t = as_texts(texts);
    t.debug_keys_u = u;
    ck_assert_int_eq(xlnuma_host_from_xl_texts(test_ctx, &t, &h), 0);
    d = xlnuma_host_domain_by_name(h, "web");
    ck_assert_uint_eq(d->nr_pages, 3);
    ck_assert_uint_eq(d->pages_per_node[0], 1);
    ck_assert_uint_eq(d->pages_per_node[1], 2);
    ck_assert_uint_eq(d->pages_per_node[2], 3);
    ck_assert_uint_eq(d->pages_total, 262144);
    d = xlnuma_host_domain_by_name(h, "batch");
    ck_assert_uint_eq(d->pages_per_node[2], 131072);
    xlnuma_host_free(h);
    free_capture(texts);
}
END_TEST

/* ---- xlnuma_host_load ---- */

START_TEST(test_load_dir_logs)
{
    xlnuma_host *h = load(S2);

    /* which files were read, which were absent */
    ck_assert_ptr_nonnull(strstr(test_log_text(), "read xl-info-n.txt "
                                 "xl-vcpu-list.txt xl-debug-keys-u.txt"));
    ck_assert_ptr_nonnull(strstr(test_log_text(), "absent: xl-list-n.txt "
                                 "xl-list-c.txt"));
    ck_assert_ptr_nonnull(strstr(test_log_text(), "xl-list-c.txt absent: "
                                 "assuming every domain is in Pool-0"));
    xlnuma_host_free(h);
}
END_TEST

static const struct load_case {
    const char *path;
    int rc;
    unsigned nodes;             /* when rc == 0 */
    const char *msg;
} load_cases[] = {
    { "tests/data/expected/dl980.json", 0, 8, "a JSON state file" },
    { DL, 0, 8, "numactl -H output" },
    { S2 "/xl-info-n.txt", 0, 2, "xl info -n output alone" },
    { "examples/hosts/dl980.json", 0, 8, "a JSON state file" },
    { "examples/hosts/dl980-numactl.txt", 0, 8, "numactl -H output" },
    { "examples/hosts/xenlab-2node", 0, 2, "read xl-info-n.txt" },
    { "tests/data/no-such-host", XLNUMA_ERROR_NOTFOUND, 0, "no-such-host" },
    { "tests/data/bad", XLNUMA_ERROR_NOTFOUND, 0, "no xl-info-n.txt" },
    { B "unknown-format.txt", XLNUMA_ERROR_PARSE, 0,
      "a JSON state file, `numactl -H' output" },
};

START_TEST(test_load)
{
    const struct load_case *c = &load_cases[_i];
    char *path = test_srcpath(c->path);
    xlnuma_host *h = NULL;
    int rc = xlnuma_host_load(test_ctx, path, &h);

    ck_assert_msg(rc == c->rc, "%s: rc %d\n%s", c->path, rc,
                  test_log_text());
    if (!rc)
        ck_assert_uint_eq(xlnuma_host_nr_nodes(h), c->nodes);
    else
        ck_assert_ptr_null(h);
    ck_assert_msg(strstr(test_log_text(), c->msg) != NULL, "%s: no \"%s\" "
                  "in\n%s", c->path, c->msg, test_log_text());
    xlnuma_host_free(h);
    free(path);
}
END_TEST

/* ---- numactl -H details ---- */

static const struct numactl_case {
    const char *text;
    int rc;
    const char *check;          /* query = expectation, when rc == 0 */
    const char *expect;
} numactl_cases[] = {
    /* one node; no distance information */
    { "available: 1 nodes (0)\nnode 0 cpus: 0 1\nnode 0 size: 100 MB\n"
      "node 0 free: 50 MB\nNo distance information available.\n", 0,
      "node 0 dist", "10" },
    /* a node without a cpus line is memory-only */
    { "available: 2 nodes (0-1)\nnode 0 cpus: 0\nnode 0 size: 10 MB\n"
      "node 0 free: 5 MB\nnode 1 size: 20 MB\nnode 1 free: 20 MB\n"
      "node distances:\nnode   0   1\n  0:  10  20\n  1:  20  10\n", 0,
      "node 1 cpus", "" },
    /* "<not available>" reads as 0 */
    { "available: 1 nodes (0)\nnode 0 cpus: 0\nnode 0 size: <not "
      "available>\nnode 0 free: <not available>\nnode distances:\n"
      "node   0\n  0:  10\n", 0, "node 0 size", "0" },
    /* compressed cpus whose count disagrees */
    { "available: 1 nodes (0)\nnode 0 cpus: 0-3 (5)\nnode 0 size: 1 MB\n"
      "node 0 free: 1 MB\nnode distances:\nnode   0\n  0:  10\n",
      XLNUMA_ERROR_INCONSISTENT, NULL, "lists 4 cpus but counts 5" },
    { "No NUMA available on this system\n", XLNUMA_ERROR_INCONSISTENT, NULL,
      "numactl -H line 1: numactl found no NUMA" },
    { "", XLNUMA_ERROR_PARSE, NULL, "numactl -H: empty" },
    { "available: 2 nodes (0,2)\nnode 0 cpus: 0\nnode 0 size: 1 MB\n"
      "node 0 free: 1 MB\n", XLNUMA_ERROR_PARSE, NULL,
      "numactl -H line 4: the text ends before the distance table" },
    { "available: 2 nodes (0,2)\nnode 0 cpus: 0\nnode 0 size: 1 MB\n"
      "node 0 free: 1 MB\nNo distance information available.\n",
      XLNUMA_ERROR_PARSE, NULL, "line 5: node 2 has no size line" },
};

START_TEST(test_numactl)
{
    const struct numactl_case *c = &numactl_cases[_i];
    xlnuma_host *h = NULL;
    int rc = xlnuma_host_from_numactl(test_ctx, c->text, &h);

    ck_assert_msg(rc == c->rc, "case %d: rc %d\n%s", _i, rc,
                  test_log_text());
    if (!rc) {
        char *got = query(h, c->check);

        ck_assert_str_eq(got, c->expect);
        free(got);
    } else {
        ck_assert_ptr_null(h);
        ck_assert_msg(strstr(test_log_text(), c->expect) != NULL,
                      "no \"%s\" in\n%s", c->expect, test_log_text());
    }
    xlnuma_host_free(h);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse");
    TCase *tc;

    tc = tcase_create("fixtures");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_probe, 0, ARRAY_SIZE(probes));
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_bad, 0, ARRAY_SIZE(bad_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("xl texts");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(tc, test_info_required);
    tcase_add_test(tc, test_info_only);
    tcase_add_test(tc, test_no_vcpu_list);
    tcase_add_test(tc, test_no_list_c);
    tcase_add_test(tc, test_list_c_without_pools);
    tcase_add_test(tc, test_list_c_alone);
    tcase_add_test(tc, test_keys_u_needs_domains);
    tcase_add_loop_test(tc, test_dma_width, 0, ARRAY_SIZE(dma_cases));
    tcase_add_test(tc, test_console_prefixes);
    suite_add_tcase(s, tc);

    tc = tcase_create("numactl");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_loop_test(tc, test_numactl, 0, ARRAY_SIZE(numactl_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("load");
    tcase_add_checked_fixture(tc, test_ctx_setup, test_ctx_teardown);
    tcase_add_test(tc, test_load_dir_logs);
    tcase_add_loop_test(tc, test_load, 0, ARRAY_SIZE(load_cases));
    suite_add_tcase(s, tc);

    return xlnuma_test_run(s);
}
