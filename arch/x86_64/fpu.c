/*
 * The FPU/SSE/AVX state of tasks on x86-64 (the interface is
 * include/arch/fpu.h).
 *
 * With XSAVE (CPUID.1:ECX bit 26) the boot CPU sets CR4.OSXSAVE and loads
 * XCR0 with every user state component the CPU reports: x87, SSE, AVX and
 * the three AVX-512 parts when present (not MPX, which Linux dropped, nor
 * PKRU and AMX, which need kernel support of their own).  Once
 * CR4.OSXSAVE is set CPUID reports OSXSAVE to user space, and libc and
 * compilers' runtime checks (xgetbv) see which components the kernel
 * saves: that is what lets a program use AVX.  Tasks' areas use the
 * standard (non-compacted) format, which is also the format of signal
 * frames and of ptrace's NT_X86_XSTATE, so no conversion is ever needed.
 *
 * Without XSAVE the area is FXSAVE's 512 bytes and only x87/SSE exist.
 *
 * Signal frames follow Linux: the image's software-reserved bytes
 * (464..511 of the FXSAVE part) hold magic1, the extended size, the
 * component mask and the XSAVE size, and magic2 follows the image.  On
 * sigreturn an image without both magics is taken as FXSAVE-only.
 */
#include <arch/cpu.h>
#include <arch/fpu.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <mm/kheap.h>
#include <arch/percpu.h>
#include <arch/x86.h>
#include <mm/uaccess.h>
#include <uapi/errno.h>

#define XFEATURE_X87 (1ULL << 0)
#define XFEATURE_SSE (1ULL << 1)
#define XFEATURE_AVX (1ULL << 2)
#define XFEATURE_AVX512 (7ULL << 5)           /* opmask, ZMM_Hi256, Hi16_ZMM */
#define XFEATURES_USER (XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX | XFEATURE_AVX512)

#define FXSAVE_SIZE 512
#define XSAVE_HDR 512                           /* xstate_bv, xcomp_bv, 48 reserved */
#define XSAVE_HDR_SIZE 64
#define SW_BYTES 464                            /* struct _fpx_sw_bytes */
#define FP_XSTATE_MAGIC1 0x46505853U
#define FP_XSTATE_MAGIC2 0x46505845U
#define MAGIC2_SIZE 4

#define CR4_OSFXSR (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_OSXSAVE (1UL << 18)

struct fpx_sw_bytes {
    uint32_t magic1;
    uint32_t extended_size;             /* xstate_size + MAGIC2_SIZE */
    uint64_t xfeatures;
    uint32_t xstate_size;
    uint32_t padding[7];
};
_Static_assert(sizeof(struct fpx_sw_bytes) == 48, "fits the software-reserved bytes");

static bool use_xsave;
static uint64_t xfeatures = XFEATURE_X87 | XFEATURE_SSE;
static size_t area_size = FXSAVE_SIZE;
static size_t xstate_size;                      /* CPUID.(0xd,0).EBX for XCR0; 0 without XSAVE */
static uint32_t mxcsr_mask = 0xffbf;            /* FXSAVE's mask when the CPU stores 0 */

