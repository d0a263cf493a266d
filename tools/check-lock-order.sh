#!/usr/bin/env bash
# Checks that the lock hierarchy is written once: every lock of the debug
# build's table (lock_order[] in kernel/spinlock.c) appears in the table of
# docs/locking.md with the same rank, and nothing else does.
# Run from the top of the tree: check-lock-order.sh
set -euo pipefail
code=$(sed -n '/lock_order\[\] = {/,/^};/p' kernel/spinlock.c |
       sed -nE 's/^ *\{ *"([^"]+)", *([0-9]+) *\},.*/\1 \2/p' | sort)
doc=$(grep -E '^\| *[0-9]+ *\|' docs/locking.md |
      awk -F'|' '{ rank = $2; gsub(/ /, "", rank); n = split($3, names, ",");
                   for (i = 1; i <= n; i++) { s = names[i]; gsub(/[ `]/, "", s); print s, rank } }' | sort)
if [ -z "$code" ] || [ -z "$doc" ]; then
    echo "check-lock-order: could not read the lock tables" >&2
    exit 1
fi
if [ "$code" != "$doc" ]; then
    echo "check-lock-order: kernel/spinlock.c's lock_order[] and docs/locking.md's table differ" >&2
    echo "  (< only in the code, > only in the docs; name rank):" >&2
    diff <(echo "$code") <(echo "$doc") | grep '^[<>]' | sed 's/^/  /' >&2
    exit 1
fi
