/*
 * /sys: a read-only pseudo file system with the CPU and NUMA files that
 * util-linux (lscpu), numactl/libnuma and procps read, in Linux's formats:
 *
 *   /sys/devices/system/cpu/{online,possible,present,offline,kernel_max,
 *                            isolated,nohz_full}
 *   /sys/devices/system/cpu/cpuN/online              (not for cpu0, as on Linux)
 *   /sys/devices/system/cpu/cpuN/topology/...        (online CPUs)
 *   /sys/devices/system/cpu/cpuN/cache/indexM/...    (online CPUs)
 *   /sys/devices/system/cpu/cpuN/nodeM -> ../../node/nodeM
 *   /sys/devices/system/node/{online,possible,has_cpu,has_memory,has_normal_memory}
 *   /sys/devices/system/node/nodeN/{cpulist,cpumap,distance,meminfo,numastat}
 *   /sys/devices/system/node/nodeN/cpuK -> ../../cpu/cpuK
 *
 * Built like /proc (kernel/fs/procfs.c): nothing is stored; a lookup makes
 * a transient vnode that records which directory or file it is (its kind
 * and the CPU or node number), and a file's text is generated when it is
 * opened, into a seqfile.  Each directory is described by a table of
 * entries (files, fixed subdirectories) plus, for some, numbered
 * subdirectories (cpuN, nodeN) and numbered symbolic links, and both
 * lookup and readdir walk the same list (dir_entry), so they always agree.
 * Inode numbers are computed from the kind, the number and the entry.
 *
 * CPU lists: possible and present are the CPUs the firmware lists (the
 * MADT), online those Tessera started (nosmp, maxcpus= start fewer).
 * Topology and caches come from CPUID (arch/x86_64/cpuinfo.c); a die is a
 * package and a cluster is a core, as Linux reports them in a QEMU guest.
 * A cache's id and the CPUs sharing it follow from how many logical
 * processors share it, as in Linux: the APIC ids that differ only in the
 * low bits that count them.
 */
#include <arch/cpuinfo.h>
#include <arch/percpu.h>
#include <fs/namei.h>
#include <fs/seqfile.h>
#include <fs/mount.h>
#include <fs/sysfs.h>
#include <fs/xattr.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/numa.h>
#include <mm/pmm.h>
#include <sched/sched.h>

#define SYSFS_MAGIC 0x62656572
#define KB_PER_PAGE (PAGE_SIZE / 1024)

enum sys_kind {
    SK_ROOT, SK_DEVICES, SK_SYSTEM, SK_CPU, SK_CPUN, SK_TOPOLOGY, SK_CACHE, SK_CACHE_INDEX, SK_NODE, SK_NODEN,
    SK_FILE, SK_LINK,
};

/* A file or fixed subdirectory of a directory. */
struct sys_ent {
    const char *name;
    enum sys_kind kind;                         /* SK_FILE or the subdirectory's kind */
    int (*show)(struct seqbuf *s, int num);     /* SK_FILE; num: the CPU or node */
    bool (*exists)(int num);                    /* NULL: always there */
};

/* A directory: its table, then numbered subdirectories ("cpu" 0..count-1,
 * numbered sub_num(num, n), or n), then numbered links ("node" n ->
 * link_fmt, for each n that has_link). */
struct sys_dir {
    const struct sys_ent *ents;
    unsigned nents;
    const char *sub;
    enum sys_kind sub_kind;
    int (*sub_count)(void);
    int (*sub_num)(int num, int n);
    const char *link;
    int link_max;
    bool (*has_link)(int num, int n);
    const char *link_fmt;                       /* printf of n */
};

/* What a vnode stands for. */
struct sys_inode {
    enum sys_kind kind;
    int num;                                    /* CPU or node number */
    const struct sys_ent *ent;                  /* SK_FILE */
    const struct sys_dir *dir;                  /* SK_LINK: the link's directory, n in link_n */
    int link_n;
};

/* One entry of a directory listing. */
struct sys_dirent {
    char name[24];
    enum sys_kind kind;
    int num;
    const struct sys_ent *ent;
    int link_n;
};

static struct superblock sys_sb = { .name = "sysfs", .magic = SYSFS_MAGIC, .dev = 5, .xattrs = SB_XATTR_EMPTY };
static const struct vnode_ops sys_dir_ops, sys_link_ops, sys_file_ops;
static const struct file_ops sys_fops;
static const struct sys_dir sys_dirs[];

