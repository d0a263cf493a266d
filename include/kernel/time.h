/* Time keeping: a monotonic nanosecond clock since boot and the tick. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>
#include <uapi/time.h>

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
/* The clocks that are time_ns() plus an offset: the wall clocks add the
 * wall clock at boot; the others are time_ns() itself (the coarse clocks
 * are as fine, and BOOTTIME is MONOTONIC: the machine never sleeps).  The
 * vDSO serves these; clock_getres says TIME_RES_NS for every clock. */
#define TIME_WALL_CLOCKS (1u << CLOCK_REALTIME | 1u << CLOCK_REALTIME_COARSE | 1u << CLOCK_TAI)
#define TIME_TSC_CLOCKS (TIME_WALL_CLOCKS | 1u << CLOCK_MONOTONIC | 1u << CLOCK_MONOTONIC_RAW | \
                         1u << CLOCK_MONOTONIC_COARSE | 1u << CLOCK_BOOTTIME)
#define TIME_RES_NS 1

#endif
