/*
 * The scheduling trace ring.  A fixed array of records with a global write
 * index; readers keep their own position and see only records still in the
 * ring.  Writers take a small lock (the events come from several CPUs).
 *
 * `tail` is the index of the oldest record a reader may see: it moves when
 * the ring wraps (implicitly, head - TRACE_SIZE) and when the trace is
 * restarted (trace_restart), so a restart forgets everything recorded
 * before it without touching the records themselves.
 */
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <kernel/time.h>
#include <kernel/trace.h>

int trace_enabled;             /* off until /proc/sys/kernel/sched_trace_enabled or "sched_trace" */
static struct trace_record ring[TRACE_SIZE];
static uint64_t head, tail;
static struct spinlock trace_lock = SPINLOCK_INIT("trace");

void trace_sched_record(enum trace_event ev, int pid, int cpu)
{
    uint64_t now = time_ns();
    spin_lock(&trace_lock);
    struct trace_record *r = &ring[head % TRACE_SIZE];
    r->time_ns = now;
    r->pid = pid;
    r->cpu = cpu;
    r->event = ev;
    head++;
    spin_unlock(&trace_lock);
}

size_t trace_read(uint64_t *pos, struct trace_record *buf, size_t max)
{
    spin_lock(&trace_lock);
    if (*pos + TRACE_SIZE < head)
        *pos = head - TRACE_SIZE;       /* the oldest records were overwritten */
    if (*pos < tail)
        *pos = tail;                    /* dropped by a restart */
    size_t n = 0;
    while (*pos < head && n < max)
        buf[n++] = ring[(*pos)++ % TRACE_SIZE];
    spin_unlock(&trace_lock);
    return n;
}

void trace_restart(bool enable)
{
    spin_lock(&trace_lock);
    if (enable)
        tail = head;
    WRITE_ONCE(trace_enabled, enable ? 1 : 0);
    spin_unlock(&trace_lock);
}

const char *trace_event_name(unsigned ev)
{
    static const char *const names[] = {
        [TRACE_SWITCH] = "switch", [TRACE_WAKE] = "wake", [TRACE_BLOCK] = "block",
        [TRACE_EXIT] = "exit",     [TRACE_READY] = "ready",  [TRACE_MIGRATE] = "migrate",
    };
    return ev < ARRAY_SIZE(names) && names[ev] ? names[ev] : "?";
}
