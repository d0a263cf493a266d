#!/usr/bin/env python3
"""Build the benchmark initramfs: one cpio (newc) archive for both kernels.

The archive is written directly (no cpio(1), no root privileges), which is
what lets it carry the /dev/console character device that Linux needs to
give /init a console.  Layout:

    /bin/busybox + applet symlinks   Debian's static busybox
    /bench/bench-*, /bench/run.sh    the benchmark programs and the driver
    /init                            a copy of bench-init (Linux's default)
    /dev/console (c 5,1), /proc, /sys, /tmp
    with --tree DIR, everything in DIR at the same place: Debian's
    /usr/bin/true with its loader and libc (tools/hostprogs.sh stages it)

Usage: mkcpio.py [--tree DIR] OUT BUSYBOX RUN_SH BIN...
"""
import os
import stat
import sys

APPLETS = ["sh", "cat", "echo", "mount", "uname", "nproc", "poweroff", "ls",
           "sleep", "true"]


class Newc:
    """Writes a newc archive entry by entry; inode numbers are sequential."""

    def __init__(self, out):
        self.out = out
        self.ino = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(name_b), 0]
        self.ino += 1
        hdr = b"070701" + b"".join(b"%08X" % f for f in fields)
        self.out.write(hdr + name_b)
        self._pad(len(hdr) + len(name_b))
        self.out.write(data)
        self._pad(len(data))

    def _pad(self, n):
        self.out.write(b"\0" * (-n % 4))

    def dir(self, name):
        self._entry(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, mode=0o755):
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor):
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def trailer(self):
        self._entry("TRAILER!!!", 0)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def add_tree(a, tree, have):
    """Adds the directories, files and links below tree, as they are."""
    for top, dirs, files in os.walk(tree):
        dirs.sort()
        for name in sorted(dirs) + sorted(files):
            path = os.path.join(top, name)
            rel = os.path.relpath(path, tree)
            if rel in have:
                continue
            have.add(rel)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                a.symlink(rel, os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                a.dir(rel)
            else:
                a.file(rel, read(path), stat.S_IMODE(st.st_mode))


def main(argv):
    tree = None
    if argv[:1] == ["--tree"] and len(argv) > 1:
        tree, argv = argv[1], argv[2:]
    if len(argv) < 4:
        sys.exit("usage: mkcpio.py [--tree DIR] OUT BUSYBOX RUN_SH BIN...")
    out, busybox, run_sh, bins = argv[0], argv[1], argv[2], argv[3:]
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        a = Newc(f)
        for d in ["bin", "bench", "dev", "proc", "sys", "tmp"]:
            a.dir(d)
        a.chardev("dev/console", 5, 1)
        a.file("bin/busybox", read(busybox))
        for applet in APPLETS:
            a.symlink("bin/" + applet, "busybox")
        a.file("bench/run.sh", read(run_sh), 0o755)
        for b in bins:
            a.file("bench/" + os.path.basename(b), read(b))
            if os.path.basename(b) == "bench-init":
                a.file("init", read(b))
        if tree:
            add_tree(a, tree, {"bin", "bench", "dev", "proc", "sys", "tmp"})
        a.trailer()
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv[1:])
