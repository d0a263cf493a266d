#!/bin/sh
# Guest-side driver of the behaviour tests: runs every test program found next
# to this script and frames each one's output for the host-side runner
# (tests/guest/runner.py), which compares it with the same program's output
# on Linux.  The very same script is used on the host, so both sides run the
# tests the same way.
#
# For each test NAME it prints
#     @@BEGIN NAME
#     <everything NAME wrote to stdout and stderr>
#     @@FILE NAME/<file>          (for each <file>.output the test left behind)
#     @@END NAME status=N         (N as $? reports it: 128+sig if killed)
# and finally "@@DONE count=N".
#
# How a test runs (identical on both sides):
#   - in a fresh, empty working directory $GT_WORK/NAME, into which the test's
#     own source file is copied if it was shipped (p3 and p4 run `wc` on it);
#   - with stdout and stderr going into a pipe (collected by cat), so stdio
#     buffering is the same on both sides (this matters for the book's p1..p4
#     programs), and the frame ends only when the test and any orphan it left
#     have closed their output;
#   - with stdin from /dev/null and a fixed environment: PATH=$GT_PATH,
#     HOME=/, GT_DIR (where the test binaries are), GT_WORK;
#   - as "$GT_DIR/NAME", so argv[0] is an absolute path a test may re-exec.
#
# Choosing tests (select.sh, next to this script): command-line arguments
# name the tests to run; inside the guest (pid 1 gets no arguments) the
# kernel command line can carry "gt.only=a,b,c" (run only these) and
# "gt.after=NAME" (skip every test up to and including NAME: the host runner
# uses it to resume after a hang).
# When this script is pid 1 it exits 0 at the end, so Tessera powers off.
#
# Leak check (inside Tessera only: where /proc/kmemstat exists): the driver
# reads the kernel's free frames and live heap objects before each test and
# again once the test, its processes and its files are gone.  If the test
# left memory behind it prints, after the test's frame,
#     @@LEAK NAME free_frames=-N frames_outside_heap=N heap_objects=N heap_bytes=N
# and the runner reports it (or fails the test: runner.py --leaks).  The
# figures are read by the shell itself (the read builtin, no fork), so the
# reading does not disturb them.  The debug kernel also counts live heap
# objects per allocation site (/proc/kmemsites); there each site whose count
# changed follows as "@@LEAKSITE NAME SITE CALLER OBJECTS BYTES".  See
# docs/testing.md.

