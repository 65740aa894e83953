/* The stream path of long-lived handlers (WebSocket, streamed responses, SSE).
 *
 * Each interpreter has two mailboxes (fa_mailbox.h): its outbox, where the handlers' operations
 * go and which signals a doorbell socket the event loops poll, and its inbox, where the loops
 * post events (messages, disconnects, drains) and which signals the eventfd the interpreter's
 * asyncio loop watches. Sending and taking events never enter Go, so the asyncio thread never
 * waits for a Go P. Operations whose answer Go must compute (channel subscriptions and
 * publishes) still call Go, after handing Go what the outbox holds so that order is kept. */
#include "fa.h"
#include "fa_mailbox.h"
#include "_cgo_export.h"

static const char outlet_name[] = "fasterapi.outlet";

static fa_state *module_state(PyObject *m) { return (fa_state *)PyModule_GetState(m); }

static int parse_op(PyObject *const *args, long *op, long *code) {
    *op = PyLong_AsLong(args[1]);
    if (*op == -1 && PyErr_Occurred()) return -1;
    *code = PyLong_AsLong(args[2]);
    if (*code == -1 && PyErr_Occurred()) return -1;
    return 0;
}

/* send(token, op, code, data) -> int: an operation Go answers at once (subscribe, unsubscribe,
 * publish); -1 once the connection is gone, -2 when it cannot carry the operation. */
PyObject *fa_stream_send(PyObject *m, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "send(token, op, code, data) takes 4 arguments");
        return NULL;
    }
    unsigned long long token = PyLong_AsUnsignedLongLong(args[0]);
    if (token == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    long op, code;
    if (parse_op(args, &op, &code) < 0) return NULL;
    Py_buffer view = {0};
    if (args[3] != Py_None && PyObject_GetBuffer(args[3], &view, PyBUF_SIMPLE) < 0) return NULL;
    int inbox = module_state(m)->inbox_id;
    int64_t answer;
    /* Go copies what it keeps, so the buffer only has to live through the call. */
    Py_BEGIN_ALLOW_THREADS
    answer = faStreamSend(inbox, token, (int)op, (int)code, (char *)view.buf, (size_t)view.len);
    Py_END_ALLOW_THREADS
    if (args[3] != Py_None) PyBuffer_Release(&view);
    return PyLong_FromLongLong(answer);
}

static void outlet_destructor(PyObject *capsule) {
    fa_outlet *o = PyCapsule_GetPointer(capsule, outlet_name);
    if (o) fa_outlet_release(o);
}

/* attach(token) -> outlet or None: route the connection's events to this interpreter's inbox
 * and open the outlet its operations are sent through; None when the connection is gone. */
PyObject *fa_stream_attach(PyObject *m, PyObject *arg) {
    unsigned long long token = PyLong_AsUnsignedLongLong(arg);
    if (token == (unsigned long long)-1 && PyErr_Occurred()) return NULL;
    fa_state *st = module_state(m);
    if (!st->outbox) {
        PyErr_SetString(PyExc_RuntimeError, "attach() needs the interpreter's inbox: call inbox_open() first");
        return NULL;
    }
    fa_outlet *o = fa_outlet_new(token, st->outbox);
    if (!o) return PyErr_NoMemory();
    int attached;
    Py_BEGIN_ALLOW_THREADS
    attached = faStreamAttach(st->inbox_id, token, o);
    Py_END_ALLOW_THREADS
    if (!attached) { /* Go did not keep it: both references are ours */
        fa_outlet_release(o);
        fa_outlet_release(o);
        Py_RETURN_NONE;
    }
    PyObject *capsule = PyCapsule_New(o, outlet_name, outlet_destructor);
    if (!capsule) fa_outlet_release(o);
    return capsule;
}

/* queue(outlet, op, code, data) -> int: send an operation on the connection; returns the bytes
 * the handler has queued on it and the loop has not written yet, or -1 once it is gone. Past
 * FA_HIGH_WATER the loop tells the handler (EVENT_DRAINED) when the queue has drained. */
