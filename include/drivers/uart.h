/* The 16550 serial port COM1: the console's wire (drivers/uart.c). */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include <stdbool.h>
#include <stddef.h>

void uart_init(void);
void uart_enable_irq(void);          /* received bytes go to tty_console_input() */
/* Raw bytes, no translation, all of them under the console lock. */
void uart_write(const char *s, size_t n);
/* The console lock: whoever writes several pieces that belong together (a
 * log record, a translated chunk of a terminal write) holds it across them
 * and writes with uart_write_locked().  A spinlock (interrupts off), ranked
 * after the log and the tty locks; a panic takes it over if it must. */
void uart_lock(void);
void uart_unlock(void);
void uart_write_locked(const char *s, size_t n);
/* Whether the last byte written was a newline (console lock held). */
bool uart_at_line_start(void);

#endif
