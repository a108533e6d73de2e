#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Kernel code style: checkpatch.pl --strict on every module source file.
# checkpatch comes from Debian's linux-source-6.1 (tools/kradar-deps);
# skipped when that is not installed. Justified exception, ignored:
# LINUX_VERSION_CODE (and the constant-on-the-left warning checkpatch
# gives for "#if LINUX_VERSION_CODE < KERNEL_VERSION(...)"), which
# kmod/compat/ exists to hold.
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
cp=$BUILD/checkpatch/scripts/checkpatch.pl
tarball=$(ls /usr/src/linux-source-6.1*.tar.xz 2>/dev/null | tail -n 1)
files=$(cd "$top" && ls kmod/*.c kmod/*.h kmod/compat/*.h selftests/guest/kmod/*.c 2>/dev/null | grep -v '\.mod\.c$')
if [ ! -x "$cp" ] && [ -n "$tarball" ]; then
	mkdir -p "$BUILD/checkpatch" &&
	tar -xJf "$tarball" -C "$BUILD/checkpatch" --strip-components=1 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' 2>/dev/null
fi
n=0
for f in $files; do
	n=$((n + 1))
	if [ ! -x "$cp" ]; then
		echo "ok $n - checkpatch $f # SKIP checkpatch.pl unavailable (install linux-source-6.1)"
		continue
	fi
	out=$(cd "$top" && "$cp" --strict --no-tree --quiet --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f "$f" 2>&1)
	if [ -z "$out" ]; then
		echo "ok $n - checkpatch --strict $f"
	else
		echo "not ok $n - checkpatch --strict $f"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
done
