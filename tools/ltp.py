#!/usr/bin/env python3
"""Run the Linux Test Project's system call tests on Tessera and on Linux.

    tools/ltp.py build LTP_DIR WORK       configure and build LTP's library and
                                          testcases/kernel/syscalls with musl-gcc
    tools/ltp.py run LTP_DIR WORK [opts]  boot both kernels on the built tests,
                                          write WORK/results.txt

LTP_DIR is a checkout of https://github.com/linux-test-project/ltp (built in
place); WORK a scratch directory outside the repository (build logs, logs
of the boots, initramfs images, results).  The build is static musl
(Debian's musl-tools), like LTP's own Alpine CI, whose list of sources that
do not build with musl is removed first.  musl-gcc does not see the kernel's
UAPI headers, so WORK/kinc links linux/, asm/ and friends from /usr/include.

The run takes the tests LTP itself lists in runtest/syscalls whose program
was built, splits them into shards small enough for one initramfs each (the
static programs are ~300 KiB apiece), and boots each shard on each kernel
under the same QEMU command line (TCG, -smp 2): Tessera with -kernel
kernel.elf and init=, Linux with its bzImage and rdinit=.  The image holds
Debian's static busybox, the programs in /ltp/testcases/bin and a driver
(/ltp/run.sh) that mounts what the tests expect (/proc, /sys, tmpfs on /tmp
and /dev/shm), runs each test under `timeout -s KILL`, prints
"@@LTP-BEGIN n tag" and "@@LTP-END n tag rc=R" around its output, kills
what the test left behind and finally powers off.  When a boot stops early
(a kernel panic, or no output for --hang seconds), the test that was running
is recorded as "panic" or "hang", its console lines are kept, and the shard
boots again from the next test (ltp.start=N on the command line).

The environment is the same for both kernels: /etc/passwd and /etc/group
with the users LTP looks up (nobody, bin, daemon), lo up, LTP_TIMEOUT_MUL
0.3 (LTP's own limit of 30 s per test becomes 9 s plus the test's) and
LTP_RUNTIME_MUL 0.1 (the tests that run for a set time run a tenth of it),
and Linux's .config from its Debian package at /boot/config-VERSION, where
LTP finds it by `uname -r`; Tessera has none, and the tests that read one
break there.  No block device: the tests that need one break on both.

Status per test: LTP's exit code 0 is pass, 32 TCONF; 137 (the outer kill)
or LTP's own "Test killed! (timeout?)" a timeout; anything else a failure.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "bench"))
import mkcpio  # noqa: E402  (the newc writer the benchmarks use)

# Sources LTP's ci/alpine.sh removes before a musl build.
MUSL_BROKEN = ["testcases/kernel/syscalls/fmtmsg/fmtmsg01.c",
               "testcases/kernel/syscalls/timer_create/timer_create01.c",
               "testcases/kernel/syscalls/timer_create/timer_create03.c"]
KERNEL_HEADER_DIRS = ["linux", "asm-generic", "mtd", "rdma", "sound", "misc",
                      "video", "xen"]


def sh(cmd, cwd=None, log=None):
    print("+ " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    out = open(log, "w") if log else None
    rc = subprocess.call(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT if out else None)
    if out:
        out.close()
    return rc


def build(a):
    ltp = os.path.abspath(a.ltp)
    work = os.path.abspath(a.work)
    kinc = os.path.join(work, "kinc")
    os.makedirs(kinc, exist_ok=True)
    for d in KERNEL_HEADER_DIRS:
        link = os.path.join(kinc, d)
        if not os.path.lexists(link) and os.path.isdir("/usr/include/" + d):
            os.symlink("/usr/include/" + d, link)
    if not os.path.lexists(os.path.join(kinc, "asm")):
        os.symlink("/usr/include/x86_64-linux-gnu/asm", os.path.join(kinc, "asm"))
    for f in MUSL_BROKEN:
        p = os.path.join(ltp, f)
        if os.path.exists(p):
            os.remove(p)
    env_pc = os.path.join(work, "no-pkgconfig")   # no glibc libraries
    os.makedirs(env_pc, exist_ok=True)
    os.environ["PKG_CONFIG_LIBDIR"] = env_pc
    if not os.path.exists(os.path.join(ltp, "configure")):
        if sh(["make", "autotools"], cwd=ltp, log=os.path.join(work, "autotools.log")):
            sys.exit("ltp: make autotools failed")
    if not os.path.exists(os.path.join(ltp, "include/mk/config.mk")):
        if sh(["./configure", "CC=musl-gcc", "CFLAGS=-O2 -isystem " + kinc,
               "LDFLAGS=-static", "--without-tirpc", "--without-numa"],
              cwd=ltp, log=os.path.join(work, "configure.log")):
            sys.exit("ltp: configure failed (see %s/configure.log)" % work)
    j = "-j%d" % a.jobs
    for sub in ["lib", "libs", "testcases/kernel/syscalls"]:
        # -k: keep going past the few programs musl cannot build
        sh(["make", j, "-k", "-C", sub], cwd=ltp,
           log=os.path.join(work, "build-%s.log" % sub.replace("/", "_")))


def programs(ltp):
    """Every built executable below testcases/kernel/syscalls, by name."""
    found = {}
    for top, _, files in os.walk(os.path.join(ltp, "testcases/kernel/syscalls")):
        for f in files:
            p = os.path.join(top, f)
            if not os.access(p, os.X_OK) or f.endswith((".sh", ".o", ".py")):
                continue
            with open(p, "rb") as fh:
                if fh.read(4) != b"\x7fELF":
                    continue
            found.setdefault(f, p)
    return found


def test_list(ltp, progs, only):
    tests = []
    with open(os.path.join(ltp, "runtest/syscalls")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            words = line.split()
            if len(words) < 2 or words[1] not in progs:
                continue
            if only and not re.search(only, words[0]):
                continue
            tests.append((words[0], " ".join(words[1:])))
    return tests


RUN_SH = r"""#!/bin/sh
# LTP driver: pid 1 of the boot; see tools/ltp.py in Tessera.
export PATH=/ltp/testcases/bin:/bin:/sbin:/usr/bin:/usr/sbin
export LTPROOT=/ltp TMPDIR=/tmp LTP_TIMEOUT_MUL=%(tmul)s LTP_RUNTIME_MUL=%(rmul)s
export HOME=/root LTP_COLORIZE_OUTPUT=0
mount -t proc proc /proc 2>/dev/null
mount -t sysfs sysfs /sys 2>/dev/null
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/shm /dev/pts /root
mount -t devpts devpts /dev/pts 2>/dev/null
mount -t tmpfs tmpfs /dev/shm 2>/dev/null
mount -t tmpfs tmpfs /tmp 2>/dev/null
chmod 1777 /tmp /dev/shm
ifconfig lo 127.0.0.1 up 2>/dev/null
start=0
for w in $(cat /proc/cmdline); do
	case $w in ltp.start=*) start=${w#ltp.start=};; esac
done
echo "@@LTP-INFO uname=$(uname -srv)"
n=0
while read -r tag cmd; do
	n=$((n+1))
	[ $n -le $start ] && continue
	echo "@@LTP-BEGIN $n $tag"
	cd /tmp
	timeout -s KILL %(timeout)s sh -c "exec $cmd" </dev/null 2>&1
	rc=$?
	echo "@@LTP-END $n $tag rc=$rc"
	cd /
	kill -9 -1 2>/dev/null
done < /ltp/list
echo "@@LTP-DONE"
sync
poweroff -f
exit 0
"""


# The users and groups LTP's tests look up (nobody, bin, daemon).
PASSWD = """root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
"""
GROUP = """root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
users:x:100:
nogroup:x:65534:
nobody:x:65534:
"""


def make_cpio(out, busybox, tests, progs, a):
    names = sorted({cmd.split()[0] for _, cmd in tests} | set(progs))
    with open(out + ".tmp", "wb") as f:
        w = mkcpio.Newc(f)
        for d in ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc",
                  "sys", "tmp", "root", "ltp", "ltp/testcases", "ltp/testcases/bin"]:
            w.dir(d)
        w.chardev("dev/console", 5, 1)
        w.file("bin/busybox", mkcpio.read(busybox))
        applets = subprocess.run([busybox, "--list-full"], capture_output=True,
                                 text=True).stdout.split()
        for ap in applets:
            if ap == "bin/busybox" or ap.count("/") < 1:
                continue
            w.symlink(ap, "/bin/busybox")
        w.file("ltp/run.sh", (RUN_SH % {"timeout": a.timeout, "tmul": a.timeout_mul,
                                        "rmul": a.runtime_mul}).encode(), 0o755)
        w.dir("etc")
        w.file("etc/passwd", PASSWD.encode(), 0o644)
        w.file("etc/group", GROUP.encode(), 0o644)
        if a.linux_config:
            # where LTP's tst_kconfig looks on Linux: /boot/config-$(uname -r)
            w.dir("boot")
            w.file("boot/" + os.path.basename(a.linux_config),
                   mkcpio.read(a.linux_config), 0o644)
        w.file("ltp/list", "".join("%s %s\n" % t for t in tests).encode(), 0o644)
        for n in names:
            w.file("ltp/testcases/bin/" + n, a.stripped(n))
        w.trailer()
    os.replace(out + ".tmp", out)


def shards(tests, progs, a):
    """Consecutive runs of tests whose programs fit in --shard-mb."""
    out, cur, size, seen = [], [], 0, set()
    for t in tests:
        p = t[1].split()[0]
        add = 0 if p in seen else len(a.stripped(p))
        if cur and size + add > a.shard_mb << 20:
            out.append(cur)
            cur, size, seen = [], 0, set()
            add = len(a.stripped(p))
        cur.append(t)
        seen.add(p)
        size += add
    if cur:
        out.append(cur)
    return out


def boot(a, kernel, cpio, start, log):
    """One boot from test start+1; returns (console lines, finished)."""
    flags = ["-accel", "tcg", "-cpu", "max", "-M", "pc", "-smp", str(a.smp),
             "-m", a.mem, "-nodefaults", "-no-user-config", "-display", "none",
             "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
             "-serial", "stdio"]
    if kernel == "linux":
        cmd = flags + ["-kernel", a.linux_kernel, "-initrd", cpio, "-append",
                       "console=ttyS0 quiet panic=-1 rdinit=/ltp/run.sh ltp.start=%d" % start]
    else:
        cmd = flags + ["-kernel", a.tessera_kernel, "-initrd", cpio, "-append",
                       "init=/ltp/run.sh ltp.start=%d" % start]
    lines = []
    with open(log, "ab") as lf:
        lf.write(("\n#### %s\n" % " ".join(cmd)).encode())
        p = subprocess.Popen([a.qemu] + cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        last = [time.time()]
        hung = [False]

        def watchdog():
            while p.poll() is None:
                if time.time() - last[0] > a.hang:
                    hung[0] = True
                    p.kill()
                    return
                time.sleep(2)
        threading.Thread(target=watchdog, daemon=True).start()
        for raw in p.stdout:
            last[0] = time.time()
            lf.write(raw)
            lf.flush()
            lines.append(raw.decode("utf-8", "replace").rstrip("\r\n"))
        p.wait()
    return lines, hung[0], p.returncode


def run_shard(a, kernel, idx, tests, cpio, results):
    log = os.path.join(a.work, "log-%s-%02d.txt" % (kernel, idx))
    if os.path.exists(log):
        os.remove(log)
    start = 0
    while start < len(tests):
        lines, hung, rc = boot(a, kernel, cpio, start, log)
        cur, out, done = None, [], False
        for ln in lines:
            m = re.search(r"@@LTP-BEGIN (\d+) (\S+)", ln)
            if m:
                cur, out = int(m.group(1)), []
                continue
            m = re.search(r"@@LTP-END (\d+) (\S+) rc=(\d+)", ln)
            if m:
                n, r = int(m.group(1)), int(m.group(3))
                text = "\n".join(out)
                if r == 0:
                    st = "pass"
                elif r == 32:
                    st = "tconf"
                elif r == 137 or "Test killed! (timeout?)" in text or "Test timeouted" in text:
                    st = "timeout"
                else:
                    st = "fail"
                results[tests[n - 1][0]] = (st, r, text)
                start = n
                cur = None
                continue
            if "@@LTP-DONE" in ln:
                done = True
            if cur is not None:
                out.append(ln)
        if done or start >= len(tests):
            break
        if cur is None:
            # stopped outside any test (boot failure): give up on the rest
            for t in tests[start:]:
                results[t[0]] = ("noboot", rc, "\n".join(lines[-30:]))
            break
        st = "hang" if hung else "panic"
        results[tests[cur - 1][0]] = (st, rc, "\n".join(out[-60:]))
        print("[%s] shard %d: %s in %s (qemu rc=%s)" % (kernel, idx, st,
              tests[cur - 1][0], rc), flush=True)
        start = cur


def run(a):
    ltp = os.path.abspath(a.ltp)
    a.work = os.path.abspath(a.work)
    os.makedirs(a.work, exist_ok=True)
    progs = programs(ltp)
    tests = test_list(ltp, progs, a.only)
    strip_dir = os.path.join(a.work, "stripped")
    os.makedirs(strip_dir, exist_ok=True)
    cache = {}

    def stripped(name):
        if name not in cache:
            out = os.path.join(strip_dir, name)
            if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(progs[name]):
                shutil.copy(progs[name], out)
                subprocess.call(["strip", out])
            cache[name] = mkcpio.read(out)
        return cache[name]
    a.stripped = stripped
    groups = shards(tests, progs, a)
    print("ltp: %d tests from runtest/syscalls (%d programs built), %d shards"
          % (len(tests), len(progs), len(groups)), flush=True)
    cpios = []
    listed = {cmd.split()[0] for _, cmd in tests}
    for i, g in enumerate(groups):
        c = os.path.join(a.work, "ltp-%02d.cpio" % i)
        # helpers (execve's child programs and the like): the programs no
        # test names that sit next to a test of the shard
        dirs = {os.path.dirname(progs[cmd.split()[0]]) for _, cmd in g}
        helpers = [p for p in progs
                   if p not in listed and os.path.dirname(progs[p]) in dirs]
        make_cpio(c, a.busybox, g, helpers, a)
        cpios.append(c)
    kernels = [k for k in a.kernels.split(",") if k]
    results = {k: {} for k in kernels}

    todo = [(k, i) for i in range(len(groups)) for k in kernels]
    lock = threading.Lock()     # protects todo

    def worker():
        while True:
            with lock:
                if not todo:
                    return
                k, i = todo.pop(0)
            t0 = time.time()
            run_shard(a, k, i, groups[i], cpios[i], results[k])
            print("[%s] shard %d/%d done in %.0fs" % (k, i + 1, len(groups),
                  time.time() - t0), flush=True)
    threads = [threading.Thread(target=worker) for _ in range(a.parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    write_results(a, tests, kernels, results)


def write_results(a, tests, kernels, results):
    path = os.path.join(a.work, "results.txt")
    with open(path, "w") as f:
        f.write("# test " + " ".join(kernels) + "   (status/exit code)\n")
        for tag, cmd in tests:
            cols = []
            for k in kernels:
                st, rc, _ = results[k].get(tag, ("notrun", "-", ""))
                cols.append("%s/%s" % (st, rc))
            f.write("%-28s %s\n" % (tag, " ".join("%-14s" % c for c in cols)))
    for k in kernels:
        with open(os.path.join(a.work, "output-%s.txt" % k), "w") as f:
            for tag, _ in tests:
                st, rc, text = results[k].get(tag, ("notrun", "-", ""))
                f.write("==== %s %s rc=%s\n%s\n" % (tag, st, rc, text))
    print("ltp: %d tests" % len(tests))
    for k in kernels:
        counts = {}
        for tag, _ in tests:
            st = results[k].get(tag, ("notrun",))[0]
            counts[st] = counts.get(st, 0) + 1
        print("  %-8s %s" % (k, " ".join("%s=%d" % kv for kv in sorted(counts.items()))))
    if "tessera" in kernels and "linux" in kernels:
        groups = {}
        for tag, _ in tests:
            lst, tst = results["linux"].get(tag), results["tessera"].get(tag)
            if lst and lst[0] == "pass" and tst and tst[0] not in ("pass", "tconf"):
                groups.setdefault(cause(tst[0], tst[2]), []).append(tag)
        print("pass on Linux, fail on Tessera: %d" % sum(map(len, groups.values())))
        for c, v in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            print("  %4d  %s: %s%s" % (len(v), c, " ".join(v[:10]), " ..." if len(v) > 10 else ""))
    print("table: %s" % path)


def cause(status, text):
    """A rough cause for a test that fails on Tessera, from its output."""
    if status in ("panic", "hang", "noboot"):
        return {"panic": "kernel panic", "hang": "no console output (guest hang)",
                "noboot": "did not boot"}[status]
    if "ENOSYS" in text:
        return "missing system call or operation (ENOSYS)"
    if "Cannot parse kernel .config" in text:
        return "no kernel .config for LTP to read"
    if "Failed to acquire device" in text:
        return "needs a block device"
    if re.search(r"(/proc|/sys)/\S*[^\n]*ENOENT", text):
        return "missing /proc or /sys file"
    if status == "timeout":
        return "timeout"
    if re.search(r"TFAIL.*(expected[^\n]*: E[A-Z]+ \(\d+\)|errno|should (have )?fail"
                 r"|succeeded|SUCCESS)", text):
        return "wrong errno, or success where Linux fails"
    if "TBROK" in text:
        return "setup failed (TBROK)"
    return "wrong result (TFAIL)"


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    b = sub.add_parser("build")
    b.add_argument("ltp")
    b.add_argument("work")
    b.add_argument("-j", "--jobs", type=int, default=2)
    r = sub.add_parser("run")
    r.add_argument("ltp")
    r.add_argument("work")
    r.add_argument("--kernels", default="tessera,linux")
    r.add_argument("--tessera-kernel", default=os.path.join(root, "build/kernel.elf"))
    r.add_argument("--linux-kernel", default=os.path.join(root, "build/bench/linux/vmlinuz"))
    r.add_argument("--linux-config", default=None,
                   help="Linux's .config, put at /boot/config-VERSION (default: "
                   "the one next to the Linux image, from its Debian package)")
    r.add_argument("--busybox", default="/bin/busybox")
    r.add_argument("--qemu", default="qemu-system-x86_64")
    r.add_argument("--mem", default="2G")
    r.add_argument("--smp", type=int, default=2)
    r.add_argument("--timeout", type=int, default=20, help="seconds per test (outer kill)")
    r.add_argument("--timeout-mul", default="0.3", help="LTP_TIMEOUT_MUL (LTP's own limit: 30 s times this, plus the test's)")
    r.add_argument("--runtime-mul", default="0.1", help="LTP_RUNTIME_MUL")
    r.add_argument("--hang", type=int, default=120, help="seconds of console silence")
    r.add_argument("--shard-mb", type=int, default=96)
    r.add_argument("--only", help="regular expression on test tags")
    r.add_argument("--parallel", type=int, default=3, help="QEMUs at once")
    a = ap.parse_args()
    if a.what == "run" and a.linux_config is None:
        boot_dir = os.path.join(os.path.dirname(a.linux_kernel), "root", "boot")
        if os.path.isdir(boot_dir):
            for f in sorted(os.listdir(boot_dir)):
                if f.startswith("config-"):
                    a.linux_config = os.path.join(boot_dir, f)
    if a.what == "build":
        build(a)
    else:
        run(a)


if __name__ == "__main__":
    main()
