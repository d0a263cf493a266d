/*
 * membarrier(2): a memory barrier on other CPUs, so that a program's fast
 * path can do without fences and its slow path pays for both.
 *
 * Every command that orders memory here makes the CPUs concerned take an
 * interrupt (the TLB-flush request, include/arch/cpu.h) and waits until
 * each has: taking an interrupt and returning from it is a full barrier and
 * serializes the instruction stream, which is what the SYNC_CORE commands
 * promise.  The private commands reach the CPUs that have the caller's
 * address space loaded, the global ones every CPU.  The private ones need
 * the process to have registered first (EPERM otherwise); registrations
 * belong to the address space, so fork keeps them and exec forgets them.
 * There are no restartable sequences, so the RSEQ commands are EINVAL, as
 * on a Linux built without them.
 */
#include <arch/cpu.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <mm/vm.h>
#include <sched/sched.h>

enum {
    MEMBARRIER_CMD_QUERY = 0,
    MEMBARRIER_CMD_GLOBAL = 1 << 0,
    MEMBARRIER_CMD_GLOBAL_EXPEDITED = 1 << 1,
    MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED = 1 << 2,
    MEMBARRIER_CMD_PRIVATE_EXPEDITED = 1 << 3,
    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED = 1 << 4,
    MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 5,
    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE = 1 << 6,
    MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ = 1 << 7,
    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ = 1 << 8,
    MEMBARRIER_CMD_GET_REGISTRATIONS = 1 << 9,
};
#define MEMBARRIER_CMD_FLAG_CPU 1

/* Every CPU in `cpus` has passed a full barrier when this returns. */
static void barrier_on(const struct cpuset *cpus)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    arch_tlb_flush_cpus(cpus);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* The private commands: registered for `reg`, or EPERM. */
static long private_expedited(struct mm *mm, uint32_t reg)
{
    if (!(__atomic_load_n(&mm->membarrier, __ATOMIC_ACQUIRE) & reg))
        return -EPERM;
    struct cpuset cpus;
    cpuset_load_atomic(&cpus, &mm->cpus);
    barrier_on(&cpus);
    return 0;
}

static long sys_membarrier(int cmd, unsigned flags, int cpu_id)
{
    struct mm *mm = current->mm;
    if (flags && !(cmd == MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ && flags == MEMBARRIER_CMD_FLAG_CPU))
        return -EINVAL;
    bool nohz = !cpuset_empty(sched_nohz_full_cpus());
    switch (cmd) {
    case MEMBARRIER_CMD_QUERY: {
        long mask = MEMBARRIER_CMD_GLOBAL | MEMBARRIER_CMD_GLOBAL_EXPEDITED |
                    MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED |
                    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED | MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE |
                    MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE | MEMBARRIER_CMD_GET_REGISTRATIONS;
        /* a tickless CPU may never pass through the scheduler: Linux
         * refuses the plain global command then */
        return nohz ? mask & ~MEMBARRIER_CMD_GLOBAL : mask;
    }
    case MEMBARRIER_CMD_GLOBAL:
        if (nohz)
            return -EINVAL;
        /* fallthrough */
    case MEMBARRIER_CMD_GLOBAL_EXPEDITED:
    {
        struct cpuset all;
        cpuset_load_atomic(&all, &cpus_online);
        barrier_on(&all);
    }
        return 0;
    case MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED:
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED:
    case MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
        __atomic_or_fetch(&mm->membarrier, (uint32_t)cmd, __ATOMIC_RELEASE);
        return 0;
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED:
        return private_expedited(mm, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);
    case MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE:
        return private_expedited(mm, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE);
    case MEMBARRIER_CMD_GET_REGISTRATIONS:
        return __atomic_load_n(&mm->membarrier, __ATOMIC_ACQUIRE);
    default:
        return -EINVAL;
    }
}
SYSCALL_DEFINE(324, membarrier);
