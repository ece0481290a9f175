"""What a long build tells the person waiting: articles done of all, characters per second, time left.

On a terminal a bar (rich) redraws in place; in a log (stderr not a terminal) a line
every few seconds says the same. The build calls :meth:`Progress.advance` as partitions
finish and :meth:`Progress.stage` as it moves from one step to the next.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]

_LOG_EVERY = 5.0


class Progress:
    """Counts articles and characters; draws a bar on a terminal, logs lines otherwise."""

    def __init__(self, stream: TextIO | None = None, *, every: float = _LOG_EVERY) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self.total = self.done = self.chars = 0
        self.started = self._logged = time.monotonic()
        self._bar = None
        self._task = None

    def start(self, total: int) -> None:
        """``total`` articles are to be extracted."""
        self.total, self.started = total, time.monotonic()
        if total and self.stream.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(TextColumn("extracting"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), transient=True,
                            console=None)
            self._bar.start()
            self._task = self._bar.add_task("extract", total=total, rate="")

    def advance(self, articles: int, chars: int) -> None:
        self.done += articles
        self.chars += chars
        rate = f"{self.rate():,.0f} chars/s"
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, rate=rate)
        elif time.monotonic() - self._logged >= self.every and self.total:
            self._logged = time.monotonic()
            print(f"kg progress: extracted {self.done}/{self.total} articles, {rate}, {self.left()} left",
                  file=self.stream, flush=True)

    def rate(self) -> float:
        return self.chars / max(time.monotonic() - self.started, 1e-9)

    def left(self) -> str:
        if not self.done:
            return "unknown time"
        seconds = (time.monotonic() - self.started) / self.done * (self.total - self.done)
        return f"{int(seconds // 60)} min {int(seconds % 60)} s" if seconds >= 60 else f"{seconds:.0f} s"

    def stage(self, text: str) -> None:
        """A step after extraction began (merging, writing the store, exports)."""
        self.stop()
        if not self.stream.isatty() and time.monotonic() - self.started >= self.every:  # long builds only
            print(f"kg progress: {text}", file=self.stream, flush=True)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
