/* _fasterapi.RawRequest: the request as Go parsed it, kept as one bytes copy of Go's flat
 * meta buffer plus the body. Attributes are decoded on first access and cached, so a handler
 * that never looks at headers never pays for building them. */
#include "fa.h"

typedef struct {
    PyObject_HEAD
    PyObject *meta;   /* bytes: the flat buffer (layout in fa.h) */
    PyObject *body;   /* bytes */
    PyObject *cache[FA_META_NFIELDS];
    PyObject *headers;
    PyObject *path_params;
    PyObject *client;
    PyObject *server;
    uint64_t token; /* the host's name for the request's connection (and HTTP/2 stream) */
} RawRequest;

static const uint32_t *words(RawRequest *r) {
    return (const uint32_t *)PyBytes_AS_STRING(r->meta);
}

static const char *base(RawRequest *r) { return PyBytes_AS_STRING(r->meta); }

static const uint32_t *field(RawRequest *r, int i) { return words(r) + FA_META_FIXED + 2 * i; }

static const uint32_t *pair_table(RawRequest *r, int params) {
    const uint32_t *w = words(r);
    const uint32_t *t = (const uint32_t *)(base(r) + w[4]);
    return params ? t + 4 * w[0] : t;
}

static PyObject *decode_text(const char *p, uint32_t n) {
    return PyUnicode_DecodeUTF8(p, n, "replace");
}

static PyObject *get_text(RawRequest *r, int i) {
    if (!r->cache[i]) {
        const uint32_t *f = field(r, i);
        r->cache[i] = decode_text(base(r) + f[0], f[1]);
        if (!r->cache[i]) return NULL;
    }
    return Py_NewRef(r->cache[i]);
}

static PyObject *get_bytes(RawRequest *r, int i) {
    if (!r->cache[i]) {
        const uint32_t *f = field(r, i);
        r->cache[i] = PyBytes_FromStringAndSize(base(r) + f[0], f[1]);
        if (!r->cache[i]) return NULL;
    }
    return Py_NewRef(r->cache[i]);
}

static PyObject *rr_method(PyObject *self, void *c) { return get_text((RawRequest *)self, FA_F_METHOD); }
static PyObject *rr_path(PyObject *self, void *c) { return get_text((RawRequest *)self, FA_F_PATH); }
static PyObject *rr_scheme(PyObject *self, void *c) { return get_text((RawRequest *)self, FA_F_SCHEME); }
static PyObject *rr_token(PyObject *self, void *c) {
    return PyLong_FromUnsignedLongLong(((RawRequest *)self)->token);
}

static PyObject *rr_http_version(PyObject *self, void *c) {
    return get_text((RawRequest *)self, FA_F_HTTP_VERSION);
}
static PyObject *rr_raw_path(PyObject *self, void *c) { return get_bytes((RawRequest *)self, FA_F_RAW_PATH); }
static PyObject *rr_query(PyObject *self, void *c) { return get_bytes((RawRequest *)self, FA_F_QUERY); }
static PyObject *rr_body(PyObject *self, void *c) { return Py_NewRef(((RawRequest *)self)->body); }
static PyObject *rr_body_is_form(PyObject *self, void *c) {
    return PyBool_FromLong(field((RawRequest *)self, FA_F_BODY_FORM)[1] != 0);
}

static PyObject *rr_headers(PyObject *self, void *c) {
    RawRequest *r = (RawRequest *)self;
    if (!r->headers) {
        uint32_t n = words(r)[0];
        const uint32_t *t = pair_table(r, 0);
        PyObject *list = PyList_New(n);
        if (!list) return NULL;
        for (uint32_t i = 0; i < n; i++, t += 4) {
            PyObject *item = Py_BuildValue("(y#y#)", base(r) + t[0], (Py_ssize_t)t[1],
                                           base(r) + t[2], (Py_ssize_t)t[3]);
            if (!item) {
                Py_DECREF(list);
                return NULL;
            }
            PyList_SET_ITEM(list, i, item);
        }
        r->headers = list;
    }
    return Py_NewRef(r->headers);
}

static PyObject *rr_path_params(PyObject *self, void *c) {
    RawRequest *r = (RawRequest *)self;
    if (!r->path_params) {
        uint32_t n = words(r)[1];
        const uint32_t *t = pair_table(r, 1);
        PyObject *d = PyDict_New();
        if (!d) return NULL;
        for (uint32_t i = 0; i < n; i++, t += 4) {
            PyObject *k = decode_text(base(r) + t[0], t[1]);
            PyObject *v = k ? decode_text(base(r) + t[2], t[3]) : NULL;
            int rc = v ? PyDict_SetItem(d, k, v) : -1;
            Py_XDECREF(k);
            Py_XDECREF(v);
            if (rc < 0) {
                Py_DECREF(d);
                return NULL;
            }
        }
        r->path_params = d;
    }
    return Py_NewRef(r->path_params);
}

