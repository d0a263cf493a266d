/* gt-side: guest-only (Tessera's scheduler files in /proc/sys/kernel)
 * The system policy and the tunables under /proc/sys/kernel: every listed
 * policy can be switched to at run time (echo's trailing newline accepted)
 * and the system keeps running processes under it; an unknown name is
 * EINVAL and the old policy stays.  Tunables read back what was written
 * (milliseconds with decimals, per-level lists, booleans); a value
 * sched_tunables_check refuses (0 slice, 17 levels, min granularity above
 * the latency, junk) is EINVAL and leaves the old value.  Everything is
 * restored at the end. */
#include "gt.h"




static void show(const char *name)
{
    char buf[256];
    sysctl_get(name, buf, sizeof buf);
    say("%s = %s\n", name, buf);
}

static void check_put(const char *name, const char *val, int want)
{
    int e = sysctl_put(name, val);
    char what[160];
    snprintf(what, sizeof what, "write '%s' to %s gives %s", val, name, errname(want));
    if (!expect(e == want, what))
        say("  (got %s)\n", errname(e));
}

/* Fork a few children that spin a little and must all finish. */
static int workload(void)
{
    for (int i = 0; i < 3; i++)
        if (fork() == 0) {
            volatile unsigned long x = 0;
            for (unsigned long k = 0; k < 3000000; k++)
                x += k;
            _exit(0);
        }
    int st, n = 0;
    while (wait(&st) > 0)
        n += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    return n;
}

/* Switch through every policy while CPU-bound and sleeping children run:
 * queued, running and blocked tasks all carry over and finish. */
static int switch_under_load(const char *policies)
{
    for (int i = 0; i < 4; i++)
        if (fork() == 0) {
            volatile unsigned long x = 0;
            for (int round = 0; round < 4; round++) {
                for (unsigned long k = 0; k < 2000000; k++)
                    x += k;
                if (i == 3)
                    usleep(3000);           /* one of them keeps blocking */
            }
            _exit(0);
        }
    char copy[256], *save;
    for (int pass = 0; pass < 2; pass++) {
        snprintf(copy, sizeof copy, "%s", policies);
        for (char *n = strtok_r(copy, " ", &save); n; n = strtok_r(NULL, " ", &save)) {
            sysctl_put("sched_policy", n);
            usleep(2000);
        }
    }
    int st, done = 0;
    while (wait(&st) > 0)
        done += WIFEXITED(st) && WEXITSTATUS(st) == 0;
    return done;
}

int main(void)
{
    char orig[64], list[256], buf[256];
    expect(sysctl_get("sched_policy", orig, sizeof orig) > 0, "read sched_policy");
    expect(sysctl_get("sched_policies", list, sizeof list) > 0, "read sched_policies");
    say("policies: %s\n", list);

    expect(switch_under_load(list) == 4, "16 policy switches under load, all 4 children finished");
    expect(sysctl_put("sched_policy", orig) == 0, "back to the original policy");

    char *save, *name = strtok_r(list, " ", &save);
    for (; name; name = strtok_r(NULL, " ", &save)) {
        char line[64];
        snprintf(line, sizeof line, "%s\n", name);
        check_put("sched_policy", line, 0);
        sysctl_get("sched_policy", buf, sizeof buf);
        say("now %s, 3 children finished: %d\n", buf, workload());
    }
    check_put("sched_policy", "mlfq", 0);
    check_put("sched_policy", "bogus", EINVAL);
    check_put("sched_policy", "rt", EINVAL);
    check_put("sched_policy", "", EINVAL);
    show("sched_policy");

    show("sched_rr_slice_ms");
    check_put("sched_rr_slice_ms", "5\n", 0);
    show("sched_rr_slice_ms");
    check_put("sched_rr_slice_ms", "0", EINVAL);
    check_put("sched_rr_slice_ms", "abc", EINVAL);
    check_put("sched_rr_slice_ms", "-3", EINVAL);
    check_put("sched_rr_slice_ms", "2.5", 0);
    show("sched_rr_slice_ms");
    check_put("sched_rr_slice_ms", "1.0000001", EINVAL);
    check_put("sched_rr_slice_ms", "10", 0);

    show("sched_mlfq_levels");
    show("sched_mlfq_slices_ms");
    show("sched_mlfq_allotments_ms");
    check_put("sched_mlfq_slices_ms", "5 10", 0);
    show("sched_mlfq_slices_ms");
    check_put("sched_mlfq_levels", "4", 0);
    show("sched_mlfq_slices_ms");
    check_put("sched_mlfq_levels", "17", EINVAL);
    check_put("sched_mlfq_levels", "0", EINVAL);
    check_put("sched_mlfq_slices_ms", "5 0 5", EINVAL);
    check_put("sched_mlfq_slices_ms", "", EINVAL);
    show("sched_mlfq_levels");
    say("mlfq with 4 levels, 3 children finished: %d\n", workload());
    check_put("sched_mlfq_levels", "3", 0);
    check_put("sched_mlfq_slices_ms", "10 20 40 80 160 320 640", 0);
    show("sched_mlfq_slices_ms");
    show("sched_mlfq_boost_ms");
    check_put("sched_mlfq_boost_ms", "0", 0);
    show("sched_mlfq_boost_ms");
    check_put("sched_mlfq_boost_ms", "1000", 0);
    show("sched_mlfq_antigaming");
    check_put("sched_mlfq_antigaming", "2", EINVAL);
    check_put("sched_mlfq_antigaming", "0", 0);
    show("sched_mlfq_antigaming");
    check_put("sched_mlfq_antigaming", "1", 0);

    show("sched_fair_latency_ms");
    show("sched_fair_min_granularity_ms");
    check_put("sched_fair_min_granularity_ms", "7", EINVAL);
    show("sched_fair_min_granularity_ms");

    check_put("sched_policy", "lottery", 0);
    show("sched_lottery_seed");
    check_put("sched_lottery_seed", "12345", 0);
    show("sched_lottery_seed");
    say("lottery after reseed, 3 children finished: %d\n", workload());
    check_put("sched_lottery_seed", "1", 0);
    show("sched_rr_timeslice_ms");
    show("sched_sjf_default_ms");

    check_put("sched_policy", orig, 0);
    show("sched_policy");
    gt_exit();
}
