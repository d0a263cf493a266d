/* The vDSO (docs/kernel.md, "The vDSO"): the kernel maps a small ELF
 * shared object into every process and names it in the auxiliary vector
 * (AT_SYSINFO_EHDR), with its data page, [vvar], before it.  The test finds
 * it as a libc does (gt_vdso.h), calls its entry points directly and checks
 * them against the real system calls:
 *  - the image: an ELF shared object with PT_NOTE and PT_GNU_EH_FRAME that
 *    exports every entry point and its plain alias at LINUX_2.6, found the
 *    same through the SysV and the GNU hash tables;
 *  - each clock the vDSO serves: a system call, a vDSO read and a system
 *    call again come in order, many times over; gettimeofday and time too;
 *  - other clocks (CPU time, unknown ids) answer as the system call does,
 *    EINVAL included; clock_getres agrees for every clock;
 *  - getcpu: a thread pinned to each CPU in turn gets that CPU from the vDSO,
 *    the system call and sched_getcpu, and the same node from both;
 *  - /proc/self/maps: [vdso] (r-xp, at AT_SYSINFO_EHDR) and [vvar] (r--p),
 *    which mprotect cannot make writable; a fork child and an exec'd
 *    program have a working vDSO too. */
#define _GNU_SOURCE
#include "gt_vdso.h"
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#define ROUNDS 2000
#define VER "LINUX_2.6"

typedef int (*cgt_fn)(clockid_t, struct timespec *);
typedef int (*gtod_fn)(struct timeval *, void *);
typedef time_t (*time_fn)(time_t *);
typedef long (*getcpu_fn)(unsigned *, unsigned *, void *);

static cgt_fn v_gettime, v_getres;
static gtod_fn v_gettimeofday;
static time_fn v_time;
static getcpu_fn v_getcpu;

static int64_t ts_ns(const struct timespec *t) { return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec; }

static long sys_gettime(clockid_t c, struct timespec *t) { return syscall(SYS_clock_gettime, c, t); }

/* Looks every entry point up both ways; the vDSO's functions, if all found. */
static void check_image(void)
{
    struct gt_vdso v;
    if (!expect(getauxval(AT_SYSINFO_EHDR) != 0, "AT_SYSINFO_EHDR in the auxiliary vector"))
        return;
    if (!expect(gt_vdso_open(&v) == 0, "an ELF shared object with a dynamic section"))
        return;
    expect(v.hash && v.gnu_hash, "SysV and GNU hash tables");
    expect(v.has_note, "PT_NOTE");
    expect(v.has_eh_frame_hdr, "PT_GNU_EH_FRAME");
    static const char *const names[] = { "clock_gettime", "gettimeofday", "time", "clock_getres", "getcpu" };
    void *fn[5];
    for (int i = 0; i < 5; i++) {
        char full[64];
        snprintf(full, sizeof full, "__vdso_%s", names[i]);
        void *a = gt_vdso_sym_sysv(&v, full, VER), *b = gt_vdso_sym_gnu(&v, full, VER);
        void *plain = gt_vdso_sym_sysv(&v, names[i], VER);
        say("%s@%s: %s\n", full, VER, a && a == b ? "found, the same through both hash tables" : "missing");
        say("%s@%s: %s\n", names[i], VER, plain == a && plain ? "the same function" : "missing");
        fn[i] = a && a == b ? a : NULL;
    }
    expect(!gt_vdso_sym_sysv(&v, "__vdso_clock_gettime", "LINUX_9.9") &&
               !gt_vdso_sym_gnu(&v, "__vdso_clock_gettime", "LINUX_9.9"),
           "no __vdso_clock_gettime at another version");
    v_gettime = (cgt_fn)fn[0];
    v_gettimeofday = (gtod_fn)fn[1];
    v_time = (time_fn)fn[2];
    v_getres = (cgt_fn)fn[3];
    v_getcpu = (getcpu_fn)fn[4];
}

