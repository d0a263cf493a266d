/* timerfd (kernel/fs/timerfd.c): what the rest of the kernel calls. */
#ifndef FS_TIMERFD_H
#define FS_TIMERFD_H

/* The wall clock was set: every timerfd armed with TFD_TIMER_ABSTIME |
 * TFD_TIMER_CANCEL_ON_SET on a CLOCK_REALTIME clock becomes readable, and
 * its next read fails with ECANCELED. */
void timerfd_clock_was_set(void);

#endif
