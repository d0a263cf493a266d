/*
 * CPU identification from CPUID, for /proc/cpuinfo and /sys/devices/system/cpu
 * (see <arch/cpuinfo.h>).
 *
 * Topology: CPUID leaf 0xB gives, level by level (1 = SMT, 2 = core), how
 * many low bits of an x2APIC id number the threads of a core and the cores
 * of a package; without it, every logical processor of a package (CPUID 1,
 * EBX[23:16]) is a core.
 *
 * Flags: the bits CPUID reports directly, in the words and order Linux
 * prints them (arch/x86/include/asm/cpufeatures.h): 1:EDX, 0x80000001:EDX,
 * 1:ECX, 0x80000001:ECX, 7:EBX, 0xD.1:EAX, 7:ECX, 7:EDX.  Linux's synthetic
 * flags (rep_good, nopl, constant_tsc, ...) describe its own choices and
 * are left out.
 *
 * Caches: CPUID leaf 4 (Intel) or 0x8000001D (AMD with topology
 * extensions) describe each cache; older AMD parts (and QEMU's AMD models
 * without topoext) only have the L1 to L3 summaries of 0x80000005 and
 * 0x80000006, which Linux also turns into the same four caches.
 */
#include <arch/abi.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/cpuinfo.h>
#include <arch/percpu.h>
#include <arch/x86.h>
#include <kernel/kernel.h>
#include <lib/string.h>

/* ---------------------------------------------------------------- topology */

static void topology_shifts(unsigned *smt, unsigned *pkg)
{
    uint32_t a, b, c, d, max;
    *smt = *pkg = 0;
    cpuid(0, 0, &max, &b, &c, &d);
    if (max >= 0xb) {
        cpuid(0xb, 0, &a, &b, &c, &d);
        if (b & 0xffff) {
            for (uint32_t level = 0; level < 8; level++) {
                cpuid(0xb, level, &a, &b, &c, &d);
                unsigned type = (c >> 8) & 0xff;
                if (!type)
                    break;
                if (type == 1)
                    *smt = a & 0x1f;
                *pkg = a & 0x1f;
            }
            return;
        }
    }
    cpuid(1, 0, &a, &b, &c, &d);
    if (d & (1U << 28))                 /* HTT: EBX[23:16] ids per package */
        while (*pkg < 8 && (1U << *pkg) < ((b >> 16) & 0xff))
            (*pkg)++;
}

unsigned cpu_topo_id(int cpu, enum cpu_topo_level level)
{
    unsigned smt, pkg;
    topology_shifts(&smt, &pkg);
    unsigned apic = (unsigned)percpu_area[cpu].apic_id;
    if (level == TOPO_PACKAGE)
        return apic >> pkg;
    return level == TOPO_CORE ? (apic >> smt) & ((1U << (pkg - smt)) - 1) : apic & ((1U << smt) - 1);
}

void cpu_siblings(int cpu, enum cpu_topo_level level, struct cpuset *out)
{
    cpuset_zero(out);
    for_each_cpu(c, &cpus_online)
        if (c < ncpus && cpu_topo_id(c, TOPO_PACKAGE) == cpu_topo_id(cpu, TOPO_PACKAGE) &&
            (level == TOPO_PACKAGE || cpu_topo_id(c, TOPO_CORE) == cpu_topo_id(cpu, TOPO_CORE)))
            cpuset_set(out, c);
}

/* ---------------------------------------------------------------- flags */

typedef const char *const flag_word[32];

