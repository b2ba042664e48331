/* cmdline.c - turns argv into a struct ftstress_config; see cmdline.h. */
#include "cmdline.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

void cmdline_printHelp(void) {
    printf(
        "usage: ftstress [OPTIONS] COMMAND [ARGS]\n"
        "\n"
        "Find thread-safety bugs in code running on free-threaded CPython: run\n"
        "multithreaded scenarios on an instrumented (ThreadSanitizer) runtime with\n"
        "schedule noise, and report lost updates, forbidden outcomes, data races,\n"
        "crashes and hangs, each with what replays it.\n"
        "\n"
        "commands:\n"
        "  run [PATH...]          run scenario files or directories (default: the\n"
        "                         built-in scenarios)\n"
        "  replay CASE            re-run a saved failing case with its seed and parameters\n"
        "  test PATH...           run test files (test_*.py, *_test.py) concurrently in\n"
        "                         N threads x K iterations, pytest-style\n"
        "  fuzz TARGET            hammer a shared object from many threads: TARGET is\n"
        "                         module:factory or a target file\n"
        "  merge REPORT|DIR...    join JSON reports (or shard directories holding\n"
        "                         report.json) into one: --json, --junit, --sarif, --html\n"
        "  campaign               a nightly job: the work of --config FILE within --budget,\n"
        "                         resumable in --state DIR, shardable (ci/campaign.md)\n"
        "  scenarios              list the built-in scenarios\n"
        "  runtime info           show the runtime in use (from its manifest)\n"
        "  runtime build          build the runtime once into the cache (about 10 min)\n"
        "\n"
        "options:\n"
        "  --runtime NAME|DIR     runtime to use: a directory holding a manifest, or a\n"
        "                         name under the cache (default: $FTSTRESS_RUNTIME, else\n"
        "                         the embedded default CPython 3.13.15t of --flavour)\n"
        "  --flavour tsan|release default runtime flavour (default: tsan)\n"
        "  --source PATH          runtime build: a CPython >= 3.13 source tree or tarball\n"
        "                         (default: $FTSTRESS_PYTHON_SOURCE, else Debian's python3.13)\n"
        "  -t, --threads N        threads per scenario (default: 2)\n"
        "  -n, --iterations N     fresh states per run (default: 200)\n"
        "  --stride N             states per barrier start (default: 16)\n"
        "  -r, --runs N           independent interpreter runs per scenario (default: 2)\n"
        "  -s, --seed N           base seed (default: 1); run i uses a seed derived from it\n"
        "  --time SECONDS         time budget per run; stops early when reached\n"
        "  --timeout SECONDS      a run making no progress for this long is a hang\n"
        "                         (default: 120)\n"
        "  --noise off|low|high   schedule noise in the shims (default: low)\n"
        "  --corpus DIR           where failing cases are saved (default: ./ftstress-corpus)\n"
        "  --keep DIR             keep each run's logs and results under DIR\n"
        "  --suppressions FILE    more suppressions: TSan's syntax (race:, race_top:,\n"
        "                         called_from_lib:, ...) and PCRE2 patterns (function:,\n"
        "                         file:, module:, signature:); see README.md\n"
        "  --baseline FILE        known finding signatures: only new findings fail (exit 1)\n"
        "  --update-baseline FILE write every finding's signature to FILE\n"
        "  --json FILE            also write the results as JSON, one schema for run, test\n"
        "                         and fuzz (ci/report-schema.md)\n"
        "  --junit FILE           also write JUnit XML\n"
        "  --sarif FILE           also write SARIF 2.1.0 for code scanning\n"
        "  --html FILE            merge: write a self-contained HTML report\n"
        "  --history FILE         merge: append this run to a findings-over-time history\n"
        "  -k EXPR                test: only tests whose name matches EXPR\n"
        "  -x, --exitfirst        test: stop at the first failing test\n"
        "  --until-failure        test: repeat the selection until something fails\n"
        "  --parallel-threads N   test: the same as --threads\n"
        "  --ops N                fuzz: operations per thread per iteration\n"
        /* fuzz --allow / --auto-mode (see the option block below) */
        "  --allow NAME           fuzz: call NAME though it acts on the process (os.fork,\n"
        "                         socket.connect, ...); repeatable, comma-separated\n"
        "  --auto-mode pool|methods fuzz: automatic mode with the shared-argument pool,\n"
        "                         module functions and shared iterators (pool, default), or\n"
        "                         the object's own methods only (methods)\n"
        "  --config FILE          campaign: the work items (scenarios, tests, fuzz targets)\n"
        "  --budget DURATION      campaign: time for all of it, e.g. 90s, 30m, 2h (default 30m)\n"
        "  --state DIR            campaign: results, corpus, progress; a campaign started\n"
        "                         again on DIR goes on where it was\n"
        "  --shard K/N            campaign: run shard K (0 to N-1) of N; merge the shards' DIRs\n"
        "  --shards N             campaign: N shards, K from $JOB_COMPLETION_INDEX (Kubernetes)\n"
        "  -v, --verbose          say more\n"
        "  -h, --help             this text\n"
        "  --version              the version\n"
        "\n"
        "environment:\n"
        "  FTSTRESS_CACHE         runtime cache (default: ${XDG_CACHE_HOME:-~/.cache}/ftstress)\n"
        "  FTSTRESS_RUNTIME       runtime to use, like --runtime\n"
        "  FTSTRESS_PYTHON_SOURCE CPython source for 'runtime build', like --source\n"
        "\n"
        "exit status: 0 nothing found, 1 findings, 2 usage or input error,\n"
        "3 internal error (e.g. no runtime built yet).\n");
}

