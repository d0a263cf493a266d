/* /sys/devices/system/cpu and /sys/devices/system/node, read the way lscpu
 * and libnuma read them: the CPU lists agree with each other, with
 * sysconf(_SC_NPROCESSORS_ONLN), sched_getaffinity and /proc/self/status;
 * every online CPU has its directory, an online file (but cpu0 none), a
 * topology whose masks and lists say the same and contain the CPU, and a
 * link to its node; the nodes' CPU lists cover the online CPUs once each,
 * their distance rows and meminfo and numastat parse; the files are
 * read-only.  Only relations are printed, so any CPU count compares (up to
 * 127: the sets are 128-bit numbers). */
#include "gt.h"
#include <dirent.h>
#include <sched.h>

#define SYS "/sys/devices/system"

/* CPU sets as 127-bit numbers: negative values are the errors below, so
 * 64 CPUs and more fit. */
typedef __int128 cpus_t;
#define BIT(n) ((cpus_t)1 << (n))
#define MAXBIT 126

static int top_bit(cpus_t m)
{
    unsigned long long hi = (unsigned long long)(m >> 64), lo = (unsigned long long)m;
    return hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll(lo);
}

/* A Linux CPU or node list ("0-3,5", or empty) as a bit mask; -1 if it
 * does not parse. */
static cpus_t parse_list(const char *s)
{
    cpus_t m = 0;
    while (*s && *s != '\n') {
        char *end;
        long a = strtol(s, &end, 10), b = a;
        if (end == s || a < 0 || a > MAXBIT)
            return -1;
        if (*end == '-') {
            s = end + 1;
            b = strtol(s, &end, 10);
            if (end == s || b < a || b > MAXBIT)
                return -1;
        }
        for (long i = a; i <= b; i++)
            m |= BIT(i);
        s = end;
        if (*s == ',')
            s++;
        else if (*s && *s != '\n')
            return -1;
    }
    return m;
}

/* A Linux hex mask ("3", "00000000,00000003") as a bit mask; -1 if bad. */
static cpus_t parse_mask(const char *s)
{
    unsigned __int128 m = 0;
    int digits = 0;
    for (; *s && *s != '\n'; s++) {
        if (*s == ',')
            continue;
        int d = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;
        if (d < 0 || (m >> 122))
            return -1;
        m = m << 4 | (unsigned)d;
        digits++;
    }
    return digits ? (cpus_t)m : -1;
}

static cpus_t list_file(const char *path)
{
    char buf[256];
    return read_file(path, buf, sizeof buf) < 0 ? -2 : parse_list(buf);
}

static cpus_t mask_file(const char *path)
{
    char buf[256];
    return read_file(path, buf, sizeof buf) < 0 ? -2 : parse_mask(buf);
}

static long num_file(const char *path)
{
    char buf[64], *end;
    if (read_file(path, buf, sizeof buf) <= 0)
        return -2;
    long v = strtol(buf, &end, 10);
    return end != buf && *end == '\n' ? v : -1;
}

static int bits(cpus_t m) { return __builtin_popcountll((unsigned long long)m) + __builtin_popcountll((unsigned long long)(m >> 64)); }

/* Every CPU's topology: lists and masks agree and contain the CPU. */
static int check_topology(cpus_t online)
{
    int ok = 1;
    for (int c = 0; c <= MAXBIT; c++) {
        if (!(online & (BIT(c))))
            continue;
        char p[128], q[128];
        static const char *const pairs[][2] = {
            { "thread_siblings", "thread_siblings_list" }, { "core_cpus", "core_cpus_list" },
            { "core_siblings", "core_siblings_list" }, { "package_cpus", "package_cpus_list" },
        };
        cpus_t sets[4];
        for (int i = 0; i < 4; i++) {
            snprintf(p, sizeof p, SYS "/cpu/cpu%d/topology/%s", c, pairs[i][0]);
            snprintf(q, sizeof q, SYS "/cpu/cpu%d/topology/%s", c, pairs[i][1]);
            sets[i] = list_file(q);
            ok &= sets[i] >= 0 && mask_file(p) == sets[i] && (sets[i] & (BIT(c))) && !(sets[i] & ~online);
        }
        ok &= sets[0] == sets[1] && (sets[2] & sets[0]) == sets[0] && sets[2] == sets[3];
        const char *ids[] = { "core_id", "physical_package_id", "die_id" };
        for (int i = 0; i < 3; i++) {
            snprintf(p, sizeof p, SYS "/cpu/cpu%d/topology/%s", c, ids[i]);
            ok &= num_file(p) >= 0;
        }
        /* the siblings of a package all say the same package */
        snprintf(p, sizeof p, SYS "/cpu/cpu%d/topology/physical_package_id", c);
        long pkg = num_file(p);
        for (int d = 0; d <= MAXBIT; d++)
            if (sets[3] & (BIT(d))) {
                snprintf(q, sizeof q, SYS "/cpu/cpu%d/topology/physical_package_id", d);
                ok &= num_file(q) == pkg;
            }
    }
    return ok;
}

/* The nodes: their CPU lists partition the online CPUs, the masks agree,
 * each distance row has one entry per node and 10 for itself, meminfo and
 * numastat parse, and each CPU's node link points at its node. */
