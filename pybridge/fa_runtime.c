/* CPython runtime and interpreter lifecycle, following the rules the sub-interpreter probe paid
 * for (shared/notes/pyprobe/REPORT.md section 4): own GIL always with use_main_obmalloc = 0, an
 * interpreter lives on the OS thread that created it, a thread state is deleted only on its own
 * thread, interpreters are never recycled, and Go owns the signals. */
#include "fa.h"
#include <pthread.h>

static PyThreadState *g_main_ts;

static __thread fa_thread *tls;

fa_thread *fa_current_thread(void) { return tls; }
/* Set once this thread tried to boot, so a failed app import is not retried (each attempt
 * would leave another interpreter behind: they cannot be safely destroyed, §4.1, §4.5). */
static __thread int boot_attempted;

#define FA_MAX_INTERPS 1024
static pthread_mutex_t g_reg_mu = PTHREAD_MUTEX_INITIALIZER;
static fa_thread *g_threads[FA_MAX_INTERPS];
static int g_nthreads;

static void set_err(char *err, size_t errlen, const char *msg) {
    snprintf(err, errlen, "%s", msg);
}

int fa_runtime_init(const char *home, const char *executable, char *err, size_t errlen) {
    if (PyImport_AppendInittab("_fasterapi", fa_module_init) < 0) {
        set_err(err, errlen, "PyImport_AppendInittab(_fasterapi) failed");
        return -1;
    }
    /* UTF-8 mode (PEP 540): the isolated pre-configuration leaves the C locale Go runs in,
     * whose file system encoding is ASCII, so a non-ASCII file name (os.stat, open,
     * FileResponse) failed to encode. The server runs as under a UTF-8 locale instead. */
    PyPreConfig preconfig;
    PyPreConfig_InitIsolatedConfig(&preconfig);
    preconfig.utf8_mode = 1;
    PyStatus pre = Py_PreInitialize(&preconfig);
    if (PyStatus_Exception(pre)) {
        snprintf(err, errlen, "Python pre-initialisation failed: %s", pre.err_msg ? pre.err_msg : "unknown error");
        return -1;
    }
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.install_signal_handlers = 0; /* Go owns SIGINT/SIGTERM (REPORT §4.11) */
    config.parse_argv = 0;
    PyStatus st = PyStatus_Ok();
    if (home && *home) st = PyConfig_SetBytesString(&config, &config.home, home);
    if (!PyStatus_Exception(st) && executable && *executable)
        st = PyConfig_SetBytesString(&config, &config.executable, executable);
    if (!PyStatus_Exception(st)) st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(st)) {
        snprintf(err, errlen, "Python initialisation failed: %s%s%s", st.func ? st.func : "",
                 st.func ? ": " : "", st.err_msg ? st.err_msg : "unknown error");
        return -1;
    }
#if PY_VERSION_HEX >= 0x030D0000
    /* 3.13.0: two live subs that imported _datetime crash when destroyed unless the main
     * interpreter imported the single-phase accelerators first (REPORT §4.4). */
    PyRun_SimpleString("try:\n import _datetime, _decimal\nexcept ImportError:\n pass\n");
#endif
    g_main_ts = PyEval_SaveThread();
    return 0;
}

/* Runs in the interpreter whose GIL is held. 3.12 subs must refuse the single-phase modules
 * before anything imports them, so the pure-Python fallbacks load instead of a partly
 * initialised C module that crashes the next importer (REPORT §4.2, §4.3). The refusal says
 * what CPython itself says, so an app that needs such a module falls back to shared mode. */
