/* SPDX-License-Identifier: LGPL-2.1-only */
/* libxl_host.c: placeholder, being written. */
#include "xlnuma_internal.h"