static int check_nodes(cpus_t online, cpus_t nodes)
{
    int ok = 1, n = bits(nodes);
    cpus_t seen = 0;
    for (int node = 0; node <= MAXBIT; node++) {
        if (!(nodes & (BIT(node))))
            continue;
        char p[128], buf[4096];
        snprintf(p, sizeof p, SYS "/node/node%d/cpulist", node);
        cpus_t cpus = list_file(p);
        snprintf(p, sizeof p, SYS "/node/node%d/cpumap", node);
        ok &= cpus >= 0 && mask_file(p) == cpus && !(cpus & seen);
        seen |= cpus;
        snprintf(p, sizeof p, SYS "/node/node%d/distance", node);
        read_file(p, buf, sizeof buf);
        char *s = buf, *end;
        for (int i = 0; i < n; i++, s = end) {
            long d = strtol(s, &end, 10);
            ok &= end != s && (node == i ? d == 10 : d > 10);
        }
        ok &= *s == '\n';
        snprintf(p, sizeof p, SYS "/node/node%d/meminfo", node);
        read_file(p, buf, sizeof buf);
        char key[32];
        unsigned long total = 0, free = 0;
        snprintf(key, sizeof key, "Node %d MemTotal:", node);
        ok &= !strncmp(buf, key, strlen(key)) && sscanf(buf + strlen(key), "%lu kB", &total) == 1;
        snprintf(key, sizeof key, "Node %d MemFree:", node);
        s = strstr(buf, key);
        ok &= s && sscanf(s + strlen(key), "%lu kB", &free) == 1 && free <= total;
        snprintf(p, sizeof p, SYS "/node/node%d/numastat", node);
        read_file(p, buf, sizeof buf);
        unsigned long v[6];
        ok &= sscanf(buf, "numa_hit %lu numa_miss %lu numa_foreign %lu interleave_hit %lu local_node %lu other_node %lu",
                     &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) == 6;
        for (int c = 0; c <= MAXBIT; c++)
            if (cpus & (BIT(c))) {
                char link[128], want[64];
                snprintf(p, sizeof p, SYS "/cpu/cpu%d/node%d", c, node);
                ssize_t len = readlink(p, link, sizeof link - 1);
                link[len > 0 ? len : 0] = 0;
                snprintf(want, sizeof want, "../../node/node%d", node);
                ok &= !strcmp(link, want);
            }
    }
    return ok && seen == online;
}

int main(void)
{
    cpus_t online = list_file(SYS "/cpu/online"), possible = list_file(SYS "/cpu/possible");
    cpus_t present = list_file(SYS "/cpu/present"), offline = list_file(SYS "/cpu/offline");
    expect(online > 0 && possible > 0 && present > 0 && offline >= 0, "online, possible, present, offline parse");
    expect((online & present) == online && (present & possible) == present, "online within present within possible");
    expect(offline == (present & ~online), "offline is present but not online");
    long kmax = num_file(SYS "/cpu/kernel_max");
    expect(kmax >= top_bit(possible), "kernel_max covers the possible CPUs");
    expect(list_file(SYS "/cpu/isolated") >= 0, "isolated parses");
    expect(bits(online) == sysconf(_SC_NPROCESSORS_ONLN), "online count is sysconf(_SC_NPROCESSORS_ONLN)");
    cpu_set_t set;
    CPU_ZERO(&set);
    sched_getaffinity(0, sizeof set, &set);
    cpus_t aff = 0;
    for (int c = 0; c <= MAXBIT; c++)
        if (CPU_ISSET(c, &set))
            aff |= BIT(c);
    expect(aff == online, "sched_getaffinity is the online CPUs");
    char status[4096];
    read_file("/proc/self/status", status, sizeof status);
    char *l = strstr(status, "Cpus_allowed_list:\t");
    expect(l && parse_list(l + 19) == aff, "/proc/self/status Cpus_allowed_list agrees");

    int dirs = 1, onl = 1;
    for (int c = 0; c <= MAXBIT; c++) {
        if (!(online & (BIT(c))))
            continue;
        char p[96];
        struct stat st;
        snprintf(p, sizeof p, SYS "/cpu/cpu%d", c);
        dirs &= stat(p, &st) == 0 && S_ISDIR(st.st_mode);
        snprintf(p, sizeof p, SYS "/cpu/cpu%d/online", c);
        onl &= c == 0 ? access(p, F_OK) == -1 && errno == ENOENT : num_file(p) == 1;
    }
    expect(dirs, "a cpuN directory for every online CPU");
    expect(onl, "cpuN/online is 1, and cpu0 has none");
    expect(check_topology(online), "topology lists and masks agree and contain their CPU");

    cpus_t nodes = list_file(SYS "/node/online");
    expect(nodes > 0 && list_file(SYS "/node/possible") == nodes, "node online and possible parse");
    expect((list_file(SYS "/node/has_memory") & ~nodes) == 0 && list_file(SYS "/node/has_cpu") > 0,
           "has_memory and has_cpu are online nodes");
    read_file("/proc/self/status", status, sizeof status);
    l = strstr(status, "Mems_allowed_list:\t");
    expect(l && parse_list(l + 19) == list_file(SYS "/node/has_memory"), "Mems_allowed_list is has_memory");
    expect(check_nodes(online, nodes), "node CPU lists cover the online CPUs once, distances, meminfo, numastat");

    /* readdir finds the same nodeN directories */
    cpus_t listed = 0;
    DIR *d = opendir(SYS "/node");
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (!strncmp(e->d_name, "node", 4) && e->d_name[4] >= '0' && e->d_name[4] <= '9')
            listed |= BIT(atoi(e->d_name + 4));
    if (d)
        closedir(d);
    expect(listed == nodes, "readdir lists the online nodes");
    expect_err(open(SYS "/cpu/online", O_WRONLY), EACCES, "open for writing");
    expect_err(open(SYS "/cpu/cpu9999/online", O_RDONLY), ENOENT, "a CPU that does not exist");
    gt_exit();
}
