/*
 * Host tests of the terminal line discipline (kernel/fs/tty_ldisc.c):
 * canonical editing (erase, kill, word erase, literal next, EOF), CR/NL
 * mapping, echo and ECHOCTL, output translation (ONLCR), signal characters,
 * non-canonical input, and the mode switches ash's line editor performs.
 */
#include <check.h>

#include "check_main.h"
#include <stdio.h>
#include <string.h>

#include "../../kernel/fs/tty_ldisc.c"

static char wire[16384];
static size_t wire_len;

static void sink(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    ck_assert_uint_le(wire_len + n, sizeof(wire));
    memcpy(wire + wire_len, s, n);
    wire_len += n;
}

static struct ldisc ld;

static void setup(void)
{
    wire_len = 0;
    ldisc_init(&ld, sink, NULL);
}

/* Feeds a string; returns the last non-zero signal raised. */
static int type(const char *s)
{
    int sig = 0;
    for (; *s; s++) {
        int r = ldisc_receive(&ld, (uint8_t)*s);
        if (r)
            sig = r;
    }
    return sig;
}

static void type_n(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        ldisc_receive(&ld, (uint8_t)s[i]);
}

/* Reads one canonical read(2) worth (up to n) as a C string. */
static const char *rd(size_t n)
{
    static char out[LDISC_BUF_SIZE + 1];
    bool done;
    size_t k = ldisc_read(&ld, (uint8_t *)out, n, &done);
    out[k] = 0;
    return out;
}

static void assert_wire(const char *expect)
{
    ck_assert_uint_eq(wire_len, strlen(expect));
    ck_assert_mem_eq(wire, expect, wire_len);
}

START_TEST(defaults_match_linux)
{
    ck_assert_uint_eq(ld.termios.c_iflag, 0x500);
    ck_assert_uint_eq(ld.termios.c_oflag, 0x5);
    ck_assert_uint_eq(ld.termios.c_cflag, 0xbf);
    ck_assert_uint_eq(ld.termios.c_lflag, 0x8a3b);
    static const uint8_t cc[NCCS] = {0x03, 0x1c, 0x7f, 0x15, 0x04, 0, 1, 0, 0x11, 0x13,
                                     0x1a, 0, 0x12, 0x0f, 0x17, 0x16, 0, 0, 0};
    ck_assert_mem_eq(ld.termios.c_cc, cc, NCCS);
}
END_TEST

START_TEST(canonical_line_is_held_until_newline)
{
    type("abc");
    ck_assert(!ldisc_readable(&ld));
    ck_assert_uint_eq(ldisc_available(&ld), 0);
    type("\r");                          /* ICRNL: CR ends the line as NL */
    ck_assert(ldisc_readable(&ld));
    ck_assert_uint_eq(ldisc_available(&ld), 4);
    ck_assert_str_eq(rd(100), "abc\n");
    ck_assert(!ldisc_readable(&ld));
    assert_wire("abc\r\n");             /* echo, with ONLCR */
}
END_TEST

START_TEST(read_returns_one_line_at_a_time)
{
    type("one\ntwo\n");
    ck_assert_str_eq(rd(100), "one\n");
    ck_assert_str_eq(rd(100), "two\n");
    ck_assert(!ldisc_readable(&ld));
}
END_TEST

START_TEST(partial_read_keeps_rest_of_line)
{
    type("hello\n");
    ck_assert_str_eq(rd(2), "he");
    ck_assert(ldisc_readable(&ld));
    ck_assert_str_eq(rd(2), "ll");
    ck_assert_str_eq(rd(10), "o\n");
    ck_assert(!ldisc_readable(&ld));
}
END_TEST

START_TEST(erase_removes_last_char_and_echoes_bs_space_bs)
{
    type("abx\x7f" "c\n");
    ck_assert_str_eq(rd(100), "abc\n");
    assert_wire("abx\b \bc\r\n");
}
END_TEST

START_TEST(ctrl_h_also_erases)
{
    type("ab\bd\n");
    ck_assert_str_eq(rd(100), "ad\n");
}
END_TEST

