#!/usr/bin/env python3
"""Runs unmodified Debian programs on Linux and inside Tessera and judges them.

The cases are shell functions in tests/debian/cases.sh, which frames each
case's output between "@@CASE name" and "@@END name status=N".  Two kinds:

  * compare cases (bash, dash, coreutils, GNU tools, python3, the book's
    p1..p4): the host runs them through the same script, under busybox sh
    as inside Tessera (its applets do the plumbing on both sides), and
    Tessera must print the same lines and exit with the same status; Linux
    is the oracle.  The book's cases run the glibc build, the static musl
    build and the glibc build under stdbuf -oL one after the other ("@@PART"
    lines), pids masked as tests/guest/runner.py does; in Tessera the glibc
    and musl builds must also print the same lines (not always as often:
    see judge_compare).
  * meaning cases (ps, top, free, pmap, /proc files, taskset, chrt, renice,
    strace, pidstat, mpstat, lscpu, numactl, vmstat, uptime, dmesg, perf):
    run in Tessera only; what they print depends on the machine, so a check
    below reads it (the CPU count and memory size come from the QEMU flags).

A case listed in XFAIL is expected to fail for the reason given, a gap that
is being filled elsewhere: when it fails the run prints "XFAIL name: reason"
and writes an XFAIL line, which counts neither as a pass nor as a failure;
when it passes it counts as a pass, with a note to drop the mark.

Tessera boots once, with init=/debian/cases.sh (the image holds the host
programs with their libraries: tests/debian/debian.mk); a case that hangs
is stopped and the guest booted again to run the rest (runner.run_side).
Results are PASS/FAIL/XFAIL lines in --results; each side's output per case
and its console log are kept under --out.
"""

import argparse
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "guest"))
import runner  # noqa: E402  (the guest tests' runner: streaming, frames, pid masking)

CASES = os.path.join(HERE, "cases.sh")
LIBC = "/lib/x86_64-linux-gnu/libc.so.6"

# Cases expected to fail until work going on elsewhere lands: name -> reason.
XFAIL = {}

# Book cases whose lines come in scheduler order (tests/guest/p1.c).
UNORDERED = {"book_p1"}


# ---------------------------------------------------------------- helpers

def section(lines, marker):
    """The lines after the line starting with marker (up to the next @@ line)."""
    out, inside = [], False
    for line in lines:
        if line.startswith(marker):
            inside = True
        elif inside and line.startswith("@@"):
            break
        elif inside:
            out.append(line)
    return out


def before_marker(lines):
    """The lines before the first @@ line."""
    out = []
    for line in lines:
        if line.startswith("@@"):
            break
        out.append(line)
    return out


def marked(lines, marker):
    """{key: int} from a line "@@MARKER k=v k=v"."""
    for line in lines:
        if line.startswith(marker + " "):
            return {k: int(v) for k, v in (w.split("=", 1) for w in line.split()[1:] if "=" in w)}
    return {}


def find(lines, pattern):
    """The first match of the regular expression in any line, or None."""
    rx = re.compile(pattern)
    for line in lines:
        m = rx.search(line)
        if m:
            return m
    return None


class Verdict:
    """Collects what a check expected and whether each held."""

    def __init__(self):
        self.failed = []

    def expect(self, cond, what):
        if not cond:
            self.failed.append(what)
        return cond


# ---------------------------------------------------------------- the meaning checks

def check_ps_threads(out, v, m):
    pids = marked(out, "@@PID")
    me, py = pids.get("self"), pids.get("python")
    rows = []
    for line in section(out, "@@PID"):
        f = line.split(None, 9)
        if len(f) == 10 and f[1].isdigit():
            rows.append(f)
    v.expect(find(out, r"^UID\s+PID\s+PPID\s+LWP\s+C\s+NLWP\s+STIME\s+TTY\s+TIME\s+CMD"),
             "ps -eLf prints its header")
    mine = [r for r in rows if int(r[1]) == me]
    v.expect(mine and "cases.sh" in mine[0][9], "ps -eLf lists the script's own process (pid %s)" % me)
    threads = [r for r in rows if int(r[1]) == py]
    nlwp = {int(r[5]) for r in threads}
    v.expect(len(threads) in (3, 4) and nlwp == {len(threads)},
             "the 3-thread python (pid %s) has one line per thread, NLWP 3 or 4 (lines %d, NLWP %s)"
             % (py, len(threads), sorted(nlwp)))
    v.expect(threads and "python3" in threads[0][9], "its CMD is python3")
    lwps = [int(r[3]) for r in threads]
    v.expect(py in lwps and len(set(lwps)) == len(lwps), "its LWPs are distinct, one is the pid")
    o = section(out, "@@PS-O")
    v.expect(find(o, r"^\s*%s\s+[34]\s+python3$" % py), "ps -o pid,nlwp,comm shows NLWP 3 or 4")


