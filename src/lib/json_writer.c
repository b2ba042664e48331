/* json_writer.c - the streaming JSON writer; see json_writer.h. */
#include "json_writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void jsonw_reserve(struct jsonw *w, size_t more) {
    if (w->len + more + 1 <= w->cap) {
        return;
    }
    size_t cap = w->cap ? w->cap : 4096;
    while (cap < w->len + more + 1) {
        cap *= 2;
    }
    char *grown = realloc(w->buf, cap);
    if (grown == NULL) {
        abort();
    }
    w->buf = grown;
    w->cap = cap;
}

static void jsonw_raw(struct jsonw *w, const char *s, size_t n) {
    jsonw_reserve(w, n);
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void jsonw_rawStr(struct jsonw *w, const char *s) {
    jsonw_raw(w, s, strlen(s));
}

static void jsonw_newline(struct jsonw *w) {
    if (w->indent <= 0) {
        return;
    }
    jsonw_reserve(w, 1 + (size_t)(w->depth * w->indent));
    w->buf[w->len++] = '\n';
    for (int i = 0; i < w->depth * w->indent; i++) {
        w->buf[w->len++] = ' ';
    }
    w->buf[w->len] = '\0';
}

/* Everything a value needs before it: a comma and a new line inside an
 * array, nothing after a key. Values where a key is due abort. */
static void jsonw_beforeValue(struct jsonw *w) {
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth == 0) {
        if (w->len > 0) {
            abort(); /* a second top-level value */
        }
        return;
    }
    if (w->in_object[w->depth - 1]) {
        abort(); /* a value without a key */
    }
    if (w->has_items[w->depth - 1]) {
        jsonw_raw(w, ",", 1);
    }
    w->has_items[w->depth - 1] = true;
    jsonw_newline(w);
}

void jsonw_init(struct jsonw *w, int indent) {
    memset(w, 0, sizeof(*w));
    w->indent = indent;
}

static void jsonw_open(struct jsonw *w, bool object) {
    jsonw_beforeValue(w);
    if (w->depth >= JSONW_MAX_DEPTH) {
        abort();
    }
    jsonw_raw(w, object ? "{" : "[", 1);
    w->in_object[w->depth] = object;
    w->has_items[w->depth] = false;
    w->depth++;
}

static void jsonw_close(struct jsonw *w, bool object) {
    if (w->depth == 0 || w->in_object[w->depth - 1] != object || w->after_key) {
        abort();
    }
    w->depth--;
    if (w->has_items[w->depth]) {
        jsonw_newline(w);
    }
    jsonw_raw(w, object ? "}" : "]", 1);
}

void jsonw_beginObject(struct jsonw *w) {
    jsonw_open(w, true);
}
void jsonw_endObject(struct jsonw *w) {
    jsonw_close(w, true);
}
void jsonw_beginArray(struct jsonw *w) {
    jsonw_open(w, false);
}
void jsonw_endArray(struct jsonw *w) {
    jsonw_close(w, false);
}

size_t jsonw_utf8Next(const unsigned char *s, size_t n, uint32_t *cp) {
    unsigned char c = s[0];
    size_t need;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
        need = 1, v = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        need = 2, v = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3, v = c & 0x07, min = 0x10000;
    } else {
        *cp = 0xfffd; /* a continuation byte, 0xc0/0xc1 (always overlong) or 0xf5.. */
        return 1;
    }
    if (n < need + 1) {
        *cp = 0xfffd;
        return 1;
    }
    for (size_t i = 1; i <= need; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = 0xfffd;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    /* Overlong forms, UTF-16 surrogates and values past Unicode are not UTF-8. */
    if (v < min || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff) {
        *cp = 0xfffd;
        return 1;
    }
    *cp = v;
    return need + 1;
}