static struct sys_inode *SI(struct vnode *v) { return v->priv; }

/* ---------------------------------------------------------------- CPUs */

static void present_cpus(struct cpuset *out) { cpuset_upto(out, cpus_present); }

static bool cpu_online(int cpu) { return cpu < ncpus && cpuset_test(&cpus_online, cpu); }

/* A CPU list file: the set and a newline. */
static int show_list(struct seqbuf *s, const struct cpuset *set)
{
    seq_bitlist(s, set->bits, NR_CPUS);
    seq_putc(s, '\n');
    return 0;
}

/* A node list file (node sets are one word). */
static int show_nodes(struct seqbuf *s, uint64_t set)
{
    seq_bitlist(s, &set, 64);
    seq_putc(s, '\n');
    return 0;
}

/* A CPU mask file, as wide as the possible CPUs. */
static int show_cpumask(struct seqbuf *s, const struct cpuset *set)
{
    seq_bitmask(s, set->bits, (unsigned)cpus_present);
    seq_putc(s, '\n');
    return 0;
}

static int show_cpu_online(struct seqbuf *s, int n) { return show_list(s, &cpus_online); }

static int show_cpu_present(struct seqbuf *s, int n)
{
    struct cpuset p;
    present_cpus(&p);
    return show_list(s, &p);
}

static int show_cpu_offline(struct seqbuf *s, int n)
{
    struct cpuset p;
    present_cpus(&p);
    cpuset_andnot(&p, &p, &cpus_online);
    return show_list(s, &p);
}

static int show_isolated(struct seqbuf *s, int n)
{
    struct cpuset p;
    present_cpus(&p);
    cpuset_and(&p, &p, sched_isolated_cpus());
    return show_list(s, &p);
}

static int show_nohz_full(struct seqbuf *s, int n)
{
    struct cpuset p;
    present_cpus(&p);
    cpuset_and(&p, &p, sched_nohz_full_cpus());
    return show_list(s, &p);
}

static int show_kernel_max(struct seqbuf *s, int n)
{
    seq_printf(s, "%d\n", NR_CPUS - 1);
    return 0;
}

static int show_one_online(struct seqbuf *s, int cpu)
{
    seq_printf(s, "%d\n", cpu_online(cpu) ? 1 : 0);
    return 0;
}

/* cpu0 cannot be taken offline, so Linux gives it no online file. */
static bool not_cpu0(int cpu) { return cpu != 0; }

static int show_core_id(struct seqbuf *s, int cpu)
{
    seq_printf(s, "%u\n", cpu_topo_id(cpu, TOPO_CORE));
    return 0;
}

static int show_package_id(struct seqbuf *s, int cpu)
{
    seq_printf(s, "%u\n", cpu_topo_id(cpu, TOPO_PACKAGE));
    return 0;
}

static int show_cluster_id(struct seqbuf *s, int cpu)
{
    seq_printf(s, "65535\n");           /* x86 has no cluster id: BAD_APICID, as Linux shows it */
    return 0;
}

/* The CPUs sharing cpu's core or package, as a mask or a list. */
static int show_siblings(struct seqbuf *s, int cpu, enum cpu_topo_level level, bool list)
{
    struct cpuset sib;
    cpu_siblings(cpu, level, &sib);
    return list ? show_list(s, &sib) : show_cpumask(s, &sib);
}

static int show_core_mask(struct seqbuf *s, int cpu) { return show_siblings(s, cpu, TOPO_THREAD, false); }
static int show_core_list(struct seqbuf *s, int cpu) { return show_siblings(s, cpu, TOPO_THREAD, true); }
static int show_package_mask(struct seqbuf *s, int cpu) { return show_siblings(s, cpu, TOPO_PACKAGE, false); }
static int show_package_list(struct seqbuf *s, int cpu) { return show_siblings(s, cpu, TOPO_PACKAGE, true); }

/* ---------------------------------------------------------------- caches */

/* A cache directory's number: its CPU and its index. */
static int cache_num(int cpu, int index) { return cpu << 8 | index; }
static int cache_cpu(int num) { return num >> 8; }

