/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * hostsrc.c: hosts from files, and the state file written atomically.
 *
 * xlnuma_host_load() takes
 *  - a capture directory, files by fixed names:
 *      xl-info-n.txt          xl info -n (required)
 *      xl-list-n.txt          xl list -n
 *      xl-list-c.txt          xl list -c
 *      xl-vcpu-list.txt       xl vcpu-list
 *      xl-cpupool-list-c.txt  xl cpupool-list -c
 *      xl-cpupool-list.txt    xl cpupool-list (adds schedulers; read after
 *                             the -c table)
 *      xl-debug-keys-u.txt    Xen's 'u' dump (xl debug-keys u; xl dmesg)
 *      xl-debug-keys-H.txt    Xen's 'H' dump
 *      xl-dmesg-dma.txt       Xen's "Domain heap initialised DMA width N
 *                             bits" boot line (read with the 'H' dump)
 *  - a JSON state file (first non-blank character '{'),
 *  - hwloc 2.x XML (starts with "<?xml" or "<topology"),
 *  - `numactl -H' output (starts with "available:"),
 *  - `xl info -n' output alone (it has a numa_info table).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xlnuma_internal.h"

static const struct {
    const char *file;
    size_t off;
} capture_files[] = {
    { "xl-info-n.txt", offsetof(xlnuma_xl_texts, info_n) },
    { "xl-list-n.txt", offsetof(xlnuma_xl_texts, list_n) },
    { "xl-list-c.txt", offsetof(xlnuma_xl_texts, list_c) },
    { "xl-vcpu-list.txt", offsetof(xlnuma_xl_texts, vcpu_list) },
    { "xl-cpupool-list-c.txt", offsetof(xlnuma_xl_texts, cpupool_list_c) },
    { "xl-debug-keys-u.txt", offsetof(xlnuma_xl_texts, debug_keys_u) },
    { "xl-debug-keys-H.txt", offsetof(xlnuma_xl_texts, debug_keys_h) },
};

/* Extra files appended to a text of the table above. */
static const struct {
    const char *file;
    size_t off;
} capture_extras[] = {
    { "xl-cpupool-list.txt", offsetof(xlnuma_xl_texts, cpupool_list_c) },
    { "xl-dmesg-dma.txt", offsetof(xlnuma_xl_texts, debug_keys_h) },
};

static char *path_join(const char *dir, const char *file)
{
    size_t n = strlen(dir) + strlen(file) + 2;
    char *p = malloc(n);

    if (p)
        snprintf(p, n, "%s/%s", dir, file);
    return p;
}

/* Read dir/file into *text_r; NULL (rc 0) when the file does not exist. */
static int read_optional(xlnuma_ctx *ctx, const char *dir, const char *file,
                         char **text_r)
{
    char *path = path_join(dir, file);
    struct stat st;
    int rc;

    *text_r = NULL;
    if (!path)
        return XLNUMA_ERROR_NOMEM;
    if (stat(path, &st) < 0) {
        if (errno == ENOENT) {
            rc = 0;
        } else {
            LOGE(ERROR, "cannot stat %s", path);
            rc = XLNUMA_ERROR_IO;
        }
        goto out;
    }
    rc = xlnuma__read_file(ctx, path, text_r, NULL);
 out:
    free(path);
    return rc;
}

static int append_text(char **a, const char *b)
{
    size_t la = strlen(*a), lb = strlen(b);
    char *n = realloc(*a, la + lb + 2);

    if (!n)
        return XLNUMA_ERROR_NOMEM;
    if (la && n[la - 1] != '\n')
        n[la++] = '\n';
    memcpy(n + la, b, lb + 1);
    *a = n;
    return 0;
}

/* Append " name" to a list of file names (both lists are 512 bytes,
 * more than the names above need). */
static void add_name(char *list, size_t size, const char *name)
{
    size_t l = strlen(list);

    snprintf(list + l, size - l, " %s", name);
}

static int load_dir(xlnuma_ctx *ctx, const char *dir, xlnuma_host **host_r)
{
    char *texts[ARRAY_SIZE(capture_files)] = { NULL };
    char read_list[512] = "", absent[512] = "";
    xlnuma_xl_texts t;
    int rc;

    memset(&t, 0, sizeof(t));
    for (unsigned i = 0; i < ARRAY_SIZE(capture_files); i++) {
        rc = read_optional(ctx, dir, capture_files[i].file, &texts[i]);
        if (rc)
            goto out;
        if (!texts[i] && i == 0) {
            LOG(ERROR, "%s: no xl-info-n.txt; a capture directory needs at "
                "least `xl info -n'", dir);
            rc = XLNUMA_ERROR_NOTFOUND;
            goto out;
        }
        add_name(texts[i] ? read_list : absent, sizeof(read_list),
                 capture_files[i].file);
    }
    for (unsigned i = 0; i < ARRAY_SIZE(capture_extras); i++) {
        char *extra = NULL;
        unsigned j;

        rc = read_optional(ctx, dir, capture_extras[i].file, &extra);
        if (rc)
            goto out;
        if (!extra)
            continue;
        for (j = 0; capture_files[j].off != capture_extras[i].off; j++)
            ;
        if (!texts[j] && capture_extras[i].off ==
            offsetof(xlnuma_xl_texts, cpupool_list_c)) {
            LOG(WARN, "%s: %s ignored: it lists no cpus without "
                "xl-cpupool-list-c.txt", dir, capture_extras[i].file);
            free(extra);
            continue;
        }
        add_name(read_list, sizeof(read_list), capture_extras[i].file);
        if (!texts[j]) {
            texts[j] = extra;
            continue;
        }
        rc = append_text(&texts[j], extra);
        free(extra);
        if (rc)
            goto out;
    }
    LOG(DETAIL, "%s: read%s%s%s", dir, read_list,
        absent[0] ? "; absent:" : "", absent);
    for (unsigned i = 0; i < ARRAY_SIZE(capture_files); i++)
        *(const char **)((char *)&t + capture_files[i].off) = texts[i];
    rc = xlnuma_host_from_xl_texts(ctx, &t, host_r);
 out:
    for (unsigned i = 0; i < ARRAY_SIZE(capture_files); i++)
        free(texts[i]);
    return rc;
}

