#!/usr/bin/env python3
"""A scripted interactive shell session over Tessera's serial console.

Boots QEMU with the default init (busybox sh on the console), then behaves
like a person at the terminal: waits for the prompt, types a command one key
at a time, ending with Enter (carriage return, as a terminal sends it), reads
the screen until the next prompt, and checks what the command printed.  The
console is QEMU's serial port on stdio, driven through pipes (so a typed
Ctrl-C byte reaches the guest instead of stopping QEMU).

After the plain shell steps come the ones a new user meets in the first
hour: every example of the README's "What you can do at the prompt", the
quiet boot, a crash report without a false "core dumped", and leaving the
shell with exit, Ctrl-D or a failed exec, after which init must start a new
shell (and that shell must still take Ctrl-C); `poweroff` ends the session.
Then each kernel option the README lists gets a boot of its own with one
command that shows it working, and `make run` (given with --make) is booted
and left with `poweroff`: make must report success.

Each step is one result line, "PASS interactive/<step>" or "FAIL ...", in
--results.  If the kernel or initrd is missing, or the shell never shows a
prompt, every step fails with that reason; nothing waits longer than its
own timeout, and the whole session is bounded by --timeout.

Screen text is cleaned before matching: ANSI escape sequences (ash's line
editor sends ESC[6n after each prompt and redraws with escapes), carriage
returns, and kernel log lines ("[ seconds ] ...") are removed.  The first
line after typing is the guest's echo of the command and is skipped.
"""

import argparse
import os
import re
import select
import shlex
import subprocess
import sys
import time

ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>78]")
KLOG_RE = re.compile(r"^\s*\[\s*\d+\.\d+\].*$", re.M)
PROMPT_RE = re.compile(r"(?:^|\n)[^\n]*[#$] $")


class Console:
    """The guest's serial console: keystrokes in, screen text out."""

    def __init__(self, cmd, log_path):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.raw = b""
        self.mark = 0            # start of the text not yet consumed
        self.log = open(log_path, "wb")

    def _pump(self, timeout):
        """Reads what the guest printed within timeout; False on EOF."""
        fd = self.proc.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return True
        chunk = os.read(fd, 65536)
        if not chunk:
            return False
        self.raw += chunk
        self.log.write(chunk)
        self.log.flush()
        return True

    def text(self):
        """Cleaned screen text since the last consume()."""
        s = self.raw[self.mark:].decode("utf-8", "replace")
        s = ANSI_RE.sub("", s).replace("\r", "")
        return KLOG_RE.sub("", s)

    def drain(self, seconds):
        """What arrives within `seconds`, cleaned and consumed."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and self._pump(min(end - time.monotonic(), 0.2)):
            pass
        text = self.text()
        self.mark = len(self.raw)
        return text

    def wait_for(self, regex, timeout):
        """Waits until the unconsumed text matches regex; returns the text
        up to the end of the match and consumes it, or None on timeout/EOF."""
        end = time.monotonic() + timeout
        while True:
            m = regex.search(self.text())
            if m:
                text = self.text()
                self.mark = len(self.raw)
                return text
            left = end - time.monotonic()
            if left <= 0 or not self._pump(min(left, 0.2)):
                if self.proc.poll() is not None or left <= 0:
                    m = regex.search(self.text())
                    return self.text() if m else None

    def type(self, keys, delay=0.01):
        """Sends keys one byte at a time, like a person typing."""
        for b in keys.encode():
            try:
                self.proc.stdin.write(bytes([b]))
                self.proc.stdin.flush()
            except BrokenPipeError:
                return
            time.sleep(delay)
            self._pump(0)

    def tail(self, n=5):
        lines = [l for l in self.text().split("\n") if l.strip()]
        if not lines:
            lines = [l for l in ANSI_RE.sub("", self.raw.decode("utf-8", "replace"))
                     .replace("\r", "").split("\n") if l.strip()]
        return " | ".join(lines[-n:])

    def wait_exit(self, timeout):
        end = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < end:
            self._pump(0.2)
        return self.proc.poll()

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
        self.log.close()


def body(screen, command):
    """The command's output: the screen text minus the echo line and prompt."""
    lines = screen.split("\n")
    if lines and command.strip() and command.strip()[:20] in lines[0]:
        lines = lines[1:]
    if lines and PROMPT_RE.search("\n" + lines[-1]):
        lines = lines[:-1]
    return "\n".join(lines)


