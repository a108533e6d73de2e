# SPDX-License-Identifier: GPL-2.0
# The command-line conventions of kradar's shell tools, the same as
# host/lib/cli.h gives the C ones (Documentation/cli.rst). Sourced by
# each tool after it has set PROG (its name) and TOP (the tree it runs
# from, the source tree or PREFIX/share/kradar once installed):
#   -h, --help      usage on stdout, exit 0
#   -V, --version   "PROG DESCRIBE" on stdout, exit 0
#   a bad option    one line on stderr naming the program, exit 2

# The git describe string: TOP/VERSION once installed, else the tree's.
kradar_version() {
	v=$(cat "$TOP/VERSION" 2>/dev/null) ||
		v=$(git -C "$TOP" describe --always --dirty 2>/dev/null) || v=unknown
	echo "$PROG $v"
}

# kradar_bad_option ARG: one line, exit 2
kradar_bad_option() {
	case "$1" in
	-*) echo "$PROG: unknown option '$1' (usage: $PROG --help)" >&2 ;;
	*) echo "$PROG: unexpected argument '$1' (usage: $PROG --help)" >&2 ;;
	esac
	exit 2
}
