#!/usr/bin/env bash
# Runs schedsim on the book's worked examples and on workloads whose answers
# the book's homework tools give, and checks the figures.  Writes one
# "PASS name" / "FAIL name" line per check to the results file.
# Usage: check-examples.sh path/to/schedsim results-file
set -u
sim=$1 out=$2
mkdir -p "$(dirname "$out")"; : > "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# check NAME 'fixed string' ... -- schedsim-args...: every string must appear
# as a whole line (leading/trailing spaces ignored).
check() {
    local name=$1; shift
    local want=()
    while [ "$1" != "--" ]; do want+=("$1"); shift; done; shift
    local got ok=1
    got=$("$sim" "$@" 2>&1) || ok=0
    for w in "${want[@]}"; do
        if ! printf '%s\n' "$got" | sed 's/^ *//; s/ *$//' | grep -qxF -- "$w"; then
            ok=0; echo "schedsim/$name: missing line: $w" >&2
        fi
    done
    if [ $ok = 1 ]; then echo "PASS schedsim/$name" >> "$out"; else echo "FAIL schedsim/$name" >> "$out"; fi
}

# Chapter 7: the convoy effect, SJF, STCF, RR.
check fifo_convoy_avg_turnaround_110 \
    'Average -- Response: 70.00  Turnaround 110.00  Wait 70.00' -- scheduler -p FIFO -l 100,10,10 -c
check fifo_equal_jobs_avg_turnaround_20 \
    'Average -- Response: 10.00  Turnaround 20.00  Wait 10.00' -- scheduler -p FIFO -l 10,10,10 -c
check sjf_convoy_avg_turnaround_50 \
    'Job   1 -- Response: 0.00  Turnaround 10.00  Wait 0.00' \
    'Average -- Response: 10.00  Turnaround 50.00  Wait 10.00' -- scheduler -p SJF -l 100,10,10 -c
check stcf_late_short_jobs_avg_turnaround_50 \
    'Average -- Response: 3.33  Turnaround 50.00  Wait 10.00' -- scheduler -p STCF -l 100,10@10,10@10 -c
check sjf_three_jobs_of_5_responses_0_5_10 \
    'Job   2 -- Response: 10.00  Turnaround 15.00  Wait 10.00' \
    'Average -- Response: 5.00  Turnaround 10.00  Wait 5.00' -- scheduler -p SJF -l 5,5,5 -c
check rr_three_jobs_of_5_q1_responses_0_1_2 \
    'Job   0 -- Response: 0.00  Turnaround 13.00  Wait 8.00' \
    'Job   1 -- Response: 1.00  Turnaround 14.00  Wait 9.00' \
    'Job   2 -- Response: 2.00  Turnaround 15.00  Wait 10.00' -- scheduler -p RR -q 1 -l 5,5,5 -c
check rr_fractional_lengths \
    '[ time   3 ] Run job   0 for 0.50 secs ( DONE at 3.50 )' 'Average -- Response: 1.00  Turnaround 3.25  Wait 1.50' -- scheduler -p RR -q 2 -l 2.5,1 -c

# Seeded random workloads: the same jobs and answers as scheduler.py -s 3.
check scheduler_seed_3_matches_python \
    'Job 0 ( length = 3 )' 'Job 3 ( length = 7 )' \
    'Average -- Response: 5.75  Turnaround 10.75  Wait 5.75' -- scheduler -s 3 -j 4 -p SJF -c

# Chapter 8: MLFQ (answers as mlfq.py gives them).
check mlfq_short_job_arrives_at_100_runs_at_once \
    'Job  1: startTime 100 - response   0 - turnaround  20' \
    'Avg  1: startTime n/a - response 0.00 - turnaround 120.00' -- mlfq -n 3 -q 10 -l 0,200,0:100,20,0 -c
check mlfq_seed_5_matches_python \
    'Job  2: startTime   0 - response  16 - turnaround 216' \
    'Avg  2: startTime n/a - response 7.67 - turnaround 211.33' -- mlfq -s 5 -c
check mlfq_rules_4a_4b_are_gamed \
    'Job  1: startTime   0 - response  10 - turnaround 343' -- mlfq -l 0,300,0:0,300,9 -q 10 -i 1 -S -c
check mlfq_rule_4_resists_gaming \
    'Job  1: startTime   0 - response  10 - turnaround 616' -- mlfq -l 0,300,0:0,300,9 -q 10 -i 1 -c
check mlfq_boost_lines_appear \
    '[ time 50 ] BOOST ( every 50 )' '[ time 100 ] BOOST ( every 50 )' -- mlfq -l 0,200,0:0,200,0 -B 50 -c

# Chapter 9: lottery draws follow Python's generator.
check lottery_seed_1_matches_python \
    'Job 0 ( length = 1, tickets = 84 )' '--> JOB 0 DONE at time 2' '--> JOB 2 DONE at time 6' \
    '--> JOB 1 DONE at time 12' -- lottery -s 1 -c

