"""Where regsim writes, and how it replaces what it wrote without ever losing anything.

The output convention (the same for every command): ``-o PATH`` names exactly
what the command produces -- the result directory of ``run``, ``run-xmile``,
``uncertainty`` and ``sensitivity``, or the file of ``compare``, ``plot``,
``report``, ``export-xmile``, ``calibrate`` and ``validate-model`` -- never a
parent directory into which regsim puts a name of its own.

Result directories
------------------
A result directory is written whole into a temporary sibling
``.NAME.tmp-<pid>-<random>/`` and renamed to ``NAME`` only when every file is
complete; the last file written is :data:`MANIFEST`, the signature listing
every file of the directory. Then:

- a new ``NAME`` is created by renaming onto a path that does not exist, so of
  two commands racing for the same new output the second fails cleanly (the
  rename of a directory onto a non-empty directory is refused by the OS);
- ``--force`` replaces ``NAME`` only if regsim wrote it (it carries the
  manifest) and it holds nothing the manifest does not list; a user's own
  directory (``scenarios/``, ``results/`` holding other results, ``~``) is
  never replaced. An empty directory counts as absent;
- replacing swaps the two directories with one atomic ``renameat2(...,
  RENAME_EXCHANGE)`` where the OS offers it, else with two renames
  (``NAME -> .NAME.old-<id>``, ``.NAME.tmp-<id> -> NAME``);
- every command that writes or reads ``NAME`` first *repairs* the state a
  killed command may have left: if ``NAME`` is missing while a
  ``.NAME.old-<id>`` exists, the replace was interrupted between its two
  renames, and it is undone (the previous results are renamed back: the
  command that was killed never reported success, so the state before it is
  the consistent one); every stale ``.NAME.tmp-*`` and ``.NAME.old-*`` is
  removed. Directories of commands still running are
  recognised by a lock (``flock``) their writer holds and are left alone.

The steps that look at and change ``NAME`` run under an ``flock`` on the
parent directory, so commits into one directory are serialised.

Files
-----
Single files are written to a temporary sibling and linked (new file: fails if
the name appeared meanwhile) or renamed over the old one (``--force``).
``--force`` replaces a file only if it looks like one regsim writes for that
command (suffix, and a signature in its contents).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

from ..inputfiles import os_problem

#: the signature file of every result directory regsim writes
MANIFEST = ".regsim-manifest.json"
SIGNATURE = "regsim output directory"
_LOCK_TIMEOUT = 30.0  # [s] waiting for another command's commit into the same directory


class OutputError(ValueError):
    """An output that regsim refuses to write or cannot write (one line, naming the path)."""


class OutputExistsError(FileExistsError):
    """The output exists and replacing it was not requested (``--force``)."""


def _say(path) -> str:
    return os.fspath(path)


# -- manifests ------------------------------------------------------------------------------------------------

def read_manifest(directory) -> dict | None:
    """The manifest of a result directory, or ``None`` if it has none (or it is not regsim's)."""
    p = Path(directory) / MANIFEST
    try:
        if not p.is_file() or p.stat().st_size > 16 * 1024 * 1024:
            return None
        doc = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or doc.get("signature") != SIGNATURE or not isinstance(doc.get("files"), dict):
        return None
    return doc


def _listing(directory: Path) -> tuple[dict[str, int], list[str]]:
    """``({relative file path: size}, [entries that are neither files nor directories, or are symlinks])``."""
    files, odd = {}, []
    for root, dirs, names in os.walk(directory, followlinks=False):
        for d in list(dirs):
            full = os.path.join(root, d)
            if os.path.islink(full):
                odd.append(os.path.relpath(full, directory))
                dirs.remove(d)
        for n in names:
            full = os.path.join(root, n)
            rel = os.path.relpath(full, directory).replace(os.sep, "/")
            st = os.lstat(full)
            if stat.S_ISREG(st.st_mode):
                files[rel] = st.st_size
            else:
                odd.append(rel)
    return files, odd


def write_manifest(directory, *, command: str = "", extra: dict | None = None) -> dict:
    """Write :data:`MANIFEST` into ``directory`` listing every file in it (call it last)."""
    from .._version import __version__

    d = Path(directory)
    files, odd = _listing(d)
    files.pop(MANIFEST, None)
    if odd:
        raise OutputError(f"{d}: refusing to sign a directory holding links or special files: {', '.join(odd[:5])}")
    doc = {"signature": SIGNATURE, "format": 1, "regsim_version": __version__, "command": command,
           "written_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "files": dict(sorted(files.items()))}
    doc.update(extra or {})
    (d / MANIFEST).write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return doc


def foreign_entries(directory) -> list[str]:
    """Files of a result directory that its manifest does not list (``[MANIFEST]`` if there is no manifest)."""
    man = read_manifest(directory)
    if man is None:
        return [MANIFEST]
    files, odd = _listing(Path(directory))
    files.pop(MANIFEST, None)
    return sorted(odd + [f for f in files if f not in man["files"]])


def is_result_dir(path) -> bool:
    """True for a real (not symlinked) directory carrying regsim's manifest."""
    p = Path(path)
    return p.is_dir() and not p.is_symlink() and read_manifest(p) is not None


def _is_empty_dir(p: Path) -> bool:
    try:
        with os.scandir(p) as it:
            return next(it, None) is None
    except OSError:
        return False


# -- locks ----------------------------------------------------------------------------------------------------

def _try_lock(fd: int) -> bool:
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError:  # file systems without flock: behave as unlocked
        return True


@contextlib.contextmanager
def _dir_lock(directory: Path, *, timeout: float = _LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``directory`` (serialises commits into it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(f"{_say(directory)}: {os_problem(exc)}") from None
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fd):
            if time.monotonic() > deadline:
                raise OutputError(f"{_say(directory)}: another regsim command has held it locked for over "
                                  f"{timeout:g} s; try again")
            time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # releases the lock


def _held_by_live_writer(path: Path) -> bool:
    """True if a running regsim command holds the lock of this temporary directory."""
    if fcntl is None:  # pragma: no cover - fall back on the pid in the name
        try:
            pid = int(path.name.split(".tmp-", 1)[1].split("-", 1)[0])
            os.kill(pid, 0)
            return True
        except (IndexError, ValueError, OSError):
            return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)


# -- renames (module-level so the fault tests can interrupt them) ----------------------------------------------

def _rename(src, dst) -> None:
    os.rename(src, dst)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_libc = None


def _exchange(a, b) -> bool:
    """Swap two paths atomically (Linux ``renameat2(RENAME_EXCHANGE)``); False where unsupported."""
    global _libc
    if not USE_EXCHANGE or not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return False
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        fn = _libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), os.fspath(b))