static flag_word w_1_edx = {
    "fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", NULL, "sep", "mtrr", "pge", "mca", "cmov",
    "pat", "pse36", "pn", "clflush", NULL, "dts", "acpi", "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe",
};
static flag_word w_ext1_edx = {
    [11] = "syscall", [19] = "mp", [20] = "nx", [22] = "mmxext", [25] = "fxsr_opt", [26] = "pdpe1gb",
    [27] = "rdtscp", [29] = "lm", [30] = "3dnowext", [31] = "3dnow",
};
static flag_word w_1_ecx = {
    "pni", "pclmulqdq", "dtes64", "monitor", "ds_cpl", "vmx", "smx", "est", "tm2", "ssse3", "cid", "sdbg", "fma",
    "cx16", "xtpr", "pdcm", NULL, "pcid", "dca", "sse4_1", "sse4_2", "x2apic", "movbe", "popcnt",
    "tsc_deadline_timer", "aes", "xsave", NULL, "avx", "f16c", "rdrand", "hypervisor",
};
static flag_word w_ext1_ecx = {
    "lahf_lm", "cmp_legacy", "svm", "extapic", "cr8_legacy", "abm", "sse4a", "misalignsse", "3dnowprefetch", "osvw",
    "ibs", "xop", "skinit", "wdt", NULL, "lwp", "fma4", "tce", NULL, "nodeid_msr", NULL, "tbm", "topoext",
    "perfctr_core", "perfctr_nb", NULL, "bpext", "ptsc", "perfctr_llc", "mwaitx",
};
static flag_word w_7_ebx = {
    "fsgsbase", "tsc_adjust", "sgx", "bmi1", "hle", "avx2", NULL, "smep", "bmi2", "erms", "invpcid", "rtm", "cqm",
    NULL, "mpx", "rdt_a", "avx512f", "avx512dq", "rdseed", "adx", "smap", "avx512ifma", NULL, "clflushopt", "clwb",
    "intel_pt", "avx512pf", "avx512er", "avx512cd", "sha_ni", "avx512bw", "avx512vl",
};
static flag_word w_d1_eax = { "xsaveopt", "xsavec", "xgetbv1", "xsaves" };
static flag_word w_7_ecx = {
    [1] = "avx512vbmi", [2] = "umip", [3] = "pku", [4] = "ospke", [5] = "waitpkg", [6] = "avx512_vbmi2",
    [8] = "gfni", [9] = "vaes", [10] = "vpclmulqdq", [11] = "avx512_vnni", [12] = "avx512_bitalg", [13] = "tme",
    [14] = "avx512_vpopcntdq", [16] = "la57", [22] = "rdpid", [24] = "bus_lock_detect", [25] = "cldemote",
    [27] = "movdiri", [28] = "movdir64b", [29] = "enqcmd", [30] = "sgx_lc",
};
static flag_word w_7_edx = {
    [2] = "avx512_4vnniw", [3] = "avx512_4fmaps", [4] = "fsrm", [8] = "avx512_vp2intersect", [10] = "md_clear",
    [14] = "serialize", [16] = "tsxldtrk", [18] = "pconfig", [19] = "arch_lbr", [20] = "ibt", [22] = "amx_bf16",
    [23] = "avx512_fp16", [24] = "amx_tile", [25] = "amx_int8", [28] = "flush_l1d", [29] = "arch_capabilities",
};

void cpu_for_each_flag(void (*fn)(const char *name, void *arg), void *arg)
{
    uint32_t max, ext_max, b, c, d;
    cpuid(0, 0, &max, &b, &c, &d);
    cpuid(0x80000000, 0, &ext_max, &b, &c, &d);
    uint32_t r1[4], e1[4] = { 0 }, r7[4] = { 0 }, rd1[4] = { 0 };
    cpuid(1, 0, &r1[0], &r1[1], &r1[2], &r1[3]);
    if (ext_max >= 0x80000001)
        cpuid(0x80000001, 0, &e1[0], &e1[1], &e1[2], &e1[3]);
    if (max >= 7)
        cpuid(7, 0, &r7[0], &r7[1], &r7[2], &r7[3]);
    if (max >= 0xd)
        cpuid(0xd, 1, &rd1[0], &rd1[1], &rd1[2], &rd1[3]);
    const struct {
        const flag_word *names;
        uint32_t bits;
    } words[] = {
        { &w_1_edx, r1[3] }, { &w_ext1_edx, e1[3] }, { &w_1_ecx, r1[2] }, { &w_ext1_ecx, e1[2] },
        { &w_7_ebx, r7[1] }, { &w_d1_eax, rd1[0] }, { &w_7_ecx, r7[2] }, { &w_7_edx, r7[3] },
    };
    for (unsigned w = 0; w < sizeof words / sizeof words[0]; w++)
        for (unsigned bit = 0; bit < 32; bit++)
            if ((words[w].bits & (1U << bit)) && (*words[w].names)[bit])
                fn((*words[w].names)[bit], arg);
}

