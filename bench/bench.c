/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * bench.c: the engine against a libxl-style enumeration, on generated
 * hosts of 8 to 1024 nodes (fixed seed) and a worst-case guest that
 * needs about half of the host's free memory, so that the enumeration
 * has to go through the sizes up to half the nodes.
 *
 *   bench/bench [--json] [--max-baseline-combos N] [--quick]
 *
 * Prints, per host size, the baseline's time (where it can finish), the
 * engine's, their ratio and whether the answers are equal; then the
 * engine alone up to 1024 nodes with its peak memory.  Figures, never
 * assertions: docs/performance.md explains how to read them.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libxl_style.h"
#include "xlnuma.h"

#define SEED UINT64_C(0x5eedbe9c4a11ce55)
#define CPUS_PER_NODE 24          /* 12 cores x 2 threads */
#define NODE_KIB (UINT64_C(64) << 20)   /* 64 GiB */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static double now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* One generated host, in both representations. */
typedef struct {
    unsigned nodes, cpus, doms;
    xlnuma_host *h;
    ls_host ls;
    uint64_t total_free_kib;
} bench_host;

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench: %s: %s\n", what, xlnuma_strerror(rc));
    exit(1);
}

static unsigned slit(unsigned a, unsigned b)
{
    if (a == b)
        return 10;
    if (a / 2 == b / 2)
        return 12;                  /* the other die of the socket */
    if (a / 8 == b / 8)
        return 20;                  /* same board */
    return 30;
}

/* A realistic host: dom0 unpinned; 2 guests per node, 1-8 vCPUs, node
 * affinity on 1 or 2 nodes as libxl's placement leaves it, 1 in 10
 * pinned to a node; free memory what the guests left, to the KiB. */
