"""The package version. pyproject.toml's [project].version is the source of truth; the build
backend refuses to build when this differs, so the two cannot drift apart."""

__version__ = "0.1.0"
