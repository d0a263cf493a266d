#!/usr/bin/env python3
"""Scaling benchmark: boot time and fork throughput against CPUs and memory.

`make bench-scale` boots Tessera and Debian's Linux (the same QEMU flags,
initramfs and programs as `make bench`, through harness.run_qemu and
report.BootRun) once per configuration:

  * CPU counts (--cpus, default 1 2 4 8 16 32 64) at the smallest memory
    size: the boot clocks bench-init prints (machine reset to the first
    user instruction by the TSC; the kernel's own clock there), the host's
    wall time from QEMU's start to init's driver script running, and
    bench-scale's fork_forkers_K (1, 2, 4 ... concurrent forkers);
  * memory sizes (--mems, default 512M 2G 4G 8G 16G) at --mem-cpus CPUs: the boot
    clocks alone.

Under plain TCG (wall time): QEMU runs each virtual CPU on a host thread,
so beyond the host's cores the figures say what the kernel does with CPUs
that are slow and often descheduled, not what it would do on hardware.
Writes a Markdown report (--out) with each figure and how it grows.
"""
import argparse
import datetime
import math
import os
import re
import shlex
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import report  # noqa: E402


# Tessera's "[    0.31] boot: kernel entered at 249935 us after machine reset"
ENTERED_RE = re.compile(r"kernel entered at ([0-9]+) us after machine reset")


def progress(msg):
    print("bench-scale: " + msg, flush=True)


def set_machine(flags, cpus, mem):
    """The common flags with -smp and -m replaced."""
    out, skip = [], 0
    for i, f in enumerate(flags):
        if skip:
            skip -= 1
            continue
        if f in ("-smp", "-m"):
            skip = 1
            continue
        out.append(f)
    return out + ["-smp", str(cpus), "-m", mem]


def boot(a, kernel, cpus, mem, only):
    """One configuration; a boot that does not finish is tried once more
    (Linux under TCG on a loaded host sometimes panics finding its timer
    IRQ: "IO-APIC + timer doesn't work")."""
    r = boot_once(a, kernel, cpus, mem, only, 1)
    if r["why"] and a.retries > 0:
        r = boot_once(a, kernel, cpus, mem, only, 2)
    return r


def boot_once(a, kernel, cpus, mem, only, attempt):
    image = a.tessera_kernel if kernel == "tessera" else a.linux_kernel
    append = a.tessera_append if kernel == "tessera" else a.linux_append
    append += " bench.only=" + only
    cmd = ([a.qemu] + set_machine(shlex.split(a.qemu_flags), cpus, mem) +
           ["-serial", "stdio", "-kernel", image, "-initrd", a.cpio, "-append", append])
    log = os.path.join(a.log_dir, "scale-%s-%dcpu-%s-%s-%d.log" % (kernel, cpus, mem, only, attempt))
    t0 = time.monotonic()
    seen = {}

    def on_line(line):
        if line.startswith("BENCH-INFO uname=") and "script_s" not in seen:
            seen["script_s"] = time.monotonic() - t0

    lines, rc, reason = harness.run_qemu(cmd, log, a.timeout, a.idle_timeout, on_line)
    run = report.BootRun(lines)
    took = time.monotonic() - t0
    entered = None
    for line in lines:
        m = ENTERED_RE.search(line)
        if m:
            entered = float(m.group(1)) * 1e3
            break
    why = None if run.done else harness.failure_reason(run, rc, reason, lines)
    progress("%s, %d CPUs, %s: %s in %.0f s (log %s)" % (
        kernel, cpus, mem, "done" if run.done else "did not finish: " + why, took, log))
    reset = run.boot.get("since_reset_ns")
    clock = run.value("boot_kernel", ("boot", "kernel_ns"), kernel)
    # before the kernel: Tessera logs the TSC at its entry; for Linux the
    # reset-to-user time less its clock (which starts with its timekeeping,
    # after the decompressor and early set-up) is an upper bound
    if kernel == "tessera":
        before = entered
        own = clock - entered if clock is not None and entered is not None else None
    else:
        before = reset - clock if reset is not None and clock is not None else None
        own = clock
    return {
        "run": run, "why": why, "script_s": seen.get("script_s"),
        "reset_ns": reset, "before_ns": before, "kernel_ns": own,
        "cpus_seen": run.info.get("cpus"),
    }


HEAD = "%s reset ms | %s before ms | %s kernel ms | %s script s"


def ms(ns):
    return "–" if ns is None else "%.0f" % (ns / 1e6)


def secs(s):
    return "–" if s is None else "%.1f" % s


def us(ns):
    return "–" if ns is None else "%.0f" % (ns / 1e3)


