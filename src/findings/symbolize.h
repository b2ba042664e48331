/* symbolize.h - file:line for the stacks ftstress takes itself (crash, hang,
 * refcount anomaly records), which name frames only as (module+0xoffset).
 * TSan symbolizes its own reports; these go through llvm-symbolizer. */
#ifndef FTSTRESS_SYMBOLIZE_H
#define FTSTRESS_SYMBOLIZE_H

/* text with "  at FILE:LINE" appended to each line holding "(MODULE+0xOFF)"
 * that llvm-symbolizer can place (debug info present). When llvm-symbolizer
 * is missing or fails, a plain copy. Caller frees. */
char *symbolize_frames(const char *text);

#endif
