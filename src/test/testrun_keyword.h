/* testrun_keyword.h - `ftstress test -k EXPR`: pytest's keyword expressions.
 *
 *   expr     := and_expr ("or" and_expr)*
 *   and_expr := not_expr ("and" not_expr)*
 *   not_expr := "not" not_expr | "(" expr ")" | WORD
 *
 * A WORD (letters, digits and _ : + - . [ ] \ / characters) matches a test
 * whose name ("path/test_x.py::Class::test_y") contains it, ignoring case.
 * The expression is compiled here, once, into a postfix program the harness
 * evaluates for every test it collects (scenarios/testharness.py,
 * keyword_matches): tokens separated by one space, "=WORD" a match, "!" not,
 * "&" and, "|" or. An empty expression compiles to "" and matches everything. */
#ifndef FTSTRESS_TESTRUN_KEYWORD_H
#define FTSTRESS_TESTRUN_KEYWORD_H

#include <stdbool.h>
#include <stddef.h>

/* The postfix program of expr, or NULL with "column N: reason" in err (N
 * 1-based). Caller frees. */
char *testrun_keywordCompile(const char *expr, char *err, size_t errlen);

/* True when the compiled program matches name. */
bool testrun_keywordMatch(const char *program, const char *name);

#endif
