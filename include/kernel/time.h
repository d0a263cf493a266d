/* Time keeping: a monotonic nanosecond clock since boot and the tick. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

#define HZ 1000                      /* timer ticks per second */
#define TICK_NS (NSEC_PER_SEC / HZ)
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

/* TSC cycles to nanoseconds with a multiplier in 32.32 fixed point; the
 * 128-bit product never overflows.  time_ns() and the vDSO both use it. */
static inline uint64_t tsc_cycles_to_ns(uint64_t cycles, uint64_t mult)
{
    return (uint64_t)(((unsigned __int128)cycles * mult) >> 32);
}

/* The TSC calibration (arch/x86_64/apic.c): time_ns() is
 * tsc_cycles_to_ns(rdtsc() - tsc_boot, tsc_mult).  Set once at boot. */
extern uint64_t tsc_boot, tsc_mult;

uint64_t time_ns(void);              /* monotonic, since boot */
uint64_t cycles_to_ns(uint64_t tsc_cycles);   /* a TSC interval in ns */
uint64_t time_realtime_ns(void);     /* wall clock (CMOS RTC at boot + monotonic) */
uint64_t time_wall_offset_ns(void);  /* time_realtime_ns() - time_ns(): moved by setting the clock */
/* A sleep until a wall-clock time: between prepare and finish (the wait
 * queue protocol of kernel/wait.h), setting the clock wakes the task to
 * look at its deadline again (kernel/syscall/sys_time.c). */
struct wait_entry;
void clock_set_prepare_wait(struct wait_entry *w);
void clock_set_finish_wait(struct wait_entry *w);
/* Boot: reads the CMOS clock for the wall time and publishes the clocks on
 * the vDSO's data page (kernel/syscall/sys_time.c). */
void time_init(void);

#endif
