/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * settings.c: what the administrator asks of the module, read at every
 * create so that a change needs no restart of libvirtd.
 *
 * Precedence, per key: an XLNUMA_* variable (set and not empty) over the
 * file (/etc/xen/xlnuma.conf, or $XLNUMA_CONFIG) over the default.  The
 * file's keys are the xl config's numa_placement* keys that xl-numa
 * reads, so one vocabulary serves the CLI, the file and the variables.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "preload.h"

#define MAX_CONF_BYTES  (64u * 1024)
#define MAX_MIB         (UINT64_C(1) << 40)
#define MAX_NODES_ARG   (1u << 16)
#define MAX_STEPS_ARG   (UINT64_C(1) << 50)
#define MAX_LOCK_WAIT   86400u

static const struct {
    const char *file, *env;
} key_names[PRELOAD_NR_KEYS] = {
    [PRELOAD_KEY_PLACEMENT]    = { "numa_placement", "XLNUMA_PLACEMENT" },
    [PRELOAD_KEY_POLICY]       = { "numa_placement_policy",
                                   "XLNUMA_POLICY" },
    [PRELOAD_KEY_MODE]         = { "numa_placement_mode", "XLNUMA_MODE" },
    [PRELOAD_KEY_HEADROOM]     = { "numa_placement_headroom",
                                   "XLNUMA_HEADROOM" },
    [PRELOAD_KEY_SMT]          = { "numa_placement_smt", "XLNUMA_SMT" },
    [PRELOAD_KEY_DMA_AWARE]    = { "numa_placement_dma_aware",
                                   "XLNUMA_DMA_AWARE" },
    [PRELOAD_KEY_MIN_NODES]    = { "numa_placement_min_nodes",
                                   "XLNUMA_MIN_NODES" },
    [PRELOAD_KEY_MAX_NODES]    = { "numa_placement_max_nodes",
                                   "XLNUMA_MAX_NODES" },
    [PRELOAD_KEY_MAX_STEPS]    = { "numa_placement_max_steps",
                                   "XLNUMA_MAX_STEPS" },
    [PRELOAD_KEY_LOCK_TIMEOUT] = { "numa_placement_lock_timeout",
                                   "XLNUMA_LOCK_TIMEOUT" },
};

void preload_log(xentoollog_logger *lg, xentoollog_level l,
                 const char *fmt, ...)
{
    va_list ap;

    if (!lg)
        return;
    va_start(ap, fmt);
    xtl_logv(lg, l, -1, PRELOAD_LOG_CONTEXT, fmt, ap);
    va_end(ap);
}

const char *preload_key_file_name(preload_key k)
{
    return (unsigned)k < PRELOAD_NR_KEYS ? key_names[k].file : "?";
}

const char *preload_key_env_name(preload_key k)
{
    return (unsigned)k < PRELOAD_NR_KEYS ? key_names[k].env : "?";
}

void preload_settings_init(preload_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->placement = PRELOAD_PLACEMENT_AUTO;
    s->mode = XLNUMA_MODE_AFFINITY;
    s->lock_timeout = PRELOAD_LOCK_TIMEOUT_DEFAULT;
}

void preload_settings_dispose(preload_settings *s)
{
    free(s->policy);
    for (unsigned k = 0; k < PRELOAD_NR_KEYS; k++)
        free(s->origin[k]);
    preload_settings_init(s);
}