def count_at_least(n):
    def check(out):
        m = re.search(r"^\s*(\d+)\s*$", out, re.M)
        return bool(m) and int(m.group(1)) >= n
    return check


def has(*needles):
    def check(out):
        return all(re.search(x, out, re.M) for x in needles)
    return check


# (step name, command typed, check on its output, seconds to wait for the prompt)
STEPS = [
    ("echo", "echo hello-tessera", has(r"^hello-tessera$"), 10),
    ("pipe-ls-wc", "ls / | wc -l", count_at_least(3), 15),
    ("redirect-out", "echo one > /tmp/f", lambda out: out.strip() == "", 10),
    ("redirect-append", "echo two >> /tmp/f", lambda out: out.strip() == "", 10),
    ("redirect-in", "cat < /tmp/f", has(r"^one$", r"^two$"), 10),
    ("redirect-err", "ls /no-such-dir 2> /tmp/err; cat /tmp/err",
     has(r"No such file or directory"), 10),
    ("sequence", "echo first; echo second", has(r"^first\nsecond$"), 10),
    ("and-or-true", "true && echo and-ok || echo and-bad", has(r"^and-ok$"), 10),
    ("and-or-false", "false && echo wrong || echo or-ok", has(r"^or-ok$"), 10),
    ("background-wait", "sleep 1 & wait; echo bg-done", has(r"^bg-done$"), 20),
    ("cd-pwd", "cd /tmp && pwd", has(r"^/tmp$"), 10),
    ("cat-earlier-file", "cat f", has(r"^one\ntwo$"), 10),
    ("ps", "ps", has(r"PID", r"\bsh\b", r"\bps\b"), 15),
    ("exit-status", "false; echo status=$?", has(r"^status=1$"), 10),
]


def lacks(*needles):
    def check(out):
        return not any(re.search(x, out, re.M) for x in needles)
    return check


def both(*checks):
    return lambda out: all(c(out) for c in checks)