int xlnuma_host_load(xlnuma_ctx *ctx, const char *path, xlnuma_host **host_r)
{
    char *text = NULL;
    const char *s;
    struct stat st;
    int rc;

    if (!path || !host_r) {
        LOG(ERROR, "no host path");
        return XLNUMA_ERROR_INVAL;
    }
    if (stat(path, &st) < 0) {
        rc = errno == ENOENT ? XLNUMA_ERROR_NOTFOUND : XLNUMA_ERROR_IO;
        LOGE(ERROR, "cannot read host %s", path);
        return rc;
    }
    if (S_ISDIR(st.st_mode))
        return load_dir(ctx, path, host_r);
    rc = xlnuma__read_file(ctx, path, &text, NULL);
    if (rc)
        return rc;
    s = text;
    if (!strncmp(s, "\xef\xbb\xbf", 3))
        s += 3;                 /* a UTF-8 byte order mark */
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (*s == '{') {
        LOG(DETAIL, "%s: a JSON state file", path);
        rc = xlnuma_host_from_json(ctx, text, host_r);
    } else if (!strncmp(s, "<?xml", 5) || !strncmp(s, "<topology", 9)) {
        LOG(DETAIL, "%s: hwloc XML", path);
        rc = xlnuma_host_from_hwloc(ctx, text, host_r);
    } else if (!strncmp(s, "available:", 10) ||
               !strncmp(s, "No NUMA available", 17)) {
        LOG(DETAIL, "%s: numactl -H output", path);
        rc = xlnuma_host_from_numactl(ctx, text, host_r);
    } else if (strstr(text, "\nnuma_info") && strstr(text, "\ncpu_topology")) {
        xlnuma_xl_texts t;

        LOG(DETAIL, "%s: xl info -n output alone", path);
        memset(&t, 0, sizeof(t));
        t.info_n = text;
        rc = xlnuma_host_from_xl_texts(ctx, &t, host_r);
    } else {
        LOG(ERROR, "%s: unknown format; a host is a capture directory (with "
            "xl-info-n.txt), a JSON state file, `numactl -H' output, "
            "`xl info -n' output or hwloc XML", path);
        rc = XLNUMA_ERROR_PARSE;
    }
    free(text);
    return rc;
}

/* ---- save ---- */

static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int xlnuma_host_save(xlnuma_ctx *ctx, const xlnuma_host *h, const char *path)
{
    char *json = NULL, *tmp = NULL, *dir = NULL, *slash;
    const char *base;
    struct stat st;
    mode_t mode = 0644;
    int fd = -1, dfd = -1, rc;
    size_t n;

    if (!h || !path || !*path) {
        LOG(ERROR, "no state file path");
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    rc = xlnuma_host_to_json(ctx, h, &json);
    if (rc)
        goto out;
    dir = strdup(path);
    if (!dir) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    slash = strrchr(dir, '/');
    if (slash) {
        base = path + (slash - dir) + 1;
        if (slash == dir)
            slash[1] = '\0';    /* "/file": the root directory */
        else
            *slash = '\0';
    } else {
        base = path;
        strcpy(dir, ".");
    }
    if (!*base) {
        LOG(ERROR, "%s: a state file path must name a file", path);
        rc = XLNUMA_ERROR_INVAL;
        goto out;
    }
    n = strlen(dir) + strlen(base) + 16;
    tmp = malloc(n);
    if (!tmp) {
        rc = XLNUMA_ERROR_NOMEM;
        goto out;
    }
    snprintf(tmp, n, "%s/.%s.XXXXXX", dir, base);
    /* Keep the permissions of the file we replace. */
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        mode = st.st_mode & 07777;
    fd = mkstemp(tmp);
    if (fd < 0) {
        LOGE(ERROR, "cannot create a temporary file in %s", dir);
        free(tmp);
        tmp = NULL;
        rc = XLNUMA_ERROR_IO;
        goto out;
    }
    if (fchmod(fd, mode) < 0) {
        LOGE(ERROR, "cannot set the mode of %s", tmp);
        rc = XLNUMA_ERROR_IO;
        goto out;
    }
    if (write_all(fd, json, strlen(json)) < 0) {
        LOGE(ERROR, "cannot write %s", tmp);
        rc = XLNUMA_ERROR_IO;
        goto out;
    }
    if (fsync(fd) < 0) {
        LOGE(ERROR, "cannot sync %s", tmp);
        rc = XLNUMA_ERROR_IO;
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        LOGE(ERROR, "cannot close %s", tmp);
        rc = XLNUMA_ERROR_IO;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        LOGE(ERROR, "cannot rename %s to %s", tmp, path);
        rc = XLNUMA_ERROR_IO;
        goto out;
    }
    free(tmp);
    tmp = NULL;                 /* it is the state file now */
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || (fsync(dfd) < 0 && errno != EINVAL)) {
        LOGE(ERROR, "%s was replaced, but syncing directory %s failed", path,
             dir);
        rc = XLNUMA_ERROR_IO;
        goto out;
    }
    LOG(DETAIL, "wrote %s", path);
    rc = 0;
 out:
    if (fd >= 0)
        close(fd);
    if (dfd >= 0)
        close(dfd);
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    free(dir);
    free(json);
    return rc;
}