def check_top(out, v, m):
    spin = marked(out, "@@PID").get("spinner")
    body = section(out, "@@PID")
    starts = [i for i, l in enumerate(body) if l.startswith("top - ")]
    v.expect(len(starts) == 2, "two refreshes (%d)" % len(starts))
    first, second = body[:starts[-1]], body[starts[-1]:]
    v.expect(find(first, r"^top - \d+:\d+:\d+ up .* load average: [\d.]+, [\d.]+, [\d.]+$"),
             "the first line: time, uptime, load average")
    v.expect(find(first, r"^Tasks: +\d+ total, +\d+ running"), "Tasks: line")
    mem = find(first, r"^MiB Mem : +([\d.]+) total")
    v.expect(mem and 0 < float(mem.group(1)) <= m.mem_mib, "MiB Mem total within %d MiB" % m.mem_mib)
    v.expect(find(first, r"^\s*PID USER\s+PR\s+NI\s+VIRT\s+RES"), "the task header")
    init = find(first, r"^\s*1 \S+\s+\S+\s+\S+\s+(\d+)\s+(\d+)\s+\d+ [RSD] ")
    v.expect(init, "a line for init (pid 1)")
    v.expect(init and int(init.group(1)) > 0 and int(init.group(2)) > 0, "init's VIRT and RES are not 0")
    # the second refresh: figures over the second between the two
    cpu = find(second, r"^%Cpu\(s\): *([\d.]+) us, *([\d.]+) sy,.*?([\d.]+) id,")
    busy = cpu and float(cpu.group(1)) + float(cpu.group(2))
    v.expect(cpu and 100 / m.cpus - 15 < busy < 100 / m.cpus + 15,
             "%%Cpu(s) in the second refresh: one CPU of %d busy (us+sy %s)" % (m.cpus, busy))
    row = find(second, r"^\s*%s \S+\s+\S+\s+\S+\s+\d+\s+\d+\s+\d+ R +([\d.]+) " % spin)
    v.expect(row and float(row.group(1)) > 80, "the spinner (pid %s) runs, %%CPU > 80 (%s)"
             % (spin, row and row.group(1)))


def check_free(out, v, m):
    row = find(out, r"^Mem:\s+(\d+)\s+(\d+)\s+(\d+)")
    v.expect(find(out, r"^\s+total\s+used\s+free\s+shared\s+buff/cache\s+available$"), "free's header")
    if v.expect(row, "a Mem: line"):
        total, used, free = (int(x) for x in row.groups())
        v.expect(m.mem_kib // 2 < total <= m.mem_kib,
                 "total memory %d KiB within the machine's %d KiB (and above half of it)"
                 % (total, m.mem_kib))
        v.expect(used + free <= total, "used + free <= total")


def check_pmap(out, v, m):
    h = marked(out, "@@PID").get("holder")
    body = before_marker(out[1:])
    v.expect(find(body, r"^%s: +/usr/bin/bash" % h), "pmap's first line: the pid and its command")
    v.expect(find(body, re.escape(LIBC) + "$"), "lists %s by path" % LIBC)
    v.expect(find(body, r"/usr/bin/bash$"), "lists the program /usr/bin/bash")
    v.expect(find(body, r"\[ stack \]$"), "lists the stack")
    v.expect(find(body, r"^ total +\d+K$"), "a total line")


MAPS_RE = r"^[0-9a-f]+-[0-9a-f]+ [r-][w-][x-][ps] [0-9a-f]+ [0-9a-f]+:[0-9a-f]+ \d+"


def check_proc_maps(out, v, m):
    lines = before_marker(out)
    v.expect(lines and all(re.match(MAPS_RE, l) for l in lines), "every line in the maps format")
    v.expect(find(lines, r" r-xp .* " + re.escape(LIBC) + "$"), "libc's code: r-xp " + LIBC)
    v.expect(find(lines, r" /lib/x86_64-linux-gnu/ld-linux-x86-64\.so\.2$"), "the dynamic loader")
    v.expect(find(lines, r" /usr/bin/cat$"), "the program, /usr/bin/cat")
    v.expect(find(lines, r" \[stack\]$"), "[stack]")
    v.expect(find(lines, r" \[heap\]$"), "[heap]")


