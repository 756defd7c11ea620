#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
#
# exec-safety.sh: what reaches xl.  `xl-numa create' runs on the live
# path with tests/hardening/fakelibxl.so preloaded (the host is the
# shipped DL980 example) and xl replaced by record-xl, which records the
# exact words it was given.  Quotes, semicolons, newlines, $(...) and
# backticks in config values and KEY=VALUE arguments must neither reach
# a shell nor add or change an xl config line:
#  - an accepted argument reaches xl as one word, byte for byte, and the
#    only other words are "create", the config, the xl options given and
#    the generated cpus=/cpus_soft= overrides, last;
#  - an argument that would end xl's config line (a newline, or a ';'
#    outside a string) is refused before xl runs, as are a config path
#    xl would read as options and words that are neither options nor
#    KEY=VALUE;
#  - a config value is never copied onto xl's command line;
#  - nothing was executed: the $(touch ...) and `touch ...` canaries do
#    not exist afterwards;
#  - xl's stdout and stderr both reach xl-numa's stderr.
. "$(dirname "$0")/lib.sh"

shim=$top_builddir/tests/hardening/.libs/fakelibxl.so
if [ ! -f "$shim" ]; then
    echo "exec-safety.sh: $shim is not built" >&2
    exit 99
fi
cd "$scratch" || exit 99
canary=$scratch/pwned
cat > g.cfg <<EOF
name = "g"
type = "pv"
kernel = "/boot/vmlinuz"
memory = 512
vcpus = 2
EOF
# Values that look like commands or further settings, inside strings.
cat > evil.cfg <<EOF
name = "evil\"; cpus_soft=\"0-79\"; \$(touch $canary-cfg1)"
type = "pv"
kernel = "/boot/vmlinuz \`touch $canary-cfg2\`"
cmdline = 'root=/dev/xvda1; touch $canary-cfg3
memory = 512
vcpus = 2
EOF
# (cmdline= above is unterminated on purpose: a syntax error.)
sed '/^cmdline/d' evil.cfg > evil-ok.cfg
cat > pool.cfg <<EOF
name = "p"
memory = 512
pool = "\$(touch $canary-pool)"
EOF

# create ARGS...: run xl-numa create on the fake live host; $rc, out,
# err, and argv (absent when xl did not run).
create() {
    rm -f argv
    env LD_PRELOAD="$shim" \
        ASAN_OPTIONS="verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
        FAKE_LIBXL_HOST="$top_srcdir/examples/hosts/dl980.json" \
        XLNUMA_XL="$here/record-xl" RECORD_XL_ARGV="$scratch/argv" \
        XLNUMA_LOCK="$scratch/lock" XLNUMA_XEN_DUMPS=0 \
        "$xlnuma" create "$@" > out 2> err < /dev/null
    rc=$?
}

# argv_is WORD...: xl's first words were exactly these; the rest are
# generated overrides only, the ones the decision printed, and at least
# $nr_over of them.
argv_is() {
    [ -f argv ] || { echo "xl did not run"; return 1; }
    printf '%s\000' "$@" > want
    n=$(wc -c < want)
    if ! head -c "$n" argv | cmp -s - want; then
        echo "xl got:"
        tr '\000' '\n' < argv | sed 's/^/    /'
        return 1
    fi
    tail -c +$((n + 1)) argv | tr '\000' '\n' > rest
    sed -n 's/^  \(cpus\(_soft\)\{0,1\}=.*\)$/\1/p' out > printed
    if grep -Ev '^cpus(_soft)?="(nodes:)?[0-9][0-9,:nodes-]*"$' rest; then
        echo "^ not a generated override"
        return 1
    fi
    if ! cmp -s rest printed; then
        echo "overrides given to xl differ from those printed:"
        cat rest printed
        return 1
    fi
    [ "$(wc -l < rest)" -ge "$nr_over" ] ||
        { echo "$(wc -l < rest) overrides, expected $nr_over"; return 1; }
}

