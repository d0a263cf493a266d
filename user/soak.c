/*
 * soak: a long mixed workload, then the kernel's memory figures before and
 * after it (docs/testing.md, "The soak").
 *
 *   soak [OPS]      by hand, at the shell (default 2000 operations)
 *   init=/bin/soak soak.ops=N      as pid 1 (`make soak`): afterwards it
 *                   execs /tests/run-all.sh, so the guest tests run in the
 *                   same boot and the host runner judges them; booted
 *                   again with gt.after= (the runner resuming after a hung
 *                   test) it goes straight to the tests
 *
 * It runs only on Tessera (where /proc/kmemstat exists): random system
 * calls and a memory hog would harm another system.
 *
 * Eight workers run at once, each a process of its own.  The six quick
 * kinds share OPS by weight (fork 30%, exec, pipe, policy and affinity 15%
 * each, signal 10%); memory does OPS/5000 rounds and fuzz OPS/20000 runs,
 * which count as operations too:
 *
 *   fork      fork a child that dirties copy-on-write pages and exits with a
 *             known status (every 8th a vfork); the status must come back
 *   exec      fork, exec busybox echo into a pipe; the output must come back
 *   pipe      a child streams a pattern through a pipe in odd-sized chunks;
 *             every byte must arrive
 *   signal    a child answers each SIGUSR1 from its handler through a pipe;
 *             it is then stopped, continued and killed, each seen by waitpid
 *   policy    switches the system scheduling policy through every name in
 *             /proc/sys/kernel/sched_policies, a few milliseconds apart
 *   affinity  moves the workers (itself included) between random CPU sets
 *   memory    maps and touches all but a reserve of the available memory,
 *             checks it, and unmaps it (brk too, now and then)
 *   fuzz      runs /tests/fuzz_syscalls (random system calls from 16
 *             children) in a scratch directory; it must exit 0
 *
 * Workers report progress and failures through one pipe (64-byte records,
 * so each write is atomic).  A worker silent for SILENCE_S seconds is killed
 * and fails the soak.  The same workload runs once in miniature first, so
 * state the kernel allocates on first use is in place before the "before"
 * reading of /proc/kmemstat; the "after" reading is taken when every process
 * the soak started is gone and the figures have settled (up to SETTLE_S
 * seconds).  As pid 1 it first kills any process still there once the
 * workers are gone (one the workload could not end: a failure).  The
 * verdict is one console line for the runner:
 *   @@RESULT PASS soak/workload
 *   @@RESULT FAIL soak/workload <why>
 * A pass needs every worker to succeed and the same heap objects and frames
 * outside the heap after as before.
 *
 * Output goes out with one write(2) per line and the soak process itself
 * allocates nothing (no stdio, no malloc) between its two readings, so its
 * own memory does not move the figures.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SILENCE_S 120           /* a worker quiet this long is stuck */
#define SETTLE_S 10             /* how long the figures may take to settle */
#define SCRATCH "/tmp/soak"
#define RESERVE_MB 64           /* memory the memory worker leaves to the rest */
#define CHUNK (16UL << 20)

enum kind { K_FORK, K_EXEC, K_PIPE, K_SIGNAL, K_POLICY, K_AFFINITY, K_MEMORY, K_FUZZ, NKINDS };
static const char *const kind_name[NKINDS] = { "fork", "exec", "pipe", "signal", "policy", "affinity", "memory", "fuzz" };
/* per 1000 operations; memory and fuzz are long operations, counted apart */
static const unsigned weight[NKINDS] = { 300, 150, 150, 100, 150, 150, 0, 0 };

enum { R_PROGRESS, R_FAIL };
struct record {
    uint8_t kind, type;
    uint16_t pad;
    uint32_t value;             /* operations since the last record */
    char msg[56];
};
_Static_assert(sizeof(struct record) == 64, "records are written whole");