#: use ``renameat2(RENAME_EXCHANGE)`` when available (tests switch it off to exercise the two-rename path)
USE_EXCHANGE = True


# -- repair ---------------------------------------------------------------------------------------------------

def _leftovers(target: Path) -> tuple[list[Path], list[Path]]:
    tmp_prefix, old_prefix = f".{target.name}.tmp-", f".{target.name}.old-"
    tmps, olds = [], []
    try:
        with os.scandir(target.parent) as it:
            for e in it:
                if e.name.startswith(tmp_prefix):
                    tmps.append(Path(e.path))
                elif e.name.startswith(old_prefix):
                    olds.append(Path(e.path))
    except OSError:
        pass
    return tmps, olds


def _rmtree(p: Path) -> None:
    if p.is_symlink() or p.is_file():
        p.unlink(missing_ok=True)
    else:
        shutil.rmtree(p, ignore_errors=True)


def repair(target) -> list[str]:
    """Undo an interrupted replace of ``target`` and sweep stale temporary directories.

    Call with the parent directory locked (:func:`atomic_output_dir` does).
    Returns what was done, one sentence per action (for a note to the user).
    """
    target = Path(target)
    tmps, olds = _leftovers(target)
    if not tmps and not olds:
        return []
    done: list[str] = []
    stale_tmps = [t for t in tmps if not _held_by_live_writer(t)]
    if olds and not os.path.lexists(target):
        # killed between its two renames: the command never finished, so undo it (the state before the command)
        olds.sort(key=lambda p: p.stat().st_mtime if p.exists() else 0, reverse=True)
        old = olds[0]
        if read_manifest(old) is not None or not _is_empty_dir(old):
            _rename(old, target)
            olds.remove(old)
            done.append(f"{_say(target)}: restored the previous results after an interrupted replace")
    swept = 0
    for p in stale_tmps + olds:
        if p == target:
            continue
        _rmtree(p)
        swept += 1
    if swept:
        done.append(f"{_say(target.parent)}: removed {swept} temporary director{'y' if swept == 1 else 'ies'} "
                    f"left by interrupted commands (.{target.name}.tmp-*/.old-*)")
    return done


# -- checks ---------------------------------------------------------------------------------------------------

