/* benchgen.c - write a deterministic benchmark SQLite database for pgmap.
 *
 * Usage: pgmap-benchgen SCALE OUT.db        (SCALE > 0, e.g. 0.01, 1, 4)
 *
 * Builds a shop-like database - customers, products, purchases (the link
 * table), events and reviews; about 3 M rows and 600 MB at SCALE 1 - whose
 * contents depend only on SCALE, so benchmark figures taken on different
 * days or machines are about the same data.  The values exercise what a
 * loader must get right: UUID text keys, ISO 8601 timestamps with assorted
 * UTC offsets, REALs with long binary fractions, non-ASCII and control
 * characters in text, BLOBs, JSON text and NULLs at known ratios.
 *
 * The database is written to OUT.db.tmp and renamed at the end, so OUT.db
 * is either complete or absent.  Exit status: 0 done, 1 failure, 2 usage
 * error or OUT.db already exists.  Uses only SQLite and the C library. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>

#include "benchgen.h"

/* Every random choice descends from this constant: no rand(), no clock. */
#define SEED UINT64_C(0x70676d6170626e63)

/* Row counts at SCALE 1. */
#define N_CUSTOMERS 400000
#define N_PRODUCTS 200000
#define N_PURCHASES 1200000
#define N_EVENTS 1000000
#define N_REVIEWS 200000

/* Longest free text per column; lengths are drawn below these. */
#define BIO_MAX 600
#define DESC_MAX 1500
#define BODY_MAX 800

/* Unix times bounding the generated instants. */
#define T2015 INT64_C(1420070400) /* 2015-01-01 */
#define T2020 INT64_C(1577836800) /* 2020-01-01 */
#define T2025 INT64_C(1735689600) /* 2025-01-01 */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Names for the independent random streams and hashes, one per use, so
 * that a change to one table's generator leaves the others' rows alone. */
enum tag { T_CUST = 1, T_PROD, T_PURCH, T_EVENT, T_REVIEW, T_PRICE };

/* ---- Randomness: splitmix64, both as a stream and as a pure hash. ---- */
typedef struct { uint64_t s; } rng_t;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t next64(rng_t *r)
{
    r->s += UINT64_C(0x9e3779b97f4a7c15);
    return mix64(r->s);
}

/* Uniform in [0, n); the modulo bias is far below anything measurable. */
static uint64_t below(rng_t *r, uint64_t n) { return n ? next64(r) % n : 0; }

static int chance(rng_t *r, unsigned permille) { return below(r, 1000) < permille; }

/* Uniform in [0, 1) with all 53 mantissa bits random. */
static double unit(rng_t *r) { return (double)(next64(r) >> 11) * 0x1.0p-53; }

static rng_t stream(enum tag t) { return (rng_t){ SEED ^ mix64((uint64_t)t) }; }

/* A pure function of (t, k): lets a child row recompute a parent's key or
 * price instead of keeping every parent in memory. */
static uint64_t hash2(enum tag t, int64_t k)
{
    return mix64(SEED ^ mix64(((uint64_t)t << 56) ^ (uint64_t)k));
}

/* Index in [0, n) with a heavy head: index i is drawn about 1/sqrt(i)
 * times as often, like best-selling products. */
static int64_t skewed(rng_t *r, int64_t n)
{
    double u = unit(r);
    return (int64_t)(u * u * (double)n);
}

/* ---- Errors: any SQLite failure ends the run and removes the partial file. ---- */
static sqlite3 *g_db;
static char *g_tmp;

static void die(const char *what)
{
    fprintf(stderr, "pgmap-benchgen: %s: %s\n", what,
            g_db ? sqlite3_errmsg(g_db) : "out of memory");
    sqlite3_close_v2(g_db);
    if (g_tmp) remove(g_tmp);
    exit(1);
}

static void exec(const char *sql) { if (sqlite3_exec(g_db, sql, NULL, NULL, NULL)) die(sql); }

static sqlite3_stmt *prep(const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(g_db, sql, -1, &st, NULL) != SQLITE_OK) die(sql);
    return st;
}

