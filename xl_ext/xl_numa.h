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
    char *policy;           /* numa_placement_policy=; NULL: not given */
    bool mode_given;
    xlnuma_mode mode;       /* numa_placement_mode= */
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
    bool smt_cores, dma_aware, explain;
    unsigned long long max_steps;   /* 0: the engine's default */
} placeopts;

void placeopts_init(placeopts *po);
/* getopt values of the shared options (long only). */
enum {
    OPT_POLICY = 0x100, OPT_MODE, OPT_MIN_NODES, OPT_MAX_NODES,
    OPT_HEADROOM, OPT_SMT_CORES, OPT_DMA_AWARE, OPT_EXPLAIN,
    OPT_JSON, OPT_HOST, OPT_NEED_MEMKB, OPT_VCPUS, OPT_POOL, OPT_CPUS,
    OPT_DRY_RUN, OPT_STATE, OPT_WATCH, OPT_COUNT, OPT_MAX_STEPS,
};
#define PLACEOPTS_LONG_OPTS                                             \
    { "policy",     required_argument, NULL, OPT_POLICY },              \
    { "mode",       required_argument, NULL, OPT_MODE },                \
    { "min-nodes",  required_argument, NULL, OPT_MIN_NODES },           \
    { "max-nodes",  required_argument, NULL, OPT_MAX_NODES },           \
    { "headroom",   required_argument, NULL, OPT_HEADROOM },            \
    { "smt-cores",  no_argument,       NULL, OPT_SMT_CORES },           \
    { "dma-aware",  no_argument,       NULL, OPT_DMA_AWARE },           \
    { "explain",    no_argument,       NULL, OPT_EXPLAIN },             \
    { "max-steps",  required_argument, NULL, OPT_MAX_STEPS }
/* 0: handled; 1: not a placement option; else an exit code. */
int placeopts_handle(placeopts *po, int opt, const char *arg);

typedef enum {
    DECISION_PLACED,
    DECISION_SKIPPED,
    DECISION_NOFIT,
} decision_kind;

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
    char *overrides[2];     /* "cpus_soft=\"nodes:1\"", ... */
    unsigned nr_overrides;
    xlnuma_bitmap soft;     /* every vCPU's soft affinity */
    bool pin;
    xlnuma_bitmap hard;     /* every vCPU's hard affinity (pin mode) */
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

/* ---- output_text.c / output_json.c ------------------------------------ */

void print_decision_text(FILE *f, const xlnuma_host *h, const decision *d);
int print_decision_json(FILE *f, const xlnuma_host *h, const decision *d);
int print_info_text(FILE *f, const char *source, const xlnuma_host *h);
int print_info_json(FILE *f, const char *source, const xlnuma_host *h);
int print_vcpulist_text(FILE *f, const xlnuma_host *h);
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
 * pages: in proportion to what each node can give (its free memory less
 * the request's headroom, and less its DMA zone when dma_aware), the
 * remainder one page at a time to the nodes with the most left (ties:
 * the lower id).  pages_r has nr_nodes entries. */
int state_split_pages(const xlnuma_host *h, const xlnuma_request *req,
                      const xlnuma_bitmap *nodes, uint64_t *pages_r);

/* ---- verify.c: did the created domain get the decision? --------------- */

int verify_domain(libxl_ctx *lctx, const xlnuma_host *h, const char *name,
                  const decision *d);

#endif /* XL_NUMA_H */
