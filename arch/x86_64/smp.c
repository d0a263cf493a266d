/*
 * Multiprocessor start-up.  The CPUs come from the ACPI MADT (SeaBIOS's MP
 * table lists one CPU per socket, so it is not used; notes/boot-facts.md);
 * each application processor is started with INIT-SIPI-SIPI through the
 * real-mode trampoline, sets up its own per-CPU block, GDT/TSS, IDT, FPU,
 * LAPIC and syscall entry, then hands itself to generic code
 * (smp_cpu_main, kernel/smp.c), which brings it online.  "nosmp" or
 * "maxcpus=N" on the command line limit how many start.
 */
#include <arch/acpi.h>
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/fpu.h>
#include <arch/gdt.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <arch/x86.h>
#include <kernel/kernel.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <mm/kheap.h>

struct madt_ids {
    int *ids, count, max;
};

static void madt_entry(const uint8_t *e, void *arg)
{
    struct madt_ids *m = arg;
    if (e[0] == 0 && e[1] >= 8 && (e[4] & 1)) {   /* processor local APIC, enabled */
        if (m->count < m->max)
            m->ids[m->count] = e[3];
        m->count++;
    }
}

/* The APIC ids of the enabled CPUs the MADT lists (its entries start at
 * byte 44: after the header, the local APIC address and the flags): the
 * first max of them into ids; returns how many it lists. */
static int madt_apic_ids(int *ids, int max)
{
    const struct acpi_sdt_header *madt = acpi_find_table("APIC");
    struct madt_ids m = { ids, 0, max };
    if (madt)
        acpi_for_each_entry(madt, 44, madt_entry, &m);
    return m.count;
}

/* The CPU number and stack of the processor being started: one at a time. */
static volatile int ap_cpu;
static void *volatile ap_stack;

static void ap_entry(void)
{
    int cpu = __atomic_load_n(&ap_cpu, __ATOMIC_ACQUIRE);
    percpu_init(cpu);
    gdt_init_cpu(cpu);
    idt_load();
    arch_fpu_init_cpu();
    lapic_init_cpu();
    arch_syscall_init_cpu();
    percpu_area[cpu].apic_id = lapic_id();
    smp_cpu_main(cpu, ap_stack);
}

/* The APIC ids of the CPUs to start, in MADT order: allocated by
 * smp_prepare_cpus for as many as the MADT lists (at most NR_CPUS). */
static int *apic_ids;
static int nr_apic_ids;

void smp_prepare_cpus(void)
{
    int listed = madt_apic_ids(NULL, 0);
    nr_apic_ids = MIN(listed, NR_CPUS);
    if (nr_apic_ids && !(apic_ids = kzalloc(sizeof *apic_ids * (size_t)nr_apic_ids)))
        nr_apic_ids = 0;                /* this CPU alone */
    if (nr_apic_ids)
        madt_apic_ids(apic_ids, nr_apic_ids);
    const char *maxc = cmdline_get("maxcpus");
    int limit = NR_CPUS;
    if (maxc) {                         /* a decimal count (maxcpus=0 starts none beside this one) */
        limit = 0;
        for (const char *p = maxc; *p >= '0' && *p <= '9' && limit <= NR_CPUS; p++)
            limit = limit * 10 + (*p - '0');
    }
    if (cmdline_get("nosmp"))
        limit = 1;
    if (limit < 1)
        limit = 1;
    if (listed > NR_CPUS)
        kprintf(KERN_WARNING "smp: the firmware lists %d CPUs; at most %d start\n", listed, NR_CPUS);
    /* nosmp leaves one CPU, as Linux's nr_cpus=1; maxcpus= only starts fewer */
    cpus_present = cmdline_get("nosmp") ? 1 : MAX(nr_apic_ids, 1);
    percpu_setup(MIN(limit, cpus_present));
    gdt_setup();
}

/* The pause after INIT: the 10 ms of the MP specification for old
 * processors; none from family 6 on, as Linux (whose init_udelay is 0
 * there), since those take INIT at once.  With 64 CPUs the 10 ms alone
 * would cost 0.64 s of boot time. */
static uint64_t init_pause_ns(void)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    unsigned family = (a >> 8) & 0xf;
    return family >= 6 ? 0 : 10 * NSEC_PER_MSEC;
}

void smp_boot_aps(void)
{
    int *ids = apic_ids, n = nr_apic_ids;
    uint64_t init_pause = init_pause_ns();
    memcpy(P2V(TRAMP_BASE), trampoline_start, trampoline_end - trampoline_start);
    uint8_t *t = P2V(TRAMP_BASE);
    *(uint64_t *)(t + (tramp_entry - trampoline_start)) = (uint64_t)ap_entry;
    *(uint64_t *)(t + (tramp_cr3 - trampoline_start)) = (uint64_t)boot_pml4;
    uint32_t self = lapic_id();
    int cpu = 1;
    for (int i = 0; i < n && cpu < nr_cpu_ids; i++) {
        if ((uint32_t)ids[i] == self)
            continue;
        void *stack = smp_stack_alloc();
        if (!stack)
            break;
        *(uint64_t *)(t + (tramp_stack - trampoline_start)) = (uint64_t)stack + KSTACK_SIZE;
        ap_stack = stack;
        __atomic_store_n(&ap_cpu, cpu, __ATOMIC_RELEASE);
        volatile bool *online = &percpu_area[cpu].online;
        lapic_send_ipi(ids[i], 0x4500);             /* INIT */
        uint64_t t0 = time_ns();
        while (time_ns() - t0 < init_pause)
            cpu_relax();
        for (int k = 0; k < 2 && !*online; k++) {
            lapic_send_ipi(ids[i], 0x4600 | (TRAMP_BASE >> 12));   /* STARTUP */
            t0 = time_ns();
            while (!*online && time_ns() - t0 < 200 * NSEC_PER_USEC)
                cpu_relax();
        }
        t0 = time_ns();
        while (!*online && time_ns() - t0 < 500 * NSEC_PER_MSEC)
            cpu_relax();
        if (!*online) {
            kprintf(KERN_WARNING "smp: CPU with APIC id %d did not start\n", ids[i]);
            smp_stack_free(stack);
            continue;
        }
        cpu++;
        ncpus = cpu;
    }
    kprintf("smp: %d CPU%s online\n", ncpus, ncpus > 1 ? "s" : "");
}
