/* ptrace as strace uses it: TRACEME and the SIGTRAP after exec; syscall
 * stops (entry with rax = -ENOSYS and orig_rax the number, exit with the
 * result, 0x80 with TRACESYSGOOD) counted for a known number of getppid
 * calls; PTRACE_GET_SYSCALL_INFO; a call skipped by setting orig_rax to -1
 * and its result set by the tracer; PEEK/POKE and process_vm_readv of the
 * tracee's memory, and a forced POKE into its read-only data; signal-delivery stops (a suppressed signal never reaches
 * the handler, GETSIGINFO tells the signal); fork and exit events with
 * their event messages; SEIZE + INTERRUPT (PTRACE_EVENT_STOP) and the
 * group stop under SEIZE (its siginfo says so); the errors: tracing
 * oneself EPERM, a second tracer EPERM, a process that is not traced
 * ESRCH, an unknown request EIO. */
#include "gt.h"
#include <stdbool.h>
#include <stdint.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>

#define EV(status) ((unsigned)(status) >> 16)

static volatile int marker = 1234;
static const volatile long ro_marker = 55;      /* in read-only data */
static volatile int got_usr1;
static void on_usr1(int s) { got_usr1 = 1; }

static int wait_stop(pid_t pid, const char *what)
{
    int st = 0;
    pid_t r = waitpid(pid, &st, __WALL);
    if (r != pid || !WIFSTOPPED(st)) {
        say("%s: not a stop (r=%s, status %#x)\n", what, r == pid ? "pid" : "other", st);
        gt_failures++;
        return 0;
    }
    return st;
}

/* 1. TRACEME, exec, syscall stops, registers, memory */
static void traceme_and_syscalls(void)
{
    pid_t c = fork();
    if (c == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        for (int i = 0; i < 5; i++)
            syscall(SYS_getppid);
        marker = (int)syscall(SYS_getppid);     /* skipped by the tracer: 777 */
        signal(SIGUSR1, on_usr1);
        raise(SIGUSR1);                         /* suppressed by the tracer */
        _exit(got_usr1 ? 3 : marker != 777 ? 4 : ro_marker != 66 ? 5 : 0);
    }
    int st = wait_stop(c, "initial SIGSTOP");
    say("first stop signal: %d\n", WSTOPSIG(st));
    expect_err(ptrace(PTRACE_ATTACH, c, 0, 0), EPERM, "attach to a traced process");
    expect(ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACESYSGOOD) == 0, "SETOPTIONS TRACESYSGOOD");
    errno = 0;
    long word = ptrace(PTRACE_PEEKDATA, c, (void *)&marker, 0);
    say("PEEKDATA marker: %ld (errno %s)\n", word & 0xffffffff, errname(errno));
    expect(ptrace(PTRACE_POKEDATA, c, (void *)&marker, (void *)(long)4321) == 0, "POKEDATA");
    expect(ptrace(PTRACE_POKEDATA, c, (void *)&ro_marker, (void *)(long)66) == 0,
           "POKEDATA into read-only data (a debugger's forced write)");
    say("the parent's copy is untouched: %s\n", ro_marker == 55 ? "yes" : "no");
    int local = 0;
    struct iovec lv = { &local, sizeof local }, rv = { (void *)&marker, sizeof marker };
    long got = (long)process_vm_readv(c, &lv, 1, &rv, 1, 0);
    say("process_vm_readv: %ld, value %d\n", got, local);
    rv.iov_base = (void *)8;
    expect_err(process_vm_readv(c, &lv, 1, &rv, 1, 0), EFAULT, "process_vm_readv of page 1");

    int getppids = 0, entries = 0, exits = 0, skipped = 0;
    bool sysgood = true, entry_rax_ok = true, exit_ok = true;
    int usr1_stops = 0;
    for (;;) {
        ptrace(PTRACE_SYSCALL, c, 0, 0);
        st = 0;
        if (waitpid(c, &st, __WALL) != c)
            break;
        if (WIFEXITED(st)) {
            say("child exited %d\n", WEXITSTATUS(st));
            break;
        }
        if (!WIFSTOPPED(st))
            break;
        int sig = WSTOPSIG(st);
        if (sig == SIGUSR1) {
            siginfo_t si;
            memset(&si, 0, sizeof si);
            expect(ptrace(PTRACE_GETSIGINFO, c, 0, &si) == 0 && si.si_signo == SIGUSR1, "GETSIGINFO SIGUSR1");
            usr1_stops++;
            /* resume without it: PTRACE_SYSCALL with signal 0 */
            continue;
        }
        if (sig != (SIGTRAP | 0x80)) {
            sysgood = false;
            continue;
        }
        struct user_regs_struct r;
        ptrace(PTRACE_GETREGS, c, 0, &r);
        bool entry = (long)r.rax == -ENOSYS && entries == exits;
        if (entry) {
            entries++;
            if (r.orig_rax == SYS_getppid) {
                getppids++;
                if (getppids == 6) {        /* skip the sixth, and answer 777 */
                    r.orig_rax = (unsigned long)-1;
                    ptrace(PTRACE_SETREGS, c, 0, &r);
                    skipped++;
                }
            }
        } else {
            exits++;
            if (r.orig_rax == SYS_getppid && getppids <= 5 && (pid_t)r.rax != getpid())
                exit_ok = false;
            if (r.orig_rax == (unsigned long)-1) {
                r.rax = 777;
                ptrace(PTRACE_SETREGS, c, 0, &r);
            }
        }
        if (entries == 1 && exits == 0 && (long)r.rax != -ENOSYS)
            entry_rax_ok = false;
    }
    say("getppid entries seen: %d, skipped %d\n", getppids, skipped);
    expect(entries == exits + 1, "every entry stop but exit_group's has its exit stop");
    expect(sysgood, "syscall stops are SIGTRAP|0x80");
    expect(entry_rax_ok && exit_ok, "rax is -ENOSYS at entry and the result at exit");
    say("SIGUSR1 delivery stops: %d\n", usr1_stops);
}

