"""Parsing of the "module:attr" app spec shared by the runtime and test tools."""

from __future__ import annotations


def parse_app_spec(spec: str) -> tuple[str, str]:
    """Split "pkg.module:attr.sub" into its module and attribute paths.

    Raises ValueError with the expected form, since this is usually a typo on
    a command line.
    """
    module, sep, attr = spec.partition(":")
    if not sep:
        raise ValueError(f'Invalid app spec {spec!r}: expected "module:attr", e.g. "main:app"')
    for label, dotted in (("module", module), ("attribute", attr)):
        parts = dotted.split(".")
        if not dotted or not all(part.isidentifier() for part in parts):
            raise ValueError(f"Invalid app spec {spec!r}: {label} {dotted!r} is not a dotted "
                             'Python name (expected "module:attr", e.g. "main:app")')
    return module, attr
