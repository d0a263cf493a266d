/* Device interrupts: ISA IRQ lines routed through the IOAPIC (arch). */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

typedef void (*irq_handler_fn)(void *arg);

/* Route ISA IRQ `irq` to `fn` (runs with interrupts off) on the boot CPU. */
void irq_register(int irq, irq_handler_fn fn, void *arg);

#endif
