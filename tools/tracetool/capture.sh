#!/usr/bin/env bash
# Boots Tessera with /bin/trace-run.sh as init, which runs CMD with the
# scheduling trace restarted and prints /proc/sched_trace between markers;
# keeps the console log and converts the trace with tracetool.
#   capture.sh "QEMU FLAGS..." "CMD" OUTPREFIX TRACETOOL [TIMEOUT]
# writes OUTPREFIX.log (console), OUTPREFIX.json, OUTPREFIX.svg and
# OUTPREFIX-cpu.svg (one row per CPU); exits non-zero if no trace came back.
set -uo pipefail
qemu=$1; cmd=$2; out=$3; tool=$4; limit=${5:-120}
mkdir -p "$(dirname "$out")"
echo "  TRACE   $cmd"
# shellcheck disable=SC2086
timeout "$limit" $qemu -serial stdio -append "init=/bin/trace-run.sh quiet -- $cmd" </dev/null >"$out.log" 2>&1
rc=$?
[ $rc -eq 124 ] && echo "capture: QEMU timed out after ${limit}s" >&2
grep -q '^@@TRACE-END' <(tr -d '\r' <"$out.log") || {
    echo "capture: no complete trace in $out.log (QEMU exit $rc); last lines:" >&2
    tail -5 "$out.log" >&2
    exit 1
}
tr -d '\r' <"$out.log" | grep '^@@TRACE-END' | sed 's/^/capture: command /'
"$tool" -t "Tessera: $cmd" -j "$out.json" -s "$out.svg" "$out.log" || exit 1
"$tool" -c -t "Tessera: $cmd (per CPU)" -s "$out-cpu.svg" "$out.log" >/dev/null || exit 1
echo "capture: wrote $out.json (open in https://ui.perfetto.dev), $out.svg and $out-cpu.svg"
