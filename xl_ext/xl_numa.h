/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xl_numa.h: shared by the files of the xl-numa command; not installed.
 *
 * The command is shaped like xl: a table of verbs (xl_numa.c), one file
 * per verb (cmd_*.c) whose main_* function returns an exit code, and one
 * small file per step of the way through: host source (hostarg.c), xl
 * config (guestcfg.c, cpulist.c), decision (place_decide.c), enactment
 * (overrides.c, spawn.c, verify.c, staterec.c) and output (output_*.c).
 *
 * Functions returning int return 0 or one of the XL_NUMA_EXIT_* codes
 * below, after printing the problem once on stderr.
 */
#ifndef XL_NUMA_H
#define XL_NUMA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <libxl.h>
#include <libxlutil.h>

#include "xlnuma.h"
#include "xlnuma_libxl.h"

/* Exit codes, documented in xl-numa(1). */
#define XL_NUMA_EXIT_OK       0   /* placed (or created, recorded...) */
#define XL_NUMA_EXIT_ERROR    1   /* bad input or an error */
#define XL_NUMA_EXIT_SKIPPED  2   /* placement skipped by a rule */
#define XL_NUMA_EXIT_NOFIT    3   /* no candidate */
#define XL_NUMA_EXIT_XL       4   /* xl failed, or verification failed */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- xl_numa.c: what every verb shares -------------------------------- */

struct cli {
    xentoollog_logger_stdiostream *logger;  /* shared by libxl and us */
    xlnuma_ctx *ctx;
    int verbose;                            /* number of -v */
};
extern struct cli cli;

/* "xl-numa: message\n" on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the usage of a verb (stdout when asked for, else stderr). */
void help(const char *verb, FILE *f);

int main_place(int argc, char **argv);
int main_info(int argc, char **argv);
int main_vcpulist(int argc, char **argv);
int main_capture(int argc, char **argv);
int main_create(int argc, char **argv);
int main_destroy(int argc, char **argv);
int main_xl(int argc, char **argv);
int main_advise(int argc, char **argv);
int main_simulate(int argc, char **argv);

/* ---- numbers and lists ------------------------------------------------ */

/* Decimal integers only; messages name the option and the value. */
int parse_u64_arg(const char *what, const char *s, uint64_t max,
                  uint64_t *v_r);
int parse_uint_arg(const char *what, const char *s, unsigned max,
                   unsigned *v_r);
/* "0-3,8" with each element prefixed ("nodes:0-1,nodes:3" for prefix
 * "nodes:"); "" for an empty map.  Built from the bit indices only.
 * NULL on OOM. */
char *format_list(const xlnuma_bitmap *b, const char *prefix);
/* KiB -> MiB, rounded down / up. */
static inline uint64_t kib_to_mib(uint64_t kib) { return kib / 1024; }
static inline uint64_t kib_to_mib_up(uint64_t kib)
{
    return kib / 1024 + (kib % 1024 != 0);
}

/* ---- hostarg.c: --host SRC -------------------------------------------- */

typedef enum {
    HOST_LIVE,          /* libxl */
    HOST_PATH,          /* a capture directory, JSON state or numactl */
    HOST_EXAMPLE,       /* no Xen and no --host: the shipped example */
} host_kind;

typedef struct {
    host_kind kind;
    char *source;           /* "live" or the path read */
    bool is_state;          /* a JSON state file (create records there) */
    xlnuma_host *host;
    libxl_ctx *lctx;        /* HOST_LIVE only */
} hostarg;

void hostarg_init(hostarg *ha);
void hostarg_dispose(hostarg *ha);
/* spec NULL: live when libxl opens and reads the NUMA information, else
 * the example host (said on stderr).  "live": libxl or fail.  Anything
 * else: a path for xlnuma_host_load(). */
int hostarg_resolve(const char *spec, hostarg *ha);
/* True when path is a regular file whose first non-blank byte is '{'. */
bool path_is_json_state(const char *path);
/* The example host's path, or NULL when neither the installed nor the
 * source tree's copy is readable. */
const char *example_host_path(void);
/* Open libxl with the shared logger; quiet: no messages on failure. */
int live_open(bool quiet, libxl_ctx **lctx_r);

/* ---- cpulist.c: xl's cpu-list syntax ---------------------------------- */

