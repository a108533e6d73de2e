#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The command-line conventions of every kradar command
# (Documentation/cli.rst), TAP output, actual vs expected on failure:
#   --help      exit 0, usage on stdout naming the program, stderr empty
#   --version   exit 0, "PROG DESCRIBE" on stdout (the C commands: the
#               describe string they were built with; the shell tools:
#               the tree's); -h and -V the same
#   --bogus     exit 2, stdout empty, one line on stderr naming the
#               program and the option
# then the kradar dispatcher (finds and runs each command, kradar help
# COMMAND, unknown commands) and make install DESTDIR=... (every binary,
# shell tool, man page and the completion in place; the installed
# commands answer --version). Needs make host; the install part SKIPs
# without rst2man (python3-docutils).
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
C_CMDS="kradar kradar-collect kradar-report kradar-compare kradar-vcpus kradar-lore kradar-config-check"
SH_CMDS="kradar-run kradar-kernel kradar-build-kernel kradar-qemu kradar-validate-taprio kradar-apt kradar-kdir kradar-deps"

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

. "$top/selftests/tap.sh"

# run CMD ARGS...: $rc, stdout in $tmp/out, stderr in $tmp/err
run() {
	"$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}
show() { echo "exit $rc" "stdout: $(head -c 400 "$tmp/out")" "stderr: $(head -c 400 "$tmp/err")"; }

# conventions NAME PATH VERSION: the three checks of one command
conventions() {
	name=$1 bin=$2 want=$3
	for h in --help -h; do
		run "$bin" $h
		if [ $rc -eq 0 ] && grep -qi 'usage' "$tmp/out" && grep -q "$name" "$tmp/out" &&
		   [ ! -s "$tmp/err" ]; then
			pass "$name $h: exit 0, usage on stdout"
		else
			fail "$name $h: exit 0, usage on stdout naming $name, nothing on stderr" "$(show)"
		fi
	done
	for v in --version -V; do
		run "$bin" $v
		if [ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "$name $want" ] && [ ! -s "$tmp/err" ]; then
			pass "$name $v: '$name $want'"
		else
			fail "$name $v" "expected: exit 0, stdout '$name $want'" "$(show)"
		fi
	done
	run "$bin" --bogus
	if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	   grep -q "^$name: .*--bogus" "$tmp/err"; then
		pass "$name --bogus: exit 2, one line naming $name and the option"
	else
		fail "$name --bogus: exit 2, one line on stderr naming $name and the option" "$(show)"
	fi
}

built=$(sed -n 's/^#define KRADAR_VERSION_STRING "\(.*\)"$/\1/p' "$BUILD/obj/lib/version.h" 2>/dev/null)
tree=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
[ -n "$built" ] || built=unknown

for c in $C_CMDS; do
	if [ ! -x "$BUILD/$c" ]; then
		fail "$c: $BUILD/$c built" "missing: run make"
		continue
	fi
	conventions "$c" "$BUILD/$c" "$built"
done
for t in $SH_CMDS; do
	conventions "$t" "$top/tools/$t" "$tree"
done

# --- the dispatcher -------------------------------------------------------
K=$BUILD/kradar
# kradar finds the shell tools in ../tools next to it: build/ in the
# source tree; another BUILD needs them named
[ "$(cd "$BUILD/../tools" 2>/dev/null && pwd)" = "$top/tools" ] || {
	KRADAR_EXEC_PATH=$top/tools
	export KRADAR_EXEC_PATH
}
if [ -x "$K" ]; then
	run "$K" help
	cmds=$(sed -n '/^commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p' "$tmp/out")
	if [ $rc -eq 0 ] && [ "$(echo $cmds | wc -w)" -eq 14 ]; then
		pass "kradar help: exit 0, lists 14 commands"
	else
		fail "kradar help: exit 0, lists 14 commands" "commands: $cmds" "$(show)"
	fi
	bad=
	for c in $cmds; do
		run "$K" "$c" --version
		case "$c" in
		run|kernel|build-kernel|qemu|validate-taprio|apt|kdir|deps) want=$tree ;;
		*) want=$built ;;
		esac
		[ $rc -eq 0 ] && [ "$(cat "$tmp/out")" = "kradar-$c $want" ] || bad="$bad $c($(show))"
	done
	[ -z "$bad" ] && pass "kradar COMMAND --version runs kradar-COMMAND, for each listed" ||
		fail "kradar COMMAND --version runs kradar-COMMAND" "failed:$bad"
	run "$K" help report
	"$BUILD/kradar-report" --help >"$tmp/direct" 2>&1
	[ $rc -eq 0 ] && cmp -s "$tmp/out" "$tmp/direct" &&
		pass "kradar help report: kradar-report --help" ||
		fail "kradar help report: kradar-report --help" "$(show)"
	run "$K" report --serial "$top/selftests/corpus/serial/rcu_stall_taprio.log"
	[ $rc -eq 1 ] && pass "kradar report: the command's exit status (1: finding)" ||
		fail "kradar report: the command's exit status, 1" "$(show)"
	run "$K" nosuch
	[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^kradar: 'nosuch'" "$tmp/err" &&
		pass "kradar nosuch: exit 2, one line" || fail "kradar nosuch: exit 2, one line" "$(show)"
	run "$K"
	[ $rc -eq 2 ] && grep -q usage "$tmp/err" && pass "kradar without a command: usage on stderr, exit 2" ||
		fail "kradar without a command: usage on stderr, exit 2" "$(show)"
	run "$K" --json
	[ $rc -eq 2 ] && pass "kradar --json: its own options only, exit 2" ||
		fail "kradar --json: exit 2" "$(show)"
fi

# --- make install ------------------------------------------------------------
if ! command -v rst2man >/dev/null 2>&1; then
	skip "make install" "no rst2man (apt-get install python3-docutils)"
else
	root=$tmp/root
	if make -s -C "$top" install PREFIX=/usr DESTDIR="$root" BUILD="$BUILD" >"$tmp/install.log" 2>&1; then
		pass "make install PREFIX=/usr DESTDIR=$root"
	else
		fail "make install PREFIX=/usr DESTDIR=..." "$(tail -n 20 "$tmp/install.log")"
	fi
	missing=
	for c in $C_CMDS; do
		[ -f "$root/usr/bin/$c" ] && [ -x "$root/usr/bin/$c" ] || missing="$missing bin/$c"
	done
	for t in $SH_CMDS; do
		[ -L "$root/usr/bin/$t" ] && [ -x "$root/usr/share/kradar/tools/$t" ] &&
			[ "$(readlink -f "$root/usr/bin/$t")" = "$(readlink -f "$root/usr/share/kradar/tools/$t")" ] ||
			missing="$missing bin/$t"
	done
	for c in $C_CMDS $SH_CMDS; do
		[ -s "$root/usr/share/man/man1/$c.1" ] || missing="$missing man1/$c.1"
		[ -e "$root/usr/share/bash-completion/completions/$c" ] || missing="$missing completions/$c"
	done
	for f in tools/cli.sh tools/scenarios/taprio-storm configs/kradar.config kmod/Kbuild \
		include/kradar_wire.h VERSION; do
		[ -s "$root/usr/share/kradar/$f" ] || missing="$missing share/kradar/$f"
	done
	[ -z "$missing" ] && pass "install: commands, shell tools, man pages, completion in place" ||
		fail "install: everything in place" "missing:$missing"
	bad=
	for c in $C_CMDS; do
		v=$("$root/usr/bin/$c" --version 2>&1) && [ "$v" = "$c $built" ] || bad="$bad $c($v)"
	done
	for t in $SH_CMDS; do
		v=$("$root/usr/bin/$t" --version 2>&1) && [ "$v" = "$t $(cat "$root/usr/share/kradar/VERSION")" ] ||
			bad="$bad $t($v)"
	done
	v=$("$root/usr/bin/kradar" run --version 2>&1) && [ "$v" = "kradar-run $(cat "$root/usr/share/kradar/VERSION")" ] ||
		bad="$bad kradar-run($v)"
	[ -z "$bad" ] && pass "installed commands answer --version (kradar run too)" ||
		fail "installed commands answer --version" "failed:$bad"
	grep -q '^\.TH "KRADAR-COLLECT" "\{0,1\}1' "$root/usr/share/man/man1/kradar-collect.1" &&
		! grep -q '@VERSION@' "$root"/usr/share/man/man1/*.1 &&
		pass "man pages: section 1, version filled in" ||
		fail "man pages: section 1, version filled in" "$(head -n 12 "$root/usr/share/man/man1/kradar-collect.1")"
	if command -v bash >/dev/null 2>&1; then
		out=$(PATH=$root/usr/bin:$PATH bash -c '. "$1"; COMP_WORDS=(kradar col); COMP_CWORD=1; _kradar; echo "${COMPREPLY[*]}";
			COMP_WORDS=(kradar-report --for); COMP_CWORD=1; _kradar_cmd kradar-report; echo "${COMPREPLY[*]}"' _ \
			"$root/usr/share/bash-completion/completions/kradar" 2>&1)
		[ "$out" = "$(printf 'collect\n--format')" ] && pass "bash completion: commands, options from --help" ||
			fail "bash completion: 'kradar col' -> collect, 'kradar-report --for' -> --format" "got: $out"
	fi
fi

# kradar-run --dry-run: the QEMU command line with the user's additions,
# each word quoted, and nothing booted
run "$top/tools/kradar-run" --no-probe --cmd true --dry-run --out "$tmp/dry" \
	--append 'kradar_x=1' --qemu-opts '-icount shift=0' --gdb 2345
if [ $rc -eq 0 ] && grep -q "'-append' '[^']* kradar_x=1'" "$tmp/out" &&
   grep -q "'-gdb' 'tcp::2345'" "$tmp/out" && grep -q "'-icount' 'shift=0'\$" "$tmp/out" &&
   [ ! -e "$tmp/dry/qemu.log" ]; then
	pass "kradar-run --dry-run: QEMU's command line with --append, --gdb and --qemu-opts, nothing booted"
elif [ $rc -eq 2 ] && grep -q "not found\|no kernel\|vmlinuz" "$tmp/err"; then
	skip "kradar-run --dry-run" "no guest kernel or QEMU here: $(head -n 1 "$tmp/err")"
else
	fail "kradar-run --dry-run: exit 0, -append with kradar_x=1, -gdb tcp::2345, -icount shift=0 last, no qemu.log" "$(show)"
fi

# kradar-run --kvm: KVM or an error, before anything is built
if [ -w /dev/kvm ]; then
	skip "kradar-run --kvm without KVM: exit 2 saying why" "this host has KVM"
else
	run "$top/tools/kradar-run" --kvm --no-probe --cmd true --dry-run --out "$tmp/kvm"
	if [ $rc -eq 2 ] && grep -q -- '--kvm: .*/dev/kvm' "$tmp/err" && [ ! -e "$tmp/kvm/initramfs.gz" ]; then
		pass "kradar-run --kvm without KVM: exit 2 saying why, nothing built"
	else
		fail "kradar-run --kvm without KVM: exit 2, '--kvm: ... /dev/kvm ...' on stderr, no initramfs" "$(show)"
	fi
fi

# kradar-collect --status-fd: the status line on that descriptor
run "$BUILD/kradar-collect" --input "$top/selftests/corpus/stream/storm.bin" --out "$tmp/sfd" --status-fd 1
if grep -q 'kradar-collect: .* | [0-9]* records, .* storms, .* gaps, .* locks, .* stuck, .* hung | lost ' "$tmp/out"; then
	pass "kradar-collect --status-fd 1: the status line on stdout"
else
	fail "kradar-collect --status-fd 1: 'kradar-collect: STATE | ... | N records, ... storms, ... gaps, ... locks, ... stuck, ... hung | lost ...' on stdout" "$(show)"
fi
run "$BUILD/kradar-collect" --input "$top/selftests/corpus/stream/storm.bin" --out "$tmp/sfd2" --status-fd 77
if [ $rc -eq 2 ] && grep -q -- '--status-fd wants an open file descriptor' "$tmp/err"; then
	pass "kradar-collect --status-fd on a closed descriptor: exit 2 saying so"
else
	fail "kradar-collect --status-fd 77 (closed): exit 2, '--status-fd wants an open file descriptor'" "$(show)"
fi

echo "1..$n"
