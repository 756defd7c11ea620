/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * preload.h: libxlnuma-preload.so, NUMA placement inside every libxl
 * client.  Private to preload/ and its test (tests/check_preload.c);
 * the module exports nothing but the two libxl entry points it
 * interposes (libxlnuma-preload.map).
 *
 * The way through is the CLI's (HACKING.md), entered from libxl:
 *
 *   interpose.c  libxl_domain_create_{new,restore} -> session.c with
 *                the real function (dlsym RTLD_NEXT)
 *   session.c    logger, settings, host lock, then ops: our own libxl
 *                ctx, the guest's need, the host; the decision; the
 *                real function; unlock.  Any failure leaves the config
 *                as the caller made it.
 *   settings.c   XLNUMA_* variables over /etc/xen/xlnuma.conf
 *   rewrite.c    pure: manual placement, request, engine, build info
 *   libxl_ops.c  the live ops (the only file here that asks libxl)
 *   hostlock.c   the lock, shared with xl-numa create
 *
 * docs/preload.md is the user's view.
 */
#ifndef XLNUMA_PRELOAD_H
#define XLNUMA_PRELOAD_H

#include <stdbool.h>
#include <stdint.h>

#include <libxl.h>

#include "xlnuma.h"
#include "xlnuma_libxl.h"

#if !defined(LIBXL_HAVE_DOMAIN_NEED_MEMORY_CONFIG) || \
    !defined(LIBXL_HAVE_DOMAIN_CREATE_RESTORE_SEND_BACK_FD)
#error "libxl older than Xen 4.13: libxl_domain_need_memory takes a config"
#endif

#define PRELOAD_LOG_CONTEXT "xlnuma-preload"
#define PRELOAD_CONF_DEFAULT "/etc/xen/xlnuma.conf"
#define PRELOAD_LOCK_TIMEOUT_DEFAULT 120u     /* seconds */

