/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cmd_info.c: xl-numa info -- a host as the placement sees it: nodes with
 * their pCPUs, memory, runnable vCPUs and distances; pools; domains.
 */
#include <getopt.h>

#include "xl_numa.h"

int main_info(int argc, char **argv)
{
    static const struct option opts[] = {
        { "host", required_argument, NULL, OPT_HOST },
        { "json", no_argument,       NULL, OPT_JSON },
        { "help", no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *host = NULL;
    bool json = false;
    hostarg ha;
    int opt, ret;

    hostarg_init(&ha);
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            help("info", stdout);
            ret = XL_NUMA_EXIT_OK;
            goto out;
        case OPT_HOST:
            host = optarg;
            break;
        case OPT_JSON:
            json = true;
            break;
        default:
            cli_err("info: see xl-numa help info");
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
    }
    if (optind < argc) {
        cli_err("info: unexpected argument \"%s\"", argv[optind]);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    ret = hostarg_resolve(host, &ha);
    if (ret)
        goto out;
    if (json)
        ret = print_info_json(stdout, ha.source, ha.host);
    else
        ret = print_info_text(stdout, ha.source, ha.host);
 out:
    hostarg_dispose(&ha);
    return ret;
}
