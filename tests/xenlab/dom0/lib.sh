# SPDX-License-Identifier: LGPL-2.1-only
#
# xenlab dom0 helpers, sourced by /init and by every scenario (busybox sh).
#
# Conventions: node and cpu sets are passed around canonical, as sorted
# space-separated numbers ("0 1 3").  Raw command output is printed as is
# so that a failing scenario's section on the console tells the story.

XENLAB_RUN=/run/xenlab
XENLAB_CFG=/etc/xen/xenlab
: "${XENLAB_SCENARIO:=unknown}"
FAILS=

# ------------------------------------------------------------ verdicts

# result PASS|FAIL detail...: the one line the host judges a scenario by.
result() {
    local st=$1
    shift
    echo "XENLAB-RESULT name=$XENLAB_SCENARIO $st $*" | sed 's/ *$//'
    : > "$XENLAB_RUN/result.$XENLAB_SCENARIO"
}

ok()  { echo "XENLAB-CHECK ok: $*"; }
bad() { echo "XENLAB-CHECK FAIL: $*"; FAILS="${FAILS:+$FAILS; }$*"; }

# finish detail...: PASS with detail unless bad() was called.
finish() {
    if [ -z "$FAILS" ]; then result PASS "$*"; else result FAIL "$FAILS"; fi
}

# Give up on the scenario now.
abort() { bad "$*"; finish; exit 0; }

need_xlnuma() {
    command -v xl-numa >/dev/null 2>&1 ||
        abort "xl-numa not built (XL_NUMA unset or missing on the host)"
}

say() { echo "== $*"; }

# dom0 uptime in seconds, to time steps from the console log.
now() { cut -d' ' -f1 /proc/uptime; }

# show CMD...: print the command, then run it with its output.
show() {
    echo "+ [$(now)s] $*"
    "$@"
}

# ------------------------------------------------------------ sets

# Every fork+exec costs a PV dom0 many page-table hypercalls, slow under
# TCG (seconds on a busy host): the helpers below are one awk each.

# awk: emit(a, n) prints a[1..n] sorted numerically, without duplicates.
SET_AWK='
function emit(a, n,    i, j, t, out) {
    for (i = 2; i <= n; i++) {
        t = a[i]
        for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]
        a[j + 1] = t
    }
    out = ""
    for (i = 1; i <= n; i++)
        if (i == 1 || a[i] != a[i - 1]) out = out (out == "" ? "" : " ") a[i]
    print out
}'

# canon: numbers from stdin (any of " ,\n" separated) -> "0 1 3"
canon() {
    awk "$SET_AWK"'
        { gsub(/,/, " "); for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) a[++n] = $i + 0 }
        END { emit(a, n) }'
}

# expand RANGE MAX: xl's "0-1,3" or "all" (0..MAX-1) -> "0 1 3"
expand() {
    awk -v r="$1" -v max="$2" "$SET_AWK"'
        BEGIN {
            if (r == "all") {
                for (i = 0; i < max; i++) a[++n] = i
            } else if (r != "none" && r != "") {
                m = split(r, part, ",")
                for (k = 1; k <= m; k++)
                    if (split(part[k], b, "-") == 2)
                        for (i = b[1] + 0; i <= b[2] + 0; i++) a[++n] = i
                    else
                        a[++n] = part[k] + 0
            }
            emit(a, n)
        }'
}

# subset A B: every member of set A is in set B
subset() {
    local x
    for x in $1; do
        case " $2 " in *" $x "*) ;; *) return 1 ;; esac
    done
    return 0
}

# ------------------------------------------------------------ host facts

host_info() { xl info -n > "$XENLAB_RUN/xl-info-n.txt" 2>&1; }

nr_nodes() { awk '$1 == "nr_nodes" { print $3 }' "$XENLAB_RUN/xl-info-n.txt"; }
nr_cpus()  { awk '$1 == "nr_cpus" { print $3 }' "$XENLAB_RUN/xl-info-n.txt"; }

# cpus_of_nodes "NODES" -> the cpus of those nodes, from xl info -n
cpus_of_nodes() {
    awk -v set=" $1 " '
        /^cpu_topology/ { on = 1; next }
        /^device topology|^numa_info/ { on = 0 }
        on && $1 ~ /^[0-9]+:$/ {
            c = $1; sub(":", "", c)
            if (index(set, " " $4 " ")) print c
        }' "$XENLAB_RUN/xl-info-n.txt" | canon
}

