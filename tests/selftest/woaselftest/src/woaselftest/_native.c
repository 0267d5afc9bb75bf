#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *add(PyObject *self, PyObject *args) {
    long long a, b;
    if (!PyArg_ParseTuple(args, "LL", &a, &b)) return NULL;
    return PyLong_FromLongLong(a + b);
}

/* The architecture the compiler targeted: what runs is what was built. */
static PyObject *machine(PyObject *self, PyObject *unused) {
#if defined(_M_ARM64EC)
    return PyUnicode_FromString("ARM64EC");
#elif defined(_M_ARM64) || defined(__aarch64__)
    return PyUnicode_FromString("ARM64");
#elif defined(_M_X64) || defined(__x86_64__)
    return PyUnicode_FromString("AMD64");
#else
    return PyUnicode_FromString("other");
#endif
}

static PyMethodDef methods[] = {
    {"add", add, METH_VARARGS, "Add two integers in C."},
    {"machine", machine, METH_NOARGS, "The machine this extension was compiled for."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
