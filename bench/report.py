"""Parsing and reporting for the Tessera-vs-Linux benchmark harness.

A guest run's console output is parsed into one BootRun (RESULT, SKIP,
ERROR and BOOT lines, the kernel's own "first user instruction" line, and
BENCH-INFO facts).  Several boots of one kernel under one emulation mode
are reduced to one figure per row: the median over boots of each boot's
median, with the range over boots as the spread.  The table compares the
two kernels row by row and judges each targeted row against its target.

Only order statistics are used; nothing is averaged, nothing is assumed.
"""
import re
import statistics

# (key, label, how to read the value, target ratio Tessera/Linux or None)
# A value reader is ("field", name) for a RESULT field of benchmark `key`
# or ("boot", field) for the boot measurements.
ROWS = [
    ("boot_kernel", "boot: kernel clock at first user instruction",
     ("boot", "kernel_ns"), 1 / 20),
    ("boot_reset", "boot: machine reset to first user instruction (TSC)",
     ("boot", "since_reset_ns"), None),
    ("null_syscall", "null syscall (getppid)", ("field", "median_ns"), 1 / 2),
    ("unknown_syscall", "unknown syscall (nr 500, ENOSYS)",
     ("field", "median_ns"), None),
    ("sched_yield", "sched_yield", ("field", "median_ns"), None),
    ("clock_gettime", "clock_gettime(CLOCK_MONOTONIC) through libc",
     ("field", "median_ns"), None),
    ("clock_gettime_syscall", "clock_gettime(CLOCK_MONOTONIC) as a system call",
     ("field", "median_ns"), None),
    ("clock_gap", "clock-read gap: median", ("field", "median_ns"), None),
    ("clock_gap", "clock-read gap: p99", ("field", "p99_ns"), None),
    ("clock_gap", "clock-read gap: p99.99", ("field", "p9999_ns"), None),
    ("clock_gap", "clock-read gap: largest", ("field", "max_ns"), None),
    ("clock_gap", "clock-read gaps over 10 µs (count)", ("count", "over_10us"),
     None),
    ("nanosleep_1us", "nanosleep(1 µs): how late it returns", ("field", "median_ns"), None),
    ("nanosleep_50us", "nanosleep(50 µs): how late it returns", ("field", "median_ns"), None),
    ("nanosleep_200us", "nanosleep(200 µs): how late it returns", ("field", "median_ns"), None),
    ("nanosleep_1us_fifo", "nanosleep(1 µs), SCHED_FIFO: how late", ("field", "median_ns"), None),
    ("nanosleep_50us_fifo", "nanosleep(50 µs), SCHED_FIFO: how late", ("field", "median_ns"), None),
    ("nanosleep_200us_fifo", "nanosleep(200 µs), SCHED_FIFO: how late", ("field", "median_ns"), None),
    ("cyclic_200us", "cyclic SCHED_FIFO wake-up, 200 µs period: median late", ("field", "median_ns"), 1 / 2),
    ("cyclic_200us", "cyclic SCHED_FIFO wake-up: p99 late", ("field", "p99_ns"), None),
    ("cyclic_200us", "cyclic SCHED_FIFO wake-up: max late", ("field", "max_ns"), 1 / 2),
    ("cyclic_200us", "cyclic SCHED_FIFO wake-up: min late", ("field", "min_ns"), None),
    ("cyclic_thread_200us", "cyclic wake-up, FIFO thread: median late", ("field", "median_ns"), None),
    ("cyclic_thread_200us", "cyclic wake-up, FIFO thread: max late", ("field", "max_ns"), None),
    ("timerfd_200us", "timerfd 200 µs: read after expiry, median", ("field", "median_ns"), None),
    ("timerfd_200us", "timerfd 200 µs: read after expiry, max", ("field", "max_ns"), None),
    ("pipe_wake_rt", "pipe wake-up to run, FIFO 80 reader: median", ("field", "median_ns"), None),
    ("pipe_wake_rt", "pipe wake-up to run, FIFO 80 reader: max", ("field", "max_ns"), None),
    ("ctxsw_pipe_pinned", "context switch, pipe, pinned (per switch)",
     ("field", "median_ns"), 1 / 2),
    ("ctxsw_pipe_unpinned", "context switch, pipe, unpinned (per switch)",
     ("field", "median_ns"), None),
    ("futex_pingpong_pinned",
     "futex ping-pong, 2 threads pinned to 1 CPU (per hand-off)",
     ("field", "median_ns"), None),
    ("futex_wake_xcpu", "futex wake-to-run, CPU 0 to CPU 1 (one way)",
     ("field", "median_ns"), None),
    ("mutex_pingpong", "mutex+condvar ping-pong, 2 threads (per round trip)",
     ("field", "median_ns"), None),
    ("fork_exit_wait", "fork+exit+wait", ("field", "median_ns"), 1 / 4),
    ("fork_execve_wait", "fork+execve+wait", ("field", "median_ns"), 1 / 4),
    ("exec_static_true", "fork+execve+wait, busybox true (static)",
     ("field", "median_ns"), None),
    ("exec_dynamic_true", "fork+execve+wait, Debian /usr/bin/true (glibc, dynamic)",
     ("field", "median_ns"), None),
    ("fork_forkers_1", "fork+exit+wait, 1 forker of bench-scale (wall time per fork)",
     ("field", "median_ns"), None),
    ("fork_touched_1m", "fork+exit+wait, 1 MiB touched",
     ("field", "median_ns"), None),
    ("fork_touched_16m", "fork+exit+wait, 16 MiB touched",
     ("field", "median_ns"), None),
    ("fork_touched_64m", "fork+exit+wait, 64 MiB touched",
     ("field", "median_ns"), None),
    ("fork_exit_wait_10", "fork+exit+wait, 10 processes asleep",
     ("field", "median_ns"), None),
    ("fork_exit_wait_1000", "fork+exit+wait, 1,000 processes asleep",
     ("field", "median_ns"), None),
    ("fork_exit_wait_30000", "fork+exit+wait, 30,000 processes asleep",
     ("field", "median_ns"), None),
    ("pid_lookup_10", "pid lookup (getpgid), 10 processes",
     ("field", "median_ns"), None),
    ("pid_lookup_1000", "pid lookup (getpgid), 1,000 processes",
     ("field", "median_ns"), None),
    ("pid_lookup_30000", "pid lookup (getpgid), 30,000 processes",
     ("field", "median_ns"), None),
    ("proc_list_10", "readdir of all /proc, 10 processes",
     ("field", "median_ns"), None),
    ("proc_list_1000", "readdir of all /proc, 1,000 processes",
     ("field", "median_ns"), None),
    ("proc_list_30000", "readdir of all /proc, 30,000 processes",
     ("field", "median_ns"), None),
    ("ctxsw_10", "context switch (pipe), 10 processes asleep",
     ("field", "median_ns"), None),
    ("ctxsw_1000", "context switch (pipe), 1,000 processes asleep",
     ("field", "median_ns"), None),
    ("ctxsw_30000", "context switch (pipe), 30,000 processes asleep",
     ("field", "median_ns"), None),
    ("wakeup_10", "pipe wake-up to run, 10 processes asleep",
     ("field", "median_ns"), None),
    ("wakeup_1000", "pipe wake-up to run, 1,000 processes asleep",
     ("field", "median_ns"), None),
    ("wakeup_30000", "pipe wake-up to run, 30,000 processes asleep",
     ("field", "median_ns"), None),
    ("ctxsw_run_10", "context switch (pipe, nice -20 pair), 10 runnable at SCHED_IDLE",
     ("field", "median_ns"), None),
    ("ctxsw_run_1000", "context switch (pipe, nice -20 pair), 1,000 runnable at SCHED_IDLE",
     ("field", "median_ns"), None),
    ("ctxsw_run_30000", "context switch (pipe, nice -20 pair), 30,000 runnable at SCHED_IDLE",
     ("field", "median_ns"), None),
    ("wakeup_run_10", "pipe wake-up to run, nice -20 pair, 10 runnable",
     ("field", "median_ns"), None),
    ("wakeup_run_1000", "pipe wake-up to run, nice -20 pair, 1,000 runnable",
     ("field", "median_ns"), None),
    ("wakeup_run_30000", "pipe wake-up to run, nice -20 pair, 30,000 runnable",
     ("field", "median_ns"), None),
    ("wakeup_rt_10", "pipe wake-up of a FIFO 80 reader by FIFO 10, 10 runnable",
     ("field", "median_ns"), None),
    ("wakeup_rt_1000", "pipe wake-up of a FIFO 80 reader by FIFO 10, 1,000 runnable",
     ("field", "median_ns"), None),
    ("wakeup_rt_30000", "pipe wake-up of a FIFO 80 reader by FIFO 10, 30,000 runnable",
     ("field", "median_ns"), None),
    ("wakeup_rt_fair_10", "pipe wake-up of a FIFO 80 reader by nice -20, 10 runnable",
     ("field", "median_ns"), None),
    ("wakeup_rt_fair_1000", "pipe wake-up of a FIFO 80 reader by nice -20, 1,000 runnable",
     ("field", "median_ns"), None),
    ("wakeup_rt_fair_30000", "pipe wake-up of a FIFO 80 reader by nice -20, 30,000 runnable",
     ("field", "median_ns"), None),
    ("thread_create_join", "pthread_create+pthread_join",
     ("field", "median_ns"), None),
    ("page_fault", "page fault, fresh anonymous 4 KiB page",
     ("field", "median_ns"), 1 / 2),
    ("shared_anon_fault", "page fault, shared anonymous 4 KiB page",
     ("field", "median_ns"), None),
    ("shared_file_fault",
     "page fault, shared file mapping, page in memory (per 4 KiB)",
     ("field", "median_ns"), None),
    ("shared_file_hole_fault",
     "page fault, shared file mapping, hole filled (per 4 KiB)",
     ("field", "median_ns"), None),
    ("munmap_4m", "munmap 4 MiB (1024 pages)", ("field", "median_ns"), None),
    ("pipe_bw", "pipe bandwidth, per 64 KiB", ("field", "median_ns"), None),
    ("os_noise", "OS noise: median clock-read gap", ("field", "median_ns"),
     None),
    ("os_noise", "OS noise: p99.99 gap", ("field", "p9999_ns"), None),
    ("os_noise", "OS noise: largest gap", ("field", "max_ns"), None),
    ("os_noise", "OS noise: gaps over 1 µs (count)", ("count", "over_1us"),
     None),
    ("os_noise", "OS noise: gaps over 10 µs (count)", ("count", "over_10us"),
     None),
]

