"""Reading an archive's CSV file: plain, gzip or zip, as a stream of rows with their line
numbers, and a progress bar on a terminal."""

from __future__ import annotations

import csv
import gzip
import io
import os
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import InputError


class _Counting(io.RawIOBase):
    """A binary stream that counts the bytes read through it (for the progress bar)."""

    def __init__(self, stream):
        self.stream = stream
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


@contextmanager
def open_rows(path: Path) -> Iterator[tuple[list[str], Iterator[tuple[int, list[str]]], "_Counting", int]]:
    """Open ``path`` (``.csv``, ``.csv.gz`` or a ``.zip`` holding one ``.csv``) and yield
    its header, an iterator of ``(line, row)`` (the line a row starts on), the byte
    counter and the total bytes to read.

    A field is at most csv's ``field_size_limit()`` long (128 KiB by default), which bounds
    the memory one row takes. Raises :class:`InputError` (with the file and line) when the
    file cannot be opened, is not UTF-8, is not CSV or has no header."""
    path = Path(path)
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=path) from None
    except OSError as error:
        raise InputError(error.strerror or str(error), path=path) from None
    with raw:
        total = os.fstat(raw.fileno()).st_size
        magic = raw.read(4)
        raw.seek(0)
        if magic[:2] == b"\x1f\x8b":
            stream = gzip.GzipFile(fileobj=raw, mode="rb")
            counter = _Counting(raw)  # compressed bytes: total is the file's size
            reader_stream = _Chained(stream, counter)
        elif magic == b"PK\x03\x04":
            archive = zipfile.ZipFile(raw)
            members = [i for i in archive.infolist() if not i.is_dir()]
            csvs = [i for i in members if i.filename.lower().endswith(".csv")]
            if len(csvs) != 1:
                names = ", ".join(i.filename for i in members) or "nothing"
                raise InputError(f"a zip archive must hold exactly one .csv file; it holds {names}", path=path)
            total = csvs[0].file_size
            counter = _Counting(archive.open(csvs[0]))
            reader_stream = counter
        else:
            counter = _Counting(raw)
            reader_stream = counter
        text = io.TextIOWrapper(io.BufferedReader(reader_stream, buffer_size=1 << 20), encoding="utf-8-sig",
                                newline="", errors="surrogateescape")
        reader = csv.reader(text, strict=True)
        try:
            header = next(reader, None)
            if header and not all(map(str.isascii, header)):
                _check_utf8(header, path, 1)
        except (csv.Error, UnicodeDecodeError, OSError, EOFError, zipfile.BadZipFile) as error:
            raise _error(error, path, 1) from None
        if not header:
            raise InputError("empty file: no header row", path=path, line=1)
        yield [h.strip() for h in header], _rows(reader, path), counter, total


class _Chained(io.RawIOBase):
    """A decompressing stream that also advances a counter of the compressed bytes."""

    def __init__(self, stream, counter: _Counting):
        self.stream = stream
        self.counter = counter
        self.raw = counter.stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        self.counter.count = self.raw.tell()
        return len(data)


def _rows(reader, path: Path) -> Iterator[tuple[int, list[str]]]:
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError, OSError, EOFError, zipfile.BadZipFile) as error:
            raise _error(error, path, line) from None
        if row:
            # Bytes that are not UTF-8 arrive as lone surrogates (surrogateescape), so the
            # row that holds them is found, not the decoder's chunk.
            if not all(map(str.isascii, row)):
                _check_utf8(row, path, line)
            yield line, row
        line = reader.line_num + 1


def _check_utf8(row: list[str], path: Path, line: int) -> None:
    for field in row:
        try:
            field.encode("utf-8")
        except UnicodeEncodeError as error:
            byte = ord(field[error.start]) - 0xDC00
            raise InputError(f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8", path=path, line=line) from None


def _error(error: Exception, path: Path, line: int) -> InputError:
    if isinstance(error, UnicodeDecodeError):
        return InputError(f"not UTF-8 text ({error.reason}); save the file as UTF-8", path=path, line=line)
    if isinstance(error, csv.Error):
        return InputError(f"not valid CSV: {error}", path=path, line=line)
    if isinstance(error, (EOFError, zipfile.BadZipFile, gzip.BadGzipFile)):
        return InputError(f"truncated or damaged compressed file: {error}", path=path, line=line)
    return InputError(getattr(error, "strerror", None) or str(error), path=path, line=line)


class Progress:
    """A progress bar (rows, rate, ETA) on standard error when it is a terminal; nothing
    otherwise. The total is estimated from the bytes read so far."""

    EVERY = 8192

    def __init__(self, *, total_bytes: int, counter: _Counting, description: str, enabled: bool | None = None):
        if enabled is None:
            enabled = sys.stderr.isatty()
        self.bar = None
        self.counter = counter
        self.total_bytes = total_bytes
        self.rows = 0
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=None, unit=" rows", unit_scale=True, desc=description, file=sys.stderr,
                            dynamic_ncols=True, smoothing=0.1)

    def update(self, rows: int) -> None:
        if self.bar is None:
            return
        done = self.counter.count
        if done and self.total_bytes:
            self.bar.total = max(rows, int(rows * self.total_bytes / done))
        self.bar.update(rows - self.bar.n)

    def close(self, rows: int) -> None:
        if self.bar is not None:
            self.bar.total = rows
            self.bar.update(rows - self.bar.n)
            self.bar.close()
