/* fuzz.c - placeholder until the fuzz command lands. */
#include "fuzz.h"

#include "cmdline.h"
#include "log.h"

int fuzz_main(struct ftstress_config *cfg) {
    LOG_E("'%s' is not available in this build", "fuzz");
    return EXIT_INTERNAL;
}