static void bound(int rc) { if (rc != SQLITE_OK) die("bind"); }

/* Binding with SQLITE_STATIC is safe: each row rebinds every parameter
 * after the previous step, and each column has its own buffer. */
static void b_text(sqlite3_stmt *st, int i, const char *s, int n) { bound(sqlite3_bind_text(st, i, s, n, SQLITE_STATIC)); }
static void b_blob(sqlite3_stmt *st, int i, const void *p, int n) { bound(sqlite3_bind_blob(st, i, p, n, SQLITE_STATIC)); }
static void b_int(sqlite3_stmt *st, int i, int64_t v) { bound(sqlite3_bind_int64(st, i, v)); }
static void b_real(sqlite3_stmt *st, int i, double v) { bound(sqlite3_bind_double(st, i, v)); }
static void b_null(sqlite3_stmt *st, int i) { bound(sqlite3_bind_null(st, i)); }

static void step(sqlite3_stmt *st, const char *what)
{
    if (sqlite3_step(st) != SQLITE_DONE) die(what);
    sqlite3_reset(st);
}

/* ---- Values ---- */

/* Lowercase canonical UUID v4 text of row k of table t (36 chars). */
static void uuid_of(enum tag t, int64_t k, char out[37])
{
    static const char hex[] = "0123456789abcdef";
    uint64_t h[2] = { hash2(t, k), 0 };
    h[1] = mix64(h[0] ^ UINT64_C(0x6a09e667f3bcc909));
    unsigned char b[16];
    for (int i = 0; i < 16; i++) b[i] = (unsigned char)(h[i / 8] >> (8 * (i % 8)));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    int o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

/* UTC offsets in minutes; 0 and +1 h repeat because they are common. */
static const int OFFSETS[] = { -480, -420, -360, -300, -240, -180, 0, 0,
                               60, 60, 120, 180, 330, 480, 540 };

/* Instant t as ISO 8601 local time plus offset, with no, milli- or
 * microsecond fractions; buf holds at least 40 bytes.  Distinct t give
 * distinct text: equal text means equal offset and equal local time. */
static int fmt_ts(rng_t *r, char *buf, int64_t t)
{
    const int off = OFFSETS[below(r, COUNT(OFFSETS))];
    const int64_t local = t + (int64_t)off * 60;
    const int64_t sod = local % 86400;
    int n = fmt_date(buf, local / 86400);
    n += snprintf(buf + n, 40 - (size_t)n, "T%02d:%02d:%02d", (int)(sod / 3600),
                  (int)(sod / 60 % 60), (int)(sod % 60));
    const uint64_t f = below(r, 10);
    if (f < 4)
        n += snprintf(buf + n, 40 - (size_t)n, ".%03u", (unsigned)below(r, 1000));
    else if (f == 4)
        n += snprintf(buf + n, 40 - (size_t)n, ".%06u", (unsigned)below(r, 1000000));
    const int a = off < 0 ? -off : off;
    n += snprintf(buf + n, 40 - (size_t)n, "%c%02d:%02d", off < 0 ? '-' : '+',
                  a / 60, a % 60);
    return n;
}

/* A 0..5 rating: half are an average of n whole stars (26/7 =
 * 3.7142857...), half arbitrary doubles, so REAL round trips are tested. */
static double rating(rng_t *r)
{
    if (chance(r, 500)) return 5.0 * unit(r);
    const uint64_t n = 1 + below(r, 40);
    return (double)(n + below(r, 4 * n + 1)) / (double)n;
}

/* Price in cents of product k, a pure function so purchases can quote it:
 * half end in .99 or .49, the rest in any cents; an eighth cost over $300. */
static int64_t price_cents(int64_t k)
{
    const uint64_t h = hash2(T_PRICE, k);
    int64_t dollars = (int64_t)((h >> 8) % 300);
    if ((h & 15) < 2) dollars = dollars * 10 + 300;
    const uint64_t end = (h >> 40) % 4;
    const int64_t c = dollars * 100 + (end == 0 ? 99 : end == 1 ? 49 : (int64_t)((h >> 48) % 100));
    return c ? c : 99; /* nothing is free */
}

/* ---- Free text ---- */
static const char *const WORDS[] = {
    "the", "and", "of", "to", "a", "in", "is", "it", "you", "that", "was", "for", "on", "are",
    "with", "as", "this", "be", "at", "have", "from", "or", "one", "had", "by", "but", "not",
    "what", "all", "were", "we", "when", "your", "can", "said", "there", "use", "each", "which",
    "she", "how", "their", "if", "will", "up", "other", "about", "out", "many", "then", "them",
    "some", "would", "make", "like", "into", "time", "look", "more", "write", "see", "number",
    "way", "could", "people", "than", "first", "water", "been", "call", "find", "long", "down",
    "day", "get", "made", "great", "quality", "shipping", "fast", "product", "price", "order",
    "love", "works", "box", "color", "size", "recommend", "again", "broke", "after", "week",
    "service", "happy", "perfect", "cheap", "sturdy", "battery", "screen", "delivery", "gift",
    "kitchen", "garden",
};

/* Rare words carry what breaks naive loaders: multi-byte UTF-8 (2, 3 and
 * 4 bytes), quotes, backslashes, tab, CR/LF, markup. */
static const char *const RARE[] = {
    "café", "über", "naïve", "日本", "東京", "Straße", "señor", "façade", "Ελλάδα", "Москва", "😀",
    "déjà vu", "crème brûlée", "it's", "\"quoted\"", "C:\\temp", "a\\b", "50%", "<b>bold</b>",
    "tab\there", "line\nbreak", "crlf\r\nline", "O'Brien", "Zürich", "€19,99",
};

/* Appends words until about `target` bytes, never past `max` and never
 * splitting a word, so the text stays valid UTF-8; returns its length. */
static int fill_text(rng_t *r, char *buf, int max, int target)
{
    int n = 0;
    while (n < target) {
        const char *w = chance(r, 8) ? RARE[below(r, COUNT(RARE))]
                                     : WORDS[below(r, COUNT(WORDS))];
        const char *sep = n == 0 ? "" : chance(r, 80) ? ". "
                        : chance(r, 10) ? "\n\n" : " ";
        const size_t wl = strlen(w), sl = strlen(sep);
        if ((size_t)n + sl + wl > (size_t)max) break;
        memcpy(buf + n, sep, sl);
        memcpy(buf + n + sl, w, wl);
        n += (int)(sl + wl);
    }
    buf[n] = '\0';
    return n;
}

/* Text length: mostly short (median max/16, mean max/5) with a long tail
 * up to max, like real comments; the skew also keeps SCALE 1 near 600 MB,
 * most of which is keys, timestamps and indexes, not free text. */
static int text_len(rng_t *r, int max)
{
    const double u = unit(r);
    return (int)(u * u * u * u * (double)(max + 1));
}

/* ---- Tables, parents first ---- */
static const char *const FIRST[] = {
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
    "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Wei", "Aisha", "Mateo", "Yuki", "Priya", "Olga", "Lars", "Fatima", "Chen", "Sofia",
    "Kwame", "Ines",
};
static const char *const LAST[] = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "O'Brien", "O'Neill", "D'Angelo", "Müller", "Núñez", "Kowalski", "Nguyen",
    "Kim", "Tanaka", "Ivanova", "Dubois", "Rossi", "Schmidt", "van der Berg", "McDonald",
    "Lefèvre", "Öztürk", "Søndergaard", "Mensah", "Okafor",
};
static const char *const DOMAINS[] = {
    "example.com", "example.org", "mail.example.net", "shop.test",
};

