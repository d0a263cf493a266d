/* clone and clone3 flags, raw, compared with Linux:
 *  - combinations Linux refuses with EINVAL: CLONE_THREAD without
 *    CLONE_SIGHAND, CLONE_SIGHAND without CLONE_VM, CLONE_FS with
 *    CLONE_NEWNS (and with CLONE_NEWUSER), CLONE_PIDFD with
 *    CLONE_PARENT_SETTID; clone() ignores an exit signal given with
 *    CLONE_THREAD, clone3 refuses it;
 *  - clone3's argument block: smaller than version 0 (EINVAL), larger
 *    than a page (E2BIG), a larger block with a non-zero unknown tail
 *    (E2BIG) or a zero one (accepted), bad exit signal, CSIGNAL bits in
 *    flags, stack without size, set_tid, a bad pointer (EFAULT);
 *  - clone3 CLONE_CLEAR_SIGHAND: handlers reset in the child, ignored
 *    signals stay ignored (EINVAL with CLONE_SIGHAND);
 *  - a thread made with raw clone and with clone3 on a stack of its own:
 *    same pid, new tid, CLONE_PARENT_SETTID / CLONE_CHILD_SETTID written,
 *    CLONE_CHILD_CLEARTID cleared and futex-woken when it exits; a thread
 *    without CLONE_FILES or CLONE_FS has its own table or directory;
 *  - fork-like clones: CLONE_PARENT_SETTID writes the parent's memory only,
 *    CLONE_CHILD_SETTID the child's only; an exit signal other than SIGCHLD
 *    makes a "clone" child (wait needs __WCLONE or __WALL, the parent gets
 *    that signal; exit signal 0 sends none); CLONE_PARENT makes a sibling;
 *  - what processes share with CLONE_VM plus CLONE_SIGHAND, CLONE_FILES or
 *    CLONE_FS, and what they do not share without those flags.
 * Guards against: flag checks that differ from Linux (programs probe with
 * them), clone3 size handling that breaks newer libcs, tid words not
 * written or not cleared (pthread_join hangs), wait ignoring __WCLONE. */
#include "gt_thread.h"
#include <sched.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef __WCLONE
#define __WCLONE 0x80000000
#endif
#ifndef __WALL
#define __WALL 0x40000000
#endif
#define FUTEX_WAIT 0

struct clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};

/* The result of a probe child: "EINVAL", "created", ... */
static const char *probe_str(int st)
{
    static char buf[64];
    if (!WIFEXITED(st))
        return status_str(st);
    int c = WEXITSTATUS(st);
    if (c == 200)
        return "created";
    snprintf(buf, sizeof buf, "%s", errname(c));
    return buf;
}

static int exit_at_once(void *arg) { return 0; }     /* the new task leaves: SYS_exit */
static long clone3_run(struct clone_args *ca, size_t size, int (*fn)(void *), void *arg);
static char probe_stack[16384] __attribute__((aligned(16)));

/* Runs the clone in a child of its own (so a wrongly accepted combination
 * harms nobody); the new task, if any, runs on a stack of its own and
 * leaves at once. */
static void clone_probe(unsigned long flags, const char *what, const char *want)
{
    pid_t p = fork();
    if (p == 0) {
        static int ptid;
        long r = clone(exit_at_once, probe_stack + sizeof probe_stack, (int)flags, NULL, &ptid, NULL, NULL);
        if (r > 0) {
            waitpid(r, NULL, __WALL);
            msleep(20);
            _exit(200);
        }
        _exit(errno);
    }
    int st;
    waitpid(p, &st, 0);
    say("clone(%s): %s\n", what, probe_str(st));
    if (strcmp(probe_str(st), want) != 0)
        gt_failures++;
}

/* The same with clone3 and an argument block of `size` bytes (copied, so
 * that a stack can be given when CLONE_VM asks for one). */
