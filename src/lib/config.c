/* config.c - defaults of a run's configuration. */
#include "config.h"

#include <string.h>

void config_setDefaults(struct ftstress_config *cfg) {
    memset(cfg, 0, sizeof(*cfg));
    cfg->command = CMD_NONE;
    cfg->flavour = "tsan";
    /* Two threads saturate the 2-core machines CI gives us; more threads than
     * cores mostly serialise on the scheduler instead of overlapping. */
    cfg->threads = 2;
    cfg->iterations = 200;
    cfg->stride = 16;
    cfg->runs = 2;
    cfg->seed = 1;
    cfg->time_budget = 0;
    cfg->timeout = 120;
    cfg->noise = NOISE_LOW;
    cfg->corpus_dir = "ftstress-corpus";
    cfg->venv_deps = "auto";
    cfg->test_runner = "auto";
    cfg->depth = 2; /* controlled schedules: SCHEDULE_DEFAULT_DEPTH */
}

const char *const config_noiseNames[] = {"off", "low", "high", NULL};

const char *config_noiseName(enum noise_level level) {
    switch (level) {
    case NOISE_OFF:
        return "off";
    case NOISE_LOW:
        return "low";
    case NOISE_HIGH:
        return "high";
    }
    return "?";
}
