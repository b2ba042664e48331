/* pystacks.c - reading the report hook's Python stacks; see pystacks.h. */
#include "pystacks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void pystacks_load(const char *path, struct pystacks *ps) {
    memset(ps, 0, sizeof(*ps));
    char *text = util_readFile(path, NULL);
    if (text == NULL) {
        return;
    }
    long pid = 0, seq = 0;
    const char *body = NULL;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        char *next = nl ? nl + 1 : line + strlen(line);
        if (sscanf(line, "report %ld pid %ld", &seq, &pid) == 2) {
            body = next;
        } else if (body != NULL && strncmp(line, "end", 3) == 0 && (line[3] == '\n' || !line[3])) {
            ps->records = util_grow(ps->records, ps->count, sizeof(*ps->records));
            ps->records[ps->count++] = (struct pystacks_record){
                .pid = pid, .seq = seq, .frames = util_strndup(body, (size_t)(line - body))};
            body = NULL;
        }
        line = next;
    }
    free(text);
}

const char *pystacks_find(const struct pystacks *ps, long pid, long seq) {
    for (size_t i = 0; i < ps->count; i++) {
        if (ps->records[i].pid == pid && ps->records[i].seq == seq) {
            return ps->records[i].frames;
        }
    }
    return NULL;
}

void pystacks_free(struct pystacks *ps) {
    for (size_t i = 0; i < ps->count; i++) {
        free(ps->records[i].frames);
    }
    free(ps->records);
    memset(ps, 0, sizeof(*ps));
}