static void clone3_probe(const void *args, size_t size, const char *what, const char *want)
{
    pid_t p = fork();
    if (p == 0) {
        static uint64_t copy[1100];
        const void *use = args;
        if (args != BAD_PTR && size <= sizeof copy) {
            memcpy(copy, args, size < sizeof(struct clone_args) ? sizeof(struct clone_args) : size);
            struct clone_args *ca = (struct clone_args *)copy;
            if ((ca->flags & CLONE_VM) && !ca->stack) {
                ca->stack = (uint64_t)(uintptr_t)probe_stack;
                ca->stack_size = sizeof probe_stack;
            }
            use = copy;
        }
        long r = clone3_run((struct clone_args *)use, size, exit_at_once, NULL);
        if (r > 0) {
            waitpid(r, NULL, __WALL);
            _exit(200);
        }
        _exit(-r);
    }
    int st;
    waitpid(p, &st, 0);
    say("clone3(%s): %s\n", what, probe_str(st));
    if (strcmp(probe_str(st), want) != 0)
        gt_failures++;
}

static void invalid(void)
{
    step = "invalid clone flags";
    clone_probe(CLONE_THREAD, "CLONE_THREAD", "EINVAL");
    clone_probe(CLONE_THREAD | CLONE_VM, "CLONE_THREAD|CLONE_VM", "EINVAL");
    clone_probe(CLONE_SIGHAND, "CLONE_SIGHAND", "EINVAL");
    clone_probe(CLONE_SIGHAND | CLONE_THREAD, "CLONE_SIGHAND|CLONE_THREAD", "EINVAL");
    clone_probe(CLONE_FS | CLONE_NEWNS | SIGCHLD, "CLONE_FS|CLONE_NEWNS", "EINVAL");
    clone_probe(CLONE_FS | CLONE_NEWUSER | SIGCHLD, "CLONE_FS|CLONE_NEWUSER", "EINVAL");
    clone_probe(CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, "CLONE_PIDFD|CLONE_PARENT_SETTID", "EINVAL");

    step = "clone3 sizes";
    static uint64_t block[1024];        /* 8 KiB of zeros and a little more */
    struct clone_args *a = (struct clone_args *)block;
    memset(block, 0, sizeof block);
    a->exit_signal = SIGCHLD;
    clone3_probe(a, 0, "size 0", "EINVAL");
    clone3_probe(a, 32, "size 32", "EINVAL");
    clone3_probe(a, 63, "size 63", "EINVAL");
    clone3_probe(a, 64, "size 64 (version 0)", "created");
    clone3_probe(a, 88, "size 88 (version 2)", "created");
    clone3_probe(a, 128, "size 128, zero tail", "created");
    clone3_probe(a, 4096, "size 4096, zero tail", "created");
    clone3_probe(a, 4104, "size 4104 (more than a page)", "E2BIG");
    block[15] = 1;
    clone3_probe(a, 128, "size 128, non-zero word past the known fields", "E2BIG");
    block[15] = 0;
    clone3_probe(BAD_PTR, 64, "a bad pointer", "EFAULT");

    step = "clone3 fields";
    struct clone_args c;
    memset(&c, 0, sizeof c);
    c.exit_signal = 65;
    clone3_probe(&c, sizeof c, "exit_signal 65", "EINVAL");
    memset(&c, 0, sizeof c);
    c.flags = SIGCHLD;
    clone3_probe(&c, sizeof c, "CSIGNAL bits in flags", "EINVAL");
    memset(&c, 0, sizeof c);
    c.exit_signal = SIGCHLD;
    c.stack = (uint64_t)(uintptr_t)block;
    clone3_probe(&c, sizeof c, "stack without stack_size", "EINVAL");
    memset(&c, 0, sizeof c);
    c.exit_signal = SIGCHLD;
    c.stack_size = 4096;
    clone3_probe(&c, sizeof c, "stack_size without stack", "EINVAL");
    memset(&c, 0, sizeof c);
    c.exit_signal = SIGCHLD;
    c.set_tid = (uint64_t)(uintptr_t)block;
    clone3_probe(&c, sizeof c, "set_tid without set_tid_size", "EINVAL");
    memset(&c, 0, sizeof c);
    c.flags = CLONE_THREAD | CLONE_SIGHAND | CLONE_VM;
    c.exit_signal = SIGCHLD;
    clone3_probe(&c, sizeof c, "CLONE_THREAD with an exit signal", "EINVAL");
    memset(&c, 0, sizeof c);
    c.flags = CLONE_SIGHAND;
    clone3_probe(&c, sizeof c, "CLONE_SIGHAND without CLONE_VM", "EINVAL");
    memset(&c, 0, sizeof c);
    c.flags = CLONE_DETACHED;
    c.exit_signal = SIGCHLD;
    clone3_probe(&c, sizeof c, "CLONE_DETACHED (no meaning left in clone3)", "EINVAL");
    memset(&c, 0, sizeof c);
    c.flags = CLONE_CLEAR_SIGHAND | CLONE_SIGHAND | CLONE_VM;
    c.exit_signal = SIGCHLD;
    clone3_probe(&c, sizeof c, "CLONE_CLEAR_SIGHAND with CLONE_SIGHAND", "EINVAL");
}