START_TEST(erase_on_empty_line_does_nothing)
{
    type("\x7f\x7f" "a\n");
    ck_assert_str_eq(rd(100), "a\n");
    assert_wire("a\r\n");
}
END_TEST

START_TEST(erase_control_char_removes_two_columns)
{
    type("a\x01\x7f\n");                 /* ^A echoed as "^A" */
    ck_assert_str_eq(rd(100), "a\n");
    assert_wire("a^A\b \b\b \b\r\n");
}
END_TEST

START_TEST(erase_tab_backs_up_to_previous_column)
{
    type("ab\t");                        /* tab from column 2 to 8 */
    wire_len = 0;
    type("\x7f");
    assert_wire("\b\b\b\b\b\b");
    ck_assert_uint_eq(ld.column, 2);
}
END_TEST

START_TEST(erase_cannot_cross_committed_line)
{
    type("x\n");
    type("\x7f\x7f" "y\n");
    ck_assert_str_eq(rd(100), "x\n");
    ck_assert_str_eq(rd(100), "y\n");
}
END_TEST

START_TEST(kill_erases_whole_line)
{
    type("garbage\x15" "ok\n");
    ck_assert_str_eq(rd(100), "ok\n");
    /* ECHOKE: erased character by character on screen */
    ck_assert(strstr(wire, "\b \b\b \b\b \b\b \b\b \b\b \b\b \b") != NULL);
}
END_TEST

START_TEST(kill_without_echoke_echoes_kill_char_and_newline)
{
    struct termios t = ld.termios;
    t.c_lflag &= ~ECHOKE;
    ldisc_set_termios(&ld, &t);
    type("abc\x15");
    assert_wire("abc^U\r\n");
    type("d\n");
    ck_assert_str_eq(rd(100), "d\n");
}
END_TEST

START_TEST(werase_erases_previous_word)
{
    type("ls -l foo  \x17" "bar\n");
    ck_assert_str_eq(rd(100), "ls -l bar\n");
}
END_TEST

START_TEST(lnext_makes_next_char_literal)
{
    type("a\x16\x7f" "b\n");             /* ^V DEL: DEL is kept */
    ck_assert_str_eq(rd(100), "a\x7f" "b\n");
}
END_TEST

START_TEST(eof_on_empty_line_reads_zero)
{
    type("\x04");
    ck_assert(ldisc_readable(&ld));
    bool done;
    uint8_t b[8];
    ck_assert_uint_eq(ldisc_read(&ld, b, sizeof(b), &done), 0);
    ck_assert(done);
    ck_assert(!ldisc_readable(&ld));
    assert_wire("");                      /* VEOF is not echoed */
}
END_TEST

START_TEST(eof_after_text_pushes_line_without_newline)
{
    type("abc\x04");
    ck_assert_str_eq(rd(100), "abc");
    ck_assert(!ldisc_readable(&ld));      /* the marker was consumed too */
    type("\x04");
    ck_assert_str_eq(rd(100), "");
}
END_TEST

START_TEST(icrnl_off_keeps_cr)
{
    struct termios t = ld.termios;
    t.c_iflag &= ~ICRNL;
    ldisc_set_termios(&ld, &t);
    type("a\r");
    ck_assert(!ldisc_readable(&ld));      /* CR is not a delimiter */
    type("\n");
    ck_assert_str_eq(rd(100), "a\r\n");
}
END_TEST

START_TEST(igncr_drops_cr)
{
    struct termios t = ld.termios;
    t.c_iflag |= IGNCR;
    ldisc_set_termios(&ld, &t);
    type("a\r\n");
    ck_assert_str_eq(rd(100), "a\n");
}
END_TEST

START_TEST(onlcr_translates_output)
{
    ldisc_write(&ld, "x\ny\n", 4);
    assert_wire("x\r\ny\r\n");
}
END_TEST

START_TEST(output_raw_without_opost)
{
    struct termios t = ld.termios;
    t.c_oflag &= ~OPOST;
    ldisc_write(&ld, "x\n", 2);
    ldisc_set_termios(&ld, &t);
    ldisc_write(&ld, "y\n", 2);
    assert_wire("x\r\ny\n");
}
END_TEST

