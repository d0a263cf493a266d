#!/usr/bin/env python3
"""Runs the guest behaviour tests on Linux and inside Tessera and compares.

Linux is the oracle.  Both sides run the same driver, tests/guest/run-all.sh,
which frames each test's output between "@@BEGIN name" and
"@@END name status=N" (see that script for how a test is run):

  * Linux side: `/bin/busybox sh run-all.sh` on the host, with GT_DIR pointing
    at $(BUILD)/guest, a scratch working directory, and a PATH made of busybox
    applet links, so programs that exec `wc` get the same busybox wc as in the
    guest.
  * Tessera side: one QEMU boot with `init=/tests/run-all.sh`; the console
    (serial on stdio) carries the framed output, mixed with kernel log lines,
    which start with "[" and are dropped.  A test that hangs is given
    --test-timeout seconds; QEMU is then stopped, the test fails, and the
    guest is booted again with `gt.after=NAME` to run the rest, all within
    --timeout seconds in total.

A test passes when its normalized output and its exit status are the same on
both sides (and the Linux run itself exited 0).  Normalization maps pids in
the book's p1..p3 output ("pid:N", "of N", "wc:N") to P1, P2, ... in order of
appearance.  Markers in a test's source file change how it is judged:

  gt-compare: unordered    lines are compared as a sorted multiset
  gt-side: linux-only      not run in the guest (no result line there)
  gt-side: guest-only      judged by its exit status in the guest alone

Leaks: inside Tessera the driver compares the kernel's free frames and live
heap objects before and after each test and prints "@@LEAK NAME ..." after
the test's frame when something stayed behind.  --leaks enforce fails such a
test, --leaks report (the default) only prints the figures.

Other programs may run before the driver in the same boot (--init, e.g. the
soak in `make soak`, which then execs the driver): a console line
"@@RESULT PASS name" or "@@RESULT FAIL name reason" outside any test frame
adds that result; --expect NAME fails NAME if no such line came.

Results are "PASS guest/NAME" / "FAIL guest/NAME" lines in --results (the
prefix is --prefix); raw outputs are kept under $(BUILD)/guest-out/ for
inspection.
"""

import argparse
import difflib
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP_SUFFIXES = (".sh", ".c", ".h", ".txt", ".mk", ".py")
END_RE = re.compile(r"@@END (\S+) status=(-?\d+)")
LEAK_RE = re.compile(r"@@LEAK (\S+) (.*)")
LEAKSITE_RE = re.compile(r"@@LEAKSITE (\S+) (\S+) (\S+) (-?\d+) (-?\d+)")
RESULT_RE = re.compile(r"@@RESULT (PASS|FAIL) (\S+) ?(.*)")
KLOG_RE = re.compile(r"^\s*\[")
PID_RE = re.compile(r"(?<=pid:)\d+|(?<=of )\d+|(?<=wc:)\d+")


class Result:
    """What one side produced for one test."""

    def __init__(self, name):
        self.name = name
        self.lines = []
        self.status = None      # None: never finished
        self.problem = None     # why it did not finish, if it did not
        self.leak = None        # {figure: delta} when it left memory behind
        self.leak_sites = []    # (objects, bytes, site, caller), debug kernel only


DEFAULT_INIT = "/tests/run-all.sh"


def read_markers(name):
    """Returns the set of gt-* markers found in tests/guest/NAME.c."""
    path = os.path.join(HERE, name + ".c")
    marks = set()
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except OSError:
        return marks
    for m in re.finditer(r"gt-(side|compare|clock):\s*([\w-]+)", text):
        marks.add(m.group(1) + ":" + m.group(2))
    return marks


def discover(guest_dir):
    """Test names: executable files in guest_dir, as run-all.sh finds them."""
    names = []
    for entry in sorted(os.listdir(guest_dir)):
        path = os.path.join(guest_dir, entry)
        if entry.endswith(SKIP_SUFFIXES) or not os.path.isfile(path):
            continue
        if os.access(path, os.X_OK):
            names.append(entry)
    return names


