/* ops_time.c - parse_timestamp, parse_date and epoch: turn the many ways
 * dates are stored in SQLite into the canonical ISO text that the final
 * date/timestamp cast accepts.  Parsing is in timeparse.c. */
#include <stdio.h>
#include <string.h>

#include "ops_internal.h"
#include "timeparse.h"

static int formats_arg(OpArgs *a, const OpCtx *c, const YNode *n)
{
    if (opc_strlist(c, n, &a->list, "a format or a list of formats") != 0)
        return -1;
    for (size_t i = 0; i < a->list.n; i++) {
        char err[256];
        if (strlen(a->list.s[i]) != a->list.len[i] || tp_check_format(a->list.s[i], err, sizeof err) != 0) {
            opc_error(c, n->kind == YN_SEQ ? n->items[i] : n, "%s",
                      strlen(a->list.s[i]) != a->list.len[i] ? "a format cannot contain NUL" : err);
            return -1;
        }
    }
    return 0;
}

static int tz_arg(OpArgs *a, const OpCtx *c, const YNode *n)
{
    a->str = opc_scalar(c, n, "a time zone name", &a->str_len);
    if (!a->str)
        return -1;
    int ok = a->str_len > 0 && a->str_len < 64;
    for (size_t i = 0; i < a->str_len && ok; i++) {
        char ch = a->str[i];
        ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             strchr("_/+-:", ch) != NULL;
    }
    if (!ok)
        opc_error(c, n, "tz must be a time zone name such as UTC or Europe/Paris");
    return ok ? 0 : -1;
}

static int time_compile(OpArgs *a, const OpCtx *c, int with_tz)
{
    static const char *const keys_ts[] = {"formats", "tz", NULL};
    static const char *const keys_d[] = {"formats", NULL};
    const YNode *m = c->args;
    if (!m)
        return 0;
    if (m->kind == YN_SCALAR)
        return formats_arg(a, c, m);
    if (m->kind != YN_MAP) {
        opc_error(c, m, with_tz ? "expected a format or a map with formats and/or tz"
                                : "expected a format or a map with formats");
        return -1;
    }
    if (opc_check_keys(c, m, with_tz ? keys_ts : keys_d) != 0)
        return -1;
    const YNode *f = ymap_get(m, "formats"), *tz = with_tz ? ymap_get(m, "tz") : NULL;
    if (f && formats_arg(a, c, f) != 0)
        return -1;
    return tz ? tz_arg(a, c, tz) : 0;
}

int opc_PARSE_TIMESTAMP(OpArgs *a, const OpCtx *c) { return time_compile(a, c, 1); }
int opc_PARSE_DATE(OpArgs *a, const OpCtx *c) { return time_compile(a, c, 0); }

/* ISO 8601 first, then the formats in order.  Returns TP_OK, or the best
 * failure: TP_INVALID when some form fitted the shape (so the message can
 * say the date is impossible rather than unreadable). */
static int parse_any(const OpArgs *a, const char *s, size_t len, TimeParts *tp)
{
    int rc = tp_parse_iso(s, len, tp, 0);
    int best = rc;
    for (size_t i = 0; rc != TP_OK && i < a->list.n; i++) {
        rc = tp_parse_format(s, len, a->list.s[i], tp);
        if (rc == TP_INVALID)
            best = rc;
    }
    return rc == TP_OK ? TP_OK : best;
}

static const char *trimmed_text(Value *v, Arena *scratch, size_t *len)
{
    const char *s = op_text(v, scratch, len);
    if (!s)
        return NULL;
    while (*len && (*s == ' ' || (*s >= '\t' && *s <= '\r'))) {
        s++;
        (*len)--;
    }
    while (*len && (s[*len - 1] == ' ' || (s[*len - 1] >= '\t' && s[*len - 1] <= '\r')))
        (*len)--;
    return s;
}

static int time_fail(const OpArgs *a, int rc, const char *s, size_t len, const char *what,
                     char *msg, size_t msglen)
{
    char q[QBUF];
    quote_value(s, len, q, sizeof q);
    if (rc == TP_INVALID)
        return op_failf(msg, msglen, "%s is not a valid %s", q, what);
    if (a->list.n)
        return op_failf(msg, msglen, "%s matches neither ISO 8601 nor any of the formats", q);
    return op_failf(msg, msglen, "%s is not an ISO 8601 %s", q, what);
}

