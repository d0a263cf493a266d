/* Executable files that are not programs fail with ENOEXEC and the caller
 * keeps running: 512 bytes of (fixed-seed) random data, a file holding only
 * the first 16 bytes of a real ELF, an ELF header whose program headers lie
 * beyond the end of the file, a 64-bit ELF for AArch64, a 32-bit ELF for
 * ARM, an ELF of type ET_REL, and an empty file.  execve is called
 * directly (execvp would fall back to running the file with /bin/sh). */
#include "gt.h"
#include <elf.h>

static char *const av[] = { "x", NULL };
static char *const ev[] = { NULL };

static void put(const char *name, const void *data, size_t len)
{
    int fd = open(name, O_CREAT | O_WRONLY | O_TRUNC, 0755);
    if (len)
        write(fd, data, len);
    close(fd);
}

static void try(const char *name, const char *what)
{
    errno = 0;
    expect_err(execve(name, av, ev), ENOEXEC, what);
}

static Elf64_Ehdr elf64(void)
{
    Elf64_Ehdr h;
    memset(&h, 0, sizeof h);
    memcpy(h.e_ident, ELFMAG, SELFMAG);
    h.e_ident[EI_CLASS] = ELFCLASS64;
    h.e_ident[EI_DATA] = ELFDATA2LSB;
    h.e_ident[EI_VERSION] = EV_CURRENT;
    h.e_type = ET_EXEC;
    h.e_machine = EM_X86_64;
    h.e_version = EV_CURRENT;
    h.e_entry = 0x401000;
    h.e_phoff = sizeof h;
    h.e_ehsize = sizeof h;
    h.e_phentsize = sizeof(Elf64_Phdr);
    h.e_phnum = 1;
    return h;
}

int main(int argc, char **argv)
{
    unsigned char junk[512];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = x >> 16;
    }
    junk[0] = 'Z';                 /* never "#!" nor "\177ELF" */
    put("random.bin", junk, sizeof junk);
    try("random.bin", "random bytes");

    Elf64_Ehdr h = elf64();
    put("elf16.bin", &h, 16);
    try("elf16.bin", "first 16 bytes of an ELF");

    h = elf64();
    h.e_phoff = 4096;              /* program headers beyond end of file */
    put("nophdr.bin", &h, sizeof h);
    try("nophdr.bin", "truncated ELF: header only, phdrs past EOF");

    h = elf64();
    h.e_machine = EM_AARCH64;
    put("aarch64.bin", &h, sizeof h);
    try("aarch64.bin", "64-bit ELF for AArch64");

    Elf32_Ehdr h32;
    memset(&h32, 0, sizeof h32);
    memcpy(h32.e_ident, ELFMAG, SELFMAG);
    h32.e_ident[EI_CLASS] = ELFCLASS32;
    h32.e_ident[EI_DATA] = ELFDATA2LSB;
    h32.e_ident[EI_VERSION] = EV_CURRENT;
    h32.e_type = ET_EXEC;
    h32.e_machine = EM_ARM;
    h32.e_version = EV_CURRENT;
    h32.e_ehsize = sizeof h32;
    h32.e_phentsize = sizeof(Elf32_Phdr);
    put("arm32.bin", &h32, sizeof h32);
    try("arm32.bin", "32-bit ELF for ARM");

    h = elf64();
    h.e_type = ET_REL;
    put("rel.bin", &h, sizeof h);
    try("rel.bin", "ELF of type ET_REL");

    put("empty.bin", "", 0);
    try("empty.bin", "empty file");

    say("still running: yes\n");
    gt_exit();
}