/* Unique because k is in it; FIRST is ASCII, so lowercasing is bytewise. */
static int email_of(char *buf, size_t cap, const char *first, int64_t k)
{
    size_t n = 0;
    for (; first[n] && n + 1 < cap; n++)
        buf[n] = (char)(first[n] >= 'A' && first[n] <= 'Z' ? first[n] + 32 : first[n]);
    return (int)n + snprintf(buf + n, cap - n, ".%lld@%s", (long long)k,
                             DOMAINS[(uint64_t)k % COUNT(DOMAINS)]);
}

static void gen_customers(int64_t n)
{
    static char id[37], name[96], email[96], ts[40], bd[16], bio[BIO_MAX + 1];
    sqlite3_stmt *st = prep("INSERT INTO customers VALUES (?1,?2,?3,?4,?5,?6,?7)");
    rng_t r = stream(T_CUST);
    for (int64_t k = 0; k < n; k++) {
        uuid_of(T_CUST, k, id);
        b_text(st, 1, id, 36);
        const char *first = FIRST[below(&r, COUNT(FIRST))];
        const char *last = LAST[below(&r, COUNT(LAST))];
        b_text(st, 2, name, snprintf(name, sizeof name, "%s %s", first, last));
        b_text(st, 3, email, email_of(email, sizeof email, first, k));
        b_text(st, 4, ts, fmt_ts(&r, ts, T2015 + (int64_t)below(&r, T2025 - T2015)));
        if (chance(&r, 50)) b_null(st, 5);
        else b_text(st, 5, bd, fmt_date(bd, -10957 + (int64_t)below(&r, 24471)));
        if (chance(&r, 200)) b_null(st, 6);
        else b_real(st, 6, rating(&r));
        if (chance(&r, 100)) b_null(st, 7);
        else b_text(st, 7, bio, fill_text(&r, bio, BIO_MAX, text_len(&r, BIO_MAX)));
        step(st, "insert into customers");
    }
    sqlite3_finalize(st);
}

