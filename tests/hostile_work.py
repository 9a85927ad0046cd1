"""Jobs for the bounded-reading worker that behave as a hostile file makes a reader
behave: take memory, spin, sleep, give back too much, fail. Standard library only, so
the worker imports this module quickly."""

import os
import time


def hold(megabytes: int) -> int:
    """Allocate and touch `megabytes` MB, as a decompression bomb does."""
    block = bytearray(megabytes * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])
    return len(block)


def spin() -> None:
    """Never return, using the processor, as a parser in an endless loop does."""
    while True:
        pass


def wait(seconds: float) -> float:
    """Return after `seconds` without using the processor, as a reader stuck on a lock does."""
    time.sleep(seconds)
    return seconds


def give_back(megabytes: int) -> bytes:
    return b"t" * (megabytes * 1024 * 1024)


def fail(text: str) -> None:
    raise ValueError(text)


def double(number: int) -> int:
    return number * 2


def process_id() -> int:
    return os.getpid()


def environment() -> dict[str, str]:
    return dict(os.environ)
