#!/usr/bin/env bash
# Checks that the image builder (tools/mkinitrd.sh) never writes outside its
# build folder, whatever the user's EXTRA tree holds, and that the image
# still carries the user's files:
#   check-mkinitrd.sh WORKDIR RESULTS
#
# The build is set up to tempt every way out: EXTRA shadows busybox applets
# (bin/ls, bin/sh, usr/bin/env are links to busybox in the stage), holds a
# link bin/cat -> /etc/passwd, and puts a file under lib/, which an earlier
# layer (a rootfs/ of the test's own) made a link to a directory outside.
# It runs with a copy of busybox (BUSYBOX=), and, when run as root, as the
# user nobody, so that a builder that writes through a link hits a file
# nobody may write (the host's /bin/busybox, /etc/passwd) and fails instead
# of damaging the host; the copy and the outside directory belong to nobody,
# so a write through a link to them succeeds and is caught by comparing
# checksums before and after.
#
# Then the same as `make run EXTRA=dir` does it, with the host's own
# busybox and an EXTRA tree that replaces busybox itself too.
#
# Then host programs (HOSTPROGS, tools/hostprogs.sh): an image with ls (not
# an applet link at its host path /usr/bin/ls), tr (whose host path
# /usr/bin/tr is an applet link in the stage) and python3 is unpacked, and
# every interpreter and library the host's ldd lists for them and for
# python's extension modules must resolve inside it; as root, the programs
# run in it under chroot.  hostprogs.sh is also run on a stage whose lib,
# lib64, etc and usr/bin/ls are links out of it, and given a program the
# host does not have.  One PASS/FAIL line per check in RESULTS.
set -u
work=$1; results=$2
top=$(cd "$(dirname "$0")/.." && pwd)
mkinitrd=${MKINITRD:-$top/tools/mkinitrd.sh}
host_busybox=${BUSYBOX:-/bin/busybox}
mkdir -p "$(dirname "$results")"; : > "$results"
rm -rf "$work"; mkdir -p "$work"; work=$(cd "$work" && pwd)

pass() { echo "PASS image/$1" >> "$results"; }
fail() { echo "FAIL image/$1${2:+ ($2)}" >> "$results"; }
check() { if eval "$2"; then pass "$1"; else fail "$1" "${3:-}"; fi; }

# ---- the trees
mkdir -p "$work"/{fake,outside/dir,cwd/rootfs/sbin,cwd/rootfs/etc,extra/bin,extra/usr/bin,extra/lib,extra/etc,out,in}
cp "$host_busybox" "$work/fake/busybox"
echo sentinel > "$work/outside/target"
echo sentinel > "$work/outside/dir/kept"
ln -s "$work/outside/dir" "$work/cwd/rootfs/lib"              # a directory link, from an earlier layer
printf '#!/bin/sh\necho rootfs-halt\n' > "$work/cwd/rootfs/sbin/halt"  # shadows an applet
echo motd > "$work/cwd/rootfs/etc/motd"
printf '#!/bin/sh\necho user-ls\n' > "$work/extra/bin/ls"
printf '#!/bin/sh\necho user-sh\n' > "$work/extra/bin/sh"
printf '#!/bin/sh\necho user-env\n' > "$work/extra/usr/bin/env"
chmod 755 "$work/extra/bin/ls" "$work/extra/bin/sh" "$work/extra/usr/bin/env"
ln -s /etc/passwd "$work/extra/bin/cat"                        # must stay a link, in the image
ln -s "$work/outside/target" "$work/extra/bin/grep"
echo evil > "$work/extra/lib/evil"                             # under the linked lib/
echo user-passwd > "$work/extra/etc/passwd"
printf 'user program\n' > "$work/in/schedctl"
printf 'guest file\n' > "$work/in/guestfile"

mkdir -p "$work"/{cwd-host,out-host,out-missing,hostile/usr/bin}   # cwd-host: no rootfs/ of its own
ln -s "$work/outside/dir" "$work/hostile/lib"
ln -s "$work/outside/dir" "$work/hostile/lib64"
ln -s "$work/outside/dir" "$work/hostile/etc"
ln -s "$work/outside/target" "$work/hostile/usr/bin/ls"

runas=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    chown -R nobody "$work/fake" "$work/outside" "$work/out" "$work/out-host" "$work/out-missing"
    chown -h -R nobody "$work/hostile"
    runas=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --)
fi

