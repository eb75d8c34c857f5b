"""Compiled templates kept between builds: in the cache folder for `sitegen build` (a rebuild
rendering three pages need not compile every template), in this process's memory for the dev
server's rebuilds. Compiling the templates of a paper page took ~0.1-0.2 s of each rebuild at
10,000 papers."""

from __future__ import annotations

from contextlib import suppress

import jinja2
import jinja2.bccache


class OnDisk(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept for the next build: only a cache, so a full disk or a torn file
    costs the time to compile again, not the build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError, TypeError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


class InMemory(jinja2.BytecodeCache):
    """Compiled templates kept in this process, by template and source checksum (as Jinja's own
    caches key them): a stale one is never used, only not found."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._compiled.clear()


IN_MEMORY = InMemory()  # one for the process: the dev server's rebuilds share it