static int cache_count(void)
{
    struct cpu_cache c;
    int n = 0;
    while (n < 16 && cpu_cache((unsigned)n, &c))
        n++;
    return n;
}

static struct cpu_cache cache_of(int num)
{
    struct cpu_cache c = { 0 };
    cpu_cache((unsigned)(num & 0xff), &c);
    return c;
}

/* Bits of the APIC id that tell apart the CPUs sharing a cache. */
static unsigned cache_shift(const struct cpu_cache *c)
{
    unsigned shift = 0;
    while (shift < 16 && (1U << shift) < c->sharing)
        shift++;
    return shift;
}

static unsigned cache_id(int cpu, const struct cpu_cache *c)
{
    return (unsigned)percpu_area[cpu].apic_id >> cache_shift(c);
}

static void cache_sharers(int num, struct cpuset *out)
{
    struct cpu_cache c = cache_of(num);
    cpuset_zero(out);
    for_each_cpu(cpu, &cpus_online)
        if (cpu < ncpus && cache_id(cpu, &c) == cache_id(cache_cpu(num), &c))
            cpuset_set(out, cpu);
}

static int show_cache_field(struct seqbuf *s, unsigned value)
{
    seq_printf(s, "%u\n", value);
    return 0;
}

static int show_cache_level(struct seqbuf *s, int num) { return show_cache_field(s, cache_of(num).level); }
static int show_cache_ways(struct seqbuf *s, int num) { return show_cache_field(s, cache_of(num).ways); }
static int show_cache_line(struct seqbuf *s, int num) { return show_cache_field(s, cache_of(num).line); }
static int show_cache_sets(struct seqbuf *s, int num) { return show_cache_field(s, cache_of(num).sets); }
static int show_cache_partitions(struct seqbuf *s, int num) { return show_cache_field(s, cache_of(num).partitions); }

static int show_cache_id(struct seqbuf *s, int num)
{
    struct cpu_cache c = cache_of(num);
    return show_cache_field(s, cache_id(cache_cpu(num), &c));
}

static int show_cache_type(struct seqbuf *s, int num)
{
    seq_printf(s, "%s\n", cache_of(num).type);
    return 0;
}

static int show_cache_size(struct seqbuf *s, int num)
{
    seq_printf(s, "%uK\n", cache_of(num).size_kb);
    return 0;
}

static int show_cache_map(struct seqbuf *s, int num)
{
    struct cpuset sharers;
    cache_sharers(num, &sharers);
    return show_cpumask(s, &sharers);
}

static int show_cache_list(struct seqbuf *s, int num)
{
    struct cpuset sharers;
    cache_sharers(num, &sharers);
    return show_list(s, &sharers);
}

/* ---------------------------------------------------------------- nodes */

static int node_count(void) { return numa_nodes; }
static uint64_t nodes_with_cpus(void)
{
    uint64_t m = 0;
    for (int n = 0; n < numa_nodes; n++) {
        struct cpuset cpus;
        numa_node_cpus(n, &cpus);
        if (!cpuset_empty(&cpus))
            m |= 1ULL << n;
    }
    return m;
}

static int show_node_possible(struct seqbuf *s, int n) { return show_nodes(s, numa_all_nodes()); }
static int show_has_cpu(struct seqbuf *s, int n) { return show_nodes(s, nodes_with_cpus()); }
static int show_has_memory(struct seqbuf *s, int n) { return show_nodes(s, numa_nodes_with_memory()); }

static int show_node_cpus(struct seqbuf *s, int node, bool list)
{
    struct cpuset cpus;
    numa_node_cpus(node, &cpus);
    return list ? show_list(s, &cpus) : show_cpumask(s, &cpus);
}

static int show_node_cpulist(struct seqbuf *s, int node) { return show_node_cpus(s, node, true); }
static int show_node_cpumap(struct seqbuf *s, int node) { return show_node_cpus(s, node, false); }

static int show_node_distance(struct seqbuf *s, int node)
{
    for (int n = 0; n < numa_nodes; n++)
        seq_printf(s, "%s%d", n ? " " : "", numa_distance(node, n));
    seq_putc(s, '\n');
    return 0;
}

/* Linux's per-node meminfo: "Node N Key:" then the value, aligned as in
 * /proc/meminfo.  Only the frame counts are kept per node; the rest is 0. */
