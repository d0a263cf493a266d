/*
 * The terminal line discipline: what happens to a byte between the wire and
 * read(2), and between write(2) and the wire.
 *
 * Input goes through, in order: ISTRIP; a pending VLNEXT (take the byte
 * literally); IXON flow control (VSTART/VSTOP); ISIG signal characters
 * (VINTR, VQUIT, VSUSP: flush input, echo, report the signal); CR/NL mapping
 * (IGNCR, ICRNL, INLCR); then, in canonical mode, the editing characters
 * (VERASE and ^H, VKILL, VWERASE, VREPRINT, VLNEXT) and the line delimiters
 * (newline, VEOL, VEOL2, VEOF).  Echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHOCTL,
 * ECHONL) goes through the same output processing as program output, which
 * keeps the column count right so erasing a tab backs up the right amount.
 *
 * Pure code: no locks, no tasks, no user memory.  The tty device serializes
 * the calls and decides about blocking (see kernel/fs/tty.c).
 */
#include <fs/tty.h>
#include <lib/string.h>

#define MASK(i) ((i) & (LDISC_BUF_SIZE - 1))

#define L(ld, f) (((ld)->termios.c_lflag & (f)) != 0)
#define I(ld, f) (((ld)->termios.c_iflag & (f)) != 0)
#define O(ld, f) (((ld)->termios.c_oflag & (f)) != 0)
#define CC(ld, v) ((ld)->termios.c_cc[v])

void termios_default(struct termios *t)
{
    static const uint8_t cc[NCCS] = {
        [VINTR] = 0x03, [VQUIT] = 0x1c, [VERASE] = 0x7f, [VKILL] = 0x15,
        [VEOF] = 0x04, [VTIME] = 0, [VMIN] = 1, [VSTART] = 0x11,
        [VSTOP] = 0x13, [VSUSP] = 0x1a, [VREPRINT] = 0x12, [VDISCARD] = 0x0f,
        [VWERASE] = 0x17, [VLNEXT] = 0x16,
    };
    t->c_iflag = ICRNL | IXON;                                   /* 0x500 */
    t->c_oflag = OPOST | ONLCR;                                  /* 0x5 */
    t->c_cflag = B38400 | CS8 | CREAD;                           /* 0xbf */
    t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN; /* 0x8a3b */
    t->c_line = 0;
    memcpy(t->c_cc, cc, NCCS);
}

void ldisc_init(struct ldisc *ld, ldisc_sink_fn sink, void *ctx)
{
    memset(ld, 0, sizeof(*ld));
    termios_default(&ld->termios);
    ld->sink = sink;
    ld->sink_ctx = ctx;
}

/* Is c the (enabled) special character in slot v? */
static bool is_cc(const struct ldisc *ld, uint8_t c, int v)
{
    return CC(ld, v) != _POSIX_VDISABLE && c == CC(ld, v);
}

static bool is_utf8_cont(const struct ldisc *ld, uint8_t c)
{
    return I(ld, IUTF8) && (c & 0xc0) == 0x80;
}

/* ---------------------------------------------------------------- output */

/* Output processing of one byte into out[] (at most 8 bytes); updates the
 * column.  Returns the number of bytes produced. */
static size_t opost_char(struct ldisc *ld, uint8_t c, char *out)
{
    if (!O(ld, OPOST)) {
        out[0] = (char)c;
        return 1;
    }
    switch (c) {
    case '\n':
        if (O(ld, ONLCR)) {
            out[0] = '\r';
            out[1] = '\n';
            ld->column = 0;
            return 2;
        }
        if (O(ld, ONLRET))
            ld->column = 0;
        out[0] = '\n';
        return 1;
    case '\r':
        if (O(ld, ONOCR) && ld->column == 0)
            return 0;
        if (O(ld, OCRNL)) {
            out[0] = '\n';
            if (O(ld, ONLRET))
                ld->column = 0;
            return 1;
        }
        ld->column = 0;
        out[0] = '\r';
        return 1;
    case '\t': {
        unsigned spaces = 8 - (ld->column & 7);
        ld->column += spaces;
        if ((ld->termios.c_oflag & TABDLY) == XTABS) {
            memset(out, ' ', spaces);
            return spaces;
        }
        out[0] = '\t';
        return 1;
    }
    case '\b':
        if (ld->column > 0)
            ld->column--;
        out[0] = '\b';
        return 1;
    default:
        if (c >= 0x20 && c != 0x7f && !is_utf8_cont(ld, c))
            ld->column++;
        out[0] = (char)c;
        return 1;
    }
}

void ldisc_write(struct ldisc *ld, const char *s, size_t n)
{
    char out[256];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > sizeof(out) - 8) {
            ld->sink(ld->sink_ctx, out, k);
            k = 0;
        }
        k += opost_char(ld, (uint8_t)s[i], out + k);
    }
    if (k)
        ld->sink(ld->sink_ctx, out, k);
}

static void echo_str(struct ldisc *ld, const char *s)
{
    ldisc_write(ld, s, strlen(s));
}

