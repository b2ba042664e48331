/* venv.c - venvs on a ftstress runtime; see venv.h. */
#include "venv.h"

#include <ftw.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "elf_tsan.h"
#include "exitcode.h"
#include "log.h"
#include "paths.h"
#include "util.h"

/* The value of key in DIR/pyvenv.cfg ("key = value" lines), or NULL. Caller frees. */
static char *venv_cfgValue(const char *venv, const char *key) {
    char *path = util_asprintf("%s/pyvenv.cfg", venv);
    char *text = util_readFile(path, NULL);
    free(path);
    char *value = NULL;
    size_t klen = strlen(key);
    for (char *line = text ? strtok(text, "\n") : NULL; line != NULL && value == NULL;
         line = strtok(NULL, "\n")) {
        line += strspn(line, " \t");
        if (strncmp(line, key, klen) != 0) {
            continue;
        }
        char *rest = line + klen;
        rest += strspn(rest, " \t");
        if (*rest != '=') {
            continue;
        }
        rest++;
        rest += strspn(rest, " \t");
        size_t n = strlen(rest);
        while (n > 0 && (rest[n - 1] == ' ' || rest[n - 1] == '\r')) {
            n--;
        }
        value = util_strndup(rest, n);
    }
    free(text);
    return value;
}

char *venv_runtimeDir(const char *venv) {
    char *home = venv_cfgValue(venv, "home");
    if (home == NULL) {
        return NULL;
    }
    char *dir = util_asprintf("%s/..", home);
    char *manifest = util_asprintf("%s/manifest", dir);
    char real[PATH_MAX];
    char *found = util_isFile(manifest) && realpath(dir, real) != NULL ? util_dup(real) : NULL;
    free(manifest);
    free(dir);
    free(home);
    return found;
}

bool venv_select(const struct ftstress_config *cfg, char **dir) {
    *dir = NULL;
    if (cfg->command == CMD_VENV || cfg->command == CMD_RUNTIME_BUILD) {
        return true;
    }
    const char *asked = cfg->venv;
    bool from_env = false;
    if (asked == NULL || *asked == '\0') {
        asked = getenv("VIRTUAL_ENV");
        from_env = true;
    }
    if (asked == NULL || *asked == '\0') {
        return true;
    }
    char *pycfg = util_asprintf("%s/pyvenv.cfg", asked);
    bool is_venv = util_isFile(pycfg);
    free(pycfg);
    char *rt_dir = is_venv ? venv_runtimeDir(asked) : NULL;
    if (rt_dir == NULL) {
        if (from_env) {
            LOG_D("VIRTUAL_ENV=%s is not a venv made on a ftstress runtime: not used", asked);
            return true;
        }
        LOG_E("--venv %s: %s", asked,
              is_venv ? "not made on a ftstress runtime (its pyvenv.cfg home has no manifest "
                        "beside it); make one with 'ftstress venv DIR'"
                      : "not a venv (no pyvenv.cfg); make one with 'ftstress venv DIR'");
        return false;
    }
    free(rt_dir);
    char real[PATH_MAX];
    *dir = util_dup(realpath(asked, real) != NULL ? real : asked);
    return true;
}

bool venv_attach(struct runtime *rt, char *venv) {
    static bool checked;
    char *made_on = venv_runtimeDir(venv);
    char real[PATH_MAX];
    const char *in_use = realpath(rt->dir, real) != NULL ? real : rt->dir;
    if (made_on == NULL || strcmp(made_on, in_use) != 0) {
        LOG_E("the venv %s was made on the runtime %s, not on %s in use; drop --runtime "
              "(the venv's runtime is then used) or make a venv on this one",
              venv, made_on ? made_on : "(unknown)", in_use);
        free(made_on);
        free(venv);
        return false;
    }
    free(made_on);
    rt->venv = venv;
    rt->venv_python = util_asprintf("%s/bin/python", venv);
    if (access(rt->venv_python, X_OK) != 0) {
        LOG_E("the venv %s has no bin/python", venv);
        return false;
    }
    rt->python = rt->venv_python;
    if (!checked) {
        checked = true;
        venv_checkExtensions(venv);
    }
    return true;
}

/* What nftw's callback needs (nftw passes no argument). */
static struct {
    const char *site;
    int uninstrumented;
} venv_walk;

static bool venv_isSharedObject(const char *base) {
    size_t n = strlen(base);
    return (n > 3 && strcmp(base + n - 3, ".so") == 0) || strstr(base, ".so.") != NULL;
}