# Chapter 7 with a job of length 0: it is done at once, when its turn comes.
check scheduler_zero_length_job_done_at_arrival \
    '[ time   0 ] Run job 0 for 0.00 secs ( DONE at 0.00 )' \
    'Average -- Response: 1.00  Turnaround 2.67  Wait 1.00' -- scheduler -p FIFO -l 0,3,2 -c

# Chapter 8: at a boost the job running mid-slice below the top keeps its
# place at the head of its queue (lower queues rejoin the top lowest first)
# and gets a fresh slice; with -I a job back from I/O goes ahead of the
# running job of its own queue.
check mlfq_boost_keeps_running_job_first \
    '[ time 35 ] BOOST ( every 35 )' '[ time 35 ] Run JOB 0 at PRIORITY 2 [ TICKS 9 ALLOT 1 TIME 34 (of 50) ]' \
    -- mlfq -l 0,50,0:0,40,0:10,40,0 -q 10 -n 3 -B 35 -c
check mlfq_iobump_runs_ahead_of_its_queue \
    '[ time 15 ] IO_DONE by JOB 1' '[ time 15 ] Run JOB 1 at PRIORITY 0 [ TICKS 6 ALLOT 1 TIME 36 (of 40) ]' \
    -- mlfq -n 1 -q 10 -l 0,40,0:0,40,3 -i 2 -I -c

# Chapter 4 homework (process-run.py): two CPU-bound processes keep the CPU
# busy; an I/O-bound one first lets the other overlap its I/O.
check process_run_cpu_bound_pair_100_percent \
    'Stats: Total Time 10' 'Stats: CPU Busy 10 (100.00%)' -- process-run -l 5:100,5:100 -c -p
check process_run_io_last_takes_11 \
    'Stats: Total Time 11' -- process-run -l 4:100,1:0 -c -p
check process_run_io_first_overlaps_takes_7 \
    'Stats: Total Time 7' 'Stats: IO Busy  5 (71.43%)' -- process-run -l 1:0,4:100 -c -p

# Chapter 5 homework (fork.py): the README's worked tree.
check fork_readme_tree \
    'Action: c EXITS' 'Action: a forks d' '├── b' '└── d' -- fork -A a+b,b+c,c-,a+d -c

# Chapter 10 homework (multi.py): a job whose working set fits in a warm
# cache runs twice as fast; with one queue three jobs never warm up, with
# affinity they do.
check multi_one_job_cold_30 'Finished time 30' -- multi -n 1 -L a:30:200 -c
check multi_one_job_warm_20 'Finished time 20' 'CPU 0  utilization 100.00 [ warm 50.00 ]' \
    -- multi -n 1 -L a:30:200 -M 300 -c
check multi_single_queue_never_warm 'Finished time 150' 'CPU 0  utilization 100.00 [ warm 0.00 ]' \
    -- multi -n 2 -L a:100:100,b:100:50,c:100:50 -c
check multi_affinity_warms_110 'Finished time 110' 'CPU 1  utilization 100.00 [ warm 81.82 ]' \
    -- multi -n 2 -L a:100:100,b:100:50,c:100:50 -A a:0,b:1,c:1 -c

# Trace files: valid JSON with one complete event per stint, and an SVG.
if "$sim" scheduler -p RR -l 3,2 -q 1 -c --trace-json "$tmp/t.json" --svg "$tmp/t.svg" > /dev/null &&
   python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); x=[e for e in d["traceEvents"] if e["ph"]=="X"]; sys.exit(0 if len(x)==5 and x[0]["dur"]==1000 else 1)' "$tmp/t.json" &&
   grep -q '^<svg' "$tmp/t.svg" && [ "$(grep -c '<rect x=.*<title>job' "$tmp/t.svg")" = 5 ]; then
    echo "PASS schedsim/trace_json_and_svg_written" >> "$out"
else
    echo "FAIL schedsim/trace_json_and_svg_written" >> "$out"
fi

# Bad input gets a clear error, not a hang or a crash.
if ! "$sim" mlfq -l 0,10 -c > "$tmp/e" 2>&1 && grep -q 'Badly formatted' "$tmp/e" &&
   ! "$sim" scheduler -p RR -q 0 -c > /dev/null 2>&1 && ! "$sim" nosuchmode > /dev/null 2>&1; then
    echo "PASS schedsim/bad_input_is_rejected" >> "$out"
else
    echo "FAIL schedsim/bad_input_is_rejected" >> "$out"
fi

grep '^FAIL' "$out" || true
echo "schedsim examples: $(grep -c '^PASS' "$out") passed, $(grep -c '^FAIL' "$out") failed"
! grep -q '^FAIL' "$out"
