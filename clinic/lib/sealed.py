"""A file sealed in authenticated chunks, written and read as a stream (the backups).

The construction is STREAM (Hoang, Reyhanitabar, Rogaway and Vizár, 2015), which age and
Tink's streaming AEAD also use, over AES-256-GCM from the ``cryptography`` package:

- a header: ``MAGIC``, a random 16-byte salt, a random 7-byte nonce prefix, the chunk size
  (4 bytes, big-endian) and a 16-byte key check;
- the chunks: each ``chunk_size`` bytes of plaintext (the last one as short as it needs,
  even empty) sealed with AES-GCM under the nonce ``prefix ‖ counter (4 bytes) ‖ final flag
  (1 byte)`` and the whole header as associated data; each carries its 16-byte tag.

The operator's key is stretched with HKDF-SHA256 under the archive's salt into an AES key and
a key-check key, so two archives never share an AES key, and a wrong key is told apart from a
damaged archive (the check is an HMAC of the header). The counter makes a chunk moved,
dropped or repeated fail its tag; the final flag makes an archive cut short fail — its last
chunk was not sealed as the final one — and bytes appended after the final chunk fail too.

Memory stays flat: the writer holds at most one chunk and the reader two (the chunk being
opened and the next, to know whether it is the last). A chunk's plaintext is handed on only
once its tag has verified, but an archive is whole only when ``finished`` is true: read it to
the end (``verify_to_end``) before acting on what it held.

We write these hundred lines ourselves: the Python libraries that offer a streaming AEAD
(Tink, PyNaCl's secretstream binding, pyrage for age) would each be a new dependency with a
native build for one command, and ``cryptography`` is already here.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"clinic-sealed/1\n"
SALT = 16
PREFIX = 7
CHECK = 16
TAG = 16
HEADER = len(MAGIC) + SALT + PREFIX + 4 + CHECK
CHUNK = 1024 * 1024
#: Chunks are counted in 4 bytes.
MAX_CHUNKS = 2**32


class SealError(Exception):
    """The file cannot be opened: not sealed, sealed under another key, or damaged."""


class NotSealed(SealError):
    """The file does not start with a sealed header."""


class WrongKey(SealError):
    """The file was sealed under another key."""


class Damaged(SealError):
    """A chunk does not verify: the file was changed, cut short or extended."""

    def __init__(self, chunk: int) -> None:
        super().__init__(f"chunk {chunk} does not verify")
        self.chunk = chunk


def _keys(key: bytes, salt: bytes) -> tuple[bytes, bytes]:
    derived = HKDF(
        algorithm=hashes.SHA256(), length=64, salt=salt, info=b"clinic sealed stream v1"
    ).derive(key)
    return derived[:32], derived[32:]


def _check(check_key: bytes, head: bytes) -> bytes:
    return hmac.new(check_key, head, hashlib.sha256).digest()[:CHECK]


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    if counter >= MAX_CHUNKS:
        raise OverflowError("too many chunks for one sealed file")
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if final else b"\x00")


class SealingWriter(io.RawIOBase):
    """A binary file to write plaintext into; ``close()`` seals the final chunk (it does not
    close ``out``)."""

    def __init__(self, out: IO[bytes], key: bytes, *, chunk_size: int = CHUNK) -> None:
        super().__init__()
        salt, self._prefix = os.urandom(SALT), os.urandom(PREFIX)
        aes_key, check_key = _keys(key, salt)
        head = MAGIC + salt + self._prefix + chunk_size.to_bytes(4, "big")
        self._header = head + _check(check_key, head)
        self._aead = AESGCM(aes_key)
        self._out = out
        self._size = chunk_size
        self._buffer = bytearray()
        self._counter = 0
        out.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        if self.closed:
            raise ValueError("write to a closed sealed file")
        self._buffer += data
        # Strictly more than a chunk: the last chunk is sealed as final by close().
        while len(self._buffer) > self._size:
            self._seal(bytes(self._buffer[: self._size]), final=False)
            del self._buffer[: self._size]
        return len(data)

    def _seal(self, plain: bytes, *, final: bool) -> None:
        nonce = _nonce(self._prefix, self._counter, final)
        self._out.write(self._aead.encrypt(nonce, plain, self._header))
        self._counter += 1

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._out.flush()
        super().close()


def _read_exactly(source: IO[bytes], size: int) -> bytes:
    parts, wanted = [], size
    while wanted:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


class OpeningReader(io.RawIOBase):
    """A binary file that reads the plaintext of a sealed one, chunk by verified chunk.

    Raises ``NotSealed`` or ``WrongKey`` when made, ``Damaged`` when a chunk does not verify."""

    def __init__(self, source: IO[bytes], key: bytes) -> None:
        super().__init__()
        header = _read_exactly(source, HEADER)
        if len(header) < HEADER or not header.startswith(MAGIC):
            raise NotSealed("the file does not begin with a sealed header")
        at = len(MAGIC)
        salt = header[at : at + SALT]
        self._prefix = header[at + SALT : at + SALT + PREFIX]
        size = int.from_bytes(header[at + SALT + PREFIX : at + SALT + PREFIX + 4], "big")
        if not 0 < size <= 64 * CHUNK:
            raise NotSealed("the header names an impossible chunk size")
        aes_key, check_key = _keys(key, salt)
        if not hmac.compare_digest(_check(check_key, header[:-CHECK]), header[-CHECK:]):
            raise WrongKey("the file was sealed under another key")
        self._header = header
        self._aead = AESGCM(aes_key)
        self._source = source
        self._sealed_size = size + TAG
        self._counter = 0
        self._next: bytes | None = _read_exactly(source, self._sealed_size)
        self._plain = b""
        self._at = 0
        #: True once the final chunk has been read and verified.
        self.finished = False

    def readable(self) -> bool:
        return True

    def _open_next(self) -> bytes:
        sealed = self._next
        if sealed is None:
            return b""
        following = (
            _read_exactly(self._source, self._sealed_size)
            if len(sealed) == self._sealed_size
            else b""
        )
        final = not following
        try:
            plain = self._aead.decrypt(
                _nonce(self._prefix, self._counter, final), sealed, self._header
            )
        except (InvalidTag, ValueError) as error:
            raise Damaged(self._counter) from error
        self._counter += 1
        self._next = None if final else following
        self.finished = final
        return plain

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        while self._at >= len(self._plain):
            if self._next is None:
                return b""
            self._plain, self._at = self._open_next(), 0
        piece = self._plain[self._at : self._at + size]
        self._at += len(piece)
        return piece

    def readall(self) -> bytes:
        parts = [self._plain[self._at :]]
        self._plain, self._at = b"", 0
        while self._next is not None:
            parts.append(self._open_next())
        return b"".join(parts)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        piece = self.read(len(buffer))
        buffer[: len(piece)] = piece
        return len(piece)

    def verify_to_end(self) -> None:
        """Open (and drop) every chunk not yet read: raises ``Damaged`` unless the file is
        whole up to its final chunk."""
        self._plain, self._at = b"", 0
        while self._next is not None:
            self._open_next()