# Fields of a RESULT line, beyond the times, that the per-boot list shows:
# they say what a figure is made of (see docs/benchmarks.md).
DETAIL_FIELDS = ["faults_per_page", "not_asleep"]

RESULT_RE = re.compile(r"^RESULT\s+(\S+)\s+(.*)$")
SKIP_RE = re.compile(r"^SKIP\s+(\S+)\s+reason=(.*)$")
ERROR_RE = re.compile(r"^ERROR\s+(\S+)\s+(.*)$")
BOOT_RE = re.compile(r"^BOOT\s+(.*)$")
INFO_RE = re.compile(r"^BENCH-INFO\s+([^=]+?)=(.*)$")
# Tessera's kernel line, e.g. "[    0.012345] init: first user instruction
# at 12345 us"; tolerant of the unit and of anything around it.
FIRST_USER_RE = re.compile(
    r"first user instruction\D{0,20}?([0-9]+(?:\.[0-9]+)?)\s*(ns|us|µs|ms|s)?\b",
    re.IGNORECASE)
UNIT_NS = {"ns": 1.0, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, None: 1e3}


def _fields(text):
    out = {}
    for tok in text.split():
        k, sep, v = tok.partition("=")
        if not sep:
            continue
        try:
            out[k] = float(v)
        except ValueError:
            pass
    return out


