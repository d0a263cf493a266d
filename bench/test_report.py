#!/usr/bin/env python3
"""Tests of the harness's parsing and judging (report.py), on canned output.

They pin down what the harness promises: RESULT/SKIP lines are read, the
kernel's "first user instruction" line is found in its tolerated spellings
and converted to nanoseconds, boots reduce to a median with a spread, and a
row is "met" only when the ratio is within its target.
Prints one "PASS name" / "FAIL name" line per case; exits 1 on any failure.
"""
import os
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
