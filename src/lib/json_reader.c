/* json_reader.c - the strict, bounded JSON parser; see json_reader.h.
 *
 * Recursive descent over the bytes, with the position (line, column) kept
 * as it goes so that every error and every value can name where it is. The
 * depth limit bounds the recursion, so a document of a million '[' is an
 * error at the 65th, not a stack overflow. */
#include "json_reader.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "json_writer.h"
#include "util.h"

struct jsonr_parser {
    const unsigned char *s;
    size_t n, pos;
    int line, column; /* of s[pos] */
    int depth;
    size_t values;
    struct jsonr_limits limits;
    struct jsonr_error *error;
    bool failed;
};

static void jsonr_fail(struct jsonr_parser *p, int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void jsonr_fail(struct jsonr_parser *p, int line, int column, const char *fmt, ...) {
    if (p->failed) {
        return; /* the first error is the one that counts */
    }
    p->failed = true;
    p->error->line = line;
    p->error->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->error->message, sizeof(p->error->message), fmt, ap);
    va_end(ap);
}

/* Moves past one byte, keeping line and column: a new line after '\n', and
 * one column per character (UTF-8 continuation bytes do not count). */
static void jsonr_advance(struct jsonr_parser *p) {
    unsigned char c = p->s[p->pos++];
    if (c == '\n') {
        p->line++;
        p->column = 1;
    } else if ((c & 0xc0) != 0x80) {
        p->column++;
    }
}

static void jsonr_skipSpace(struct jsonr_parser *p) {
    while (p->pos < p->n) {
        unsigned char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return;
        }
        jsonr_advance(p);
    }
}

/* An error about the character at the current position, described. */
static void jsonr_failHere(struct jsonr_parser *p, const char *what) {
    if (p->pos >= p->n) {
        jsonr_fail(p, p->line, p->column, "unexpected end of input: %s", what);
        return;
    }
    unsigned char c = p->s[p->pos];
    uint32_t cp;
    if (c >= 0x21 && c < 0x7f) {
        jsonr_fail(p, p->line, p->column, "unexpected '%c': %s", c, what);
    } else if (c >= 0x80 && jsonw_utf8Next(p->s + p->pos, p->n - p->pos, &cp) > 1) {
        jsonr_fail(p, p->line, p->column, "unexpected character U+%04X: %s", (unsigned)cp, what);
    } else {
        jsonr_fail(p, p->line, p->column, "unexpected byte 0x%02x: %s", c, what);
    }
}

/* Whether the next bytes are word (true, false, null), consumed if so. */
static bool jsonr_literal(struct jsonr_parser *p, const char *word) {
    size_t len = strlen(word);
    if (p->n - p->pos < len || memcmp(p->s + p->pos, word, len) != 0) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        jsonr_advance(p);
    }
    return true;
}

/* A growing byte buffer for string contents. */
struct jsonr_buf {
    char *data;
    size_t len, cap;
};

