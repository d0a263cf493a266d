/* gt-side: guest-only (schedctl is Tessera's tool)
 * The user tools on top of the scheduling calls: `schedctl run` sets
 * tickets, expected time and nice on itself and execs the command, which
 * sees them (`schedctl get`); `schedctl policy` shows the system policy and
 * refuses an unknown one with EINVAL and the list of known ones; bad
 * arguments give the usage (status 2), a missing pid ESRCH (status 1);
 * `schedctl tickets N` without a pid sets the caller's tickets (a shell's,
 * which its later children inherit);
 * busybox renice changes a running process's nice; Tessera's own nice and
 * chrt (Debian's busybox-static lacks both applets) change the niceness and
 * the real-time class of the program they run, and busybox taskset pins. */
#include "gt.h"
#include <sys/syscall.h>
#include "../../include/uapi/tessera.h"

static void check(char *const argv[], int want_status, const char *want_text, const char *what)
{
    char out[2048];
    int st = run_capture(argv, out, sizeof out);
    int ok = WIFEXITED(st) && WEXITSTATUS(st) == want_status && (!want_text || strstr(out, want_text));
    if (!expect(ok, what))
        say("  status %s, output:\n%s", status_str(st), out);
}

int main(void)
{
    char *get[] = { "/bin/schedctl", "run", "-t", "77", "-e", "120", "-n", "4", "--", "/bin/schedctl", "get", NULL };
    check(get, 0, "tickets: 77", "schedctl run -t 77 ... -- schedctl get shows the tickets");
    check(get, 0, "expected_ms: 120.000", "... and the expected time");
    check(get, 0, "nice: 4", "... and the nice value");
    char *policy[] = { "/bin/schedctl", "policy", NULL };
    check(policy, 0, "\n", "schedctl policy prints the policy");
    char *bogus[] = { "/bin/schedctl", "policy", "bogus", NULL };
    check(bogus, 1, "EINVAL", "schedctl policy bogus fails with EINVAL");
    check(bogus, 1, "known policies: fifo", "... and lists the known policies");
    char *zero[] = { "/bin/schedctl", "tickets", "0", NULL };
    check(zero, 2, "bad tickets", "schedctl tickets 0 is refused");
    char *nobody[] = { "/bin/schedctl", "tickets", "5", "999999", NULL };
    check(nobody, 1, "ESRCH", "schedctl tickets 5 999999 reports ESRCH");
    char *none[] = { "/bin/schedctl", NULL };
    check(none, 2, "usage:", "schedctl alone prints the usage");

    struct tessera_sched mine, after;
    syscall(__NR_tessera_sched_get, 0, &mine);
    char *caller[] = { "/bin/schedctl", "tickets", "321", NULL };
    check(caller, 0, NULL, "schedctl tickets 321 (no pid)");
    syscall(__NR_tessera_sched_get, 0, &after);
    expect(after.tickets == 321, "... sets the tickets of the process that ran it");
    char *inherit[] = { "/bin/schedctl", "get", NULL };
    check(inherit, 0, "tickets: 321", "... which a later child inherits");
    struct tessera_sched back = { .tickets = mine.tickets };
    syscall(__NR_tessera_sched_set, 0, &back, TESSERA_SCHED_TICKETS);

    int go[2];
    if (pipe(go))
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        char x;
        read(go[0], &x, 1);
        _exit(getpriority(PRIO_PROCESS, 0));
    }
    char spid[16];
    snprintf(spid, sizeof spid, "%d", (int)pid);
    char *renice[] = { "/bin/busybox", "renice", "-n", "6", "-p", spid, NULL };
    char out[256];
    int st = run_capture(renice, out, sizeof out);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "busybox renice -n 6 -p CHILD");
    write(go[1], "x", 1);
    waitpid(pid, &st, 0);
    say("child's nice after renice: %d\n", WEXITSTATUS(st));

    char *nice[] = { "/bin/nice", "-n", "5", "/bin/nice", NULL };
    check(nice, 0, "5\n", "nice -n 5 nice prints 5");
    char *chrt[] = { "/bin/chrt", "-f", "7", "/bin/chrt", "-p", "0", NULL };
    check(chrt, 0, "policy: SCHED_FIFO", "chrt -f 7 CMD runs CMD in SCHED_FIFO");
    check(chrt, 0, "priority: 7", "... at priority 7");
    char *rr[] = { "/bin/chrt", "-r", "3", "/bin/chrt", "-p", "0", NULL };
    check(rr, 0, "policy: SCHED_RR", "chrt -r 3 CMD runs CMD in SCHED_RR");
    char *badprio[] = { "/bin/chrt", "-f", "100", "/bin/true", NULL };
    check(badprio, 1, "Invalid argument", "chrt -f 100 is refused (EINVAL)");
    char *taskset[] = { "/bin/busybox", "taskset", "-c", "0", "/bin/busybox", "sh", "-c", "taskset -p $$", NULL };
    check(taskset, 0, "affinity mask: 1", "busybox taskset -c 0 CMD pins CMD to CPU 0");
    gt_exit();
}
