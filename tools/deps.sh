#!/usr/bin/env bash
# Installs what building, running and testing Tessera needs, if missing
# (Debian 12).  Run as root, or with sudo available.
set -euo pipefail
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v musl-gcc >/dev/null || need+=(musl-tools)
[ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked' || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v file >/dev/null || need+=(file)
command -v gcc >/dev/null || need+=(gcc)
command -v make >/dev/null || need+=(make)
command -v python3 >/dev/null || need+=(python3)
[ -f /usr/include/check.h ] || need+=(check)
pkg-config --exists check 2>/dev/null || need+=(pkg-config check)
# make test-debian runs these programs of the host inside Tessera (tests/debian/debian.mk)
for prog_pkg in bash:bash dash:dash sha256sum:coreutils python3:python3 ps:procps pidstat:sysstat \
                lscpu:util-linux strace:strace numactl:numactl perf:linux-perf; do
    [ -x "/usr/bin/${prog_pkg%%:*}" ] || need+=("${prog_pkg#*:}")
done
[ ${#need[@]} -eq 0 ] && exit 0
echo "deps: installing ${need[*]}"
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${need[@]}"
