/* main.c - ftstress: find thread-safety bugs on free-threaded CPython.
 * Dispatches the command cmdline parsed to its folder (run/, test/, fuzz/,
 * report/ for merge, campaign/, exec/ for the runtime); ARCHITECTURE.md
 * follows one run through the layers. */
#include <stdio.h>

#include "campaign.h"
#include "cmdline.h"
#include "config.h"
#include "doctor.h"
#include "fuzz.h"
#include "fuzz_case.h"
#include "log.h"
#include "merge.h"
#include "paths.h"
#include "runner.h"
#include "runtime.h"
#include "scenario.h"
#include "testrun.h"
#include "venv.h"

static int main_listScenarios(void) {
    struct scenario_list list;
    if (!scenario_collect(NULL, 0, &list)) {
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < list.count; i++) {
        printf("%s\n", list.paths[i]);
    }
    scenario_listFree(&list);
    return EXIT_CLEAN;
}

int main(int argc, char **argv) {
    struct ftstress_config cfg;
    int early = cmdline_parse(argc, argv, &cfg);
    if (early >= 0) {
        return early;
    }
    switch (cfg.command) {
    case CMD_RUN:
        return runner_run(&cfg);
    case CMD_REPLAY:
        /* A case file says which command saved it. */
        return fuzz_caseIsFuzz(cfg.paths[0]) ? fuzz_replayCase(&cfg, cfg.paths[0])
                                             : runner_replay(&cfg);
    case CMD_SCENARIOS:
        return main_listScenarios();
    case CMD_TEST:
        return testrun_main(&cfg);
    case CMD_FUZZ:
        return fuzz_main(&cfg);
    case CMD_MERGE:
        return merge_main(&cfg);
    case CMD_CAMPAIGN:
        return campaign_main(&cfg);
    case CMD_DOCTOR:
        return doctor_main(&cfg);
    case CMD_VENV:
        return venv_main(&cfg);
    case CMD_RUNTIME_INFO:
        return runtime_printInfo(&cfg);
    case CMD_RUNTIME_BUILD:
        return runtime_build(&cfg);
    case CMD_NONE:
        break;
    }
    cmdline_printHelp();
    return EXIT_USAGE;
}
