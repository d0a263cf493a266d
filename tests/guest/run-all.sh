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
# Choosing tests: command-line arguments name the tests to run; inside the
# guest (pid 1 gets no arguments) the kernel command line can carry
# "gt.only=a,b,c" (run only these) and "gt.after=NAME" (skip every test up to
# and including NAME: the host runner uses it to resume after a hang).
# When this script is pid 1 it exits 0 at the end, so Tessera powers off.

GT_DIR=${GT_DIR:-${0%/*}}
case "$GT_DIR" in /*) ;; *) GT_DIR=$(cd "$GT_DIR" && pwd) ;; esac
GT_WORK=${GT_WORK:-/tmp/gt-work}
GT_PATH=${GT_PATH:-/bin:/sbin:/usr/bin}
PATH=$GT_PATH
export PATH

only=""
after=""
if [ $# -gt 0 ]; then
    only=" $* "
elif [ -r /proc/cmdline ] && [ "$$" = 1 ]; then
    for word in $(cat /proc/cmdline); do
        case "$word" in
            gt.only=*)  only=" $(echo "${word#gt.only=}" | tr , ' ') " ;;
            gt.after=*) after=${word#gt.after=} ;;
        esac
    done
fi

rm -rf "$GT_WORK"
mkdir -p "$GT_WORK" || { echo "@@ERROR cannot create $GT_WORK"; exit 1; }
echo "@@START dir=$GT_DIR"

skipping=""
[ -n "$after" ] && skipping=yes
count=0
for path in "$GT_DIR"/*; do
    name=${path##*/}
    case "$name" in *.sh|*.c|*.h|*.txt|*.mk|*.py) continue ;; esac
    [ -f "$path" ] && [ -x "$path" ] || continue
    if [ -n "$skipping" ]; then
        [ "$name" = "$after" ] && skipping=""
        continue
    fi
    case "$only" in "") ;; *" $name "*) ;; *) continue ;; esac

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
    count=$((count + 1))
done
echo "@@DONE count=$count"
exit 0
