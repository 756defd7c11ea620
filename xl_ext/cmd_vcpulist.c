/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cmd_vcpulist.c: xl-numa vcpu-list -- the KVM seed's NUMA dashboard for
 * Xen: each domain's vCPU -> pCPU -> node, its hard and soft affinity,
 * the domain's node affinity, and the free memory of each node.  With
 * --watch the host is read again every SECS seconds.
 */
#include <errno.h>
#include <getopt.h>
#include <time.h>

#include "xl_numa.h"

static int show_once(const char *host)
{
    hostarg ha;
    int ret;

    hostarg_init(&ha);
    ret = hostarg_resolve(host, &ha);
    if (!ret)
        ret = print_vcpulist_text(stdout, ha.host);
    hostarg_dispose(&ha);
    return ret;
}

static void pause_for(unsigned secs)
{
    struct timespec ts = { .tv_sec = secs, .tv_nsec = 0 };

    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

int main_vcpulist(int argc, char **argv)
{
    static const struct option opts[] = {
        { "host",  required_argument, NULL, OPT_HOST },
        { "watch", required_argument, NULL, OPT_WATCH },
        { "count", required_argument, NULL, OPT_COUNT },
        { "help",  no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *host = NULL;
    unsigned watch = 0, count = 0;
    bool have_watch = false;
    int opt, ret;

    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            help("vcpu-list", stdout);
            return XL_NUMA_EXIT_OK;
        case OPT_HOST:
            host = optarg;
            break;
        case OPT_WATCH:
            ret = parse_uint_arg("--watch", optarg, 86400, &watch);
            if (ret)
                return ret;
            if (!watch) {
                cli_err("--watch: at least 1 second");
                return XL_NUMA_EXIT_ERROR;
            }
            have_watch = true;
            break;
        case OPT_COUNT:
            ret = parse_uint_arg("--count", optarg, 1u << 30, &count);
            if (ret)
                return ret;
            if (!count) {
                cli_err("--count: at least 1 round");
                return XL_NUMA_EXIT_ERROR;
            }
            break;
        default:
            cli_err("vcpu-list: see xl-numa help vcpu-list");
            return XL_NUMA_EXIT_ERROR;
        }
    }
    if (optind < argc) {
        cli_err("vcpu-list: unexpected argument \"%s\"", argv[optind]);
        return XL_NUMA_EXIT_ERROR;
    }
    if (count && !have_watch) {
        cli_err("vcpu-list: --count goes with --watch");
        return XL_NUMA_EXIT_ERROR;
    }
    if (!have_watch)
        return show_once(host);

    for (unsigned round = 1; ; round++) {
        ret = show_once(host);
        if (ret)
            return ret;
        fflush(stdout);
        if (count && round >= count)
            return XL_NUMA_EXIT_OK;
        pause_for(watch);
        putchar('\n');
    }
}
