/* Local APIC / IOAPIC / timer (arch/x86_64/apic.c) and interrupt vectors. */
#ifndef ARCH_APIC_H
#define ARCH_APIC_H

#include <stdint.h>

#define VEC_TIMER 0x20
#define VEC_IRQ_BASE 0x30        /* ISA IRQ n -> 0x30 + n */
#define VEC_IPI_RESCHED 0xf0
#define VEC_IPI_STOP 0xf1
#define VEC_IPI_TLB 0xf2
#define VEC_SPURIOUS 0xff

void apic_init(void);
void lapic_init_cpu(void);
/* The per-CPU one-shot timer (interrupt VEC_TIMER) is arch/timer.h's. */
void lapic_eoi(void);
uint32_t lapic_id(void);
void lapic_send_ipi(int apic_id, uint32_t icr_lo);
void ioapic_route(int gsi, int vector, int dest_apic);
void irq_dispatch(int irq);
extern uint64_t tsc_hz;

#endif
