/* gilext: an extension module that does not declare free-threading support.
 *
 * It has no Py_mod_gil slot, so a free-threaded CPython turns the GIL back on
 * when it is imported (with a RuntimeWarning naming it): every thread then
 * takes turns, and a run importing it proves nothing about free-threading.
 * ftstress must say so. */
#include <Python.h>

static PyObject *gilext_answer(PyObject *module, PyObject *unused) {
    return PyLong_FromLong(42);
}

static PyMethodDef gilext_methods[] = {
    {"answer", gilext_answer, METH_NOARGS, "answer(): 42."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef gilext_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "gilext",
    .m_doc = "An extension that needs the GIL (it does not say otherwise).",
    .m_size = 0,
    .m_methods = gilext_methods,
};

PyMODINIT_FUNC PyInit_gilext(void) {
    return PyModuleDef_Init(&gilext_module);
}