class BootRun:
    """Everything one boot of one kernel printed, parsed."""

    def __init__(self, lines):
        self.results, self.skips, self.errors = {}, {}, []
        self.boot, self.info, self.done = {}, {}, False
        for raw in lines:
            line = raw.strip()
            m = RESULT_RE.match(line)
            if m:
                self.results[m.group(1)] = _fields(m.group(2))
                continue
            m = SKIP_RE.match(line)
            if m:
                self.skips[m.group(1)] = m.group(2)
                continue
            m = ERROR_RE.match(line)
            if m:
                self.errors.append(line)
                continue
            m = BOOT_RE.match(line)
            if m:
                f = _fields(m.group(1))
                self.boot["user_mono_ns"] = f.get("mono_ns")
                if f.get("tsc_per_ns", 0) > 0 and f.get("since_reset_ns", 0) > 0:
                    self.boot["since_reset_ns"] = f["since_reset_ns"]
                continue
            m = INFO_RE.match(line)
            if m:
                self.info[m.group(1).strip()] = m.group(2).strip()
                continue
            if line == "BENCH-DONE":
                self.done = True
                continue
            m = FIRST_USER_RE.search(line)
            if m and "kernel_line_ns" not in self.boot:
                self.boot["kernel_line_ns"] = float(m.group(1)) * UNIT_NS[
                    m.group(2).lower() if m.group(2) else None]

    def started(self):
        """True if any user program of ours ran."""
        return bool(self.results or self.skips or self.boot.get("user_mono_ns")
                    is not None or self.info)

    def value(self, key, reader, kernel):
        """The row's figure for this boot, or None."""
        kind, field = reader
        if kind == "boot":
            if field == "kernel_ns":
                # Tessera reports it itself; Linux's CLOCK_MONOTONIC starts
                # with its timekeeping, so /init's first reading is the figure.
                if kernel == "tessera":
                    return self.boot.get("kernel_line_ns")
                return self.boot.get("user_mono_ns")
            return self.boot.get(field)
        return self.results.get(key, {}).get(field)


