/*
 * The load average: Linux's exponentially damped averages over 1, 5 and 15
 * minutes of the number of active tasks, sampled every 5 seconds (and a
 * tick) by CPU 0's tick.  Active means runnable: on a CPU or in a run
 * queue, the idle tasks never counted.  Linux also counts tasks in
 * uninterruptible sleep; Tessera's sleeps are all interruptible, so there
 * are none to count.  A sample that is late (the tick could not run for
 * longer than a period) is fed once for each period it covers.
 *
 * The averages are written by CPU 0 only and read without a lock, each
 * value a single word, as in Linux.  The arithmetic compiles on the host
 * too (tests/host/test_loadavg.c).
 */
#include <sched/loadavg.h>

/* 2048 / e^(5 s / 1, 5, 15 min), Linux's EXP_1, EXP_5, EXP_15 */
static const unsigned long load_exp[3] = { 1884, 2014, 2037 };

unsigned long loadavg_calc(unsigned long load, unsigned long exp, unsigned long active)
{
    unsigned long newload = load * exp + active * (LOADAVG_FIXED_1 - exp);
    if (active >= load)
        newload += LOADAVG_FIXED_1 - 1;
    return newload / LOADAVG_FIXED_1;
}

void loadavg_feed(unsigned long avg[3], unsigned long active, uint64_t periods)
{
    for (uint64_t p = 0; p < periods; p++)
        for (int i = 0; i < 3; i++)
            avg[i] = loadavg_calc(avg[i], load_exp[i], active * LOADAVG_FIXED_1);
}

#ifndef HOST_TEST
#include <kernel/kernel.h>
#include <sched/sched.h>

static unsigned long avenrun[3];
static uint64_t next_sample_ns = LOADAVG_FREQ_NS;

void loadavg_tick(uint64_t now_ns)
{
    if (now_ns < next_sample_ns)
        return;
    uint64_t periods = (now_ns - next_sample_ns) / LOADAVG_FREQ_NS + 1;
    next_sample_ns += periods * LOADAVG_FREQ_NS;
    unsigned long avg[3] = { avenrun[0], avenrun[1], avenrun[2] };
    loadavg_feed(avg, sched_nr_running_total(), MIN(periods, 720));   /* an hour decays everything */
    for (int i = 0; i < 3; i++)
        WRITE_ONCE(avenrun[i], avg[i]);
}

void sched_loadavg(unsigned long avg[3])
{
    for (int i = 0; i < 3; i++)
        avg[i] = READ_ONCE(avenrun[i]);
}
#endif