static int venv_visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)st;
    if (type != FTW_F || !venv_isSharedObject(path + ftw->base) ||
        elf_tsan_instrumented(path) != 0) {
        return 0;
    }
    const char *rel = path + strlen(venv_walk.site) + 1;
    size_t pkg = strcspn(rel, "/."); /* the top-level package or module */
    bool module =
        strstr(path + ftw->base, ".cpython-") != NULL || strstr(path + ftw->base, ".abi3.") != NULL;
    LOG_W("%s %s in this venv was compiled without ThreadSanitizer: races inside its C code "
          "are not reported (only what Python does around it is seen). Rebuild its package from "
          "source in this venv: pip install --no-binary PKG --force-reinstall "
          "--no-build-isolation PKG (PKG: the distribution that installed %.*s)",
          module ? "extension module" : "shared library", path, (int)pkg, rel);
    venv_walk.uninstrumented++;
    return 0;
}

int venv_checkExtensions(const char *venv) {
    char *pattern = util_asprintf("%s/lib/python3*/site-packages", venv);
    glob_t g;
    int total = 0;
    if (glob(pattern, 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++) {
            venv_walk.site = g.gl_pathv[i];
            venv_walk.uninstrumented = 0;
            nftw(g.gl_pathv[i], venv_visit, 16, FTW_PHYS);
            total += venv_walk.uninstrumented;
        }
        globfree(&g);
    }
    free(pattern);
    return total;
}

/* Runs the make_venv.sh script; true when it succeeded. */
static bool venv_make(const struct ftstress_config *cfg, const struct runtime *rt,
                      const char *dir) {
    char *script = paths_inHome("src/runtime/make_venv.sh");
    if (!util_isFile(script)) {
        LOG_E("%s is missing (is FTSTRESS_HOME right?)", script);
        free(script);
        return false;
    }
    char *cache_root = paths_cacheDir();
    char *cache = util_asprintf("%s/venv-deps", cache_root);
    free(cache_root);
    /* pip and the build backend are not under test: no TSan reports from them. */
    char *tsan = util_asprintf("TSAN_OPTIONS=report_bugs=0 suppressions=%s", rt->suppressions);
    const char *argv[] = {"bash", script, rt->python, dir, cfg->venv_deps, cache, NULL};
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        putenv(tsan);
        unsetenv("VIRTUAL_ENV");
        unsetenv("PYTHONPATH");
        execvp("bash", (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    bool ok =
        pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    free(tsan);
    free(cache);
    free(script);
    return ok;
}

int venv_main(const struct ftstress_config *cfg) {
    const char *dir = cfg->paths[0];
    if (cfg->venv_check) {
        char *rt_dir = venv_runtimeDir(dir);
        if (rt_dir == NULL) {
            LOG_E("%s is not a venv made on a ftstress runtime (see 'ftstress venv DIR')", dir);
            return EXIT_USAGE;
        }
        free(rt_dir);
        int n = venv_checkExtensions(dir);
        printf("%s: %d extension module%s or shared librar%s without ThreadSanitizer\n", dir, n,
               n == 1 ? "" : "s", n == 1 ? "y" : "ies");
        return n > 0 ? EXIT_FINDINGS : EXIT_CLEAN;
    }
    struct runtime rt;
    if (!runtime_open(cfg, &rt)) {
        return EXIT_INTERNAL;
    }
    double start = util_now();
    bool ok = venv_make(cfg, &rt, dir);
    if (!ok) {
        LOG_E("could not make the venv %s (see the messages above)", dir);
        runtime_close(&rt);
        return EXIT_INTERNAL;
    }
    int n = venv_checkExtensions(dir);
    char real[PATH_MAX];
    const char *abs = realpath(dir, real) != NULL ? real : dir;
    printf("venv %s on CPython %s (%s), made in %.0f s%s\n", abs, rt.version, rt.flavour,
           util_now() - start, n > 0 ? "; see the warnings above" : "");
    printf("  activate:   . %s/bin/activate     (ftstress then uses it: $VIRTUAL_ENV)\n", abs);
    printf("  or give:    ftstress --venv %s test tests/\n", abs);
    printf("  install:    pip install --no-build-isolation -e .   (C extensions build with "
           "-fsanitize=thread)\n");
    printf("  then check: ftstress venv %s --check\n", abs);
    runtime_close(&rt);
    return EXIT_CLEAN;
}
