"""GZipMiddleware with Starlette's options, run by the Go server (gzip, and zstd or brotli
when the client's Accept-Encoding prefers them)."""

from __future__ import annotations

from typing import Any

from ._base import GoMiddleware, check_type, string_list

DEFAULT_EXCLUDED_CONTENT_TYPES = (
    "application/grpc",
    "application/gzip",
    "application/x-gzip",
    "application/zip",
    "audio/*",
    "font/woff",
    "font/woff2",
    "image/avif",
    "image/gif",
    "image/jpeg",
    "image/png",
    "image/webp",
    "text/event-stream",
    "video/*",
)


class GZipMiddleware(GoMiddleware):
    """Compresses answers of at least `minimum_size` bytes, and every streamed answer, when
    the client accepts it, as Starlette does: not answers that already have a
    Content-Encoding, not 206 partial ones, not the excluded content types (Server-Sent
    Events among them). `compresslevel` is gzip's (0-9, or -1 for zlib's default);
    `thread_minimum_size` is accepted for compatibility and has no use here (compression
    runs in Go, off the Python interpreters)."""

    go_name = "gzip"

    def __init__(self, app: Any = None, minimum_size: int = 500, compresslevel: int = 9,
                 thread_minimum_size: int = 128 * 1024, *,
                 exclude_content_types: tuple[str, ...] = DEFAULT_EXCLUDED_CONTENT_TYPES) -> None:
        super().__init__(app)
        owner = "GZipMiddleware"
        check_type(owner, "minimum_size", minimum_size, int)
        check_type(owner, "compresslevel", compresslevel, int)
        check_type(owner, "thread_minimum_size", thread_minimum_size, int)
        if not -1 <= compresslevel <= 9:
            raise ValueError(f"GZipMiddleware(compresslevel={compresslevel!r}) must be "
                             "between 0 and 9, or -1 for the default")
        excluded = string_list(owner, "exclude_content_types", exclude_content_types)
        self.minimum_size = minimum_size
        self.compresslevel = compresslevel
        self.thread_minimum_size = thread_minimum_size
        self.exclude_content_types = tuple(t.partition(";")[0].strip().lower() for t in excluded)

    def go_config(self) -> dict[str, Any]:
        return {"minimum_size": self.minimum_size, "compresslevel": self.compresslevel,
                "exclude_content_types": list(self.exclude_content_types)}
