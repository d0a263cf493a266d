/*
 * `schedsim process-run`: a drop-in for the book's process-run.py (chapter 4
 * homework).  Processes are lists of instructions (use the CPU for a tick,
 * or issue an I/O that takes -L ticks and then a tick to handle its
 * completion); the simulator shows, tick by tick, which process runs and
 * which are ready, blocked or done.  Same options (-s, -l X:Y,..., -P
 * c7,i,c1:..., -L, -S SWITCH_ON_IO|SWITCH_ON_END, -I IO_RUN_LATER|
 * IO_RUN_IMMEDIATE, -p, -c), same output column for column, and for a seed
 * the same random programs (Python's generator: an instruction is CPU if
 * random() < Y/100).
 *
 * The process table and the switching rules are those of the tool: the
 * running process keeps the CPU until it finishes or (SWITCH_ON_IO) issues
 * an I/O; the next process is the first ready one after it, wrapping
 * around; a finished I/O makes its process ready, and runs it at once with
 * IO_RUN_IMMEDIATE (or, with IO_RUN_LATER, when nothing else can run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "modes.h"
#include "pyrandom.h"

enum pr_op { OP_CPU, OP_IO, OP_IO_DONE };
static const char *const op_names[] = {"cpu", "io", "io_done"};

enum pr_state { ST_RUNNING, ST_READY, ST_DONE, ST_WAIT };
static const char *const state_names[] = {"RUNNING", "READY", "DONE", "BLOCKED"};

struct pr_proc {
    enum pr_op *code; /* instructions not yet run, from `pc` */
    size_t pc, len, cap;
    enum pr_state state;
    long *io_done; /* ticks at which its I/Os finish */
    size_t nio, capio;
};

struct pr {
    struct pr_proc *p;
    int n;
    size_t cap;
    int curr;
    bool switch_on_end, io_immediate;
    long io_length;
};

static void pr_push(struct pr_proc *p, enum pr_op op)
{
    p->code = grow_array(p->code, &p->cap, p->len + 1, sizeof(*p->code));
    p->code[p->len++] = op;
}

static struct pr_proc *pr_new(struct pr *s)
{
    s->p = grow_array(s->p, &s->cap, (size_t)s->n + 1, sizeof(*s->p));
    struct pr_proc *p = &s->p[s->n++];
    memset(p, 0, sizeof(*p));
    p->state = ST_READY;
    return p;
}

/* The tool checks every state change with an assert. */
static void pr_move(struct pr *s, int pid, enum pr_state expected, enum pr_state to)
{
    if (s->p[pid].state != expected)
        py_raise("AssertionError", "%s", "");
    s->p[pid].state = to;
}

static void pr_next(struct pr *s, int pid)
{
    if (pid >= 0) {
        s->curr = pid;
        pr_move(s, pid, ST_READY, ST_RUNNING);
        return;
    }
    for (int k = 1; k <= s->n; k++) {
        int q = (s->curr + k) % s->n;
        if (s->p[q].state == ST_READY) {
            s->curr = q;
            pr_move(s, q, ST_READY, ST_RUNNING);
            return;
        }
    }
}

static int pr_count(const struct pr *s, bool runnable)
{
    int c = 0;
    for (int i = 0; i < s->n; i++)
        c += runnable ? s->p[i].state == ST_READY || s->p[i].state == ST_RUNNING : s->p[i].state != ST_DONE;
    return c;
}

static void pr_check_done(struct pr *s)
{
    struct pr_proc *c = &s->p[s->curr];
    if (c->pc == c->len && c->state == ST_RUNNING) {
        pr_move(s, s->curr, ST_RUNNING, ST_DONE);
        pr_next(s, -1);
    }
}