/* 2. fork and exit events, GET_SYSCALL_INFO */
static void events(void)
{
    pid_t c = fork();
    if (c == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        pid_t g = fork();
        if (g == 0)
            _exit(5);
        int gs;
        waitpid(g, &gs, 0);
        _exit(WEXITSTATUS(gs) + 1);
    }
    wait_stop(c, "events: initial stop");
    expect(ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACEFORK | PTRACE_O_TRACEEXIT) == 0, "SETOPTIONS FORK|EXIT");
    ptrace(PTRACE_CONT, c, 0, 0);
    int st = wait_stop(c, "fork event");
    say("fork event: %s\n", EV(st) == PTRACE_EVENT_FORK ? "yes" : "no");
    unsigned long msg = 0;
    ptrace(PTRACE_GETEVENTMSG, c, 0, &msg);
    pid_t g = (pid_t)msg;
    say("event message is a new pid: %s\n", g > c ? "yes" : "no");
    int gst = wait_stop(g, "grandchild's first stop");
    say("grandchild starts stopped by SIGSTOP: %s\n", WSTOPSIG(gst) == SIGSTOP ? "yes" : "no");
    ptrace(PTRACE_CONT, g, 0, 0);
    gst = wait_stop(g, "grandchild exit event");
    say("grandchild exit event: %s\n", EV(gst) == PTRACE_EVENT_EXIT ? "yes" : "no");
    ptrace(PTRACE_GETEVENTMSG, g, 0, &msg);
    say("exit event message: status %lu\n", msg >> 8);
    ptrace(PTRACE_CONT, g, 0, 0);
    /* the tracer collects the grandchild's exit first; only then may its
     * parent (the child) reap it */
    int gfin = 0;
    say("tracer sees the grandchild exit: %s\n", waitpid(g, &gfin, __WALL) == g && WIFEXITED(gfin) ? "yes" : "no");
    ptrace(PTRACE_CONT, c, 0, 0);
    st = wait_stop(c, "SIGCHLD delivery");
    say("child's SIGCHLD delivery stop: %s\n", WSTOPSIG(st) == SIGCHLD ? "yes" : "no");
    ptrace(PTRACE_CONT, c, 0, 0);
    st = wait_stop(c, "child exit event");
    say("child exit event: %s\n", EV(st) == PTRACE_EVENT_EXIT ? "yes" : "no");
    ptrace(PTRACE_CONT, c, 0, 0);
    int fin = 0;
    /* the grandchild's end: its parent (the child) reaped it, so only the
     * child's own exit is left here */
    while (waitpid(c, &fin, __WALL) == c && !WIFEXITED(fin))
        ptrace(PTRACE_CONT, c, 0, 0);
    say("child exit status: %d\n", WEXITSTATUS(fin));
}

