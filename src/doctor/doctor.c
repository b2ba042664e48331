/* doctor.c - `ftstress doctor`: the runtime and the machine, checked; see doctor.h. */
#include "doctor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "doctor_checks.h"
#include "exitcode.h"
#include "log.h"
#include "manifest.h"
#include "paths.h"
#include "runtime.h"
#include "util.h"

struct doctor_report {
    int failed, warned;
};

static void doctor_print(struct doctor_report *rep, const char *topic, struct doctor_result r) {
    static const char *const states[] = {"ok", "warn", "FAIL"};
    printf("  %-5s %-16s %s\n", states[r.state], topic, r.what ? r.what : "");
    if (r.fix != NULL && r.state != DOCTOR_OK) {
        printf("        %-16s fix: %s\n", "", r.fix);
    }
    rep->failed += r.state == DOCTOR_FAIL;
    rep->warned += r.state == DOCTOR_WARN;
    doctor_resultFree(&r);
}

/* All cmd printed (stderr with it), its exit status in *status. Caller frees. */
static char *doctor_capture(const char *cmd, int *status) {
    FILE *p = popen(cmd, "r");
    if (p == NULL) {
        *status = -1;
        return util_dup("");
    }
    char *out = util_dup("");
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
        util_appendf(&out, "%.*s", (int)n, buf);
    }
    *status = pclose(p);
    return out;
}

/* The last non-empty line of text, in a static buffer. */
static const char *doctor_lastLine(const char *text) {
    static char line[512];
    line[0] = '\0';
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, "\n");
        if (len > 0) {
            snprintf(line, sizeof(line), "%.*s", (int)len, p);
        }
        p += len + (p[len] == '\n');
    }
    return line;
}

/* The runtime in use, whether it verifies, and the GIL at start-up. */
static void doctor_runtime(const struct ftstress_config *cfg, struct doctor_report *rep) {
    struct runtime rt;
    if (!runtime_open(cfg, &rt)) {
        doctor_print(rep, "runtime",
                     (struct doctor_result){DOCTOR_FAIL, util_dup("none usable (see above)"),
                                            util_dup("ftstress runtime build (about 10 minutes)")});
        return;
    }
    const char *key = manifest_get(&rt.manifest, "key");
    doctor_print(rep, "runtime",
                 (struct doctor_result){
                     DOCTOR_OK,
                     util_asprintf("%s (%s %s)", key ? key : rt.dir, rt.version, rt.flavour),
                     NULL});
    const char *libpython = manifest_get(&rt.manifest, "libpython");
    char *script = paths_inHome("src/runtime/verify_runtime.sh");
    char *cmd = util_asprintf("bash '%s' '%s' '%s' '%s' 2>&1", script, rt.flavour, rt.python,
                              libpython ? libpython : "");
    int status;
    char *out = doctor_capture(cmd, &status);
    bool verified = status == 0 && strstr(out, "verify: ok") != NULL;
    doctor_print(rep, "runtime verify",
                 (struct doctor_result){verified ? DOCTOR_OK : DOCTOR_FAIL,
                                        verified ? util_asprintf("%s: C API exported, GIL off, "
                                                                 "TSan reports a deliberate race "
                                                                 "with its Python stack",
                                                                 rt.dir)
                                                 : util_asprintf("%s", doctor_lastLine(out)),
                                        util_dup("rebuild it: remove its directory "
                                                 "and run ftstress runtime build")});
    free(out);
    free(cmd);
    free(script);
    /* The GIL as a plain start-up leaves it: no PYTHON_GIL, no -X gil. */
    unsetenv("PYTHON_GIL");
    cmd = util_asprintf("'%s' -c 'import sys; print(\"gil_enabled=%%s\" %% "
                        "sys._is_gil_enabled())' 2>&1",
                        rt.python);
    out = doctor_capture(cmd, &status);
    bool off = status == 0 && strstr(out, "gil_enabled=False") != NULL;
    doctor_print(
        rep, "GIL",
        (struct doctor_result){off ? DOCTOR_OK : DOCTOR_FAIL,
                               off ? util_dup("off at start-up (sys._is_gil_enabled() "
                                              "is False)")
                                   : util_asprintf("on at start-up: %s", doctor_lastLine(out)),
                               util_dup("build a free-threaded runtime "
                                        "(--disable-gil): ftstress runtime build")});
    free(out);
    free(cmd);
    /* A venv the commands would use (VIRTUAL_ENV), and whether it is on this runtime. */
    const char *venv = getenv("VIRTUAL_ENV");
    if (venv == NULL || *venv == '\0') {
        doctor_print(
            rep, "venv",
            (struct doctor_result){DOCTOR_OK, util_dup("none active (VIRTUAL_ENV unset)"), NULL});
    } else {
        char *cfg_path = util_asprintf("%s/pyvenv.cfg", venv);
        char *text = util_readFile(cfg_path, NULL);
        char *bindir = util_dup(rt.python);
        char *slash = strrchr(bindir, '/');
        if (slash != NULL) {
            *slash = '\0';
        }
        bool ours = text != NULL && strstr(text, bindir) != NULL;
        doctor_print(
            rep, "venv",
            (struct doctor_result){
                ours ? DOCTOR_OK : DOCTOR_FAIL,
                ours ? util_asprintf("%s, on this runtime", venv)
                     : util_asprintf("%s is not a venv of this runtime (%s)", venv,
                                     text ? "its pyvenv.cfg names another home" : "no pyvenv.cfg"),
                util_dup("deactivate it, or make one on this runtime with ftstress "
                         "venv DIR")});
        free(bindir);
        free(text);
        free(cfg_path);
    }
    runtime_close(&rt);
}

