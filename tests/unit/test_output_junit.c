/* Unit tests of src/report/output_junit.c (the JUnit XML report) and src/lib/xml_escape.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "output_fixture.h"
#include "output_junit.h"
#include "signature.h"
#include "util.h"
#include "xml_escape.h"

/* ---- a small XML 1.0 well-formedness check, sharing no code with the writer */

/* Length of the valid UTF-8 sequence at s and its code point, 0 when invalid. */
static size_t utf8_len(const unsigned char *s, uint32_t *cp) {
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
    if (n == 0 || s[0] > 0xf4) {
        return 0;
    }
    uint32_t v = s[0] & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < min[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        return 0;
    }
    *cp = v;
    return n;
}

static bool xml_legal(uint32_t c) {
    return c == 9 || c == 10 || c == 13 || (c >= 0x20 && c <= 0xd7ff) ||
           (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

static bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':';
}

/* An entity or character reference at s ('&'), its length or 0. */
static size_t reference_len(const char *s) {
    static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
    for (size_t i = 0; i < 5; i++) {
        if (strncmp(s, named[i], strlen(named[i])) == 0) {
            return strlen(named[i]);
        }
    }
    if (s[1] != '#') {
        return 0;
    }
    char *end;
    unsigned long v = s[2] == 'x' ? strtoul(s + 3, &end, 16) : strtoul(s + 2, &end, 10);
    if (*end != ';' || end == s + 2 || !xml_legal((uint32_t)v)) {
        return 0;
    }
    return (size_t)(end - s) + 1;
}

/* NULL when doc is well-formed XML 1.0 with one root element, else why not. */
static const char *xml_check(const char *doc) {
    const unsigned char *u = (const unsigned char *)doc;
    for (size_t i = 0; u[i];) {
        uint32_t cp;
        size_t n = utf8_len(u + i, &cp);
        if (n == 0) {
            return "invalid UTF-8";
        }
        if (!xml_legal(cp)) {
            return "a character XML 1.0 does not allow";
        }
        i += n;
    }
    if (strncmp(doc, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38) != 0) {
        return "no XML declaration";
    }
    const char *p = strstr(doc, "?>") + 2;
    char stack[16][64];
    int depth = 0, roots = 0;
    while (*p) {
        if (*p == '<') {
            bool closing = p[1] == '/';
            const char *name = p + 1 + closing;
            size_t nlen = 0;
            while (is_name_char(name[nlen])) {
                nlen++;
            }
            if (nlen == 0 || nlen >= 64) {
                return "a bad element name";
            }
            p = name + nlen;
            if (closing) {
                if (depth == 0 || strncmp(stack[depth - 1], name, nlen) != 0 ||
                    stack[depth - 1][nlen] != '\0') {
                    return "a mismatched end tag";
                }
                depth--;
                while (*p == ' ') {
                    p++;
                }
                if (*p++ != '>') {
                    return "a bad end tag";
                }
                continue;
            }
            if (depth == 0 && ++roots > 1) {
                return "more than one root element";
            }
            /* attributes */
            char seen[16][64];
            int nseen = 0;
            for (;;) {
                while (*p == ' ' || *p == '\n' || *p == '\t') {
                    p++;
                }
                if (*p == '>' || (p[0] == '/' && p[1] == '>')) {
                    break;
                }
                size_t alen = 0;
                while (is_name_char(p[alen])) {
                    alen++;
                }
                if (alen == 0 || alen >= 64 || p[alen] != '=' || p[alen + 1] != '"') {
                    return "a bad attribute";
                }
                for (int k = 0; k < nseen; k++) {
                    if (strncmp(seen[k], p, alen) == 0 && seen[k][alen] == '\0') {
                        return "a repeated attribute";
                    }
                }
                if (nseen < 16) {
                    snprintf(seen[nseen++], 64, "%.*s", (int)alen, p);
                }
                p += alen + 2;
                while (*p && *p != '"') {
                    if (*p == '<') {
                        return "'<' in an attribute value";
                    }
                    if (*p == '&') {
                        size_t r = reference_len(p);
                        if (r == 0) {
                            return "a bad reference in an attribute value";
                        }
                        p += r;
                    } else {
                        p++;
                    }
                }
                if (*p++ != '"') {
                    return "an unterminated attribute value";
                }
            }
            if (*p == '/') {
                p += 2; /* empty element */
            } else {
                if (depth >= 16) {
                    return "too deep";
                }
                snprintf(stack[depth++], 64, "%.*s", (int)nlen, name);
                p++;
            }
            continue;
        }
        if (depth == 0 && *p != '\n' && *p != ' ') {
            return "text outside the root element";
        }
        if (*p == '&') {
            size_t r = reference_len(p);
            if (r == 0) {
                return "a bad reference in text";
            }
            p += r;
            continue;
        }
        if (strncmp(p, "]]>", 3) == 0) {
            return "']]>' in text";
        }
        p++;
    }
    return depth == 0 && roots == 1 ? NULL : "unclosed elements";
}

/* Text with references resolved (enough for the ones the writer makes). Caller frees. */
static char *xml_unescape(const char *s, size_t n) {
    char *out = malloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        static const struct {
            const char *ref;
            char c;
        } refs[] = {{"&amp;", '&'},   {"&lt;", '<'},  {"&gt;", '>'},   {"&quot;", '"'},
                    {"&apos;", '\''}, {"&#9;", '\t'}, {"&#10;", '\n'}, {"&#13;", '\r'}};
        bool done = false;
        for (size_t r = 0; r < sizeof(refs) / sizeof(refs[0]) && !done; r++) {
            size_t len = strlen(refs[r].ref);
            if (i + len <= n && strncmp(s + i, refs[r].ref, len) == 0) {
                out[k++] = refs[r].c;
                i += len;
                done = true;
            }
        }
        if (!done) {
            out[k++] = s[i++];
        }
    }
    out[k] = '\0';
    return out;
}

