"""sitegen: a static site generator for literature reviews."""

__version__ = "0.1.0"