class FrameParser:
    """Turns the driver's framed output into Result objects, line by line.

    Lines outside a test frame (boot messages, kernel log) are kept in
    self.other; inside a frame, kernel log lines are dropped when drop_klog.
    """

    def __init__(self, drop_klog, show=None):
        self.drop_klog = drop_klog
        self.show = show        # echo lines outside frames that start with this
        self.results = {}
        self.order = []
        self.current = None
        self.started = False
        self.done = False
        self.other = []
        self.leaks = {}         # name -> {figure: delta}
        self.leak_sites = {}    # name -> [(objects, bytes, site, caller)]
        self.extra = []         # (passed, name, reason) from @@RESULT lines

    def feed_line(self, line):
        line = line.rstrip("\r\n").replace("\r", "")
        if self.current is None:
            if line.startswith("@@START"):
                self.started = True
            elif line.startswith(("@@BEGIN ", "@@CASE ")):     # @@CASE: tests/debian/cases.sh
                name = line.split(" ", 1)[1].strip()
                self.current = Result(name)
                self.results[name] = self.current
                self.order.append(name)
            elif line.startswith("@@DONE"):
                self.done = True
            elif self.show and line.startswith(self.show):
                print(line, flush=True)
                self.other.append(line)
            elif LEAK_RE.match(line):
                m = LEAK_RE.match(line)
                figures = dict(w.split("=", 1) for w in m.group(2).split() if "=" in w)
                self.leaks[m.group(1)] = {k: int(v) for k, v in figures.items()}
            elif LEAKSITE_RE.match(line):
                m = LEAKSITE_RE.match(line)
                self.leak_sites.setdefault(m.group(1), []).append(
                    (int(m.group(4)), int(m.group(5)), m.group(2), m.group(3)))
            elif RESULT_RE.match(line):
                m = RESULT_RE.match(line)
                self.extra.append((m.group(1) == "PASS", m.group(2), m.group(3)))
                self.other.append(line)
            else:
                self.other.append(line)
            return
        m = END_RE.search(line)
        if m and m.group(1) == self.current.name:
            before = line[:m.start()]
            if before:
                self.current.lines.append(before + "<no newline>")
            self.current.status = int(m.group(2))
            self.current = None
            return
        if self.drop_klog and KLOG_RE.match(line):
            return
        self.current.lines.append(line)


def stream(cmd, env, parser, test_timeout, deadline, start_timeout, log):
    """Runs cmd, feeding its stdout to parser, until it exits or stalls.

    A stall is: no "@@START" within start_timeout seconds, a test frame open
    for more than test_timeout seconds, or the overall deadline passing.
    Returns (exit_code or None, stall reason or None).  The process is
    killed on a stall.
    """
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    fd = proc.stdout.fileno()
    buf = b""
    began = time.monotonic()
    frame_name, frame_start = None, None
    reason = None
    while True:
        now = time.monotonic()
        if parser.current is not None and parser.current.name != frame_name:
            frame_name, frame_start = parser.current.name, now
        elif parser.current is None:
            frame_name = None
        if now > deadline:
            reason = "overall time limit reached"
        elif not parser.started and now - began > start_timeout:
            reason = "the test driver never started (no @@START in %ds)" % start_timeout
        elif frame_name and now - frame_start > test_timeout:
            reason = "timed out after %ds" % test_timeout
        if reason:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            break
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            proc.wait()
            break
        log.write(chunk)
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            parser.feed_line(line.decode("utf-8", "replace"))
    if buf:
        parser.feed_line(buf.decode("utf-8", "replace"))
    return (None if reason else proc.returncode), reason


