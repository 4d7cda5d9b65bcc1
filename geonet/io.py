"""Atomic file output: every file geonet writes goes to a temporary file beside it and is renamed.

Only regular files are ever replaced: an output path that exists as a directory, a device, a FIFO, a socket or
a symbolic link is refused, so nothing but the requested file is touched. Operating-system failures while
writing (disk full, read-only file system, permission denied, missing folder) become one-line ``OutputError``s
naming the path and the cause, and leave nothing behind. Temporaries left by a killed geonet process (their
names carry the writer's pid) are swept on the next write to the same folder.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
import re
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError, OutputError

NAME_MAX = 255  # bytes in one file name on Linux file systems (ext4, xfs, tmpfs)
# a temporary and what a writer appends to its name (GeoPackage: .tmp.gpkg, SQLite: -journal, -wal)
_TMP = re.compile(r"^\..*\.geonet-(?P<pid>\d+)-[0-9a-f]{8}\.tmp([.-][A-Za-z0-9_-]+)*$")
TMP_NAME_BYTES = 120  # bytes of the target's name kept in its temporary's name
_CAUSES = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
           errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
           errno.EPERM: "operation not permitted", errno.ENOENT: "the folder does not exist",
           errno.ENOTDIR: "a part of the path is not a folder", errno.ENAMETOOLONG: "the name is too long",
           errno.EISDIR: "it is a folder", errno.EFBIG: "the file is too large"}


def check_writable(path: str | os.PathLike) -> Path:
    """Fail early, with one line, if ``path`` cannot be written; return its folder.

    Refused: a missing or read-only folder, a name over 255 bytes, and an existing path that is not a
    regular file (a folder, device, FIFO, socket or symbolic link: geonet replaces only regular files).
    """
    target = Path(path)
    if not target.name or target.name in (".", ".."):
        raise OutputError(f"cannot write {target}: give a file name, not a folder")
    if len(os.fsencode(target.name)) > NAME_MAX:
        raise OutputError(f"cannot write {target.name[:40]}...: the file name is {len(os.fsencode(target.name))} "
                          f"bytes long, at most {NAME_MAX} are allowed")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"cannot write {target}: directory {parent} does not exist (create it first)")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"cannot write {target}: directory {parent} is not writable (choose another --out)")
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return parent
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {_cause(exc)}") from None
    if not stat.S_ISREG(st.st_mode):
        kind = ("a folder" if stat.S_ISDIR(st.st_mode) else "a symbolic link" if stat.S_ISLNK(st.st_mode)
                else "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
                else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "not a regular file")
        raise OutputError(f"cannot write {target}: it exists and is {kind}; geonet replaces only regular files "
                          "(give a new file name)")
    return parent


def _cause(exc: OSError) -> str:
    return _CAUSES.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def read_text(path: str | os.PathLike, what: str, max_mb: float = 50.0) -> str:
    """The UTF-8 text of a user's input file, or one-line errors: missing, not a regular file (a device or a
    FIFO would block or never end), larger than ``max_mb``, unreadable, or not UTF-8 (with the byte offset)."""
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError(f"{what} {p} not found") from None
    except OSError as exc:
        raise InputError(f"{what} {p} cannot be read: {_cause(exc)}") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{what} {p} is not a regular file (a folder, device or FIFO); give a text file")
    if st.st_size > max_mb * 1e6:
        raise InputError(f"{what} {p} is {st.st_size / 1e6:.0f} MB; at most {max_mb:g} MB is read")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{what} {p} cannot be read: {_cause(exc)}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(f"{p}:{line}: {what} is not UTF-8 text (byte {exc.start}: 0x{raw[exc.start]:02x}); "
                         "save it as UTF-8") from None


def describe_os_error(exc: OSError) -> str:
    """One line for an operating-system error on a file: the path and the cause in words."""
    where = exc.filename if exc.filename is not None else "a file"
    return f"cannot access {where}: {_cause(exc)}"


def sweep_stale_temporaries(folder: Path) -> list[Path]:
    """Remove geonet temporaries in ``folder`` whose writing process no longer exists; returns what went."""
    gone = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return gone
    for e in entries:
        m = _TMP.match(e.name)
        if not m or not e.is_file(follow_symlinks=False):
            continue
        pid = int(m.group("pid"))
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # its writer is still running
        except ProcessLookupError:
            pass
        except PermissionError:
            continue  # a live process of another user
        with contextlib.suppress(OSError):
            os.unlink(e.path)
            gone.append(Path(e.path))
    return gone


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` in one rename.

    On any exception the temporary file is removed and ``path`` is left as it was; operating-system write
    failures are raised as :class:`OutputError` naming ``path`` and the cause.
    """
    target = Path(path)
    parent = check_writable(target)
    sweep_stale_temporaries(parent)
    stem = os.fsencode(target.name)[:TMP_NAME_BYTES].decode("utf-8", "ignore")  # bytes, not characters
    tmp = parent / f".{stem}.geonet-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        yield tmp
        check_writable(target)  # nothing odd appeared at the target while we wrote
        _keep_mode(tmp, target)
        os.replace(tmp, target)
    except OutputError:
        _remove(tmp)
        raise
    except OSError as exc:
        _remove(tmp)
        raise OutputError(f"cannot write {target}: {_cause(exc)} ({errno.errorcode.get(exc.errno or 0, 'OSError')}); "
                          "nothing was written") from None
    except BaseException:
        _remove(tmp)
        raise