/* clone3 CLONE_CLEAR_SIGHAND: the child's handlers are back to SIG_DFL,
 * ignored signals stay ignored. */
static void on_usr1_dummy(int sig) { (void)sig; }
static void clear_sighand(void)
{
    step = "CLONE_CLEAR_SIGHAND";
    struct sigaction sa = { .sa_handler = on_usr1_dummy };
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGUSR2, SIG_IGN);
    struct clone_args c;
    memset(&c, 0, sizeof c);
    c.flags = CLONE_CLEAR_SIGHAND;
    c.exit_signal = SIGCHLD;
    long r = syscall(SYS_clone3, &c, sizeof c);
    if (r == 0) {
        struct sigaction a1, a2;
        sigaction(SIGUSR1, NULL, &a1);
        sigaction(SIGUSR2, NULL, &a2);
        _exit((a1.sa_handler == SIG_DFL ? 1 : 0) | (a2.sa_handler == SIG_IGN ? 2 : 0));
    }
    int st = 0;
    if (r > 0)
        waitpid(r, &st, 0);
    say("clone3 CLONE_CLEAR_SIGHAND: %s\n", r > 0 ? "created" : errname(errno));
    expect(r > 0 && WIFEXITED(st) && (WEXITSTATUS(st) & 1), "  the child's handler is back to SIG_DFL");
    expect(r > 0 && WIFEXITED(st) && (WEXITSTATUS(st) & 2), "  an ignored signal stays ignored");
    struct sigaction cur;
    sigaction(SIGUSR1, NULL, &cur);
    expect(cur.sa_handler == on_usr1_dummy, "  the parent's handler is untouched");
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

/* ---- threads made by hand ---- */

struct tinfo {
    pid_t tid;
    volatile pid_t pid;
    volatile int ctid_seen;
};
static struct tinfo ti;
static volatile int ctid_word, ptid_word;

static int thread_fn(void *arg)
{
    ti.pid = (pid_t)syscall(SYS_getpid);
    ti.ctid_seen = ctid_word;
    __atomic_store_n(&ti.tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
    return 0;
}

/* clone3 that starts fn(arg) on the new stack in the child, which then
 * makes the exit system call (this thread only). */
static long clone3_run(struct clone_args *ca, size_t size, int (*fn)(void *), void *arg)
{
    long ret;
    __asm__ volatile("mov %[fn], %%r12\n\t"
                     "mov %[arg], %%r13\n\t"
                     "syscall\n\t"
                     "test %%rax, %%rax\n\t"
                     "jnz 1f\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "mov %%r13, %%rdi\n\t"
                     "call *%%r12\n\t"
                     "mov %%eax, %%edi\n\t"
                     "mov $60, %%eax\n\t"
                     "syscall\n\t"
                     "hlt\n\t"
                     "1:\n\t"
                     : "=a"(ret)
                     : "a"((long)SYS_clone3), "D"(ca), "S"(size), [fn] "r"(fn), [arg] "r"(arg)
                     : "rcx", "r11", "r12", "r13", "memory");
    return ret;
}

/* Waits for the CLONE_CHILD_CLEARTID word to become 0 (futex wake). */
static int cleared(volatile int *word)
{
    struct timespec ts = { 5, 0 };
    for (int i = 0; i < 100; i++) {
        int v = *word;
        if (v == 0)
            return 1;
        syscall(SYS_futex, word, FUTEX_WAIT, v, &ts, NULL, 0);
    }
    return *word == 0;
}

#define THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
                      CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)

