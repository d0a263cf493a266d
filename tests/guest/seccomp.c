/* Seccomp, as Linux: prctl(PR_SET_SECCOMP) and seccomp(2).
 *  - strict mode: read, write and exit work; any other call (exit_group,
 *    getpid, prctl) kills the thread with SIGKILL;
 *  - filters (classic BPF over struct seccomp_data): ERRNO (data capped at
 *    4095), TRAP (SIGSYS with si_code SYS_SECCOMP, si_errno the data,
 *    si_syscall, si_arch, si_call_addr the return address; the call
 *    returns its own number; blocked SIGSYS kills), KILL_PROCESS (every
 *    thread, whatever SIGSYS's handler), KILL_THREAD (the thread alone
 *    when others remain), TRACE without a tracer (ENOSYS), LOG and ALLOW,
 *    an unknown action (kills); filters stack, the most restrictive
 *    action winning and the newest of equals; arithmetic, scratch memory
 *    and the jumps of the interpreter; numbers with no system call;
 *  - inherited by fork, kept across execve; TSYNC (and its failure: the
 *    other thread's id, or ESRCH); GET_ACTION_AVAIL;
 *  - the errors: EINVAL for bad operations, flags, lengths and programs
 *    (the validator's checks), EFAULT, EACCES without no_new_privs or
 *    CAP_SYS_ADMIN, EINVAL to change mode;
 *  - /proc/<pid>/status NoNewPrivs, Seccomp and Seccomp_filters. */
#define _GNU_SOURCE
#include "gt_thread.h"
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/resource.h>
#include <ucontext.h>

struct sock_filter {
    uint16_t code;
    uint8_t jt, jf;
    uint32_t k;
};
struct sock_fprog {
    unsigned short len;
    struct sock_filter *filter;
};
struct seccomp_data {
    int nr;
    uint32_t arch;
    uint64_t instruction_pointer;
    uint64_t args[6];
};

#define S(c, k) ((struct sock_filter){ (c), 0, 0, (k) })
#define J(c, k, t, f) ((struct sock_filter){ (c), (t), (f), (k) })
#define LD_ABS 0x20
#define LD_LEN 0x80
#define LDX_LEN 0x81
#define LD_IMM 0x00
#define LD_MEM 0x60
#define LDX_MEM 0x61
#define ST 0x02
#define STX 0x03
#define TAX 0x07
#define TXA 0x87
#define ADD_K 0x04
#define MUL_K 0x24
#define AND_K 0x54
#define DIV_K 0x34
#define RSH_K 0x74
#define ADD_X 0x0c
#define JA 0x05
#define JEQ_K 0x15
#define JGT_K 0x25
#define JGE_K 0x35
#define JSET_K 0x45
#define RET_K 0x06
#define RET_A 0x16
#define LDH_ABS 0x28

#define RET_KILL_PROCESS 0x80000000u
#define RET_KILL_THREAD 0x00000000u
#define RET_TRAP 0x00030000u
#define RET_ERRNO 0x00050000u
#define RET_TRACE 0x7ff00000u
#define RET_LOG 0x7ffc0000u
#define RET_ALLOW 0x7fff0000u
#define ARCH_X86_64 0xc000003eu

#define OP_STRICT 0
#define OP_FILTER 1
#define OP_ACTION_AVAIL 2
#define FLAG_TSYNC 1u
#define FLAG_TSYNC_ESRCH 16u

#define NR_OFF offsetof(struct seccomp_data, nr)
#define ARG0_OFF offsetof(struct seccomp_data, args)

static long sc(unsigned op, unsigned flags, void *args) { return syscall(SYS_seccomp, op, flags, args); }

static long install_prog(struct sock_filter *f, unsigned n, unsigned flags)
{
    struct sock_fprog p = { (unsigned short)n, f };
    return sc(OP_FILTER, flags, &p);
}

/* A filter: `ret` for system call nr, ALLOW for the others. */
static long install_for(int nr, uint32_t ret, unsigned flags)
{
    struct sock_filter f[] = {
        S(LD_ABS, NR_OFF),
        J(JEQ_K, (uint32_t)nr, 0, 1),
        S(RET_K, ret),
        S(RET_K, RET_ALLOW),
    };
    return install_prog(f, 4, flags);
}

static int nnp(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }

