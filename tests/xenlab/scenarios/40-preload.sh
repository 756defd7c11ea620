#!/bin/busybox sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# libxlnuma-preload.so through `xl-numa xl` (docs/preload.md): xl's own
# `xl -vvv create`, with the module deciding inside
# libxl_domain_create_new().
#
#  - spread (affinity mode) and closest (pin mode): `xl-numa place --host
#    live --json` run just before names the nodes; the module's decision
#    (its "placed:" line, XLNUMA_VERBOSE=1) is the same; the guest's node
#    affinity (xl list -n), soft and hard affinities (xl vcpu-list) are
#    the decision's, >= 99% of its pages are on the chosen nodes (debug
#    key u), and libxl did not place it again (no numa_place_domain line
#    in xl's -vvv log).
#  - the need: the module's need_memkb is what libxl_domain_need_memory()
#    returned for the config xl built.  libxl prints its need nowhere in
#    xl -vvv's log, so it is compared with xl-numa's model of libxl 4.17's
#    formula (place's need_memkb, docs/placement.md section 1).
#  - a guest with cpus_soft= is left alone (manual placement).
#  - XLNUMA_PRELOAD_FAIL=1 (a test hook): the module fails on purpose and
#    xl still creates the guest, placed by libxl itself (its
#    numa_place_domain line is in the log).
#
# --dma-aware on both sides: what is tested is the module, and on 2node
# xen43-style free memory counts Xen's DMA zone (see 27-numa-parallel).
# Guests are created paused (-p).
#
# The lab must carry the module: lab.sh copies the build tree's
# preload/.libs/libxlnuma-preload.so to /usr/lib/xlnuma/ in dom0.
. /lib/xenlab/lib.sh
need_xlnuma
host_info

MODULE=/usr/lib/xlnuma/libxlnuma-preload.so
[ -r "$MODULE" ] && export XLNUMA_PRELOAD=$MODULE
module=$(xl-numa xl --print-module 2>&1) ||
    abort "libxlnuma-preload.so is not in dom0 ($module); lab.sh must copy preload/.libs/libxlnuma-preload.so to $MODULE"
say "module: $module"
unset XLNUMA_PLACEMENT XLNUMA_POLICY XLNUMA_MODE XLNUMA_PRELOAD_FAIL
export XLNUMA_CONFIG=

# xnxl NAME [xl-numa xl options...]: `xl-numa -v xl OPTIONS -- -vvv create
# -p NAME.cfg`, everything it prints in $XENLAB_RUN/xl-NAME.log; shows the
# module's lines and libxl's placement lines; returns xl's exit code.
xnxl() {
    local name=$1 rc
    shift
    echo "+ [$(now)s] xl-numa -v xl $* -- -vvv create -p $XENLAB_RUN/$name.cfg"
    xl-numa -v xl "$@" -- -vvv create -p "$XENLAB_RUN/$name.cfg" \
        > "$XENLAB_RUN/xl-$name.log" 2>&1
    rc=$?
    grep -E 'xlnuma-preload|xl-numa:|numa_place_domain|candidate' \
        "$XENLAB_RUN/xl-$name.log"
    [ $rc = 0 ] || tail -n 30 "$XENLAB_RUN/xl-$name.log"
    echo "xl-numa xl create $name: rc=$rc [$(now)s]"
    return $rc
}

# placed_field NAME KEY: KEY= of the module's "placed:" line for NAME
placed_field() {
    sed -n "s/.*libxl_domain_create_new: $1: placed:.* $2=\([^ ]*\).*/\1/p" \
        "$XENLAB_RUN/xl-$1.log" | head -n 1
}

