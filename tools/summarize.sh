#!/usr/bin/env bash
# Prints one line per suite, every failure, and the single closing line
# "N passed, N failed" over all result files; exits non-zero if anything
# failed or nothing ran.
#
# With RESULTS_DIR/suites.index (written by tools/run-suites.sh) every suite
# that `make test` ran is accounted for by name: a suite that left no
# PASS/FAIL line (it did not build, or stopped before writing its results)
# counts as one failure, "FAIL suite/NAME (did not run ...)", and so does one
# whose make failed without any FAIL line to say why.  These lines go to
# RESULTS_DIR/suites.txt and are counted like any other.
set -u
dir=$1
index=$dir/suites.index
if [ -f "$index" ]; then
    : > "$dir/suites.txt"
    while read -r suite rc files; do
        paths=(); for f in $files; do [ "$f" = suites.txt ] || paths+=("$dir/$f"); done
        p=0; x=0
        if [ ${#paths[@]} -gt 0 ]; then
            p=$(cat "${paths[@]}" | grep -c '^PASS'); x=$(cat "${paths[@]}" | grep -c '^FAIL')
        fi
        if [ $((p + x)) = 0 ]; then
            if [ ${#paths[@]} = 0 ]; then why="did not run: no result file, make exit $rc"
            else why="did not run: no PASS/FAIL line in $files, make exit $rc"; fi
            echo "FAIL suite/$suite ($why)" >> "$dir/suites.txt"
            printf '  %-22s %s\n' "$suite" "FAILED: $why"
        elif [ "$rc" != 0 ] && [ "$x" = 0 ]; then
            why="make exit $rc without a FAIL line"
            echo "FAIL suite/$suite ($why)" >> "$dir/suites.txt"
            printf '  %-22s %5d passed, %d failed; FAILED: %s\n' "$suite" "$p" "$x" "$why"
        else
            printf '  %-22s %5d passed, %d failed\n' "$suite" "$p" "$x"
        fi
    done < "$index"
fi
pass=0; fail=0
for f in "$dir"/*.txt; do
    [ -e "$f" ] || continue
    p=$(grep -c '^PASS' "$f"); x=$(grep -c '^FAIL' "$f")
    pass=$((pass + p)); fail=$((fail + x))
    grep '^FAIL' "$f" | sed 's/^/  /'
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ] && [ "$pass" -gt 0 ]