static int show_node_meminfo(struct seqbuf *s, int node)
{
    static const char *const zero[] = {
        "SwapCached:", "Active:", "Inactive:", "Active(anon):", "Inactive(anon):", "Active(file):",
        "Inactive(file):", "Unevictable:", "Mlocked:", "Dirty:", "Writeback:", "FilePages:", "Mapped:",
        "AnonPages:", "Shmem:", "KernelStack:", "PageTables:", "SecPageTables:", "NFS_Unstable:", "Bounce:",
        "WritebackTmp:", "KReclaimable:", "Slab:", "SReclaimable:", "SUnreclaim:", "AnonHugePages:",
        "ShmemHugePages:", "ShmemPmdMapped:", "FileHugePages:", "FilePmdMapped:",
    };
    struct pmm_node_stats st;
    pmm_node_stats(node, &st);
    uint64_t total = st.total * KB_PER_PAGE, free = st.free * KB_PER_PAGE;
    seq_printf(s, "Node %d %-16s%8lu kB\n", node, "MemTotal:", (unsigned long)total);
    seq_printf(s, "Node %d %-16s%8lu kB\n", node, "MemFree:", (unsigned long)free);
    seq_printf(s, "Node %d %-16s%8lu kB\n", node, "MemUsed:", (unsigned long)(total - free));
    for (unsigned i = 0; i < ARRAY_SIZE(zero); i++)
        seq_printf(s, "Node %d %-16s%8lu kB\n", node, zero[i], 0UL);
    seq_printf(s, "Node %d HugePages_Total:     0\nNode %d HugePages_Free:      0\nNode %d HugePages_Surp:      0\n",
               node, node, node);
    return 0;
}

static int show_node_numastat(struct seqbuf *s, int node)
{
    struct pmm_node_stats st;
    pmm_node_stats(node, &st);
    seq_printf(s, "numa_hit %lu\nnuma_miss %lu\nnuma_foreign %lu\n", (unsigned long)st.numa_hit,
               (unsigned long)st.numa_miss, (unsigned long)st.numa_foreign);
    seq_printf(s, "interleave_hit %lu\nlocal_node %lu\nother_node %lu\n", (unsigned long)st.interleave_hit,
               (unsigned long)st.local_node, (unsigned long)st.other_node);
    return 0;
}

static bool cpu_on_node(int cpu, int node) { return cpu_online(cpu) && cpu_to_node(cpu) == node; }
static bool node_of_cpu(int cpu, int node) { return cpu_on_node(cpu, node); }
static bool cpu_of_node(int node, int cpu) { return cpu_on_node(cpu, node); }

/* ---------------------------------------------------------------- the tree */

#define FILE(n, fn) { n, SK_FILE, fn, NULL }

static const struct sys_ent root_ents[] = { { "devices", SK_DEVICES, NULL, NULL } };
static const struct sys_ent devices_ents[] = { { "system", SK_SYSTEM, NULL, NULL } };
static const struct sys_ent system_ents[] = { { "cpu", SK_CPU, NULL, NULL }, { "node", SK_NODE, NULL, NULL } };
static const struct sys_ent cpu_ents[] = {
    FILE("online", show_cpu_online), FILE("possible", show_cpu_present), FILE("present", show_cpu_present),
    FILE("offline", show_cpu_offline), FILE("kernel_max", show_kernel_max), FILE("isolated", show_isolated),
    FILE("nohz_full", show_nohz_full),
};
static const struct sys_ent cpun_ents[] = {
    { "online", SK_FILE, show_one_online, not_cpu0 },
    { "topology", SK_TOPOLOGY, NULL, cpu_online },
    { "cache", SK_CACHE, NULL, cpu_online },
};
static const struct sys_ent topology_ents[] = {
    FILE("core_id", show_core_id), FILE("physical_package_id", show_package_id), FILE("die_id", show_package_id),
    FILE("cluster_id", show_cluster_id), FILE("core_cpus", show_core_mask), FILE("core_cpus_list", show_core_list),
    FILE("thread_siblings", show_core_mask), FILE("thread_siblings_list", show_core_list),
    FILE("cluster_cpus", show_core_mask), FILE("cluster_cpus_list", show_core_list),
    FILE("core_siblings", show_package_mask), FILE("core_siblings_list", show_package_list),
    FILE("die_cpus", show_package_mask), FILE("die_cpus_list", show_package_list),
    FILE("package_cpus", show_package_mask), FILE("package_cpus_list", show_package_list),
};
static const struct sys_ent cache_index_ents[] = {
    FILE("coherency_line_size", show_cache_line), FILE("id", show_cache_id), FILE("level", show_cache_level),
    FILE("number_of_sets", show_cache_sets), FILE("physical_line_partition", show_cache_partitions),
    FILE("shared_cpu_list", show_cache_list), FILE("shared_cpu_map", show_cache_map), FILE("size", show_cache_size),
    FILE("type", show_cache_type), FILE("ways_of_associativity", show_cache_ways),
};
static const struct sys_ent node_ents[] = {
    FILE("online", show_node_possible), FILE("possible", show_node_possible), FILE("has_cpu", show_has_cpu),
    FILE("has_memory", show_has_memory), FILE("has_normal_memory", show_has_memory),
};
static const struct sys_ent noden_ents[] = {
    FILE("cpulist", show_node_cpulist), FILE("cpumap", show_node_cpumap), FILE("distance", show_node_distance),
    FILE("meminfo", show_node_meminfo), FILE("numastat", show_node_numastat),
};

