/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * plugin.c: placement policies from shared objects --
 * numa_placement_policy="plugin:PATH:NAME" or --policy plugin:PATH:NAME.
 *
 * The ABI (xlnuma(3), "POLICIES IN SHARED OBJECTS"): the object exports
 *
 *   const unsigned xlnuma_plugin_api_version = XLNUMA_API_VERSION;
 *   int xlnuma_plugin_init(xlnuma_ctx *ctx, unsigned api_version);
 *
 * xl-numa refuses an object built for another major version, or for a
 * newer minor version, than the library it runs with; then it calls
 * xlnuma_plugin_init with its ctx and the library's version, and the
 * object registers its policies with xlnuma_policy_register() and
 * returns 0 or a negative XLNUMA_ERROR_*.  The policies are borrowed by
 * the ctx, so an object stays loaded until the ctx is freed.
 *
 * PATH is absolute or starts with ./ or ../: dlopen() searches the
 * library path for a bare name, and a config must not load whatever a
 * search finds.  A world-writable object is refused: whoever can write
 * it could run code as xl-numa, which creates guests as root.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xl_numa.h"

#define PREFIX "plugin:"
#define MAX_PLUGINS 16

/* XLNUMA_API_VERSION is 0xMMmmpp: major, minor, patch. */
#define API_MAJOR(v) (((v) >> 16) & 0xffu)
#define API_MINOR(v) (((v) >> 8) & 0xffu)

typedef int plugin_init_fn(xlnuma_ctx *ctx, unsigned api_version);

static struct {
    void *handle;
    char *path;
} loaded[MAX_PLUGINS];
static unsigned nr_loaded;

bool plugin_spec(const char *name)
{
    return !strncmp(name, PREFIX, strlen(PREFIX));
}

static bool name_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
              *s == '.'))
            return false;
    return true;
}

static bool path_ok(const char *p)
{
    return p[0] == '/' || !strncmp(p, "./", 2) || !strncmp(p, "../", 3);
}

/* The handle of path, opening it the first time. */
static int open_plugin(const char *path, const char *from, void **handle_r,
                       bool *fresh_r)
{
    struct stat st;
    void *handle;

    for (unsigned i = 0; i < nr_loaded; i++)
        if (!strcmp(loaded[i].path, path)) {
            *handle_r = loaded[i].handle;
            *fresh_r = false;
            return 0;
        }
    if (stat(path, &st)) {
        cli_err("%s: plug-in %s: %s", from, path, strerror(errno));
        return XL_NUMA_EXIT_ERROR;
    }
    if (!S_ISREG(st.st_mode)) {
        cli_err("%s: plug-in %s is not a regular file", from, path);
        return XL_NUMA_EXIT_ERROR;
    }
    if (st.st_mode & S_IWOTH) {
        cli_err("%s: plug-in %s is writable by everyone; refusing to load "
                "it", from, path);
        return XL_NUMA_EXIT_ERROR;
    }
    if (nr_loaded == MAX_PLUGINS) {
        cli_err("%s: more than %u plug-ins", from, MAX_PLUGINS);
        return XL_NUMA_EXIT_ERROR;
    }
    dlerror();
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *e = dlerror();

        cli_err("%s: cannot load plug-in %s: %s", from, path,
                e ? e : "dlopen failed");
        return XL_NUMA_EXIT_ERROR;
    }
    loaded[nr_loaded].path = strdup(path);
    if (!loaded[nr_loaded].path) {
        dlclose(handle);
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    loaded[nr_loaded++].handle = handle;
    *handle_r = handle;
    *fresh_r = true;
    return 0;
}

/* Version and init of a freshly opened object. */
static int init_plugin(void *handle, const char *path, const char *from)
{
    const unsigned *version;
    plugin_init_fn *init;
    void *sym;
    int rc;

    dlerror();
    version = dlsym(handle, "xlnuma_plugin_api_version");
    if (!version || dlerror()) {
        cli_err("%s: plug-in %s does not export xlnuma_plugin_api_version",
                from, path);
        return XL_NUMA_EXIT_ERROR;
    }
    if (API_MAJOR(*version) != API_MAJOR(XLNUMA_API_VERSION) ||
        API_MINOR(*version) > API_MINOR(XLNUMA_API_VERSION)) {
        cli_err("%s: plug-in %s was built for libxlnuma API %#08x, this "
                "is %#08x", from, path, *version, XLNUMA_API_VERSION);
        return XL_NUMA_EXIT_ERROR;
    }
    dlerror();
    sym = dlsym(handle, "xlnuma_plugin_init");
    if (!sym || dlerror()) {
        cli_err("%s: plug-in %s does not export xlnuma_plugin_init", from,
                path);
        return XL_NUMA_EXIT_ERROR;
    }
    /* POSIX: a function pointer fits in a void * returned by dlsym. */
    memcpy(&init, &sym, sizeof(init));
    rc = init(cli.ctx, XLNUMA_API_VERSION);
    if (rc) {
        cli_err("%s: plug-in %s: xlnuma_plugin_init failed: %s (%d)", from,
                path, xlnuma_strerror(rc), rc);
        return XL_NUMA_EXIT_ERROR;
    }
    return 0;
}

int plugin_policy_load(const char *spec, const char *from,
                       const xlnuma_policy **p_r)
{
    const char *rest = spec + strlen(PREFIX), *colon = strrchr(rest, ':');
    const xlnuma_policy *p;
    char *path = NULL;
    void *handle;
    bool fresh;
    int ret;

    if (!colon || colon == rest || !name_ok(colon + 1)) {
        cli_err("%s: \"%s\" is not plugin:PATH:NAME (NAME: letters, "
                "digits, '_', '-', '.')", from, spec);
        return XL_NUMA_EXIT_ERROR;
    }
    path = strndup(rest, (size_t)(colon - rest));
    if (!path) {
        cli_err("out of memory");
        return XL_NUMA_EXIT_ERROR;
    }
    if (!path_ok(path)) {
        cli_err("%s: plug-in path \"%s\" must be absolute or start with "
                "./ or ../ (a bare name would be searched for)", from, path);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    ret = open_plugin(path, from, &handle, &fresh);
    if (!ret && fresh)
        ret = init_plugin(handle, path, from);
    if (ret)
        goto out;
    for (const xlnuma_policy *const *b = xlnuma_policy_builtins(); *b; b++)
        if (!strcmp((*b)->name, colon + 1)) {
            cli_err("%s: \"%s\" is a built-in policy, not plug-in %s's",
                    from, colon + 1, path);
            ret = XL_NUMA_EXIT_ERROR;
            goto out;
        }
    p = xlnuma_policy_find(cli.ctx, colon + 1);
    if (!p) {
        cli_err("%s: plug-in %s registered no policy \"%s\"", from, path,
                colon + 1);
        ret = XL_NUMA_EXIT_ERROR;
        goto out;
    }
    *p_r = p;
 out:
    free(path);
    return ret;
}

void plugin_close_all(void)
{
    while (nr_loaded) {
        nr_loaded--;
        dlclose(loaded[nr_loaded].handle);
        free(loaded[nr_loaded].path);
    }
}
