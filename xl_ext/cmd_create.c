/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cmd_create.c: xl-numa create -- place a guest and create it, under a
 * host-wide lock so that guests created at once never count the same
 * free memory twice (PRIOR-ART.md, defect 6):
 *
 *   lock; read the host; decide; xl create CFG [opts] KEY=VALUE...
 *   <overrides>; read the domain back and verify; unlock.
 *
 * xl runs as a child with its own argv words, no shell.  With a JSON
 * state file as the host, the guest is recorded there instead (a
 * simulated host that persists), under STATE.lock.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xl_numa.h"

/* xl create's own options (tools/xl/xl_vmcontrol.c, main_create), passed
 * on unchanged.  -f/--defconfig is not: the config comes first here. */
static const char xl_short_opts[] = "AFVcdeinpq";
static const char *const xl_long_opts[] = {
    "--dryrun", "--ignore-global-affinity-masks", "--quiet", "--vncviewer",
    "--vncviewer-autopass",
};

/* *dryrun_r: xl will only print the config (-n), not create. */
static int check_xl_opt(const char *arg, bool *dryrun_r)
{
    if (arg[1] == '-') {
        for (size_t i = 0; i < ARRAY_SIZE(xl_long_opts); i++)
            if (!strcmp(arg, xl_long_opts[i])) {
                if (!strcmp(arg, "--dryrun"))
                    *dryrun_r = true;
                return 0;
            }
        cli_err("create: %s is not an xl create option xl-numa passes on",
                arg);
        return XL_NUMA_EXIT_ERROR;
    }
    if (!arg[1])
        goto bad;
    for (const char *p = arg + 1; *p; p++) {
        if (!strchr(xl_short_opts, *p))
            goto bad;
        if (*p == 'n')
            *dryrun_r = true;
    }
    return 0;
 bad:
    cli_err("create: %s is not an xl create option xl-numa passes on (%s "
            "and their long forms; give the config first, not with -f)",
            arg, "-A -F -V -c -d -e -i -n -p -q");
    return XL_NUMA_EXIT_ERROR;
}

/* XLNUMA_TEST_DELAY_US=N (at most 10 s): hold the lock N microseconds
 * longer before reading the host, so that tests/hardening/crash-safety.sh
 * can kill a create inside its critical section.  For tests only. */
