#!/bin/sh
# The Debian-programs suite's driver (make test-debian, docs/testing.md):
# unmodified programs of the host's Debian (bash, dash, coreutils, python3,
# procps, sysstat, util-linux, strace, numactl, perf) and the book's Process
# API examples built with plain gcc, run case by case.  tests/debian/check.py
# runs this same script on the host (the "compare" cases only, Linux is the
# oracle) and inside Tessera as init (every case), and judges the output.
#
#   cases.sh [NAME...]         run these cases (default: every case)
#   cases.sh --list SET        print the names of the cases of SET
#                              (compare, meaning or all)
# As pid 1 (inside Tessera) it takes the cases from the kernel command line
# (tests/guest/select.sh): "deb.only=a,b" runs only these, "deb.after=NAME"
# every case after NAME (check.py boots again with it after a case hung).
#
# For each case NAME it prints "@@CASE NAME", everything the case wrote to
# stdout and stderr, then "@@END NAME status=N"; "@@START" comes first and
# "@@DONE count=N" last.  Each case runs in a subshell, in a fresh empty
# directory of its own, with stdin from /dev/null and its output going
# through a pipe (so stdio buffers the same way on both sides).  check.py
# stops a case that takes too long.
#
# Programs under test are named by their Debian paths (/usr/bin/ls): inside
# Tessera /bin holds busybox's applets.  This script runs under busybox sh on
# both sides, which runs its own applets for the plumbing here (sleep, kill,
# cat) before it looks at PATH.  "compare" cases must print the same on
# Linux and in Tessera: nothing here may print a pid, a time of day or an
# absolute path of the work directory.  The other cases ("meaning") print
# what check.py needs to judge them, marked where useful: "@@PID name=N".
#
# Environment (the defaults are the guest's): DEB_DIR, where this script,
# perf_stat.sh, getppid100 and the glibc builds p1..p4 are; DEB_TESTS, where the static
# musl builds p1..p4, p3.c/p4.c and select.sh are; DEB_WORK, a scratch
# directory.

DEB_DIR=${DEB_DIR:-/debian}
DEB_TESTS=${DEB_TESTS:-/tests}
DEB_WORK=${DEB_WORK:-/tmp/deb-work}
# /usr/bin first on both sides: a program the cases find on PATH (bash's
# sort, the book's wc) is then the Debian one in Tessera as on Linux
PATH=/usr/bin:/bin:/usr/sbin:/sbin
LC_ALL=C TZ=UTC HOME=/ TERM=dumb
export PATH LC_ALL TZ HOME TERM
umask 022

COMPARE="bash_arith bash_script dash_script coreutils_ls coreutils_text coreutils_hash
coreutils_cksum coreutils_stat coreutils_date coreutils_files gnu_tools chrt_limits python_json
python_os python_subprocess python_threads python_fork file_locks book_p1 book_p2 book_p3 book_p4"
MEANING="ps_threads top free pmap proc_maps proc_status_smaps taskset chrt renice
strace_count strace_exec pidstat mpstat mpstat_busy lscpu numactl vmstat uptime dmesg
perf_stat"

# ---------------------------------------------------------------- helpers

# wait_file FILE: waits up to 20 s for FILE to appear.
wait_file() {
    n=0
    while [ ! -e "$1" ] && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
    [ -e "$1" ] || echo "wait_file: $1 never appeared"
}

# hold_bash: starts a dynamically linked bash in the background that waits
# (a new sleep every 0.1 s) until the file "stop" appears; sets
# holder to its pid once it has started.
hold_bash() {
    rm -f ready stop
    /usr/bin/bash -c ': > ready; while [ ! -e stop ]; do sleep 0.1; done; :' &
    holder=$!
    wait_file ready
}

release() { : > stop; wait; }

# ---------------------------------------------------------------- compared with Linux

case_bash_arith() {
    /usr/bin/bash -c 'echo $((6*7)); for i in 1 2 3; do printf "%s " $i; done; echo'
}

