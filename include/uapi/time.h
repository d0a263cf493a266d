/* Clock ids and clock_nanosleep flags (Linux's values), shared by the
 * kernel's time calls and the vDSO. */
#ifndef UAPI_TIME_H
#define UAPI_TIME_H

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11             /* the wall clock with no leap seconds: TAI offset 0, as Linux by default */
#define TIMER_ABSTIME 1

#endif