static void test_delay(void)
{
    const char *s = getenv("XLNUMA_TEST_DELAY_US");
    unsigned long us = s ? strtoul(s, NULL, 10) : 0;
    struct timespec ts;

    if (!us)
        return;
    if (us > 10000000)
        us = 10000000;
    ts.tv_sec = (time_t)(us / 1000000);
    ts.tv_nsec = (long)(us % 1000000) * 1000;
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/* For messages: a word as a shell would need it. */
static void print_word(FILE *f, const char *w)
{
    bool plain = *w != '\0';

    for (const char *p = w; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789_./:=,+-@%^", *p))
            plain = false;
    if (plain) {
        fputs(w, f);
        return;
    }
    fputc('\'', f);
    for (const char *p = w; *p; p++)
        if (*p == '\'')
            fputs("'\\''", f);
        else
            fputc(*p, f);
    fputc('\'', f);
}

static int run_xl(const char *cfg, char **xlopts, unsigned nr_xlopts,
                  char **extra, unsigned nr_extra, const decision *d,
                  bool dry_run)
{
    unsigned n = 0, nr = 3 + nr_xlopts + nr_extra + d->nr_overrides + 1;
    char **argv = calloc(nr, sizeof(*argv));
    int ret;

    if (!argv) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    argv[n++] = (char *)xl_command();
    argv[n++] = (char *)"create";
    argv[n++] = (char *)cfg;
    for (unsigned i = 0; i < nr_xlopts; i++)
        argv[n++] = xlopts[i];
    for (unsigned i = 0; i < nr_extra; i++)
        argv[n++] = extra[i];
    /* Last, so that they override the file and the user's lines. */
    for (unsigned i = 0; i < d->nr_overrides; i++)
        argv[n++] = d->overrides[i];
    argv[n] = NULL;

    fputs(dry_run ? "xl-numa: would run:" : "xl-numa: running:", stderr);
    for (unsigned i = 0; i < n; i++) {
        fputc(' ', stderr);
        print_word(stderr, argv[i]);
    }
    fputc('\n', stderr);
    /* xl's stdout goes to our stderr: ours carries the decision. */
    ret = dry_run ? 0 : spawn_wait(argv, STDERR_FILENO);
    free(argv);
    return ret;
}

static int record(const hostarg *ha, const decision *d, bool json)
{
    unsigned nr_nodes = xlnuma_host_nr_nodes(ha->host);
    uint64_t *pages = calloc(nr_nodes, sizeof(*pages));
    FILE *f = json ? stderr : stdout;
    int ret;

    if (!pages) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    ret = state_record(ha->host, ha->source, d, pages);
    if (!ret) {
        fprintf(f, "recorded:   %s in %s, pages", d->guest_name, ha->source);
        for (unsigned n = 0; n < nr_nodes; n++)
            if (pages[n])
                fprintf(f, " node %u: %llu", n,
                        (unsigned long long)pages[n]);
        fputc('\n', f);
    }
    free(pages);
    return ret;
}

int main_create(int argc, char **argv)
{
    static const struct option opts[] = {
        PLACEOPTS_LONG_OPTS,
        { "host",    required_argument, NULL, OPT_HOST },
        { "json",    no_argument,       NULL, OPT_JSON },
        { "dry-run", no_argument,       NULL, OPT_DRY_RUN },
        { "help",    no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *host = NULL, *cfg;
    bool json = false, dry_run = false, xl_dryrun = false, state = false;
    char **xlopts = NULL, **extra = NULL;
    unsigned nr_xlopts = 0, nr_extra = 0;
    char *lock_path = NULL;
    int lock_fd = -1, opt, ret;
    placeopts po;
    guestcfg g;
    hostarg ha;
    decision d;

    placeopts_init(&po);
    guestcfg_init(&g);
    hostarg_init(&ha);
    decision_init(&d);

    /* "+": stop at the config; what follows is xl's. */
    while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        ret = placeopts_handle(&po, opt, optarg);
        if (ret == 0)
            continue;
        if (ret != 1)
            goto out;
        switch (opt) {
        case 'h':
            help("create", stdout);
            ret = XL_NUMA_EXIT_OK;
            goto out;
        case OPT_HOST:
            host = optarg;
            break;
        case OPT_JSON:
            json = true;
            break;
        case OPT_DRY_RUN:
            dry_run = true;
            break;
        default:
            cli_err("create: see xl-numa help create");
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
    }
    if (optind >= argc) {
        cli_err("create: a config file is needed");
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    cfg = argv[optind++];
    if (strchr(cfg, '=')) {
        cli_err("create: the config file comes first, before \"%s\"", cfg);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    /* xl create takes its first argument as the config only when it does
     * not start with '-'; else it would read its own options there. */
    if (cfg[0] == '-') {
        cli_err("create: the config \"%s\" starts with '-', which xl would "
                "read as options; give it as ./%s", cfg, cfg);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    xlopts = calloc((size_t)argc, sizeof(*xlopts));
    extra = calloc((size_t)argc, sizeof(*extra));
    if (!xlopts || !extra) {
        cli_err("out of memory");
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    for (; optind < argc; optind++) {
        char *a = argv[optind];

        if (a[0] == '-') {
            ret = check_xl_opt(a, &xl_dryrun);
            if (ret)
                goto out;
            xlopts[nr_xlopts++] = a;
        } else if (strchr(a, '=')) {
            extra[nr_extra++] = a;
        } else {
            cli_err("create: \"%s\" is neither an xl create option nor "
                    "KEY=VALUE", a);
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
    }

    ret = guestcfg_read(cfg, extra, nr_extra, &g);
    if (ret)
        goto out;
    if (!g.name) {
        cli_err("create: %s: name= is needed", cfg);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }

    if (host && strcmp(host, "live")) {
        state = path_is_json_state(host);
        if (!state && !dry_run) {
            cli_err("create: %s is not a JSON state file; create needs "
                    "--host live or a state file (captures and numactl "
                    "text are read-only; --dry-run reads any host)", host);
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
    } else if (!host && !dry_run) {
        host = "live";
    }

    if (!dry_run) {
        if (state) {
            if (asprintf(&lock_path, "%s.lock", host) < 0) {
                lock_path = NULL;
                cli_err("out of memory");
                ret = XL_NUMA_EXIT_ERROR;
                goto out;
            }
        } else {
            lock_path = strdup(live_lock_path());
        }
        if (!lock_path) {
            cli_err("out of memory");
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
        ret = lock_take(lock_path, &lock_fd);
        if (ret)
            goto out;
        test_delay();
    }

    /* Under the lock from here: the host read is the one we change. */
    ret = hostarg_resolve(host, &ha);
    if (ret)
        goto out;
    if (xlnuma_host_domain_by_name(ha.host, g.name)) {
        cli_err("create: a domain named %s already exists%s%s", g.name,
                ha.kind == HOST_LIVE ? "" : " in ",
                ha.kind == HOST_LIVE ? "" : ha.source);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    ret = decide_config(ha.host, &g, &po, &d);
    if (ret)
        goto out;
    if (json)
        ret = print_decision_json(stdout, ha.host, &d);
    else
        print_decision_text(stdout, ha.host, &d);
    if (ret)
        goto out;
    fflush(stdout);

    switch (d.kind) {
    case DECISION_NOFIT:
        fprintf(stderr, "xl-numa: create: no candidate; %s not created\n",
                g.name);
        ret = XL_NUMA_EXIT_NOFIT;
        goto out;
    case DECISION_REFUSED:
        fprintf(stderr, "xl-numa: create: refused by the over-commit guard;"
                " %s not created\n", g.name);
        ret = XL_NUMA_EXIT_NOFIT;
        goto out;
    case DECISION_SKIPPED:
        if (state || dry_run) {
            if (state)
                fprintf(stderr, "xl-numa: create: placement skipped; a "
                        "state file records placed guests only, %s not "
                        "recorded\n", g.name);
            ret = XL_NUMA_EXIT_SKIPPED;
            goto out;
        }
        fprintf(stderr, "xl-numa: create: placement skipped (%s); creating "
                "%s as configured\n", d.reason, g.name);
        ret = run_xl(cfg, xlopts, nr_xlopts, extra, nr_extra, &d, false);
        goto out;
    case DECISION_PLACED:
        break;
    }

    if (state) {
        if (dry_run)
            fprintf(stderr, "xl-numa: dry run: %s not recorded in %s\n",
                    g.name, ha.source);
        ret = dry_run ? 0 : record(&ha, &d, json);
        goto out;
    }
    ret = run_xl(cfg, xlopts, nr_xlopts, extra, nr_extra, &d, dry_run);
    if (ret || dry_run || xl_dryrun)
        goto out;
    ret = verify_domain(ha.lctx, ha.host, g.name, &d);
    /* Where Xen put the pages, next to where it was expected to; JSON
     * keeps stdout for the decision. */
    if (locality_measure(ha.lctx, g.name, &d, json ? stderr : stdout) &&
        !ret)
        ret = XL_NUMA_EXIT_ERROR;
 out:
    lock_release(lock_fd);
    free(lock_path);
    free(xlopts);
    free(extra);
    decision_dispose(&d);
    hostarg_dispose(&ha);
    guestcfg_dispose(&g);
    return ret;
}