static void gen_host(xlnuma_ctx *ctx, unsigned nodes, bench_host *b)
{
    uint64_t *used;
    int rc;

    memset(b, 0, sizeof(*b));
    rng_state = SEED ^ nodes;
    b->nodes = nodes;
    b->cpus = nodes * CPUS_PER_NODE;
    b->doms = 1 + 2 * nodes;
    used = calloc(nodes, sizeof(*used));
    rc = xlnuma_host_alloc(ctx, &b->h);
    if (rc)
        die("host", rc);

    b->ls.nr_nodes = nodes;
    b->ls.nr_cpus = b->cpus;
    b->ls.free_bytes = calloc(nodes, sizeof(uint64_t));
    b->ls.cpu_node = calloc(b->cpus, sizeof(unsigned));
    b->ls.suitable = malloc(b->cpus);
    memset(b->ls.suitable, 1, b->cpus);
    b->ls.nr_doms = b->doms;
    b->ls.dom_pool_cpus = calloc(b->doms, sizeof(uint8_t *));
    b->ls.dom_nodeaff = calloc(b->doms, sizeof(uint8_t *));
    b->ls.dom_nr_vcpus = calloc(b->doms, sizeof(unsigned));
    b->ls.vcpu_hard = calloc(b->doms, sizeof(uint8_t **));

    for (unsigned c = 0; c < b->cpus; c++) {
        rc = xlnuma_host_add_cpu(ctx, b->h, c, (int)(c % CPUS_PER_NODE) / 2,
                                 (int)(c / CPUS_PER_NODE / 2),
                                 (int)(c / CPUS_PER_NODE));
        if (rc)
            die("cpu", rc);
        b->ls.cpu_node[c] = c / CPUS_PER_NODE;
    }
    for (unsigned d = 0; d < b->doms; d++) {
        xlnuma_domain dom;
        unsigned nv = d ? 1 + below(8) : 4;
        unsigned home = below(nodes), span = d && below(3) == 0 ? 2 : 1;
        bool pinned = d && below(10) == 0;
        uint64_t mem = d ? (UINT64_C(1) << 20) * (1 + below(8)) +
                           below(1 << 20) : UINT64_C(4) << 20;
        char name[32];

        xlnuma_domain_init(&dom);
        dom.domid = d;
        snprintf(name, sizeof(name), d ? "guest%u" : "Domain-0", d);
        dom.name = strdup(name);
        dom.mem_kib = mem;
        dom.vcpus = calloc(nv, sizeof(*dom.vcpus));
        b->ls.dom_pool_cpus[d] = b->ls.suitable;
        b->ls.dom_nodeaff[d] = calloc(nodes, 1);
        b->ls.dom_nr_vcpus[d] = nv;
        b->ls.vcpu_hard[d] = calloc(nv, sizeof(uint8_t *));
        if (d) {
            for (unsigned s = 0; s < span && home + s < nodes; s++) {
                xlnuma_bitmap_set(&dom.node_affinity, home + s);
                b->ls.dom_nodeaff[d][home + s] = 1;
                used[home + s] += mem / span;
            }
        } else {
            memset(b->ls.dom_nodeaff[d], 1, nodes);
            used[nodes - 1] += mem;     /* Xen puts dom0 high */
        }
        for (unsigned v = 0; v < nv; v++) {
            xlnuma_vcpu_init(&dom.vcpus[v]);
            dom.vcpus[v].id = v;
            dom.nr_vcpus = v + 1;
            b->ls.vcpu_hard[d][v] = calloc(b->cpus, 1);
            for (unsigned c = 0; c < b->cpus; c++) {
                if (pinned && c / CPUS_PER_NODE != home)
                    continue;
                xlnuma_bitmap_set(&dom.vcpus[v].hard, c);
                b->ls.vcpu_hard[d][v][c] = 1;
            }
        }
        rc = xlnuma_host_add_domain(ctx, b->h, &dom);
        if (rc)
            die("domain", rc);
        xlnuma_domain_dispose(&dom);
    }
    for (unsigned n = 0; n < nodes; n++) {
        uint64_t fr = used[n] < NODE_KIB / 2 ? NODE_KIB - used[n]
                                              : NODE_KIB / 2 + below(1 << 20);

        fr -= below(1 << 20);       /* hypervisor and slack, to the KiB */
        rc = xlnuma_host_add_node(ctx, b->h, n, NODE_KIB, fr);
        if (rc)
            die("node", rc);
        b->ls.free_bytes[n] = fr * 1024;
        b->total_free_kib += fr;
        for (unsigned m = 0; m < nodes; m++) {
            rc = xlnuma_host_set_distance(ctx, b->h, n, m, slit(n, m));
            if (rc)
                die("distance", rc);
        }
    }
    rc = xlnuma_host_finish(ctx, b->h);
    if (rc)
        die("finish", rc);
    free(used);
}

static void free_host(bench_host *b)
{
    for (unsigned d = 0; d < b->doms; d++) {
        for (unsigned v = 0; v < b->ls.dom_nr_vcpus[d]; v++)
            free(b->ls.vcpu_hard[d][v]);
        free(b->ls.vcpu_hard[d]);
        free(b->ls.dom_nodeaff[d]);
    }
    free(b->ls.vcpu_hard);
    free(b->ls.dom_nodeaff);
    free(b->ls.dom_pool_cpus);
    free(b->ls.dom_nr_vcpus);
    free(b->ls.free_bytes);
    free(b->ls.cpu_node);
    free(b->ls.suitable);
    xlnuma_host_free(b->h);
}

/* The worst case: about half the free memory, 8 vCPUs. */
static uint64_t worst_need(const bench_host *b)
{
    return b->total_free_kib / 2;
}

/* Seconds of one engine placement: the best of 5 batches, each the mean
 * over at least 0.05 s of runs (the minimum is the least disturbed by
 * whatever else the machine is doing). */
static double time_engine(xlnuma_ctx *ctx, const bench_host *b,
                          const char *policy, xlnuma_result *res,
                          unsigned *runs_r)
{
    xlnuma_request req;
    double best = -1;
    unsigned total = 0;
    int rc;

    xlnuma_request_init(&req);
    req.need_kib = worst_need(b);
    req.vcpus = 8;
    req.policy = xlnuma_policy_find(ctx, policy);
    for (int batch = 0; batch < 5; batch++) {
        double t0 = now(), t;
        unsigned runs = 0;

        do {
            rc = xlnuma_place(ctx, b->h, &req, res);
            if (rc)
                die("place", rc);
            runs++;
            t = now() - t0;
        } while (t < 0.05 && runs < 100000);
        total += runs;
        if (best < 0 || t / runs < best)
            best = t / runs;
        if (t > 1.0)
            break;              /* one slow run says enough */
    }
    xlnuma_request_dispose(&req);
    *runs_r = total;
    return best;
}