def check_proc_status_smaps(out, v, m):
    st = before_marker(out)
    v.expect(find(st, r"^Name:\tcat$"), "Name:\tcat")
    v.expect(find(st, r"^Threads:\t1$"), "Threads:\t1")
    for key in ("VmSize", "VmRSS"):
        f = find(st, r"^%s:\s+(\d+) kB$" % key)
        v.expect(f and int(f.group(1)) > 0, "%s: N kB, not 0" % key)
    sm = section(out, "@@SMAPS")
    v.expect(find(sm, MAPS_RE + r" +" + re.escape(LIBC) + "$"), "smaps has an entry for " + LIBC)
    code = section(sm, next((l for l in sm if " r-xp " in l and l.endswith(LIBC)), "@@none"))
    anon = find(code, r"^Anonymous:\s+(\d+) kB$")
    v.expect(anon and anon.group(1) == "0", "libc's code is not anonymous memory (Anonymous: %s kB)"
             % (anon and anon.group(1)))
    rss = [int(x.group(1)) for x in (re.match(r"^Rss:\s+(\d+) kB$", l) for l in sm) if x]
    v.expect(rss and sum(rss) > 0, "Rss: lines, not all 0")
    for key in ("Size", "Pss", "Private_Dirty", "Anonymous", "Swap"):
        v.expect(find(sm, r"^%s:\s+\d+ kB$" % key), "%s: lines" % key)


def check_taskset(out, v, m):
    v.expect("Cpus_allowed_list:\t1" in out, "taskset -c 1: Cpus_allowed_list 1")
    v.expect("Cpus_allowed:\t2" in out, "taskset -c 1: Cpus_allowed mask 2")
    v.expect(find(out, r"^pid \d+'s current affinity mask: 1$"), "taskset -p: the shell's mask, set to CPU 0")


def check_chrt(out, v, m):
    pol = [l.split(": ")[1] for l in out if "current scheduling policy" in l]
    pri = [l.split(": ")[1] for l in out if "current scheduling priority" in l]
    v.expect(pol[:1] == ["SCHED_FIFO"] and pri[:1] == ["10"], "chrt -f 10: SCHED_FIFO priority 10")
    v.expect(pol[1:2] == ["SCHED_RR"] and pri[1:2] == ["20"], "chrt -r 20 bash -c 'chrt -p $$': SCHED_RR 20")


def check_renice(out, v, m):
    p = marked(out, "@@PID").get("sleeper")
    v.expect(find(out, r"^%s \(process ID\) old priority 0, new priority 5$" % p), "renice's report")
    v.expect(find(out, r"^@@NI +5$"), "ps -o ni= reads 5")


def check_strace_count(out, v, m):
    v.expect(find(out, r"^% time +seconds +usecs/call +calls +errors +syscall$"), "strace -c's header")
    g = find(out, r"^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?getppid$")
    v.expect(g and g.group(1) == "100", "getppid counted 100 times (%s)" % (g and g.group(1)))
    v.expect(find(out, r"^\s*100\.00\s+[\d.]+\s+\d+\s+\d+\s+(?:\d+\s+)?total$"), "a total line")


def check_strace_exec(out, v, m):
    ex = [l for l in out if "execve(" in l]
    v.expect(find(ex, r'^execve\("/bin/sh", \["/bin/sh", "-c", "true; /bin/true"\], .*\) = 0$'),
             "execve of the shell")
    v.expect(find(ex, r'execve\("/bin/true", \["/bin/true"\], .*\) = 0$'), "execve of /bin/true")
    v.expect(find(out, r"\+\+\+ exited with 0 \+\+\+$"), "+++ exited with 0 +++")


def check_pidstat(out, v, m):
    h = marked(out, "@@PID").get("holder")
    v.expect(find(out, r"^Linux .*\s\(%d CPU\)$" % m.cpus), "the banner names %d CPUs" % m.cpus)
    v.expect(find(out, r"^\S+\s+UID\s+PID\s+cswch/s\s+nvcswch/s\s+Command$"), "the -w header")
    row = find(out, r"^Average:\s+\d+\s+%s\s+([\d.]+)\s+([\d.]+)\s+bash$" % h)
    v.expect(row, "an Average line for the waiting bash (pid %s)" % h)
    v.expect(row and float(row.group(1)) > 1, "it switches voluntarily (cswch/s > 1: %s)"
             % (row and row.group(1)))