/* The number after `key:` in /proc/<path>/status, or -1. */
static long status_field(const char *path, const char *key)
{
    char buf[4096];
    if (read_file(path, buf, sizeof buf) < 0)
        return -1;
    char *p = strstr(buf, key);
    return p ? strtol(p + strlen(key) + 1, NULL, 10) : -1;
}

static void show_status(const char *who)
{
    say("%s: NoNewPrivs %ld, Seccomp %ld, Seccomp_filters %ld, PR_GET_SECCOMP %d\n", who,
        status_field("/proc/self/status", "NoNewPrivs:"), status_field("/proc/self/status", "Seccomp:"),
        status_field("/proc/self/status", "Seccomp_filters:"), prctl(PR_GET_SECCOMP));
}

static void no_core(void)
{
    struct rlimit r = { 0, 0 };
    setrlimit(RLIMIT_CORE, &r);
}

static void report(const char *what, int st) { say("%s: %s\n", what, status_str(st)); }

/* ---- strict mode ---- */

static int strict_io(void)
{
    int p[2];
    pipe(p);
    if (prctl(PR_SET_SECCOMP, 1, 0, 0, 0))
        return 2;
    char c = 0;
    write(p[1], "z", 1);
    read(p[0], &c, 1);
    write(1, c == 'z' ? "strict: write and read work\n" : "strict: read failed\n", c == 'z' ? 28 : 20);
    syscall(SYS_exit, 7);
    return 3;
}

static int strict_getpid(void)
{
    if (syscall(SYS_seccomp, OP_STRICT, 0, NULL))
        return 2;
    syscall(SYS_getpid);
    return 3;
}

static int strict_exit_group(void)
{
    prctl(PR_SET_SECCOMP, 1, 0, 0, 0);
    syscall(SYS_exit_group, 5);
    return 3;
}

static int strict_prctl(void)
{
    prctl(PR_SET_SECCOMP, 1, 0, 0, 0);
    prctl(PR_GET_SECCOMP);
    return 3;
}

/* ---- filters ---- */

static int errno_filter(void)
{
    if (nnp() || install_for(SYS_getppid, RET_ERRNO | EXDEV, 0))
        return 2;
    expect_err(syscall(SYS_getppid), EXDEV, "getppid under ERRNO(EXDEV)");
    expect(syscall(SYS_getpid) == getpid(), "getpid still works");
    show_status("after one filter");
    if (install_for(SYS_getppid, RET_ERRNO | ENOTTY, 0))
        return 2;
    expect_err(syscall(SYS_getppid), ENOTTY, "a second ERRNO filter: the newest wins");
    if (install_for(SYS_getppid, RET_LOG, 0))
        return 2;
    expect_err(syscall(SYS_getppid), ENOTTY, "a LOG filter on top does not override it");
    show_status("after three");
    if (install_for(SYS_getpid, RET_ERRNO | 5000, 0))
        return 2;
    errno = 0;
    long r = syscall(SYS_getpid);
    say("ERRNO(5000): returns %ld, errno %d\n", r, errno);
    expect_err(prctl(PR_SET_SECCOMP, 1, 0, 0, 0), EINVAL, "strict mode from filter mode");
    return gt_failures;
}

static int log_allow_trace(void)
{
    nnp();
    pid_t pp = getppid();
    install_for(SYS_getppid, RET_LOG, 0);
    expect(syscall(SYS_getppid) == pp, "LOG: the call runs");
    install_for(SYS_getuid, RET_TRACE | 3, 0);
    expect_err(syscall(SYS_getuid), ENOSYS, "TRACE without a tracer");
    install_for(SYS_getgid, RET_ALLOW, 0);
    expect(syscall(SYS_getgid) == getgid(), "ALLOW");
    return gt_failures;
}

static volatile int trap_code, trap_errno, trap_syscall, trap_arch_ok, trap_addr_ok;

static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    trap_code = si->si_code;
    trap_errno = si->si_errno;
    trap_syscall = si->si_syscall;
    trap_arch_ok = si->si_arch == ARCH_X86_64;
    trap_addr_ok = si->si_call_addr && (uintptr_t)si->si_call_addr == (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
}

