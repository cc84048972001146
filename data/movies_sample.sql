-- movies_sample.sql - a small, fake, deterministic movies database (SQLite).
--
-- The five tables have exactly the DDL of the movies-practicum db.sqlite (TEXT
-- uuids, timestamps stored as text like '2021-06-16 20:14:09.309735+00', no
-- foreign keys declared), so mappings/movies.yaml runs unchanged on both.
-- The build turns this file into data/movies.db with tools/sqlexec:
--     tools/sqlexec data/movies.db data/movies_sample.sql
-- (or: sqlite3 data/movies.db < data/movies_sample.sql).
--
-- Contents: 200 film_work, 300 person, 20 genre, ~400 genre_film_work and
-- ~1000 person_film_work rows.  Some persons have several roles in one film
-- (director and writer of every 4th film); a few ratings, descriptions,
-- creation dates and certificates are NULL.
--
-- Everything is derived from counters with recursive CTEs (no random()), so
-- every build produces the same rows.  Ids are lower-case uuid text of the
-- form TTTTTTTT-0000-4000-8000-NNNNNNNNNNNN where TTTTTTTT names the table
-- (00000001 film_work, 00000002 genre, 00000003 person, 00000004
-- genre_film_work, 00000005 person_film_work) and N is the row number in hex,
-- so no two ids collide.

PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE genre (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);
CREATE TABLE film_work (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT,
    creation_date DATE,
    certificate TEXT,
    file_path TEXT,
    rating FLOAT,
    type TEXT not null,
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);
CREATE TABLE person (
    id TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    birth_date DATE,
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);
CREATE TABLE genre_film_work (
    id TEXT PRIMARY KEY,
    film_work_id TEXT NOT NULL,
    genre_id TEXT NOT NULL,
    created_at timestamp with time zone
);
CREATE UNIQUE INDEX film_work_genre ON genre_film_work (film_work_id, genre_id);
CREATE TABLE person_film_work (
    id TEXT PRIMARY KEY,
    film_work_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at timestamp with time zone
);
CREATE UNIQUE INDEX film_work_person_role ON person_film_work (film_work_id, person_id, role);

-- Timestamps: a base instant plus n seconds, with n-derived microseconds, in
-- the text form PostgreSQL's psycopg wrote into the original database.

-- 20 genres, names from a fixed list; every 4th has no description.
INSERT INTO genre (id, name, description, created_at, updated_at)
WITH names(n, name) AS (VALUES
    (1, 'Action'), (2, 'Adventure'), (3, 'Animation'), (4, 'Biography'),
    (5, 'Comedy'), (6, 'Crime'), (7, 'Documentary'), (8, 'Drama'),
    (9, 'Family'), (10, 'Fantasy'), (11, 'History'), (12, 'Horror'),
    (13, 'Music'), (14, 'Musical'), (15, 'Mystery'), (16, 'Romance'),
    (17, 'Sci-Fi'), (18, 'Sport'), (19, 'Thriller'), (20, 'Western'))
SELECT printf('%08x-0000-4000-8000-%012x', 2, n),
       name,
       CASE WHEN n % 4 = 0 THEN NULL ELSE 'Films of the ' || lower(name) || ' genre.' END,
       printf('%s.%06d+00', datetime('2021-06-16 20:14:09', '+' || n || ' seconds'), (n * 7919) % 1000000),
       printf('%s.%06d+00', datetime('2021-06-16 20:14:09', '+' || n || ' seconds'), (n * 7919 + 17) % 1000000)
FROM names;

-- 200 film works.  Titles combine two word lists and a number; every 13th
-- has a NULL description, every 17th a NULL rating, every 9th no creation
-- date; every 5th is a tv_show.
INSERT INTO film_work (id, title, description, creation_date, certificate,
                       file_path, rating, type, created_at, updated_at)
WITH RECURSIVE
    c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200),
    adj(i, w) AS (VALUES (0, 'Silent'), (1, 'Crimson'), (2, 'Last'), (3, 'Hidden'),
                         (4, 'Electric'), (5, 'Broken'), (6, 'Golden'), (7, 'Distant'),
                         (8, 'Frozen'), (9, 'Midnight'), (10, 'Wild')),
    noun(i, w) AS (VALUES (0, 'River'), (1, 'Empire'), (2, 'Garden'), (3, 'Signal'),
                          (4, 'Harbor'), (5, 'Machine'), (6, 'Forest'), (7, 'Voyage'),
                          (8, 'Crown'), (9, 'Storm'), (10, 'Mirror'), (11, 'Orbit'),
                          (12, 'Letter'))
