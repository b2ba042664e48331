/* cmdline.c - turns argv into a struct ftstress_config; see cmdline.h.
 *
 * Every option is declared once in options.def; this file builds getopt's
 * table and each command's --help from it, reads values with optvalue.c's
 * strict grammar, and refuses an option the command does not take. */
#include "cmdline.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "optvalue.h"
#include "util.h"

const struct opt_spec cmdline_options[] = {
#define OPTION(ID, LONG, SHORT, META, KIND, LO, HI, COMMANDS, ITEMS, HELP)                         \
    {OPT_##ID, LONG, SHORT, META, KIND, LO, HI, COMMANDS, ITEMS, HELP},
#include "options.def"
#undef OPTION
};
const size_t cmdline_noptions = sizeof(cmdline_options) / sizeof(cmdline_options[0]);

const struct cmd_spec cmdline_commands[] = {
    {CMD_RUN, "run", NULL, "[PATH...]",
     "run scenario files or directories (default: the\nbuilt-in scenarios)"},
    {CMD_REPLAY, "replay", NULL, "CASE",
     "re-run a saved failing case with its seed and parameters"},
    {CMD_TEST, "test", NULL, "PATH...",
     "run test files (test_*.py, *_test.py) concurrently in\nN threads x K iterations, "
     "pytest-style"},
    {CMD_FUZZ, "fuzz", NULL, "TARGET",
     "hammer a shared object from many threads: TARGET is\nmodule:factory or a target file"},
    {CMD_MERGE, "merge", NULL, "REPORT|DIR...",
     "join JSON reports (or shard directories holding\nreport.json) into one: --json, --junit, "
     "--sarif, --html"},
    {CMD_CAMPAIGN, "campaign", NULL, "",
     "a nightly job: the work of --config FILE within --budget,\nresumable in --state DIR, "
     "shardable (ci/campaign.md)"},
    {CMD_SCENARIOS, "scenarios", NULL, "", "list the built-in scenarios"},
    {CMD_VENV, "venv", NULL, "DIR",
     "make a venv on the runtime (pip, setuptools, pytest),\nor with --check list its extensions "
     "built without TSan"},
    {CMD_DOCTOR, "doctor", NULL, "",
     "check the runtime and the machine (ASLR bits, ptrace,\nllvm-symbolizer, venv, disk), "
     "each with its fix"},
    {CMD_RUNTIME_INFO, "runtime", "info", "", "show the runtime in use (from its manifest)"},
    {CMD_RUNTIME_BUILD, "runtime", "build", "",
     "build the runtime once into the cache (about 10 min)"},
};
const size_t cmdline_ncommands = sizeof(cmdline_commands) / sizeof(cmdline_commands[0]);

const char cmdline_exitText[] =
    "exit status: 0 nothing found, 1 findings, 2 usage or input error,\n"
    "3 internal error (e.g. no runtime built yet).\n";

const struct opt_spec *cmdline_findOption(const char *name) {
    for (size_t i = 0; i < cmdline_noptions; i++) {
        const struct opt_spec *o = &cmdline_options[i];
        if (strcmp(o->name, name) == 0 ||
            (o->short_name != 0 && name[0] == o->short_name && name[1] == '\0')) {
            return o;
        }
    }
    return NULL;
}

const char *cmdline_commandName(enum ftstress_command cmd) {
    static char buf[32];
    for (size_t i = 0; i < cmdline_ncommands; i++) {
        if (cmdline_commands[i].cmd == cmd) {
            snprintf(buf, sizeof(buf), "%s%s%s", cmdline_commands[i].word,
                     cmdline_commands[i].sub ? " " : "",
                     cmdline_commands[i].sub ? cmdline_commands[i].sub : "");
            return buf;
        }
    }
    return "?";
}

/* Prints text indented by indent after its first line, which continues a line
 * already indent columns wide. */
static void cmdline_printIndented(FILE *out, const char *text, int indent) {
    for (const char *s = text; *s != '\0';) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        fprintf(out, "%.*s\n", (int)len, s);
        s += len;
        if (*s == '\n') {
            s++;
            fprintf(out, "%*s", indent, "");
        }
    }
}

