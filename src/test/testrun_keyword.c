/* testrun_keyword.c - -k expressions; see testrun_keyword.h. */
#include "testrun_keyword.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define KEYWORD_MAX_DEPTH 64

enum keyword_token { TOK_END, TOK_WORD, TOK_AND, TOK_OR, TOK_NOT, TOK_LPAREN, TOK_RPAREN, TOK_BAD };

struct keyword_parser {
    const char *text;
    size_t pos; /* where the current token starts */
    size_t len; /* its length */
    enum keyword_token tok;
    char *out; /* the program so far */
    size_t out_len, out_cap;
    char *err;
    size_t errlen;
    bool failed;
    int depth;
};

static bool keyword_isWordChar(char c) {
    return c != '\0' && (isalnum((unsigned char)c) || strchr("_:+-.[]\\/", c) != NULL);
}

/* Reads the token after the current one. */
static void keyword_next(struct keyword_parser *p) {
    size_t i = p->pos + p->len;
    while (p->text[i] == ' ' || p->text[i] == '\t') {
        i++;
    }
    p->pos = i;
    char c = p->text[i];
    if (c == '\0') {
        p->tok = TOK_END;
        p->len = 0;
    } else if (c == '(' || c == ')') {
        p->tok = c == '(' ? TOK_LPAREN : TOK_RPAREN;
        p->len = 1;
    } else if (keyword_isWordChar(c)) {
        size_t n = 0;
        while (keyword_isWordChar(p->text[i + n])) {
            n++;
        }
        p->len = n;
        p->tok = n == 3 && strncmp(p->text + i, "and", 3) == 0   ? TOK_AND
                 : n == 2 && strncmp(p->text + i, "or", 2) == 0  ? TOK_OR
                 : n == 3 && strncmp(p->text + i, "not", 3) == 0 ? TOK_NOT
                                                                 : TOK_WORD;
    } else {
        p->tok = TOK_BAD;
        p->len = 1;
    }
}

static void keyword_fail(struct keyword_parser *p, const char *what) {
    if (p->failed) {
        return;
    }
    p->failed = true;
    if (p->tok == TOK_END) {
        snprintf(p->err, p->errlen, "column %zu: expected %s; got end of input", p->pos + 1, what);
    } else {
        snprintf(p->err, p->errlen, "column %zu: expected %s; got '%.*s'", p->pos + 1, what,
                 (int)p->len, p->text + p->pos);
    }
}

static void keyword_emit(struct keyword_parser *p, const char *s, size_t n) {
    size_t need = p->out_len + n + 2;
    if (need > p->out_cap) {
        p->out_cap = need * 2;
        p->out = realloc(p->out, p->out_cap);
        if (p->out == NULL) {
            abort();
        }
    }
    if (p->out_len > 0) {
        p->out[p->out_len++] = ' ';
    }
    memcpy(p->out + p->out_len, s, n);
    p->out_len += n;
    p->out[p->out_len] = '\0';
}

static void keyword_expr(struct keyword_parser *p);

static void keyword_not(struct keyword_parser *p) {
    if (p->failed) {
        return;
    }
    if (++p->depth > KEYWORD_MAX_DEPTH) {
        keyword_fail(p, "a shallower expression");
        return;
    }
    if (p->tok == TOK_NOT) {
        keyword_next(p);
        keyword_not(p);
        keyword_emit(p, "!", 1);
    } else if (p->tok == TOK_LPAREN) {
        keyword_next(p);
        keyword_expr(p);
        if (p->tok != TOK_RPAREN) {
            keyword_fail(p, "')'");
            return;
        }
        keyword_next(p);
    } else if (p->tok == TOK_WORD) {
        char *word = util_asprintf("=%.*s", (int)p->len, p->text + p->pos);
        keyword_emit(p, word, strlen(word));
        free(word);
        keyword_next(p);
    } else {
        keyword_fail(p, "not, '(' or a word");
    }
    p->depth--;
}

static void keyword_and(struct keyword_parser *p) {
    keyword_not(p);
    while (!p->failed && p->tok == TOK_AND) {
        keyword_next(p);
        keyword_not(p);
        keyword_emit(p, "&", 1);
    }
}

static void keyword_expr(struct keyword_parser *p) {
    keyword_and(p);
    while (!p->failed && p->tok == TOK_OR) {
        keyword_next(p);
        keyword_and(p);
        keyword_emit(p, "|", 1);
    }
}

char *testrun_keywordCompile(const char *expr, char *err, size_t errlen) {
    struct keyword_parser p = {.text = expr ? expr : "", .err = err, .errlen = errlen};
    keyword_next(&p);
    if (p.tok == TOK_END) {
        return strdup("");
    }
    keyword_expr(&p);
    if (!p.failed && p.tok != TOK_END) {
        keyword_fail(&p, "and, or or the end");
    }
    if (p.failed) {
        free(p.out);
        return NULL;
    }
    return p.out;
}

/* True when name contains word (n bytes), ignoring ASCII case. */
static bool keyword_contains(const char *name, const char *word, size_t n) {
    if (n == 0) {
        return true;
    }
    for (const char *s = name; *s; s++) {
        if (strncasecmp(s, word, n) == 0) {
            return true;
        }
    }
    return false;
}

bool testrun_keywordMatch(const char *program, const char *name) {
    bool stack[KEYWORD_MAX_DEPTH * 4];
    int top = 0;
    const char *p = program;
    while (*p) {
        size_t n = strcspn(p, " ");
        if (*p == '=') {
            if (top < (int)(sizeof(stack) / sizeof(stack[0]))) {
                stack[top++] = keyword_contains(name, p + 1, n - 1);
            }
        } else if (*p == '!' && top >= 1) {
            stack[top - 1] = !stack[top - 1];
        } else if ((*p == '&' || *p == '|') && top >= 2) {
            bool b = stack[--top];
            bool a = stack[top - 1];
            stack[top - 1] = *p == '&' ? (a && b) : (a || b);
        }
        p += n;
        while (*p == ' ') {
            p++;
        }
    }
    return top == 0 ? true : stack[top - 1];
}
