/* Context-switch counts: every sleep is a voluntary switch, so getrusage's
 * ru_nvcsw grows by at least the number of sleeps; /proc/self/status reports
 * voluntary_ctxt_switches and nonvoluntary_ctxt_switches (at least the
 * getrusage values read just before); a reaped child's counts arrive in
 * wait4's rusage. */
#include "gt.h"
#include <time.h>

static long status_field(const char *name)
{
    char buf[4096];
    if (read_file("/proc/self/status", buf, sizeof buf) < 0)
        return -1;
    char *p = strstr(buf, name);
    if (!p || p[strlen(name)] != ':')
        return -1;
    return strtol(p + strlen(name) + 1, NULL, 10);
}

static void nap(void)
{
    struct timespec ts = { 0, 2000000 };
    nanosleep(&ts, NULL);
}

int main(void)
{
    struct rusage a, b;
    getrusage(RUSAGE_SELF, &a);
    for (int i = 0; i < 5; i++)
        nap();
    getrusage(RUSAGE_SELF, &b);
    expect(b.ru_nvcsw >= a.ru_nvcsw + 5, "ru_nvcsw grew by at least 5 after 5 sleeps");
    expect(b.ru_nivcsw >= a.ru_nivcsw, "ru_nivcsw never decreases");
    long vol = status_field("voluntary_ctxt_switches");
    long invol = status_field("nonvoluntary_ctxt_switches");
    expect(vol >= 0 && invol >= 0, "/proc/self/status has both ctxt_switches lines");
    expect(vol >= b.ru_nvcsw, "status voluntary >= ru_nvcsw");
    expect(invol >= b.ru_nivcsw, "status nonvoluntary >= ru_nivcsw");

    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 3; i++)
            nap();
        _exit(0);
    }
    int st;
    struct rusage cr;
    expect(wait4(pid, &st, 0, &cr) == pid, "wait4 reaps the child");
    expect(cr.ru_nvcsw >= 3, "child's ru_nvcsw from wait4 >= 3");
    gt_exit();
}
