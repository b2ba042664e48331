/* testrun.c - placeholder until the testrun command lands. */
#include "testrun.h"

#include "cmdline.h"
#include "log.h"

int testrun_main(struct ftstress_config *cfg) {
    LOG_E("'%s' is not available in this build", "testrun");
    return EXIT_INTERNAL;
}
