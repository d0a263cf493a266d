#!/usr/bin/env bash
# The trace suite: captures `schedlab -T run rr` (three 5-unit jobs under
# round robin with a 1-unit slice) and checks that the trace came back, that
# both outputs parse (JSON as JSON, SVG as XML), and that the picture shows
# the three jobs taking turns: each was switched to at least 4 times.
#   check.sh "QEMU FLAGS..." TRACETOOL OUTPREFIX RESULTS
set -uo pipefail
qemu=$1; tool=$2; out=$3; results=$4
mkdir -p "$(dirname "$results")"
: >"$results"
result() { echo "$1 $2" >>"$results"; [ "$1" = PASS ] || echo "FAIL $2${3:+: $3}" >&2; }

if tools/tracetool/capture.sh "$qemu" "schedlab -T run rr" "$out" "$tool" 90 >"$out.summary" 2>&1; then
    result PASS trace-capture
else
    result FAIL trace-capture "$(tail -3 "$out.summary" | tr '\n' ' ')"
    for t in trace-json trace-svg trace-rr-turns; do result FAIL $t "no capture"; done
    exit 0
fi
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert any(e.get("ph")=="X" for e in d["traceEvents"])' \
    "$out.json" 2>/dev/null && result PASS trace-json || result FAIL trace-json "$out.json does not parse"
python3 -c 'import sys,xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); assert r.tag.endswith("svg")' \
    "$out.svg" 2>/dev/null && result PASS trace-svg || result FAIL trace-svg "$out.svg does not parse"
# summary lines: "pid name runs cpu_ms"
turns=$(awk '$2 ~ /^rr\/[ABC]$/ && $3 >= 4 { n++ } END { print n + 0 }' "$out.summary")
[ "$turns" = 3 ] && result PASS trace-rr-turns ||
    result FAIL trace-rr-turns "$turns of 3 jobs switched to 4+ times (see $out.summary)"
