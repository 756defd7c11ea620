/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cmd_xl.c: xl-numa xl -- xl itself, with libxlnuma-preload.so loaded.
 *
 * `xl-numa xl --policy spread create g.cfg' replaces this process with
 * `xl create g.cfg' (execvp, no shell), LD_PRELOAD naming the module in
 * front of whatever it held, and each placement option passed as the
 * XLNUMA_* variable the module reads (docs/preload.md).  The create is
 * then xl's own, config parsing and all: the module decides inside
 * libxl_domain_create_new() from the config xl built, with the need
 * libxl computes.  Options not given leave the environment's variables
 * (and /etc/xen/xlnuma.conf) in effect.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xl_numa.h"

typedef enum {
    XO_POLICY, XO_MODE, XO_PLACEMENT, XO_HEADROOM, XO_MIN_NODES,
    XO_MAX_NODES, XO_SMT_CORES, XO_DMA_AWARE, XO_MAX_STEPS,
    XO_LOCK_TIMEOUT, XO_PRINT_MODULE, XO_NR,
} xl_opt_id;

static const struct {
    const char *name;
    bool has_arg;
    const char *env;        /* NULL: not passed on */
} xl_opts[XO_NR] = {
    [XO_POLICY]       = { "policy",       true,  "XLNUMA_POLICY" },
    [XO_MODE]         = { "mode",         true,  "XLNUMA_MODE" },
    [XO_PLACEMENT]    = { "placement",    true,  "XLNUMA_PLACEMENT" },
    [XO_HEADROOM]     = { "headroom",     true,  "XLNUMA_HEADROOM" },
    [XO_MIN_NODES]    = { "min-nodes",    true,  "XLNUMA_MIN_NODES" },
    [XO_MAX_NODES]    = { "max-nodes",    true,  "XLNUMA_MAX_NODES" },
    [XO_SMT_CORES]    = { "smt-cores",    false, "XLNUMA_SMT" },
    [XO_DMA_AWARE]    = { "dma-aware",    false, "XLNUMA_DMA_AWARE" },
    [XO_MAX_STEPS]    = { "max-steps",    true,  "XLNUMA_MAX_STEPS" },
    [XO_LOCK_TIMEOUT] = { "lock-timeout", true,  "XLNUMA_LOCK_TIMEOUT" },
    [XO_PRINT_MODULE] = { "print-module", false, NULL },
};

/* The values to pass on; NULL: not given. */
typedef struct {
    char *value[XO_NR];     /* owned */
    char *headroom_mib;     /* --headroom may come twice: MiB and % */
    char *headroom_pct;
} xl_settings;

static void xl_settings_dispose(xl_settings *x)
{
    for (int i = 0; i < XO_NR; i++)
        free(x->value[i]);
    free(x->headroom_mib);
    free(x->headroom_pct);
    memset(x, 0, sizeof(*x));
}

static int set_value(char **slot, const char *v)
{
    char *s = strdup(v);

    if (!s) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    free(*slot);
    *slot = s;
    return 0;
}

static int check_policy(const char *name)
{
    const xlnuma_policy *const *b = xlnuma_policy_builtins();
    char known[256] = "";

    for (unsigned i = 0; b[i]; i++) {
        if (!strcmp(b[i]->name, name))
            return 0;
        if (strlen(known) + strlen(b[i]->name) + 3 < sizeof(known)) {
            if (i)
                strcat(known, ", ");
            strcat(known, b[i]->name);
        }
    }
    cli_err("xl: --policy: unknown policy \"%s\" (the module knows the "
            "built-in ones: %s)", name, known);
    return XL_NUMA_EXIT_ERROR;
}

