/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * spawn.c: run xl as a child, each argument its own argv word: no shell,
 * so nothing in a config name or a value is ever interpreted.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xl_numa.h"

const char *xl_command(void)
{
    const char *xl = getenv("XLNUMA_XL");

    return xl && *xl ? xl : "xl";
}

int spawn_wait(char *const *argv, int out_fd)
{
    pid_t pid, r;
    int status;

    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid < 0) {
        cli_err("cannot run %s: fork: %s", argv[0], strerror(errno));
        return XL_NUMA_EXIT_XL;
    }
    if (pid == 0) {
        if (out_fd >= 0 && out_fd != STDOUT_FILENO) {
            if (dup2(out_fd, STDOUT_FILENO) < 0)
                _exit(127);
            /* Not our stdin or stderr (STDERR_FILENO is what create
             * passes): xl would run without one, and the next file it
             * opened would get its error messages. */
            if (out_fd > STDERR_FILENO)
                close(out_fd);
        }
        signal(SIGPIPE, SIG_DFL);
        execvp(argv[0], argv);
        fprintf(stderr, "xl-numa: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    do
        r = waitpid(pid, &status, 0);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        cli_err("waiting for %s: %s", argv[0], strerror(errno));
        return XL_NUMA_EXIT_XL;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return XL_NUMA_EXIT_XL;     /* the child said it could not run */
    fputs("xl-numa:", stderr);
    for (char *const *a = argv; *a; a++)
        fprintf(stderr, " %s", *a);
    if (WIFEXITED(status))
        fprintf(stderr, ": exited with status %d\n", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        fprintf(stderr, ": killed by signal %d\n", WTERMSIG(status));
    else
        fputs(": failed\n", stderr);
    return XL_NUMA_EXIT_XL;
}
