/*
 * tracetool: turns a captured Tessera scheduling trace (/proc/sched_trace)
 * into a Chrome trace-event JSON (opens in Perfetto) and an SVG timeline,
 * with the writers the simulator uses (tools/schedsim/trace_out.c), and
 * prints a per-process summary.
 *
 *   tracetool [-c | -p] [-j OUT.json] [-s OUT.svg] [-t TITLE] INPUT
 *     -p  one row per process (default)      -c  one row per CPU
 *
 * INPUT is either the file itself or a console log that contains it between
 * "@@TRACE-BEGIN" and "@@TRACE-END" lines (what `make trace` captures);
 * carriage returns and kernel log lines ("[...") are ignored.  Lines
 * "#name PID LABEL" anywhere in the input (schedlab -T prints them) name
 * processes that had exited by the time the trace was read.
 *
 * A process runs on a CPU from a "switch" to it until the next "switch" on
 * that CPU; those intervals are the spans.  Idle (pid 0) is not drawn: the
 * gaps are idle time.  "wake" and "exit" events become marks.  Times are
 * shown in milliseconds from the first record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../schedsim/trace_out.h"

#define MAXCPU 64
#define NAMELEN 48

struct rec {
    unsigned long long t;
    int cpu, pid;
    char ev[8];
    char comm[NAMELEN];
};

struct proc {
    int pid;
    char name[NAMELEN];
    char label[NAMELEN + 16];   /* "name (pid N)" */
    char rowname[32];           /* short: "name N" (13 characters at most) */
    int runs;                   /* times switched to */
    double cpu_us;              /* time in spans */
    int row;
};

static struct rec *recs;
static size_t nrecs, caprecs;
static struct proc *procs;
static size_t nprocs, capprocs;

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    *cap = *cap ? *cap * 2 : 256;
    if (*cap < need)
        *cap = need;
    p = realloc(p, *cap * size);
    if (!p) {
        fprintf(stderr, "tracetool: out of memory\n");
        exit(1);
    }
    return p;
}

static struct proc *proc_of(int pid)
{
    for (size_t i = 0; i < nprocs; i++)
        if (procs[i].pid == pid)
            return &procs[i];
    procs = grow(procs, &capprocs, nprocs + 1, sizeof(*procs));
    struct proc *p = &procs[nprocs++];
    memset(p, 0, sizeof(*p));
    p->pid = pid;
    p->row = -1;
    return p;
}

