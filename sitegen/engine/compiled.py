"""Compiled templates kept between builds: in this process's memory (the dev server's rebuilds,
and builds run one after another in one process), and in the cache folder for the next `sitegen
build` (a rebuild rendering three pages need not compile every template). Compiling the
templates of a paper page took ~0.1-0.2 s of each rebuild at 10,000 papers.

Both are keyed as Jinja keys its caches (template name and file), and Jinja checks the source's
checksum of what they hold: a stale template is never used, only not found.
"""

from __future__ import annotations

from contextlib import suppress

import jinja2
import jinja2.bccache


class OnDisk(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept for the next build, and in this process's memory first (a folder
    made new, as each first build's is, would otherwise compile every template again). Only a
    cache: a full disk or a torn file costs the time to compile again, not the build."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        IN_MEMORY.load_bytecode(bucket)
        if bucket.code is not None:
            return
        try:
            super().load_bytecode(bucket)
        except Exception:  # torn or foreign: pickle, marshal and the disk each raise their own
            bucket.reset()
        if bucket.code is not None:
            IN_MEMORY.dump_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        IN_MEMORY.dump_bytecode(bucket)
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