def mpstat_rows(out):
    """{cpu: (%usr, %sys, %idle, sum of the columns)} of mpstat's Average rows."""
    header = find(out, r"^Average:\s+CPU\s+(.*)$")
    rows = {}
    if not header:
        return rows
    cols = header.group(1).split()
    for line in out:
        f = line.split()
        if len(f) == len(cols) + 2 and f[0] == "Average:" and f[1] != "CPU":
            vals = dict(zip(cols, (float(x) for x in f[2:])))
            rows[f[1]] = (vals["%usr"], vals["%sys"], vals["%idle"], sum(vals.values()))
    return rows


def check_mpstat(out, v, m):
    v.expect(find(out, r"^Linux .*\s\(%d CPU\)$" % m.cpus), "the banner names %d CPUs" % m.cpus)
    v.expect(find(out, r"^\S+\s+CPU\s+%usr\s+%nice\s+%sys\s+%iowait\s+%irq\s+%soft\s+%steal\s+%guest"
                  r"\s+%gnice\s+%idle$"), "the column header")
    rows = mpstat_rows(out)
    want = ["all"] + [str(c) for c in range(m.cpus)]
    v.expect(sorted(rows) == sorted(want), "an Average row for all and for each CPU (%s)" % sorted(rows))
    v.expect(all(99 <= r[3] <= 101 for r in rows.values()), "each row's columns add up to 100 %")
    return rows


def check_mpstat_busy(out, v, m):
    rows = check_mpstat(out, v, m)
    busy = rows.get("1")
    v.expect(busy and busy[0] + busy[1] > 50,
             "CPU 1, running a pinned spinner, is busy (%%usr+%%sys > 50: %s)"
             % (busy and busy[0] + busy[1]))


def check_lscpu(out, v, m):
    v.expect(find(out, r"^Architecture:\s+x86_64$"), "Architecture: x86_64")
    v.expect(find(out, r"^CPU\(s\):\s+%d$" % m.cpus), "CPU(s): %d" % m.cpus)
    online = "0" if m.cpus == 1 else ("0,1" if m.cpus == 2 else "0-%d" % (m.cpus - 1))
    v.expect(find(out, r"^\s*On-line CPU\(s\) list:\s+%s$" % online), "On-line CPU(s) list: " + online)
    v.expect(find(out, r"^\s*CPU op-mode\(s\):\s+32-bit, 64-bit$"), "CPU op-mode(s): 32-bit, 64-bit")


