/* fmt.c - formatting into fixed buffers without stdio or malloc, so the same code can run
 * in a crash handler, in a sanitizer death callback and at exit. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "shim_internal.h"

void fmt_init(struct fmt_buf *b, char *storage, size_t cap) {
    b->p = storage;
    b->len = 0;
    b->cap = cap;
}

void fmt_mem(struct fmt_buf *b, const char *s, size_t n) {
    size_t room = b->cap - b->len;
    if (n > room) {
        n = room;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

void fmt_str(struct fmt_buf *b, const char *s) {
    fmt_mem(b, s, strlen(s));
}

void fmt_char(struct fmt_buf *b, char c) {
    fmt_mem(b, &c, 1);
}

void fmt_u64(struct fmt_buf *b, uint64_t v) {
    char tmp[20];
    size_t n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    fmt_mem(b, tmp + sizeof tmp - n, n);
}

void fmt_hex(struct fmt_buf *b, uint64_t v) {
    static const char digits[] = "0123456789abcdef";
    char tmp[18];
    size_t n = 0;
    do {
        tmp[sizeof tmp - 1 - n++] = digits[v & 0xf];
        v >>= 4;
    } while (v != 0);
    tmp[sizeof tmp - 1 - n++] = 'x';
    tmp[sizeof tmp - 1 - n++] = '0';
    fmt_mem(b, tmp + sizeof tmp - n, n);
}

int fmt_write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int fmt_expand_path(char *out, size_t cap, const char *path, pid_t pid) {
    struct fmt_buf b;
    fmt_init(&b, out, cap - 1);
    for (const char *s = path; *s; s++) {
        if (s[0] == '%' && s[1] == 'p') {
            fmt_u64(&b, (uint64_t)pid);
            s++;
        } else {
            fmt_char(&b, *s);
        }
    }
    if (b.len >= cap - 1) {
        out[0] = '\0';
        return -1;
    }
    out[b.len] = '\0';
    return 0;
}
