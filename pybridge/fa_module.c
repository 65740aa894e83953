/* The built-in _fasterapi module. Multi-phase init with per-module state, so every own-GIL
 * sub-interpreter gets its own copy (PEP 489, PEP 684); nothing here is process-global. */
#include "fa.h"

static fa_state *state_of(PyObject *m) { return (fa_state *)PyModule_GetState(m); }

static PyObject *install(PyObject *m, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "install(dispatch, encoder, host_kinds) takes exactly 3 arguments");
        return NULL;
    }
    if (!PyCallable_Check(args[0]) || !PyCallable_Check(args[1]) || !PyBytes_CheckExact(args[2])) {
        PyErr_SetString(PyExc_TypeError, "install(dispatch, encoder, host_kinds): dispatch and encoder must "
                        "be callable, host_kinds bytes");
        return NULL;
    }
    /* The Response base class lets fa_call tell a Response from a plain value with one type check. */
    PyObject *responses = PyImport_ImportModule("fasterapi.responses");
    if (!responses) return NULL;
    PyObject *response_type = PyObject_GetAttrString(responses, "Response");
    /* A FileResponse is told apart with a second check, made only for Response objects. */
    PyObject *file_response_type = response_type ? PyObject_GetAttrString(responses, "FileResponse") : NULL;
    Py_DECREF(responses);
    if (!file_response_type) {
        Py_XDECREF(response_type);
        return NULL;
    }
    if (!PyType_Check(response_type) || !PyType_Check(file_response_type)) {
        Py_DECREF(response_type);
        Py_DECREF(file_response_type);
        PyErr_SetString(PyExc_TypeError, "fasterapi.responses.Response or FileResponse is not a class");
        return NULL;
    }
    fa_state *st = state_of(m);
    Py_XSETREF(st->dispatch, Py_NewRef(args[0]));
    Py_XSETREF(st->encoder, Py_NewRef(args[1]));
    Py_XSETREF(st->response_type, response_type);
    Py_XSETREF(st->file_response_type, file_response_type);
    Py_XSETREF(st->host_kinds, Py_NewRef(args[2]));
    Py_RETURN_NONE;
}

static PyObject *dumps(PyObject *m, PyObject *obj) {
    fa_buf b = {0};
    PyObject *res = NULL;
    if (fa_json_encode(state_of(m), obj, &b) == 0) res = PyBytes_FromStringAndSize(b.p, (Py_ssize_t)b.len);
    free(b.p);
    return res;
}

PyObject *fa_defer(PyObject *m, PyObject *unused);
PyObject *fa_complete(PyObject *m, PyObject *const *args, Py_ssize_t nargs);
PyObject *fa_stream_send(PyObject *m, PyObject *const *args, Py_ssize_t nargs);
PyObject *fa_stream_attach(PyObject *m, PyObject *arg);
PyObject *fa_stream_queue(PyObject *m, PyObject *const *args, Py_ssize_t nargs);
PyObject *fa_inbox_open(PyObject *m, PyObject *arg);
PyObject *fa_inbox_take(PyObject *m, PyObject *unused);
PyObject *fa_parse_form(PyObject *m, PyObject *const *args, Py_ssize_t nargs);

static PyMethodDef methods[] = {
    {"defer", fa_defer, METH_NOARGS,
     "defer() -> token: the running request is answered later with complete(token, ...)."},
    {"complete", (PyCFunction)(void (*)(void))fa_complete, METH_FASTCALL,
     "complete(token, default_status, result): send the answer of a deferred request."},
    {"send", (PyCFunction)(void (*)(void))fa_stream_send, METH_FASTCALL,
     "send(token, op, code, data) -> int: a channel operation (subscribe, unsubscribe, publish), "
     "answered by the server at once; -1 once the connection is gone."},
    {"attach", fa_stream_attach, METH_O,
     "attach(token) -> outlet or None: route a connection's events to this interpreter's inbox "
     "and open the outlet its operations are queued through; None when it is gone."},
    {"queue", (PyCFunction)(void (*)(void))fa_stream_queue, METH_FASTCALL,
     "queue(outlet, op, code, data) -> int: send an operation on a connection; returns the bytes "
     "queued on it and not yet written, or -1 once it is gone."},
    {"inbox_open", fa_inbox_open, METH_O,
     "inbox_open(eventfd) -> id: open this interpreter's event inbox (signalled on eventfd) and "
     "its outbox."},
    {"inbox_take", fa_inbox_take, METH_NOARGS,
     "inbox_take() -> list of (token, kind, code, data): the events queued since the last take."},
    {"parse_form", (PyCFunction)(void (*)(void))fa_parse_form, METH_FASTCALL,
     "parse_form(content_type, body) -> (record, None) or (None, refusal): the server's form parser."},
    {"install", (PyCFunction)(void (*)(void))install, METH_FASTCALL,
     "install(dispatch, encoder, host_kinds): register the app's dispatcher, the fallback JSON encoder "
     "and, by route index, how a plain returned value is encoded (0 JSON, 1 text/plain, 2 text/html)."},
    {"dumps", dumps, METH_O,
     "dumps(obj) -> bytes: compact UTF-8 JSON as FastAPI's JSONResponse renders it."},
    {NULL},
};