static int trap(void)
{
    struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
    sigaction(SIGSYS, &sa, NULL);
    nnp();
    if (install_for(SYS_getppid, RET_TRAP | 0x42, 0))
        return 2;
    long r = syscall(SYS_getppid, 1, 2, 3);
    say("TRAP: si_code %d, si_errno %#x, si_syscall %d, si_arch x86-64 %s, si_call_addr the return address %s\n",
        trap_code, trap_errno, trap_syscall, trap_arch_ok ? "yes" : "no", trap_addr_ok ? "yes" : "no");
    expect(r == SYS_getppid, "the trapped call returns its own number");
    return gt_failures;
}

static int trap_blocked(void)
{
    no_core();
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGSYS);
    sigprocmask(SIG_BLOCK, &s, NULL);
    nnp();
    install_for(SYS_getppid, RET_TRAP, 0);
    syscall(SYS_getppid);
    return 3;
}

static void *sleeper_thread(void *a)
{
    for (;;)
        pause();
    return a;
}

static int kill_process(void)
{
    no_core();
    struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
    sigaction(SIGSYS, &sa, NULL);
    pthread_t th;
    pthread_create(&th, NULL, sleeper_thread, NULL);
    nnp();
    install_for(SYS_getppid, RET_KILL_PROCESS, 0);
    syscall(SYS_getppid);
    return 3;
}

static int kill_thread_alone(void)
{
    no_core();
    nnp();
    install_for(SYS_getppid, RET_KILL_THREAD, 0);
    syscall(SYS_getppid);
    return 3;
}

static volatile int after_kill, victim_tid;

static void *killed_thread(void *a)
{
    victim_tid = gettid_();
    syscall(SYS_getppid);
    after_kill = 1;
    return a;
}

/* The thread dies without pthread_exit, so pthread_join would wait for
 * ever (musl): watch its /proc/self/task entry instead. */
static int kill_thread_of_two(void)
{
    no_core();
    nnp();
    install_for(SYS_getppid, RET_KILL_THREAD, 0);
    pthread_t th;
    pthread_create(&th, NULL, killed_thread, NULL);
    wait_for(&victim_tid, 1, 5000);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d", victim_tid);
    int gone = 0;
    for (int i = 0; i < 5000 && !gone; i++) {
        gone = access(path, F_OK) != 0;
        if (!gone)
            msleep(1);
    }
    msleep(20);
    say("KILL_THREAD in a thread: the thread is gone %s, it went on %s; the main thread goes on\n",
        gone ? "yes" : "no", after_kill ? "yes" : "no");
    return 0;
}

static int unknown_action(void)
{
    no_core();
    nnp();
    install_for(SYS_getppid, 0x00010000u, 0);
    syscall(SYS_getppid);
    return 3;
}

/* (args[0] * 3 + 1) & 0xff == 16 -> ERRNO(EXDEV); > 100 -> ERRNO(args[0]/2 via
 * scratch memory); bit 0x200 set -> ERRNO(E2BIG); else ALLOW; for getppid only. */
static int interpreter(void)
{
    pid_t pp = getppid();
    nnp();
    struct sock_filter f[] = {
        /* 0 */ S(LD_ABS, NR_OFF),
        /* 1 */ J(JEQ_K, SYS_getppid, 1, 0),
        /* 2 */ S(RET_K, RET_ALLOW),
        /* 3 */ S(LD_ABS, ARG0_OFF),
        /* 4 */ S(ST, 3),
        /* 5 */ J(JSET_K, 0x200, 0, 1),
        /* 6 */ S(RET_K, RET_ERRNO | E2BIG),
        /* 7 */ J(JGT_K, 100, 0, 5),
        /* 8 */ S(LD_MEM, 3),
        /* 9 */ S(DIV_K, 2),
        /* 10 */ S(ADD_K, RET_ERRNO),
        /* 11 */ S(RET_A, 0),
        /* 12 */ S(RET_K, RET_ALLOW),
        /* 13 */ S(MUL_K, 3),
        /* 14 */ S(ADD_K, 1),
        /* 15 */ S(AND_K, 0xff),
        /* 16 */ J(JEQ_K, 16, 0, 1),
        /* 17 */ S(RET_K, RET_ERRNO | EXDEV),
        /* 18 */ S(LDX_LEN, 0),
        /* 19 */ S(TXA, 0),
        /* 20 */ S(RSH_K, 4),
        /* 21 */ S(TAX, 0),
        /* 22 */ S(LD_IMM, RET_ERRNO),
        /* 23 */ S(ADD_X, 0),
        /* 24 */ J(JGE_K, RET_ERRNO | 4, 0, 1),
        /* 25 */ J(JEQ_K, 7, 0, 0),
        /* 26 */ S(LD_MEM, 3),
        /* 27 */ J(JEQ_K, 6, 1, 0),
        /* 28 */ S(RET_K, RET_ALLOW),
        /* 29 */ S(LD_LEN, 0),
        /* 30 */ S(RSH_K, 6),
        /* 31 */ S(ADD_K, RET_ERRNO | 33),
        /* 32 */ S(RET_A, 0),
    };
    if (!expect(install_prog(f, sizeof f / sizeof f[0], 0) == 0, "a program of 33 instructions installs"))
        return 1;
    errno = 0;
    long r5 = syscall(SYS_getppid, 5), e5 = errno;
    errno = 0;
    long r200 = syscall(SYS_getppid, 200), e200 = errno;
    errno = 0;
    long r512 = syscall(SYS_getppid, 0x201), e512 = errno;
    errno = 0;
    long r6 = syscall(SYS_getppid, 6), e6 = errno;
    errno = 0;
    long r8 = syscall(SYS_getppid, 8), e8 = errno;
    say("interpreter: 5 -> %ld %s, 200 -> %ld %s, 0x201 -> %ld %s, 6 -> %ld %s, 8 -> %s\n", r5, errname(e5), r200,
        errname(e200), r512, errname(e512), r6, errname(e6), r8 == pp && !e8 ? "runs" : errname(e8));
    return 0;
}

