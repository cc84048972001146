/* t_ops.c - unit tests for the column operations: compiling each op from
 * YAML (argument shapes, diagnostics with positions) and running it on
 * values of every kind, including NULL, NUL bytes and invalid UTF-8.
 * The time operations are in t_ops_time.c. */
#include <math.h>
#include <stdint.h>

#include "ops_test.h"

static void test_registry(void)
{
    OpKind k;
    is_int(OP__COUNT, 28, "28 operations");
    for (int i = 0; i < OP__COUNT; i++) {
        ok(op_lookup(op_name((OpKind)i), &k) == 0 && k == (OpKind)i, "lookup %s", op_name((OpKind)i));
        ok(strlen(op_description((OpKind)i)) > 10, "description of %s", op_name((OpKind)i));
    }
    ok(op_lookup("nope", &k) == -1, "unknown name");
    ok(op_lookup("TRIM", &k) == -1, "names are case-sensitive");
    is_str(op_name(OP_REGEX_REPLACE), "regex_replace", "name by kind");
    cerr("frobnicate", 2, 5, "unknown operation \"frobnicate\"");
    cerr("{frobnicate: 1}", 2, 6, "unknown operation \"frobnicate\"");
    cerr("{trim: ~, lower: ~}", 2, 5,
         "an operation is a name or a single-key map (name: arguments), got a map with 2 keys");
    cerr("[trim]", 2, 5, "an operation is a name or a single-key map (name: arguments), got a list");
    cerr("{lower: x}", 2, 13, "lower: takes no arguments");
    cerr("{to_uuid: [1]}", 2, 15, "to_uuid: takes no arguments");
    Op op;
    Diags d;
    ok(compile(&op, "{trim: }", &d) == 0, "an empty argument is no argument");
    op_free(&op);
    op_free(&op); /* twice is harmless */
    diags_free(&d);
    char msg[64];
    Value v = T("x");
    Op bad = {OP_TRIM, 0, 0, NULL};
    ok(op_run(&bad, &v, scratch, msg, sizeof msg) == -1, "running an uncompiled op fails");
}