static int cpu_count(void) { return cpus_present; }

#define ENTS(a) a, ARRAY_SIZE(a)
static const struct sys_dir sys_dirs[] = {
    [SK_ROOT] = { ENTS(root_ents) },
    [SK_DEVICES] = { ENTS(devices_ents) },
    [SK_SYSTEM] = { ENTS(system_ents) },
    [SK_CPU] = { ENTS(cpu_ents), "cpu", SK_CPUN, cpu_count },
    [SK_CPUN] = { ENTS(cpun_ents), .link = "node", .link_max = NUMA_MAX_NODES, .has_link = node_of_cpu,
                  .link_fmt = "../../node/node%d" },
    [SK_TOPOLOGY] = { ENTS(topology_ents) },
    [SK_CACHE] = { NULL, 0, "index", SK_CACHE_INDEX, cache_count, cache_num },
    [SK_CACHE_INDEX] = { ENTS(cache_index_ents) },
    [SK_NODE] = { ENTS(node_ents), "node", SK_NODEN, node_count },
    [SK_NODEN] = { ENTS(noden_ents), .link = "cpu", .link_max = NR_CPUS, .has_link = cpu_of_node,
                   .link_fmt = "../../cpu/cpu%d" },
};

/* Entry i of directory (kind, num), in listing order; false past the end. */
static bool dir_entry(enum sys_kind kind, int num, unsigned i, struct sys_dirent *e)
{
    const struct sys_dir *d = &sys_dirs[kind];
    for (unsigned k = 0; k < d->nents; k++) {
        const struct sys_ent *x = &d->ents[k];
        if (x->exists && !x->exists(num))
            continue;
        if (i-- == 0) {
            *e = (struct sys_dirent){ .kind = x->kind, .num = num, .ent = x->kind == SK_FILE ? x : NULL };
            strlcpy(e->name, x->name, sizeof e->name);
            return true;
        }
    }
    for (int n = 0; d->sub && n < d->sub_count(); n++)
        if (i-- == 0) {
            *e = (struct sys_dirent){ .kind = d->sub_kind, .num = d->sub_num ? d->sub_num(num, n) : n };
            snprintf(e->name, sizeof e->name, "%s%d", d->sub, n);
            return true;
        }
    for (int n = 0; d->link && n < d->link_max; n++)
        if (d->has_link(num, n) && i-- == 0) {
            *e = (struct sys_dirent){ .kind = SK_LINK, .num = num, .link_n = n };
            snprintf(e->name, sizeof e->name, "%s%d", d->link, n);
            return true;
        }
    return false;
}

/* Stable inode numbers: the kind, the number and the entry's position. */
static uint64_t dirent_ino(enum sys_kind parent, const struct sys_dirent *e, unsigned i)
{
    return e->kind == SK_FILE || e->kind == SK_LINK ? ((uint64_t)(parent + 1) << 32) | ((uint64_t)e->num << 12) | (i + 1)
                                                    : ((uint64_t)(e->kind + 1) << 32) | ((uint64_t)e->num << 12);
}

