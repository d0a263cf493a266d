#!/usr/bin/env python3
"""Tessera-vs-Linux benchmark harness: boot both kernels, compare, report.

For each emulation mode (plain TCG, where time is the host's wall clock,
and TCG with -icount shift=0,sleep=off, where time is virtual and counts
instructions) it boots each kernel --reps times with the very same QEMU
command line and the very same initramfs, lets the guest driver run every
benchmark, and parses what the console printed (report.py).  Runs of the
two kernels alternate, so a slow spell on the shared host hits both.

Every QEMU run has an overall and an idle timeout, so nothing hangs; a
Tessera that is missing or fails to boot becomes "n/a (reason)" in its
column.  The table goes to stdout and, with versions and date, to --out.
"""
import argparse
import datetime
import os
import select
import shlex
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

# mode -> (title, extra flags, CPU count override or None).  Under icount
# QEMU 7.2 runs all vCPUs round-robin on one thread and does not preempt a
# vCPU that busy-waits for another: Linux hangs at "Booting SMP
# configuration" with -smp 2.  So that mode runs both kernels on 1 CPU.
MODES = {
    "tcg": ("TCG, wall time", [], None),
    "icount": ("TCG -icount shift=0,sleep=off, virtual time, 1 CPU",
               ["-icount", "shift=0,sleep=off"], 1),
}
EXIT_CODES = {33: "pid 1 exited with status 0", 35: "pid 1 exited non-zero",
              37: "kernel panic"}


def progress(msg):
    print("bench: " + msg, flush=True)


def run_qemu(cmd, log_path, timeout, idle, on_line):
    """Runs one QEMU; returns (lines, exit code or None, failure reason).

    Output is read as it comes (on_line sees every line, for progress);
    after `timeout` seconds overall or `idle` seconds without output the
    QEMU process is killed and the reason says which."""
    lines, buf, reason = [], b"", None
    start = last = time.monotonic()
    with open(log_path, "wb") as log:
        log.write(("# " + " ".join(shlex.quote(c) for c in cmd) + "\n").encode())
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        fd = p.stdout.fileno()
        while True:
            now = time.monotonic()
            if now - start > timeout:
                reason = "timed out after %d s" % timeout
                break
            if now - last > idle:
                reason = "no output for %d s" % idle
                break
            ready, _, _ = select.select([fd], [], [], 1.0)
            if not ready:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            last = time.monotonic()
            log.write(chunk)
            buf += chunk
            while b"\n" in buf:
                raw, buf = buf.split(b"\n", 1)
                line = raw.decode("utf-8", "replace").rstrip("\r")
                lines.append(line)
                on_line(line)
        if reason:
            p.kill()
        rc = p.wait()
        if buf:
            lines.append(buf.decode("utf-8", "replace"))
    return lines, (None if reason else rc), reason


def _first_line(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True,
                              timeout=30).stdout.splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown"


def failure_reason(run, rc, reason, lines):
    """Why a boot produced no figures, in a few words."""
    why = reason or EXIT_CODES.get(rc, "QEMU exited with code %s" % rc)
    tail = [l.strip() for l in lines if l.strip()]
    if tail:
        why += "; last output: " + tail[-1][:70]
    elif not reason:
        why += "; no output"
    return why


