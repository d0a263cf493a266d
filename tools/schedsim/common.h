/*
 * What the simulator's modes share: a small command-line parser with the
 * conventions of Python's optparse/argparse (-x VALUE, -xVALUE, --long VALUE,
 * --long=VALUE), Python's str() of a float, list parsing, and the trace
 * files written from a finished simulation.
 */
#ifndef SCHEDSIM_COMMON_H
#define SCHEDSIM_COMMON_H

#include <stdbool.h>
#include <stdint.h>

#include "sim.h"

enum opt_kind { OPT_INT, OPT_STR, OPT_FLAG };

struct opt {
    char short_name;        /* 0 if none */
    const char *long_name;  /* without the dashes; NULL if none */
    enum opt_kind kind;
    void *dest;             /* long *, const char **, or bool * */
    const char *help;
};

/* Parses argv[first..]; on an error or -h prints usage to stderr and
 * returns -1 (-2 for -h).  Options common to all modes (--trace-json,
 * --svg) are recognised by every mode through `trace_opts`. */
int opts_parse(int argc, char **argv, int first, const struct opt *opts, const char *usage);

struct trace_opts {
    const char *json, *svg;
};
extern struct trace_opts g_trace;

/* Python's str(float): shortest repr that reads back, "10.0" not "10". */
void py_float_str(double v, char *buf, int len);

/* Splits `s` at `sep` into at most `max` fields (modifies s); returns the
 * count. */
int split(char *s, char sep, char **fields, int max);

/* Parses a whole decimal integer; false if `s` is not one. */
bool parse_long(const char *s, long *out);

/* Write the trace files requested with --trace-json / --svg; 0 or -1. */
int write_traces(const struct sim *s, const char *title, double unit_us, const char *unit_name);

void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