START_TEST(xtabs_expands_to_spaces)
{
    struct termios t = ld.termios;
    t.c_oflag |= XTABS;
    ldisc_set_termios(&ld, &t);
    ldisc_write(&ld, "ab\tc", 4);
    assert_wire("ab      c");
}
END_TEST

START_TEST(intr_raises_sigint_flushes_and_echoes_caret)
{
    type("partial");
    wire_len = 0;
    ck_assert_int_eq(type("\x03"), LDISC_SIGINT);
    assert_wire("^C");
    ck_assert_uint_eq(ld.tail - ld.rhead, 0);
    type("\n");
    ck_assert_str_eq(rd(100), "\n");
}
END_TEST

START_TEST(quit_and_susp_raise_their_signals)
{
    ck_assert_int_eq(type("\x1c"), LDISC_SIGQUIT);
    ck_assert_int_eq(type("\x1a"), LDISC_SIGTSTP);
}
END_TEST

START_TEST(isig_off_passes_ctrl_c_as_data)
{
    struct termios t = ld.termios;
    t.c_lflag &= ~(ISIG | ICANON | ECHO);
    ldisc_set_termios(&ld, &t);
    ck_assert_int_eq(type("\x03"), 0);
    ck_assert_str_eq(rd(10), "\x03");
}
END_TEST

START_TEST(raw_mode_bytes_readable_immediately)
{
    /* what ash's line editor sets: lflag 0x8a30, VMIN=1, VTIME=0 */
    struct termios t = ld.termios;
    t.c_lflag &= ~(ICANON | ECHO | ECHONL | ISIG);
    ck_assert_uint_eq(t.c_lflag, 0x8a30);
    ldisc_set_termios(&ld, &t);
    type("l");
    ck_assert(ldisc_readable(&ld));
    ck_assert_uint_eq(ldisc_available(&ld), 1);
    type("s\r\x7f");
    ck_assert_str_eq(rd(1), "l");
    ck_assert_str_eq(rd(10), "s\n\x7f");  /* ICRNL still applies, DEL is data */
    assert_wire("");                      /* no echo */
}
END_TEST

START_TEST(raw_read_of_empty_buffer_returns_zero)
{
    struct termios t = ld.termios;
    t.c_lflag &= ~ICANON;
    ldisc_set_termios(&ld, &t);
    ck_assert(!ldisc_readable(&ld));
    ck_assert_str_eq(rd(10), "");
}
END_TEST

START_TEST(switch_to_raw_releases_edited_line)
{
    type("ab");
    struct termios t = ld.termios;
    t.c_lflag &= ~ICANON;
    ldisc_set_termios(&ld, &t);
    ck_assert_str_eq(rd(10), "ab");
}
END_TEST

START_TEST(switch_to_canonical_pushes_typed_ahead_input)
{
    struct termios raw = ld.termios, cooked = ld.termios;
    raw.c_lflag &= ~(ICANON | ECHO);
    ldisc_set_termios(&ld, &raw);
    type("ls");
    ldisc_set_termios(&ld, &cooked);
    ck_assert(ldisc_readable(&ld));
    ck_assert_str_eq(rd(10), "ls");
}
END_TEST

START_TEST(raw_echo_with_echoctl)
{
    struct termios t = ld.termios;
    t.c_lflag &= ~ICANON;
    ldisc_set_termios(&ld, &t);
    type("a\x01\n");
    assert_wire("a^A\r\n");
}
END_TEST

START_TEST(echonl_echoes_newline_only)
{
    struct termios t = ld.termios;
    t.c_lflag &= ~ECHO;
    t.c_lflag |= ECHONL;
    ldisc_set_termios(&ld, &t);
    type("secret\n");
    assert_wire("\r\n");
    ck_assert_str_eq(rd(100), "secret\n");
}
END_TEST

