/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xlnuma_internal.h: private to libxl_numa/.  Never installed.  Private
 * symbols use the xlnuma__ prefix and are hidden by the version script.
 */
#ifndef XLNUMA_INTERNAL_H
#define XLNUMA_INTERNAL_H

#include <errno.h>
#include <stdarg.h>

#include "xlnuma.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Largest ids we accept from any source: absurd inputs ("a capture
 * claiming 10^6 nodes") get RANGE instead of huge allocations. */
#define XLNUMA_MAX_NODES   4096u
#define XLNUMA_MAX_CPUS    (1u << 20)
#define XLNUMA_MAX_DOMAINS (1u << 16)
#define XLNUMA_MAX_VCPUS   (1u << 14)   /* per domain; Xen's HVM limit */
/* 2^60 KiB = 1 EiB: more than any host; keeps sums of 4096 nodes exact. */
#define XLNUMA_MAX_KIB     (UINT64_C(1) << 50)
#define XLNUMA_TRACE_LIMIT 100000u

#define XLNUMA_MAX_POLICIES 32u

struct xlnuma_ctx {
    xentoollog_logger *lg;
    const xlnuma_policy *plugins[XLNUMA_MAX_POLICIES];
    unsigned nr_plugins;
};

struct xlnuma_host {
    bool finished;
    unsigned nr_nodes;
    xlnuma_node *nodes;         /* nr_nodes */
    unsigned nr_cpus;
    xlnuma_cpu *cpus;           /* nr_cpus, index = cpu id */
    bool *cpu_described;        /* nr_cpus: seen by add_cpu */
    unsigned nr_pools;
    xlnuma_pool *pools;
    unsigned nr_domains;
    xlnuma_domain *domains;
    bool dma_known;
    unsigned dma_bits;
    /* Distances while building: a dist_cap x dist_cap matrix, 0 unset;
     * compacted to nr_nodes x nr_nodes by finish(). */
    unsigned *dist;
    unsigned dist_cap;
    bool *node_described;       /* nr_nodes */
};

/* log.c */
void xlnuma__log(xlnuma_ctx *ctx, xentoollog_level lvl, int errnoval,
                 const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Expect `ctx' in scope, as libxl's LOG does. */
#define LOG(l, f, ...) \
    xlnuma__log(ctx, XTL_##l, -1, (f), ##__VA_ARGS__)
#define LOGE(l, f, ...) \
    xlnuma__log(ctx, XTL_##l, errno, (f), ##__VA_ARGS__)

/* host.c */
bool xlnuma__host_finished(const xlnuma_host *h);

/* util.c: checked arithmetic and small helpers */
bool xlnuma__add_u64(uint64_t a, uint64_t b, uint64_t *r);
bool xlnuma__mul_u64(uint64_t a, uint64_t b, uint64_t *r);
char *xlnuma__strdup(const char *s);
/* Read a whole file into a NUL-terminated buffer (limit: 64 MiB). */
int xlnuma__read_file(xlnuma_ctx *ctx, const char *path, char **text_r,
                      size_t *len_r);
/* Parse a decimal unsigned in [0, max]; the whole of s must be used. */
int xlnuma__parse_u64(const char *s, uint64_t max, uint64_t *v_r);

/* policy.c */
int xlnuma__candidate_compare(const xlnuma_policy *p,
                              const xlnuma_candidate *a,
                              const xlnuma_candidate *b);
int xlnuma__key_compare(xlnuma_key k, const xlnuma_candidate *a,
                        const xlnuma_candidate *b);

#endif /* XLNUMA_INTERNAL_H */
