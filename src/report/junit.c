/* junit.c - rendering JUnit XML documents; see junit.h. */
#include "junit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xml_escape.h"

struct junit_suite *junit_addSuite(struct junit_doc *doc, const char *name, const char *file,
                                   double seconds) {
    doc->suites = util_grow(doc->suites, doc->nsuites, sizeof(*doc->suites));
    struct junit_suite *s = &doc->suites[doc->nsuites++];
    s->name = util_dup(name);
    s->file = util_dup(file);
    s->seconds = seconds;
    return s;
}

void junit_addProperty(struct junit_suite *suite, const char *name, const char *value) {
    if (value == NULL) {
        return;
    }
    suite->properties =
        util_grow(suite->properties, suite->nproperties, sizeof(*suite->properties));
    suite->properties[suite->nproperties++] =
        (struct junit_property){util_dup(name), util_dup(value)};
}

struct junit_case *junit_addCase(struct junit_suite *suite, const char *classname, const char *name,
                                 const char *file, double seconds) {
    suite->cases = util_grow(suite->cases, suite->ncases, sizeof(*suite->cases));
    struct junit_case *c = &suite->cases[suite->ncases++];
    c->classname = util_dup(classname);
    c->name = util_dup(name);
    c->file = util_dup(file);
    c->seconds = seconds;
    return c;
}

/* name="value" with value escaped for an attribute. */
static void junit_attr(FILE *out, const char *name, const char *value) {
    fprintf(out, " %s=\"", name);
    xmlesc_write(out, value ? value : "", true);
    fputc('"', out);
}

struct junit_counts {
    size_t tests;
    int failures, errors, skipped;
};

static void junit_count(const struct junit_suite *s, struct junit_counts *c) {
    for (size_t i = 0; i < s->ncases; i++) {
        c->tests++;
        c->failures += s->cases[i].status == JUNIT_FAILURE;
        c->errors += s->cases[i].status == JUNIT_ERROR;
        c->skipped += s->cases[i].status == JUNIT_SKIPPED;
    }
}

static void junit_counts(FILE *out, const struct junit_counts *c, double seconds) {
    fprintf(out, " tests=\"%zu\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
            c->tests, c->failures, c->errors, c->skipped, seconds);
}

static void junit_case(FILE *out, const struct junit_case *c) {
    fputs("    <testcase", out);
    junit_attr(out, "classname", c->classname);
    junit_attr(out, "name", c->name);
    if (c->file != NULL) {
        junit_attr(out, "file", c->file);
    }
    fprintf(out, " time=\"%.3f\"", c->seconds);
    if (c->status == JUNIT_PASSED && c->system_out == NULL) {
        fputs("/>\n", out);
        return;
    }
    fputs(">\n", out);
    if (c->status == JUNIT_FAILURE || c->status == JUNIT_ERROR) {
        const char *element = c->status == JUNIT_FAILURE ? "failure" : "error";
        fprintf(out, "      <%s", element);
        junit_attr(out, "message", c->message);
        junit_attr(out, "type", c->type);
        fputs(">", out);
        xmlesc_write(out, c->body ? c->body : "", false);
        fprintf(out, "</%s>\n", element);
    } else if (c->status == JUNIT_SKIPPED) {
        fputs("      <skipped", out);
        junit_attr(out, "message", c->message ? c->message : "skipped");
        fputs("/>\n", out);
    }
    if (c->system_out != NULL) {
        fputs("      <system-out>", out);
        xmlesc_write(out, c->system_out, false);
        fputs("</system-out>\n", out);
    }
    fputs("    </testcase>\n", out);
}

char *junit_render(const struct junit_doc *doc, size_t *len) {
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    if (out == NULL) {
        abort();
    }
    struct junit_counts all = {0};
    for (size_t i = 0; i < doc->nsuites; i++) {
        junit_count(&doc->suites[i], &all);
    }
    /* The counts are repeated on <testsuites>: some readers total only those. */
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", out);
    junit_attr(out, "name", doc->name);
    junit_counts(out, &all, doc->seconds);
    for (size_t i = 0; i < doc->nsuites; i++) {
        const struct junit_suite *s = &doc->suites[i];
        struct junit_counts c = {0};
        junit_count(s, &c);
        fputs("  <testsuite", out);
        junit_attr(out, "name", s->name);
        if (s->file != NULL) {
            junit_attr(out, "file", s->file);
        }
        junit_counts(out, &c, s->seconds);
        if (s->nproperties > 0) {
            fputs("    <properties>\n", out);
            for (size_t k = 0; k < s->nproperties; k++) {
                fputs("      <property", out);
                junit_attr(out, "name", s->properties[k].name);
                junit_attr(out, "value", s->properties[k].value);
                fputs("/>\n", out);
            }
            fputs("    </properties>\n", out);
        }
        for (size_t k = 0; k < s->ncases; k++) {
            junit_case(out, &s->cases[k]);
        }
        fputs("  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    if (fclose(out) != 0) {
        abort(); /* only a failed allocation can fail a memory stream */
    }
    if (len != NULL) {
        *len = n;
    }
    return buf;
}

bool junit_write(const char *path, const struct junit_doc *doc) {
    size_t len;
    char *text = junit_render(doc, &len);
    bool ok = util_writeFileAtomic(path, text, len);
    int saved = errno; /* the caller reports the write's errno, not free's */
    free(text);
    errno = saved;
    return ok;
}

void junit_free(struct junit_doc *doc) {
    for (size_t i = 0; i < doc->nsuites; i++) {
        struct junit_suite *s = &doc->suites[i];
        for (size_t k = 0; k < s->nproperties; k++) {
            free(s->properties[k].name);
            free(s->properties[k].value);
        }
        for (size_t k = 0; k < s->ncases; k++) {
            struct junit_case *c = &s->cases[k];
            free(c->classname);
            free(c->name);
            free(c->file);
            free(c->type);
            free(c->message);
            free(c->body);
            free(c->system_out);
        }
        free(s->properties);
        free(s->cases);
        free(s->name);
        free(s->file);
    }
    free(doc->suites);
    free(doc->name);
    memset(doc, 0, sizeof(*doc));
}
