/*
 * What schedlab's two halves share: user/schedlab.c (the uniprocessor
 * experiments, the command line, the judging) and user/schedlab/mp.c (the
 * multiprocessor chapter's experiments).
 */
#ifndef SCHEDLAB_H
#define SCHEDLAB_H

#include <stddef.h>
#include <stdint.h>

#define SYSCTL "/proc/sys/kernel/"

extern double unit_ns;          /* one time unit (-u) */
extern int on_tessera;          /* /proc/sys/kernel/sched_policy is writable */
extern int print_names;         /* -T: "#name PID LABEL" lines for tracetool */
extern int judged, failed;      /* figures judged, and outside their tolerance */

int64_t mono(void);             /* CLOCK_MONOTONIC, ns */
int64_t cpu(void);              /* this thread's CPU time, ns */
void sleep_until(int64_t t);    /* CLOCK_MONOTONIC deadline */
/* A small file's first line, NUL-terminated: 0, or -1 if it cannot be read. */
int read_file(const char *path, char *buf, size_t n);
/* Writes /proc/sys/kernel/<file>, remembering its first value so that the
 * end of the run (or a signal) puts it back: 0 or -1 (reported). */
int set_sysctl(const char *file, const char *val);
/* The result pipe and a release pipe per job: 0, or -1 (said why). */
int make_pipes(int res[2], int (*rel)[2], int nj);
/* Reads the jobs' reports from fd (records of `size` bytes, each opening
 * with its job's index, an int) into r[index]; closes fd and returns how
 * many of the nj jobs reported. */
int collect_reports(int fd, void *r, size_t size, int nj);
/* Prints one judged figure and counts it. */
void judge(const char *what, double got, double want, double tol, const char *unit);

/* The multiprocessor experiments (mp.c): name, title, what the book says,
 * how many CPUs they need at least, and the function that runs one
 * (0 ran, 1 skipped, -1 could not run). */
struct mp_exp {
    const char *name, *title, *book;
    int min_cpus;
    int (*run)(const struct mp_exp *e);
};
extern const struct mp_exp mp_exps[];
extern const size_t mp_nexps;
/* The CPUs the experiments may use: 0 .. mp_ncpus-1 (set by main before it
 * pins itself to CPU 0). */
extern int mp_ncpus;

#endif