static unsigned long long binom(unsigned n, unsigned k)
{
    unsigned long long v = 1;

    if (k > n)
        return 0;
    if (k > n - k)
        k = n - k;
    for (unsigned i = 1; i <= k; i++) {
        if (v > ULLONG_MAX / (n - k + i))
            return ULLONG_MAX;
        v = v * (n - k + i) / i;
    }
    return v;
}

/* Combinations the baseline walks: every size up to the engine's k. */
static unsigned long long baseline_combos(unsigned nodes, unsigned k)
{
    unsigned long long s = 0;

    for (unsigned i = 1; i <= k; i++) {
        unsigned long long b = binom(nodes, i);

        if (s + b < s)
            return ULLONG_MAX;
        s += b;
    }
    return s;
}

/* Peak resident memory of one placement, in a child process: the
 * growth of the high-water mark while placing. */
static long engine_peak_kib(unsigned nodes)
{
    int fd[2];
    pid_t pid;
    long v = -1;

    if (pipe(fd))
        return -1;
    pid = fork();
    if (pid == 0) {
        xlnuma_ctx *ctx;
        bench_host b;
        xlnuma_request req;
        xlnuma_result res;
        struct rusage before, after;
        long d;

        close(fd[0]);
        xlnuma_ctx_alloc(&ctx, NULL);
        gen_host(ctx, nodes, &b);
        xlnuma_request_init(&req);
        xlnuma_result_init(&res);
        req.need_kib = worst_need(&b);
        req.vcpus = 8;
        getrusage(RUSAGE_SELF, &before);
        xlnuma_place(ctx, b.h, &req, &res);
        getrusage(RUSAGE_SELF, &after);
        d = after.ru_maxrss - before.ru_maxrss;
        if (write(fd[1], &d, sizeof(d)) != sizeof(d))
            _exit(1);
        _exit(0);
    }
    close(fd[1]);
    if (pid > 0) {
        if (read(fd[0], &v, sizeof(v)) != sizeof(v))
            v = -1;
        waitpid(pid, NULL, 0);
    }
    close(fd[0]);
    return v;
}