/* Reads INPUT; returns 0, or -1 with a message if it holds no trace. */
static int load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[512];
    int markers = 0, inside = 0, bad = 0;
    while (fgets(line, sizeof line, f) && !markers)     /* a console log? */
        markers = !strncmp(line, "@@TRACE-BEGIN", 13);
    rewind(f);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!strncmp(line, "@@TRACE-BEGIN", 13)) {
            inside = 1;
            nrecs = 0;          /* the last capture in the log wins */
            continue;
        }
        if (!strncmp(line, "@@TRACE-END", 11)) {
            inside = 0;
            continue;
        }
        int pid;
        char label[NAMELEN];
        if (sscanf(line, "#name %d %47s", &pid, label) == 2) {
            snprintf(proc_of(pid)->name, NAMELEN, "%s", label);
            continue;
        }
        if ((markers && !inside) || line[0] == '#' || line[0] == '[' || !line[0])
            continue;
        struct rec r = {0};
        if (sscanf(line, "%llu %d %7s %d %47s", &r.t, &r.cpu, r.ev, &r.pid, r.comm) < 4 || r.cpu < 0 ||
            r.cpu >= MAXCPU) {
            if (bad++ < 3)
                fprintf(stderr, "tracetool: %s: not a trace line: %s\n", path, line);
            continue;
        }
        recs = grow(recs, &caprecs, nrecs + 1, sizeof(*recs));
        recs[nrecs++] = r;
    }
    fclose(f);
    if (!nrecs) {
        fprintf(stderr, "tracetool: %s: no trace records%s\n", path,
                markers ? "" : " (and no @@TRACE-BEGIN marker)");
        return -1;
    }
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: tracetool [-c | -p] [-j OUT.json] [-s OUT.svg] [-t TITLE] INPUT\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *json = NULL, *svg = NULL, *title = "Tessera schedule", *in = NULL;
    int per_cpu = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c"))
            per_cpu = 1;
        else if (!strcmp(argv[i], "-p"))
            per_cpu = 0;
        else if (!strcmp(argv[i], "-j") && i + 1 < argc)
            json = argv[++i];
        else if (!strcmp(argv[i], "-s") && i + 1 < argc)
            svg = argv[++i];
        else if (!strcmp(argv[i], "-t") && i + 1 < argc)
            title = argv[++i];
        else if (argv[i][0] != '-' && !in)
            in = argv[i];
        else
            return usage();
    }
    if (!in)
        return usage();
    if (load(in) < 0)
        return 1;

    unsigned long long t0 = recs[0].t, tend = recs[nrecs - 1].t;
    struct trace_span *spans = calloc(nrecs + MAXCPU, sizeof(*spans));
    struct trace_mark *marks = calloc(nrecs, sizeof(*marks));
    size_t nspans = 0, nmarks = 0;
    int running[MAXCPU];
    unsigned long long since[MAXCPU];
    int ncpu = 0;
    for (int c = 0; c < MAXCPU; c++)
        running[c] = -1;
    if (!spans || !marks)
        return fprintf(stderr, "tracetool: out of memory\n"), 1;

    /* first pass: names from the records (the name when the trace was read) */
    for (size_t i = 0; i < nrecs; i++) {
        struct proc *p = proc_of(recs[i].pid);
        if (!p->name[0] && strcmp(recs[i].comm, "-") && recs[i].comm[0])
            snprintf(p->name, NAMELEN, "%s", recs[i].comm);
        if (recs[i].cpu + 1 > ncpu)
            ncpu = recs[i].cpu + 1;
    }
    /* labels: "name (pid)" for spans; rows get at most 13 characters, which
     * is what the SVG's label column holds */
    for (size_t i = 0; i < nprocs; i++) {
        struct proc *p = &procs[i];
        char pid[16];
        int n = snprintf(pid, sizeof pid, " %d", p->pid);
        snprintf(p->label, sizeof p->label, "%s (pid %d)", p->name[0] ? p->name : "?", p->pid);
        snprintf(p->rowname, sizeof p->rowname, "%.*s%s", 13 - n > 1 ? 13 - n : 1, p->name[0] ? p->name : "?", pid);
    }

    /* spans: from a switch on a CPU to the next switch there (row = CPU, or
     * for now the process's index) */
    size_t *owner = calloc(nrecs + MAXCPU, sizeof(*owner));
    if (!owner)
        return fprintf(stderr, "tracetool: out of memory\n"), 1;
    for (size_t i = 0; i <= nrecs; i++) {
        const struct rec *r = i < nrecs ? &recs[i] : NULL;
        for (int c = 0; c < ncpu; c++) {
            if (running[c] < 0 || (r && !(r->cpu == c && !strcmp(r->ev, "switch"))))
                continue;
            unsigned long long end = r ? r->t : tend;    /* at the end, every open span closes */
            struct proc *p = proc_of(running[c]);
            if (p->pid != 0 && end > since[c]) {
                struct trace_span *s = &spans[nspans];
                owner[nspans++] = (size_t)(p - procs);
                s->row = c;
                s->color = per_cpu ? 1 + (int)(p - procs) : 0;   /* a colour per process on CPU rows */
                s->start_us = (since[c] - t0) / 1e3;
                s->dur_us = (end - since[c]) / 1e3;
                s->name = p->label;
                p->cpu_us += s->dur_us;
            }
            running[c] = -1;
        }
        if (r && !strcmp(r->ev, "switch")) {
            running[r->cpu] = r->pid;
            since[r->cpu] = r->t;
            proc_of(r->pid)->runs += r->pid != 0;
        }
    }

    /* rows: per CPU, or one per process that ran, in order of first run */
    int nrows = 0;
    const char **rows = calloc(nprocs + MAXCPU, sizeof(*rows));
    static char cpu_names[MAXCPU][16];
    for (int c = 0; per_cpu && c < ncpu; c++) {
        snprintf(cpu_names[c], sizeof cpu_names[c], "CPU %d", c);
        rows[nrows++] = cpu_names[c];
    }
    for (size_t i = 0; !per_cpu && i < nspans; i++) {
        struct proc *p = &procs[owner[i]];
        if (p->row < 0) {
            p->row = nrows++;
            rows[p->row] = p->rowname;
        }
        spans[i].row = p->row;
    }
    /* marks: wake-ups and exits on the process rows */
    for (size_t i = 0; !per_cpu && i < nrecs; i++) {
        const struct rec *r = &recs[i];
        struct proc *p = proc_of(r->pid);
        if (p->row >= 0 && (!strcmp(r->ev, "wake") || !strcmp(r->ev, "exit"))) {
            struct trace_mark *m = &marks[nmarks++];
            m->row = p->row;
            m->ts_us = (r->t - t0) / 1e3;
            m->name = !strcmp(r->ev, "wake") ? "wake" : "exit";
        }
    }

    struct trace_doc doc = {.title = title, .rows = rows, .nrows = nrows,
                            .spans = spans, .nspans = nspans, .marks = marks, .nmarks = nmarks,
                            .unit_us = 1000, .unit_name = "ms"};
    int rc = 0;
    if (json && trace_save(json, trace_write_chrome_json, &doc))
        rc = 1;
    if (svg && trace_save(svg, trace_write_svg, &doc))
        rc = 1;

    printf("%zu records over %.3f ms on %d CPU(s), %zu spans\n", nrecs, (tend - t0) / 1e6, ncpu, nspans);
    printf("%7s  %-24s %6s %10s\n", "pid", "name", "runs", "cpu_ms");
    for (size_t i = 0; i < nprocs; i++)
        if (procs[i].runs)
            printf("%7d  %-24s %6d %10.3f\n", procs[i].pid, procs[i].name[0] ? procs[i].name : "?", procs[i].runs,
                   procs[i].cpu_us / 1e3);
    return rc;
}