/* Decimal digits only, at most max. */
static bool parse_dec(const char *s, uint64_t max, uint64_t *v_r)
{
    uint64_t v = 0;

    if (!isdigit((unsigned char)*s))
        return false;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s))
            return false;
        if (v > (max - (uint64_t)(*s - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *v_r = v;
    return true;
}

/* "N" (MiB), "N%" (of each node's size) or one of each, "256,5%". */
static bool parse_headroom(const char *s, uint64_t *kib_r, unsigned *pct_r)
{
    bool have_mib = false, have_pct = false;
    uint64_t kib = 0;
    unsigned pct = 0;

    for (const char *p = s;;) {
        uint64_t v = 0;
        const char *start;

        while (*p == ' ')
            p++;
        start = p;
        while (isdigit((unsigned char)*p)) {
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > MAX_MIB)
                return false;
            p++;
        }
        if (p == start)
            return false;
        if (*p == '%') {
            if (have_pct || v > 100)
                return false;
            have_pct = true;
            pct = (unsigned)v;
            p++;
        } else {
            if (have_mib)
                return false;
            have_mib = true;
            kib = v * 1024;
        }
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (*p != ',')
            return false;
        p++;
    }
    *kib_r = kib;
    *pct_r = pct;
    return true;
}

/* A policy's name: a word, checked against the engine's at decision. */
static bool is_word(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
            return false;
    return true;
}

int preload_settings_set(xentoollog_logger *lg, preload_settings *s,
                         preload_key k, const char *value,
                         const char *origin)
{
    const char *want;
    char *org = NULL, *pol = NULL;
    uint64_t v;

    if ((unsigned)k >= PRELOAD_NR_KEYS || !value || !origin) {
        PLOG(lg, ERROR, "preload_settings_set: key %d or its value or "
             "origin is invalid", (int)k);
        return XLNUMA_ERROR_INVAL;
    }
    org = strdup(origin);
    if (!org)
        goto nomem;

    switch (k) {
    case PRELOAD_KEY_PLACEMENT:
        want = "auto, off or within";
        if (!strcmp(value, "auto"))
            s->placement = PRELOAD_PLACEMENT_AUTO;
        else if (!strcmp(value, "off"))
            s->placement = PRELOAD_PLACEMENT_OFF;
        else if (!strcmp(value, "within"))
            s->placement = PRELOAD_PLACEMENT_WITHIN;
        else
            goto bad;
        break;
    case PRELOAD_KEY_POLICY:
        want = "a policy name (xen43, xen42, greedy, packed, spread, "
               "closest)";
        if (!is_word(value))
            goto bad;
        pol = strdup(value);
        if (!pol)
            goto nomem;
        free(s->policy);
        s->policy = pol;
        break;
    case PRELOAD_KEY_MODE:
        want = "affinity or pin";
        if (!strcmp(value, "affinity"))
            s->mode = XLNUMA_MODE_AFFINITY;
        else if (!strcmp(value, "pin"))
            s->mode = XLNUMA_MODE_PIN;
        else
            goto bad;
        s->mode_given = true;
        break;
    case PRELOAD_KEY_HEADROOM:
        want = "MiB, N% of each node's size (at most 100%), or one of "
               "each (\"256,5%\")";
        if (!parse_headroom(value, &s->headroom_kib, &s->headroom_pct))
            goto bad;
        break;
    case PRELOAD_KEY_SMT:
        want = "threads or cores";
        if (!strcmp(value, "cores"))
            s->smt_cores = true;
        else if (!strcmp(value, "threads"))
            s->smt_cores = false;
        else
            goto bad;
        break;
    case PRELOAD_KEY_DMA_AWARE:
        want = "0 or 1";
        if (!strcmp(value, "0"))
            s->dma_aware = false;
        else if (!strcmp(value, "1"))
            s->dma_aware = true;
        else
            goto bad;
        break;
    case PRELOAD_KEY_MIN_NODES:
    case PRELOAD_KEY_MAX_NODES:
        want = "a number of nodes, 0 to 65536 (0: no bound)";
        if (!parse_dec(value, MAX_NODES_ARG, &v))
            goto bad;
        if (k == PRELOAD_KEY_MIN_NODES)
            s->min_nodes = (unsigned)v;
        else
            s->max_nodes = (unsigned)v;
        break;
    case PRELOAD_KEY_MAX_STEPS:
        want = "a number of steps, at most 2^50 (0: the default)";
        if (!parse_dec(value, MAX_STEPS_ARG, &v))
            goto bad;
        s->max_steps = v;
        break;
    case PRELOAD_KEY_LOCK_TIMEOUT:
        want = "seconds, 0 to 86400 (0: wait as long as it takes)";
        if (!parse_dec(value, MAX_LOCK_WAIT, &v))
            goto bad;
        s->lock_timeout = (unsigned)v;
        break;
    default:        /* unreachable: k was checked above */
        free(org);
        return XLNUMA_ERROR_INVAL;
    }
    free(s->origin[k]);
    s->origin[k] = org;
    return 0;
 bad:
    if (!strcmp(origin, key_names[k].env))
        PLOG(lg, ERROR, "%s=\"%s\" is not %s", origin, value, want);
    else
        PLOG(lg, ERROR, "%s: %s=\"%s\" is not %s", origin,
             key_names[k].file, value, want);
    free(org);
    return XLNUMA_ERROR_INVAL;
 nomem:
    PLOG(lg, ERROR, "out of memory");
    free(org);
    return XLNUMA_ERROR_NOMEM;
}

/* ---- the file ---- */

static int file_key(const char *name, size_t len)
{
    for (unsigned k = 0; k < PRELOAD_NR_KEYS; k++)
        if (strlen(key_names[k].file) == len &&
            !strncmp(key_names[k].file, name, len))
            return (int)k;
    return -1;
}

/* One line (NUL-terminated, no newline). */
static int parse_line(xentoollog_logger *lg, const char *line,
                      const char *source, unsigned lineno,
                      preload_settings *s)
{
    const char *p = line, *key, *v;
    char *value = NULL, where[4096];
    size_t klen, n = 0;
    int k, rc;

    snprintf(where, sizeof(where), "%s:%u", source, lineno);
    while (isspace((unsigned char)*p))
        p++;
    if (!*p || *p == '#')
        return 0;
    key = p;
    if (!isalpha((unsigned char)*p) && *p != '_')
        goto syntax;
    while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
        p++;
    klen = (size_t)(p - key);
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '=')
        goto syntax;
    p++;
    while (isspace((unsigned char)*p))
        p++;

    value = malloc(strlen(p) + 1);
    if (!value) {
        PLOG(lg, ERROR, "out of memory");
        return XLNUMA_ERROR_NOMEM;
    }
    if (*p == '"' || *p == '\'') {
        char q = *p++;

        for (; *p && *p != q; p++) {
            if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
                p++;
            value[n++] = *p;
        }
        if (*p != q) {
            PLOG(lg, ERROR, "%s: the value of %.*s has no closing %c",
                 where, (int)klen, key, q);
            free(value);
            return XLNUMA_ERROR_PARSE;
        }
        p++;
    } else if (*p == '[') {
        PLOG(lg, ERROR, "%s: %.*s= is a list; a single value is needed",
             where, (int)klen, key);
        free(value);
        return XLNUMA_ERROR_PARSE;
    } else {
        v = p;
        while (*p && !isspace((unsigned char)*p) && *p != '#' && *p != ';')
            p++;
        if (p == v) {
            PLOG(lg, ERROR, "%s: %.*s= has no value", where, (int)klen,
                 key);
            free(value);
            return XLNUMA_ERROR_PARSE;
        }
        memcpy(value, v, (size_t)(p - v));
        n = (size_t)(p - v);
    }
    value[n] = '\0';
    while (isspace((unsigned char)*p))
        p++;
    if (*p == ';')
        p++;
    while (isspace((unsigned char)*p))
        p++;
    if (*p && *p != '#') {
        PLOG(lg, ERROR, "%s: unexpected \"%s\" after the value of %.*s",
             where, p, (int)klen, key);
        free(value);
        return XLNUMA_ERROR_PARSE;
    }

    k = file_key(key, klen);
    if (k < 0) {
        PLOG(lg, WARN, "%s: unknown key \"%.*s\", ignored", where,
             (int)klen, key);
        rc = 0;
    } else {
        rc = preload_settings_set(lg, s, (preload_key)k, value, where);
    }
    free(value);
    return rc;
 syntax:
    PLOG(lg, ERROR, "%s: \"%s\" is not KEY = VALUE", where, key);
    return XLNUMA_ERROR_PARSE;
}

