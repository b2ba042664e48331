/* finding.c - the deduplicating finding set; see finding.h. */
#include "finding.h"

#include <stdlib.h>
#include <string.h>

#include "signature.h"
#include "util.h"

void finding_seedsAdd(uint64_t *seeds, int *n, int max, uint64_t seed) {
    for (int i = 0; i < *n; i++) {
        if (seeds[i] == seed) {
            return;
        }
    }
    if (*n < max) {
        seeds[(*n)++] = seed;
    }
}

void finding_addSeed(struct finding *f, uint64_t seed) {
    finding_seedsAdd(f->seeds, &f->nseeds, FINDING_MAX_SEEDS, seed);
}

static void finding_free(struct finding *f) {
    free(f->signature);
    free(f->kind);
    free(f->title);
    free(f->detail);
    free(f->python_stack);
    free(f->scenario);
    free(f->file);
    free(f->function);
    memset(f, 0, sizeof(*f));
}

struct finding *finding_find(const struct finding_set *set, const char *signature) {
    for (size_t i = 0; i < set->count; i++) {
        if (strcmp(set->items[i].signature, signature) == 0) {
            return &set->items[i];
        }
    }
    return NULL;
}

void finding_add(struct finding_set *set, struct finding *f, uint64_t seed) {
    time_t now = time(NULL);
    struct finding *mine = finding_find(set, f->signature);
    if (mine != NULL) {
        mine->count += f->count > 0 ? f->count : 1;
        mine->last_seen = now;
        finding_addSeed(mine, seed);
        if (mine->python_stack == NULL && f->python_stack != NULL) {
            mine->python_stack = f->python_stack;
            f->python_stack = NULL;
        }
        finding_free(f);
        return;
    }
    set->items = util_grow(set->items, set->count, sizeof(*set->items));
    mine = &set->items[set->count++];
    *mine = *f;
    memset(f, 0, sizeof(*f));
    signature_id(mine->signature, mine->id);
    if (mine->count <= 0) {
        mine->count = 1;
    }
    mine->first_seen = mine->first_seen ? mine->first_seen : now;
    mine->last_seen = mine->last_seen ? mine->last_seen : now;
    mine->nseeds = 0;
    finding_addSeed(mine, seed);
}

void finding_merge(struct finding_set *dst, const struct finding_set *src) {
    for (size_t i = 0; i < src->count; i++) {
        const struct finding *s = &src->items[i];
        struct finding *mine = finding_find(dst, s->signature);
        if (mine == NULL) {
            struct finding copy = *s;
            copy.signature = util_dup(s->signature);
            copy.kind = util_dup(s->kind);
            copy.title = util_dup(s->title);
            copy.detail = util_dup(s->detail);
            copy.python_stack = util_dup(s->python_stack);
            copy.scenario = util_dup(s->scenario);
            copy.file = util_dup(s->file);
            copy.function = util_dup(s->function);
            dst->items = util_grow(dst->items, dst->count, sizeof(*dst->items));
            dst->items[dst->count++] = copy;
            continue;
        }
        mine->count += s->count;
        if (s->first_seen < mine->first_seen) {
            mine->first_seen = s->first_seen;
        }
        if (s->last_seen > mine->last_seen) {
            mine->last_seen = s->last_seen;
        }
        for (int k = 0; k < s->nseeds; k++) {
            finding_addSeed(mine, s->seeds[k]);
        }
        if (mine->python_stack == NULL && s->python_stack != NULL) {
            mine->python_stack = strdup(s->python_stack);
        }
    }
}

size_t finding_countNew(const struct finding_set *set) {
    size_t n = 0;
    for (size_t i = 0; i < set->count; i++) {
        n += !set->items[i].known;
    }
    return n;
}

void finding_setFree(struct finding_set *set) {
    for (size_t i = 0; i < set->count; i++) {
        finding_free(&set->items[i]);
    }
    free(set->items);
    memset(set, 0, sizeof(*set));
}
