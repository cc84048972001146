/* cli.h - the pgmap commands, declared as data (name, summary, usage, run
 * function) so `pgmap help`, `--help` and dispatch come from one table. */
#ifndef PGMAP_CLI_H
#define PGMAP_CLI_H

/* Exit codes, documented in pgmap.1 (EXIT STATUS). */
enum {
    EXIT_CLEAN = 0,     /* success, nothing rejected */
    EXIT_WARNINGS = 1,  /* rows rejected or values nulled within the limits */
    EXIT_FAILED = 2,    /* the mapping, a connection, the data or a limit failed */
    EXIT_USAGE = 64,    /* command-line usage error (sysexits EX_USAGE) */
    EXIT_BUSY = 75      /* another run or sync of the mapping holds its lock (EX_TEMPFAIL) */
};

typedef struct Command {
    const char *name;
    const char *summary;
    const char *usage;
    int (*run)(int argc, char **argv);
} Command;

extern const Command pgmap_commands[];
extern const unsigned pgmap_ncommands;

int cmd_run(int argc, char **argv);      /* run.c */
int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_sync(int argc, char **argv);     /* sync.c */
int cmd_status(int argc, char **argv);   /* run_prepare.c */
int cmd_verify(int argc, char **argv);   /* verify.c */
int cmd_init(int argc, char **argv);     /* init.c */
int cmd_schema(int argc, char **argv);   /* init.c */

#endif