/* "all", "N", "N-M", "^...", "node:N", "nodes:N-M", comma separated and
 * applied left to right, as tools/xl/xl_parse.c reads cpus= and
 * cpus_soft=.  Node specs resolve to the host's online cpus of those
 * nodes.  what names the key for messages ("cpus"). */
int cpulist_parse(const char *what, const char *spec, const xlnuma_host *h,
                  xlnuma_bitmap *cpus_r);

/* ---- guestcfg.c: an xl config, read with libxlutil -------------------- */

typedef enum {
    NUMA_PLACEMENT_AUTO = 0,
    NUMA_PLACEMENT_OFF,
    NUMA_PLACEMENT_WITHIN,
} numa_placement;

/* cpus= or cpus_soft=: one string for every vCPU, or a per-vCPU list. */
typedef struct {
    bool given;
    bool is_list;
    char **items;           /* owned; one item for the string form */
    unsigned nr_items;
} cpuspec;

typedef struct {
    char *source;           /* the config's path, for messages */
    char *name;             /* name=; NULL when absent */
    xlnuma_guest guest;     /* type, memory, vCPUs, shadow, stub domain */
    cpuspec cpus, cpus_soft;
    char *pool;             /* pool=; NULL when absent */
    unsigned nr_vnodes;     /* vnuma= entries */
    bool vnuma_pnode;       /* some vnode gives pnode= */
    unsigned max_pnode;     /* the largest pnode given */
    numa_placement placement;
    bool dma_aware_given;   /* numa_placement_dma_aware= */
    bool dma_aware;
    char *policy;           /* numa_placement_policy=; NULL: not given */
    bool mode_given;
    xlnuma_mode mode;       /* numa_placement_mode= */
    bool headroom_given;    /* numa_placement_headroom= */
    uint64_t headroom_kib;
    unsigned headroom_pct;
    bool force;             /* numa_placement_force=1 */
    bool smt_cores;         /* numa_placement_smt="cores" */
    bool vnuma;             /* numa_placement_vnuma=1 */
    bool dm_traditional;    /* device_model_version="qemu-xen-traditional" */
} guestcfg;

void guestcfg_init(guestcfg *g);
void guestcfg_dispose(guestcfg *g);
/* Read path and then the KEY=VALUE lines, which override it as they do
 * for xl create. */
int guestcfg_read(const char *path, char *const *extra, unsigned nr_extra,
                  guestcfg *g);

/* ---- place_decide.c: config + host -> request -> decision ------------- */

/* Options shared by place and create. */
typedef struct {
    const char *policy;     /* --policy; NULL: config or default */
    bool mode_given;
    xlnuma_mode mode;
    unsigned min_nodes, max_nodes;
    uint64_t headroom_kib;
    unsigned headroom_pct;
    bool headroom_given;    /* --headroom: replaces the config's */
    bool smt_cores, dma_aware, explain;
    bool dma_aware_given;   /* --dma-aware or --no-dma-aware */
    bool vnuma;             /* --vnuma (vnuma.c) */
    bool force;             /* --force: over-commit anyway (guard.c) */
    unsigned long long max_steps;   /* 0: the engine's default */
} placeopts;

void placeopts_init(placeopts *po);
/* getopt values of the shared options (long only). */
enum {
    OPT_POLICY = 0x100, OPT_MODE, OPT_MIN_NODES, OPT_MAX_NODES,
    OPT_HEADROOM, OPT_SMT_CORES, OPT_DMA_AWARE, OPT_EXPLAIN,
    OPT_JSON, OPT_HOST, OPT_NEED_MEMKB, OPT_VCPUS, OPT_POOL, OPT_CPUS,
    OPT_DRY_RUN, OPT_STATE, OPT_WATCH, OPT_COUNT, OPT_MAX_STEPS,
    OPT_VNUMA, OPT_FORCE, OPT_APPLY, OPT_MIN_GAIN,
    OPT_NO_DMA_AWARE,
};
#define PLACEOPTS_LONG_OPTS                                             \
    { "policy",     required_argument, NULL, OPT_POLICY },              \
    { "mode",       required_argument, NULL, OPT_MODE },                \
    { "min-nodes",  required_argument, NULL, OPT_MIN_NODES },           \
    { "max-nodes",  required_argument, NULL, OPT_MAX_NODES },           \
    { "headroom",   required_argument, NULL, OPT_HEADROOM },            \
    { "smt-cores",  no_argument,       NULL, OPT_SMT_CORES },           \
    { "dma-aware",  no_argument,       NULL, OPT_DMA_AWARE },           \
    { "no-dma-aware", no_argument,     NULL, OPT_NO_DMA_AWARE },        \
    { "explain",    no_argument,       NULL, OPT_EXPLAIN },             \
    { "max-steps",  required_argument, NULL, OPT_MAX_STEPS },           \
    { "vnuma",      no_argument,       NULL, OPT_VNUMA },               \
    { "force",      no_argument,       NULL, OPT_FORCE }
