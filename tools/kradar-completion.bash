# SPDX-License-Identifier: GPL-2.0
# bash completion for kradar and the kradar-* commands (make install puts
# it in share/bash-completion/completions/, once as kradar and linked for
# each command). Options come from each command's --help, so they cannot
# drift; values from the lists the commands themselves accept.

_kradar_words() # CMD CUR PREV: candidates for one word of kradar-CMD
{
	local cmd=$1 cur=$2 prev=$3 bin dir
	case "$prev" in
	--kernel) COMPREPLY=($(compgen -W "6.1 6.1-rt 6.12 6.12-rt 7.2 7.2-rt debug" -- "$cur"))
		COMPREPLY+=($(compgen -f -- "$cur")); return ;;
	--scenario|--scenarios)
		bin=$(command -v kradar-run 2>/dev/null) && dir=$(dirname "$(readlink -f "$bin")")/scenarios
		[ -d "${dir:-}" ] && COMPREPLY=($(compgen -W "$(ls "$dir")" -- "$cur"))
		return ;;
	--format) COMPREPLY=($(compgen -W "text email json perfetto" -- "$cur")); return ;;
	--qemu) COMPREPLY=($(compgen -W "10 system" -- "$cur")); COMPREPLY+=($(compgen -f -- "$cur")); return ;;
	--flavour) COMPREPLY=($(compgen -W "cloud rt" -- "$cur")); return ;;
	--tcg-threads) COMPREPLY=($(compgen -W "multi single" -- "$cur")); return ;;
	--vport|--input|--out|--serial|--resume|--syzbot-report|--syzbot-log|--vmlinux|--ko|\
	--qmp|--replay|--kallsyms|--record|--fragment|--evidence|--bundle|--kdir|--modules|\
	--module-override|--add|--src|-o)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$("kradar-$cmd" --help 2>/dev/null |
			grep -o -- '--[a-z][a-z0-9-]*' | sort -u)" -- "$cur"))
		return
	fi
	case "$cmd:$COMP_CWORD_SUB" in
	lore:1) COMPREPLY=($(compgen -W "summary reply help" -- "$cur")); return ;;
	apt:1) COMPREPLY=($(compgen -W "cache update version depends fetch" -- "$cur")); return ;;
	validate-taprio:1) COMPREPLY=($(compgen -W "build table" -- "$cur")); return ;;
	kernel:1) COMPREPLY=($(compgen -W "6.1 6.1-rt 6.12 6.12-rt 7.2 7.2-rt debug --list --path" -- "$cur")); return ;;
	qemu:1) COMPREPLY=($(compgen -W "system 10 --list --path" -- "$cur")); return ;;
	kdir:1) COMPREPLY=($(compgen -W "cloud rt" -- "$cur")); return ;;
	esac
	COMPREPLY=($(compgen -f -- "$cur"))
}

_kradar_cmd() # completion of kradar-CMD ...
{
	local COMP_CWORD_SUB=$COMP_CWORD
	_kradar_words "${1#kradar-}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
}

_kradar() # completion of kradar [CMD ...]
{
	local cur=${COMP_WORDS[COMP_CWORD]} COMP_CWORD_SUB=$((COMP_CWORD - 1))
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "help --help --version $(kradar --help 2>/dev/null |
			sed -n '/^commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')" -- "$cur"))
		return
	fi
	if [ "${COMP_WORDS[1]}" = help ]; then
		[ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$(kradar --help 2>/dev/null |
			sed -n '/^commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p')" -- "$cur"))
		return
	fi
	_kradar_words "${COMP_WORDS[1]}" "$cur" "${COMP_WORDS[COMP_CWORD-1]}"
}

complete -F _kradar kradar
complete -F _kradar_cmd kradar-run kradar-collect kradar-report kradar-compare \
	kradar-vcpus kradar-lore kradar-config-check kradar-kernel kradar-build-kernel \
	kradar-qemu kradar-validate-taprio kradar-apt kradar-kdir kradar-deps