static void report_thread(long r, const char *what)
{
    /* it has begun once it wrote its tid (the CLONE_CHILD_SETTID word may
     * still be 0 before that) */
    for (int i = 0; r > 0 && i < 5000 && !__atomic_load_n(&ti.tid, __ATOMIC_ACQUIRE); i++)
        msleep(1);
    int ok_clear = r > 0 && ti.tid && cleared(&ctid_word);
    say("%s: %s\n", what, r > 0 ? "created" : errname(errno));
    if (r <= 0) {
        gt_failures++;
        return;
    }
    expect(ti.pid == getpid(), "  same pid");
    expect(ti.tid == r && ti.tid != getpid(), "  its tid is the value returned, not the pid");
    expect(ptid_word == r, "  CLONE_PARENT_SETTID word holds it");
    expect(ti.ctid_seen == r, "  CLONE_CHILD_SETTID word held it when the thread began");
    expect(ok_clear, "  CLONE_CHILD_CLEARTID word cleared and woken at its exit");
}

static volatile int thr_fd = -1, thr_done;
static int own_table_fn(void *arg)
{
    if ((intptr_t)arg == 0)
        thr_fd = open("/dev/null", O_RDONLY);
    else
        chdir("/");
    __atomic_store_n(&ti.tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
    return 0;
}

/* A thread (CLONE_THREAD) without CLONE_FILES or without CLONE_FS: Linux
 * allows both; it then has a descriptor table or a working directory of
 * its own. */
static void partial_threads(char *stack, size_t sz)
{
    unsigned long base = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_CHILD_CLEARTID;
    memset(&ti, 0, sizeof ti);
    thr_fd = -1;
    ctid_word = 1;
    long r = clone(own_table_fn, stack + sz, base | CLONE_FS, (void *)0, NULL, NULL, &ctid_word);
    for (int i = 0; r > 0 && i < 5000 && !__atomic_load_n(&ti.tid, __ATOMIC_ACQUIRE); i++)
        msleep(1);
    int done = r > 0 && cleared(&ctid_word);
    say("thread without CLONE_FILES: %s\n", r > 0 ? "created" : errname(errno));
    expect(done && thr_fd >= 0 && fcntl(thr_fd, F_GETFD) < 0 && errno == EBADF,
           "  a descriptor it opened is not in main's table");
    char before[256], after[256];
    getcwd(before, sizeof before);
    memset(&ti, 0, sizeof ti);
    ctid_word = 1;
    r = clone(own_table_fn, stack + sz, base | CLONE_FILES, (void *)1, NULL, NULL, &ctid_word);
    for (int i = 0; r > 0 && i < 5000 && !__atomic_load_n(&ti.tid, __ATOMIC_ACQUIRE); i++)
        msleep(1);
    done = r > 0 && cleared(&ctid_word);
    getcwd(after, sizeof after);
    say("thread without CLONE_FS: %s\n", r > 0 ? "created" : errname(errno));
    expect(done && strcmp(before, after) == 0, "  its chdir leaves main's working directory alone");
}

static void threads(void)
{
    size_t sz = 64 * 1024;
    char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    step = "clone thread";
    memset(&ti, 0, sizeof ti);
    ptid_word = ctid_word = 0;
    long r = clone(thread_fn, stack + sz, THREAD_FLAGS, NULL, &ptid_word, NULL, &ctid_word);
    report_thread(r, "raw clone, thread flags");

    step = "clone thread with exit signal";
    memset(&ti, 0, sizeof ti);
    ptid_word = ctid_word = 0;
    r = clone(thread_fn, stack + sz, THREAD_FLAGS | SIGCHLD, NULL, &ptid_word, NULL, &ctid_word);
    report_thread(r, "raw clone, thread flags with SIGCHLD (ignored for a thread)");

    step = "clone3 thread";
    memset(&ti, 0, sizeof ti);
    ptid_word = ctid_word = 0;
    struct clone_args ca;
    memset(&ca, 0, sizeof ca);
    ca.flags = THREAD_FLAGS;
    ca.parent_tid = (uint64_t)(uintptr_t)&ptid_word;
    ca.child_tid = (uint64_t)(uintptr_t)&ctid_word;
    ca.stack = (uint64_t)(uintptr_t)stack;
    ca.stack_size = sz;
    r = clone3_run(&ca, sizeof ca, thread_fn, NULL);
    if (r < 0)
        errno = (int)-r;
    report_thread(r, "clone3, thread flags");
    partial_threads(stack, sz);
    munmap(stack, sz);
}

/* ---- fork-like clones ---- */

static volatile int usr1_count;
static void on_usr1(int sig) { usr1_count++; }

static void forklike(void)
{
    step = "settid";
    static int ptid, ctid;
    ptid = ctid = 0;
    long r = syscall(SYS_clone, CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD, 0, &ptid, &ctid, 0);
    if (r == 0)
        _exit((ptid == 0 ? 1 : 0) | (ctid == getpid() ? 2 : 0));
    int st;
    waitpid(r, &st, 0);
    int bits = WIFEXITED(st) ? WEXITSTATUS(st) : 0;
    expect(ptid == r, "fork-like clone: CLONE_PARENT_SETTID wrote the parent's word");
    expect(bits & 1, "  not the child's copy");
    expect(bits & 2, "  CLONE_CHILD_SETTID wrote the child's word");
    expect(ctid == 0, "  not the parent's");

    step = "exit signals";
    struct sigaction sa = { .sa_handler = on_usr1 };
    sigaction(SIGUSR1, &sa, NULL);
    r = syscall(SYS_clone, SIGUSR1, 0, 0, 0, 0);
    if (r == 0)
        _exit(4);
    msleep(50);
    errno = 0;
    pid_t w = waitpid(r, &st, WNOHANG);
    say("exit signal SIGUSR1: waitpid without __WCLONE: %s\n", w < 0 ? errname(errno) : w == 0 ? "0" : "found it");
    w = waitpid(r, &st, __WCLONE);
    expect(w == r && WIFEXITED(st) && WEXITSTATUS(st) == 4, "  with __WCLONE: exited 4");
    expect(usr1_count == 1, "  the parent got SIGUSR1");
    usr1_count = 0;
    r = syscall(SYS_clone, 0, 0, 0, 0, 0);
    if (r == 0)
        _exit(5);
    msleep(50);
    w = waitpid(r, &st, __WALL);
    expect(w == r && WIFEXITED(st) && WEXITSTATUS(st) == 5, "exit signal 0: waitpid with __WALL: exited 5");
    struct clone_args ca;
    memset(&ca, 0, sizeof ca);
    ca.exit_signal = SIGUSR1;
    r = syscall(SYS_clone3, &ca, sizeof ca);
    if (r == 0)
        _exit(6);
    w = waitpid(r, &st, __WALL);
    expect(w == r && WIFEXITED(st) && WEXITSTATUS(st) == 6, "clone3 with exit_signal SIGUSR1: waitpid __WALL: exited 6");
    msleep(20);
    expect(usr1_count == 1, "  the parent got SIGUSR1");
    signal(SIGUSR1, SIG_DFL);

    step = "CLONE_PARENT";
    pid_t me = getpid();
    int info[2], release[2];
    pipe(info);
    pipe(release);
    pid_t mid = fork();
    if (mid == 0) {
        long s = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
        if (s == 0) {
            char b;
            close(release[1]);
            read(release[0], &b, 1);    /* until the middle process has gone */
            _exit(getppid() == me ? 7 : 8);
        }
        int e = waitpid(s, NULL, WNOHANG) < 0 && errno == ECHILD;
        pid_t sp = (pid_t)s;
        write(info[1], &sp, sizeof sp);
        _exit(e ? 0 : 1);
    }
    waitpid(mid, &st, 0);
    expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "CLONE_PARENT: the caller cannot wait for the child (ECHILD)");
    pid_t sib = 0;
    read(info[0], &sib, sizeof sib);
    close(info[0]);
    close(info[1]);
    close(release[0]);
    close(release[1]);                  /* releases the sibling */
    w = sib > 0 ? waitpid(sib, &st, 0) : -1;
    expect(w == sib && WIFEXITED(st) && WEXITSTATUS(st) == 7, "  the caller's parent reaps it; its getppid was that parent");
}

