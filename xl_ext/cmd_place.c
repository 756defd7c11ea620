/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cmd_place.c: xl-numa place -- decide where a guest goes and print the
 * decision with the xl config lines that enact it.  Changes nothing.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

int main_place(int argc, char **argv)
{
    static const struct option opts[] = {
        PLACEOPTS_LONG_OPTS,
        { "host",       required_argument, NULL, OPT_HOST },
        { "json",       no_argument,       NULL, OPT_JSON },
        { "need-memkb", required_argument, NULL, OPT_NEED_MEMKB },
        { "vcpus",      required_argument, NULL, OPT_VCPUS },
        { "pool",       required_argument, NULL, OPT_POOL },
        { "cpus",       required_argument, NULL, OPT_CPUS },
        { "help",       no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *host = NULL, *pool = NULL, *cpus = NULL;
    bool json = false, have_need = false, have_vcpus = false, raw;
    uint64_t need_kib = 0;
    unsigned vcpus = 0;
    placeopts po;
    guestcfg g;
    hostarg ha;
    decision d;
    int opt, ret;

    placeopts_init(&po);
    guestcfg_init(&g);
    hostarg_init(&ha);
    decision_init(&d);

    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        ret = placeopts_handle(&po, opt, optarg);
        if (ret == 0)
            continue;
        if (ret != 1)
            goto out;
        switch (opt) {
        case 'h':
            help("place", stdout);
            ret = XL_NUMA_EXIT_OK;
            goto out;
        case OPT_HOST:
            host = optarg;
            break;
        case OPT_JSON:
            json = true;
            break;
        case OPT_NEED_MEMKB:
            ret = parse_u64_arg("--need-memkb", optarg, UINT64_C(1) << 50,
                                &need_kib);
            if (ret)
                goto out;
            have_need = true;
            break;
        case OPT_VCPUS:
            ret = parse_uint_arg("--vcpus", optarg, 16384, &vcpus);
            if (ret)
                goto out;
            if (!vcpus) {
                cli_err("--vcpus: a guest has at least 1 vCPU");
                ret = XL_NUMA_EXIT_ERROR;
                goto out;
            }
            have_vcpus = true;
            break;
        case OPT_POOL:
            pool = optarg;
            break;
        case OPT_CPUS:
            cpus = optarg;
            break;
        default:
            cli_err("place: see xl-numa help place");
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
    }

    raw = have_need || have_vcpus || pool || cpus;
    if (raw) {
        if (!have_need || !have_vcpus) {
            cli_err("place: the raw form needs both --need-memkb and "
                    "--vcpus");
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
        if (optind < argc) {
            cli_err("place: the raw form takes no config (\"%s\")",
                    argv[optind]);
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
    } else {
        if (optind >= argc) {
            cli_err("place: a config file, or --need-memkb and --vcpus, "
                    "is needed");
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
        ret = guestcfg_read(argv[optind], argv + optind + 1,
                            (unsigned)(argc - optind - 1), &g);
        if (ret)
            goto out;
    }

    ret = hostarg_resolve(host, &ha);
    if (ret)
        goto out;
    if (raw)
        ret = decide_raw(ha.host, need_kib, vcpus, pool, cpus, &po, &d);
    else
        ret = decide_config(ha.host, &g, &po, &d);
    if (ret)
        goto out;

    if (json)
        ret = print_decision_json(stdout, ha.host, &d);
    else
        print_decision_text(stdout, ha.host, &d);
    if (!ret)
        ret = decision_exit(&d);
 out:
    decision_dispose(&d);
    hostarg_dispose(&ha);
    guestcfg_dispose(&g);
    return ret;
}
