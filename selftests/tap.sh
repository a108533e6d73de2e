# shellcheck shell=sh
# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the shell suites, sourced by them (not a suite itself:
# selftests/run-all runs test_*.sh). The caller prints the plan,
# "1..$n", at the end; $nfail counts the failures.
#   pass NAME            ok N - NAME
#   fail NAME [LINE...]  not ok N - NAME, then each LINE as a comment
#                        (what was expected, what came)
#   skip NAME WHY        ok N - NAME # SKIP WHY
n=0
nfail=0
pass() { n=$((n + 1)); echo "ok $n - $1"; }
fail() {
	n=$((n + 1)); nfail=$((nfail + 1))
	echo "not ok $n - $1"; shift
	for l in "$@"; do printf '#   %s\n' "$l"; done
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
