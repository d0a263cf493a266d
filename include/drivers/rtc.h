/* The real-time clock (drivers/rtc_cmos.c). */
#ifndef DRIVERS_RTC_H
#define DRIVERS_RTC_H

#include <stdint.h>

/* The date and time it holds, as seconds since the epoch (UTC). */
uint64_t rtc_read_epoch(void);

#endif
