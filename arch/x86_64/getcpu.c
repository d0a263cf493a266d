/*
 * Where the vDSO's getcpu finds the CPU and node (include/arch/vdso.h): as
 * on Linux, in IA32_TSC_AUX, which RDPID and RDTSCP read where the CPU has
 * them, and in the limit of the GDT's CPUNODE segment, which LSL reads on
 * any CPU.
 */
#include <arch/cpu.h>
#include <arch/gdt.h>
#include <arch/vdso.h>
#include <arch/x86.h>
#include <kernel/kernel.h>
#include <kernel/vdso.h>

#define MSR_TSC_AUX 0xc0000103

static bool has_tsc_aux;

uint32_t arch_vdso_getcpu_mode(const char **name)
{
    uint32_t a, b, c, d, max, ext;
    cpuid(0, 0, &max, &b, &c, &d);
    bool rdpid = false;
    if (max >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        rdpid = c & (1u << 22);
    }
    cpuid(0x80000000, 0, &ext, &b, &c, &d);
    bool rdtscp = false;
    if (ext >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &b, &c, &d);
        rdtscp = d & (1u << 27);
    }
    has_tsc_aux = rdpid || rdtscp;
    *name = rdpid ? "RDPID" : rdtscp ? "RDTSCP" : "LSL";
    return rdpid ? VDSO_GETCPU_RDPID : rdtscp ? VDSO_GETCPU_RDTSCP : VDSO_GETCPU_LSL;
}

void arch_vdso_set_cpunode(int cpu, uint32_t value)
{
    gdt_set_cpunode(cpu, value);
    if (has_tsc_aux)
        wrmsr(MSR_TSC_AUX, value);
}
