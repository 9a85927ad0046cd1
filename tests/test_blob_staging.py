"""The blob store's staging: a blob is under its name only after a flush, whatever
was left in its folder before, and two stores never spoil each other's files."""

import hashlib
import os
import threading

from foi.blobs import BlobStore, blob_path


def names(root) -> list[str]:
    return sorted(path.name for path in root.rglob("*") if path.is_file())


def test_staged_blob_gets_its_name_only_at_flush(tmp_path):
    store = BlobStore(tmp_path)
    sha = store.stage(b"council reply")
    assert sha == hashlib.sha256(b"council reply").hexdigest()
    assert not blob_path(tmp_path, sha).exists()
    store.flush()
    assert blob_path(tmp_path, sha).read_bytes() == b"council reply"
    assert names(tmp_path) == [sha]


def test_stale_temp_file_of_a_dead_writer_is_overwritten(tmp_path):
    store = BlobStore(tmp_path)
    data = b"figures for 2021-22"
    sha = hashlib.sha256(data).hexdigest()
    folder = tmp_path / sha[:2]
    folder.mkdir()
    stale = folder / f".tmp-{os.getpid()}-{threading.get_ident()}-{id(store):x}-{sha}"
    stale.write_bytes(b"half of something longer that was being written when the power went")
    store.stage(data)
    store.flush()
    assert blob_path(tmp_path, sha).read_bytes() == data
    assert names(tmp_path) == [sha]


def test_two_stores_in_one_thread_stage_the_same_bytes(tmp_path):
    first, second = BlobStore(tmp_path), BlobStore(tmp_path)
    sha = first.stage(b"the same attachment twice")
    assert second.stage(b"the same attachment twice") == sha
    first.flush()
    second.flush()  # its own staged copy, not the one the first store renamed away
    assert blob_path(tmp_path, sha).read_bytes() == b"the same attachment twice"
    assert names(tmp_path) == [sha]


def test_stores_in_threads_write_many_blobs(tmp_path):
    payloads = [[f"thread {t} blob {n}".encode() * 50 for n in range(40)] for t in range(4)]

    def write(batch):
        store = BlobStore(tmp_path)
        for data in batch:
            store.stage(data)
        store.flush()

    threads = [threading.Thread(target=write, args=(batch,)) for batch in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [data for batch in payloads for data in batch]
    assert names(tmp_path) == sorted(hashlib.sha256(data).hexdigest() for data in every)
    assert all(blob_path(tmp_path, hashlib.sha256(d).hexdigest()).read_bytes() == d for d in every)


def test_fan_out_folder_removed_behind_the_store_is_made_again(tmp_path):
    store = BlobStore(tmp_path)
    sha = store.put(b"first")
    blob_path(tmp_path, sha).unlink()
    blob_path(tmp_path, sha).parent.rmdir()
    assert store.put(b"first") == sha
    assert blob_path(tmp_path, sha).read_bytes() == b"first"