static int report_fd = -1;      /* workers: write end of the record pipe */
static pid_t live_child;        /* workers: the child of the operation under way */
static enum kind my_kind;
static pid_t worker_pids[NKINDS];
static int ncpus;

/* ---- output ---- */

static void __attribute__((format(printf, 1, 2))) out(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof buf)
        n = sizeof buf - 1;
    for (ssize_t off = 0, w; off < n; off += w)
        if ((w = write(1, buf + off, n - off)) <= 0)
            break;
}

static void send_record(int type, uint32_t value, const char *msg)
{
    struct record r = { .kind = my_kind, .type = type, .value = value };
    if (msg)
        snprintf(r.msg, sizeof r.msg, "%s", msg);
    if (write(report_fd, &r, sizeof r) != sizeof r)
        _exit(3);
}

/* A worker's check failed: say what, and stop the worker. */
static void __attribute__((format(printf, 1, 2), noreturn)) fail(const char *fmt, ...)
{
    char msg[56];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    send_record(R_FAIL, 0, msg);
    if (live_child > 0)
        kill(live_child, SIGKILL);      /* leave nothing running behind */
    _exit(1);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Reads a small file whole into buf (NUL-terminated); -1 if it cannot. */
static int read_small(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t got = 0;
    ssize_t n;
    while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
        got += (size_t)n;
    close(fd);
    buf[got] = 0;
    return (int)got;
}

static long field(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static pid_t wait_for(pid_t pid, int *st, int flags)
{
    pid_t r;
    while ((r = waitpid(pid, st, flags)) < 0 && errno == EINTR)
        ;
    return r;
}

static int write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

/* ---- the workers: each op_* does one operation or fails the worker ---- */

static char cow_area[16 * 4096];

static void op_fork(unsigned i)
{
    int code = (int)(i % 64);
    pid_t p = (i % 8 == 7) ? vfork() : fork();
    live_child = p > 0 ? p : 0;
    if (p < 0) {
        if (errno == EAGAIN || errno == ENOMEM)
            return;             /* the system is full for a moment: not a failure */
        fail("fork: %s", strerror(errno));
    }
    if (p == 0) {
        if (i % 8 != 7)
            for (size_t off = 0; off < sizeof cow_area; off += 4096)
                cow_area[off] = (char)i;
        _exit(code);
    }
    int st;
    if (wait_for(p, &st, 0) != p)
        fail("fork: waitpid: %s", strerror(errno));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != code)
        fail("fork: child status %#x, wanted exit %d", st, code);
}

static void op_exec(unsigned i)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        fail("exec: pipe: %s", strerror(errno));
    char word[16];
    snprintf(word, sizeof word, "soak%u", i);
    pid_t p = fork();
    live_child = p > 0 ? p : 0;
    if (p < 0) {
        close(fds[0]);
        close(fds[1]);
        if (errno == EAGAIN || errno == ENOMEM)
            return;
        fail("exec: fork: %s", strerror(errno));
    }
    if (p == 0) {
        dup2(fds[1], 1);
        char *argv[] = { "echo", word, NULL };
        char *envp[] = { "PATH=/bin", NULL };
        execve("/bin/busybox", argv, envp);
        _exit(127);
    }
    close(fds[1]);
    char buf[32];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof buf - 1 && ((n = read(fds[0], buf + got, sizeof buf - 1 - got)) > 0 || (n < 0 && errno == EINTR)))
        got += n > 0 ? (size_t)n : 0;
    close(fds[0]);
    buf[got] = 0;
    int st;
    if (wait_for(p, &st, 0) != p)
        fail("exec: waitpid: %s", strerror(errno));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail("exec: child status %#x", st);
    size_t wl = strlen(word);
    if (got != wl + 1 || memcmp(buf, word, wl) || buf[wl] != '\n')
        fail("exec: output '%.20s'", buf);
}

static uint8_t pattern(unsigned i, size_t k) { return (uint8_t)(k * 31 + i * 7 + (k >> 9)); }