case_bash_script() {
    /usr/bin/bash <<'EOF'
set -o pipefail
arr=(one two three); echo "${#arr[@]} ${arr[1]} ${arr[*]:1}"
declare -A m=([x]=1 [y]=2 [z]=3)
for k in $(printf '%s\n' "${!m[@]}" | sort); do echo "$k=${m[$k]}"; done
s="hello world"; echo "${s^^} ${s//o/0} ${s:6} ${#s} ${s%% *}"
[[ abc123 =~ ^([a-z]+)([0-9]+)$ ]] && echo "match ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
square() { local x=$1; echo $((x * x)); }; square 12
echo {a,b}{1,2} {1..5} {10..0..5}
while read -r a b; do echo "read: $b $a"; done <<< "1 2"
cat <(echo from a process substitution)
echo "command substitution: $(echo inner | tr a-z A-Z)"
(exit 3); echo "subshell status $?"
false | true; echo "pipefail status $?"
sleep 0 & wait $!; echo "background status $?"
printf '%05.1f|%-5s|%x|%q\n' 3.14159 ab 255 'a b'
x=5; ((x += 2, x *= 3)); echo "let: $x"
case foo.txt in *.txt) echo "case: text";; *) echo "case: other";; esac
mapfile -t lines < <(printf 'l1\nl2\nl3\n'); echo "mapfile: ${#lines[@]} ${lines[2]}"
trap 'echo "exit trap"' EXIT
EOF
    echo "bash exit $?"
}

case_dash_script() {
    /usr/bin/dash -c 'echo $((6*7)); for i in 1 2 3; do printf "%s " $i; done; echo'
    /usr/bin/dash <<'EOF'
set -e
f() { echo "function: $1 $#"; return 4; }
f one two || echo "returned $?"
x=abcdef; echo "${x#abc} ${x%def} ${#x}"
echo "$(echo nested "$(echo deeper)")"
for w in $(echo a b c); do printf '<%s>' "$w"; done; echo
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo "loop $i"
( exit 5 ) || echo "subshell $?"
echo hello | { read -r v; echo "piped: $v"; }
cat <<X
here: $x
X
trap 'echo trapped USR1' USR1; kill -USR1 $$
sleep 0 & wait; echo "waited"
EOF
    echo "dash exit $?"
}

case_coreutils_ls() {
    # a directory's size and blocks depend on the file system: the long
    # listings show files and a link only
    mkdir d && cd d || return
    printf 'hello\n' > a.txt
    /usr/bin/seq 1 1000 > numbers
    : > empty
    ln -s a.txt link
    chmod 640 a.txt; chmod 600 empty
    /usr/bin/touch -d '2021-03-04 05:06:07' a.txt
    /usr/bin/touch -d '2020-01-02 03:04:05' numbers
    /usr/bin/touch -d '2022-12-31 23:59:59' empty
    /usr/bin/touch -h -d '2019-06-07 08:09:10' link
    /usr/bin/ls
    /usr/bin/ls -l
    /usr/bin/ls -go --time-style=long-iso -t
    /usr/bin/ls -1F -S
    /usr/bin/ls -r --full-time a.txt numbers
    /usr/bin/ls -s -1 numbers empty
    mkdir sub; : > sub/inner; chmod 750 sub
    /usr/bin/ls -1F; /usr/bin/ls -d sub; /usr/bin/ls sub
    /usr/bin/ls missing; echo "ls missing: $?"
}

case_coreutils_cksum() {
    /usr/bin/seq 1 10000 > n
    /usr/bin/cksum n; /usr/bin/cksum -a crc n; printf 'abc' | /usr/bin/cksum
}

case_coreutils_text() {
    printf 'pear\napple\nfig\napple\nbanana\n' > fruit
    /usr/bin/seq 1 20 > n
    /usr/bin/seq 5; /usr/bin/seq -w 8 11; /usr/bin/seq -s, 1 0.5 3
    /usr/bin/sort fruit; /usr/bin/sort -u fruit; /usr/bin/sort -r fruit | /usr/bin/head -n 2
    /usr/bin/sort fruit | /usr/bin/uniq -c; /usr/bin/sort -n -r n | /usr/bin/head -n 3
    /usr/bin/wc fruit; /usr/bin/wc -l < fruit; /usr/bin/wc -c n
    /usr/bin/cat -n fruit; /usr/bin/cat fruit n | /usr/bin/wc -l
    /usr/bin/tr a-z A-Z < fruit; /usr/bin/tr -d p < fruit | /usr/bin/tr -s 'a'
    printf 'a:b:c\n1:2:3\n' | /usr/bin/cut -d: -f2,3; printf 'abcdef\n' | /usr/bin/cut -c2-4
    /usr/bin/head -n 3 n; /usr/bin/tail -n 2 n; /usr/bin/tail -c 6 n; /usr/bin/head -c 5 fruit; echo
    /usr/bin/tac fruit | /usr/bin/nl; /usr/bin/paste -d+ fruit fruit | /usr/bin/head -n 2
    /usr/bin/fold -w 3 fruit | /usr/bin/head -n 3; printf 'x\ty\n' | /usr/bin/expand -t 4
    /usr/bin/sort fruit > s1; printf 'apple\ncherry\n' > s2; /usr/bin/comm s1 s2
    /usr/bin/yes | /usr/bin/head -n 2; /usr/bin/printf '%s=%d %05.2f\n' answer 42 2.5
}

