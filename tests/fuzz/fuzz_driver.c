/* Stand-in for libFuzzer's main when the harness cannot be built with clang:
 * runs LLVMFuzzerTestOneInput over every file named on the command line (or in
 * a directory named there), then over cheap deterministic mutations of each
 * (every prefix at a fixed stride, single-byte changes) for at most SECONDS
 * seconds (first argument "-max_total_time=N", default 20). Crashes show up
 * through the sanitizers the driver is built with. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long runs;
static time_t deadline;

static void run(const uint8_t *data, size_t size) {
    /* A private copy, so a read past `size` lands outside the heap block. */
    uint8_t *copy = malloc(size ? size : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, size);
    LLVMFuzzerTestOneInput(copy, size);
    free(copy);
    runs++;
}

static void fuzzFile(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return;
    size_t cap = 1 << 16, len = 0, got;
    uint8_t *buf = malloc(cap);
    while (buf != NULL && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *grown = realloc(buf, cap *= 2);
            if (grown == NULL)
                free(buf);
            buf = grown;
        }
    }
    fclose(f);
    if (buf == NULL)
        return;
    run(buf, len);
    for (size_t cut = 0; cut < len && time(NULL) < deadline; cut += 37)
        run(buf, cut);
    uint32_t seed = 2166136261u;
    for (int i = 0; len > 0 && i < 2000 && time(NULL) < deadline; i++) {
        seed = seed * 1664525u + 1013904223u;
        size_t at = seed % len;
        uint8_t old = buf[at];
        static const uint8_t bytes[] = {'\n', ' ', ':', '(', ')', '#', '\0', '\'', '0', 0xff};
        buf[at] = bytes[(seed >> 16) % sizeof(bytes)];
        run(buf, len);
        buf[at] = old;
    }
    free(buf);
}

static void fuzzPath(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        fuzzFile(path);
        return;
    }
    DIR *d = opendir(path);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char child[4096];
        snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
        fuzzPath(child);
    }
    if (d != NULL)
        closedir(d);
}

int main(int argc, char **argv) {
    long seconds = 20;
    deadline = time(NULL) + seconds;
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "-max_total_time=", 16) == 0) {
            seconds = strtol(argv[i] + 16, NULL, 10);
            deadline = time(NULL) + seconds;
        } else if (argv[i][0] != '-') {
            fuzzPath(argv[i]);
        }
    }
    printf("Done %lu runs (standalone driver, no coverage guidance)\n", runs);
    return 0;
}
