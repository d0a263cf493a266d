/* gt-side: guest-only (Tessera's own calls, include/uapi/tessera.h)
 * Tickets and expected run time through tessera_sched_get/set: the default
 * is 100 tickets and no declared time; a set is seen by get and by
 * /proc/self/sched; 0 tickets, more than TESSERA_TICKETS_MAX and an unknown
 * mask bit are EINVAL and leave the old value; a bad pid is ESRCH, a bad
 * pointer EFAULT; setting another process's tickets works; a child inherits
 * tickets but not the expected time (a hint belongs to one job). */
#include "gt.h"
#include <sys/syscall.h>
#include "../../include/uapi/tessera.h"

static long tget(pid_t pid, struct tessera_sched *ts) { return syscall(__NR_tessera_sched_get, pid, ts); }
static long tset(pid_t pid, uint32_t tickets, uint64_t expected, unsigned mask)
{
    struct tessera_sched ts = { .tickets = tickets, .expected_ns = expected };
    return syscall(__NR_tessera_sched_set, pid, &ts, mask);
}

static long proc_sched_field(pid_t pid, const char *name)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/sched", (int)pid);
    if (read_file(path, buf, sizeof buf) < 0)
        return -1;
    char *p = strstr(buf, name);
    return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

int main(void)
{
    struct tessera_sched ts;
    expect(tget(0, &ts) == 0, "get(self)");
    say("default tickets %u expected %llu\n", ts.tickets, (unsigned long long)ts.expected_ns);

    expect(tset(0, 300, 0, TESSERA_SCHED_TICKETS) == 0, "set tickets 300");
    tget(0, &ts);
    say("tickets now %u\n", ts.tickets);
    say("/proc/self/sched tickets: %ld\n", proc_sched_field(getpid(), "tickets:"));

    expect_err(tset(0, 0, 0, TESSERA_SCHED_TICKETS), EINVAL, "tickets 0");
    expect_err(tset(0, TESSERA_TICKETS_MAX + 1, 0, TESSERA_SCHED_TICKETS), EINVAL, "tickets max+1");
    expect_err(tset(0, 5, 0, 0x80), EINVAL, "unknown mask bit");
    tget(0, &ts);
    say("tickets after refusals %u\n", ts.tickets);
    expect(tset(0, TESSERA_TICKETS_MAX, 0, TESSERA_SCHED_TICKETS) == 0, "tickets max");
    expect(tset(0, 300, 0, TESSERA_SCHED_TICKETS) == 0, "tickets back to 300");

    expect(tset(0, 0, 250000000ull, TESSERA_SCHED_EXPECTED) == 0, "expect 250 ms");
    tget(0, &ts);
    say("expected_ns %llu tickets %u\n", (unsigned long long)ts.expected_ns, ts.tickets);
    say("/proc/self/sched expected_ns: %ld\n", proc_sched_field(getpid(), "expected_ns:"));

    expect_err(tget(0x7ffffff0, &ts), ESRCH, "get(no such pid)");
    expect_err(tset(0x7ffffff0, 5, 0, TESSERA_SCHED_TICKETS), ESRCH, "set(no such pid)");
    expect_err(tget(-5, &ts), ESRCH, "get(pid -5)");
    expect_err(tget(0, BAD_PTR), EFAULT, "get(bad pointer)");
    expect_err(syscall(__NR_tessera_sched_set, 0, BAD_PTR, TESSERA_SCHED_TICKETS), EFAULT, "set(bad pointer)");

    int go[2], back[2];
    if (pipe(go) || pipe(back))
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        struct tessera_sched c;
        tget(0, &c);
        say("child inherits tickets %u expected %llu\n", c.tickets, (unsigned long long)c.expected_ns);
        write(back[1], "r", 1);
        char x;
        read(go[0], &x, 1);
        tget(0, &c);
        say("child tickets after parent set them: %u\n", c.tickets);
        _exit(0);
    }
    char r;
    read(back[0], &r, 1);
    expect(tset(pid, 42, 0, TESSERA_SCHED_TICKETS) == 0, "set child's tickets to 42");
    write(go[1], "x", 1);
    int st;
    waitpid(pid, &st, 0);
    say("child: %s\n", status_str(st));
    expect_err(tset(pid, 5, 0, TESSERA_SCHED_TICKETS), ESRCH, "set(reaped child)");
    gt_exit();
}
