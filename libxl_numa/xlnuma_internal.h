/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xlnuma_internal.h: private to libxl_numa/.  Never installed.  Private
 * symbols use the xlnuma__ prefix and are hidden by the version script.
 */
#ifndef XLNUMA_INTERNAL_H
#define XLNUMA_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <string.h>

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
/* Every vCPU holds a hard and a soft map of nr_cpus bits: all of a host's
 * together at most 2^31 bits (256 MiB), so that a few bytes of text
 * ("nr_vcpus": 16384 on 2^20 pCPUs) cannot make a parser allocate
 * gigabytes.  65536 vCPUs on 16384 pCPUs fit. */
#define XLNUMA_MAX_AFFINITY_BITS (UINT64_C(1) << 31)

#define XLNUMA_MAX_POLICIES 32u

struct xlnuma_ctx {
    xentoollog_logger *lg;
    const xlnuma_policy *plugins[XLNUMA_MAX_POLICIES];
    unsigned nr_plugins;
    /* Suitable nodes from which load-first searches use the Lagrangian
     * multiplier and the reduction (placement.c); 0: the default (25).
     * Tests set it to 2 (always) or UINT_MAX (never). */
    unsigned reduce_from;
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
    /* Allocated lengths of nodes and node_described, cpus and
     * cpu_described, pools, domains: building grows them by doubling. */
    unsigned cap_nodes, cap_cpus, cap_pools, cap_domains;
    /* Distinct vCPU hard affinities, interned by finish(): hard_rep[i]
     * is one vCPU's map; vcpu_hard[dom_vcpu0[d] + v] the id of domain d's
     * vCPU v.  Counting runnable vCPUs visits each distinct map once. */
    unsigned nr_hard;
    const xlnuma_bitmap **hard_rep;
    unsigned *dom_vcpu0;        /* nr_domains */
    unsigned *vcpu_hard;        /* all vCPUs */
    /* Online pCPUs by node, ascending (finish()): node n's are
     * node_cpu[node_cpu0[n] .. node_cpu0[n + 1]).  Node maps are as wide
     * as the host; these lists are as long as the node. */
    unsigned *node_cpu0;        /* nr_nodes + 1 */
    unsigned *node_cpu;         /* online cpus */
    /* Each online cpu's core as a dense id, 0..nr_core_ids-1: one per
     * distinct (socket, core), and one of its own for a cpu whose core is
     * unknown (UINT_MAX for an offline cpu). */
    unsigned *cpu_core;         /* nr_cpus */
    unsigned nr_core_ids;
    /* What counting runnable vCPUs reads, in a few flat arrays
     * (finish()): per domain its pool's index (UINT_MAX: none), its node
     * affinity as a list (empty: all nodes), its vCPUs as runs of equal
     * hard affinity; per distinct hard affinity the nodes of its online
     * cpus, ascending. */
    unsigned *dom_pool;         /* nr_domains */
    unsigned *dom_aff0;         /* nr_domains + 1 */
    unsigned *dom_aff;
    unsigned *dom_run0;         /* nr_domains + 1 */
    unsigned *run_hard, *run_len;
    unsigned *hard_node0;       /* nr_hard + 1 */
    unsigned *hard_node;
};

static inline unsigned xlnuma__node_nr_cpus(const xlnuma_host *h,
                                            unsigned n)
{
    return h->node_cpu0[n + 1] - h->node_cpu0[n];
}

/* Online cpus: finish() rejects one without a described node, so the
 * node lists hold them all. */
static inline unsigned xlnuma__nr_online(const xlnuma_host *h)
{
    return h->node_cpu0[h->nr_nodes];
}

/* Eight bytes of a map at once, for tests that do not care which bit is
 * where (zero, population, intersection): byte order does not matter. */
static inline uint64_t xlnuma__load64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

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

/* parse_xl.c: Xen's own view of memory for a host built from libxl.  h
 * is unfinished, its nodes and domains added.  ring is the text of Xen's
 * console ring read after the debug keys 'u' and 'H' were pressed: the
 * last dump of each key is used, with the boot line "Domain heap
 * initialised DMA width N bits"; cmdline is Xen's command line (for
 * dma_bits=) or NULL.  Sets each node's free memory below the DMA width,
 * the width, and the pages per node of the domains the 'u' dump names
 * (a domain h lacks is skipped: it came or went meanwhile).  NOTFOUND
 * when a dump is not in the ring; PARSE or INCONSISTENT as for
 * xlnuma_host_from_xl_texts.  All logged. */
int xlnuma__host_add_xen_console(xlnuma_ctx *ctx, xlnuma_host *h,
                                 const char *ring, const char *cmdline);

/* bitmap.c: bits lo..hi at once (set grows the map; reset stops at its
 * width). */
int xlnuma__bitmap_set_range(xlnuma_bitmap *b, unsigned lo, unsigned hi);
/* The highest bit set, -1 if none; the bytes up to it (0 if none). */
int xlnuma__bitmap_last(const xlnuma_bitmap *b);
unsigned xlnuma__bitmap_used_bytes(const xlnuma_bitmap *b);
void xlnuma__bitmap_reset_range(xlnuma_bitmap *b, unsigned lo, unsigned hi);

/* util.c: checked arithmetic and small helpers */
/* Room for `more' vCPUs besides *nr_vcpus_io on a host of nr_cpus pCPUs
 * (XLNUMA_MAX_AFFINITY_BITS): adds them, or logs an error naming where
 * (`what') and returns RANGE. */
int xlnuma__vcpu_room(xlnuma_ctx *ctx, uint64_t *nr_vcpus_io, uint64_t more,
                      unsigned nr_cpus, const char *what);
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
