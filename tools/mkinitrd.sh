#!/usr/bin/env bash
# Builds the root file system image (cpio newc) that QEMU hands to Tessera:
#   mkinitrd.sh OUT "EXTRA_DIR" USER_BIN... -- GUEST_FILE...
# Layout: Debian's static busybox with every applet linked in /bin, Tessera's
# own programs (init in /sbin, the rest in /bin), rootfs/ (etc files), the
# guest tests in /tests, and, with EXTRA, a user's directory copied over /.
set -euo pipefail
out=$1; extra=$2; shift 2
user=(); guest=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do user+=("$1"); shift; done
[ $# -gt 0 ] && shift
guest=("$@")

stage=$(dirname "$out")/rootfs
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,tmp,root,tests}
chmod 1777 "$stage/tmp"
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "mkinitrd: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || { echo "mkinitrd: $busybox is not the static busybox" >&2; exit 1; }
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list-full); do
    [ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done
for f in "${user[@]}"; do
    n=$(basename "$f")
    if [ "$n" = init ]; then rm -f "$stage/sbin/init"; cp "$f" "$stage/sbin/init"; else rm -f "$stage/bin/$n"; cp "$f" "$stage/bin/$n"; fi
done
for f in "${guest[@]}"; do cp -p "$f" "$stage/tests/"; done
[ -d rootfs ] && cp -a rootfs/. "$stage/"
if [ -n "$extra" ]; then
    [ -d "$extra" ] || { echo "mkinitrd: EXTRA=$extra is not a directory" >&2; exit 1; }
    cp -a "$extra/." "$stage/"
fi
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0) > "$out.tmp"
mv "$out.tmp" "$out"
echo "  INITRD  $out ($(du -k "$out" | cut -f1) KiB)"