static int exec_module(PyObject *m) {
    fa_state *st = state_of(m);
    st->rawrequest_type = fa_rawrequest_type_new(m);
    if (!st->rawrequest_type) return -1;
    if (PyModule_AddType(m, st->rawrequest_type) < 0) return -1;
    if (fa_shape_add_type(m) < 0) return -1;
    if (!(st->attr_status_code = PyUnicode_InternFromString("status_code")) ||
        !(st->attr_body = PyUnicode_InternFromString("body")) ||
        !(st->attr_raw_headers = PyUnicode_InternFromString("raw_headers")) ||
        !(st->attr_path = PyUnicode_InternFromString("path")))
        return -1;
    /* A BaseException, so a handler's `except Exception:` cannot swallow the timeout. */
    st->handler_timeout = PyErr_NewExceptionWithDoc(
        "_fasterapi.HandlerTimeout",
        "Raised into a handler that ran longer than --timeout-handler; answered with 504.",
        PyExc_BaseException, NULL);
    if (!st->handler_timeout || PyModule_AddObjectRef(m, "HandlerTimeout", st->handler_timeout) < 0)
        return -1;
    return 0;
}

static int traverse(PyObject *m, visitproc visit, void *arg) {
    fa_state *st = state_of(m);
    if (!st) return 0;
    Py_VISIT(st->dispatch);
    Py_VISIT(st->encoder);
    Py_VISIT(st->response_type);
    Py_VISIT(st->file_response_type);
    Py_VISIT(st->host_kinds);
    Py_VISIT(st->rawrequest_type);
    Py_VISIT(st->handler_timeout);
    return 0;
}

static int clear(PyObject *m) {
    fa_state *st = state_of(m);
    if (!st) return 0;
    Py_CLEAR(st->dispatch);
    Py_CLEAR(st->encoder);
    Py_CLEAR(st->response_type);
    Py_CLEAR(st->file_response_type);
    Py_CLEAR(st->host_kinds);
    Py_CLEAR(st->rawrequest_type);
    Py_CLEAR(st->attr_status_code);
    Py_CLEAR(st->attr_body);
    Py_CLEAR(st->attr_raw_headers);
    Py_CLEAR(st->attr_path);
    Py_CLEAR(st->handler_timeout);
    if (st->keys) {
        for (int i = 0; i < FA_KEY_SLOTS; i++) Py_CLEAR(st->keys[i].key);
        free(st->keys);
        st->keys = NULL;
    }
    return 0;
}

static void free_module(void *m) { clear((PyObject *)m); }

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#if PY_VERSION_HEX >= 0x030D0000
    {Py_mod_gil, Py_MOD_GIL_NOT_USED},
#endif
    {0, NULL},
};

PyModuleDef fa_moduledef = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_fasterapi",
    .m_doc = "FasterAPI's bridge to the Go server.",
    .m_size = sizeof(fa_state),
    .m_methods = methods,
    .m_slots = slots,
    .m_traverse = traverse,
    .m_clear = clear,
    .m_free = free_module,
};

PyObject *fa_module_init(void) { return PyModuleDef_Init(&fa_moduledef); }

/* The state of the _fasterapi module of the interpreter whose GIL this thread holds.
 * PyState_FindModule only serves single-phase modules, so look it up in sys.modules. */
fa_state *fa_state_of_current(void) {
    PyObject *name = PyUnicode_FromString("_fasterapi");
    if (!name) return NULL;
    PyObject *m = PyImport_GetModule(name);
    Py_DECREF(name);
    if (!m) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_RuntimeError, "_fasterapi is not imported");
        return NULL;
    }
    fa_state *st = state_of(m);
    Py_DECREF(m); /* sys.modules keeps it alive for the interpreter's lifetime */
    return st;
}
