/*
 * The kernel log's state, shared by the log itself (kernel/log.c: kprintf,
 * the console) and its readers (kernel/kmsg.c: syslog(2), /dev/kmsg,
 * /proc/sys/kernel/printk).  Everyone else just calls kprintf().
 */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include <kernel/logbuf.h>
#include <kernel/spinlock.h>
#include <kernel/sysctl.h>
#include <kernel/wait.h>

#define LOG_BUF_SIZE (128 * 1024)   /* syslog(2) SIZE_BUFFER */
#define LOG_CONSOLE_DEFAULT 7       /* console levels: print levels below this */
#define LOG_CONSOLE_QUIET 4         /* "quiet": errors and worse (Linux's CONSOLE_LOGLEVEL_QUIET) */
#define LOG_CONSOLE_MIN 1           /* syslog CONSOLE_OFF: emergencies only */
#define LOG_USER_DEFAULT 4          /* a /dev/kmsg write without "<N>": warning */

/* log_ring is read under log_lock (a spinlock: copy a record out before
 * touching user memory).  log_wait is woken when a record is stored from a
 * context that may wake (interrupts on); a blocked reader also looks again
 * every LOG_READER_RECHECK_MS for records stored from under a lock. */
extern struct spinlock log_lock;
extern struct logbuf log_ring;
extern struct waitq log_wait;
#define LOG_READER_RECHECK_MS 100

/* Stores a record and prints it on the console if its level is below the
 * console level (or a panic is under way). */
void log_store(int facility, int level, const char *text, size_t len);

int log_console_level(void);
void log_set_console_level(int level);

/* /dev/kmsg (kernel/kmsg.c), at boot once devfs is up. */
void kmsg_init(void);
/* /proc/sys/kernel/printk (include/kernel/sysctl.h). */
extern const struct sysctl_entry kmsg_sysctls[];

#endif
