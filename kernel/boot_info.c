/*
 * What the boot protocol hands over (PVH hvm_start_info): the memory map,
 * the kernel command line and the initramfs module.  They live in low memory
 * that the allocator will reuse, so everything is copied out here first.
 */
#include <kernel/boot_info.h>
#include <kernel/kernel.h>
#include <kernel/sections.h>
#include <lib/string.h>
#include <mm/pmm.h>

struct hvm_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};
struct hvm_modlist_entry {
    uint64_t paddr, size, cmdline_paddr, reserved;
};
struct hvm_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};

#define HVM_START_MAGIC 0x336ec578
struct mem_region boot_usable[BOOT_MAX_REGIONS], boot_reserved[BOOT_MAX_REGIONS];
int boot_usable_count, boot_reserved_count;
char kernel_cmdline[512];
phys_t initrd_phys;
uint64_t initrd_size;
uint64_t acpi_rsdp_phys;


static void reserve(uint64_t base, uint64_t size)
{
    if (boot_reserved_count < BOOT_MAX_REGIONS)
        boot_reserved[boot_reserved_count++] = (struct mem_region){ base, size };
}

void boot_info_parse(uint32_t start_info_phys)
{
    const struct hvm_start_info *si = P2V(start_info_phys);
    if (si->magic != HVM_START_MAGIC)
        panic("boot: not started through PVH (magic %#x)", si->magic);
    if (si->cmdline_paddr)
        strlcpy(kernel_cmdline, P2V(si->cmdline_paddr), sizeof kernel_cmdline);
    acpi_rsdp_phys = si->rsdp_paddr;
    if (si->version < 1 || !si->memmap_paddr)
        panic("boot: no memory map from the loader");
    const struct hvm_memmap_entry *mm = P2V(si->memmap_paddr);
    for (uint32_t i = 0; i < si->memmap_entries && boot_usable_count < BOOT_MAX_REGIONS; i++)
        if (mm[i].type == 1 && mm[i].size)
            boot_usable[boot_usable_count++] = (struct mem_region){ mm[i].addr, mm[i].size };
    /* the kernel image, boot stub included */
    uint64_t kbase = (uint64_t)__boot_start;
    uint64_t kend = V2P(__kernel_end);
    reserve(kbase, kend - kbase);
    if (si->nr_modules >= 1 && si->modlist_paddr) {
        const struct hvm_modlist_entry *m = P2V(si->modlist_paddr);
        initrd_phys = m->paddr;
        initrd_size = m->size;
        reserve(ALIGN_DOWN(initrd_phys, PAGE_SIZE), ALIGN_UP(initrd_size + (initrd_phys & 0xfff), PAGE_SIZE));
    }
}

const char *cmdline_get(const char *key)
{
    static char val[256];
    size_t klen = strlen(key);
    const char *p = kernel_cmdline;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        if ((size_t)(p - w) >= klen && !strncmp(w, key, klen) && (w[klen] == '=' || w + klen == p)) {
            if (w + klen == p)
                return "";
            size_t n = MIN((size_t)(p - w - klen - 1), sizeof val - 1);
            memcpy(val, w + klen + 1, n);
            val[n] = 0;
            return val;
        }
    }
    return NULL;
}
