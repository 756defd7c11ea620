/* SPDX-License-Identifier: LGPL-2.1-only */
/* policy.c: placeholder, being written. */
#include "xlnuma_internal.h"