static bool cmdline_parseLong(const char *opt, const char *text, long min, long max, long *out) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
        LOG_E("%s takes a whole number from %ld to %ld, not '%s'", opt, min, max, text);
        return false;
    }
    *out = v;
    return true;
}

static bool cmdline_parseSeconds(const char *opt, const char *text, double *out) {
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    double scale = 1;
    if (end != text && (*end == 's' || *end == 'm' || *end == 'h') && end[1] == '\0') {
        scale = *end == 'm' ? 60 : *end == 'h' ? 3600 : 1;
        end++;
    }
    if (errno != 0 || end == text || *end != '\0' || v < 0) {
        LOG_E("%s takes seconds (e.g. 30, 2.5, 5m), not '%s'", opt, text);
        return false;
    }
    *out = v * scale;
    return true;
}

static bool cmdline_parseNoise(const char *text, enum noise_level *out) {
    static const enum noise_level levels[] = {NOISE_OFF, NOISE_LOW, NOISE_HIGH};
    for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
        if (strcmp(text, config_noiseName(levels[i])) == 0) {
            *out = levels[i];
            return true;
        }
    }
    LOG_E("--noise takes off, low or high, not '%s'", text);
    return false;
}

/* --shard K/N (with_index) or --shards N into cfg; both must agree on N. */
static bool cmdline_parseShard(bool with_index, const char *text, struct ftstress_config *cfg) {
    long k = 0, n = 0;
    if (with_index) {
        const char *slash = strchr(text, '/');
        char *kt = slash ? strndup(text, (size_t)(slash - text)) : NULL;
        bool ok = kt != NULL && cmdline_parseLong("--shard's K", kt, 0, 9999, &k) &&
                  cmdline_parseLong("--shard's N", slash + 1, 1, 10000, &n);
        free(kt);
        if (!ok) {
            LOG_E("--shard takes K/N (0 <= K < N), e.g. 0/4, not '%s'", text);
            return false;
        }
    } else if (!cmdline_parseLong("--shards", text, 1, 10000, &n)) {
        return false;
    }
    if (k >= n) {
        LOG_E("--shard %s: K must be less than N (shards count from 0)", text);
        return false;
    }
    if (cfg->shards != 0 && cfg->shards != n) {
        LOG_E("--shard and --shards disagree on the number of shards (%d and %ld)", cfg->shards, n);
        return false;
    }
    cfg->shards = (int)n;
    if (with_index) {
        cfg->shard = (int)k;
        cfg->shard_given = true;
    }
    return true;
}

/* Maps the words after the options to a command; returns the index of the first
 * argument of the command, or -1 after reporting an unknown command. */
static int cmdline_command(int argc, char **argv, int first, struct ftstress_config *cfg) {
    if (first >= argc) {
        LOG_E("no command given (try 'ftstress --help')");
        return -1;
    }
    const char *word = argv[first];
    if (strcmp(word, "run") == 0) {
        cfg->command = CMD_RUN;
    } else if (strcmp(word, "replay") == 0) {
        cfg->command = CMD_REPLAY;
    } else if (strcmp(word, "scenarios") == 0) {
        cfg->command = CMD_SCENARIOS;
    } else if (strcmp(word, "test") == 0) {
        cfg->command = CMD_TEST;
    } else if (strcmp(word, "fuzz") == 0) {
        cfg->command = CMD_FUZZ;
    } else if (strcmp(word, "merge") == 0) {
        cfg->command = CMD_MERGE;
    } else if (strcmp(word, "campaign") == 0) {
        cfg->command = CMD_CAMPAIGN;
    } else if (strcmp(word, "runtime") == 0) {
        const char *sub = first + 1 < argc ? argv[first + 1] : "";
        if (strcmp(sub, "info") == 0) {
            cfg->command = CMD_RUNTIME_INFO;
        } else if (strcmp(sub, "build") == 0) {
            cfg->command = CMD_RUNTIME_BUILD;
        } else {
            LOG_E("'runtime' takes 'info' or 'build', not '%s'", sub);
            return -1;
        }
        return first + 2;
    } else {
        LOG_E("unknown command '%s' (try 'ftstress --help')", word);
        return -1;
    }
    return first + 1;
}

