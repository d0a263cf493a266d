/*
 * COM1 (16550 UART at I/O port 0x3f8), polled output and interrupt-driven
 * input.  The FIFO control register is deliberately left alone: writing it
 * while QEMU has input queued drops the first byte (notes/boot-facts.md),
 * and QEMU applies back-pressure to the host side, so nothing is lost.
 *
 * Output is the console, shared by the kernel log and the terminal: both
 * hold the console lock for a whole unit (a log record, a chunk of a
 * write(2), an echo), so what goes out is never mixed character by
 * character.  The driver remembers whether the last byte was a newline, so
 * the log can start its lines at the left margin.
 */
#include <arch/cpu.h>
#include <arch/x86.h>
#include <drivers/uart.h>
#include <fs/tty.h>
#include <kernel/irq.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>

#define COM1 0x3f8
#define REG_DATA 0
#define REG_IER 1
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

void uart_init(void)
{
    outb(COM1 + REG_IER, 0);
    outb(COM1 + REG_LCR, 0x80);     /* DLAB: set the divisor */
    outb(COM1 + 0, 1);              /* 115200 baud */
    outb(COM1 + 1, 0);
    outb(COM1 + REG_LCR, 0x03);     /* 8N1 */
    outb(COM1 + REG_MCR, 0x0b);     /* DTR, RTS, OUT2 (routes the IRQ) */
}

static struct spinlock console_lock = SPINLOCK_INIT("console");
static bool at_line_start = true;   /* the last byte out was a newline; under console_lock */

void uart_lock(void) { spin_lock_panic_safe(&console_lock); }
void uart_unlock(void) { spin_unlock(&console_lock); }

static void uart_putc(char c)
{
    while (!(inb(COM1 + REG_LSR) & LSR_THR_EMPTY))
        cpu_relax();
    outb(COM1 + REG_DATA, (uint8_t)c);
}

void uart_write_locked(const char *s, size_t n)
{
    spin_assert_held(&console_lock);
    for (size_t i = 0; i < n; i++)
        uart_putc(s[i]);
    if (n)
        at_line_start = s[n - 1] == '\n';
}

bool uart_at_line_start(void) { return at_line_start; }

void uart_write(const char *s, size_t n)
{
    uart_lock();
    uart_write_locked(s, n);
    uart_unlock();
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
