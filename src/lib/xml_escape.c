/* xml_escape.c - XML 1.0 escaping; see xml_escape.h. */
#include "xml_escape.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

/* The Char production of XML 1.0 (section 2.2). */
static bool xmlesc_isLegal(uint32_t cp) {
    return cp == 0x9 || cp == 0xa || cp == 0xd || (cp >= 0x20 && cp <= 0xd7ff) ||
           (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

void xmlesc_write(FILE *out, const char *str, bool attribute) {
    if (str == NULL) {
        return;
    }
    const unsigned char *s = (const unsigned char *)str;
    size_t n = strlen(str);
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t used = jsonw_utf8Next(s + i, n - i, &cp);
        if (!xmlesc_isLegal(cp)) {
            /* dropped: no escape can carry it */
        } else if (cp == '&') {
            fputs("&amp;", out);
        } else if (cp == '<') {
            fputs("&lt;", out);
        } else if (cp == '>') {
            fputs("&gt;", out); /* only "]]>" needs it, but it costs nothing */
        } else if (attribute && cp == '"') {
            fputs("&quot;", out);
        } else if (attribute && cp == '\'') {
            fputs("&apos;", out);
        } else if (attribute && (cp == '\t' || cp == '\n' || cp == '\r')) {
            fprintf(out, "&#%u;", (unsigned)cp);
        } else if (cp == '\r') {
            fputs("&#13;", out); /* a raw CR in text would be read as a newline */
        } else if (cp == 0xfffd && used == 1) {
            fputs("\xef\xbf\xbd", out);
        } else {
            fwrite(s + i, 1, used, out);
        }
        i += used;
    }
}

char *xmlesc_string(const char *s, bool attribute) {
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out == NULL) {
        abort();
    }
    xmlesc_write(out, s, attribute);
    if (fclose(out) != 0) {
        abort();
    }
    return buf;
}