/* ---- sharing between processes ---- */

static void on_usr2(int sig) { (void)sig; }
static volatile int shared_fd;

static int sharer(void *arg)
{
    struct sigaction sa = { .sa_handler = on_usr2 };
    sigaction(SIGUSR2, &sa, NULL);
    shared_fd = open("/dev/null", O_RDONLY);
    chdir("/");
    umask(077);
    return 0;
}

static void sharing_case(unsigned long flags, const char *what, const char *want)
{
    size_t sz = 64 * 1024;
    char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char cwd0[256], cwd1[256];
    getcwd(cwd0, sizeof cwd0);
    mode_t old = umask(022);
    umask(old);
    signal(SIGUSR2, SIG_DFL);
    shared_fd = -1;
    pid_t c = clone(sharer, stack + sz, flags | SIGCHLD, NULL);
    int st;
    waitpid(c, &st, 0);
    struct sigaction cur;
    sigaction(SIGUSR2, NULL, &cur);
    getcwd(cwd1, sizeof cwd1);
    mode_t now = umask(old);
    int fd = shared_fd;
    char got[64];
    snprintf(got, sizeof got, "handler %s, fd %s, cwd %s, umask %s",
             cur.sa_handler == on_usr2 ? "shared" : "own",
             flags & CLONE_VM ? (fd >= 0 && fcntl(fd, F_GETFD) >= 0 ? "shared" : "own") : "n/a",
             strcmp(cwd0, cwd1) ? "shared" : "own", now == 077 ? "shared" : "own");
    say("%s: %s\n", what, got);
    if (strcmp(got, want) != 0)
        gt_failures++;
    if (fd >= 0 && (flags & CLONE_VM) && (flags & CLONE_FILES))
        close(fd);
    chdir(cwd0);
    signal(SIGUSR2, SIG_DFL);
    munmap(stack, sz);
}

static void sharing(void)
{
    step = "sharing";
    sharing_case(CLONE_VM, "CLONE_VM only", "handler own, fd own, cwd own, umask own");
    sharing_case(CLONE_VM | CLONE_SIGHAND, "CLONE_VM|CLONE_SIGHAND", "handler shared, fd own, cwd own, umask own");
    sharing_case(CLONE_VM | CLONE_FILES, "CLONE_VM|CLONE_FILES", "handler own, fd shared, cwd own, umask own");
    sharing_case(CLONE_VM | CLONE_FS, "CLONE_VM|CLONE_FS", "handler own, fd own, cwd shared, umask shared");
}

int main(void)
{
    signal(SIGALRM, on_alarm);
    alarm(60);
    invalid();
    clear_sighand();
    threads();
    forklike();
    sharing();
    gt_exit();
}