static int unknown_number(void)
{
    expect_err(syscall(900), ENOSYS, "system call 900 before");
    expect_err(syscall(900), ENOSYS, "and again");
    nnp();
    struct sock_filter f[] = {
        S(LD_ABS, NR_OFF),
        J(JGE_K, 500, 0, 1),
        S(RET_K, RET_ERRNO | EXDEV),
        S(RET_K, RET_ALLOW),
    };
    install_prog(f, 4, 0);
    expect_err(syscall(900), EXDEV, "system call 900 under a filter for numbers >= 500");
    expect_err(syscall(900), EXDEV, "and again");
    return gt_failures;
}

/* TRACE with a tracer: PTRACE_EVENT_SECCOMP, the data as the message; the
 * tracer lets getppid run and skips getuid with a value of its own. */
static int traced_child(void)
{
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    pid_t pp = getppid();
    nnp();
    install_for(SYS_getppid, RET_TRACE | 0x33, 0);
    install_for(SYS_getuid, RET_TRACE | 0x44, 0);
    long r1 = syscall(SYS_getppid);
    long r2 = syscall(SYS_getuid);
    say("traced: getppid runs %s, getuid skipped with the tracer's value %s\n", r1 == pp ? "yes" : "no",
        r2 == 4242 ? "yes" : "no");
    return 0;
}

static int trace_with_tracer(void)
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(traced_child());
    int st;
    waitpid(pid, &st, 0);
    expect(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "the tracee stops itself");
    ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)(long)PTRACE_O_TRACESECCOMP);
    ptrace(PTRACE_CONT, pid, 0, 0);
    for (int i = 0; i < 2; i++) {
        waitpid(pid, &st, 0);
        unsigned long msg = 0;
        ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg);
        struct user_regs_struct regs;
        ptrace(PTRACE_GETREGS, pid, 0, &regs);
        say("stop %d: PTRACE_EVENT_SECCOMP %s, message %#lx, orig_rax %lld, rax -ENOSYS %s\n", i,
            st >> 8 == (SIGTRAP | (7 << 8)) ? "yes" : "no", msg, (long long)regs.orig_rax,
            (long)regs.rax == -ENOSYS ? "yes" : "no");
        if (i == 1) {
            regs.orig_rax = -1;
            regs.rax = 4242;
            ptrace(PTRACE_SETREGS, pid, 0, &regs);
        }
        ptrace(PTRACE_CONT, pid, 0, 0);
    }
    waitpid(pid, &st, 0);
    report("the tracee", st);
    return gt_failures;
}

/* ---- inheritance ---- */

