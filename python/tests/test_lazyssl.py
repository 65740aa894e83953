"""fasterapi._lazyssl: asyncio imports without loading OpenSSL, and ssl works on first use.
Each case runs in a fresh interpreter, since the deferral only applies to modules not yet
imported."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import fasterapi

# where this run imports fasterapi from: an installed copy, or the source tree beside FastAPI
PACKAGE_ROOT = str(Path(fasterapi.__file__).resolve().parents[1])


def run_fresh(source: str) -> str:
    env = {**os.environ, "PYTHONPATH": PACKAGE_ROOT}
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(source)], env=env,
                            check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_asyncio_imports_without_loading_openssl() -> None:
    out = run_fresh("""
        import sys
        from fasterapi._lazyssl import defer_tls_modules
        assert defer_tls_modules()
        import asyncio
        loop = asyncio.new_event_loop()
        loop.run_until_complete(asyncio.sleep(0))
        import ssl  # a second import of a deferred module must not load it either
        print('_ssl' in sys.modules, type(ssl).__name__)
    """)
    assert out == "False DeferredModule"


def test_first_attribute_loads_the_real_module_in_place() -> None:
    out = run_fresh("""
        import sys
        from fasterapi._lazyssl import defer_tls_modules
        defer_tls_modules()
        import asyncio, ssl
        context = ssl.create_default_context()
        print(type(ssl) is type(sys), asyncio.base_events.ssl is ssl, '_ssl' in sys.modules,
              isinstance(context, ssl.SSLContext), ssl.__spec__.loader.__class__.__name__)
        import asyncio.sslproto
        sslproto = asyncio.sslproto
        print(sslproto.SSLProtocol.__module__, sslproto.SSLAgainErrors[0] is ssl.SSLWantReadError)
    """)
    assert out.splitlines() == ["True True True True SourceFileLoader", "asyncio.sslproto True"]


def test_a_missing_attribute_is_an_attribute_error_after_loading() -> None:
    out = run_fresh("""
        from fasterapi._lazyssl import defer_tls_modules
        defer_tls_modules()
        import ssl
        try:
            ssl.no_such_name
        except AttributeError as exc:
            print(exc, type(ssl).__name__)
    """)
    assert out == "module 'ssl' has no attribute 'no_such_name' module"


def test_threads_that_race_to_first_use_all_see_the_loaded_module() -> None:
    out = run_fresh("""
        import threading
        from fasterapi._lazyssl import defer_tls_modules
        defer_tls_modules()
        import ssl
        start = threading.Barrier(8)
        seen = []
        def use():
            start.wait()
            seen.append(ssl.SSLContext)
        threads = [threading.Thread(target=use) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(len(seen), len(set(seen)))
    """)
    assert out == "8 1"


def test_nothing_is_deferred_once_ssl_is_imported() -> None:
    out = run_fresh("""
        import ssl, sys
        from fasterapi._lazyssl import DeferredTLSFinder, defer_tls_modules
        print(defer_tls_modules(), DeferredTLSFinder in sys.meta_path)
    """)
    assert out == "False False"
