/* SPDX-License-Identifier: LGPL-2.1-only */
/* placement.c: placeholder, being written. */
#include "xlnuma_internal.h"