static void pr_run(struct pr *s, bool stats)
{
    long tick = 0, cpu_busy = 0, io_busy = 0;
    s->curr = 0;
    pr_move(s, 0, ST_READY, ST_RUNNING);
    printf("Time");
    for (int i = 0; i < s->n; i++) {
        char h[16];
        snprintf(h, sizeof h, "PID:%2d", i);
        printf("%14s", h);
    }
    printf("%14s%14s\n", "CPU", "IOs");
    while (pr_count(s, false) > 0) {
        tick++;
        bool io_done = false;
        for (int pid = 0; pid < s->n; pid++) {
            struct pr_proc *p = &s->p[pid];
            bool due = false;
            for (size_t k = 0; k < p->nio && !due; k++)
                due = p->io_done[k] == tick;
            if (!due)
                continue;
            io_done = true;
            pr_move(s, pid, ST_WAIT, ST_READY);
            if (s->io_immediate) {
                if (s->curr != pid && s->p[s->curr].state == ST_RUNNING)
                    pr_move(s, s->curr, ST_RUNNING, ST_READY);
                pr_next(s, pid);
            } else {
                if (s->switch_on_end && pr_count(s, true) > 1)
                    pr_next(s, pid);
                if (pr_count(s, true) == 1)
                    pr_next(s, pid);
            }
            pr_check_done(s);
        }
        struct pr_proc *c = &s->p[s->curr];
        int op = -1;
        if (c->state == ST_RUNNING && c->pc < c->len) {
            op = (int)c->code[c->pc++];
            cpu_busy++;
        }
        printf(io_done ? "%3ld*" : "%3ld ", tick);
        for (int pid = 0; pid < s->n; pid++) {
            char cell[16];
            if (pid == s->curr && op >= 0)
                snprintf(cell, sizeof cell, "RUN:%s", op_names[op]);
            else
                snprintf(cell, sizeof cell, "%s", state_names[s->p[pid].state]);
            printf("%14s", cell);
        }
        printf("%14s", op >= 0 ? "1" : " ");
        long inflight = 0;
        for (int pid = 0; pid < s->n; pid++)
            for (size_t k = 0; k < s->p[pid].nio; k++)
                inflight += s->p[pid].io_done[k] > tick;
        if (inflight > 0) {
            printf("%14ld", inflight);
            io_busy++;
        } else {
            printf("%10s", " ");
        }
        printf("\n");
        if (op == OP_IO) {
            pr_move(s, s->curr, ST_RUNNING, ST_WAIT);
            c->io_done = grow_array(c->io_done, &c->capio, c->nio + 1, sizeof(*c->io_done));
            c->io_done[c->nio++] = tick + s->io_length + 1;
            if (!s->switch_on_end)
                pr_next(s, -1);
        }
        pr_check_done(s);
    }
    if (stats) {
        printf("\nStats: Total Time %ld\n", tick);
        printf("Stats: CPU Busy %ld (%.2f%%)\n", cpu_busy, 100.0 * (double)cpu_busy / (double)tick);
        printf("Stats: IO Busy  %ld (%.2f%%)\n\n", io_busy, 100.0 * (double)io_busy / (double)tick);
    }
}

/* -P: "c7,i,c1" per process, processes separated by ':'. */
static void pr_load_program(struct pr *s, char *prog)
{
    struct pr_proc *p = pr_new(s);
    for (char *op = prog, *next; op; op = next) {
        next = strchr(op, ',');
        if (next)
            *next++ = 0;
        if (!*op)
            py_raise("IndexError", "string index out of range");
        if (*op == 'c') {
            for (long k = py_int_or_raise(op + 1); k > 0; k--)
                pr_push(p, OP_CPU);
        } else if (*op == 'i') {
            pr_push(p, OP_IO);
            pr_push(p, OP_IO_DONE);
        } else {
            printf("bad opcode %c (should be c or i)\n", *op);
            exit(1);
        }
    }
}

