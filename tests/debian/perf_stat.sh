#!/bin/sh
# Debian's perf stat counts software events of unmodified programs
# (docs/perf.md).  Runs on Linux and inside Tessera, the same checks on
# both; prints each perf stat report, then one line per check,
# "PASS perf_stat/NAME" or "FAIL perf_stat/NAME: why", and exits 0 when
# every check passed.
#
#   tests/debian/perf_stat.sh [PERF]        PERF: the perf program, /usr/bin/perf by default
#
# Inside Tessera it needs perf in the image; as init (the machine stops
# when it ends; QEMU exits 33 when every check passed):
#
#   mkdir -p /tmp/ps/debian && cp tests/debian/perf_stat.sh /tmp/ps/debian/
#   make run HOSTPROGS=/usr/bin/perf EXTRA=/tmp/ps CMDLINE=init=/debian/perf_stat.sh </dev/null
#
# The checks hold on any kernel that counts as Linux does, so another suite
# can run this script as one of its cases.

PERF=${1:-/usr/bin/perf}
[ "$$" = 1 ] && PATH=/bin:/sbin:/usr/bin:/usr/sbin
LC_ALL=C
export PATH LC_ALL
EVENTS=page-faults,minor-faults,major-faults,context-switches,cpu-migrations,task-clock,cpu-clock
OUT=${TMPDIR:-/tmp}/perf_stat.$$
failed=0

pass() { echo "PASS perf_stat/$1"; }
fail() { echo "FAIL perf_stat/$1: $2"; failed=1; }

# value EVENT: the count perf stat printed for EVENT in $OUT (a task-clock
# or cpu-clock line reads "1.23 msec task-clock"), or nothing
value() {
    awk -v ev="$1" '{ n = ($2 == "msec") ? 3 : 2; if ($n == ev && $1 ~ /^[0-9.]+$/) { print $1; exit } }' "$OUT"
}

# stat NAME ARGS...: perf stat of a program into $OUT (shown too); its status in $status
stat() {
    name=$1
    shift
    "$PERF" stat -o "$OUT" "$@" >/dev/null 2>"$OUT.err"
    status=$?
    echo "--- perf stat $* (status $status)"
    cat "$OUT"
    [ -s "$OUT.err" ] && sed 's/^/stderr: /' "$OUT.err"
    grep -q "Performance counter stats for" "$OUT" || fail "$name" "no report (status $status)"
}

# 1. A program that writes 16 MiB through a 4 MiB buffer: at least 1,024
#    faults (each page of the buffer), all minor; the clocks agree.
stat dd -e $EVENTS dd if=/dev/zero of=/dev/null bs=4M count=4
[ "$status" = 0 ] && pass runs || fail runs "perf stat dd exited $status"
missing=""
for ev in $(echo $EVENTS | tr , ' '); do
    [ -n "$(value $ev)" ] || missing="$missing $ev"
done
[ -z "$missing" ] && pass all-counted || fail all-counted "no count for$missing"
pf=$(value page-faults) mn=$(value minor-faults) mj=$(value major-faults)
tc=$(value task-clock) cc=$(value cpu-clock) cs=$(value context-switches) mg=$(value cpu-migrations)
[ "${pf:-0}" -ge 1024 ] && pass page-faults || fail page-faults "$pf page-faults, wanted >= 1024"
[ -n "$pf" ] && [ "$pf" = "$((${mn:-0} + ${mj:-0}))" ] && [ "$mj" = 0 ] && pass minor-major ||
    fail minor-major "page-faults $pf, minor $mn, major $mj"
awk -v t="${tc:-0}" -v c="${cc:-0}" 'BEGIN { exit !(t > 0 && c > 0 && c <= t * 1.25 + 1 && t <= c * 1.25 + 1) }' &&
    pass clocks || fail clocks "task-clock $tc msec, cpu-clock $cc msec"
[ "${cs:-x}" -ge 0 ] 2>/dev/null && [ "${mg:-x}" -ge 0 ] 2>/dev/null && pass switches-migrations ||
    fail switches-migrations "context-switches '$cs', cpu-migrations '$mg'"

# 2. inherit: a shell's children are counted; each sleep blocks at least once
stat inherit -e context-switches,task-clock sh -c 'sleep 0.05; sleep 0.05; exit 3'
cs=$(value context-switches)
[ "${cs:-0}" -ge 3 ] && pass inherit || fail inherit "$cs context-switches of sh and two sleeps, wanted >= 3"
[ "$status" = 3 ] && pass exit-status || fail exit-status "perf stat exited $status, the program 3"

# 3. hardware events: no PMU under QEMU TCG (nor in many virtual machines)
stat hardware -e cycles,page-faults true
if grep -q "<not supported>.*cycles" "$OUT" && [ -n "$(value page-faults)" ]; then
    pass hardware-not-supported
elif [ -n "$(value cycles)" ]; then
    pass hardware-not-supported         # a machine with a PMU counts them
else
    fail hardware-not-supported "cycles neither counted nor <not supported>"
fi

rm -f "$OUT" "$OUT.err"
[ $failed = 0 ] && echo "perf_stat: all passed" || echo "perf_stat: FAILED"
exit $failed
