/*
 * kmain: bring the machine up in dependency order, then start init.
 *
 * boot info -> console -> per-CPU block, GDT/TSS/IDT -> physical memory,
 * kernel page table, heap -> APIC and timer calibration -> the vDSO and
 * the clocks -> scheduler -> system calls -> file systems and the
 * initramfs -> devices -> init.
 *
 * init is the program named by init= on the command line (default
 * /sbin/init), started as pid 1 with the console on descriptors 0, 1, 2.
 * Like Linux, the kernel falls back to /bin/sh if the default is missing.
 */
#include <arch/cpu.h>
#include <arch/entry.h>
#include <arch/percpu.h>
#include <arch/pgtable.h>
#include <drivers/uart.h>
#include <fs/procfs.h>
#include <fs/sysfs.h>
#include <fs/tty.h>
#include <fs/vfs.h>
#include <kernel/boot_info.h>
#include <kernel/hrtimer.h>
#include <kernel/kernel.h>
#include <kernel/log.h>
#include <kernel/perf_event.h>
#include <kernel/random.h>
#include <kernel/spinlock.h>
#include <kernel/syscall.h>
#include <kernel/task.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/vdso.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <mm/numa.h>
#include <mm/pmm.h>
#include <mm/vm.h>
#include <proc/proc.h>
#include <proc/signal.h>
#include <sched/sched.h>


static void start_init(void *arg)
{
    struct task *t = current;
    const char *init = cmdline_get("init");
    char path[128];
    strlcpy(path, init && *init ? init : "/sbin/init", sizeof path);

    struct file *con = NULL;
    int r = vfs_open_kernel("/dev/console", 2 /* O_RDWR */, &con);
    if (r == 0) {
        fd_install(con, 0);
        file_get(con);
        fd_install(con, 0);
        file_get(con);
        fd_install(con, 0);
    } else {
        kprintf(KERN_ERR "init: cannot open /dev/console (%d)\n", r);
    }
    const char *argv[] = { path, NULL };
    const char *envp[] = { "HOME=/", "TERM=vt100", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL };
    kprintf("init: starting %s\n", path);
    r = kernel_execve(path, argv, envp);
    if (r && !init) {
        kprintf(KERN_WARNING "init: %s failed (%d), trying /bin/sh\n", path, r);
        argv[0] = "/bin/sh";
        r = kernel_execve("/bin/sh", argv, envp);
    }
    if (r) {
        kprintf(KERN_ERR "init: cannot run %s: error %d\n", path, r);
        machine_exit(EXIT_INIT_FAIL);
    }
    t->stats.first_run_ns = time_ns();
    kprintf("init: first user instruction at %lu us\n", (unsigned long)(time_ns() / 1000));
}

void kmain(uint32_t start_info)
{
    uint64_t entry_cycles = arch_cycles();  /* the TSC counts from machine reset */
    percpu_init(0);
    uart_init();
    boot_info_parse(start_info);
    log_quiet = cmdline_get("quiet") != NULL;
    kprintf("Tessera: booting (cmdline \"%s\")\n", kernel_cmdline);
    arch_init_boot_cpu();
    numa_init();
    arch_direct_map_init();
    pmm_init();
    vm_init();
    kheap_init();
    smp_prepare_cpus();         /* per-CPU data for the CPUs the firmware lists */
    spin_debug_setup();
    hrtimer_setup();
    perf_setup();
    arch_init_interrupts();
    cpu_mark_online(&percpu_area[0]);
    vdso_init();
    time_init();
    vdso_publish_clocks();
    /* what went before the kernel: the firmware (SeaBIOS starts every CPU
     * too) and the loader; make bench-scale reads it */
    kprintf("boot: kernel entered at %lu us after machine reset\n", (unsigned long)(cycles_to_ns(entry_cycles) / 1000));
    random_init();
    sched_init();
    syscall_init();
    vfs_init();
    if (initrd_size) {
        int r = initramfs_unpack(P2V(initrd_phys), initrd_size);
        if (r)
            kprintf(KERN_ERR "initramfs: unpack failed (%d)\n", r);
        else
            kprintf("initramfs: %lu KiB unpacked\n", (unsigned long)(initrd_size >> 10));
        /* its files live in page-cache pages now: the archive's frames go back */
        pmm_release_boot_range(initrd_phys, initrd_size);
    } else {
        kprintf(KERN_WARNING "initramfs: none given (-initrd)\n");
    }
    /* /proc's tty_nr and /dev/tty logic build on the console, so the
     * console devices come first; then /proc, which pulls every
     * subsystem's files and tunables, then the log's /dev/kmsg. */
    console_devices_init();
    procfs_init();
    kmsg_init();
    sysfs_init();
    uart_enable_irq();
    smp_boot_aps();

    /* threads-max and the default RLIMIT_NPROC follow the memory size, the
     * initramfs's frames given back included */
    task_limits_init();

    /* pid 1 */
    struct task *init = task_create_kernel(start_init, NULL, "init");
    if (!init)
        panic("cannot create init");
    init->files = fdtable_new();
    init->fs = fs_context_new(vfs_root(), 022);
    init->sighand = sighand_copy(NULL);
    init->mm = mm_new();
    if (!init->files || !init->fs || !init->sighand || !init->mm)
        panic("cannot set up init");
    init->pgid = init->sid = 1;
    sched_default_affinity(&init->cpu_mask);   /* inherited by every process */
    init->stats.arrival_ns = time_ns();
    init->exit_signal = SIGCHLD;
    init_task = init;
    spin_lock(&tasks_lock);
    task_join_group(init);
    spin_unlock(&tasks_lock);
    sched_new_task(init, NULL);
    hrtimer_init_cpu();
    sched_start();
}
