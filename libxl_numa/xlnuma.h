/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xlnuma.h: NUMA placement for Xen guests -- the pure API.
 *
 * Nothing declared here touches a hypervisor or does I/O, except the
 * functions in the "Host sources" group that are documented as reading
 * files.  The libxl adapter is in xlnuma_libxl.h.
 *
 * Conventions (the same as libxl's, see libxl.h "libxl memory
 * management"):
 *  - Functions return int rc: 0, or a negative XLNUMA_ERROR_*.  Results
 *    go through *_r out-parameters.  There is no errno contract.  The rc
 *    carries the category; the detail is logged once, where the failure
 *    happens, to the ctx's xentoollog_logger.
 *  - Opaque objects (xlnuma_ctx, xlnuma_host) pair _alloc with _free;
 *    _free accepts NULL.
 *  - Plain structs in caller storage pair _init with _dispose.  _init is
 *    called before use, also on out-parameters; _dispose frees members,
 *    never the struct, and both are idempotent.
 *  - Strings returned as char * are malloc'd and owned by the caller.
 *  - The library never exits or aborts; allocation failures return
 *    XLNUMA_ERROR_NOMEM.
 */
#ifndef XLNUMA_H
#define XLNUMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <xentoollog.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XLNUMA_API_VERSION 0x000100

/* One XLNUMA_HAVE_* per feature a caller may test for. */
#define XLNUMA_HAVE_POLICY_XEN42 1
#define XLNUMA_HAVE_EXPLAIN 1
#define XLNUMA_HAVE_JSON_STATE 1
#define XLNUMA_HAVE_HWLOC_XML 1
#define XLNUMA_HAVE_SIMULATE 1
#define XLNUMA_HAVE_PREDICT 1
#define XLNUMA_HAVE_ADVISE 1

/* ---- Errors ----------------------------------------------------------- */

#define XLNUMA_ERRORS(X)                                                   \
    X(NOMEM,   -1, "out of memory")                                        \
    X(INVAL,   -2, "invalid argument")                                     \
    X(PARSE,   -3, "syntax error")                                         \
    X(NOFIT,   -4, "no node set satisfies the request")                    \
    X(BACKEND, -5, "libxl or libxenctrl call failed")                      \
    X(RANGE,   -6, "value out of range")                                   \
    X(IO,      -7, "input/output error")                                   \
    X(INCONSISTENT, -8, "inconsistent host description")                   \
    X(NOTFOUND, -9, "no such object")                                      \
    X(LOCK,    -10, "lock could not be taken")

enum xlnuma_error {
#define XLNUMA__ERR_ENUM(name, val, msg) XLNUMA_ERROR_##name = (val),
    XLNUMA_ERRORS(XLNUMA__ERR_ENUM)
#undef XLNUMA__ERR_ENUM
};

/* A message for any rc; never NULL ("success" for 0). */
const char *xlnuma_strerror(int rc);
/* "NOMEM", "INVAL", ...; never NULL ("OK" for 0, "UNKNOWN" otherwise). */
const char *xlnuma_error_name(int rc);

/* ---- Context ---------------------------------------------------------- */

typedef struct xlnuma_ctx xlnuma_ctx;

/* Touches no hypervisor interface.  lg is borrowed and may be NULL (no
 * logging); it must outlive the ctx. */
int xlnuma_ctx_alloc(xlnuma_ctx **ctx_r, xentoollog_logger *lg);
void xlnuma_ctx_free(xlnuma_ctx *ctx /* NULL is ok */);

/* ---- Bitmaps (cpu maps and node maps) --------------------------------- */

/* Any width: there is no 64-node or 1024-cpu ceiling.  A bitmap with
 * nr_bits == 0 is empty; testing a bit past nr_bits yields false. */
typedef struct {
    uint8_t *map;               /* owned; NULL when nr_bits == 0 */
    unsigned nr_bits;
} xlnuma_bitmap;

void xlnuma_bitmap_init(xlnuma_bitmap *b);
void xlnuma_bitmap_dispose(xlnuma_bitmap *b);
/* (Re)size to nr_bits, keeping the bits that still fit; new bits clear. */
int xlnuma_bitmap_resize(xlnuma_bitmap *b, unsigned nr_bits);
/* Set bit i, growing the map as needed. */
int xlnuma_bitmap_set(xlnuma_bitmap *b, unsigned i);
void xlnuma_bitmap_reset(xlnuma_bitmap *b, unsigned i);
bool xlnuma_bitmap_test(const xlnuma_bitmap *b, unsigned i);
void xlnuma_bitmap_clear(xlnuma_bitmap *b);
unsigned xlnuma_bitmap_count(const xlnuma_bitmap *b);
bool xlnuma_bitmap_is_empty(const xlnuma_bitmap *b);
/* Lowest set bit >= from, or -1. */
int xlnuma_bitmap_next(const xlnuma_bitmap *b, unsigned from);
int xlnuma_bitmap_copy(xlnuma_bitmap *dst, const xlnuma_bitmap *src);
/* dst = a & b; dst may alias a or b. */
int xlnuma_bitmap_and(xlnuma_bitmap *dst, const xlnuma_bitmap *a,
                      const xlnuma_bitmap *b);
/* dst |= src */
int xlnuma_bitmap_or(xlnuma_bitmap *dst, const xlnuma_bitmap *src);
bool xlnuma_bitmap_intersects(const xlnuma_bitmap *a, const xlnuma_bitmap *b);
/* Same set bits (widths may differ). */
bool xlnuma_bitmap_equal(const xlnuma_bitmap *a, const xlnuma_bitmap *b);
/* a is a subset of b. */
bool xlnuma_bitmap_subset(const xlnuma_bitmap *a, const xlnuma_bitmap *b);

/* Canonical list form, "0-3,5,8-9"; "" for an empty map.  NULL on OOM. */
char *xlnuma_bitmap_format(const xlnuma_bitmap *b);
/* Parse a list: "all" (bits 0..limit-1), "N", "N-M", "^N", "^N-M", comma
 * separated, applied left to right ("0-3,^2").  Every index must be
 * < limit (limit 0: no bound besides 2^24).  *b_r is replaced. */
int xlnuma_bitmap_parse(xlnuma_ctx *ctx, const char *s, unsigned limit,
                        xlnuma_bitmap *b_r);

#define xlnuma_bitmap_for_each(i, b)                                       \
    for (int i = xlnuma_bitmap_next((b), 0); i >= 0;                       \
         i = xlnuma_bitmap_next((b), (unsigned)i + 1))

/* ---- Host model ------------------------------------------------------- */

/* Node, cpu and pool ids are dense array indices, as in Xen.  A node id
 * that a source does not describe (numactl "nodes (0,2)") is present with
 * no cpus and no memory, so it can never be chosen. */

#define XLNUMA_DISTANCE_UNKNOWN 0u
#define XLNUMA_NO_NODE (-1)
#define XLNUMA_NO_CPU (-1)

typedef struct {
    unsigned id;
    uint64_t memsize_kib;       /* span as Xen reports it (xl info -n) */
    uint64_t memfree_kib;
    /* Part of memfree_kib that lies in Xen's DMA zone; 0 if unknown
     * (see dma_known on the host). */
    uint64_t dmafree_kib;
    xlnuma_bitmap cpus;         /* online pCPUs on this node */
    unsigned *distance;         /* nr_nodes entries, the SLIT row */
} xlnuma_node;

typedef struct {
    unsigned id;
    int core, socket;
    int node;                   /* XLNUMA_NO_NODE when offline */
    bool online;
} xlnuma_cpu;

typedef struct {
    unsigned id;
    char *name;                 /* owned */
    char *sched;                /* owned; may be NULL */
    xlnuma_bitmap cpus;
} xlnuma_pool;

typedef struct {
    unsigned id;
    int cpu;                    /* where it runs now; XLNUMA_NO_CPU */
    bool online;
    xlnuma_bitmap hard;         /* hard affinity */
    xlnuma_bitmap soft;         /* soft affinity */
} xlnuma_vcpu;

typedef struct {
    uint32_t domid;
    char *name;                 /* owned */
    unsigned pool;              /* cpupool id */
    uint64_t mem_kib;           /* current allocation */
    xlnuma_bitmap node_affinity;/* empty: unknown, read as all nodes */
    unsigned nr_vcpus;
    xlnuma_vcpu *vcpus;         /* owned, nr_vcpus entries */
    /* Pages per node (xl debug-keys u); NULL when unknown. */
    uint64_t *pages_per_node;   /* owned, nr_pages entries */
    unsigned nr_pages;          /* <= the host's nr_nodes */
    uint64_t pages_total;
} xlnuma_domain;

void xlnuma_vcpu_init(xlnuma_vcpu *v);
void xlnuma_vcpu_dispose(xlnuma_vcpu *v);
void xlnuma_domain_init(xlnuma_domain *d);
void xlnuma_domain_dispose(xlnuma_domain *d);

typedef struct xlnuma_host xlnuma_host;

/* Builder.  Add nodes, cpus, pools and domains in any order, then call
 * xlnuma_host_finish(), which checks every invariant (distances square
 * and positive with local the smallest, every cpu of a pool online, each
 * online cpu on a known node, free <= size, unique domain ids, vCPU maps
 * within nr_cpus...) and logs the first violation with its values.
 * Without a pool, finish() creates Pool-0 (id 0) with every online cpu.
 * A finished host is read-only; the builder calls then fail with INVAL. */
int xlnuma_host_alloc(xlnuma_ctx *ctx, xlnuma_host **host_r);
void xlnuma_host_free(xlnuma_host *h /* NULL is ok */);
int xlnuma_host_add_node(xlnuma_ctx *ctx, xlnuma_host *h, unsigned id,
                         uint64_t memsize_kib, uint64_t memfree_kib);
int xlnuma_host_set_distance(xlnuma_ctx *ctx, xlnuma_host *h,
                             unsigned from, unsigned to, unsigned dist);
/* node: XLNUMA_NO_NODE marks the cpu offline. */
int xlnuma_host_add_cpu(xlnuma_ctx *ctx, xlnuma_host *h, unsigned id,
                        int core, int socket, int node);
int xlnuma_host_add_pool(xlnuma_ctx *ctx, xlnuma_host *h, unsigned id,
                         const char *name, const char *sched /* or NULL */,
                         const xlnuma_bitmap *cpus);
/* Ownership of d's members moves to the host (d is left initialised and
 * empty) on success; on failure d is unchanged. */
int xlnuma_host_add_domain(xlnuma_ctx *ctx, xlnuma_host *h,
                           xlnuma_domain *d);
/* Per-zone free memory: dmafree_kib of the node, and the DMA width in
 * address bits (0: unknown).  Optional. */
int xlnuma_host_set_dma(xlnuma_ctx *ctx, xlnuma_host *h, unsigned node,
                        uint64_t dmafree_kib);
int xlnuma_host_set_dma_bits(xlnuma_ctx *ctx, xlnuma_host *h,
                             unsigned bits);
int xlnuma_host_finish(xlnuma_ctx *ctx, xlnuma_host *h);

/* Readers (valid on a finished host; pointers live as long as h). */
unsigned xlnuma_host_nr_nodes(const xlnuma_host *h);
const xlnuma_node *xlnuma_host_node(const xlnuma_host *h, unsigned id);
unsigned xlnuma_host_nr_cpus(const xlnuma_host *h);
const xlnuma_cpu *xlnuma_host_cpu(const xlnuma_host *h, unsigned id);
unsigned xlnuma_host_nr_pools(const xlnuma_host *h);
const xlnuma_pool *xlnuma_host_pool(const xlnuma_host *h, unsigned idx);
/* By pool id or name; NULL when absent. */
const xlnuma_pool *xlnuma_host_pool_by_id(const xlnuma_host *h,
                                          unsigned id);
const xlnuma_pool *xlnuma_host_pool_by_name(const xlnuma_host *h,
                                            const char *name);
unsigned xlnuma_host_nr_domains(const xlnuma_host *h);
const xlnuma_domain *xlnuma_host_domain(const xlnuma_host *h, unsigned idx);
const xlnuma_domain *xlnuma_host_domain_by_name(const xlnuma_host *h,
                                                const char *name);
bool xlnuma_host_dma_known(const xlnuma_host *h);
unsigned xlnuma_host_dma_bits(const xlnuma_host *h);  /* 0: unknown */
/* Nodes holding at least one cpu of the map. */
int xlnuma_host_cpus_to_nodes(const xlnuma_host *h, const xlnuma_bitmap *cpus,
                              xlnuma_bitmap *nodes_r);
/* Online cpus of the nodes in the map. */
int xlnuma_host_nodes_to_cpus(const xlnuma_host *h,
                              const xlnuma_bitmap *nodes,
                              xlnuma_bitmap *cpus_r);
/* A deep copy, unfinished, so a caller can add or change domains and
 * finish it again (used to record a placement in a state file). */
int xlnuma_host_dup(xlnuma_ctx *ctx, const xlnuma_host *h,
                    xlnuma_host **copy_r);
/* Remove a domain by name from an unfinished copy; NOTFOUND if absent. */
int xlnuma_host_remove_domain(xlnuma_ctx *ctx, xlnuma_host *h,
                              const char *name);
/* Lower a node's free memory (recording a new guest); RANGE when it
 * would go below 0. */
int xlnuma_host_take_memory(xlnuma_ctx *ctx, xlnuma_host *h, unsigned node,
                            uint64_t kib);
int xlnuma_host_give_memory(xlnuma_ctx *ctx, xlnuma_host *h, unsigned node,
                            uint64_t kib);

/* ---- Guest memory need (libxl 4.17 rules) ----------------------------- */

typedef enum {
    XLNUMA_GUEST_PV = 0,
    XLNUMA_GUEST_PVH,
    XLNUMA_GUEST_HVM,
} xlnuma_guest_type;

typedef enum {
    XLNUMA_STUBDOM_NONE = 0,
    XLNUMA_STUBDOM_QEMU_TRAD,   /* qemu-xen-traditional stub domain */
    XLNUMA_STUBDOM_QEMU_XEN,    /* qemu-xen (Linux) stub domain */
} xlnuma_stubdom;

/* What an xl config says about memory; 0 means "not given" throughout.
 * docs/placement.md states the formula with its source. */
typedef struct {
    xlnuma_guest_type type;
    uint64_t memory_kib;        /* memory= */
    uint64_t maxmem_kib;        /* maxmem= */
    unsigned vcpus;             /* vcpus= */
    unsigned maxvcpus;          /* maxvcpus= */
    bool shadow_given;
    uint64_t shadow_kib;        /* shadow_memory=, when shadow_given */
    bool hap;                   /* hap= (default true) */
    xlnuma_stubdom stubdom;
    bool stdvga;                /* stdvga=1 */
    uint64_t videoram_kib;      /* videoram= */
    uint64_t stubdom_mem_kib;   /* stubdomain_memory= */
} xlnuma_guest;

void xlnuma_guest_init(xlnuma_guest *g);   /* PV, hap on, all unset */
void xlnuma_guest_dispose(xlnuma_guest *g);
/* The free memory, in KiB, that libxl 4.17 requires before creating the
 * guest.  INVAL (logged) when neither memory= nor maxmem= is given, or
 * memory > maxmem; RANGE when the arithmetic would overflow 64 bits. */
int xlnuma_need_memory(xlnuma_ctx *ctx, const xlnuma_guest *g,
                       uint64_t *need_kib_r);
/* vCPUs the placement must host: maxvcpus, else vcpus, else 1. */
unsigned xlnuma_guest_vcpus(const xlnuma_guest *g);

/* ---- Policies --------------------------------------------------------- */

/* A candidate: a set of nodes and its figures. */
typedef struct {
    xlnuma_bitmap nodes;
    unsigned nr_nodes;
    unsigned nr_cpus;           /* capacity compared with the vCPUs:
                                 * suitable pCPUs, or distinct cores
                                 * when the request says smt_cores */
    unsigned nr_cores;          /* distinct cores among the pCPUs */
    unsigned load;              /* runnable vCPUs, as the policy counts */
    uint64_t free_kib;          /* exact 64-bit sum */
    uint64_t free_above_dma_kib;
    uint64_t distance;          /* sum of SLIT entries over unordered pairs */
    unsigned max_distance;      /* largest pairwise SLIT entry (0: 1 node) */
    unsigned long long order;   /* position in enumeration order */
} xlnuma_candidate;

void xlnuma_candidate_init(xlnuma_candidate *c);
void xlnuma_candidate_dispose(xlnuma_candidate *c);
int xlnuma_candidate_copy(xlnuma_candidate *dst, const xlnuma_candidate *src);

/* How a policy counts the load of a candidate. */
typedef enum {
    /* libxl >= 4.3: per node, a vCPU counts once on node N when a pCPU of
     * N is in its hard affinity, in the suitable set and in its domain's
     * pool, and N is in the domain's node affinity; a candidate's load
     * is the sum over its nodes. */
    XLNUMA_LOAD_PER_NODE = 0,
    /* libxl 4.2.0: a vCPU counts once per candidate when its hard
     * affinity touches a node of the candidate. */
    XLNUMA_LOAD_PER_CANDIDATE,
} xlnuma_load_model;

/* Keys a built-in policy compares, in order. */
typedef enum {
    XLNUMA_KEY_END = 0,
    XLNUMA_KEY_LOAD_LESS,       /* fewer runnable vCPUs */
    XLNUMA_KEY_FREE_MORE,       /* more free memory (worst fit) */
    XLNUMA_KEY_FREE_LESS,       /* less free memory (best fit) */
    XLNUMA_KEY_DISTANCE_LESS,   /* smaller sum of pairwise distances */
    XLNUMA_KEY_MAXDIST_LESS,    /* smaller largest pairwise distance */
} xlnuma_key;

#define XLNUMA_MAX_KEYS 6

/* Policy flags. */
#define XLNUMA_POLICY_PLACE_ONE_NODE_HOST 0x1u /* 4.2.0 placed there too */
#define XLNUMA_POLICY_PIN_DEFAULT         0x2u /* enacted by pinning */
#define XLNUMA_POLICY_DMA_AWARE_DEFAULT   0x4u

/* A policy is data: a name, a load model and either a list of keys
 * (built-ins: the engine derives exact search bounds from them) or a
 * compare callback (plug-ins: searched exhaustively within the bounds of
 * feasibility).  Candidates always come fewest nodes first, in
 * lexicographic order of their node ids within a size; the first of equal
 * candidates wins, as in libxl. */
typedef struct xlnuma_policy {
    const char *name;
    const char *summary;
    xlnuma_load_model load_model;
    unsigned flags;
    xlnuma_key keys[XLNUMA_MAX_KEYS];   /* END-terminated */
    /* Plug-ins: < 0 when a is better than b, > 0 when worse, 0 for a
     * tie.  Used instead of keys when non-NULL. */
    int (*compare)(const xlnuma_candidate *a, const xlnuma_candidate *b,
                   void *priv);
    /* Optional: false rejects a feasible candidate. */
    bool (*filter)(const xlnuma_candidate *c, void *priv);
    void *priv;
} xlnuma_policy;

/* Built-in policies: xen43 (default), xen42, greedy, packed, spread,
 * closest.  Plug-ins registered on ctx are found too.  NULL, logged, when
 * unknown. */
const xlnuma_policy *xlnuma_policy_find(xlnuma_ctx *ctx, const char *name);
/* The built-ins, NULL-terminated. */
const xlnuma_policy *const *xlnuma_policy_builtins(void);
/* "fewer runnable vCPUs", "more free memory", ...; never NULL. */
const char *xlnuma_key_name(xlnuma_key k);
/* The first of p's keys on which a and b differ; XLNUMA_KEY_END when they
 * tie on every key (the earlier one in enumeration order wins) or p uses
 * a compare callback.  For explaining why a winner beat a runner-up. */
xlnuma_key xlnuma_deciding_key(const xlnuma_policy *p,
                               const xlnuma_candidate *a,
                               const xlnuma_candidate *b);
/* Register a plug-in policy on ctx; p is borrowed and must outlive ctx.
 * INVAL when the name is taken or p has neither keys nor compare. */
int xlnuma_policy_register(xlnuma_ctx *ctx, const xlnuma_policy *p);

/* ---- Placement -------------------------------------------------------- */

typedef enum {
    XLNUMA_MODE_AFFINITY = 0,   /* node affinity + soft affinity (4.5+) */
    XLNUMA_MODE_PIN,            /* hard affinity as well (4.2) */
} xlnuma_mode;

typedef struct {
    uint64_t need_kib;          /* free memory the guest needs */
    unsigned vcpus;             /* pCPUs the chosen nodes must offer */
    int pool;                   /* cpupool id; -1: Pool-0 (id 0) */
    /* Narrow the suitable pCPUs to the pool's cpus within this map (a
     * hard-affinity mask honoured "within").  Empty: the whole pool. */
    xlnuma_bitmap cpus;
    unsigned min_nodes;         /* 0: libxl's rule */
    unsigned max_nodes;         /* 0: every suitable node */
    const xlnuma_policy *policy;/* NULL: xen43 */
    uint64_t headroom_kib;      /* free memory no candidate may eat into */
    unsigned headroom_pct;      /* likewise, % of each node's memsize */
    bool smt_cores;             /* compare vCPUs with cores, not threads */
    bool dma_aware;             /* need must fit above the DMA zone */
    bool explain;               /* record every candidate */
    /* Search budget in steps (nodes tried); 0: XLNUMA_DEFAULT_STEPS.
     * Every host up to 24 nodes finishes far inside it; see exact. */
    unsigned long long max_steps;
} xlnuma_request;

#define XLNUMA_DEFAULT_STEPS 5000000ULL

void xlnuma_request_init(xlnuma_request *r);
void xlnuma_request_dispose(xlnuma_request *r);

typedef enum {
    XLNUMA_PLACED = 0,
    XLNUMA_SKIP_ONE_NODE,       /* one-node host: nothing to place */
    XLNUMA_NOFIT_MEMORY,        /* no set of nodes has enough memory */
    XLNUMA_NOFIT_CPUS,          /* the suitable pCPUs are too few */
    XLNUMA_NOFIT_BOTH,          /* memory and pCPUs never in one set */
    XLNUMA_NOFIT_EMPTY_POOL,    /* the suitable set of pCPUs is empty */
    XLNUMA_NOFIT_FILTER,        /* every feasible set was filtered out */
    XLNUMA_NOFIT_BUDGET,        /* the step budget ran out first */
} xlnuma_outcome;

/* Short words: "placed", "one-node-host", "no-memory", ... */
const char *xlnuma_outcome_name(xlnuma_outcome o);

/* Why an explained candidate did not win. */
typedef enum {
    XLNUMA_VERDICT_CHOSEN = 0,
    XLNUMA_VERDICT_LOST,            /* feasible, worse than the winner */
    XLNUMA_VERDICT_SHORT_MEMORY,
    XLNUMA_VERDICT_SHORT_CPUS,
    XLNUMA_VERDICT_SHORT_BOTH,
    XLNUMA_VERDICT_FILTERED,
    XLNUMA_VERDICT_PRUNED,          /* a group cut by a bound (see below) */
} xlnuma_verdict;

typedef struct {
    xlnuma_candidate c;
    xlnuma_verdict verdict;
    uint64_t short_kib;         /* memory missing, SHORT_MEMORY/BOTH */
    unsigned short_cpus;        /* pCPUs missing, SHORT_CPUS/BOTH */
    /* PRUNED: the group is every set of c.nr_nodes nodes that starts with
     * the nodes in c.nodes (a prefix of prefix_len nodes). */
    unsigned prefix_len;
    unsigned long long group_size;  /* sets in the pruned group */
} xlnuma_explained;

typedef struct {
    xlnuma_outcome outcome;
    const xlnuma_policy *policy;
    xlnuma_candidate best;      /* valid when PLACED */
    xlnuma_bitmap cpus;         /* suitable pCPUs of the chosen nodes */
    bool has_runner_up;
    xlnuma_candidate runner_up; /* the best loser, when explain */
    /* Facts for messages. */
    unsigned nr_suitable_nodes;
    unsigned nr_suitable_cpus;
    uint64_t max_free_kib;      /* all suitable nodes together */
    unsigned min_nodes, max_nodes;
    unsigned long long nr_evaluated;  /* candidates looked at */
    unsigned long long nr_pruned;     /* candidates cut by bounds */
    unsigned long long nr_steps;      /* nodes tried by the search */
    /* true: the answer is exactly what exhaustive enumeration gives.
     * false: the step budget ran out first; best is then the best
     * feasible candidate the search had found (or the outcome is
     * XLNUMA_NOFIT_BUDGET when it had found none). */
    bool exact;
    /* dma_aware only: no set could hold the need above Xen's DMA zone,
     * so best is the policy's choice without that rule and part of the
     * guest's memory is expected to land elsewhere (the DMA zone, or
     * other nodes). */
    bool dma_fallback;
    /* Per-node runnable vCPUs as the policy counts them (per-node
     * model), nr_nodes entries. */
    unsigned *node_load;
    unsigned nr_node_load;
    /* When explain: every candidate looked at, and pruned groups. */
    xlnuma_explained *trace;
    unsigned nr_trace;
    bool trace_truncated;       /* more than the trace limit (100000) */
    /* Load-first searches on big hosts: nodes proved to be in every set
     * that can win (fixed in) or in none (fixed out) before the search,
     * by the relaxation's bound: no feasible set has a load below
     * reduce_bound.  0, 0: no reduction. */
    unsigned nr_fixed_in, nr_fixed_out;
    uint64_t reduce_bound;
    /* When exact is false and a set was placed: has_gap says whether a
     * bound is known, and best's figure on the policy's first key is
     * then within gap of the optimum's (in that key's unit: runnable
     * vCPUs, KiB, distance), by bounds over every set of its size (the
     * smaller sizes were proven to have no candidate). */
    bool has_gap;
    uint64_t gap;
} xlnuma_result;

void xlnuma_result_init(xlnuma_result *r);
void xlnuma_result_dispose(xlnuma_result *r);

/* Decide.  rc 0 whenever a decision was reached, including "no
 * candidate" (see res->outcome); INVAL for a request that makes no sense
 * (unknown pool, 0 vCPUs with 0 memory...).  Pure: reads only h and req. */
int xlnuma_place(xlnuma_ctx *ctx, const xlnuma_host *h,
                 const xlnuma_request *req, xlnuma_result *res_r);

/* The per-node runnable-vCPU counts libxl 4.17 would use for a guest
 * whose suitable pCPUs are `suitable', into load_r[nr_nodes]. */
int xlnuma_node_load(xlnuma_ctx *ctx, const xlnuma_host *h,
                     const xlnuma_bitmap *suitable, unsigned *load_r);

/* ---- Where the memory lands (Xen 4.17's allocator) -------------------- */

/* Node affinity only steers Xen's allocator: docs/placement.md, "Where
 * the memory lands", gives the model and its sources.  Pure. */

/* The free memory the predictor sees, in 4 KiB pages per node: below
 * Xen's DMA width (dma_r) and above it (above_r), nr_nodes entries each.
 * From the host's split when xlnuma_host_dma_known(h); else estimated,
 * and then *how_r (may be NULL) is set to a malloc'd sentence saying from
 * what, which the caller frees (NULL when nothing was estimated). */
int xlnuma_predict_dma_split(xlnuma_ctx *ctx, const xlnuma_host *h,
                             uint64_t *dma_r, uint64_t *above_r,
                             char **how_r /* or NULL */);
/* The pages per node that Xen 4.17 gives a PV guest (no vNUMA) of `pages'
 * 4 KiB pages whose node affinity is affinity_nodes (NULL or empty: all
 * nodes), built now on h: into pages_per_node_r[nr_nodes].  INVAL for a
 * node the host lacks; NOFIT (logged) when all the host's free memory
 * cannot hold the guest. */
int xlnuma_predict_pages(xlnuma_ctx *ctx, const xlnuma_host *h,
                         const xlnuma_bitmap *affinity_nodes, uint64_t pages,
                         uint64_t *pages_per_node_r /* nr_nodes */);

/* ---- Rebalance advice (advise.c) -------------------------------------- */

/* For running guests whose pages per node are known (xl debug-keys u):
 * where their memory is against where their vCPUs may run and how busy
 * those nodes are, as numad's advice mode does.  Xen cannot move a
 * running guest's memory, so a move is always of the vCPUs (their soft
 * affinity) to the memory.  docs/placement.md, "Rebalance advice",
 * defines every figure.  Pure. */

typedef enum {
    XLNUMA_ADVICE_KEEP = 0,     /* no move gains enough */
    XLNUMA_ADVICE_MOVE,         /* give every vCPU soft affinity to_cpus */
    XLNUMA_ADVICE_HARD,         /* only a new hard affinity would help */
    XLNUMA_ADVICE_BUSY,         /* the memory's nodes are too busy */
    XLNUMA_ADVICE_NO_PAGES,     /* its pages per node are unknown */
    XLNUMA_ADVICE_DOM0,         /* Domain-0: left to Xen's command line */
} xlnuma_advice_kind;

/* "keep", "move", "hard-affinity", "busy", "no-pages", "dom0"; never
 * NULL. */
const char *xlnuma_advice_kind_name(xlnuma_advice_kind k);

#define XLNUMA_ADVICE_MIN_GAIN_DEFAULT 100000u  /* 10 points of locality */

typedef struct {
    /* The least gain of locality, in parts per million, that a move must
     * bring; _init sets XLNUMA_ADVICE_MIN_GAIN_DEFAULT. */
    unsigned min_gain_ppm;
} xlnuma_advise_request;

void xlnuma_advise_request_init(xlnuma_advise_request *r);
void xlnuma_advise_request_dispose(xlnuma_advise_request *r);

typedef struct {
    xlnuma_advice_kind kind;
    unsigned domain;            /* index for xlnuma_host_domain() */
    uint32_t domid;
    xlnuma_bitmap memory_nodes; /* nodes holding any of its pages */
    xlnuma_bitmap from_nodes;   /* where its vCPUs may run now */
    xlnuma_bitmap to_nodes;     /* MOVE, BUSY: where they should */
    xlnuma_bitmap to_cpus;      /* MOVE: the soft affinity to set */
    /* Expected share of its memory accesses that are node-local, in
     * parts per million: now; after the move (MOVE, BUSY); and the best
     * any pCPUs of its pool could give (HARD, hard_limited). */
    uint32_t local_now_ppm, local_after_ppm, local_free_ppm;
    bool hard_limited;          /* a new hard affinity would gain more */
    /* MOVE, BUSY: vCPUs expected on to_nodes, in thousandths, before and
     * after the move, and their pCPUs. */
    uint64_t load_before_milli, load_after_milli;
    unsigned to_nr_cpus;
} xlnuma_advice;

typedef struct {
    xlnuma_advice *advice;      /* owned; one per domain, the host's order */
    unsigned nr_advice;
    /* vCPUs expected per node (thousandths), nr_nodes entries: before
     * any move and after every MOVE. */
    uint64_t *load_before_milli, *load_after_milli;
    unsigned nr_nodes;
} xlnuma_advice_list;

void xlnuma_advice_list_init(xlnuma_advice_list *l);
void xlnuma_advice_list_dispose(xlnuma_advice_list *l);
/* Advice for every domain of a finished host, in its order, each seeing
 * the loads the earlier moves leave.  req NULL: the defaults.  *list_r
 * is replaced.  INVAL for an unfinished host, RANGE for a gain above
 * 100%. */
int xlnuma_advise(xlnuma_ctx *ctx, const xlnuma_host *h,
                  const xlnuma_advise_request *req /* or NULL */,
                  xlnuma_advice_list *list_r);

/* ---- Host sources (parse text; the *_load functions read files) ------- */

/* Texts captured from xl; NULL for a text that is absent.  info_n is
 * required; the others add domains, pools and affinities. */
typedef struct {
    const char *info_n;         /* xl info -n */
    const char *list_n;         /* xl list -n */
    const char *list_c;         /* xl list -c */
    const char *vcpu_list;      /* xl vcpu-list */
    const char *cpupool_list_c; /* xl cpupool-list -c */
    const char *debug_keys_u;   /* Xen's 'u' debug-key output */
    const char *debug_keys_h;   /* Xen's 'H' debug-key output */
} xlnuma_xl_texts;

int xlnuma_host_from_xl_texts(xlnuma_ctx *ctx, const xlnuma_xl_texts *t,
                              xlnuma_host **host_r);
int xlnuma_host_from_numactl(xlnuma_ctx *ctx, const char *text,
                             xlnuma_host **host_r);
/* The JSON state file, docs/xlnuma-state.5. */
int xlnuma_host_from_json(xlnuma_ctx *ctx, const char *text,
                          xlnuma_host **host_r);
int xlnuma_host_to_json(xlnuma_ctx *ctx, const xlnuma_host *h,
                        char **json_r);
/* hwloc 2.x XML (lstopo --of xml, hwloc-gather-topology), parse_hwloc.c:
 * its NUMANode objects become nodes (memory size = free = local_memory,
 * hwloc knows no free memory), its PU objects cpus on the node whose
 * cpuset holds them, and its NUMALatency matrix the SLIT.  The rules
 * for memory-only and heterogeneous nodes are in docs/simulation.md. */
int xlnuma_host_from_hwloc(xlnuma_ctx *ctx, const char *text,
                           xlnuma_host **host_r);

/* Reads a file or a capture directory and picks the parser: a directory
 * of xl captures, a JSON state file, hwloc XML, or numactl -H text.  Logs which
 * files it read and which optional ones were absent. */
int xlnuma_host_load(xlnuma_ctx *ctx, const char *path,
                     xlnuma_host **host_r);
/* Writes h as a JSON state file atomically (temporary file, fsync,
 * rename); the old file is intact on any failure. */
int xlnuma_host_save(xlnuma_ctx *ctx, const xlnuma_host *h,
                     const char *path);

/* ---- Simulation (simulate.c) ------------------------------------------ */

/* A trace of guest arrivals and departures replayed on a host model with
 * a policy; nothing touches a hypervisor.  docs/simulation.md defines the
 * trace format, the generator and every metric. */

/* How a guest's need is taken from its nodes, in 4 KiB pages: in
 * proportion to what each node of `nodes' can give under req (its free
 * memory less req's headroom, and less its DMA zone when req->dma_aware;
 * whole pages), rounded down, then the pages left over one at a time to
 * the node with the most left (ties: the lower id).  pages_r has
 * nr_nodes entries, 0 outside `nodes'; *avail_r (may be NULL) is what
 * the nodes can give, in pages.  NOFIT, not logged (the caller says it
 * in its own terms), when that is less than the need.  The simulator and
 * `xl-numa create --host STATE' both record guests this way. */
int xlnuma_split_memory(xlnuma_ctx *ctx, const xlnuma_host *h,
                        const xlnuma_request *req,
                        const xlnuma_bitmap *nodes, uint64_t *pages_r,
                        uint64_t *avail_r /* may be NULL */);

typedef enum {
    XLNUMA_TRACE_CREATE = 0,
    XLNUMA_TRACE_DESTROY,
} xlnuma_trace_action;

typedef struct {
    uint64_t time;              /* seconds; never decreases along a trace */
    xlnuma_trace_action action;
    char *name;                 /* owned */
    uint64_t memory_mib;        /* CREATE: memory= of a PV guest */
    unsigned vcpus;             /* CREATE: vcpus= */
    unsigned line;              /* where it was read; 0: generated */
} xlnuma_trace_event;

typedef struct {
    xlnuma_trace_event *events; /* owned, nr_events entries */
    unsigned nr_events;
} xlnuma_trace;

void xlnuma_trace_init(xlnuma_trace *t);
void xlnuma_trace_dispose(xlnuma_trace *t);
/* CSV, one event a line: TIME,create,NAME,MEMORY_MIB,VCPUS or
 * TIME,destroy,NAME; an optional header line "time,...", blank lines
 * and #-comments.  A trace is consistent: times never decrease, a name
 * is created only when it is not alive, destroyed only when it is.
 * PARSE or RANGE, logged with the line number, otherwise.  *t_r is
 * replaced. */
int xlnuma_trace_parse(xlnuma_ctx *ctx, const char *text, xlnuma_trace *t_r);
/* Reads path and parses it (messages name the file). */
int xlnuma_trace_load(xlnuma_ctx *ctx, const char *path, xlnuma_trace *t_r);
/* The CSV that xlnuma_trace_parse reads back, with its header line. */
int xlnuma_trace_format(xlnuma_ctx *ctx, const xlnuma_trace *t,
                        char **csv_r);
/* A random trace of nr_guests arrivals for h: many small guests and a
 * few large ones (1-64 vCPUs, 1-256 GiB, scaled to the host), Poisson
 * arrivals and exponential lifetimes sized to offer 125% of the host's
 * free memory, so that it fills and refuses some guests.  The same seed
 * and host give the same trace everywhere. */
int xlnuma_trace_generate(xlnuma_ctx *ctx, const xlnuma_host *h,
                          unsigned nr_guests, uint64_t seed,
                          xlnuma_trace *t_r);

#define XLNUMA_SIM_ALIVE UINT32_MAX    /* destroy_event of a live guest */

/* A guest of the trace as the simulation treated it. */
typedef struct {
    char *name;                 /* owned */
    unsigned create_event;      /* index into the trace */
    unsigned destroy_event;     /* index, or XLNUMA_SIM_ALIVE */
    uint64_t need_kib;          /* xlnuma_need_memory() of the PV guest */
    unsigned vcpus;
    /* PLACED, SKIP_ONE_NODE (created without placement on a one-node
     * host) or why it was refused. */
    xlnuma_outcome outcome;
    bool created;
    char *message;              /* owned; why refused, NULL if created */
    xlnuma_bitmap nodes;        /* created: where its memory is */
    uint64_t *pages;            /* created: 4 KiB pages per node, owned,
                                 * nr_nodes entries; else NULL */
    double distance;            /* created: memory-weighted SLIT distance */
    bool overcommit;            /* created: a would-be over-commit */
} xlnuma_sim_guest;

typedef struct {
    const xlnuma_policy *policy;
    unsigned nr_nodes;
    unsigned creates, placed, refused;  /* placed: created guests */
    unsigned single_node;       /* created with memory on one node */
    unsigned multinode;
    double single_node_share;   /* single_node / placed; 0: none placed */
    double mean_distance;       /* over created guests */
    double mean_distance_multinode;   /* over multi-node ones; 0: none */
    double p95_distance;        /* nearest rank, over created guests */
    double fragmentation;       /* mean over the states after each event */
    /* Runnable vCPUs per pCPU of the most loaded node, the most at any
     * state: each vCPU shared by the pCPUs its affinities prefer. */
    double worst_load;
    unsigned worst_load_node;
    unsigned worst_load_state;
    /* The same with vCPUs counted as libxl counts them (on each node of
     * their node affinity, per Pool-0 pCPU). */
    double worst_libxl_load;
    unsigned overcommits;
    unsigned peak_guests;       /* most trace guests alive at once */
    xlnuma_sim_guest *guests;   /* owned, one per create, in trace order */
    unsigned nr_guests;
    /* The host before the first event (state 0) and after each event
     * (state i + 1 after event i): nr_states = nr_events + 1. */
    unsigned nr_states;
    uint64_t *state_time;       /* owned, nr_states */
    uint64_t *free_kib;         /* owned, nr_states x nr_nodes */
} xlnuma_sim_result;

void xlnuma_sim_result_init(xlnuma_sim_result *r);
void xlnuma_sim_result_dispose(xlnuma_sim_result *r);
/* Replay t on a copy of h with policy p (NULL: xen43).  Each create asks
 * xlnuma_place for the guest's need and vCPUs in Pool-0 and, when
 * placed, takes its memory with xlnuma_split_memory and adds a domain
 * with the decided affinities, which later loads count; each destroy
 * gives the memory back.  INVAL, logged, when the trace is inconsistent
 * or names a domain the host already has.  Deterministic. */
int xlnuma_simulate(xlnuma_ctx *ctx, const xlnuma_host *h,
                    const xlnuma_trace *t, const xlnuma_policy *p,
                    xlnuma_sim_result *res_r);

#ifdef __cplusplus
}
#endif

#endif /* XLNUMA_H */
