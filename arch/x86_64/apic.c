/*
 * Interrupt hardware: the local APIC (per-CPU timer, end-of-interrupt, IPIs),
 * the IOAPIC (routes ISA device IRQs), the legacy 8259 PICs (remapped and
 * masked) and the PIT, used once to calibrate the LAPIC timer and the TSC.
 *
 * Only xAPIC MMIO is used, reached through the direct map, so the same code
 * runs under TCG and KVM (notes/boot-facts.md: TCG offers no x2APIC).
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <arch/timer.h>
#include <arch/x86.h>
#include <kernel/irq.h>
#include <kernel/kernel.h>
#include <kernel/time.h>
#include <lib/string.h>

#define LAPIC_PHYS 0xfee00000UL
#define IOAPIC_PHYS 0xfec00000UL

#define LAPIC_ID 0x20
#define LAPIC_EOI 0xb0
#define LAPIC_SVR 0xf0
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3e0

static volatile uint32_t *lapic;
static volatile uint32_t *ioapic;
uint64_t tsc_hz;
uint64_t tsc_boot, tsc_mult;            /* ns = (tsc - boot) * mult >> 32 */

static inline uint32_t lapic_read(uint32_t reg) { return lapic[reg / 4]; }
static inline void lapic_write(uint32_t reg, uint32_t v) { lapic[reg / 4] = v; (void)lapic[LAPIC_ID / 4]; }

void lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }
uint32_t lapic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

static void ioapic_write(uint32_t reg, uint32_t v)
{
    ioapic[0] = reg;
    ioapic[4] = v;
}

static void pic_disable(void)
{
    /* remap to 0xe0-0xef so a stray spurious IRQ cannot look like an exception */
    outb(0x20, 0x11); outb(0xa0, 0x11);
    outb(0x21, 0xe0); outb(0xa1, 0xe8);
    outb(0x21, 4); outb(0xa1, 2);
    outb(0x21, 1); outb(0xa1, 1);
    outb(0x21, 0xff); outb(0xa1, 0xff);
}

/* Busy-waits `ms` milliseconds on PIT channel 2 (gate via port 0x61). */
static void pit_wait_ms(unsigned ms)
{
    uint32_t count = 1193182U * ms / 1000;
    uint8_t v = inb(0x61);
    outb(0x61, (v & ~0x02) & ~0x01);
    outb(0x43, 0xb0);               /* channel 2, lo/hi byte, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    v = inb(0x61);
    outb(0x61, v | 0x01);           /* gate high: start counting */
    while (!(inb(0x61) & 0x20))
        cpu_relax();
    outb(0x61, v & ~0x01);
}

uint64_t cycles_to_ns(uint64_t cycles) { return tsc_cycles_to_ns(cycles, tsc_mult); }

uint64_t time_ns(void)
{
    if (!tsc_mult)
        return 0;
    return cycles_to_ns(rdtsc() - tsc_boot);
}

/* One-shot timer programming for high-resolution timers (kernel/hrtimer.c).
 * TSC-deadline mode when CPUID has it (an absolute TSC value: no counting
 * drift, no range limit), the LAPIC's one-shot count otherwise (a relative
 * count of at most 2^32 LAPIC ticks: a far deadline comes early, and the
 * timer code programs the rest).  `lapic=notscdeadline` forces the count. */
#define MSR_TSC_DEADLINE 0x6e0
static bool use_tsc_deadline;
static uint64_t lapic_hz;

void arch_timer_init_cpu(void)
{
    lapic_write(LAPIC_TIMER_DIV, 0x3);                  /* divide by 16 */
    lapic_write(LAPIC_TIMER_INIT, 0);
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER | (use_tsc_deadline ? 2U << 17 : 0));
    if (use_tsc_deadline)
        wrmsr(MSR_TSC_DEADLINE, 0);
}

/* ns -> ticks for deltas: ticks = ns * mult >> 32, no division at run time */
static uint64_t tsc_per_ns_mult, lapic_per_ns_mult;
#define ONESHOT_MAX_NS (3600 * NSEC_PER_SEC)    /* farther deadlines come early and are re-armed */

