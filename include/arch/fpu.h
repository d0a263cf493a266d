/*
 * A task's floating-point and vector registers (x87, SSE and, where the CPU
 * has them, AVX and AVX-512), as the architecture keeps them.
 *
 * Generic code sees an opaque area of arch_fpu_size() bytes, aligned to
 * ARCH_FPU_ALIGN, one per task: it allocates it, copies it on fork, saves
 * into it when a task leaves a CPU and restores from it when a task
 * enters one.  The kernel itself never uses these registers (it is built
 * without SSE), so the area always holds the user's state.
 *
 * On x86-64 the area is the XSAVE image of every user state component the
 * CPU offers (XCR0), or the 512-byte FXSAVE image on a CPU without XSAVE;
 * its first 512 bytes are the FXSAVE layout either way (ptrace's
 * user_fpregs_struct).  The image written into a signal frame is Linux's:
 * the XSAVE area with its software-reserved bytes describing it and a
 * trailing magic word, so glibc, gdb and programs that inspect
 * uc_mcontext.fpregs read it as they do on Linux.
 */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#include <stddef.h>
#include <stdint.h>

#define ARCH_FPU_ALIGN 64

/* Per CPU at boot, the boot CPU first: turns on the FPU, SSE and every
 * user state component the CPU supports, and (on the boot CPU) sizes the
 * area.  Every CPU must end with the same components enabled. */
void arch_fpu_init_cpu(void);
/* Bytes of a task's area (fixed after the boot CPU's arch_fpu_init_cpu). */
size_t arch_fpu_size(void);
/* The state components enabled, as a bit mask (XCR0 on x86-64; 3 when
 * only x87 and SSE are). */
uint64_t arch_fpu_features(void);
/* Writes the reset state (what exec and a signal handler start with). */
void arch_fpu_init_state(void *area);
/* The running CPU's registers to `area`, and back. */
void arch_fpu_save(void *area);
void arch_fpu_restore(const void *area);

/* The legacy 512-byte FXSAVE view (ptrace GETFPREGS/SETFPREGS and the
 * NT_PRFPREG regset).  Setting sanitises the control words that would
 * fault on restore and marks the x87 and SSE parts as present. */
#define ARCH_FPU_LEGACY_SIZE 512
void arch_fpu_get_legacy(const void *area, uint8_t out[ARCH_FPU_LEGACY_SIZE]);
void arch_fpu_set_legacy(void *area, const uint8_t in[ARCH_FPU_LEGACY_SIZE]);

/* The complete XSAVE image as ptrace's NT_X86_XSTATE regset gives it
 * (0 when the CPU has no XSAVE): bytes in the user format. */
size_t arch_fpu_xstate_user_size(void);
void arch_fpu_get_xstate(const void *area, uint8_t *out);
/* Returns 0, or -EINVAL for a header no restore would accept. */
int arch_fpu_set_xstate(void *area, const uint8_t *in, size_t len);

/* Signal frames: the bytes the user image takes on the stack (including
 * the trailing magic), written from `area`, and read back on sigreturn.
 * Reading accepts an FXSAVE-only image (without the magic words) as Linux
 * does, resetting the other components.  Both return 0 or -EFAULT;
 * reading also returns -EINVAL for an image that would fault on restore. */
size_t arch_fpu_sigframe_size(void);
int arch_fpu_to_sigframe(uint64_t user_buf, const void *area);
int arch_fpu_from_sigframe(void *area, uint64_t user_buf);

#endif
