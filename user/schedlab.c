/*
 * schedlab: the scheduling chapters' workloads run on the real kernel, each
 * measured and judged against what the book predicts.
 *
 *   schedlab list                 the experiments
 *   schedlab run NAME...          run some (a name may repeat)
 *   schedlab all                  run every one
 *   schedlab uni | multi          the uniprocessor ones, the multiprocessor ones
 *   options (before the command): -u MS  length of one time unit (default 10)
 *                                 -T     print "#name PID LABEL" lines for tracetool
 *                                 -h, --help  this usage
 *
 * The multiprocessor chapter's experiments (mp-scale, mp-imbalance,
 * mp-affinity) are in schedlab/mp.c, which says how they measure.
 *
 * Method.  Everything is pinned to CPU 0 (a uniprocessor experiment).  The
 * policy is chosen by writing /proc/sys/kernel/sched_policy and the slices by
 * the tunable files; all of them are put back at the end.  Each job is a
 * forked child that first declares its tickets and expected run time
 * (Tessera's calls), then blocks reading its own pipe.  The parent releases
 * the jobs in arrival order by writing the experiment's time origin into
 * those pipes, at the arrival times (its own declared run time is 1 ns, so
 * under SJF/STCF it is always the shortest and can release a job while
 * another runs).  Arrival is the time of that write; the child records its
 * first run (when the read returns), burns CPU measured with
 * CLOCK_THREAD_CPUTIME_ID, sleeps for its "I/O", and records its completion;
 * it sends the figures to the parent through a result pipe.
 *
 *   response = first run - arrival, turnaround = completion - arrival,
 *   wait = turnaround - CPU time - I/O time (time spent ready).
 *
 * Share experiments (MLFQ, lottery, stride) run their jobs until a deadline
 * and compare each job's CPU time over a window with the predicted share.
 * The parent sleeps through the window instead of waiting in wait4, so it
 * never lends its tickets to a child (ticket transfer would skew the shares).
 *
 * Each result is judged against the prediction within the tolerance printed
 * beside it; the exit status is 0 only if every judged result is within it.
 * The tunables are put back on SIGINT, SIGTERM, SIGHUP and SIGPIPE too (a
 * reader such as `| head` that goes away must not leave the system under
 * an experiment's policy).
 *
 * The I/O experiment's CPU bursts are 0.9 of a slice.  A burst of exactly
 * one slice ties with the slice's end: the slice is charged from the switch
 * to the job, the burst from the job's own clock reading a little later, so
 * now and then the slice ran out a hair before the burst did, the job was
 * preempted with almost nothing left to run, and the other job's whole
 * slice came first: a unit lost, enough to push the averages out of their
 * tolerance on a noisy run.  For the same reason A's I/O (0.5 unit) is
 * shorter than B's slice: with an I/O of exactly one slice, A's wake-up
 * would tie with the end of B's slice, and a wake-up a hair late (a timer
 * on a loaded host) would let B start another slice first.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "../include/uapi/tessera.h"
#include "schedlab/schedlab.h"

#define MAXJ 4

/* K_SHARE_THREADS: K_SHARE with the jobs as threads of one process */
enum kind { K_METRICS, K_SHARE, K_SHARE_THREADS };

struct job {
    const char *name;
    double arrive;      /* units after the origin */
    double run;         /* CPU units per burst */
    double io;          /* I/O units after each burst (0 = none) */
    int bursts;         /* bursts of a fixed job; 0 = burst until the deadline */
    unsigned tickets;   /* 0 = the default */
};

struct tun {
    const char *file;   /* under /proc/sys/kernel */
    double v[3];        /* values in units (scaled) or raw */
    int n;              /* how many values */
    int raw;            /* 1 = not a time */
};

struct exp {
    const char *name, *title, *policy;  /* policy NULL: the system's own (runs on Linux too) */
    struct tun tun[5];
    struct job jobs[MAXJ];
    enum kind kind;
    /* K_METRICS: the book's response and turnaround per job; tolerance
     * max(tol_units, tol_pct * predicted) on the averages (and on each
     * job's response if each_resp). */
    double resp[MAXJ], turn[MAXJ];
    int each_resp;
    /* K_SHARE: run until `window`, measure from `mark`; share[j] predicted
     * (< 0: not judged) with tolerance tol_pp percentage points, or, if
     * tol_pp is 0, three binomial standard deviations of window/slice draws. */
    double window, mark, share[MAXJ], tol_pp, slice;
    double tol_units, tol_pct;
    const char *book;   /* the prediction in words */
};

