/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cmd_capture.c: xl-numa capture -- record a host for later, offline use.
 *
 *   capture DIR                       xl's own views of the live host,
 *                                     one file per command, as
 *                                     xlnuma_host_load() reads them back
 *   capture [--host SRC] --state FILE any host as a JSON state file
 *
 * Each file is written to a temporary name in DIR, synced and renamed,
 * so a capture file is either complete or absent.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl_numa.h"

static const struct {
    const char *file;
    const char *args[3];
} captures[] = {
    { "xl-info-n.txt",         { "info", "-n", NULL } },
    { "xl-list-n.txt",         { "list", "-n", NULL } },
    { "xl-list-c.txt",         { "list", "-c", NULL } },
    { "xl-vcpu-list.txt",      { "vcpu-list", NULL, NULL } },
    { "xl-cpupool-list-c.txt", { "cpupool-list", "-c", NULL } },
};

static int capture_one(const char *dir, unsigned i)
{
    char *path = NULL, *tmp = NULL;
    char *argv[5];
    unsigned n = 0;
    int fd = -1, ret;

    if (asprintf(&path, "%s/%s", dir, captures[i].file) < 0 ||
        asprintf(&tmp, "%s/.%s.XXXXXX", dir, captures[i].file) < 0) {
        path = tmp = NULL;
        cli_err("out of memory");
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    fd = mkstemp(tmp);
    if (fd < 0) {
        cli_err("cannot create a file in %s: %s", dir, strerror(errno));
        free(tmp);
        tmp = NULL;
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    argv[n++] = (char *)xl_command();
    for (unsigned a = 0; captures[i].args[a]; a++)
        argv[n++] = (char *)captures[i].args[a];
    argv[n] = NULL;
    ret = spawn_wait(argv, fd);
    if (ret)
        goto out;
    if (fchmod(fd, 0644) || fsync(fd)) {
        cli_err("cannot write %s: %s", tmp, strerror(errno));
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    if (close(fd)) {
        fd = -1;
        cli_err("cannot write %s: %s", tmp, strerror(errno));
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path)) {
        cli_err("cannot rename %s to %s: %s", tmp, path, strerror(errno));
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    free(tmp);
    tmp = NULL;
    ret = 0;
 out:
    if (fd >= 0)
        close(fd);
    if (tmp)
        unlink(tmp);
    free(tmp);
    free(path);
    return ret;
}

static int capture_dir(const char *dir)
{
    xlnuma_host *h = NULL;
    int fd, rc, ret;

    if (mkdir(dir, 0755) && errno != EEXIST) {
        cli_err("cannot create %s: %s", dir, strerror(errno));
        return XL_NUMA_EXIT_ERROR;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(captures); i++) {
        ret = capture_one(dir, i);
        if (ret)
            return ret;
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }

    /* Read it back: a capture that does not parse is no capture. */
    rc = xlnuma_host_load(cli.ctx, dir, &h);
    if (rc) {
        cli_err("the capture in %s does not read back (%s)", dir,
                xlnuma_strerror(rc));
        return XL_NUMA_EXIT_ERROR;
    }
    printf("captured %s: %u node(s), %u pCPU(s), %u pool(s), %u "
           "domain(s)\n", dir, xlnuma_host_nr_nodes(h), xlnuma_host_nr_cpus(h),
           xlnuma_host_nr_pools(h), xlnuma_host_nr_domains(h));
    xlnuma_host_free(h);
    return 0;
}

static int capture_state(const char *host, const char *state)
{
    hostarg ha;
    int rc, ret;

    hostarg_init(&ha);
    ret = hostarg_resolve(host, &ha);
    if (ret)
        goto out;
    rc = xlnuma_host_save(cli.ctx, ha.host, state);
    if (rc) {
        cli_err("cannot write the state file %s (%s)", state,
                xlnuma_strerror(rc));
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    printf("saved %s as %s: %u node(s), %u pCPU(s), %u pool(s), %u "
           "domain(s)\n", ha.source, state, xlnuma_host_nr_nodes(ha.host),
           xlnuma_host_nr_cpus(ha.host), xlnuma_host_nr_pools(ha.host),
           xlnuma_host_nr_domains(ha.host));
    ret = 0;
 out:
    hostarg_dispose(&ha);
    return ret;
}

int main_capture(int argc, char **argv)
{
    static const struct option opts[] = {
        { "host",  required_argument, NULL, OPT_HOST },
        { "state", required_argument, NULL, OPT_STATE },
        { "help",  no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    const char *host = NULL, *state = NULL;
    int opt;

    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            help("capture", stdout);
            return XL_NUMA_EXIT_OK;
        case OPT_HOST:
            host = optarg;
            break;
        case OPT_STATE:
            state = optarg;
            break;
        default:
            cli_err("capture: see xl-numa help capture");
            return XL_NUMA_EXIT_ERROR;
        }
    }
    if (state) {
        if (optind < argc) {
            cli_err("capture: --state takes no directory (\"%s\")",
                    argv[optind]);
            return XL_NUMA_EXIT_ERROR;
        }
        return capture_state(host, state);
    }
    if (host) {
        cli_err("capture: --host goes with --state; a directory capture "
                "reads the live host through xl");
        return XL_NUMA_EXIT_ERROR;
    }
    if (optind + 1 != argc) {
        cli_err("capture: one directory is needed");
        return XL_NUMA_EXIT_ERROR;
    }
    return capture_dir(argv[optind]);
}
