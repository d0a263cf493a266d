# Which tests a driver runs: sourced by tests/guest/run-all.sh and
# tests/debian/cases.sh, on the host and inside Tessera alike.
#
#   select_init PREFIX ARG...   ARGs name the tests to run.  With none, as
#       pid 1 (inside the guest, where init gets no arguments), the kernel
#       command line decides: PREFIX.only=a,b,c runs only these,
#       PREFIX.after=NAME every test after NAME (a runner boots again so
#       after a test hung), PREFIX.skip=a,b,c every test but these.
#       Otherwise every test runs.
#   selected NAME               true if NAME is to run; ask for each test
#       in the order they run.
select_init() {
    sel_prefix=$1
    shift
    sel_only=""
    sel_after=""
    sel_skip=""
    if [ $# -gt 0 ]; then
        sel_only=" $* "
    elif [ -r /proc/cmdline ] && [ "$$" = 1 ]; then
        for word in $(cat /proc/cmdline); do
            case "$word" in
                "$sel_prefix".only=*)  sel_only=" $(echo "${word#*.only=}" | tr , ' ') " ;;
                "$sel_prefix".after=*) sel_after=${word#*.after=} ;;
                "$sel_prefix".skip=*)  sel_skip=" $(echo "${word#*.skip=}" | tr , ' ') " ;;
            esac
        done
    fi
}

selected() {
    case "$sel_skip" in *" $1 "*) return 1 ;; esac
    if [ -n "$sel_after" ]; then
        [ "$1" = "$sel_after" ] && sel_after=""
        return 1
    fi
    case "$sel_only" in "") return 0 ;; *" $1 "*) return 0 ;; *) return 1 ;; esac
}
