/*
 * The vDSO, the kernel's side (docs/kernel.md, "The vDSO"; the layout of
 * the data page and what the vDSO does with it: include/kernel/vdso.h).
 *
 * The image (arch/x86_64/vdso/, embedded by arch/x86_64/vdso_image.S) is
 * copied at boot into frames of its own, and the data page gets one frame.
 * exec maps the same frames into every process, found on first touch
 * (struct vm_special, <mm/vm.h>): [vvar], read-only, and right after it
 * [vdso], read and execute, below the mmap top where a library would go, so
 * ASLR moves them with the mmap area and "norandmaps" fixes them.  fork
 * copies them with the rest of the address space.
 *
 * The data page is written under its sequence count: a writer makes the
 * count odd (waiting while another writer has it odd), changes the data
 * with interrupts off, and makes it even again; a reader retries while the
 * count is odd or when it changed under its read.  The clock fields are the
 * timekeeping's (vdso_publish_clocks copies them here); the getcpu mode and
 * each CPU's number and node are set up here.
 */
#include <arch/cpu.h>
#include <arch/vdso.h>
#include <kernel/kernel.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/vdso.h>
#include <lib/string.h>
#include <mm/numa.h>
#include <mm/pmm.h>
#include <mm/vm.h>

#define VDSO_IMAGE_PAGES 4      /* room for the image; the build keeps it to one or two */

static struct vdso_data *vdata;
static phys_t vvar_frames[1], image_frames[VDSO_IMAGE_PAGES];
static struct vm_special vvar_map = { "[vvar]", vvar_frames, 1, VM_READ };
/* the image may be made writable (a debugger's breakpoint): the page is then copied */
static struct vm_special image_map = { "[vdso]", image_frames, 0, VM_READ | VM_WRITE | VM_EXEC };
static bool vdso_enabled;

void vdso_init(void)
{
    const char *opt = cmdline_get("vdso");
    vdso_enabled = !opt || strcmp(opt, "0");
    size_t len = (size_t)(vdso_image_end - vdso_image_start);
    uint32_t pages = (uint32_t)(ALIGN_UP(len, PAGE_SIZE) / PAGE_SIZE);
    if (len < 64 || memcmp(vdso_image_start, "\177ELF", 4) || pages > VDSO_IMAGE_PAGES)
        panic("vdso: the embedded image is not an ELF object of at most %d pages", VDSO_IMAGE_PAGES);
    for (uint32_t i = 0; i < pages; i++) {
        if (!(image_frames[i] = pmm_alloc()))
            panic("vdso: no memory for the image");
        memcpy(P2V(image_frames[i]), vdso_image_start + i * PAGE_SIZE, MIN(PAGE_SIZE, len - i * PAGE_SIZE));
    }
    image_map.npages = pages;
    if (!(vvar_frames[0] = pmm_alloc()))
        panic("vdso: no memory for the data page");
    vdata = P2V(vvar_frames[0]);

    const char *how;
    vdata->getcpu_mode = arch_vdso_getcpu_mode(&how);
    vdso_init_cpu(0);
    kprintf("vdso: %u-byte image%s, getcpu through %s\n", (unsigned)len, vdso_enabled ? "" : " (off: vdso=0)", how);
}

void vdso_init_cpu(int cpu)
{
    arch_vdso_set_cpunode(cpu, (uint32_t)cpu_to_node(cpu) << VDSO_CPUNODE_BITS | (uint32_t)cpu);
}

static struct vdso_data *vdso_write_begin(uint64_t *irq_flags)
{
    struct vdso_data *d = vdata;
    if (!d)
        return NULL;
    *irq_flags = irq_save();
    uint32_t s = __atomic_load_n(&d->seq, __ATOMIC_RELAXED);
    while ((s & 1) || !__atomic_compare_exchange_n(&d->seq, &s, s + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
        cpu_relax();
        s = __atomic_load_n(&d->seq, __ATOMIC_RELAXED);
    }
    return d;
}

static void vdso_write_end(struct vdso_data *d, uint64_t irq_flags)
{
    __atomic_store_n(&d->seq, d->seq + 1, __ATOMIC_RELEASE);
    if (irq_flags_enabled(irq_flags))
        irq_enable();
}

static uint64_t clock_offset(unsigned clk)
{
    return clk < 32 && (TIME_WALL_CLOCKS >> clk & 1) ? time_wall_offset_ns() : 0;
}

/* The clocks as kernel/timekeeping.c keeps them.  The vDSO reads the TSC itself
 * unless "tsc=unstable" is on the command line: then it makes the system
 * call (the kernel's own clock is the TSC either way). */
void vdso_publish_clocks(void)
{
    uint64_t irq;
    struct vdso_data *d = vdso_write_begin(&irq);
    if (!d)
        return;
    const char *tsc = cmdline_get("tsc");
    d->clock_mode = tsc_mult && !(tsc && !strcmp(tsc, "unstable")) ? VDSO_CLOCK_TSC : VDSO_CLOCK_SYSCALL;
    d->tsc_base = tsc_boot;
    d->tsc_mult = tsc_mult;
    d->clock_mask = TIME_TSC_CLOCKS;
    d->res_ns = TIME_RES_NS;
    time_get_tz(&d->tz_minuteswest, &d->tz_dsttime);
    for (unsigned c = 0; c < VDSO_CLOCKS; c++)
        d->offset_ns[c] = clock_offset(c);
    vdso_write_end(d, irq);
}

long vdso_map(struct mm *mm)
{
    if (!vdso_enabled)
        return 0;
    uint64_t at = vm_find_free(mm, (uint64_t)(vvar_map.npages + image_map.npages) * PAGE_SIZE);
    if (!at)
        return -ENOMEM;
    uint64_t image = at + (uint64_t)vvar_map.npages * PAGE_SIZE;
    int r = vm_map_special(mm, at, VM_READ, &vvar_map);
    if (!r)
        r = vm_map_special(mm, image, VM_READ | VM_EXEC, &image_map);
    return r ? r : (long)image;
}