/* 0: handled; 1: not a placement option; else an exit code. */
int placeopts_handle(placeopts *po, int opt, const char *arg);

typedef enum {
    DECISION_PLACED,
    DECISION_SKIPPED,
    DECISION_NOFIT,
    DECISION_REFUSED,       /* placed, but the over-commit guard said no */
} decision_kind;

/* What a guest would take from one node, and what the node can give
 * without eating into its headroom (guard.c). */
typedef struct {
    unsigned node;
    uint64_t free_kib;      /* free memory (less the DMA zone: --dma-aware) */
    uint64_t reserve_kib;   /* the headroom the node keeps free */
    uint64_t take_kib;      /* what the guest would take from it */
    uint64_t short_kib;     /* take - (free - reserve), when positive */
} node_share;

/* One virtual NUMA node of the guest (vnuma.c). */
typedef struct {
    unsigned pnode;         /* the host node it lives on */
    uint64_t size_mib;
    unsigned first_vcpu, nr_vcpus;  /* vCPUs first..first+nr-1 */
    unsigned *vdistances;   /* owned; one per vnode, in vnode order */
} vnuma_node;

typedef struct {
    decision_kind kind;
    char *reason;           /* "placed", or why not */
    char *guest_name;       /* NULL in the raw form */
    char *pool_name;        /* the pool searched */
    xlnuma_request req;
    const xlnuma_policy *policy;
    xlnuma_mode mode;
    bool have_result;       /* xlnuma_place ran */
    xlnuma_result res;
    /* Enactment, when placed. */
    char *overrides[3];     /* "cpus_soft=\"nodes:1\"", ... */
    unsigned nr_overrides;
    xlnuma_bitmap soft;     /* every vCPU's soft affinity */
    bool pin;
    xlnuma_bitmap hard;     /* every vCPU's hard affinity (pin mode) */
    /* The over-commit guard (guard.c): how the guest's memory would be
     * taken from the nodes judged -- the chosen ones, or for a guest
     * that fits only by eating into the headroom, the ones it would
     * have had without it. */
    node_share *shares;     /* owned */
    unsigned nr_shares;
    uint64_t shares_kib;    /* the amount split over them */
    const char *shares_what;/* what that amount is, in words (static) */
    bool overcommit;        /* some node of the shares is short */
    bool forced;            /* placed anyway: --force */
    /* vNUMA (vnuma.c): asked for, and the vnodes when placed on several
     * nodes (then the overrides are vnuma=, cpus_soft= per vCPU and, in
     * pin mode, cpus= per vCPU). */
    bool vnuma_asked;
    vnuma_node *vnodes;     /* owned */
    unsigned nr_vnodes;
    /* Where Xen is expected to put the guest's pages (locality.c). */
    xlnuma_host *dma_host;  /* owned: the host with an estimated DMA
                             * split, decided on when DMA-aware */
    bool have_expect;
    uint64_t expect_pages;  /* the guest's pages */
    uint64_t *expect_per_node;  /* owned, expect_nr entries */
    unsigned expect_nr;
    uint64_t expect_local;  /* of them on the chosen nodes */
    char *expect_note;      /* owned: how the DMA split was estimated,
                             * or why there is no prediction */
} decision;

void decision_init(decision *d);
void decision_dispose(decision *d);
int decide_config(const xlnuma_host *h, const guestcfg *g,
                  const placeopts *po, decision *d);
int decide_raw(const xlnuma_host *h, uint64_t need_kib, unsigned vcpus,
               const char *pool, const char *cpus, const placeopts *po,
               decision *d);
/* 0, XL_NUMA_EXIT_SKIPPED or XL_NUMA_EXIT_NOFIT. */
int decision_exit(const decision *d);

