#!/usr/bin/env bash
# Checks the vDSO image the kernel embeds (docs/kernel.md, "The vDSO"), as
# Linux's vdso2c does, so a change that would break a libc's use of it fails
# the build:  check-vdso.sh vdso.so
#  - a shared object with no relocations (it is mapped, never relocated);
#  - the program headers glibc and musl read: PT_LOAD, PT_DYNAMIC, PT_NOTE,
#    PT_GNU_EH_FRAME, and both hash tables (musl reads DT_HASH);
#  - every entry point under its __vdso_ name and its plain one, at LINUX_2.6;
#  - at most 4 pages (kernel/vdso.c keeps room for that many).
set -euo pipefail
so=$1
fail() { echo "check-vdso: $so: $*" >&2; exit 1; }
hdr=$(readelf -h "$so")
grep -q 'Type: *DYN' <<<"$hdr" || fail "not a shared object"
relocs=$(readelf -r "$so")
grep -q 'There are no relocations' <<<"$relocs" || fail "has relocations:"$'\n'"$relocs"
phdrs=$(readelf -lW "$so")
for t in LOAD DYNAMIC NOTE GNU_EH_FRAME; do
    grep -q "^ *$t " <<<"$phdrs" || fail "no PT_$t program header"
done
[ "$(grep -c '^ *LOAD ' <<<"$phdrs")" = 1 ] || fail "more than one PT_LOAD"
dyn=$(readelf -dW "$so")
for t in HASH GNU_HASH SYMTAB STRTAB VERSYM VERDEF; do
    grep -q "($t)" <<<"$dyn" || fail "no DT_$t"
done
syms=$(readelf --dyn-syms -W "$so")
for f in clock_gettime gettimeofday time clock_getres getcpu; do
    for name in "__vdso_$f" "$f"; do
        grep -qE " FUNC +(GLOBAL|WEAK) +DEFAULT +[0-9]+ $name@@LINUX_2\.6\$" <<<"$syms" ||
            fail "does not export $name at LINUX_2.6"
    done
done
size=$(stat -c %s "$so")
[ "$size" -le 16384 ] || fail "is $size bytes, more than 4 pages"
exit 0
