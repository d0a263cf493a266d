/*
 * vsnprintf: the kernel's formatter.  Supports the conversions the kernel
 * uses: %d %i %u %x %X %o %p %s %c %%, the length modifiers hh h l ll z t j,
 * flags '-', '0', '+', ' ', '#', width and precision (also as '*').
 * Always NUL-terminates (when size > 0) and returns the length the full
 * output would have had, as C99 says.
 */
#include <kernel/kernel.h>
#include <lib/string.h>

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left)
        while (fill-- > 0)
            put(o, pad);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, bool neg, unsigned base, bool upper, int width, int prec,
                       bool left, bool zero, char sign, const char *prefix)
{
    char tmp[72];
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0;
    if (v == 0 && prec != 0)
        tmp[n++] = '0';
    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }
    while (n < prec && n < (int)sizeof(tmp) - 4)
        tmp[n++] = '0';
    int plen = (int)strlen(prefix);
    char signc = neg ? '-' : sign;
    int total = n + plen + (signc ? 1 : 0);
    int fill = width > total ? width - total : 0;
    if (!left && !(zero && prec < 0))
        while (fill-- > 0)
            put(o, ' ');
    if (signc)
        put(o, signc);
    for (int i = 0; i < plen; i++)
        put(o, prefix[i]);
    if (!left && zero && prec < 0)
        while (fill-- > 0)
            put(o, '0');
    while (n)
        put(o, tmp[--n]);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        bool left = false, zero = false, alt = false;
        char sign = 0;
        for (;; p++) {
            if (p[1] == '-') left = true;
            else if (p[1] == '0') zero = true;
            else if (p[1] == '+') sign = '+';
            else if (p[1] == ' ') { if (!sign) sign = ' '; }
            else if (p[1] == '#') alt = true;
            else break;
        }
        p++;
        int width = 0, prec = -1;
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) { left = true; width = -width; }
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                width = width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            p++;
            prec = 0;
            if (*p == '*') {
                prec = va_arg(ap, int);
                p++;
            } else {
                while (*p >= '0' && *p <= '9')
                    prec = prec * 10 + (*p++ - '0');
            }
        }
        int lng = 0; /* 0 int, 1 long, 2 long long, -1 short, -2 char */
        for (;; p++) {
            if (*p == 'l') lng++;
            else if (*p == 'h') lng--;
            else if (*p == 'z' || *p == 't' || *p == 'j') lng = 1;
            else break;
        }
        char c = *p;
        if (!c)
            break;
        uint64_t u;
        int64_t s;
        switch (c) {
        case 'd':
        case 'i':
            s = lng >= 1 ? va_arg(ap, long) : va_arg(ap, int);
            if (lng == -1) s = (short)s;
            if (lng <= -2) s = (signed char)s;
            put_number(&o, s < 0 ? -(uint64_t)s : (uint64_t)s, s < 0, 10, false, width, prec, left, zero, sign, "");
            break;
        case 'u': case 'x': case 'X': case 'o':
            u = lng >= 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            if (lng == -1) u = (unsigned short)u;
            if (lng <= -2) u = (unsigned char)u;
            put_number(&o, u, false, c == 'o' ? 8 : c == 'u' ? 10 : 16, c == 'X', width, prec, left, zero, 0,
                       alt && u ? (c == 'o' ? "0" : c == 'x' ? "0x" : c == 'X' ? "0X" : "") : "");
            break;
        case 'p':
            u = (uint64_t)va_arg(ap, void *);
            put_number(&o, u, false, 16, false, width, prec, left, zero, 0, "0x");
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            size_t n = prec >= 0 ? strnlen(str, (size_t)prec) : strlen(str);
            put_padded(&o, str, n, width, left, ' ');
            break;
        }
        case 'c': {
            char ch = (char)va_arg(ap, int);
            put_padded(&o, &ch, 1, width, left, ' ');
            break;
        }
        default:
            put(&o, '%');
            put(&o, c);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
