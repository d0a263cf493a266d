#!/usr/bin/env bash
# Checks the seam between generic code and the architecture
# (docs/architecture.md), so a change that crosses it fails the build:
#  - generic code (kernel/, include/ outside include/arch/) includes no
#    x86-only header (arch/x86.h, arch/apic.h, arch/gdt.h) and has no inline
#    assembly (only the compiler barrier of kernel/kernel.h);
#  - arch/ includes, of the subsystems above it, only the headers that declare
#    the entry points it calls: kernel/, lib/, uapi/, mm/uaccess.h,
#    mm/kheap.h, and in trap.c the fault, signal, return-to-user and
#    reschedule entries (mm/vm.h, proc/signal.h, proc/proc.h, sched/sched.h).
# Run from the top of the tree: check-layers.sh
set -euo pipefail
status=0
fail() { echo "check-layers: $*" >&2; status=1; }

generic=$(find kernel include -name '*.[ch]' -not -path 'include/arch/*' | sort)
while IFS=: read -r file line text; do
    fail "$file:$line: generic code includes an x86-only header: $text"
done < <(grep -nE '#include <arch/(x86|apic|gdt)\.h>' $generic || true)
while IFS=: read -r file line text; do
    fail "$file:$line: inline assembly in generic code (it belongs in arch/): $text"
done < <(grep -nE '__asm__|\basm\b *(volatile|\()' $generic | grep -v 'define barrier() __asm__ volatile("" ::: "memory")' || true)

for file in $(find arch -name '*.[chS]' -not -path 'arch/*/vdso/*' | sort); do
    while IFS=: read -r line text; do
        hdr=$(sed -E 's/.*#include <([^>]*)>.*/\1/' <<<"$text")
        case "$hdr" in
            arch/* | kernel/* | lib/* | uapi/* | mm/uaccess.h | mm/kheap.h | std*.h) ;;
            mm/vm.h | proc/signal.h | proc/proc.h | sched/sched.h)
                [ "$(basename "$file")" = trap.c ] || fail "$file:$line: only trap.c calls into $hdr" ;;
            *) fail "$file:$line: arch/ reaches into $hdr" ;;
        esac
    done < <(grep -nE '^#include <' "$file" | sed 's/^\([0-9]*\):/\1:/' || true)
done
exit $status
