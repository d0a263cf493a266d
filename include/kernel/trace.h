/*
 * The scheduling trace: a ring buffer of events (switch, wake, block, exit,
 * ready) per CPU with nanosecond timestamps, read by user space from
 * /proc/sched_trace and turned into pictures by tools (kernel/trace.c).
 */
#ifndef KERNEL_TRACE_H
#define KERNEL_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#define TRACE_SIZE 16384        /* records kept; older ones are overwritten */

enum trace_event {
    TRACE_SWITCH = 1,   /* pid starts running on cpu */
    TRACE_WAKE = 2,     /* pid became runnable (new or woken) */
    TRACE_BLOCK = 3,    /* pid stopped running and sleeps */
    TRACE_EXIT = 4,     /* pid exited */
    TRACE_READY = 5,    /* pid was preempted or yielded, still runnable */
    TRACE_MIGRATE = 6,  /* pid moved to cpu (load balancing or affinity) */
};

struct trace_record {
    uint64_t time_ns;
    int32_t pid;
    uint16_t cpu;
    uint16_t event;
};

extern int trace_enabled;
void trace_sched_record(enum trace_event ev, int pid, int cpu);
static inline void trace_sched(enum trace_event ev, int pid, int cpu)
{
    if (trace_enabled)
        trace_sched_record(ev, pid, cpu);
}
/* Copies records from `*pos` on into buf; returns how many.  A position
 * older than the oldest record still kept is moved up to it, so *pos = 0
 * reads from the oldest record on. */
size_t trace_read(uint64_t *pos, struct trace_record *buf, size_t max);
/* enable: forget every record so far and record from now on; !enable: stop
 * recording (what was recorded stays readable). */
void trace_restart(bool enable);
/* "switch", "wake", "block", "exit", "ready" ("?" for anything else). */
const char *trace_event_name(unsigned ev);


#endif