/* Checks one option's value as the other verbs do, and records it. */
static int take_option(xl_settings *x, xl_opt_id id, const char *arg)
{
    placeopts po;
    unsigned u;
    int ret;

    placeopts_init(&po);
    switch (id) {
    case XO_POLICY:
        ret = check_policy(arg);
        break;
    case XO_MODE:
        ret = placeopts_handle(&po, OPT_MODE, arg);
        break;
    case XO_PLACEMENT:
        ret = 0;
        if (strcmp(arg, "auto") && strcmp(arg, "off") &&
            strcmp(arg, "within")) {
            cli_err("xl: --placement \"%s\": auto, off or within", arg);
            ret = XL_NUMA_EXIT_ERROR;
        }
        break;
    case XO_HEADROOM:
        ret = placeopts_handle(&po, OPT_HEADROOM, arg);
        if (ret)
            return ret;
        return set_value(arg[strlen(arg) - 1] == '%' ? &x->headroom_pct
                                                     : &x->headroom_mib,
                         arg);
    case XO_MIN_NODES:
        ret = placeopts_handle(&po, OPT_MIN_NODES, arg);
        break;
    case XO_MAX_NODES:
        ret = placeopts_handle(&po, OPT_MAX_NODES, arg);
        break;
    case XO_MAX_STEPS:
        ret = placeopts_handle(&po, OPT_MAX_STEPS, arg);
        break;
    case XO_LOCK_TIMEOUT:
        ret = parse_uint_arg("--lock-timeout", arg, 86400, &u);
        break;
    case XO_SMT_CORES:
        return set_value(&x->value[id], "cores");
    case XO_DMA_AWARE:
        return set_value(&x->value[id], "1");
    case XO_PRINT_MODULE:
        return set_value(&x->value[id], "1");
    default:
        ret = XL_NUMA_EXIT_ERROR;
        break;
    }
    if (ret)
        return ret;
    return set_value(&x->value[id], arg);
}

/* Our options come first, long only, up to "--" or the first word that
 * is not one of them.  *first_r: the index of xl's first argument. */
static int parse_options(int argc, char **argv, xl_settings *x,
                         int *first_r)
{
    int i, ret;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *name, *eq, *val;
        size_t len;
        int id;

        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            help("xl", stdout);
            return -1;
        }
        if (strncmp(a, "--", 2))
            break;
        name = a + 2;
        eq = strchr(name, '=');
        len = eq ? (size_t)(eq - name) : strlen(name);
        for (id = 0; id < XO_NR; id++)
            if (strlen(xl_opts[id].name) == len &&
                !strncmp(xl_opts[id].name, name, len))
                break;
        if (id == XO_NR) {
            cli_err("xl: unknown option --%.*s (see xl-numa help xl; put "
                    "-- before xl's own arguments if they start with --)",
                    (int)len, name);
            return XL_NUMA_EXIT_ERROR;
        }
        if (xl_opts[id].has_arg) {
            if (eq) {
                val = eq + 1;
            } else if (i + 1 < argc) {
                val = argv[++i];
            } else {
                cli_err("xl: --%s needs a value", xl_opts[id].name);
                return XL_NUMA_EXIT_ERROR;
            }
        } else {
            if (eq) {
                cli_err("xl: --%s takes no value", xl_opts[id].name);
                return XL_NUMA_EXIT_ERROR;
            }
            val = NULL;
        }
        ret = take_option(x, (xl_opt_id)id, val);
        if (ret)
            return ret;
    }
    *first_r = i;
    return 0;
}

/* Whether this process is the build tree's xl-numa (or its libtool
 * wrapper's .libs binary). */
static bool in_build_tree(void)
{
    char exe[PATH_MAX];
    size_t len = strlen(XL_NUMA_BUILDDIR);
    ssize_t n;

    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    return !strncmp(exe, XL_NUMA_BUILDDIR, len) && exe[len] == '/';
}

/* The module to preload: $XLNUMA_PRELOAD, else the build tree's when
 * this xl-numa runs from the build tree and it was built, else the
 * installed one.  It must exist and be usable in LD_PRELOAD. */
static int module_path(const char **path_r)
{
    const char *env = getenv("XLNUMA_PRELOAD"), *path;

    if (env && *env) {
        if (*env != '/') {
            cli_err("xl: XLNUMA_PRELOAD=\"%s\" is not an absolute path",
                    env);
            return XL_NUMA_EXIT_ERROR;
        }
        path = env;
    } else if (in_build_tree() && !access(PRELOAD_MODULE_BUILD, R_OK)) {
        path = PRELOAD_MODULE_BUILD;
    } else {
        path = PRELOAD_MODULE;
    }
    if (access(path, R_OK)) {
        cli_err("xl: cannot use the placement module %s: %s%s", path,
                strerror(errno),
                env && *env ? "" : " (is xlnuma installed? XLNUMA_PRELOAD "
                "names another copy)");
        return XL_NUMA_EXIT_ERROR;
    }
    /* ld.so splits LD_PRELOAD at colons and blanks. */
    if (strpbrk(path, ": \t\n")) {
        cli_err("xl: the module's path \"%s\" holds a colon or a blank, "
                "which LD_PRELOAD cannot carry", path);
        return XL_NUMA_EXIT_ERROR;
    }
    *path_r = path;
    return 0;
}