class Harness:
    def __init__(self, a):
        self.a = a
        self.flags = shlex.split(a.qemu_flags)
        self.runs = {}          # (kernel, mode) -> [BootRun]
        self.tessera_missing = None
        self.tessera_stopped = {}   # mode -> why its boots were given up
        self.tree = None            # tree_state(), read before the boots
        self.kernels = []
        if a.tessera_kernel is None:
            self.tessera_missing = "not run: Linux-only run (make bench-linux)"
        elif not os.path.isfile(a.tessera_kernel):
            self.tessera_missing = "Tessera did not boot: %s not built" % (
                a.tessera_kernel)
            if a.tessera_build_log and os.path.isfile(a.tessera_build_log):
                self.tessera_missing += ", see " + a.tessera_build_log
        else:
            self.kernels.append("tessera")
        self.kernels.append("linux")

    def mode_flags(self, mode):
        """The common flags as one mode uses them (same for both kernels)."""
        _, extra, cpus = MODES[mode]
        flags = list(self.flags)
        if cpus is not None:
            if "-smp" in flags:
                flags[flags.index("-smp") + 1] = str(cpus)
            else:
                flags += ["-smp", str(cpus)]
        return flags + extra

    def command(self, kernel, mode):
        if kernel == "linux":
            image, append = self.a.linux_kernel, self.a.linux_append
        else:
            image, append = self.a.tessera_kernel, self.a.tessera_append
        return ([self.a.qemu] + self.mode_flags(mode) +
                ["-serial", "stdio", "-kernel", image, "-initrd", self.a.cpio,
                 "-append", append])

    def boot(self, kernel, mode, rep):
        tag = "[%s %s %d/%d]" % (kernel, mode, rep, self.a.reps)
        log = os.path.join(self.a.log_dir, "%s-%s-%d.log" % (kernel, mode, rep))
        t0 = time.monotonic()
        progress("%s booting (log: %s)" % (tag, log))

        def on_line(line):
            if line.startswith("BOOT "):
                progress("%s first user instruction after %.1f s on the host"
                         % (tag, time.monotonic() - t0))
            elif line.startswith("BENCH-BEGIN "):
                progress("%s running %s" % (tag, line.split()[1]))
            elif line.startswith(("SKIP ", "ERROR ")):
                progress("%s %s" % (tag, line))

        lines, rc, reason = run_qemu(
            self.command(kernel, mode), log,
            self.a.timeout * (2 if mode == "icount" else 1),
            self.a.idle_timeout, on_line)
        run = report.BootRun(lines)
        took = time.monotonic() - t0
        if run.done:
            progress("%s done in %.0f s" % (tag, took))
        else:
            why = failure_reason(run, rc, reason, lines)
            progress("%s did not finish (%s) after %.0f s" % (tag, why, took))
            if kernel == "tessera" and not run.started():
                self.tessera_missing = "Tessera did not boot: " + why
            elif kernel == "tessera":
                # Partial figures count; further boots would most likely
                # stop at the same place, so this mode tries no more.
                self.tessera_stopped[mode] = "boot %d did not finish: %s" % (
                    rep, why)
        self.runs.setdefault((kernel, mode), []).append(run)

    def run_all(self):
        os.makedirs(self.a.log_dir, exist_ok=True)
        for mode in self.a.modes:
            for rep in range(1, self.a.reps + 1):
                for kernel in self.kernels:
                    if kernel == "tessera" and (
                            self.tessera_missing or mode in self.tessera_stopped):
                        continue
                    self.boot(kernel, mode, rep)

    # ------------------------------------------------------------ report
    def tree_state(self):
        """The commit (and whether kernel sources differ from it) the kernel
        was built from.  Read before the boots start, right after make built
        the kernel: in a tree others commit to, HEAD at the end of a run of
        several minutes may be newer than the kernel that was measured."""
        commit = _first_line(["git", "rev-parse", "--short", "HEAD"])
        try:
            dirty = subprocess.run(
                ["git", "status", "--porcelain", "--", "arch", "kernel",
                 "drivers", "include"], capture_output=True, text=True,
                timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            dirty = ""
        if dirty:
            commit += " plus uncommitted kernel changes"
        self.tree = commit

    def versions(self):
        first = _first_line
        v = {"qemu": first([self.a.qemu, "--version"])}
        try:
            with open(self.a.linux_version_file) as f:
                v["linux_pkg"] = f.read().strip()
        except OSError:
            v["linux_pkg"] = "unknown"
        for k in ("linux", "tessera"):
            unames = {r.info.get("uname") for m in self.a.modes
                      for r in self.runs.get((k, m), []) if r.info.get("uname")}
            v[k] = ", ".join(sorted(unames)) or "n/a"
        if self.tree is None:
            self.tree_state()
        v["commit"] = self.tree
        v["cpu"] = "unknown"
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        v["cpu"] = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        return v

    def render(self, started, finished):
        v = self.versions()
        out = ["# Benchmark results: Tessera and Linux on the same virtual machine",
               "",
               "Generated by `%s`; do not edit by hand, run the command again. "
               "How to read it: docs/benchmarks.md." % self.a.command_name,
               "",
               "- Date: %s (took %.0f min)" % (
                   started.strftime("%Y-%m-%d %H:%M %Z").strip(),
                   (finished - started).total_seconds() / 60),
               "- Host: %s, %d CPUs (shared; wall-time figures carry its noise)"
               % (v["cpu"], os.cpu_count() or 0),
               "- QEMU: %s" % v["qemu"],
               "- Linux: Debian package %s; guest uname: %s" % (
                   v["linux_pkg"], v["linux"]),
               "- Tessera: %s" % (
                   ("guest uname: %s; tree at commit %s" % (v["tessera"], v["commit"]))
                   if not self.tessera_missing else self.tessera_missing),
               "- Linux `-append \"%s\"`, Tessera `-append \"%s\"`; "
               "both `-kernel IMAGE -initrd bench.cpio -serial stdio` and "
               "the mode's common flags below" % (
                   self.a.linux_append, self.a.tessera_append),
               "- Method: %d boots per kernel and mode; every program warms up, "
               "then takes its samples (BENCH_SCALE=%s). A cell is the median "
               "over boots of each boot's median, with [lowest–highest] boot "
               "median. Ratio = Tessera / Linux; lower is better everywhere."
               % (self.a.reps, self.a.scale)]
        if self.a.only:
            out.append("- Programs: only %s (`bench.only=` on both kernels' "
                       "command lines); the full table is bench/results.md"
                       % ", ".join("bench-" + p for p in self.a.only))
        out.append("")
        for mode in self.a.modes:
            t_runs = self.runs.get(("tessera", mode), [])
            l_runs = self.runs.get(("linux", mode), [])
            out += ["## %s" % MODES[mode][0], "",
                    "QEMU flags, the same for both kernels: `%s`" % " ".join(
                        self.mode_flags(mode)), ""]
            if mode in self.tessera_stopped and not self.tessera_missing:
                out += ["Tessera: %s; figures from the boots that ran are "
                        "shown." % self.tessera_stopped[mode], ""]
            out += report.table(t_runs, l_runs, self.tessera_missing,
                                only=bool(self.a.only))
            out.append("")
        out += ["## Every boot", "",
                "Each boot's median, its p99 and its sample count, boot by boot.",
                ""]
        for mode in self.a.modes:
            out += ["### %s" % MODES[mode][0], "",
                    "| kernel | benchmark | boots |", "|---|---|---|"]
            for k in ("tessera", "linux"):
                out += report.details(self.runs.get((k, mode), []), k)
            out.append("")
        facts = []
        for k in ("linux", "tessera"):
            for m in self.a.modes:
                for r in self.runs.get((k, m), [])[:1]:
                    for key in ("clocksource", "cpus"):
                        if key in r.info:
                            facts.append("- %s, %s: %s = %s" % (k, m, key, r.info[key]))
                    mitig = sorted("%s (%s)" % (key[5:], val)
                                   for key, val in r.info.items()
                                   if key.startswith("vuln ")
                                   and val.startswith("Mitigation"))
                    if mitig:
                        facts.append("- %s, %s: mitigations in effect: %s"
                                     % (k, m, "; ".join(mitig)))
                    for e in r.errors:
                        facts.append("- %s, %s: %s" % (k, m, e))
        if facts:
            out += ["## Guest facts", ""] + facts + [""]
        return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--qemu-flags", required=True,
                    help="the common flags, without -kernel/-initrd/-append")
    ap.add_argument("--cpio", required=True)
    ap.add_argument("--linux-kernel", required=True)
    ap.add_argument("--linux-version-file", default="")
    ap.add_argument("--linux-append",
                    default="console=ttyS0 quiet panic=-1 rdinit=/bench/bench-init")
    ap.add_argument("--tessera-kernel", default=None)
    ap.add_argument("--tessera-build-log", default=None)
    ap.add_argument("--tessera-append", default="init=/bench/bench-init")
    ap.add_argument("--modes", default="tcg,icount")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--scale", default="1")
    ap.add_argument("--timeout", type=int, default=600,
                    help="seconds per boot (doubled under icount)")
    ap.add_argument("--idle-timeout", type=int, default=60)
    ap.add_argument("--log-dir", default="build/bench/logs")
    ap.add_argument("--out", default="bench/results.md")
    ap.add_argument("--only", default="",
                    help="comma-separated programs to run (default: all)")
    a = ap.parse_args()
    a.modes = [m for m in a.modes.split(",") if m]
    for m in a.modes:
        if m not in MODES:
            ap.error("unknown mode %r (have: %s)" % (m, ", ".join(MODES)))
    a.only = [p for p in a.only.split(",") if p]
    a.command_name = "make bench" if a.tessera_kernel else "make bench-linux"
    if a.only:
        a.command_name += " BENCH_ONLY=" + ",".join(a.only)
        a.linux_append += " bench.only=" + ",".join(a.only)
        a.tessera_append += " bench.only=" + ",".join(a.only)
    if a.scale != "1":
        a.linux_append += " BENCH_SCALE=" + a.scale
        a.tessera_append += " BENCH_SCALE=" + a.scale
    for path in (a.linux_kernel, a.cpio):
        if not os.path.isfile(path):
            sys.exit("bench: %s is missing" % path)

    h = Harness(a)
    h.tree_state()
    started = datetime.datetime.now().astimezone()
    progress("%d boot(s) per kernel and mode; modes: %s; kernels: %s" % (
        a.reps, ", ".join(a.modes), ", ".join(h.kernels)))
    if h.tessera_missing:
        progress("Tessera column: n/a (%s)" % h.tessera_missing)
    h.run_all()
    text = h.render(started, datetime.datetime.now().astimezone())
    with open(a.out + ".tmp", "w") as f:
        f.write(text + "\n")
    os.replace(a.out + ".tmp", a.out)
    print()
    print(text)
    progress("results written to %s" % a.out)


if __name__ == "__main__":
    main()
