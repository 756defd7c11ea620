/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * interpose.c: the two symbols libxlnuma-preload.so exports.
 *
 * Loaded with LD_PRELOAD, the module comes before libxenlight in the
 * dynamic linker's search order, so every call a program (or a module it
 * dlopens, such as libvirt's libxl driver) makes to these functions
 * reaches us first; dlsym(RTLD_NEXT) finds libxenlight's.
 *
 * Versions: libxenlight's symbols are versioned (VERS_4.17.0 in Xen
 * 4.17) and a program's references carry that version.  Ours are not:
 * an unversioned definition satisfies a versioned reference, so one
 * build serves the libxl it was built against, whichever
 * LIBXL_API_VERSION its callers chose -- the compatibility forms
 * (libxl_domain_create_restore_0x040200, _0x040400) are static inline
 * wrappers in libxl.h that call this same symbol.  The prototypes are
 * the current API's, so this file must not set LIBXL_API_VERSION.
 * libxl_domain_soft_reset() re-uses a domain that already has its
 * memory: there is nothing to place there.
 */
#include <dlfcn.h>
#include <pthread.h>

#ifdef LIBXL_API_VERSION
#error "interpose.c defines libxl's current ABI: no LIBXL_API_VERSION"
#endif

#include "preload.h"

static preload_create_new_fn *real_create_new;
static preload_create_restore_fn *real_create_restore;
static pthread_once_t resolved = PTHREAD_ONCE_INIT;

static void resolve(void)
{
    /* POSIX makes dlsym's result convertible to a function pointer. */
    real_create_new =
        (preload_create_new_fn *)dlsym(RTLD_NEXT, "libxl_domain_create_new");
    real_create_restore = (preload_create_restore_fn *)
        dlsym(RTLD_NEXT, "libxl_domain_create_restore");
}

int libxl_domain_create_new(libxl_ctx *ctx, libxl_domain_config *d_config,
                            uint32_t *domid,
                            const libxl_asyncop_how *ao_how,
                            const libxl_asyncprogress_how *aop_console_how)
{
    pthread_once(&resolved, resolve);
    return preload_create_new(&preload_live_ops, real_create_new, ctx,
                              d_config, domid, ao_how, aop_console_how);
}

/*
 * A restored or migrated guest is built by libxl as a new one is, and
 * libxl places it the same way (libxl__build_pre), so we do too: the
 * saved config usually carries the soft affinity and node map of its
 * first placement, and the manual-placement rule then leaves it alone,
 * as libxl does; a config without them is placed on this host.
 */
int libxl_domain_create_restore(libxl_ctx *ctx, libxl_domain_config *d_config,
                                uint32_t *domid, int restore_fd,
                                int send_back_fd,
                                const libxl_domain_restore_params *params,
                                const libxl_asyncop_how *ao_how,
                                const libxl_asyncprogress_how *aop_console_how)
{
    pthread_once(&resolved, resolve);
    return preload_create_restore(&preload_live_ops, real_create_restore,
                                  ctx, d_config, domid, restore_fd,
                                  send_back_fd, params, ao_how,
                                  aop_console_how);
}