static void op_pipe(unsigned i)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        fail("pipe: %s", strerror(errno));
    size_t total = 4096 + (size_t)(rnd() % (256 * 1024));
    pid_t p = fork();
    live_child = p > 0 ? p : 0;
    if (p < 0) {
        close(fds[0]);
        close(fds[1]);
        if (errno == EAGAIN || errno == ENOMEM)
            return;
        fail("pipe: fork: %s", strerror(errno));
    }
    if (p == 0) {
        close(fds[0]);
        static uint8_t chunk[8192];
        for (size_t sent = 0; sent < total;) {
            size_t n = 1 + (size_t)(rnd() % sizeof chunk);
            if (n > total - sent)
                n = total - sent;
            for (size_t k = 0; k < n; k++)
                chunk[k] = pattern(i, sent + k);
            if (write_all(fds[1], chunk, n) < 0)
                _exit(2);
            sent += n;
        }
        _exit(0);
    }
    close(fds[1]);
    if (i % 2)
        fcntl(fds[0], F_SETFL, O_NONBLOCK);     /* odd rounds poll, then read */
    static uint8_t in[16384];
    size_t got = 0;
    for (;;) {
        if (i % 2) {
            struct pollfd pf = { fds[0], POLLIN, 0 };
            if (poll(&pf, 1, 10000) == 0)
                fail("pipe: poll timed out after %zu bytes", got);
        }
        ssize_t n = read(fds[0], in, 1 + rnd() % sizeof in);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n < 0)
            fail("pipe: read: %s", strerror(errno));
        if (n == 0)
            break;
        for (ssize_t k = 0; k < n; k++)
            if (in[k] != pattern(i, got + (size_t)k))
                fail("pipe: byte %zu is wrong", got + (size_t)k);
        got += (size_t)n;
    }
    close(fds[0]);
    int st;
    if (wait_for(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail("pipe: writer status %#x", st);
    if (got != total)
        fail("pipe: %zu of %zu bytes", got, total);
}

static int ack_fd = -1;
static void usr1(int sig)
{
    (void)sig;
    char c = 'a';
    if (write(ack_fd, &c, 1) != 1)
        _exit(4);
}

static int wait_byte(int fd, const char *what)
{
    struct pollfd pf = { fd, POLLIN, 0 };
    for (;;) {
        int r = poll(&pf, 1, 10000);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            fail("signal: no answer to %s", what);
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        return n == 1 ? 0 : -1;
    }
}

static void op_signal(unsigned i)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        fail("signal: pipe: %s", strerror(errno));
    pid_t p = fork();
    live_child = p > 0 ? p : 0;
    if (p < 0) {
        close(fds[0]);
        close(fds[1]);
        if (errno == EAGAIN || errno == ENOMEM)
            return;
        fail("signal: fork: %s", strerror(errno));
    }
    if (p == 0) {
        close(fds[0]);
        ack_fd = fds[1];
        struct sigaction sa = { .sa_handler = usr1 };
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = (i % 2) ? SA_RESTART : 0;
        sigaction(SIGUSR1, &sa, NULL);
        char c = 'r';
        if (write(ack_fd, &c, 1) != 1)     /* ready */
            _exit(5);
        for (;;)
            pause();
    }
    close(fds[1]);
    if (wait_byte(fds[0], "ready") < 0)
        fail("signal: the child died before it was ready");
    unsigned n = 4 + i % 5;
    for (unsigned k = 0; k < n; k++) {
        if (kill(p, SIGUSR1) < 0)
            fail("signal: kill: %s", strerror(errno));
        if (wait_byte(fds[0], "SIGUSR1") < 0)
            fail("signal: the child died at SIGUSR1 %u", k);
    }
    int st;
    kill(p, SIGSTOP);
    if (wait_for(p, &st, WUNTRACED) != p || !WIFSTOPPED(st))
        fail("signal: after SIGSTOP: status %#x", st);
    kill(p, SIGCONT);
    if (i % 3 == 0) {           /* still answers after being continued */
        kill(p, SIGUSR1);
        if (wait_byte(fds[0], "SIGUSR1 after SIGCONT") < 0)
            fail("signal: the child died after SIGCONT");
    }
    int sig = (i % 2) ? SIGTERM : SIGKILL;
    kill(p, sig);
    if (wait_for(p, &st, 0) != p || !WIFSIGNALED(st) || WTERMSIG(st) != sig)
        fail("signal: after signal %d: status %#x", sig, st);
    close(fds[0]);
}