def run_side(args, side, names, launch, start_timeout, extra=None):
    """Runs the driver as often as hangs require and collects results.

    launch(todo, last_hung) returns (command, environment) for one run of the
    driver covering the tests in todo.  When a test hangs it is failed and a
    new run covers the tests not yet run, within args.timeout seconds for
    the whole side.  Returns {name: Result}; @@RESULT lines are appended to
    extra, if given, as (passed, name, reason).
    """
    results = {}
    outdir = os.path.join(args.build, "guest-out")
    os.makedirs(outdir, exist_ok=True)
    deadline = time.monotonic() + args.timeout
    todo = list(names)
    runs = 0
    note = None
    last_hung = None
    logname = side + "-console.log"
    prefix = getattr(args, "prefix", "guest")   # (test-debian's driver passes none)
    if prefix != "guest":           # each suite keeps its own console log
        logname = prefix.replace("/", "_") + "-" + logname
    with open(os.path.join(outdir, logname), "wb") as log:
        while todo:
            runs += 1
            cmd, env = launch(todo, last_hung)
            log.write(("\n### run %d: %s\n" % (runs, " ".join(cmd))).encode())
            parser = FrameParser(drop_klog=True, show=args.show if side == "tessera" else None)
            rc, reason = stream(cmd, env, parser, args.test_timeout, deadline,
                                start_timeout, log)
            results.update({k: v for k, v in parser.results.items() if k in todo})
            for name, leak in parser.leaks.items():
                if name in results:
                    results[name].leak = leak
                    results[name].leak_sites = sorted(parser.leak_sites.get(name, []), reverse=True)
            if extra is not None:
                extra.extend(parser.extra)
            tail = [l for l in parser.other if l.strip()][-5:]
            where = "; last console lines: " + " | ".join(tail) if tail else ""
            if rc is not None and side == "tessera" and rc != 33:
                note = "QEMU exit %d (%s)%s" % (rc, qemu_exit_meaning(rc), where)
            elif rc is not None and side == "linux" and rc != 0:
                note = "driver exit %d%s" % (rc, where)
            elif reason:
                note = reason + where
            elif not parser.done:
                note = "output ended before @@DONE%s" % where
            else:
                note = None
            hung = parser.current.name if parser.current else None
            last_hung = hung
            if hung:
                results[hung].problem = note or "did not finish"
            finished = [n for n in todo if n in results and results[n].status is not None]
            todo = [n for n in todo if n not in finished and n != hung]
            # Go on only past a test that hung; a run that never started the
            # driver or died outside a test would fail the same way again.
            if not hung or not parser.started or time.monotonic() > deadline:
                break
    for name in todo:
        r = results.setdefault(name, Result(name))
        if r.status is None and not r.problem:
            r.problem = note or "not run"
    return results


def run_linux(args, names):
    """Runs the selected tests on the host through run-all.sh."""
    guest_dir = os.path.abspath(os.path.join(args.build, "guest"))
    scratch = tempfile.mkdtemp(prefix="gt-linux-")
    try:
        bindir = os.path.join(scratch, "bin")
        os.mkdir(bindir)
        subprocess.run(["/bin/busybox", "--install", "-s", bindir], check=True)
        env = {"PATH": bindir, "HOME": "/", "GT_DIR": guest_dir,
               "GT_WORK": os.path.join(scratch, "work"), "GT_PATH": bindir}
        driver = ["/bin/busybox", "sh", os.path.join(guest_dir, "run-all.sh")]
        return run_side(args, "linux", names, lambda todo, hung: (driver + todo, env), 30)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def qemu_exit_meaning(rc):
    return {33: "pid 1 exited 0", 35: "pid 1 exited non-zero or was killed",
            37: "kernel panic", 0: "QEMU stopped: triple fault or killed",
            1: "QEMU error (bad image or option)"}.get(rc, "unexpected exit code")


def run_tessera(args, names, all_names, extra, marks=None):
    """Boots Tessera (again after a hang) and collects results.

    Tests marked "gt-clock: icount" run in a boot of their own, on one CPU
    under -icount shift=0,sleep=off, where the guest's clock counts its own
    instructions: CPU-time accounting is then exact, whatever the host's
    load does to the virtual CPUs.
    Returns ({name: Result}, reason the guest cannot run at all or None);
    @@RESULT lines go to extra.
    """
    marks = marks or {}
    counted = [n for n in names if "clock:icount" in marks.get(n, ())]
    if counted and args.init == DEFAULT_INIT:  # (another init, e.g. the soak, runs all in one boot)
        plain = [n for n in names if n not in counted]
        results, why = {}, None
        if plain:
            results, why = run_tessera_boot(args, plain, all_names, extra, skip=counted)
        icount_args = argparse.Namespace(**vars(args))
        # One CPU: under -icount QEMU runs the virtual CPUs in turn, and the
        # time a stopped one sees pass is charged to whatever it was doing.
        icount_args.qemu = re.sub(r"-smp \S+", "-smp 1", args.qemu) + " -icount shift=0,sleep=off"
        more, why2 = run_tessera_boot(icount_args, counted, all_names,
                                      [] if plain else extra, side="tessera-icount")
        results.update(more)
        return results, why or why2
    return run_tessera_boot(args, names, all_names, extra)