int cmdline_parse(int argc, char **argv, struct ftstress_config *cfg) {
    config_setDefaults(cfg);
    enum {
        OPT_VERSION = 256,
        OPT_RUNTIME,
        OPT_FLAVOUR,
        OPT_SOURCE,
        OPT_STRIDE,
        OPT_TIME,
        OPT_TIMEOUT,
        OPT_NOISE,
        OPT_CORPUS,
        OPT_KEEP,
        OPT_SUPPRESSIONS,
        OPT_BASELINE,
        OPT_UPDATE_BASELINE,
        OPT_JSON,
        OPT_JUNIT,
        OPT_SARIF,
        OPT_UNTIL_FAILURE,
        OPT_OPS,
        OPT_HTML,
        OPT_HISTORY,
        OPT_CONFIG,
        OPT_BUDGET,
        OPT_STATE,
        OPT_SHARD,
        OPT_SHARDS,
        /* fuzz --allow / --auto-mode */
        OPT_ALLOW,
        OPT_AUTO_MODE
    };
    static const struct option options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {"verbose", no_argument, NULL, 'v'},
        {"runtime", required_argument, NULL, OPT_RUNTIME},
        {"flavour", required_argument, NULL, OPT_FLAVOUR},
        {"source", required_argument, NULL, OPT_SOURCE},
        {"threads", required_argument, NULL, 't'},
        {"parallel-threads", required_argument, NULL, 't'},
        {"keyword", required_argument, NULL, 'k'},
        {"exitfirst", no_argument, NULL, 'x'},
        {"until-failure", no_argument, NULL, OPT_UNTIL_FAILURE},
        {"ops", required_argument, NULL, OPT_OPS},
        {"iterations", required_argument, NULL, 'n'},
        {"stride", required_argument, NULL, OPT_STRIDE},
        {"runs", required_argument, NULL, 'r'},
        {"seed", required_argument, NULL, 's'},
        {"time", required_argument, NULL, OPT_TIME},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"noise", required_argument, NULL, OPT_NOISE},
        {"corpus", required_argument, NULL, OPT_CORPUS},
        {"keep", required_argument, NULL, OPT_KEEP},
        {"suppressions", required_argument, NULL, OPT_SUPPRESSIONS},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"update-baseline", required_argument, NULL, OPT_UPDATE_BASELINE},
        {"json", required_argument, NULL, OPT_JSON},
        {"junit", required_argument, NULL, OPT_JUNIT},
        {"sarif", required_argument, NULL, OPT_SARIF},
        {"html", required_argument, NULL, OPT_HTML},
        {"history", required_argument, NULL, OPT_HISTORY},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"budget", required_argument, NULL, OPT_BUDGET},
        {"state", required_argument, NULL, OPT_STATE},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"shards", required_argument, NULL, OPT_SHARDS},
        /* fuzz --allow / --auto-mode */
        {"allow", required_argument, NULL, OPT_ALLOW},
        {"auto-mode", required_argument, NULL, OPT_AUTO_MODE},
        {NULL, 0, NULL, 0},
    };
    long v;
    int c;
    /* Options may stand before or after the command: GNU getopt permutes argv
     * so that all non-option words end up at the back, in their order. */
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hvt:n:r:s:k:x", options, NULL)) != -1) {
        switch (c) {
        case 'h':
            cmdline_printHelp();
            return EXIT_CLEAN;
        case OPT_VERSION:
            printf("ftstress %s\n", FTSTRESS_VERSION);
            return EXIT_CLEAN;
        case 'v':
            cfg->verbose = true;
            log_setLevel(LOG_LEVEL_DEBUG);
            break;
        case OPT_RUNTIME:
            cfg->runtime = optarg;
            break;
        case OPT_FLAVOUR:
            if (strcmp(optarg, "tsan") != 0 && strcmp(optarg, "release") != 0) {
                LOG_E("--flavour takes tsan or release, not '%s'", optarg);
                return EXIT_USAGE;
            }
            cfg->flavour = optarg;
            break;
        case OPT_SOURCE:
            cfg->source = optarg;
            break;
        case 't':
            if (!cmdline_parseLong("--threads", optarg, 1, 256, &v))
                return EXIT_USAGE;
            cfg->threads = (int)v;
            cfg->threads_given = true;
            break;
        case 'k':
            cfg->keyword = optarg;
            break;
        case 'x':
            cfg->exitfirst = true;
            break;
        case OPT_UNTIL_FAILURE:
            cfg->until_failure = true;
            break;
        case OPT_OPS:
            if (!cmdline_parseLong("--ops", optarg, 1, 1000000, &v))
                return EXIT_USAGE;
            cfg->ops = (int)v;
            break;
        case 'n':
            if (!cmdline_parseLong("--iterations", optarg, 1, 1000000000L, &v))
                return EXIT_USAGE;
            cfg->iterations = v;
            cfg->iterations_given = true;
            break;
        case OPT_STRIDE:
            if (!cmdline_parseLong("--stride", optarg, 1, 100000, &v))
                return EXIT_USAGE;
            cfg->stride = (int)v;
            break;
        case 'r':
            if (!cmdline_parseLong("--runs", optarg, 1, 1000000, &v))
                return EXIT_USAGE;
            cfg->runs = (int)v;
            break;
        case 's': {
            char *end;
            errno = 0;
            unsigned long long s = strtoull(optarg, &end, 0);
            if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-') {
                LOG_E("--seed takes a non-negative whole number, not '%s'", optarg);
                return EXIT_USAGE;
            }
            cfg->seed = (uint64_t)s;
            cfg->seed_given = true;
            break;
        }
        case OPT_TIME:
            if (!cmdline_parseSeconds("--time", optarg, &cfg->time_budget))
                return EXIT_USAGE;
            break;
        case OPT_TIMEOUT:
            if (!cmdline_parseSeconds("--timeout", optarg, &cfg->timeout))
                return EXIT_USAGE;
            if (cfg->timeout <= 0) {
                LOG_E("--timeout must be more than 0 seconds");
                return EXIT_USAGE;
            }
            break;
        case OPT_NOISE:
            if (!cmdline_parseNoise(optarg, &cfg->noise))
                return EXIT_USAGE;
            break;
        case OPT_CORPUS:
            cfg->corpus_dir = optarg;
            break;
        case OPT_KEEP:
            cfg->keep_dir = optarg;
            break;
        case OPT_SUPPRESSIONS:
            cfg->suppressions = optarg;
            break;
        case OPT_BASELINE:
            cfg->baseline = optarg;
            break;
        case OPT_UPDATE_BASELINE:
            cfg->update_baseline = optarg;
            break;
        case OPT_JSON:
            cfg->json_path = optarg;
            break;
        case OPT_JUNIT:
            cfg->junit_path = optarg;
            break;
        case OPT_SARIF:
            cfg->sarif_path = optarg;
            break;
        case OPT_HTML:
            cfg->html_path = optarg;
            break;
        case OPT_HISTORY:
            cfg->history_path = optarg;
            break;
        case OPT_CONFIG:
            cfg->campaign_config = optarg;
            break;
        case OPT_BUDGET:
            if (!cmdline_parseSeconds("--budget", optarg, &cfg->budget))
                return EXIT_USAGE;
            if (cfg->budget <= 0) {
                LOG_E("--budget must be more than 0 seconds");
                return EXIT_USAGE;
            }
            break;
        case OPT_STATE:
            cfg->state_dir = optarg;
            break;
        case OPT_SHARD:
        case OPT_SHARDS:
            if (!cmdline_parseShard(c == OPT_SHARD, optarg, cfg))
                return EXIT_USAGE;
            break;
        /* fuzz --allow / --auto-mode: the harness reads the names
         * (scenarios/fuzz_process.py); only the count is bounded here. */
        case OPT_ALLOW:
            if (cfg->nfuzz_allow == FTSTRESS_MAX_ALLOW) {
                LOG_E("--allow given more than %d times (join names with ',')", FTSTRESS_MAX_ALLOW);
                return EXIT_USAGE;
            }
            cfg->fuzz_allow[cfg->nfuzz_allow++] = optarg;
            break;
        case OPT_AUTO_MODE:
            if (strcmp(optarg, "pool") != 0 && strcmp(optarg, "methods") != 0) {
                LOG_E("--auto-mode takes pool or methods, not '%s'", optarg);
                return EXIT_USAGE;
            }
            cfg->fuzz_auto_mode = optarg;
            break;
        case ':':
            LOG_E("option '%s' needs a value", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            LOG_E("unknown option '%s' (try 'ftstress --help')", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    int args = cmdline_command(argc, argv, optind, cfg);
    if (args < 0) {
        return EXIT_USAGE;
    }
    cfg->paths = (const char **)&argv[args];
    cfg->npaths = argc - args;
    if (cfg->command == CMD_REPLAY && cfg->npaths != 1) {
        LOG_E("'replay' takes exactly one case file");
        return EXIT_USAGE;
    }
    if ((cfg->command == CMD_RUNTIME_INFO || cfg->command == CMD_RUNTIME_BUILD ||
         cfg->command == CMD_SCENARIOS) &&
        cfg->npaths != 0) {
        LOG_E("unexpected argument '%s'", cfg->paths[0]);
        return EXIT_USAGE;
    }
    return -1;
}