# accepted NAME ARGS...: create exits 0, verified, xl got the words.
accepted() {
    name=$1
    shift
    create "$@"
    if [ $rc = 0 ] && grep -q '^xl-numa: verified: ' err &&
        argv_is create "$@" > why 2>&1; then
        pass "$name"
    else
        fail "$name" "exit $rc"
        sed 's/^/    /' why err | head -n 12
    fi
}

# refused NAME MESSAGE ARGS...: exit 1 with MESSAGE, xl never ran.
refused() {
    name=$1
    msg=$2
    shift 2
    create "$@"
    if [ $rc = 1 ] && [ ! -f argv ] && grep -q -F -e "$msg" err; then
        pass "$name"
    else
        fail "$name" "exit $rc, xl $([ -f argv ] && echo ran ||
            echo 'did not run'), wanted \"$msg\" on stderr"
        sed 's/^/    /' err | head -n 5
    fi
}

nr_over=1
accepted "a plain create gives xl the config and cpus_soft only" g.cfg
if grep -q '^record-xl: stdout: ' err && grep -q '^record-xl: stderr: ' err
then
    pass "xl's stdout and stderr both reach xl-numa's stderr"
else
    fail "xl's stdout and stderr both reach xl-numa's stderr" \
        "$(tr '\n' '|' < err)"
fi
nr_over=2
accepted "pin mode gives xl cpus and cpus_soft, generated" \
    g.cfg 'numa_placement_mode="pin"'
nr_over=1
accepted "xl options pass through as they are" g.cfg -p -q
accepted "a ';' inside a string is one argument, one word" \
    g.cfg 'name="a; cpus_soft=\"0\""'
accepted "\$(...) inside a string is one word, not run" \
    g.cfg "name=\"\$(touch $canary-arg1)\""
accepted "backticks inside a string are one word, not run" \
    g.cfg "name=\"\`touch $canary-arg2\`\""
accepted "quotes of both kinds and a comment stay in their word" \
    g.cfg "name='it\\'s \"x\"'" "memory=512 # ; cpus_soft=\"0\""
accepted "config values with quotes, ';', \$(...), backticks: xl gets none" \
    evil-ok.cfg

refused "a ';' after a value is refused: it would start a second line" \
    "is more than one KEY=VALUE: a ';' ends an xl config line" \
    g.cfg 'memory=256;cpus_soft="0"'
refused "a ';' after a string is refused" \
    "is more than one KEY=VALUE" g.cfg 'name="x"; cpus="0-79"'
refused "a newline in an argument is refused" \
    "is more than one KEY=VALUE: a newline ends an xl config line" \
    g.cfg 'memory=256
cpus_soft="0"'
refused "a carriage return in an argument is refused" \
    "is more than one KEY=VALUE: a newline" \
    g.cfg "$(printf 'memory=256\rcpus_soft="0"')"
refused "a config path that xl would read as options is refused" \
    "starts with '-', which xl would read as options" -- -n
refused "an argument starting with '-' must be an xl option" \
    "is not an xl create option" g.cfg '-f/etc/evil.cfg'
refused "a word that is neither an option nor KEY=VALUE is refused" \
    "is neither an xl create option nor KEY=VALUE" \
    g.cfg "\$(touch $canary-word)"
refused "a config with a syntax error is refused" "" evil.cfg
refused "a pool named like a command is an unknown pool" \
    "touch $canary-pool" pool.cfg

# The user's own cpus_soft=: placement is skipped, xl gets the
# configuration as it is and no override at all.
nr_over=0
create g.cfg 'cpus_soft="0-3"'
if [ $rc = 0 ] && argv_is create g.cfg 'cpus_soft="0-3"' > why 2>&1 &&
    [ ! -s rest ]; then
    pass "a manual cpus_soft= gets no generated override"
else
    fail "a manual cpus_soft= gets no generated override" "exit $rc"
    sed 's/^/    /' why err | head -n 8
fi

check "nothing was executed (no canary file)" \
    test -z "$(ls "$scratch" | grep pwned)"
finish