/* ---- overrides.c: decision -> xl config lines ------------------------- */

/* Fills d->overrides, d->soft and (pin mode) d->hard from d->res. */
int overrides_build(const xlnuma_host *h, decision *d);

/* ---- guard.c: the over-commit guard ----------------------------------- */

/* After the engine: explain a guest that fits only by eating into the
 * headroom, refuse a pin-mode placement (or vNUMA) that would over-commit
 * a node unless forced, and build the vNUMA overrides.  g is NULL in the
 * raw form. */
int guard_decision(const xlnuma_host *h, const guestcfg *g,
                   const placeopts *po, decision *d);
/* Split amount_kib over the nodes of d->shares the way Xen's allocator
 * takes a guest's pages from its nodes -- in turn, so in equal parts, a
 * node that runs out giving what it has and the others the rest -- into
 * take_kib; short_kib and d->overcommit follow.  Exposed for tests. */
void guard_waterfill(node_share *shares, unsigned nr, uint64_t amount_kib);
/* The distinct cores among req's suitable pCPUs (its pool's online
 * pCPUs, within req->cpus), as the engine counts them with smt_cores. */
int guard_suitable_cores(const xlnuma_host *h, const xlnuma_request *req,
                         unsigned *cores_r);
/* The headroom node n keeps free under req. */
uint64_t guard_reserve_kib(const xlnuma_node *n, const xlnuma_request *req);
/* Text lines for the shares ("  node 0:  takes ..."). */
void print_shares_text(FILE *f, const decision *d);

/* ---- vnuma.c: the guest's virtual NUMA nodes -------------------------- */

/* Whether xl and libxl can give g vNUMA at all (type, populate on
 * demand, a vnuma= of its own...); prints why not.  Before placing. */
int vnuma_check_guest(const guestcfg *g);
/* The vnodes of a guest placed on d->res.best.nodes: memory (maxmem,
 * else memory) split equally in MiB with the remainder on vnode 0,
 * vCPUs as evenly as possible (the first vnodes one more), distances
 * from the host's SLIT.  Fills d->vnodes. */
int vnuma_plan(const xlnuma_host *h, const guestcfg *g, decision *d);
/* Replace d->overrides by vnuma=, cpus_soft= per vCPU and (pin mode)
 * cpus= per vCPU, built from numbers only. */
int vnuma_overrides(const xlnuma_host *h, decision *d);
/* The chosen pCPUs of the node of vCPU v's vnode, into *cpus_r. */
int vnuma_vcpu_cpus(const xlnuma_host *h, const decision *d, unsigned v,
                    xlnuma_bitmap *cpus_r);
void vnuma_dispose(decision *d);
void print_vnuma_text(FILE *f, const decision *d);

/* ---- plugin.c: policies from shared objects --------------------------- */

/* spec "plugin:PATH:NAME": dlopen PATH (absolute or ./relative), check
 * its xlnuma_plugin_api_version, run its xlnuma_plugin_init(ctx,
 * XLNUMA_API_VERSION) and return the policy NAME it registered.  from
 * names the option or key for messages. */
bool plugin_spec(const char *name);
int plugin_policy_load(const char *spec, const char *from,
                       const xlnuma_policy **p_r);
/* dlclose every plug-in; after the ctx that borrows their policies is
 * freed. */
void plugin_close_all(void);

/* ---- output_text.c / output_json.c ------------------------------------ */

void print_decision_text(FILE *f, const xlnuma_host *h, const decision *d);
int print_decision_json(FILE *f, const xlnuma_host *h, const decision *d);
int print_info_text(FILE *f, const char *source, const xlnuma_host *h);
int print_info_json(FILE *f, const char *source, const xlnuma_host *h);
int print_vcpulist_text(FILE *f, const xlnuma_host *h);
/* yajl's beautified text with "[]" and "{}" for empty arrays and maps
 * (cmd_advise.c prints its own JSON through it). */
void json_write_folded(FILE *f, const unsigned char *buf, size_t len);
/* Names and verdict words shared by both outputs. */
const char *mode_name(xlnuma_mode m);
const char *verdict_name(xlnuma_verdict v);
/* Runnable vCPUs per node over Pool-0's cpus, into load_r[nr_nodes]. */
int pool0_node_load(const xlnuma_host *h, unsigned **load_r);

