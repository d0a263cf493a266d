/* The 16550 serial port COM1: the console's wire (drivers/uart.c). */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include <stddef.h>

void uart_init(void);
void uart_enable_irq(void);          /* received bytes go to tty_console_input() */
void uart_putc(char c);
void uart_write(const char *s, size_t n);   /* raw bytes, no translation */

#endif
