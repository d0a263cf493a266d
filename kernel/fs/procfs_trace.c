/*
 * The scheduling trace (kernel/trace.c) as files, read through its
 * public functions (include/kernel/trace.h):
 *
 *   /proc/sched_trace                   one event per line, oldest first:
 *                                       "time_ns cpu event pid comm"
 *   /proc/sys/kernel/sched_trace_enabled
 *                                       1 = recording; writing 1 restarts
 *                                       the trace (drops what was recorded),
 *                                       writing 0 stops it (keeps it)
 *
 * time_ns is CLOCK_MONOTONIC (the kernel's time_ns), so a program can match
 * its own clock_gettime readings against the trace.  comm is the pid's name
 * when the file is opened, "-" if the task is gone, "idle" for pid 0.
 * Opening the file snapshots the ring (it is a seqfile): reading consumes
 * nothing, and every open starts at the oldest record still kept.  Records
 * newer than the open are left out, so the reader's own scheduling while
 * the snapshot is formatted does not make it chase its tail.
 */
#include <fs/procfs.h>
#include <kernel/kernel.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/trace.h>
#include <lib/string.h>
#include <mm/kheap.h>

#define CHUNK 256

/* Formats the chunk; takes tasks_lock to name the pids. */
static void show_chunk(struct seqbuf *s, const struct trace_record *r, size_t n)
{
    spin_lock(&tasks_lock);
    int last_pid = -1;
    const char *last_comm = "-";
    for (size_t i = 0; i < n && !s->overflow; i++) {
        if (r[i].pid != last_pid) {
            struct task *t = r[i].pid ? task_find(r[i].pid) : NULL;
            last_pid = r[i].pid;
            last_comm = !r[i].pid ? "idle" : t && t->comm[0] ? t->comm : "-";
        }
        seq_printf(s, "%lu %u %s %d %s\n", (unsigned long)r[i].time_ns, r[i].cpu, trace_event_name(r[i].event),
                   r[i].pid, last_comm);
    }
    spin_unlock(&tasks_lock);
}

int procfs_show_trace(struct seqbuf *s)
{
    struct trace_record *buf = kmalloc(CHUNK * sizeof(*buf));
    if (!buf)
        return -ENOMEM;
    uint64_t end = time_ns(), pos = 0;
    seq_printf(s, "# time_ns cpu event pid comm\n");
    for (;;) {
        size_t n = trace_read(&pos, buf, CHUNK), keep = 0;
        while (keep < n && buf[keep].time_ns <= end)
            keep++;
        show_chunk(s, buf, keep);
        /* on overflow, seqfile calls again with a larger buffer */
        if (keep < CHUNK || s->overflow)
            break;
    }
    kfree(buf);
    return 0;
}

static int enabled_read(char *buf, size_t n) { return snprintf(buf, n, "%d", READ_ONCE(trace_enabled)); }

static int enabled_write(const char *val, size_t len)
{
    if (len != 1 || (val[0] != '0' && val[0] != '1'))
        return -EINVAL;
    trace_restart(val[0] == '1');
    return 0;
}

void procfs_trace_init(void)
{
    /* recording costs a little on every switch, so it starts off unless the
     * command line says "sched_trace" */
    if (cmdline_get("sched_trace"))
        trace_restart(true);
    int err = procfs_register_sysctl("sched_trace_enabled", enabled_read, enabled_write);
    if (err)
        kprintf(KERN_ERR "trace: cannot register sched_trace_enabled (%d)\n", err);
}