SELECT printf('%08x-0000-4000-8000-%012x', 1, n),
       (SELECT w FROM adj WHERE i = n % 11) || ' ' || (SELECT w FROM noun WHERE i = (n * 7) % 13)
           || CASE WHEN n > 143 THEN ' ' || (n / 143 + 1) ELSE '' END,
       CASE WHEN n % 13 = 0 THEN NULL
            ELSE 'A fake film number ' || n || ' about a ' ||
                 lower((SELECT w FROM noun WHERE i = (n * 3) % 13)) || '.' END,
       CASE WHEN n % 9 = 0 THEN NULL
            ELSE date('1950-01-01', '+' || ((n * 2713) % 26000) || ' days') END,
       CASE n % 4 WHEN 0 THEN NULL WHEN 1 THEN 'PG' WHEN 2 THEN 'PG-13' ELSE 'R' END,
       CASE WHEN n % 3 = 0 THEN NULL ELSE printf('films/%04d.mp4', n) END,
       CASE WHEN n % 17 = 0 THEN NULL ELSE ((n * 37) % 91 + 10) / 10.0 END,
       CASE WHEN n % 5 = 0 THEN 'tv_show' ELSE 'movie' END,
       printf('%s.%06d+00', datetime('2021-06-16 20:15:00', '+' || n || ' seconds'), (n * 104729) % 1000000),
       printf('%s.%06d+00', datetime('2021-06-16 20:15:00', '+' || (n + n % 7) || ' seconds'), (n * 104723) % 1000000)
FROM c;

-- 300 persons: 20 first names x 15 last names, each pair once.  Every 6th
-- has a birth date (film_work/person columns with no target column are
-- dropped by the mappings).
INSERT INTO person (id, full_name, birth_date, created_at, updated_at)
WITH RECURSIVE
    c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 300),
    first(i, w) AS (VALUES (0, 'Anna'), (1, 'Boris'), (2, 'Clara'), (3, 'David'),
                           (4, 'Elena'), (5, 'Felix'), (6, 'Greta'), (7, 'Hugo'),
                           (8, 'Irene'), (9, 'Jonas'), (10, 'Kira'), (11, 'Lev'),
                           (12, 'Marta'), (13, 'Nikolai'), (14, 'Olga'), (15, 'Pavel'),
                           (16, 'Rosa'), (17, 'Stefan'), (18, 'Tamara'), (19, 'Viktor')),
    last(i, w) AS (VALUES (0, 'Abbott'), (1, 'Brandt'), (2, 'Castillo'), (3, 'Dufresne'),
                          (4, 'Eriksen'), (5, 'Fontaine'), (6, 'Gallagher'), (7, 'Hoffmann'),
                          (8, 'Ivanova'), (9, 'Jansen'), (10, 'Kowalski'), (11, 'Lindqvist'),
                          (12, 'Moreau'), (13, 'Novak'), (14, 'Okafor'))
SELECT printf('%08x-0000-4000-8000-%012x', 3, n),
       (SELECT w FROM first WHERE i = (n - 1) % 20) || ' ' || (SELECT w FROM last WHERE i = (n - 1) / 20),
       CASE WHEN n % 6 = 0 THEN date('1940-01-01', '+' || ((n * 577) % 20000) || ' days') END,
       printf('%s.%06d+00', datetime('2021-06-16 20:16:00', '+' || n || ' seconds'), (n * 65537) % 1000000),
       printf('%s.%06d+00', datetime('2021-06-16 20:16:00', '+' || n || ' seconds'), (n * 65537 + 3) % 1000000)
FROM c;

-- Genres of each film: 1 to 3 distinct genres (k = 0 .. n % 3).
INSERT INTO genre_film_work (id, film_work_id, genre_id, created_at)
WITH RECURSIVE
    c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200),
    k(k) AS (VALUES (0), (1), (2)),
    pairs(f, g) AS (SELECT n, (n * 7 + k * 5) % 20 + 1 FROM c JOIN k ON k.k <= n % 3)
SELECT printf('%08x-0000-4000-8000-%012x', 4, row_number() OVER (ORDER BY f, g)),
       printf('%08x-0000-4000-8000-%012x', 1, f),
       printf('%08x-0000-4000-8000-%012x', 2, g),
       printf('%s.%06d+00', datetime('2021-06-16 20:17:00', '+' || f || ' seconds'), (f * 31 + g) % 1000000)
FROM pairs ORDER BY f, g;

-- People of each film: a director; a writer, who for every 4th film is the
-- director again (one person, two roles in one film); and three actors.
INSERT INTO person_film_work (id, film_work_id, person_id, role, created_at)
WITH RECURSIVE
    c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200),
    j(j) AS (VALUES (0), (1), (2)),
    links(f, p, role) AS (
        SELECT n, (n * 13) % 300 + 1, 'director' FROM c
        UNION ALL
        SELECT n, CASE WHEN n % 4 = 0 THEN (n * 13) % 300 + 1 ELSE (n * 29 + 7) % 300 + 1 END,
               'writer' FROM c
        UNION ALL
        SELECT n, (n * 11 + j * 37) % 300 + 1, 'actor' FROM c JOIN j)
SELECT printf('%08x-0000-4000-8000-%012x', 5, row_number() OVER (ORDER BY f, role, p)),
       printf('%08x-0000-4000-8000-%012x', 1, f),
       printf('%08x-0000-4000-8000-%012x', 3, p),
       role,
       printf('%s.%06d+00', datetime('2021-06-16 20:18:00', '+' || f || ' seconds'), (f * 131 + p) % 1000000)
FROM links ORDER BY f, role, p;

COMMIT;
