/* testrun_nodes.h - pytest node ids on the `ftstress test` command line.
 *
 * "tests/test_x.py::TestC::test_y[1]" selects one test as under pytest: its
 * file is collected like any path, and the node id goes to that file's
 * harness (--node), which hands it to pytest. */
#ifndef FTSTRESS_TESTRUN_NODES_H
#define FTSTRESS_TESTRUN_NODES_H

#include <stdbool.h>
#include <stddef.h>

struct testrun_nodes {
    const char **paths; /* the arguments with each node id cut to its file; owned array,
                           strings borrowed from the arguments or owned in cut */
    char **cut;         /* the file parts made here; owned */
    int npaths;
    char **ids;   /* the node ids as given; borrowed */
    char **files; /* realpath of each node id's file; owned */
    size_t nids;
};

/* Splits args (n of them) into nodes. Returns false after naming a node id
 * whose file does not exist. */
bool testrun_nodesSplit(const char *const *args, int n, struct testrun_nodes *nodes);

/* Appends "--node ID" for each node id of the file at abs to args (*argc
 * entries, room for max), as many as fit, and NULL-terminates it. */
void testrun_nodesArgs(const struct testrun_nodes *nodes, const char *abs, const char **args,
                       int *argc, int max);

/* Frees what nodes owns. */
void testrun_nodesFree(struct testrun_nodes *nodes);

#endif