# node_free_mb NODE -> memfree (MiB) of NODE from a fresh xl info -n
node_free_mb() {
    xl info -n | awk -v n="$1" '
        /^numa_info/ { on = 1; next }
        on && $1 == n ":" { print $3; exit }'
}

# ------------------------------------------------------------ configs

# mkcfg NAME [KEY=VALUE...]: write $XENLAB_RUN/NAME.cfg from base.cfg, the
# given settings replacing the base's (values in xl config syntax, e.g.
# 'cpus="nodes:1"').  Prints the config's path.
mkcfg() {
    local name=$1 f=$XENLAB_RUN/$1.cfg kv
    shift
    {
        echo "name = \"$name\""
        awk -v keys=" $(for kv in "$@"; do printf '%s ' "${kv%%=*}"; done)" '
            { k = $1; sub(/=.*/, "", k) }
            !index(keys, " " k " ")' "$XENLAB_CFG/base.cfg"
        for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done
    } > "$f"
    echo "$f"
}

# ------------------------------------------------------------ domains

domid() { xl domid "$1" 2>/dev/null; }

# xl_create NAME [xl create options]: plain `xl -vvv create` of NAME.cfg,
# full log in $XENLAB_RUN/create-NAME.log; prints libxl's placement lines
# (or the log's tail on failure) and returns xl's exit code.
xl_create() {
    local name=$1 rc
    shift
    echo "+ [$(now)s] xl -vvv create $* $XENLAB_RUN/$name.cfg"
    xl -vvv create "$@" "$XENLAB_RUN/$name.cfg" > "$XENLAB_RUN/create-$name.log" 2>&1
    rc=$?
    if [ $rc = 0 ]; then
        grep -i -E 'numa|placement|candidate' "$XENLAB_RUN/create-$name.log"
    else
        tail -n 30 "$XENLAB_RUN/create-$name.log"
    fi
    echo "xl create $name: rc=$rc [$(now)s]"
    return $rc
}

# node_affinity NAME -> canonical node set from `xl list -n`
node_affinity() {
    expand "$(xl list -n "$1" | awk 'NR == 2 { print $NF }')" "$(nr_nodes)"
}

# vcpu_affinity NAME hard|soft -> canonical cpu set, if all vCPUs agree
# (otherwise "mixed").
vcpu_affinity() {
    local col=7 sets
    [ "$2" = soft ] && col=9
    sets=$(xl vcpu-list "$1" | awk -v c=$col 'NR > 1 { print $c }' | sort -u)
    if [ "$(echo "$sets" | wc -l)" != 1 ]; then echo mixed; return; fi
    expand "$sets" "$(nr_cpus)"
}

# Destroy every guest, in parallel: under TCG Xen takes 1-3 s to take
# back each guest's memory, and the hypercalls run on dom0's vCPUs.
destroy_all() {
    local d
    for d in $(xl list | awk 'NR > 2 { print $1 }'); do
        xl destroy "$d" || echo "xl destroy $d failed" &
    done
    wait
}

# Back to the boot state between scenarios: no guests, all cpus in Pool-0.
reset_host() {
    local p c pool0
    destroy_all
    for p in $(xl cpupool-list | awk 'NR > 1 && $1 != "Pool-0" { print $1 }'); do
        xl cpupool-destroy "$p" || echo "xl cpupool-destroy $p failed"
    done
    pool0=$(expand "$(xl cpupool-list -c Pool-0 | awk 'NR == 2 { print $2 }')" "$(nr_cpus)")
    for c in $(expand all "$(nr_cpus)"); do
        subset "$c" "$pool0" || xl cpupool-cpu-add Pool-0 "$c" ||
            echo "xl cpupool-cpu-add Pool-0 $c failed"
    done
}

# wait_guest_up NAME SECONDS: until the guest's init reports on its console.
wait_guest_up() {
    local i=0 log=/var/log/xen/console/guest-$1.log
    until grep -q GUEST-UP "$log" 2>/dev/null; do
        i=$((i + 1))
        [ $i -gt "$2" ] && { echo "guest $1: no GUEST-UP after $2s"; return 1; }
        sleep 1
    done
    grep GUEST-UP "$log"
}

# ------------------------------------------------------------ Xen's view

