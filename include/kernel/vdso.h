/*
 * The vDSO (docs/kernel.md, "The vDSO"): a small ELF shared object the
 * kernel maps into every process, with a data page right before it.  The
 * first half of this header is shared by the kernel, which writes the data
 * page, and the vDSO itself (arch/x86_64/vdso/), which reads it in user
 * space: plain types only.
 */
#ifndef KERNEL_VDSO_H
#define KERNEL_VDSO_H

#include <stdint.h>

/* How the vDSO reads the clocks of clock_mask */
#define VDSO_CLOCK_SYSCALL 0    /* it makes the system call */
#define VDSO_CLOCK_TSC 1        /* it converts the TSC as time_ns() does */

/* How it reads the CPU and node for getcpu.  Each CPU's number and node,
 * as node << VDSO_CPUNODE_BITS | cpu, are in IA32_TSC_AUX (RDPID and
 * RDTSCP read it, where the CPU has them) and in the limit of its GDT's
 * CPUNODE segment (LSL reads it), as on Linux. */
#define VDSO_GETCPU_LSL 0
#define VDSO_GETCPU_RDPID 1
#define VDSO_GETCPU_RDTSCP 2
#define VDSO_CPUNODE_BITS 12
#define VDSO_CPUNODE_MASK 0xfff
#define VDSO_CPUNODE_GDT 15     /* the GDT entry */
#define VDSO_CPUNODE_SEG (VDSO_CPUNODE_GDT * 8 + 3)

#define VDSO_CLOCKS 16          /* clock ids the data page can describe */

/* The Linux version the image's "Linux" note gives (glibc reads it as the
 * kernel's version): 6.1.0, the release uname reports. */
#define VDSO_LINUX_VERSION 0x060100

/*
 * The data page, [vvar].  Everything after `seq` is read under it: a reader
 * takes seq, retries while it is odd, reads, and starts again if seq then
 * differs.  Clock c (bit c of clock_mask) reads as
 *     (tsc - tsc_base) * tsc_mult >> 32  (a 128-bit product)  + offset_ns[c]
 * nanoseconds.
 */
struct vdso_data {
    uint32_t seq;
    uint32_t clock_mode;        /* VDSO_CLOCK_* */
    uint64_t tsc_base;
    uint64_t tsc_mult;
    uint32_t clock_mask;        /* the clocks the vDSO answers itself */
    uint32_t getcpu_mode;       /* VDSO_GETCPU_* */
    uint64_t res_ns;            /* clock_getres of those clocks */
    int32_t tz_minuteswest;     /* the time zone settimeofday set (gettimeofday's tz) */
    int32_t tz_dsttime;
    uint64_t offset_ns[VDSO_CLOCKS];
};

#ifdef __TESSERA_VDSO__
/* ---- the vDSO's side (arch/x86_64/vdso/vdso.c) ---- */
struct vts {
    int64_t sec, nsec;                  /* struct timespec */
};
struct vtv {
    int64_t sec, usec;                  /* struct timeval */
};
struct vtz {
    int32_t minuteswest, dsttime;       /* struct timezone */
};

/* The data page, one page before the image (vdso.lds). */
extern const struct vdso_data vvar_data __attribute__((visibility("hidden")));

/* The entry points, each exported under this name and its plain one
 * (clock_gettime, ...) at LINUX_2.6: 0 or a negative errno. */
int __vdso_clock_gettime(int clk, struct vts *ts);
int __vdso_gettimeofday(struct vtv *tv, struct vtz *tz);
int64_t __vdso_time(int64_t *t);
int __vdso_clock_getres(int clk, struct vts *res);
long __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused);
int clock_gettime(int clk, struct vts *ts);
int gettimeofday(struct vtv *tv, struct vtz *tz);
int64_t time(int64_t *t);
int clock_getres(int clk, struct vts *res);
long getcpu(unsigned *cpu, unsigned *node, void *unused);
#endif

#ifdef __TESSERA_KERNEL__
/* ---- the kernel's side (kernel/vdso.c) ---- */
struct mm;

/* Boot, once frames and the heap exist: the image's frames, the data page,
 * and CPU 0's getcpu data.  "vdso=0" on the command line leaves the vDSO
 * out of every process (as Linux's vdso=0). */
void vdso_init(void);
/* An application processor's getcpu data (run on that CPU). */
void vdso_init_cpu(int cpu);
/* Writes the clocks (kernel/timekeeping.c's wall-clock offset and time zone, the
 * TSC conversion) on the data page under its sequence count: at boot
 * after time_init, and whenever the clock or the time zone is set.
 * Nothing before vdso_init. */
void vdso_publish_clocks(void);
/* exec: maps [vvar] and [vdso] into the new address space below its mmap
 * top; the image's address (AT_SYSINFO_EHDR), 0 under vdso=0, or -errno. */
long vdso_map(struct mm *mm);

/* The image, embedded by arch/x86_64/vdso_image.S. */
extern const uint8_t vdso_image_start[], vdso_image_end[];
#endif

#endif