static inline void xsetbv(uint32_t reg, uint64_t v)
{
    __asm__ volatile("xsetbv" : : "c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static inline void xsave(void *area, uint64_t mask)
{
    __asm__ volatile("xsave64 (%0)" : : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}

static inline void xrstor(const void *area, uint64_t mask)
{
    __asm__ volatile("xrstor64 (%0)" : : "r"(area), "a"((uint32_t)mask), "d"((uint32_t)(mask >> 32)) : "memory");
}

void arch_fpu_init_cpu(void)
{
    static bool sized;
    uint32_t a, b, c, d;
    uint64_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~(1UL << 2) & ~(1UL << 3)) | (1UL << 1) | (1UL << 5);    /* no EM, TS; MP; NE */
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0));
    cpuid(1, 0, &a, &b, &c, &d);
    /* `noxsave` on the command line keeps to FXSAVE and SSE, as on Linux */
    bool has_xsave = ((c >> 26) & 1) && !cmdline_get("noxsave");
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (has_xsave)
        cr4 |= CR4_OSXSAVE;
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    __asm__ volatile("fninit");
    if (!sized) {
        /* the boot CPU decides; application processors follow it */
        uint8_t probe[FXSAVE_SIZE] __aligned(16);
        memset(probe, 0, sizeof probe);
        __asm__ volatile("fxsaveq (%0)" : : "r"(probe) : "memory");
        uint32_t m = *(uint32_t *)(probe + 28);
        if (m)
            mxcsr_mask = m;
        if (has_xsave) {
            cpuid(0xd, 0, &a, &b, &c, &d);
            uint64_t supported = ((uint64_t)d << 32) | a;
            uint64_t want = supported & XFEATURES_USER;
            /* AVX-512 is all three parts or none (XSETBV rejects a subset) */
            if ((want & XFEATURE_AVX512) != XFEATURE_AVX512 || !(want & XFEATURE_AVX))
                want &= ~XFEATURE_AVX512;
            use_xsave = true;
            xfeatures = want;
        }
        sized = true;
    }
    if (use_xsave) {
        if (!has_xsave)
            panic("fpu: CPU %d has no XSAVE, unlike the boot CPU", this_cpu_id());
        xsetbv(0, xfeatures);
        cpuid(0xd, 0, &a, &b, &c, &d);          /* EBX: size for the enabled XCR0 */
        if (area_size == FXSAVE_SIZE) {
            xstate_size = b;
            area_size = ALIGN_UP(b, ARCH_FPU_ALIGN);
        }
        else if (ALIGN_UP(b, ARCH_FPU_ALIGN) != area_size)
            panic("fpu: CPU %d's XSAVE area is %u bytes, the boot CPU's %zu", this_cpu_id(), b, area_size);
    }
}

size_t arch_fpu_size(void) { return area_size; }
uint64_t arch_fpu_features(void) { return xfeatures; }

void arch_fpu_init_state(void *area)
{
    uint8_t *p = area;
    memset(p, 0, area_size);
    *(uint16_t *)(p + 0) = 0x37f;               /* FCW: all exceptions masked, 64-bit precision */
    *(uint32_t *)(p + 24) = 0x1f80;             /* MXCSR: exceptions masked, round to nearest */
    *(uint32_t *)(p + 28) = mxcsr_mask;
    /* xstate_bv 0: XRSTOR puts every component in its initial state (it
     * still loads MXCSR from the image) */
}

void arch_fpu_save(void *area)
{
    if (use_xsave)
        xsave(area, xfeatures);
    else
        __asm__ volatile("fxsaveq (%0)" : : "r"(area) : "memory");
}

void arch_fpu_restore(const void *area)
{
    if (use_xsave)
        xrstor(area, xfeatures);
    else
        __asm__ volatile("fxrstorq (%0)" : : "r"(area) : "memory");
}

/* Makes an image safe for restore: MXCSR's reserved bits and a header
 * XRSTOR would reject (#GP in the kernel) are refused. */
static int check_image(const uint8_t *p)
{
    if (*(const uint32_t *)(p + 24) & ~mxcsr_mask)
        return -EINVAL;
    if (!use_xsave)
        return 0;
    const uint64_t *hdr = (const uint64_t *)(p + XSAVE_HDR);
    if (hdr[0] & ~xfeatures || hdr[1])          /* unknown components; compacted format */
        return -EINVAL;
    for (int i = 2; i < XSAVE_HDR_SIZE / 8; i++)
        if (hdr[i])
            return -EINVAL;
    return 0;
}

size_t arch_fpu_xstate_user_size(void) { return xstate_size; }

static void fill_sw_bytes(struct fpx_sw_bytes *sw)
{
    memset(sw, 0, sizeof *sw);
    size_t xsize = arch_fpu_xstate_user_size();
    sw->magic1 = FP_XSTATE_MAGIC1;
    sw->extended_size = xsize + MAGIC2_SIZE;
    sw->xfeatures = xfeatures;
    sw->xstate_size = xsize;
}

void arch_fpu_get_legacy(const void *area, uint8_t out[ARCH_FPU_LEGACY_SIZE])
{
    memcpy(out, area, FXSAVE_SIZE);
    if (use_xsave) {
        /* a component XSAVE found in its initial state was not written:
         * show the registers' values, not the stale bytes */
        uint64_t bv = *(const uint64_t *)((const uint8_t *)area + XSAVE_HDR);
        if (!(bv & XFEATURE_X87)) {
            memset(out, 0, 24);
            memset(out + 32, 0, 128);
            *(uint16_t *)(out + 0) = 0x37f;
        }
        if (!(bv & XFEATURE_SSE))
            memset(out + 160, 0, 256);
        fill_sw_bytes((struct fpx_sw_bytes *)(out + SW_BYTES));     /* as Linux shows them */
    } else {
        memset(out + SW_BYTES, 0, sizeof(struct fpx_sw_bytes));
    }
}

