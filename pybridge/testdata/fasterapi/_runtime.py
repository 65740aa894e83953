import importlib, sys
class AppLoadError(Exception): pass
def boot(spec, app_dir):
    mod, _, attr = spec.partition(":")
    if app_dir not in sys.path: sys.path.insert(0, app_dir)
    try: m = importlib.import_module(mod)
    except ImportError as e: raise AppLoadError(f"Could not import module {mod!r}: {e}")
    app = getattr(m, attr)
    import _fasterapi
    from fasterapi.encoders import jsonable_encoder
    _fasterapi.install(app.dispatch, jsonable_encoder, app.host_kinds)
    return app.routes
def startup(): pass
def shutdown(): pass