# xen_keys KEY FILE: run `xl debug-keys KEY` and store what Xen printed,
# read back from its console ring with `xl dmesg -c` (cleared first).
# The handlers of u and H print before the hypercall returns.
xen_keys() {
    local i=0
    xl dmesg -c > /dev/null
    xl debug-keys "$1"
    : > "$2"
    while [ $i -lt 10 ]; do
        xl dmesg -c >> "$2"
        [ -s "$2" ] && break
        sleep 1
        i=$((i + 1))
    done
}

# dma_bits: Xen's DMA width, from its boot messages
dma_bits() {
    sed -n 's/.*DMA width \([0-9]*\) bits.*/\1/p' "$XENLAB_RUN/xen-boot-dmesg.txt" | head -n 1
}

# free_above_dma: "node MiB" lines, each node's free memory above the DMA
# width (debug key H; zone Z holds the pages whose frame number has Z
# bits, so the DMA zones are Z <= width - 12).  Xen fills a PV guest from
# this memory on any node before it uses the DMA zone of the guest's own.
free_above_dma() {
    local w
    w=$(dma_bits)
    xen_keys H "$XENLAB_RUN/heap.txt"
    awk -v w="${w:-32}" '
        match($0, /heap\[node=[0-9]+\]\[zone=[0-9]+\] -> [0-9]+ pages/) {
            split(substr($0, RSTART, RLENGTH), f, /[^0-9]+/)
            if (f[3] > w - 12) free[f[2]] += f[4]
            seen[f[2]] = 1
        }
        END { for (n in seen) printf "%d %d\n", n, free[n] / 256 }' \
        "$XENLAB_RUN/heap.txt" | sort -n
}

# pages_dump: per-domain pages per node (debug key u) into pages.txt
pages_dump() { xen_keys u "$XENLAB_RUN/pages.txt"; }

# pages_of DOMID -> "node pages" lines from the last pages_dump
pages_of() {
    awk -v d="$1" '
        /Domain [0-9]+ \(total/ { cur = $0; sub(/.*Domain /, "", cur); sub(/ .*/, "", cur); next }
        /Node [0-9]+:/ && cur == d {
            s = $0; sub(/.*Node /, "", s); split(s, a, ":"); print a[1], a[2] + 0
        }' "$XENLAB_RUN/pages.txt"
}

# pages_on DOMID "NODES" -> "on total percent" (percent rounded down)
pages_on() {
    pages_of "$1" | awk -v set=" $2 " '
        { t += $2; if (index(set, " " $1 " ")) o += $2 }
        END { printf "%d %d %d\n", o, t, t ? int(o * 100 / t) : 0 }'
}

# report_pages NAME: print where NAME's memory is, from the last pages_dump
report_pages() {
    local id
    id=$(domid "$1")
    echo "pages $1 (domid ${id:-?}): $(pages_of "$id" | awk '{ printf "node%s=%s ", $1, $2 }')"
}

# check_memory_on NAME "NODES" [MIN_PERCENT]: bad() unless at least
# MIN_PERCENT (default 99) of NAME's pages are on NODES (pages_dump first).
check_memory_on() {
    local min=${3:-99} id r on total
    id=$(domid "$1")
    [ -n "$id" ] || { bad "$1: no such domain"; return 1; }
    r=$(pages_on "$id" "$2")
    set -- "$1" "$2" $r
    on=$3 total=$4
    if [ "$total" -gt 0 ] && [ $((on * 100)) -ge $((min * total)) ]; then
        ok "$1: $on of $total pages ($5%) on node(s) $2"
    else
        bad "$1: only $on of $total pages ($5%) on node(s) $2"
        return 1
    fi
}

# ------------------------------------------------------------ JSON
#
# dom0 has no jq.  xl-numa's JSON puts its top-level keys last (after any
# nested objects that reuse a name), one line or pretty printed; these read
# the LAST "KEY": value of a file, which is the top-level one.

# awk: val(s, k) is the raw text of the last value of key k in s: an array
# (up to its first "]"), a string (quotes and escapes kept) or a scalar.
JSON_AWK='
function val(s, k,    re, off, start, t, c, i, n, q) {
    re = "\"" k "\"[ \t\r\n]*:[ \t\r\n]*"
    off = 0; start = 0; t = s
    while (match(t, re)) {
        start = off + RSTART + RLENGTH
        off = start - 1
        t = substr(s, start)
    }
    if (!start) return ""
    c = substr(t, 1, 1)
    if (c == "[") return substr(t, 1, index(t, "]"))
    if (c == "\"") {
        n = length(t)
        for (i = 2; i <= n; i++) {
            q = substr(t, i, 1)
            if (q == "\\") i++
            else if (q == "\"") return substr(t, 1, i)
        }
        return t
    }
    match(t, /^[^],} \t\r\n]*/)
    return substr(t, 1, RLENGTH)
}
function unquote(v) {
    sub(/^"/, "", v); sub(/"$/, "", v)
    gsub(/\\"/, "\"", v); gsub(/\\\\/, "\\", v)
    return v
}'
JSON_RS=$(printf '\001')           # no such byte: a whole file is one record

