#!/usr/bin/env python3
"""Tests of the harness's parsing and judging (report.py), on canned output.

They pin down what the harness promises: RESULT/SKIP lines are read, the
kernel's "first user instruction" line is found in its tolerated spellings
and converted to nanoseconds, boots reduce to a median with a spread, and a
row is "met" only when the ratio is within its target.
Prints one "PASS name" / "FAIL name" line per case; exits 1 on any failure.
"""
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def boot(lines):
    return report.BootRun(lines.splitlines())


@case
def parses_result_and_skip():
    r = boot("junk\r\nRESULT null_syscall median_ns=100.0 p90_ns=120 "
             "p99_ns=130 min_ns=90 max_ns=200 n=101\n"
             "SKIP ctxsw_pipe_pinned reason=sched_setaffinity: Function not "
             "implemented\nBENCH-DONE\n")
    assert r.results["null_syscall"]["median_ns"] == 100.0
    assert r.results["null_syscall"]["n"] == 101
    assert r.skips["ctxsw_pipe_pinned"].startswith("sched_setaffinity")
    assert r.done


@case
def kernel_first_user_line_variants():
    for text, ns in [
            ("[    0.012345] init: first user instruction at 12345 us", 12345e3),
            ("init: first user instruction at 1.5 ms", 1.5e6),
            ("first user instruction: 777", 777e3),
            ("[0.1] init: First user instruction at 250000 ns", 250000.0)]:
        r = boot(text)
        assert abs(r.boot["kernel_line_ns"] - ns) < 1e-6, (text, r.boot)
        assert r.value("boot_kernel", ("boot", "kernel_ns"), "tessera") == \
            r.boot["kernel_line_ns"]


@case
def linux_boot_uses_init_clock():
    r = boot("BOOT mono_ns=2000000000 tsc=5000 tsc_per_ns=1.0 since_reset_ns=5000")
    assert r.value("boot_kernel", ("boot", "kernel_ns"), "linux") == 2e9
    assert r.value("boot_kernel", ("boot", "kernel_ns"), "tessera") is None
    assert r.value("boot_reset", ("boot", "since_reset_ns"), "linux") == 5000


@case
def summary_is_median_with_spread():
    runs = [boot("RESULT x median_ns=%d n=1" % v) for v in (30, 10, 20)]
    assert report.summarize(runs, "x", ("field", "median_ns"), "linux") == \
        (20, 10, 30, 3)
    assert report.summarize(runs, "y", ("field", "median_ns"), "linux") is None


def row(lines, label):
    return next(l for l in lines if l.startswith("| " + label + " |"))


@case
def status_against_target():
    lin = [boot("RESULT null_syscall median_ns=1000 n=1\n"
                "RESULT fork_exit_wait median_ns=1000 n=1")]
    tes = [boot("RESULT null_syscall median_ns=500 n=1\n"
                "RESULT fork_exit_wait median_ns=300 n=1")]
    t = report.table(tes, lin, None)
    assert row(t, "null syscall (getppid)").endswith("| 0.50 | ≤ 0.50× | met |")
    assert row(t, "fork+exit+wait").endswith("| 0.30 | ≤ 0.25× | missed |")


@case
def missing_tessera_is_na_not_failure():
    lin = [boot("RESULT null_syscall median_ns=1000 n=1")]
    t = report.table([], lin, "Tessera did not boot: timed out after 600 s")
    assert "n/a (Tessera did not boot: timed out after 600 s)" in t[0]
    assert row(t, "null syscall (getppid)").endswith("| n/a |")


@case
def skip_reason_shown_in_cell():
    lin = [boot("RESULT page_fault median_ns=1000 n=1")]
    tes = [boot("SKIP page_fault reason=Function not implemented")]
    t = report.table(tes, lin, None)
    assert "n/a (SKIP: Function not implemented)" in row(
        t, "page fault, fresh anonymous 4 KiB page")


