/* sqlexec.c - run an SQL file against a fresh SQLite database.
 *
 * Usage: sqlexec DB FILE.sql
 *
 * Removes DB if it exists, creates it, and runs every statement of FILE.sql
 * with sqlite3_exec().  On any error prints it to stderr and exits 1 (and
 * removes the half-built DB).  The build uses it to make data/movies.db from
 * data/movies_sample.sql, so users need no sqlite3 command-line shell. */
#include <stdio.h>
#include <stdlib.h>
#include <sqlite3.h>

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap + 1);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    if (buf && ferror(f)) { free(buf); buf = NULL; }
    fclose(f);
    if (buf) buf[len] = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: sqlexec DB FILE.sql\n");
        return 1;
    }
    char *sql = read_file(argv[2]);
    if (!sql) { perror(argv[2]); return 1; }
    remove(argv[1]);
    sqlite3 *db = NULL;
    char *err = NULL;
    int rc = sqlite3_open(argv[1], &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fprintf(stderr, "sqlexec: %s: %s\n", argv[2], err ? err : sqlite3_errmsg(db));
    sqlite3_free(err);
    sqlite3_close(db);
    free(sql);
    if (rc != SQLITE_OK) { remove(argv[1]); return 1; }
    return 0;
}
