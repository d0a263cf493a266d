/*
 * Shared pieces of the simulator's modes (see common.h).
 */
#include "common.h"

#include <errno.h>
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

static void opts_usage(const struct opt *opts, const char *usage)
{
    fprintf(stderr, "%s\n\nOptions:\n", usage);
    for (const struct opt *o = opts; o->kind || o->dest; o++) {
        char s[8] = "", l[40] = "";
        if (o->short_name)
            snprintf(s, sizeof s, "-%c", o->short_name);
        if (o->long_name)
            snprintf(l, sizeof l, "--%s", o->long_name);
        fprintf(stderr, "  %-3s %-22s %s\n", s, l, o->help);
    }
    fprintf(stderr, "      %-22s %s\n      %-22s %s\n", "--trace-json FILE", "write a Chrome trace (Perfetto)",
            "--svg FILE", "write an SVG timeline");
}

static int opts_set(const struct opt *o, const char *val, const char *usage, const struct opt *opts)
{
    if (o->kind == OPT_FLAG) {
        *(bool *)o->dest = true;
        return 0;
    }
    if (!val) {
        fprintf(stderr, "schedsim: option -%c/--%s needs a value\n", o->short_name ? o->short_name : '-',
                o->long_name ? o->long_name : "");
        opts_usage(opts, usage);
        return -1;
    }
    if (o->kind == OPT_STR) {
        *(const char **)o->dest = val;
        return 0;
    }
    if (!parse_long(val, (long *)o->dest)) {
        fprintf(stderr, "schedsim: option %s%s: invalid integer value: '%s'\n", o->long_name ? "--" : "-",
                o->long_name ? o->long_name : (char[]){o->short_name, 0}, val);
        return -1;
    }
    return 0;
}

int opts_parse(int argc, char **argv, int first, const struct opt *opts, const char *usage)
{
    static const struct opt trace_opts[] = {
        {0, "trace-json", OPT_STR, &g_trace.json, ""},
        {0, "svg", OPT_STR, &g_trace.svg, ""},
        {0, NULL, 0, NULL, NULL},
    };
    for (int i = first; i < argc; i++) {
        char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            opts_usage(opts, usage);
            return -2;
        }
        if (a[0] != '-' || !a[1]) {
            fprintf(stderr, "schedsim: unexpected argument '%s'\n", a);
            return -1;
        }
        const struct opt *o = NULL;
        const char *val = NULL;
        bool inline_val = false;
        if (a[1] == '-') {
            char *eq = strchr(a + 2, '=');
            size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            for (int t = 0; t < 2 && !o; t++)
                for (const struct opt *p = t ? trace_opts : opts; p->dest; p++)
                    if (p->long_name && strlen(p->long_name) == n && !strncmp(p->long_name, a + 2, n)) {
                        o = p;
                        break;
                    }
            if (eq)
                val = eq + 1, inline_val = true;
        } else {
            for (const struct opt *p = opts; p->dest; p++)
                if (p->short_name == a[1]) {
                    o = p;
                    break;
                }
            if (a[2])
                val = a + 2, inline_val = true;
        }
        if (!o) {
            fprintf(stderr, "schedsim: no such option: %s\n", a);
            opts_usage(opts, usage);
            return -1;
        }
        if (o->kind == OPT_FLAG && inline_val) {
            fprintf(stderr, "schedsim: option %s takes no value\n", a);
            return -1;
        }
        if (o->kind != OPT_FLAG && !inline_val && i + 1 < argc)
            val = argv[++i];
        if (opts_set(o, val, usage, opts))
            return -1;
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