static char policies[16][16];
static unsigned npolicies;
static char orig_policy[16];

static void chomp(char *s) { s[strcspn(s, "\n")] = 0; }

static int set_policy(const char *name)
{
    int fd = open("/proc/sys/kernel/sched_policy", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t w = write(fd, name, strlen(name));
    close(fd);
    return w == (ssize_t)strlen(name) ? 0 : -1;
}

static void load_policies(void)
{
    char buf[256];
    npolicies = 0;
    if (read_small("/proc/sys/kernel/sched_policies", buf, sizeof buf) <= 0)
        return;
    for (char *save, *w = strtok_r(buf, " \n", &save); w && npolicies < 16; w = strtok_r(NULL, " \n", &save))
        snprintf(policies[npolicies++], sizeof policies[0], "%s", w);
    if (read_small("/proc/sys/kernel/sched_policy", orig_policy, sizeof orig_policy) > 0)
        chomp(orig_policy);
}

static void op_policy(unsigned i)
{
    if (!npolicies)
        return;                 /* not Tessera: nothing to switch */
    const char *name = policies[i % npolicies];
    if (set_policy(name) < 0)
        fail("policy: cannot switch to %s", name);
    char now[16];
    if (read_small("/proc/sys/kernel/sched_policy", now, sizeof now) > 0)
        chomp(now);
    /* another switch may come between, but only from this worker */
    if (strcmp(now, name))
        fail("policy: is %s after switching to %s", now, name);
    sleep_ms(2 + (unsigned)(rnd() % 4));
}

static void op_affinity(unsigned i)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    unsigned mask = 0;
    while (!mask)
        mask = (unsigned)(rnd() & ((1u << ncpus) - 1));
    for (int c = 0; c < ncpus; c++)
        if (mask & (1u << c))
            CPU_SET(c, &set);
    pid_t target = worker_pids[rnd() % NKINDS];
    if (i % 4 == 0 || target <= 0)
        target = 0;             /* itself */
    if (sched_setaffinity(target, sizeof set, &set) < 0 && errno != ESRCH)
        fail("affinity: %s", strerror(errno));
    if (target == 0) {
        cpu_set_t got;
        if (sched_getaffinity(0, sizeof got, &got) < 0 || !CPU_EQUAL(&got, &set))
            fail("affinity: the mask did not stick");
        /* run on the new set before the next change */
        sched_yield();
        int cpu = sched_getcpu();
        if (cpu >= 0 && !CPU_ISSET(cpu, &set))
            sleep_ms(1);        /* a running task moves at its next switch */
    }
    sleep_ms(1);
}

static void op_memory(unsigned i)
{
    char info[2048];
    if (read_small("/proc/meminfo", info, sizeof info) <= 0)
        fail("memory: cannot read /proc/meminfo");
    long avail_kb = field(info, "MemAvailable:");
    if (avail_kb < 0)
        avail_kb = field(info, "MemFree:");
    long want_mb = avail_kb / 1024 - RESERVE_MB;
    if (want_mb < 16)
        return;
    size_t nchunks = (size_t)want_mb * (1UL << 20) / CHUNK;
    static char *chunks[512];
    if (nchunks > 512)
        nchunks = 512;
    size_t have = 0;
    for (; have < nchunks; have++) {
        chunks[have] = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (chunks[have] == MAP_FAILED)
            break;
        for (size_t off = 0; off < CHUNK; off += 4096)
            *(uint64_t *)(chunks[have] + off) = ((uint64_t)i << 40) ^ (have << 20) ^ off;
    }
    for (size_t c = 0; c < have; c++) {
        for (size_t off = 0; off < CHUNK; off += 4096)
            if (*(uint64_t *)(chunks[c] + off) != (((uint64_t)i << 40) ^ (c << 20) ^ off))
                fail("memory: chunk %zu offset %zu changed", c, off);
        munmap(chunks[c], CHUNK);
    }
    if (i % 2) {                /* the heap through brk */
        char *base = sbrk(0);
        if (sbrk(8 << 20) != (void *)-1) {
            for (size_t off = 0; off < (8 << 20); off += 4096)
                base[off] = (char)off;
            sbrk(-(8 << 20));
        }
    }
    sleep_ms(50);
}