/* One option's help lines, in a 25-column left part. */
static void cmdline_printOption(FILE *out, const struct opt_spec *o) {
    char left[64];
    int n = o->short_name ? snprintf(left, sizeof(left), "  -%c, --%s", o->short_name, o->name)
                          : snprintf(left, sizeof(left), "  --%s", o->name);
    if (o->meta != NULL) {
        snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->meta);
    }
    if (strlen(left) > 24) {
        fprintf(out, "%s\n%25s", left, "");
    } else {
        fprintf(out, "%-24s ", left);
    }
    cmdline_printIndented(out, o->help, 25);
}

static void cmdline_printEnvironment(FILE *out) {
    fprintf(
        out,
        "\nenvironment:\n"
        "  FTSTRESS_CACHE         runtime cache (default: ${XDG_CACHE_HOME:-~/.cache}/ftstress)\n"
        "  FTSTRESS_RUNTIME       runtime to use, like --runtime\n"
        "  FTSTRESS_PYTHON_SOURCE CPython source for 'runtime build', like --source\n\n");
}

void cmdline_printHelp(void) {
    printf("usage: ftstress [OPTIONS] COMMAND [ARGS]\n"
           "\n"
           "Find thread-safety bugs in code running on free-threaded CPython: run\n"
           "multithreaded scenarios on an instrumented (ThreadSanitizer) runtime with\n"
           "schedule noise, and report lost updates, forbidden outcomes, data races,\n"
           "crashes and hangs, each with what replays it.\n"
           "\n"
           "commands:\n");
    for (size_t i = 0; i < cmdline_ncommands; i++) {
        char left[64];
        snprintf(left, sizeof(left), "  %s%s%s %s", cmdline_commands[i].word,
                 cmdline_commands[i].sub ? " " : "",
                 cmdline_commands[i].sub ? cmdline_commands[i].sub : "", cmdline_commands[i].args);
        printf("%-24s ", left);
        cmdline_printIndented(stdout, cmdline_commands[i].summary, 25);
    }
    printf("\n'ftstress COMMAND --help' lists the options COMMAND takes.\n"
           "\noptions of every command:\n");
    for (size_t i = 0; i < cmdline_noptions; i++) {
        if (cmdline_options[i].commands == C_ALL) {
            cmdline_printOption(stdout, &cmdline_options[i]);
        }
    }
    cmdline_printEnvironment(stdout);
    printf("%s", cmdline_exitText);
}

void cmdline_printCommandHelp(FILE *out, enum ftstress_command cmd) {
    for (size_t i = 0; i < cmdline_ncommands; i++) {
        if (cmdline_commands[i].cmd != cmd) {
            continue;
        }
        fprintf(out, "usage: ftstress %s [OPTIONS]%s%s\n\n", cmdline_commandName(cmd),
                cmdline_commands[i].args[0] ? " " : "", cmdline_commands[i].args);
        cmdline_printIndented(out, cmdline_commands[i].summary, 0);
    }
    fprintf(out, "\noptions:\n");
    for (size_t i = 0; i < cmdline_noptions; i++) {
        if (cmdline_options[i].commands & C_BIT(cmd)) {
            cmdline_printOption(out, &cmdline_options[i]);
        }
    }
    cmdline_printEnvironment(out);
    fprintf(out, "%s", cmdline_exitText);
}

/* Maps the words after the options to a command; returns the index of the first
 * argument of the command, or -1 after reporting an unknown command. */
static int cmdline_command(int argc, char **argv, int first, struct ftstress_config *cfg) {
    if (first >= argc) {
        LOG_E("no command given (try 'ftstress --help')");
        return -1;
    }
    const char *word = argv[first];
    const char *sub = first + 1 < argc ? argv[first + 1] : "";
    bool known_word = false;
    for (size_t i = 0; i < cmdline_ncommands; i++) {
        if (strcmp(word, cmdline_commands[i].word) != 0) {
            continue;
        }
        known_word = true;
        if (cmdline_commands[i].sub == NULL || strcmp(sub, cmdline_commands[i].sub) == 0) {
            cfg->command = cmdline_commands[i].cmd;
            return first + (cmdline_commands[i].sub ? 2 : 1);
        }
    }
    if (known_word) {
        LOG_E("'%s' takes 'info' or 'build', not '%s'", word, sub);
    } else {
        LOG_E("unknown command '%s' (try 'ftstress --help')", word);
    }
    return -1;
}

