/* symbolize.c - batch symbolization through llvm-symbolizer; see symbolize.h. */
#include "symbolize.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsan_format.h"
#include "util.h"

#define SYMBOLIZE_MAX_FRAMES 512

/* The "(MODULE+0xOFF)" of a line: module start and length, offset. */
static bool symbolize_parseFrame(const char *line, size_t len, const char **module, size_t *mlen,
                                 unsigned long long *offset) {
    for (const char *open = line; (open = memchr(open, '(', (size_t)(line + len - open))) != NULL;
         open++) {
        const char *plus = NULL;
        for (const char *p = open + 1; p < line + len && *p != ')'; p++) {
            if (p[0] == '+' && p + 2 < line + len && p[1] == '0' && p[2] == 'x') {
                plus = p;
            }
        }
        if (plus != NULL && open[1] == '/') {
            *module = open + 1;
            *mlen = (size_t)(plus - open - 1);
            *offset = strtoull(plus + 1, NULL, 16);
            return true;
        }
    }
    return false;
}

char *symbolize_frames(const char *text) {
    /* One request file, one llvm-symbolizer process for the whole text. */
    char req_path[] = "/tmp/ftstress-symbolize-XXXXXX";
    int fd = mkstemp(req_path);
    if (fd < 0) {
        return strdup(text);
    }
    FILE *req = fdopen(fd, "w");
    int nframes = 0;
    for (const char *line = text; *line && nframes < SYMBOLIZE_MAX_FRAMES;) {
        size_t len = strcspn(line, "\n");
        const char *module;
        size_t mlen;
        unsigned long long off;
        if (symbolize_parseFrame(line, len, &module, &mlen, &off)) {
            fprintf(req, "\"%.*s\" 0x%llx\n", (int)mlen, module, off);
            nframes++;
        }
        line += len + (line[len] == '\n');
    }
    fclose(req);
    char *places[SYMBOLIZE_MAX_FRAMES] = {NULL};
    char *cmd = util_asprintf("llvm-symbolizer --inlining=false < %s 2>/dev/null", req_path);
    FILE *out = nframes > 0 ? popen(cmd, "r") : NULL;
    if (out != NULL) {
        /* Per request: the function, then FILE:LINE:COLUMN, then a blank line. */
        char buf[4096];
        int i = 0, row = 0;
        while (i < nframes && fgets(buf, sizeof(buf), out) != NULL) {
            buf[strcspn(buf, "\n")] = '\0';
            if (buf[0] == '\0') {
                i++;
                row = 0;
                continue;
            }
            if (row++ == 1 && strncmp(buf, "??", 2) != 0) {
                char *colon = strrchr(buf, ':');
                /* Keep FILE:LINE; the column adds nothing a person needs. */
                if (colon != NULL && colon != strchr(buf, ':')) {
                    *colon = '\0';
                }
                places[i] = strdup(tsanformat_shortPath(buf));
            }
        }
        pclose(out);
    }
    free(cmd);
    unlink(req_path);

    char *result = NULL;
    size_t rlen = 0;
    FILE *res = open_memstream(&result, &rlen);
    int i = 0;
    for (const char *line = text; *line;) {
        size_t len = strcspn(line, "\n");
        const char *module;
        size_t mlen;
        unsigned long long off;
        fwrite(line, 1, len, res);
        if (i < nframes && symbolize_parseFrame(line, len, &module, &mlen, &off)) {
            if (places[i] != NULL) {
                fprintf(res, "  at %s", places[i]);
            }
            i++;
        }
        if (line[len] == '\n') {
            fputc('\n', res);
        }
        line += len + (line[len] == '\n');
    }
    fclose(res);
    for (int k = 0; k < nframes; k++) {
        free(places[k]);
    }
    return result;
}
