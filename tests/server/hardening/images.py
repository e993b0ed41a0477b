"""Images for the upload tests, built without ever holding their pixels in memory."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def zero_png(width: int, height: int, *, label: bytes = b"",
             claimed: tuple[int, int] | None = None) -> bytes:
    """An all-black RGB PNG, compressed row by row (a 36 Mpx one is about 100 KB).

    ``claimed`` puts another size in its header than its pixel data holds."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + 3 * width)  # filter byte 0, then black pixels
    parts = [packer.compress(row) for _ in range(height)]
    parts.append(packer.flush())
    header = struct.pack(">IIBBBBB", *(claimed or (width, height)), 8, 2, 0, 0, 0)
    text = _chunk(b"tEXt", b"label\x00" + label) if label else b""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + text
            + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b""))


def inflated_jpeg(claimed: tuple[int, int], real: tuple[int, int] = (16, 16)) -> bytes:
    """A small JPEG whose frame header claims a larger size (libjpeg pads the scan silently)."""
    out = io.BytesIO()
    Image.new("RGB", real, (10, 200, 30)).save(out, "JPEG")
    data = out.getvalue()
    sof = data.find(b"\xff\xc0")
    return data[:sof + 5] + struct.pack(">HH", claimed[1], claimed[0]) + data[sof + 9:]


def webp(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (1, 2, 3)).save(out, "WEBP")
    return out.getvalue()


def png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (9, 99, 199)).save(out, "PNG")
    return out.getvalue()
