/* gt-side: guest-only.  Clock reads make no system call in Tessera: a
 * traced child reads each clock the vDSO serves (and gettimeofday, time,
 * clock_getres and sched_getcpu) a thousand times through libc or the vDSO,
 * and the tracer counts its system-call stops phase by phase (a getpid call
 * ends each phase): none may be a time call.  The CPU-time clock, which the
 * vDSO passes on, must make exactly one clock_gettime call per read.  Then
 * the child execs busybox (a static glibc program) to run `date`, whose
 * clock read must make no system call either.  (Guest-only: on Linux the
 * answer depends on the host's clock source.)
 * With a path argument it traces that program instead, by hand:
 * /tests/vdso_nosyscall /usr/bin/date counts a dynamic glibc program's. */
#define _GNU_SOURCE
#include "gt_vdso.h"
#include <sched.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/user.h>
#include <time.h>

#define N 1000

/* The child's phases, each ended by a getpid call; then the exec. */
enum { P_CLOCKS = 9, P_CPUTIME = P_CLOCKS, P_GAP, P_EXEC, P_PROG, NPHASES };
static const char *const phase_name[P_CLOCKS] = {
    "clock_gettime(CLOCK_MONOTONIC)", "clock_gettime(CLOCK_REALTIME)", "clock_gettime(CLOCK_BOOTTIME)",
    "clock_gettime(CLOCK_MONOTONIC_RAW)", "clock_gettime(the coarse clocks)", "gettimeofday", "time",
    "sched_getcpu", "the vDSO's clock_getres",
};

static int is_time_call(long nr)
{
    return nr == SYS_clock_gettime || nr == SYS_gettimeofday || nr == SYS_time || nr == SYS_clock_getres ||
           nr == SYS_getcpu;
}

static void child(const char *prog)
{
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    int devnull = open("/dev/null", O_WRONLY);
    if (prog) {
        dup2(devnull, 1);
        execl(prog, prog, (char *)NULL);
        _exit(127);
    }
    struct gt_vdso v;
    int (*getres)(clockid_t, struct timespec *) = NULL;
    if (gt_vdso_open(&v) == 0)
        getres = (int (*)(clockid_t, struct timespec *))gt_vdso_sym_sysv(&v, "__vdso_clock_getres", "LINUX_2.6");
    struct timespec ts;
    struct timeval tv;
    static const clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_BOOTTIME, CLOCK_MONOTONIC_RAW };
    for (int c = 0; c < 4; c++) {
        for (int i = 0; i < N; i++)
            clock_gettime(clocks[c], &ts);
        syscall(SYS_getpid);
    }
    for (int i = 0; i < N; i++) {
        clock_gettime(CLOCK_REALTIME_COARSE, &ts);
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    }
    syscall(SYS_getpid);
    for (int i = 0; i < N; i++)
        gettimeofday(&tv, NULL);
    syscall(SYS_getpid);
    for (int i = 0; i < N; i++)
        time(NULL);
    syscall(SYS_getpid);
    for (int i = 0; i < N; i++)
        sched_getcpu();
    syscall(SYS_getpid);
    for (int i = 0; getres && i < N; i++)
        getres(CLOCK_MONOTONIC, &ts);
    syscall(SYS_getpid);
    /* passed on to the kernel: one system call each */
    for (int i = 0; i < 100; i++)
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    syscall(SYS_getpid);
    dup2(devnull, 1);
    execl("/bin/busybox", "date", (char *)NULL);
    _exit(127);
}

int main(int argc, char **argv)
{
    const char *prog = argc > 1 ? argv[1] : NULL;
    pid_t c = fork();
    if (c == 0)
        child(prog);
    int st;
    if (waitpid(c, &st, 0) != c || !WIFSTOPPED(st)) {
        say("child did not stop\n");
        return 1;
    }
    ptrace(PTRACE_SETOPTIONS, c, 0, PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC);
    long time_calls[NPHASES] = { 0 }, cputime_calls = 0, all = 0;
    int phase = prog ? P_PROG : 0, execs = 0;
    while (ptrace(PTRACE_SYSCALL, c, 0, 0) == 0 && waitpid(c, &st, 0) == c && WIFSTOPPED(st)) {
        if (st >> 16 == PTRACE_EVENT_EXEC) {
            execs++;
            phase = prog ? P_PROG : P_EXEC;
            continue;
        }
        struct __ptrace_syscall_info info;
        if (WSTOPSIG(st) != (SIGTRAP | 0x80) ||
            ptrace(PTRACE_GET_SYSCALL_INFO, c, sizeof info, &info) <= 0 || info.op != PTRACE_SYSCALL_INFO_ENTRY)
            continue;
        long nr = (long)info.entry.nr;
        all++;
        if (nr == SYS_getpid && phase < P_GAP)
            phase++;
        else if (phase == P_CPUTIME && nr == SYS_clock_gettime)
            cputime_calls++;
        else if (is_time_call(nr))
            time_calls[phase]++;
    }
    if (prog) {
        say("%s: %ld system calls, %ld of them time calls, %s\n", prog, all, time_calls[P_PROG], status_str(st));
        return time_calls[P_PROG] || !WIFEXITED(st) || WEXITSTATUS(st) ? 1 : 0;
    }
    for (int p = 0; p < P_CLOCKS; p++) {
        char what[96];
        snprintf(what, sizeof what, "%s %d times: no time system call", phase_name[p], N);
        expect(time_calls[p] == 0, what);
    }
    expect(cputime_calls == 100 && time_calls[P_CPUTIME] == 0,
           "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) 100 times: 100 clock_gettime calls");
    expect(time_calls[P_GAP] == 0 && time_calls[P_EXEC] == 0, "busybox date (static glibc): no time system call");
    expect(execs == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "busybox date ran");
    gt_exit();
}