def check_numactl(out, v, m):
    v.expect(find(out, r"^available: 1 nodes \(0\)$"), "available: 1 nodes (0)")
    v.expect(find(out, r"^node 0 cpus: %s$" % " ".join(str(c) for c in range(m.cpus))),
             "node 0 holds every CPU")
    size = find(out, r"^node 0 size: (\d+) MB$")
    v.expect(size and m.mem_mib // 2 < int(size.group(1)) <= m.mem_mib, "node 0's size within the machine's")
    v.expect(find(out, r"^\s+0:\s+10\s*$"), "the distance table: 10 to itself")


def check_vmstat(out, v, m):
    v.expect(find(out, r"^procs -+memory-+ ---swap-- -----io---- -system-- -+cpu-+$"), "vmstat's first header")
    v.expect(find(out, r"^ r +b +swpd +free +buff +cache +si +so +bi +bo +in +cs +us +sy +id +wa +st"),
             "vmstat's second header")
    rows = [l.split() for l in out if re.match(r"^\s*\d+(\s+\d+){16}\s*$", l)]
    v.expect(len(rows) == 2, "two rows of figures (%d)" % len(rows))
    v.expect(all(int(r[3]) <= m.mem_kib for r in rows), "free memory within the machine's")
    v.expect(all(95 <= sum(int(x) for x in r[12:17]) <= 105 for r in rows), "us+sy+id+wa+st about 100")
    # the second row is the second between the two: vmstat itself slept
    # through it, so there were interrupts and context switches
    v.expect(len(rows) == 2 and int(rows[1][10]) > 0 and int(rows[1][11]) > 0,
             "the second row counts interrupts and context switches (in %s, cs %s)"
             % tuple(rows[1][10:12] if len(rows) == 2 else ("?", "?")))


def check_uptime(out, v, m):
    v.expect(find(out, r"^ \d+:\d+:\d+ up .*, +load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d$"),
             "uptime: time, up, load average")
    v.expect(find(out, r"^@@LOADAVG \d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+$"), "/proc/loadavg's format")


def check_dmesg(out, v, m):
    v.expect(find(out, r"^dmesg: \[ *\d+\.\d{6}\] Tessera: booting"), "dmesg shows the kernel's first line")


def check_perf_stat(out, v, m):
    passed = [l for l in out if l.startswith("PASS perf_stat/")]
    failed = [l for l in out if l.startswith("FAIL perf_stat/")]
    v.expect(len(passed) >= 8 and not failed, "perf_stat.sh's checks pass (%d passed; %s)"
             % (len(passed), "; ".join(failed) or "none failed"))


CHECKS = {name[len("check_"):]: fn for name, fn in globals().items() if name.startswith("check_")}


# ---------------------------------------------------------------- compare cases

def parts(lines, unordered):
    """{part name: pid-masked lines} in order; one part "" when there are no @@PART lines."""
    out, name = {}, ""
    for line in lines:
        if line.startswith("@@PART "):
            name = line.split(" ", 1)[1]
            out[name] = []
        else:
            out.setdefault(name, []).append(line)
    return {k: runner.normalize(v, unordered) for k, v in out.items()}


def judge_compare(name, lin, tes):
    """(passed, explanation lines) for a case compared with Linux."""
    if lin is None or lin.status is None:
        return False, ["Linux side did not finish: %s" % (lin.problem if lin else "not run")]
    if lin.status != 0:
        return False, ["the case fails on Linux itself (status %d)" % lin.status] + lin.lines[-10:]
    if tes.status is None:
        return False, ["Tessera: %s" % (tes.problem or "no output")]
    unordered = name in UNORDERED
    a, b = parts(lin.lines, unordered), parts(tes.lines, unordered)
    why = []
    if lin.status != tes.status:
        why.append("status: Linux %d, Tessera %d" % (lin.status, tes.status))
    flat_a = [l for k in a for l in ["@@PART " + k] + a[k]]
    flat_b = [l for k in b for l in ["@@PART " + k] + b[k]]
    why += list(difflib.unified_diff(flat_a, flat_b, "linux", "tessera", lineterm="", n=2))
    if "musl" in b and sorted(set(b["musl"])) != sorted(set(b.get("glibc", []))):
        # The book: the same lines from both C libraries, though not always
        # as often.  Into a pipe glibc's stdout is fully buffered from the
        # start, so a line printed before fork() is flushed by both
        # processes; musl's decides at its first write, after that line
        # went out.  Linux prints the same (the host side shows it).
        why.append("in Tessera, the glibc and the musl builds print different lines:")
        why += list(difflib.unified_diff(sorted(set(b.get("glibc", []))), sorted(set(b["musl"])),
                                         "glibc", "musl", lineterm="", n=1))
    return not why, why


def judge_meaning(name, tes, machine):
    if tes.status is None:
        return False, ["Tessera: %s" % (tes.problem or "no output")]
    v = Verdict()
    v.expect(tes.status == 0, "exit status 0 (%d)" % tes.status)
    CHECKS[name](tes.lines, v, machine)
    return not v.failed, ["expected: " + w for w in v.failed]


# ---------------------------------------------------------------- the two sides

def case_names(which):
    out = subprocess.run(["/bin/busybox", "sh", CASES, "--list", which], capture_output=True,
                         text=True, check=True).stdout
    return out.split()


def machine_of(qemu):
    """CPU count and memory size (KiB) from the QEMU flags."""
    words = shlex.split(qemu or "")
    cpus, mem = 1, 128 << 10
    for i, w in enumerate(words[:-1]):
        if w == "-smp":
            cpus = int(re.match(r"(?:cpus=)?(\d+)", words[i + 1]).group(1))
        elif w == "-m":
            n = re.match(r"(?:size=)?(\d+)([MGK]?)", words[i + 1])
            mem = int(n.group(1)) * {"K": 1, "": 1 << 10, "M": 1 << 10, "G": 1 << 20}[n.group(2)]
    return types.SimpleNamespace(cpus=cpus, mem_kib=mem, mem_mib=mem >> 10)


def run_linux(ns, args, names):
    scratch = tempfile.mkdtemp(prefix="deb-linux-")
    try:
        env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": "/",
               "DEB_DIR": os.path.abspath(args.debian_dir), "DEB_TESTS": os.path.abspath(args.tests_dir),
               "DEB_WORK": os.path.join(scratch, "work"), "PYTHONDONTWRITEBYTECODE": "1"}
        driver = ["/bin/busybox", "sh", CASES]
        return runner.run_side(ns, "linux", names, lambda todo, hung: (driver + todo, env), 30)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_tessera(ns, args, names, all_names):
    missing = [p for p in (args.kernel, args.initrd) if not p or not os.path.isfile(p)]
    if missing or not args.qemu:
        why = "not built: %s" % ", ".join(missing) if missing else "no QEMU command"
        results = {}
        for n in names:
            results[n] = runner.Result(n)
            results[n].problem = why
        return results

    def launch(todo, last_hung):
        cmdline = "init=/debian/cases.sh quiet"
        if names != all_names:
            cmdline += " deb.only=" + ",".join(todo)
        elif last_hung:
            cmdline += " deb.after=" + last_hung
        return shlex.split(args.qemu) + ["-serial", "stdio", "-append", cmdline], None
    return runner.run_side(ns, "tessera", names, launch, args.start_timeout)


