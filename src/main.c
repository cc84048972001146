/* main.c - pgmap's entry point: dispatches to a command from the table in
 * cli.h and answers --help and --version. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

#define COMMON_OPTS "[--source SRC] [--target CONNINFO]"

const Command pgmap_commands[] = {
    {"run", "Runs a mapping: reads the source, converts every value, loads the target.\n"
            "  --source SRC        source database (overrides the mapping's source:)\n"
            "  --target CONNINFO   target connection string or URI (overrides target:)\n"
            "  --dry-run           do everything in a transaction that is rolled back\n"
            "  --batch N           rows per batch (overrides batch:)\n"
            "  --rejects FILE      where rejected rows go (JSON lines)\n"
            "  --restart           forget an unfinished run and start over\n"
            "  --single-transaction  the whole run in one transaction (no resuming)\n"
            "  --jobs N            load up to N tables at once, each on its own connection\n"
            "  --verify[=counts]   then verify the target (see pgmap verify)\n"
            "  --report FILE       with --verify: the verification as JSON\n"
            "  -v, --verbose       progress on stderr\n"
            "  -q, --quiet         no summary unless something failed\n"
            "A run that died is resumed by running it again (see pgmap status).",
     "pgmap run MAPPING " COMMON_OPTS " [--dry-run] [--batch N] [--rejects FILE] [--restart] "
     "[--single-transaction] [--jobs N] [--verify[=counts] [--report FILE]] [-v|-q]", cmd_run},
    {"sync", "Carries the source's inserts, updates and deletes into a target that a run\n"
             "loaded: tables with a cursor read only the rows past their mark; the others\n"
             "are compared by checksums, and only differing buckets are read row by row.\n"
             "One transaction.\n"
             "  --batch N           rows per batch\n"
             "  --rejects FILE      where rejected rows go (JSON lines)\n"
             "  -v, --verbose       progress on stderr\n"
             "  -q, --quiet         no summary unless something failed",
     "pgmap sync MAPPING " COMMON_OPTS " [--batch N] [--rejects FILE] [-v|-q]", cmd_sync},
    {"verify", "Proves the target holds what the mapping makes of the source: the schema the\n"
               "mapping implies, row counts, and every value through the mapping (checksums\n"
               "per bucket, then differing buckets row by row).  Writes nothing.\n"
               "Exit 0 everything matches, 1 differences, 2 errors.\n"
               "  --counts            compare row counts only (cheap)\n"
               "  --report FILE       also write the result as JSON\n"
               "  --rejects FILE      the last run's rejects file (default: as the run)\n"
               "  -v, --verbose       progress on stderr\n"
               "  -q, --quiet         only the differences",
     "pgmap verify MAPPING " COMMON_OPTS " [--counts] [--report FILE] [--rejects FILE] [-v|-q]",
     cmd_verify},
    {"status", "Shows the mapping's run history, the checkpoints of its current or last run\n"
               "and its sync cursors, from the target's pgmap schema.\n"
               "  --limit N           runs shown (default 20)",
     "pgmap status MAPPING [--target CONNINFO] [--limit N]", cmd_status},
    {"check", "Validates the mapping and its references against the source and target\n"
              "catalogs. Writes nothing.",
     "pgmap check MAPPING " COMMON_OPTS, cmd_check},
    {"explain", "Prints the compiled plan: load order, statements, per-column operations.",
     "pgmap explain MAPPING " COMMON_OPTS, cmd_explain},
    {"init", "Writes a complete mapping and the PostgreSQL DDL for a SQLite database,\n"
             "with types chosen from the stored values (see pgmap(1) and\n"
             "docs/type-mapping.md).  `pgmap run MAPPING` then loads it.\n"
             "  -o, --output FILE   the mapping (default: SOURCE's name with .yaml, here)\n"
             "  --ddl FILE          the DDL (default: the mapping's name with .ddl, beside it)\n"
             "  --target CONNINFO   an existing target: match its tables instead of writing DDL\n"
             "  --schema NAME       target schema (default public)\n"
             "  --naming STYLE      keep (default) or snake_case\n"
             "  --sample N          read only the first N rows of each table\n"
             "  --jobs N            read up to N tables at once\n"
             "  --force             overwrite existing files\n"
             "  -q, --quiet         no summary line",
     "pgmap init SOURCE [TARGET] [-o MAPPING] [--ddl FILE] [--schema NAME] [--naming keep|snake_case] "
     "[--sample N] [--jobs N] [--force] [-q]", cmd_init},
    {"schema", "Prints the DDL file a mapping names (its ddl: key).",
     "pgmap schema MAPPING", cmd_schema},
};
const unsigned pgmap_ncommands = sizeof pgmap_commands / sizeof pgmap_commands[0];

static void print_help(FILE *out)
{
    fprintf(out, "pgmap %s - moves data into PostgreSQL as a YAML mapping says\n\n"
                 "usage: pgmap COMMAND [OPTIONS] MAPPING\n\ncommands:\n", PACKAGE_VERSION);
    for (unsigned i = 0; i < pgmap_ncommands; i++) {
        const char *nl = strchr(pgmap_commands[i].summary, '\n');
        int len = nl ? (int)(nl - pgmap_commands[i].summary) : (int)strlen(pgmap_commands[i].summary);
        fprintf(out, "  %-9s %.*s\n", pgmap_commands[i].name, len, pgmap_commands[i].summary);
    }
    fprintf(out, "  help      Shows help for a command: pgmap help run\n\n"
                 "See pgmap(1) and pgmap-mapping(5).\n");
}

static int help_command(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stdout);
        return EXIT_CLEAN;
    }
    for (unsigned i = 0; i < pgmap_ncommands; i++) {
        if (strcmp(argv[1], pgmap_commands[i].name) == 0) {
            printf("usage: %s\n\n%s\n", pgmap_commands[i].usage, pgmap_commands[i].summary);
            return EXIT_CLEAN;
        }
    }
    fprintf(stderr, "pgmap help: unknown command \"%s\"\n", argv[1]);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* Character classes for lower/upper follow UTF-8 whatever the user's
     * locale; messages and numbers stay in the C locale. */
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        setlocale(LC_CTYPE, "");
    if (argc < 2) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        print_help(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("pgmap %s\n", PACKAGE_VERSION);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "help") == 0)
        return help_command(argc - 1, argv + 1);
    for (unsigned i = 0; i < pgmap_ncommands; i++)
        if (strcmp(cmd, pgmap_commands[i].name) == 0)
            return pgmap_commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "pgmap: unknown command \"%s\" (see pgmap --help)\n", cmd);
    return EXIT_USAGE;
}