void cpu_address_sizes(unsigned *phys, unsigned *virt)
{
    uint32_t max, a, b, c, d;
    cpuid(0x80000000, 0, &max, &b, &c, &d);
    *phys = 36;
    *virt = 48;
    if (max >= 0x80000008) {
        cpuid(0x80000008, 0, &a, &b, &c, &d);
        *phys = a & 0xff;
        *virt = (a >> 8) & 0xff;
    }
}

/* ---------------------------------------------------------------- caches */

static const char *const cache_types[] = { NULL, "Data", "Instruction", "Unified" };

/* Leaf 4 and 0x8000001D share a layout. */
static bool cache_from_leaf(uint32_t leaf, unsigned index, struct cpu_cache *out)
{
    uint32_t a, b, c, d;
    cpuid(leaf, index, &a, &b, &c, &d);
    unsigned type = a & 0x1f;
    if (type == 0 || type > 3)
        return false;
    out->type = cache_types[type];
    out->level = (a >> 5) & 7;
    out->sharing = ((a >> 14) & 0xfff) + 1;
    out->line = (b & 0xfff) + 1;
    out->ways = ((b >> 22) & 0x3ff) + 1;
    out->sets = c + 1;
    out->partitions = ((b >> 12) & 0x3ff) + 1;
    out->size_kb = out->ways * out->partitions * out->line * out->sets / 1024;
    return true;
}

/* AMD's associativity codes in 0x80000006 (as Linux decodes them). */
static unsigned amd_ways(unsigned code)
{
    static const unsigned ways[16] = { 0, 1, 2, 3, 4, 0, 8, 0, 16, 0, 32, 48, 64, 96, 128, 0 };
    return ways[code & 0xf];
}

static bool cache_from_amd_legacy(unsigned index, struct cpu_cache *out)
{
    uint32_t max, a, b, c5, d5, c6, d6;
    cpuid(0x80000000, 0, &max, &b, &c5, &d5);
    if (max < 0x80000006 || index > 3)
        return false;
    cpuid(0x80000005, 0, &a, &b, &c5, &d5);
    cpuid(0x80000006, 0, &a, &b, &c6, &d6);
    uint32_t r = index == 0 ? c5 : index == 1 ? d5 : index == 2 ? c6 : d6;
    if (index < 2) {                    /* L1: size KB, ways, -, line */
        out->level = 1;
        out->type = cache_types[index ? 2 : 1];
        out->size_kb = r >> 24;
        out->ways = (r >> 16) & 0xff;
        out->sharing = 1;
    } else {                            /* L2 size in KB, L3 in 512 KB units */
        out->level = index;
        out->type = cache_types[3];
        out->size_kb = index == 2 ? r >> 16 : (r >> 18) * 512;
        out->ways = amd_ways((r >> 12) & 0xf);
        uint32_t b1, c1, d1, a1;
        cpuid(1, 0, &a1, &b1, &c1, &d1);
        out->sharing = index == 3 ? MAX((b1 >> 16) & 0xff, 1U) : 1;
    }
    out->line = r & 0xff;
    out->partitions = 1;
    if (!out->size_kb || !out->ways || !out->line)
        return false;
    out->sets = out->size_kb * 1024 / (out->ways * out->line);
    return true;
}