int preload_settings_parse(xentoollog_logger *lg, const char *text,
                           const char *source, preload_settings *s)
{
    unsigned lineno = 0;
    int rc = 0;

    if (!text || !source || !s) {
        PLOG(lg, ERROR, "preload_settings_parse: %s is NULL",
             !text ? "the text" : !source ? "the source" : "the settings");
        return XLNUMA_ERROR_INVAL;
    }
    for (const char *p = text; *p && !rc;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char *line = strndup(p, len);

        lineno++;
        if (!line) {
            PLOG(lg, ERROR, "out of memory");
            return XLNUMA_ERROR_NOMEM;
        }
        rc = parse_line(lg, line, source, lineno, s);
        free(line);
        p += len + (nl != NULL);
    }
    return rc;
}

/* The file's text, NUL-terminated; *text_r NULL when it does not exist. */
static int read_conf(xentoollog_logger *lg, const char *path, char **text_r)
{
    FILE *f;
    char *buf = NULL;
    size_t len;
    int rc;

    *text_r = NULL;
    f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT) {
            PLOG(lg, DEBUG, "no settings file %s", path);
            return 0;
        }
        PLOG(lg, ERROR, "cannot read the settings file %s: %s", path,
             strerror(errno));
        return XLNUMA_ERROR_IO;
    }
    buf = malloc(MAX_CONF_BYTES + 1);
    if (!buf) {
        PLOG(lg, ERROR, "out of memory");
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    len = fread(buf, 1, MAX_CONF_BYTES + 1, f);
    if (ferror(f)) {
        PLOG(lg, ERROR, "cannot read the settings file %s: %s", path,
             strerror(errno));
        rc = XLNUMA_ERROR_IO;
        goto out;
    }
    if (len > MAX_CONF_BYTES) {
        PLOG(lg, ERROR, "%s: larger than %u KiB; not a settings file", path,
             MAX_CONF_BYTES / 1024);
        rc = XLNUMA_ERROR_RANGE;
        goto out;
    }
    if (memchr(buf, '\0', len)) {
        PLOG(lg, ERROR, "%s: contains a NUL byte; not a settings file",
             path);
        rc = XLNUMA_ERROR_PARSE;
        goto out;
    }
    buf[len] = '\0';
    *text_r = buf;
    buf = NULL;
    rc = 0;
 out:
    free(buf);
    fclose(f);
    return rc;
}

int preload_settings_load(xentoollog_logger *lg, preload_settings *s)
{
    const char *path = getenv("XLNUMA_CONFIG");
    char *text = NULL;
    int rc;

    if (!path)
        path = PRELOAD_CONF_DEFAULT;
    if (*path) {
        rc = read_conf(lg, path, &text);
        if (rc)
            return rc;
        if (text) {
            rc = preload_settings_parse(lg, text, path, s);
            free(text);
            if (rc)
                return rc;
        }
    }
    for (unsigned k = 0; k < PRELOAD_NR_KEYS; k++) {
        const char *v = getenv(key_names[k].env);

        if (!v || !*v)
            continue;
        rc = preload_settings_set(lg, s, (preload_key)k, v,
                                  key_names[k].env);
        if (rc)
            return rc;
    }
    return 0;
}
