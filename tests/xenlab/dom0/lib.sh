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
    echo "XENLAB-RESULT name=$XENLAB_SCENARIO $st $*"
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

# show CMD...: print the command, then run it with its output.
show() {
    echo "+ $*"
    "$@"
}

# ------------------------------------------------------------ sets

# canon: numbers from stdin (any of " ,\n" separated) -> "0 1 3"
canon() {
    tr ' ,' '\n\n' | grep -E '^[0-9]+$' | sort -n -u | tr '\n' ' ' |
        sed 's/ $//'
}

# expand RANGE MAX: xl's "0-1,3" or "all" (0..MAX-1) -> "0 1 3"
expand() {
    echo "$1" | awk -v max="$2" '
        $0 == "all" { for (i = 0; i < max; i++) print i; exit }
        $0 == "none" || $0 == "" { exit }
        {
            n = split($0, part, ",")
            for (k = 1; k <= n; k++) {
                if (split(part[k], r, "-") == 2)
                    for (i = r[1]; i <= r[2]; i++) print i
                else
                    print part[k]
            }
        }' | canon
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
    echo "+ xl -vvv create $* $XENLAB_RUN/$name.cfg"
    xl -vvv create "$@" "$XENLAB_RUN/$name.cfg" > "$XENLAB_RUN/create-$name.log" 2>&1
    rc=$?
    if [ $rc = 0 ]; then
        grep -i -E 'numa|placement|candidate' "$XENLAB_RUN/create-$name.log"
    else
        tail -n 30 "$XENLAB_RUN/create-$name.log"
    fi
    echo "xl create $name: rc=$rc"
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

destroy_all() {
    local d
    for d in $(xl list | awk 'NR > 2 { print $1 }'); do
        xl destroy "$d" || echo "xl destroy $d failed"
    done
}

# Back to the boot state between scenarios: no guests, one pool.
reset_host() {
    local p c
    destroy_all
    for p in $(xl cpupool-list | awk 'NR > 1 && $1 != "Pool-0" { print $1 }'); do
        xl cpupool-destroy "$p" || echo "xl cpupool-destroy $p failed"
    done
    for c in $(expand all "$(nr_cpus)"); do
        xl cpupool-cpu-add Pool-0 "$c" >/dev/null 2>&1
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
xen_keys() {
    local i=0
    xl dmesg -c > /dev/null
    xl debug-keys "$1"
    : > "$2"
    while [ $i -lt 10 ]; do
        sleep 1
        xl dmesg -c >> "$2"
        [ -s "$2" ] && break
        i=$((i + 1))
    done
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
# dom0 has no jq.  xl-numa's JSON is an object of scalars and flat arrays,
# one line or pretty printed; these read one top-level key from a file.

json_raw() {
    tr '\n\t' '  ' < "$1" |
        sed -n -E 's/.*"'"$2"'"[[:space:]]*:[[:space:]]*(\[[^]]*\]|"([^"\\]|\\.)*"|[^],}]*).*/\1/p' |
        head -n 1 | sed 's/[[:space:]]*$//'
}

# json_str FILE KEY -> the string, unquoted (escapes kept)
json_str() { json_raw "$1" "$2" | sed -E 's/^"//; s/"$//'; }

# json_array FILE KEY -> canonical numbers of an integer array
json_array() { json_raw "$1" "$2" | tr -d '[]' | canon; }

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
