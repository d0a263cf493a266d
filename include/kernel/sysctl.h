/*
 * Tunables under /proc/sys, as the subsystems offer them.  A subsystem
 * that has tunables exports a table of them in its own header (a name, a
 * reader and a writer, the table ending with a NULL name); /proc
 * (kernel/fs/procfs.c) lists every such table and serves the files, so the
 * subsystems depend on this header only, never on the file system.
 *
 *   name:  "<name>" is /proc/sys/kernel/<name>, "fs/<name>" /proc/sys/fs/<name>.
 *   read(buf, n): write the current value as text (a trailing newline is
 *                 added if missing); return its length or -errno.
 *   write(val, len): val is NUL-terminated with one trailing newline removed;
 *                 return 0, or -EINVAL to refuse the value (the write(2)
 *                 then fails with EINVAL and nothing changes).  NULL makes the
 *                 file read-only.
 * Both callbacks run in process context and may take spinlocks.
 */
#ifndef KERNEL_SYSCTL_H
#define KERNEL_SYSCTL_H

#include <kernel/kernel.h>

typedef int (*sysctl_read_fn)(char *buf, size_t n);
typedef int (*sysctl_write_fn)(const char *val, size_t len);

struct sysctl_entry {
    const char *name;
    sysctl_read_fn read;
    sysctl_write_fn write;
};

/* Parsing a written value (kernel/sysctl.c). */
/* A decimal integer (a leading '-' allowed); false if it is not one. */
bool sysctl_parse_i64(const char *val, int64_t *out);
/* As Linux's integer sysctls read one (proc_dointvec_minmax): blanks, an
 * optional sign, a number in C notation (decimal, 0x hex, 0 octal), then
 * the end or a blank (the rest is ignored).  0 with *out set, or -EINVAL if
 * it is not one or lies outside [min, max]. */
int sysctl_parse_int(const char *val, int min, int max, int *out);

#endif
