/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * hostlock.h: the host-wide placement lock, shared by `xl-numa create'
 * (xl_ext/lock.c) and the libxl interposer (preload/session.c), so that
 * a guest placed by one never counts free memory that a guest being
 * created by the other is about to take.
 *
 * It is an fcntl write lock on a file of our own ($XLNUMA_LOCK, default
 * /var/lock/xl-numa.lock), not xl's /var/lock/xl.  fcntl locks belong to
 * a process and go away with it, so a crash never leaves one held.  They
 * do not serialise the threads of one process: a multi-threaded caller
 * (libvirtd) adds a mutex of its own around them.
 *
 * Functions return 0 or an errno value and print nothing: each caller
 * reports in its own way (cli_err, a xentoollog logger).
 */
#ifndef XLNUMA_HOSTLOCK_H
#define XLNUMA_HOSTLOCK_H

#include <sys/types.h>

/* $XLNUMA_LOCK when set and not empty, else /var/lock/xl-numa.lock, or
 * /run/lock/xl-numa.lock on a system with /run/lock and no /var/lock (a
 * minimal dom0).  Every user of the lock makes the same choice. */
const char *hostlock_path(void);

/*
 * Opens path (created with mode 0644 if needed, close-on-exec) and takes
 * its write lock.
 *   wait_ms < 0: block until the lock is ours;
 *   wait_ms >= 0: give up after about wait_ms milliseconds (0: one try)
 *                 with ETIMEDOUT.
 * On success *fd_r holds the lock until hostlock_release().  On failure
 * *step_r (may be NULL) says which step failed, "open" or "lock", and
 * *holder_r (may be NULL) is the process that held the lock when that is
 * known (ETIMEDOUT), else 0.
 */
int hostlock_take(const char *path, long wait_ms, int *fd_r,
                  pid_t *holder_r, const char **step_r);

/* Releases the lock (closing fd drops it); -1 is ok. */
void hostlock_release(int fd);

#endif /* XLNUMA_HOSTLOCK_H */