void arch_timer_oneshot(uint64_t deadline_ns)
{
    uint64_t now = time_ns();
    uint64_t delta = deadline_ns > now ? MIN(deadline_ns - now, ONESHOT_MAX_NS) : 0;
    if (use_tsc_deadline) {
        uint64_t cycles = (uint64_t)(((unsigned __int128)delta * tsc_per_ns_mult) >> 32);
        wrmsr(MSR_TSC_DEADLINE, rdtsc() + cycles + 1);
        return;
    }
    uint64_t count = (uint64_t)(((unsigned __int128)delta * lapic_per_ns_mult) >> 32);
    lapic_write(LAPIC_TIMER_INIT, (uint32_t)MIN(MAX(count, 1), 0xffffffffULL));
}

void arch_timer_stop(void)
{
    if (use_tsc_deadline)
        wrmsr(MSR_TSC_DEADLINE, 0);
    else
        lapic_write(LAPIC_TIMER_INIT, 0);
}

void lapic_init_cpu(void)
{
    lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);       /* enable */
    lapic_write(0xd0, 0);                               /* logical destination: unused */
    lapic_write(0x80, 0);                               /* task priority: accept all */
}

void apic_init(void)
{
    lapic = P2V(LAPIC_PHYS);
    ioapic = P2V(IOAPIC_PHYS);
    pic_disable();
    lapic_init_cpu();

    /* calibrate the LAPIC timer and the TSC against 10 ms of PIT time */
    lapic_write(LAPIC_TIMER_DIV, 0x3);
    lapic_write(LAPIC_LVT_TIMER, 1 << 16);              /* masked, one-shot */
    lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
    uint64_t t0 = rdtsc();
    pit_wait_ms(10);
    uint64_t t1 = rdtsc();
    uint32_t elapsed = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);
    lapic_write(LAPIC_TIMER_INIT, 0);
    lapic_hz = (uint64_t)elapsed * 100;
    tsc_hz = (t1 - t0) * 100;
    tsc_per_ns_mult = ((tsc_hz / 1000) << 32) / 1000000;
    lapic_per_ns_mult = ((lapic_hz / 1000) << 32) / 1000000;
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    const char *opt = cmdline_get("lapic");
    use_tsc_deadline = ((c >> 24) & 1) && !(opt && strcmp(opt, "notscdeadline") == 0);
    tsc_boot = 0;   /* the TSC starts at machine reset: time_ns() is time since power-on */
    tsc_mult = (uint64_t)(((unsigned __int128)NSEC_PER_SEC << 32) / tsc_hz);
    kprintf("apic: one-shot timer by %s, LAPIC %lu kHz, TSC %lu.%03lu MHz\n",
            use_tsc_deadline ? "TSC deadline" : "LAPIC count", (unsigned long)(lapic_hz / 1000),
            (unsigned long)(tsc_hz / 1000000), (unsigned long)(tsc_hz / 1000 % 1000));
}

void ioapic_route(int gsi, int vector, int dest_apic)
{
    ioapic_write(0x10 + 2 * gsi + 1, (uint32_t)dest_apic << 24);
    ioapic_write(0x10 + 2 * gsi, vector);   /* edge, active high, unmasked */
}

void lapic_send_ipi(int apic_id, uint32_t icr_lo)
{
    lapic_write(LAPIC_ICR_HI, (uint32_t)apic_id << 24);
    lapic_write(LAPIC_ICR_LO, icr_lo);
    while (lapic_read(LAPIC_ICR_LO) & (1 << 12))
        cpu_relax();
}

/* ---- device IRQ registration ---- */
static struct {
    irq_handler_fn fn;
    void *arg;
} irq_table[16];

void irq_register(int irq, irq_handler_fn fn, void *arg)
{
    irq_table[irq].fn = fn;
    irq_table[irq].arg = arg;
    ioapic_route(irq == 0 ? 2 : irq, VEC_IRQ_BASE + irq, percpu_area[0].apic_id);
}

void irq_dispatch(int irq)
{
    if (irq_table[irq].fn)
        irq_table[irq].fn(irq_table[irq].arg);
    lapic_eoi();
}
