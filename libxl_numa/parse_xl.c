/* SPDX-License-Identifier: LGPL-2.1-only */
/* parse_xl.c: placeholder, being written. */
#include "xlnuma_internal.h"
