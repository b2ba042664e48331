/* capi.h - the CPython C-API functions libftshim.so interposes, declared exactly as in
 * CPython 3.13/3.14 but without Python.h, so the shim does not depend on one runtime's
 * headers. tests/shim/check_capi.c compiles this file after the real Python.h (defining
 * FTSHIM_CAPI_WITH_PYTHON_H), which turns any mismatch into a "conflicting types" error. */
#ifndef FTSHIM_CAPI_H
#define FTSHIM_CAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifndef FTSHIM_CAPI_WITH_PYTHON_H
/* Opaque: only pointers cross the shim. The first two match Python.h's own typedefs. */
typedef struct _object PyObject;
typedef struct _typeobject PyTypeObject;
typedef struct ftshim_varobject PyVarObject;
typedef ssize_t Py_ssize_t;
typedef struct _ts PyThreadState;
#endif

/* refcounting (Include/object.h, Include/refcount.h) */
void _Py_DecRefShared(PyObject *);
void _Py_MergeZeroLocalRefcount(PyObject *);
void _Py_Dealloc(PyObject *);
void Py_IncRef(PyObject *);
void Py_DecRef(PyObject *);

/* object births and memory (Include/cpython/object.h, Include/objimpl.h) */
void _Py_NewReference(PyObject *);
void _Py_NewReferenceNoTotal(PyObject *);
PyObject *PyObject_Init(PyObject *, PyTypeObject *);
PyVarObject *PyObject_InitVar(PyVarObject *, PyTypeObject *, Py_ssize_t);
PyObject *_PyObject_New(PyTypeObject *);
PyVarObject *_PyObject_NewVar(PyTypeObject *, Py_ssize_t);
void *PyObject_Malloc(size_t size);
void *PyObject_Calloc(size_t nelem, size_t elsize);
void *PyObject_Realloc(void *ptr, size_t new_size);
void PyObject_Free(void *ptr);
void PyObject_GC_Del(void *);

/* lists (Include/listobject.h) */
int PyList_Append(PyObject *, PyObject *);
int PyList_SetItem(PyObject *, Py_ssize_t, PyObject *);
int PyList_Insert(PyObject *, Py_ssize_t, PyObject *);
PyObject *PyList_GetItem(PyObject *, Py_ssize_t);
PyObject *PyList_GetItemRef(PyObject *, Py_ssize_t);

/* dicts (Include/dictobject.h) */
int PyDict_SetItem(PyObject *mp, PyObject *key, PyObject *item);
int PyDict_DelItem(PyObject *mp, PyObject *key);
PyObject *PyDict_GetItem(PyObject *mp, PyObject *key);
int PyDict_GetItemRef(PyObject *mp, PyObject *key, PyObject **result);
PyObject *PyDict_GetItemWithError(PyObject *mp, PyObject *key);

/* sets (Include/setobject.h) */
int PySet_Add(PyObject *set, PyObject *key);
int PySet_Discard(PyObject *set, PyObject *key);

/* in-place arithmetic (Include/abstract.h) */
PyObject *PyNumber_InPlaceAdd(PyObject *o1, PyObject *o2);
PyObject *PyNumber_InPlaceSubtract(PyObject *o1, PyObject *o2);
PyObject *PyNumber_InPlaceMultiply(PyObject *o1, PyObject *o2);
PyObject *PyNumber_InPlaceMatrixMultiply(PyObject *o1, PyObject *o2);
PyObject *PyNumber_InPlaceFloorDivide(PyObject *o1, PyObject *o2);
PyObject *PyNumber_InPlaceTrueDivide(PyObject *o1, PyObject *o2);
PyObject *PyNumber_InPlaceRemainder(PyObject *o1, PyObject *o2);
PyObject *PyNumber_InPlacePower(PyObject *o1, PyObject *o2, PyObject *o3);
PyObject *PyNumber_InPlaceLshift(PyObject *o1, PyObject *o2);
PyObject *PyNumber_InPlaceRshift(PyObject *o1, PyObject *o2);
PyObject *PyNumber_InPlaceAnd(PyObject *o1, PyObject *o2);
PyObject *PyNumber_InPlaceXor(PyObject *o1, PyObject *o2);
PyObject *PyNumber_InPlaceOr(PyObject *o1, PyObject *o2);

/* generic stores (Include/abstract.h, Include/object.h) */
int PyObject_SetItem(PyObject *o, PyObject *key, PyObject *v);
int PyObject_SetAttr(PyObject *, PyObject *, PyObject *);

/* thread states (Include/ceval.h): where a thread detaches and re-attaches */
PyThreadState *PyEval_SaveThread(void);
void PyEval_RestoreThread(PyThreadState *);
void PyEval_AcquireThread(PyThreadState *);
void PyEval_ReleaseThread(PyThreadState *);

/* the parking lot (Include/internal/pycore_parking_lot.h, exported by libpython): where
 * PyMutex, events and the queue module wait and wake */
typedef void ftshim_unpark_fn_t(void *arg, void *park_arg, int has_more_waiters);
int _PyParkingLot_Park(const void *address, const void *expected, size_t address_size,
                       int64_t timeout_ns, void *park_arg, int detach);
void _PyParkingLot_Unpark(const void *address, ftshim_unpark_fn_t *fn, void *arg);
void _PyParkingLot_UnparkAll(const void *address);

#endif
