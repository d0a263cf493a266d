/*
 * ACPI tables (arch/x86_64/acpi.c): the firmware describes the machine in
 * tables found through the RSDP the boot loader hands over.  Tessera reads
 * three: the MADT ("APIC", the CPUs), the SRAT (which CPUs and memory
 * ranges belong to which NUMA proximity domain) and the SLIT (the distances
 * between the domains).
 */
#ifndef ARCH_ACPI_H
#define ARCH_ACPI_H

#include <kernel/kernel.h>

/* The header every system description table starts with. */
struct acpi_sdt_header {
    char sig[4];
    uint32_t length;            /* of the whole table, header included */
    uint8_t rev, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
} __packed;

/* The table with this signature ("APIC", "SRAT", "SLIT"), reached through
 * the direct map, or NULL if the firmware has none (or its checksum is
 * wrong).  Usable from the first moments of boot: the tables lie in the
 * low 4 GiB the boot page tables map. */
const struct acpi_sdt_header *acpi_find_table(const char *sig);

/* Calls fn for each entry of a table whose entries (type byte, length
 * byte, body) start `offset` bytes into it: the MADT and the SRAT.  An
 * entry shorter than 2 bytes or running past the table ends the walk. */
void acpi_for_each_entry(const struct acpi_sdt_header *t, size_t offset,
                         void (*fn)(const uint8_t *entry, void *arg), void *arg);

#endif