static void jsonw_escaped(struct jsonw *w, const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    jsonw_reserve(w, n + 2);
    w->buf[w->len++] = '"';
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t used = jsonw_utf8Next(s + i, n - i, &cp);
        char esc[8];
        if (cp == '"' || cp == '\\') {
            esc[0] = '\\', esc[1] = (char)cp;
            jsonw_raw(w, esc, 2);
        } else if (cp < 0x20) {
            static const char named[] = "btnvfr"; /* \b \t \n (\v is not JSON) \f \r */
            if (cp >= 0x08 && cp <= 0x0d && cp != 0x0b) {
                esc[0] = '\\', esc[1] = named[cp - 0x08];
                jsonw_raw(w, esc, 2);
            } else {
                snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
                jsonw_raw(w, esc, 6);
            }
        } else if (cp == 0xfffd && used == 1) {
            jsonw_raw(w, "\xef\xbf\xbd", 3); /* the bad byte, replaced */
        } else {
            jsonw_raw(w, (const char *)s + i, used);
        }
        i += used;
    }
    jsonw_raw(w, "\"", 1);
}

void jsonw_key(struct jsonw *w, const char *key) {
    if (w->depth == 0 || !w->in_object[w->depth - 1] || w->after_key) {
        abort();
    }
    if (w->has_items[w->depth - 1]) {
        jsonw_raw(w, ",", 1);
    }
    w->has_items[w->depth - 1] = true;
    jsonw_newline(w);
    jsonw_escaped(w, key, strlen(key));
    jsonw_raw(w, w->indent > 0 ? ": " : ":", w->indent > 0 ? 2 : 1);
    w->after_key = true;
}

void jsonw_stringN(struct jsonw *w, const char *s, size_t n) {
    jsonw_beforeValue(w);
    jsonw_escaped(w, s, n);
}

void jsonw_string(struct jsonw *w, const char *s) {
    if (s == NULL) {
        jsonw_null(w);
        return;
    }
    jsonw_stringN(w, s, strlen(s));
}

void jsonw_int(struct jsonw *w, long long v) {
    char num[32];
    jsonw_beforeValue(w);
    jsonw_raw(w, num, (size_t)snprintf(num, sizeof(num), "%lld", v));
}

void jsonw_uint(struct jsonw *w, unsigned long long v) {
    char num[32];
    jsonw_beforeValue(w);
    jsonw_raw(w, num, (size_t)snprintf(num, sizeof(num), "%llu", v));
}

void jsonw_double(struct jsonw *w, double v) {
    if (!isfinite(v)) {
        jsonw_null(w);
        return;
    }
    char num[40];
    int n = snprintf(num, sizeof(num), "%.15g", v);
    /* A locale with a decimal comma would make this two numbers. */
    for (int i = 0; i < n; i++) {
        if (num[i] == ',') {
            num[i] = '.';
        }
    }
    jsonw_beforeValue(w);
    jsonw_raw(w, num, (size_t)n);
}

void jsonw_bool(struct jsonw *w, bool v) {
    jsonw_beforeValue(w);
    jsonw_rawStr(w, v ? "true" : "false");
}

void jsonw_null(struct jsonw *w) {
    jsonw_beforeValue(w);
    jsonw_rawStr(w, "null");
}

void jsonw_keyString(struct jsonw *w, const char *key, const char *s) {
    jsonw_key(w, key);
    jsonw_string(w, s);
}

void jsonw_keyInt(struct jsonw *w, const char *key, long long v) {
    jsonw_key(w, key);
    jsonw_int(w, v);
}

void jsonw_keyDouble(struct jsonw *w, const char *key, double v) {
    jsonw_key(w, key);
    jsonw_double(w, v);
}

void jsonw_keyBool(struct jsonw *w, const char *key, bool v) {
    jsonw_key(w, key);
    jsonw_bool(w, v);
}

void jsonw_keyNull(struct jsonw *w, const char *key) {
    jsonw_key(w, key);
    jsonw_null(w);
}

char *jsonw_finish(struct jsonw *w, size_t *len) {
    if (w->depth != 0 || w->after_key || w->len == 0) {
        abort();
    }
    jsonw_raw(w, "\n", 1);
    char *doc = w->buf;
    if (len != NULL) {
        *len = w->len;
    }
    memset(w, 0, sizeof(*w));
    return doc;
}

void jsonw_free(struct jsonw *w) {
    free(w->buf);
    memset(w, 0, sizeof(*w));
}