static const char *const ADJ[] = {
    "Deluxe", "Compact", "Ergonomic", "Vintage", "Smart", "Portable", "Rustic", "Premium",
    "Eco", "Ultra", "Classic", "Nordic", "Crème",
};
static const char *const MATERIAL[] = {
    "Steel", "Oak", "Bamboo", "Ceramic", "Cotton", "Leather", "Glass", "Aluminium", "Wool",
    "Porcelain", "Walnut", "Linen",
};
static const char *const NOUN[] = {
    "Kettle", "Chair", "Lamp", "Backpack", "Mug", "Desk", "Blender", "Jacket", "Speaker",
    "Notebook", "Headphones", "Knife", "Café Table", "Bücherregal", "Teapot 急須",
};

/* Titles repeat across products, as real catalogues do; the model number
 * makes most of them, not all, distinct. */
static int fill_title(rng_t *r, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "%s %s %s", ADJ[below(r, COUNT(ADJ))],
                     MATERIAL[below(r, COUNT(MATERIAL))], NOUN[below(r, COUNT(NOUN))]);
    if (chance(r, 700))
        n += snprintf(buf + n, cap - (size_t)n, " %c%u", (char)('A' + below(r, 26)),
                      (unsigned)below(r, 1000));
    return n;
}

static void gen_products(int64_t n)
{
    static char id[37], title[128], desc[DESC_MAX + 1], rel[16], ts[40];
    sqlite3_stmt *st = prep("INSERT INTO products VALUES (?1,?2,?3,?4,?5,?6,?7)");
    rng_t r = stream(T_PROD);
    for (int64_t k = 0; k < n; k++) {
        uuid_of(T_PROD, k, id);
        b_text(st, 1, id, 36);
        b_text(st, 2, title, fill_title(&r, title, sizeof title));
        if (chance(&r, 50)) b_null(st, 3);
        else b_text(st, 3, desc, fill_text(&r, desc, DESC_MAX, text_len(&r, DESC_MAX)));
        b_real(st, 4, (double)price_cents(k) / 100.0);
        if (chance(&r, 250)) b_null(st, 5);
        else b_real(st, 5, rating(&r));
        if (chance(&r, 30)) b_null(st, 6);
        else b_text(st, 6, rel, fmt_date(rel, 9131 + (int64_t)below(&r, 10958)));
        b_text(st, 7, ts, fmt_ts(&r, ts, T2015 + (int64_t)below(&r, T2025 - T2015)));
        step(st, "insert into products");
    }
    sqlite3_finalize(st);
}

