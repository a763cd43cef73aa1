"""Split streamed Markdown into finished blocks and the one block still being written.

A block ends at a blank line outside a fenced code block. Finished blocks never change, so
they can be rendered once and frozen; only the active block is redrawn. Each character is
looked at a constant number of times, so the work stays linear in the length of the text.
"""

from __future__ import annotations

_FENCES = ("```", "~~~")


class MarkdownBlocks:
    """Incremental splitter: `feed` text, get back the blocks that the text finished."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._partial = ""
        self._fence: str | None = None
        self.fed = 0
        """How many characters were fed so far."""

    def feed(self, text: str) -> list[str]:
        """Add streamed `text`; return the blocks it completed, in order."""
        self.fed += len(text)
        if "\n" not in text:
            self._partial += text
            return []
        done: list[str] = []
        pieces = (self._partial + text).split("\n")
        self._partial = pieces.pop()
        for line in pieces:
            block = self._line(line)
            if block is not None:
                done.append(block)
        return done

    def _line(self, line: str) -> str | None:
        stripped = line.strip()
        if self._fence is not None:
            self._lines.append(line)
            if stripped.startswith(self._fence) and not stripped.strip(self._fence[0]):
                self._fence = None
            return None
        if stripped.startswith(_FENCES):
            self._fence = stripped[:3]
            self._lines.append(line)
            return None
        if not stripped:
            if not self._lines:
                return None
            block = "\n".join(self._lines)
            self._lines = []
            return block
        self._lines.append(line)
        return None

    @property
    def active(self) -> str:
        """The text of the block still being written (may be empty)."""
        if not self._lines:
            return self._partial
        return "\n".join(self._lines) + "\n" + self._partial

    def finish(self) -> str:
        """The last block, once the text is complete (empty when there is none)."""
        block = self.active.strip("\n")
        self._lines = []
        self._partial = ""
        self._fence = None
        return block if block.strip() else ""
