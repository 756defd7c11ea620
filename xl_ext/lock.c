/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * lock.c: the host-wide lock that serializes xl-numa create: decide and
 * create (or record) under it, so that two guests started at once never
 * read the same free memory.  The lock itself is preload/hostlock.c,
 * shared with the libxl interposer (libxlnuma-preload.so), so that
 * `xl-numa create' and `xl-numa xl create' (or libvirtd with the module)
 * exclude each other.  A lock file of our own, not xl's /var/lock/xl,
 * which xl create itself takes while we hold ours.  fcntl locks go away
 * with the process, so a crash never leaves it held.
 */
#include <string.h>

#include "hostlock.h"
#include "xl_numa.h"

const char *live_lock_path(void)
{
    return hostlock_path();
}

int lock_take(const char *path, int *fd_r)
{
    const char *step;
    int e;

    e = hostlock_take(path, -1, fd_r, NULL, &step);
    if (!e)
        return 0;
    if (!strcmp(step, "open"))
        cli_err("cannot open the lock file %s: %s", path, strerror(e));
    else
        cli_err("cannot lock %s: %s", path, strerror(e));
    return XL_NUMA_EXIT_ERROR;
}

void lock_release(int fd)
{
    hostlock_release(fd);
}
