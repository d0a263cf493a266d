#!/usr/bin/env bash
# Checks the seam between generic code and the architecture
# (docs/architecture.md), so a change that crosses it fails the build:
#  - generic code (kernel/, include/ outside include/arch/) includes no
#    x86-only header (arch/x86.h, arch/apic.h, arch/gdt.h) and has no inline
#    assembly (only the compiler barrier of kernel/kernel.h);
#  - arch/ includes, of the subsystems above it, only the headers that declare
#    the entry points it calls: kernel/, lib/, uapi/, mm/uaccess.h,
#    mm/kheap.h, and in trap.c the fault, signal, return-to-user and
#    reschedule entries (mm/vm.h, proc/signal.h, proc/proc.h, sched/sched.h);
#  - the subsystems above the seam include no header of a layer above their
#    own (docs/architecture.md, "The layers"), but for the few edges listed
#    there, named here file by file: the base headers (include/kernel/)
#    none of mm, sched, proc, fs, net (struct task's, of the types it
#    embeds); mm nothing of sched, proc, fs, net; sched nothing of proc,
#    fs, net;
#  - /proc is the top layer: only the file system (kernel/fs/, include/fs/)
#    and the boot (kernel/main.c) include fs/procfs.h or fs/seqfile.h; a
#    subsystem exports query functions or a tunables table
#    (kernel/sysctl.h) and /proc pulls from them.
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
# upward <files> <regex of the headers above them> <allowed "file header" pairs...>
upward() {
    local files=$1 above=$2; shift 2
    local allowed=" $* "
    while IFS=: read -r file line text; do
        hdr=$(sed -E 's/.*#include <([^>]*)>.*/\1/' <<<"$text")
        case "$allowed" in *" $file:$hdr "*) continue ;; esac
        fail "$file:$line: includes $hdr, a layer above it (docs/architecture.md)"
    done < <(grep -nE "^#include <($above)/" $files /dev/null || true)
}
upward "$(ls include/kernel/*.h)" 'mm|sched|proc|fs|net' \
    include/kernel/task.h:mm/mempolicy_types.h include/kernel/task.h:sched/policy.h \
    include/kernel/task.h:sched/sched.h include/kernel/task.h:proc/rlimit_types.h
upward "$(ls kernel/mm/*.c include/mm/*.h)" 'sched|proc|fs|net' \
    kernel/mm/vm.c:fs/vfs.h kernel/mm/fault.c:fs/vfs.h \
    kernel/mm/fault.c:proc/signal.h
upward "$(ls kernel/sched/*.c kernel/sched/*.h include/sched/*.h)" 'proc|fs|net' \
    kernel/sched/tick.c:proc/posix_timer.h kernel/sched/core.c:proc/proc.h
while IFS=: read -r file line text; do
    case "$file" in kernel/fs/* | include/fs/* | kernel/main.c) continue ;; esac
    fail "$file:$line: only the file system serves /proc (it pulls from the subsystems): $text"
done < <(grep -nE '^#include <fs/(procfs|seqfile)\.h>' $(find kernel include arch drivers -name '*.[ch]') || true)
exit $status
