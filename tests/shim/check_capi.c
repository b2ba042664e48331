/* check_capi.c - not built with the project: test_shim_runtime compiles it with
 * -fsyntax-only against the runtime's own Python.h, so that a prototype in shims/capi.h that
 * differs from the runtime's ("conflicting types") or an object layout that differs from
 * what anomaly.c reads fails a test instead of corrupting the interpreter. */
#include <Python.h>

#include <stddef.h>

#define FTSHIM_CAPI_WITH_PYTHON_H
#include "capi.h"

#ifndef Py_GIL_DISABLED
#error "the runtime is not a free-threaded (--disable-gil) build"
#endif

/* struct ft_object_head in shims/shim_internal.h */
_Static_assert(offsetof(PyObject, ob_tid) == 0, "ob_tid");
_Static_assert(offsetof(PyObject, ob_gc_bits) == 11, "ob_gc_bits");
_Static_assert(offsetof(PyObject, ob_ref_local) == 12, "ob_ref_local");
_Static_assert(offsetof(PyObject, ob_ref_shared) == 16, "ob_ref_shared");
_Static_assert(offsetof(PyObject, ob_type) == 24, "ob_type");
/* TYPE_TP_NAME_OFFSET in shims/anomaly.c */
_Static_assert(offsetof(PyTypeObject, tp_name) == 40, "tp_name");
/* the flag values anomaly.c relies on */
_Static_assert(_Py_REF_SHARED_SHIFT == 2 && _Py_REF_MERGED == 3, "shared refcount encoding");