/* Calls fn(name, is_dir, arg) for each entry of the directory at path but
 * "." and "..", through getdents64 into a stack buffer (opendir would
 * malloc, and the soak process keeps its own memory still). */
static void each_entry(const char *path, void (*fn)(const char *, bool, void *), void *arg)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    char buf[2048];
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < n;) {
            struct dirent64 *e = (struct dirent64 *)(buf + off);
            off += e->d_reclen;
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                fn(e->d_name, e->d_type == DT_DIR, arg);
        }
    }
    close(fd);
}

static void remove_tree(const char *path);

static void remove_entry(const char *name, bool is_dir, void *arg)
{
    char sub[512];
    snprintf(sub, sizeof sub, "%s/%s", (const char *)arg, name);
    if (is_dir)
        remove_tree(sub);
    else
        unlink(sub);
}

static void remove_tree(const char *path)
{
    each_entry(path, remove_entry, (void *)path);
    rmdir(path);
}

static void op_fuzz(unsigned i)
{
    char dir[64];
    snprintf(dir, sizeof dir, SCRATCH "/fuzz%u", i);
    mkdir(SCRATCH, 0755);
    if (mkdir(dir, 0755) < 0)
        fail("fuzz: mkdir %s: %s", dir, strerror(errno));
    pid_t p = fork();
    live_child = p > 0 ? p : 0;
    if (p < 0)
        fail("fuzz: fork: %s", strerror(errno));
    if (p == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (chdir(dir) < 0)
            _exit(126);
        char *argv[] = { "/tests/fuzz_syscalls", NULL };
        char *envp[] = { "PATH=/bin", "HOME=/", NULL };
        execve(argv[0], argv, envp);
        _exit(127);
    }
    int st;
    if (wait_for(p, &st, 0) != p)
        fail("fuzz: waitpid: %s", strerror(errno));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail("fuzz: fuzz_syscalls status %#x", st);
    remove_tree(dir);
}

static void (*const op[NKINDS])(unsigned) = { op_fork, op_exec, op_pipe, op_signal, op_policy, op_affinity, op_memory, op_fuzz };

static void __attribute__((noreturn)) worker(enum kind k, unsigned quota)
{
    my_kind = k;
    rng_state = 0x9e3779b97f4a7c15ULL * (k + 1) ^ (uint64_t)getpid() << 32;
    unsigned step = quota / 20 ? quota / 20 : 1, pending = 0;
    for (unsigned i = 0; i < quota; i++) {
        op[k](i);
        live_child = 0;
        if (++pending == step) {
            send_record(R_PROGRESS, pending, NULL);
            pending = 0;
        }
    }
    if (pending)
        send_record(R_PROGRESS, pending, NULL);
    if (k == K_POLICY && npolicies && set_policy(orig_policy) < 0)
        fail("policy: cannot switch back to %s", orig_policy);
    _exit(0);
}

/* ---- the parent ---- */

struct figures {
    long total, free, objects, bytes, heap_frames;
};

