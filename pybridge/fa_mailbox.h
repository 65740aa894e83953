/* Mailboxes between an interpreter's asyncio thread and the event loops, in C so that neither
 * side enters Go to hand the other something: a Go call from a thread Go did not create must
 * first get one of the runtime's Ps, and with the server pinned to one core (GOMAXPROCS=1) the
 * only P belongs to the event loop, so every such call waited for the scheduler to hand it
 * over. Plain C (no Python.h): the Go files include it too. */
#ifndef FASTERAPI_FA_MAILBOX_H
#define FASTERAPI_FA_MAILBOX_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes a handler may have queued on a connection before its send waits for the queue to
 * drain; the same figure as HIGH_WATER in fasterapi/_stream.py and highWater in
 * server/stream.go. */
#define FA_HIGH_WATER (1 << 20)

/* Size of a record's head: token u64, kind/op u8, code u16, data length u32 (native order). */
#define FA_RECORD_HEAD 15

/* Records appended by any thread and taken all at once by the consumer. The first record after
 * a take signals fd (an eventfd gets the count 1, a socket one byte), so a burst costs the
 * consumer one wake-up. */
typedef struct fa_mailbox {
    pthread_mutex_t mu;
    char *buf;
    size_t len, cap;
    int raised; /* fd was signalled and the consumer has not taken since */
    int fd;     /* -1: nobody to signal (the records are taken by other means) */
    int fd_is_eventfd;
} fa_mailbox;

/* The handler's side of one connection's send queue, shared by the interpreter (which adds
 * the bytes it sends) and the event loop (which subtracts the bytes it writes). Fields other
 * than token and outbox are accessed atomically. Freed when both sides released it. */
typedef struct fa_outlet {
    uint64_t token;
    fa_mailbox *outbox;
    int64_t queued;     /* bytes sent by the handler that the loop has not written yet */
    int32_t gone;       /* the connection closed or the handler finished */
    int32_t want_drain; /* the handler waits for queued to fall below the low-water mark */
    int32_t refs;
} fa_outlet;

fa_mailbox *fa_mailbox_new(int fd, int fd_is_eventfd);
void fa_mailbox_set_fd(fa_mailbox *mb, int fd, int fd_is_eventfd);
/* Whether posting signals anyone (any thread may ask). */
int fa_mailbox_has_fd(fa_mailbox *mb);
/* Appends a record; returns -1 when memory runs out. */
int fa_mailbox_post(fa_mailbox *mb, uint64_t token, int kind, int code, const char *data, size_t n);
/* Hands the queued records to the caller, who frees *out; returns their length (0: none,
 * *out untouched). */
size_t fa_mailbox_take(fa_mailbox *mb, char **out);

fa_outlet *fa_outlet_new(uint64_t token, fa_mailbox *outbox);
void fa_outlet_release(fa_outlet *o);
/* The loop wrote n of the handler's bytes; returns 1 when the handler waits for a drain and
 * queued fell below low_water (the caller tells it), else 0. */
int fa_outlet_taken(fa_outlet *o, int64_t n, int64_t low_water);
void fa_outlet_close(fa_outlet *o);

#endif