/* The tunables most experiments need: the policy's slice is one unit. */
#define RR1 {"sched_rr_slice_ms", {1}, 1, 0}
#define MLFQ(boost, anti)                                                              \
    {"sched_mlfq_levels", {3}, 1, 1}, {"sched_mlfq_slices_ms", {1, 2, 4}, 3, 0},       \
        {"sched_mlfq_allotments_ms", {2, 4, 8}, 3, 0}, {"sched_mlfq_boost_ms", {boost}, 1, 0}, \
        {"sched_mlfq_antigaming", {anti}, 1, 1}

static const struct exp exps[] = {
    {"fifo", "FIFO convoy: A=100 then B=10, C=10, all at 0", "fifo", {{0}},
     {{"A", 0, 100, 0, 1, 0}, {"B", 0, 10, 0, 1, 0}, {"C", 0, 10, 0, 1, 0}}, K_METRICS,
     {0, 100, 110}, {100, 110, 120}, 0, 0, 0, {0}, 0, 0, 2, 0.05,
     "B and C wait behind A: average turnaround (100+110+120)/3 = 110"},
    {"sjf", "SJF: the same jobs, shortest first", "sjf", {{0}},
     {{"A", 0, 100, 0, 1, 0}, {"B", 0, 10, 0, 1, 0}, {"C", 0, 10, 0, 1, 0}}, K_METRICS,
     {20, 0, 10}, {120, 10, 20}, 0, 0, 0, {0}, 0, 0, 2, 0.05, "B, C, then A: average turnaround 50"},
    {"stcf", "STCF: A=100 at 0, B=10 and C=10 arrive at 10", "stcf", {{0}},
     {{"A", 0, 100, 0, 1, 0}, {"B", 10, 10, 0, 1, 0}, {"C", 10, 10, 0, 1, 0}}, K_METRICS,
     {0, 0, 10}, {120, 10, 20}, 0, 0, 0, {0}, 0, 0, 2, 0.05,
     "B and C preempt A: average turnaround ((120-0)+(20-10)+(30-10))/3 = 50"},
    {"rr", "Round robin: three 5-unit jobs, slice 1", "rr", {RR1},
     {{"A", 0, 5, 0, 1, 0}, {"B", 0, 5, 0, 1, 0}, {"C", 0, 5, 0, 1, 0}}, K_METRICS,
     {0, 1, 2}, {13, 14, 15}, 1, 0, 0, {0}, 0, 0, 0.5, 0.1,
     "responses 0, 1, 2 (SJF would give 0, 5, 10); turnarounds 13, 14, 15"},
    {"io", "I/O overlap: A = 5 x (0.9 CPU + 0.5 I/O), B = 5 CPU, slice 1", "rr", {RR1},
     {{"A", 0, 0.9, 0.5, 5, 0}, {"B", 0, 5, 0, 1, 0}}, K_METRICS,
     {0, 0.9}, {9.0, 9.5}, 0, 0, 0, {0}, 0, 0, 1, 0.1,
     "B runs while A waits for I/O: A done at 9.0, B at 9.5 (12 without overlap)"},
    {"io-default", "I/O overlap under the system's default policy", NULL, {{0}},
     {{"A", 0, 0.9, 1, 5, 0}, {"B", 0, 5, 0, 1, 0}}, K_METRICS,
     {0, 0.9}, {9.5, 9.5}, 0, 0, 0, {0}, 0, 0, 1, 0.1,
     "any policy that runs B while A waits overlaps them: both done near 9.5"},
    {"mlfq-starve", "MLFQ rules 4a/4b, no boost: long job L vs two interactive jobs", "mlfq",
     {MLFQ(0, 0)},
     {{"L", 0, 1, 0, 0, 0}, {"I1", 10, 0.8, 0.2, 0, 0}, {"I2", 10, 0.8, 0.2, 0, 0}}, K_SHARE,
     {0}, {0}, 0, 110, 10, {0, -1, -1}, 3, 0, 0, 0,
     "L sinks to the bottom and starves while interactive jobs keep the top busy"},
    {"mlfq-boost", "MLFQ rules 4a/4b, boost every 10 units: the same jobs", "mlfq",
     {MLFQ(10, 0)},
     {{"L", 0, 1, 0, 0, 0}, {"I1", 10, 0.8, 0.2, 0, 0}, {"I2", 10, 0.8, 0.2, 0, 0}}, K_SHARE,
     {0}, {0}, 0, 110, 10, {0.2, -1, -1}, 10, 0, 0, 0,
     "each boost gives L its top-level allotment: about allotment/S = 2/10 of the CPU"},
    {"mlfq-game", "MLFQ rules 4a/4b: G runs 0.9 slice then blocks, H is CPU-bound", "mlfq",
     {MLFQ(0, 0)},
     {{"G", 0, 0.9, 0.1, 0, 0}, {"H", 0, 1, 0, 0, 0}}, K_SHARE,
     {0}, {0}, 0, 100, 0, {0.9, -1}, 15, 0, 0, 0,
     "gaming works: G stays at the top and takes about 90% of the CPU"},
    {"mlfq-nogame", "MLFQ rule 4 (anti-gaming accounting): the same jobs", "mlfq",
     {MLFQ(0, 1)},
     {{"G", 0, 0.9, 0.1, 0, 0}, {"H", 0, 1, 0, 0, 0}}, K_SHARE,
     {0}, {0}, 0, 100, 0, {0.25, -1}, 25, 0, 0, 0,
     "G is demoted like any CPU hog; at the bottom it gets 0.9 per 4-unit slice of H (~20-30%)"},
    {"lottery-short", "Lottery 75:25 over 20 slices", "lottery",
     {{"sched_lottery_slice_ms", {1}, 1, 0}},
     {{"A", 0, 1, 0, 0, 75}, {"B", 0, 1, 0, 0, 25}}, K_SHARE,
     {0}, {0}, 0, 20, 0, {0.75, 0.25}, 0, 1, 0, 0,
     "75%:25% on average, with visible luck over a short window (3 sigma = 29 points)"},
    {"lottery-long", "Lottery 75:25 over 200 slices", "lottery",
     {{"sched_lottery_slice_ms", {1}, 1, 0}},
     {{"A", 0, 1, 0, 0, 75}, {"B", 0, 1, 0, 0, 25}}, K_SHARE,
     {0}, {0}, 0, 200, 0, {0.75, 0.25}, 0, 1, 0, 0, "converges to 75%:25% (3 sigma = 9 points)"},
    {"lottery-321-short", "Lottery 3:2:1 over 30 slices", "lottery",
     {{"sched_lottery_slice_ms", {1}, 1, 0}},
     {{"A", 0, 1, 0, 0, 300}, {"B", 0, 1, 0, 0, 200}, {"C", 0, 1, 0, 0, 100}}, K_SHARE,
     {0}, {0}, 0, 30, 0, {0.5, 1 / 3.0, 1 / 6.0}, 0, 1, 0, 0, "50%:33%:17% give or take luck"},
    {"lottery-321-long", "Lottery 3:2:1 over 300 slices", "lottery",
     {{"sched_lottery_slice_ms", {1}, 1, 0}},
     {{"A", 0, 1, 0, 0, 300}, {"B", 0, 1, 0, 0, 200}, {"C", 0, 1, 0, 0, 100}}, K_SHARE,
     {0}, {0}, 0, 300, 0, {0.5, 1 / 3.0, 1 / 6.0}, 0, 1, 0, 0, "converges to 50%:33%:17%"},
    {"stride", "Stride 3:2:1 over 60 slices", "stride", {{"sched_stride_slice_ms", {1}, 1, 0}},
     {{"A", 0, 1, 0, 0, 300}, {"B", 0, 1, 0, 0, 200}, {"C", 0, 1, 0, 0, 100}}, K_SHARE,
     {0}, {0}, 0, 60, 0, {0.5, 1 / 3.0, 1 / 6.0}, 4, 1, 0, 0,
     "exactly 30:20:10 slices, deterministic even over a short window"},
    {"stride-short", "Stride 75:25 over 20 slices (lottery-short's window)", "stride",
     {{"sched_stride_slice_ms", {1}, 1, 0}},
     {{"A", 0, 1, 0, 0, 75}, {"B", 0, 1, 0, 0, 25}}, K_SHARE,
     {0}, {0}, 0, 20, 0, {0.75, 0.25}, 7, 1, 0, 0,
     "15:5 slices: no luck involved, even where lottery's 3 sigma is 29 points"},
    {"stride-threads", "Stride 3:2:1 between three threads of one process, 60 slices", "stride",
     {{"sched_stride_slice_ms", {1}, 1, 0}},
     {{"A", 0, 1, 0, 0, 300}, {"B", 0, 1, 0, 0, 200}, {"C", 0, 1, 0, 0, 100}}, K_SHARE_THREADS,
     {0}, {0}, 0, 60, 0, {0.5, 1 / 3.0, 1 / 6.0}, 4, 1, 0, 0,
     "a thread is a scheduling entity with tickets of its own: 30:20:10 slices, as for processes"},
};
#define NEXP (sizeof(exps) / sizeof(exps[0]))

