#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Tests of tools/kradar-config-check against configs/kradar.config.
# TAP output; on failure prints actual vs expected.
#
# Synthetic configurations are made from the fragment itself (every
# option as wanted), then broken one option at a time, so the tests
# follow the fragment instead of repeating it.
# Needs: cc, make, zlib (to build the tool), gzip, jq (JSON tests SKIP
# without it). Optional:
#   /boot/config-*-cloud-amd64   Debian cloud kernel config (else SKIP)
#   KRADAR_KSRC=DIR              a Linux source tree: checks every option
#                                name against its Kconfig files and merges
#                                the fragment into x86_64_defconfig (else SKIP)
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
export BUILD
FRAG=$top/configs/kradar.config
TOOL=$top/tools/kradar-config-check
unset KRADAR_FRAGMENT

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

. "$top/selftests/tap.sh"

# run ARGS...: sets $rc, stdout in $tmp/out, stderr in $tmp/err
run() {
	"$TOOL" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# check NAME RC [out|err PATTERN]...: exit status and fixed strings
check() {
	name=$1 want=$2
	shift 2
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit status: actual $rc, expected $want" \
			"stdout: $(head -c 600 "$tmp/out")" "stderr: $(head -c 600 "$tmp/err")"
		return
	fi
	while [ $# -ge 2 ]; do
		if ! grep -qF -- "$2" "$tmp/$1"; then
			fail "$name" "$1 lacks: $2" "actual $1: $(head -c 800 "$tmp/$1")"
			return
		fi
		shift 2
	done
	pass "$name"
}

# lacks NAME STREAM PATTERN: the output must not mention PATTERN
lacks() {
	if grep -qF -- "$3" "$tmp/$2"; then
		fail "$1" "$2 mentions '$3' but should not" "$(grep -F -- "$3" "$tmp/$2" | head -3)"
	else
		pass "$1"
	fi
}

# consequence SYMBOL: the fragment's text for CONFIG_SYMBOL
consequence() {
	awk -v opt="CONFIG_$1" '
		/^# kradar: / { ann = $0; next }
		$0 ~ "^(# )?" opt "[= ]" { sub(/^# kradar: [a-z]+: /, "", ann); print ann; exit }
		{ ann = "" }' "$FRAG"
}

# A configuration with every fragment option as wanted
sed -n -e '/^CONFIG_/p' -e '/^# CONFIG_.* is not set$/p' "$FRAG" >"$tmp/good.config"
# without SYMBOL (deleted), or with SYMBOL's line replaced by LINE
without() { grep -v -E "^(# )?CONFIG_$1[= ]" "$tmp/good.config"; }
with() { without "$1"; echo "$2"; }

# --- the tool builds from a fresh tree (wrapper) -----------------------
fresh=$tmp/fresh-build
BUILD=$fresh "$TOOL" "$tmp/good.config" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ -x "$fresh/kradar-config-check" ]; then
	check "wrapper builds the tool into an empty BUILD and runs it" 0 out "result: ok"
else
	fail "wrapper builds the tool into an empty BUILD and runs it" \
		"no $fresh/kradar-config-check after the run (exit $rc)" "stderr: $(cat "$tmp/err")"
fi

# --- complete and broken synthetic configs -----------------------------
total=$(grep -c '^# kradar: \(fatal\|degraded\|nice\):' "$FRAG")
run "$tmp/good.config"
check "config made from the fragment: nothing missing" 0 out "all $total options as kradar wants them"

without TRACEPOINTS >"$tmp/c"
run "$tmp/c"
check "TRACEPOINTS removed: exit 1, fatal, with its consequence" 1 \
	out "fatal (kradar does not work):" \
	out "CONFIG_TRACEPOINTS missing: $(consequence TRACEPOINTS)" \
	out "1 fatal, 0 degraded, 0 nice"
lacks "TRACEPOINTS removed: its enabling options are present, so no 'also set'" out "also set"

with TRACEPOINTS "# CONFIG_TRACEPOINTS is not set" >"$tmp/c"
run "$tmp/c"
check "TRACEPOINTS 'is not set': fatal" 1 out "CONFIG_TRACEPOINTS missing:"

without TRACEPOINTS | grep -v -E '^CONFIG_(FTRACE|FUNCTION_TRACER)=' >"$tmp/c"
run "$tmp/c"
check "TRACEPOINTS and its enablers removed: names what to set" 1 \
	out "also set: CONFIG_FTRACE=y, CONFIG_FUNCTION_TRACER=y"

without VIRTIO_CONSOLE >"$tmp/c"
run "$tmp/c"
check "VIRTIO_CONSOLE removed: fatal (no record stream)" 1 \
	out "CONFIG_VIRTIO_CONSOLE missing: $(consequence VIRTIO_CONSOLE)"

with VIRTIO_CONSOLE "CONFIG_VIRTIO_CONSOLE=y" >"$tmp/c"
run "$tmp/c"
check "VIRTIO_CONSOLE=y satisfies a module option (=m)" 0 out "result: ok"

with SERIAL_8250 "CONFIG_SERIAL_8250=m" >"$tmp/c"
run "$tmp/c"
check "SERIAL_8250=m does not satisfy a built-in option (=y)" 1 \
	out "CONFIG_SERIAL_8250=m, needs =y: $(consequence SERIAL_8250)"

with MODULE_SIG_FORCE "CONFIG_MODULE_SIG_FORCE=y" >"$tmp/c"
run "$tmp/c"
check "MODULE_SIG_FORCE=y: an option that must be off is on" 1 \
	out "CONFIG_MODULE_SIG_FORCE=y, must not be set: $(consequence MODULE_SIG_FORCE)"

without VETH >"$tmp/c"
run "$tmp/c"
check "VETH removed: exit 1, degraded only" 1 \
	out "degraded (a scenario or a kind of evidence is lost):" \
	out "CONFIG_VETH missing: $(consequence VETH)" \
	out "0 fatal, 1 degraded, 0 nice"
lacks "VETH removed: no fatal group" out "fatal (kradar"

without RCU_TRACE >"$tmp/c"
run "$tmp/c"
check "RCU_TRACE removed: nice to have only, exit 0" 0 \
	out "nice to have (the evidence is poorer):" \
	out "CONFIG_RCU_TRACE missing: $(consequence RCU_TRACE)"

with RCU_CPU_STALL_TIMEOUT "CONFIG_RCU_CPU_STALL_TIMEOUT=60" >"$tmp/c"
run "$tmp/c"
check "RCU_CPU_STALL_TIMEOUT=60: value differs, nice to have" 0 \
	out "CONFIG_RCU_CPU_STALL_TIMEOUT=60, wants 21:"

{ cat "$tmp/good.config"; echo "CONFIG_TRACEPOINTS=n"; } >"$tmp/c"
run "$tmp/c"
check "a later assignment wins (TRACEPOINTS=n after =y)" 1 out "CONFIG_TRACEPOINTS missing:"

# --- input formats -----------------------------------------------------
without KPROBES | sed 's/$/\r/' >"$tmp/c"
run "$tmp/c"
check "CRLF line ends are read like LF" 1 out "CONFIG_KPROBES missing:" out "0 fatal, 1 degraded, 0 nice"

# The last line (without a newline) holds IKCONFIG_PROC: if it were
# dropped, a nice-to-have would be reported too
without KPROBES | grep -v '^CONFIG_IKCONFIG_PROC=' >"$tmp/c"
printf 'CONFIG_IKCONFIG_PROC=y' >>"$tmp/c"
run "$tmp/c"
check "last line without a newline is read" 1 out "0 fatal, 1 degraded, 0 nice"

without KPROBES | gzip -c >"$tmp/c.gz"
run "$tmp/c.gz"
check "gzip config (as /proc/config.gz) is decompressed" 1 out "CONFIG_KPROBES missing:"

"$TOOL" - <"$tmp/c.gz" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "- reads stdin, gzip too" 1 out "CONFIG_KPROBES missing:" out "(stdin)"

head -c 200 "$tmp/c.gz" >"$tmp/t.gz"
run "$tmp/t.gz"
check "truncated gzip: exit 2, says so" 2 err "truncated"

{ printf '\037\213\010\000\000\000\000\000\000\003'; head -c 300 "$FRAG"; } >"$tmp/bad.gz"
run "$tmp/bad.gz"
check "corrupt gzip data: exit 2" 2 err "cannot read config"

run "$BUILD/kradar-config-check"
check "binary file (the tool itself): exit 2, names it" 2 err "binary data (NUL byte"

printf 'hello world\nthis is not a config\n' >"$tmp/c"
run "$tmp/c"
check "text garbage: exit 2, names the line" 2 err "c:1 is not a kernel configuration line"

{ head -5 "$tmp/good.config"; printf '\001\002\377\376 junk\n'; } >"$tmp/c"
run "$tmp/c"
check "control bytes: exit 2, line number, printable message" 2 err "c:6 is not a kernel configuration line"
if LC_ALL=C grep -q '[^[:print:]]' "$tmp/err"; then
	fail "error message about control bytes is printable" "stderr: $(od -c "$tmp/err" | head -3)"
else
	pass "error message about control bytes is printable"
fi

{ printf 'CONFIG_CMDLINE="'; head -c 70000 /dev/zero | tr '\0' a; printf '"\n'; } >"$tmp/c"
run "$tmp/c"
check "70000-byte line: exit 2" 2 err "line longer than 65536 bytes"

head -c 100 /dev/zero | tr '\0' '\n' >"$tmp/c"
run "$tmp/c"
check "only blank lines: exit 2" 2 err "has no CONFIG_ lines"

: >"$tmp/c"
run "$tmp/c"
check "empty file: exit 2" 2 err "has no CONFIG_ lines"

run "$tmp/does-not-exist"
check "missing file: exit 2, names it" 2 err "cannot open config $tmp/does-not-exist"

run "$tmp"
check "directory: exit 2" 2 err "Is a directory"

run
check "no argument: usage, exit 2" 2 err "usage:"

run --frobnicate "$tmp/good.config"
check "unknown option: exit 2" 2 err "usage:"

# --- fragment errors and --fragment ------------------------------------
printf '# kradar: fatal: a test consequence\nCONFIG_KPROBES=y\n' >"$tmp/f1"
without KPROBES >"$tmp/c"
run --fragment "$tmp/f1" "$tmp/c"
check "--fragment replaces the default fragment" 1 \
	out "(1 options)" out "CONFIG_KPROBES missing: a test consequence"

printf 'CONFIG_KPROBES=y\n' >"$tmp/f2"
run --fragment "$tmp/f2" "$tmp/good.config"
check "fragment option without annotation: exit 2" 2 err "f2:1: CONFIG_KPROBES has no '# kradar:"

printf '# kradar: nice: see CONFIG_FOO\nCONFIG_KPROBES=y\n' >"$tmp/f3"
run --fragment "$tmp/f3" "$tmp/good.config"
check "annotation spelling CONFIG_ (breaks merge_config.sh): exit 2" 2 err "f3:1: annotation spells CONFIG_"

printf '# kradar: enables: NOPE\nCONFIG_KPROBES=y\n' >"$tmp/f4"
run --fragment "$tmp/f4" "$tmp/good.config"
check "enables an option not in the fragment: exit 2" 2 err "enables NOPE"

printf '# kradar: severe: x\nCONFIG_KPROBES=y\n' >"$tmp/f5"
run --fragment "$tmp/f5" "$tmp/good.config"
check "unknown severity: exit 2" 2 err "unknown severity"

run --fragment "$tmp/nope" "$tmp/good.config"
check "missing fragment: exit 2, names it" 2 err "cannot open fragment $tmp/nope"

KRADAR_FRAGMENT=$tmp/f1 "$BUILD/kradar-config-check" "$tmp/c" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "KRADAR_FRAGMENT selects the fragment" 1 out "a test consequence"

# --- JSON ---------------------------------------------------------------
if command -v jq >/dev/null 2>&1; then
	without TRACEPOINTS | grep -v -E '^CONFIG_(VETH|TUN)=' |
		grep -v '^CONFIG_LOCKDEP=' >"$tmp/c"
	run --json "$tmp/c"
	got=$(jq -r '"\(.counts.fatal) \(.counts.degraded) \(.counts.nice) \(.missing|length) \(.result)"' \
		"$tmp/out" 2>&1)
	if [ $rc = 1 ] && [ "$got" = "1 2 1 4 fatal" ]; then
		pass "--json parses; counts fatal 1, degraded 2, nice 1"
	else
		fail "--json parses; counts fatal 1, degraded 2, nice 1" \
			"actual: exit $rc, '$got'" "expected: exit 1, '1 2 1 4 fatal'"
	fi
	got=$(jq -r '.missing[] | select(.option == "CONFIG_TRACEPOINTS") | "\(.severity)|\(.problem)|\(.want)|\(.have)|\(.consequence)"' "$tmp/out" 2>&1)
	want="fatal|missing|y|null|$(consequence TRACEPOINTS)"
	if [ "$got" = "$want" ]; then
		pass "--json entry carries severity, problem, values and consequence"
	else
		fail "--json entry carries severity, problem, values and consequence" \
			"actual:   $got" "expected: $want"
	fi
	got=$(jq -r '.missing[] | select(.option == "CONFIG_LOCKDEP") | .also_set | join(",")' "$tmp/out" 2>&1)
	if [ "$got" = "" ]; then
		pass "--json also_set empty when the enabling option is present"
	else
		fail "--json also_set empty when the enabling option is present" "actual: '$got'"
	fi
	run --json "$tmp/good.config"
	got=$(jq -r '"\(.counts.fatal) \(.counts.degraded) \(.counts.nice) \(.missing|length) \(.result) \(.checked)"' "$tmp/out" 2>&1)
	if [ $rc = 0 ] && [ "$got" = "0 0 0 0 ok $total" ]; then
		pass "--json on a complete config: empty list, result ok"
	else
		fail "--json on a complete config: empty list, result ok" \
			"actual: exit $rc, '$got'" "expected: exit 0, '0 0 0 0 ok $total'"
	fi
	with RCU_CPU_STALL_TIMEOUT "CONFIG_RCU_CPU_STALL_TIMEOUT=\"a\\\"b$(printf '\001')\"" >"$tmp/c"
	run --json "$tmp/c"
	got=$(jq -r '.missing[0].have' "$tmp/out" 2>&1)
	if [ $rc = 0 ] && [ "$got" = "\"a\\\"b$(printf '\001')\"" ]; then
		pass "--json escapes quotes and control bytes from the config"
	else
		fail "--json escapes quotes and control bytes from the config" \
			"actual: exit $rc, $(printf '%s' "$got" | od -c | head -2)"
	fi
	run --json "$BUILD/kradar-config-check"
	got=$(jq -r .error "$tmp/out" 2>&1)
	case "$rc:$got" in
	2:*"binary data"*) pass "--json error: exit 2 and an {\"error\": ...} object" ;;
	*) fail "--json error: exit 2 and an {\"error\": ...} object" "actual: exit $rc, '$got'" ;;
	esac
else
	skip "--json counts" "jq not installed"
fi

# --- the Debian cloud kernel -------------------------------------------
cloud=$(ls /boot/config-*-cloud-amd64 2>/dev/null | tail -1)
if [ -n "$cloud" ]; then
	run "$cloud"
	check "Debian cloud config ($(basename "$cloud")): usable, exit 0" 0 \
		out "result: ok: 0 fatal, 0 degraded"
	check "Debian cloud config: lacks RCU_TRACE (nice to have)" 0 \
		out "CONFIG_RCU_TRACE missing: $(consequence RCU_TRACE)"
	check "Debian cloud config: lacks LOCKDEP, names PROVE_LOCKING" 0 \
		out "CONFIG_LOCKDEP missing: $(consequence LOCKDEP)" \
		out "also set: CONFIG_PROVE_LOCKING=y"
	gzip -c "$cloud" >"$tmp/cloud.gz"
	run "$tmp/cloud.gz"
	"$TOOL" "$cloud" >"$tmp/plain" 2>&1
	if [ $rc = 0 ] && [ "$(sed 1d "$tmp/out")" = "$(sed 1d "$tmp/plain")" ]; then
		pass "Debian cloud config gzipped: same report as plain"
	else
		fail "Debian cloud config gzipped: same report as plain" \
			"exit $rc" "$(diff "$tmp/plain" "$tmp/out" | head -5)"
	fi
else
	skip "Debian cloud config" "no /boot/config-*-cloud-amd64 (tools/kradar-deps installs it)"
fi

# --- the fragment against real Kconfig ---------------------------------
if [ -n "${KRADAR_KSRC:-}" ] && [ -f "$KRADAR_KSRC/scripts/kconfig/merge_config.sh" ]; then
	missing=
	for s in $(sed -n -e 's/^CONFIG_\([A-Za-z0-9_]*\)=.*/\1/p' \
			-e 's/^# CONFIG_\([A-Za-z0-9_]*\) is not set$/\1/p' "$FRAG"); do
		grep -rqE "^[[:space:]]*(menu)?config $s\$" --include='Kconfig*' \
			"$KRADAR_KSRC" || missing="$missing $s"
	done
	if [ -z "$missing" ]; then
		pass "every fragment option exists in $KRADAR_KSRC Kconfig"
	else
		fail "every fragment option exists in $KRADAR_KSRC Kconfig" "unknown:$missing"
	fi
	o=$tmp/kbuild
	mkdir -p "$o"
	if make -s -C "$KRADAR_KSRC" O="$o" x86_64_defconfig >"$tmp/kb.log" 2>&1 &&
	   (cd "$KRADAR_KSRC" && scripts/kconfig/merge_config.sh -y -O "$o" "$o/.config" "$FRAG") >>"$tmp/kb.log" 2>&1; then
		run "$o/.config"
		# Newer kernels offer DEBUG_INFO_BTF only when pahole is installed
		# (6.12: PAHOLE_VERSION >= 116); then it is the one gap allowed
		nobtf=
		command -v pahole >/dev/null 2>&1 || nobtf=CONFIG_DEBUG_INFO_BTF
		if [ -n "$nobtf" ] && grep -q "^  $nobtf missing" "$tmp/out"; then
			check "x86_64_defconfig + fragment (merge_config.sh -y): all but DEBUG_INFO_BTF (no pahole)" 0 \
				out "result: ok: 0 fatal, 0 degraded, 1 nice to have missing"
		else
			check "x86_64_defconfig + fragment (merge_config.sh -y): everything as wanted" 0 \
				out "all $total options as kradar wants them"
		fi
		# merge_config.sh must not report a fragment value as lost; an
		# option that must be off and is absent (dependency unmet) is fine
		bad=$(sed -n 's/^Value requested for \(CONFIG_[A-Za-z0-9_]*\) not in final .config$/\1/p' \
			"$tmp/kb.log" | sort -u | while read -r c; do
				[ "$c" = "$nobtf" ] && continue
				grep -qE "^$c=" "$FRAG" && echo "$c"
				grep -qx "# $c is not set" "$FRAG" &&
					grep -qE "^$c=" "$o/.config" && echo "$c"
			done)
		if [ -z "$bad" ]; then
			pass "merge_config.sh keeps every fragment value"
		else
			fail "merge_config.sh keeps every fragment value" "not in final .config: $bad"
		fi
	else
		fail "x86_64_defconfig + fragment" "$(tail -5 "$tmp/kb.log")"
	fi
else
	skip "fragment against real Kconfig" "set KRADAR_KSRC to a Linux source tree (linux-source-6.1)"
fi

echo "1..$n"
[ $nfail -eq 0 ]
