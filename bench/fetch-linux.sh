#!/usr/bin/env bash
# Fetch Debian's own Linux kernel for the comparison, without installing it.
#
# Downloads the linux-image-amd64 metapackage, reads which versioned image
# package it depends on (linux-image-6.1.0-N-amd64), downloads that, and
# unpacks it with dpkg-deb -x into DIR/root.  Leaves DIR/vmlinuz (a copy of
# the kernel) and DIR/version (package name and version) behind.
# Usage: fetch-linux.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
rm -f ./*.deb
echo "bench: downloading linux-image-amd64 (Debian's kernel, not installed)"
apt-get download linux-image-amd64 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
meta=$(ls linux-image-amd64_*.deb 2>/dev/null | head -1)
[ -n "$meta" ] || { echo "bench: apt-get download linux-image-amd64 failed" >&2; exit 1; }
dep=$(dpkg-deb -f "$meta" Depends | grep -o 'linux-image-[0-9][^ ,]*' | head -1)
[ -n "$dep" ] || { echo "bench: $meta names no linux-image dependency" >&2; exit 1; }
echo "bench: downloading $dep"
apt-get download "$dep" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true
deb=$(ls "${dep}"_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { echo "bench: apt-get download $dep failed" >&2; exit 1; }
rm -rf root
dpkg-deb -x "$deb" root
img=$(ls root/boot/vmlinuz-* | head -1)
[ -f "$img" ] || { echo "bench: no vmlinuz in $deb" >&2; exit 1; }
cp "$img" vmlinuz.tmp
rm -rf root/lib root/usr   # the modules are not needed: the initramfs is the whole system
echo "$dep $(dpkg-deb -f "$deb" Version)" > version
rm -f ./*.deb
mv vmlinuz.tmp vmlinuz
echo "bench: Linux kernel ready: $dir/vmlinuz ($(cat version))"
