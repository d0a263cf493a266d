/*
 * An int written to a /proc/sys tunable, read the way Linux's integer
 * sysctls read one (proc_dointvec_minmax): sysctl_parse_int.  Pure code,
 * apart from procfs.c so that host tests can include it.
 */
#include <fs/procfs.h>

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

/* The value of digit c, or 99 if it is none. */
static unsigned digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 99;
}

int sysctl_parse_int(const char *val, int min, int max, int *out)
{
    while (is_blank(*val))
        val++;
    bool neg = *val == '-';
    val += neg;
    unsigned base = 10;
    if (val[0] == '0' && (val[1] | 0x20) == 'x' && digit_value(val[2]) < 16) {
        base = 16;
        val += 2;
    } else if (val[0] == '0') {
        base = 8;
    }
    const char *digits = val;
    uint64_t v = 0;
    for (; digit_value(*val) < base; val++) {
        v = v * base + digit_value(*val);
        if (v > 0x80000000ULL)
            return -EINVAL;             /* past any int */
    }
    if (val == digits || (*val && !is_blank(*val)) || v > 0x7fffffffULL + neg)
        return -EINVAL;
    int64_t x = neg ? -(int64_t)v : (int64_t)v;
    if (x < min || x > max)
        return -EINVAL;
    *out = (int)x;
    return 0;
}