int main(int argc, char **argv)
{
    static const unsigned sizes[] = { 8, 16, 24, 64, 256, 1024 };
    unsigned long long max_combos = 20000000ULL;
    bool json = false, quick = false;
    unsigned only = 0, save_nodes = 0;
    const char *save_path = NULL;
    xlnuma_ctx *ctx;
    double engine16 = 0, engine1024 = 0, ratio16 = 0;
    bool all_equal = true;
    int rc;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!strcmp(argv[i], "--quick"))
            quick = true;
        else if (!strcmp(argv[i], "--nodes") && i + 1 < argc)
            only = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--max-baseline-combos") && i + 1 < argc)
            max_combos = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--save-host") && i + 2 < argc) {
            save_nodes = (unsigned)strtoul(argv[++i], NULL, 10);
            save_path = argv[++i];
        } else {
            fprintf(stderr, "usage: bench [--json] [--quick] [--nodes N] "
                    "[--max-baseline-combos N] [--save-host N FILE]\n");
            return 2;
        }
    }
    rc = xlnuma_ctx_alloc(&ctx, NULL);
    if (rc)
        die("ctx", rc);
    if (save_path) {
        /* The generated host of N nodes as a JSON state, and its
         * worst-case need, for tests and examples. */
        bench_host b;

        if (save_nodes < 2 || save_nodes > 4096) {
            fprintf(stderr, "bench: --save-host wants 2 to 4096 nodes\n");
            return 2;
        }
        gen_host(ctx, save_nodes, &b);
        rc = xlnuma_host_save(ctx, b.h, save_path);
        if (rc)
            die("save", rc);
        printf("%s: %u nodes; worst-case need %" PRIu64 " KiB, 8 vCPUs\n",
               save_path, save_nodes, worst_need(&b));
        free_host(&b);
        xlnuma_ctx_free(ctx);
        return 0;
    }
    if (!json) {
        printf("worst-case guest: about half of the host's free memory, "
               "8 vCPUs; policy xen43\n");
        printf("%6s %7s %6s %5s %12s %12s %10s %6s %8s %10s\n", "nodes",
               "pcpus", "doms", "k", "baseline_s", "engine_s", "ratio",
               "equal", "exact", "peak_kib");
    }
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned n = sizes[i], runs;
        bench_host b;
        xlnuma_result res;
        double te, tb = -1;
        bool equal = true, have_base = false;
        unsigned long long combos = 0, est;
        long peak;

        if ((quick && n > 256) || (only && n != only))
            continue;
        gen_host(ctx, n, &b);
        xlnuma_result_init(&res);
        te = time_engine(ctx, &b, "xen43", &res, &runs);
        est = baseline_combos(n, res.best.nr_nodes);
        if (res.outcome == XLNUMA_PLACED && est <= max_combos) {
            uint8_t *nodes = calloc(n, 1);
            bool found = false;

            /* the same measure as the engine's */
            for (int batch = 0; batch < 5; batch++) {
                double t0 = now(), t;
                unsigned reps = 0;

                do {
                    found = ls_place(&b.ls, worst_need(&b), 8, nodes,
                                     &combos);
                    reps++;
                    t = now() - t0;
                } while (t < 0.05 && reps < 10000);
                if (tb < 0 || t / reps < tb)
                    tb = t / reps;
                if (t > 1.0)
                    break;
            }
            have_base = true;
            equal = found;
            for (unsigned j = 0; j < n && equal; j++)
                equal = (nodes[j] != 0) ==
                        xlnuma_bitmap_test(&res.best.nodes, j);
            all_equal = all_equal && equal;
            free(nodes);
        }
        peak = engine_peak_kib(n);
        if (n == 16) {
            engine16 = te;
            ratio16 = have_base ? tb / te : 0;
        }
        if (n == 1024)
            engine1024 = te;
        if (json) {
            printf("{\"nodes\": %u, \"pcpus\": %u, \"domains\": %u, "
                   "\"k\": %u, \"baseline_s\": ", n, b.cpus, b.doms,
                   res.best.nr_nodes);
            if (have_base)
                printf("%.9f", tb);
            else
                printf("null");
            printf(", \"engine_s\": %.9f, \"ratio\": ", te);
            if (have_base)
                printf("%.2f", tb / te);
            else
                printf("null");
            printf(", \"equal\": %s, \"exact\": %s, \"peak_kib\": %ld, "
                   "\"baseline_combinations\": %llu}\n",
                   have_base ? (equal ? "true" : "false") : "null",
                   res.exact ? "true" : "false", peak,
                   have_base ? combos : est);
        } else {
            char bs[32] = "-", rs[32] = "-";

            if (have_base) {
                snprintf(bs, sizeof(bs), "%.6f", tb);
                snprintf(rs, sizeof(rs), "%.1fx", tb / te);
            }
            printf("%6u %7u %6u %5u %12s %12.6f %10s %6s %8s %10ld\n", n,
                   b.cpus, b.doms, res.best.nr_nodes, bs, te, rs,
                   have_base ? (equal ? "yes" : "NO") : "-",
                   res.exact ? "yes" : "no", peak);
        }
        fflush(stdout);
        xlnuma_result_dispose(&res);
        free_host(&b);
    }
    if (!json) {
        printf("\ntargets:\n");
        printf("  engine >= 100x faster than the baseline at 16 nodes: "
               "%.0fx (%s)\n", ratio16, ratio16 >= 100 ? "met" : "NOT met");
        if (engine1024 > 0)
            printf("  engine at 1024 nodes <= 100x its time at 16 nodes: "
                   "%.0fx (%s)\n", engine1024 / engine16,
                   engine1024 / engine16 <= 100 ? "met" : "NOT met");
        printf("  identical answers wherever the baseline finished: %s\n",
               all_equal ? "yes" : "NO");
    }
    xlnuma_ctx_free(ctx);
    return 0;
}
