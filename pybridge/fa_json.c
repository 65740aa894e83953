/* JSON encoding of handler results in C: compact separators, UTF-8 output (ensure_ascii=False)
 * and no NaN/Infinity, which is what FastAPI's JSONResponse sends. Doing this in C instead of
 * json.dumps saves ~3 us per request (probe: json.dumps of a small dict costs ~3,000 ns). */
#include "fa.h"

/* FastAPI fails near Python's recursion limit (1000); C frames here are small. */
#define FA_JSON_MAX_DEPTH 1000

int fa_buf_reserve(fa_buf *b, size_t extra) {
    size_t need = b->len + extra;
    if (need <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        PyErr_NoMemory();
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

static const char hexdigits[] = "0123456789abcdef";

/* Bytes json.dumps escapes: quote, backslash and C0 controls. */
static const unsigned char escaped[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

/* The UTF-8 of a str: an ASCII str's own data (no call, no copy), else CPython's cached UTF-8. */
static inline const char *utf8_of(PyObject *s, Py_ssize_t *n) {
    if (PyUnicode_IS_COMPACT_ASCII(s)) {
        *n = PyUnicode_GET_LENGTH(s);
        return (const char *)PyUnicode_DATA(s);
    }
    return PyUnicode_AsUTF8AndSize(s, n);
}

/* Escapes as json.dumps(ensure_ascii=False) does: quote, backslash and C0 controls only. */
static int put_string(fa_buf *out, PyObject *s) {
    Py_ssize_t n;
    const char *p = utf8_of(s, &n);
    if (!p) return -1;
    /* worst case every byte becomes \u00XX; copying while scanning beats a scan then memcpy
     * for the short strings of typical responses */
    if (fa_buf_room(out, (size_t)n * 6 + 2) < 0) return -1;
    char *w = out->p + out->len;
    *w++ = '"';
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (!escaped[c]) {
            *w++ = (char)c;
            continue;
        }
        *w++ = '\\';
        switch (c) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '\n': *w++ = 'n'; break;
        case '\r': *w++ = 'r'; break;
        case '\t': *w++ = 't'; break;
        case '\b': *w++ = 'b'; break;
        case '\f': *w++ = 'f'; break;
        default:
            *w++ = 'u'; *w++ = '0'; *w++ = '0';
            *w++ = hexdigits[c >> 4]; *w++ = hexdigits[c & 15];
        }
    }
    *w++ = '"';
    out->len = (size_t)(w - out->p);
    return 0;
}

/* Decimal digits of v without snprintf, which showed up in profiles of list-heavy responses. */
static char *digits_before(char *end, unsigned long long u) {
    do {
        *--end = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    return end;
}

static int put_ll(fa_buf *out, long long v) {
    char tmp[24];
    char *end = tmp + sizeof tmp;
    char *p = digits_before(end, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
    if (v < 0) *--p = '-';
    return fa_buf_put(out, p, (size_t)(end - p));
}

static int put_long(fa_buf *out, PyObject *o) {
#if PY_VERSION_HEX >= 0x030C0000
    /* Most ints fit one digit (|v| < 2^30): read it inline, without the converting call. */
    if (PyUnstable_Long_IsCompact((PyLongObject *)o))
        return put_ll(out, (long long)PyUnstable_Long_CompactValue((PyLongObject *)o));
#endif
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (v == -1 && PyErr_Occurred()) return -1;
    if (!overflow) return put_ll(out, v);
    /* Big ints: int.__repr__ of the exact int value, as json.dumps does. */
    PyObject *r = PyLong_Type.tp_repr(o);
    if (!r) return -1;
    Py_ssize_t n;
    const char *p = PyUnicode_AsUTF8AndSize(r, &n);
    int rc = p ? fa_buf_put(out, p, (size_t)n) : -1;
    Py_DECREF(r);
    return rc;
}

static const double pow10s[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* float.__repr__ of a non-integral d that is a short decimal (prices, 1.5, 0.25, 3.14): the
 * fewest fractional digits k whose decimal round(|d| * 10^k) / 10^k reads back as d. Values of
 * such decimals below 2^48 are unique at each k (their spacing 10^-k exceeds d's ulp), and
 * round() finds them (the product's error is under 1/16), so the first k that round-trips is
 * the shortest repr, which float.__repr__ prints in fixed notation for 1e-4 <= |d| < 1e16.
 * Returns 1 when written, 0 when d needs the general algorithm (PyOS_double_to_string, several
 * times slower), -1 with MemoryError. */
static int put_short_decimal(fa_buf *out, double d) {
    double a = fabs(d);
    if (!(a >= 1e-4)) return 0;
    for (int k = 1; k < (int)(sizeof pow10s / sizeof pow10s[0]); k++) {
        double x = a * pow10s[k];
        if (x >= 281474976710656.0) return 0; /* 2^48 */
        double m = (double)(unsigned long long)(x + 0.5); /* exact: x + 0.5 < 2^52 */
        if (m / pow10s[k] != a) continue;
        char tmp[24];
        char *digits = digits_before(tmp + sizeof tmp, (unsigned long long)m);
        int n = (int)(tmp + sizeof tmp - digits);
        if (fa_buf_room(out, (size_t)(n + k + 3)) < 0) return -1;
        char *w = out->p + out->len;
        if (d < 0) *w++ = '-';
        if (n <= k) {
            *w++ = '0';
            *w++ = '.';
            for (int i = n; i < k; i++) *w++ = '0';
            memcpy(w, digits, (size_t)n);
            w += n;
        } else {
            memcpy(w, digits, (size_t)(n - k));
            w += n - k;
            *w++ = '.';
            memcpy(w, digits + n - k, (size_t)k);
            w += k;
        }
        out->len = (size_t)(w - out->p);
        return 1;
    }
    return 0;
}

static int put_float(fa_buf *out, PyObject *o) {
    double d = PyFloat_AS_DOUBLE(o);
    if (!isfinite(d)) {
        PyErr_SetString(PyExc_ValueError, "Out of range float values are not JSON compliant");
        return -1;
    }
    /* Integral values below 1e16 print as "<int>.0" in float.__repr__; skip the general
     * shortest-repr algorithm for them (-0.0 keeps it, for its sign). */
    if (d == (double)(long long)d && fabs(d) < 1e16 && !(d == 0 && signbit(d))) {
        if (put_ll(out, (long long)d) < 0) return -1;
        return fa_buf_put(out, ".0", 2);
    }
    if (put_short_decimal(out, d) > 0) return 0;
    if (PyErr_Occurred()) return -1;
    /* float.__repr__ formatting, which is what json.dumps writes */
    char *s = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (!s) return -1;
    int rc = fa_buf_put(out, s, strlen(s));
    PyMem_Free(s);
    return rc;
}

static int encode(fa_state *st, PyObject *o, fa_buf *out, int depth, int converted);

/* json.dumps turns str/int/float/bool/None keys into strings; other keys make it fail. */
static int put_key(fa_buf *out, PyObject *k) {
    if (PyUnicode_Check(k)) return put_string(out, k);
    if (k == Py_True) return fa_buf_put(out, "\"true\"", 6);
    if (k == Py_False) return fa_buf_put(out, "\"false\"", 7);
    if (k == Py_None) return fa_buf_put(out, "\"null\"", 6);
    if (PyLong_Check(k) || PyFloat_Check(k)) {
        if (fa_buf_put(out, "\"", 1) < 0) return -1;
        if ((PyLong_Check(k) ? put_long(out, k) : put_float(out, k)) < 0) return -1;
        return fa_buf_put(out, "\"", 1);
    }
    PyErr_Format(PyExc_TypeError, "keys must be str, int, float, bool or None, not %.100s",
                 Py_TYPE(k)->tp_name);
    return -1;
}

static int encode_converted(fa_state *st, PyObject *o, fa_buf *out, int depth);

/* Whether a str key of 3+ characters starts with "_sa". */
static inline int is_sa_key(PyObject *k) {
    if (PyUnicode_IS_COMPACT_ASCII(k)) {
        const char *p = (const char *)PyUnicode_DATA(k);
        return p[0] == '_' && p[1] == 's' && p[2] == 'a';
    }
    return PyUnicode_READ_CHAR(k, 0) == '_' && PyUnicode_READ_CHAR(k, 1) == 's' && PyUnicode_READ_CHAR(k, 2) == 'a';
}

/* Writes `,"key":` (the comma when comma is set) for a key of st's cache, caching the key
 * first when it qualifies: an interned ASCII str that needs no escape and is not a "_sa" key.
 * Returns 1 when written, 0 when k does not qualify (nothing written), -1 with an exception. */
static int put_cached_key(fa_state *st, fa_buf *out, PyObject *k, int comma) {
#ifdef Py_GIL_DISABLED
    return 0; /* the cache is not synchronised; the GIL guards it */
#else
    if (!st->keys) {
        st->keys = calloc(FA_KEY_SLOTS, sizeof *st->keys);
        if (!st->keys) {
            PyErr_NoMemory();
            return -1;
        }
    }
    fa_key_slot *slot = &st->keys[((uintptr_t)k >> 4) & (FA_KEY_SLOTS - 1)];
    if (slot->key != k) {
        if (!PyUnicode_IS_COMPACT_ASCII(k) || !PyUnicode_CHECK_INTERNED(k)) return 0;
        Py_ssize_t n = PyUnicode_GET_LENGTH(k);
        if (n + 3 > (Py_ssize_t)sizeof slot->text) return 0;
        const char *p = (const char *)PyUnicode_DATA(k);
        if (n >= 3 && is_sa_key(k)) return 0;
        for (Py_ssize_t i = 0; i < n; i++)
            if (escaped[(unsigned char)p[i]]) return 0;
        Py_XSETREF(slot->key, Py_NewRef(k));
        slot->text[0] = '"';
        memcpy(slot->text + 1, p, (size_t)n);
        slot->text[n + 1] = '"';
        slot->text[n + 2] = ':';
        slot->len = (uint32_t)(n + 3);
    }
    if (fa_buf_room(out, 1 + sizeof slot->text) < 0) return -1;
    if (comma) out->p[out->len++] = ',';
    memcpy(out->p + out->len, slot->text, sizeof slot->text);
    out->len += slot->len;
    return 1;
#endif
}

static int encode_dict(fa_state *st, PyObject *d, fa_buf *out, int depth, int converted) {
    size_t start = out->len;
    if (fa_buf_put(out, "{", 1) < 0) return -1;
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    int first = 1;
    while (PyDict_Next(d, &pos, &k, &v)) {
        int cached = st != NULL && PyUnicode_CheckExact(k) ? put_cached_key(st, out, k, !first) : 0;
        if (cached < 0) return -1;
        if (!cached) {
            /* FastAPI's jsonable_encoder drops SQLAlchemy's "_sa..." keys from every dict. */
            int is_str = PyUnicode_CheckExact(k) || PyUnicode_Check(k);
            if (is_str && PyUnicode_GET_LENGTH(k) >= 3 && is_sa_key(k)) continue;
            if (!first && fa_buf_put(out, ",", 1) < 0) return -1;
            if ((is_str ? put_string(out, k) : put_key(out, k)) < 0) {
                /* Keys such as Enum members or dates: let jsonable_encoder convert the whole dict. */
                if (converted || st == NULL || st->encoder == NULL || !PyErr_ExceptionMatches(PyExc_TypeError))
                    return -1;
                PyErr_Clear();
                out->len = start;
                return encode_converted(st, d, out, depth);
            }
            if (fa_buf_put(out, ":", 1) < 0) return -1;
        }
        first = 0;
        if (encode(st, v, out, depth + 1, converted) < 0) return -1;
    }
    return fa_buf_put(out, "}", 1);
}

static int encode_seq(fa_state *st, PyObject *seq, fa_buf *out, int depth, int converted) {
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (fa_buf_put(out, "[", 1) < 0) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (i && fa_buf_put(out, ",", 1) < 0) return -1;
        if (encode(st, items[i], out, depth + 1, converted) < 0) return -1;
    }
    return fa_buf_put(out, "]", 1);
}

/* converted != 0 once a value came back from jsonable_encoder: from then on subclasses of the
 * plain types are accepted, and an unknown type is an error instead of another round trip. */
static int encode(fa_state *st, PyObject *o, fa_buf *out, int depth, int converted) {
    if (depth > FA_JSON_MAX_DEPTH) {
        PyErr_SetString(PyExc_ValueError, "JSON nesting deeper than 1000 levels (circular reference?)");
        return -1;
    }
    if (o == Py_None) return fa_buf_put(out, "null", 4);
    if (o == Py_True) return fa_buf_put(out, "true", 4);
    if (o == Py_False) return fa_buf_put(out, "false", 5);
    PyTypeObject *t = Py_TYPE(o);
    if (t == &PyUnicode_Type || (converted && PyUnicode_Check(o))) return put_string(out, o);
    if (t == &PyLong_Type || (converted && PyLong_Check(o))) return put_long(out, o);
    if (t == &PyFloat_Type || (converted && PyFloat_Check(o))) return put_float(out, o);
    if (t == &PyDict_Type || (converted && PyDict_Check(o))) return encode_dict(st, o, out, depth, converted);
    if (t == &PyList_Type || t == &PyTuple_Type || (converted && (PyList_Check(o) || PyTuple_Check(o))))
        return encode_seq(st, o, out, depth, converted);
    if (converted || st == NULL || st->encoder == NULL) {
        PyErr_Format(PyExc_TypeError, "Object of type %.100s is not JSON serializable", t->tp_name);
        return -1;
    }
    return encode_converted(st, o, out, depth);
}

static int encode_converted(fa_state *st, PyObject *o, fa_buf *out, int depth) {
    PyObject *plain = PyObject_CallOneArg(st->encoder, o);
    if (!plain) return -1;
    int rc = encode(st, plain, out, depth + 1, 1);
    Py_DECREF(plain);
    return rc;
}

int fa_json_encode(fa_state *st, PyObject *obj, fa_buf *out) {
    return encode(st, obj, out, 0, 0);
}
