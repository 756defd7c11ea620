/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * fuzz_cli.h: what xl_ext/xl_numa.c gives the other files of the
 * command, for the harnesses that link some of them (fuzz_cli.c).
 */
#ifndef XLNUMA_FUZZ_CLI_H
#define XLNUMA_FUZZ_CLI_H

#include "xl_numa.h"

/* cli.ctx = fuzz_ctx(); forget the messages so far. */
void fuzz_cli_reset(void);
/* cli_err() calls since the reset, and the last message. */
unsigned fuzz_cli_errors(void);
const char *fuzz_cli_last(void);

#endif
