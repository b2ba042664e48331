/* runtime.c - locating, loading and building runtimes; see runtime.h. */
#include "runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"
#include "paths.h"
#include "util.h"
#include "venv.h"

/* The directory named by what the user asked for: a path as given, a bare name
 * under the cache's runtimes/. Caller frees. */
static char *runtime_resolveDir(const struct ftstress_config *cfg, const char *venv) {
    const char *asked = cfg->runtime;
    if (asked == NULL || *asked == '\0') {
        asked = getenv("FTSTRESS_RUNTIME");
    }
    /* a venv runs on the runtime it was made on, unless told otherwise. */
    char *venv_rt =
        venv != NULL && (asked == NULL || *asked == '\0') ? venv_runtimeDir(venv) : NULL;
    if (venv_rt != NULL) {
        return venv_rt;
    }
    char *cache = paths_cacheDir();
    char *dir;
    if (asked == NULL || *asked == '\0') {
        dir = util_asprintf("%s/runtimes/default-%s", cache, cfg->flavour);
    } else if (strchr(asked, '/') != NULL || util_isDir(asked)) {
        dir = util_asprintf("%s", asked);
    } else {
        dir = util_asprintf("%s/runtimes/%s", cache, asked);
    }
    free(cache);
    return dir;
}

bool runtime_open(const struct ftstress_config *cfg, struct runtime *rt) {
    memset(rt, 0, sizeof(*rt));
    char *venv = NULL; /* the venv in use, if any */
    if (!venv_select(cfg, &venv)) {
        return false;
    }
    rt->dir = runtime_resolveDir(cfg, venv);
    char *path = util_asprintf("%s/manifest", rt->dir);
    char err[512];
    if (!util_isFile(path)) {
        LOG_E("no runtime at %s (no manifest there)", rt->dir);
        if (cfg->runtime == NULL && getenv("FTSTRESS_RUNTIME") == NULL) {
            LOG_E("build the default runtime once with 'ftstress runtime build%s' "
                  "(about 10 minutes on 2 cores), or run the README's bootstrap",
                  strcmp(cfg->flavour, "tsan") == 0 ? "" : " --flavour release");
        }
        free(path);
        free(venv);
        runtime_close(rt);
        return false;
    }
    if (!manifest_load(path, &rt->manifest, err, sizeof(err))) {
        LOG_E("runtime manifest unreadable: %s", err);
        free(path);
        free(venv);
        runtime_close(rt);
        return false;
    }
    free(path);
    rt->python = manifest_get(&rt->manifest, "python");
    rt->version = manifest_get(&rt->manifest, "version");
    rt->flavour = manifest_get(&rt->manifest, "flavour");
    rt->suppressions = manifest_get(&rt->manifest, "suppressions");
    const char *tsan = manifest_get(&rt->manifest, "tsan");
    rt->tsan = tsan != NULL && strcmp(tsan, "1") == 0;
    if (rt->python == NULL || rt->version == NULL || rt->flavour == NULL) {
        LOG_E("%s/manifest lacks python=, version= or flavour=; rebuild the runtime", rt->dir);
        free(venv);
        runtime_close(rt);
        return false;
    }
    if (rt->suppressions == NULL) {
        rt->suppressions = "";
    }
    if (access(rt->python, X_OK) != 0) {
        LOG_P("runtime interpreter %s is not executable", rt->python);
        free(venv);
        runtime_close(rt);
        return false;
    }
    if (venv != NULL && !venv_attach(rt, venv)) {
        runtime_close(rt);
        return false;
    }
    return true;
}

void runtime_close(struct runtime *rt) {
    free(rt->dir);
    free(rt->venv);
    free(rt->venv_python);
    manifest_free(&rt->manifest);
    memset(rt, 0, sizeof(*rt));
}

int runtime_printInfo(const struct ftstress_config *cfg) {
    struct runtime rt;
    if (!runtime_open(cfg, &rt)) {
        return EXIT_INTERNAL;
    }
    static const char *const shown[] = {"version",      "flavour",     "configure_flags",
                                        "cc",           "source",      "python",
                                        "libpython",    "include",     "stdlib",
                                        "suppressions", "source_tree", "gil_disabled",
                                        "tsan",         "built_at",    "key"};
    printf("runtime     %s\n", rt.dir);
    for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
        const char *v = manifest_get(&rt.manifest, shown[i]);
        if (v != NULL) {
            printf("%-11s %s\n", shown[i], v);
        }
    }
    printf("shim        %s\n", paths_shim());
    if (rt.venv != NULL) {
        printf("venv        %s\n", rt.venv);
    }
    runtime_close(&rt);
    return EXIT_CLEAN;
}

int runtime_build(const struct ftstress_config *cfg) {
    char *script = paths_inHome("src/runtime/build_runtime.sh");
    if (!util_isFile(script)) {
        LOG_E("runtime build script %s is missing (is FTSTRESS_HOME right?)", script);
        free(script);
        return EXIT_INTERNAL;
    }
    const char *argv[8];
    int argc = 0;
    argv[argc++] = "bash";
    argv[argc++] = script;
    argv[argc++] = "--flavour";
    argv[argc++] = cfg->flavour;
    if (cfg->source != NULL) {
        argv[argc++] = "--source";
        argv[argc++] = cfg->source;
    }
    argv[argc] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execvp("bash", (char *const *)argv);
        LOG_P("cannot run bash");
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        LOG_P("cannot start the runtime build");
        free(script);
        return EXIT_INTERNAL;
    }
    free(script);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        LOG_E("runtime build failed (see the messages above)");
        return EXIT_INTERNAL;
    }
    return EXIT_CLEAN;
}
