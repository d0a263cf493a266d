#!/usr/bin/env bash
# Brings host programs into the image's staging folder with what they need to
# run (docs/hostprogs.md):
#   hostprogs.sh STAGE NAME...
# NAME is a program on PATH or an absolute path.  Each program gets, at the
# same paths as on the host: the program, every link on the way to its real
# file, its interpreter (PT_INTERP) and the shared libraries the host's
# dynamic loader lists for it (`ld.so --list`), the data files of the table
# below, and the library closure of every shared object inside those data
# directories (Python's extension modules, which ldd cannot see).
#
# Where things land:
#   - a NAME found on PATH lands in its real directory: with merged /usr,
#     PATH's /bin/ls and /usr/bin/ls are both /usr/bin/ls; an absolute NAME
#     lands at exactly that path (so /bin/ls replaces busybox's ls);
#   - everything else lands at the path by which it is named (the loader's
#     output, PT_INTERP, a link's target, a script's #! line), in real
#     directories: /lib64/ld-linux-x86-64.so.2, /lib/x86_64-linux-gnu/libc.so.6;
#   - a file the host reaches by two such paths is copied once; the second
#     path becomes a link to the first.
#
# Nothing here writes outside STAGE: every directory on the way to an entry
# is made a real directory of the stage (a link there is replaced, never
# followed), an entry is removed before it is written, and directory trees
# are copied into fresh directories by cpio, which copies links as links.
set -euo pipefail
[ $# -ge 1 ] && [ -d "$1" ] || { echo "usage: hostprogs.sh STAGE NAME..." >&2; exit 2; }
stage=$(cd "$1" && pwd); shift

# Data files a program needs beyond its libraries.  One rule a line:
#   prog:GLOB or lib:GLOB | host paths ($n is the matched name) | names left out of directories
# prog: matches the file name of a program (after its links: python3 ->
# python3.11), lib: the name of a library in a closure.  Absent paths are
# skipped.  Programs that need no rule: sysstat's pidstat and mpstat, procps's
# ps (libproc2 comes with the libraries), coreutils; locales are left out.
rules=(
    'prog:python3.[0-9]*|/usr/lib/$n|config-* test tests idle_test __pycache__'
    'lib:libtinfo.so.*|/lib/terminfo|'      # terminal descriptions: top, less, bash, python's curses
)

default_loader=/lib64/ld-linux-x86-64.so.2   # lists the libraries of shared objects (no PT_INTERP)
declare -A placed=()    # guest path -> 1 once placed (or being placed)
declare -A copy_of=()   # host real file -> the guest path holding its copy
declare -A leave_out=() # host real directory -> names its copy leaves out

die()  { echo "hostprogs: $*" >&2; exit 1; }
note() { echo "hostprogs: $*" >&2; }
# complain MODE MESSAGE: fatal for a program and its libraries; for an object
# found in a data directory only a note, since the program may never load it.
complain() { if [ "$1" = data ]; then note "$2; left in, it will not load"; else die "$2"; fi; }

is_elf() { local m=""; LC_ALL=C IFS= read -r -N 4 m < "$1" 2>/dev/null || true; [ "$m" = $'\x7fELF' ]; }

# stage_dir DIR: makes every component of the guest directory DIR a real
# directory in the stage, replacing a link or a file found on the way.
stage_dir() {
    local d=$stage part parts
    IFS=/ read -r -a parts <<< "${1#/}"
    for part in "${parts[@]}"; do
        [ -n "$part" ] || continue
        d=$d/$part
        if [ -L "$d" ] || { [ -e "$d" ] && [ ! -d "$d" ]; }; then rm -f -- "$d"; fi
        [ -d "$d" ] || mkdir -- "$d"
    done
}

# place MODE PATH [SRC]: the host's SRC (default PATH) at guest path PATH,
# with what it needs.  MODE: prog (a program and its links), lib (a library
# or interpreter), data (a data file or directory).
place() {
    local mode=$1 path src dst target real
    path=$(realpath -ms -- "$2"); src=${3:-$path}
    [ -z "${placed[$path]:-}" ] || return 0
    placed[$path]=1
    if [ ! -e "$src" ] && [ ! -L "$src" ]; then complain "$mode" "$src: no such file on the host"; return 0; fi
    dst=$stage$path
    stage_dir "$(dirname "$path")"
    if [ -L "$dst" ] || [ -e "$dst" ]; then rm -rf -- "$dst"; fi
    if [ -L "$src" ]; then
        cp -a -- "$src" "$dst"
        target=$(readlink -- "$src")
        case $target in
            /*) place "$mode" "$target" ;;
            *)  place "$mode" "$(dirname "$path")/$target" "$(dirname "$src")/$target" ;;
        esac
    elif [ -d "$src" ]; then
        copy_tree "$path" "$src"
    else
        real=$(readlink -f -- "$src")
        if [ -n "${copy_of[$real]:-}" ]; then ln -s -- "${copy_of[$real]}" "$dst"; return 0; fi
        cp -a -- "$src" "$dst"
        copy_of[$real]=$path
        # a library's own libraries are in the listing that named it
        if is_elf "$src"; then [ "$mode" = lib ] || closure "$mode" "$src"
        elif [ "$mode" = prog ]; then script_interpreter "$src"; fi
    fi
    apply_rules "$mode" "${path##*/}"
}