def run_tessera_boot(args, names, all_names, extra, side="tessera", skip=()):
    missing = [p for p in (args.kernel, args.initrd) if not p or not os.path.isfile(p)]
    if not args.qemu or missing:
        why = "not built: %s" % ", ".join(missing) if missing else "no QEMU command"
        results = {}
        for name in names:
            r = results[name] = Result(name)
            r.problem = why
        return results, why
    # Every test but a few: name those (the command line has 512 bytes).
    skipping = skip and sorted(set(names) | set(skip)) == sorted(all_names)
    selected = names != all_names and not skipping

    def launch(todo, last_hung):
        cmdline = "init=%s quiet" % args.init
        if args.append:
            cmdline += " " + args.append
        if selected:
            cmdline += " gt.only=" + ",".join(todo)
        elif last_hung:
            cmdline += " gt.after=" + last_hung
        if skipping:
            cmdline += " gt.skip=" + ",".join(skip)
        return shlex.split(args.qemu) + ["-serial", "stdio", "-append", cmdline], None
    return run_side(args, side, names, launch, args.start_timeout, extra), None


def normalize(lines, unordered):
    """Masks pids (book programs) and, for unordered tests, sorts lines."""
    if unordered:
        lines = sorted(lines, key=lambda l: PID_RE.sub("#", l))
    seen = {}

    def token(m):
        return seen.setdefault(m.group(0), "P%d" % (len(seen) + 1))
    return [PID_RE.sub(token, l) for l in lines]


def save(build, side, r):
    d = os.path.join(build, "guest-out", side)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, r.name + ".txt"), "w") as f:
        f.write("\n".join(r.lines) + "\n")
        f.write("status=%s%s\n" % (r.status, " problem=" + r.problem if r.problem else ""))


def describe_leak(leak):
    """'free frames -3 (outside the heap +3), heap objects +12 (+384 bytes)'"""
    def n(key):
        return "%+d" % leak.get(key, 0)
    return ("free frames %s (outside the heap %s), heap objects %s (%s bytes)"
            % (n("free_frames"), n("frames_outside_heap"), n("heap_objects"), n("heap_bytes")))


def leak_lines(r):
    """The leak figures, then the allocation sites whose counts moved."""
    return ["leak: " + describe_leak(r.leak)] + [
        "  %+d objects (%+d bytes) allocated at %s from %s" % site for site in r.leak_sites]


def judge(name, lin, tes, marks, leaks="report"):
    """Returns (passed, explanation lines) for one test."""
    ok, why = judge_output(name, lin, tes, marks)
    if tes.leak and leaks == "enforce":
        return False, why + leak_lines(tes)
    return ok, why


def judge_output(name, lin, tes, marks):
    """Returns (passed, explanation lines) for one test, leaks aside."""
    unordered = "compare:unordered" in marks
    if "side:guest-only" in marks:
        if tes.status == 0:
            return True, []
        return False, (["guest-only test: status %s %s" % (tes.status, tes.problem or "")]
                       + tes.lines[-40:])
    if lin.status is None:
        return False, ["Linux side did not finish: %s" % lin.problem]
    if lin.status != 0:
        return False, ["the test fails on Linux itself (status %d)" % lin.status] + lin.lines[-10:]
    if tes.status is None:
        return False, ["Tessera side: %s" % (tes.problem or "no output")]
    a = normalize(lin.lines, unordered)
    b = normalize(tes.lines, unordered)
    if a == b and lin.status == tes.status:
        return True, []
    out = []
    if lin.status != tes.status:
        out.append("status: Linux %d, Tessera %d" % (lin.status, tes.status))
    out += [l.rstrip("\n") for l in difflib.unified_diff(a, b, "linux", "tessera", lineterm="", n=2)]
    return False, out


