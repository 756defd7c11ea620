#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-only
#
# xenlab: boot the real Xen 4.17 hypervisor under QEMU (TCG) with an emulated
# NUMA host, run the scenario scripts in a PV dom0 and judge them here, on
# the host, from the marker lines they print on the serial console.
#
# Usage: tests/xenlab/lab.sh            (see tests/xenlab/README.md)
#
# Environment:
#   TOPO            topologies to boot, space separated (default "2node 4node")
#   XL_NUMA         the built xl-numa (libtool wrapper or real binary); default
#                   $abs_top_builddir/xl_ext/xl-numa when that exists
#   XENLAB_BUILD    build/cache directory (default
#                   $abs_top_builddir/tests/xenlab/build, else ./tests/xenlab/build)
#   XENLAB_TIMEOUT  hard limit per QEMU boot in seconds (default 300)
#   XENLAB_PER_BOOT scenarios per boot (default 6; a topology may need two)
#   XEN_EXTRA       appended to Xen's command line (e.g. dma_bits=28)
#   SCENARIOS       only run scenarios whose name matches one of these globs
#   XENLAB_SAVE_FIXTURES=1  copy the capture scenario's files to
#                   tests/data/xenlab-TOPO/ in the source tree
#   XENLAB_VERBOSE=1        also stream the serial console to stderr
#   XENLAB_REBUILD=1        rebuild the cached base images
#
# Prints one "PASS topo/scenario ..." or "FAIL topo/scenario: why" line per
# scenario and then "N passed, M failed"; exits 0 iff M is 0.

set -euo pipefail

PASSED=0
FAILED=0
SUMMARY_DONE=

# However the lab ends, its last line is the count (a lab that could not
# build or boot counts as one more failure).
summary_on_exit() {
    local rc=$?
    [ -z "$SUMMARY_DONE" ] || exit "$rc"
    echo "FAIL lab: stopped before every scenario was judged (exit $rc; see above)"
    echo "$PASSED passed, $((FAILED + 1)) failed"
    exit 1
}
trap summary_on_exit EXIT

# Interrupted: take the running QEMU down too (it is not in our process
# group's foreground, and would run on until its timeout).
CUR_BOOT_DIR=
on_signal() {
    [ -z "$CUR_BOOT_DIR" ] ||
        kill "$(cat "$CUR_BOOT_DIR/qemu.pid" 2>/dev/null)" 2>/dev/null || true
    exit 130
}
trap on_signal INT TERM

LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TESTS_SRC=$(dirname "$LAB_SRC")
TOP_BUILD=${abs_top_builddir:-$PWD}

BUILD=${XENLAB_BUILD:-$TOP_BUILD/tests/xenlab/build}
TOPOS=${TOPO:-2node 4node 2node-dma30}
BOOT_TIMEOUT=${XENLAB_TIMEOUT:-300}
# Scenarios per boot: a boot's fixed cost is ~15 s, and short boots keep
# far from the timeout when the machine is busy and TCG slows down 2-3x.
PER_BOOT=${XENLAB_PER_BOOT:-6}
XEN_EXTRA=${XEN_EXTRA:-}
SCENARIOS=${SCENARIOS:-*}

XEN_GZ=${XEN_GZ:-/boot/xen-4.17-amd64.gz}
XEN_LIBEXEC=${XEN_LIBEXEC:-/usr/lib/xen-4.17/bin}
KVER=${KVER:-$(cd /boot && ls vmlinuz-* 2>/dev/null | sed 's/^vmlinuz-//' |
                sort -V | tail -n 1)}
DOM0_MODULES="xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs"
XEN_PROGS="xl xenstored xenconsoled xen-init-dom0 libxl-save-helper"

if [ -z "${XL_NUMA:-}" ] && [ -e "$TOP_BUILD/xl_ext/xl-numa" ]; then
    XL_NUMA=$TOP_BUILD/xl_ext/xl-numa
