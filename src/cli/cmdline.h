/* cmdline.h - the command line: subcommand, flags, help and version, all from
 * the one option table (options.def). */
#ifndef FTSTRESS_CMDLINE_H
#define FTSTRESS_CMDLINE_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "exitcode.h"
#include "optvalue.h"

/* The options' ids, in options.def order. */
enum opt_id {
#define OPTION(ID, LONG, SHORT, META, KIND, LO, HI, COMMANDS, ITEMS, HELP) OPT_##ID,
#include "options.def"
#undef OPTION
};

/* One row of options.def. */
struct opt_spec {
    enum opt_id id;
    const char *name; /* long name, without "--" */
    char short_name;  /* or 0 */
    const char *meta; /* the value's name; NULL: a flag */
    enum opt_kind kind;
    double lo, hi;     /* range of a count or of seconds */
    unsigned commands; /* C_* bits: the commands that take it */
    unsigned items;    /* C_RUN (scenario), C_TEST, C_FUZZ: campaign entries that take it */
    const char *help;
};

/* One command: the words that name it, its arguments and what it does. */
struct cmd_spec {
    enum ftstress_command cmd;
    const char *word, *sub; /* "runtime" "info"; sub NULL for one-word commands */
    const char *args;
    const char *summary; /* first line for the command list; all of it for its --help */
};

/* Every command, in the order --help lists them, and their number. */
extern const struct cmd_spec cmdline_commands[];
extern const size_t cmdline_ncommands;

/* "run" or "runtime build": the command's words. Static storage, overwritten
 * by the next call. */
const char *cmdline_commandName(enum ftstress_command cmd);

/* The exit status paragraph of every help text. */
extern const char cmdline_exitText[];

/* The table, in options.def order, and its length. */
extern const struct opt_spec cmdline_options[];
extern const size_t cmdline_noptions;

/* The option whose long name, or one-letter name, is name; NULL if none. */
const struct opt_spec *cmdline_findOption(const char *name);

/* Parses argv into cfg (set to defaults first). Returns -1 to go on with the
 * command, or an exit code when parsing ended the program (--help, --version,
 * a usage error, already reported on stderr). An option the command does not
 * take is a usage error naming it. argv must outlive cfg. */
int cmdline_parse(int argc, char **argv, struct ftstress_config *cfg);

/* Prints the usage text (commands, common options, exit codes) to stdout. */
void cmdline_printHelp(void);

/* Prints one command's usage and the options it takes to out. */
void cmdline_printCommandHelp(FILE *out, enum ftstress_command cmd);

#endif