def cpus_allowed(out):
    """Cpus_allowed as Linux shows it for N CPUs (hex mask N bits wide, list 0-(N-1))."""
    m = re.search(r"^(\d+)\s*$", out, re.M)
    if not m:
        return False
    n = int(m.group(1))
    mask = "%0*x" % ((n + 3) // 4, (1 << n) - 1)
    rng = "0" if n == 1 else "0-%d" % (n - 1)
    return bool(re.search(r"^Cpus_allowed:\s+%s$" % mask, out, re.M) and
                re.search(r"^Cpus_allowed_list:\s+%s$" % rng, out, re.M))


# The first hour: the README's examples and what a new user runs into.
FIRST_HOUR = [
    ("readme-p3", "cd /tests && ./p3; cd /tmp", both(has(r"p3\.c$"), lacks(r"No such file")), 20),
    ("readme-schedctl-tickets", "schedctl tickets 300 && schedctl get",
     has(r"^tickets: 300$"), 15),
    ("quiet-console-level", "cat /proc/sys/kernel/printk", has(r"^4\s+4\s+1\s+7$"), 10),
    ("ulimit-core-0", "ulimit -c", has(r"^0$"), 10),
    ("segfault-no-core", "sh -c 'kill -SEGV $$'; echo rc=$?",
     both(has(r"Segmentation fault", r"^rc=139$"), lacks(r"core dumped")), 15),
    ("cpus-allowed", "grep Cpus_allowed /proc/self/status; nproc", cpus_allowed, 10),
    ("schedlab-help", "schedlab --help > /tmp/h; echo rc=$?; head -1 /tmp/h",
     has(r"^rc=0$", r"^usage: schedlab"), 10),
]

def line_count(regex, n):
    """At least n lines match regex."""
    return lambda out: len(re.findall(regex, out, re.M)) >= n


# Every example of the README's "What you can do at the prompt", typed as
# written (a PID the README leaves to the reader is $$ or a background
# job's $!).  The NUMA example needs NUMA=2 and HOSTPROGS: test-numa and
# test-debian cover it.  `schedlab all` is test-schedlab's.
README = [
    ("readme-free", "free", has(r"^\s*total\s+used\s+free", r"^Mem:\s+\d+"), 10),
    ("readme-top-n1", "top -n1", has(r"^Mem:", r"PID", r"\btop -n1\b"), 15),
    # (kernel log lines are taken off the screen text: dmesg's are cut to their text)
    ("readme-kmsg-write", 'echo "<6>hello" > /dev/kmsg; dmesg | tail -1 | cut -d] -f2-',
     has(r"^ hello$"), 10),
    ("readme-dmesg-c", "dmesg -c | grep -c hello; dmesg | grep -c hello", has(r"^1\n0$"), 10),
    ("readme-dmesg-n", "dmesg -n 1; cat /proc/sys/kernel/printk; dmesg -n 4",
     has(r"^1\s+4\s+1\s+7$"), 10),
    ("readme-proc-self-maps", "cat /proc/self/maps", has(r"\[stack\]$", r"r-xp .*/bin/busybox$"), 10),
    ("readme-proc-pid-status", "cat /proc/$$/status", has(r"^Name:\s+sh$", r"^Pid:\s+\d+$"), 10),
    ("readme-proc-pid-sched", "cat /proc/$$/sched",
     has(r"^response_ns:\s+\d+$", r"^turnaround_ns:\s+\d+$", r"^ready_ns:\s+\d+$"), 10),
    ("readme-proc-pid-task", "ls /proc/$$/task; echo $$", lambda out: len(set(re.findall(r"^(\d+)$", out, re.M))) == 1
     and len(re.findall(r"^\d+$", out, re.M)) == 2, 10),
    ("readme-proc-meminfo", "cat /proc/meminfo", has(r"^MemTotal:\s+\d+ kB$", r"^MemFree:"), 10),
    ("readme-sys-cpu", "ls /sys/devices/system/cpu", has(r"\bcpu0\b", r"\bonline\b"), 10),
    ("readme-sys-node-meminfo", "cat /sys/devices/system/node/node0/meminfo", has(r"^Node 0 MemTotal:\s+\d+ kB$"), 10),
    # p1's parent does not wait: the child's line may come after the next prompt
    ("readme-p1", "/tests/p1", has(r"^hello world \(pid:\d+\)$", r"hello, I am child \(pid:\d+\)"), 10),
    ("readme-p2", "/tests/p2", has(r"^hello, I am parent of \d+ \(wc:\d+\)"), 10),
    ("readme-p4", "cd /tests && ./p4; cat p4.output; cd /tmp",
     both(has(r"\bp4\.c$"), lacks(r"No such file")), 20),
    ("readme-sched-policy", "cat /proc/sys/kernel/sched_policies; echo mlfq > /proc/sys/kernel/sched_policy; "
     "cat /proc/sys/kernel/sched_policy; echo fair > /proc/sys/kernel/sched_policy",
     has(r"\bmlfq\b.*\blottery\b|\blottery\b.*\bmlfq\b", r"^mlfq$"), 10),
    ("readme-schedlab-list", "schedlab list", has(r"\bfifo\b", r"\bsjf\b", r"\brr\b", r"\bio\b"), 10),
    # whether each figure is within its tolerance is test-schedlab's business
    ("readme-schedlab-run", "schedlab run fifo sjf rr",
     has(r"^RESULT (PASS|FAIL) fifo$", r"^RESULT (PASS|FAIL) sjf$", r"^RESULT (PASS|FAIL) rr$",
         r"^schedlab: \d+ judged"), 60),
    ("readme-schedlab-mp", "schedlab run mp-imbalance",
     has(r"^RESULT (PASS|FAIL) mp-imbalance$", r"^  MQMS, no stealing "), 60),
    ("readme-sched-queues", "echo single > /proc/sys/kernel/sched_queues; cat /proc/sched_queues; "
     "echo per-cpu > /proc/sys/kernel/sched_queues; head -1 /proc/sched_queues",
     has(r"^mode single$", r"^cpu switches migrations_in ", r"^0( \d+){9}$", r"^mode per-cpu$"), 10),
    ("readme-schedctl-pid", "sleep 30 & schedctl tickets 300 $!; schedctl get $!; kill $!",
     has(r"^tickets: 300$"), 15),
    ("readme-schedctl-run", "schedctl run -t 300 -e 50 -- schedctl get",
     has(r"^tickets: 300$", r"^expected_ms: 50\.000$"), 10),
    ("readme-nice", "nice -n 5 cut -d' ' -f19 /proc/self/stat", has(r"^5$"), 10),
    ("readme-chrt", "chrt -f 10 chrt -p 0", has(r"SCHED_FIFO", r"priority: 10$"), 10),
    ("readme-renice", "sleep 30 & renice -n 3 $!; cut -d' ' -f19 /proc/$!/stat; kill $!", has(r"^3$"), 15),
    ("readme-taskset", "taskset 1 grep Cpus_allowed_list /proc/self/status", has(r"^Cpus_allowed_list:\s+0$"), 10),
    # the trace's "# time_ns ..." header would pass for a prompt: grep leaves it out
    ("readme-sched-trace", "cd /proc/sys/kernel; echo 1 > sched_trace_enabled; ls /; "
     "echo 0 > sched_trace_enabled; cd /tmp; cat /proc/sched_trace | grep -v '^#'",
     line_count(r"^\d+ \d+ switch \d+ ", 2), 15),
]

# Ways out of the login shell; after each one init starts a new shell.
RESPAWN = [
    ("exit-respawns", "exit"),
    ("ctrl-d-respawns", "\x04"),
    ("failed-exec-respawns", "exec /no/such/program"),
]


# The README's kernel command-line options, each in a boot of its own:
# (step, command line, command typed, check on its output, check on the raw
# console).  The machine is left with `poweroff` (QEMU exit 33); with
# init=/bin/sh the shell is pid 1, and its `exit` stops the machine.
BOOTS = [
    ("boot-sched-rr", "quiet sched=rr", "cat /proc/sys/kernel/sched_policy", has(r"^rr$"), None),
    ("boot-sched-lottery", "quiet sched=lottery", "cat /proc/sys/kernel/sched_policy", has(r"^lottery$"), None),
    ("boot-strace", "strace", "/bin/true",
     None, lambda raw: re.search(r"\] \[\d+ true\] execve\(", raw) is not None),
    ("boot-norandmaps", "quiet norandmaps",
     'a=$(grep stack /proc/self/maps); b=$(grep stack /proc/self/maps); [ "$a" = "$b" ] && echo same-stack',
     has(r"^same-stack$"), None),
    ("boot-vdso-0", "quiet vdso=0", "grep -c vdso /proc/self/maps", has(r"^0$"), None),
    ("boot-nosmp", "quiet nosmp", "nproc", has(r"^1$"), None),
    ("boot-isolcpus-nohz", "quiet isolcpus=1 nohz_full=1",
     "cat /sys/devices/system/cpu/isolated /sys/devices/system/cpu/nohz_full", has(r"^1\n1$"), None),
    ("boot-sched-queues", "quiet sched_queues=single", "cat /proc/sys/kernel/sched_queues", has(r"^single$"), None),
    ("boot-sched-trace", "quiet sched_trace",
     "cat /proc/sys/kernel/sched_trace_enabled; grep -c switch /proc/sched_trace",
     lambda out: re.search(r"^1\n(\d+)$", out, re.M) is not None and
     int(re.search(r"^1\n(\d+)$", out, re.M).group(1)) > 0, None),
    ("boot-init-sh", "quiet init=/bin/sh", "echo pid=$$", has(r"^pid=1$"), None),
]


def all_names():
    return (["boot-prompt", "quiet-boot"] + [s[0] for s in STEPS] + [s[0] for s in FIRST_HOUR] +
            [s[0] for s in README] + ["readme-cat-kmsg"] + [s[0] for s in RESPAWN] + ["ctrl-c", "poweroff"] +
            [b[0] for b in BOOTS] + ["make-run-poweroff"])


def boot_once(args, name, append, command, check, raw_check):
    """One boot with `append`: type `command`, check it, power off.  With a
    check on the raw console (strace), kernel lines keep coming after the
    prompt, so the prompt is any "# " on the screen."""
    log = os.path.join(args.build, "interactive", name + ".log")
    con = Console(shlex.split(args.qemu) + ["-serial", "stdio", "-append", append], log)
    prompt = PROMPT_RE if raw_check is None else re.compile(r"[#$] ")
    try:
        if con.wait_for(prompt, args.boot_timeout) is None:
            return False, "no prompt with %r; screen: %s" % (append, con.tail())
        time.sleep(0.3)
        con.type(command + "\r")
        screen = con.wait_for(prompt, 20)
        if screen is None:
            return False, "no prompt after %r; screen: %s" % (command, con.tail())
        out = body(screen, command)
        if check and not check(out):
            return False, "unexpected output with %r: %r" % (append, out[-300:])
        if raw_check and not raw_check(con.raw.decode("utf-8", "replace").replace("\r", "")):
            return False, "the console with %r lacks what the option shows; see %s" % (append, log)
        con.type("exit\r" if "init=/bin/sh" in append else "poweroff\r")
        rc = con.wait_exit(20)
        if rc != 33:
            return False, "QEMU exit %s after leaving (want 33); screen: %s" % (rc, con.tail())
        return True, ""
    finally:
        con.kill()


def make_run(args):
    """`make run` as the README has it: boot, `poweroff`, and make says nothing
    went wrong (exit 0, no "Error")."""
    if not args.make:
        return False, "no --make command given"
    log = os.path.join(args.build, "interactive", "make-run.log")
    con = Console(shlex.split(args.make) + ["run", "CMDLINE=quiet"], log)
    try:
        if con.wait_for(PROMPT_RE, args.boot_timeout + 120) is None:
            return False, "no prompt from make run; screen: %s" % con.tail()
        time.sleep(0.3)
        con.type("poweroff\r")
        rc = con.wait_exit(30)
        out = con.raw.decode("utf-8", "replace")
        if rc != 0 or re.search(r"\bError\b", out):
            return False, "make run exit %s after poweroff; screen: %s" % (rc, con.tail())
        return True, ""
    finally:
        con.kill()


def run(args):
    results = []
    reason = None
    missing = [p for p in (args.kernel, args.initrd) if not os.path.isfile(p)]
    names = all_names()
    if missing:
        reason = "not built: " + ", ".join(missing)
        return [(n, False, reason) for n in names]

    os.makedirs(os.path.join(args.build, "interactive"), exist_ok=True)
    log = os.path.join(args.build, "interactive", "transcript.log")
    cmd = shlex.split(args.qemu) + ["-serial", "stdio", "-append", args.append]
    con = Console(cmd, log)
    deadline = time.monotonic() + args.timeout
    try:
        screen = con.wait_for(PROMPT_RE, min(args.boot_timeout, args.timeout))
        if screen is None:
            rc = con.proc.poll()
            why = "no shell prompt within %ds" % args.boot_timeout
            if rc is not None:
                why = "QEMU exited with %d before a prompt" % rc
            reason = "%s; last console lines: %s" % (why, con.tail())
            return [(n, False, reason if n == "boot-prompt" else "not reached: no prompt")
                    for n in names]
        results.append(("boot-prompt", True, ""))
        # "quiet": the console shows no informational kernel lines
        booted = con.raw.decode("utf-8", "replace")
        if "quiet" in args.append.split():
            ok = "Tessera: booting" not in booted
            results.append(("quiet-boot", ok, "" if ok else "informational kernel lines despite quiet"))
        else:
            results.append(("quiet-boot", True, ""))
        time.sleep(0.3)                  # let ash finish its ESC[6n query

        for name, command, check, wait in STEPS + FIRST_HOUR + README:
            if time.monotonic() > deadline:
                results.append((name, False, "session time limit reached"))
                continue
            con.type(command + "\r")
            screen = con.wait_for(PROMPT_RE, wait)
            if screen is None:
                # output that came after the prompt (a child its parent did not
                # wait for) leaves none at the end: an empty line asks again
                con.type("\r")
                screen = con.wait_for(PROMPT_RE, 5)
            if screen is None:
                results.append((name, False, "no prompt after %ds; screen: %s" % (wait, con.tail())))
                continue
            out = body(screen, command)
            ok = check(out)
            if not ok:
                # output that comes after the prompt (a child its parent did not
                # wait for: the README's p1) is the command's too
                out += "\n" + con.drain(1.5)
                ok = check(out)
            results.append((name, ok, "" if ok else "unexpected output: %r" % out[-300:]))

        # README: `cat /dev/kmsg` shows the log's records and waits for more,
        # until Ctrl-C.  "hello" (readme-kmsg-write) is still in the ring:
        # dmesg -c moves only syslog's clear point.
        con.type("cat /dev/kmsg\r")
        screen = con.wait_for(re.compile(r"^\d+,\d+,\d+,-;hello$", re.M), 10)
        time.sleep(0.5)
        con.type("\x03", delay=0)
        after = con.wait_for(PROMPT_RE, 5)
        ok = screen is not None and after is not None
        results.append(("readme-cat-kmsg", ok, "" if ok else "no 'hello' record, or no prompt after Ctrl-C; "
                        "screen: %s" % con.tail()))

        for name, keys in RESPAWN:
            if time.monotonic() > deadline:
                results.append((name, False, "session time limit reached"))
                continue
            con.type(keys + ("" if keys == "\x04" else "\r"))
            screen = con.wait_for(re.compile(r"init: the shell ended[^\n]*\n(?:.*\n)*?[^\n]*[#$] $"), 20)
            if screen is None:
                rc = con.proc.poll()
                results.append((name, False, "no new shell (QEMU %s); screen: %s" %
                                ("exit %d" % rc if rc is not None else "running", con.tail())))
                if rc is not None:
                    break
                continue
            time.sleep(0.3)
            con.type("echo alive-again\r")
            after = con.wait_for(PROMPT_RE, 10)
            ok = after is not None and re.search(r"^alive-again$", body(after, "echo alive-again"), re.M)
            results.append((name, bool(ok), "" if ok else "new shell unusable: %s" % con.tail()))

        # Ctrl-C interrupts a foreground sleep (in the newest shell): the
        # prompt must come back well before the 10 seconds are up.
        con.type("sleep 10\r")
        time.sleep(1.0)
        t0 = time.monotonic()
        con.type("\x03", delay=0)
        screen = con.wait_for(PROMPT_RE, 5)
        took = time.monotonic() - t0
        if screen is None:
            results.append(("ctrl-c", False, "no prompt within 5 s of Ctrl-C; screen: %s" % con.tail()))
        else:
            con.type("echo after-interrupt\r")
            after = con.wait_for(PROMPT_RE, 10)
            ok = after is not None and "after-interrupt" in body(after, "echo after-interrupt")
            results.append(("ctrl-c", ok, "" if ok else "shell unusable after Ctrl-C (%.1fs)" % took))

        con.type("poweroff\r")
        rc = con.wait_exit(20)
        ok = rc == 33
        results.append(("poweroff", ok, "" if ok else
                        "QEMU exit %s after poweroff (want 33); screen: %s" % (rc, con.tail())))
    finally:
        con.kill()

    for name, append, command, check, raw_check in BOOTS:
        if time.monotonic() > deadline:
            results.append((name, False, "session time limit reached"))
            continue
        ok, why = boot_once(args, name, append, command, check, raw_check)
        results.append((name, ok, why))
    ok, why = make_run(args)
    results.append(("make-run-poweroff", ok, why))
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--results")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--kernel", default="build/kernel.elf")
    ap.add_argument("--initrd", default="build/initrd.cpio")
    ap.add_argument("--append", default="quiet", help="kernel command line (default init)")
    ap.add_argument("--boot-timeout", type=int, default=60)
    ap.add_argument("--timeout", type=int, default=420, help="seconds for the whole session")
    ap.add_argument("--make", help="the make command, for the `make run` step")
    args = ap.parse_args()

    results = run(args)
    got = {name for name, _, _ in results}
    results += [(n, False, "not reached: the session ended early") for n in all_names() if n not in got]
    lines = ["%s interactive/%s" % ("PASS" if ok else "FAIL", name) for name, ok, _ in results]
    if args.results:
        os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
        with open(args.results, "w") as f:
            f.write("\n".join(lines) + "\n")
    shown = set()
    for name, ok, why in results:
        if not ok and why not in shown:
            print("interactive/%s: FAIL: %s" % (name, why))
            shown.add(why)
    passed = sum(1 for _, ok, _ in results if ok)
    print("interactive: %d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