static unsigned dirent_dtype(const struct sys_dirent *e)
{
    return e->kind == SK_FILE ? DT_REG : e->kind == SK_LINK ? DT_LNK : DT_DIR;
}

/* ---------------------------------------------------------------- vnodes */

static struct vnode *sys_vnode(struct vnode *parent, const struct sys_dirent *e, uint64_t ino)
{
    mode_t mode = e->kind == SK_FILE ? S_IFREG | 0444 : e->kind == SK_LINK ? S_IFLNK | 0777 : S_IFDIR | 0555;
    const struct vnode_ops *ops = e->kind == SK_FILE ? &sys_file_ops : e->kind == SK_LINK ? &sys_link_ops : &sys_dir_ops;
    struct sys_inode *si = kzalloc(sizeof *si);
    struct vnode *v = si ? vnode_alloc(&sys_sb, ops, mode) : NULL;
    if (!v) {
        kfree(si);
        return NULL;
    }
    si->kind = e->kind;
    si->num = e->num;
    si->ent = e->ent;
    si->dir = parent ? &sys_dirs[SI(parent)->kind] : NULL;
    si->link_n = e->link_n;
    v->priv = si;
    v->ino = ino;
    if (parent)
        vnode_set_transient(v, parent);
    if (e->kind == SK_FILE)
        v->fops = &sys_fops;
    else if (e->kind != SK_LINK)
        v->nlink = 2;
    return v;
}

static void sys_destroy(struct vnode *v) { kfree(v->priv); }

static int sys_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{
    struct sys_inode *si = SI(dir);
    struct sys_dirent e;
    for (unsigned i = 0; dir_entry(si->kind, si->num, i, &e); i++)
        if (strlen(e.name) == len && !memcmp(e.name, name, len)) {
            *out = sys_vnode(dir, &e, dirent_ino(si->kind, &e, i));
            return *out ? 0 : -ENOMEM;
        }
    return -ENOENT;
}

/* Cookies: 2 + the entry's position (the listing of a directory never
 * changes once the CPUs have started). */
static int sys_readdir(struct vnode *dir, struct dir_ctx *ctx)
{
    struct sys_inode *si = SI(dir);
    struct sys_dirent e;
    for (unsigned i = (unsigned)(ctx->pos - 2); dir_entry(si->kind, si->num, i, &e); i++)
        if (!dir_emit(ctx, e.name, strlen(e.name), dirent_ino(si->kind, &e, i), dirent_dtype(&e), i + 3))
            break;
    return 0;
}

static ssize_t sys_readlink(struct vnode *v, char *buf, size_t n)
{
    struct sys_inode *si = SI(v);
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, si->dir->link_fmt, si->link_n);
    len = MIN(len, (int)n);
    memcpy(buf, tmp, (size_t)len);
    return len;
}

static const struct vnode_ops sys_dir_ops = { .lookup = sys_lookup, .readdir = sys_readdir, .destroy = sys_destroy };
static const struct vnode_ops sys_link_ops = { .readlink = sys_readlink, .destroy = sys_destroy };
static const struct vnode_ops sys_file_ops = { .destroy = sys_destroy };

/* ---------------------------------------------------------------- files */

static int show_file(struct seqbuf *s, void *arg)
{
    struct sys_inode *si = arg;
    return si->ent->show(s, si->num);
}

static int sys_open(struct vnode *v, struct file *f)
{
    if ((f->flags & O_ACCMODE) != O_RDONLY)
        return -EACCES;
    return seqfile_open(f, show_file, v->priv);
}

static const struct file_ops sys_fops = {
    .open = sys_open, .read = seqfile_read, .lseek = seqfile_lseek, .release = seqfile_release,
};

/* ---------------------------------------------------------------- mount */

static struct vnode *sys_root;   /* permanent */

struct vnode *sysfs_root(void) { return sys_root; }

void sysfs_init(void)
{
    struct sys_dirent root = { .kind = SK_ROOT };
    sys_root = sys_vnode(NULL, &root, 1);
    if (!sys_root)
        panic("sysfs: out of memory");
    int err = vfs_mount_kernel("sysfs", "/sys");
    if (err)
        kprintf(KERN_ERR "sysfs: cannot mount /sys (%d)\n", err);
}