def growth(xs, ys):
    """flat / logarithmic / linear / superlinear: the power-law exponent of
    y against x fitted over the points (log-log least squares), read with
    an error margin; None if fewer than 3 points."""
    pts = [(x, y) for x, y in zip(xs, ys) if y is not None and y > 0 and x > 0]
    if len(pts) < 3:
        return "–"
    lx = [math.log(x) for x, _ in pts]
    ly = [math.log(y) for _, y in pts]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((x - mx) ** 2 for x in lx)
    k = sum((x - mx) * (y - my) for x, y in zip(lx, ly)) / sxx if sxx else 0
    span = max(y for _, y in pts) / min(y for _, y in pts)
    if span < 1.5:
        word = "flat"
    elif k < 0.35:
        word = "logarithmic-like (slope %.2f)" % k
    elif k < 0.8:
        word = "sublinear (slope %.2f)" % k
    elif k < 1.25:
        word = "linear (slope %.2f)" % k
    else:
        word = "superlinear (slope %.2f)" % k
    return word


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--qemu-flags", required=True)
    ap.add_argument("--cpio", required=True)
    ap.add_argument("--linux-kernel", default="")
    ap.add_argument("--linux-append",
                    default="console=ttyS0 quiet panic=-1 rdinit=/bench/bench-init")
    ap.add_argument("--tessera-kernel", required=True)
    ap.add_argument("--tessera-append", default="init=/bench/bench-init")
    ap.add_argument("--cpus", default="1 2 4 8 16 32 64")
    ap.add_argument("--mems", default="512M 2G 4G 8G 16G")
    ap.add_argument("--mem-cpus", type=int, default=2)
    ap.add_argument("--kernels", default="tessera linux")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--idle-timeout", type=int, default=600)
    ap.add_argument("--retries", type=int, default=1)
    ap.add_argument("--log-dir", default="build/bench/logs")
    ap.add_argument("--out", default="bench/results-scale.md")
    a = ap.parse_args()
    cpus = [int(c) for c in a.cpus.split()]
    mems = a.mems.split()
    kernels = a.kernels.split()
    if "linux" in kernels and not os.path.isfile(a.linux_kernel):
        progress("no Linux kernel at %r: Tessera alone" % a.linux_kernel)
        kernels = [k for k in kernels if k != "linux"]
    os.makedirs(a.log_dir, exist_ok=True)
    started = datetime.datetime.now().astimezone()

    by_cpu, by_mem = {}, {}
    # the memory sizes first: the boots on many CPUs are the long ones
    for m in mems[1:]:
        for k in kernels:
            by_mem[(k, m)] = boot(a, k, a.mem_cpus, m, "none")
    for n in cpus:
        for k in kernels:
            by_cpu[(k, n)] = boot(a, k, n, mems[0], "scale")
    for k in kernels:
        by_mem[(k, mems[0])] = (by_cpu[(k, a.mem_cpus)] if (k, a.mem_cpus) in by_cpu
                                else boot(a, k, a.mem_cpus, mems[0], "none"))

    out = ["# Scaling: CPUs and memory", "",
           "Made by `make bench-scale` (bench/scale.py) on %s; one boot per "
           "kernel and configuration, QEMU TCG (wall time), `-M pc`.  " % started.strftime("%Y-%m-%d %H:%M %Z") +
           "The host has %d cores; QEMU runs each virtual CPU on a host thread." % os.cpu_count(), "",
           "Boot clocks: *reset* is bench-init's TSC reading, machine reset to the first user "
           "instruction (docs/benchmarks.md); *before* what went before the kernel proper (Tessera: "
           "the TSC at its entry, so SeaBIOS, which starts every CPU too, and the loader; Linux: "
           "reset less its CLOCK_MONOTONIC at the first user instruction, so also its decompressor "
           "and early set-up); *kernel* the kernel's own share (Tessera: first user instruction less "
           "entry; Linux: CLOCK_MONOTONIC there); *script* the host's wall time from QEMU's start to "
           "init's driver script printing its first line.", "",
           "## Boot time against CPUs (%s)" % mems[0], "",
           "| CPUs | " + " | ".join(HEAD % ((k,) * 4) for k in kernels) + " |",
           "|---|" + "---|---|---|---|" * len(kernels)]
    for n in cpus:
        row = [str(n)]
        for k in kernels:
            r = by_cpu[(k, n)]
            row += [ms(r["reset_ns"]), ms(r["before_ns"]), ms(r["kernel_ns"]), secs(r["script_s"])]
        out.append("| " + " | ".join(row) + " |")
    out.append("| growth | " + " | ".join(
        " | ".join(growth(cpus, [by_cpu[(k, n)][f] for n in cpus])
                   for f in ("reset_ns", "before_ns", "kernel_ns", "script_s"))
        for k in kernels) + " |")

    out += ["", "## Boot time against memory (%d CPUs)" % a.mem_cpus, "",
            "| memory | " + " | ".join(HEAD % ((k,) * 4) for k in kernels) + " |",
            "|---|" + "---|---|---|---|" * len(kernels)]
    for m in mems:
        row = [m]
        for k in kernels:
            r = by_mem[(k, m)]
            row += [ms(r["reset_ns"]), ms(r["before_ns"]), ms(r["kernel_ns"]), secs(r["script_s"])]
        out.append("| " + " | ".join(row) + " |")

    out += ["", "## fork+exit+wait with K concurrent forkers (%s)" % mems[0], "",
            "Wall time per fork+exit+wait of all K forkers together (µs, median of 5 rounds); "
            "fewer is better.  A row is a boot with that many CPUs.", ""]
    ks = sorted({int(key.rsplit("_", 1)[1]) for r in by_cpu.values()
                 for key in r["run"].results if key.startswith("fork_forkers_")})
    out += ["| kernel | CPUs | " + " | ".join("K=%d" % k for k in ks) + " |",
            "|---|---|" + "---|" * len(ks)]
    for kern in kernels:
        for n in cpus:
            res = by_cpu[(kern, n)]["run"].results
            out.append("| %s | %d | " % (kern, n) + " | ".join(
                us(res.get("fork_forkers_%d" % k, {}).get("median_ns")) for k in ks) + " |")
    fails = [(k, n, r["why"]) for (k, n), r in by_cpu.items() if r["why"]]
    fails += [(k, m, r["why"]) for (k, m), r in by_mem.items() if r["why"]]
    if fails:
        out += ["", "Boots that did not finish: " +
                "; ".join("%s %s: %s" % f for f in fails) + "."]
    text = "\n".join(out) + "\n"
    with open(a.out + ".tmp", "w") as f:
        f.write(text)
    os.replace(a.out + ".tmp", a.out)
    print(text)
    progress("written to %s" % a.out)


if __name__ == "__main__":
    main()
