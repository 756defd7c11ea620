#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# make check: docs/example, the program xlnuma(3) quotes, runs on the
# seed's DL980 and gives the nodes docs/placement.md works out (closest:
# the pair at distance 12 with the most free memory; its own "tightest"
# policy: packed's pair); and the man page's EXAMPLE section is
# docs/example.c, line for line.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
fail=0

out=$("$top_builddir/docs/example" \
      "$top_srcdir/examples/hosts/dl980-numactl.txt") || {
    echo "FAIL: docs/example exited $?"
    exit 1
}
want='closest: nodes 4-5
tightest: nodes 0,7'
if [ "$out" = "$want" ]; then
    echo "PASS: docs/example on the DL980"
else
    printf 'FAIL: docs/example printed\n%s\nexpected\n%s\n' "$out" "$want"
    fail=1
fi

# The EXAMPLE section's verbatim lines (indented by one space, blank
# lines kept) from the first to the last.
tmp=$(mktemp "${TMPDIR:-/tmp}/check-example.XXXXXX") || exit 99
trap 'rm -f "$tmp"' EXIT INT TERM
awk '/^=head1 EXAMPLE/ { on = 1; next }
     /^=head1/ { on = 0 }
     on' "$top_srcdir/docs/xlnuma.3.pod" |
    awk '/^ / { started = 1 }
         started { lines[++n] = $0; if ($0 ~ /^ /) last = n }
         END { for (i = 1; i <= last; i++) print lines[i] }' |
    sed 's/^ //' > "$tmp"
if cmp -s "$tmp" "$top_srcdir/docs/example.c"; then
    echo "PASS: xlnuma(3) EXAMPLE is docs/example.c"
else
    echo "FAIL: xlnuma(3) EXAMPLE differs from docs/example.c:"
    diff -u "$top_srcdir/docs/example.c" "$tmp" | sed 's/^/    /'
    fail=1
fi
exit $fail
