/* tap.h - a minimal TAP producer for the C unit tests (run by automake's
 * tap-driver.sh).  Header-only so every test is one file.
 *
 *   plan_lazy();                 ... or plan(N)
 *   ok(cond, "name %d", i);
 *   is_str(got, want, "name");   is_int(got, want, "name");
 *   return done_testing();
 */
#ifndef PGMAP_TAP_H
#define PGMAP_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n = 0;
static int tap_failed = 0;
static int tap_planned = -1;

static inline void plan(int n)
{
    tap_planned = n;
    printf("1..%d\n", n);
}

static inline void plan_lazy(void) { tap_planned = -1; }

static inline int tap_vok(int cond, const char *fmt, va_list ap)
{
    tap_n++;
    printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
    vprintf(fmt, ap);
    printf("\n");
    if (!cond)
        tap_failed++;
    fflush(stdout);
    return cond;
}

static inline int ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int ok(int cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = tap_vok(cond, fmt, ap);
    va_end(ap);
    return r;
}

static inline void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void diag(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("# ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

#define is_str(got, want, ...) tap_is_str((got), (want), __VA_ARGS__)
static inline int tap_is_str(const char *got, const char *want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline int tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
    int cond = (got == NULL && want == NULL) ||
               (got != NULL && want != NULL && strcmp(got, want) == 0);
    va_list ap;
    va_start(ap, fmt);
    tap_vok(cond, fmt, ap);
    va_end(ap);
    if (!cond) {
        printf("#   got:  %s%s%s\n", got ? "\"" : "", got ? got : "NULL", got ? "\"" : "");
        printf("#   want: %s%s%s\n", want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
    }
    return cond;
}

#define is_int(got, want, ...) tap_is_int((long long)(got), (long long)(want), __VA_ARGS__)
static inline int tap_is_int(long long got, long long want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static inline int tap_is_int(long long got, long long want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int cond = tap_vok(got == want, fmt, ap);
    va_end(ap);
    if (!cond)
        printf("#   got:  %lld\n#   want: %lld\n", got, want);
    return cond;
}

static inline int done_testing(void)
{
    if (tap_planned < 0)
        printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