/* 3. SEIZE, INTERRUPT, group stop under SEIZE, syscall info */
static void seize(void)
{
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        char b;
        close(p[1]);
        read(p[0], &b, 1);                      /* blocks until the tracer writes */
        for (int i = 0; i < 3; i++)
            syscall(SYS_getppid);
        _exit(9);
    }
    close(p[0]);
    expect_err(ptrace(PTRACE_SEIZE, getpid(), 0, 0), EPERM, "SEIZE myself");
    expect_err(ptrace(PTRACE_SEIZE, c, 0, 0x80000000), EIO, "SEIZE with unknown options");
    expect(ptrace(PTRACE_SEIZE, c, 0, PTRACE_O_TRACESYSGOOD) == 0, "SEIZE");
    expect_err(ptrace(PTRACE_GETREGS, c, 0, &(struct user_regs_struct){0}), ESRCH, "GETREGS of a running tracee");
    expect(ptrace(PTRACE_INTERRUPT, c, 0, 0) == 0, "INTERRUPT");
    int st = wait_stop(c, "interrupt stop");
    say("interrupt stop: event %s, signal %d\n", EV(st) == PTRACE_EVENT_STOP ? "STOP" : "other", WSTOPSIG(st));
    siginfo_t si;
    expect(ptrace(PTRACE_GETSIGINFO, c, 0, &si) == 0, "GETSIGINFO at an event stop");
    errno = 0;
    expect_err(ptrace(0x4299, c, 0, 0), EIO, "unknown request");
    ptrace(PTRACE_SYSCALL, c, 0, 0);
    write(p[1], "x", 1);
    int seen = 0, infos_ok = 1;
    for (;;) {
        if (waitpid(c, &st, __WALL) != c || WIFEXITED(st))
            break;
        if (WSTOPSIG(st) == (SIGTRAP | 0x80)) {
            struct {
                uint8_t op, pad[3];
                uint32_t arch;
                uint64_t ip, sp;
                uint64_t nr, args[6];
            } info;
            long n = ptrace(PTRACE_GET_SYSCALL_INFO, c, sizeof info, &info);
            if (info.op == 1 && info.nr == SYS_getppid)
                seen++;
            if (info.arch != 0xc000003e || (info.op == 1 && n != 80) || (info.op == 2 && n != 33))
                infos_ok = 0;
        }
        ptrace(PTRACE_SYSCALL, c, 0, 0);
    }
    say("getppid entries via GET_SYSCALL_INFO: %d\n", seen);
    expect(infos_ok, "syscall info sizes and arch");
    say("seized child exited %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);

    /* group stop under SEIZE: PTRACE_EVENT_STOP with the stop signal */
    c = fork();
    if (c == 0) {
        for (;;)
            pause();
    }
    ptrace(PTRACE_SEIZE, c, 0, 0);
    kill(c, SIGSTOP);
    st = wait_stop(c, "SIGSTOP delivery");
    say("SIGSTOP delivery stop: signal %d event %u\n", WSTOPSIG(st), EV(st));
    ptrace(PTRACE_CONT, c, 0, (void *)(long)SIGSTOP);
    st = wait_stop(c, "group stop");
    say("group stop: event %s, signal %d\n", EV(st) == PTRACE_EVENT_STOP ? "STOP" : "other", WSTOPSIG(st));
    memset(&si, 0, sizeof si);
    expect(ptrace(PTRACE_GETSIGINFO, c, 0, &si) == 0, "GETSIGINFO in a seized group stop");
    say("its signal %d, code: event %d signal %d\n", si.si_signo, si.si_code >> 8, si.si_code & 0xff);
    expect(ptrace(PTRACE_LISTEN, c, 0, 0) == 0, "LISTEN");
    kill(c, SIGCONT);
    st = wait_stop(c, "after SIGCONT");
    say("after SIGCONT: event %s, signal %d\n", EV(st) == PTRACE_EVENT_STOP ? "STOP" : "other", WSTOPSIG(st));
    kill(c, SIGKILL);
    ptrace(PTRACE_CONT, c, 0, 0);
    while (waitpid(c, &st, __WALL) == c && !WIFSIGNALED(st))
        ptrace(PTRACE_CONT, c, 0, 0);
    say("killed: %s\n", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL ? "yes" : "no");
    expect_err(ptrace(PTRACE_PEEKDATA, c, 0, 0), ESRCH, "PEEKDATA of a reaped pid");
    expect_err(ptrace(PTRACE_PEEKDATA, 1, 0, 0), ESRCH, "PEEKDATA of a process not traced");
}

int main(void)
{
    traceme_and_syscalls();
    events();
    seize();
    gt_exit();
}
