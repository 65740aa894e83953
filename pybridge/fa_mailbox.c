/* Mailboxes and outlets (fa_mailbox.h). */
#include "fa_mailbox.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

fa_mailbox *fa_mailbox_new(int fd, int fd_is_eventfd) {
    fa_mailbox *mb = calloc(1, sizeof *mb);
    if (!mb) return NULL;
    pthread_mutex_init(&mb->mu, NULL);
    mb->fd = fd;
    mb->fd_is_eventfd = fd_is_eventfd;
    return mb;
}

void fa_mailbox_set_fd(fa_mailbox *mb, int fd, int fd_is_eventfd) {
    pthread_mutex_lock(&mb->mu);
    mb->fd_is_eventfd = fd_is_eventfd;
    __atomic_store_n(&mb->fd, fd, __ATOMIC_RELEASE); /* fa_mailbox_has_fd reads it unlocked */
    pthread_mutex_unlock(&mb->mu);
}

int fa_mailbox_has_fd(fa_mailbox *mb) { return __atomic_load_n(&mb->fd, __ATOMIC_ACQUIRE) >= 0; }

static void signal_fd(int fd, int is_eventfd) {
    if (is_eventfd) {
        uint64_t one = 1;
        ssize_t r = write(fd, &one, sizeof one);
        (void)r; /* EAGAIN: the counter is saturated, so the reader is signalled anyway */
        return;
    }
    /* A socket whose reader is gone must not raise SIGPIPE; a full one is signalled already. */
    ssize_t r = send(fd, "", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)r;
}

int fa_mailbox_post(fa_mailbox *mb, uint64_t token, int kind, int code, const char *data, size_t n) {
    char head[FA_RECORD_HEAD];
    uint8_t k = (uint8_t)kind;
    uint16_t c = (uint16_t)code;
    uint32_t len = (uint32_t)n;
    memcpy(head, &token, 8);
    memcpy(head + 8, &k, 1);
    memcpy(head + 9, &c, 2);
    memcpy(head + 11, &len, 4);
    pthread_mutex_lock(&mb->mu);
    size_t need = mb->len + FA_RECORD_HEAD + n;
    if (need > mb->cap) {
        size_t cap = mb->cap ? mb->cap : 4096;
        while (cap < need) cap *= 2;
        char *p = realloc(mb->buf, cap);
        if (!p) {
            pthread_mutex_unlock(&mb->mu);
            return -1;
        }
        mb->buf = p;
        mb->cap = cap;
    }
    memcpy(mb->buf + mb->len, head, FA_RECORD_HEAD);
    if (n) memcpy(mb->buf + mb->len + FA_RECORD_HEAD, data, n);
    mb->len = need;
    int wake = !mb->raised && mb->fd >= 0;
    if (wake) mb->raised = 1;
    int fd = mb->fd, is_eventfd = mb->fd_is_eventfd;
    pthread_mutex_unlock(&mb->mu);
    if (wake) signal_fd(fd, is_eventfd);
    return 0;
}

size_t fa_mailbox_take(fa_mailbox *mb, char **out) {
    pthread_mutex_lock(&mb->mu);
    mb->raised = 0;
    size_t n = mb->len;
    if (n) {
        /* The buffer changes hands: no copy, and a burst's buffer is not kept. */
        *out = mb->buf;
        mb->buf = NULL;
        mb->len = mb->cap = 0;
    }
    pthread_mutex_unlock(&mb->mu);
    return n;
}

fa_outlet *fa_outlet_new(uint64_t token, fa_mailbox *outbox) {
    fa_outlet *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->token = token;
    o->outbox = outbox;
    o->refs = 2; /* the interpreter's and the connection's */
    return o;
}

void fa_outlet_release(fa_outlet *o) {
    if (__atomic_sub_fetch(&o->refs, 1, __ATOMIC_ACQ_REL) == 0) free(o);
}

int fa_outlet_taken(fa_outlet *o, int64_t n, int64_t low_water) {
    int64_t left = __atomic_sub_fetch(&o->queued, n, __ATOMIC_ACQ_REL);
    if (left >= low_water || !__atomic_load_n(&o->want_drain, __ATOMIC_ACQUIRE)) return 0;
    int32_t want = 1;
    return __atomic_compare_exchange_n(&o->want_drain, &want, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void fa_outlet_close(fa_outlet *o) { __atomic_store_n(&o->gone, 1, __ATOMIC_RELEASE); }