/* printf-style message at level l (XTL_ suffix) on lg (NULL: dropped). */
void preload_log(xentoollog_logger *lg, xentoollog_level l,
                 const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define PLOG(lg, l, ...) preload_log((lg), XTL_##l, __VA_ARGS__)

/* ---- settings.c ------------------------------------------------------- */

typedef enum {
    PRELOAD_PLACEMENT_AUTO = 0,     /* place unless placed by hand */
    PRELOAD_PLACEMENT_OFF,          /* the module steps aside */
    PRELOAD_PLACEMENT_WITHIN,       /* hard affinity and pool honoured */
} preload_placement;

/* The keys, in the file (numa_placement...) and the environment
 * (XLNUMA_...); docs/preload.md lists them. */
typedef enum {
    PRELOAD_KEY_PLACEMENT = 0,
    PRELOAD_KEY_POLICY,
    PRELOAD_KEY_MODE,
    PRELOAD_KEY_HEADROOM,
    PRELOAD_KEY_SMT,
    PRELOAD_KEY_DMA_AWARE,
    PRELOAD_KEY_MIN_NODES,
    PRELOAD_KEY_MAX_NODES,
    PRELOAD_KEY_MAX_STEPS,
    PRELOAD_KEY_LOCK_TIMEOUT,
    PRELOAD_NR_KEYS,
} preload_key;

typedef struct {
    preload_placement placement;
    char *policy;               /* owned; NULL: xen43 */
    bool mode_given;
    xlnuma_mode mode;
    uint64_t headroom_kib;
    unsigned headroom_pct;
    bool smt_cores;
    bool dma_aware;
    unsigned min_nodes, max_nodes;      /* 0: the engine's rule */
    unsigned long long max_steps;       /* 0: the engine's default */
    unsigned lock_timeout;      /* seconds; 0: wait as long as it takes */
    /* Where each value came from, for messages: "XLNUMA_POLICY" or
     * "/etc/xen/xlnuma.conf:3"; NULL: the default.  Owned. */
    char *origin[PRELOAD_NR_KEYS];
} preload_settings;

void preload_settings_init(preload_settings *s);
void preload_settings_dispose(preload_settings *s);
/* The file's name of a key ("numa_placement_policy") and the
 * environment's ("XLNUMA_POLICY"). */
const char *preload_key_file_name(preload_key k);
const char *preload_key_env_name(preload_key k);
/* Sets one key from its text; origin names where it came from.  INVAL,
 * logged with the origin and the value, when malformed. */
int preload_settings_set(xentoollog_logger *lg, preload_settings *s,
                         preload_key k, const char *value,
                         const char *origin);
/* xl.conf-style text: KEY = VALUE a line, VALUE a number, a bare word or
 * a "quoted" / 'quoted' string; # comments; an optional ';' at the end
 * of a line.  Later lines win.  An unknown key is warned about and
 * ignored (a newer version's key); anything else malformed is PARSE or
 * INVAL, logged with source:line. */
int preload_settings_parse(xentoollog_logger *lg, const char *text,
                           const char *source, preload_settings *s);
/* The settings for one create: defaults, then the file ($XLNUMA_CONFIG
 * when set, "" for none, else /etc/xen/xlnuma.conf; an absent file is
 * fine), then every XLNUMA_* variable that is set and not empty. */
int preload_settings_load(xentoollog_logger *lg, preload_settings *s);

/* ---- rewrite.c: the decision, pure ------------------------------------ */

/* What libxl says about the guest, from its defaulted copy. */
typedef struct {
    uint64_t need_kib;          /* libxl_domain_need_memory() */
    unsigned vcpus;             /* b_info.max_vcpus (>= 1) */
    uint32_t poolid;            /* c_info.poolid, pool_name resolved */
} preload_guest;

void preload_guest_init(preload_guest *g);
void preload_guest_dispose(preload_guest *g);

typedef enum {
    PRELOAD_PLACED = 0,         /* the config carries the decision */
    PRELOAD_SKIPPED,            /* a rule says no placement */
    PRELOAD_NOFIT,              /* the engine found no candidate */
} preload_verdict;

typedef struct {
    preload_verdict verdict;
    char *reason;               /* owned: why not (SKIPPED, NOFIT) */
    const xlnuma_policy *policy;
    xlnuma_mode mode;
    xlnuma_request req;
    xlnuma_result res;          /* valid after the engine ran */
    char *nodes, *cpus;         /* owned, PLACED: "0-1", "0-3" */
} preload_decision;

void preload_decision_init(preload_decision *d);
void preload_decision_dispose(preload_decision *d);

/*
 * The manual-placement rule of `xl-numa place' (xl_ext/place_decide.c),
 * read from what a libxl client put into the config.  *reason_r is NULL
 * when the guest is ours to place, else a malloc'd sentence saying which
 * settings place it by hand:
 *   - a soft affinity (xl: cpus_soft=);
 *   - a hard affinity (xl: cpus=, also as a per-vCPU list; b_info.cpumap)
 *     unless `within';
 *   - a cpupool (xl: pool=, even "Pool-0"; or a poolid other than 0)
 *     unless `within';
 *   - virtual NUMA nodes (xl: vnuma=, each with its pnode);
 *   - a node map (a node affinity given, or kept from an earlier
 *     placement of the same config);
 *   - libxl's placement turned off in the build info (numa_placement
 *     false) for a reason other than the above.
 * NOMEM is the only error.
 */
int preload_manual_rule(const libxl_domain_config *dc, preload_placement p,
                        char **reason_r);

/*
 * Decides for dc on host h and, when placed, writes the decision into
 * dc->b_info with xlnuma_apply_to_build_info (node map, soft affinity,
 * hard too in pin mode; libxl's own placement off).  Pure apart from
 * lctx, which only sizes the maps as Xen's (NULL: as wide as h).  rc 0
 * with d->verdict, or an error (logged); dc is changed only when rc is 0
 * and the verdict PLACED.
 */
int preload_decide(xentoollog_logger *lg, xlnuma_ctx *ctx, libxl_ctx *lctx,
                   const preload_settings *s, const xlnuma_host *h,
                   const preload_guest *g, libxl_domain_config *dc,
                   preload_decision *d);

/* ---- session.c: one interposed call ----------------------------------- */

/* The I/O the session needs, so tests can fail or fake each step. */
typedef struct {
    /* The logger for every message; NULL: a stderr stream at the level
     * XLNUMA_VERBOSE asks for.  Borrowed. */
    xentoollog_logger *logger;
    /* Our own libxl ctx (*lctx_r may be NULL: no libxl, maps as wide
     * as the host model). */
    int (*open)(xentoollog_logger *lg, libxl_ctx **lctx_r);
    void (*close)(libxl_ctx *lctx);
    /* The guest's need, vCPUs and pool as libxl computes them. */
    int (*guest)(xentoollog_logger *lg, libxl_ctx *lctx,
                 const libxl_domain_config *dc, preload_guest *g_r);
    /* The live host. */
    int (*host)(xlnuma_ctx *ctx, libxl_ctx *lctx, xlnuma_host **host_r);
} preload_ops;

/* libxl_ops.c */
extern const preload_ops preload_live_ops;

typedef int preload_create_new_fn(
    libxl_ctx *ctx, libxl_domain_config *d_config, uint32_t *domid,
    const libxl_asyncop_how *ao_how,
    const libxl_asyncprogress_how *aop_console_how);
typedef int preload_create_restore_fn(
    libxl_ctx *ctx, libxl_domain_config *d_config, uint32_t *domid,
    int restore_fd, int send_back_fd,
    const libxl_domain_restore_params *params,
    const libxl_asyncop_how *ao_how,
    const libxl_asyncprogress_how *aop_console_how);

/* The interposed functions' bodies: place (or not), call real with the
 * caller's arguments, release the lock, return real's rc.  real NULL
 * (not found) is logged and gives ERROR_FAIL. */
int preload_create_new(const preload_ops *ops, preload_create_new_fn *real,
                       libxl_ctx *ctx, libxl_domain_config *d_config,
                       uint32_t *domid, const libxl_asyncop_how *ao_how,
                       const libxl_asyncprogress_how *aop_console_how);
int preload_create_restore(const preload_ops *ops,
                           preload_create_restore_fn *real,
                           libxl_ctx *ctx, libxl_domain_config *d_config,
                           uint32_t *domid, int restore_fd,
                           int send_back_fd,
                           const libxl_domain_restore_params *params,
                           const libxl_asyncop_how *ao_how,
                           const libxl_asyncprogress_how *aop_console_how);

#endif /* XLNUMA_PRELOAD_H */
