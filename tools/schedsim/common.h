/*
 * What the simulator's modes share: a small command-line parser with the
 * conventions of Python's optparse/argparse (-x VALUE, -xVALUE, --long VALUE,
 * --long=VALUE), Python's str() of a float, list parsing, and the trace
 * files written from a finished simulation.
 */
#ifndef SCHEDSIM_COMMON_H
#define SCHEDSIM_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"

enum opt_kind { OPT_INT, OPT_STR, OPT_FLAG, OPT_FLOAT };

struct opt {
    char short_name;        /* 0 if none */
    const char *long_name;  /* without the dashes; NULL if none */
    enum opt_kind kind;
    void *dest;             /* long *, const char **, bool * or double * */
    const char *help;
};

/* Parses argv[first..] as Python's optparse would: integers with optparse's
 * base prefixes, clusters of short flags, unambiguous prefixes of long
 * names, other words ignored.  On an error prints optparse's message (with
 * `prog`, e.g. "schedsim fork", as the program) to stderr and returns -1
 * (the tools then exit with status 2); -h prints the options and returns -2.
 * --trace-json and --svg are recognised by every mode. */
int opts_parse(int argc, char **argv, int first, const struct opt *opts, const char *prog);
/* The homework modes' options (argv[2..]): -1 to go on, else the status to
 * exit with (0 after -h, 2 after an error); the trace options are refused. */
int homework_opts(int argc, char **argv, const struct opt *opts, const char *prog);

/* Python's int(s, base) and float(s) on a string (no base prefix
 * detection for base 10). */
bool py_int(const char *s, int base, long *out);
bool py_float(const char *s, double *out);

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

/* Python's repr() of a str (quotes chosen and escapes made as Python
 * does, for ASCII). */
void py_repr(const char *s, char *buf, size_t len);

/* What a Python tool does on an uncaught exception: the exception's last
 * line on stderr, exit status 1.  `exc` is e.g. "ValueError"; an empty
 * message gives the bare name, as a failed assert does. */
void py_raise(const char *exc, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* int(s), or ValueError as Python words it. */
long py_int_or_raise(const char *s);

/* `a` (of *cap elements of `elem` bytes) with room for `need`. */
void *grow_array(void *a, size_t *cap, size_t need, size_t elem);

void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