/* Echoes an input byte: control characters as ^X with ECHOCTL (but not tab
 * or newline), everything else as itself. */
static void echo_char(struct ldisc *ld, uint8_t c)
{
    if (L(ld, ECHOCTL) && (c < 0x20 || c == 0x7f) && c != '\t' && c != '\n') {
        char ctl[2] = { '^', (char)(c ^ 0x40) };
        ldisc_write(ld, ctl, 2);
        return;
    }
    char ch = (char)c;
    ldisc_write(ld, &ch, 1);
}

/* ---------------------------------------------------------------- input */

static size_t count(const struct ldisc *ld) { return ld->tail - ld->rhead; }

static bool store(struct ldisc *ld, uint8_t c, uint8_t flags)
{
    if (count(ld) >= LDISC_BUF_SIZE)
        return false;
    if (ld->canon_head == ld->tail)
        ld->canon_column = ld->column;   /* a new line starts being edited */
    ld->buf[MASK(ld->tail)] = c;
    ld->flags[MASK(ld->tail)] = flags;
    ld->tail++;
    return true;
}

/* Makes everything typed so far readable; counts a delimiter if the last
 * byte carries one. */
static void commit_line(struct ldisc *ld)
{
    ld->canon_head = ld->tail;
    ld->lines++;
}

void ldisc_flush_input(struct ldisc *ld)
{
    ld->rhead = ld->canon_head = ld->tail;
    ld->lines = 0;
    ld->lnext = false;
}

/* How many columns an already echoed byte occupies (tabs excluded). */
static unsigned echo_width(const struct ldisc *ld, uint8_t c)
{
    if (c < 0x20 || c == 0x7f)
        return L(ld, ECHOCTL) ? 2 : 0;
    if (is_utf8_cont(ld, c))
        return 0;
    return 1;
}

/* Column after echoing the edited line up to (not including) index end:
 * used to know how far to back up over a tab. */
static unsigned column_at(const struct ldisc *ld, size_t end)
{
    unsigned col = ld->canon_column;
    for (size_t i = ld->canon_head; i < end; i++) {
        uint8_t c = ld->buf[MASK(i)];
        if (c == '\t')
            col = (col | 7) + 1;
        else
            col += echo_width(ld, c);
    }
    return col;
}

/* Removes the last character of the edited line (a whole UTF-8 sequence with
 * IUTF8) and, with ECHO|ECHOE, erases it on the screen. */
static void erase_one(struct ldisc *ld)
{
    size_t end = ld->tail;
    size_t start = end - 1;
    while (start > ld->canon_head && is_utf8_cont(ld, ld->buf[MASK(start)]))
        start--;
    uint8_t c = ld->buf[MASK(start)];
    ld->tail = start;
    if (!L(ld, ECHO))
        return;
    if (!L(ld, ECHOE)) {
        echo_char(ld, CC(ld, VERASE));
        return;
    }
    unsigned back;
    if (c == '\t') {
        unsigned before = column_at(ld, start);
        back = ld->column > before ? ld->column - before : 0;
        for (unsigned i = 0; i < back; i++)
            echo_str(ld, "\b");
        return;
    }
    back = (c >= 0x80 && I(ld, IUTF8)) ? 1 : echo_width(ld, c);
    for (unsigned i = 0; i < back; i++)
        echo_str(ld, "\b \b");
}

static bool is_blank(uint8_t c) { return c == ' ' || c == '\t'; }

static void erase_word(struct ldisc *ld)
{
    while (ld->tail > ld->canon_head && is_blank(ld->buf[MASK(ld->tail - 1)]))
        erase_one(ld);
    while (ld->tail > ld->canon_head && !is_blank(ld->buf[MASK(ld->tail - 1)]))
        erase_one(ld);
}

static void kill_line(struct ldisc *ld)
{
    if (ld->tail == ld->canon_head)
        return;
    if (L(ld, ECHO) && !(L(ld, ECHOK) && L(ld, ECHOKE) && L(ld, ECHOE))) {
        /* Old style: show the kill character, then a newline with ECHOK. */
        ld->tail = ld->canon_head;
        echo_char(ld, CC(ld, VKILL));
        if (L(ld, ECHOK))
            echo_str(ld, "\n");
        return;
    }
    while (ld->tail > ld->canon_head)
        erase_one(ld);
}

static void reprint(struct ldisc *ld)
{
    if (!L(ld, ECHO))
        return;
    echo_char(ld, CC(ld, VREPRINT));
    echo_str(ld, "\n");
    ld->canon_column = ld->column;
    for (size_t i = ld->canon_head; i < ld->tail; i++)
        echo_char(ld, ld->buf[MASK(i)]);
}

/* A signal character: optional flush, echo, report. */
static int isig(struct ldisc *ld, uint8_t c, int sig)
{
    if (!L(ld, NOFLSH))
        ldisc_flush_input(ld);
    ld->stopped = false;
    if (L(ld, ECHO))
        echo_char(ld, c);
    return sig;
}