static int read_figures(struct figures *f)
{
    char buf[512];
    if (read_small("/proc/kmemstat", buf, sizeof buf) <= 0)
        return -1;
    f->total = field(buf, "frames_total ");
    f->free = field(buf, "frames_free ");
    f->objects = field(buf, "heap_objects ");
    f->bytes = field(buf, "heap_bytes ");
    f->heap_frames = field(buf, "heap_frames ");
    return 0;
}

static long outside_heap(const struct figures *f) { return f->total - f->free - f->heap_frames; }

static bool same(const struct figures *a, const struct figures *b)
{
    return outside_heap(a) == outside_heap(b) && a->objects == b->objects;
}

struct run {
    unsigned quota[NKINDS], done[NKINDS];
    uint64_t ended_ms[NKINDS];  /* when each worker was reaped, from the start */
    long min_free;              /* fewest free frames seen (sampled every 200 ms) */
    unsigned total, total_done, failures;
    char why[160];
};

static void reap_strays(void)
{
    /* orphans the workers left (pid 1 inherits them) */
    while (wait_for(-1, NULL, WNOHANG) > 0)
        ;
}

/* Starts every worker with its quota and waits for all of them. */
static void run_workload(struct run *r, bool verbose)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        snprintf(r->why, sizeof r->why, "pipe: %s", strerror(errno));
        r->failures++;
        return;
    }
    report_fd = fds[1];
    memset(worker_pids, 0, sizeof worker_pids);
    for (int k = 0; k < NKINDS; k++) {
        if (!r->quota[k])
            continue;
        pid_t p = fork();
        if (p == 0) {
            close(fds[0]);
            worker(k, r->quota[k]);
        }
        if (p < 0) {
            snprintf(r->why, sizeof r->why, "fork of the %s worker: %s", kind_name[k], strerror(errno));
            r->failures++;
            continue;
        }
        worker_pids[k] = p;
    }
    close(fds[1]);
    uint64_t start = now_ms(), last_news[NKINDS];
    for (int k = 0; k < NKINDS; k++)
        last_news[k] = start;
    unsigned live = 0, next_tenth = 1;
    for (int k = 0; k < NKINDS; k++)
        live += worker_pids[k] > 0;
    r->min_free = -1;
    uint64_t sampled = 0;
    while (live) {
        struct figures f;
        if (now_ms() - sampled >= 200 && read_figures(&f) == 0) {
            sampled = now_ms();
            if (r->min_free < 0 || f.free < r->min_free)
                r->min_free = f.free;
        }
        struct pollfd pf = { fds[0], POLLIN, 0 };
        if (poll(&pf, 1, 200) > 0) {
            struct record rec;
            ssize_t n = read(fds[0], &rec, sizeof rec);
            if (n == sizeof rec && rec.kind < NKINDS) {
                last_news[rec.kind] = now_ms();
                if (rec.type == R_PROGRESS) {
                    r->done[rec.kind] += rec.value;
                    r->total_done += rec.value;
                } else {
                    rec.msg[sizeof rec.msg - 1] = 0;
                    out("soak: %s worker failed: %s\n", kind_name[rec.kind], rec.msg);
                    snprintf(r->why, sizeof r->why, "%s worker: %s", kind_name[rec.kind], rec.msg);
                    r->failures++;
                }
                if (verbose && r->total_done * 10 >= next_tenth * r->total) {
                    out("soak: %u of %u operations, %lu s\n", r->total_done, r->total,
                        (unsigned long)((now_ms() - start) / 1000));
                    while (r->total_done * 10 >= next_tenth * r->total)
                        next_tenth++;
                }
            }
        }
        int st;
        pid_t p;
        while ((p = wait_for(-1, &st, WNOHANG)) > 0) {
            for (int k = 0; k < NKINDS; k++) {
                if (worker_pids[k] != p)
                    continue;
                worker_pids[k] = -1;
                r->ended_ms[k] = now_ms() - start;
                live--;
                if (!WIFEXITED(st) || WEXITSTATUS(st) > 1) {   /* 1: it said why */
                    out("soak: %s worker ended with status %#x\n", kind_name[k], st);
                    snprintf(r->why, sizeof r->why, "%s worker ended with status %#x", kind_name[k], st);
                    r->failures++;
                }
            }
        }
        for (int k = 0; k < NKINDS; k++) {
            if (worker_pids[k] <= 0 || now_ms() - last_news[k] < SILENCE_S * 1000UL)
                continue;
            out("soak: %s worker silent for %d s (%u of %u done): killed\n", kind_name[k], SILENCE_S,
                r->done[k], r->quota[k]);
            snprintf(r->why, sizeof r->why, "%s worker stuck after %u operations", kind_name[k], r->done[k]);
            r->failures++;
            kill(worker_pids[k], SIGKILL);
            last_news[k] = now_ms();
        }
    }
    /* records written just before a worker exited */
    struct record rec;
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    while (read(fds[0], &rec, sizeof rec) == sizeof rec)
        if (rec.kind < NKINDS && rec.type == R_PROGRESS) {
            r->done[rec.kind] += rec.value;
            r->total_done += rec.value;
        }
    close(fds[0]);
    if (npolicies)
        set_policy(orig_policy);
    cpu_set_t all;
    CPU_ZERO(&all);
    for (int c = 0; c < ncpus; c++)
        CPU_SET(c, &all);
    sched_setaffinity(0, sizeof all, &all);
    reap_strays();
    remove_tree(SCRATCH);
}

