"""The sealed stream under the backups (``clinic.lib.sealed``): what goes in comes out, in
any piece sizes; a chunk moved, dropped, repeated or changed, a file cut short or extended,
and another key are each refused; memory is never more than two chunks."""

from __future__ import annotations

import io
import os

import pytest

from clinic.lib.sealed import (
    HEADER,
    TAG,
    Damaged,
    NotSealed,
    OpeningReader,
    SealingWriter,
    WrongKey,
)

KEY = b"k" * 32
SIZE = 64  # small chunks, so that a few hundred bytes make several


def sealed(plain: bytes, *, key: bytes = KEY, pieces: int = 7) -> bytes:
    out = io.BytesIO()
    with SealingWriter(out, key, chunk_size=SIZE) as writer:
        for at in range(0, len(plain), pieces):
            writer.write(plain[at : at + pieces])
    return out.getvalue()


def opened(data: bytes, *, key: bytes = KEY, pieces: int = 5) -> bytes:
    reader = OpeningReader(io.BytesIO(data), key)
    parts = []
    while part := reader.read(pieces):
        parts.append(part)
    assert reader.finished
    return b"".join(parts)


def chunks(data: bytes) -> tuple[bytes, list[bytes]]:
    body = data[HEADER:]
    return data[:HEADER], [body[at : at + SIZE + TAG] for at in range(0, len(body), SIZE + TAG)]


@pytest.mark.parametrize("length", [0, 1, SIZE - 1, SIZE, SIZE + 1, 3 * SIZE, 10 * SIZE + 5])
def test_what_is_sealed_opens_unchanged_at_every_length(length: int) -> None:
    plain = os.urandom(length)
    assert opened(sealed(plain)) == plain
    # Each chunk is sealed apart: its size plus a tag, the last one as short as it needs.
    assert len(sealed(plain)) == HEADER + max(1, -(-length // SIZE)) * TAG + length


def test_two_sealings_of_the_same_text_differ() -> None:
    plain = b"the same text" * 20
    assert sealed(plain) != sealed(plain)


def test_another_key_is_told_apart_from_damage() -> None:
    with pytest.raises(WrongKey):
        opened(sealed(b"text"), key=b"x" * 32)


def test_a_file_that_is_not_sealed_is_refused() -> None:
    with pytest.raises(NotSealed):
        opened(b"\x1f\x8b" + b"\0" * 100)


def test_every_changed_byte_is_refused() -> None:
    data = sealed(os.urandom(3 * SIZE + 10))
    for at in range(len(data)):
        changed = bytearray(data)
        changed[at] ^= 0x80
        with pytest.raises((Damaged, WrongKey, NotSealed)):
            opened(bytes(changed))


def test_a_file_cut_short_anywhere_is_refused_even_between_chunks() -> None:
    data = sealed(os.urandom(3 * SIZE))
    for length in range(len(data)):
        with pytest.raises((Damaged, NotSealed)):
            opened(data[:length])


def test_bytes_added_at_the_end_are_refused() -> None:
    data = sealed(os.urandom(3 * SIZE))
    for extra in (b"\0", os.urandom(SIZE + TAG)):
        with pytest.raises(Damaged):
            opened(data + extra)


def test_chunks_moved_dropped_or_repeated_are_refused() -> None:
    header, parts = chunks(sealed(os.urandom(4 * SIZE + 3)))
    assert len(parts) == 5
    swapped = [parts[1], parts[0], *parts[2:]]
    dropped = [parts[0], *parts[2:]]
    repeated = [parts[0], *parts]
    for order in (swapped, dropped, repeated):
        with pytest.raises(Damaged):
            opened(header + b"".join(order))


def test_a_chunk_is_read_only_once_verified_and_the_end_is_checked() -> None:
    data = sealed(os.urandom(3 * SIZE))
    reader = OpeningReader(io.BytesIO(data[:-1]), KEY)
    assert len(reader.read(SIZE)) == SIZE  # the first chunk verified
    assert not reader.finished
    with pytest.raises(Damaged):
        reader.verify_to_end()
