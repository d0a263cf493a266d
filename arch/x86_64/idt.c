/*
 * The interrupt descriptor table: all 256 vectors point at the stubs in
 * entry.S (16 bytes apart).  Vector 3 (int3) is callable from ring 3; the
 * double fault runs on its own IST stack so a kernel stack overflow is
 * still reported.
 */
#include <arch/entry.h>
#include <arch/gdt.h>
#include <arch/trapframe.h>
#include <kernel/kernel.h>

struct idt_entry {
    uint16_t off_lo;
    uint16_t sel;
    uint8_t ist;
    uint8_t type;
    uint16_t off_mid;
    uint32_t off_hi;
    uint32_t zero;
} __packed;

static struct idt_entry idt[256] __aligned(16);

void idt_init(void)
{
    for (int i = 0; i < 256; i++) {
        uint64_t a = (uint64_t)vector_table_start + 16 * i;
        idt[i].off_lo = a & 0xffff;
        idt[i].off_mid = (a >> 16) & 0xffff;
        idt[i].off_hi = a >> 32;
        idt[i].sel = GDT_KCODE;
        idt[i].ist = i == 8 ? 1 : 0;
        idt[i].type = i == 3 ? 0xee : 0x8e;  /* present, interrupt gate, DPL 3 for int3 */
    }
    idt_load();
}

void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed idtr = { sizeof idt - 1, (uint64_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
}
