#!/usr/bin/env bash
# Prints every failure and the single closing line "N passed, N failed" over
# all result files; exits non-zero if anything failed or nothing ran.
set -u
dir=$1
pass=0; fail=0
for f in "$dir"/*.txt; do
    [ -e "$f" ] || continue
    p=$(grep -c '^PASS' "$f"); x=$(grep -c '^FAIL' "$f")
    pass=$((pass + p)); fail=$((fail + x))
    grep '^FAIL' "$f" | sed 's/^/  /'
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
