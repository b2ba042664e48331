/* fuzz_target.h - what `ftstress fuzz TARGET` was asked to fuzz.
 *
 *   path/to/target.py   a target file (scenarios/fuzz_targets/README.md)
 *   module:factory      automatic mode: factory() makes the shared object
 *                       (a dotted attribute path is allowed: xml.dom.minidom:Document)
 *   module:factory(ARGS) the same, factory called with ARGS, Python the harness
 *                       evaluates for each object: io:BufferedReader(io.BytesIO(b"x"))
 *   module:*            readiness: every public class and function of module
 *   CASE                a saved fuzz case (kind=fuzz): replay it */
#ifndef FTSTRESS_FUZZ_TARGET_H
#define FTSTRESS_FUZZ_TARGET_H

#include <stdbool.h>
#include <stddef.h>

enum fuzz_target_kind {
    FUZZ_TARGET_FILE,
    FUZZ_TARGET_FACTORY,
    FUZZ_TARGET_MODULE,
    FUZZ_TARGET_CASE,
};

struct fuzz_target {
    enum fuzz_target_kind kind;
    char *spec;   /* what the harness gets: the file's absolute path, module:factory; owned */
    char *label;  /* the short name findings and cases carry; owned */
    char *module; /* FUZZ_TARGET_MODULE: the module; owned, else NULL */
};

/* Classifies text. is_file: text names an existing file; is_case: that file
 * is a fuzz case. Returns false with a message for the user in err. */
bool fuzz_targetParse(const char *text, bool is_file, bool is_case, struct fuzz_target *t,
                      char *err, size_t errlen);

/* True when s is a dotted Python name ("a", "a.b_c"). */
bool fuzz_targetIsDotted(const char *s, size_t len);

void fuzz_targetFree(struct fuzz_target *t);

#endif