case_coreutils_hash() {
    /usr/bin/seq 1 10000 > n
    /usr/bin/sha256sum n; /usr/bin/md5sum n; /usr/bin/sha1sum n; /usr/bin/b2sum n
    /usr/bin/sha256sum n > sums; /usr/bin/sha256sum -c sums
    printf 'Tessera\n' | /usr/bin/base64; printf 'VGVzc2VyYQo=\n' | /usr/bin/base64 -d
    printf 'AB\001' | /usr/bin/od -c
}

case_coreutils_stat() {
    printf '12345' > five; chmod 604 five
    mkdir dir; chmod 711 dir; ln -s five lnk
    /usr/bin/touch -d @1600000000 five
    /usr/bin/stat -c '%s %a' five
    /usr/bin/stat -c '%n %s %a %A %F %Y %b %B' five
    /usr/bin/stat -c '%n %a %A %F' dir
    /usr/bin/stat -c '%n %s %a %A %F' lnk
    /usr/bin/stat -L -c '%n %s %F' lnk
    /usr/bin/stat -c '%N' lnk
    /usr/bin/truncate -s 10000 five; /usr/bin/stat -c '%s' five
    /usr/bin/stat nothing-here; echo "stat missing: $?"
}

case_coreutils_date() {
    /usr/bin/date -u -d @0
    /usr/bin/date -u -d @1700000000 '+%Y-%m-%d %H:%M:%S %A %j %s'
    /usr/bin/date -u -d '2024-02-29 12:00' +%s
    /usr/bin/date -u -d '2024-02-29 + 1 day' +%F
    /usr/bin/date -u -R -d @86400
}

case_coreutils_files() {
    /usr/bin/mkdir -p a/b/c; /usr/bin/mkdir a; echo "mkdir existing: $?"
    printf 'data\n' > a/b/c/f
    /usr/bin/cp -r a copy; /usr/bin/mv copy/b copy/moved; /usr/bin/ls -R copy
    /usr/bin/ln -s b/c/f a/lnk; /usr/bin/readlink a/lnk; /usr/bin/cat a/lnk
    /usr/bin/realpath --relative-to=. a/lnk
    /usr/bin/dd if=/dev/zero of=z bs=1k count=3 status=none; /usr/bin/stat -c %s z
    /usr/bin/seq 1 100 > n; /usr/bin/split -l 30 n part-; /usr/bin/ls part-*
    /usr/bin/cat part-* | /usr/bin/cmp - n && echo "split and joined again"
    printf 'one\n' | /usr/bin/tee t1 t2 > /dev/null; /usr/bin/cat t1 t2
    /usr/bin/env -i A=1 B=2 /usr/bin/env
    /usr/bin/expr 6 \* 7; /usr/bin/factor 1001 65537; /usr/bin/basename /x/y/z.txt .txt; /usr/bin/dirname /x/y/z.txt
    /usr/bin/uname -s; /usr/bin/uname -m
    /usr/bin/true; echo "true: $?"; /usr/bin/false; echo "false: $?"
    /usr/bin/test -d a && echo "test -d: yes"
    /usr/bin/rm -r a; /usr/bin/ls
    /usr/bin/rmdir copy; echo "rmdir non-empty: $?"
    /usr/bin/timeout 0.2 /usr/bin/sleep 5; echo "timeout: $?"
}

