/*
 * The hardware random generator on x86-64 (include/arch/random.h): RDSEED
 * where CPUID reports it, RDRAND otherwise; QEMU's TCG serves both from the
 * host's generator.  Either may run dry for a moment: a few retries, then
 * the caller makes do without.
 */
#include <arch/cpu.h>
#include <arch/random.h>
#include <arch/x86.h>
#include <kernel/kernel.h>

static bool has_rdrand, has_rdseed;

const char *arch_random_init(void)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    has_rdrand = (c >> 30) & 1;
    cpuid(0, 0, &a, &b, &c, &d);
    if (a >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        has_rdseed = (b >> 18) & 1;
    }
    return has_rdseed ? "RDSEED" : has_rdrand ? "RDRAND" : "TSC jitter only (weak: no RDRAND/RDSEED)";
}

bool arch_random_hw(uint64_t *v)
{
    for (int tries = 0; tries < 10; tries++) {
        unsigned char ok;
        if (has_rdseed)
            __asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok));
        else if (has_rdrand)
            __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
        else
            return false;
        if (ok)
            return true;
        cpu_relax();
    }
    return false;
}
