/*
 * Values written to a /proc/sys tunable (include/kernel/sysctl.h): a
 * decimal integer (sysctl_parse_i64), or an int read the way Linux's
 * integer sysctls read one (proc_dointvec_minmax: sysctl_parse_int).  Pure
 * code, so that host tests can include it.
 */
#include <kernel/sysctl.h>

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

bool sysctl_parse_i64(const char *val, int64_t *out)
{
    bool neg = *val == '-';
    const char *p = val + neg;
    int64_t v = 0;
    if (!*p)
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > 0x7fffffffffffLL)
            return false;
        v = v * 10 + (*p - '0');
    }
    *out = neg ? -v : v;
    return true;
}
