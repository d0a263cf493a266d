#!/usr/bin/env bash
# Runs each test suite of `make test` in turn and notes what it left:
#   run-suites.sh RESULTS_DIR "MAKE COMMAND" SUITE...
# Each suite is a make target that writes PASS/FAIL lines into files in
# RESULTS_DIR.  A suite that fails to build or stops early must not vanish
# from the count, so for every suite this records, in RESULTS_DIR/suites.index,
# one line "SUITE EXIT FILE..." naming the result files the suite created or
# changed and make's exit status; tools/summarize.sh turns a suite without
# PASS/FAIL lines into a FAIL line of its own.  Any suite name works: the
# files are found by comparing the folder before and after, not by name.
set -u
dir=$1; make_cmd=$2; shift 2
mkdir -p "$dir"
index=$dir/suites.index
: > "$index"
snapshot() { (cd "$dir" && for f in *.txt; do [ -e "$f" ] && echo "$f $(cksum < "$f")"; done); }
for suite in "$@"; do
    before=$(snapshot)
    $make_cmd "$suite"
    rc=$?
    after=$(snapshot)
    files=$(comm -13 <(echo "$before" | LC_ALL=C sort) <(echo "$after" | LC_ALL=C sort) | cut -d' ' -f1 | tr '\n' ' ')
    echo "$suite $rc $files" >> "$index"
done
exit 0
