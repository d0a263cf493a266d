/*
 * Basic kernel-wide definitions: integer types, helper macros, logging and
 * panic.  Everything in the kernel may include this.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uapi/errno.h>

typedef int64_t ssize_t;
typedef int64_t off_t;
typedef int32_t pid_t;
typedef uint32_t uid_t;
typedef uint32_t gid_t;
typedef uint32_t mode_t;
typedef uint64_t phys_t;   /* a physical address */

/* Marks a pointer that comes from user space: never dereference it directly,
 * only through the copy helpers in <mm/uaccess.h>. */
#define __user

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))
#define __unused __attribute__((unused))
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))
#define barrier() __asm__ volatile("" ::: "memory")

#ifndef container_of
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

/* Kernel log.  Lines are prefixed with "[seconds.micros] " and go to the
 * serial console and the in-memory log ring (dmesg).  A format may begin
 * with a level, as in Linux: kprintf(KERN_WARNING "..."); without one a
 * message is informational.  With "quiet" on the command line the console
 * shows only errors and worse (and all of a panic), as Linux's console
 * level 4; the ring keeps all. */
#define KERN_SOH "\001"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_INFO KERN_SOH "6"
extern bool log_quiet;          /* set from the command line by kmain */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vkprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* The kernel symbol containing addr and the offset into it, or NULL
 * (kernel/log.c, from the table tools/gen-ksyms.sh links in). */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/* True once a panic has begun (checks that would panic again stand down). */
bool panic_in_progress(void);
/* Print a message, registers if available and a symbolized backtrace, then
 * stop the machine with the panic exit code.  Never returns. */
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2))) __noreturn;
/* The same for a trap taken in kernel mode, with the trap frame's registers. */
struct trap_frame;
void panic_trap(const struct trap_frame *tf, const char *what) __noreturn;

#define BUG_ON(cond) do { if (unlikely(cond)) panic("BUG: %s at %s:%d", #cond, __FILE__, __LINE__); } while (0)

/* Exit codes seen by the host (QEMU isa-debug-exit gives (v << 1) | 1). */
#define EXIT_POWEROFF  0x10  /* rc 33: init exited 0, or reboot(2) power off */
#define EXIT_INIT_FAIL 0x11  /* rc 35: init exited non-zero or was killed */
#define EXIT_PANIC     0x12  /* rc 37: kernel panic */
/* Stops the machine with that code (the architecture's: arch/x86_64/cpu.c). */
void machine_exit(int code) __noreturn;

/* Kernel command line (without the image path). */
extern char kernel_cmdline[512];
/* Value of "key=value" on the command line, or NULL; "key" alone gives "". */
const char *cmdline_get(const char *key);

#endif