static PyObject *address(RawRequest *r, PyObject **slot, int host_field, int port_word) {
    if (!*slot) {
        const uint32_t *f = field(r, host_field);
        if (f[1] == 0) return Py_NewRef(Py_None);
        *slot = Py_BuildValue("(s#I)", base(r) + f[0], (Py_ssize_t)f[1], words(r)[port_word]);
        if (!*slot) return NULL;
    }
    return Py_NewRef(*slot);
}

static PyObject *rr_client(PyObject *self, void *c) {
    RawRequest *r = (RawRequest *)self;
    return address(r, &r->client, FA_F_CLIENT_HOST, 2);
}

static PyObject *rr_server(PyObject *self, void *c) {
    RawRequest *r = (RawRequest *)self;
    return address(r, &r->server, FA_F_SERVER_HOST, 3);
}

static PyGetSetDef rr_getset[] = {
    {"method", rr_method, NULL, "request method, e.g. 'GET'", NULL},
    {"path", rr_path, NULL, "percent-decoded path", NULL},
    {"raw_path", rr_raw_path, NULL, "path as received, not decoded", NULL},
    {"query_string", rr_query, NULL, "query string as received, without '?'", NULL},
    {"headers", rr_headers, NULL, "list of (name, value) bytes pairs, names lower-cased", NULL},
    {"body", rr_body, NULL, "request body", NULL},
    {"body_is_form", rr_body_is_form, NULL, "True when body is the server's record of a parsed form", NULL},
    {"client", rr_client, NULL, "(host, port) of the peer", NULL},
    {"server", rr_server, NULL, "(host, port) of the listener", NULL},
    {"scheme", rr_scheme, NULL, "'http' or 'https'", NULL},
    {"http_version", rr_http_version, NULL, "'1.0', '1.1' or '2'", NULL},
    {"token", rr_token, NULL, "the host's name for the request's connection (and HTTP/2 stream)", NULL},
    {"path_params", rr_path_params, NULL, "dict of percent-decoded path parameters", NULL},
    {NULL},
};

static int rr_traverse(PyObject *self, visitproc visit, void *arg) {
    RawRequest *r = (RawRequest *)self;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(r->headers);
    Py_VISIT(r->path_params);
    return 0;
}

static int rr_clear(PyObject *self) {
    RawRequest *r = (RawRequest *)self;
    Py_CLEAR(r->meta);
    Py_CLEAR(r->body);
    for (int i = 0; i < FA_META_NFIELDS; i++) Py_CLEAR(r->cache[i]);
    Py_CLEAR(r->headers);
    Py_CLEAR(r->path_params);
    Py_CLEAR(r->client);
    Py_CLEAR(r->server);
    return 0;
}

static void rr_dealloc(PyObject *self) {
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    rr_clear(self);
    tp->tp_free(self);
    Py_DECREF(tp);
}

static PyObject *rr_new_from_python(PyTypeObject *type, PyObject *args, PyObject *kw) {
    PyErr_SetString(PyExc_TypeError,
                    "RawRequest objects are created by the server; use fasterapi._raw.PyRawRequest in tests");
    return NULL;
}

static PyType_Slot rr_slots[] = {
    {Py_tp_doc, "A request parsed by the Go server; attributes decode lazily."},
    {Py_tp_getset, rr_getset},
    {Py_tp_traverse, rr_traverse},
    {Py_tp_clear, rr_clear},
    {Py_tp_dealloc, rr_dealloc},
    {Py_tp_new, rr_new_from_python},
    {0, NULL},
};

static PyType_Spec rr_spec = {
    .name = "_fasterapi.RawRequest",
    .basicsize = sizeof(RawRequest),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = rr_slots,
};

PyTypeObject *fa_rawrequest_type_new(PyObject *module) {
    return (PyTypeObject *)PyType_FromModuleAndSpec(module, &rr_spec, NULL);
}

PyObject *fa_rawrequest_new(fa_state *st, uint64_t token, const char *meta, size_t meta_len,
                            const char *body, size_t body_len) {
    RawRequest *r = PyObject_GC_New(RawRequest, st->rawrequest_type);
    if (!r) return NULL;
    r->token = token;
    r->meta = PyBytes_FromStringAndSize(meta, (Py_ssize_t)meta_len);
    r->body = PyBytes_FromStringAndSize(body_len ? body : NULL, (Py_ssize_t)body_len);
    for (int i = 0; i < FA_META_NFIELDS; i++) r->cache[i] = NULL;
    r->headers = r->path_params = r->client = r->server = NULL;
    PyObject_GC_Track(r);
    if (!r->meta || !r->body) {
        Py_DECREF(r);
        return NULL;
    }
    return (PyObject *)r;
}
