/* Timekeeping (kernel/timekeeping.c): the wall clock and the time zone on
 * top of the monotonic clock of kernel/time.h. */
#ifndef KERNEL_TIMEKEEPING_H
#define KERNEL_TIMEKEEPING_H

#include <kernel/time.h>

uint64_t time_realtime_ns(void);     /* wall clock (CMOS RTC at boot + monotonic) */
uint64_t time_wall_offset_ns(void);  /* time_realtime_ns() - time_ns(): moved by setting the clock */
int time_set_realtime(uint64_t ns); /* 0, or -EINVAL before the moment of boot */
void time_set_tz(int32_t minuteswest, int32_t dsttime);
void time_get_tz(int32_t *minuteswest, int32_t *dsttime);
/* A sleep until a wall-clock time: between prepare and finish (the wait
 * queue protocol of kernel/wait.h), setting the clock wakes the task to
 * look at its deadline again. */
struct wait_entry;
void clock_set_prepare_wait(struct wait_entry *w);
void clock_set_finish_wait(struct wait_entry *w);
/* Boot: reads the CMOS clock for the wall time (the boot then publishes
 * the clocks on the vDSO's data page: vdso_publish_clocks). */
void time_init(void);

#endif