case_gnu_tools() {
    /usr/bin/seq 1 30 > n
    /usr/bin/grep -c 1 n; /usr/bin/grep -E '^(2|3)[05]$' n; /usr/bin/grep -v -e 1 -e 2 n | /usr/bin/head -n 3
    /usr/bin/sed -n '3,5p;s/0$/zero/p' n | /usr/bin/head -n 6; printf 'a b c\n' | /usr/bin/sed 's/ /-/g'
    /usr/bin/mkdir -p t/u; : > t/u/x; : > t/y
    /usr/bin/find t | /usr/bin/sort; /usr/bin/find t -type f -name x
    /usr/bin/find t -type f | /usr/bin/sort | /usr/bin/xargs -n 1 /usr/bin/basename
    /usr/bin/gzip -n -9 -c n | /usr/bin/sha256sum; /usr/bin/gzip -c n | /usr/bin/gzip -dc | /usr/bin/cmp - n && echo "gzip round trip"
    /usr/bin/tar cf t.tar t; /usr/bin/tar tf t.tar | /usr/bin/sort
    /usr/bin/seq 1 5 > n5; /usr/bin/seq 2 6 > n6; /usr/bin/diff n5 n6; echo "diff: $?"
}

case_chrt_limits() {
    /usr/bin/chrt -m
}

# Python without -B: inside Tessera the first run writes the compiled
# modules into the image's RAM file system, which the later runs read.
case_python_json() {
    /usr/bin/python3 - <<'EOF'
import json
d = {"a": [1, 2, {"b": None}], "c": "caf\u00e9", "d": 1.5, "e": True, "f": 10 ** 20}
s = json.dumps(d, sort_keys=True)
print(s)
print(json.loads(s) == d)
print(json.dumps(json.loads('[1, 2.5e3, "x\\u00e9", {"k": []}]'), indent=1))
EOF
}

case_python_os() {
    /usr/bin/python3 - <<'EOF'
import os, sys, hashlib, math, re, struct
print("getpid > 0:", os.getpid() > 0, "getppid > 0:", os.getppid() > 0)
print(sys.platform, sys.byteorder, sys.maxsize, sys.version_info[:2] >= (3, 0))
print(hashlib.sha256(b"Tessera").hexdigest())
print(math.factorial(20), math.isclose(math.pi, 3.14159, rel_tol=1e-5))
print(re.sub(r"(\d+)", r"<\1>", "a1b22c333"), struct.pack("<IH", 1, 2).hex())
os.mkdir("x"); open("x/f", "w").write("12345")
print(sorted(os.listdir(".")), os.stat("x/f").st_size, os.path.isdir("x"))
print(os.environ.get("HOME"), os.environ.get("TZ"), os.uname().sysname)
fd = os.open("x/f", os.O_RDONLY); print(os.read(fd, 3), os.lseek(fd, 0, os.SEEK_END)); os.close(fd)
EOF
}

