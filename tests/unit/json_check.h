/* json_check.h - a strict JSON reader for the tests of the JSON and SARIF
 * reports (RFC 8259: no trailing commas, no raw control characters in
 * strings, valid escapes and surrogate pairs, valid UTF-8, no duplicate keys,
 * nothing after the value). Written apart from src/lib/json_writer.c on purpose:
 * the writer is checked by a reader that shares none of its code.
 * Header-only; include it from one test file. */
#ifndef FTSTRESS_TEST_JSON_CHECK_H
#define FTSTRESS_TEST_JSON_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUMBER, JV_STRING, JV_ARRAY, JV_OBJECT };

struct jv {
    enum jv_type type;
    bool boolean;
    double number;
    char *text; /* a string's bytes (NUL-terminated; len may count NULs) or a number's text */
    size_t len;
    struct jv *items; /* array elements or object values */
    char **keys;      /* object keys */
    size_t count;
};

struct jv_parser {
    const unsigned char *s;
    size_t n, pos;
    int depth;
};

static inline bool jv_value(struct jv_parser *p, struct jv *out);

static inline void jv_skip(struct jv_parser *p) {
    while (p->pos < p->n && strchr(" \t\n\r", p->s[p->pos]) != NULL && p->s[p->pos] != '\0') {
        p->pos++;
    }
}

static inline void jv_put(char **buf, size_t *len, size_t *cap, const char *bytes, size_t n) {
    if (*len + n + 1 > *cap) {
        *cap = (*len + n + 1) * 2;
        *buf = realloc(*buf, *cap);
    }
    memcpy(*buf + *len, bytes, n);
    *len += n;
    (*buf)[*len] = '\0';
}

static inline size_t jv_encode(uint32_t cp, char out[4]) {
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Length of the valid UTF-8 sequence at s, 0 when invalid (Unicode table 3-7). */
static inline size_t jv_utf8(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    if (c < 0x80) {
        return 1;
    }
    size_t need;
    unsigned char lo = 0x80, hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        lo = c == 0xe0 ? 0xa0 : 0x80;
        hi = c == 0xed ? 0x9f : 0xbf;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (n < need + 1 || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i <= need; i++) {
        if (s[i] < 0x80 || s[i] > 0xbf) {
            return 0;
        }
    }
    return need + 1;
}

static inline bool jv_hex4(struct jv_parser *p, uint32_t *v) {
    if (p->pos + 4 > p->n) {
        return false;
    }
    *v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = p->s[p->pos++];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) {
            return false;
        }
        *v = *v * 16 + (uint32_t)d;
    }
    return true;
}

static inline bool jv_string(struct jv_parser *p, char **out, size_t *outlen) {
    char *buf = NULL;
    size_t len = 0, cap = 0;
    jv_put(&buf, &len, &cap, "", 0);
    p->pos++; /* the opening quote */
    while (p->pos < p->n) {
        unsigned char c = p->s[p->pos];
        if (c == '"') {
            p->pos++;
            *out = buf;
            *outlen = len;
            return true;
        }
        if (c < 0x20) {
            break; /* raw control character */
        }
        if (c == '\\') {
            if (p->pos + 1 >= p->n) {
                break;
            }
            char e = (char)p->s[p->pos + 1];
            p->pos += 2;
            const char *simple = strchr("\"\\/bfnrt", e);
            if (e != '\0' && simple != NULL) {
                static const char real[] = "\"\\/\b\f\n\r\t";
                jv_put(&buf, &len, &cap, &real[simple - "\"\\/bfnrt"], 1);
                continue;
            }
            uint32_t cp;
            if (e != 'u' || !jv_hex4(p, &cp)) {
                break;
            }
            if (cp >= 0xdc00 && cp <= 0xdfff) {
                break; /* a lone low surrogate */
            }
            if (cp >= 0xd800 && cp <= 0xdbff) {
                uint32_t low;
                if (p->pos + 2 > p->n || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u') {
                    break;
                }
                p->pos += 2;
                if (!jv_hex4(p, &low) || low < 0xdc00 || low > 0xdfff) {
                    break;
                }
                cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            }
            char enc[4];
            jv_put(&buf, &len, &cap, enc, jv_encode(cp, enc));
            continue;
        }
        size_t used = jv_utf8(p->s + p->pos, p->n - p->pos);
        if (used == 0) {
            break;
        }
        jv_put(&buf, &len, &cap, (const char *)p->s + p->pos, used);
        p->pos += used;
    }
    free(buf);
    return false;
}

static inline bool jv_number(struct jv_parser *p, struct jv *out) {
    size_t start = p->pos;
    const unsigned char *s = p->s;
#define JV_DIGIT(i) ((i) < p->n && s[i] >= '0' && s[i] <= '9')
    if (p->pos < p->n && s[p->pos] == '-') {
        p->pos++;
    }
    if (p->pos < p->n && s[p->pos] == '0') {
        p->pos++;
    } else if (JV_DIGIT(p->pos)) {
        while (JV_DIGIT(p->pos)) {
            p->pos++;
        }
    } else {
        return false;
    }
    if (p->pos < p->n && s[p->pos] == '.') {
        p->pos++;
        if (!JV_DIGIT(p->pos)) {
            return false;
        }
        while (JV_DIGIT(p->pos)) {
            p->pos++;
        }
    }
    if (p->pos < p->n && (s[p->pos] == 'e' || s[p->pos] == 'E')) {
        p->pos++;
        if (p->pos < p->n && (s[p->pos] == '+' || s[p->pos] == '-')) {
            p->pos++;
        }
        if (!JV_DIGIT(p->pos)) {
            return false;
        }
        while (JV_DIGIT(p->pos)) {
            p->pos++;
        }
    }
#undef JV_DIGIT
    out->type = JV_NUMBER;
    out->len = p->pos - start;
    out->text = malloc(out->len + 1);
    memcpy(out->text, s + start, out->len);
    out->text[out->len] = '\0';
    out->number = strtod(out->text, NULL);
    return true;
}

