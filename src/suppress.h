/* suppress.h - the one TSan suppressions file a run uses.
 *
 * TSan takes a single suppressions= file, so the runtime's own file and
 * ftstress's (src/tsan/ftstress.supp) are joined into one per campaign. */
#ifndef FTSTRESS_SUPPRESS_H
#define FTSTRESS_SUPPRESS_H

#include <stdbool.h>

#include "runtime.h"

/* Writes the joined suppressions for rt to out_path (atomically). Returns false
 * after naming the file that could not be read or written. */
bool suppress_writeCombined(const struct runtime *rt, const char *out_path);

#endif
