/* json_writer.h - a tiny streaming JSON writer into a memory buffer, for the
 * JSON and SARIF reports.
 *
 * Calls follow the document's shape: begin/end an object or array, a key
 * before each member of an object, a value. Commas, indentation and string
 * escaping are the writer's job. Strings are escaped so any input yields a
 * valid document: quote, backslash and control characters are escaped, and
 * bytes that are not valid UTF-8 (overlong forms, surrogates, truncated
 * sequences, code points above U+10FFFF) become U+FFFD, one per bad byte.
 * Misuse (a value where a key is due, unbalanced ends) is a programming error
 * and aborts. Memory is only ever lacking by aborting, as util_asprintf does. */
#ifndef FTSTRESS_JSON_WRITER_H
#define FTSTRESS_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSONW_MAX_DEPTH 32

struct jsonw {
    char *buf; /* owned until jsonw_finish */
    size_t len, cap;
    int indent; /* spaces per level; 0 writes everything on one line */
    int depth;
    bool in_object[JSONW_MAX_DEPTH]; /* what each open level is */
    bool has_items[JSONW_MAX_DEPTH]; /* a member was written at that level */
    bool after_key;                  /* a key was written, its value is due */
};

/* Starts an empty document. */
void jsonw_init(struct jsonw *w, int indent);

void jsonw_beginObject(struct jsonw *w);
void jsonw_endObject(struct jsonw *w);
void jsonw_beginArray(struct jsonw *w);
void jsonw_endArray(struct jsonw *w);

/* The key of the next object member (escaped like any string). */
void jsonw_key(struct jsonw *w, const char *key);

/* A string value; NULL writes null. */
void jsonw_string(struct jsonw *w, const char *s);
/* A string value of n bytes that may hold NULs (written as \u0000). */
void jsonw_stringN(struct jsonw *w, const char *s, size_t n);
void jsonw_int(struct jsonw *w, long long v);
void jsonw_uint(struct jsonw *w, unsigned long long v);
/* A number; NaN and infinities, which JSON cannot express, write null. */
void jsonw_double(struct jsonw *w, double v);
void jsonw_bool(struct jsonw *w, bool v);
void jsonw_null(struct jsonw *w);

/* key + value in one call, for the common object member. */
void jsonw_keyString(struct jsonw *w, const char *key, const char *s);
void jsonw_keyInt(struct jsonw *w, const char *key, long long v);
void jsonw_keyDouble(struct jsonw *w, const char *key, double v);
void jsonw_keyBool(struct jsonw *w, const char *key, bool v);
void jsonw_keyNull(struct jsonw *w, const char *key);

/* The finished document with a final newline, NUL-terminated, its length in
 * *len (may be NULL). Aborts unless every object and array was closed. The
 * caller frees the result; w is left empty. */
char *jsonw_finish(struct jsonw *w, size_t *len);

/* Drops an unfinished document. */
void jsonw_free(struct jsonw *w);

/* Decodes the UTF-8 sequence at s (n > 0 bytes available): returns how many
 * bytes it takes (at least 1) and its code point in *cp, or 1 and U+FFFD when
 * s[0] does not start a valid, shortest-form sequence. Also used by
 * xml_escape.c, so both reports read bad bytes the same way. */
size_t jsonw_utf8Next(const unsigned char *s, size_t n, uint32_t *cp);

#endif
