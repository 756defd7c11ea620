#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# `xl-numa advise`: a guest whose vCPUs were moved away from its memory
# is advised back, and `--apply` does it through libxl.
#  1. `xl-numa create` places adv1 (paused); N is the node that holds
#     most of its memory (the chosen one, unless Xen spilled).
#  2. `xl vcpu-pin adv1 all - nodes:M` moves every vCPU's soft affinity to
#     another node M; the memory stays where it is (Xen cannot move it).
#  3. `xl-numa advise --host live` says: move soft affinity from node M to
#     node N; `--apply` sets it (libxl_set_vcpuaffinity, soft only): xl
#     vcpu-list shows node N's cpus as soft affinity, the hard affinity
#     untouched; the next advice is "keep".
. /lib/xenlab/lib.sh
need_xlnuma
host_info

cfg=$(mkcfg adv1 memory=256 vcpus=1)
xn "$XENLAB_RUN/create.json" create --json "$cfg" -p ||
    abort "xl-numa create exited $?"
[ -n "$(domid adv1)" ] || abort "guest adv1 does not exist after xl-numa create"
hard_before=$(vcpu_affinity adv1 hard)
# N: the node holding most of its pages (Xen may spill some elsewhere);
# M: another one.
pages_dump
report_pages adv1
n=$(pages_of "$(domid adv1)" | sort -k2,2n | tail -n 1 | awk '{ print $1 }')
[ -n "$n" ] || abort "no pages read for adv1"
m=$(( (n + 1) % $(nr_nodes) ))
echo "XENLAB-DATA guest=adv1 chosen=$(json_array "$XENLAB_RUN/create.json" nodes | tr ' ' ,) most_pages_on=$n"

say "the vCPUs away from the memory: soft affinity on node $m"
show xl vcpu-pin adv1 all - "nodes:$m" || abort "xl vcpu-pin failed"
show xl vcpu-list adv1

say "advice"
xn "$XENLAB_RUN/advise.txt" advise --host live || bad "advise exited $?"
line=$(grep "^domain adv1 " "$XENLAB_RUN/advise.txt")
case "$line" in
*"move soft affinity from node $m to node $n "*) ok "advised: $line" ;;
*) bad "advice for adv1: '$line' (expected a move from node $m to $n)" ;;
esac

say "apply"
xn "$XENLAB_RUN/apply.txt" advise --host live --apply ||
    bad "advise --apply exited $?"
grep -q "applied:" "$XENLAB_RUN/apply.txt" && ok "applied" ||
    bad "no 'applied:' line"
show xl vcpu-list adv1
got=$(vcpu_affinity adv1 soft)
want=$(cpus_of_nodes "$n")
[ "$got" = "$want" ] && ok "soft affinity $got (node $n)" ||
    bad "soft affinity '$got', node $n's cpus are '$want'"
got=$(vcpu_affinity adv1 hard)
[ "$got" = "$hard_before" ] && ok "hard affinity untouched ($got)" ||
    bad "hard affinity '$got', was '$hard_before'"

xn "$XENLAB_RUN/again.txt" advise --host live || bad "advise exited $?"
grep -q "^domain adv1 .*: keep: memory local" "$XENLAB_RUN/again.txt" &&
    ok "advice now: keep" || bad "advice after --apply is not keep"
finish "memory on node $n, soft affinity moved to node $m, advised and applied back"
