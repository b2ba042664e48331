/* xml_escape.h - text and attribute values for XML 1.0 reports (JUnit).
 *
 * XML 1.0 cannot carry every character: C0 controls other than tab, newline
 * and carriage return, and U+FFFE/U+FFFF, are illegal even as character
 * references, so they are dropped. Bytes that are not valid UTF-8 become
 * U+FFFD, as in the JSON reports (jsonw_utf8Next). */
#ifndef FTSTRESS_XML_ESCAPE_H
#define FTSTRESS_XML_ESCAPE_H

#include <stdbool.h>
#include <stdio.h>

/* Writes s (NULL writes nothing) to out with & < > escaped, and " ' too when
 * attribute is true; in an attribute, tab, newline and carriage return are
 * written as character references so a reader's attribute-value
 * normalisation keeps them. */
void xmlesc_write(FILE *out, const char *s, bool attribute);

/* s escaped as by xmlesc_write. Caller frees; aborts on OOM. */
char *xmlesc_string(const char *s, bool attribute);

#endif