PyObject *fa_stream_queue(PyObject *m, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "queue(outlet, op, code, data) takes 4 arguments");
        return NULL;
    }
    fa_outlet *o = PyCapsule_GetPointer(args[0], outlet_name);
    if (!o) return NULL;
    long op, code;
    if (parse_op(args, &op, &code) < 0) return NULL;
    if (__atomic_load_n(&o->gone, __ATOMIC_ACQUIRE)) return PyLong_FromLong(-1);
    /* A record holds 16 bits of code; one outside them is no valid status or close code
     * either, and 0 says so (a Close then carries no code, RFC 6455 §7.1.5). */
    if (code < 0 || code > UINT16_MAX) code = 0;
    Py_buffer view = {0};
    if (args[3] != Py_None && PyObject_GetBuffer(args[3], &view, PyBUF_SIMPLE) < 0) return NULL;
    int64_t n = (int64_t)view.len;
    /* Counted before the record is visible to the loop, so the loop's subtraction for it, and
     * its look at want_drain, come after. */
    int64_t queued = __atomic_add_fetch(&o->queued, n, __ATOMIC_ACQ_REL);
    if (queued > FA_HIGH_WATER) __atomic_store_n(&o->want_drain, 1, __ATOMIC_RELEASE);
    int failed = 0;
    if (fa_mailbox_has_fd(o->outbox)) {
        failed = fa_mailbox_post(o->outbox, o->token, (int)op, (int)code, view.buf, (size_t)view.len);
    } else { /* no doorbell (the transport cannot poll one): hand it to Go directly */
        int64_t r;
        Py_BEGIN_ALLOW_THREADS
        r = faStreamSend(0, o->token, (int)op, (int)code, (char *)view.buf, (size_t)view.len);
        Py_END_ALLOW_THREADS
        if (r < 0) queued = -1;
    }
    if (args[3] != Py_None) PyBuffer_Release(&view);
    if (failed) return PyErr_NoMemory();
    return PyLong_FromLongLong(queued);
}

/* inbox_open(eventfd) -> int: open this interpreter's inbox (signalled on eventfd) and outbox. */
PyObject *fa_inbox_open(PyObject *m, PyObject *arg) {
    long fd = PyLong_AsLong(arg);
    if (fd == -1 && PyErr_Occurred()) return NULL;
    if (fd < 0 || fd > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "inbox_open() needs an open eventfd");
        return NULL;
    }
    fa_state *st = module_state(m);
    if (st->inbox_id) {
        PyErr_SetString(PyExc_RuntimeError, "inbox_open() was called twice in this interpreter");
        return NULL;
    }
    fa_mailbox *inbox = fa_mailbox_new((int)fd, 1);
    fa_mailbox *outbox = fa_mailbox_new(-1, 0); /* Go gives it its doorbell */
    if (!inbox || !outbox) {
        free(inbox);
        free(outbox);
        return PyErr_NoMemory();
    }
    int id;
    Py_BEGIN_ALLOW_THREADS
    id = faInboxOpen(inbox, outbox);
    Py_END_ALLOW_THREADS
    st->inbox = inbox;
    st->outbox = outbox;
    st->inbox_id = id;
    return PyLong_FromLong(id);
}

/* inbox_take() -> list[tuple[int, int, int, bytes]]: (token, kind, code, data) per event. */
PyObject *fa_inbox_take(PyObject *m, PyObject *unused) {
    fa_state *st = module_state(m);
    if (!st->inbox) {
        PyErr_SetString(PyExc_RuntimeError, "inbox_take() needs inbox_open() first");
        return NULL;
    }
    char *buf = NULL;
    size_t n = fa_mailbox_take(st->inbox, &buf);
    PyObject *events = PyList_New(0);
    if (!events) {
        free(buf);
        return NULL;
    }
    size_t pos = 0;
    while (pos + FA_RECORD_HEAD <= n) {
        uint64_t token;
        uint16_t code;
        uint32_t len;
        memcpy(&token, buf + pos, 8);
        unsigned char kind = (unsigned char)buf[pos + 8];
        memcpy(&code, buf + pos + 9, 2);
        memcpy(&len, buf + pos + 11, 4);
        pos += FA_RECORD_HEAD;
        if (len > n - pos) break; /* cannot happen: records are appended whole */
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
