#!/usr/bin/env python3
"""Checks the console of a `make test-console` boot (tests/guest/console_lines.c).

Every line that holds the test's 'U's must be exactly one program line (100
'U's) and every line that holds one of its kernel messages exactly one
kernel line ("[sssss.uuuuuu] kmix " and 100 'K's, or "[sssss.uuuuuu] sched:
system policy is now X"); the counts must match what the program says it
wrote.  Prints one PASS or FAIL line (the suite's result),
then, on failure, the first offending lines.
"""

import argparse
import re
import sys

NAME = "console/kernel-and-program-lines"
WIDTH = 100
USER = "U" * WIDTH
KERNEL_RE = re.compile(r"\[ *\d+\.\d{6}\] (kmix " + "K" * WIDTH + r"|sched: system policy is now [a-z_]+)")
SUMMARY_RE = re.compile(r"console_lines: wrote (\d+) user lines and (\d+) kernel lines \((.*)\)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log", help="the console output of the boot")
    ap.add_argument("--qemu-status", type=int, default=33, help="QEMU's exit status (33: init exited 0)")
    args = ap.parse_args()
    with open(args.log, "rb") as f:
        lines = f.read().decode("latin-1").replace("\r", "").split("\n")

    user = kernel = 0
    bad = []
    summary = None
    for n, line in enumerate(lines, 1):
        m = SUMMARY_RE.search(line)
        if m:
            summary = m
        if line == USER:
            user += 1
        elif KERNEL_RE.fullmatch(line):
            kernel += 1
        elif "UUU" in line or "KKK" in line or "kmix" in line or "policy is now" in line:
            bad.append((n, line))

    why = []
    if args.qemu_status != 33:
        why.append("QEMU exited %d, not 33" % args.qemu_status)
    if not summary:
        why.append("no summary line from console_lines")
    else:
        want_user, want_kernel, state = int(summary.group(1)), int(summary.group(2)), summary.group(3)
        if state != "ok":
            why.append("console_lines: " + state)
        if user != want_user:
            why.append("%d whole program lines of %d" % (user, want_user))
        if kernel != want_kernel:
            why.append("%d whole kernel lines of %d" % (kernel, want_kernel))
        if want_kernel == 0:
            why.append("no kernel line was logged during the writes")
    if bad:
        why.append("%d mixed or broken lines" % len(bad))
    if why:
        print("FAIL %s (%s)" % (NAME, "; ".join(why)))
        for n, line in bad[:5]:
            print("  line %d: %s" % (n, line[:160]))
        return 1
    print("PASS %s (%d program lines, %d kernel lines)" % (NAME, user, kernel))
    return 0


if __name__ == "__main__":
    sys.exit(main())
