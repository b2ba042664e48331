/* config.h - one run's configuration, filled by cmdline_parse and passed explicitly. */
#ifndef FTSTRESS_CONFIG_H
#define FTSTRESS_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

enum ftstress_command {
    CMD_NONE,
    CMD_RUN,          /* run scenarios */
    CMD_REPLAY,       /* re-run a saved case */
    CMD_RUNTIME_INFO, /* print the runtime manifest */
    CMD_RUNTIME_BUILD,
    CMD_SCENARIOS, /* list the built-in scenarios */
    CMD_TEST,      /* run test files under threads (testrun.h) */
    CMD_FUZZ,      /* fuzz a target under threads (fuzz.h) */
    CMD_MERGE,     /* join JSON reports of shards or nights (merge.h) */
    CMD_CAMPAIGN,  /* a budgeted, resumable, shardable nightly job (campaign.h) */
    CMD_DOCTOR,    /* check the runtime and the machine (doctor.h) */
    CMD_VENV,      /* make or check a venv on the runtime (venv.h) */
};

/* One bit per command, for the sets of commands an option applies to (options.def). */
#define C_BIT(cmd) (1u << (cmd))
#define C_RUN C_BIT(CMD_RUN)
#define C_REPLAY C_BIT(CMD_REPLAY)
#define C_RUNTIME_INFO C_BIT(CMD_RUNTIME_INFO)
#define C_RUNTIME_BUILD C_BIT(CMD_RUNTIME_BUILD)
#define C_SCENARIOS C_BIT(CMD_SCENARIOS)
#define C_TEST C_BIT(CMD_TEST)
#define C_FUZZ C_BIT(CMD_FUZZ)
#define C_MERGE C_BIT(CMD_MERGE)
#define C_CAMPAIGN C_BIT(CMD_CAMPAIGN)
#define C_DOCTOR C_BIT(CMD_DOCTOR)
#define C_VENV C_BIT(CMD_VENV)
#define C_ALL                                                                                      \
    (C_RUN | C_REPLAY | C_RUNTIME_INFO | C_RUNTIME_BUILD | C_SCENARIOS | C_TEST | C_FUZZ |         \
     C_MERGE | C_CAMPAIGN | C_DOCTOR | C_VENV)

enum noise_level { NOISE_OFF, NOISE_LOW, NOISE_HIGH };

/* fuzz --allow: at most this many given. */
#define FTSTRESS_MAX_ALLOW 16

struct ftstress_config {
    enum ftstress_command command;
    const char *runtime; /* --runtime: a name under the cache or a directory; NULL: default */
    const char *flavour; /* --flavour for the default runtime: "tsan" or "release" */
    const char *source;  /* runtime build --source */
    const char **paths;  /* scenario files or directories (run), a case file (replay) */
    int npaths;
    int threads;     /* threads per scenario, unless the scenario fixes its actors */
    long iterations; /* states per run */
    int stride;      /* states per barrier synchronisation */
    int runs;        /* independent interpreter processes per scenario */
    uint64_t seed;   /* base seed; run i uses a seed derived from it */
    bool seed_given;
    double time_budget; /* seconds per scenario run, 0 = iterations only */
    double timeout;     /* seconds before a run is declared hung */
    enum noise_level noise;
    const char *corpus_dir;      /* where failing cases are saved */
    const char *keep_dir;        /* where run artefacts are written; NULL: a temporary dir */
    const char *suppressions;    /* the user's suppressions file (suppress.h), or NULL */
    const char *baseline;        /* known finding signatures (baseline.h), or NULL */
    const char *update_baseline; /* write every finding's signature here, or NULL */
    const char *json_path;       /* reports to write, or NULL */
    const char *junit_path;
    const char *sarif_path;
    const char *html_path;       /* merge --html: the HTML report, or NULL */
    const char *history_path;    /* merge --history: findings over time (history.h), or NULL */
    const char *keyword;         /* test -k: a substring/expression filter on test names */
    bool exitfirst;              /* test -x: stop at the first failing test */
    bool until_failure;          /* test --until-failure: repeat until something fails */
    int ops;                     /* fuzz: operations per thread per iteration (0: default) */
    bool threads_given;          /* --threads was on the command line */
    bool iterations_given;       /* --iterations was on the command line */
    const char *campaign_config; /* campaign --config: the work items (campaign_config.h) */
    double budget;               /* campaign --budget: seconds for the whole campaign, 0: default */
    const char *state_dir;       /* campaign --state: results, resumable (campaign_state.h) */
    int shard, shards;           /* campaign --shard K/N (shards 0: unsharded) */
    bool shard_given;            /* K given; else --shards N takes it from $JOB_COMPLETION_INDEX */
    bool verbose;
    /* venvs, pytest suites, the GIL (venv.h, testrun, harnesses) */
    const char *venv;         /* --venv DIR; NULL: $VIRTUAL_ENV when made on a ftstress runtime */
    const char *venv_deps;    /* venv --deps auto|index|debian|none: where setuptools and pytest
                                 come from (auto: the package index when reachable, else Debian) */
    bool venv_check;          /* venv DIR --check: only report uninstrumented extensions */
    bool gil_off;             /* --gil-off: run with PYTHON_GIL=0, past an import enabling it */
    const char *markexpr;     /* test -m EXPR: pytest's marker expression */
    const char *test_runner;  /* test --runner auto|pytest|unittest (auto: pytest when the
                                 interpreter can import it) */
    bool fixtures_per_thread; /* test --fixtures-per-thread: each thread its own function-scoped
                                 fixtures */
    /* controlled schedules (report/schedule.h): --schedule, --depth */
    int schedule;                /* enum schedule_strategy; SCHEDULE_FREE: noise only */
    int depth;                   /* pct's depth d (d-1 priority change points) */
    const char *schedule_replay; /* replay: the schedule file the shim follows, or NULL */
    /* fuzz --allow NAME (repeatable, comma-separated) and --auto-mode: see
     * scenarios/fuzz_targets/README.md. Kept together for the option table. */
    const char *fuzz_allow[FTSTRESS_MAX_ALLOW]; /* what acts on the process, forced */
    int nfuzz_allow;
    const char *fuzz_auto_mode; /* "pool" (default) or "methods" (the object's own only) */
};

/* Fills cfg with the defaults documented in --help. */
void config_setDefaults(struct ftstress_config *cfg);

/* The noise levels' names in enum order, NULL-terminated. */
extern const char *const config_noiseNames[];

/* "off", "low" or "high". */
const char *config_noiseName(enum noise_level level);

#endif