static void check_clocks(void)
{
    static const struct { clockid_t id; const char *name; } clocks[] = {
        { CLOCK_REALTIME, "CLOCK_REALTIME" },
        { CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
        { CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW" },
        { CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE" },
        { CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE" },
        { CLOCK_BOOTTIME, "CLOCK_BOOTTIME" },
    };
    for (size_t c = 0; c < sizeof clocks / sizeof clocks[0]; c++) {
        int order = 1, rc = 1, libc = 1;
        int64_t prev = 0;
        for (int i = 0; i < ROUNDS; i++) {
            struct timespec a, b, d, l;
            rc &= sys_gettime(clocks[c].id, &a) == 0;
            rc &= v_gettime(clocks[c].id, &b) == 0;
            rc &= sys_gettime(clocks[c].id, &d) == 0;
            rc &= clock_gettime(clocks[c].id, &l) == 0;
            order &= ts_ns(&a) <= ts_ns(&b) && ts_ns(&b) <= ts_ns(&d) && ts_ns(&b) >= prev;
            order &= b.tv_nsec >= 0 && b.tv_nsec < 1000000000;
            libc &= ts_ns(&d) <= ts_ns(&l);
            prev = ts_ns(&b);
        }
        say("%s: syscall <= vDSO <= syscall in %d rounds: %s\n", clocks[c].name, ROUNDS,
            rc && order ? "yes" : "no");
        say("%s: libc's clock_gettime after them: %s\n", clocks[c].name, libc ? "yes" : "no");
        gt_failures += !(rc && order && libc);
    }
    int order = 1, torder = 1;
    for (int i = 0; i < ROUNDS; i++) {
        struct timeval a, b, d;
        syscall(SYS_gettimeofday, &a, NULL);
        v_gettimeofday(&b, NULL);
        syscall(SYS_gettimeofday, &d, NULL);
        int64_t ua = a.tv_sec * 1000000LL + a.tv_usec, ub = b.tv_sec * 1000000LL + b.tv_usec,
                ud = d.tv_sec * 1000000LL + d.tv_usec;
        order &= ua <= ub && ub <= ud && b.tv_usec >= 0 && b.tv_usec < 1000000;
        time_t ta = (time_t)syscall(SYS_time, NULL), tb, tc = v_time(&tb), td = (time_t)syscall(SYS_time, NULL);
        torder &= ta <= tc && tc == tb && tc <= td;
    }
    expect(order, "gettimeofday: syscall <= vDSO <= syscall");
    expect(torder, "time: syscall <= vDSO <= syscall, and its argument set");
    struct { int32_t a, b; } tz = { -1, -1 }, stz = { -2, -2 };
    struct timeval tv;
    syscall(SYS_gettimeofday, &tv, &stz);
    expect(v_gettimeofday(NULL, &tz) == 0 && tz.a == stz.a && tz.b == stz.b,
           "gettimeofday's time zone as the system call's");
}

/* Clocks the vDSO passes on: the answer and the error are the kernel's. */
static void check_passed_on(void)
{
    struct timespec a, b;
    expect(v_gettime(CLOCK_PROCESS_CPUTIME_ID, &a) == 0 && sys_gettime(CLOCK_PROCESS_CPUTIME_ID, &b) == 0 &&
               ts_ns(&a) <= ts_ns(&b) && ts_ns(&a) > 0,
           "CLOCK_PROCESS_CPUTIME_ID through the vDSO");
    expect(v_gettime(CLOCK_THREAD_CPUTIME_ID, &a) == 0 && ts_ns(&a) > 0, "CLOCK_THREAD_CPUTIME_ID through the vDSO");
    static const clockid_t bad[] = { 99, 12, 1 << 20, (clockid_t)(~999999u << 3 | 2) };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int r = v_gettime(bad[i], &a);
        errno = 0;
        long s = sys_gettime(bad[i], &b);
        say("clock id %d: vDSO %s, syscall %s\n", (int)bad[i], r < 0 ? errname(-r) : "ok",
            s < 0 ? errname(errno) : "ok");
        gt_failures += r != -EINVAL || s != -1 || errno != EINVAL;
    }
    int agree = 1, n = 0;
    for (clockid_t c = -20; c < 16; c++) {
        struct timespec r1 = { -1, -1 }, r2 = { -1, -1 };
        int vr = v_getres(c, &r1);
        errno = 0;
        long sr = syscall(SYS_clock_getres, c, &r2);
        int serr = sr < 0 ? -errno : 0;
        agree &= vr == serr && (vr || (r1.tv_sec == r2.tv_sec && r1.tv_nsec == r2.tv_nsec));
        n += vr == 0;
        agree &= v_getres(c, NULL) == serr;
    }
    expect(agree && n >= 6, "clock_getres through the vDSO as the system call, for ids -20 to 15");
}

struct pin {
    int cpu, ok;
};

static void *pinned(void *arg)
{
    struct pin *p = arg;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(p->cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set))
        return NULL;
    sched_yield();
    unsigned vc = ~0u, vn = ~0u, sc = ~0u, sn = ~0u;
    long r = v_getcpu(&vc, &vn, NULL);
    long s = syscall(SYS_getcpu, &sc, &sn, NULL);
    int libc = sched_getcpu();
    p->ok = r == 0 && s == 0 && vc == (unsigned)p->cpu && sc == vc && libc == p->cpu && vn == sn &&
            v_getcpu(NULL, NULL, NULL) == 0;
    return NULL;
}

static void check_getcpu(void)
{
    cpu_set_t all;
    if (sched_getaffinity(0, sizeof all, &all))
        return;
    int ok = 1, tried = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && tried < 8; cpu++) {
        if (!CPU_ISSET(cpu, &all))
            continue;
        struct pin p = { cpu, 0 };
        pthread_t t;
        if (pthread_create(&t, NULL, pinned, &p) || pthread_join(t, NULL))
            p.ok = 0;
        ok &= p.ok;
        tried++;
    }
    expect(ok && tried > 0, "getcpu on a thread pinned to each CPU: the vDSO, the syscall and sched_getcpu agree");
}

/* The [vdso] and [vvar] lines of /proc/self/maps, and the vDSO working. */
static int check_maps(int quiet)
{
    static char maps[65536];
    if (read_file("/proc/self/maps", maps, sizeof maps) <= 0)
        return 0;
    unsigned long vdso_at = 0, vvar_at = 0;
    char vdso_perm[5] = "", vvar_perm[5] = "";
    for (char *line = strtok(maps, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long start, end;
        char perm[5];
        if (sscanf(line, "%lx-%lx %4s", &start, &end, perm) != 3)
            continue;
        if (strstr(line, "[vdso]")) {
            vdso_at = start;
            strcpy(vdso_perm, perm);
        } else if (strstr(line, "[vvar]")) {
            vvar_at = start;
            strcpy(vvar_perm, perm);
        }
    }
    struct timespec a, b;
    int works = v_gettime && sys_gettime(CLOCK_MONOTONIC, &a) == 0 && v_gettime(CLOCK_MONOTONIC, &b) == 0 &&
                ts_ns(&a) <= ts_ns(&b);
    int ok = vdso_at && vdso_at == getauxval(AT_SYSINFO_EHDR) && !strcmp(vdso_perm, "r-xp") && vvar_at &&
             !strcmp(vvar_perm, "r--p") && works;
    if (!quiet) {
        expect(vdso_at == getauxval(AT_SYSINFO_EHDR) && !strcmp(vdso_perm, "r-xp"),
               "/proc/self/maps: [vdso] r-xp at AT_SYSINFO_EHDR");
        expect(vvar_at && !strcmp(vvar_perm, "r--p"), "/proc/self/maps: [vvar] r--p");
        if (vvar_at) {
            errno = 0;
            int r = mprotect((void *)vvar_at, 4096, PROT_READ | PROT_WRITE);
            say("mprotect([vvar], PROT_READ|PROT_WRITE): %s\n", r ? errname(errno) : "ok");
            gt_failures += r != -1 || errno != EACCES;
        }
    }
    return ok;
}

static unsigned long parent_vdso;

static int fork_child(void) { return check_maps(1) && getauxval(AT_SYSINFO_EHDR) == parent_vdso ? 0 : 1; }

/* The test again, in a new program: its own vDSO, found and working. */
static char *self;
static int exec_child(void)
{
    char *args[] = { self, "exec-child", NULL };
    dup2(open("/dev/null", O_WRONLY), 1);
    execv(self, args);
    return 127;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exec-child")) {
        check_image();
        return check_maps(1) ? 0 : 1;
    }
    check_image();
    if (!v_gettime || !v_gettimeofday || !v_time || !v_getres || !v_getcpu)
        gt_exit();
    check_clocks();
    check_passed_on();
    check_getcpu();
    check_maps(0);
    parent_vdso = getauxval(AT_SYSINFO_EHDR);
    say("fork child: %s\n", status_str(run_child(fork_child)));
    self = argv[0];
    say("exec'd child: %s\n", status_str(run_child(exec_child)));
    gt_exit();
}