void arch_fpu_set_legacy(void *area, const uint8_t in[ARCH_FPU_LEGACY_SIZE])
{
    uint8_t *p = area;
    memcpy(p, in, SW_BYTES);
    *(uint32_t *)(p + 24) &= mxcsr_mask;
    if (use_xsave)
        *(uint64_t *)(p + XSAVE_HDR) |= XFEATURE_X87 | XFEATURE_SSE;
}

void arch_fpu_get_xstate(const void *area, uint8_t *out)
{
    size_t n = arch_fpu_xstate_user_size();
    memcpy(out, area, n);
    fill_sw_bytes((struct fpx_sw_bytes *)(out + SW_BYTES));
}

int arch_fpu_set_xstate(void *area, const uint8_t *in, size_t len)
{
    size_t n = arch_fpu_xstate_user_size();
    if (!n || len < XSAVE_HDR + XSAVE_HDR_SIZE || len > n || check_image(in))
        return -EINVAL;
    uint8_t *p = area;
    memcpy(p, in, SW_BYTES);
    memcpy(p + FXSAVE_SIZE, in + FXSAVE_SIZE, len - FXSAVE_SIZE);
    return 0;
}

size_t arch_fpu_sigframe_size(void)
{
    return use_xsave ? arch_fpu_xstate_user_size() + MAGIC2_SIZE : FXSAVE_SIZE;
}

int arch_fpu_to_sigframe(uint64_t user_buf, const void *area)
{
    if (!use_xsave) {
        uint8_t legacy[FXSAVE_SIZE];
        arch_fpu_get_legacy(area, legacy);
        return copy_to_user((void __user *)user_buf, legacy, FXSAVE_SIZE);
    }
    size_t n = arch_fpu_xstate_user_size();
    struct fpx_sw_bytes sw;
    uint32_t magic2 = FP_XSTATE_MAGIC2;
    fill_sw_bytes(&sw);
    if (copy_to_user((void __user *)user_buf, area, n) ||
        copy_to_user((void __user *)(user_buf + SW_BYTES), &sw, sizeof sw) ||
        copy_to_user((void __user *)(user_buf + n), &magic2, sizeof magic2))
        return -EFAULT;
    return 0;
}

/* Reads into a scratch copy: the user copy may fault and sleep, and a
 * switch away would save the live registers over a half-read area. */
int arch_fpu_from_sigframe(void *area, uint64_t user_buf)
{
    uint8_t *p = kmalloc(area_size);
    if (!p)
        return -ENOMEM;
    struct fpx_sw_bytes sw;
    int r = -EFAULT;
    size_t n = arch_fpu_xstate_user_size();
    bool full = false;
    if (copy_from_user(p, (const void __user *)user_buf, FXSAVE_SIZE))
        goto out;
    memcpy(&sw, p + SW_BYTES, sizeof sw);
    memset(p + SW_BYTES, 0, sizeof sw);
    if (use_xsave && sw.magic1 == FP_XSTATE_MAGIC1 && sw.xstate_size == n &&
        sw.extended_size == n + MAGIC2_SIZE) {
        uint32_t magic2;
        if (copy_from_user(&magic2, (const void __user *)(user_buf + n), sizeof magic2))
            goto out;
        full = magic2 == FP_XSTATE_MAGIC2;
    }
    if (full) {
        memset(p + n, 0, area_size - n);
        if (copy_from_user(p + FXSAVE_SIZE, (const void __user *)(user_buf + FXSAVE_SIZE), n - FXSAVE_SIZE))
            goto out;
        /* only the components the frame says it holds; the rest start over */
        *(uint64_t *)(p + XSAVE_HDR) &= sw.xfeatures | XFEATURE_X87 | XFEATURE_SSE;
    } else if (use_xsave) {
        memset(p + FXSAVE_SIZE, 0, area_size - FXSAVE_SIZE);
        *(uint64_t *)(p + XSAVE_HDR) = XFEATURE_X87 | XFEATURE_SSE;
    }
    r = check_image(p);
    if (r == 0)
        memcpy(area, p, area_size);
out:
    kfree(p);
    if (r)
        arch_fpu_init_state(area);
    return r;
}
