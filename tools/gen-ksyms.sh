#!/usr/bin/env bash
# Emits an assembly file holding the kernel's function symbols, sorted by
# address, for symbolized backtraces:  gen-ksyms.sh kernel.elf > ksyms.S
# With --check A B it verifies that two links placed every text symbol at the
# same address (the table must not move the code it describes).
set -euo pipefail
if [ "${1:-}" = "--check" ]; then
    a=$(nm -n "$2" | grep -i ' t ' | grep -v ksyms | md5sum); b=$(nm -n "$3" | grep -i ' t ' | grep -v ksyms | md5sum)
    [ "$a" = "$b" ] || { echo "gen-ksyms: symbol addresses moved between link passes" >&2; exit 1; }
    exit 0
fi
elf=$1
echo '    .section .note.GNU-stack, "", @progbits'
echo '    .section .ksyms, "a"'
echo '    .balign 8'
echo '    .global ksyms_count, ksyms_addrs, ksyms_names'
if [ "$elf" = /dev/null ]; then
    echo 'ksyms_count: .quad 0'
    echo 'ksyms_addrs:'
    echo 'ksyms_names:'
    exit 0
fi
syms=$(nm -n "$elf" | awk '$2 ~ /^[tTwW]$/ && $1 ~ /^ffffffff8/ {print $1, $3}')
n=$(printf '%s\n' "$syms" | grep -c . || true)
echo "ksyms_count: .quad $n"
echo 'ksyms_addrs:'
printf '%s\n' "$syms" | awk '{print "    .quad 0x" $1}'
echo 'ksyms_names:'
printf '%s\n' "$syms" | awk '{print "    .asciz \"" $2 "\""}'
