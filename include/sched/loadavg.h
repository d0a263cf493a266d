/* The load average (kernel/sched/loadavg.c), in Linux's fixed point. */
#ifndef SCHED_LOADAVG_H
#define SCHED_LOADAVG_H

#include <stdint.h>

#define LOADAVG_FSHIFT 11
#define LOADAVG_FIXED_1 (1UL << LOADAVG_FSHIFT)
#define LOADAVG_FREQ_NS 5001000000ULL   /* Linux's LOAD_FREQ: 5 s and a tick */

/* One average's step: `load` decays by `exp` towards `active` (all three
 * in fixed point); rounds up while rising and down while falling. */
unsigned long loadavg_calc(unsigned long load, unsigned long exp, unsigned long active);
/* The 1, 5 and 15-minute averages after `periods` samples of `active` tasks. */
void loadavg_feed(unsigned long avg[3], unsigned long active, uint64_t periods);

void loadavg_tick(uint64_t now_ns);     /* CPU 0's tick: samples when one is due */
void sched_loadavg(unsigned long avg[3]);   /* the current averages */

#endif