/* "fuzz, test" for an option's commands. Caller frees. */
static char *cmdline_commandList(unsigned commands) {
    char *list = NULL;
    for (int cmd = CMD_RUN; cmd <= CMD_VENV; cmd++) {
        if (commands & C_BIT(cmd)) {
            util_appendf(&list, "%s%s", list ? ", " : "", cmdline_commandName(cmd));
        }
    }
    return list ? list : util_dup("no command");
}

/* Stores one option's value into cfg. Returns false after reporting a bad value. */
static bool cmdline_apply(const struct opt_spec *o, const char *value, const char *shown,
                          struct ftstress_config *cfg) {
    char *error = NULL;
    long n = 0;
    double secs = 0;
    bool ok = true;
    switch (o->kind) {
    case OK_COUNT:
        ok = optvalue_count(shown, value, (long)o->lo, (long)o->hi, &n, &error);
        break;
    case OK_SECONDS:
        ok = optvalue_seconds(shown, value, o->lo, o->hi, &secs, &error);
        break;
    case OK_STRING:
        if (value[0] == '\0') {
            error = util_asprintf("option '%s' needs a value", shown);
            ok = false;
        }
        break;
    default:
        break;
    }
    if (ok) {
        int choice = 0;
        switch (o->id) {
        case OPT_VERBOSE:
            cfg->verbose = true;
            log_setLevel(LOG_LEVEL_DEBUG);
            break;
        case OPT_RUNTIME:
            cfg->runtime = value;
            break;
        case OPT_FLAVOUR: {
            static const char *const flavours[] = {"tsan", "release", NULL};
            ok = optvalue_choice(shown, value, flavours, &choice, &error);
            cfg->flavour = flavours[choice];
            break;
        }
        case OPT_SOURCE:
            cfg->source = value;
            break;
        case OPT_THREADS:
        case OPT_PARALLEL_THREADS:
            cfg->threads = (int)n;
            cfg->threads_given = true;
            break;
        case OPT_ITERATIONS:
            cfg->iterations = n;
            cfg->iterations_given = true;
            break;
        case OPT_STRIDE:
            cfg->stride = (int)n;
            break;
        case OPT_RUNS:
            cfg->runs = (int)n;
            break;
        case OPT_SEED:
            ok = optvalue_seed(shown, value, &cfg->seed, &error);
            cfg->seed_given = ok;
            break;
        case OPT_TIME:
            cfg->time_budget = secs;
            break;
        case OPT_TIMEOUT:
            cfg->timeout = secs;
            break;
        case OPT_NOISE:
            ok = optvalue_choice(shown, value, config_noiseNames, &choice, &error);
            cfg->noise = (enum noise_level)choice;
            break;
        case OPT_CORPUS:
            cfg->corpus_dir = value;
            break;
        case OPT_KEEP:
            cfg->keep_dir = value;
            break;
        case OPT_SUPPRESSIONS:
            cfg->suppressions = value;
            break;
        case OPT_BASELINE:
            cfg->baseline = value;
            break;
        case OPT_UPDATE_BASELINE:
            cfg->update_baseline = value;
            break;
        case OPT_JSON:
            cfg->json_path = value;
            break;
        case OPT_JUNIT:
            cfg->junit_path = value;
            break;
        case OPT_SARIF:
            cfg->sarif_path = value;
            break;
        case OPT_HTML:
            cfg->html_path = value;
            break;
        case OPT_HISTORY:
            cfg->history_path = value;
            break;
        case OPT_KEYWORD:
            cfg->keyword = value;
            break;
        case OPT_EXITFIRST:
            cfg->exitfirst = true;
            break;
        case OPT_UNTIL_FAILURE:
            cfg->until_failure = true;
            break;
        case OPT_OPS:
            cfg->ops = (int)n;
            break;
        case OPT_CONFIG:
            cfg->campaign_config = value;
            break;
        case OPT_BUDGET:
            cfg->budget = secs;
            break;
        case OPT_STATE:
            cfg->state_dir = value;
            break;
        case OPT_SHARD:
        case OPT_SHARDS: {
            long k = 0;
            ok = o->id == OPT_SHARD ? optvalue_shard(shown, value, &k, &n, &error) : true;
            if (ok && cfg->shards != 0 && cfg->shards != n) {
                error = util_asprintf("--shard and --shards disagree on the number of shards "
                                      "(%d and %ld)",
                                      cfg->shards, n);
                ok = false;
            }
            cfg->shards = (int)n;
            if (o->id == OPT_SHARD) {
                cfg->shard = (int)k;
                cfg->shard_given = true;
            }
            break;
        }
        case OPT_VENV:
            cfg->venv = value;
            break;
        case OPT_DEPS: {
            static const char *const deps[] = {"auto", "index", "debian", "none", NULL};
            ok = optvalue_choice(shown, value, deps, &choice, &error);
            cfg->venv_deps = deps[choice];
            break;
        }
        case OPT_CHECK:
            cfg->venv_check = true;
            break;
        case OPT_GIL_OFF:
            cfg->gil_off = true;
            break;
        case OPT_MARKERS:
            cfg->markexpr = value;
            break;
        case OPT_RUNNER: {
            static const char *const runners[] = {"auto", "pytest", "unittest", NULL};
            ok = optvalue_choice(shown, value, runners, &choice, &error);
            cfg->test_runner = runners[choice];
            break;
        }
        case OPT_FIXTURES_PER_THREAD:
            cfg->fixtures_per_thread = true;
            break;
        case OPT_SCHEDULE: {
            /* enum schedule_strategy's order (report/schedule.h) */
            static const char *const strategies[] = {"free", "random", "pct", NULL};
            ok = optvalue_choice(shown, value, strategies, &choice, &error);
            cfg->schedule = choice;
            break;
        }
        case OPT_DEPTH:
            cfg->depth = (int)n;
            break;
        case OPT_ALLOW:
            /* The harness reads the names (scenarios/fuzz_process.py); only
             * the count is bounded here. */
            if (cfg->nfuzz_allow == FTSTRESS_MAX_ALLOW) {
                error = util_asprintf("%s given more than %d times (join names with ',')", shown,
                                      FTSTRESS_MAX_ALLOW);
                ok = false;
            } else {
                cfg->fuzz_allow[cfg->nfuzz_allow++] = value;
            }
            break;
        case OPT_AUTO_MODE: {
            static const char *const modes[] = {"pool", "methods", NULL};
            ok = optvalue_choice(shown, value, modes, &choice, &error);
            cfg->fuzz_auto_mode = modes[choice];
            break;
        }
        case OPT_HELP:
        case OPT_VERSION:
        case OPT_WEIGHT:
            break;
        }
    }
    if (!ok) {
        LOG_E("%s", error);
        free(error);
    }
    return ok;
}