static void jsonr_put(struct jsonr_buf *b, const void *bytes, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        char *grown = realloc(b->data, cap);
        if (grown == NULL) {
            abort();
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void jsonr_putCodePoint(struct jsonr_buf *b, uint32_t cp) {
    unsigned char out[4];
    size_t n;
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (unsigned char)(0xc0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (unsigned char)(0xe0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 3;
    } else {
        out[0] = (unsigned char)(0xf0 | (cp >> 18));
        out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
        out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
        out[3] = (unsigned char)(0x80 | (cp & 0x3f));
        n = 4;
    }
    jsonr_put(b, out, n);
}

/* Four hex digits after "\u" (p is at the 'u'); -1 after reporting bad ones. */
static long jsonr_hex4(struct jsonr_parser *p) {
    jsonr_advance(p); /* the 'u' */
    long v = 0;
    for (int i = 0; i < 4; i++) {
        if (p->pos >= p->n) {
            jsonr_failHere(p, "\\u takes four hex digits");
            return -1;
        }
        unsigned char c = p->s[p->pos];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) {
            jsonr_failHere(p, "\\u takes four hex digits");
            return -1;
        }
        v = v * 16 + d;
        jsonr_advance(p);
    }
    return v;
}

/* One escape sequence (p at the backslash) appended to b. */
static bool jsonr_escape(struct jsonr_parser *p, struct jsonr_buf *b) {
    int line = p->line, column = p->column;
    jsonr_advance(p); /* the backslash */
    if (p->pos >= p->n) {
        jsonr_failHere(p, "the string is not closed");
        return false;
    }
    unsigned char c = p->s[p->pos];
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *named = c != '\0' ? strchr(from, c) : NULL;
    if (named != NULL) {
        jsonr_put(b, &to[named - from], 1);
        jsonr_advance(p);
        return true;
    }
    if (c != 'u') {
        if (c >= 0x21 && c < 0x7f) {
            jsonr_fail(p, line, column,
                       "invalid escape '\\%c' (JSON has \\\" \\\\ \\/ \\b \\f \\n "
                       "\\r \\t \\uXXXX)",
                       c);
        } else {
            jsonr_fail(p, line, column, "invalid escape: a backslash before byte 0x%02x", c);
        }
        return false;
    }
    long cp = jsonr_hex4(p);
    if (cp < 0) {
        return false;
    }
    if (cp >= 0xdc00 && cp <= 0xdfff) {
        jsonr_fail(p, line, column, "lone low surrogate \\u%04lX (not after a high one)", cp);
        return false;
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (p->n - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
            jsonr_fail(p, line, column,
                       "lone high surrogate \\u%04lX (a \\uDC00-\\uDFFF escape must follow)", cp);
            return false;
        }
        int low_line = p->line, low_column = p->column;
        jsonr_advance(p); /* the backslash */
        long low = jsonr_hex4(p);
        if (low < 0) {
            return false;
        }
        if (low < 0xdc00 || low > 0xdfff) {
            jsonr_fail(p, low_line, low_column,
                       "\\u%04lX after the high surrogate \\u%04lX is not a low surrogate", low,
                       cp);
            return false;
        }
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    jsonr_putCodePoint(b, (uint32_t)cp);
    return true;
}

/* A string (p at the opening quote) into *out (NUL-terminated, length in *len). */
static bool jsonr_string(struct jsonr_parser *p, char **out, size_t *len) {
    int line = p->line, column = p->column;
    jsonr_advance(p); /* the quote */
    struct jsonr_buf b = {0};
    jsonr_put(&b, "", 0);
    for (;;) {
        if (p->pos >= p->n) {
            jsonr_fail(p, line, column, "the string starting here is not closed");
            free(b.data);
            return false;
        }
        unsigned char c = p->s[p->pos];
        if (c == '"') {
            jsonr_advance(p);
            break;
        }
        if (c == '\\') {
            if (!jsonr_escape(p, &b)) {
                free(b.data);
                return false;
            }
            continue;
        }
        if (c < 0x20) {
            jsonr_fail(p, p->line, p->column,
                       "control character U+%04X in a string (it must be escaped)", c);
            free(b.data);
            return false;
        }
        /* Copy a run of plain bytes at once, checking UTF-8 as it goes. */
        size_t start = p->pos;
        while (p->pos < p->n) {
            c = p->s[p->pos];
            if (c == '"' || c == '\\' || c < 0x20) {
                break;
            }
            if (c < 0x80) {
                jsonr_advance(p);
                continue;
            }
            uint32_t cp;
            size_t used = jsonw_utf8Next(p->s + p->pos, p->n - p->pos, &cp);
            if (used == 1) {
                jsonr_fail(p, p->line, p->column, "invalid UTF-8 (byte 0x%02x)", c);
                free(b.data);
                return false;
            }
            for (size_t i = 0; i < used; i++) {
                jsonr_advance(p);
            }
        }
        jsonr_put(&b, p->s + start, p->pos - start);
    }
    *out = b.data;
    *len = b.len;
    return true;
}

static bool jsonr_isDigit(const struct jsonr_parser *p) {
    return p->pos < p->n && p->s[p->pos] >= '0' && p->s[p->pos] <= '9';
}

/* A number (p at '-' or a digit) into v. */
static bool jsonr_number(struct jsonr_parser *p, struct jsonr_value *v) {
    size_t start = p->pos;
    bool integral = true;
    if (p->s[p->pos] == '-') {
        jsonr_advance(p);
    }
    if (!jsonr_isDigit(p)) {
        jsonr_failHere(p, "a digit is due after '-'");
        return false;
    }
    if (p->s[p->pos] == '0') {
        jsonr_advance(p);
        if (jsonr_isDigit(p)) {
            jsonr_fail(p, v->line, v->column, "a number may not have leading zeros");
            return false;
        }
    } else {
        while (jsonr_isDigit(p)) {
            jsonr_advance(p);
        }
    }
    if (p->pos < p->n && p->s[p->pos] == '.') {
        integral = false;
        jsonr_advance(p);
        if (!jsonr_isDigit(p)) {
            jsonr_failHere(p, "a digit is due after '.'");
            return false;
        }
        while (jsonr_isDigit(p)) {
            jsonr_advance(p);
        }
    }
    if (p->pos < p->n && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
        integral = false;
        jsonr_advance(p);
        if (p->pos < p->n && (p->s[p->pos] == '+' || p->s[p->pos] == '-')) {
            jsonr_advance(p);
        }
        if (!jsonr_isDigit(p)) {
            jsonr_failHere(p, "a digit is due in the exponent");
            return false;
        }
        while (jsonr_isDigit(p)) {
            jsonr_advance(p);
        }
    }
    char *text = util_strndup((const char *)p->s + start, p->pos - start);
    errno = 0;
    v->number = strtod(text, NULL);
    if (errno == ERANGE && (v->number > 1 || v->number < -1)) {
        jsonr_fail(p, v->line, v->column, "number %.40s is out of range", text);
        free(text);
        return false;
    }
    if (integral) {
        errno = 0;
        long long i = strtoll(text, NULL, 10);
        if (errno == 0) {
            v->is_integer = true;
            v->integer = i;
        }
    }
    free(text);
    v->type = JSONR_NUMBER;
    return true;
}

static bool jsonr_value(struct jsonr_parser *p, struct jsonr_value *v);

/* The array's elements, or the object's members, grown by one (zeroed). */
static void *jsonr_grow(void *items, size_t count, size_t *cap, size_t size) {
    if (count < *cap) {
        return items;
    }
    *cap = *cap ? *cap * 2 : 4;
    char *grown = realloc(items, *cap * size);
    if (grown == NULL) {
        abort();
    }
    memset(grown + count * size, 0, (*cap - count) * size);
    return grown;
}

static bool jsonr_enter(struct jsonr_parser *p, const struct jsonr_value *v) {
    if (p->depth >= p->limits.max_depth) {
        jsonr_fail(p, v->line, v->column, "nested deeper than %d levels", p->limits.max_depth);
        return false;
    }
    p->depth++;
    jsonr_advance(p); /* '[' or '{' */
    jsonr_skipSpace(p);
    return true;
}

static bool jsonr_array(struct jsonr_parser *p, struct jsonr_value *v) {
    v->type = JSONR_ARRAY;
    if (!jsonr_enter(p, v)) {
        return false;
    }
    size_t cap = 0;
    if (p->pos < p->n && p->s[p->pos] == ']') {
        jsonr_advance(p);
        p->depth--;
        return true;
    }
    for (;;) {
        v->items = jsonr_grow(v->items, v->count, &cap, sizeof(*v->items));
        if (!jsonr_value(p, &v->items[v->count++])) {
            return false;
        }
        jsonr_skipSpace(p);
        if (p->pos < p->n && p->s[p->pos] == ',') {
            jsonr_advance(p);
            jsonr_skipSpace(p);
            if (p->pos < p->n && p->s[p->pos] == ']') {
                jsonr_failHere(p, "a value is due after ',' (no trailing commas in JSON)");
                return false;
            }
            continue;
        }
        if (p->pos < p->n && p->s[p->pos] == ']') {
            jsonr_advance(p);
            p->depth--;
            return true;
        }
        jsonr_failHere(p, "',' or ']' is due in an array");
        return false;
    }
}

static int jsonr_compareKeys(const void *a, const void *b) {
    const struct jsonr_member *x = *(const struct jsonr_member *const *)a;
    const struct jsonr_member *y = *(const struct jsonr_member *const *)b;
    size_t n = x->key_length < y->key_length ? x->key_length : y->key_length;
    int c = memcmp(x->key, y->key, n);
    if (c != 0) {
        return c;
    }
    if (x->key_length != y->key_length) {
        return x->key_length < y->key_length ? -1 : 1;
    }
    return x < y ? -1 : x > y; /* equal keys in document order */
}

static bool jsonr_sameKey(const struct jsonr_member *x, const struct jsonr_member *y) {
    return x->key_length == y->key_length && memcmp(x->key, y->key, x->key_length) == 0;
}

/* Fails on the second occurrence of any key: sorting pointers keeps this
 * O(n log n) for an object of a million members. */
static bool jsonr_checkDuplicates(struct jsonr_parser *p, const struct jsonr_value *v) {
    const struct jsonr_member *dup = NULL;
    if (v->count <= 16) {
        for (size_t i = 1; i < v->count && dup == NULL; i++) {
            for (size_t j = 0; j < i; j++) {
                if (jsonr_sameKey(&v->members[i], &v->members[j])) {
                    dup = &v->members[i];
                    break;
                }
            }
        }
    } else {
        const struct jsonr_member **order = malloc(v->count * sizeof(const struct jsonr_member *));
        if (order == NULL) {
            abort();
        }
        for (size_t i = 0; i < v->count; i++) {
            order[i] = &v->members[i];
        }
        qsort(order, v->count, sizeof(const struct jsonr_member *), jsonr_compareKeys);
        for (size_t i = 1; i < v->count; i++) {
            if (jsonr_sameKey(order[i], order[i - 1]) && (dup == NULL || order[i] < dup)) {
                dup = order[i]; /* the first second occurrence in the document */
            }
        }
        free(order);
    }
    if (dup != NULL) {
        jsonr_fail(p, dup->line, dup->column, "duplicate key \"%.60s\" in an object", dup->key);
        return false;
    }
    return true;
}

static bool jsonr_object(struct jsonr_parser *p, struct jsonr_value *v) {
    v->type = JSONR_OBJECT;
    if (!jsonr_enter(p, v)) {
        return false;
    }
    size_t cap = 0;
    if (p->pos < p->n && p->s[p->pos] == '}') {
        jsonr_advance(p);
        p->depth--;
        return true;
    }
    for (;;) {
        if (p->pos >= p->n || p->s[p->pos] != '"') {
            jsonr_failHere(p, v->count > 0 ? "a key (a string) is due after ',' (no trailing "
                                             "commas in JSON)"
                                           : "a key (a string) or '}' is due in an object");
            return false;
        }
        v->members = jsonr_grow(v->members, v->count, &cap, sizeof(*v->members));
        struct jsonr_member *m = &v->members[v->count++];
        m->line = p->line;
        m->column = p->column;
        if (!jsonr_string(p, &m->key, &m->key_length)) {
            return false;
        }
        jsonr_skipSpace(p);
        if (p->pos >= p->n || p->s[p->pos] != ':') {
            jsonr_failHere(p, "':' is due after a key");
            return false;
        }
        jsonr_advance(p);
        jsonr_skipSpace(p);
        if (!jsonr_value(p, &m->value)) {
            return false;
        }
        jsonr_skipSpace(p);
        if (p->pos < p->n && p->s[p->pos] == ',') {
            jsonr_advance(p);
            jsonr_skipSpace(p);
            continue;
        }
        if (p->pos < p->n && p->s[p->pos] == '}') {
            jsonr_advance(p);
            p->depth--;
            return jsonr_checkDuplicates(p, v);
        }
        jsonr_failHere(p, "',' or '}' is due in an object");
        return false;
    }
}

/* One value at the current position (white space before it skipped by the caller). */
static bool jsonr_value(struct jsonr_parser *p, struct jsonr_value *v) {
    v->line = p->line;
    v->column = p->column;
    if (++p->values > p->limits.max_values) {
        jsonr_fail(p, v->line, v->column, "more than %zu values in the document",
                   p->limits.max_values);
        return false;
    }
    if (p->pos >= p->n) {
        jsonr_failHere(p, "a value is due");
        return false;
    }
    unsigned char c = p->s[p->pos];
    switch (c) {
    case '{':
        return jsonr_object(p, v);
    case '[':
        return jsonr_array(p, v);
    case '"':
        v->type = JSONR_STRING;
        return jsonr_string(p, &v->string, &v->length);
    case 't':
    case 'f':
        if (jsonr_literal(p, c == 't' ? "true" : "false")) {
            v->type = JSONR_BOOL;
            v->boolean = c == 't';
            return true;
        }
        break;
    case 'n':
        if (jsonr_literal(p, "null")) {
            v->type = JSONR_NULL;
            return true;
        }
        break;
    default:
        if (c == '-' || (c >= '0' && c <= '9')) {
            return jsonr_number(p, v);
        }
        break;
    }
    jsonr_failHere(p, "a value is due (object, array, string, number, true, false or null)");
    return false;
}

bool jsonr_parse(const char *text, size_t len, const struct jsonr_limits *limits,
                 struct jsonr_value *out, struct jsonr_error *error) {
    static const struct jsonr_limits defaults = {JSONR_MAX_BYTES, JSONR_MAX_DEPTH,
                                                 JSONR_MAX_VALUES};
    struct jsonr_parser p = {
        .s = (const unsigned char *)text,
        .n = len,
        .line = 1,
        .column = 1,
        .limits = limits != NULL ? *limits : defaults,
        .error = error,
    };
    memset(out, 0, sizeof(*out));
    memset(error, 0, sizeof(*error));
    if (len > p.limits.max_bytes) {
        jsonr_fail(&p, 0, 0, "%zu bytes is more than the limit of %zu", len, p.limits.max_bytes);
        return false;
    }
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        p.pos = 3; /* a byte-order mark, tolerated; the column stays 1 */
    }
    jsonr_skipSpace(&p);
    if (p.pos >= p.n) {
        jsonr_fail(&p, p.line, p.column, "empty document: a value is due");
        return false;
    }
    bool ok = jsonr_value(&p, out);
    if (ok) {
        jsonr_skipSpace(&p);
        if (p.pos < p.n) {
            jsonr_failHere(&p, "only white space may follow the document's value");
            ok = false;
        }
    }
    if (!ok) {
        jsonr_free(out);
    }
    return ok;
}

bool jsonr_parseFile(const char *path, const struct jsonr_limits *limits, struct jsonr_value *out,
                     char **error) {
    size_t max = limits != NULL ? limits->max_bytes : JSONR_MAX_BYTES;
    struct stat st;
    memset(out, 0, sizeof(*out));
    /* Refused before reading: a limit is no use after the whole file is in memory. */
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size > max) {
        *error = util_asprintf("%s: %lld bytes is more than the limit of %zu", path,
                               (long long)st.st_size, max);
        return false;
    }
    size_t len;
    char *text = util_readFileOrError(path, &len, error);
    if (text == NULL) {
        return false;
    }
    struct jsonr_error e;
    bool ok = jsonr_parse(text, len, limits, out, &e);
    free(text);
    if (!ok) {
        *error = e.line > 0 ? util_asprintf("%s:%d:%d: %s", path, e.line, e.column, e.message)
                            : util_asprintf("%s: %s", path, e.message);
    }
    return ok;
}

const struct jsonr_value *jsonr_get(const struct jsonr_value *v, const char *key) {
    if (v == NULL || v->type != JSONR_OBJECT) {
        return NULL;
    }
    size_t len = strlen(key);
    for (size_t i = 0; i < v->count; i++) {
        if (v->members[i].key_length == len && memcmp(v->members[i].key, key, len) == 0) {
            return &v->members[i].value;
        }
    }
    return NULL;
}

const char *jsonr_typeName(enum jsonr_type type) {
    static const char *const names[] = {"null", "boolean", "number", "string", "array", "object"};
    return names[type];
}

void jsonr_free(struct jsonr_value *v) {
    if (v->type == JSONR_ARRAY) {
        for (size_t i = 0; i < v->count; i++) {
            jsonr_free(&v->items[i]);
        }
    } else if (v->type == JSONR_OBJECT) {
        for (size_t i = 0; i < v->count; i++) {
            free(v->members[i].key);
            jsonr_free(&v->members[i].value);
        }
    }
    free(v->items);
    free(v->members);
    free(v->string);
    memset(v, 0, sizeof(*v));
}

void jsonr_checkFail(struct jsonr_check *c, const struct jsonr_value *at, const char *fmt, ...) {
    if (c->error != NULL) {
        return;
    }
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    c->error = at != NULL && at->line > 0
                   ? util_asprintf("%s:%d:%d: %s", c->name, at->line, at->column, message)
                   : util_asprintf("%s: %s", c->name, message);
}

const struct jsonr_value *jsonr_member(struct jsonr_check *c, const struct jsonr_value *obj,
                                       const char *key, enum jsonr_type type, bool nullable) {
    if (c->error != NULL) {
        return NULL;
    }
    if (obj == NULL || obj->type != JSONR_OBJECT) {
        jsonr_checkFail(c, obj, "an object is due here");
        return NULL;
    }
    const struct jsonr_value *v = jsonr_get(obj, key);
    if (v == NULL) {
        jsonr_checkFail(c, obj, "member \"%s\" is missing from this object", key);
        return NULL;
    }
    if (v->type == JSONR_NULL && nullable) {
        return NULL;
    }
    if (v->type != type) {
        jsonr_checkFail(c, v, "\"%s\" should be %s%s%s, not %s", key,
                        type == JSONR_ARRAY || type == JSONR_OBJECT ? "an " : "a ",
                        jsonr_typeName(type), nullable ? " or null" : "", jsonr_typeName(v->type));
        return NULL;
    }
    return v;
}

bool jsonr_memberString(struct jsonr_check *c, const struct jsonr_value *obj, const char *key,
                        bool nullable, const char **out) {
    const struct jsonr_value *v = jsonr_member(c, obj, key, JSONR_STRING, nullable);
    *out = v != NULL ? v->string : NULL;
    return c->error == NULL && (nullable || *out != NULL);
}

bool jsonr_memberCount(struct jsonr_check *c, const struct jsonr_value *obj, const char *key,
                       long long *out) {
    const struct jsonr_value *v = jsonr_member(c, obj, key, JSONR_NUMBER, false);
    *out = 0;
    if (v == NULL) {
        return false;
    }
    if (!v->is_integer || v->integer < 0 || v->integer > (1LL << 53)) {
        jsonr_checkFail(c, v, "\"%s\" should be a whole number from 0 to 2^53", key);
        return false;
    }
    *out = v->integer;
    return true;
}

bool jsonr_memberNumber(struct jsonr_check *c, const struct jsonr_value *obj, const char *key,
                        bool nullable, double *out, bool *present) {
    const struct jsonr_value *v = jsonr_member(c, obj, key, JSONR_NUMBER, nullable);
    *out = v != NULL ? v->number : 0;
    if (present != NULL) {
        *present = v != NULL;
    }
    return c->error == NULL;
}

bool jsonr_seed(struct jsonr_check *c, const struct jsonr_value *v, uint64_t *out) {
    *out = 0;
    if (c->error != NULL) {
        return false;
    }
    if (v->type != JSONR_STRING || v->length == 0 || v->length > 20) {
        jsonr_checkFail(c, v, "a seed is due: a decimal string such as \"42\"");
        return false;
    }
    uint64_t s = 0;
    for (size_t i = 0; i < v->length; i++) {
        unsigned d = (unsigned char)v->string[i] - '0';
        if (d > 9 || s > (UINT64_MAX - d) / 10) {
            jsonr_checkFail(c, v, "a seed is due: a decimal string from 0 to 2^64-1, not \"%.30s\"",
                            v->string);
            return false;
        }
        s = s * 10 + d;
    }
    *out = s;
    return true;
}

bool jsonr_memberSeed(struct jsonr_check *c, const struct jsonr_value *obj, const char *key,
                      uint64_t *out) {
    const struct jsonr_value *v = obj != NULL ? jsonr_get(obj, key) : NULL;
    *out = 0;
    if (v == NULL) {
        jsonr_member(c, obj, key, JSONR_STRING, false); /* says what is missing */
        return false;
    }
    return jsonr_seed(c, v, out);
}

bool jsonr_memberTime(struct jsonr_check *c, const struct jsonr_value *obj, const char *key,
                      bool nullable, int64_t *out) {
    const struct jsonr_value *v = jsonr_member(c, obj, key, JSONR_STRING, nullable);
    *out = 0;
    if (v == NULL) {
        return c->error == NULL;
    }
    struct tm tm = {0};
    int used = -1;
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    bool ok = v->length == sizeof(shape) - 1;
    for (size_t i = 0; ok && i < v->length; i++) {
        ok =
            shape[i] == 'd' ? v->string[i] >= '0' && v->string[i] <= '9' : v->string[i] == shape[i];
    }
    if (ok) {
        ok = sscanf(v->string, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) == 6 &&
             used == (int)v->length && tm.tm_year >= 1970 && tm.tm_mon >= 1 && tm.tm_mon <= 12 &&
             tm.tm_mday >= 1 && tm.tm_mday <= 31 && tm.tm_hour <= 23 && tm.tm_min <= 59 &&
             tm.tm_sec <= 60;
    }
    if (!ok) {
        jsonr_checkFail(c, v,
                        "\"%s\" should be an ISO 8601 UTC time from 1970 on, like "
                        "\"2025-01-31T12:00:00Z\"",
                        key);
        return false;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = (int64_t)timegm(&tm);
    return true;
}
