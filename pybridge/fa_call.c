/* The per-request call into Python, and the deferred path of async handlers: _fasterapi.defer()
 * marks the running call as answered later, and _fasterapi.complete() (run by the interpreter's
 * asyncio thread) encodes the answer and hands it to Go through faDeliver. */
#include "fa.h"
#include "_cgo_export.h"
#include <time.h>

static const char internal_error[] = "Internal Server Error";
static const char text_plain[] = "content-type: text/plain; charset=utf-8\r\n";

static int has_bad_byte(const char *p, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        if (p[i] == '\r' || p[i] == '\n' || p[i] == '\0') return 1;
    return 0;
}

static int put_header(fa_buf *head, PyObject *pair) {
    if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2 || !PyBytes_Check(PyTuple_GET_ITEM(pair, 0)) ||
        !PyBytes_Check(PyTuple_GET_ITEM(pair, 1))) {
        PyErr_SetString(PyExc_TypeError, "Response.raw_headers items must be (bytes, bytes) tuples");
        return -1;
    }
    PyObject *k = PyTuple_GET_ITEM(pair, 0), *v = PyTuple_GET_ITEM(pair, 1);
    /* CR/LF in a header would let a handler inject headers or split the response. */
    if (PyBytes_GET_SIZE(k) == 0 || has_bad_byte(PyBytes_AS_STRING(k), PyBytes_GET_SIZE(k)) ||
        has_bad_byte(PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v))) {
        PyErr_SetString(PyExc_ValueError,
                        "a response header name or value contains CR, LF or NUL, or the name is empty");
        return -1;
    }
    if (fa_buf_put(head, PyBytes_AS_STRING(k), (size_t)PyBytes_GET_SIZE(k)) < 0 ||
        fa_buf_put(head, ": ", 2) < 0 ||
        fa_buf_put(head, PyBytes_AS_STRING(v), (size_t)PyBytes_GET_SIZE(v)) < 0 ||
        fa_buf_put(head, "\r\n", 2) < 0)
        return -1;
    return 0;
}

/* Copies a FileResponse's path into body, as the file system encodes it: Go opens the file
 * and sends it without Python. */
static int take_file_path(fa_state *st, PyObject *resp, fa_buf *body) {
    PyObject *path = PyObject_GetAttr(resp, st->attr_path);
    if (!path) return -1;
    PyObject *encoded = NULL;
    if (PyUnicode_Check(path)) {
        encoded = PyUnicode_EncodeFSDefault(path);
    } else if (PyBytes_Check(path)) {
        encoded = Py_NewRef(path);
    } else {
        PyErr_Format(PyExc_TypeError, "FileResponse.path must be str or bytes, not %.100s",
                     Py_TYPE(path)->tp_name);
    }
    Py_DECREF(path);
    if (!encoded) return -1;
    int rc = 0;
    const char *p = PyBytes_AS_STRING(encoded);
    Py_ssize_t n = PyBytes_GET_SIZE(encoded);
    if (n == 0 || memchr(p, '\0', (size_t)n)) {
        PyErr_SetString(PyExc_ValueError, "FileResponse.path is empty or contains NUL");
        rc = -1;
    } else {
        rc = fa_buf_put(body, p, (size_t)n);
    }
    Py_DECREF(encoded);
    return rc;
}

/* Copies a Response's body, which must be bytes. */
static int take_body(fa_state *st, PyObject *resp, fa_buf *body) {
    PyObject *b = PyObject_GetAttr(resp, st->attr_body);
    if (!b) return -1;
    if (!PyBytes_Check(b)) {
        PyErr_Format(PyExc_TypeError, "Response.body must be bytes, not %.100s", Py_TYPE(b)->tp_name);
        Py_DECREF(b);
        return -1;
    }
    int rc = fa_buf_put(body, PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(b));
    Py_DECREF(b);
    return rc;
}

