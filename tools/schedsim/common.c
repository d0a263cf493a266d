/*
 * Shared pieces of the simulator's modes (see common.h).
 */
#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_out.h"

struct trace_opts g_trace;

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "schedsim: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

bool parse_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end)
        return false;
    *out = v;
    return true;
}

static void opts_usage(const struct opt *opts, const char *prog)
{
    printf("Usage: %s [options]\n\nOptions:\n  -h, --help             show this help message and exit\n", prog);
    for (const struct opt *o = opts; o->kind || o->dest; o++) {
        char s[8] = "", l[40] = "";
        if (o->short_name)
            snprintf(s, sizeof s, "-%c", o->short_name);
        if (o->long_name)
            snprintf(l, sizeof l, "--%s", o->long_name);
        printf("  %-3s %-22s %s\n", s, l, o->help);
    }
    printf("      %-22s %s\n      %-22s %s\n", "--trace-json FILE", "write a Chrome trace (Perfetto)", "--svg FILE",
           "write an SVG timeline");
}

/* An error as optparse reports it: usage, then the message; status 2. */
static int opts_error(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int opts_error(const char *prog, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "Usage: %s [options]\n\n%s: error: ", prog, prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return -1;
}

bool py_int(const char *s, int base, long *out)
{
    while (isspace((unsigned char)*s))
        s++;
    bool neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    if (s[0] == '0' && ((base == 16 && tolower((unsigned char)s[1]) == 'x') ||
                        (base == 8 && tolower((unsigned char)s[1]) == 'o') ||
                        (base == 2 && tolower((unsigned char)s[1]) == 'b'))) {
        s += 2;
        if (*s == '_')
            s++;
    }
    unsigned long v = 0;
    int digits = 0;
    for (;; s++) {
        if (*s == '_' && digits && s[1] && s[1] != '_')
            continue;
        int c = tolower((unsigned char)*s), d = isdigit(c) ? c - '0' : isalpha(c) ? c - 'a' + 10 : 99;
        if (d >= base)
            break;
        if (v > (ULONG_MAX - (unsigned)d) / (unsigned)base)
            return false;
        v = v * (unsigned)base + (unsigned)d;
        digits++;
    }
    while (isspace((unsigned char)*s))
        s++;
    if (!digits || *s || v > (unsigned long)LONG_MAX + neg)
        return false;
    *out = neg ? (long)(0 - v) : (long)v;
    return true;
}

/* optparse's "int" type: a 0x, 0b or 0 prefix picks the base. */
static bool optparse_int(const char *s, long *out)
{
    if (s[0] == '0' && tolower((unsigned char)s[1]) == 'x')
        return py_int(s, 16, out);
    if (s[0] == '0' && tolower((unsigned char)s[1]) == 'b')
        return py_int(s[2] ? s + 2 : "0", 2, out);
    return py_int(s, s[0] == '0' ? 8 : 10, out);
}

bool py_float(const char *s, double *out)
{
    char *end;
    if (strpbrk(s, "xXpP"))
        return false;
    *out = strtod(s, &end);
    if (end == s)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    return !*end;
}

static int opts_set(const struct opt *o, const char *name, const char *val, const char *prog)
{
    if (o->kind == OPT_FLAG) {
        *(bool *)o->dest = true;
        return 0;
    }
    if (!val)
        return opts_error(prog, "%s option requires 1 argument", name);
    if (o->kind == OPT_STR)
        *(const char **)o->dest = val;
    else if (o->kind == OPT_FLOAT && !py_float(val, (double *)o->dest))
        return opts_error(prog, "option %s: invalid floating-point value: '%s'", name, val);
    else if (o->kind == OPT_INT && !optparse_int(val, (long *)o->dest))
        return opts_error(prog, "option %s: invalid integer value: '%s'", name, val);
    return 0;
}

/* A long option by its name or an unambiguous prefix of it, as optparse
 * matches them. */
static const struct opt *opts_long(const struct opt *const lists[2], const char *name, size_t n, const char *prog,
                                   int *err)
{
    const struct opt *found = NULL;
    int matches = 0;
    for (int t = 0; t < 2; t++)
        for (const struct opt *p = lists[t]; p->dest; p++)
            if (p->long_name && !strncmp(p->long_name, name, n)) {
                if (strlen(p->long_name) == n)
                    return p;
                found = p, matches++;
            }
    if (matches == 1)
        return found;
    if (!matches) {
        *err = opts_error(prog, "no such option: --%.*s", (int)n, name);
        return NULL;
    }
    /* optparse lists the candidates sorted */
    const char *cand[64];
    int nc = 0;
    for (int t = 0; t < 2; t++)
        for (const struct opt *p = lists[t]; p->dest && nc < 64; p++)
            if (p->long_name && !strncmp(p->long_name, name, n))
                cand[nc++] = p->long_name;
    for (int a = 1; a < nc; a++)
        for (int b = a; b > 0 && strcmp(cand[b], cand[b - 1]) < 0; b--) {
            const char *t = cand[b];
            cand[b] = cand[b - 1];
            cand[b - 1] = t;
        }
    char list[1024] = "";
    for (int i = 0; i < nc; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s--%s", i ? ", " : "", cand[i]);
    *err = opts_error(prog, "ambiguous option: --%.*s (%s?)", (int)n, name, list);
    return NULL;
}

int opts_parse(int argc, char **argv, int first, const struct opt *opts, const char *prog)
{
    static const struct opt trace_opts[] = {
        {0, "trace-json", OPT_STR, &g_trace.json, ""},
        {0, "svg", OPT_STR, &g_trace.svg, ""},
        {0, NULL, 0, NULL, NULL},
    };
    const struct opt *const lists[2] = {opts, trace_opts};
    for (int i = first; i < argc; i++) {
        char *a = argv[i];
        if (!strcmp(a, "--"))
            break;
        if (a[0] != '-' || !a[1])
            continue; /* optparse leaves arguments to the tool, which ignores them */
        if (a[1] == '-') {
            if (!strcmp(a, "--help")) {
                opts_usage(opts, prog);
                return -2;
            }
            char *eq = strchr(a + 2, '=');
            size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            int err = 0;
            const struct opt *o = opts_long(lists, a + 2, n, prog, &err);
            if (!o)
                return -1;
            char name[48];
            snprintf(name, sizeof name, "--%s", o->long_name);
            if (o->kind == OPT_FLAG && eq)
                return opts_error(prog, "%s option does not take a value", name);
            const char *val = eq ? eq + 1 : o->kind != OPT_FLAG && i + 1 < argc ? argv[++i] : NULL;
            if (opts_set(o, name, val, prog))
                return -1;
            continue;
        }
        /* a cluster of short options: flags, then at most one taking the
         * rest of the word or the next word as its value */
        for (char *c = a + 1; *c; c++) {
            if (*c == 'h') {
                opts_usage(opts, prog);
                return -2;
            }
            const struct opt *o = NULL;
            for (const struct opt *p = opts; p->dest; p++)
                if (p->short_name == *c) {
                    o = p;
                    break;
                }
            if (!o)
                return opts_error(prog, "no such option: -%c", *c);
            char name[3] = {'-', *c, 0};
            if (o->kind == OPT_FLAG) {
                opts_set(o, name, NULL, prog);
                continue;
            }
            const char *val = c[1] ? c + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (opts_set(o, name, val, prog))
                return -1;
            break;
        }
    }
    return 0;
}

void py_float_str(double v, char *buf, int len)
{
    /* Fewest significant digits that read back as v, as Python's repr. */
    int prec = 0;
    for (; prec < 17; prec++) {
        snprintf(buf, (size_t)len, "%.*e", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    const char *e = strchr(buf, 'e');
    int exp = e ? atoi(e + 1) : 0;
    if (exp < -4 || exp >= 16)
        return; /* Python uses the exponent form too */
    int decimals = prec - exp > 0 ? prec - exp : 0;
    snprintf(buf, (size_t)len, "%.*f", decimals, v);
    if (!strchr(buf, '.') && strlen(buf) + 3 <= (size_t)len)
        strcat(buf, ".0");
}

int split(char *s, char sep, char **fields, int max)
{
    int n = 0;
    for (;;) {
        if (n == max)
            return n;
        fields[n++] = s;
        char *p = strchr(s, sep);
        if (!p)
            return n;
        *p = 0;
        s = p + 1;
    }
}

int write_traces(const struct sim *s, const char *title, double unit_us, const char *unit_name)
{
    if (!g_trace.json && !g_trace.svg)
        return 0;
    static const char *const mark_names[] = {"arrive", "io start", "io done", "exit"};
    char **rows = calloc((size_t)s->njobs, sizeof(*rows));
    struct trace_span *spans = calloc(s->nsegs + 1, sizeof(*spans));
    struct trace_mark *marks = calloc(s->nmarks + 1, sizeof(*marks));
    if (!rows || !spans || !marks)
        die("out of memory");
    for (int j = 0; j < s->njobs; j++) {
        rows[j] = malloc(16);
        snprintf(rows[j], 16, "job %d", j);
    }
    for (size_t i = 0; i < s->nsegs; i++)
        spans[i] = (struct trace_span){s->segs[i].job, (double)s->segs[i].start * unit_us,
                                       (double)(s->segs[i].end - s->segs[i].start) * unit_us,
                                       rows[s->segs[i].job]};
    for (size_t i = 0; i < s->nmarks; i++)
        marks[i] = (struct trace_mark){s->marks[i].job, (double)s->marks[i].t * unit_us,
                                       mark_names[s->marks[i].kind]};
    struct trace_doc d = {title, (const char *const *)rows, s->njobs, spans, s->nsegs, marks, s->nmarks,
                          unit_us, unit_name};
    int rc = 0;
    if (g_trace.json && trace_save(g_trace.json, trace_write_chrome_json, &d))
        rc = -1;
    if (g_trace.svg && trace_save(g_trace.svg, trace_write_svg, &d))
        rc = -1;
    for (int j = 0; j < s->njobs; j++)
        free(rows[j]);
    free(rows);
    free(spans);
    free(marks);
    return rc;
}

void py_repr(const char *s, char *buf, size_t len)
{
    char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';
    size_t n = 0;
#define PUT(...) (n += (size_t)snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, __VA_ARGS__))
    PUT("%c", q);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\' || *p == (unsigned char)q)
            PUT("\\%c", *p);
        else if (*p == '\n')
            PUT("\\n");
        else if (*p == '\r')
            PUT("\\r");
        else if (*p == '\t')
            PUT("\\t");
        else if (*p < 0x20 || *p == 0x7f)
            PUT("\\x%02x", *p);
        else
            PUT("%c", *p);
    }
    PUT("%c", q);
#undef PUT
}

void py_raise(const char *exc, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, "Traceback (most recent call last):\n%s%s%s\n", exc, *msg ? ": " : "", msg);
    exit(1);
}

long py_int_or_raise(const char *s)
{
    long v;
    if (!py_int(s, 10, &v)) {
        char r[512];
        py_repr(s, r, sizeof r);
        py_raise("ValueError", "invalid literal for int() with base 10: %s", r);
    }
    return v;
}

void *grow_array(void *a, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return a;
    while (*cap < need)
        *cap = *cap ? 2 * *cap : 16;
    a = realloc(a, *cap * elem);
    if (!a)
        die("out of memory");
    return a;
}

int homework_opts(int argc, char **argv, const struct opt *opts, const char *prog)
{
    int rc = opts_parse(argc, argv, 2, opts, prog);
    if (rc)
        return rc == -2 ? 0 : 2;
    if (g_trace.json || g_trace.svg)
        die("--trace-json and --svg are for the scheduling modes");
    return -1;
}
