/*
 * The per-CPU one-shot timer behind the high-resolution timers
 * (kernel/hrtimer.c); on x86-64 the local APIC's, in TSC-deadline mode
 * where the CPU has it (arch/x86_64/apic.c).  Its interrupt calls
 * hrtimer_interrupt.
 */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdint.h>

/* Sets up this CPU's timer, disarmed (each CPU, before interrupts are on). */
void arch_timer_init_cpu(void);
/* Arms it for an absolute time_ns() moment: an interrupt then, or at once
 * if past; possibly earlier (the caller re-arms for the rest). */
void arch_timer_oneshot(uint64_t deadline_ns);
/* Disarms it. */
void arch_timer_stop(void);

#endif