static void test_describe(void)
{
    static const struct { const char *item, *want; } cases[] = {
        {"{regex_replace: {pattern: '\\s+', replace: ' '}}", "regex_replace(pattern=\"\\s+\", replace=\" \")"},
        {"trim", "trim"},
        {"{trim: {chars: '-'}}", "trim(chars=\"-\")"},
        {"{null_if: ['', N/A]}", "null_if([\"\", \"N/A\"])"},
        {"{range: {min: 0, max: 1e1}}", "range(min=0, max=10)"},
        {"{epoch: ms}", "epoch(ms)"},
        {"{map: {a: 1, ~: x, b: ~}}", "map({\"a\": \"1\", null: \"x\", \"b\": null})"},
        {"{parse_timestamp: {formats: ['%d/%m/%Y'], tz: UTC}}", "parse_timestamp(formats=[\"%d/%m/%Y\"], tz=\"UTC\")"},
        {"{to_bool: {true: [si], false: [no]}}", "to_bool(true=[\"si\"], false=[\"no\"])"},
        {"{regex_extract: '(\\d+)'}", "regex_extract(pattern=\"(\\d+)\", group=1)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        Op op;
        Diags d;
        char buf[256] = "";
        if (compile(&op, cases[i].item, &d) == 0) {
            op_describe(&op, buf, sizeof buf);
            op_free(&op);
        }
        diags_free(&d);
        is_str(buf, cases[i].want, "describe %s", cases[i].item);
    }
    Op op;
    Diags d;
    char small[8];
    compile(&op, "{in: [aaaaaaaa, bbbbbbbbbb]}", &d);
    op_describe(&op, small, sizeof small);
    is_str(small, "in([\"aa", "describe truncates to the buffer");
    op_free(&op);
    diags_free(&d);
}

static void test_null_if_default(void)
{
    RUN("{null_if: ['', N/A]}", T(""), "NULL");
    RUN("{null_if: ['', N/A]}", T("N/A"), "NULL");
    RUN("{null_if: ['', N/A]}", T("n/a"), "n/a");
    RUN("{null_if: ['', N/A]}", T(" "), " ");
    RUN("{null_if: '-'}", T("-"), "NULL");
    RUN("{null_if: '0'}", value_int(0), "NULL");
    RUN("{null_if: '0'}", value_int(10), "i:10");
    RUN("{null_if: 'a'}", value_null(), "NULL");
    RUN("{null_if: 'a'}", value_text("a\0b", 3), "a\\0b");
    cerr("null_if", 2, 5, "null_if: expected a string or a list of strings");
    cerr("{null_if: {a: b}}", 2, 15, "null_if: expected a string or a list of strings");
    cerr("{null_if: [a, [b]]}", 2, 19, "null_if: expected a string or a list of strings, got a list item");
    RUN("{default: unknown}", value_null(), "unknown");
    RUN("{default: unknown}", T(""), "");
    RUN("{default: unknown}", value_int(3), "i:3");
    RUN("{default: '0'}", value_null(), "0");
    cerr("default", 2, 5, "default: expected a value (a scalar)");
    cerr("{default: [a]}", 2, 15, "default: expected a value (a scalar)");
}

static void test_trim_case(void)
{
    RUN("trim", T("  a b \t\n"), "a b");
    RUN("trim", T(""), "");
    RUN("trim", T("   "), "");
    RUN("trim", T("\xc2\xa0x\xe3\x80\x80"), "x");           /* NBSP, ideographic space */
    RUN("trim", T("\xef\xbb\xbfid"), "id");                 /* BOM */
    RUN("trim", T("\xc3\xa9 "), "\xc3\xa9");
    RUN("trim", T(" \xff "), "\xff");                       /* invalid UTF-8 kept, never fails */
    RUN("trim", value_text(" a\0 ", 4), "a\\0");
    RUN("trim", value_null(), "NULL");
    RUN("trim", value_int(5), "5");
    RUN("{trim: {chars: '-*'}}", T("--*a-b*-"), "a-b");
    RUN("{trim: {chars: '\xc2\xb7'}}", T("\xc2\xb7x\xc2\xb7"), "x");
    RUN("{trim: {chars: 'x'}}", T("xxx"), "");
    cerr("{trim: {chars: ''}}", 2, 20, "trim: chars must be a non-empty UTF-8 string");
    cerr("{trim: {char: x}}", 2, 12, "trim: expected nothing or a map with chars");
    cerr("{trim: {chars: x, y: 1}}", 2, 23, "trim: unknown argument \"y\"");
    RUN("lower", T("HeLLo \xc3\x89T\xc3\x89 \xce\xa3\xce\x91 \xd0\x96"), "hello \xc3\xa9t\xc3\xa9 \xcf\x83\xce\xb1 \xd0\xb6");
    RUN("upper", T("stra\xc3\x9f" "e \xc3\xa9"), "STRA\xc3\x9f" "E \xc3\x89");
    RUN("upper", T(""), "");
    RUN("upper", value_null(), "NULL");
    RUN("upper", value_text("a\0b", 3), "A\\0B");
    RUN("lower", T("ok\xc3("), "ERR:invalid UTF-8 at byte 2");
    RUN("upper", T("\xed\xa0\x80"), "ERR:invalid UTF-8 at byte 0");  /* surrogate */
    RUN("lower", T("\xc0\xaf"), "ERR:invalid UTF-8 at byte 0");      /* overlong */
    RUN("lower", T("\xc8\xba"), "\xe2\xb1\xa5");                       /* U+023A grows */
    RUN("lower", value_bool(1), "true");
}

static void test_regex_replace(void)
{
    RUN("{regex_replace: {pattern: '\\s+', replace: ' '}}", T("a  b\t\tc"), "a b c");
    RUN("{regex_replace: {pattern: '\\s+', replace: ' ', global: false}}", T("a  b  c"), "a b  c");
    RUN("{regex_replace: {pattern: '(\\w+)@(\\w+)', replace: '$2 at $${1}'}}", T("joe@example"), "example at joe");
    RUN("{regex_replace: {pattern: '(?<u>\\w+)@', replace: '$u/$$'}}", T("joe@x"), "joe/$x");
    RUN("{regex_replace: {pattern: 'x', replace: ''}}", T("axbxc"), "abc");
    RUN("{regex_replace: {pattern: 'x*', replace: '-'}}", T("ab"), "-a-b-");
    RUN("{regex_replace: {pattern: 'a', replace: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'}}",
        T("aaa"), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    RUN("{regex_replace: {pattern: '.', replace: 'x'}}", T("\xc3\xa9\xe2\x82\xac"), "xx"); /* UTF mode */
    RUN("{regex_replace: {pattern: 'b', replace: 'B'}}", value_text("a\0b", 3), "a\\0B");
    RUN("{regex_replace: {pattern: 'b', replace: 'B'}}", T("a\xff" "b"), "ERR:invalid UTF-8 at byte 1");
    RUN("{regex_replace: {pattern: 'b', replace: 'B'}}", value_null(), "NULL");
    RUN("{regex_replace: {pattern: '1', replace: '2'}}", value_int(121), "222");
    /* catastrophic backtracking fails the value instead of hanging */
    RUN("{regex_replace: {pattern: '(a+)+$', replace: ''}}", T("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"),
        "ERR:regex failed: match limit exceeded");
    cerr("{regex_replace: {pattern: 'a(b', replace: x}}", 2, 35,
         "regex_replace: bad pattern at offset 3: missing closing parenthesis");
    cerr("{regex_replace: {pattern: \"x[z\", replace: x}}", 2, 35,
         "regex_replace: bad pattern at offset 3: missing terminating ] for character class");
    cerr("{regex_replace: {pattern: a)b, replace: x}}", 2, 32,
         "regex_replace: bad pattern at offset 1: unmatched closing parenthesis");
    /* an escape in a double-quoted scalar shifts the text: point at the scalar */
    cerr("{regex_replace: {pattern: \"\\t(\", replace: x}}", 2, 31,
         "regex_replace: bad pattern at offset 2: missing closing parenthesis");
    cerr("{regex_replace: {pattern: '\xc3\xa9(', replace: x}}", 2, 34,
         "regex_replace: bad pattern at offset 3: missing closing parenthesis");
    cerr("{regex_replace: {pattern: x}}", 2, 21, "regex_replace: expected a map with pattern and replace");
    cerr("regex_replace", 2, 5, "regex_replace: expected a map with pattern and replace");
    cerr("{regex_replace: '\\s'}", 2, 21, "regex_replace: expected a map with pattern and replace");
    cerr("{regex_replace: {pattern: x, replace: y, flags: i}}", 2, 46, "regex_replace: unknown argument \"flags\"");
    cerr("{regex_replace: {pattern: '(x)', replace: '$2'}}", 2, 47,
         "regex_replace: replace has a bad group reference at offset 0 (the pattern has 1 groups)");
    cerr("{regex_replace: {pattern: '(x)', replace: 'a$${nope}'}}", 2, 47,
         "regex_replace: replace has a bad group reference at offset 1 (the pattern has 1 groups)");
    cerr("{regex_replace: {pattern: '(x)', replace: 'a$'}}", 2, 47,
         "regex_replace: replace has a bad group reference at offset 1 (the pattern has 1 groups)");
    cerr("{regex_replace: {pattern: x, replace: y, global: maybe}}", 2, 54,
         "regex_replace: global must be true or false");

}

static void test_regex_extract(void)
{
    RUN("{regex_extract: '(\\d{4})-\\d\\d'}", T("on 2021-03 ok"), "2021");
    RUN("{regex_extract: '\\d+'}", T("ab123cd"), "123");
    RUN("{regex_extract: {pattern: '(\\w)(\\w)', group: 2}}", T("xy"), "y");
    RUN("{regex_extract: {pattern: '(\\w)(\\w)', group: 0}}", T("xyz"), "xy");
    RUN("{regex_extract: {pattern: '(?<y>\\d{4})', group: y}}", T("in 1999"), "1999");
    RUN("{regex_extract: '(a)?b'}", T("b"), "NULL");
    RUN("{regex_extract: '(\\d+)'}", T("none"), "ERR:\"none\" does not match \"(\\\\d+)\"");
    RUN("{regex_extract: '(\\d+)'}", value_null(), "NULL");
    RUN("{regex_extract: '(\\d+)'}", T("\xfe"), "ERR:invalid UTF-8 at byte 0");
    cerr("{regex_extract: {pattern: '(x)', group: 2}}", 2, 45,
         "regex_extract: group 2 does not exist (the pattern has 1 groups)");
    cerr("{regex_extract: {pattern: '(x)', group: nope}}", 2, 45,
         "regex_extract: group must be a group number or the name of a named group");
    cerr("{regex_extract: {group: 1}}", 2, 21, "regex_extract: expected a pattern or a map with pattern and group");
    cerr("{regex_extract: '(?<n'}", 2, 26, "regex_extract: bad pattern at offset 4: syntax error in subpattern name (missing terminator?)");

}

static void test_match(void)
{
    RUN("{match: '^[A-Z]{2}$'}", T("FR"), "FR");
    RUN("{match: '^[A-Z]{2}$'}", T("FRA"), "ERR:\"FRA\" does not match \"^[A-Z]{2}$\"");
    RUN("{match: '^$'}", T(""), "");
    RUN("{match: '^a'}", value_null(), "NULL");
    RUN("{match: 'x'}", T("\"quoted\\\" and a long value that goes past forty bytes"),
        "ERR:\"\\\"quoted\\\\\\\" and a long value that goes pas\"... does not match \"x\"");
    RUN("{match: 'b$'}", value_text("a\0b", 3), "a\\0b");
    cerr("{match: {pattern: x}}", 2, 13, "match: expected a pattern (a string)");
    cerr("match", 2, 5, "match: expected a pattern (a string)");
}

static void test_to_int(void)
{
    RUN("to_int", T("42"), "i:42");
    RUN("to_int", T(" -42 "), "i:-42");
    RUN("to_int", T("+7"), "i:7");
    RUN("to_int", T("007"), "i:7");
    RUN("to_int", T("42.000"), "i:42");
    RUN("to_int", T("9223372036854775807"), "i:9223372036854775807");
    RUN("to_int", T("-9223372036854775808"), "i:-9223372036854775808");
    RUN("to_int", T("9223372036854775808"), "ERR:\"9223372036854775808\" is out of range for a 64-bit integer");
    RUN("to_int", T("-9223372036854775809"), "ERR:\"-9223372036854775809\" is out of range for a 64-bit integer");
    RUN("to_int", T("12x"), "ERR:\"12x\" is not an integer");
    RUN("to_int", T("4.5"), "ERR:\"4.5\" is not an integer");
    RUN("to_int", T(""), "ERR:\"\" is not an integer");
    RUN("to_int", T("1e3"), "ERR:\"1e3\" is not an integer");
    RUN("to_int", T("1,000"), "ERR:\"1,000\" is not an integer");
    RUN("to_int", T("- 1"), "ERR:\"- 1\" is not an integer");
    RUN("to_int", value_text("1\0", 2), "ERR:\"1\\x00\" is not an integer");
    RUN("to_int", value_real(3.0), "i:3");
    RUN("to_int", value_real(-0.0), "i:0");
    RUN("to_int", value_real(3.5), "ERR:3.5 is not an integer");
    RUN("to_int", value_real(1e19), "ERR:1e+19 is out of range for a 64-bit integer");
    RUN("to_int", value_real(NAN), "ERR:NaN is not an integer");
    RUN("to_int", value_bool(1), "i:1");
    RUN("to_int", value_null(), "NULL");
    RUN("to_int", value_blob("ab", 2), "ERR:a blob value is not an integer");

}

static void test_to_numeric(void)
{
    RUN("to_numeric", T("$1,234.50"), "1234.50");
    RUN("to_numeric", T("-$1,234.50"), "-1234.50");
    RUN("to_numeric", T("$-5"), "-5");
    RUN("to_numeric", T("1,234,567"), "1234567");
    RUN("to_numeric", T("1,23"), "ERR:\"1,23\" is not a number");
    RUN("to_numeric", T("1,2345"), "ERR:\"1,2345\" is not a number");
    RUN("to_numeric", T(",123"), "ERR:\",123\" is not a number");
    RUN("to_numeric", T("EUR 12.5"), "12.5");
    RUN("to_numeric", T("12.5 USD"), "12.5");
    RUN("to_numeric", T("\xc2\xa3" "3"), "3");
    RUN("to_numeric", T("\xc2\xa5" "300"), "300");
    RUN("to_numeric", T("$5 USD"), "ERR:\"$5 USD\" is not a number");
    RUN("to_numeric", T("12 usd"), "ERR:\"12 usd\" is not a number");
    RUN("to_numeric", T("-0"), "0");
    RUN("to_numeric", T("-0.00"), "0.00");
    RUN("to_numeric", T("+.5"), "0.5");
    RUN("to_numeric", T("5."), "5");
    RUN("to_numeric", T("000123.4500"), "123.4500");
    RUN("to_numeric", T("1.5e3"), "1500");
    RUN("to_numeric", T("1.50E1"), "15.0");
    RUN("to_numeric", T("-1.5e-3"), "-0.0015");
    RUN("to_numeric", T("0e5"), "0");
    RUN("to_numeric", T("1e99999"), "ERR:\"1e99999\" is out of range");
    RUN("to_numeric", T("123456789012345678901234567890.123456789"), "123456789012345678901234567890.123456789");
    RUN("to_numeric", T("abc"), "ERR:\"abc\" is not a number");
    RUN("to_numeric", T(""), "ERR:\"\" is not a number");
    RUN("to_numeric", T("."), "ERR:\".\" is not a number");
    RUN("to_numeric", T("1.2.3"), "ERR:\"1.2.3\" is not a number");
    RUN("to_numeric", T("--1"), "ERR:\"--1\" is not a number");
    RUN("to_numeric", value_text("1\0" "2", 3), "ERR:\"1\\x002\" is not a number");
    RUN("to_numeric", value_int(-12), "-12");
    RUN("to_numeric", value_real(0.1), "0.1");
    RUN("to_numeric", value_real(1e21), "1000000000000000000000");
    RUN("to_numeric", value_real(-2.5e-7), "-0.00000025");
    RUN("to_numeric", value_real(INFINITY), "ERR:Infinity is not a finite number");
    RUN("to_numeric", value_real(NAN), "ERR:NaN is not a finite number");
    RUN("to_numeric", value_bool(1), "ERR:a boolean value is not a number");
    RUN("to_numeric", value_null(), "NULL");
    RUN("{to_numeric: {decimal: ',', group: ' '}}", T("1 234,50 \xe2\x82\xac"), "1234.50");
    RUN("{to_numeric: {decimal: ',', group: ' '}}", T("1\xc2\xa0" "234,5"), "1234.5");
    RUN("{to_numeric: {decimal: ',', group: ' '}}", T("1 2,5"), "ERR:\"1 2,5\" is not a number");
    RUN("{to_numeric: {decimal: ','}}", T("1.234,5"), "1234.5");
    RUN("{to_numeric: {decimal: ','}}", T("1.5"), "ERR:\"1.5\" is not a number");
    RUN("{to_numeric: {group: ''}}", T("1,234"), "ERR:\"1,234\" is not a number");
    RUN("{to_numeric: {group: \"'\"}}", T("1'234'567.8"), "1234567.8");
    cerr("{to_numeric: {decimal: ',', group: ','}}", 2, 40, "to_numeric: decimal and group separators must differ");
    cerr("{to_numeric: {decimal: ''}}", 2, 28, "to_numeric: a separator must be a short string");
    cerr("{to_numeric: {decimal: '1'}}", 2, 28, "to_numeric: a separator cannot contain digits or signs");
    cerr("{to_numeric: ','}", 2, 18, "to_numeric: expected nothing or a map with decimal and/or group");
    cerr("{to_numeric: {sep: ','}}", 2, 19, "to_numeric: unknown argument \"sep\"");

}

static void test_to_bool(void)
{
    RUN("to_bool", T("yes"), "b:1");
    RUN("to_bool", T("  TRUE "), "b:1");
    RUN("to_bool", T("On"), "b:1");
    RUN("to_bool", T("y"), "b:1");
    RUN("to_bool", T("F"), "b:0");
    RUN("to_bool", T("off"), "b:0");
    RUN("to_bool", T("0"), "b:0");
    RUN("to_bool", T("maybe"), "ERR:\"maybe\" is not a boolean");
    RUN("to_bool", T(""), "ERR:\"\" is not a boolean");
    RUN("to_bool", T("yess"), "ERR:\"yess\" is not a boolean");
    RUN("to_bool", value_int(1), "b:1");
    RUN("to_bool", value_int(0), "b:0");
    RUN("to_bool", value_int(2), "ERR:\"2\" is not a boolean");
    RUN("to_bool", value_bool(0), "b:0");
    RUN("to_bool", value_null(), "NULL");
    RUN("to_bool", value_text("t\0", 2), "ERR:\"t\\x00\" is not a boolean");
    RUN("{to_bool: {true: [si, X], false: [no]}}", T("SI"), "b:1");
    RUN("{to_bool: {true: [si, X], false: [no]}}", T("x"), "b:1");
    RUN("{to_bool: {true: [si, X], false: [no]}}", T("yes"), "ERR:\"yes\" is not a boolean");
    RUN("{to_bool: {true: [si, X], false: [no]}}", T("No"), "b:0");
    RUN("{to_bool: {true: [si]}}", T("0"), "b:0");
    RUN("{to_bool: {true: [si]}}", T("1"), "ERR:\"1\" is not a boolean");
    cerr("{to_bool: {true: [a], false: [A]}}", 2, 15, "to_bool: \"a\" is in both the true and the false lists");
    cerr("{to_bool: {yes: [a]}}", 2, 15, "to_bool: expected nothing or a map with true and/or false lists");
    cerr("{to_bool: {true: {a: 1}}}", 2, 22, "to_bool: expected a list of strings");

}

static void test_range(void)
{
    RUN("{range: {min: 0, max: 10}}", value_int(10), "i:10");
    RUN("{range: {min: 0, max: 10}}", value_int(0), "i:0");
    RUN("{range: {min: 0, max: 10}}", value_int(11), "ERR:value not in [0, 10]");
    RUN("{range: {min: 0, max: 10}}", value_real(-0.001), "ERR:value not in [0, 10]");
    RUN("{range: {min: 0, max: 10}}", value_real(10.0000001), "ERR:value not in [0, 10]");
    RUN("{range: {min: 0, max: 10}}", T("10.000"), "10.000");
    RUN("{range: {min: 0, max: 10}}", T(" 5 "), " 5 ");
    RUN("{range: {min: 0, max: 10}}", T("five"), "ERR:\"five\" is not a number");
    RUN("{range: {min: 0, max: 10}}", value_real(NAN), "ERR:NaN is not a finite number");
    RUN("{range: {min: 0, max: 10}}", value_null(), "NULL");
    RUN("{range: {min: -1.5}}", T("-1.5"), "-1.5");
    RUN("{range: {min: -1.5}}", T("-1.51"), "ERR:value below minimum -1.5");
    RUN("{range: {max: 9223372036854775806}}", value_int(INT64_MAX), "ERR:value above maximum 9223372036854775806");
    RUN("{range: {max: 9223372036854775806}}", value_int(INT64_MAX - 1), "i:9223372036854775806");
    RUN("{range: {max: 100}}", value_int(-1000), "i:-1000");
    RUN("{range: {min: 0.5, max: 0.75}}", T("0.7"), "0.7");
    RUN("{range: {min: 0.5, max: 0.75}}", T("0.76"), "ERR:value not in [0.5, 0.75]");
    cerr("{range: {min: a}}", 2, 19, "range: min must be a number");
    cerr("{range: {min: 2, max: 1}}", 2, 13, "range: min is greater than max");
    cerr("{range: {}}", 2, 13, "range: expected a map with min and/or max");
    cerr("range", 2, 5, "range: expected a map with min and/or max");
}

static void test_uuid_json(void)
{
    const char *want = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
    RUN("to_uuid", T("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), want);
    RUN("to_uuid", T("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), want);
    RUN("to_uuid", T("a0eebc999c0b4ef8bb6d6bb9bd380a11"), want);
    RUN("to_uuid", T("{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"), want);
    RUN("to_uuid", T("urn:uuid:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), want);
    RUN("to_uuid", T("a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11"), want);
    RUN("to_uuid", T(" a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 "), want);
    RUN("to_uuid", value_blob("\xa0\xee\xbc\x99\x9c\x0b\x4e\xf8\xbb\x6d\x6b\xb9\xbd\x38\x0a\x11", 16), want);
    RUN("to_uuid", T("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"), "ERR:\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1\" is not a valid uuid");
    RUN("to_uuid", T("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111"), "ERR:\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111\" is not a valid uuid");
    RUN("to_uuid", T("a0eebc9-99c0b-4ef8-bb6d-6bb9bd380a11"), "ERR:\"a0eebc9-99c0b-4ef8-bb6d-6bb9bd380a11\" is not a valid uuid");
    RUN("to_uuid", T("-a0eebc999c0b4ef8bb6d6bb9bd380a11"), "ERR:\"-a0eebc999c0b4ef8bb6d6bb9bd380a11\" is not a valid uuid");
    RUN("to_uuid", T("a0eebc999c0b4ef8bb6d6bb9bd380a11-"), "ERR:\"a0eebc999c0b4ef8bb6d6bb9bd380a11-\" is not a valid uuid");
    RUN("to_uuid", T("a0ee--bc999c0b4ef8bb6d6bb9bd380a11"), "ERR:\"a0ee--bc999c0b4ef8bb6d6bb9bd380a11\" is not a valid uuid");
    /* 36 characters with dashes in place, but not canonical: past the fast path */
    RUN("to_uuid", T("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380A11"), want);
    RUN("to_uuid", T("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380g11"), "ERR:\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380g11\" is not a valid uuid");
    RUN("to_uuid", T("a0eebc99-9c0b-4ef8-bb6d-6bb9bd3-0a11"), "ERR:\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd3-0a11\" is not a valid uuid");
    RUN("to_uuid", T("a0eebc99-9c0b-4ef8-bb6d-6bb9bd38/a11"), "ERR:\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd38/a11\" is not a valid uuid");
    RUN("to_uuid", T("g0eebc999c0b4ef8bb6d6bb9bd380a11"), "ERR:\"g0eebc999c0b4ef8bb6d6bb9bd380a11\" is not a valid uuid");
    RUN("to_uuid", T("{a0eebc999c0b4ef8bb6d6bb9bd380a11"), "ERR:\"{a0eebc999c0b4ef8bb6d6bb9bd380a11\" is not a valid uuid");
    RUN("to_uuid", T(""), "ERR:\"\" is not a valid uuid");
    RUN("to_uuid", value_blob("abc", 3), "ERR:\"\\\\x616263\" is not a valid uuid");
    RUN("to_uuid", value_int(5), "ERR:\"5\" is not a valid uuid");
    RUN("to_uuid", value_null(), "NULL");

    RUN("json", T("{\"a\": [1, 2.5e3, true, null, \"x\"]}"), "{\"a\": [1, 2.5e3, true, null, \"x\"]}");
    RUN("json", T("  42 "), "  42 ");
    RUN("json", T("{\"a\": }"), "ERR:not valid JSON (at byte 6)");
    RUN("json", T(""), "ERR:not valid JSON (at byte 0)");
    RUN("json", T("[1,]"), "ERR:not valid JSON (at byte 3)");
    RUN("json", T("{'a': 1}"), "ERR:not valid JSON (at byte 1)");
    RUN("json", value_int(7), "i:7");
    RUN("json", value_real(NAN), "ERR:not valid JSON (at byte 0)");
    RUN("json", value_null(), "NULL");
    RUN("json", value_text("\"a\0\"", 4), "ERR:not valid JSON (at byte 0)");
}

static void test_checks(void)
{
    RUN("{in: [a, b, '']}", T("a"), "a");
    RUN("{in: [a, b, '']}", T(""), "");
    RUN("{in: [a, b, '']}", T("A"), "ERR:\"A\" is not one of \"a\", \"b\", \"\"");
    RUN("{in: [a, b]}", value_null(), "NULL");
    RUN("{in: ['1', '2']}", value_int(2), "i:2");
    RUN("{in: [a]}", value_text("a\0", 2), "ERR:\"a\\x00\" is not one of \"a\"");
    cerr("{in: {a: 1}}", 2, 10, "in: expected a list of strings");
    cerr("{in: []}", 2, 10, "in: expected a list of strings");
    RUN("not_null", value_null(), "ERR:value is null");
    RUN("not_null", T(""), "");
    RUN("not_null", value_int(0), "i:0");
    RUN("{map: {M: male, F: female, ~: unknown, X: ~}}", T("M"), "male");
    RUN("{map: {M: male, F: female, ~: unknown, X: ~}}", T("f"), "f");
    RUN("{map: {M: male, F: female, ~: unknown, X: ~}}", value_null(), "unknown");
    RUN("{map: {M: male, F: female, ~: unknown, X: ~}}", T("X"), "NULL");
    RUN("{map: {M: male}}", value_null(), "NULL");
    RUN("{map: {'1': one, 'true': yes}}", value_int(1), "one");
    RUN("{map: {'1': one, 'true': yes}}", value_bool(1), "yes");
    RUN("{map: {'null': was null}}", T("null"), "was null");
    cerr("{map: [a]}", 2, 11, "map: expected a map of from: to values");
    cerr("{map: {a: [b]}}", 2, 15, "map: keys and values must be scalars");
}

/* The pipeline of the mapping-format example: ops chain on one value. */
static void test_pipeline(void)
{
    const char *items[] = {"trim", "{null_if: ['', N/A]}", "{default: '0'}", "to_int", "{range: {min: 0, max: 10}}"};
    Op ops[5];
    Diags d;
    int okc = 1;
    for (int i = 0; i < 5; i++) {
        okc &= compile(&ops[i], items[i], &d) == 0;
        diags_free(&d);
    }
    ok(okc, "pipeline compiles");
    const char *in[] = {" 7 ", " N/A ", "11", "x"};
    const char *want[] = {"i:7", "i:0", "ERR:value not in [0, 10]", "ERR:\"x\" is not an integer"};
    for (int k = 0; k < 4; k++) {
        Value v = T(in[k]);
        char msg[256];
        int rc = 0;
        for (int i = 0; i < 5 && rc == 0; i++)
            rc = op_run(&ops[i], &v, scratch, msg, sizeof msg);
        is_str(show(rc, &v, msg), want[k], "pipeline on \"%s\"", in[k]);
        arena_reset(scratch);
    }
    for (int i = 0; i < 5; i++)
        op_free(&ops[i]);
}

static void test_value(void)
{
    size_t len;
    Value v = value_real(0.1);
    is_str(value_as_text(&v, scratch, &len), "0.1", "real shortest");
    v = value_real(1.0 / 3);
    is_str(value_as_text(&v, scratch, &len), "0.3333333333333333", "real 16 digits");
    v = value_real(1e300);
    is_str(value_as_text(&v, scratch, &len), "1e+300", "real exponent");
    v = value_real(-INFINITY);
    is_str(value_as_text(&v, scratch, &len), "-Infinity", "real -inf");
    v = value_int(INT64_MIN);
    is_str(value_as_text(&v, scratch, &len), "-9223372036854775808", "int min");
    v = value_bool(0);
    is_str(value_as_text(&v, scratch, &len), "false", "bool");
    v = value_blob("\x00\xff", 2);
    is_str(value_as_text(&v, scratch, &len), "\\x00ff", "blob hex");
    is_int(len, 6, "blob hex length");
    v = value_null();
    ok(value_as_text(&v, scratch, &len) == NULL, "null gives NULL");
    v = T("abc");
    ok(value_as_text(&v, scratch, &len) == v.s, "text is itself");
    is_str(value_kind_name(VAL_BOOL), "boolean", "kind name");
    is_str(value_kind_name(VAL_BLOB), "blob", "kind name blob");
    arena_reset(scratch);
}

/* strip_nul and fix_utf8: the policies init writes for text PostgreSQL
 * refuses.  Text with NUL bytes is built with an explicit length. */
static void test_clean(void)
{
    RUN("strip_nul", value_text("a\0b\0", 4), "ab");
    RUN("strip_nul", T("plain"), "plain");
    RUN("strip_nul", value_null(), "NULL");
    RUN("strip_nul", value_int(7), "i:7");
    RUN("fix_utf8", T("caf\xe9"), "caf\xc3\xa9");
    RUN("{fix_utf8: latin1}", T("\xff"), "\xc3\xbf");
    RUN("{fix_utf8: replace}", T("a\xc3(b"), "a\xef\xbf\xbd(b");
    RUN("fix_utf8", T("d\xc3\xa9j\xc3\xa0"), "d\xc3\xa9j\xc3\xa0");
    RUN("fix_utf8", value_null(), "NULL");
    cerr("{fix_utf8: utf16}", 2, 16, "fix_utf8: expected latin1 or replace");
    cerr("{strip_nul: [1]}", 2, 17, "strip_nul: takes no arguments");
}

int main(void)
{
    scratch = arena_new();
    test_registry();
    test_describe();
    test_null_if_default();
    test_trim_case();
    test_regex_replace();
    test_regex_extract();
    test_match();
    test_to_int();
    test_to_numeric();
    test_to_bool();
    test_range();
    test_uuid_json();
    test_checks();
    test_pipeline();
    test_value();
    test_clean();
    arena_free(scratch);
    return done_testing();
}
