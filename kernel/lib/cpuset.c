/*
 * CPU sets as text (include/lib/cpuset.h): the cpu-list parser of the
 * command line (isolcpus=, nohz_full=) and the two forms Linux prints bit
 * sets in, a list of ranges and a hex mask in 32-bit groups.  Freestanding:
 * the host tests compile this file unchanged.
 */
#include <lib/cpuset.h>
#ifdef HOST_TEST
#include <stdio.h>
#else
#include <kernel/kernel.h>
#endif

/* snprintf at the end of what the text needs so far (*len), into what is
 * left of buf: *len keeps counting past cap, as snprintf's result does. */
#define APPEND(buf, cap, len, ...)                                                                         \
    ((len) += (size_t)snprintf((buf) + ((len) < (cap) ? (len) : (cap)), (len) < (cap) ? (cap) - (len) : 0, \
                               __VA_ARGS__))

static bool bit_at(const uint64_t *bits, unsigned b) { return (bits[b / 64] >> (b % 64)) & 1; }

size_t bitmap_print_list(char *buf, size_t cap, const uint64_t *bits, unsigned nbits)
{
    size_t len = 0;
    if (cap)
        buf[0] = 0;
    for (unsigned b = 0; b < nbits; b++) {
        if (!bit_at(bits, b))
            continue;
        unsigned last = b;
        while (last + 1 < nbits && bit_at(bits, last + 1))
            last++;
        if (last == b)
            APPEND(buf, cap, len, "%s%u", len ? "," : "", b);
        else
            APPEND(buf, cap, len, "%s%u-%u", len ? "," : "", b, last);
        b = last;
    }
    return len;
}

size_t bitmap_print_mask(char *buf, size_t cap, const uint64_t *bits, unsigned nbits)
{
    size_t len = 0;
    if (!nbits)
        nbits = 1;                      /* one digit "0", as Linux for an empty width */
    unsigned groups = (nbits + 31) / 32;
    for (unsigned g = groups; g-- > 0;) {
        unsigned lo = g * 32, width = nbits - lo < 32 ? nbits - lo : 32;
        uint32_t v = 0;
        for (unsigned k = 0; k < width; k++)
            if (bit_at(bits, lo + k))
                v |= 1U << k;
        APPEND(buf, cap, len, "%s%0*x", g == groups - 1 ? "" : ",", (int)(width + 3) / 4, v);
    }
    return len;
}

/* A decimal number at *p (advanced past it): -1 if there is none or it is
 * absurdly large. */
static long parse_num(const char **p)
{
    const char *s = *p;
    if (*s < '0' || *s > '9')
        return -1;
    long v = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
        if (v > 1000000)
            return -1;
    }
    *p = s;
    return v;
}

int cpuset_parse_list(struct cpuset *s, const char *text, int limit)
{
    cpuset_zero(s);
    if (limit > NR_CPUS)
        limit = NR_CPUS;
    const char *p = text ? text : "";
    while (*p) {
        long a = parse_num(&p), b = a;
        if (a >= 0 && *p == '-') {
            p++;
            b = parse_num(&p);
        }
        if (a < 0 || b < a || (*p && *p != ',') || (*p == ',' && !p[1])) {
            cpuset_zero(s);
            return -1;
        }
        for (long c = a; c <= b && c < limit; c++)
            cpuset_set(s, (int)c);
        if (*p == ',')
            p++;
    }
    return 0;
}
