/* json_reader.h - a small, strict, bounded JSON parser into a tree, for the
 * reports ftstress reads back (merge, history).
 *
 * Strict means RFC 8259 and nothing more: no comments, no trailing commas, no
 * single quotes, no NaN, no leading zeros or '+', no raw control characters
 * in strings, only the escapes \" \\ \/ \b \f \n \r \t \uXXXX, surrogate
 * escapes only as a high-low pair, valid UTF-8 throughout, no duplicate keys
 * in an object, nothing but white space after the value. One liberty: a UTF-8
 * byte-order mark before the value is skipped (RFC 8259 allows that).
 *
 * Bounded means a document is refused beyond a size, a nesting depth and a
 * number of values (jsonr_limits), so a hostile or runaway file costs a known
 * amount of memory and no stack overflow.
 *
 * Errors carry the line and column (both from 1; columns count characters,
 * not bytes) of the offending character, so a message reads
 * "PATH:LINE:COLUMN: reason" like a compiler's. Every value remembers where
 * it starts, so a reader checking a document's shape can point at it too. */
#ifndef FTSTRESS_JSON_READER_H
#define FTSTRESS_JSON_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Defaults of struct jsonr_limits. */
#define JSONR_MAX_BYTES ((size_t)64 << 20)
#define JSONR_MAX_DEPTH 64
#define JSONR_MAX_VALUES ((size_t)4 << 20)

enum jsonr_type { JSONR_NULL, JSONR_BOOL, JSONR_NUMBER, JSONR_STRING, JSONR_ARRAY, JSONR_OBJECT };

struct jsonr_member;

struct jsonr_value {
    enum jsonr_type type;
    int line, column; /* where the value starts, from 1 */
    bool boolean;
    double number;
    bool is_integer;              /* a number written without fraction or exponent that fits */
    long long integer;            /* its exact value then */
    char *string;                 /* a string's bytes, NUL-terminated; may hold NULs (\u0000) */
    size_t length;                /* its length in bytes */
    struct jsonr_value *items;    /* an array's elements */
    struct jsonr_member *members; /* an object's members, in document order */
    size_t count;                 /* elements or members */
};

struct jsonr_member {
    char *key; /* NUL-terminated; may hold NULs */
    size_t key_length;
    int line, column; /* where the key starts */
    struct jsonr_value value;
};

struct jsonr_limits {
    size_t max_bytes;  /* the document's size */
    int max_depth;     /* arrays and objects open at once */
    size_t max_values; /* values of any kind in the document */
};

struct jsonr_error {
    int line, column; /* from 1; 0 when the error is about the file as a whole */
    char message[160];
};

/* Parses the len bytes at text (need not be NUL-terminated) into *out.
 * limits NULL means the JSONR_MAX_* defaults. Returns false with *error
 * filled and *out empty on any deviation from the rules above. Free *out
 * with jsonr_free. */
bool jsonr_parse(const char *text, size_t len, const struct jsonr_limits *limits,
                 struct jsonr_value *out, struct jsonr_error *error);

/* Reads and parses the file at path. Returns false with *error set to
 * "PATH:LINE:COLUMN: reason" (or "PATH: reason" when it cannot be read, errno
 * kept); the caller frees *error. */
bool jsonr_parseFile(const char *path, const struct jsonr_limits *limits, struct jsonr_value *out,
                     char **error);

/* The value of member key of object v, or NULL when v is not an object or
 * has no such member. */
const struct jsonr_value *jsonr_get(const struct jsonr_value *v, const char *key);

/* "null", "boolean", "number", "string", "array", "object". */
const char *jsonr_typeName(enum jsonr_type type);

/* Frees what v owns and zeroes it. */
void jsonr_free(struct jsonr_value *v);

/* Checking a document's shape. Each accessor below looks up a member of an
 * object and checks its type; on a mismatch it records the first error as
 * "NAME:LINE:COLUMN: reason" in c->error (pointing at the value, or at the
 * object for a missing member) and returns false/NULL. Later calls after an
 * error also fail, so a reader may check many members and test once. */
struct jsonr_check {
    const char *name; /* the file, for messages */
    char *error;      /* the first error; the caller frees */
};

/* Records an error about the value at (may be NULL: no position). */
void jsonr_checkFail(struct jsonr_check *c, const struct jsonr_value *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Member key of obj, of type (or null when nullable: then *out is NULL). */
const struct jsonr_value *jsonr_member(struct jsonr_check *c, const struct jsonr_value *obj,
                                       const char *key, enum jsonr_type type, bool nullable);

/* A string member (NULL for null when nullable); borrowed from obj. */
bool jsonr_memberString(struct jsonr_check *c, const struct jsonr_value *obj, const char *key,
                        bool nullable, const char **out);

/* A member that is a whole number from 0 to 2^53 (exact in every reader). */
bool jsonr_memberCount(struct jsonr_check *c, const struct jsonr_value *obj, const char *key,
                       long long *out);

/* A number member; null (when nullable) sets *present false. */
bool jsonr_memberNumber(struct jsonr_check *c, const struct jsonr_value *obj, const char *key,
                        bool nullable, double *out, bool *present);

/* A 64-bit unsigned number written as a decimal string ("18446744073709551615"). */
bool jsonr_seed(struct jsonr_check *c, const struct jsonr_value *v, uint64_t *out);

/* Member key of obj as jsonr_seed reads it. */
bool jsonr_memberSeed(struct jsonr_check *c, const struct jsonr_value *obj, const char *key,
                      uint64_t *out);

/* An ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SSZ" member from 1970 on (a time
 * the writers' gmtime and strftime print back as the same text: "%Y" has no
 * leading zeros for years before 1000); null (when nullable) is 0. */
bool jsonr_memberTime(struct jsonr_check *c, const struct jsonr_value *obj, const char *key,
                      bool nullable, int64_t *out);

#endif
