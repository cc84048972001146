/* model.h - the mapping file as a plain model.
 *
 * mapping_load() (mapping_load.c) turns the YAML tree into these structs and
 * reports every unknown key, wrong type and bad operation as a diagnostic.
 * Nothing here knows about databases: the plan compiler (plan.c) checks the
 * model against the source and target catalogs.
 *
 * Everything is allocated in Mapping.arena and freed by mapping_free(),
 * except compiled operations, which mapping_free() releases with op_free().
 *
 * Inheritance: settings resolve column -> table -> matching glob tables
 * (most specific first) -> file level -> built-in default.  "Unset" is
 * encoded as 0 for enums, -1 for numbers and NULL for pointers. */
#ifndef PGMAP_MODEL_H
#define PGMAP_MODEL_H

#include <stddef.h>
#include "ops.h"
#include "ynode.h"

struct Arena;
struct Diags;

typedef enum LoadMode {
    MODE_UNSET = 0,
    MODE_INSERT,    /* plain COPY; duplicate keys are rejected rows */
    MODE_UPSERT,    /* insert new keys, update changed rows, skip unchanged */
    MODE_IGNORE,    /* insert new keys, leave existing rows alone */
    MODE_REPLACE    /* empty the table at the start of the run, then insert */
} LoadMode;

typedef enum OnError {
    ONERR_UNSET = 0,
    ONERR_REJECT,   /* the row goes to the rejects file, not the target */
    ONERR_NULL,     /* the failing value becomes NULL (reject if NOT NULL) */
    ONERR_DEFAULT,  /* the column's default (mapping `default` op value, else target DEFAULT) */
    ONERR_ABORT     /* roll back the batch and stop the run */
} OnError;

typedef enum DeletePolicy {
    DEL_UNSET = 0,
    DEL_DELETE,     /* sync deletes target rows whose source row is gone (default) */
    DEL_IGNORE,     /* sync leaves them */
    DEL_MARK        /* sync sets the table's mark_column (true, or now() for a timestamp) */
} DeletePolicy;

typedef enum DedupRule {
    DEDUP_NONE = 0,
    DEDUP_FIRST,    /* the first source row (in read order) of each key wins */
    DEDUP_LAST,     /* the last one */
    DEDUP_MAX,      /* the row with the largest dedup_col (ties: first) */
    DEDUP_MIN       /* the smallest */
} DedupRule;

typedef struct Pos { int line, col; } Pos;

typedef struct ColumnMap {
    const char *target;   /* target column name (the key) */
    Pos pos;
    const char *from;     /* source column; NULL = same name as target (or from_list) */
    Pos from_pos;
    const char **from_list; /* `from: [a, b]`: several source columns, combined by an op */
    size_t nfrom;         /* entries in from_list (0 = a single `from`) */
    const char *sql;      /* source-side SQL expression instead of `from` */
    Pos sql_pos;
    int skip;             /* `target: null` or `skip: true`: leave to the target default */
    Op *ops;              /* compiled operations, in order */
    size_t nops;
    int ops_set;          /* ops given here (lists replace, so an empty list counts) */
    Pos ops_pos;
    OnError on_error;
    int from_glob;        /* came from a glob table: skipped silently when the target lacks it */
} ColumnMap;

typedef struct TableMap {
    const char *target;   /* target table name (the key), or a glob pattern */
    Pos pos;
    int is_glob;          /* key contains * ? or [ : settings only, never a table */
    const char *schema;   /* target schema; NULL = file's schema */
    const char *from;     /* source table; NULL = same as target (unless query) */
    Pos from_pos;
    const char *query;    /* source SQL query instead of a table */
    Pos query_pos;
    const char *where;    /* extra source filter (SQL), with `from` only */
    Pos where_pos;
    LoadMode mode;
    Pos mode_pos;
    const char **key;     /* target columns of the conflict key; NULL = primary key */
    size_t nkey;
    Pos key_pos;
    const char **null_if; /* values that become NULL in every column, before ops */
    size_t nnull_if;
    int null_if_set;
    ColumnMap *cols;
    size_t ncols;
    long batch;           /* -1 = unset */
    OnError on_error;
    long reject_limit;    /* -1 = unset; 0 = any reject fails the run */
    int skip;             /* `skip: true`: not loaded */
    /* pgmap sync (sync.c) */
    const char *cursor;   /* source column that grows when a row is written; NULL = none */
    Pos cursor_pos;
    const char *lookback; /* as written: a number (cursor units) or "N seconds|minutes|hours|days|weeks" */
    Pos lookback_pos;
    double lookback_num;  /* the number, or the duration in seconds */
    int lookback_is_duration;
    DeletePolicy deletes;
    Pos deletes_pos;
    const char *mark_column; /* target column set by deletes: mark */
    Pos mark_pos;
    /* Restructuring (mapping_restructure.c) */
    DedupRule dedup;      /* rows with the same target key: which one is loaded */
    const char *dedup_col;/* DEDUP_MAX/MIN: the target column compared */
    Pos dedup_pos;
} TableMap;

typedef struct Mapping {
    struct Arena *arena;
    const char *file;     /* path as given */
    const char *dir;      /* directory of the file: relative paths resolve here */
    int version;
    const char *name;     /* identity in the target's pgmap state schema; default: file name stem */
    Pos name_pos;
    const char *source;   /* SQLite path or URI (sqlite:PATH, postgresql://...) */
    Pos source_pos;
    const char *target;   /* libpq connection string or URI; NULL = PG* env */
    Pos target_pos;
    const char *schema;   /* default target schema; NULL = "public" */
    const char *ddl;      /* DDL file run when target tables are missing (resolved path) */
    Pos ddl_pos;
    const char *rejects;  /* rejects file path (resolved); NULL = <mapping stem>.rejects.jsonl in cwd */
    long batch;           /* -1 = unset (default 10000) */
    OnError on_error;
    long reject_limit;    /* -1 = unset (default: no limit) */
    TableMap *tables;     /* concrete tables, in file order, globs already merged in */
    size_t ntables;
    TableMap *globs;      /* glob entries as written (kept for explain) */
    size_t nglobs;
    const char **load_order; /* `load_order:` target tables loaded first, in this order */
    size_t nload_order;
    Pos load_order_pos;
} Mapping;

/* Loads and validates the mapping file.  Returns the model, or NULL when
 * any error diagnostic was added (warnings alone still return a model).
 * Globs are merged into the concrete tables before returning: for each
 * table, matching globs apply from least to most specific (fewer wildcard
 * characters = more specific; ties by file order), then the table itself;
 * maps merge (columns by name), lists replace.  Glob columns are marked
 * from_glob.  Relative `ddl` and `rejects` paths resolve against the
 * mapping file's directory; `source` too when it is a plain path. */
Mapping *mapping_load(const char *path, struct Diags *d);
Mapping *mapping_load_string(const char *name, const char *text, struct Diags *d);
void mapping_free(Mapping *m);

const char *mode_name(LoadMode m);
const char *on_error_name(OnError e);

/* Effective settings with built-in defaults applied. */
long table_batch(const Mapping *m, const TableMap *t);          /* default 10000 */
OnError column_on_error(const Mapping *m, const TableMap *t, const ColumnMap *c); /* default reject */
long table_reject_limit(const Mapping *m, const TableMap *t);   /* -1 = no limit */

#endif
