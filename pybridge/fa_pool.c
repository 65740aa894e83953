/* Pooled mode: N interpreter threads (plain pthreads, each with its own-GIL sub-interpreter)
 * take calls from one bounded queue, so a handler that blocks holds up only its own thread.
 * Event loops submit and go on; each answer goes back through faDeliver like the answer of an
 * async handler. Go channels are deliberately not used for the hand-off: waking a locked
 * goroutine costs 20-35 us here (REPORT §3). */
#include "fa.h"
#include "_cgo_export.h"
#include <pthread.h>

typedef struct fa_job {
    struct fa_job *next;
    int route, default_status;
    uint64_t token;
    size_t meta_len, body_len;
    char data[]; /* meta then body */
} fa_job;

/* A worker that finished a call polls the queue this many times (a `pause` each, about
 * 20-40 ns here, so 40-80 µs) before it sleeps on the condition variable: a call that arrives
 * meanwhile is taken without a futex wake-up, which costs tens of µs on a busy VM (REPORT §3).
 * Only one worker spins at a time, so N interpreters never burn N cores. */
#define FA_POOL_SPINS 2000

static struct {
    pthread_mutex_t mu;
    pthread_cond_t work, booted_cv;
    fa_job *head, *tail;
    int len, cap;
    atomic_int queued;  /* len, readable without the mutex by spinning workers */
    atomic_int spinning; /* 1 while a worker polls `queued` */
    int sleepers;       /* workers waiting on `work`; Submit signals only if there are any */
    int booted, failed;
    char err[4096];
    char *spec, *app_dir, *routes;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER,
          .booted_cv = PTHREAD_COND_INITIALIZER};

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static fa_job *next_job(void) {
    if (!atomic_exchange(&pool.spinning, 1)) {
        for (int i = 0; i < FA_POOL_SPINS && atomic_load_explicit(&pool.queued, memory_order_relaxed) == 0; i++)
            cpu_relax();
        atomic_store(&pool.spinning, 0);
    }
    pthread_mutex_lock(&pool.mu);
    while (!pool.head) {
        pool.sleepers++;
        pthread_cond_wait(&pool.work, &pool.mu);
        pool.sleepers--;
    }
    fa_job *j = pool.head;
    pool.head = j->next;
    if (!pool.head) pool.tail = NULL;
    pool.len--;
    atomic_store_explicit(&pool.queued, pool.len, memory_order_relaxed);
    /* Submit skips the wake-up while a worker spins; if calls queued up meanwhile, pass them
     * on to a sleeping worker instead of leaving them behind this one's (maybe blocking) call. */
    if (pool.head && pool.sleepers > 0) pthread_cond_signal(&pool.work);
    pthread_mutex_unlock(&pool.mu);
    return j;
}

static void *worker(void *arg) {
    char err[4096] = "";
    char *routes = NULL;
    size_t routes_len = 0;
    int rc = fa_thread_boot(pool.spec, pool.app_dir, &routes, &routes_len, err, sizeof err);
    if (rc == 0 && (routes_len != strlen(pool.routes) || memcmp(routes, pool.routes, routes_len) != 0)) {
        snprintf(err, sizeof err, "the app registered different routes in a sub-interpreter than in the main one");
        rc = -1;
    }
    free(routes);
    pthread_mutex_lock(&pool.mu);
    if (rc != 0 && !pool.failed) {
        pool.failed = 1;
        snprintf(pool.err, sizeof pool.err, "%s", err);
    }
    pool.booted++;
    pthread_cond_broadcast(&pool.booted_cv);
    pthread_mutex_unlock(&pool.mu);
    if (rc != 0) return NULL;
    for (;;) {
        fa_job *j = next_job();
        fa_result *r = fa_call(j->route, j->default_status, j->token, j->data, j->meta_len,
                               j->data + j->meta_len, j->body_len);
        if (r->status != 0) /* 0: an async handler answers later by itself */
            faDeliver(0, j->token, r->status, r->kind, (char *)r->head, r->head_len, (char *)r->body,
                      r->body_len);
        free(j);
    }
    return NULL;
}

int fa_pool_start(int n, int queue_cap, const char *spec, const char *app_dir, const char *routes_json,
                  char *err, size_t errlen) {
    pool.spec = strdup(spec);
    pool.app_dir = strdup(app_dir);
    pool.routes = strdup(routes_json);
    pool.cap = queue_cap;
    for (int i = 0; i < n; i++) {
        pthread_t th;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, 8 << 20); /* Python recursion needs a main-thread-sized stack */
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&th, &attr, worker, NULL);
        pthread_attr_destroy(&attr);
        if (rc != 0) {
            snprintf(err, errlen, "cannot start interpreter thread %d: %s", i, strerror(rc));
            return -1;
        }
    }
    pthread_mutex_lock(&pool.mu);
    while (pool.booted < n) pthread_cond_wait(&pool.booted_cv, &pool.mu);
    int failed = pool.failed;
    if (failed) snprintf(err, errlen, "%s", pool.err);
    pthread_mutex_unlock(&pool.mu);
    return failed ? -1 : 0;
}

int fa_pool_submit(int route, int default_status, uint64_t token, const char *meta, size_t meta_len,
                   const char *body, size_t body_len) {
    fa_job *j = malloc(sizeof *j + meta_len + body_len);
    if (!j) return -1;
    j->next = NULL;
    j->route = route;
    j->default_status = default_status;
    j->token = token;
    j->meta_len = meta_len;
    j->body_len = body_len;
    memcpy(j->data, meta, meta_len);
    if (body_len) memcpy(j->data + meta_len, body, body_len);
    pthread_mutex_lock(&pool.mu);
    if (pool.len >= pool.cap) {
        pthread_mutex_unlock(&pool.mu);
        free(j);
        return -1;
    }
    if (pool.tail) pool.tail->next = j;
    else pool.head = j;
    pool.tail = j;
    pool.len++;
    atomic_store_explicit(&pool.queued, pool.len, memory_order_relaxed);
    if (pool.sleepers > 0 && (pool.len > 1 || !atomic_load(&pool.spinning))) pthread_cond_signal(&pool.work);
    pthread_mutex_unlock(&pool.mu);
    return 0;
}
