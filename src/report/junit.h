/* junit.h - JUnit XML documents, the one writer behind `run/fuzz/merge
 * --junit` (output_junit.c: a testcase per report entry) and `test --junit`
 * (testrun_junit.c: a testsuite per file, a testcase per test). The caller
 * builds the document; this file owns the dialect (the one Jenkins, GitLab and
 * the GitHub test-reporter actions read), the counts and the escaping (XML
 * 1.0, characters it cannot carry dropped: xml_escape.h).
 *
 *   <testsuites name= tests= failures= errors= skipped= time=>
 *     <testsuite name= [file=] tests= failures= errors= skipped= time=>
 *       [<properties><property name= value=/>...</properties>]
 *       <testcase classname= name= [file=] time=>     (bare "/>" when it passed
 *         <failure|error message= type=>BODY</...>     and has nothing to say)
 *         <skipped message=/>
 *         <system-out>TEXT</system-out>
 *       </testcase> ... */
#ifndef FTSTRESS_JUNIT_H
#define FTSTRESS_JUNIT_H

#include <stdbool.h>
#include <stddef.h>

enum junit_status { JUNIT_PASSED, JUNIT_FAILURE, JUNIT_ERROR, JUNIT_SKIPPED };

/* One testcase; every string is owned by the document. */
struct junit_case {
    char *classname, *name;
    char *file; /* or NULL */
    double seconds;
    enum junit_status status;
    char *type;       /* failure/error: e.g. "ftstress.finding"; NULL otherwise */
    char *message;    /* one line: failure/error/skipped; NULL otherwise */
    char *body;       /* failure/error: plain text, or NULL */
    char *system_out; /* or NULL */
};

struct junit_property {
    char *name, *value;
};

struct junit_suite {
    char *name;
    char *file; /* or NULL */
    double seconds;
    struct junit_property *properties; /* written only when there are any */
    size_t nproperties;
    struct junit_case *cases;
    size_t ncases;
};

struct junit_doc {
    char *name;
    double seconds;
    struct junit_suite *suites;
    size_t nsuites;
};

/* A new suite (zeroed, its name and file copied) at the end of doc. */
struct junit_suite *junit_addSuite(struct junit_doc *doc, const char *name, const char *file,
                                   double seconds);

/* A property name=value (copied) of suite; a NULL value is left out. */
void junit_addProperty(struct junit_suite *suite, const char *name, const char *value);

/* A new testcase (zeroed; its strings copied) at the end of suite; the
 * caller sets status and takes the message/body fields' ownership in by
 * assigning strings from malloc. */
struct junit_case *junit_addCase(struct junit_suite *suite, const char *classname, const char *name,
                                 const char *file, double seconds);

/* The document as XML. Caller frees; its length in *len (may be NULL). */
char *junit_render(const struct junit_doc *doc, size_t *len);

/* junit_render written to path atomically. False with errno set. */
bool junit_write(const char *path, const struct junit_doc *doc);

/* Frees what doc owns. */
void junit_free(struct junit_doc *doc);

#endif
