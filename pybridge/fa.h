/* Internal interface of the FasterAPI C bridge. Go sees only the fa_* functions
 * declared in the "Go-facing" section; everything else is shared between the C files. */
#ifndef FASTERAPI_FA_H
#define FASTERAPI_FA_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <stdatomic.h>

/* ---- Go-facing ------------------------------------------------------------ */

/* What a result's body holds. */
enum {
    FA_BODY_BYTES = 0,  /* the response body; head holds every header line */
    FA_BODY_JSON = 1,   /* JSON of a plain value; the caller adds the content-type */
    FA_BODY_FILE = 2,   /* the path of a file Go sends as the body (FileResponse); head holds
                         * the response's own header lines, Go adds the file's validators */
};

/* Result of one handler call. All pointers reference thread-local C buffers that stay
 * valid until the next fa_call on the same thread. */
typedef struct {
    int status;
    int kind;             /* an FA_BODY_* value: how to read body */
    const char *head;     /* pre-formatted "name: value\r\n" lines from a Response object */
    size_t head_len;
    const char *body;
    size_t body_len;
} fa_result;

int fa_runtime_init(const char *home, const char *executable, char *err, size_t errlen);
int fa_boot_main(const char *spec, const char *app_dir, char **routes_json, size_t *routes_len,
                 char *err, size_t errlen);
int fa_thread_boot(const char *spec, const char *app_dir, char **routes_json, size_t *routes_len,
                   char *err, size_t errlen);
int fa_thread_join_main(char *err, size_t errlen);
int fa_pool_start(int n, int queue_cap, const char *spec, const char *app_dir, const char *routes_json,
                  char *err, size_t errlen);
int fa_pool_submit(int route, int default_status, uint64_t token, const char *meta, size_t meta_len,
                   const char *body, size_t body_len);
int fa_thread_ready(void);
/* Runs a handler. A result with status 0 means the handler deferred its answer (an async
 * handler that awaits): it arrives later through faDeliver with the same token. */
fa_result *fa_call(int route, int default_status, uint64_t token, const char *meta, size_t meta_len,
                   const char *body, size_t body_len);
void fa_shutdown_all(void);
int fa_main_startup(char *err, size_t errlen);

/* ---- meta buffer layout (built by Go, read by RawRequest) ------------------ */
/* u32 words, native endianness:
 *   [0] n_headers  [1] n_params  [2] client_port  [3] server_port  [4] pairs_offset
 *   then FA_META_NFIELDS (off, len) pairs, then the bytes they point into; at pairs_offset
 *   (4-aligned) n_headers x (name off, len, value off, len) then n_params x the same. */
enum {
    FA_F_METHOD, FA_F_PATH, FA_F_RAW_PATH, FA_F_QUERY, FA_F_CLIENT_HOST, FA_F_SERVER_HOST,
    FA_F_SCHEME, FA_F_HTTP_VERSION, FA_F_BODY_FORM, FA_META_NFIELDS
};
#define FA_META_FIXED 5

/* ---- growable byte buffer --------------------------------------------------- */
typedef struct {
    char *p;
    size_t len, cap;
} fa_buf;

int fa_buf_reserve(fa_buf *b, size_t extra);   /* -1 with MemoryError set */
/* fa_buf_reserve without the call when there is room already. */
static inline int fa_buf_room(fa_buf *b, size_t extra) {
    return b->cap - b->len >= extra ? 0 : fa_buf_reserve(b, extra);
}
static inline int fa_buf_put(fa_buf *b, const char *s, size_t n) {
    if (fa_buf_room(b, n) < 0) return -1;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    return 0;
}

/* ---- the thread that owns an interpreter ----------------------------------- */
typedef struct fa_state fa_state;