# placed GUEST POLICY MODE: place, create through the module, check.
placed() {
    local g=$1 policy=$2 mode=$3 want nodes mnodes need mneed soft hard
    cfg=$(mkcfg "$g" memory=256 vcpus=2)
    say "$g: policy $policy, $mode mode"
    xn "$XENLAB_RUN/$g.place.json" place --host live --policy "$policy" \
        --mode "$mode" --dma-aware --json "$cfg" ||
        bad "$g: xl-numa place exited $?"
    nodes=$(json_array "$XENLAB_RUN/$g.place.json" nodes)
    need=$(json_raw "$XENLAB_RUN/$g.place.json" need_memkb)
    xnxl "$g" --policy "$policy" --mode "$mode" --dma-aware ||
        { bad "$g: xl-numa xl create exited $?"; return; }
    [ -n "$(domid "$g")" ] || { bad "$g: no such domain after the create"; return; }

    mnodes=$(expand "$(placed_field "$g" nodes)" "$(nr_nodes)")
    mneed=$(placed_field "$g" need_memkb)
    [ -n "$mnodes" ] || { bad "$g: the module did not place it (no placed: line)"; return; }
    echo "XENLAB-DATA guest=$g policy=$policy mode=$mode place_nodes=$(echo $nodes | tr ' ' ,) module_nodes=$(echo $mnodes | tr ' ' ,) place_need_memkb=$need module_need_memkb=$mneed"
    [ "$mnodes" = "$nodes" ] && ok "$g: the module chose nodes $mnodes, as place did" ||
        bad "$g: the module chose nodes '$mnodes', place '$nodes'"
    [ -n "$mneed" ] && [ "$mneed" = "$need" ] &&
        ok "$g: libxl_domain_need_memory gave $mneed KiB = the model's" ||
        bad "$g: the module's need '$mneed' KiB, the model's '$need' KiB"
    grep -q "numa_place_domain" "$XENLAB_RUN/xl-$g.log" &&
        bad "$g: libxl ran its own placement after the module's" ||
        ok "$g: libxl did not place it again"

    show xl list -n "$g"
    show xl vcpu-list "$g"
    want=$(cpus_of_nodes "$mnodes")
    [ "$(node_affinity "$g")" = "$mnodes" ] && ok "$g: node affinity $mnodes" ||
        bad "$g: node affinity '$(node_affinity "$g")', decided '$mnodes'"
    soft=$(vcpu_affinity "$g" soft)
    [ "$soft" = "$want" ] && ok "$g: soft affinity $soft" ||
        bad "$g: soft affinity '$soft', cpus of nodes $mnodes are '$want'"
    hard=$(vcpu_affinity "$g" hard)
    if [ "$mode" = pin ]; then
        [ "$hard" = "$want" ] && ok "$g: hard affinity $hard" ||
            bad "$g: hard affinity '$hard' in pin mode, expected '$want'"
    else
        [ "$hard" = "$(expand all "$(nr_cpus)")" ] && ok "$g: hard affinity all" ||
            bad "$g: hard affinity '$hard' in affinity mode (expected all cpus)"
    fi
    pages_dump
    report_pages "$g"
    check_memory_on "$g" "$mnodes"
    eval "result_$g=\"$policy:\$(echo \$mnodes | tr ' ' ,)\""
}

placed pspread spread affinity
placed pclose closest pin

say "manual placement: cpus_soft=\"nodes:0\""
mkcfg pmanual memory=128 'cpus_soft="nodes:0"' > /dev/null
if xnxl pmanual --policy spread; then
    grep -q "pmanual: manual placement: the config gives a soft affinity" \
        "$XENLAB_RUN/xl-pmanual.log" && ok "pmanual: left alone (manual placement)" ||
        bad "pmanual: no manual-placement line from the module"
    got=$(vcpu_affinity pmanual soft)
    [ "$got" = "$(cpus_of_nodes 0)" ] && ok "pmanual: soft affinity $got as configured" ||
        bad "pmanual: soft affinity '$got', configured '$(cpus_of_nodes 0)'"
else
    bad "pmanual: xl-numa xl create failed"
fi

say "a failing module: XLNUMA_PRELOAD_FAIL=1"
mkcfg pfail memory=128 > /dev/null
export XLNUMA_PRELOAD_FAIL=1
xnxl pfail --policy spread
rc=$?
unset XLNUMA_PRELOAD_FAIL
if [ $rc = 0 ]; then
    [ -n "$(domid pfail)" ] && ok "pfail: xl created the guest" ||
        bad "pfail: no such domain after the create"
    grep -q "XLNUMA_PRELOAD_FAIL is set: failing on purpose" "$XENLAB_RUN/xl-pfail.log" &&
        grep -q "pfail: no placement (XLNUMA_PRELOAD_FAIL is set); libxl creates the guest as it would have" \
            "$XENLAB_RUN/xl-pfail.log" && ok "pfail: the module said why it did not place" ||
        bad "pfail: the module's failure is not in the log"
    grep -q "placed:" "$XENLAB_RUN/xl-pfail.log" &&
        bad "pfail: the module placed it despite the hook"
    grep -q "numa_place_domain" "$XENLAB_RUN/xl-pfail.log" &&
        ok "pfail: libxl placed it itself" ||
        bad "pfail: libxl's own placement did not run"
    show xl list -n pfail
else
    bad "pfail: xl create failed with a failing module"
fi

show xl list -n
finish "spread -> ${result_pspread:-?}, closest/pin -> ${result_pclose:-?}; failing module: guest created by libxl"
