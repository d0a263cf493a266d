/*
 * Timekeeping: the wall clock and the time zone, on top of the monotonic
 * clock (time_ns(), the TSC, arch/x86_64/apic.c).  The wall clock is the
 * monotonic clock plus an offset: the CMOS clock's reading at boot, moved
 * by setting the clock (time_set_realtime), after which whatever waits for
 * a wall-clock time waits for the new one.  The clocks that are the TSC
 * plus an offset (TIME_TSC_CLOCKS) are also described on the vDSO's data
 * page (kernel/vdso.c: vdso_publish_clocks reads them from here),
 * so libc reads them without a system call.
 */
#include <drivers/rtc.h>
#include <kernel/hrtimer.h>
#include <kernel/kernel.h>
#include <kernel/timekeeping.h>
#include <kernel/wait.h>
#include <uapi/errno.h>

static uint64_t boot_realtime_ns;       /* wall clock at time_ns() == 0 */
static struct { int32_t minuteswest, dsttime; } sys_tz;   /* settimeofday's */

uint64_t time_realtime_ns(void) { return READ_ONCE(boot_realtime_ns) + time_ns(); }
uint64_t time_wall_offset_ns(void) { return READ_ONCE(boot_realtime_ns); }

/* Sleepers until a wall-clock time (clock_nanosleep TIMER_ABSTIME on
 * CLOCK_REALTIME or CLOCK_TAI): setting the clock wakes them to look again. */
static struct waitq clock_set_wait = WAITQ_INIT(clock_set_wait);

void clock_set_prepare_wait(struct wait_entry *w) { prepare_to_wait(&clock_set_wait, w); }
void clock_set_finish_wait(struct wait_entry *w) { finish_wait(&clock_set_wait, w); }

/* Boot: the CMOS clock, read once (UTC), sets the wall clock. */
void time_init(void)
{
    boot_realtime_ns = rtc_read_epoch() * NSEC_PER_SEC - time_ns();
}

/* Sets the wall clock to want_ns (Linux's do_settimeofday64): not before
 * the moment of boot (EINVAL).  What waits for a wall time waits for the
 * new one (Linux's clock_was_set).  The caller then republishes the
 * vDSO's clocks (vdso_publish_clocks) and tells the file layer
 * (timerfd_clock_was_set: TFD_TIMER_CANCEL_ON_SET). */
int time_set_realtime(uint64_t want_ns)
{
    uint64_t now = time_ns();
    if (want_ns < now)
        return -EINVAL;
    WRITE_ONCE(boot_realtime_ns, want_ns - now);
    hrtimer_clock_was_set();
    waitq_wake_all(&clock_set_wait);
    return 0;
}

void time_set_tz(int32_t minuteswest, int32_t dsttime)
{
    sys_tz.minuteswest = minuteswest;
    sys_tz.dsttime = dsttime;
}

void time_get_tz(int32_t *minuteswest, int32_t *dsttime)
{
    *minuteswest = sys_tz.minuteswest;
    *dsttime = sys_tz.dsttime;
}
