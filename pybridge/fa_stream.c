/* The stream path of long-lived handlers (WebSocket, streamed responses, SSE). Python sends
 * operations to a connection with send(); the event loops answer with events queued in the
 * interpreter's inbox, which the asyncio loop drains with inbox_take() when the inbox's eventfd
 * becomes readable. Every call is non-blocking: Go only appends to queues. */
#include "fa.h"
#include "_cgo_export.h"

/* send(token, op, code, data) -> int: bytes queued on the connection, -1 once it is gone. */
PyObject *fa_stream_send(PyObject *m, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "send(token, op, code, data) takes 4 arguments");
        return NULL;
    }
    unsigned long long token = PyLong_AsUnsignedLongLong(args[0]);
    if (token == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    long op = PyLong_AsLong(args[1]);
    if (op == -1 && PyErr_Occurred()) return NULL;
    long code = PyLong_AsLong(args[2]);
    if (code == -1 && PyErr_Occurred()) return NULL;
    Py_buffer view = {0};
    if (args[3] != Py_None && PyObject_GetBuffer(args[3], &view, PyBUF_SIMPLE) < 0) return NULL;
    int64_t queued;
    /* Go copies what it keeps, so the buffer only has to live through the call. */
    Py_BEGIN_ALLOW_THREADS
    queued = faStreamSend(token, (int)op, (int)code, (char *)view.buf, (size_t)view.len);
    Py_END_ALLOW_THREADS
    if (args[3] != Py_None) PyBuffer_Release(&view);
    return PyLong_FromLongLong(queued);
}

/* inbox_open(eventfd) -> int: register this interpreter's inbox; the id goes to send(ATTACH). */
PyObject *fa_inbox_open(PyObject *m, PyObject *arg) {
    long fd = PyLong_AsLong(arg);
    if (fd == -1 && PyErr_Occurred()) return NULL;
    if (fd < 0 || fd > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "inbox_open() needs an open eventfd");
        return NULL;
    }
    return PyLong_FromLong(faInboxOpen((int)fd));
}

/* inbox_take(id) -> list[tuple[int, int, int, bytes]]: (token, kind, code, data) per event. */
PyObject *fa_inbox_take(PyObject *m, PyObject *arg) {
    long id = PyLong_AsLong(arg);
    if (id == -1 && PyErr_Occurred()) return NULL;
    if (id <= 0 || id > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "inbox_take() needs an id from inbox_open()");
        return NULL;
    }
    char *buf = NULL;
    size_t n;
    Py_BEGIN_ALLOW_THREADS
    n = faInboxTake((int)id, &buf);
    Py_END_ALLOW_THREADS
    PyObject *events = PyList_New(0);
    if (!events) {
        free(buf);
        return NULL;
    }
    size_t pos = 0;
    while (pos + 15 <= n) {
        uint64_t token;
        uint16_t code;
        uint32_t len;
        memcpy(&token, buf + pos, 8);
        unsigned char kind = (unsigned char)buf[pos + 8];
        memcpy(&code, buf + pos + 9, 2);
        memcpy(&len, buf + pos + 11, 4);
        pos += 15;
        if (len > n - pos) break; /* cannot happen: Go writes whole records */
        PyObject *ev = Py_BuildValue("(KiiN)", (unsigned long long)token, (int)kind, (int)code,
                                     PyBytes_FromStringAndSize(buf + pos, (Py_ssize_t)len));
        pos += len;
        if (!ev || PyList_Append(events, ev) < 0) {
            Py_XDECREF(ev);
            Py_DECREF(events);
            free(buf);
            return NULL;
        }
        Py_DECREF(ev);
    }
    free(buf);
    return events;
}

/* parse_form(content_type, body) -> (record, None) or (None, message): the server's form
 * parser for a body it did not parse itself (Request.form() on a route without form
 * parameters). RuntimeError when no server is registered. */
PyObject *fa_parse_form(PyObject *m, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyBytes_Check(args[0]) || !PyBytes_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "parse_form(content_type: bytes, body: bytes)");
        return NULL;
    }
    char *out = NULL;
    size_t out_len = 0;
    int refused = 0, rc;
    Py_BEGIN_ALLOW_THREADS
    rc = faParseForm(PyBytes_AS_STRING(args[0]), (size_t)PyBytes_GET_SIZE(args[0]),
                     PyBytes_AS_STRING(args[1]), (size_t)PyBytes_GET_SIZE(args[1]), &out, &out_len,
                     &refused);
    Py_END_ALLOW_THREADS
    if (rc != 0) {
        PyErr_SetString(PyExc_RuntimeError, "no form parser is registered with the server");
        return NULL;
    }
    PyObject *res = refused ? Py_BuildValue("(Os#)", Py_None, out, (Py_ssize_t)out_len)
                            : Py_BuildValue("(y#O)", out, (Py_ssize_t)out_len, Py_None);
    free(out);
    return res;
}
