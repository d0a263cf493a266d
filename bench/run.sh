# Benchmark driver: run inside the guest (Linux or Tessera) by bench-init.
#
# It runs every benchmark program once, in a fixed order, bracketed by
# BENCH-BEGIN/BENCH-END marker lines that the host harness reads for
# progress and to attribute output; the programs print RESULT/SKIP lines.
# "bench.only=clock,syscall" on the kernel command line runs only those
# (make bench BENCH_ONLY=...; Linux leaves a dotted word out of init's
# arguments and environment, so it is read from /proc/cmdline).
# At the end it powers the machine off (Linux); where that is unavailable,
# pid 1 simply exits, which makes Tessera stop QEMU.
B=/bench
mount -t sysfs sysfs /sys 2>/dev/null
echo "BENCH-INFO uname=$(uname -srvm 2>/dev/null)"
echo "BENCH-INFO cpus=$(nproc 2>/dev/null)"
if [ -d /sys/devices/system/cpu/vulnerabilities ]; then
	for f in /sys/devices/system/cpu/vulnerabilities/*; do
		echo "BENCH-INFO vuln ${f##*/}=$(cat "$f")"
	done
fi
if [ -r /sys/devices/system/clocksource/clocksource0/current_clocksource ]; then
	echo "BENCH-INFO clocksource=$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
fi
only=
for word in $(cat /proc/cmdline 2>/dev/null); do
	case $word in bench.only=*) only=",${word#bench.only=},";; esac
done
# thread and shmfault come last, so a thread or shared-memory failure
# leaves the older figures as they were; tasks after them, as it fills the
# machine with processes.  Its 30,000 need threads-max above the default
# of a 4 GiB guest (an eighth of memory in kernel stacks): both kernels
# get the same 65536.  scale (concurrent forkers) last: make bench-scale
# runs it alone on 1 to 64 CPUs.
for prog in syscall ctxsw pagefault fork pipebw noise clock latency thread shmfault tasks scale; do
	case $only in ""|*",$prog,"*) ;; *) continue;; esac
	[ $prog = tasks ] && echo 65536 > /proc/sys/kernel/threads-max
	# the runnable crowd (minutes of spinning under TCG) only when tasks
	# runs alone: make bench-tasks
	[ "$only" = ",tasks," ] && export BENCH_TASKS_RUNNABLE=1
	echo "BENCH-BEGIN $prog"
	"$B/bench-$prog"
	echo "BENCH-END $prog rc=$?"
done
echo "BENCH-DONE"
poweroff -f 2>/dev/null
exit 0