static void plan(struct run *r, unsigned ops)
{
    memset(r, 0, sizeof *r);
    r->quota[K_MEMORY] = ops / 5000 > 2 ? ops / 5000 : 2;     /* about a second each */
    r->quota[K_FUZZ] = ops / 20000 > 1 ? ops / 20000 : 1;     /* about 15 s each */
    unsigned long_ops = r->quota[K_MEMORY] + r->quota[K_FUZZ];
    unsigned rest = ops > long_ops ? ops - long_ops : 0;
    for (int k = 0; k < NKINDS; k++)
        if (weight[k])
            r->quota[k] = rest * weight[k] / 1000;
    for (int k = 0; k < NKINDS; k++)
        r->total += r->quota[k];
}

static void count_pid(const char *name, bool is_dir, void *arg)
{
    if (is_dir && name[0] >= '0' && name[0] <= '9' && atoi(name) != getpid())
        ++*(int *)arg;
}

/* Processes other than this one (as pid 1: every other process). */
static int others(void)
{
    int n = 0;
    each_entry("/proc", count_pid, &n);
    return n;
}

/* Waits until no process but this one is left (up to SETTLE_S). */
static void wait_alone(void)
{
    for (int i = 0; i < SETTLE_S * 10; i++) {
        reap_strays();
        if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD)
            return;
        sleep_ms(100);
    }
}

/* As pid 1, a process still there once the workers are gone is one the
 * workload could not end (stuck, or unkillable): a failure.  It is killed,
 * so that the memory figures mean something. */
static void kill_strays(struct run *r, bool init)
{
    int strays = init ? others() : 0;
    if (!strays)
        return;
    out("soak: %d process(es) still there after the workload: killed\n", strays);
    snprintf(r->why, sizeof r->why, "%d process(es) left behind", strays);
    r->failures++;
    kill(-1, SIGKILL);
    wait_alone();
}

static unsigned cmdline_ops(bool *resume)
{
    char buf[512];
    *resume = false;
    if (read_small("/proc/cmdline", buf, sizeof buf) <= 0)
        return 0;
    *resume = strstr(buf, "gt.after=") != NULL;
    long v = field(buf, "soak.ops=");
    return v > 0 ? (unsigned)v : 0;
}