/* -l: "X:Y", X instructions, each CPU with chance Y percent. */
static void pr_load(struct pr *s, char *desc, struct pyrandom *rng)
{
    struct pr_proc *p = pr_new(s);
    char *f[3];
    char *orig = strdup(desc);
    if (split(desc, ':', f, 3) != 2) {
        printf("Bad description (%s): Must be number <x:y>\n"
               "  where X is the number of instructions\n"
               "  and Y is the percent change that an instruction is CPU not IO\n",
               orig);
        exit(1);
    }
    free(orig);
    long n = py_int_or_raise(f[0]);
    double chance;
    if (!py_float(f[1], &chance)) {
        char r[512];
        py_repr(f[1], r, sizeof r);
        py_raise("ValueError", "could not convert string to float: %s", r);
    }
    chance /= 100.0;
    for (long i = 0; i < n; i++) {
        if (py_random(rng) < chance) {
            pr_push(p, OP_CPU);
        } else {
            pr_push(p, OP_IO);
            pr_push(p, OP_IO_DONE);
        }
    }
}

int mode_process_run(int argc, char **argv)
{
    long seed = 0, io_length = 5;
    const char *program = "", *plist = "", *sw = "SWITCH_ON_IO", *iod = "IO_RUN_LATER";
    bool solve = false, stats = false;
    const struct opt opts[] = {
        {'s', "seed", OPT_INT, &seed, "the random seed"},
        {'P', "program", OPT_STR, &program, "programs, e.g. c7,i,c1:c3 (c = CPU for n ticks, i = an I/O)"},
        {'l', "processlist", OPT_STR, &plist, "processes as X1:Y1,X2:Y2,... (X instructions, Y% chance of CPU)"},
        {'L', "iolength", OPT_INT, &io_length, "how long an IO takes"},
        {'S', "switch", OPT_STR, &sw, "when to switch: SWITCH_ON_IO, SWITCH_ON_END"},
        {'I', "iodone", OPT_STR, &iod, "when IO ends: IO_RUN_LATER, IO_RUN_IMMEDIATE"},
        {'c', NULL, OPT_FLAG, &solve, "compute answers for me"},
        {'p', "printstats", OPT_FLAG, &stats, "print statistics at end (with -c)"},
        {0, NULL, 0, NULL, NULL},
    };
    int rc = homework_opts(argc, argv, opts, "schedsim process-run");
    if (rc >= 0)
        return rc;
    struct pyrandom rng;
    py_seed(&rng, seed);
    if (strcmp(sw, "SWITCH_ON_IO") && strcmp(sw, "SWITCH_ON_END"))
        py_raise("AssertionError", "%s", "");
    if (strcmp(iod, "IO_RUN_LATER") && strcmp(iod, "IO_RUN_IMMEDIATE"))
        py_raise("AssertionError", "%s", "");

    struct pr s = {.switch_on_end = !strcmp(sw, "SWITCH_ON_END"), .io_immediate = !strcmp(iod, "IO_RUN_IMMEDIATE"),
                   .io_length = io_length};
    char *copy = strdup(*program ? program : plist);
    for (char *d = copy, *next; d; d = next) {
        next = strchr(d, *program ? ':' : ',');
        if (next)
            *next++ = 0;
        if (*program)
            pr_load_program(&s, d);
        else
            pr_load(&s, d, &rng);
    }
    free(copy);
    if (io_length < 0)
        py_raise("AssertionError", "%s", "");

    if (!solve) {
        printf("Produce a trace of what would happen when you run these processes:\n");
        for (int i = 0; i < s.n; i++) {
            printf("Process %d\n", i);
            for (size_t k = 0; k < s.p[i].len; k++)
                printf("  %s\n", op_names[s.p[i].code[k]]);
            printf("\n");
        }
        printf("Important behaviors:\n  System will switch when %s\n",
               s.switch_on_end ? "the current process is FINISHED" : "the current process is FINISHED or ISSUES AN IO");
        printf("  After IOs, the process issuing the IO will %s\n\n",
               s.io_immediate ? "run IMMEDIATELY" : "run LATER (when it is its turn)");
        return 0;
    }
    pr_run(&s, stats);
    for (int i = 0; i < s.n; i++) {
        free(s.p[i].code);
        free(s.p[i].io_done);
    }
    free(s.p);
    return 0;
}
