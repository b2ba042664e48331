/* docgen.c - man page and bash completion from the tables; see docgen.h. */
#include "docgen.h"

#include <stdbool.h>
#include <string.h>

#include "cmdline.h"

/* text with roff's special characters escaped, newlines as spaces. */
static void docgen_roff(FILE *out, const char *text) {
    for (const char *p = text; *p; p++) {
        if (*p == '\\') {
            fputs("\\e", out);
        } else if (*p == '-') {
            fputs("\\-", out);
        } else if (*p == '\n') {
            fputc(' ', out);
        } else if (*p == '.' && (p == text || p[-1] == '\n')) {
            fputs("\\&.", out);
        } else {
            fputc(*p, out);
        }
    }
}

static void docgen_manOption(FILE *out, const struct opt_spec *o) {
    fputs(".TP\n", out);
    if (o->short_name != 0) {
        fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
    }
    fputs("\\fB\\-\\-", out);
    docgen_roff(out, o->name);
    fputs("\\fR", out);
    if (o->meta != NULL) {
        fputs(" \\fI", out);
        docgen_roff(out, o->meta);
        fputs("\\fR", out);
    }
    fputc('\n', out);
    docgen_roff(out, o->help);
    fputc('\n', out);
}

void docgen_writeMan(FILE *out) {
    fprintf(out, ".TH FTSTRESS 1 \"\" \"ftstress %s\" \"User Commands\"\n", FTSTRESS_VERSION);
    fputs(".SH NAME\nftstress \\- find thread\\-safety bugs in code running on free\\-threaded "
          "CPython\n.SH SYNOPSIS\n\\fBftstress\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR "
          "[\\fIARGS\\fR]\n.SH DESCRIPTION\nftstress runs multithreaded scenarios, test files "
          "and fuzz targets on a CPython built with ThreadSanitizer and the GIL disabled, with "
          "schedule noise in the C API, and reports lost updates, forbidden outcomes, data "
          "races, crashes and hangs, each with what replays it.\n.SH COMMANDS\n",
          out);
    for (size_t i = 0; i < cmdline_ncommands; i++) {
        const struct cmd_spec *c = &cmdline_commands[i];
        fprintf(out, ".SS \"%s%s%s %s\"\n", c->word, c->sub ? " " : "", c->sub ? c->sub : "",
                c->args);
        docgen_roff(out, c->summary);
        fputs(".\n.PP\nOptions:\n", out);
        for (size_t k = 0; k < cmdline_noptions; k++) {
            const struct opt_spec *o = &cmdline_options[k];
            if ((o->commands & C_BIT(c->cmd)) && o->commands != C_ALL) {
                docgen_manOption(out, o);
            }
        }
    }
    fputs(".SH OPTIONS OF EVERY COMMAND\n", out);
    for (size_t k = 0; k < cmdline_noptions; k++) {
        if (cmdline_options[k].commands == C_ALL) {
            docgen_manOption(out, &cmdline_options[k]);
        }
    }
    fputs(".SH ENVIRONMENT\n.TP\n\\fBFTSTRESS_CACHE\\fR\nthe runtime cache (default "
          "${XDG_CACHE_HOME:\\-~/.cache}/ftstress)\n.TP\n\\fBFTSTRESS_RUNTIME\\fR\nthe runtime to "
          "use, like \\-\\-runtime\n.TP\n\\fBFTSTRESS_PYTHON_SOURCE\\fR\nthe CPython source for "
          "runtime build, like \\-\\-source\n.TP\n\\fBFTSTRESS_HOME\\fR\nwhere the harness, "
          "scenarios and runtime scripts are (default: beside the installed binary)\n"
          ".SH EXIT STATUS\n",
          out);
    docgen_roff(out, cmdline_exitText);
    fputs("\n.SH SEE ALSO\nThe README of the ftstress sources; \\fBftstress COMMAND "
          "\\-\\-help\\fR.\n",
          out);
}

void docgen_writeBashCompletion(FILE *out) {
    fputs("# bash completion for ftstress, generated from its option table\n"
          "_ftstress() {\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} cmd=\"\" i\n"
          "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
          "        case ${COMP_WORDS[i]} in\n"
          "            -*) ;;\n"
          "            *) cmd=${COMP_WORDS[i]}; break ;;\n"
          "        esac\n"
          "    done\n"
          "    local words\n"
          "    case $cmd in\n",
          out);
    const char *done_words[32];
    size_t ndone = 0;
    for (size_t i = 0; i < cmdline_ncommands; i++) {
        const struct cmd_spec *c = &cmdline_commands[i];
        bool seen = false;
        for (size_t d = 0; d < ndone; d++) {
            seen = seen || strcmp(done_words[d], c->word) == 0;
        }
        if (seen || ndone == sizeof(done_words) / sizeof(done_words[0])) {
            continue;
        }
        done_words[ndone++] = c->word;
        fprintf(out, "        %s) words=\"", c->word);
        /* Options of every command sharing this first word (runtime info/build). */
        for (size_t k = 0; k < cmdline_noptions; k++) {
            const struct opt_spec *o = &cmdline_options[k];
            unsigned mask = 0;
            for (size_t j = 0; j < cmdline_ncommands; j++) {
                if (strcmp(cmdline_commands[j].word, c->word) == 0) {
                    mask |= C_BIT(cmdline_commands[j].cmd);
                }
            }
            if (o->commands & mask) {
                fprintf(out, " --%s", o->name);
            }
        }
        for (size_t j = 0; j < cmdline_ncommands; j++) {
            if (cmdline_commands[j].sub != NULL && strcmp(cmdline_commands[j].word, c->word) == 0) {
                fprintf(out, " %s", cmdline_commands[j].sub);
            }
        }
        fputs("\" ;;\n", out);
    }
    fputs("        *) words=\"", out);
    for (size_t d = 0; d < ndone; d++) {
        fprintf(out, "%s%s", d ? " " : "", done_words[d]);
    }
    fputs(" --help --version\" ;;\n"
          "    esac\n"
          "    if [[ $cur != -* && -n $cmd ]]; then\n"
          "        mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
          "    else\n"
          "        mapfile -t COMPREPLY < <(compgen -W \"$words\" -- \"$cur\")\n"
          "    fi\n"
          "}\n"
          "complete -o filenames -F _ftstress ftstress\n",
          out);
}