double unit_ns = 10e6;
int on_tessera, print_names;

static int64_t now_ns(clockid_t c)
{
    struct timespec ts;
    clock_gettime(c, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
int64_t mono(void) { return now_ns(CLOCK_MONOTONIC); }
int64_t cpu(void) { return now_ns(CLOCK_THREAD_CPUTIME_ID); }

void sleep_until(int64_t t)
{
    struct timespec ts = {t / 1000000000, t % 1000000000};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

/* ---- /proc/sys/kernel files, saved before the first change ---- */

static struct saved {
    char file[64], val[128];
} saved[16];
static int nsaved;

int read_file(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t r = read(fd, buf, n - 1);
    close(fd);
    if (r < 0)
        return -1;
    buf[r] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

static int write_file(const char *path, const char *val)
{
    int fd = open(path, O_WRONLY);
    if (fd < 0)
        return -1;
    ssize_t r = write(fd, val, strlen(val));
    close(fd);
    return r == (ssize_t)strlen(val) ? 0 : -1;
}

/* Writes /proc/sys/kernel/<file>, remembering its first value. */
int set_sysctl(const char *file, const char *val)
{
    char path[128], old[128];
    snprintf(path, sizeof path, SYSCTL "%s", file);
    int known = 0;
    for (int i = 0; i < nsaved; i++)
        known |= !strcmp(saved[i].file, file);
    if (!known && nsaved < 16 && read_file(path, old, sizeof old) == 0) {
        snprintf(saved[nsaved].file, sizeof saved[0].file, "%s", file);
        snprintf(saved[nsaved].val, sizeof saved[0].val, "%s", old);
        nsaved++;
    }
    if (write_file(path, val) < 0) {
        fprintf(stderr, "schedlab: writing %s to %s: %s\n", val, path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Puts every changed file back, the policy last (so the old policy starts
 * with its old tunables). */
static void restore_sysctls(void)
{
    for (int i = nsaved - 1; i >= 0; i--)
        if (strcmp(saved[i].file, "sched_policy"))
            set_sysctl(saved[i].file, saved[i].val);
    for (int i = 0; i < nsaved; i++)
        if (!strcmp(saved[i].file, "sched_policy"))
            set_sysctl(saved[i].file, saved[i].val);
    nsaved = 0;
}

static void on_signal(int sig)
{
    restore_sysctls();
    signal(sig, SIG_DFL);
    raise(sig);
}

static int tessera_set(unsigned tickets, uint64_t expected_ns)
{
    struct tessera_sched ts = {.tickets = tickets, .expected_ns = expected_ns};
    unsigned mask = TESSERA_SCHED_EXPECTED | (tickets ? TESSERA_SCHED_TICKETS : 0);
    return (int)syscall(__NR_tessera_sched_set, 0, &ts, mask);
}

/* ---- the jobs ---- */

struct result {
    int job, pid;
    int64_t first, done, cpu, cpu_mark, io;
};

/* Burns `ns` of CPU, or until `deadline` (0 = none).  At the first look at
 * the clock past `mark` records the CPU used so far in *cpu_mark. */
static void burn(int64_t ns, int64_t deadline, int64_t mark, int64_t cpu0, int64_t *cpu_mark)
{
    int64_t start = cpu();
    for (;;) {
        int64_t c = cpu();
        if (c - start >= ns)
            return;
        if (deadline || mark) {
            int64_t t = mono();
            if (mark && t >= mark && *cpu_mark < 0)
                *cpu_mark = c - cpu0;
            if (deadline && t >= deadline)
                return;
        }
    }
}

/* The job's life: declare, block until released, work, report; returns the
 * exit status (a job process exits with it, a job thread ends). */
static int job_run(const struct exp *e, int j, int release_fd, int result_fd)
{
    const struct job *jb = &e->jobs[j];
    prctl(PR_SET_NAME, jb->name);
    if (on_tessera) {
        double total = jb->bursts ? jb->run * jb->bursts : 0;
        tessera_set(jb->tickets, (uint64_t)(total * unit_ns));
    }
    int64_t t0;
    if (read(release_fd, &t0, sizeof t0) != sizeof t0)
        return 2;
    close(release_fd);
    struct result r = {.job = j, .pid = (int)syscall(SYS_gettid), .first = mono(), .cpu_mark = -1};
    int64_t c0 = cpu();
    int64_t deadline = jb->bursts ? 0 : t0 + (int64_t)(e->window * unit_ns);
    int64_t mark = jb->bursts ? 0 : t0 + (int64_t)(e->mark * unit_ns);
    if (mark && r.first >= mark)
        r.cpu_mark = 0;
    for (int b = 0; jb->bursts ? b < jb->bursts : mono() < deadline; b++) {
        burn((int64_t)(jb->run * unit_ns), deadline, mark, c0, &r.cpu_mark);
        if (jb->io > 0 && (!deadline || mono() < deadline)) {
            int64_t s = mono();
            sleep_until(s + (int64_t)(jb->io * unit_ns));
            r.io += mono() - s;
        }
    }
    r.cpu = cpu() - c0;
    r.done = mono();
    if (r.cpu_mark < 0)
        r.cpu_mark = r.cpu;
    if (write(result_fd, &r, sizeof r) != sizeof r)
        return 3;
    return 0;
}

static __attribute__((noreturn)) void job_main(const struct exp *e, int j, int release_fd, int result_fd)
{
    _exit(job_run(e, j, release_fd, result_fd));
}

struct job_thread {
    const struct exp *e;
    int j, release_fd, result_fd;
};

static void *job_thread(void *arg)
{
    struct job_thread *a = arg;
    return (void *)(intptr_t)job_run(a->e, a->j, a->release_fd, a->result_fd);
}

/* The result pipe and a release pipe per job: 0, or -1 (said why). */
int make_pipes(int res[2], int (*rel)[2], int nj)
{
    if (pipe(res) < 0)
        return perror("pipe"), -1;
    for (int j = 0; j < nj; j++)
        if (pipe(rel[j]) < 0)
            return perror("pipe"), -1;
    return 0;
}

int collect_reports(int fd, void *r, size_t size, int nj)
{
    unsigned char buf[256];
    int got = 0, j;
    while (size <= sizeof buf && read(fd, buf, size) == (ssize_t)size) {
        memcpy(&j, buf, sizeof j);
        if (j >= 0 && j < nj)
            memcpy((unsigned char *)r + (size_t)j * size, buf, size), got++;
    }
    close(fd);
    return got;
}

/* ---- judging ---- */

int judged, failed;

void judge(const char *what, double got, double want, double tol, const char *unit)
{
    int ok = fabs(got - want) <= tol + 1e-9;
    judged++;
    failed += !ok;
    printf("  %-30s %8.2f  book %7.2f  tolerance +-%.2f %-6s %s\n", what, got, want, tol, unit, ok ? "PASS" : "FAIL");
}

static double tol_of(const struct exp *e, double want) { return fmax(e->tol_units, e->tol_pct * fabs(want)); }

static void report_metrics(const struct exp *e, int nj, const struct result *r, const int64_t *arr)
{
    double sr = 0, st = 0, sw = 0, br = 0, bt = 0;
    printf("  job  pid    arrive  first   done | resp   turn   wait |  book resp  turn\n");
    for (int j = 0; j < nj; j++) {
        double a = (arr[j] - arr[0]) / unit_ns, resp = (r[j].first - arr[j]) / unit_ns;
        double turn = (r[j].done - arr[j]) / unit_ns, wait = turn - (r[j].cpu + r[j].io) / unit_ns;
        printf("  %-4s %-6d %6.2f %6.2f %6.2f | %6.2f %6.2f %6.2f | %9.1f %5.1f\n", e->jobs[j].name, r[j].pid, a,
               (r[j].first - arr[0]) / unit_ns, (r[j].done - arr[0]) / unit_ns, resp, turn, wait, e->resp[j],
               e->turn[j]);
        sr += resp, st += turn, sw += wait, br += e->resp[j], bt += e->turn[j];
    }
    printf("  average                             | %6.2f %6.2f %6.2f | %9.2f %5.2f\n", sr / nj, st / nj, sw / nj,
           br / nj, bt / nj);
    judge("average turnaround", st / nj, bt / nj, tol_of(e, bt / nj), "units");
    judge("average response", sr / nj, br / nj, tol_of(e, br / nj), "units");
    for (int j = 0; e->each_resp && j < nj; j++) {
        char what[48];
        snprintf(what, sizeof what, "response of %s", e->jobs[j].name);
        judge(what, (r[j].first - arr[j]) / unit_ns, e->resp[j], tol_of(e, e->resp[j]), "units");
    }
}

static void report_share(const struct exp *e, int nj, const struct result *r)
{
    double span = (e->window - e->mark) * unit_ns, total = 0;
    for (int j = 0; j < nj; j++)
        total += r[j].cpu - r[j].cpu_mark;
    printf("  job  tickets  CPU in window   share  | book\n");
    for (int j = 0; j < nj; j++) {
        double c = r[j].cpu - r[j].cpu_mark;
        printf("  %-4s %7u  %9.2f units  %5.1f%% | ", e->jobs[j].name, e->jobs[j].tickets ? e->jobs[j].tickets : 100,
               c / unit_ns, 100 * c / span);
        if (e->share[j] >= 0)
            printf("%5.1f%%\n", 100 * e->share[j]);
        else
            printf("  -\n");
    }
    printf("  (window %.0f units; CPU used by the jobs: %.1f%% of it)\n", e->window - e->mark, 100 * total / span);
    for (int j = 0; j < nj; j++) {
        if (e->share[j] < 0)
            continue;
        double p = e->share[j], tol = e->tol_pp;
        if (tol == 0)   /* lottery: 3 sigma of a binomial over window/slice draws */
            tol = 100 * 3 * sqrt(p * (1 - p) / ((e->window - e->mark) / e->slice));
        char what[48];
        snprintf(what, sizeof what, "share of %s", e->jobs[j].name);
        judge(what, 100 * (r[j].cpu - r[j].cpu_mark) / total, 100 * p, tol, "%");
    }
}

/* ---- one experiment ---- */

static int setup_policy(const struct exp *e)
{
    char val[64];
    for (int i = 0; i < 5 && e->tun[i].file; i++) {
        const struct tun *t = &e->tun[i];
        size_t len = 0;
        for (int k = 0; k < t->n; k++)
            len += (size_t)snprintf(val + len, sizeof val - len, "%s%g", k ? " " : "",
                                    t->raw ? t->v[k] : t->v[k] * unit_ns / 1e6);
        if (set_sysctl(t->file, val) < 0)
            return -1;
    }
    return set_sysctl("sched_policy", e->policy);
}

static int threaded(const struct exp *e) { return e->kind == K_SHARE_THREADS; }

static int run_exp(const struct exp *e)
{
    int nj = 0;
    while (nj < MAXJ && e->jobs[nj].name)
        nj++;
    printf("\n== %s: %s (policy %s, 1 unit = %g ms)\n   book: %s\n", e->name, e->title,
           e->policy ? e->policy : "system default", unit_ns / 1e6, e->book);
    if (e->policy && !on_tessera) {
        printf("  SKIP: needs Tessera (/proc/sys/kernel/sched_policy)\n");
        return 1;
    }
    if (e->policy && setup_policy(e) < 0) {
        judged++, failed++;
        printf("  FAIL: cannot set up the policy\n");
        return -1;
    }
    int res[2], rel[MAXJ][2];
    pid_t pids[MAXJ];
    pthread_t tids[MAXJ];
    struct job_thread targs[MAXJ];
    if (make_pipes(res, rel, nj) < 0)
        return -1;
    fflush(stdout);
    for (int j = 0; j < nj; j++) {
        if (threaded(e)) {
            /* a thread of this process: it closes its own end after the release */
            targs[j] = (struct job_thread){ e, j, rel[j][0], res[1] };
            if (pthread_create(&tids[j], NULL, job_thread, &targs[j]))
                return perror("pthread_create"), -1;
            continue;
        }
        pids[j] = fork();
        if (pids[j] < 0)
            return perror("fork"), -1;
        if (pids[j] == 0) {
            close(res[0]);
            job_main(e, j, rel[j][0], res[1]);
        }
        close(rel[j][0]);
        if (print_names)
            printf("#name %d %s/%s\n", pids[j], e->name, e->jobs[j].name);
    }
    if (!threaded(e))
        close(res[1]);
    usleep(50000);   /* let every child reach its read() */

    /* release in arrival order (jobs are listed in that order) */
    int64_t arr[MAXJ], t0 = mono() + 1000000;
    for (int j = 0; j < nj; j++) {
        sleep_until(t0 + (int64_t)(e->jobs[j].arrive * unit_ns));
        arr[j] = mono();
        if (write(rel[j][1], &t0, sizeof t0) != sizeof t0)
            perror("release");
        close(rel[j][1]);
    }
    if (e->kind != K_METRICS)
        sleep_until(t0 + (int64_t)((e->window + 1) * unit_ns));
    for (int j = 0; j < nj; j++) {
        if (threaded(e))
            pthread_join(tids[j], NULL);
        else
            waitpid(pids[j], NULL, 0);
    }
    if (threaded(e))
        close(res[1]);                  /* the threads wrote through it */
    struct result r[MAXJ];
    int got = collect_reports(res[0], r, sizeof r[0], nj);
    if (got != nj) {
        judged++, failed++;
        printf("  FAIL: %d of %d jobs reported\n", got, nj);
        return -1;
    }
    if (e->kind == K_METRICS)
        report_metrics(e, nj, r, arr);
    else
        report_share(e, nj, r);
    return 0;
}

/* An experiment of either table: the uniprocessor ones here, the
 * multiprocessor ones in schedlab/mp.c. */
struct pick {
    const char *name;
    const struct exp *up;
    const struct mp_exp *mp;
};

static int find(const char *name, struct pick *p)
{
    for (size_t i = 0; i < NEXP; i++)
        if (!strcmp(exps[i].name, name))
            return *p = (struct pick){exps[i].name, &exps[i], NULL}, 0;
    for (size_t i = 0; i < mp_nexps; i++)
        if (!strcmp(mp_exps[i].name, name))
            return *p = (struct pick){mp_exps[i].name, NULL, &mp_exps[i]}, 0;
    return -1;
}

/* 0 ran, 1 skipped, -1 could not run (counted as a failure). */
static int run_mp(const struct mp_exp *e)
{
    printf("\n== %s: %s (%d CPUs here, 1 unit = %g ms)\n   book: %s\n", e->name, e->title, mp_ncpus,
           unit_ns / 1e6, e->book);
    if (!on_tessera || access(SYSCTL "sched_queues", W_OK) != 0) {
        printf("  SKIP: needs Tessera (/proc/sys/kernel/sched_queues)\n");
        return 1;
    }
    if (mp_ncpus < e->min_cpus) {
        printf("  SKIP: needs %d CPUs\n", e->min_cpus);
        return 1;
    }
    if (e->run(e) < 0) {
        judged++, failed++;
        return -1;
    }
    return 0;
}

static const char usage_text[] =
    "usage: schedlab [-u MS] [-T] list | all | uni | multi | run NAME...\n"
    "The scheduling chapters' workloads run on this kernel, judged against the book.\n"
    "  list            the experiments and the policy (or CPUs) each one needs\n"
    "  run NAME...     run those experiments\n"
    "  all             run every experiment\n"
    "  uni             the uniprocessor chapters' ones (each pinned to CPU 0)\n"
    "  multi           the multiprocessor chapter's ones (mp-*: on CPUs 0..3)\n"
    "  -u MS           length of one time unit in milliseconds (default 10)\n"
    "  -T              also print \"#name PID LABEL\" lines for tracetool\n"
    "  -h, --help      this text\n"
    "Each experiment ends with a line RESULT PASS|FAIL|SKIP NAME; the exit status\n"
    "is 0 when every judged figure is within its tolerance.\n";

static int usage(void)
{
    fputs(usage_text, stderr);
    return 2;
}

int main(int argc, char **argv)
{
    int opt;
    for (int i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--"))
            break;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (argv[i][1] == '-') {
            fprintf(stderr, "schedlab: unknown option %s\n", argv[i]);
            return usage();
        }
    }
    while ((opt = getopt(argc, argv, "u:T")) != -1) {
        if (opt == 'u' && atof(optarg) > 0)
            unit_ns = atof(optarg) * 1e6;
        else if (opt == 'T')
            print_names = 1;
        else
            return usage();
    }
    if (optind >= argc)
        return usage();
    const char *cmd = argv[optind++];
    on_tessera = access(SYSCTL "sched_policy", W_OK) == 0;
    if (!strcmp(cmd, "list")) {
        for (size_t i = 0; i < NEXP; i++)
            printf("%-18s %-8s %s\n", exps[i].name, exps[i].policy ? exps[i].policy : "any", exps[i].title);
        for (size_t i = 0; i < mp_nexps; i++)
            printf("%-18s %d+ CPUs %s\n", mp_exps[i].name, mp_exps[i].min_cpus, mp_exps[i].title);
        if (!on_tessera)
            printf("(not on Tessera: only the experiments with policy \"any\" run here)\n");
        return 0;
    }
    struct pick list[NEXP + mp_nexps + (size_t)argc];
    size_t n = 0;
    int all = !strcmp(cmd, "all");
    if (all || !strcmp(cmd, "uni"))
        for (size_t i = 0; i < NEXP; i++)
            list[n++] = (struct pick){exps[i].name, &exps[i], NULL};
    if (all || !strcmp(cmd, "multi"))
        for (size_t i = 0; i < mp_nexps; i++)
            list[n++] = (struct pick){mp_exps[i].name, NULL, &mp_exps[i]};
    if (!n && !strcmp(cmd, "run") && optind < argc) {
        for (; optind < argc; optind++)
            if (find(argv[optind], &list[n++]) < 0) {
                fprintf(stderr, "schedlab: no experiment %s (see schedlab list)\n", argv[optind]);
                return 2;
            }
    } else if (!n) {
        return usage();
    }
    /* the multiprocessor experiments use the CPUs schedlab may run on (0..n-1) */
    cpu_set_t set;
    mp_ncpus = 0;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        while (mp_ncpus < CPU_SETSIZE && CPU_ISSET(mp_ncpus, &set))
            mp_ncpus++;
    if (!mp_ncpus)
        mp_ncpus = 1;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0)
        perror("schedlab: sched_setaffinity (continuing unpinned)");
    if (on_tessera && tessera_set(0, 1) < 0)
        perror("schedlab: tessera_sched_set");
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    signal(SIGPIPE, on_signal);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (print_names)
        printf("#name %d schedlab\n", getpid());
    for (size_t i = 0; i < n; i++) {
        int before = failed;
        int skipped = (list[i].up ? run_exp(list[i].up) : run_mp(list[i].mp)) == 1;
        printf("RESULT %s %s\n", skipped ? "SKIP" : failed > before ? "FAIL" : "PASS", list[i].name);
    }
    restore_sysctls();
    if (on_tessera)
        tessera_set(0, 0);
    printf("\nschedlab: %d judged, %d outside tolerance\n", judged, failed);
    return failed ? 1 : 0;
}
