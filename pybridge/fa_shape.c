/* _fasterapi.ShapeCheck: tells in C whether a handler's return value already is what
 * validating and dumping it against the route's response model would produce, so it can go to
 * the JSON encoder untouched, and whether a request value needs no validation. The shape is
 * compiled in Python (fasterapi/_shape.py, which has the same rules in Python for running
 * without the host):
 *   None                         anything
 *   str, int, float, bool, NoneType   exactly that type (a bool is not an int here)
 *   (0, item)                    a dict with str keys; with item not None, item-shaped values
 *   (1, item)                    a list or tuple; with item not None, item-shaped elements
 *   (2, inner)                   None or inner-shaped
 *   (3, item)                    like 1, but only a list
 * Checking a 160-element list of dicts this way costs well under a microsecond; the same walk
 * in Python cost ~10 us per request. */
#include "fa.h"

enum { SHAPE_DICT = 0, SHAPE_LIST = 1, SHAPE_OPTIONAL = 2, SHAPE_LIST_ONLY = 3 };

/* A shape is checked when the object is made, so conforms() trusts its structure. */
static int shape_valid(PyObject *shape, int depth) {
    if (depth > 64) return 0;
    if (shape == Py_None) return 1;
    if (PyType_Check(shape))
        return shape == (PyObject *)&PyUnicode_Type || shape == (PyObject *)&PyLong_Type ||
               shape == (PyObject *)&PyFloat_Type || shape == (PyObject *)&PyBool_Type ||
               shape == (PyObject *)Py_TYPE(Py_None);
    if (!PyTuple_CheckExact(shape) || PyTuple_GET_SIZE(shape) != 2 ||
        !PyLong_CheckExact(PyTuple_GET_ITEM(shape, 0)))
        return 0;
    long kind = PyLong_AsLong(PyTuple_GET_ITEM(shape, 0));
    if (kind < SHAPE_DICT || kind > SHAPE_LIST_ONLY) return 0;
    return shape_valid(PyTuple_GET_ITEM(shape, 1), depth + 1);
}

static int conforms(PyObject *v, PyObject *shape) {
    if (shape == Py_None) return 1;
    if (PyType_Check(shape)) return (PyObject *)Py_TYPE(v) == shape;
    long kind = PyLong_AsLong(PyTuple_GET_ITEM(shape, 0));
    PyObject *inner = PyTuple_GET_ITEM(shape, 1);
    switch (kind) {
    case SHAPE_OPTIONAL:
        return v == Py_None || conforms(v, inner);
    case SHAPE_DICT: {
        if (!PyDict_CheckExact(v)) return 0;
        Py_ssize_t pos = 0;
        PyObject *k, *item;
        while (PyDict_Next(v, &pos, &k, &item))
            if (!PyUnicode_CheckExact(k) || (inner != Py_None && !conforms(item, inner))) return 0;
        return 1;
    }
    default: { /* SHAPE_LIST, SHAPE_LIST_ONLY */
        if (!PyList_CheckExact(v) && (kind == SHAPE_LIST_ONLY || !PyTuple_CheckExact(v))) return 0;
        if (inner == Py_None) return 1;
        /* A list cannot change under us: conforms() runs no Python code. */
        PyObject **items = PySequence_Fast_ITEMS(v);
        Py_ssize_t n = PySequence_Fast_GET_SIZE(v);
        for (Py_ssize_t i = 0; i < n; i++)
            if (!conforms(items[i], inner)) return 0;
        return 1;
    }
    }
}

typedef struct {
    PyObject_HEAD
    PyObject *shape;
    vectorcallfunc vectorcall;
} ShapeCheck;

static PyObject *sc_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    if (PyVectorcall_NARGS(nargsf) != 1 || kwnames) {
        PyErr_SetString(PyExc_TypeError, "ShapeCheck takes exactly one positional argument");
        return NULL;
    }
    return PyBool_FromLong(conforms(args[0], ((ShapeCheck *)self)->shape));
}

static PyObject *sc_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *shape;
    if (!PyArg_ParseTuple(args, "O:ShapeCheck", &shape)) return NULL;
    if (!shape_valid(shape, 0)) {
        PyErr_SetString(PyExc_ValueError, "ShapeCheck: not a shape (see fasterapi._shape)");
        return NULL;
    }
    ShapeCheck *self = (ShapeCheck *)type->tp_alloc(type, 0);
    if (!self) return NULL;
    self->shape = Py_NewRef(shape);
    self->vectorcall = sc_vectorcall;
    return (PyObject *)self;
}

static int sc_traverse(PyObject *self, visitproc visit, void *arg) {
    Py_VISIT(((ShapeCheck *)self)->shape);
    Py_VISIT(Py_TYPE(self));
    return 0;
}

static int sc_clear(PyObject *self) {
    Py_CLEAR(((ShapeCheck *)self)->shape);
    return 0;
}

static void sc_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    sc_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyMemberDef sc_members[] = {
    {"__vectorcalloffset__", Py_T_PYSSIZET, offsetof(ShapeCheck, vectorcall), Py_READONLY},
    {"shape", Py_T_OBJECT_EX, offsetof(ShapeCheck, shape), Py_READONLY, "the compiled shape"},
    {NULL},
};

static PyType_Slot sc_slots[] = {
    {Py_tp_new, sc_new},
    {Py_tp_dealloc, sc_dealloc},
    {Py_tp_traverse, sc_traverse},
    {Py_tp_clear, sc_clear},
    {Py_tp_call, PyVectorcall_Call},
    {Py_tp_members, sc_members},
    {Py_tp_doc, "ShapeCheck(shape)(value) -> bool: value has exactly the plain JSON shape."},
    {0, NULL},
};

static PyType_Spec sc_spec = {
    .name = "_fasterapi.ShapeCheck",
    .basicsize = sizeof(ShapeCheck),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL |
             Py_TPFLAGS_IMMUTABLETYPE,
    .slots = sc_slots,
};

int fa_shape_add_type(PyObject *module) {
    PyObject *type = PyType_FromModuleAndSpec(module, &sc_spec, NULL);
    if (!type) return -1;
    int rc = PyModule_AddType(module, (PyTypeObject *)type);
    Py_DECREF(type);
    return rc;
}
