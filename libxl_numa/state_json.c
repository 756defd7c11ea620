/* SPDX-License-Identifier: LGPL-2.1-only */
/* state_json.c: placeholder, being written. */
#include "xlnuma_internal.h"