START_TEST(ixon_stop_start)
{
    type("\x13");
    ck_assert(ld.stopped);
    type("\x11");
    ck_assert(!ld.stopped);
    ck_assert_uint_eq(ld.tail, 0);        /* flow characters are not data */
}
END_TEST

START_TEST(canonical_overflow_keeps_room_for_newline)
{
    char big[LDISC_BUF_SIZE + 10];
    memset(big, 'x', sizeof(big));
    type_n(big, sizeof(big));
    ck_assert_uint_eq(ld.tail - ld.rhead, LDISC_BUF_SIZE - 1);
    type("\n");
    ck_assert(ldisc_readable(&ld));
    size_t total = 0;
    bool done = false;
    uint8_t b[1000];
    while (!done)
        total += ldisc_read(&ld, b, sizeof(b), &done);
    ck_assert_uint_eq(total, LDISC_BUF_SIZE);
}
END_TEST

START_TEST(ring_wraps_around)
{
    for (int i = 0; i < 3000; i++) {
        wire_len = 0;
        type("0123456789\n");
        ck_assert_str_eq(rd(100), "0123456789\n");
    }
    ck_assert_uint_gt(ld.tail, LDISC_BUF_SIZE * 5);
}
END_TEST

START_TEST(utf8_erase_removes_whole_sequence)
{
    struct termios t = ld.termios;
    t.c_iflag |= IUTF8;
    ldisc_set_termios(&ld, &t);
    type("a\xc3\xa9");                  /* a, e-acute */
    ck_assert_uint_eq(ld.column, 2);
    type("\x7f\n");
    ck_assert_str_eq(rd(100), "a\n");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("tty_ldisc");
    TCase *tc = tcase_create("ldisc");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, defaults_match_linux);
    tcase_add_test(tc, canonical_line_is_held_until_newline);
    tcase_add_test(tc, read_returns_one_line_at_a_time);
    tcase_add_test(tc, partial_read_keeps_rest_of_line);
    tcase_add_test(tc, erase_removes_last_char_and_echoes_bs_space_bs);
    tcase_add_test(tc, ctrl_h_also_erases);
    tcase_add_test(tc, erase_on_empty_line_does_nothing);
    tcase_add_test(tc, erase_control_char_removes_two_columns);
    tcase_add_test(tc, erase_tab_backs_up_to_previous_column);
    tcase_add_test(tc, erase_cannot_cross_committed_line);
    tcase_add_test(tc, kill_erases_whole_line);
    tcase_add_test(tc, kill_without_echoke_echoes_kill_char_and_newline);
    tcase_add_test(tc, werase_erases_previous_word);
    tcase_add_test(tc, lnext_makes_next_char_literal);
    tcase_add_test(tc, eof_on_empty_line_reads_zero);
    tcase_add_test(tc, eof_after_text_pushes_line_without_newline);
    tcase_add_test(tc, icrnl_off_keeps_cr);
    tcase_add_test(tc, igncr_drops_cr);
    tcase_add_test(tc, onlcr_translates_output);
    tcase_add_test(tc, output_raw_without_opost);
    tcase_add_test(tc, xtabs_expands_to_spaces);
    tcase_add_test(tc, intr_raises_sigint_flushes_and_echoes_caret);
    tcase_add_test(tc, quit_and_susp_raise_their_signals);
    tcase_add_test(tc, isig_off_passes_ctrl_c_as_data);
    tcase_add_test(tc, raw_mode_bytes_readable_immediately);
    tcase_add_test(tc, raw_read_of_empty_buffer_returns_zero);
    tcase_add_test(tc, switch_to_raw_releases_edited_line);
    tcase_add_test(tc, switch_to_canonical_pushes_typed_ahead_input);
    tcase_add_test(tc, raw_echo_with_echoctl);
    tcase_add_test(tc, echonl_echoes_newline_only);
    tcase_add_test(tc, ixon_stop_start);
    tcase_add_test(tc, canonical_overflow_keeps_room_for_newline);
    tcase_add_test(tc, ring_wraps_around);
    tcase_add_test(tc, utf8_erase_removes_whole_sequence);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return run_suite(suite()); }