case_python_subprocess() {
    /usr/bin/python3 - <<'EOF'
import subprocess
r = subprocess.run(["/bin/echo", "hello", "world"], capture_output=True, text=True)
print(repr(r.stdout), r.returncode)
print(subprocess.run("exit 3", shell=True).returncode)
print(subprocess.check_output(["/usr/bin/sort"], input="b\na\nc\n", text=True), end="")
p = subprocess.Popen(["/usr/bin/cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
out, _ = p.communicate(b"through a pipe\n")
print(out, p.returncode)
EOF
}

case_python_threads() {
    /usr/bin/python3 - <<'EOF'
import threading
total = 0
lock = threading.Lock()
seen = []
def work(k):
    global total
    s = sum(range(k * 250000, (k + 1) * 250000))
    with lock:
        total += s
        seen.append(threading.get_ident())
threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("sum", total, total == sum(range(1000000)))
print("threads", len(seen), "distinct", len(set(seen)) >= 1, "alive", threading.active_count())
EOF
}

case_python_fork() {
    /usr/bin/python3 - <<'EOF'
import os
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    os.write(w, b"child: ppid is parent: %d\n" % (os.getppid() > 1))
    os._exit(7)
os.close(w)
print(os.read(r, 100).decode(), end="")
p, status = os.waitpid(pid, 0)
print("waitpid returned the child:", p == pid)
print("exited:", os.WIFEXITED(status), "status:", os.WEXITSTATUS(status))
try:
    os.waitpid(-1, 0)
except ChildProcessError as e:
    print("no more children:", e.errno)
EOF
}

# util-linux flock(1) and Python's fcntl module between processes: a
# holder keeps a waiter out until it is done, -n gives up at once (status
# 1), and lockf, flock and F_GETLK in a forked child see the parent's locks.
case_file_locks() {
    /usr/bin/flock lk -c 'echo "holder: locked"; : > held; /usr/bin/sleep 1; echo "holder: done"' &
    wait_file held
    /usr/bin/flock -n lk -c 'echo "not reached"'; echo "flock -n while held: status $?"
    /usr/bin/flock -s -n other -c 'echo "flock -s on another file: ran"'
    /usr/bin/flock lk -c 'echo "waiter: got the lock"'
    wait
    /usr/bin/python3 - <<'EOF'
import errno, fcntl, os, struct, sys
fd = os.open("pl", os.O_RDWR | os.O_CREAT, 0o644)
os.write(fd, b"x" * 100)
fcntl.lockf(fd, fcntl.LOCK_EX, 10, 20)
fcntl.flock(fd, fcntl.LOCK_SH)
parent = os.getpid()
pid = os.fork()
if pid == 0:
    mine = os.open("pl", os.O_RDWR)
    tries = (("lockf bytes 25-29", lambda: fcntl.lockf(mine, fcntl.LOCK_EX | fcntl.LOCK_NB, 5, 25)),
             ("lockf bytes 40-44", lambda: fcntl.lockf(mine, fcntl.LOCK_EX | fcntl.LOCK_NB, 5, 40)),
             ("flock LOCK_SH", lambda: fcntl.flock(mine, fcntl.LOCK_SH | fcntl.LOCK_NB)),
             ("flock LOCK_EX", lambda: fcntl.flock(mine, fcntl.LOCK_EX | fcntl.LOCK_NB)))
    for what, call in tries:
        try:
            call()
            print("child:", what, "ok")
        except OSError as e:
            print("child:", what, errno.errorcode[e.errno])
    got = fcntl.fcntl(mine, fcntl.F_GETLK, struct.pack("hhqqi4x", fcntl.F_WRLCK, 0, 0, 0, 0))
    t, whence, start, length, who = struct.unpack("hhqqi4x", got)
    print("child: F_GETLK write lock:", t == fcntl.F_WRLCK, "start", start, "len", length,
          "held by the parent:", who == parent)
    sys.stdout.flush()              # into a pipe: _exit would lose the buffer
    os._exit(0)
os.waitpid(pid, 0)
EOF
}

# The book's Process API examples: the glibc build (plain gcc, dynamic),
# the static musl build of the guest tests, and the glibc build under
# stdbuf -oL (coreutils' LD_PRELOAD library makes its stdout line-buffered).
# check.py compares each with Linux, and glibc's lines with musl's.
book() {
    for build in glibc musl glibc-stdbuf; do
        echo "@@PART $build"
        cp "$DEB_TESTS/$1.c" . 2>/dev/null
        rm -f "$1.output"
        case $build in
            glibc) "$DEB_DIR/$1" | cat ;;
            glibc-stdbuf) /usr/bin/stdbuf -oL "$DEB_DIR/$1" | cat ;;
            musl) "$DEB_TESTS/$1" | cat ;;
        esac
        if [ -f "$1.output" ]; then echo "$1.output:"; cat "$1.output"; fi
    done
}

case_book_p1() { book p1; }
case_book_p2() { book p2; }
case_book_p3() { book p3; }
case_book_p4() { book p4; }

# ---------------------------------------------------------------- judged by meaning (Tessera only)

case_ps_threads() {
    rm -f ready stop
    /usr/bin/python3 - <<'EOF' &
import os, threading, time
def wait():
    while not os.path.exists("stop"):
        time.sleep(0.1)
threads = [threading.Thread(target=wait) for _ in range(2)]
for t in threads:
    t.start()
open("ready", "w").close()
wait()
for t in threads:
    t.join()
EOF
    py=$!
    wait_file ready
    echo "@@PID self=$$ python=$py"
    /usr/bin/ps -eLf
    echo "@@PS-O"
    /usr/bin/ps -o pid,nlwp,comm -p "$py"
    release
}

