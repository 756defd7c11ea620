/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cmd_destroy.c: xl-numa destroy NAME --host STATE -- remove a guest
 * recorded in a JSON state file and give its memory back to the nodes it
 * came from, under the same lock as create.  Live domains are destroyed
 * with xl destroy.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "xl_numa.h"

int main_destroy(int argc, char **argv)
{
    static const struct option opts[] = {
        { "host", required_argument, NULL, OPT_HOST },
        { "help", no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *host = NULL, *name;
    char *lock_path = NULL;
    int lock_fd = -1, opt, ret;
    hostarg ha;

    hostarg_init(&ha);
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            help("destroy", stdout);
            return XL_NUMA_EXIT_OK;
        case OPT_HOST:
            host = optarg;
            break;
        default:
            cli_err("destroy: see xl-numa help destroy");
            return XL_NUMA_EXIT_ERROR;
        }
    }
    if (optind + 1 != argc) {
        cli_err("destroy: one domain name is needed");
        return XL_NUMA_EXIT_ERROR;
    }
    name = argv[optind];
    if (!host || !strcmp(host, "live") || !path_is_json_state(host)) {
        cli_err("destroy: --host must name a JSON state file%s%s%s (live "
                "domains go with xl destroy)", host ? "; " : "",
                host ? host : "", host ? " is not one" : "");
        return XL_NUMA_EXIT_ERROR;
    }
    if (asprintf(&lock_path, "%s.lock", host) < 0) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    ret = lock_take(lock_path, &lock_fd);
    if (ret)
        goto out;
    ret = hostarg_resolve(host, &ha);
    if (ret)
        goto out;
    ret = state_remove(ha.host, ha.source, name);
    if (!ret)
        printf("destroyed:  %s, its memory given back in %s\n", name,
               ha.source);
 out:
    lock_release(lock_fd);
    free(lock_path);
    hostarg_dispose(&ha);
    return ret;
}
