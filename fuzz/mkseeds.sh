#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# fuzz/mkseeds.sh: (re)make the seed corpora fuzz/corpus/NAME from the
# test fixtures.  Run from the source tree's top; the output is committed,
# so run it again only when the fixtures change.
#
#   state_json  every JSON host (examples/hosts, tests/data/expected,
#               tests/cli/hosts)
#   numactl     every numactl -H text (tests/data, examples, tests/cli)
#   hwloc       the hwloc XML fixtures of tests/data/hwloc up to 64 KiB
#   xl_texts    each capture directory's seven texts joined by NUL bytes
#               in xlnuma_xl_texts order (as hostsrc.c reads them: the
#               xl-cpupool-list.txt and xl-dmesg-dma.txt extras appended),
#               and each tests/data/bad/xl-* text in its slot with
#               xl-handmade's others (but its 'H' dump)
#   cpulist     the list syntaxes of the CLI golden cases, after a mode
#               byte (fuzz/fuzz_cpulist.c)
#   xlcfg       the guest configs of the CLI tests and examples, and a
#               few with KEY=VALUE arguments after NUL bytes
set -e
[ -f fuzz/fuzz.h ] || { echo "mkseeds.sh: run from the top" >&2; exit 1; }
c=fuzz/corpus
rm -rf "$c"
mkdir -p "$c/state_json" "$c/numactl" "$c/xl_texts" "$c/cpulist" "$c/xlcfg" \
    "$c/hwloc"

# A file name from a path: tests/data/bad/x.txt -> tests-data-bad-x.txt
flat() { echo "$1" | tr '/' '-'; }

for f in examples/hosts/*.json tests/data/expected/*.json \
    tests/cli/hosts/*.json; do
    [ -f "$f" ] && cp "$f" "$c/state_json/$(flat "$f")"
done

# hwloc XML: the fixtures under 64 KiB (libFuzzer's -max_len here).
for f in tests/data/hwloc/*.xml; do
    [ -f "$f" ] && [ "$(wc -c < "$f")" -le 65536 ] &&
        cp "$f" "$c/hwloc/$(flat "$f")"
done

for f in tests/data/*/numactl-H.txt tests/data/bad/numactl-*.txt \
    examples/hosts/*numactl*.txt tests/cli/hosts/*.txt; do
    [ -f "$f" ] && cp "$f" "$c/numactl/$(flat "$f")"
done

slots="xl-info-n xl-list-n xl-list-c xl-vcpu-list xl-cpupool-list-c \
xl-debug-keys-u xl-debug-keys-H"

# text DIR SLOT [REPLACEMENT]: one slot's text, extras appended.
text() {
    f=$1/$2.txt
    [ -n "${3:-}" ] && f=$3
    [ -f "$f" ] && cat "$f"
    case $2 in
    xl-cpupool-list-c) extra=$1/xl-cpupool-list.txt ;;
    xl-debug-keys-H) extra=$1/xl-dmesg-dma.txt ;;
    *) extra= ;;
    esac
    if [ -z "${3:-}" ] && [ -n "$extra" ] && [ -f "$extra" ]; then
        cat "$extra"
    fi
    return 0
}

# join DIR [SLOT REPLACEMENT]: with a replacement, the 10 KB 'H' dump
# only when it is the slot replaced, to keep the seeds small.
join() {
    first=1
    for s in $slots; do
        [ $first = 1 ] || printf '\000'
        first=0
        if [ "$s" = "${2:-}" ]; then
            text "$1" "$s" "$3"
        elif [ -z "${2:-}" ] || [ "$s" != xl-debug-keys-H ]; then
            text "$1" "$s"
        fi
    done
}

for d in $(find tests/data tests/cli/hosts examples/hosts -type f \
        -name xl-info-n.txt | sed 's,/xl-info-n.txt$,,' | sort); do
    join "$d" > "$c/xl_texts/$(flat "$d")"
done
for f in tests/data/bad/xl-*.txt; do
    case $(basename "$f") in
    xl-info-*) s=xl-info-n ;;
    xl-list-n-*) s=xl-list-n ;;
    xl-list-c-*) s=xl-list-c ;;
    xl-vcpu-*) s=xl-vcpu-list ;;
    xl-cpupool-*) s=xl-cpupool-list-c ;;
    xl-keys-u-*) s=xl-debug-keys-u ;;
    xl-keys-h-*) s=xl-debug-keys-H ;;
    *) continue ;;
    esac
    join tests/data/xl-handmade "$s" "$f" > "$c/xl_texts/$(flat "$f")"
done

# cpulist: the mode byte (odd: xl cpu-list on the small host; even: the
# library's syntax, limit byte >> 1) and a list.
n=0
seed() {
    n=$((n + 1))
    printf "$1" > "$c/cpulist/seed-$n"
    printf '%s' "$2" >> "$c/cpulist/seed-$n"
}
for l in "all" "^all" "nodes:1,^2-3" "nodes:0-5" "0-x" "3-1" "1,9" "0-1" \
    "node:3" "nodes:0,nodes:3,^5" " 4 , 6-7 ,," "all,^node:0,12" "^3" \
    "nodes:" "00000000000000000000000000007" "16777216"; do
    seed '\001' "$l"
    seed '\000' "$l"
    seed '\040' "$l"
done

for f in tests/cli/cfg/*.cfg examples/guests/*.cfg; do
    cp "$f" "$c/xlcfg/$(flat "$f")"
done
printf 'name="a"\nmemory=512\nvcpus=2\n\000cpus="nodes:1"\000memory=1024' \
    > "$c/xlcfg/extra-cpus"
printf 'name="a"\nmemory=512\n\000numa_placement="within"\000cpus="0-5,^2"' \
    > "$c/xlcfg/extra-within"
printf '%s\n' 'name="a"' 'type="hvm"' 'memory=512' 'vcpus=2' 'maxvcpus=4' \
    'shadow_memory=8' 'device_model_stubdomain_override=1' \
    'numa_placement_mode="pin"' 'pool="pool1"' \
    > "$c/xlcfg/hvm-stubdom-pin-pool"
printf '%s\n' 'name="a"' 'maxmem=1024' \
    'vnuma=[["pnode=0","size=512","vcpus=0"],' \
    '       ["pnode=1","size=512","vcpus=1"]]' \
    > "$c/xlcfg/vnuma"
printf 'name="a"\nmemory=512\ncpus_soft=["0","1-3"]\ncpus=["all","nodes:1"]\n' \
    > "$c/xlcfg/per-vcpu-lists"
echo "seeds: $(find "$c" -type f | wc -l) files in $c"