/* The triple (customer, product, purchased_at) is unique by construction:
 * row i's instant lies in [T2020 + i*gap, T2020 + (i+1)*gap) with gap >= 1,
 * so instants - and therefore their texts - never repeat. */
static void gen_purchases(int64_t n, int64_t ncust, int64_t nprod)
{
    static char cid[37], pid[37], ts[40];
    sqlite3_stmt *st = prep("INSERT INTO purchases VALUES (?1,?2,?3,?4,?5,?6)");
    rng_t r = stream(T_PURCH);
    const int64_t gap = (T2025 - T2020) / n > 0 ? (T2025 - T2020) / n : 1;
    for (int64_t i = 0; i < n; i++) {
        const int64_t p = skewed(&r, nprod);
        b_int(st, 1, i + 1);
        uuid_of(T_CUST, (int64_t)below(&r, (uint64_t)ncust), cid);
        b_text(st, 2, cid, 36);
        uuid_of(T_PROD, p, pid);
        b_text(st, 3, pid, 36);
        b_text(st, 4, ts, fmt_ts(&r, ts, T2020 + i * gap + (int64_t)below(&r, (uint64_t)gap)));
        b_int(st, 5, chance(&r, 600) ? 1 : 2 + (int64_t)below(&r, 9));
        /* The list price, sometimes 10 % off, rarely unknown. */
        const int64_t c = price_cents(p);
        if (chance(&r, 20)) b_null(st, 6);
        else b_real(st, 6, (double)(chance(&r, 150) ? c * 9 / 10 : c) / 100.0);
        step(st, "insert into purchases");
    }
    sqlite3_finalize(st);
}

static const char *const KINDS[] = {
    "view", "click", "search", "add_to_cart", "checkout", "login", "logout", "signup",
};
static const char *const SECTIONS[] = { "p", "c", "search", "cart", "account", "blog" };
static const char *const REFS[] = {
    "https://www.google.com/", "https://news.example/item?id=42&x=1", "https://t.co/abc",
    "android-app://com.example.shop",
};
static const char *const TAGS[] = { "a", "b", "sale", "new", "été", "vip", "beta" };
/* Already JSON-escaped: \" and \\ inside, UTF-8 raw. */
static const char *const QUERIES[] = {
    "red shoes", "café au lait", "size 42", "\\\"quoted\\\" term", "日本語", "50% off",
    "back\\\\slash",
};

/* A small JSON object with optional keys; cap must be >= 512. */
static int fill_attrs(rng_t *r, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "{\"page\":\"/%s/%u\"", SECTIONS[below(r, COUNT(SECTIONS))],
                     (unsigned)below(r, 100000));
    if (chance(r, 500)) n += snprintf(buf + n, cap - (size_t)n, ",\"ref\":null");
    else if (chance(r, 600))
        n += snprintf(buf + n, cap - (size_t)n, ",\"ref\":\"%s\"", REFS[below(r, COUNT(REFS))]);
    if (chance(r, 700)) {
        const uint64_t k = below(r, 4);
        n += snprintf(buf + n, cap - (size_t)n, ",\"tags\":[");
        for (uint64_t j = 0; j < k; j++)
            n += snprintf(buf + n, cap - (size_t)n, "%s\"%s\"", j ? "," : "",
                          TAGS[below(r, COUNT(TAGS))]);
        n += snprintf(buf + n, cap - (size_t)n, "]");
    }
    n += snprintf(buf + n, cap - (size_t)n, ",\"ms\":%u", (unsigned)below(r, 5000));
    if (chance(r, 200))
        n += snprintf(buf + n, cap - (size_t)n, ",\"q\":\"%s\"", QUERIES[below(r, COUNT(QUERIES))]);
    if (chance(r, 100))
        n += snprintf(buf + n, cap - (size_t)n, ",\"ok\":%s", chance(r, 500) ? "true" : "false");
    if (chance(r, 100)) n += snprintf(buf + n, cap - (size_t)n, ",\"ratio\":%.4f", unit(r));
    if (chance(r, 50))
        n += snprintf(buf + n, cap - (size_t)n, ",\"ab\":{\"variant\":\"%c\",\"n\":%u}",
                      (char)('A' + below(r, 3)), (unsigned)below(r, 10));
    n += snprintf(buf + n, cap - (size_t)n, "}");
    return n;
}