/* LD_PRELOAD with the module first; unchanged when it is there already. */
static int preload_env(const char *module)
{
    const char *old = getenv("LD_PRELOAD");
    char *val = NULL;
    int n;

    if (old && *old) {
        char *copy = strdup(old), *tok, *save = NULL;
        bool present = false;

        if (!copy)
            goto nomem;
        for (tok = strtok_r(copy, ": \t\n", &save); tok && !present;
             tok = strtok_r(NULL, ": \t\n", &save))
            present = !strcmp(tok, module);
        free(copy);
        if (present)
            return 0;
        n = asprintf(&val, "%s:%s", module, old);
    } else {
        n = asprintf(&val, "%s", module);
    }
    if (n < 0)
        goto nomem;
    if (setenv("LD_PRELOAD", val, 1)) {
        cli_err("xl: cannot set LD_PRELOAD: %s", strerror(errno));
        free(val);
        return XL_NUMA_EXIT_ERROR;
    }
    free(val);
    return 0;
 nomem:
    cli_err("out of memory");
    return XL_NUMA_EXIT_ERROR;
}

static int settings_env(const xl_settings *x)
{
    char buf[64];
    const char *v;
    char *hr = NULL;
    int ret = 0;

    for (int id = 0; id < XO_NR && !ret; id++) {
        if (!xl_opts[id].env)
            continue;
        v = x->value[id];
        if (id == XO_HEADROOM) {
            if (x->headroom_mib && x->headroom_pct) {
                if (asprintf(&hr, "%s,%s", x->headroom_mib,
                             x->headroom_pct) < 0) {
                    cli_err("out of memory");
                    return XL_NUMA_EXIT_ERROR;
                }
                v = hr;
            } else {
                v = x->headroom_mib ? x->headroom_mib : x->headroom_pct;
            }
        }
        if (v && setenv(xl_opts[id].env, v, 1)) {
            cli_err("xl: cannot set %s: %s", xl_opts[id].env,
                    strerror(errno));
            ret = XL_NUMA_EXIT_ERROR;
        }
    }
    free(hr);
    if (!ret && cli.verbose > 0) {
        snprintf(buf, sizeof(buf), "%d", cli.verbose);
        if (setenv("XLNUMA_VERBOSE", buf, 1)) {
            cli_err("xl: cannot set XLNUMA_VERBOSE: %s", strerror(errno));
            ret = XL_NUMA_EXIT_ERROR;
        }
    }
    return ret;
}

int main_xl(int argc, char **argv)
{
    static const char *const shown[] = {
        "LD_PRELOAD", "XLNUMA_POLICY", "XLNUMA_MODE", "XLNUMA_PLACEMENT",
        "XLNUMA_HEADROOM", "XLNUMA_MIN_NODES", "XLNUMA_MAX_NODES",
        "XLNUMA_SMT", "XLNUMA_DMA_AWARE", "XLNUMA_MAX_STEPS",
        "XLNUMA_LOCK_TIMEOUT", "XLNUMA_VERBOSE",
    };
    const char *module = NULL, *xl = xl_command();
    char **xargv = NULL;
    xl_settings x;
    int first = 0, ret;

    memset(&x, 0, sizeof(x));
    ret = parse_options(argc, argv, &x, &first);
    if (ret) {
        ret = ret < 0 ? XL_NUMA_EXIT_OK : ret;
        goto out;
    }
    ret = module_path(&module);
    if (ret)
        goto out;
    if (x.value[XO_PRINT_MODULE]) {
        printf("%s\n", module);
        goto out;
    }
    if (first >= argc) {
        cli_err("xl: xl's arguments are missing (xl-numa xl [options] "
                "create g.cfg)");
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    ret = settings_env(&x);
    if (!ret)
        ret = preload_env(module);
    if (ret)
        goto out;

    xargv = calloc((size_t)(argc - first + 2), sizeof(*xargv));
    if (!xargv) {
        cli_err("out of memory");
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    xargv[0] = (char *)xl;
    for (int i = first; i < argc; i++)
        xargv[i - first + 1] = argv[i];

    if (cli.verbose > 0) {
        fputs("xl-numa: running:", stderr);
        for (size_t i = 0; i < ARRAY_SIZE(shown); i++) {
            const char *v = getenv(shown[i]);

            if (v)
                fprintf(stderr, " %s=%s", shown[i], v);
        }
        for (char **a = xargv; *a; a++)
            fprintf(stderr, " %s", *a);
        fputc('\n', stderr);
    }
    fflush(stdout);
    fflush(stderr);
    execvp(xl, xargv);
    cli_err("xl: cannot run %s: %s", xl, strerror(errno));
    ret = XL_NUMA_EXIT_XL;
 out:
    free(xargv);
    xl_settings_dispose(&x);
    return ret;
}
