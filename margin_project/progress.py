"""A progress bar for operators' commands, shown only on a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], *, total: int, label: str, stream=None) -> Iterator[T]:
    stream = stream or sys.stderr
    show = hasattr(stream, "isatty") and stream.isatty() and total > 0
    started = time.monotonic()
    for done, item in enumerate(items, start=1):
        yield item
        if show:
            width = 30
            filled = int(width * done / total)
            stream.write(
                f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
                f" {time.monotonic() - started:5.1f}s"
            )
            stream.flush()
    if show:
        stream.write("\n")