/* The resolved value of attribute name in the first element starting with
 * open (e.g. "<failure"), or NULL. Caller frees. */
static char *attribute_of(const char *doc, const char *open, const char *name) {
    const char *el = strstr(doc, open);
    if (el == NULL) {
        return NULL;
    }
    const char *end = strchr(el, '>');
    char *needle = util_asprintf(" %s=\"", name);
    const char *a = strstr(el, needle);
    size_t skip = strlen(needle);
    free(needle);
    if (a == NULL || a > end) {
        return NULL;
    }
    a += skip;
    return xml_unescape(a, strcspn(a, "\""));
}

/* The resolved text of the first <element ...>text</element>, or NULL. Caller frees. */
static char *text_of(const char *doc, const char *element) {
    char *open = util_asprintf("<%s ", element);
    char *close = util_asprintf("</%s>", element);
    const char *start = strstr(doc, open);
    const char *gt = start ? strchr(start, '>') : NULL;
    const char *end = gt ? strstr(gt, close) : NULL;
    free(open);
    free(close);
    return end ? xml_unescape(gt + 1, (size_t)(end - gt - 1)) : NULL;
}

static size_t count_of(const char *doc, const char *needle) {
    size_t n = 0;
    for (const char *p = strstr(doc, needle); p != NULL; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

static char *render(const struct fixture *fx) {
    size_t len;
    char *doc = output_junitRender(&fx->run, &len);
    assert_int_equal(strlen(doc), len);
    const char *why = xml_check(doc);
    if (why != NULL) {
        fail_msg("not well-formed XML: %s", why);
    }
    return doc;
}

/* ---- the tests */

static void test_junit_report_is_well_formed_xml_with_one_testcase_per_scenario(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    char *doc = render(&fx);
    assert_int_equal(count_of(doc, "<testsuite "), 1);
    assert_int_equal(count_of(doc, "<testcase "), 3);
    assert_non_null(
        strstr(doc, "<testcase classname=\"ftstress.scenarios\" name=\"counter_global\""));
    assert_non_null(
        strstr(doc, "<testcase classname=\"ftstress.scenarios\" name=\"counter_locked\""));
    assert_non_null(strstr(doc, "<testcase classname=\"ftstress.scenarios\" name=\"bad_import\""));
    /* A passing scenario is a bare testcase. */
    assert_non_null(strstr(doc,
                           "name=\"counter_locked\" file=\"scenarios/builtin/counter_locked.py\" "
                           "time=\"2.500\"/>"));
    assert_int_equal(count_of(doc, "<failure "), 1);
    assert_int_equal(count_of(doc, "<error "), 1);
    free(doc);
    fixture_free(&fx);
}

static void test_junit_suite_counts_tests_failures_errors_and_time(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    char *doc = render(&fx);
    char *tests = attribute_of(doc, "<testsuite ", "tests");
    char *failures = attribute_of(doc, "<testsuite ", "failures");
    char *errors = attribute_of(doc, "<testsuite ", "errors");
    char *time = attribute_of(doc, "<testsuite ", "time");
    char *name = attribute_of(doc, "<testsuite ", "name");
    assert_string_equal(tests, "3");
    assert_string_equal(failures, "1");
    assert_string_equal(errors, "1");
    assert_string_equal(time, "6.625");
    assert_string_equal(name, "ftstress");
    assert_non_null(strstr(doc, "<property name=\"seed\" value=\"18446744073709551615\"/>"));
    assert_non_null(strstr(doc, "<property name=\"runtime.version\" value=\"3.13.15\"/>"));
    free(tests);
    free(failures);
    free(errors);
    free(time);
    free(name);
    free(doc);
    fixture_free(&fx);
}

static void test_junit_failure_holds_outcomes_lost_updates_and_findings(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    char *doc = render(&fx);
    char *message = attribute_of(doc, "<failure ", "message");
    assert_string_equal(message, "interesting outcome 'lost updates' (369 of 400 samples); lost "
                                 "748788 of 1600000 updates; 1 crash; 3 ThreadSanitizer reports");
    char *body = text_of(doc, "failure");
    assert_non_null(body);
    assert_non_null(strstr(body, "lost updates                    369   92.25%  interesting  "
                                 "cnt += 1 is not atomic"));
    assert_non_null(strstr(body, "lost updates: expected 1600000, observed 851212, lost 748788 "
                                 "(46.80%) in 369 of 400 states"));
    assert_non_null(strstr(body, "failing seeds: 1 18446744073709551615"));
    assert_non_null(strstr(body, "replay: ftstress replay ftstress-corpus/counter_global-"));
    char id[17];
    signature_id(FIXTURE_RACE_SIG, id);
    char *race = util_asprintf("NEW finding %s: race on \"x\"", id);
    assert_non_null(strstr(body, race));
    assert_non_null(strstr(body, "  signature " FIXTURE_RACE_SIG));
    assert_non_null(strstr(body, "  at Objects/dictobject.c:1234 in insertdict"));
    assert_non_null(strstr(body, "    Write of size 8 by thread T1:"));
    assert_non_null(strstr(body, "  Python stack:\n    File \"x.py\", line 3, in f"));
    /* Known-ness comes from the run's set, which the baseline marked. */
    signature_id(FIXTURE_CRASH_SIG, id);
    char *crash = util_asprintf("known finding %s: crash (signal 11)", id);
    assert_non_null(strstr(body, crash));
    assert_non_null(strstr(body, "  at /src/root/ext/my mod.c in mod_get"));
    free(crash);
    free(race);
    free(body);
    free(message);
    free(doc);
    fixture_free(&fx);
}

static void test_junit_scenario_that_could_not_run_gets_an_error_element(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    char *doc = render(&fx);
    char *message = attribute_of(doc, "<error ", "message");
    char *type = attribute_of(doc, "<error ", "type");
    char *body = text_of(doc, "error");
    assert_string_equal(message,
                        "scenario error: bad_import.py:3: ModuleNotFoundError: No module named "
                        "'nope' <&>");
    assert_string_equal(type, "ftstress.scenario-error");
    assert_string_equal(body, "bad_import.py:3: ModuleNotFoundError: No module named 'nope' <&>\n");
    free(message);
    free(type);
    free(body);
    free(doc);
    fixture_free(&fx);
}

static void test_junit_escapes_markup_and_drops_characters_xml_cannot_carry(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    char *doc = render(&fx);
    /* In text, & < > are references; quotes stay. */
    assert_non_null(strstr(doc, "race on \"x\" &lt;&amp;'&gt; \\ end\nsecond line\t \xc3\xa9 bad:"
                                "\xef\xbf\xbd trunc:\xef\xbf\xbd\xef\xbf\xbd sur:\xef\xbf\xbd"));
    assert_null(strchr(doc, '\x01'));
    assert_null(strchr(doc, '\x1f'));
    assert_null(strstr(doc, "\xed\xa0\x80"));
    /* In attributes, quotes are references too. */
    assert_non_null(strstr(doc, "No module named &apos;nope&apos; &lt;&amp;&gt;\" type="));
    free(doc);
    fixture_free(&fx);
}

static void test_xml_escape_in_attributes_keeps_whitespace_as_references(void **state) {
    char *attr = xmlesc_string("a\"b'c<d>e&f\tg\nh\ri\x01j\x7fk\xef\xbf\xbel\xff", true);
    assert_string_equal(attr,
                        "a&quot;b&apos;c&lt;d&gt;e&amp;f&#9;g&#10;h&#13;ij\x7fkl\xef\xbf\xbd");
    char *text = xmlesc_string("a\"b'c<d>e&f\tg\nh\ri\x01j]]>", false);
    assert_string_equal(text, "a\"b'c&lt;d&gt;e&amp;f\tg\nh&#13;ij]]&gt;");
    char *empty = xmlesc_string(NULL, false);
    assert_string_equal(empty, "");
    free(attr);
    free(text);
    free(empty);
}

static void test_junit_report_of_an_empty_run_is_well_formed(void **state) {
    struct output_run run = {0};
    char *doc = output_junitRender(&run, NULL);
    assert_null(xml_check(doc));
    assert_non_null(strstr(doc, "tests=\"0\" failures=\"0\" errors=\"0\""));
    free(doc);
}

static void test_junit_write_puts_the_rendered_document_in_place(void **state) {
    struct fixture fx;
    fixture_build(&fx);
    char dir[] = "/tmp/ftstress-test-junit-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *path = util_asprintf("%s/junit.xml", dir);
    assert_true(output_junitWrite(path, &fx.run));
    size_t len, want_len;
    char *got = util_readFile(path, &len);
    char *want = output_junitRender(&fx.run, &want_len);
    assert_int_equal(len, want_len);
    assert_memory_equal(got, want, len);
    unlink(path);
    rmdir(dir);
    free(got);
    free(want);
    free(path);
    fixture_free(&fx);
}

static void test_xml_checker_rejects_what_xml_forbids(void **state) {
    /* The checker above is what the other tests trust; it must say no. */
    static const char *const bad[] = {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b></a></b>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"<\"/>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>&bogus;</a>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\x01</a>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>\xff</a>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a/><b/>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"1\" x=\"2\"/>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>&#1;</a>",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (xml_check(bad[i]) == NULL) {
            fail_msg("accepted bad document %zu", i);
        }
    }
    assert_null(
        xml_check("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a x=\"&quot;\">&#9;</a>\n"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_junit_report_is_well_formed_xml_with_one_testcase_per_scenario),
        cmocka_unit_test(test_junit_suite_counts_tests_failures_errors_and_time),
        cmocka_unit_test(test_junit_failure_holds_outcomes_lost_updates_and_findings),
        cmocka_unit_test(test_junit_scenario_that_could_not_run_gets_an_error_element),
        cmocka_unit_test(test_junit_escapes_markup_and_drops_characters_xml_cannot_carry),
        cmocka_unit_test(test_xml_escape_in_attributes_keeps_whitespace_as_references),
        cmocka_unit_test(test_junit_report_of_an_empty_run_is_well_formed),
        cmocka_unit_test(test_junit_write_puts_the_rendered_document_in_place),
        cmocka_unit_test(test_xml_checker_rejects_what_xml_forbids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