/* What an event-loop thread owns: one interpreter and the buffers its results are written to. */
typedef struct {
    PyThreadState *ts;
    fa_state *st;
    fa_buf head, body;
    fa_result res;
    atomic_int busy;
    uint64_t token;   /* the current call's token, for _fasterapi.defer() */
    int in_call;
    int deferred;
    /* For the handler-timeout watchdog: when the running call started (monotonic ns, 0 when
     * idle), which call it is, the interpreter thread's id, and the call it interrupted. */
    _Atomic int64_t call_started_ns;
    uint64_t call_seq;
    unsigned long thread_id;
    uint64_t interrupted_seq;
    PyThreadState *watchdog_ts;  /* created and used only on the watchdog thread */
} fa_thread;

/* Interrupts calls that run longer than timeout_ns by raising HandlerTimeout in them; run
 * periodically on one dedicated thread. Returns how many calls it interrupted. */
int fa_watchdog_scan(int64_t now_ns, int64_t timeout_ns);
/* Makes calls record when they start, which fa_watchdog_scan needs; call before serving. */
void fa_enable_call_timing(void);
int64_t fa_monotonic_ns(void);

fa_thread *fa_current_thread(void);

/* How a route's plain (non-Response) returned value is encoded (routing.HOST_* in Python). */
enum { FA_KIND_JSON = 0, FA_KIND_TEXT_PLAIN = 1, FA_KIND_TEXT_HTML = 2 };

/* The FA_KIND_* of a route; FA_KIND_JSON for a route (-1: not a route call) the app did not list. */
int fa_route_kind(fa_state *st, int route);

/* Encodes a handler's result: a Response object's status, header lines and body, the str body
 * of a text route (route_kind FA_KIND_TEXT_*), or the JSON of a plain value, with
 * default_status. Returns -1 with an exception set. */
int fa_encode_result(fa_state *st, PyObject *result, int route_kind, int default_status, fa_buf *head,
                     fa_buf *body, int *status, int *kind);

/* ---- module state ------------------------------------------------------------ */
/* The JSON encoder's cache of dict keys: the encoded `"key":` of interned ASCII str keys (the
 * keys of dict literals and attribute names), by key address, each holding a reference to its
 * key so that the address cannot be reused while cached. */
#define FA_KEY_SLOTS 256
typedef struct {
    PyObject *key;
    uint32_t len;
    char text[36]; /* `"key":`, copied whole (a fixed-size copy) and len bytes kept */
} fa_key_slot;

struct fa_state {
    PyObject *dispatch;        /* app._dispatch(route_index, raw) */
    PyObject *encoder;         /* fasterapi.encoders.jsonable_encoder */
    PyObject *response_type;   /* fasterapi.responses.Response */
    PyObject *file_response_type;  /* fasterapi.responses.FileResponse */
    PyObject *host_kinds;      /* bytes, by route index: an FA_KIND_* for a plain returned value */
    PyTypeObject *rawrequest_type;
    PyObject *attr_status_code, *attr_body, *attr_raw_headers, *attr_path;  /* interned names */
    PyObject *handler_timeout;  /* exception raised into a handler that runs too long */
    /* The stream path's mailboxes (fa_stream.c), opened by inbox_open(); never freed, as Go
     * keeps them for the process's life. */
    struct fa_mailbox *inbox, *outbox;
    int inbox_id;
    fa_key_slot *keys; /* FA_KEY_SLOTS, allocated by the first dict the encoder sees */
};

extern PyModuleDef fa_moduledef;
PyObject *fa_module_init(void);   /* PyImport_AppendInittab entry */
fa_state *fa_state_of_current(void);

/* JSON encoding of plain values in C; falls back to st->encoder for other types. */
int fa_json_encode(fa_state *st, PyObject *obj, fa_buf *out);

PyTypeObject *fa_rawrequest_type_new(PyObject *module);
int fa_shape_add_type(PyObject *module);   /* _fasterapi.ShapeCheck (fa_shape.c) */
PyObject *fa_rawrequest_new(fa_state *st, uint64_t token, const char *meta, size_t meta_len,
                            const char *body, size_t body_len);

#endif