/* Whether this process holds CAP_SYS_PTRACE (bit 19 of CapEff). */
static bool doctor_capPtrace(void) {
    char *status = util_readFile("/proc/self/status", NULL);
    const char *cap = status ? strstr(status, "CapEff:") : NULL;
    bool held = cap != NULL && (strtoull(cap + 7, NULL, 16) >> 19 & 1) != 0;
    free(status);
    return held;
}

/* Free bytes on the file system holding dir (or its nearest existing parent). */
static double doctor_freeBytes(const char *dir) {
    char *probe = util_dup(dir);
    struct statvfs st;
    while (statvfs(probe, &st) != 0) {
        char *slash = strrchr(probe, '/');
        if (slash == NULL || slash == probe) {
            strcpy(probe, "/");
            if (statvfs(probe, &st) != 0) {
                free(probe);
                return 0;
            }
            break;
        }
        *slash = '\0';
    }
    free(probe);
    return (double)st.f_bavail * (double)st.f_frsize;
}

int doctor_main(const struct ftstress_config *cfg) {
    struct doctor_report rep = {0};
    printf("ftstress %s doctor\n", FTSTRESS_VERSION);
    doctor_runtime(cfg, &rep);
    char *bits = util_readFile("/proc/sys/vm/mmap_rnd_bits", NULL);
    doctor_print(&rep, "ASLR bits", doctor_mmapBits(bits));
    free(bits);
    char *yama = util_readFile("/proc/sys/kernel/yama/ptrace_scope", NULL);
    doctor_print(&rep, "ptrace", doctor_ptrace(yama, doctor_capPtrace()));
    free(yama);
    char *symbolizer = doctor_which(getenv("PATH"), "llvm-symbolizer");
    doctor_print(&rep, "symbolizer", doctor_symbolizer(symbolizer));
    free(symbolizer);
    char *cache = paths_cacheDir();
    doctor_print(&rep, "disk", doctor_disk(cache, doctor_freeBytes(cache)));
    free(cache);
    if (rep.failed == 0) {
        printf("doctor: ready%s\n", rep.warned ? " (see the warnings)" : "");
        return EXIT_CLEAN;
    }
    printf("doctor: %d problem%s, each with its fix above\n", rep.failed,
           rep.failed == 1 ? "" : "s");
    return EXIT_FINDINGS;
}
