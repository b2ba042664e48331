/* session.c - opening and closing what every command shares; see session.h. */
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "stop.h"
#include "util.h"
#include "workdir.h"

int session_open(struct session *s, const struct ftstress_config *cfg, const char *prefix) {
    memset(s, 0, sizeof(*s));
    s->cfg = cfg;
    stop_install();
    if (!runtime_open(cfg, &s->rt)) {
        return EXIT_INTERNAL;
    }
    s->rt_open = true;
    int status = run_outputsOpen(&s->outputs, cfg, &s->rt);
    if (status != EXIT_CLEAN) {
        return status;
    }
    s->work = workdir_open(cfg, prefix);
    if (s->work == NULL) {
        return EXIT_INTERNAL;
    }
    s->tsan_supp = util_asprintf("%s/tsan.supp", s->work);
    if (!suppress_loadAll(&s->supp, &s->rt, cfg->suppressions)) {
        /* The user's file is the likely culprit; the shipped ones are tested. */
        return cfg->suppressions != NULL ? EXIT_USAGE : EXIT_INTERNAL;
    }
    return suppress_writeTsanFile(&s->supp, s->tsan_supp) ? EXIT_CLEAN : EXIT_INTERNAL;
}

bool session_stopping(void) {
    return stop_requested != 0;
}

int session_exitStatus(const struct session *s, bool internal_error, size_t input_errors) {
    if (internal_error) {
        return EXIT_INTERNAL;
    }
    if (run_outputsFailing(&s->outputs) > 0) {
        return EXIT_FINDINGS;
    }
    return input_errors > 0 ? EXIT_USAGE : EXIT_CLEAN;
}

void session_close(struct session *s) {
    if (s->cfg == NULL) {
        return;
    }
    if (s->cfg->suppressions != NULL && s->supp.count > 0) {
        suppress_printUsage(&s->supp);
    }
    workdir_close(s->cfg, s->work);
    suppress_free(&s->supp);
    free(s->tsan_supp);
    run_outputsClose(&s->outputs);
    if (s->rt_open) {
        runtime_close(&s->rt);
    }
    memset(s, 0, sizeof(*s));
}
