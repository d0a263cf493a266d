/* The vDSO's image (arch/x86_64/vdso/), built before the kernel and
 * embedded here; kernel/vdso.c copies it into frames of its own at boot.
 * VDSO_IMAGE (its path) comes from the Makefile. */
    .section .rodata
    .balign 4096
    .globl vdso_image_start, vdso_image_end
vdso_image_start:
    .incbin VDSO_IMAGE
vdso_image_end:
    .section .note.GNU-stack, "", @progbits