/* Events arrive in time order with small random steps, ties allowed;
 * the mean step spreads them over 2020-2024 at any SCALE. */
static void gen_events(int64_t n, int64_t ncust)
{
    static char cid[37], attrs[512];
    static unsigned char payload[64];
    sqlite3_stmt *st = prep("INSERT INTO events (customer_id, happened_at, kind,"
                            " is_mobile, amount, payload, attrs) VALUES (?1,?2,?3,?4,?5,?6,?7)");
    rng_t r = stream(T_EVENT);
    const uint64_t mean = (uint64_t)((T2025 - T2020) / n);
    int64_t t = T2020;
    for (int64_t i = 0; i < n; i++) {
        t += (int64_t)below(&r, 2 * mean + 1);
        if (chance(&r, 100)) b_null(st, 1);
        else {
            uuid_of(T_CUST, (int64_t)below(&r, (uint64_t)ncust), cid);
            b_text(st, 1, cid, 36);
        }
        b_int(st, 2, t);
        const char *kind = KINDS[below(&r, COUNT(KINDS))];
        b_text(st, 3, kind, (int)strlen(kind));
        b_int(st, 4, chance(&r, 400));
        if (chance(&r, 300)) b_null(st, 5);
        else b_real(st, 5, (double)below(&r, 50000) / 100.0);
        /* Bytes 1..255: random, yet no value holds a NUL byte. */
        const int len = 16 + (int)below(&r, 49);
        for (int j = 0; j < len; j++) payload[j] = (unsigned char)(1 + below(&r, 255));
        if (chance(&r, 200)) b_null(st, 6);
        else b_blob(st, 6, payload, len);
        if (chance(&r, 50)) b_null(st, 7);
        else b_text(st, 7, attrs, fill_attrs(&r, attrs, sizeof attrs));
        step(st, "insert into events");
    }
    sqlite3_finalize(st);
}

/* Stars lean positive, as on real shops: 5 %, 8 %, 15 %, 32 %, 40 %. */
static int stars(rng_t *r)
{
    const uint64_t u = below(r, 100);
    return u < 5 ? 1 : u < 13 ? 2 : u < 28 ? 3 : u < 60 ? 4 : 5;
}

static void gen_reviews(int64_t n, int64_t ncust, int64_t nprod)
{
    static char id[37], pid[37], cid[37], body[BODY_MAX + 1], day[16];
    sqlite3_stmt *st = prep("INSERT INTO reviews VALUES (?1,?2,?3,?4,?5,?6)");
    rng_t r = stream(T_REVIEW);
    for (int64_t k = 0; k < n; k++) {
        uuid_of(T_REVIEW, k, id);
        b_text(st, 1, id, 36);
        uuid_of(T_PROD, skewed(&r, nprod), pid);
        b_text(st, 2, pid, 36);
        /* A NULL customer: the account was deleted, the review kept. */
        if (chance(&r, 50)) b_null(st, 3);
        else {
            uuid_of(T_CUST, (int64_t)below(&r, (uint64_t)ncust), cid);
            b_text(st, 3, cid, 36);
        }
        b_int(st, 4, stars(&r));
        if (chance(&r, 80)) b_null(st, 5);
        else b_text(st, 5, body, fill_text(&r, body, BODY_MAX, text_len(&r, BODY_MAX)));
        b_text(st, 6, day, fmt_date(day, 17532 + (int64_t)below(&r, 2557)));
        step(st, "insert into reviews");
    }
    sqlite3_finalize(st);
}

/* Declared types are the hints a real application writes; secondary
 * indexes are built after the load, which is faster and just as real. */