int main(int argc, char **argv)
{
    bool init = getpid() == 1, resume = false;
    unsigned ops = init ? cmdline_ops(&resume) : 0;
    if (argc > 1)
        ops = (unsigned)strtoul(argv[1], NULL, 10);
    if (!ops)
        ops = 2000;
    int status = 0;
    if (resume)
        goto done;              /* the runner booted again after a hung test: tests only */
    if (access("/proc/kmemstat", R_OK) < 0) {
        /* random system calls and a memory hog would harm another system */
        out("soak: not Tessera (no /proc/kmemstat): not running\n");
        return 2;
    }
    cpu_set_t set;
    ncpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    if (ncpus > 16)
        ncpus = 16;
    load_policies();
    remove_tree(SCRATCH);

    static struct run warm, main_run;
    for (int k = 0; k < NKINDS; k++)  /* one of each, and every policy once */
        warm.quota[k] = 1;
    warm.quota[K_POLICY] = npolicies ? npolicies : 1;
    for (int k = 0; k < NKINDS; k++)
        warm.total += warm.quota[k];
    out("soak: %d CPUs, %u operations; warming up (%u operations)\n", ncpus, ops, warm.total);
    run_workload(&warm, false);
    wait_alone();
    kill_strays(&warm, init);

    struct figures before, after;
    bool have_figures = read_figures(&before) == 0;
    plan(&main_run, ops);
    out("soak: start:");
    for (int k = 0; k < NKINDS; k++)
        out(" %s %u", kind_name[k], main_run.quota[k]);
    out("\n");
    uint64_t t0 = now_ms();
    run_workload(&main_run, true);
    uint64_t t1 = now_ms();
    wait_alone();
    kill_strays(&main_run, init);
    out("soak: %u operations in %lu.%03lu s:", main_run.total_done, (unsigned long)((t1 - t0) / 1000),
        (unsigned long)((t1 - t0) % 1000));
    for (int k = 0; k < NKINDS; k++)
        out(" %s %u (%lu s)", kind_name[k], main_run.done[k], (unsigned long)(main_run.ended_ms[k] / 1000));
    out("\n");

    bool leaked = false;
    if (have_figures) {
        uint64_t settle = now_ms();
        while (read_figures(&after) == 0 && !same(&before, &after) && now_ms() - settle < SETTLE_S * 1000UL)
            sleep_ms(100);
        leaked = !same(&before, &after);
        out("soak: free frames %ld before, %ld after (%+ld); frames outside the heap %+ld\n", before.free,
            after.free, after.free - before.free, outside_heap(&after) - outside_heap(&before));
        out("soak: heap objects %ld before, %ld after (%+ld); heap bytes %+ld\n", before.objects, after.objects,
            after.objects - before.objects, after.bytes - before.bytes);
        out("soak: fewest free frames during the run: %ld of %ld (%ld MiB free)\n", main_run.min_free, before.total,
            main_run.min_free * 4096 / (1 << 20));
    } else {
        out("soak: cannot read /proc/kmemstat: memory not compared\n");
        leaked = true;
    }
    if (warm.failures && !main_run.failures) {
        main_run.failures = warm.failures;
        snprintf(main_run.why, sizeof main_run.why, "warm-up: %.140s", warm.why);
    }
    if (main_run.failures)
        out("@@RESULT FAIL soak/workload %u failure(s), the last: %s\n", main_run.failures, main_run.why);
    else if (main_run.total_done != main_run.total)
        out("@@RESULT FAIL soak/workload %u of %u operations done\n", main_run.total_done, main_run.total);
    else if (leaked)
        out("@@RESULT FAIL soak/workload leaked: frames outside the heap %+ld, heap objects %+ld\n",
            outside_heap(&after) - outside_heap(&before), after.objects - before.objects);
    else
        out("@@RESULT PASS soak/workload\n");
    status = main_run.failures || leaked || main_run.total_done != main_run.total;
done:
    if (init) {
        char *args[] = { "/tests/run-all.sh", NULL };
        char *envp[] = { "PATH=/bin:/sbin:/usr/bin", "HOME=/", NULL };
        execve(args[0], args, envp);
        out("soak: cannot run %s: %s\n", args[0], strerror(errno));
        return 1;
    }
    return status;
}
