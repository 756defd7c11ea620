/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * hostlock.c: the host-wide placement lock (see hostlock.h).  Blocking
 * waits use F_SETLKW; bounded ones poll with F_SETLK, since a library
 * must not arm timer signals in its caller's process.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hostlock.h"

const char *hostlock_path(void)
{
    const char *p = getenv("XLNUMA_LOCK");
    struct stat st;

    if (p && *p)
        return p;
    if (stat("/var/lock", &st) && !stat("/run/lock", &st) &&
        S_ISDIR(st.st_mode))
        return "/run/lock/xl-numa.lock";
    return "/var/lock/xl-numa.lock";
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000,
                           .tv_nsec = (ms % 1000) * 1000000 };

    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/* The process holding a conflicting lock on fd, or 0. */
static pid_t holder_of(int fd)
{
    struct flock fl = {
        .l_type = F_WRLCK,
        .l_whence = SEEK_SET,
        .l_start = 0,
        .l_len = 0,
    };

    if (fcntl(fd, F_GETLK, &fl) || fl.l_type == F_UNLCK)
        return 0;
    return fl.l_pid > 0 ? fl.l_pid : 0;
}

int hostlock_take(const char *path, long wait_ms, int *fd_r,
                  pid_t *holder_r, const char **step_r)
{
    struct flock fl = {
        .l_type = F_WRLCK,
        .l_whence = SEEK_SET,
        .l_start = 0,
        .l_len = 0,
    };
    long deadline = 0, pause = 10;
    int fd, e;

    if (holder_r)
        *holder_r = 0;
    if (step_r)
        *step_r = "open";
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return errno;
    if (step_r)
        *step_r = "lock";
    if (wait_ms < 0) {
        while (fcntl(fd, F_SETLKW, &fl) < 0) {
            if (errno == EINTR)
                continue;
            e = errno;
            close(fd);
            return e;
        }
        *fd_r = fd;
        return 0;
    }
    deadline = now_ms() + wait_ms;
    for (;;) {
        if (!fcntl(fd, F_SETLK, &fl)) {
            *fd_r = fd;
            return 0;
        }
        e = errno;
        if (e != EAGAIN && e != EACCES && e != EINTR) {
            close(fd);
            return e;
        }
        if (e != EINTR && now_ms() >= deadline) {
            if (holder_r)
                *holder_r = holder_of(fd);
            close(fd);
            return ETIMEDOUT;
        }
        sleep_ms(pause);
        if (pause < 200)
            pause *= 2;
    }
}

void hostlock_release(int fd)
{
    if (fd >= 0)
        close(fd);      /* drops the fcntl lock */
}
