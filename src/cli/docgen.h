/* docgen.h - the man page and the bash completion, written from the option
 * table (options.def) and the command table, so neither can drift from what
 * the parser takes. The build runs `ftstress-docgen` to make them; `cmake
 * --install` puts them in share/man/man1 and share/bash-completion. */
#ifndef FTSTRESS_DOCGEN_H
#define FTSTRESS_DOCGEN_H

#include <stdio.h>

/* ftstress.1 in man(7) roff. */
void docgen_writeMan(FILE *out);

/* A bash completion script: commands, then the options of the command typed. */
void docgen_writeBashCompletion(FILE *out);

#endif
