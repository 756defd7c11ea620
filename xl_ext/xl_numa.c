/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * xl_numa.c: the xl-numa command -- its table of verbs, the global
 * options and the logger that libxl and libxlnuma share.
 *
 * xl cannot run external subcommands, so this is a binary of its own,
 * shaped like xl (tools/xl/xl.c, xl_cmdtable.c): each verb is a main_*
 * function in its own file returning an exit code.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

/* The --max-steps help text quotes the library's default. */
_Static_assert(XLNUMA_DEFAULT_STEPS == 5000000ULL,
               "update the --max-steps help text");

struct cli cli;

struct cmd_spec {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    const char *usage;
    const char *options;
};

#define HOST_HELP                                                          \
    "  --host SRC         where the host comes from: live (libxl), a\n"     \
    "                     capture directory, a JSON state file, an hwloc\n" \
    "                     XML file or a numactl -H text file.  Default:\n"  \
    "                     live when libxl opens, else the shipped example\n"\
    "                     host\n"

#define PLACE_HELP                                                         \
    "  --policy P         xen43 (default), xen42, greedy, packed, spread,\n"\
    "                     closest, or plugin:PATH:NAME (a shared object)\n"\
    "  --mode M           affinity (node and soft affinity; default) or\n"  \
    "                     pin (hard affinity as well)\n"                    \
    "  --min-nodes N      consider sets of at least N nodes\n"              \
    "  --max-nodes N      consider sets of at most N nodes\n"               \
    "  --headroom SIZE    keep SIZE MiB, or N% of each node's size, free\n" \
    "                     on every node (may be given twice: MiB and %)\n"  \
    "  --smt-cores        the vCPUs must fit the cores, not the threads\n"  \
    "  --dma-aware        the need must fit above Xen's DMA zone (the\n"   \
    "                     default of every policy but xen43 and xen42)\n"  \
    "  --no-dma-aware     count Xen's DMA zone as free, as libxl does\n"    \
    "  --max-steps N      the search's budget (default 5000000 steps)\n"  \
    "  --vnuma            on several nodes: one guest vnode per node\n"    \
    "                     (xl vnuma=; HVM guests)\n"                       \
    "  --force            place even if it over-commits a node (pin\n"     \
    "                     mode, vNUMA)\n"

