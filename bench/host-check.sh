#!/usr/bin/env bash
# The benchmark suite's own test, run on the host (Linux is the oracle):
# the parser tests (test_report.py), then every benchmark binary at a
# small scale, which must print a RESULT line, and never ERROR, for each
# measurement it owns.  Writes "PASS name"/"FAIL name" lines to OUT.
# Usage: host-check.sh OUT BINDIR
set -u
out=$1 bindir=$2
: > "$out"
python3 "$(dirname "$0")/test_report.py" >> "$out" 2>&1

# program: the measurements it must report
declare -A expect=(
	[syscall]="null_syscall unknown_syscall sched_yield"
	[ctxsw]="ctxsw_pipe_pinned ctxsw_pipe_unpinned"
	[pagefault]="page_fault munmap_4m"
	[fork]="fork_exit_wait fork_execve_wait exec_static_true exec_dynamic_true fork_touched_1m fork_touched_16m fork_touched_64m"
	[pipebw]="pipe_bw"
	[noise]="os_noise"
	[clock]="clock_gettime clock_gettime_syscall clock_gap nanosleep_1us nanosleep_50us nanosleep_200us nanosleep_1us_fifo nanosleep_50us_fifo nanosleep_200us_fifo"
	[latency]="cyclic_200us cyclic_thread_200us timerfd_200us pipe_wake_rt"
	[thread]="thread_create_join futex_wake_xcpu futex_pingpong_pinned mutex_pingpong"
	[shmfault]="shared_file_fault shared_file_hole_fault shared_anon_fault"
	[tasks]="fork_exit_wait_10 fork_exit_wait_1000 fork_exit_wait_30000 pid_lookup_10 pid_lookup_1000 pid_lookup_30000 proc_list_10 proc_list_1000 proc_list_30000 ctxsw_10 ctxsw_1000 ctxsw_30000 wakeup_10 wakeup_1000 wakeup_30000 ctxsw_run_10 ctxsw_run_1000 ctxsw_run_30000 wakeup_run_10 wakeup_run_1000 wakeup_run_30000 wakeup_rt_10 wakeup_rt_1000 wakeup_rt_30000 wakeup_rt_fair_10 wakeup_rt_fair_1000 wakeup_rt_fair_30000"
	[scale]="fork_forkers_1"
)
# SKIPs that are the program's documented answer on this host, not a failure
ok_skip='^SKIP (futex_wake_xcpu reason=needs 2 CPUs|(nanosleep_[0-9]+us_fifo|cyclic_200us|cyclic_thread_200us|timerfd_200us|pipe_wake_rt|wakeup_rt_[0-9]+|wakeup_rt_fair_[0-9]+) reason=no_SCHED_FIFO|[a-z_]+_30000 reason=above BENCH_TASKS_LIMIT)'
for prog in syscall ctxsw pagefault fork pipebw noise clock latency thread shmfault tasks scale; do
	# 30,000 processes are for a guest, not the shared host: tasks stops at 1,000
	log=$(BENCH_SCALE=0.05 BENCH_NOISE_MS=50 BENCH_CLOCK_MS=50 BENCH_TASKS_LIMIT=1000 BENCH_TASKS_RUNNABLE=1 timeout 60 \
		"$bindir/bench-$prog" 2>&1)
	rc=$?
	for name in ${expect[$prog]}; do
		if [ $rc -eq 0 ] && grep -q "^RESULT $name median_ns=[0-9.]* " <<<"$log" \
			&& ! grep -q "^ERROR $name " <<<"$log"; then
			echo "PASS bench_host_$name" >> "$out"
		elif [ $rc -eq 0 ] && grep "^SKIP $name " <<<"$log" | grep -qE "$ok_skip"; then
			echo "PASS bench_host_$name (skipped: $(grep "^SKIP $name " <<<"$log" | sed 's/.*reason=//'))" >> "$out"
		else
			echo "FAIL bench_host_$name (rc=$rc)" >> "$out"
			grep -E "^(ERROR|SKIP) $name" <<<"$log" | sed 's/^/  /' >> "$out"
		fi
	done
done
# bench-init must report its boot clocks before handing over
if "$bindir/bench-init" /dev/null 2>/dev/null | grep -q '^BOOT mono_ns=[0-9]* tsc='; then
	echo "PASS bench_host_init_boot_line" >> "$out"
else
	echo "FAIL bench_host_init_boot_line" >> "$out"
fi
grep -c '^FAIL' "$out" >/dev/null && exit 1 || exit 0
