#!/usr/bin/env python3
"""Which system calls Tessera implements that no guest test exercises.

For every call docs/syscalls.md lists as implemented or partial, looks for
it in tests/guest/*.c (and the headers they share) two ways:

  used     the call appears anywhere: name(...), SYS_name, __NR_name, or a
           libc wrapper that issues it (pread for pread64, sigaction for
           rt_sigaction, ...)
  errors   it appears inside an expect_err(...) or E(...) check (gt.h,
           gt_errors.h): some test compares one of its failures with
           Linux's

Calls with no error to provoke (getpid, sync, ...: NO_ERRORS) are counted
apart.

  tools/syscall-coverage.py             summary and the calls not covered
  tools/syscall-coverage.py --all       one line per call
  tools/syscall-coverage.py --tests     also which tests check its errors

`make syscall-coverage` runs the first form.  The match is textual: a call
is "used" when a test names it, not proof that every flag is compared.
"""

import argparse
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Wrappers by which a test issues a call without naming it.
WRAPPERS = {
    "pread64": ["pread"], "pwrite64": ["pwrite"], "newfstatat": ["fstatat"],
    "rt_sigaction": ["sigaction", "signal"], "rt_sigprocmask": ["sigprocmask", "pthread_sigmask"],
    "rt_sigpending": ["sigpending"], "rt_sigsuspend": ["sigsuspend"],
    "rt_sigtimedwait": ["sigtimedwait", "sigwaitinfo", "sigwait"], "rt_sigqueueinfo": ["sigqueue"],
    "rt_sigreturn": ["sigaction", "signal"], "fadvise64": ["posix_fadvise"],
    "getdents64": ["getdents", "readdir"], "prlimit64": ["prlimit"], "umount2": ["umount"],
    "wait4": ["waitpid", "wait"], "exit_group": ["exit", "_exit"], "exit": ["pthread_exit"],
    "clone": ["pthread_create"], "set_tid_address": ["pthread_create"], "futex": ["pthread_mutex_lock"],
    "epoll_create1": ["epoll_create1"], "eventfd2": ["eventfd"], "signalfd4": ["signalfd"],
    "pipe2": ["pipe2"], "dup3": ["dup3"], "accept4": ["accept4"], "tkill": ["raise"],
    "tgkill": ["pthread_kill"], "arch_prctl": ["pthread_create"], "getcpu": ["sched_getcpu"],
    "sched_getaffinity": ["sched_getaffinity", "CPU_COUNT"], "brk": ["sbrk"],
    "sysinfo": ["sysinfo"], "ioctl": ["tcgetattr", "isatty"], "ppoll": ["ppoll"],
    "pselect6": ["pselect"], "fcntl": ["fcntl"], "creat": ["creat"],
    "set_robust_list": ["pthread_create"], "mmap": ["mmap", "malloc"],
}


# Calls whose man pages list no error a test could provoke (they always
# succeed, or fail only with EINTR or when memory runs out): counted apart.
NO_ERRORS = {
    "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getpgrp", "umask",
    "sync", "sched_yield", "pause", "alarm", "set_tid_address", "exit", "exit_group",
    "restart_syscall", "setfsuid", "setfsgid", "munlockall", "personality", "rt_sigreturn",
    "fork", "vfork", "brk",             # brk returns the break, never an errno
}


def implemented():
    """Names listed as implemented or partial in docs/syscalls.md, in table order."""
    out = []
    with open(os.path.join(ROOT, "docs", "syscalls.md"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\|\s*\d+\s*\|\s*`(\w+)`\s*\|\s*(implemented|partial)\s*\|", line)
            if m:
                out.append((m.group(1), m.group(2)))
    return out


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def expect_err_args(text):
    """The argument text of every expect_err(...) call."""
    out = []
    for m in re.finditer(r"\b(?:expect_err|E)\s*\(", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        out.append(text[m.end():i])
    return out


def patterns(name):
    words = [name] + WRAPPERS.get(name, [])
    alts = "|".join(re.escape(w) for w in words)
    return re.compile(rf"\b(?:(?:{alts})\s*\(|SYS_{re.escape(name)}\b|__NR_{re.escape(name)}\b)")


def scan():
    sources = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "guest", "*.[ch]"))):
        with open(path, encoding="utf-8") as f:
            sources[os.path.basename(path)] = strip_comments(f.read())
    rows = []
    for name, status in implemented():
        pat = patterns(name)
        used = [t for t, text in sources.items() if pat.search(text)]
        errs = [t for t, text in sources.items() if any(pat.search(a) for a in expect_err_args(text))]
        rows.append((name, status, used, errs))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--all", action="store_true", help="one line per call")
    ap.add_argument("--tests", action="store_true", help="name the tests that check each call's errors")
    args = ap.parse_args()
    rows = scan()
    n = len(rows)
    used = sum(1 for r in rows if r[2])
    errs = sum(1 for r in rows if r[3])
    exempt = sum(1 for r in rows if not r[3] and r[0] in NO_ERRORS)
    for name, status, u, e in rows:
        if not args.all and e:
            continue
        if not args.all and name in NO_ERRORS:
            continue
        what = "errors" if e else "no errors" if name in NO_ERRORS else "used" if u else "none"
        line = f"{name:24} {status:12} {what}"
        if args.tests and e:
            line += "  " + " ".join(t[:-2] for t in e)
        print(line)
    print(f"syscall-coverage: {n} implemented or partial calls; {used} used by a guest test, "
          f"{errs} with an error case compared with Linux, {exempt} with no error to provoke; "
          f"{n - errs - exempt} without")
    return 0


if __name__ == "__main__":
    sys.exit(main())