static const struct cmd_spec cmd_table[] = {
    {
        "place", main_place,
        "Decide where a guest goes: its nodes and the xl overrides",
        "[--host SRC] [options] CFG [KEY=VALUE ...]\n"
        "       xl-numa place [--host SRC] --need-memkb N --vcpus N"
        " [--pool NAME]\n"
        "                     [--cpus LIST] [options]",
        HOST_HELP
        PLACE_HELP
        "  --explain          every candidate looked at, and why the winner\n"
        "                     beat the runner-up\n"
        "  --json             the decision as JSON\n"
        "  --need-memkb N     raw form: the free memory the guest needs, KiB\n"
        "  --vcpus N          raw form: the guest's vCPUs\n"
        "  --pool NAME        raw form: search within this cpupool\n"
        "  --cpus LIST        raw form: search within these pCPUs (xl\n"
        "                     cpu-list syntax: 0-7,^3, nodes:1, all)\n"
        "Exit: 0 placed, 2 skipped by a rule, 3 no candidate, 1 error.\n",
    },
    {
        "info", main_info,
        "Nodes, pCPUs, memory, runnable vCPUs, pools and domains of a host",
        "[--host SRC] [--json]",
        HOST_HELP
        "  --json             print the host as JSON\n",
    },
    {
        "vcpu-list", main_vcpulist,
        "Each domain's vCPU -> pCPU -> node, affinities and free memory",
        "[--host SRC] [--watch SECS [--count N]]",
        HOST_HELP
        "  --watch SECS       read the host again every SECS seconds until\n"
        "                     interrupted\n"
        "  --count N          with --watch: stop after N rounds\n",
    },
    {
        "capture", main_capture,
        "Record a live host as xl text files, or any host as a JSON state",
        "DIR\n"
        "       xl-numa capture [--host SRC] --state FILE",
        "  DIR                runs xl info -n, xl list -n, xl list -c,\n"
        "                     xl vcpu-list and xl cpupool-list -c (the xl\n"
        "                     binary is $XLNUMA_XL, default xl) and writes\n"
        "                     their output into DIR\n"
        HOST_HELP
        "  --state FILE       write the host as a JSON state file\n",
    },
    {
        "create", main_create,
        "Place a guest under a host-wide lock and create it with xl",
        "[--host SRC] [options] CFG [xl create options]\n"
        "                      [KEY=VALUE ...]",
        HOST_HELP
        "                     (a JSON state file: the guest is recorded\n"
        "                     there instead of created)\n"
        PLACE_HELP
        "  --explain          print every candidate as well\n"
        "  --dry-run          decide and print the xl command; create\n"
        "                     nothing\n"
        "xl create options passed on: -p -c -d -e -F -q -V -A -i -n and their\n"
        "long forms.  Lock: $XLNUMA_LOCK, default /var/lock/xl-numa.lock;\n"
        "STATE.lock for a JSON state file.\n"
        "Exit: 0 created, 1 error, 2 skipped (state file), 3 no candidate,\n"
        "4 xl failed or the domain does not have the decided affinities.\n",
    },
    {
        "destroy", main_destroy,
        "Remove a guest recorded in a JSON state file",
        "NAME --host FILE",
        "  --host FILE        the JSON state file to change\n",
    },
    {
        "advise", main_advise,
        "Rebalance advice: bring running guests' vCPUs to their memory",
        "[--host SRC] [--apply] [--json] [--min-gain N]",
        HOST_HELP
        "                     (needs each guest's pages per node: a capture\n"
        "                     with xl debug-keys u, or a JSON state file)\n"
        "  --apply            make the advised moves: every vCPU's soft\n"
        "                     affinity, through libxl (--host live) or in a\n"
        "                     JSON state file, under create's lock\n"
        "  --json             the advice as JSON\n"
        "  --min-gain N       advise a move only when it makes at least N%\n"
        "                     more of the memory local (default 10)\n"
        "Xen cannot move a running guest's memory: every move is of the\n"
        "vCPUs to the memory, never the other way.\n",
    },
    {
        "xl", main_xl,
        "Run xl with placement inside libxl (libxlnuma-preload.so)",
        "[options] [--] XL-ARGS...",
        "  --policy P         xen43 (default), xen42, greedy, packed, spread,\n"
        "                     closest\n"
        "  --mode M           affinity (default) or pin\n"
        "  --placement P      auto (default), off (the module steps aside)\n"
        "                     or within (inside the guest's hard affinity\n"
        "                     and cpupool)\n"
        "  --min-nodes N      consider sets of at least N nodes\n"
        "  --max-nodes N      consider sets of at most N nodes\n"
        "  --headroom SIZE    keep SIZE MiB, or N% of each node's size, free\n"
        "                     on every node (may be given twice: MiB and %)\n"
        "  --smt-cores        the vCPUs must fit the cores, not the threads\n"
        "  --dma-aware        the need must fit above Xen's DMA zone\n"
        "  --max-steps N      the search's budget (default: the engine's)\n"
        "  --lock-timeout S   wait at most S seconds for the host lock\n"
        "                     (default 120; 0: no limit)\n"
        "  --print-module     print the module's path and exit\n"
        "Runs xl XL-ARGS (xl is $XLNUMA_XL, default xl; no shell) with\n"
        "LD_PRELOAD naming the module ($XLNUMA_PRELOAD, default the installed\n"
        "one) and each option as its XLNUMA_* variable; options not given\n"
        "keep the environment's and /etc/xen/xlnuma.conf's.  -v sets\n"
        "XLNUMA_VERBOSE.  See docs/preload.md.\n"
        "Exit: xl's own status; 1 bad options or no module, 4 xl not run.\n",
    },
    {
        "simulate", main_simulate,
        "Replay guest arrivals and departures and compare the policies",
        "--trace FILE [--host SRC] [--policy LIST] [--json]\n"
        "                        [--refusals] [--plot OUT.png]\n"
        "       xl-numa simulate --generate N [--seed S] [--host SRC]",
        HOST_HELP
        "  --trace FILE       the guests: CSV lines TIME,create,NAME,MEMORY_MIB,\n"
        "                     VCPUS and TIME,destroy,NAME (docs/simulation.md)\n"
        "  --policy LIST      comma-separated policies (default: xen43,xen42,\n"
        "                     greedy,packed,spread,closest); plugin:PATH:NAME\n"
        "                     for a plug-in\n"
        "  --json             one object per policy, as JSON\n"
        "  --refusals         list every refused guest and why\n"
        "  --plot OUT.png     bar charts of the metrics in OUT.png, free\n"
        "                     memory per node over the trace in OUT-free.png\n"
        "                     (gnuplot, or $XLNUMA_GNUPLOT)\n"
        "  --generate N       write a random trace of N guests for the host\n"
        "  --seed S           the generator's seed (default 1)\n",
    },
};

