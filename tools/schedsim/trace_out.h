/*
 * Writers for schedule traces, shared by the simulator and the kernel trace
 * tool: Chrome trace-event JSON (opens in Perfetto and chrome://tracing) and
 * a self-contained SVG timeline with one row per job (or per CPU).  Input is
 * a list of spans (something ran on a row from a time, for a duration) and
 * of instant marks (arrival, I/O, exit), times in microseconds.
 */
#ifndef TRACE_OUT_H
#define TRACE_OUT_H

#include <stddef.h>
#include <stdio.h>

struct trace_span {
    int row;            /* which row (job or CPU) */
    double start_us, dur_us;
    const char *name;   /* label, e.g. "job 2" */
    int color;          /* palette slot + 1 (e.g. per process on a CPU row); 0 = the row's colour */
};

struct trace_mark {
    int row;
    double ts_us;
    const char *name;   /* e.g. "arrive", "io", "exit" */
};

struct trace_doc {
    const char *title;          /* process name / SVG heading */
    const char *const *rows;    /* row labels, nrows of them */
    int nrows;
    const struct trace_span *spans;
    size_t nspans;
    const struct trace_mark *marks;
    size_t nmarks;
    double unit_us;             /* SVG axis: one tick label per unit */
    const char *unit_name;      /* e.g. "ms" */
};

/* Both return 0, or -1 if writing failed. */
int trace_write_chrome_json(FILE *f, const struct trace_doc *d);
int trace_write_svg(FILE *f, const struct trace_doc *d);

/* Convenience: open `path`, write, close; prints a message on failure. */
int trace_save(const char *path, int (*writer)(FILE *, const struct trace_doc *), const struct trace_doc *d);

#endif
