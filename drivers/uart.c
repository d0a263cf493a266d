/*
 * COM1 (16550 UART at I/O port 0x3f8), polled output and interrupt-driven
 * input.  The FIFO control register is deliberately left alone: writing it
 * while QEMU has input queued drops the first byte (notes/boot-facts.md),
 * and QEMU applies back-pressure to the host side, so nothing is lost.
 */
#include <arch/cpu.h>
#include <drivers/uart.h>
#include <kernel/irq.h>

#define COM1 0x3f8
#define REG_DATA 0
#define REG_IER 1
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

/* The tty layer defines the real one; until it is linked in, input is dropped. */
__attribute__((weak)) void tty_console_input(unsigned char c) { (void)c; }

void uart_init(void)
{
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, 0x80);     /* DLAB: set the divisor */
    outb(COM1 + 0, 1);              /* 115200 baud */
    outb(COM1 + 1, 0);
    outb(COM1 + REG_LCR, 0x03);     /* 8N1 */
    outb(COM1 + REG_MCR, 0x0b);     /* DTR, RTS, OUT2 (routes the IRQ) */
}

void uart_putc(char c)
{
    while (!(inb(COM1 + REG_LSR) & LSR_THR_EMPTY))
        cpu_relax();
    outb(COM1 + REG_DATA, (uint8_t)c);
}

void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        uart_putc(s[i]);
}

static void uart_irq(void *arg)
{
    while (inb(COM1 + REG_LSR) & LSR_DATA_READY)
        tty_console_input(inb(COM1 + REG_DATA));
}

void uart_enable_irq(void)
{
    irq_register(4, uart_irq, NULL);
    outb(COM1 + REG_IER, 0x01);     /* interrupt on received data */
    while (inb(COM1 + REG_LSR) & LSR_DATA_READY)
        tty_console_input(inb(COM1 + REG_DATA));
}