fi
XL_NUMA=${XL_NUMA:-}

log() { echo "xenlab: $*" >&2; }
die() { echo "xenlab: error: $*" >&2; exit 1; }

# ---------------------------------------------------------------- helpers

# Copy the shared libraries ldd resolves for program $2 (honouring the
# caller's LD_LIBRARY_PATH) to the same paths under root $1, unless they
# are already there or under root $3, or in directory $SKIP_LIBDIR.
# Mode 0755: the dynamic loader must be executable.
copy_libs() {
    local root=$1 prog=$2 also=${3:-/nonexistent} lib rest
    ldd "$prog" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
                       $1 ~ /^\// { print $1 }
                       /not found/ { print "MISSING", $1 }' |
    while read -r lib rest; do
        [ "$lib" = MISSING ] && die "$prog: library $rest not found"
        case $lib in "${SKIP_LIBDIR:-/nonexistent}"/*) continue ;; esac
        [ -e "$root$lib" ] || [ -e "$also$lib" ] ||
            install -D -m 0755 "$lib" "$root$lib"
    done
}

# Copy each program to the same path under root $1, with its libraries.
copy_with_libs() {
    local root=$1 prog
    shift
    for prog in "$@"; do
        install -D -m 0755 "$prog" "$root$prog"
        copy_libs "$root" "$prog"
    done
}

# "cpio newc | gzip" of directory $1 into file $2 (no gzip if $3 = raw),
# zero-padded to a multiple of 4 bytes: the kernel takes an archive that
# follows another in the initramfs only at a 4-byte aligned offset
# ("Initramfs unpacking failed: invalid magic" otherwise).
pack_cpio() {
    local z=gzip\ -1
    [ "${3:-}" = raw ] && z="cat"
    (cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) |
        $z > "$2.tmp"
    head -c $(( (4 - $(stat -c %s "$2.tmp") % 4) % 4 )) /dev/zero >> "$2.tmp"
    mv "$2.tmp" "$2"
}

# Write to $2 the uncompressed ELF inside bzImage $1, or fail.  libxl
# would otherwise decompress the (xz) kernel for every guest, which takes
# 5-6 s under TCG; the ELF takes under 2 s.
extract_vmlinux() {
    local magic tool off
    for magic in 'fd377a585a00:xz -dc --single-stream' '28b52ffd:zstd -dcq' \
                 '1f8b0800:gzip -dc'; do
        tool=${magic#*:}
        magic=$(echo "${magic%%:*}" | sed 's/../\\x&/g')
        for off in $(LC_ALL=C grep -obUaP "$magic" "$1" | cut -d: -f1); do
            tail -c +$((off + 1)) "$1" | $tool > "$2" 2>/dev/null || true
            [ "$(head -c 4 "$2" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] && return 0
        done
    done
    rm -f "$2"
    return 1
}

# The module file for $1 in kernel $KVER, decompressed to $2.
copy_module() {
    local f
    f=$(modinfo -k "$KVER" -F filename "$1") || die "kernel module $1 not found"
    case $f in
    *.xz)  xz -dc "$f" > "$2" ;;
    *.zst) zstd -dcq "$f" > "$2" ;;
    *.gz)  gzip -dc "$f" > "$2" ;;
    *)     cp "$f" "$2" ;;
    esac
}

check_host_tools() {
    local t missing=
    for t in qemu-system-x86_64 busybox cpio gzip ldd modinfo timeout awk flock; do
        command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
    done
    [ -r "$XEN_GZ" ] || missing="$missing $XEN_GZ"
    [ -n "$KVER" ] && [ -r "/boot/vmlinuz-$KVER" ] || missing="$missing /boot/vmlinuz-*"
    for t in $XEN_PROGS; do
        [ -x "$XEN_LIBEXEC/$t" ] || missing="$missing $XEN_LIBEXEC/$t"
    done
    [ -z "$missing" ] || die "missing on this host:$missing (run scripts/install-deps.sh)"
}

# ------------------------------------------------------------ base images
#
# $BUILD/base holds what changes only with the installed packages or the
# lab's boot scripts: xen (ELF), the dom0 kernel, the guest initramfs, the
# dom0 base initramfs (busybox, modules, toolstack) and the guest kernel.
# The overlay, rebuilt on every run, carries the scenarios, configs and
# xl-numa.  dom0's kernel unpacks the concatenated archives into one root.

base_inputs() {
    {
        echo "kver=$KVER"
        stat -L -c '%n %s %Y' "$XEN_GZ" "/boot/vmlinuz-$KVER" \
            "$(command -v busybox)" "$XEN_LIBEXEC/xl" "$XEN_LIBEXEC/xenstored"
        cat "$LAB_SRC/guest/init.sh" "$LAB_SRC/lab.sh"
    } | cksum
}

build_base() {
    local b=$BUILD/base stamp want t0=$SECONDS
    want=$(base_inputs)
    stamp=$(cat "$b/stamp" 2>/dev/null || true)
    if [ "$stamp" = "$want" ] && [ -z "${XENLAB_REBUILD:-}" ]; then
        return 0
    fi
    log "building base images in $b"
    rm -rf "$b"
    mkdir -p "$b"

    # QEMU's multiboot loader wants an uncompressed ELF.
    gzip -dc "$XEN_GZ" > "$b/xen"
    cp "/boot/vmlinuz-$KVER" "$b/vmlinuz"

    # Guest: the same kernel and a busybox-only initramfs.
    local g=$b/guest-root
    mkdir -p "$g/bin" "$g/proc" "$g/sys" "$g/dev"
    cp "$(command -v busybox)" "$g/bin/busybox"
    install -m 0755 "$LAB_SRC/guest/init.sh" "$g/init"
    pack_cpio "$g" "$b/guest.cpio.gz"

    # Guest kernel, uncompressed and in an uncompressed cpio: dom0 unpacks
    # it with a memcpy instead of inflating 60+ MB under TCG.
    local k=$b/guest-kernel-root
    mkdir -p "$k/boot"
    if ! extract_vmlinux "/boot/vmlinuz-$KVER" "$k/boot/guest-kernel"; then
        log "cannot extract vmlinux; guests boot the compressed kernel (slower)"
        cp "/boot/vmlinuz-$KVER" "$k/boot/guest-kernel"
    fi
    pack_cpio "$k" "$b/guest-kernel.cpio" raw

    # dom0 base root.
    local r=$b/dom0-root m
    mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,run,tmp,root} \
             "$r"/{etc/xen,var/lib,lib/modules/xenlab,boot}
    ln -s ../run "$r/var/run"
    ln -s ../run/lock "$r/var/lock"
    cp "$(command -v busybox)" "$r/bin/busybox"
    for m in $DOM0_MODULES; do
        copy_module "$m" "$r/lib/modules/xenlab/$m.ko"
    done
    local progs=() p
    for p in $XEN_PROGS; do progs+=("$XEN_LIBEXEC/$p"); done
    progs+=("$(command -v xenstore || echo /usr/bin/xenstore)")
    copy_with_libs "$r" "${progs[@]}"
    for p in read write ls list exists rm chmod watch; do
        ln -s xenstore "$r/usr/bin/xenstore-$p"
    done
    # glibc dlopen()s libgcc_s for pthread_cancel; ldd cannot see it and
    # xl create aborts without it.
    local gcc_s
    gcc_s=$(ldconfig -p | awk '/libgcc_s\.so\.1 .*x86-64/ && !f { print $NF; f = 1 }')
    [ -n "$gcc_s" ] || die "libgcc_s.so.1 not found"
    install -D -m 0644 "$gcc_s" "$r$gcc_s"
    [ -f /etc/xen/xl.conf ] && cp /etc/xen/xl.conf "$r/etc/xen/xl.conf"
    cp "$b/guest.cpio.gz" "$r/boot/guest.cpio.gz"
    pack_cpio "$r" "$b/dom0-base.cpio.gz"

    echo "$want" > "$b/stamp"
    log "base images built in $((SECONDS - t0))s"
}

# ------------------------------------------------------------ overlay

# Print the real binary behind a libtool wrapper (or the file itself).
resolve_xl_numa() {
    local f=$1 d
    d=$(dirname "$f")
    if head -c 512 "$f" | grep -q 'libtool'; then
        for c in "$d/.libs/xl-numa" "$d/.libs/lt-xl-numa"; do
            [ -x "$c" ] && { echo "$c"; return 0; }
        done
        return 1
    fi
    echo "$f"
}

# Scenario names (file names without .sh) selected by $SCENARIOS.
selected_scenarios() {
    local f n pat pats
    set -f
    pats=($SCENARIOS)
    set +f
    for f in "$LAB_SRC"/scenarios/[0-9]*.sh; do
        n=$(basename "$f" .sh)
        for pat in "${pats[@]}"; do
            # shellcheck disable=SC2053
            if [[ $n == $pat ]]; then echo "$n"; break; fi
        done
    done
}

# The libxl_numa/.libs of the build tree xl-numa $1 belongs to, if any.
find_libdir() {
    local d
    for d in "$(dirname "$1")/../libxl_numa/.libs" \
             "$(dirname "$1")/../../libxl_numa/.libs"; do
        if [ -d "$d" ]; then
            (cd "$d" && pwd)
            return 0
        fi
    done
}

build_overlay() {
    local o=$BUILD/overlay n
    rm -rf "$o"
    mkdir -p "$o/scenarios" "$o/lib/xenlab" "$o/etc/xen/xenlab" "$o/usr/bin"
    install -m 0755 "$LAB_SRC/dom0/init.sh" "$o/init"
    install -m 0644 "$LAB_SRC/dom0/lib.sh" "$o/lib/xenlab/lib.sh"
    cp "$LAB_SRC"/cfg/*.cfg "$o/etc/xen/xenlab/"
    for n in "${SCEN[@]}"; do
        install -m 0755 "$LAB_SRC/scenarios/$n.sh" "$o/scenarios/$n.sh"
    done

    XL_NUMA_NOTE="xl-numa not built"
    if [ -n "$XL_NUMA" ] && [ ! -e "$XL_NUMA" ]; then
        XL_NUMA_NOTE="xl-numa not built: XL_NUMA=$XL_NUMA does not exist"
    fi
    if [ -n "$XL_NUMA" ] && [ -e "$XL_NUMA" ]; then
        local real libdir
        real=$(resolve_xl_numa "$XL_NUMA") ||
            die "$XL_NUMA is a libtool wrapper but .libs/xl-numa is missing"
        # An uninstalled binary finds libxlnuma only through the wrapper's
        # LD_LIBRARY_PATH; put the library where dom0's loader looks.
        # XL_NUMA is BUILD/xl_ext/xl-numa or BUILD/xl_ext/.libs/xl-numa.
        libdir=${XLNUMA_LIBDIR:-$(find_libdir "$XL_NUMA")}
        if [ -n "$libdir" ] && ls "$libdir"/libxlnuma.so* >/dev/null 2>&1; then
            mkdir -p "$o/lib/x86_64-linux-gnu"
            cp -a "$libdir"/libxlnuma.so* "$o/lib/x86_64-linux-gnu/"
        fi
        install -m 0755 "$real" "$o/usr/bin/xl-numa"
        # The libxl preload module (40-preload), where the build made one.
        local mod
        for mod in "$(dirname "$XL_NUMA")/../preload/.libs/libxlnuma-preload.so" \
                   "$(dirname "$XL_NUMA")/../../preload/.libs/libxlnuma-preload.so"; do
            if [ -f "$mod" ]; then
                install -D -m 0644 "$mod" "$o/usr/lib/xlnuma/libxlnuma-preload.so"
                copy_libs "$o" "$mod" "$BUILD/base/dom0-root"
                break
            fi
        done
        (
            if [ -n "$libdir" ]; then
                export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
                export SKIP_LIBDIR=$libdir
            fi
            copy_libs "$o" "$real" "$BUILD/base/dom0-root"
        )
        XL_NUMA_NOTE="xl-numa from $real"
    fi
    log "overlay: ${#SCEN[@]} scenarios, $XL_NUMA_NOTE"
    pack_cpio "$o" "$BUILD/overlay.cpio.gz"
    cat "$BUILD/base/dom0-base.cpio.gz" "$BUILD/base/guest-kernel.cpio" \
        "$BUILD/overlay.cpio.gz" > "$BUILD/dom0.initrd"
}

# ------------------------------------------------------------ topologies

# Sets QEMU_TOPO (array) and QEMU_MEM_MB for topology $1.
topology_args() {
    local node_mb nodes i j d
    case $1 in
    2node|2node-dma30)
        node_mb=${XENLAB_NODE_MB:-1536}
        nodes=2
        QEMU_TOPO=(-smp 4,sockets=2,cores=2,threads=1)
        # The same host with Xen's DMA zone widened to 1 GiB: node 0's
        # free memory is then mostly DMA zone (issue 11).
        TOPO_XEN_EXTRA=
        [ "$1" = 2node-dma30 ] && TOPO_XEN_EXTRA=dma_bits=30
        ;;
    4node)
        node_mb=${XENLAB_NODE_MB:-768}
        nodes=4
        TOPO_XEN_EXTRA=
        # sockets=4 leaves Xen's cpu_topology empty: one socket, 4 cores.
        QEMU_TOPO=(-smp 4,sockets=1,cores=4,threads=1)
        ;;
    *)
        die "unknown topology '$1' (use 2node, 2node-dma30 or 4node)"
        ;;
    esac
    local lo hi cpus
    for ((i = 0; i < nodes; i++)); do
        lo=$((i * 4 / nodes))
        hi=$(((i + 1) * 4 / nodes - 1))
        cpus=$lo
        [ "$hi" = "$lo" ] || cpus=$lo-$hi
        QEMU_TOPO+=(-object "memory-backend-ram,id=mem$i,size=${node_mb}M"
                    -numa "node,nodeid=$i,cpus=$cpus,memdev=mem$i")
    done
    # SLIT: 2 nodes 10/21; 4 nodes 10 + 5 per hop (15/20/25).
    for ((i = 0; i < nodes; i++)); do
        for ((j = i + 1; j < nodes; j++)); do
            if [ "$nodes" = 2 ]; then d=21; else d=$((10 + 5 * (j - i))); fi
            QEMU_TOPO+=(-numa "dist,src=$i,dst=$j,val=$d")
        done
    done
    QEMU_MEM_MB=$((node_mb * nodes))
}

# ------------------------------------------------------------ one boot

XEN_CMDLINE_BASE="console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all
 console_timestamps=boot conring_size=1M dom0_mem=512M,max:512M
 dom0_max_vcpus=2 numa=on noreboot"

FATAL_RE='Kernel panic - not syncing|Hardware Dom0 crashed|Panic on CPU [0-9]+'

# Boot topology $1 into directory $2, running scenarios $3... in dom0;
# the console log (no \r) goes to $2/console.log.
boot() {
    local topo=$1 dir=$2 rc=0 t0=$SECONDS run
    shift 2
    run=$(IFS=:; echo "$*")     # no commas: they split QEMU's -initrd
    mkdir -p "$dir"
    topology_args "$topo"
    local xen_cmdline dom0_cmdline
    xen_cmdline=$(echo $XEN_CMDLINE_BASE $TOPO_XEN_EXTRA $XEN_EXTRA)
    dom0_cmdline="console=hvc0 earlyprintk=xen loglevel=5 xenlab.topo=$topo"
    dom0_cmdline="$dom0_cmdline xenlab.run=$run"
    local qemu=(qemu-system-x86_64 -accel tcg,thread=multi -cpu max,-smap
        -machine q35 -m "${QEMU_MEM_MB}M" "${QEMU_TOPO[@]}"
        -display none -serial stdio -monitor none -net none -no-reboot
        -device isa-debug-exit,iobase=0xf4,iosize=0x04
        -kernel "$BUILD/base/xen" -append "$xen_cmdline"
        -initrd "$BUILD/base/vmlinuz $dom0_cmdline,$BUILD/dom0.initrd")
    printf '%q ' "${qemu[@]}" > "$dir/qemu-cmdline.txt"
    log "booting $topo for $# scenarios (${QEMU_MEM_MB} MiB, timeout ${BOOT_TIMEOUT}s, log $dir/console.log)"
    local out=/dev/null
    [ -n "${XENLAB_VERBOSE:-}" ] && out=/dev/stderr
    rm -f "$dir/qemu.pid" "$dir/qemu.rc"
    CUR_BOOT_DIR=$dir
    (
        rc=0
        timeout -k 10 "$BOOT_TIMEOUT" "${qemu[@]}" -pidfile "$dir/qemu.pid" \
            < /dev/null 2>&1 | tr -d '\r' | tee "$dir/console.log" > "$out" ||
            rc=${PIPESTATUS[0]}
        echo "$rc" > "$dir/qemu.rc"
    ) &
    local bg=$! crashed= size last_size=-1 last_change=$SECONDS
    local stall=${XENLAB_STALL:-180}
    # A crashed dom0 or Xen never powers off: stop waiting for the timeout.
    # Nor does a boot that hangs before dom0 reaches the scenarios (seen
    # under TCG): no console output for $stall s then stops it too.
    while kill -0 "$bg" 2>/dev/null; do
        sleep 2
        if [ -z "$crashed" ] && grep -a -q -E "$FATAL_RE" "$dir/console.log" 2>/dev/null; then
            crashed=$(grep -a -m 1 -o -E "$FATAL_RE" "$dir/console.log")
            log "$topo: '$crashed' on the console, stopping QEMU"
            sleep 3         # let the backtrace reach the log
            kill "$(cat "$dir/qemu.pid" 2>/dev/null)" 2>/dev/null || true
        fi
        size=$(stat -c %s "$dir/console.log" 2>/dev/null || echo 0)
        if [ "$size" != "$last_size" ]; then
            last_size=$size
            last_change=$SECONDS
        elif [ $((SECONDS - last_change)) -ge "$stall" ] &&
             ! grep -a -q 'XENLAB-BEGIN' "$dir/console.log" 2>/dev/null; then
            log "$topo: no console output for ${stall}s before dom0 reached" \
                "the scenarios, stopping QEMU"
            kill "$(cat "$dir/qemu.pid" 2>/dev/null)" 2>/dev/null || true
            last_change=$SECONDS
        fi
    done
    wait "$bg" || true
    rc=$(cat "$dir/qemu.rc" 2>/dev/null || echo 255)
    CUR_BOOT_DIR=
    BOOT_RC=$rc
    BOOT_CRASH=$crashed
    BOOT_SECS=$((SECONDS - t0))
    log "$topo: QEMU exited rc=$rc after ${BOOT_SECS}s"
}

# ------------------------------------------------------------ verdicts

# Write the capture sections of log $1 into directory $2:
#   XENLAB-CAPTURE-BEGIN state/file ... XENLAB| line ... XENLAB-CAPTURE-END
# Lines of the section without the "XENLAB| " prefix are Xen's own console
# output interleaved on the serial line; they are dropped.
extract_captures() {
    local log=$1 out=$2
    mkdir -p "$out"
    awk -v out="$out" '
        match($0, /XENLAB-CAPTURE-BEGIN [^ ]+/) {
            f = out "/" substr($0, RSTART + 21, RLENGTH - 21)
            d = f; sub(/\/[^\/]*$/, "", d)
            system("mkdir -p \"" d "\"")
            printf "" > f
            next
        }
        /XENLAB-CAPTURE-END/ { if (f != "") close(f); f = ""; next }
        f != "" && substr($0, 1, 8) == "XENLAB| " { print substr($0, 9) > f }
        f != "" && $0 == "XENLAB|" { print "" > f }
    ' "$log"
}

# The lines of scenario $2's section of log $1 (at most $3 of its last lines).
section_lines() {
    awk -v n="$2" '
        index($0, "XENLAB-BEGIN name=" n) { on = 1 }
        on { print }
        on && index($0, "XENLAB-END name=" n) { exit }
    ' "$1" | tail -n "$3"
}

CAPTURE_FILES="xl-info-n.txt xl-list-n.txt xl-list-c.txt xl-vcpu-list.txt
 xl-cpupool-list-c.txt xl-cpupool-list.txt xl-debug-keys-u.txt
 xl-debug-keys-H.txt xl-dmesg-dma.txt"

# Extra host-side check for the capture scenario; prints why it fails.
check_capture_files() {
    local dir=$1 st f why=
    for st in dom0-only guests; do
        for f in $CAPTURE_FILES; do
            [ -s "$dir/$st/$f" ] || why="$why $st/$f"
        done
    done
    [ -z "$why" ] || { echo "host could not extract:$why"; return 1; }
}

save_fixtures() {
    local topo=$1 from=$BUILD/$1/capture to=$TESTS_SRC/data/xenlab-$1 f
    mkdir -p "$to/dom0-only"
    for f in $CAPTURE_FILES; do
        cp "$from/guests/$f" "$to/$f"
        cp "$from/dom0-only/$f" "$to/dom0-only/$f"
    done
    log "fixtures saved to $to"
}


# Judge scenarios $3... of topology $1 from the console log in dir $2.
judge() {
    local topo=$1 log=$2/console.log n line st detail why boot_why= shown=
    shift 2
    if [ ! -f "$log" ]; then
        boot_why="no console log: was $BUILD removed during the run?"
        log=/dev/null
    elif ! grep -a -q 'XENLAB-DONE' "$log"; then
        if [ -n "$BOOT_CRASH" ]; then
            boot_why="'$BOOT_CRASH' on the console"
        elif [ "$BOOT_RC" = 124 ] || [ "$BOOT_RC" = 137 ]; then
            boot_why="boot timed out after ${BOOT_TIMEOUT}s"
        else
            boot_why="boot ended (QEMU rc=$BOOT_RC) before dom0 finished"
        fi
        line=$(grep -a -o 'XENLAB-DOM0 .*' "$log" | tail -n 1 || true)
        boot_why="$boot_why; last dom0 step: ${line:-none}"
    fi
    extract_captures "$log" "$BUILD/$topo/capture"
    for n in "$@"; do
        line=$(grep -a -o "XENLAB-RESULT name=$n .*" "$log" | tail -n 1 || true)
        st=FAIL
        if [ -z "$line" ]; then
            detail="no result (${boot_why:-scenario printed no XENLAB-RESULT})"
        else
            line=${line#XENLAB-RESULT name=$n }
            st=${line%% *}
            detail=${line#"$st"}
            detail=${detail# }
            [ "$st" = PASS ] || st=FAIL
        fi
        if [ "$st" = PASS ] && [ "$n" = 00-capture ]; then
            if ! why=$(check_capture_files "$BUILD/$topo/capture"); then
                st=FAIL
                detail=$why
            fi
        fi
        if [ "$st" = PASS ]; then
            echo "PASS $topo/$n${detail:+ ($detail)}"
            PASSED=$((PASSED + 1))
        else
            echo "FAIL $topo/$n: $detail"
            FAILED=$((FAILED + 1))
            if grep -a -q "XENLAB-BEGIN name=$n" "$log"; then
                section_lines "$log" "$n" "${XENLAB_CONTEXT:-80}" | sed 's/^/    | /'
            elif [ -z "$shown" ]; then
                # The boot never reached it: show how the boot ended, once.
                tail -n 40 "$log" | sed 's/^/    | /'
                shown=1
            fi
        fi
        # Per-guest locality figures (issue 11), whatever the verdict.
        grep -a '^locality policy=' "$log" 2>/dev/null |
            sed "s|^|$topo: |" || true
    done
}

# Boot and judge; a boot whose dom0 never reached the first scenario (a
# TCG hang early in the guest kernel has been seen) is tried once more,
# the first attempt's log kept beside it.  Scenario failures are never
# retried.
boot_and_judge() {
    local topo=$1 dir=$2
    shift 2
    boot "$topo" "$dir" "$@"
    if ! grep -a -q 'XENLAB-BEGIN' "$dir/console.log" 2>/dev/null; then
        log "$topo: dom0 never reached the scenarios; booting once more" \
            "(first attempt kept in $dir.first)"
        rm -rf "$dir.first"
        mv "$dir" "$dir.first"
        boot "$topo" "$dir" "$@"
    fi
    judge "$topo" "$dir" "$@"
}

# ------------------------------------------------------------ main

main() {
    local t0=$SECONDS topo
    check_host_tools
    mapfile -t SCEN < <(selected_scenarios)
    [ "${#SCEN[@]}" -gt 0 ] || die "no scenario matches SCENARIOS='$SCENARIOS'"
    mkdir -p "$BUILD"
    # Two labs in one build directory would rebuild each other's images.
    exec 9> "$BUILD/.lock"
    flock -n 9 || die "another lab run is using $BUILD (set XENLAB_BUILD)"
    build_base
    build_overlay
    local i nb part s t group alone keep saved_timeout=$BOOT_TIMEOUT
    for topo in $TOPOS; do
        rm -rf "${BUILD:?}/$topo"
        nb=0
        # A scenario that declares "# xenlab-timeout: N" gets a boot of its
        # own, long enough for it; the rest share boots of PER_BOOT.
        # The locality sequence (50-locality) is what 2node-dma30 exists
        # for, and is too slow to repeat on 4node.
        group=() alone=()
        for s in "${SCEN[@]}"; do
            case $topo:$s in
            4node:50-locality) continue ;;
            2node-dma30:50-locality) ;;
            2node-dma30:*) continue ;;
            esac
            if grep -q '^# xenlab-timeout:' "$LAB_SRC/scenarios/$s.sh"; then
                alone+=("$s")
            else
                group+=("$s")
            fi
        done
        for ((i = 0; i < ${#group[@]}; i += PER_BOOT)); do
            part=("${group[@]:i:PER_BOOT}")
            nb=$((nb + 1))
            boot_and_judge "$topo" "$BUILD/$topo/boot$nb" "${part[@]}"
        done
        for s in ${alone[@]+"${alone[@]}"}; do
            t=$(sed -n 's/^# xenlab-timeout: *\([0-9][0-9]*\).*/\1/p' \
                "$LAB_SRC/scenarios/$s.sh" | head -n 1)
            BOOT_TIMEOUT=$((saved_timeout > t + 240 ? saved_timeout : t + 240))
            nb=$((nb + 1))
            boot_and_judge "$topo" "$BUILD/$topo/boot$nb" "$s"
            BOOT_TIMEOUT=$saved_timeout
        done
        if [ -n "${XENLAB_SAVE_FIXTURES:-}" ]; then
            if check_capture_files "$BUILD/$topo/capture" >/dev/null; then
                save_fixtures "$topo"
            else
                log "not saving fixtures for $topo: capture incomplete"
            fi
        fi
    done
    log "total wall time $((SECONDS - t0))s"
    SUMMARY_DONE=1
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}

main "$@"