/* Copies a Response's status, headers and body (for a FileResponse, the file's path). */
static int take_response(fa_state *st, PyObject *resp, fa_buf *head, fa_buf *body, int *status, int is_file) {
    PyObject *code = PyObject_GetAttr(resp, st->attr_status_code);
    if (!code) return -1;
    long s = PyLong_AsLong(code);
    Py_DECREF(code);
    if (s == -1 && PyErr_Occurred()) return -1;
    if (s < 100 || s > 999) {
        PyErr_Format(PyExc_ValueError, "invalid status_code %ld", s);
        return -1;
    }
    int rc = is_file ? take_file_path(st, resp, body) : take_body(st, resp, body);
    if (rc < 0) return -1;
    PyObject *headers = PyObject_GetAttr(resp, st->attr_raw_headers);
    if (!headers) return -1;
    PyObject *seq = PySequence_Fast(headers, "Response.raw_headers must be a sequence");
    Py_DECREF(headers);
    if (!seq) return -1;
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(seq) && rc == 0; i++)
        rc = put_header(head, PySequence_Fast_GET_ITEM(seq, i));
    Py_DECREF(seq);
    if (rc == 0) *status = (int)s;
    return rc;
}

int fa_route_kind(fa_state *st, int route) {
    if (route < 0 || !st->host_kinds || route >= PyBytes_GET_SIZE(st->host_kinds)) return FA_KIND_JSON;
    return (unsigned char)PyBytes_AS_STRING(st->host_kinds)[route];
}

static const char text_html[] = "content-type: text/html; charset=utf-8\r\n";

/* A text route's str, as PlainTextResponse/HTMLResponse(content) would send it. */
static int take_text(PyObject *text, int route_kind, fa_buf *head, fa_buf *body) {
    Py_ssize_t n;
    const char *p = PyUnicode_AsUTF8AndSize(text, &n);
    if (!p) return -1;
    const char *type = route_kind == FA_KIND_TEXT_HTML ? text_html : text_plain;
    size_t type_len = route_kind == FA_KIND_TEXT_HTML ? sizeof text_html - 1 : sizeof text_plain - 1;
    if (fa_buf_put(head, type, type_len) < 0) return -1;
    return fa_buf_put(body, p, (size_t)n);
}

int fa_encode_result(fa_state *st, PyObject *result, int route_kind, int default_status, fa_buf *head,
                     fa_buf *body, int *status, int *kind) {
    if (st->response_type && PyObject_TypeCheck(result, (PyTypeObject *)st->response_type)) {
        int is_file = st->file_response_type &&
                      PyObject_TypeCheck(result, (PyTypeObject *)st->file_response_type);
        *kind = is_file ? FA_BODY_FILE : FA_BODY_BYTES;
        return take_response(st, result, head, body, status, is_file);
    }
    *status = default_status;
    if (route_kind != FA_KIND_JSON && PyUnicode_CheckExact(result)) {
        *kind = FA_BODY_BYTES;
        return take_text(result, route_kind, head, body);
    }
    *kind = FA_BODY_JSON;
    return fa_json_encode(st, result, body);
}

/* Prints the raised exception and its traceback and clears it. Unlike PyErr_Print this never
 * exits the process for SystemExit: a handler calling sys.exit() gets a 500, as with uvicorn. */
static void log_current_exception(void) {
    PyObject *exc = PyErr_GetRaisedException();
    if (exc) {
        PyErr_DisplayException(exc);
        Py_DECREF(exc);
    }
}

/* Replaces whatever was encoded with FastAPI's plain-text 500, after logging the error. */
static void internal_server_error(const char *what, long id, fa_buf *head, fa_buf *body, int *status,
                                  int *kind) {
    PySys_WriteStderr("fasterapi: error while answering %s %ld:\n", what, id);
    log_current_exception();
    head->len = body->len = 0;
    *status = 500;
    *kind = 0;
    if (fa_buf_put(head, text_plain, sizeof text_plain - 1) < 0 ||
        fa_buf_put(body, internal_error, sizeof internal_error - 1) < 0)
        PyErr_Clear();
}

/* Whether calls record their start for the watchdog: without --timeout-handler nothing reads
 * it, and the clock read is saved on every request. */
static atomic_int call_timing;

void fa_enable_call_timing(void) { atomic_store(&call_timing, 1); }

