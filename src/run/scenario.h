/* scenario.h - finding scenario files (scenarios/README.md documents the format). */
#ifndef FTSTRESS_SCENARIO_H
#define FTSTRESS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

struct scenario_list {
    char **paths; /* absolute paths, owned, sorted within each directory */
    size_t count;
};

/* Expands files and directories (their *.py, not starting with '_') into list.
 * With no paths, lists the built-in scenarios. Returns false after naming a
 * path that does not exist or holds no scenario. */
bool scenario_collect(const char *const *paths, int npaths, struct scenario_list *list);

/* The scenario's name: its file name without directory and ".py". Caller frees. */
char *scenario_name(const char *path);

/* Frees what list owns. */
void scenario_listFree(struct scenario_list *list);

#endif
