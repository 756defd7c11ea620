/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * session.c: one interposed create, from the caller's arguments to the
 * real function's return.
 *
 *   logger -> settings -> host lock -> manual placement? -> our libxl
 *   ctx -> the need (libxl) -> the host (libxl) -> decision, config
 *   rewritten -> the real function -> lock released
 *
 * Failure is never worse than libxl: whatever fails, the reason is
 * logged and the real function gets the config exactly as the caller
 * made it (the rewrite changes the build info all at once or not at
 * all).  Nothing here can make the create fail.
 *
 * The lock is held from before the host is read until the real function
 * returns, for every create the module does not step aside from (placed
 * or not: a guest placed by hand takes memory too), so that no placement
 * counts memory another guest is being built in.  A synchronous caller
 * (xl, libvirt's libxl driver: ao_how NULL) returns once the guest is
 * built, its memory allocated.  An asynchronous one (ao_how given)
 * returns as soon as libxl has started, and the lock then covers the
 * decision only: docs/preload.md says what that means.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hostlock.h"
#include "preload.h"

/* fcntl locks are per process: threads of one (libvirtd) queue here. */
static pthread_mutex_t serial = PTHREAD_MUTEX_INITIALIZER;
/* A create called from within another in the same thread (a callback)
 * is left alone: the lock is ours already, and a second descriptor's
 * close would drop it. */
static __thread int depth;

typedef struct {
    xentoollog_logger *lg;              /* borrowed or own */
    xentoollog_logger_stdiostream *own;
    const char *entry;                  /* "libxl_domain_create_new" */
    char *name;                         /* the guest's, for messages */
    int lock_fd;
    bool mutex_held;
    bool entered;
} session;

/* XLNUMA_VERBOSE: unset or 0 notices and worse, 1 info, 2 detail,
 * 3 and more debug.  *bad_r when the value is not a number. */
static xentoollog_level verbose_level(bool *bad_r)
{
    const char *v = getenv("XLNUMA_VERBOSE");
    char *end;
    long n;

    *bad_r = false;
    if (!v || !*v)
        return XTL_NOTICE;
    errno = 0;
    n = strtol(v, &end, 10);
    if (errno || *end || n < 0) {
        *bad_r = true;
        return XTL_NOTICE;
    }
    switch (n) {
    case 0:  return XTL_NOTICE;
    case 1:  return XTL_INFO;
    case 2:  return XTL_DETAIL;
    default: return XTL_DEBUG;
    }
}

static bool fail_hook(void)
{
    const char *v = getenv("XLNUMA_PRELOAD_FAIL");

    return v && *v && strcmp(v, "0");
}

/* A wait of ms from now as an absolute CLOCK_REALTIME time. */
static struct timespec deadline_in(long ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

/* 0: the lock is ours; 1: our parent holds it for us (xl-numa create
 * running xl); -1: not taken (logged). */
static int session_lock(session *s, const preload_settings *set)
{
    const char *path = hostlock_path(), *step = "lock";
    long wait_ms = set->lock_timeout ? (long)set->lock_timeout * 1000 : -1;
    pid_t holder = 0;
    int e;

    if (wait_ms < 0) {
        e = pthread_mutex_lock(&serial);
    } else {
        struct timespec until = deadline_in(wait_ms);

        e = pthread_mutex_timedlock(&serial, &until);
    }
    if (e) {
        PLOG(s->lg, WARN, "%s: %s: another thread of this process held "
             "the host lock for more than %u s (%s)", s->entry, s->name,
             set->lock_timeout, strerror(e));
        return -1;
    }
    s->mutex_held = true;

    e = hostlock_take(path, 0, &s->lock_fd, &holder, &step);
    if (e == ETIMEDOUT) {
        if (holder && holder == getppid()) {
            PLOG(s->lg, INFO, "%s: %s: the host lock %s is held by our "
                 "parent, process %d (xl-numa create), which decided for "
                 "this guest", s->entry, s->name, path, (int)holder);
            pthread_mutex_unlock(&serial);
            s->mutex_held = false;
            return 1;
        }
        PLOG(s->lg, NOTICE, "%s: %s: waiting for the host lock %s, held "
             "by process %d", s->entry, s->name, path, (int)holder);
        e = hostlock_take(path, wait_ms, &s->lock_fd, &holder, &step);
    }
    if (e) {
        if (e == ETIMEDOUT)
            PLOG(s->lg, WARN, "%s: %s: the host lock %s was still held by "
                 "process %d after %u s (%s); a create waiting for a lock "
                 "that process's xl holds would never end", s->entry,
                 s->name, path, (int)holder, set->lock_timeout,
                 set->origin[PRELOAD_KEY_LOCK_TIMEOUT]
                 ? set->origin[PRELOAD_KEY_LOCK_TIMEOUT]
                 : "the default timeout");
        else
            PLOG(s->lg, WARN, "%s: %s: cannot %s the host lock %s: %s",
                 s->entry, s->name, strcmp(step, "open") ? "take" : "open",
                 path, strerror(e));
        s->lock_fd = -1;
        pthread_mutex_unlock(&serial);
        s->mutex_held = false;
        return -1;
    }
    PLOG(s->lg, DEBUG, "%s: %s: host lock %s taken", s->entry, s->name,
         path);
    return 0;
}

static void log_verdict(session *s, const preload_decision *d,
                        const preload_guest *g)
{
    switch (d->verdict) {
    case PRELOAD_PLACED:
        PLOG(s->lg, INFO, "%s: %s: placed: nodes=%s cpus=%s policy=%s "
             "mode=%s need_memkb=%" PRIu64 " vcpus=%u", s->entry, s->name,
             d->nodes, d->cpus, d->policy->name,
             d->mode == XLNUMA_MODE_PIN ? "pin" : "affinity", g->need_kib,
             g->vcpus);
        break;
    case PRELOAD_SKIPPED:
        PLOG(s->lg, INFO, "%s: %s: %s; libxl creates it as configured",
             s->entry, s->name, d->reason);
        break;
    case PRELOAD_NOFIT:
        PLOG(s->lg, NOTICE, "%s: %s: no placement: %s (need_memkb=%"
             PRIu64 " vcpus=%u); libxl places it as it would have",
             s->entry, s->name, d->reason, g->need_kib, g->vcpus);
        break;
    }
}

/* Everything up to the real call.  Leaves the lock (if taken) in s. */
static void session_begin(session *s, const preload_ops *ops,
                          const char *entry, libxl_domain_config *dc,
                          bool have_real)
{
    xlnuma_ctx *ctx = NULL;
    libxl_ctx *lctx = NULL;
    xlnuma_host *h = NULL;
    preload_settings set;
    preload_guest g;
    preload_decision d;
    const char *failed;
    bool bad_verbose = false;
    int rc;

    memset(s, 0, sizeof(*s));
    s->lock_fd = -1;
    s->entry = entry;
    preload_settings_init(&set);
    preload_guest_init(&g);
    preload_decision_init(&d);

    s->lg = ops->logger;
    if (!s->lg) {
        s->own = xtl_createlogger_stdiostream(stderr,
                                              verbose_level(&bad_verbose),
                                              XTL_STDIOSTREAM_HIDE_PROGRESS);
        s->lg = (xentoollog_logger *)s->own;
    }
    if (bad_verbose)
        PLOG(s->lg, WARN, "XLNUMA_VERBOSE=\"%s\" is not a number; notices "
             "and worse are shown", getenv("XLNUMA_VERBOSE"));
    if (!have_real) {
        PLOG(s->lg, ERROR, "%s: the real function was not found after "
             "this module (dlsym RTLD_NEXT); is libxenlight loaded?",
             entry);
        return;
    }
    if (!dc) {
        PLOG(s->lg, ERROR, "%s: called without a domain config", entry);
        return;
    }
    s->name = strdup(dc->c_info.name ? dc->c_info.name : "(unnamed)");
    if (!s->name) {
        PLOG(s->lg, ERROR, "%s: out of memory; no placement", entry);
        return;
    }
    if (depth) {
        PLOG(s->lg, DETAIL, "%s: %s: called from within another create; "
             "no placement", entry, s->name);
        return;
    }
    depth++;
    s->entered = true;

    rc = xlnuma_ctx_alloc(&ctx, s->lg);
    if (rc) {
        failed = "out of memory";
        goto fallback;
    }
    rc = preload_settings_load(s->lg, &set);
    if (rc) {
        failed = "its settings are not usable";
        goto fallback;
    }
    if (set.placement == PRELOAD_PLACEMENT_OFF) {
        PLOG(s->lg, DETAIL, "%s: %s: placement is off (%s); the module "
             "steps aside", entry, s->name,
             set.origin[PRELOAD_KEY_PLACEMENT]
             ? set.origin[PRELOAD_KEY_PLACEMENT] : "?");
        goto out;
    }
    rc = session_lock(s, &set);
    if (rc > 0)
        goto out;
    if (rc < 0) {
        failed = "the host lock was not taken";
        goto fallback;
    }
    rc = preload_manual_rule(dc, set.placement, &d.reason);
    if (rc) {
        failed = "out of memory";
        goto fallback;
    }
    if (d.reason) {
        d.verdict = PRELOAD_SKIPPED;
        log_verdict(s, &d, &g);
        goto out;
    }
    rc = ops->open(s->lg, &lctx);
    if (rc) {
        failed = "libxl did not open";
        goto fallback;
    }
    if (fail_hook()) {
        PLOG(s->lg, WARN, "%s: %s: XLNUMA_PRELOAD_FAIL is set: failing on "
             "purpose (a test hook)", entry, s->name);
        failed = "XLNUMA_PRELOAD_FAIL is set";
        goto fallback;
    }
    rc = ops->guest(s->lg, lctx, dc, &g);
    if (rc) {
        failed = "libxl did not compute the guest's memory need";
        goto fallback;
    }
    rc = ops->host(ctx, lctx, &h);
    if (rc) {
        failed = "the host could not be read";
        goto fallback;
    }
    rc = preload_decide(s->lg, ctx, lctx, &set, h, &g, dc, &d);
    if (rc) {
        failed = "no decision was reached";
        goto fallback;
    }
    log_verdict(s, &d, &g);
    goto out;

 fallback:
    PLOG(s->lg, WARN, "%s: %s: no placement (%s); libxl creates the guest "
         "as it would have", entry, s->name, failed);
 out:
    xlnuma_host_free(h);
    if (lctx)
        ops->close(lctx);
    preload_decision_dispose(&d);
    preload_guest_dispose(&g);
    preload_settings_dispose(&set);
    xlnuma_ctx_free(ctx);
}

static void session_end(session *s, int rc)
{
    if (s->lock_fd >= 0) {
        hostlock_release(s->lock_fd);
        PLOG(s->lg, DEBUG, "%s: %s: the real function returned %d; host "
             "lock released", s->entry, s->name, rc);
    }
    if (s->mutex_held)
        pthread_mutex_unlock(&serial);
    if (s->entered)
        depth--;
    free(s->name);
    if (s->own)
        xtl_logger_destroy((xentoollog_logger *)s->own);
    memset(s, 0, sizeof(*s));
    s->lock_fd = -1;
}

int preload_create_new(const preload_ops *ops, preload_create_new_fn *real,
                       libxl_ctx *ctx, libxl_domain_config *d_config,
                       uint32_t *domid, const libxl_asyncop_how *ao_how,
                       const libxl_asyncprogress_how *aop_console_how)
{
    session s;
    int rc;

    session_begin(&s, ops, "libxl_domain_create_new", d_config,
                  real != NULL);
    rc = real ? real(ctx, d_config, domid, ao_how, aop_console_how)
              : ERROR_FAIL;
    session_end(&s, rc);
    return rc;
}

int preload_create_restore(const preload_ops *ops,
                           preload_create_restore_fn *real,
                           libxl_ctx *ctx, libxl_domain_config *d_config,
                           uint32_t *domid, int restore_fd,
                           int send_back_fd,
                           const libxl_domain_restore_params *params,
                           const libxl_asyncop_how *ao_how,
                           const libxl_asyncprogress_how *aop_console_how)
{
    session s;
    int rc;

    session_begin(&s, ops, "libxl_domain_create_restore", d_config,
                  real != NULL);
    rc = real ? real(ctx, d_config, domid, restore_fd, send_back_fd, params,
                     ao_how, aop_console_how)
              : ERROR_FAIL;
    session_end(&s, rc);
    return rc;
}
