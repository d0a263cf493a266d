/* /proc/self/status shows the affinity as Linux does: Cpus_allowed is the
 * set sched_getaffinity returns as a hex mask (only CPUs that exist, not a
 * 64-bit all-ones mask), Cpus_allowed_list the same set as ranges; both
 * follow a sched_setaffinity to one CPU. */
#define _GNU_SOURCE
#include "gt.h"
#include <sched.h>

/* The bits of a cpu_set_t: musl's SET_BITS is 128, not the 1024 the
 * type holds, and more than 128 CPUs must fit. */
#define SET_BITS ((int)(8 * sizeof(cpu_set_t)))

/* "3" or "ffffffff,ffffffff": hex digits from the right, commas skipped */
static int parse_mask(const char *s, cpu_set_t *set)
{
    CPU_ZERO(set);
    if (!*s)
        return -1;
    int bit = 0;
    for (const char *p = s + strlen(s) - 1; p >= s; p--) {
        if (*p == ',')
            continue;
        int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : -1;
        if (d < 0)
            return -1;
        for (int k = 0; k < 4; k++, bit++)
            if ((d >> k) & 1 && bit < SET_BITS)
                CPU_SET(bit, set);
    }
    return 0;
}

/* "0-1,3" */
static int parse_list(const char *s, cpu_set_t *set)
{
    CPU_ZERO(set);
    if (!*s)
        return -1;
    while (*s) {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s)
            return -1;
        if (*end == '-') {
            s = end + 1;
            b = strtol(s, &end, 10);
            if (end == s)
                return -1;
        }
        for (long c = a; c <= b && c < SET_BITS; c++)
            CPU_SET(c, set);
        if (*end == ',')
            end++;
        else if (*end)
            return -1;
        s = end;
    }
    return 0;
}

/* The first CPU in one set and not the other, or -1. */
static int first_difference(const cpu_set_t *a, const cpu_set_t *b)
{
    for (int c = 0; c < SET_BITS; c++)
        if (!CPU_ISSET(c, a) != !CPU_ISSET(c, b))
            return c;
    return -1;
}

static void compare(const char *when)
{
    cpu_set_t want, mask, list;
    sched_getaffinity(0, sizeof want, &want);
    const char *m = proc_status_field("Cpus_allowed");
    int mok = parse_mask(m, &mask) == 0 && CPU_EQUAL(&mask, &want);
    if (!expect(mok, "Cpus_allowed is the affinity mask"))
        say("  %s: Cpus_allowed '%s', %d CPUs allowed, CPU %d differs\n", when, m, CPU_COUNT(&want),
            first_difference(&mask, &want));
    const char *l = proc_status_field("Cpus_allowed_list");
    int lok = parse_list(l, &list) == 0 && CPU_EQUAL(&list, &want);
    if (!expect(lok, "Cpus_allowed_list is the same set"))
        say("  %s: Cpus_allowed_list '%s', CPU %d differs\n", when, l, first_difference(&list, &want));
}

int main(void)
{
    compare("at start");
    cpu_set_t set;
    sched_getaffinity(0, sizeof set, &set);
    int first = 0;
    while (first < SET_BITS && !CPU_ISSET(first, &set))
        first++;
    CPU_ZERO(&set);
    CPU_SET(first, &set);
    expect(sched_setaffinity(0, sizeof set, &set) == 0, "pinned to the first allowed CPU");
    compare("pinned");
    char want[16];
    snprintf(want, sizeof want, "%d", first);
    expect(!strcmp(proc_status_field("Cpus_allowed_list"), want), "the list names that one CPU");
    gt_exit();
}