static const char SCHEMA[] =
    "CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " email TEXT, signed_up DATETIME, birth_date DATE, rating REAL, bio TEXT);"
    "CREATE TABLE products (id TEXT PRIMARY KEY, title TEXT NOT NULL,"
    " description TEXT, price NUMERIC(10,2), rating REAL, released DATE,"
    " created_at DATETIME);"
    "CREATE TABLE purchases (id INTEGER PRIMARY KEY,"
    " customer_id TEXT NOT NULL REFERENCES customers(id),"
    " product_id TEXT NOT NULL REFERENCES products(id),"
    " purchased_at DATETIME NOT NULL, quantity INTEGER NOT NULL,"
    " unit_price NUMERIC(10,2));"
    "CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " customer_id TEXT REFERENCES customers(id), happened_at INTEGER NOT NULL,"
    " kind TEXT NOT NULL, is_mobile BOOLEAN NOT NULL, amount NUMERIC(10,2),"
    " payload BLOB, attrs JSON);"
    "CREATE TABLE reviews (id TEXT PRIMARY KEY,"
    " product_id TEXT NOT NULL REFERENCES products(id),"
    " customer_id TEXT REFERENCES customers(id), stars INTEGER NOT NULL,"
    " body TEXT, written_on DATE);";

static const char INDEXES[] =
    "CREATE INDEX products_title ON products(title);"
    "CREATE UNIQUE INDEX purchases_once ON purchases(customer_id, product_id, purchased_at);"
    "CREATE INDEX events_happened ON events(happened_at);"
    "CREATE INDEX events_customer ON events(customer_id);";

/* ---- main ---- */
static double now(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* base * scale rounded, at least 1 row. */
static int64_t rows(double base, double scale)
{
    const int64_t n = (int64_t)(base * scale + 0.5);
    return n < 1 ? 1 : n;
}

static void build(const int64_t n[5])
{
    if (sqlite3_open_v2(g_tmp, &g_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
        != SQLITE_OK)
        die(g_tmp);
    /* Nothing to recover after a crash (the .tmp file is thrown away), so
     * no journal and no fsync; 64 MB of cache holds the UUID key indexes,
     * whose inserts land at random places. */
    exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
         " PRAGMA cache_size=-65536;");
    exec("BEGIN");
    exec(SCHEMA);
    gen_customers(n[0]);
    gen_products(n[1]);
    gen_purchases(n[2], n[0], n[1]);
    gen_events(n[3], n[0]);
    gen_reviews(n[4], n[0], n[1]);
    exec(INDEXES);
    exec("COMMIT");
    if (sqlite3_close(g_db) != SQLITE_OK) die("close");
    g_db = NULL;
}

int main(int argc, char **argv)
{
    char *end = NULL;
    const double scale = argc == 3 ? strtod(argv[1], &end) : 0;
    if (argc != 3 || end == argv[1] || *end || !(scale > 0 && scale <= 1000)) {
        fprintf(stderr, "usage: pgmap-benchgen SCALE OUT.db   (0 < SCALE <= 1000)\n");
        return 2;
    }
    const char *out = argv[2];
    if (exists(out)) {
        fprintf(stderr, "pgmap-benchgen: %s exists; not overwriting it\n", out);
        return 2;
    }
    const size_t cap = strlen(out) + 5;
    g_tmp = malloc(cap);
    if (!g_tmp) {
        fprintf(stderr, "pgmap-benchgen: out of memory\n");
        return 1;
    }
    snprintf(g_tmp, cap, "%s.tmp", out);
    remove(g_tmp); /* left by an interrupted run */

    const double t0 = now();
    const int64_t n[5] = { rows(N_CUSTOMERS, scale), rows(N_PRODUCTS, scale),
                           rows(N_PURCHASES, scale), rows(N_EVENTS, scale),
                           rows(N_REVIEWS, scale) };
    build(n);
    if (exists(out) || rename(g_tmp, out) != 0) {
        fprintf(stderr, "pgmap-benchgen: cannot rename %s to %s\n", g_tmp, out);
        remove(g_tmp);
        return 1;
    }
    printf("customers %lld, products %lld, purchases %lld, events %lld,"
           " reviews %lld rows in %.1f s\n", (long long)n[0], (long long)n[1],
           (long long)n[2], (long long)n[3], (long long)n[4], now() - t0);
    free(g_tmp);
    return 0;
}