static const char bootstrap_src[] =
    "import sys\n"
    "if is_sub and sys.version_info < (3, 13):\n"
    "    class _RefuseSinglePhase:\n"
    "        names = frozenset(('_datetime', '_decimal', '_zoneinfo', '_ctypes', '_elementtree',\n"
    "                           'pyexpat', '_lsprof', 'readline', '_curses', '_tkinter'))\n"
    "        @classmethod\n"
    "        def find_spec(cls, name, path=None, target=None):\n"
    "            if name in cls.names:\n"
    "                raise ImportError(f'module {name} does not support loading in subinterpreters', name=name)\n"
    "            return None\n"
    "    sys.meta_path.insert(0, _RefuseSinglePhase)\n"
    "import os, json\n"
    "_p = os.environ.get('FASTERAPI_SYS_PATH')\n"
    "if _p:\n"
    "    sys.path[:] = json.loads(_p)\n"
    "if app_dir not in sys.path:\n"
    "    sys.path.insert(0, app_dir)\n"
    "try:\n"
    "    import _fasterapi\n"
    "    from fasterapi import _runtime\n"
    "    routes = _runtime.boot(spec, app_dir)\n"
    "    if is_sub:\n"
    "        _runtime.startup()\n"
    "    error = None\n"
    "except BaseException as e:\n"
    "    routes = None\n"
    "    if type(e).__name__ == 'AppLoadError':\n"
    "        error = str(e)\n"
    "    elif isinstance(e, ModuleNotFoundError) and e.name == 'fasterapi':\n"
    "        error = ('the fasterapi package is not importable by the embedded Python; run the server '\n"
    "                 'through the fasterapi command of a venv where fasterapi is installed')\n"
    "    else:\n"
    "        import traceback\n"
    "        error = ''.join(traceback.format_exception(e))\n";

/* Imports the app in the current interpreter and returns its route table as JSON (malloc'd). */
static int boot_current(int is_sub, const char *spec, const char *app_dir, char **routes_json,
                        size_t *routes_len, char *err, size_t errlen) {
    int rc = -1;
    PyObject *g = PyDict_New();
    if (!g) goto fail;
    PyObject *v;
    if (PyDict_SetItemString(g, "__builtins__", PyEval_GetBuiltins()) < 0) goto fail;
    if (!(v = PyUnicode_FromString(spec)) || PyDict_SetItemString(g, "spec", v) < 0) goto fail_v;
    Py_DECREF(v);
    if (!(v = PyUnicode_FromString(app_dir)) || PyDict_SetItemString(g, "app_dir", v) < 0) goto fail_v;
    Py_DECREF(v);
    if (PyDict_SetItemString(g, "is_sub", is_sub ? Py_True : Py_False) < 0) goto fail;
    PyObject *r = PyRun_String(bootstrap_src, Py_file_input, g, g);
    if (!r) goto fail;
    Py_DECREF(r);
    PyObject *error = PyDict_GetItemString(g, "error");
    if (error && PyUnicode_Check(error)) {
        const char *msg = PyUnicode_AsUTF8(error);
        set_err(err, errlen, msg ? msg : "app failed to load");
        PyErr_Clear();
        Py_DECREF(g);
        return -1;
    }
    fa_buf b = {0};
    if (fa_json_encode(NULL, PyDict_GetItemString(g, "routes"), &b) < 0) {
        free(b.p);
        goto fail;
    }
    *routes_json = b.p;
    *routes_len = b.len;
    rc = 0;
    Py_DECREF(g);
    return rc;
fail_v:
    Py_XDECREF(v);
fail:
    Py_XDECREF(g);
    if (PyErr_Occurred()) {
        PyObject *exc = PyErr_GetRaisedException();
        PyObject *s = PyObject_Str(exc);
        snprintf(err, errlen, "bootstrap failed: %s", s && PyUnicode_Check(s) ? PyUnicode_AsUTF8(s) : "?");
        Py_XDECREF(s);
        Py_XDECREF(exc);
        PyErr_Clear();
    }
    return rc;
}

int fa_boot_main(const char *spec, const char *app_dir, char **routes_json, size_t *routes_len,
                 char *err, size_t errlen) {
    PyEval_RestoreThread(g_main_ts);
    int rc = boot_current(0, spec, app_dir, routes_json, routes_len, err, errlen);
    g_main_ts = PyEval_SaveThread();
    return rc;
}

int fa_thread_ready(void) { return tls ? 1 : (boot_attempted ? -1 : 0); }

