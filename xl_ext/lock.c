/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * lock.c: the host-wide lock that serializes xl-numa create: decide and
 * create (or record) under it, so that two guests started at once never
 * read the same free memory.  A lock file of our own, not xl's
 * /var/lock/xl, which xl create itself takes while we hold ours.  fcntl
 * locks go away with the process, so a crash never leaves it held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xl_numa.h"

const char *live_lock_path(void)
{
    const char *p = getenv("XLNUMA_LOCK");
    struct stat st;

    if (p && *p)
        return p;
    /* A minimal dom0 (an initramfs) may have /run/lock and no /var/lock;
     * every xl-numa makes the same choice, so they still agree. */
    if (stat("/var/lock", &st) && !stat("/run/lock", &st) &&
        S_ISDIR(st.st_mode))
        return "/run/lock/xl-numa.lock";
    return "/var/lock/xl-numa.lock";
}

int lock_take(const char *path, int *fd_r)
{
    struct flock fl = {
        .l_type = F_WRLCK,
        .l_whence = SEEK_SET,
        .l_start = 0,
        .l_len = 0,
    };
    int fd;

    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        cli_err("cannot open the lock file %s: %s", path, strerror(errno));
        return XL_NUMA_EXIT_ERROR;
    }
    while (fcntl(fd, F_SETLKW, &fl) < 0) {
        if (errno == EINTR)
            continue;
        cli_err("cannot lock %s: %s", path, strerror(errno));
        close(fd);
        return XL_NUMA_EXIT_ERROR;
    }
    *fd_r = fd;
    return 0;
}

void lock_release(int fd)
{
    if (fd >= 0)
        close(fd);      /* drops the fcntl lock */
}
