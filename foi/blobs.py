"""The blob store: every raw message, attachment and sent message, kept byte for
byte in files named by their sha256 (blobs/ab/abcd...). A light module: reading
a blob does not need the mail machinery."""

import ctypes
import functools
import hashlib
import os
import sys
import threading
from pathlib import Path

# How a blob's temporary file is opened: made or emptied, and a link planted under its name not followed.
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)


def blob_dir(db_path: Path) -> Path:
    """Raw mail and attachments are kept beside the database, by sha256."""
    return Path(db_path).parent / "blobs"


def blob_path(root: Path, sha256: str) -> Path:
    """Where the blob with this sha256 is kept under `root`."""
    return Path(root) / sha256[:2] / sha256


class BlobStore:
    """Files named by their sha256, fanned out by the first two hex digits.

    A blob is only ever under its name once its bytes are on disk: it is written
    beside its name, made durable, then renamed. `stage` + `flush` do this for a
    whole batch with one filesystem sync instead of one fsync per file (an fsync
    costs 0.3-1 ms; a sync of 200 small files about as much as three)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._staged: dict[str, Path] = {}
        self._folders: set[Path] = set()

    def beside(self) -> "BlobStore":
        """A store of the same files whose staged blobs are its own (for another thread)."""
        other = BlobStore(self.root)
        other._folders = self._folders  # folders made are made for both
        return other

    def path_for(self, sha256: str) -> Path:
        return blob_path(self.root, sha256)

    def put(self, data: bytes) -> str:
        sha256 = self.stage(data)
        self.flush()
        return sha256

    def stage(self, data: bytes) -> str:
        """Write `data` beside its name; it is under its name after `flush`."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self.path_for(sha256)
        if sha256 in self._staged or path.exists():
            return sha256
        temp = self._temp_path(path.parent, sha256)
        try:
            handle = os.open(temp, NEW_FILE, 0o600)
        except FileNotFoundError:  # the fan-out folder was removed behind our back
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(temp, NEW_FILE, 0o600)
        try:
            view, written = memoryview(data), 0
            while written < len(view):
                written += os.write(handle, view[written:])
        except BaseException:
            os.close(handle)
            temp.unlink(missing_ok=True)
            raise
        os.close(handle)
        self._staged[sha256] = temp
        return sha256

    def _temp_path(self, folder: Path, sha256: str) -> Path:
        """Where a blob is written before it gets its name: beside it, under a name no
        other live writer uses (this process, thread and store), so no random name need
        be drawn (tempfile's costs more than the write). A file of the same name left by
        a dead process is overwritten. The 256 fan-out folders are made once each, not
        once a blob (a system call apiece)."""
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)
        return folder / f".tmp-{os.getpid()}-{threading.get_ident()}-{id(self):x}-{sha256}"

    def flush(self) -> None:
        """Make every staged blob durable, then give it its name (durably too)."""
        staged, self._staged = self._staged, {}
        if not staged:
            return
        try:
            _make_durable(self.root, list(staged.values()))
            for sha256, temp in staged.items():
                os.replace(temp, self.path_for(sha256))
            _make_durable(self.root, sorted({temp.parent for temp in staged.values()}))
        except BaseException:
            for temp in staged.values():
                temp.unlink(missing_ok=True)
            raise

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()


def _make_durable(root: Path, paths: list[Path]) -> None:
    """Everything written under `root` reaches the disk: one syncfs(2) where the
    system has it (Linux), otherwise an fsync of each file or folder."""
    if _syncfs(root):
        return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        except OSError:
            if not path.is_dir():
                raise  # some systems cannot fsync a folder; a file must be synced
        finally:
            os.close(fd)


@functools.lru_cache(maxsize=1)
def _libc_syncfs():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None


def _syncfs(root: Path) -> bool:
    syncfs = _libc_syncfs()
    if syncfs is None:
        return False
    fd = os.open(root, os.O_RDONLY)
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)