def write_results(path, lines):
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w") as f:
            f.write("".join(l + "\n" for l in lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tests", nargs="*", help="test names (default: all)")
    ap.add_argument("--build", default="build")
    ap.add_argument("--results", help="file for PASS/FAIL lines")
    ap.add_argument("--linux-only", action="store_true",
                    help="validate the tests on Linux alone (exit 0, deterministic)")
    ap.add_argument("--repeat", type=int, default=2,
                    help="with --linux-only: runs compared for determinism")
    ap.add_argument("--qemu", help="QEMU command and flags, without -serial/-append")
    ap.add_argument("--kernel")
    ap.add_argument("--initrd")
    ap.add_argument("--timeout", type=int, default=300, help="seconds for each whole side")
    ap.add_argument("--test-timeout", type=int, default=60, help="seconds for one test")
    ap.add_argument("--start-timeout", type=int, default=60,
                    help="seconds for the guest to start the driver")
    ap.add_argument("--verbose", action="store_true", help="print every test's output")
    ap.add_argument("--leaks", choices=("enforce", "report"), default="report",
                    help="a test that leaves kernel memory behind fails (enforce) or is only reported")
    ap.add_argument("--prefix", default="guest", help="result names are PREFIX/NAME")
    ap.add_argument("--init", default=DEFAULT_INIT,
                    help="the guest's first program; it must end by running the driver")
    ap.add_argument("--append", default="", help="more kernel command-line words for the guest")
    ap.add_argument("--show", help="print the guest's lines that start with SHOW as they come")
    ap.add_argument("--expect", action="append", default=[],
                    help="a result the guest must report with an @@RESULT line")
    args = ap.parse_args()

    guest_dir = os.path.join(args.build, "guest")
    if not os.path.isfile(os.path.join(guest_dir, "run-all.sh")):
        sys.exit("runner: %s/run-all.sh missing: build the guest tests first" % guest_dir)
    all_names = discover(guest_dir)
    unknown = [t for t in args.tests if t not in all_names]
    if unknown:
        sys.exit("runner: no such test: %s" % " ".join(unknown))
    names = args.tests or all_names
    marks = {n: read_markers(n) for n in names}
    report = []

    if args.linux_only:
        runs = []
        for i in range(max(1, args.repeat)):
            runs.append(run_linux(args, [n for n in names if "side:guest-only" not in marks[n]]))
        for name in names:
            if "side:guest-only" in marks[name]:
                continue
            first = runs[0][name]
            save(args.build, "linux", first)
            why = []
            if first.status != 0:
                why = ["status %s %s" % (first.status, first.problem or "")] + first.lines[-10:]
            else:
                unordered = "compare:unordered" in marks[name]
                for other in runs[1:]:
                    r = other[name]
                    a, b = normalize(first.lines, unordered), normalize(r.lines, unordered)
                    if r.status != 0 or a != b:
                        why = ["not deterministic across runs:"] + list(
                            difflib.unified_diff(a, b, "run1", "run2", lineterm="", n=1))
                        break
            report.append(("FAIL " if why else "PASS ") + "guest-linux/" + name)
            if why or args.verbose:
                print("--- %s on Linux: %s" % (name, "FAIL" if why else "PASS"))
                for l in (why or first.lines):
                    print("    " + l)
    else:
        linux = run_linux(args, [n for n in names if "side:guest-only" not in marks[n]])
        extra = []
        tessera, why_not = run_tessera(args, [n for n in names if "side:linux-only" not in marks[n]],
                                       all_names, extra, marks)
        seen = {name for _, name, _ in extra}
        why_missing = why_not or next((r.problem for r in tessera.values() if r.problem),
                                      "the guest printed no @@RESULT line for it")
        extra += [(False, name, why_missing) for name in args.expect if name not in seen]
        for passed, name, reason in extra:
            report.append(("PASS " if passed else "FAIL ") + name)
            if not passed:
                print("--- %s: FAIL\n    %s" % (name, reason))
        if why_not:
            print("guest: Tessera side cannot run: %s" % why_not)
        for name in names:
            if "side:linux-only" in marks[name]:
                print("--- %s: linux-only, not run in the guest" % name)
                continue
            lin = linux.get(name) or Result(name)
            tes = tessera.get(name) or Result(name)
            for side, r in (("linux", lin), ("tessera", tes)):
                save(args.build, side, r)
            ok, why = judge(name, lin, tes, marks[name], args.leaks)
            report.append(("PASS " if ok else "FAIL ") + args.prefix + "/" + name)
            if ok and tes.leak:
                print("--- %s: PASS, but (not enforced) a %s" % (name, "\n    ".join(leak_lines(tes))))
            if not ok and why_not:
                continue            # one reason printed above is enough
            if not ok or args.verbose:
                print("--- %s: %s" % (name, "PASS" if ok else "FAIL"))
                for l in why:
                    print("    " + l)
                if args.verbose:
                    for l in normalize(tes.lines, "compare:unordered" in marks[name]):
                        print("    | " + l)

    write_results(args.results, report)
    passed = sum(1 for l in report if l.startswith("PASS"))
    failed = len(report) - passed
    print("guest tests%s: %d passed, %d failed" % (" (Linux only)" if args.linux_only else "",
                                                  passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