sums() {   # everything the build must leave alone
    sha256sum /bin/busybox /etc/passwd "$host_busybox" "$work/fake/busybox" 2>/dev/null
    sha256sum "$(readlink -f /usr/bin/ls)" "$(readlink -f /usr/bin/tr)" /etc/ld.so.cache \
        "$(readlink -f /lib64/ld-linux-x86-64.so.2)" 2>/dev/null
    (cd "$work/outside" && find . | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}
before=$(sums)

# ---- the build
img=$work/out/initrd.cpio
(cd "$work/cwd" && BUSYBOX=$work/fake/busybox "${runas[@]}" "$mkinitrd" "$img" "$work/extra" \
    "$work/in/schedctl" -- "$work/in/guestfile") > "$work/build.log" 2>&1
rc=$?
check builds '[ $rc = 0 ] && [ -s "$img" ]' "exit $rc: $(tail -1 "$work/build.log")"

# ---- the host
after=$(sums)
check host-untouched '[ "$before" = "$after" ]' \
    "changed: $(diff <(echo "$before") <(echo "$after") | grep '^>' | head -3 | tr '\n' ' ')"

# ---- the image
[ -f "$img" ] || img=/dev/null
listing=$(cpio -itv < "$img" 2>/dev/null)
member() { (cd "$work" && cpio -i --quiet --to-stdout "$1" < "$img" 2>/dev/null); }
kind() { echo "$listing" | awk -v n="$1" '$9 == n { print substr($1, 1, 1) }'; }
linkto() { echo "$listing" | awk -v n="$1" '$9 == n && $10 == "->" { print $11 }'; }
check user-ls '[ "$(kind bin/ls)" = - ] && [ "$(member bin/ls)" = "$(cat "$work/extra/bin/ls")" ]'
check user-sh '[ "$(kind bin/sh)" = - ] && [ "$(member bin/sh)" = "$(cat "$work/extra/bin/sh")" ]'
check user-usr-bin-env '[ "$(kind usr/bin/env)" = - ] && [ "$(member usr/bin/env)" = "$(cat "$work/extra/usr/bin/env")" ]'
check user-etc-passwd '[ "$(member etc/passwd)" = user-passwd ]'
check user-link-kept '[ "$(kind bin/cat)" = l ] && [ "$(linkto bin/cat)" = /etc/passwd ]'
check linked-dir-replaced '[ "$(kind lib)" = d ] && [ "$(member lib/evil)" = evil ] && [ -z "$(kind lib/kept)" ]'
check rootfs-shadows-applet '[ "$(kind sbin/halt)" = - ] && [ "$(member sbin/halt)" = "$(cat "$work/cwd/rootfs/sbin/halt")" ]'
check busybox-intact '[ "$(member bin/busybox | sha256sum)" = "$(sha256sum < "$host_busybox")" ]'
check applet-links-relative '[ "$(linkto bin/echo)" = busybox ] && [ "$(linkto usr/bin/tr)" = ../../bin/busybox ] &&
    ! echo "$listing" | grep -q -- "-> /bin/busybox"'
check user-and-guest-files '[ "$(member bin/schedctl)" = "user program" ] && [ "$(member tests/guestfile)" = "guest file" ]'

# ---- as `make run EXTRA=dir` builds it: the host's own busybox, and an EXTRA
# tree that shadows busybox itself as well as applets (bin/ls, usr/bin/env),
# with bin/busybox listed after bin/ls so a builder that copies in order
# writes through the link before it replaces busybox.  The host's
# /bin/busybox must keep its checksum; in the image the user's files win and
# the applet links, being relative, now lead to the user's busybox.
mkdir -p "$work"/{cwd-real,out-real,extra-real/bin,extra-real/usr/bin}
printf '#!/bin/sh\necho user-ls\n' > "$work/extra-real/bin/ls"
printf '#!/bin/sh\necho user-busybox\n' > "$work/extra-real/bin/busybox"
printf '#!/bin/sh\necho user-env\n' > "$work/extra-real/usr/bin/env"
chmod 755 "$work/extra-real/bin/ls" "$work/extra-real/bin/busybox" "$work/extra-real/usr/bin/env"
[ ${#runas[@]} -eq 0 ] || chown -R nobody "$work/out-real"
host_bb=$(sha256sum < "$host_busybox")
img=$work/out-real/initrd.cpio
(cd "$work/cwd-real" && BUSYBOX=$host_busybox "${runas[@]}" "$mkinitrd" "$img" "$work/extra-real" \
    "$work/in/schedctl" -- "$work/in/guestfile") > "$work/build-real.log" 2>&1
rc=$?
check real-busybox-builds '[ $rc = 0 ] && [ -s "$img" ]' "exit $rc: $(tail -1 "$work/build-real.log")"
check real-busybox-host-untouched '[ "$(sha256sum < "$host_busybox")" = "$host_bb" ]' "$host_busybox changed"
[ -f "$img" ] || img=/dev/null
listing=$(cpio -itv < "$img" 2>/dev/null)
x=$work/extra-real
check real-busybox-user-files-win '[ "$(kind bin/busybox)" = - ] && [ "$(member bin/busybox)" = "$(cat "$x/bin/busybox")" ] &&
    [ "$(kind bin/ls)" = - ] && [ "$(member bin/ls)" = "$(cat "$x/bin/ls")" ] &&
    [ "$(member usr/bin/env)" = "$(cat "$x/usr/bin/env")" ] && [ "$(linkto bin/cat)" = busybox ]'

# ---- host programs
mk() {   # mk OUT HOSTPROGS: builds an image with those host programs, as the build user
    (cd "$work/cwd-host" && HOSTPROGS=$2 BUSYBOX=$work/fake/busybox "${runas[@]}" "$mkinitrd" "$1" "" \
        "$work/in/schedctl" -- "$work/in/guestfile")
}
img=$work/out-host/initrd.cpio
mk "$img" "ls tr python3" > "$work/build-host.log" 2>&1
rc=$?
check hostprogs-builds '[ $rc = 0 ] && [ -s "$img" ]' "exit $rc: $(tail -1 "$work/build-host.log")"
mk "$work/out-missing/initrd.cpio" "ls no-such-program-xyz" > "$work/build-missing.log" 2>&1
rc=$?
check hostprogs-missing-fails '[ $rc != 0 ] && [ ! -e "$work/out-missing/initrd.cpio" ] &&
    grep -q "no-such-program-xyz: no such program" "$work/build-missing.log"' "exit $rc: $(tail -1 "$work/build-missing.log")"
(cd "$work/cwd" && "${runas[@]}" "$(dirname "$mkinitrd")/hostprogs.sh" "$work/hostile" ls) > "$work/hostile.log" 2>&1
rc=$?
check hostprogs-hostile-stage '[ $rc = 0 ]' "exit $rc: $(tail -1 "$work/hostile.log")"
after=$(sums)
check hostprogs-host-untouched '[ "$before" = "$after" ]' \
    "changed: $(diff <(echo "$before") <(echo "$after") | grep '^>' | head -3 | tr '\n' ' ')"
h=$work/hostile
check hostprogs-links-replaced '[ ! -L "$h/lib" ] && [ -d "$h/lib" ] && [ ! -L "$h/lib64" ] && [ ! -L "$h/etc" ] &&
    [ ! -L "$h/usr/bin/ls" ] && cmp -s "$h/usr/bin/ls" /usr/bin/ls'

x=$work/host-image
rm -rf "$x"; mkdir -p "$x"
[ -f "$img" ] && (cd "$x" && cpio -idm --quiet --no-absolute-filenames < "$img")
resolves() {   # resolves PATH: PATH, its links followed inside the unpacked image, is a file there
    local p=$1 t n=0
    while [ -L "$x$p" ] && [ $n -lt 40 ]; do
        t=$(readlink -- "$x$p")
        case $t in /*) p=$t ;; *) p=$(dirname "$p")/$t ;; esac
        n=$((n + 1))
    done
    [ -f "$x$p" ] && [ ! -L "$x$p" ]
}
unresolved() {   # unresolved FILE...: what ldd lists for the host's FILEs and the image lacks
    local f p
    for f in "$@"; do
        for p in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]* (0x' | cut -d' ' -f1); do resolves "$p" || echo "$p"; done
    done | sort -u
}
lsdir=$(realpath -e "$(dirname "$(type -P ls)")")
missing=$(unresolved "$lsdir/ls" /usr/bin/tr)
check hostprogs-ls-at-host-path '[ -f "$x$lsdir/ls" ] && [ ! -L "$x$lsdir/ls" ] && cmp -s "$x$lsdir/ls" "$lsdir/ls" &&
    { [ "$lsdir" = /bin ] || [ "$(readlink "$x/bin/ls")" = busybox ]; }'
check hostprogs-applet-link-replaced '[ ! -L "$x/usr/bin/tr" ] && cmp -s "$x/usr/bin/tr" /usr/bin/tr &&
    cmp -s "$x/bin/busybox" "$host_busybox"'
check hostprogs-libraries '[ -z "$missing" ] && [ -n "$(ldd "$lsdir/ls" | grep -o "/[^ ]* (0x")" ] &&
    resolves /lib64/ld-linux-x86-64.so.2' "missing: $(echo $missing)"
pylib=$(cd "$x" && ls -d usr/lib/python3.[0-9]* 2>/dev/null | head -1)
missing=$(unresolved $(cd "$x" && find "${pylib:-none}" -name '*.so' -printf '/%p\n' 2>/dev/null))
check hostprogs-python 'resolves /usr/bin/python3 && [ -n "$pylib" ] && [ -f "$x/$pylib/os.py" ] &&
    [ -f "$x/$pylib/json/__init__.py" ] && [ -n "$(ls "$x/$pylib/lib-dynload")" ] &&
    [ -z "$(find "$x/$pylib" \( -name __pycache__ -o -name "config-3*" \) -print -quit)" ]'
check hostprogs-python-modules '[ -n "$pylib" ] && [ -z "$missing" ]' "missing: $(echo $missing)"
if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null; then
    inimage() { chroot --userspec="$(id -u nobody):$(id -g nobody)" "$x" "$@" 2>&1; }
    check hostprogs-run-ls '[ "$(inimage "$lsdir/ls" -d /tests)" = /tests ]'
    check hostprogs-run-tr '[ "$(echo abc | inimage /usr/bin/tr a-c A-C)" = ABC ]'
    out=$(inimage /usr/bin/python3 -I -B -c 'import os, sys, json; print(json.dumps([sys.prefix, os.sep]))')
    check hostprogs-run-python '[ "$out" = "[\"/usr\", \"/\"]" ]' "$out"
fi

grep '^FAIL' "$results" || true
echo "image: $(grep -c '^PASS' "$results") passed, $(grep -c '^FAIL' "$results") failed"
! grep -q '^FAIL' "$results"
