/*
 * The vDSO's code: clock_gettime, gettimeofday, time, clock_getres and
 * getcpu answered in user space from the data page the kernel keeps
 * (include/kernel/vdso.h; docs/kernel.md, "The vDSO").
 *
 * It is built apart from the kernel, as a position-independent shared
 * object without libc (vdso.lds), and its image is embedded in the kernel.
 * What it cannot answer itself (CPU-time clocks, ids it does not know, any
 * clock while the kernel does not hand the TSC out) it passes to the real
 * system call with a `syscall` instruction of its own, so the answer and
 * the error are exactly the kernel's.  Like the system calls, the entry
 * points return 0 or a negative errno, which libc turns into errno.
 */
#include <kernel/time.h>
#include <kernel/vdso.h>
#include <uapi/time.h>

#define NR_GETTIMEOFDAY 96
#define NR_TIME 201
#define NR_CLOCK_GETTIME 228
#define NR_CLOCK_GETRES 229

#define EXPORT __attribute__((visibility("default")))
#define STR(x) #x
#define XSTR(x) STR(x)

static inline long vsyscall2(long nr, long a, long b)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
    return r;
}

/* The TSC, not read before the instructions ahead of it are done (so not
 * before an earlier clock read either), as Linux's rdtsc_ordered(). */
static inline uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

/* Clock clk in nanoseconds: 0, or -1 when the system call must answer. */
static inline int read_clock(unsigned clk, uint64_t *ns)
{
    const volatile struct vdso_data *d = &vvar_data;
    for (;;) {
        uint32_t seq = d->seq;
        if (seq & 1) {
            __builtin_ia32_pause();     /* the kernel is changing it */
            continue;
        }
        if (clk >= VDSO_CLOCKS || !(d->clock_mask & (1u << clk)) || d->clock_mode != VDSO_CLOCK_TSC)
            return -1;
        uint64_t v = tsc_cycles_to_ns(rdtsc_ordered() - d->tsc_base, d->tsc_mult) + d->offset_ns[clk];
        if (d->seq == seq) {
            *ns = v;
            return 0;
        }
    }
}

EXPORT int __vdso_clock_gettime(int clk, struct vts *ts)
{
    uint64_t ns;
    if (read_clock((unsigned)clk, &ns))
        return (int)vsyscall2(NR_CLOCK_GETTIME, clk, (long)ts);
    ts->sec = (int64_t)(ns / NSEC_PER_SEC);
    ts->nsec = (int64_t)(ns % NSEC_PER_SEC);
    return 0;
}

EXPORT int __vdso_gettimeofday(struct vtv *tv, struct vtz *tz)
{
    if (tv) {
        uint64_t ns;
        if (read_clock(CLOCK_REALTIME, &ns))
            return (int)vsyscall2(NR_GETTIMEOFDAY, (long)tv, (long)tz);
        tv->sec = (int64_t)(ns / NSEC_PER_SEC);
        tv->usec = (int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC);
    }
    if (tz) {
        const volatile struct vdso_data *d = &vvar_data;
        tz->minuteswest = d->tz_minuteswest;
        tz->dsttime = d->tz_dsttime;
    }
    return 0;
}

EXPORT int64_t __vdso_time(int64_t *t)
{
    uint64_t ns;
    if (read_clock(CLOCK_REALTIME, &ns))
        return vsyscall2(NR_TIME, (long)t, 0);
    int64_t s = (int64_t)(ns / NSEC_PER_SEC);
    if (t)
        *t = s;
    return s;
}

EXPORT int __vdso_clock_getres(int clk, struct vts *res)
{
    const volatile struct vdso_data *d = &vvar_data;
    if ((unsigned)clk >= VDSO_CLOCKS || !(d->clock_mask & (1u << clk)))
        return (int)vsyscall2(NR_CLOCK_GETRES, clk, (long)res);
    if (res) {
        res->sec = 0;
        res->nsec = (int64_t)d->res_ns;
    }
    return 0;
}

EXPORT long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
    uint64_t p;
    uint32_t mode = vvar_data.getcpu_mode;
    if (mode == VDSO_GETCPU_RDPID) {
        __asm__ volatile("rdpid %0" : "=r"(p));
    } else if (mode == VDSO_GETCPU_RDTSCP) {
        uint32_t lo, hi, aux;
        __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
        p = aux;
    } else {
        unsigned v;
        __asm__ volatile("lsl %1, %0" : "=r"(v) : "r"((unsigned)VDSO_CPUNODE_SEG));
        p = v;
    }
    if (cpu)
        *cpu = (unsigned)(p & VDSO_CPUNODE_MASK);
    if (node)
        *node = (unsigned)(p >> VDSO_CPUNODE_BITS);
    return 0;
}

/* The plain names, the same functions (strong aliases: nothing in a vDSO
 * is overridden, so nothing gains from a weak binding). */
EXPORT int clock_gettime(int clk, struct vts *ts) __attribute__((alias("__vdso_clock_gettime")));
EXPORT int gettimeofday(struct vtv *tv, struct vtz *tz) __attribute__((alias("__vdso_gettimeofday")));
EXPORT int64_t time(int64_t *t) __attribute__((alias("__vdso_time")));
EXPORT int clock_getres(int clk, struct vts *res) __attribute__((alias("__vdso_clock_getres")));
EXPORT long getcpu(unsigned *cpu, unsigned *node, void *unused) __attribute__((alias("__vdso_getcpu")));

/* The "Linux" note: the kernel version, for glibc. */
__asm__(".pushsection .note.Linux, \"a\", @note\n"
        ".balign 4\n"
        ".long 6, 4, 0\n"               /* name size ("Linux" and its NUL), desc size, type */
        ".asciz \"Linux\"\n"
        ".balign 4\n"
        ".long " XSTR(VDSO_LINUX_VERSION) "\n"
        ".popsection");