def _check_path_text(target: Path) -> None:
    s = os.fspath(target)
    if not s.strip():
        raise OutputError("output path is empty")
    if "\x00" in s:
        raise OutputError(f"{s!r}: the output path contains a NUL character")
    for part in target.parts:
        if len(os.fsencode(part)) > 255:
            raise OutputError(f"{s[:80]}...: file name too long ({len(os.fsencode(part))} bytes; the limit is 255)")


def _check_parents(target: Path) -> None:
    """Every existing ancestor must be a directory, and none may be a result directory."""
    for anc in list(target.parents):
        if not str(anc) or not os.path.lexists(anc):
            continue
        if not anc.is_dir():
            raise OutputError(f"{_say(target)}: {_say(anc)} is a file, not a directory")
        if anc != Path(".") and is_result_dir(anc):
            raise OutputError(f"{_say(target)}: {_say(anc)} is itself a result directory; write beside it, "
                              "not inside it")


def check_output_dir(target, *, force: bool = False, suggest: str | None = None) -> None:
    """Refuse (before any work) an output directory regsim must not write.

    Raises
    ------
    OutputExistsError
        ``target`` is a result directory and ``force`` is false.
    OutputError
        ``target`` is a file, a symlink, a directory regsim did not write, or
        holds files regsim did not write; or a parent is a file or a result
        directory; or the path is unusable.
    """
    target = Path(target)
    _check_path_text(target)
    _check_parents(target)
    try:
        exists = os.path.lexists(target)
    except (OSError, ValueError) as exc:
        raise OutputError(f"{_say(target)}: {os_problem(exc) if isinstance(exc, OSError) else exc}") from None
    if not exists:
        return
    if target.is_symlink():
        raise OutputError(f"{_say(target)}: is a symbolic link; regsim does not write through links (give the "
                          "real path)")
    if not target.is_dir():
        raise OutputError(f"{_say(target)}: exists and is a file, not a result directory")
    if _is_empty_dir(target):
        return
    if read_manifest(target) is None:
        if _legacy_results(target):
            raise OutputError(f"{_say(target)}: holds results of an older regsim that did not sign its output (no "
                              f"{MANIFEST}); regsim does not replace it, even with --force: move or delete it "
                              "yourself, or choose another -o")
        hint = "" if suggest == target.name else (f" -o names the result directory itself (for example "
                                                  f"-o {_say(target / (suggest or 'NAME'))})")
        raise OutputError(f"{_say(target)}: exists and was not written by regsim (no {MANIFEST}); it is never "
                          f"replaced, even with --force.{hint}")
    if not force:
        raise OutputExistsError(f"{_say(target)}: output directory exists (use --force to replace it)")
    extra = foreign_entries(target)
    if extra:
        raise OutputError(f"{_say(target)}: holds files regsim did not write ({', '.join(extra[:5])}"
                          f"{' ...' if len(extra) > 5 else ''}); not replacing it, even with --force")


def prepare_output_dir(target, *, force: bool = False, notes: Callable[[str], None] | None = None,
                       suggest: str | None = None) -> None:
    """Repair what interrupted commands left at ``target``, then :func:`check_output_dir`.

    Commands call this before their work starts (so a bad ``-o`` fails in a
    second, not after a long run); :func:`atomic_output_dir` calls it again.
    """
    target = Path(target)
    _check_path_text(target)
    _check_parents(target)
    parent = target.parent if str(target.parent) else Path(".")
    if parent.is_dir():
        with _dir_lock(parent):
            for n in repair(target):
                if notes:
                    notes(n)
    check_output_dir(target, force=force, suggest=suggest)


def repair_for_reading(target) -> list[str]:
    """Before reading ``target``: undo a killed replace that left it missing, and sweep stale temporaries."""
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir() or not any(_leftovers(target)):
        return []
    try:
        with _dir_lock(parent, timeout=5.0):
            return repair(target)
    except OutputError:
        return []


def _legacy_results(d: Path) -> bool:
    """A directory written by a regsim without manifests: only its files, metadata.json naming a regsim version."""
    try:
        names = {p.name for p in d.iterdir()}
        if not names or not names <= {"metadata.json", "timeseries.csv", "timeseries.parquet", "quantiles.csv",
                                      "samples.csv", "baseline_quantiles.csv", "effect_quantiles.csv",
                                      "effect_probability.csv", "members", "baseline_members", "sobol.csv",
                                      "morris.csv", "sensitivity.png"}:
            return False
        head = (d / "metadata.json").read_bytes()[:1 << 20]
    except OSError:
        return False
    return b'"regsim_version"' in head


