/* gt-side: guest-only (ticket transfer is Tessera's, kernel/sched/lend.c)
 * Lottery ticket transfer, under the lottery policy (the policies that share
 * by tickets are the ones that lend them automatically; under fair a sleeper
 * lends nothing).  A parent sleeping in wait4 lends its tickets to
 * the child it waits for: the child sees them in lent_tickets while the
 * parent waits, and a child the parent is not waiting for sees none.  A
 * reader sleeping on an empty pipe lends to the pipe's last writer.  An
 * explicit loan (tessera_sched_lend) shows at the receiver until unlend,
 * and ends when the lender exits; lending to oneself is EINVAL, to nobody
 * ESRCH.
 *
 * Other sleepers lend too (the shell waiting for us, `cat` reading our
 * output lends to whoever wrote last), so children never print while they
 * measure (they report through a pipe), and the parent measures its own
 * lent tickets as differences from a baseline taken without printing. */
#include "gt.h"
#include <sys/syscall.h>
#include <sched.h>
#include <time.h>
#include "../../include/uapi/tessera.h"

static uint32_t lent(void)
{
    struct tessera_sched ts;
    if (syscall(__NR_tessera_sched_get, 0, &ts))
        return 0xffffffff;
    return ts.lent_tickets;
}

static void set_tickets(uint32_t n)
{
    struct tessera_sched ts = { .tickets = n };
    syscall(__NR_tessera_sched_set, 0, &ts, TESSERA_SCHED_TICKETS);
}

static void nap_ms(int ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

/* Poll our lent_tickets until it equals want (the lender needs a moment to
 * fall asleep); returns what was seen last. */
static uint32_t wait_lent(uint32_t want)
{
    uint32_t v = lent();
    for (int i = 0; i < 200 && v != want; i++) {
        nap_ms(5);
        v = lent();
    }
    return v;
}

static void report(int fd, uint32_t v) { write(fd, &v, sizeof v); }

static uint32_t collect(int fd)
{
    uint32_t v = 0xeeeeeeee;
    read(fd, &v, sizeof v);
    return v;
}

int main(void)
{
    int res[2], st;
    if (pipe(res))
        return 1;
    char orig[32] = "fair";
    read_file("/proc/sys/kernel/sched_policy", orig, sizeof orig);
    set_tickets(250);

    /* 0. under fair (tickets decide nothing) a waiting parent lends none */
    expect(sysctl_put("sched_policy", "fair") == 0, "switch to the fair policy");
    pid_t pid = fork();
    if (pid == 0) {
        nap_ms(100);                            /* the parent is in waitpid by now */
        report(res[1], lent());
        _exit(0);
    }
    waitpid(pid, &st, 0);
    expect(collect(res[0]) == 0, "under fair, the child sees nothing lent while the parent waits");
    expect(sysctl_put("sched_policy", "lottery") == 0, "switch to the lottery policy");

    /* 1. wait4 lends to the awaited child, and only while it waits */
    pid = fork();
    if (pid == 0) {
        report(res[1], wait_lent(250));
        _exit(0);
    }
    waitpid(pid, &st, 0);
    expect(collect(res[0]) == 250, "child sees 250 lent while the parent waits in waitpid");

    int go[2];
    if (pipe(go))
        return 1;
    pid = fork();
    if (pid == 0) {
        char x;
        report(res[1], lent());                 /* parent is not waiting yet */
        read(go[0], &x, 1);                     /* fresh pipe: no loan while we wait */
        report(res[1], wait_lent(250));         /* parent now in wait() */
        _exit(0);
    }
    uint32_t before = collect(res[0]);
    write(go[1], "g", 1);
    wait(&st);
    uint32_t during = collect(res[0]);
    say("child 2 lent before the parent waits: %u, while it waits in wait(): %u\n", before, during);
    expect(before == 0 && during == 250, "lent only while the parent waits");

    /* 2. a reader blocked on an empty pipe lends to its last writer */
    int p[2];
    if (pipe(p))
        return 1;
    pid = fork();
    if (pid == 0) {
        write(p[1], "a", 1);                    /* become the last writer */
        report(res[1], wait_lent(250));
        write(p[1], "b", 1);
        _exit(0);
    }
    char c;
    read(p[0], &c, 1);
    read(p[0], &c, 1);                          /* blocks: lends to the writer */
    waitpid(pid, &st, 0);
    expect(collect(res[0]) == 250 && c == 'b', "pipe writer sees 250 lent while the parent reads");

    /* 3. explicit loans */
    expect_err(syscall(__NR_tessera_sched_lend, getpid()), EINVAL, "lend to self");
    expect_err(syscall(__NR_tessera_sched_lend, 0x7ffffff0), ESRCH, "lend to nobody");
    /* The child waits on a fresh pipe for each step: nobody has written to
     * it yet, so its own sleep makes no automatic loan.  The parent reads
     * the child's signals from `b` with a busy poll (O_NONBLOCK), so it
     * never sleeps in a way that would change loans either. */
    int a[3][2], b[2];
    if (pipe(a[0]) || pipe(a[1]) || pipe(a[2]) || pipe2(b, O_NONBLOCK))
        return 1;
    pid_t parent = getpid();
    nap_ms(50);                                 /* let `cat` settle on our output */
    uint32_t base = lent(), seen[4];
    pid = fork();
    if (pid == 0) {
        char x;
        set_tickets(70);
        syscall(__NR_tessera_sched_lend, parent);
        write(b[1], "1", 1);
        read(a[0][0], &x, 1);
        syscall(__NR_tessera_sched_lend, 0);    /* unlend */
        write(b[1], "2", 1);
        read(a[1][0], &x, 1);
        syscall(__NR_tessera_sched_lend, parent);
        write(b[1], "3", 1);
        read(a[2][0], &x, 1);
        _exit(0);                               /* the loan ends with us */
    }
    for (int step = 0; step < 3; step++) {
        char x;
        while (read(b[0], &x, 1) != 1)
            sched_yield();
        seen[step] = lent() - base;
        write(a[step][1], "g", 1);
    }
    while (waitpid(pid, &st, WNOHANG) == 0)
        sched_yield();
    seen[3] = lent() - base;
    say("parent's lent tickets, relative: after the child lends 70: %d, after unlend: %d, "
        "after lending again: %d, after the lender exited: %d\n", (int)seen[0], (int)seen[1], (int)seen[2],
        (int)seen[3]);
    expect(seen[0] == 70 && seen[1] == 0 && seen[2] == 70 && seen[3] == 0, "explicit loans come and go");
    sysctl_put("sched_policy", orig);
    gt_exit();
}
