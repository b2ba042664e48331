/* libFuzzer harness for src/lib/json_reader.c (jsonr_parse): the strict reader of
 * every JSON file ftstress reads back (reports for merge, history). Any bytes
 * must parse or be refused with a position, without a crash, a leak or
 * undefined behaviour, under the default limits and under tight ones. A parsed
 * document written again by json_writer.c must parse to the same values. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_harness.h"
#include "json_reader.h"
#include "json_writer.h"

/* Checks the invariants json_reader.h documents; false when v cannot be
 * written back as it is (a key holding a NUL, or deeper than the writer goes). */
static bool check(const struct jsonr_value *v, int depth) {
    if (v->line < 1 || v->column < 1)
        abort();
    bool writable = depth < JSONW_MAX_DEPTH;
    switch (v->type) {
    case JSONR_STRING:
        if (v->string == NULL || v->string[v->length] != '\0')
            abort();
        break;
    case JSONR_ARRAY:
        for (size_t i = 0; i < v->count; i++)
            writable &= check(&v->items[i], depth + 1);
        break;
    case JSONR_OBJECT:
        for (size_t i = 0; i < v->count; i++) {
            const struct jsonr_member *m = &v->members[i];
            if (m->key == NULL || m->key[m->key_length] != '\0' || m->line < 1)
                abort();
            writable &= strlen(m->key) == m->key_length;
            writable &= check(&m->value, depth + 1);
        }
        break;
    default:
        break;
    }
    fuzz_sink(fuzz_touch(jsonr_typeName(v->type)));
    return writable;
}

static void writeValue(struct jsonw *w, const struct jsonr_value *v) {
    switch (v->type) {
    case JSONR_NULL:
        jsonw_null(w);
        break;
    case JSONR_BOOL:
        jsonw_bool(w, v->boolean);
        break;
    case JSONR_NUMBER:
        if (v->is_integer)
            jsonw_int(w, v->integer);
        else
            jsonw_double(w, v->number);
        break;
    case JSONR_STRING:
        jsonw_stringN(w, v->string, v->length);
        break;
    case JSONR_ARRAY:
        jsonw_beginArray(w);
        for (size_t i = 0; i < v->count; i++)
            writeValue(w, &v->items[i]);
        jsonw_endArray(w);
        break;
    case JSONR_OBJECT:
        jsonw_beginObject(w);
        for (size_t i = 0; i < v->count; i++) {
            jsonw_key(w, v->members[i].key);
            writeValue(w, &v->members[i].value);
        }
        jsonw_endObject(w);
        break;
    }
}

/* The writer prints doubles with 15 significant digits, on purpose. */
static bool sameNumber(double a, double b) {
    return a == b || fabs(a - b) <= 1e-14 * fmax(fabs(a), fabs(b));
}

static bool same(const struct jsonr_value *a, const struct jsonr_value *b) {
    if (a->type != b->type || a->count != b->count)
        return false;
    switch (a->type) {
    case JSONR_BOOL:
        return a->boolean == b->boolean;
    case JSONR_NUMBER:
        return a->is_integer ? b->is_integer && a->integer == b->integer
                             : sameNumber(a->number, b->number);
    case JSONR_STRING:
        return a->length == b->length && memcmp(a->string, b->string, a->length) == 0;
    case JSONR_ARRAY:
        for (size_t i = 0; i < a->count; i++)
            if (!same(&a->items[i], &b->items[i]))
                return false;
        return true;
    case JSONR_OBJECT:
        for (size_t i = 0; i < a->count; i++)
            if (strcmp(a->members[i].key, b->members[i].key) != 0 ||
                !same(&a->members[i].value, &b->members[i].value))
                return false;
        return true;
    default:
        return true;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct jsonr_value v;
    struct jsonr_error err;
    if (jsonr_parse((const char *)data, size, NULL, &v, &err)) {
        if (check(&v, 0)) {
            struct jsonw w;
            jsonw_init(&w, size % 3);
            writeValue(&w, &v);
            size_t len;
            char *text = jsonw_finish(&w, &len);
            struct jsonr_value again;
            if (!jsonr_parse(text, len, NULL, &again, &err) || !same(&v, &again))
                abort();
            jsonr_free(&again);
            free(text);
        }
        jsonr_free(&v);
    } else if (err.message[0] == '\0' || err.line < 0 || err.column < 0) {
        abort();
    }
    /* Tight limits take the refusal paths for size, depth and value count. */
    const struct jsonr_limits tight = {.max_bytes = 512, .max_depth = 4, .max_values = 32};
    if (jsonr_parse((const char *)data, size, &tight, &v, &err))
        jsonr_free(&v);
    return 0;
}
