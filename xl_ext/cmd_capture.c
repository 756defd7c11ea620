/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * cmd_capture.c: xl-numa capture -- record a host for later, offline use.
 *
 *   capture DIR                       xl's own views of the live host,
 *                                     one file per command, as
 *                                     xlnuma_host_load() reads them back,
 *                                     and Xen's 'u' and 'H' dumps
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

/* Fill fd; 0 or an exit code (said). */
typedef int fill_fn(int fd, const char *tmp, const void *arg);

/* Write dir/file through a synced temporary filled by fill(), renamed
 * into place: the file is either whole or absent. */
static int write_atomic(const char *dir, const char *file, fill_fn *fill,
                        const void *arg)
{
    char *path = NULL, *tmp = NULL;
    int fd = -1, ret;

    if (asprintf(&path, "%s/%s", dir, file) < 0 ||
        asprintf(&tmp, "%s/.%s.XXXXXX", dir, file) < 0) {
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
    ret = fill(fd, tmp, arg);
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

/* fill_fn: the stdout of `xl' with capture i's arguments. */
static int fill_xl(int fd, const char *tmp, const void *arg)
{
    unsigned i = *(const unsigned *)arg, n = 0;
    char *argv[5];

    (void)tmp;
    argv[n++] = (char *)xl_command();
    for (unsigned a = 0; captures[i].args[a]; a++)
        argv[n++] = (char *)captures[i].args[a];
    argv[n] = NULL;
    return spawn_wait(argv, fd);
}

static int capture_one(const char *dir, unsigned i)
{
    return write_atomic(dir, captures[i].file, fill_xl, &i);
}

typedef struct {
    const char *buf;
    size_t len;
} buffer;

/* fill_fn: a buffer. */
static int fill_buf(int fd, const char *tmp, const void *arg)
{
    const buffer *b = arg;

    for (size_t done = 0; done < b->len; ) {
        ssize_t n = write(fd, b->buf + done, b->len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            cli_err("cannot write %s: %s", tmp, strerror(errno));
            return XL_NUMA_EXIT_ERROR;
        }
        done += (size_t)n;
    }
    return 0;
}

/* The output of `xl ARGS...' (stdout), read whole; NULL on failure (said
 * by spawn_wait or here). */
static char *xl_output(const char *dir, char *const *args)
{
    char *tmp = NULL, *buf = NULL;
    size_t len = 0, cap = 0;
    char *argv[4];
    unsigned n = 0;
    int fd;

    if (asprintf(&tmp, "%s/.xl-output.XXXXXX", dir) < 0)
        return NULL;
    fd = mkstemp(tmp);
    if (fd < 0) {
        cli_err("cannot create a file in %s: %s", dir, strerror(errno));
        free(tmp);
        return NULL;
    }
    unlink(tmp);
    free(tmp);
    argv[n++] = (char *)xl_command();
    for (; *args && n < ARRAY_SIZE(argv) - 1; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    if (spawn_wait(argv, fd) || lseek(fd, 0, SEEK_SET) < 0)
        goto fail;
    for (;;) {
        ssize_t r;

        if (len + 4096 + 1 > cap) {
            char *nb = realloc(buf, cap ? cap * 2 : 65536);

            if (!nb)
                goto fail;
            buf = nb;
            cap = cap ? cap * 2 : 65536;
        }
        r = read(fd, buf + len, cap - len - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            goto fail;
        if (!r)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    return buf;
 fail:
    close(fd);
    free(buf);
    return NULL;
}

static const char *line_end(const char *p)
{
    const char *nl = strchr(p, '\n');

    return nl ? nl + 1 : p + strlen(p);
}

static bool line_has(const char *p, const char *e, const char *s)
{
    size_t l = strlen(s);

    for (; p + l <= e; p++)
        if (!memcmp(p, s, l))
            return true;
    return false;
}

/* The lines of text from the last one holding `from' up to, without, the
 * next one holding `upto' (NULL: to the end); with all, every line
 * holding `from' instead.  *out_r is NULL when no line holds `from'. */
static int cut_lines(const char *text, const char *from, const char *upto,
                     bool all, char **out_r, size_t *len_r)
{
    const char *start = NULL, *end;
    char *o = NULL;
    size_t n = 0;

    for (const char *p = text; *p; p = line_end(p)) {
        const char *e = line_end(p);
        char *no;

        if (!line_has(p, e, from))
            continue;
        start = p;
        if (!all)
            continue;
        no = realloc(o, n + (size_t)(e - p) + 1);
        if (!no) {
            free(o);
            return XL_NUMA_EXIT_ERROR;
        }
        o = no;
        memcpy(o + n, p, (size_t)(e - p));
        n += (size_t)(e - p);
        o[n] = '\0';
    }
    if (!all && start) {
        for (end = line_end(start);
             *end && !(upto && line_has(end, line_end(end), upto));
             end = line_end(end))
            ;
        n = (size_t)(end - start);
        o = strndup(start, n);
        if (!o)
            return XL_NUMA_EXIT_ERROR;
    }
    *out_r = o;
    *len_r = n;
    return 0;
}

/* Xen's own view of memory (docs/placement.md, "Where the memory
 * lands"): `xl debug-keys uH', then `xl dmesg' (not cleared), cut into
 * the files xlnuma_host_load() reads: the last 'u' dump, the last 'H'
 * dump and the "Domain heap initialised DMA width" boot line.  They are
 * optional: a failure is a warning. */
static int capture_dumps(const char *dir)
{
    static const struct {
        const char *file, *from, *upto;
        bool all;
    } cuts[] = {
        { "xl-debug-keys-u.txt", "'u' pressed", "'H' pressed", false },
        { "xl-debug-keys-H.txt", "'H' pressed", "'u' pressed", false },
        { "xl-dmesg-dma.txt", "Domain heap initialised", NULL, true },
    };
    char *keys[] = { (char *)"debug-keys", (char *)"uH", NULL };
    char *dmesg[] = { (char *)"dmesg", NULL };
    char *argv[4], *ring = NULL;
    int ret = 0;

    argv[0] = (char *)xl_command();
    argv[1] = keys[0];
    argv[2] = keys[1];
    argv[3] = NULL;
    if (spawn_wait(argv, STDERR_FILENO)) {
        cli_err("capture: warning: without Xen's 'u' and 'H' dumps");
        return 0;
    }
    ring = xl_output(dir, dmesg);
    if (!ring) {
        cli_err("capture: warning: `xl dmesg' failed; without Xen's 'u' "
                "and 'H' dumps");
        return 0;
    }
    for (unsigned i = 0; i < ARRAY_SIZE(cuts) && !ret; i++) {
        char *text = NULL;
        size_t len;

        ret = cut_lines(ring, cuts[i].from, cuts[i].upto, cuts[i].all,
                        &text, &len);
        if (ret)
            cli_err("out of memory");
        else if (!text)
            cli_err("capture: warning: `xl dmesg' has no line with \"%s\"; "
                    "%s not written", cuts[i].from, cuts[i].file);
        else {
            buffer bf = { text, len };

            ret = write_atomic(dir, cuts[i].file, fill_buf, &bf);
        }
        free(text);
    }
    free(ring);
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
    ret = capture_dumps(dir);
    if (ret)
        return ret;
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
    char *lock_path = NULL;
    int lock_fd = -1;
    hostarg ha;
    int rc, ret;

    hostarg_init(&ha);
    ret = hostarg_resolve(host, &ha);
    if (ret)
        goto out;
    /* Under STATE.lock, as create and destroy change the file: a create
     * in flight would otherwise save its copy of the old file over this
     * one, or remove our temporary file as a stale one (staterec.c). */
    if (asprintf(&lock_path, "%s.lock", state) < 0) {
        lock_path = NULL;
        cli_err("out of memory");
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    ret = lock_take(lock_path, &lock_fd);
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
    lock_release(lock_fd);
    free(lock_path);
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
