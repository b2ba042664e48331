/* docgen_main.c - `ftstress-docgen man|bash`: writes the man page or the bash
 * completion to stdout (the build makes build/ftstress.1 and
 * build/ftstress.bash with it). */
#include <stdio.h>
#include <string.h>

#include "docgen.h"

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "man") == 0) {
        docgen_writeMan(stdout);
    } else if (argc == 2 && strcmp(argv[1], "bash") == 0) {
        docgen_writeBashCompletion(stdout);
    } else {
        fprintf(stderr, "usage: ftstress-docgen man|bash\n");
        return 2;
    }
    return fflush(stdout) == 0 ? 0 : 3;
}
