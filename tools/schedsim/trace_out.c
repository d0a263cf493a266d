/*
 * Trace writers (see trace_out.h).  The JSON follows the Trace Event Format:
 * one "X" (complete) event per span and one "i" (instant) event per mark,
 * plus "M" metadata naming the process and one thread per row, so Perfetto
 * shows a track per job.  The SVG draws a time axis, a labelled row per job,
 * a coloured bar per span and a small tick per mark; no scripts, no
 * external resources.
 */
#include "trace_out.h"

#include <stdbool.h>
#include <string.h>

#include <string.h>

/* JSON string body with the characters JSON requires escaped. */
static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

int trace_write_chrome_json(FILE *f, const struct trace_doc *d)
{
    fprintf(f, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
    fprintf(f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,\"args\":{\"name\":");
    json_str(f, d->title);
    fprintf(f, "}}");
    for (int r = 0; r < d->nrows; r++) {
        fprintf(f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"name\":", r + 1);
        json_str(f, d->rows[r]);
        fprintf(f, "}},\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"args\":{\"sort_index\":%d}}",
                r + 1, r);
    }
    for (size_t i = 0; i < d->nspans; i++) {
        const struct trace_span *s = &d->spans[i];
        fprintf(f, ",\n{\"name\":");
        json_str(f, s->name);
        fprintf(f, ",\"cat\":\"sched\",\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"ts\":%.3f,\"dur\":%.3f}", s->row + 1,
                s->start_us, s->dur_us);
    }
    for (size_t i = 0; i < d->nmarks; i++) {
        const struct trace_mark *m = &d->marks[i];
        fprintf(f, ",\n{\"name\":");
        json_str(f, m->name);
        fprintf(f, ",\"cat\":\"sched\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%d,\"ts\":%.3f}", m->row + 1,
                m->ts_us);
    }
    fprintf(f, "\n]}\n");
    return ferror(f) ? -1 : 0;
}

static void svg_text(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else
            fputc(*s, f);
    }
}

/* A readable step for the axis: 1, 2 or 5 times a power of ten units. */
static double svg_step(double span_units, double want_ticks)
{
    double raw = span_units / want_ticks, p = 1;
    while (p * 10 <= raw)
        p *= 10;
    while (p > raw && p > 1e-6)
        p /= 10;
    if (p * 5 <= raw)
        return p * 5;
    if (p * 2 <= raw)
        return p * 2;
    return p;
}

int trace_write_svg(FILE *f, const struct trace_doc *d)
{
    static const char *const palette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                          "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
    double end = 0;
    for (size_t i = 0; i < d->nspans; i++)
        if (d->spans[i].start_us + d->spans[i].dur_us > end)
            end = d->spans[i].start_us + d->spans[i].dur_us;
    for (size_t i = 0; i < d->nmarks; i++)
        if (d->marks[i].ts_us > end)
            end = d->marks[i].ts_us;
    if (end <= 0)
        end = 1;
    const int left = 90, right = 20, top = 40, rowh = 26, width = 1000;
    bool legend = false;                /* spans coloured by their own slot get a key */
    for (size_t i = 0; i < d->nspans; i++)
        legend |= d->spans[i].color > 0;
    const int plot = width - left - right, height = top + d->nrows * rowh + 40 + (legend ? 24 : 0);
    double xs = plot / end, unit = d->unit_us > 0 ? d->unit_us : 1;

    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n", width, height);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%d\" y=\"22\" "
               "font-size=\"15\" font-weight=\"bold\">", left);
    svg_text(f, d->title);
    fprintf(f, "</text>\n");
    for (int r = 0; r < d->nrows; r++) {
        int y = top + r * rowh;
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", left, y, plot, rowh,
                r % 2 ? "#f4f4f4" : "#fafafa");
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", left - 8, y + rowh / 2 + 4);
        svg_text(f, d->rows[r]);
        fprintf(f, "</text>\n");
    }
    double step = svg_step(end / unit, 10);
    int axis_y = top + d->nrows * rowh;
    for (double t = 0; t <= end / unit + 1e-9; t += step) {
        double x = left + t * unit * xs;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/>\n", x, top, x, axis_y + 5);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n", x, axis_y + 18, t);
    }
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", width - right, axis_y + 34);
    svg_text(f, d->unit_name ? d->unit_name : "us");
    fprintf(f, "</text>\n");
    for (size_t i = 0; i < d->nspans; i++) {
        const struct trace_span *s = &d->spans[i];
        double x = left + s->start_us * xs, w = s->dur_us * xs;
        fprintf(f, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"%s\" stroke=\"white\" "
                   "stroke-width=\"0.5\"><title>", x, top + s->row * rowh + 4, w > 0.5 ? w : 0.5, rowh - 8,
                palette[(s->color > 0 ? s->color - 1 : s->row) % 10]);
        svg_text(f, s->name);
        fprintf(f, " %g..%g</title></rect>\n", s->start_us / unit, (s->start_us + s->dur_us) / unit);
    }
    /* the key: one swatch per colour slot, named after its first span */
    double kx = left;
    for (size_t i = 0; legend && i < d->nspans; i++) {
        const struct trace_span *s = &d->spans[i];
        bool first = s->color > 0;
        for (size_t k = 0; first && k < i; k++)
            first = d->spans[k].color != s->color;
        if (!first || !s->name)
            continue;
        fprintf(f, "<rect x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>\n", kx, axis_y + 44,
                palette[(s->color - 1) % 10]);
        fprintf(f, "<text x=\"%.1f\" y=\"%d\">", kx + 14, axis_y + 53);
        svg_text(f, s->name);
        fprintf(f, "</text>\n");
        kx += 24 + 7.0 * (double)strlen(s->name);
    }
    for (size_t i = 0; i < d->nmarks; i++) {
        const struct trace_mark *m = &d->marks[i];
        double x = left + m->ts_us * xs;
        int y = top + m->row * rowh;
        fprintf(f, "<path d=\"M%.2f %d l-4 -6 h8 z\" fill=\"#333\"><title>", x, y + 6);
        svg_text(f, m->name);
        fprintf(f, " at %g</title></path>\n", m->ts_us / unit);
    }
    fprintf(f, "</svg>\n");
    return ferror(f) ? -1 : 0;
}

int trace_save(const char *path, int (*writer)(FILE *, const struct trace_doc *), const struct trace_doc *d)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    int rc = writer(f, d);
    if (fclose(f) != 0)
        rc = -1;
    if (rc)
        fprintf(stderr, "schedsim: writing %s failed\n", path);
    return rc;
}