static int inherit(void)
{
    nnp();
    install_for(SYS_getppid, RET_ERRNO | EXDEV, 0);
    pid_t pid = fork();
    if (pid == 0) {
        expect_err(syscall(SYS_getppid), EXDEV, "fork: the child has the filter");
        show_status("the forked child");
        _exit(gt_failures);
    }
    int st;
    waitpid(pid, &st, 0);
    gt_failures += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    pid = fork();
    if (pid == 0) {
        char self[256];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        self[n > 0 ? n : 0] = 0;
        execl(self, self, "after-exec", (char *)NULL);
        _exit(9);
    }
    waitpid(pid, &st, 0);
    gt_failures += !(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    return gt_failures;
}

static int after_exec(void)
{
    expect_err(syscall(SYS_getppid), EXDEV, "execve: the filter is kept");
    show_status("after execve");
    return gt_failures;
}

/* ---- TSYNC ---- */

static volatile int go, thread_errno, thread_done, thread_installed;
static volatile long thread_seccomp;

static void *tsync_thread(void *a)
{
    while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
        msleep(1);
    errno = 0;
    syscall(SYS_getppid);
    thread_errno = errno;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/status", gettid_());
    thread_seccomp = status_field(path, "Seccomp_filters:");
    thread_done = 1;
    return a;
}

static int tsync(void)
{
    nnp();
    pthread_t th;
    pthread_create(&th, NULL, tsync_thread, NULL);
    install_for(SYS_getpid, RET_ERRNO | ENOTTY, FLAG_TSYNC);
    install_for(SYS_getppid, RET_ERRNO | EXDEV, FLAG_TSYNC);
    __atomic_store_n(&go, 1, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
    say("TSYNC: the other thread's getppid %s, its Seccomp_filters %ld\n", errname(thread_errno), thread_seccomp);
    return 0;
}

static void *own_filter_thread(void *a)
{
    install_for(SYS_getuid, RET_ERRNO | EXDEV, 0);
    thread_installed = gettid_();
    for (;;)
        pause();
    return a;
}

static int tsync_fails(void)
{
    nnp();
    pthread_t th;
    pthread_create(&th, NULL, own_filter_thread, NULL);
    wait_for(&thread_installed, 1, 5000);
    long r = install_for(SYS_getppid, RET_ERRNO | EXDEV, FLAG_TSYNC);
    say("TSYNC over a thread with a filter of its own: returns its id %s\n",
        r == thread_installed ? "yes" : "no");
    expect_err(install_for(SYS_getppid, RET_ERRNO | EXDEV, FLAG_TSYNC | FLAG_TSYNC_ESRCH), ESRCH,
               "the same with TSYNC_ESRCH");
    expect(syscall(SYS_getppid) == getppid(), "and the caller has no new filter");
    show_status("after the failed TSYNC");
    return 0;
}

/* ---- errors ---- */

static int errors(void)
{
    uint32_t act;
    static const uint32_t avail[] = { RET_KILL_PROCESS, RET_KILL_THREAD, RET_TRAP, RET_ERRNO, RET_TRACE, RET_LOG,
                                      RET_ALLOW };
    int all = 1;
    for (unsigned i = 0; i < sizeof avail / sizeof avail[0]; i++) {
        act = avail[i];
        all &= sc(OP_ACTION_AVAIL, 0, &act) == 0;
    }
    expect(all, "GET_ACTION_AVAIL: the seven actions");
    act = 0x12340000;
    expect_err(sc(OP_ACTION_AVAIL, 0, &act), EOPNOTSUPP, "GET_ACTION_AVAIL of an unknown action");
    expect_err(sc(OP_ACTION_AVAIL, 1, &act), EINVAL, "GET_ACTION_AVAIL with flags");
    expect_err(sc(OP_ACTION_AVAIL, 0, (void *)8), EFAULT, "GET_ACTION_AVAIL from a bad pointer");
    expect_err(sc(99, 0, NULL), EINVAL, "operation 99");
    expect_err(sc(OP_STRICT, 1, NULL), EINVAL, "strict with flags");
    expect_err(sc(OP_STRICT, 0, &act), EINVAL, "strict with an argument");
    expect_err(prctl(PR_SET_SECCOMP, 7, 0, 0, 0), EINVAL, "PR_SET_SECCOMP mode 7");
    struct sock_filter ok[] = { S(RET_K, RET_ALLOW) };
    expect_err(install_prog(ok, 1, 1u << 10), EINVAL, "a filter with unknown flags");
    expect_err(install_prog(ok, 0, 0), EINVAL, "a program of length 0");
    expect_err(install_prog(ok, 4097, 0), EINVAL, "a program of length 4097");
    expect_err(sc(OP_FILTER, 0, (void *)8), EFAULT, "the program's header from a bad pointer");
    struct sock_fprog bad = { 1, (struct sock_filter *)8 };
    expect_err(sc(OP_FILTER, 0, &bad), EFAULT, "the program from a bad pointer");
    struct {
        const char *what;
        struct sock_filter f[4];
        unsigned n;
    } progs[] = {
        { "no return at the end", { S(LD_ABS, 0), S(LD_IMM, 1) }, 2 },
        { "a jump past the end", { J(JEQ_K, 0, 0, 2), S(RET_K, RET_ALLOW), S(RET_K, RET_ALLOW) }, 3 },
        { "JA past the end", { J(JA, 2, 0, 0), S(RET_K, RET_ALLOW) }, 2 },
        { "a load at offset 64", { S(LD_ABS, 64), S(RET_A, 0) }, 2 },
        { "an unaligned load", { S(LD_ABS, 2), S(RET_A, 0) }, 2 },
        { "a half-word load", { S(LDH_ABS, 0), S(RET_A, 0) }, 2 },
        { "a division by constant 0", { S(DIV_K, 0), S(RET_A, 0) }, 2 },
        { "a shift by 32", { S(RSH_K, 32), S(RET_A, 0) }, 2 },
        { "scratch word 16", { S(ST, 16), S(RET_K, RET_ALLOW) }, 2 },
        { "a scratch word read before it is stored", { S(LD_MEM, 1), S(RET_A, 0) }, 2 },
        { "one stored on one path only", { J(JEQ_K, 0, 0, 1), S(ST, 1), S(LD_MEM, 1), S(RET_A, 0) }, 4 },
        { "opcode 0xffff", { S(0xffff, 0), S(RET_A, 0) }, 2 },
    };
    for (unsigned i = 0; i < sizeof progs / sizeof progs[0]; i++)
        expect_err(install_prog(progs[i].f, progs[i].n, 0), EINVAL, progs[i].what);
    show_status("after the failures");
    return gt_failures;
}

static int eacces(void)
{
    if (setuid(65534))
        return 2;
    struct sock_filter ok[] = { S(RET_K, RET_ALLOW) };
    expect_err(install_prog(ok, 1, 0), EACCES, "a filter without no_new_privs or CAP_SYS_ADMIN");
    expect_err(install_prog(ok, 0, 0), EINVAL, "the length is checked first");
    expect_err(prctl(PR_SET_SECCOMP, 2, (unsigned long)&(struct sock_fprog){ 1, ok }, 0, 0), EACCES,
               "through prctl too");
    nnp();
    expect(install_prog(ok, 1, 0) == 0, "with no_new_privs it installs");
    expect_err(sc(OP_STRICT, 0, NULL), EINVAL, "then strict mode");
    return gt_failures;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "after-exec"))
        return after_exec();
    signal(SIGALRM, on_alarm);
    alarm(60);
    static const struct {
        const char *section, *what;
        int (*fn)(void);
    } cases[] = {
        { "strict mode", "strict: write, read, exit(7)", strict_io },
        { NULL, "strict: getpid", strict_getpid },
        { NULL, "strict: exit_group", strict_exit_group },
        { NULL, "strict: prctl", strict_prctl },
        { "filters", "ERRNO and stacking", errno_filter },
        { NULL, "LOG, TRACE, ALLOW", log_allow_trace },
        { NULL, "TRAP with a handler", trap },
        { NULL, "TRAP with SIGSYS blocked", trap_blocked },
        { NULL, "KILL_PROCESS with a SIGSYS handler and two threads", kill_process },
        { NULL, "KILL_THREAD alone", kill_thread_alone },
        { NULL, "KILL_THREAD of one of two", kill_thread_of_two },
        { NULL, "an unknown action", unknown_action },
        { NULL, "the interpreter", interpreter },
        { NULL, "TRACE with a tracer", trace_with_tracer },
        { NULL, "numbers without a call", unknown_number },
        { "inheritance and threads", "fork and execve", inherit },
        { NULL, "TSYNC", tsync },
        { NULL, "TSYNC failing", tsync_fails },
        { "errors", "errors", errors },
        { NULL, "EACCES", eacces },
    };
    show_status("at the start");
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (cases[i].section)
            say("-- %s\n", cases[i].section);
        report(cases[i].what, run_child(cases[i].fn));
    }
    show_status("at the end");
    gt_exit();
}
