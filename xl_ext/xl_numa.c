/* SPDX-License-Identifier: LGPL-2.1-only */
/* xl_numa.c: placeholder, being written. */
int main(void)
{
    return 1;
}
