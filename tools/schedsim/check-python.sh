#!/usr/bin/env bash
# Compares schedsim, mode by mode, with saved outputs of the book's homework
# tools (testdata/MODE.expected, made by testdata/generate.sh): for every
# case the standard output must be the same byte for byte, the exit status
# the same, and the last line of stderr the same (for errors).  Appends one
# "PASS schedsim/python/MODE (N cases)" or FAIL line per mode to the results.
# Usage: check-python.sh path/to/schedsim results-file
set -u
sim=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$(dirname "$out")"; touch "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for exp in "$here"/testdata/*.expected; do
    mode=$(basename "$exp" .expected)
    rm -f "$tmp"/c.*
    awk -v d="$tmp" '/^#### case: /{ n++; f = sprintf("%s/c.%04d", d, n); sub(/^#### case: /, ""); print > (f ".args"); next }
                     /^#### exit: /{ sub(/^#### exit: /, ""); print > (f ".rc"); next }
                     /^#### stderr: /{ sub(/^#### stderr: /, ""); print > (f ".err"); printf "" > (f ".out"); next }
                     { print > (f ".out") }' "$exp"
    ok=1 n=0
    for a in "$tmp"/c.*.args; do
        c=${a%.args} n=$((n + 1))
        read -r -a args < "$a" || true
        rc=0
        "$sim" "$mode" "${args[@]}" > "$c.got" 2> "$c.goterr" < /dev/null || rc=$?
        want_err=$(cat "$c.err") got_err=$(tail -n 1 "$c.goterr")
        if ! cmp -s "$c.got" "$c.out" || [ "$rc" != "$(cat "$c.rc")" ] ||
           { [ -n "$want_err" ] && [ "$got_err" != "$want_err" ]; }; then
            ok=0
            echo "schedsim/$mode: differs from the Python tool: $mode ${args[*]} (exit $rc, want $(cat "$c.rc"))" >&2
            diff "$c.got" "$c.out" | head -5 >&2
            [ -z "$want_err" ] || [ "$got_err" = "$want_err" ] || echo "  stderr: '$got_err', want '$want_err'" >&2
        fi
    done
    if [ $ok = 1 ]; then echo "PASS schedsim/python/$mode ($n cases)" >> "$out"
    else echo "FAIL schedsim/python/${mode}" >> "$out"; fi
done
echo "schedsim against the Python tools: $(grep -c 'schedsim/python/' "$out" | tr -d ' ') modes checked, $(grep -c '^FAIL.*schedsim/python/' "$out") differ"
! grep -q '^FAIL.*schedsim/python/' "$out"