def _keep_mode(tmp: Path, target: Path) -> None:
    """Give the temporary the mode (and owner, where allowed) of the file it replaces, else the mode open()
    would give a new file (the temporary itself is 0600)."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        return
    with contextlib.suppress(OSError):
        os.chown(tmp, st.st_uid, st.st_gid)
    os.chmod(tmp, stat.S_IMODE(st.st_mode))


def refuse_overwriting_inputs(out: str | os.PathLike, inputs, flag: str = "--out") -> None:
    """An output that is one of the command's input files is refused (it would replace what it reads)."""
    o = Path(out)
    for src in inputs:
        if src is None:
            continue
        s = Path(src)
        try:
            same = o.exists() and s.exists() and os.path.samefile(o, s)
        except (OSError, ValueError):
            same = False
        if same or o.resolve() == s.resolve():
            raise InputError(f"{flag} {o}: it is also an input of this command ({s}); write to another file")


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    # a GeoPackage or a browser may have written siblings of the temporary (tmp.gpkg, tmp-journal)
    for sib in tmp.parent.glob(tmp.name + "*"):
        with contextlib.suppress(OSError):
            sib.unlink()


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


MAX_CELL_CHARS = 10_000  # a cell of a user's CSV (a name, a number, a cited source with its links)


def read_records(path: str | os.PathLike, what: str, required: list[str], rows_word: str = "rows",
                 header_hint: str = "", max_rows: int = 10_000) -> list[tuple[str, dict[str, str]]]:
    """The rows of a user's CSV file as ('file:line', {column: stripped text}), blank lines skipped; one-line
    errors for an empty file, missing columns, a header without rows, short rows, more than ``max_rows`` rows
    and cells over MAX_CELL_CHARS characters (file and line named)."""
    p = Path(path)
    text = read_text(p, what)
    if text.count("\n") > max_rows + 1000:  # refused before parsing (blank lines allowed some slack)
        raise InputError(f"{p}: the {what} has {text.count(chr(10)):,} lines; at most {max_rows:,} {rows_word} "
                         "are read (split the file)")
    reader = csv.reader(io.StringIO(text))
    rows = []
    try:
        for cells in reader:
            rows.append(cells)
    except csv.Error as exc:  # e.g. a cell over the csv module's field limit (131,072 characters)
        raise InputError(f"{p}:{reader.line_num}: the {what} is not readable CSV ({exc}); cells hold at most "
                         f"{MAX_CELL_CHARS:,} characters") from None
    long_cell = next(((i, len(c)) for i, cells in enumerate(rows, 1) for c in cells if len(c) > MAX_CELL_CHARS), None)
    if long_cell:
        raise InputError(f"{p}:{long_cell[0]}: a cell of {long_cell[1]:,} characters; cells of the {what} hold at "
                         f"most {MAX_CELL_CHARS:,}")
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    hint = header_hint or ",".join(required)
    if not rows:
        raise InputError(f"{p}:1: the {what} is empty; the header is {hint}")
    header = [c.strip() for c in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"{p}:1: missing column(s) {', '.join(missing)}; required: {hint}")
    out = []
    for i, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            raise InputError(f"{p}:{i}: {len(cells)} field(s) where the header has {len(header)}")
        out.append((f"{p}:{i}", {c: cells[j].strip() for j, c in enumerate(header)}))
    if not out:
        raise InputError(f"{p}:2: the {what} has a header and no {rows_word}")
    if len(out) > max_rows:
        raise InputError(f"{p}: the {what} has {len(out):,} {rows_word}; at most {max_rows:,} are read (split the "
                         "file)")
    return out
