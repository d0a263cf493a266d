/*
 * PVH entry and the climb to long mode.
 *
 * QEMU's -kernel loader finds the XEN_ELFNOTE_PHYS32_ENTRY note and enters
 * pvh_start in 32-bit protected mode, paging off, with %ebx holding the
 * physical address of the hvm_start_info block.  The stub builds temporary
 * page tables (identity map of the first 4 GiB for the switch itself, the same
 * 4 GiB at the direct-map base, and the kernel image at -2 GiB, all with
 * 2 MiB pages), enables PAE, long mode and NX, and jumps to kernel_entry64 in
 * the higher half.  kmain() later extends the direct map over the RAM above
 * 4 GiB (arch/x86_64/directmap.c) and replaces the root with its own.
 */
#define KERNEL_VMA 0xffffffff80000000

    .section .note.Xen, "a"
    .balign 4
    .long 4                 /* namesz */
    .long 8                 /* descsz: a quad for ELF64 */
    .long 18                /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .balign 4
    .quad pvh_start

    .section .boot.bss, "aw", @nobits
    .balign 4096
    .global boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4096 * 4
boot_stack32:   .skip 4096
boot_stack32_top:

    .section .boot.data, "aw"
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff      /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff      /* 0x10: data */
boot_gdt_end:
boot_gdtr:
    .word boot_gdt_end - boot_gdt - 1
    .quad boot_gdt
    .global boot_start_info
boot_start_info: .long 0

    .section .boot.text, "ax"
    .code32
    .global pvh_start
pvh_start:
    cli
    cld
    movl %ebx, boot_start_info
    movl $boot_stack32_top, %esp

    /* zero the table area (it is NOLOAD) */
    movl $boot_pml4, %edi
    movl $(4096 * 7), %ecx
    xorl %eax, %eax
    rep stosb

    /* PML4[0] and PML4[256] -> boot_pdpt_low; PML4[511] -> boot_pdpt_high */
    movl $boot_pdpt_low, %eax
    orl $3, %eax
    movl %eax, boot_pml4
    movl %eax, boot_pml4 + 256 * 8
    movl $boot_pdpt_high, %eax
    orl $3, %eax
    movl %eax, boot_pml4 + 511 * 8

    /* boot_pdpt_low[0..3] -> boot_pd + i*4096; boot_pdpt_high[510] -> boot_pd */
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $12, %eax
    addl $boot_pd, %eax
    orl $3, %eax
    movl %eax, boot_pdpt_low(, %ecx, 8)
    incl %ecx
    cmpl $4, %ecx
    jne 1b
    movl $boot_pd, %eax
    orl $3, %eax
    movl %eax, boot_pdpt_high + 510 * 8

    /* 2048 2 MiB entries covering 4 GiB: present, writable, huge */
    xorl %ecx, %ecx
2:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax
    movl %eax, boot_pd(, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax                  /* high dword: bits 32+ of the address */
    movl %eax, boot_pd + 4(, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jne 2b

    /* CR4: PAE | OSFXSR | OSXMMEXCPT | PGE */
    movl %cr4, %eax
    orl $(1 << 5) | (1 << 9) | (1 << 10) | (1 << 7), %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    /* EFER: LME | NXE | SCE */
    movl $0xc0000080, %ecx
    rdmsr
    orl $(1 << 8) | (1 << 11) | (1 << 0), %eax
    wrmsr
    /* CR0: PG | PE | WP | MP, clear EM */
    movl %cr0, %eax
    orl $(1 << 31) | (1 << 0) | (1 << 16) | (1 << 1), %eax
    andl $~(1 << 2), %eax
    movl %eax, %cr0

    lgdt boot_gdtr
    ljmp $0x08, $boot_long

    .code64
boot_long:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movabsq $kernel_entry64, %rax
    jmp *%rax

    .section .text.entry, "ax"
    .global kernel_entry64
kernel_entry64:
    movabsq $boot_kstack_top, %rsp
    xorq %rbp, %rbp
    movl boot_start_info, %edi
    call kmain
3:  hlt
    jmp 3b

    .section .bss
    .balign 16
    .global boot_kstack, boot_kstack_top
boot_kstack: .skip 16384
boot_kstack_top:

    .section .note.GNU-stack, "", @progbits