bool cpu_cache(unsigned index, struct cpu_cache *out)
{
    uint32_t max, ext_max, b, c, d;
    cpuid(0, 0, &max, &b, &c, &d);
    cpuid(0x80000000, 0, &ext_max, &b, &c, &d);
    if (max >= 4) {
        uint32_t a;
        cpuid(4, 0, &a, &b, &c, &d);
        if (a & 0x1f)
            return cache_from_leaf(4, index, out);
    }
    uint32_t e1[4] = { 0 };
    if (ext_max >= 0x80000001)
        cpuid(0x80000001, 0, &e1[0], &e1[1], &e1[2], &e1[3]);
    if (ext_max >= 0x8000001d && (e1[2] & (1U << 22)))     /* topoext */
        return cache_from_leaf(0x8000001d, index, out);
    return cache_from_amd_legacy(index, out);
}

uint64_t arch_elf_hwcap(void)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    return d;
}
struct printer {
    void (*out)(void *arg, const char *text);
    void *arg;
};

static void __attribute__((format(printf, 2, 3))) print(struct printer *p, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    p->out(p->arg, line);
}

static void put_flag(const char *name, void *p) { print(p, " %s", name); }

void cpu_info_print(void (*out)(void *arg, const char *text), void *arg)
{
    struct printer pr = { out, arg }, *s = &pr;
    uint32_t a, b, c, d, max;
    char vendor[13], brand[49];
    cpuid(0, 0, &max, &b, &c, &d);
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = '\0';
    cpuid(1, 0, &a, &b, &c, &d);
    unsigned family = (a >> 8) & 0xf, model = (a >> 4) & 0xf, stepping = a & 0xf;
    if (family == 0xf)
        family += (a >> 20) & 0xff;
    if (family >= 6)
        model |= ((a >> 16) & 0xf) << 4;
    strlcpy(brand, "unknown", sizeof(brand));
    cpuid(0x80000000, 0, &max, &b, &c, &d);
    if (max >= 0x80000004) {
        uint32_t *w = (uint32_t *)brand;
        for (uint32_t leaf = 0; leaf < 3; leaf++)
            cpuid(0x80000002 + leaf, 0, &w[leaf * 4], &w[leaf * 4 + 1], &w[leaf * 4 + 2], &w[leaf * 4 + 3]);
        brand[48] = '\0';
    }
    cpuid(0, 0, &max, &b, &c, &d);
    unsigned level = max, clflush;
    cpuid(1, 0, &a, &b, &c, &d);
    clflush = ((b >> 8) & 0xff) * 8;
    unsigned phys, virt;
    cpu_address_sizes(&phys, &virt);
    unsigned long khz = (unsigned long)(tsc_hz / 1000);
    for (int cpu = 0; cpu < ncpus; cpu++) {
        if (!percpu_area[cpu].online)
            continue;
        print(s, "processor\t: %d\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n", cpu, vendor, family,
                   model);
        /* the rest as Linux prints it: lscpu reads the flags (lm: 64-bit),
         * the address sizes and bogomips (twice the TSC's MHz) */
        struct cpuset sib;
        cpu_siblings(cpu, TOPO_PACKAGE, &sib);
        int siblings = cpuset_weight(&sib);
        cpu_siblings(cpu, TOPO_THREAD, &sib);
        int threads = cpuset_weight(&sib);
        print(s, "model name\t: %s\nstepping\t: %u\ncpu MHz\t\t: %lu.%03lu\n", brand, stepping, khz / 1000,
                   khz % 1000);
        print(s, "physical id\t: %u\nsiblings\t: %d\ncore id\t\t: %u\ncpu cores\t: %d\n",
                   cpu_topo_id(cpu, TOPO_PACKAGE), siblings, cpu_topo_id(cpu, TOPO_CORE), siblings / MAX(threads, 1));
        print(s, "apicid\t\t: %d\ninitial apicid\t: %d\nfpu\t\t: yes\nfpu_exception\t: yes\n",
                   percpu_area[cpu].apic_id, percpu_area[cpu].apic_id);
        print(s, "cpuid level\t: %u\nwp\t\t: yes\nflags\t\t:", level);
        cpu_for_each_flag(put_flag, s);
        print(s, "\nbogomips\t: %lu.%02lu\nclflush size\t: %u\ncache_alignment\t: %u\n", 2 * khz / 1000,
                   2 * khz % 1000 / 10, clflush, clflush);
        print(s, "address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n", phys, virt);
    }
}