fa_result *fa_call(int route, int default_status, uint64_t token, const char *meta, size_t meta_len,
                   const char *body, size_t body_len) {
    fa_thread *t = fa_current_thread();
    atomic_store(&t->busy, 1);
    PyEval_RestoreThread(t->ts);
    t->head.len = t->body.len = 0;
    t->res.kind = 0;
    t->token = token;
    t->in_call = 1;
    t->deferred = 0;
    t->call_seq++;
    int timed = atomic_load_explicit(&call_timing, memory_order_relaxed);
    if (timed) atomic_store(&t->call_started_ns, fa_monotonic_ns());
    PyObject *result = NULL;
    PyObject *raw = fa_rawrequest_new(t->st, token, meta, meta_len, body, body_len);
    PyObject *idx = raw ? PyLong_FromLong(route) : NULL;
    if (idx) {
        PyObject *args[2] = {idx, raw};
        result = PyObject_Vectorcall(t->st->dispatch, args, 2, NULL);
    }
    Py_XDECREF(idx);
    Py_XDECREF(raw);
    t->in_call = 0;
    if (timed) atomic_store(&t->call_started_ns, 0);
    if (t->interrupted_seq == t->call_seq) {
        /* The watchdog's exception may still be pending if the handler returned just as it
         * fired; clear it so it cannot surface in the next request. */
        PyThreadState_SetAsyncExc(t->thread_id, NULL);
    }
    if (!result && PyErr_ExceptionMatches(t->st->handler_timeout)) {
        PySys_WriteStderr("fasterapi: the handler of route %d ran longer than --timeout-handler and was "
                          "stopped; answered 504:\n", route);
        log_current_exception();
        t->head.len = t->body.len = 0;
        t->res.status = 504;
        t->res.kind = 1;
        static const char timeout_body[] = "{\"detail\":\"Gateway Timeout: the handler ran too long\"}";
        if (fa_buf_put(&t->body, timeout_body, sizeof timeout_body - 1) < 0) PyErr_Clear();
    } else if (result && t->deferred) {
        t->res.status = 0;
    } else if (!result || fa_encode_result(t->st, result, fa_route_kind(t->st, route), default_status,
                                           &t->head, &t->body, &t->res.status, &t->res.kind) < 0) {
        internal_server_error("route", route, &t->head, &t->body, &t->res.status, &t->res.kind);
    }
    Py_XDECREF(result);
    t->res.head = t->head.p;
    t->res.head_len = t->head.len;
    t->res.body = t->body.p;
    t->res.body_len = t->body.len;
    PyEval_SaveThread();
    atomic_store(&t->busy, 0);
    return &t->res;
}

PyObject *fa_defer(PyObject *m, PyObject *unused) {
    fa_thread *t = fa_current_thread();
    if (!t || !t->in_call) {
        PyErr_SetString(PyExc_RuntimeError, "_fasterapi.defer() called outside a request dispatch");
        return NULL;
    }
    if (t->deferred) {
        PyErr_SetString(PyExc_RuntimeError, "_fasterapi.defer() called twice for one request");
        return NULL;
    }
    t->deferred = 1;
    return PyLong_FromUnsignedLongLong(t->token);
}

PyObject *fa_complete(PyObject *m, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "complete(token, default_status, result) takes 3 arguments");
        return NULL;
    }
    unsigned long long token = PyLong_AsUnsignedLongLong(args[0]);
    if (token == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    long default_status = PyLong_AsLong(args[1]);
    if (default_status == -1 && PyErr_Occurred()) return NULL;
    fa_state *st = (fa_state *)PyModule_GetState(m);
    fa_buf head = {0}, body = {0};
    int status = 500, kind = 0;
    /* Deferred answers come from async handlers, whose plain values are always JSON. */
    if (fa_encode_result(st, args[2], FA_KIND_JSON, (int)default_status, &head, &body, &status, &kind) < 0)
        internal_server_error("deferred request", (long)token, &head, &body, &status, &kind);
    /* Go copies the bytes before it returns, so the buffers can be freed right after. */
    Py_BEGIN_ALLOW_THREADS
    faDeliver(st->inbox_id, token, status, kind, head.p, head.len, body.p, body.len);
    Py_END_ALLOW_THREADS
    free(head.p);
    free(body.p);
    Py_RETURN_NONE;
}

int64_t fa_monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
