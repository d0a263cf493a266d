#!/usr/bin/env bash
# Builds the root file system image (cpio newc) that QEMU hands to Tessera:
#   mkinitrd.sh OUT "EXTRA_DIR" USER_BIN... -- GUEST_FILE...
# Layout: Debian's static busybox with every applet linked in /bin, Tessera's
# own programs (init in /sbin, the rest in /bin), rootfs/ (etc files), the
# guest tests in /tests, host programs with their libraries and data files
# (HOSTPROGS="python3 ls", tools/hostprogs.sh), and, with EXTRA, a user's
# directory copied over /.
# BUSYBOX=path takes busybox from elsewhere than /bin/busybox.
#
# Nothing here writes outside the staging folder next to OUT.  The applet
# links are relative (bin/ls -> busybox, usr/bin/env -> ../../bin/busybox),
# so they never name a host file, and the layers (rootfs/, EXTRA) are laid
# over the stage by overlay(), which replaces an existing entry instead of
# writing through it: a user's bin/ls becomes a new file in the stage, never
# the content of the busybox the link pointed at, and a directory that is a
# symbolic link in the stage is replaced by a real one before anything is
# put in it.  tools/hostprogs.sh keeps to the same rules.
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
chmod 700 "$stage/root"
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "mkinitrd: $busybox missing (apt-get install busybox-static)" >&2; exit 1; }
file -L "$busybox" 2>/dev/null | grep -q 'statically linked' || { echo "mkinitrd: $busybox is not the static busybox" >&2; exit 1; }
cp "$busybox" "$stage/bin/busybox"
for applet in $("$busybox" --list-full); do
    [ -e "$stage/$applet" ] && continue
    case "$applet" in
        bin/*) target=busybox ;;
        */*)   target=$(dirname "$applet" | sed 's|[^/]*|..|g')/bin/busybox ;;
        *)     target=bin/busybox ;;
    esac
    ln -s "$target" "$stage/$applet"
done

# overlay SRC: copies the tree SRC over the stage.  find lists a directory
# before its contents and never follows links, so by the time an entry is
# copied every directory above it in the stage is a real directory this
# function made or checked; the entry itself is removed first (whatever it
# was: file, link, directory) unless both are directories.
overlay() {
    local src=$1 rel dst
    while IFS= read -r -d '' rel; do
        rel=${rel#./}
        dst=$stage/$rel
        if [ -d "$src/$rel" ] && [ ! -L "$src/$rel" ]; then
            if [ -L "$dst" ] || { [ -e "$dst" ] && [ ! -d "$dst" ]; }; then rm -rf -- "$dst"; fi
            [ -d "$dst" ] || mkdir -- "$dst"
            chmod --reference="$src/$rel" -- "$dst"
        else
            if [ -L "$dst" ] || [ -e "$dst" ]; then rm -rf -- "$dst"; fi
            cp -a -- "$src/$rel" "$dst"
        fi
    done < <(cd "$src" && find . -mindepth 1 -print0)
}

for f in "${user[@]}"; do
    n=$(basename "$f")
    if [ "$n" = init ]; then rm -f "$stage/sbin/init"; cp "$f" "$stage/sbin/init"; else rm -f "$stage/bin/$n"; cp "$f" "$stage/bin/$n"; fi
done
for f in "${guest[@]}"; do cp -p "$f" "$stage/tests/"; done
# before the layers, so that rootfs/ and EXTRA can still replace any of it
read -r -a hostprogs <<< "${HOSTPROGS:-}"
[ ${#hostprogs[@]} -eq 0 ] || "$(dirname "$0")/hostprogs.sh" "$stage" "${hostprogs[@]}"
[ -d rootfs ] && overlay rootfs
if [ -n "$extra" ]; then
    [ -d "$extra" ] || { echo "mkinitrd: EXTRA=$extra is not a directory" >&2; exit 1; }
    overlay "$extra"
fi
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc --owner=0:0) > "$out.tmp"
mv "$out.tmp" "$out"
echo "  INITRD  $out ($(du -k "$out" | cut -f1) KiB)"
