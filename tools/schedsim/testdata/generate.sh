#!/usr/bin/env bash
# Regenerates the saved outputs of the book's homework tools that
# check-python.sh compares schedsim against.  Needs Python 3 and a checkout
# of the book's homework repository (ostep-homework); nothing of it is kept
# here but the outputs.
# Usage: tools/schedsim/testdata/generate.sh path/to/ostep-homework
# cases.txt holds one case a line: "MODE TOOL ARGS...", e.g.
#   fork cpu-api/fork.py -s 3 -c
# Each MODE.expected gets, per case, a header with the arguments, the exit
# status and the last line of stderr (the tool's name replaced by
# "schedsim MODE"), then the tool's standard output.
set -eu
hw=$1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
modes=$(grep -v '^#' "$here/cases.txt" | awk 'NF { print $1 }' | sort -u)
for m in $modes; do : > "$here/$m.expected"; done
grep -v '^#' "$here/cases.txt" | while read -r mode tool args; do
    [ -n "$mode" ] || continue
    rc=0
    # shellcheck disable=SC2086
    (cd "$hw/$(dirname "$tool")" && PYTHONHASHSEED=0 python3 "$(basename "$tool")" $args) \
        > "$tmp/out" 2> "$tmp/err" </dev/null || rc=$?
    last=$(tail -n 1 "$tmp/err" | sed "s|$(basename "$tool")|schedsim $mode|")
    {
        echo "#### case: $args"
        echo "#### exit: $rc"
        echo "#### stderr: $last"
        cat "$tmp/out"
    } >> "$here/$mode.expected"
done