def _mkdirs(p: Path) -> None:
    try:
        p.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{_say(p)}: exists and is not a directory") from None
    except OSError as exc:
        raise OutputError(f"{_say(exc.filename or p)}: cannot create the directory: {os_problem(exc)}") from None


@dataclass
class Commit:
    """What :func:`atomic_output_dir` did (filled in when the block ends)."""

    target: Path
    replaced: bool = False
    notes: tuple[str, ...] = ()


@contextlib.contextmanager
def atomic_output_dir(target, *, force: bool = False, command: str = "",
                      notes: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Yield a temporary directory that atomically becomes ``target`` when the block succeeds.

    Parameters
    ----------
    target : path
        The result directory (the ``-o`` of the command).
    force : bool
        Replace an existing result directory (only one regsim wrote; see the module notes).
    command : str
        Recorded in the manifest.
    notes : callable, optional
        Called with a sentence for every repair done (interrupted replaces, stale temporaries).

    Raises
    ------
    OutputExistsError, OutputError
        See :func:`check_output_dir`; also at commit time if another command
        wrote ``target`` meanwhile. On any failure inside the block the
        temporary directory is removed and ``target`` is untouched.
    """
    target = Path(target)
    prepare_output_dir(target, force=force, notes=notes)
    parent = target.parent if str(target.parent) else Path(".")
    _mkdirs(parent)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise OutputError(f"{_say(target)}: cannot create a temporary directory in {_say(parent)}: "
                          f"{os_problem(exc)}") from None
    lock_fd = os.open(tmp, os.O_RDONLY)
    _try_lock(lock_fd)
    try:
        try:
            yield tmp
            write_manifest(tmp, command=command)
        except OSError as exc:
            raise OutputError(f"{_say(target)}: cannot write the results: {os_problem(exc)}"
                              + (f" ({_say(exc.filename)})" if getattr(exc, "filename", None) else "")
                              + "; nothing was changed") from None
        with _dir_lock(parent):
            for n in repair(target):
                if notes:
                    notes(n)
            _commit(tmp, target, force)
    except BaseException:
        _rmtree(tmp)
        raise
    finally:
        os.close(lock_fd)


def _commit(tmp: Path, target: Path, force: bool) -> None:
    exists = os.path.lexists(target)
    if exists and target.is_dir() and not target.is_symlink() and _is_empty_dir(target):
        try:
            target.rmdir()
        except OSError:
            pass
        exists = os.path.lexists(target)
    if not exists:
        try:
            _rename(tmp, target)
        except OSError as exc:
            if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                raise OutputError(f"{_say(target)}: another command wrote it meanwhile; it was not replaced and "
                                  "these results were not saved (rerun with --force to replace it)") from None
            raise OutputError(f"{_say(target)}: cannot create it: {os_problem(exc)}") from None
        return
    if not force:
        raise OutputError(f"{_say(target)}: another command wrote it meanwhile; it was not replaced and these "
                          "results were not saved (rerun with --force to replace it)")
    check_output_dir(target, force=True)  # it may have changed while this command ran
    try:
        if _exchange(tmp, target):
            _rmtree(tmp)  # now holds the previous results
            return
        ident = tmp.name.split(".tmp-", 1)[1]
        old = target.parent / f".{target.name}.old-{ident}"
        _rename(target, old)
        try:
            _rename(tmp, target)
        except BaseException:
            _rename(old, target)
            raise
        _rmtree(old)
    except OSError as exc:
        raise OutputError(f"{_say(target)}: cannot replace it: {os_problem(exc)}; the previous results are "
                          "unchanged") from None


# -- single files ---------------------------------------------------------------------------------------------

def _head_tail(p: Path, n: int = 65536) -> bytes:
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(n)
            if size > 2 * n:
                fh.seek(size - n)
            return head + fh.read(n)
    except OSError:
        return b""


def _has(*needles: bytes) -> Callable[[bytes], bool]:
    return lambda data: any(x.lower() in data.lower() for x in needles)


#: what regsim writes as single files: kind -> (suffixes, test that an existing file is one of them)
FILE_KINDS: dict[str, tuple[tuple[str, ...], Callable[[bytes], bool]]] = {
    "comparison table": ((".csv",), lambda d: d.startswith(b"scenario,variable,")),
    "figure": ((".png", ".svg", ".pdf"),
               lambda d: d.startswith((b"\x89PNG\r\n\x1a\n", b"%PDF-")) or b"<svg" in d[:4096].lower()),
    "report": ((".html", ".htm"), _has(b"regsim")),
    "XMILE model": ((".xmile", ".xml", ".stmx"), _has(b"<vendor>regsim</vendor>", b">regsim</product>")),
    "calibrated parameter file": ((".toml",), lambda d: d.startswith(b"# Calibrated parameters -- generated")),
    "validation report": ((".md",), _has(b"regsim validate-model")),
}


def check_output_file(path, *, kind: str, force: bool = False, own: bool = False) -> None:
    """Refuse (before any work) a file output regsim must not write.

    Raises
    ------
    OutputExistsError
        ``path`` exists and ``force`` is false.
    OutputError
        Wrong suffix for ``kind``; ``path`` is a directory or a link; a parent is
        a file; with ``force``, the existing file does not look like a ``kind``
        regsim writes. With ``own`` (``calibrate``, whose job is to rewrite its
        file) an existing ``kind`` regsim wrote is replaced without ``force``.
    """
    p = Path(path)
    _check_path_text(p)
    suffixes, looks_like = FILE_KINDS[kind]
    if p.is_dir() and not p.is_symlink():
        raise OutputError(f"{_say(p)}: is a directory; -o names the {kind} file itself "
                          f"(for example -o {_say(p / ('NAME' + suffixes[0]))})")
    if p.suffix.lower() not in suffixes:
        raise OutputError(f"{_say(p)}: a {kind} must end in {' or '.join(suffixes)}")
    for anc in p.parents:
        if str(anc) and os.path.lexists(anc) and not anc.is_dir():
            raise OutputError(f"{_say(p)}: {_say(anc)} is a file, not a directory")
    if not os.path.lexists(p):
        return
    if p.is_symlink() or not p.is_file():
        raise OutputError(f"{_say(p)}: is a link or special file; not replacing it")
    if not looks_like(_head_tail(p)):
        raise OutputError(f"{_say(p)}: exists and does not look like a {kind} regsim wrote; not replacing it, even "
                          "with --force")
    if not force and not own:
        raise OutputExistsError(f"{_say(p)}: file exists (use --force to replace it)")


@contextlib.contextmanager
def atomic_output_file(path, *, kind: str, force: bool = False, own: bool = False) -> Iterator[Path]:
    """Yield a temporary path that becomes ``path`` when the block succeeds (see :func:`check_output_file`).

    A new file is created with ``link`` (fails if the name appeared meanwhile);
    with ``force`` an existing one is replaced with ``rename`` (atomic).
    """
    p = Path(path)
    check_output_file(p, kind=kind, force=force, own=own)
    force = force or own
    parent = p.parent if str(p.parent) else Path(".")
    _mkdirs(parent)
    sweep_temporary_files(p)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.tmp-{os.getpid()}-", dir=parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"{_say(p)}: cannot create a temporary file in {_say(parent)}: {os_problem(exc)}") from None
    tmp = Path(tmp)
    try:
        try:
            yield tmp
            os.chmod(tmp, 0o644)
        except OSError as exc:
            raise OutputError(f"{_say(p)}: cannot write it: {os_problem(exc)}; nothing was changed") from None
        if os.path.lexists(p):
            if not force:
                raise OutputError(f"{_say(p)}: another command wrote it meanwhile; not replaced")
            check_output_file(p, kind=kind, force=True)
            try:
                os.replace(tmp, p)
            except OSError as exc:
                raise OutputError(f"{_say(p)}: cannot replace it: {os_problem(exc)}") from None
        else:
            try:
                os.link(tmp, p)
            except FileExistsError:
                raise OutputError(f"{_say(p)}: another command wrote it meanwhile; not replaced") from None
            except OSError:  # file systems without hard links
                try:
                    os.replace(tmp, p)
                except OSError as exc:
                    raise OutputError(f"{_say(p)}: cannot create it: {os_problem(exc)}") from None
    finally:
        tmp.unlink(missing_ok=True)


def sweep_temporary_files(path) -> int:
    """Remove ``.NAME.tmp-*`` files next to ``path`` left by killed commands (owner pid gone); return how many."""
    p = Path(path)
    parent = p.parent if str(p.parent) else Path(".")
    n = 0
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return 0
    for e in entries:
        if not e.name.startswith(f".{p.name}.tmp-") or not e.is_file(follow_symlinks=False):
            continue
        try:
            pid = int(e.name[len(f".{p.name}.tmp-"):].split("-", 1)[0])
        except ValueError:
            continue
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
            continue  # still running
        except ProcessLookupError:
            pass
        except OSError:
            continue
        with contextlib.suppress(OSError):
            os.unlink(e.path)
            n += 1
    return n