static inline bool jv_literal(struct jv_parser *p, const char *word) {
    size_t n = strlen(word);
    if (p->pos + n > p->n || memcmp(p->s + p->pos, word, n) != 0) {
        return false;
    }
    p->pos += n;
    return true;
}

static inline void jv_free(struct jv *v);

static inline bool jv_container(struct jv_parser *p, struct jv *out, bool object) {
    out->type = object ? JV_OBJECT : JV_ARRAY;
    p->pos++;
    if (++p->depth > 64) {
        return false;
    }
    jv_skip(p);
    if (p->pos < p->n && p->s[p->pos] == (object ? '}' : ']')) {
        p->pos++;
        p->depth--;
        return true;
    }
    for (;;) {
        out->items = realloc(out->items, (out->count + 1) * sizeof(*out->items));
        out->keys = realloc(out->keys, (out->count + 1) * sizeof(*out->keys));
        memset(&out->items[out->count], 0, sizeof(*out->items));
        out->keys[out->count] = NULL;
        if (object) {
            size_t klen;
            jv_skip(p);
            if (p->pos >= p->n || p->s[p->pos] != '"' ||
                !jv_string(p, &out->keys[out->count], &klen)) {
                out->count++;
                return false;
            }
            for (size_t i = 0; i < out->count; i++) {
                if (strcmp(out->keys[i], out->keys[out->count]) == 0) {
                    out->count++;
                    return false; /* a duplicate key */
                }
            }
            jv_skip(p);
            if (p->pos >= p->n || p->s[p->pos] != ':') {
                out->count++;
                return false;
            }
            p->pos++;
        }
        bool ok = jv_value(p, &out->items[out->count]);
        out->count++;
        if (!ok) {
            return false;
        }
        jv_skip(p);
        if (p->pos < p->n && p->s[p->pos] == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->n && p->s[p->pos] == (object ? '}' : ']')) {
            p->pos++;
            p->depth--;
            return true;
        }
        return false;
    }
}

static inline bool jv_value(struct jv_parser *p, struct jv *out) {
    memset(out, 0, sizeof(*out));
    jv_skip(p);
    if (p->pos >= p->n) {
        return false;
    }
    switch (p->s[p->pos]) {
    case '{':
        return jv_container(p, out, true);
    case '[':
        return jv_container(p, out, false);
    case '"':
        out->type = JV_STRING;
        return jv_string(p, &out->text, &out->len);
    case 't':
        out->type = JV_BOOL;
        out->boolean = true;
        return jv_literal(p, "true");
    case 'f':
        out->type = JV_BOOL;
        return jv_literal(p, "false");
    case 'n':
        out->type = JV_NULL;
        return jv_literal(p, "null");
    default:
        return jv_number(p, out);
    }
}

static inline void jv_freeInner(struct jv *v) {
    for (size_t i = 0; i < v->count; i++) {
        jv_freeInner(&v->items[i]);
        if (v->keys != NULL) {
            free(v->keys[i]);
        }
    }
    free(v->items);
    free(v->keys);
    free(v->text);
}

static inline void jv_free(struct jv *v) {
    if (v != NULL) {
        jv_freeInner(v);
        free(v);
    }
}

/* The document text[0..len) as a tree, or NULL when it is not strict JSON;
 * *error_at (may be NULL) then says where reading stopped. Free with jv_free. */
static inline struct jv *jv_parse(const char *text, size_t len, size_t *error_at) {
    struct jv_parser p = {(const unsigned char *)text, len, 0, 0};
    struct jv *root = calloc(1, sizeof(*root));
    bool ok = jv_value(&p, root);
    jv_skip(&p);
    if (!ok || p.pos != len) {
        if (error_at != NULL) {
            *error_at = p.pos;
        }
        jv_free(root);
        return NULL;
    }
    return root;
}

/* The member key of object v, or NULL (also when v is no object). */
static inline const struct jv *jv_get(const struct jv *v, const char *key) {
    if (v == NULL || v->type != JV_OBJECT) {
        return NULL;
    }
    for (size_t i = 0; i < v->count; i++) {
        if (strcmp(v->keys[i], key) == 0) {
            return &v->items[i];
        }
    }
    return NULL;
}

/* Element i of array v, or NULL. */
static inline const struct jv *jv_at(const struct jv *v, size_t i) {
    return v != NULL && v->type == JV_ARRAY && i < v->count ? &v->items[i] : NULL;
}

/* Follows "a.b.0.c" (numbers index arrays) from v, or NULL. */
static inline const struct jv *jv_path(const struct jv *v, const char *path) {
    char part[128];
    while (v != NULL && *path) {
        size_t n = strcspn(path, ".");
        snprintf(part, sizeof(part), "%.*s", (int)n, path);
        if (v->type == JV_ARRAY) {
            v = jv_at(v, (size_t)strtoul(part, NULL, 10));
        } else {
            v = jv_get(v, part);
        }
        path += n + (path[n] == '.');
    }
    return v;
}

/* The string at path, or NULL when missing or not a string. */
static inline const char *jv_str(const struct jv *v, const char *path) {
    const struct jv *s = jv_path(v, path);
    return s != NULL && s->type == JV_STRING ? s->text : NULL;
}

#endif