# json_raw FILE KEY -> the value as written (arrays on one line)
json_raw() {
    awk -v RS="$JSON_RS" -v k="$2" "$JSON_AWK"'
        { v = val($0, k); gsub(/[\t\r\n]/, " ", v); gsub(/  +/, " ", v); print v }' "$1"
}

# json_str FILE KEY -> the string, unquoted, \" and \\ unescaped
json_str() {
    awk -v RS="$JSON_RS" -v k="$2" "$JSON_AWK"'{ print unquote(val($0, k)) }' "$1"
}

# json_array FILE KEY -> canonical numbers of an integer array
json_array() {
    awk -v RS="$JSON_RS" -v k="$2" "$JSON_AWK$SET_AWK"'
        { v = val($0, k); gsub(/[^0-9]+/, " ", v); n = split(v, f, " ")
          for (i = 1; i <= n; i++) a[i] = f[i] + 0
          emit(a, n) }' "$1"
}

# json_same A B KEY...: the named values are equal in files A and B
# (all whitespace ignored); prints the ones that differ.
json_same() {
    local a=$1 b=$2
    shift 2
    awk -v RS="$JSON_RS" -v keys="$*" "$JSON_AWK"'
        FNR == 1 { f++ }
        { n = split(keys, k, " ")
          for (i = 1; i <= n; i++) { v = val($0, k[i]); gsub(/[ \t\r\n]/, "", v); w[f, i] = v } }
        END {
            for (i = 1; i <= n; i++)
                if (w[1, i] != w[2, i]) d = d " " k[i] "(" w[1, i] " vs " w[2, i] ")"
            if (d != "") { print "differ:" d; exit 1 }
        }' "$a" "$b"
}

# ------------------------------------------------------------ captures

# capture STATE FILE CMD...: run CMD and print its raw output for the host
# to store as STATE/FILE; each line gets a "XENLAB| " prefix so Xen's own
# console lines, interleaved on the serial line, can be told apart.
capture() {
    local state=$1 file=$2 rc
    shift 2
    "$@" > "$XENLAB_RUN/capture.out" 2>&1
    rc=$?
    capture_file "$state" "$file" "$XENLAB_RUN/capture.out"
    [ $rc = 0 ] || bad "capture $state/$file: '$*' exited $rc"
    return $rc
}

# capture_file STATE FILE PATH: the same for an existing file
capture_file() {
    echo "XENLAB-CAPTURE-BEGIN $1/$2"
    sed 's/^/XENLAB| /' "$3"
    echo "XENLAB-CAPTURE-END $1/$2"
}

# ------------------------------------------------------------ xl-numa

# xn OUT ARGS...: run `xl-numa ARGS`, stdout to OUT (and shown), stderr
# shown; returns xl-numa's exit code.
xn() {
    local out=$1 rc
    shift
    echo "+ [$(now)s] xl-numa $*"
    xl-numa "$@" > "$out" 2> "$out.err"
    rc=$?
    cat "$out"
    [ -s "$out.err" ] && sed 's/^/stderr: /' "$out.err"
    echo "xl-numa exit $rc [$(now)s]"
    return $rc
}

# json_same A B KEY...: the named top-level values are equal in files A
# and B (whitespace ignored); prints the ones that differ.
json_same() {
    local a=$1 b=$2 k va vb diff=
    shift 2
    for k in "$@"; do
        va=$(json_raw "$a" "$k" | tr -d ' ')
        vb=$(json_raw "$b" "$k" | tr -d ' ')
        [ "$va" = "$vb" ] || diff="$diff $k($va vs $vb)"
    done
    [ -z "$diff" ] || { echo "differ:$diff"; return 1; }
}

PLACE_KEYS="placed nodes cpus need_memkb policy mode overrides reason"