/* Canonical processing of a byte that is not a signal/flow character. */
static void canon_receive(struct ldisc *ld, uint8_t c)
{
    if (is_cc(ld, c, VERASE) || c == '\b') {
        if (ld->tail > ld->canon_head)
            erase_one(ld);
        return;
    }
    if (is_cc(ld, c, VKILL)) {
        kill_line(ld);
        return;
    }
    if (L(ld, IEXTEN)) {
        if (is_cc(ld, c, VWERASE)) {
            erase_word(ld);
            return;
        }
        if (is_cc(ld, c, VREPRINT)) {
            reprint(ld);
            return;
        }
        if (is_cc(ld, c, VLNEXT)) {
            ld->lnext = true;
            if (L(ld, ECHO))
                echo_str(ld, "^\b");
            return;
        }
    }
    if (c == '\n' || is_cc(ld, c, VEOL) || is_cc(ld, c, VEOL2)) {
        if (!store(ld, c, LDF_EOL))
            return;
        if (L(ld, ECHO) || (c == '\n' && L(ld, ECHONL)))
            echo_char(ld, c);
        commit_line(ld);
        return;
    }
    if (is_cc(ld, c, VEOF)) {
        if (store(ld, c, LDF_EOF))
            commit_line(ld);
        return;
    }
    /* Keep one slot so that a newline can always end a full line. */
    if (count(ld) >= LDISC_BUF_SIZE - 1)
        return;
    store(ld, c, 0);
    if (L(ld, ECHO))
        echo_char(ld, c);
}

int ldisc_receive(struct ldisc *ld, uint8_t c)
{
    if (I(ld, ISTRIP))
        c &= 0x7f;

    if (ld->lnext) {
        /* Literal: no special meaning at all. */
        ld->lnext = false;
        if (count(ld) >= LDISC_BUF_SIZE - 1)
            return 0;
        store(ld, c, 0);
        if (L(ld, ECHO))
            echo_char(ld, c);
        if (!L(ld, ICANON))
            ld->canon_head = ld->tail;
        return 0;
    }

    if (I(ld, IXON)) {
        if (is_cc(ld, c, VSTOP)) {
            ld->stopped = true;
            return 0;
        }
        if (is_cc(ld, c, VSTART)) {
            ld->stopped = false;
            return 0;
        }
        if (ld->stopped && I(ld, IXANY))
            ld->stopped = false;
    }

    if (L(ld, ISIG)) {
        if (is_cc(ld, c, VINTR))
            return isig(ld, c, LDISC_SIGINT);
        if (is_cc(ld, c, VQUIT))
            return isig(ld, c, LDISC_SIGQUIT);
        if (is_cc(ld, c, VSUSP))
            return isig(ld, c, LDISC_SIGTSTP);
    }

    if (c == '\r') {
        if (I(ld, IGNCR))
            return 0;
        if (I(ld, ICRNL))
            c = '\n';
    } else if (c == '\n' && I(ld, INLCR)) {
        c = '\r';
    }

    if (L(ld, ICANON)) {
        canon_receive(ld, c);
        return 0;
    }

    if (!store(ld, c, 0))
        return 0;
    ld->canon_head = ld->tail;
    if (L(ld, ECHO) || (c == '\n' && L(ld, ECHONL)))
        echo_char(ld, c);
    return 0;
}

void ldisc_set_termios(struct ldisc *ld, const struct termios *t)
{
    bool was_canon = L(ld, ICANON);
    ld->termios = *t;
    bool canon = L(ld, ICANON);
    if (was_canon == canon)
        return;
    ld->lnext = false;
    for (size_t i = ld->rhead; i < ld->tail; i++)
        ld->flags[MASK(i)] = 0;
    ld->lines = 0;
    ld->canon_head = ld->tail;
    if (canon && count(ld) > 0) {
        /* Raw input typed ahead becomes one line, as if pushed with VEOL. */
        ld->flags[MASK(ld->tail - 1)] = LDF_EOL;
        ld->lines = 1;
    }
}

size_t ldisc_available(const struct ldisc *ld)
{
    return ld->canon_head - ld->rhead;
}

bool ldisc_readable(const struct ldisc *ld)
{
    if (L(ld, ICANON))
        return ld->lines > 0;
    return ld->canon_head != ld->rhead;
}

size_t ldisc_read(struct ldisc *ld, uint8_t *dst, size_t n, bool *line_done)
{
    size_t copied = 0;
    *line_done = false;
    if (!L(ld, ICANON)) {
        while (copied < n && ld->rhead != ld->canon_head)
            dst[copied++] = ld->buf[MASK(ld->rhead++)];
        return copied;
    }
    while (ld->lines > 0 && ld->rhead != ld->canon_head) {
        size_t i = MASK(ld->rhead);
        uint8_t f = ld->flags[i];
        if (f & LDF_EOF) {
            ld->rhead++;
            ld->lines--;
            *line_done = true;
            break;
        }
        if (copied == n)
            break;
        dst[copied++] = ld->buf[i];
        ld->rhead++;
        if (f & LDF_EOL) {
            ld->lines--;
            *line_done = true;
            break;
        }
    }
    return copied;
}