/* ---- spawn.c: run xl without a shell ---------------------------------- */

/* The xl binary: $XLNUMA_XL, else "xl" looked up in PATH. */
const char *xl_command(void);
/* Run argv (argv[0] looked up in PATH), stdout to out_fd (-1: ours).
 * 0 when it exited 0; else it says how it failed and returns
 * XL_NUMA_EXIT_XL. */
int spawn_wait(char *const *argv, int out_fd);

/* ---- lock.c: the host-wide lock --------------------------------------- */

/* $XLNUMA_LOCK, else /var/lock/xl-numa.lock. */
const char *live_lock_path(void);
/* Blocks until the fcntl write lock on path is ours; *fd_r to release. */
int lock_take(const char *path, int *fd_r);
void lock_release(int fd /* -1 is ok */);

/* ---- staterec.c: record guests in a JSON state file ------------------- */

/* Add the placed guest to a copy of h and save the copy to path
 * atomically.  pages_r (nr_nodes entries, may be NULL): where its memory
 * was taken, in 4 KiB pages. */
int state_record(const xlnuma_host *h, const char *path, const decision *d,
                 uint64_t *pages_r);
/* Remove name from a copy of h, give its pages back, save to path. */
int state_remove(const xlnuma_host *h, const char *path, const char *name);
/* How state_record splits the need over the chosen nodes, in 4 KiB
 * pages (xlnuma_split_memory, which the simulator shares): in proportion
 * to what each node can give (its free memory less the request's
 * headroom, and less its DMA zone when dma_aware), the remainder one
 * page at a time to the nodes with the most left (ties: the lower id).
 * pages_r has nr_nodes entries. */
int state_split_pages(const xlnuma_host *h, const xlnuma_request *req,
                      const xlnuma_bitmap *nodes, uint64_t *pages_r);

/* ---- locality.c: where the guest's pages land ------------------------- */

/* Whether the request is DMA-aware: --dma-aware/--no-dma-aware, else
 * numa_placement_dma_aware=, else the policy's default (every built-in
 * but xen43 and xen42).  g is NULL in the raw form. */
bool locality_dma_aware(const placeopts *po, const guestcfg *g,
                        const xlnuma_policy *p);
/* The host to decide on: h, or for a DMA-aware request on a host that
 * does not know its DMA split, a copy with the split estimated (kept in
 * d->dma_host, said in d->expect_note). */
int locality_host(const xlnuma_host *h, decision *d,
                  const xlnuma_host **use_r);
/* After the engine placed the guest: the pages per node Xen is expected
 * to give it (xlnuma_predict_pages), the local share, and a warning on
 * stderr when part of it is expected elsewhere.  g is NULL in the raw
 * form (the need is taken as the guest's memory). */
int locality_predict(const xlnuma_host *h, const guestcfg *g, decision *d);
void locality_dispose(decision *d);
/* part/whole in percent, rounded down to 0.1 ("99.9"); 100.0 when whole
 * is 0.  Into buf (LOCALITY_PCT_LEN bytes), which it returns. */
#define LOCALITY_PCT_LEN 32
const char *locality_pct(uint64_t part, uint64_t whole, char *buf,
                         size_t len);
/* "expected:" (with explain, or when pages are expected elsewhere),
 * "dma split:" and "warning:" lines. */
void print_locality_text(FILE *f, const decision *d);
/* Each domain's pages per node and share on its node affinity, when
 * some are known (vcpu-list). */
void print_pages_text(FILE *f, const xlnuma_host *h);
/* Live hosts: replace *host_io by a copy with Xen's own view of memory
 * (xlnuma_host_read_xen_heap: the DMA split, pages per domain), unless
 * $XLNUMA_XEN_DUMPS is 0.  A failure is a warning; *host_io then stays. */
void locality_live_host(libxl_ctx *lctx, xlnuma_host **host_io);
/* After xl-numa create: the guest's pages per node as Xen counts them,
 * next to the prediction.  0, or XL_NUMA_EXIT_XL when they cannot be
 * read (said on stderr). */
int locality_measure(libxl_ctx *lctx, const char *name, const decision *d,
                     FILE *f);

/* ---- verify.c: did the created domain get the decision? --------------- */

int verify_domain(libxl_ctx *lctx, const xlnuma_host *h, const char *name,
                  const decision *d);

#endif /* XL_NUMA_H */