def summarize(runs, key, reader, kernel):
    """(median over boots, min, max, n) of a row, or None if no boot had it."""
    vals = [v for v in (r.value(key, reader, kernel) for r in runs)
            if v is not None]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals), len(vals)


def fmt_value(v, kind):
    if kind == "count":
        return "%g" % v
    if v < 1e3:
        return "%.0f ns" % v
    if v < 1e6:
        return "%.2f µs" % (v / 1e3)
    if v < 1e9:
        return "%.2f ms" % (v / 1e6)
    return "%.2f s" % (v / 1e9)


def fmt_cell(s, kind):
    if s is None:
        return None
    med, lo, hi, n = s
    if n == 1:
        return fmt_value(med, kind) + " (1 boot)"
    return "%s [%s–%s]" % (fmt_value(med, kind), fmt_value(lo, kind),
                           fmt_value(hi, kind))


def skip_reason(runs, key):
    for r in runs:
        if key in r.skips:
            return "SKIP: " + r.skips[key]
    for r in runs:
        for e in r.errors:
            if e.split()[1:2] == [key]:
                return "ERROR"
    return None


def table(t_runs, l_runs, t_missing, only=False):
    """Markdown table rows for one mode.  t_missing: reason Tessera has no
    figures at all (or None).  only: a run of some programs (BENCH_ONLY),
    whose table leaves out the rows no boot reported at all."""
    head = ["Tessera column: **n/a (%s)**" % t_missing, ""] if t_missing else []
    head += ["| operation | Tessera | Linux | ratio T/L | target | status |",
            "|---|---:|---:|---:|---:|---|"]
    rows = []
    for key, label, reader, target in ROWS:
        kind = reader[0]
        ts = summarize(t_runs, key, reader, "tessera")
        ls = summarize(l_runs, key, reader, "linux")
        if only and kind != "boot" and not (ts or ls or skip_reason(
                t_runs, key) or skip_reason(l_runs, key)):
            continue
        if t_missing:
            tcell = "n/a"
        else:
            missing = skip_reason(t_runs, key) or "not reported"
            if reader == ("boot", "kernel_ns"):
                missing = "no 'first user instruction' line from the kernel"
            tcell = fmt_cell(ts, kind) or "n/a (%s)" % missing
        lcell = fmt_cell(ls, kind) or (
            "n/a (%s)" % (skip_reason(l_runs, key) or "not reported"))
        ratio = None
        if ts and ls and ls[0] > 0:
            ratio = ts[0] / ls[0]
        rtext = "%.2f" % ratio if ratio is not None else "–"
        if target is None:
            ttext, status = "–", "–"
        else:
            ttext = "≤ %.2f×" % target if target >= 0.1 else "< 1/%d" % round(
                1 / target)
            if ratio is None:
                status = "n/a"
            elif ratio < target or (target >= 0.1 and ratio <= target):
                status = "met"
            else:
                status = "missed"
        rows.append("| %s | %s | %s | %s | %s | %s |" % (
            label, tcell, lcell, rtext, ttext, status))
    return head + rows


def details(runs, kernel):
    """Per-benchmark lines: every boot's median, p99 and sample count."""
    names = []
    for r in runs:
        for n in r.results:
            if n not in names:
                names.append(n)
    out = []
    for n in names:
        per = []
        for r in runs:
            f = r.results.get(n)
            if f is None:
                per.append("–")
            else:
                more = "".join(", %s=%g" % (k, f[k]) for k in DETAIL_FIELDS
                               if k in f)
                per.append("%s (p99 %s, n=%d%s)" % (
                    fmt_value(f.get("median_ns", 0), "t"),
                    fmt_value(f.get("p99_ns", 0), "t"), f.get("n", 0), more))
        out.append("| %s | %s | %s |" % (kernel, n, " · ".join(per)))
    return out