int opr_PARSE_TIMESTAMP(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    size_t len;
    const char *s = trimmed_text(v, scratch, &len);
    if (!s)
        return 0;
    TimeParts tp;
    int rc = parse_any(a, s, len, &tp);
    if (rc != TP_OK)
        return time_fail(a, rc, s, len, "timestamp", msg, msglen);
    char out[160];
    tp_format_datetime(&tp, out, sizeof out);
    size_t n = strlen(out);
    if (tp.has_offset) {
        char off[16];
        tp_format_offset(tp.offset_sec, 1, off, sizeof off);
        snprintf(out + n, sizeof out - n, "%s", off);
    } else if (tp.zone[0]) {
        snprintf(out + n, sizeof out - n, " %s", tp.zone);
    } else if (a->str) {
        snprintf(out + n, sizeof out - n, " %s", a->str);
    }
    n = strlen(out);
    *v = value_text(arena_strndup(scratch, out, n), n);
    return 0;
}

int opr_PARSE_DATE(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    size_t len;
    const char *s = trimmed_text(v, scratch, &len);
    if (!s)
        return 0;
    TimeParts tp;
    int rc = parse_any(a, s, len, &tp);
    if (rc != TP_OK)
        return time_fail(a, rc, s, len, "date", msg, msglen);
    char *out = arena_printf(scratch, "%04d-%02d-%02d", tp.year, tp.month, tp.day);
    *v = value_text(out, strlen(out));
    return 0;
}

/* ---- epoch ---- */

int opc_EPOCH(OpArgs *a, const OpCtx *c)
{
    a->unit = 1;
    if (!c->args)
        return 0;
    const YNode *n = c->args;
    if (n->kind == YN_SCALAR && strcmp(n->str, "s") == 0)
        a->unit = 1;
    else if (n->kind == YN_SCALAR && strcmp(n->str, "ms") == 0)
        a->unit = 1000;
    else if (n->kind == YN_SCALAR && strcmp(n->str, "us") == 0)
        a->unit = 1000000;
    else {
        opc_error(c, n, "expected s, ms or us");
        return -1;
    }
    return 0;
}

/* Microseconds since 1970 from a canonical decimal in a->unit, exactly:
 * round to the digits a microsecond needs, then drop the point. */
static int epoch_usec(const OpArgs *a, const char *canon, int64_t *us)
{
    int digits = a->unit == 1 ? 6 : a->unit == 1000 ? 3 : 0;
    Buf r, d;
    buf_init(&r);
    buf_init(&d);
    dec_round(canon, digits, &r);
    for (size_t i = 0; i < r.len; i++)
        if (r.data[i] != '.')
            buf_putc(&d, r.data[i]);
    int rc = dec_to_int64(d.data, us);
    buf_free(&r);
    buf_free(&d);
    return rc;
}

int opr_EPOCH(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    if (v->kind == VAL_NULL)
        return 0;
    Buf b;
    buf_init(&b);
    int64_t us = 0;
    int rc = dec_of_value(v, &b, msg, msglen);
    if (rc == 0 && epoch_usec(a, b.data, &us) != DEC_OK)
        rc = -1;
    const int64_t day = 86400000000LL;
    const int64_t lo = tp_days_from_civil(1, 1, 1) * day, hi = tp_days_from_civil(10000, 1, 1) * day;
    if (rc == 0 && (us < lo || us >= hi))
        rc = -1;
    if (rc != 0 && msg && !msg[0])
        op_failf(msg, msglen, "%s is out of range for a timestamp (years 1 to 9999)", b.data);
    buf_free(&b);
    if (rc != 0)
        return -1;
    int64_t days = us / day, rem = us % day;
    if (rem < 0) {
        rem += day;
        days--;
    }
    TimeParts tp;
    memset(&tp, 0, sizeof tp);
    int64_t y;
    tp_civil_from_days(days, &y, &tp.month, &tp.day);
    tp.year = (int)y;
    tp.hour = (int)(rem / 3600000000LL);
    tp.minute = (int)(rem / 60000000LL % 60);
    tp.second = (int)(rem / 1000000 % 60);
    tp.usec = (int)(rem % 1000000);
    char out[80];
    tp_format_datetime(&tp, out, sizeof out);
    char *t = arena_printf(scratch, "%s+00:00", out);
    *v = value_text(t, strlen(t));
    return 0;
}