/* Makes ts (current, GIL held) the calling thread's interpreter for fa_call. */
static int register_thread(PyThreadState *ts, char *err, size_t errlen) {
    fa_thread *t = calloc(1, sizeof *t);
    if (!t) {
        set_err(err, errlen, "out of memory");
        return -1;
    }
    t->ts = ts;
    t->thread_id = PyThread_get_thread_ident();
    t->st = fa_state_of_current();
    if (!t->st || !t->st->dispatch) {
        set_err(err, errlen, "the app did not install its dispatcher (_fasterapi.install was not called)");
        PyErr_Clear();
        free(t);
        return -1;
    }
    pthread_mutex_lock(&g_reg_mu);
    if (g_nthreads < FA_MAX_INTERPS) g_threads[g_nthreads++] = t;
    pthread_mutex_unlock(&g_reg_mu);
    tls = t;
    return 0;
}

/* Shared mode: the calling thread runs handlers in the main interpreter (booted by
 * fa_boot_main), under its single GIL, through a thread state of its own. Allowed after a
 * failed fa_thread_boot: that is how the fallback from own-GIL interpreters works. */
int fa_thread_join_main(char *err, size_t errlen) {
    if (tls) {
        set_err(err, errlen, "this thread already has an interpreter");
        return -1;
    }
    boot_attempted = 1;
    PyThreadState *ts = PyThreadState_New(PyInterpreterState_Main());
    if (!ts) {
        set_err(err, errlen, "PyThreadState_New failed");
        return -1;
    }
    PyEval_RestoreThread(ts);
    int rc = register_thread(ts, err, errlen);
    PyEval_SaveThread();
    return rc;
}

/* Creates this thread's own-GIL sub-interpreter and imports the app in it. The calling thread
 * must stay this interpreter's only thread for the life of the process (Go: LockOSThread). */
int fa_thread_boot(const char *spec, const char *app_dir, char **routes_json, size_t *routes_len,
                   char *err, size_t errlen) {
    if (tls || boot_attempted) {
        set_err(err, errlen, "this thread already tried to create its interpreter");
        return -1;
    }
    boot_attempted = 1;
    PyThreadState *tmp = PyThreadState_New(PyInterpreterState_Main());
    if (!tmp) {
        set_err(err, errlen, "PyThreadState_New failed");
        return -1;
    }
    PyEval_RestoreThread(tmp);
    PyInterpreterConfig cfg = {
        .use_main_obmalloc = 0, /* required with OWN_GIL; the bad combination is not rejected (§4.6) */
        .allow_fork = 0,
        .allow_exec = 0,
        .allow_threads = 1,
        .allow_daemon_threads = 0,
        .check_multi_interp_extensions = 1,
        .gil = PyInterpreterConfig_OWN_GIL,
    };
    PyThreadState *sub = NULL;
    PyStatus st = Py_NewInterpreterFromConfig(&sub, &cfg);
    if (PyStatus_Exception(st) || !sub) {
        snprintf(err, errlen, "creating a sub-interpreter failed: %s", st.err_msg ? st.err_msg : "unknown");
        PyThreadState_Clear(tmp);
        PyThreadState_DeleteCurrent();
        return -1;
    }
    /* Drop the temporary main-interpreter thread state on this, its own, thread. */
    PyEval_SaveThread();
    PyEval_RestoreThread(tmp);
    PyThreadState_Clear(tmp);
    PyThreadState_DeleteCurrent();

    PyEval_RestoreThread(sub);
    int rc = boot_current(1, spec, app_dir, routes_json, routes_len, err, errlen);
    if (rc == 0) rc = register_thread(sub, err, errlen);
    /* A failed interpreter is left alive but unused: ending it could crash on 3.12 (§4.1). */
    PyEval_SaveThread();
    return rc;
}

static const char flush_src[] =
    "import sys\n"
    "_rt = sys.modules.get('fasterapi._runtime')\n"
    "if _rt is not None:\n"
    "    try:\n"
    "        _rt.shutdown()\n"
    "    except BaseException:\n"
    "        import traceback\n"
    "        print('fasterapi: the app\\'s shutdown failed:', file=sys.stderr)\n"
    "        traceback.print_exc()\n"
    "for _s in (sys.stdout, sys.stderr):\n"
    "    try:\n"
    "        _s.flush()\n"
    "    except Exception:\n"
    "        pass\n";

