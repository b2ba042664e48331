/* manifest.h - key=value files: the runtime manifest, saved cases, shim stats.
 *
 * One "key=value" a line; blank lines and lines starting with '#' are skipped.
 * Keys are unique; a later duplicate replaces the earlier value. A NUL byte
 * anywhere in a line makes the line malformed (it would cut a key or value). */
#ifndef FTSTRESS_MANIFEST_H
#define FTSTRESS_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

struct manifest_entry {
    char *key;
    char *value;
};

struct manifest {
    struct manifest_entry *entries; /* owned */
    size_t count;
    char *path; /* owned copy of the file it was read from, for messages */
};

/* Reads path into m. On a malformed line returns false and writes
 * "PATH:LINE: reason" into err (errlen bytes); m is then empty. */
bool manifest_load(const char *path, struct manifest *m, char *err, size_t errlen);

/* Parses text (len bytes) as if read from name; same contract as manifest_load. */
bool manifest_parse(const char *name, const char *text, size_t len, struct manifest *m, char *err,
                    size_t errlen);

/* The value of key, or NULL. Owned by m. */
const char *manifest_get(const struct manifest *m, const char *key);

/* Frees what m owns; m may then be reused. */
void manifest_free(struct manifest *m);

#endif
