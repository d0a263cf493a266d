#!/usr/bin/env bash
# Runs each host test program, collects check(3)'s TAP output and appends one
# "PASS name" / "FAIL name" line per test case to the results file.
set -u
out=$1; shift
mkdir -p "$(dirname "$out")"; : > "$out"
status=0
for t in "$@"; do
    name=$(basename "$t")
    tap=$(mktemp)
    CK_TAP_LOG_FILE_NAME="$tap" CK_VERBOSITY=silent "$t"; rc=$?
    n=0
    while IFS= read -r line; do
        case "$line" in
            "ok "*)     echo "PASS host/$name/${line#* - }" >> "$out"; n=$((n+1)) ;;
            "not ok "*) echo "FAIL host/$name/${line#* - }" >> "$out"; n=$((n+1)); status=1 ;;
        esac
    done < "$tap"
    rm -f "$tap"
    if [ "$n" = 0 ] || { [ "$rc" != 0 ] && ! grep -q '^FAIL' "$out"; }; then
        echo "FAIL host/$name (exit $rc, $n cases)" >> "$out"; status=1
    fi
done
grep '^FAIL' "$out" || true
echo "host tests: $(grep -c '^PASS' "$out") passed, $(grep -c '^FAIL' "$out") failed"
exit $status