GT_DIR=${GT_DIR:-${0%/*}}
case "$GT_DIR" in /*) ;; *) GT_DIR=$(cd "$GT_DIR" && pwd) ;; esac
GT_WORK=${GT_WORK:-/tmp/gt-work}
GT_PATH=${GT_PATH:-/bin:/sbin:/usr/bin}
PATH=$GT_PATH
export PATH

. "$GT_DIR/select.sh"
select_init gt "$@"

rm -rf "$GT_WORK"
mkdir -p "$GT_WORK" || { echo "@@ERROR cannot create $GT_WORK"; exit 1; }

# kmem_read sets k_free (free frames), k_out (frames in use outside the
# heap: the heap's own pages follow its objects, and how full its slabs are
# is not a leak), k_objs and k_bytes (live heap objects and their bytes).
kmem_read() {
    while read -r key value; do
        case $key in
            frames_total) k_total=$value ;;
            frames_free) k_free=$value ;;
            heap_objects) k_objs=$value ;;
            heap_bytes) k_bytes=$value ;;
            heap_frames) k_hframes=$value ;;
        esac
    done </proc/kmemstat
    k_out=$((k_total - k_free - k_hframes))
}

# kmem_leaked: the test left frames or heap objects behind (the figures
# are compared with the b_* ones read before it).
kmem_leaked() {
    [ "$k_out" -gt "$b_out" ] || [ "$k_objs" -gt "$b_objs" ]
}

# kmem_check NAME: after a test.  What the kernel frees late (a task that
# reaps itself is freed by the scheduler once it is off its CPU; a zombie
# orphan waits for pid 1) is given 2 s to go, in 0.1 s steps; whatever is
# still there then is reported.
kmem_check() {
    kmem_read
    tries=0
    while kmem_leaked && [ $tries -lt 20 ]; do
        sleep 0.1 &         # waiting for it also reaps the zombies pid 1 inherited
        wait
        kmem_read
        tries=$((tries + 1))
    done
    if kmem_leaked; then
        echo "@@LEAK $1 free_frames=$((k_free - b_free)) frames_outside_heap=$((k_out - b_out))" \
             "heap_objects=$((k_objs - b_objs)) heap_bytes=$((k_bytes - b_bytes))"
        [ -n "$sites" ] || return 0
        cat /proc/kmemsites >"$GT_WORK/.sites-after"
        awk -v name="$1" '
            FNR == 1 { f++ }
            /^#/ { next }
            { k = $3 " " $4; n[k] += f == 1 ? -$1 : $1; b[k] += f == 1 ? -$2 : $2 }
            END { for (k in n) if (n[k]) print "@@LEAKSITE " name " " k " " n[k] " " b[k] }' \
            "$GT_WORK/.sites" "$GT_WORK/.sites-after"
    fi
}
# run_test NAME PATH: runs one test in its frame (and checks for leaks).
# Everything between the two readings runs in a subshell: whatever memory
# that takes (a glob over a directory the test filled, say) grows a child
# that is gone before the second reading, never this shell, which may be
# pid 1 and is measured with the kernel.
run_test() {
    if [ -n "$kmem" ]; then
        [ -n "$sites" ] && cat /proc/kmemsites >"$GT_WORK/.sites"
        kmem_read
        b_free=$k_free b_out=$k_out b_objs=$k_objs b_bytes=$k_bytes
    fi
    (name=$1 path=$2
     work=$GT_WORK/$name
     mkdir -p "$work"
     [ -f "$GT_DIR/$name.c" ] && cp "$GT_DIR/$name.c" "$work/"
     echo "@@BEGIN $name"
     # Through a pipe to cat, so the frame closes only when every process
     # holding the test's stdout (orphans included) has finished with it.
     echo 255 >"$GT_WORK/$name.status"
     (cd "$work" || exit
      env -i PATH="$GT_PATH" HOME=/ GT_DIR="$GT_DIR" GT_WORK="$work" \
          "$path" </dev/null 2>&1
      echo $? >"$GT_WORK/$name.status") | cat >"$GT_WORK/$name.out"
     read status <"$GT_WORK/$name.status"
     cat "$GT_WORK/$name.out"
     for f in "$work"/*.output; do
         [ -f "$f" ] || continue
         echo "@@FILE $name/${f##*/}"
         cat "$f"
     done
     echo "@@END $name status=$status"
     [ -z "$kmem" ] || rm -rf "$work" "$GT_WORK/$name.out" "$GT_WORK/$name.status")
    [ -z "$kmem" ] || kmem_check "$1"
}

kmem=""
[ -r /proc/kmemstat ] && kmem=warm-up
sites=""
if [ -r /proc/kmemsites ]; then
    sites=yes
    : >"$GT_WORK/.sites-after"  # made now, so making it adds nothing to the sites it lists
fi
echo "@@START dir=$GT_DIR"

count=0
for path in "$GT_DIR"/*; do
    name=${path##*/}
    case "$name" in *.sh|*.c|*.h|*.txt|*.mk|*.py) continue ;; esac
    [ -f "$path" ] && [ -x "$path" ] || continue
    selected "$name" || continue
    if [ "$kmem" = warm-up ]; then
        # This shell's own memory grows while it runs its first test (its
        # heap and stack reach their working size): not a leak.
        kmem=yes
        run_test warm-up /bin/true >/dev/null
    fi
    run_test "$name" "$path"
    count=$((count + 1))
done
echo "@@DONE count=$count"
exit 0