# closure MODE FILE: the interpreter and the libraries of the ELF file FILE.
closure() {
    local mode=$1 file=$2 info interp loader listing rc line missing=()
    info=$(readelf -lWd -- "$file" 2>/dev/null) || { complain "$mode" "$file: readelf cannot read it"; return 0; }
    interp=$(sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p' <<< "$info")
    if [ -n "$interp" ]; then
        loader=$interp
        place lib "$interp"
    elif grep -q '(NEEDED)' <<< "$info"; then
        loader=$default_loader
    else
        return 0    # static: needs nothing
    fi
    # as the guest's loader will: without the builder's LD_LIBRARY_PATH or LD_PRELOAD
    listing=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD "$loader" --list "$file" 2>&1) && rc=0 || rc=$?
    while IFS= read -r line; do
        if [[ $line =~ ^[[:space:]]*([^[:space:]]+)\ =\>\ not\ found ]]; then
            missing+=("${BASH_REMATCH[1]}")
        elif [[ $line =~ (^[[:space:]]*|=\>\ )(/[^[:space:]]+)\ \(0x ]]; then
            place lib "${BASH_REMATCH[2]}"
        fi
    done <<< "$listing"
    if [ ${#missing[@]} -gt 0 ]; then
        complain "$mode" "$file needs ${missing[*]}, which the host's loader does not find"
    elif [ $rc != 0 ]; then
        complain "$mode" "$loader --list $file failed: $(head -1 <<< "$listing")"
    fi
    # the host's loader cache: the guest's loader then finds each library
    # where ld.so --list found it, also outside its default directories
    [ ! -f /etc/ld.so.cache ] || place data /etc/ld.so.cache
}

# script_interpreter FILE: a "#!" script's interpreter, when the image has
# nothing at that path yet (busybox already provides /bin/sh, /usr/bin/env).
script_interpreter() {
    local first interp
    IFS= read -r first < "$1" || true
    [[ $first == '#!'* ]] || return 0
    read -r interp _ <<< "${first#\#!}"
    interp=${interp%$'\r'}
    [[ $interp == /* ]] || return 0
    if [ ! -L "$stage$interp" ] && [ ! -e "$stage$interp" ]; then place prog "$interp"; fi
}

# apply_rules MODE NAME: the data files of the rules matching NAME.
apply_rules() {
    local mode=$1 name=$2 rule kind_glob paths out p real
    for rule in "${rules[@]}"; do
        IFS='|' read -r kind_glob paths out <<< "$rule"
        [ "${kind_glob%%:*}" = "$mode" ] || continue
        # shellcheck disable=SC2053  # the rule's glob is meant to match
        [[ $name == ${kind_glob#*:} ]] || continue
        read -r -a paths <<< "${paths//\$n/$name}"
        for p in "${paths[@]}"; do
            if [ ! -e "$p" ]; then note "$name: $p is not on the host; left out"; continue; fi
            real=$(readlink -f -- "$p")
            leave_out[$real]=$out
            place data "$p"
        done
    done
}

# copy_tree PATH SRC: the host directory SRC at guest path PATH (which does
# not exist yet), without the names its rule leaves out, then the library
# closure of the shared objects in it and the targets of its links that
# point out of it.
copy_tree() {
    local path=$1 src=$2 dst=$stage$1 names name skip=() f rel target guest host
    mkdir -- "$dst"
    read -r -a names <<< "${leave_out[$(readlink -f -- "$src")]:-}"
    for name in "${names[@]}"; do skip+=(-o -name "$name"); done
    (cd "$src" && find . -mindepth 1 \( -false "${skip[@]}" \) -prune -o -print0 | cpio -0 -pdm --quiet -- "$dst")
    while IFS= read -r -d '' f; do
        rel=${f#"$dst"}
        if [ -L "$f" ]; then
            target=$(readlink -- "$f")
            case $target in
                /*) guest=$target host=$target ;;
                *)  guest=$(dirname "$path$rel")/$target host=$(dirname "$src$rel")/$target ;;
            esac
            [ -e "$host" ] || continue      # dangling on the host too
            case $(realpath -ms -- "$guest")/ in "$path"/*) continue ;; esac
            place data "$guest" "$host"
        elif is_elf "$f"; then
            closure data "$src$rel"
        fi
    done < <(find "$dst" \( -type l -o -type f \( -name '*.so' -o -name '*.so.*' -o -perm /111 \) \) -print0)
}

# find_program NAME: the host path NAME stands for.  On PATH, the first ELF
# program wins over a script found earlier (a wrapper such as a pyenv shim);
# a script is taken only when no ELF program of that name is on PATH.
find_program() {
    local name=$1 dir dirs f script=""
    case $name in
        /*) [ -e "$name" ] || [ -L "$name" ] || die "$name: no such file on the host"
            echo "$name"; return ;;
        */*|"") die "$name: give a program name found on PATH or an absolute path" ;;
    esac
    IFS=: read -r -a dirs <<< "$PATH"
    for dir in "${dirs[@]}"; do
        f=${dir:-.}/$name
        [ -f "$f" ] && [ -x "$f" ] || continue
        dir=$(realpath -e -- "${dir:-.}")
        if is_elf "$f"; then
            [ -z "$script" ] || note "$name: passing over the script $script, taking $dir/$name"
            echo "$dir/$name"; return
        fi
        [ -n "$script" ] || script=$dir/$name
    done
    [ -n "$script" ] || die "$name: no such program on PATH (HOSTPROGS names programs of the host)"
    echo "$script"
}

for name in "$@"; do
    path=$(find_program "$name")
    place prog "$path"
    echo "  HOSTPROG $name -> $path"
done
