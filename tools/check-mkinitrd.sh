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
# checksums before and after.  One PASS/FAIL line per check in RESULTS.
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

runas=()
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null && id nobody >/dev/null 2>&1; then
    chown -R nobody "$work/fake" "$work/outside" "$work/out"
    runas=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups --)
fi

sums() {   # everything the build must leave alone
    sha256sum /bin/busybox /etc/passwd "$host_busybox" "$work/fake/busybox" 2>/dev/null
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

grep '^FAIL' "$results" || true
echo "image: $(grep -c '^PASS' "$results") passed, $(grep -c '^FAIL' "$results") failed"
! grep -q '^FAIL' "$results"
