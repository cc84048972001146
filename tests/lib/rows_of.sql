-- tests/lib/rows_of.sql - rows_of(TABLE): a table's row count, NULL when it
-- does not exist (the resume tests ask while tables come and go).
CREATE FUNCTION public.rows_of(t text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    IF to_regclass(t) IS NULL THEN
        RETURN NULL;
    END IF;
    EXECUTE format('SELECT count(*) FROM %s', t) INTO n;
    RETURN n;
END $$;