def save(out_dir, side, r):
    d = os.path.join(out_dir, side)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, r.name + ".txt"), "w") as f:
        f.write("\n".join(r.lines) + "\n")
        f.write("status=%s%s\n" % (r.status, " problem=" + r.problem if r.problem else ""))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cases", nargs="*", help="case names (default: all)")
    ap.add_argument("--out", default="build/debian", help="folder for outputs and console logs")
    ap.add_argument("--debian-dir", default="build/debian/extra/debian",
                    help="the host's copy of the guest's /debian (cases.sh, getppid100, p1..p4)")
    ap.add_argument("--tests-dir", default="build/guest", help="the static musl p1..p4 and p3.c, p4.c")
    ap.add_argument("--results", help="file for PASS/FAIL/XFAIL lines")
    ap.add_argument("--prefix", default="debian")
    ap.add_argument("--qemu", help="QEMU command and flags, without -serial/-append")
    ap.add_argument("--kernel")
    ap.add_argument("--initrd")
    ap.add_argument("--timeout", type=int, default=240, help="seconds for each whole side")
    ap.add_argument("--case-timeout", type=int, default=60, help="seconds for one case")
    ap.add_argument("--start-timeout", type=int, default=60)
    ap.add_argument("--verbose", action="store_true", help="print every case's output")
    args = ap.parse_args()

    compare, all_names = case_names("compare"), case_names("all")
    unknown = [c for c in args.cases if c not in all_names]
    if unknown:
        sys.exit("check: no such case: %s" % " ".join(unknown))
    names = args.cases or all_names
    ns = types.SimpleNamespace(build=args.out, timeout=args.timeout, test_timeout=args.case_timeout,
                               show=None)
    machine = machine_of(args.qemu)
    linux = run_linux(ns, args, [n for n in names if n in compare])
    tessera = run_tessera(ns, args, names, all_names)

    report, xfails = [], []
    for name in names:
        lin, tes = linux.get(name), tessera.get(name) or runner.Result(name)
        for side, r in (("linux", lin), ("tessera", tes)):
            if r is not None:
                save(args.out, side, r)
        if name in compare:
            ok, why = judge_compare(name, lin, tes)
        else:
            ok, why = judge_meaning(name, tes, machine)
        full = args.prefix + "/" + name
        if not ok and name in XFAIL:
            report.append("XFAIL %s: %s" % (full, XFAIL[name]))
            xfails.append(name)
            print("XFAIL %s: %s" % (name, XFAIL[name]))
            continue
        report.append(("PASS " if ok else "FAIL ") + full)
        if ok and name in XFAIL:
            print("--- %s: PASS, though marked XFAIL (%s): drop the mark in %s"
                  % (name, XFAIL[name], os.path.relpath(__file__)))
        if not ok or args.verbose:
            print("--- %s: %s" % (name, "PASS" if ok else "FAIL"))
            for line in why:
                print("    " + line)
            if args.verbose or name not in compare:
                for line in tes.lines[-40:]:
                    print("    | " + line)
    if args.results:
        os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
        with open(args.results, "w") as f:
            f.write("".join(l + "\n" for l in report))
    passed = sum(1 for l in report if l.startswith("PASS"))
    failed = sum(1 for l in report if l.startswith("FAIL"))
    print("debian: %d passed, %d failed, %d expected failures (XFAIL)" % (passed, failed, len(xfails)))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