# Two refreshes a second apart while a spinner runs: top keeps /proc/stat
# and the tasks' stat files open and reads them again for the second.
case_top() {
    /bin/sh -c 'while :; do :; done' &
    spin=$!
    echo "@@PID spinner=$spin"
    /usr/bin/top -b -n 2 -d 1 -w 200
    kill "$spin"; wait
    return 0
}

case_free() {
    /usr/bin/free
}

case_pmap() {
    hold_bash
    echo "@@PID holder=$holder"
    /usr/bin/pmap -p "$holder"
    release
}

case_proc_maps() {
    /usr/bin/cat /proc/self/maps
}

case_proc_status_smaps() {
    /usr/bin/cat /proc/self/status
    echo "@@SMAPS"
    /usr/bin/cat /proc/self/smaps
}

case_taskset() {
    /usr/bin/taskset -c 1 /usr/bin/cat /proc/self/status | grep -E '^Cpus_allowed'
    /usr/bin/taskset -p -c 0 $$ >/dev/null
    /usr/bin/taskset -p $$
    /usr/bin/taskset -p -c 0-1 $$ >/dev/null
}

case_chrt() {
    /usr/bin/chrt -f 10 /usr/bin/chrt -p 0
    /usr/bin/chrt -r 20 /usr/bin/bash -c '/usr/bin/chrt -p $$'
}

case_renice() {
    sleep 30 &
    pid=$!
    echo "@@PID sleeper=$pid"
    /usr/bin/renice -n 5 -p "$pid"
    echo "@@NI $(/usr/bin/ps -o ni= -p "$pid")"
    kill "$pid"; wait
}

case_strace_count() {
    /usr/bin/strace -c "$DEB_DIR/getppid100"
}

case_strace_exec() {
    /usr/bin/strace -f /bin/sh -c 'true; /bin/true'
}

case_pidstat() {
    hold_bash
    echo "@@PID holder=$holder"
    /usr/bin/pidstat -w -p "$holder" 1 1
    release
}

case_mpstat() {
    /usr/bin/mpstat -P ALL 1 1
}

# A spinner pinned to CPU 1 while mpstat watches: that CPU must be busy.
case_mpstat_busy() {
    /usr/bin/taskset -c 1 /bin/sh -c 'while :; do :; done' &
    spin=$!
    /usr/bin/mpstat -P ALL 1 1
    kill "$spin"; wait
}

case_lscpu() {
    /usr/bin/lscpu
}

case_numactl() {
    /usr/bin/numactl --hardware
}

case_vmstat() {
    /usr/bin/vmstat 1 2
}

case_uptime() {
    /usr/bin/uptime
    echo "@@LOADAVG $(cat /proc/loadavg)"
}

# dmesg's lines start with "[": check.py drops such lines as kernel log
case_dmesg() {
    /usr/bin/dmesg | head -n 5 | sed 's/^/dmesg: /'
}

# Debian's perf stat over dd, a shell with children and a hardware event:
# tests/debian/perf_stat.sh, with a PASS or FAIL line per check of its own
case_perf_stat() {
    sh "$DEB_DIR/perf_stat.sh" /usr/bin/perf
}

# ---------------------------------------------------------------- driver

if [ "${1:-}" = --list ]; then
    case ${2:-all} in compare) echo $COMPARE ;; meaning) echo $MEANING ;; *) echo $COMPARE $MEANING ;; esac
    exit 0
fi
. "$DEB_TESTS/select.sh"     # tests/guest/select.sh, shipped with the guest tests
select_init deb "$@"

rm -rf "$DEB_WORK"
mkdir -p "$DEB_WORK" || { echo "@@ERROR cannot create $DEB_WORK"; exit 1; }
echo "@@START dir=$DEB_DIR"
count=0
for name in $COMPARE $MEANING; do
    selected "$name" || continue
    work=$DEB_WORK/$name
    mkdir -p "$work"
    echo "@@CASE $name"
    echo 255 > "$DEB_WORK/$name.status"
    # through a pipe to cat: the frame closes once every process holding
    # the case's output has finished with it
    (cd "$work" && { "case_$name" </dev/null 2>&1; echo $? > "$DEB_WORK/$name.status"; }) | cat
    read -r status < "$DEB_WORK/$name.status"
    echo "@@END $name status=$status"
    count=$((count + 1))
done
echo "@@DONE count=$count"
exit 0
