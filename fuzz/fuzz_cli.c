/* SPDX-License-Identifier: LGPL-2.1-only */
/* fuzz_cli.c: what xl_ext/xl_numa.c defines for the command's other
 * files (cli, cli_err, help), for the harnesses that link them. */
#include <stdarg.h>

#include "fuzz.h"
#include "fuzz_cli.h"

struct cli cli;
static unsigned nr_errors;
static char last[1024];

void cli_err(const char *fmt, ...)
{
    va_list ap;

    /* Format every message: a bad argument shows up under ASan. */
    va_start(ap, fmt);
    vsnprintf(last, sizeof(last), fmt, ap);
    va_end(ap);
    nr_errors++;
}

void help(const char *verb, FILE *f)
{
}

void fuzz_cli_reset(void)
{
    cli.ctx = fuzz_ctx();
    fuzz_log_reset();
    nr_errors = 0;
    last[0] = '\0';
}

unsigned fuzz_cli_errors(void)
{
    return nr_errors;
}

const char *fuzz_cli_last(void)
{
    return last;
}