/* An option as getopt found it: which, and its value. */
struct cmdline_seen {
    const struct opt_spec *opt;
    const char *value;
    bool typed_short; /* as -t rather than --threads */
};

/* getopt's tables from options.def: every option's val is 256 + its index. */
static void cmdline_getoptTables(struct option *longs, char *shorts) {
    size_t s = 0;
    shorts[s++] = ':';
    for (size_t i = 0; i < cmdline_noptions; i++) {
        const struct opt_spec *o = &cmdline_options[i];
        bool takes_value = o->meta != NULL;
        longs[i] = (struct option){o->name, takes_value ? required_argument : no_argument, NULL,
                                   256 + (int)i};
        if (o->short_name != 0) {
            shorts[s++] = o->short_name;
            if (takes_value) {
                shorts[s++] = ':';
            }
        }
    }
    longs[cmdline_noptions] = (struct option){NULL, 0, NULL, 0};
    shorts[s] = '\0';
}

static const struct opt_spec *cmdline_byShort(int c) {
    for (size_t i = 0; i < cmdline_noptions; i++) {
        if (cmdline_options[i].short_name == c) {
            return &cmdline_options[i];
        }
    }
    return NULL;
}

int cmdline_parse(int argc, char **argv, struct ftstress_config *cfg) {
    config_setDefaults(cfg);
    struct option longs[sizeof(cmdline_options) / sizeof(cmdline_options[0]) + 1];
    char shorts[2 * sizeof(cmdline_options) / sizeof(cmdline_options[0]) + 2];
    cmdline_getoptTables(longs, shorts);
    struct cmdline_seen *seen = calloc((size_t)argc + 1, sizeof(*seen));
    if (seen == NULL) {
        abort();
    }
    size_t nseen = 0;
    bool help = false;
    int c, status = -1;
    /* Options may stand before or after the command: GNU getopt permutes argv
     * so that all non-option words end up at the back, in their order. The
     * values are applied once the command is known, so an option the command
     * does not take is refused by name. */
    optind = 1;
    opterr = 0;
    while (status < 0 && (c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const struct opt_spec *o = c >= 256 ? &cmdline_options[c - 256] : cmdline_byShort(c);
        if (c == ':') {
            LOG_E("option '%s' needs a value", argv[optind - 1]);
            status = EXIT_USAGE;
        } else if (o == NULL) {
            LOG_E("unknown option '%s' (try 'ftstress --help')", argv[optind - 1]);
            status = EXIT_USAGE;
        } else if (o->kind == OK_VERSION) {
            printf("ftstress %s\n", FTSTRESS_VERSION);
            status = EXIT_CLEAN;
        } else if (o->kind == OK_HELP) {
            help = true;
        } else {
            seen[nseen++] = (struct cmdline_seen){o, optarg ? optarg : "", c < 256};
        }
    }
    if (status < 0 && help && optind >= argc) {
        cmdline_printHelp();
        status = EXIT_CLEAN;
    }
    int args = status < 0 ? cmdline_command(argc, argv, optind, cfg) : 0;
    if (status < 0 && args < 0) {
        status = EXIT_USAGE;
    }
    if (status < 0 && help) {
        cmdline_printCommandHelp(stdout, cfg->command);
        status = EXIT_CLEAN;
    }
    for (size_t i = 0; status < 0 && i < nseen; i++) {
        const struct opt_spec *o = seen[i].opt;
        char shown[48];
        if (seen[i].typed_short) {
            snprintf(shown, sizeof(shown), "-%c", o->short_name);
        } else {
            snprintf(shown, sizeof(shown), "--%s", o->name);
        }
        if (!(o->commands & C_BIT(cfg->command))) {
            char *list = cmdline_commandList(o->commands);
            LOG_E("'%s' takes no option %s (it is an option of: %s; see 'ftstress %s --help')",
                  cmdline_commandName(cfg->command), shown, list,
                  cmdline_commandName(cfg->command));
            free(list);
            status = EXIT_USAGE;
        } else if (!cmdline_apply(o, seen[i].value, o->id == OPT_THREADS ? "--threads" : shown,
                                  cfg)) {
            status = EXIT_USAGE;
        }
    }
    free(seen);
    if (status >= 0) {
        return status;
    }
    cfg->paths = (const char **)&argv[args];
    cfg->npaths = argc - args;
    if (cfg->command == CMD_VENV && cfg->npaths != 1) {
        LOG_E("'venv' takes exactly one directory");
        return EXIT_USAGE;
    }
    if (cfg->command == CMD_REPLAY && cfg->npaths != 1) {
        LOG_E("'replay' takes exactly one case file");
        return EXIT_USAGE;
    }
    if ((cfg->command == CMD_RUNTIME_INFO || cfg->command == CMD_RUNTIME_BUILD ||
         cfg->command == CMD_SCENARIOS || cfg->command == CMD_CAMPAIGN ||
         cfg->command == CMD_DOCTOR) &&
        cfg->npaths != 0) {
        LOG_E("'%s' takes no argument, not '%s'", cmdline_commandName(cfg->command), cfg->paths[0]);
        return EXIT_USAGE;
    }
    return -1;
}
