/*
 * The PC's real-time clock, in the CMOS: read once at boot for the wall
 * clock (kernel/syscall/sys_time.c).  Its registers hold the date and time
 * in BCD unless status register B says binary; the read waits until no
 * update is in progress.
 */
#include <arch/x86.h>
#include <drivers/rtc.h>
#include <kernel/kernel.h>

static int bcd(int v) { return (v & 15) + (v >> 4) * 10; }

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

uint64_t rtc_read_epoch(void)
{
    while (cmos_read(0x0a) & 0x80)
        ;
    int sec = cmos_read(0), min = cmos_read(2), hour = cmos_read(4), day = cmos_read(7), mon = cmos_read(8), year = cmos_read(9);
    if (!(cmos_read(0x0b) & 4)) {
        sec = bcd(sec); min = bcd(min); hour = bcd(hour & 0x7f); day = bcd(day); mon = bcd(mon); year = bcd(year);
    }
    int64_t days = days_from_civil(2000 + year, mon, day);
    return (uint64_t)(days * 86400 + hour * 3600 + min * 60 + sec);
}