void cli_err(const char *fmt, ...)
{
    va_list ap;

    fputs("xl-numa: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const struct cmd_spec *cmd_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(cmd_table); i++)
        if (!strcmp(cmd_table[i].name, name))
            return &cmd_table[i];
    return NULL;
}

static void help_all(FILE *f)
{
    fprintf(f,
            "Usage: xl-numa [-v...] VERB [ARGS]\n"
            "\n"
            "NUMA placement for Xen guests, as libxl does it and better.\n"
            "\n"
            "Verbs:\n");
    for (size_t i = 0; i < ARRAY_SIZE(cmd_table); i++)
        fprintf(f, "  %-12s %s\n", cmd_table[i].name, cmd_table[i].summary);
    fprintf(f,
            "\n"
            "Options:\n"
            "  -v, --verbose      more messages (repeat: -vvv for libxl's\n"
            "                     debug output)\n"
            "  -h, --help         this text; xl-numa help VERB for a verb\n"
            "  --version          the version\n");
}

void help(const char *verb, FILE *f)
{
    const struct cmd_spec *c = verb ? cmd_find(verb) : NULL;

    if (!c) {
        help_all(f);
        return;
    }
    fprintf(f, "Usage: xl-numa %s %s\n\n%s.\n\nOptions:\n%s", c->name,
            c->usage, c->summary, c->options);
}

static xentoollog_level verbosity_level(int verbose)
{
    switch (verbose) {
    case 0: return XTL_WARN;
    case 1: return XTL_INFO;
    case 2: return XTL_DETAIL;
    default: return XTL_DEBUG;
    }
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help",    no_argument, NULL, 'h' },
        { "verbose", no_argument, NULL, 'v' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 }
    };
    const struct cmd_spec *c;
    int opt, ret, rc;

    opterr = 1;
    while ((opt = getopt_long(argc, argv, "+hv", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            help(NULL, stdout);
            return XL_NUMA_EXIT_OK;
        case 'v':
            cli.verbose++;
            break;
        case 'V':
            printf("xl-numa %s (libxlnuma API %#08x)\n", PACKAGE_VERSION,
                   XLNUMA_API_VERSION);
            return XL_NUMA_EXIT_OK;
        default:
            help(NULL, stderr);
            return XL_NUMA_EXIT_ERROR;
        }
    }
    if (optind >= argc) {
        help(NULL, stderr);
        return XL_NUMA_EXIT_ERROR;
    }
    if (!strcmp(argv[optind], "help")) {
        if (optind + 1 < argc && !cmd_find(argv[optind + 1])) {
            cli_err("no verb \"%s\"; see xl-numa help", argv[optind + 1]);
            return XL_NUMA_EXIT_ERROR;
        }
        help(optind + 1 < argc ? argv[optind + 1] : NULL, stdout);
        return XL_NUMA_EXIT_OK;
    }
    c = cmd_find(argv[optind]);
    if (!c) {
        cli_err("no verb \"%s\"; see xl-numa help", argv[optind]);
        return XL_NUMA_EXIT_ERROR;
    }

    cli.logger = xtl_createlogger_stdiostream(stderr,
                                              verbosity_level(cli.verbose),
                                              XTL_STDIOSTREAM_HIDE_PROGRESS);
    if (!cli.logger) {
        cli_err("cannot create a logger: out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    rc = xlnuma_ctx_alloc(&cli.ctx, (xentoollog_logger *)cli.logger);
    if (rc) {
        cli_err("%s", xlnuma_strerror(rc));
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }

    argc -= optind;
    argv += optind;
    optind = 0;             /* each verb runs getopt_long from scratch */
    ret = c->fn(argc, argv);
    fflush(stdout);
    if (ferror(stdout)) {
        cli_err("error writing the output");
        ret = XL_NUMA_EXIT_ERROR;
    }
 out:
    xlnuma_ctx_free(cli.ctx);
    plugin_close_all();     /* after the ctx that borrows their policies */
    xtl_logger_destroy((xentoollog_logger *)cli.logger);
    return ret;
}