@case
def thread_and_shared_rows():
    lin = [boot("RESULT thread_create_join median_ns=90000 n=101\n"
                "RESULT futex_wake_xcpu median_ns=50000 n=201 not_asleep=2 "
                "delay_ns=40000\n"
                "RESULT shared_file_fault median_ns=15000 n=51 "
                "faults_per_page=1.00")]
    tes = [boot("RESULT thread_create_join median_ns=30000 n=101\n"
                "SKIP futex_wake_xcpu reason=needs 2 CPUs, this machine has 1\n"
                "ERROR shared_file_fault timed out after 40 s; the "
                "measurement's process was killed")]
    t = report.table(tes, lin, None)
    assert row(t, "pthread_create+pthread_join").endswith(
        "| 30.00 µs (1 boot) | 90.00 µs (1 boot) | 0.33 | – | – |")
    assert "n/a (SKIP: needs 2 CPUs, this machine has 1)" in row(
        t, "futex wake-to-run, CPU 0 to CPU 1 (one way)")
    assert "n/a (ERROR)" in row(
        t, "page fault, shared file mapping, page in memory (per 4 KiB)")
    d = report.details(lin, "linux")
    assert any("futex_wake_xcpu" in l and "not_asleep=2" in l for l in d), d
    assert any("shared_file_fault" in l and "faults_per_page=1" in l
               for l in d), d


@case
def only_run_keeps_its_rows():
    """A BENCH_ONLY run's table keeps the boot rows and the rows of what it
    ran, and leaves out the rest instead of filling them with n/a."""
    lin = [boot("RESULT clock_gettime median_ns=900 n=101\n"
                "RESULT clock_gap median_ns=30 p99_ns=40 p9999_ns=50 "
                "max_ns=900 n=9 over_10us=0")]
    tes = [boot("RESULT clock_gettime median_ns=45 n=101")]
    t = report.table(tes, lin, None, only=True)
    assert row(t, "clock_gettime(CLOCK_MONOTONIC) through libc").endswith(
        "| 45 ns (1 boot) | 900 ns (1 boot) | 0.05 | – | – |")
    assert row(t, "clock-read gap: p99.99").startswith("| clock-read gap")
    assert row(t, "boot: kernel clock at first user instruction")
    assert not any(l.startswith("| null syscall") for l in t), t
    full = report.table(tes, lin, None)
    assert row(full, "null syscall (getppid)")


@case
def every_measurement_has_a_row():
    """The programs run.sh runs (all built by bench.mk), the measurements
    host-check.sh expects of them and the table's rows name the same
    things, so a new measurement cannot be left out of the table or of the
    host check."""
    here = os.path.dirname(os.path.abspath(__file__))
    expect = {}
    with open(os.path.join(here, "host-check.sh")) as f:
        for line in f:
            m = re.match(r'\s*\[(\w+)\]="([^"]*)"', line)
            if m:
                expect[m.group(1)] = m.group(2).split()
    with open(os.path.join(here, "run.sh")) as f:
        progs = re.search(r"^for prog in ([\w ]+); do", f.read(), re.M)
    assert progs and set(progs.group(1).split()) == set(expect), (
        progs and progs.group(1), sorted(expect))
    with open(os.path.join(here, "bench.mk")) as f:
        built = re.search(r"^BENCH_PROGS\s*:=(.*)$", f.read(), re.M)
    assert built and set(expect) <= set(built.group(1).split()), built
    names = {n for v in expect.values() for n in v}
    keys = {k for k, _, reader, _ in report.ROWS if reader[0] != "boot"}
    assert names == keys, (sorted(names - keys), sorted(keys - names))


def main():
    failed = 0
    for fn in CASES:
        try:
            fn()
            print("PASS bench_report_" + fn.__name__)
        except Exception as e:  # noqa: BLE001 - report any failure as FAIL
            failed += 1
            print("FAIL bench_report_%s: %r" % (fn.__name__, e))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
