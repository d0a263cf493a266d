/*
 * Finding ACPI tables: the RSDP (from the PVH start info) points at the
 * RSDT (32-bit entries) or, from revision 2, the XSDT (64-bit entries);
 * each entry is the physical address of a table.  Every table is checked
 * (its length and checksum) before it is handed out, so a damaged one is
 * ignored rather than walked.
 */
#include <arch/acpi.h>
#include <arch/memlayout.h>
#include <kernel/boot_info.h>
#include <lib/string.h>


#define ACPI_TABLE_MAX (1U << 20)       /* a sanity bound on a table's length */

static bool table_ok(const struct acpi_sdt_header *h)
{
    if (h->length < sizeof *h || h->length > ACPI_TABLE_MAX)
        return false;
    uint8_t sum = 0;
    for (uint32_t i = 0; i < h->length; i++)
        sum += ((const uint8_t *)h)[i];
    return sum == 0;
}

/* A little-endian field of 4 or 8 bytes (table fields are not aligned). */
static uint64_t field(const uint8_t *p, int size)
{
    uint64_t v = 0;
    memcpy(&v, p, (size_t)size);
    return v;
}

const struct acpi_sdt_header *acpi_find_table(const char *sig)
{
    if (!acpi_rsdp_phys)
        return NULL;
    const uint8_t *rsdp = P2V(acpi_rsdp_phys);
    if (memcmp(rsdp, "RSD PTR ", 8))
        return NULL;
    /* revision 2 has the XSDT (64-bit entries), else the RSDT (32-bit) */
    int entry_size = rsdp[15] >= 2 && field(rsdp + 24, 8) ? 8 : 4;
    const struct acpi_sdt_header *root = P2V(entry_size == 8 ? field(rsdp + 24, 8) : field(rsdp + 16, 4));
    if (!table_ok(root))
        return NULL;
    int n = (int)((root->length - sizeof *root) / entry_size);
    const uint8_t *entries = (const uint8_t *)(root + 1);
    for (int i = 0; i < n; i++) {
        const struct acpi_sdt_header *h = P2V(field(entries + entry_size * i, entry_size));
        if (!memcmp(h->sig, sig, 4) && table_ok(h))
            return h;
    }
    return NULL;
}

void acpi_for_each_entry(const struct acpi_sdt_header *t, size_t offset,
                         void (*fn)(const uint8_t *entry, void *arg), void *arg)
{
    const uint8_t *e = (const uint8_t *)t + offset, *end = (const uint8_t *)t + t->length;
    while (e + 2 <= end && e[1] >= 2 && e + e[1] <= end) {
        fn(e, arg);
        e += e[1];
    }
}
