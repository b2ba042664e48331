/* shim_test_util.c - see shim_test_util.h. */
#include "shim_test_util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

char *tu_mkdtemp(void) {
    const char *tmp = getenv("TMPDIR");
    char *templ = tu_path(tmp != NULL && *tmp ? tmp : "/tmp", "ftshim-test-XXXXXX");
    if (mkdtemp(templ) == NULL) {
        free(templ);
        return NULL;
    }
    return templ;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void tu_rmtree(const char *dir) {
    if (dir != NULL) {
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    }
}

char *tu_path(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int env_dropped(const char *entry, const char *const env[]) {
    if (strncmp(entry, "FTSTRESS_", 9) == 0 || strncmp(entry, "LD_PRELOAD=", 11) == 0) {
        return 1;
    }
    size_t klen = strcspn(entry, "=");
    for (size_t i = 0; env != NULL && env[i] != NULL; i++) {
        if (strncmp(env[i], entry, klen + 1) == 0) {
            return 1; /* overridden */
        }
    }
    return 0;
}

int tu_run(const char *const argv[], const char *const env[], const char *out_path) {
    size_t n = 0, m = 0;
    while (environ[n] != NULL) {
        n++;
    }
    while (env != NULL && env[m] != NULL) {
        m++;
    }
    char **envp = calloc(n + m + 1, sizeof *envp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!env_dropped(environ[i], env)) {
            envp[k++] = environ[i];
        }
    }
    for (size_t i = 0; i < m; i++) {
        envp[k++] = (char *)env[i];
    }
    envp[k] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(envp);
        return -1;
    }
    if (pid == 0) {
        if (out_path != NULL) {
            int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
                close(fd);
            }
        }
        execve(argv[0], (char *const *)argv, envp);
        _exit(127);
    }
    free(envp);
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return -1;
        }
    }
    return status;
}

char *tu_read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t r;
    while ((r = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (cap - len - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

int tu_exists(const char *path) {
    return access(path, F_OK) == 0;
}

int tu_stats_str(const char *text, const char *key, char *out, size_t cap) {
    size_t klen = strlen(key);
    for (const char *line = text; line != NULL && *line;) {
        const char *end = strchr(line, '\n');
        size_t llen = end != NULL ? (size_t)(end - line) : strlen(line);
        if (llen > klen && strncmp(line, key, klen) == 0 && line[klen] == '=') {
            size_t vlen = llen - klen - 1;
            if (vlen >= cap) {
                vlen = cap - 1;
            }
            memcpy(out, line + klen + 1, vlen);
            out[vlen] = '\0';
            return 0;
        }
        line = end != NULL ? end + 1 : NULL;
    }
    return -1;
}

uint64_t tu_stats_u64(const char *text, const char *key) {
    char v[32];
    if (tu_stats_str(text, key, v, sizeof v) != 0 || v[0] == '\0') {
        return UINT64_MAX;
    }
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    return *end == '\0' ? (uint64_t)x : UINT64_MAX;
}

int tu_count(const char *haystack, const char *needle) {
    int n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += strlen(needle)) {
        n++;
    }
    return n;
}