/* Runs the app's shutdown (lifespan exit, on_event("shutdown")) in every idle interpreter and
 * flushes its sys.stdout/stderr before the process exits. The process exits without Py_FinalizeEx (it crashes on 3.12.1 after asyncio/ssl/hashlib were used in a sub,
 * §4.1), so buffered output would otherwise be lost. A temporary thread state is created and
 * deleted here, on this thread, which the one-thread-per-tstate rule allows. */
void fa_shutdown_all(void) {
    pthread_mutex_lock(&g_reg_mu);
    for (int i = 0; i < g_nthreads; i++) {
        fa_thread *t = g_threads[i];
        if (atomic_load(&t->busy)) continue; /* a handler still runs: its GIL would never come */
        PyThreadState *ts = PyThreadState_New(t->ts->interp);
        if (!ts) continue;
        PyEval_RestoreThread(ts);
        PyRun_SimpleString(flush_src);
        PyThreadState_Clear(ts);
        PyThreadState_DeleteCurrent();
    }
    pthread_mutex_unlock(&g_reg_mu);
    PyEval_RestoreThread(g_main_ts);
    PyRun_SimpleString(flush_src);
    g_main_ts = PyEval_SaveThread();
}


/* The watchdog takes the interpreter's GIL with a thread state of its own (created here, on
 * the watchdog thread, and kept): a handler stuck in Python bytecode gives the GIL up at the
 * next switch interval (5 ms), and the async exception is raised in it when it resumes. A
 * handler blocked in C (time.sleep, a socket read) only sees it once that call returns. */
int fa_watchdog_scan(int64_t now_ns, int64_t timeout_ns) {
    int fired = 0;
    pthread_mutex_lock(&g_reg_mu);
    int n = g_nthreads;
    pthread_mutex_unlock(&g_reg_mu);
    for (int i = 0; i < n; i++) {
        fa_thread *t = g_threads[i];
        int64_t started = atomic_load(&t->call_started_ns);
        if (started == 0 || now_ns - started < timeout_ns) continue;
        if (!t->watchdog_ts && !(t->watchdog_ts = PyThreadState_New(t->ts->interp))) continue;
        PyEval_RestoreThread(t->watchdog_ts);
        /* Re-check under the GIL: the call may have ended, or another may have begun. */
        int64_t again = atomic_load(&t->call_started_ns);
        if (t->in_call && again == started && t->interrupted_seq != t->call_seq) {
            t->interrupted_seq = t->call_seq;
            PyThreadState_SetAsyncExc(t->thread_id, t->st->handler_timeout);
            fired++;
        }
        PyEval_SaveThread();
    }
    return fired;
}

static const char main_startup_src[] =
    "try:\n"
    "    from fasterapi import _runtime\n"
    "    _runtime.startup()\n"
    "    error = None\n"
    "except BaseException as e:\n"
    "    error = str(e) if type(e).__name__ == 'AppLoadError' else repr(e)\n";

/* Shared mode: the main interpreter serves, so it runs the app's start-up (once). */
int fa_main_startup(char *err, size_t errlen) {
    PyEval_RestoreThread(g_main_ts);
    int rc = -1;
    PyObject *g = PyDict_New();
    if (g && PyDict_SetItemString(g, "__builtins__", PyEval_GetBuiltins()) == 0) {
        PyObject *r = PyRun_String(main_startup_src, Py_file_input, g, g);
        if (r) {
            Py_DECREF(r);
            PyObject *error = PyDict_GetItemString(g, "error");
            if (error && PyUnicode_Check(error)) set_err(err, errlen, PyUnicode_AsUTF8(error));
            else rc = 0;
        }
    }
    if (rc != 0 && PyErr_Occurred()) {
        set_err(err, errlen, "running the app's start-up failed");
        PyErr_Print();
    }
    Py_XDECREF(g);
    g_main_ts = PyEval_SaveThread();
    return rc;
}
