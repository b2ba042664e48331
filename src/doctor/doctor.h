/* doctor.h - `ftstress doctor`: whether this machine can run ftstress, each
 * check with the fix when it fails. */
#ifndef FTSTRESS_DOCTOR_H
#define FTSTRESS_DOCTOR_H

#include "config.h"

/* Runs every check and prints them; exit status 0 when all pass, 1 when one
 * or more failed (each with its fix), never 2 or 3: a missing runtime is a
 * check's failure too. */
int doctor_main(const struct ftstress_config *cfg);

#endif
