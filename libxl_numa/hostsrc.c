/* SPDX-License-Identifier: LGPL-2.1-only */
/* hostsrc.c: placeholder, being written. */
#include "xlnuma_internal.h"
