"""What an uploaded screenshot is, checked without ever decoding it at full size in memory.

An upload is refused unless it is a JPEG or PNG (WEBP and the rest are not screenshots in the
contract), its declared type (the request's Content-Type) matches what it is, it is at most
``max_width`` pixels wide and ``max_pixels`` in all (checked from the header alone, before any
decoding), and it decodes to the size its header declares:

- JPEG is decoded at 1/8 scale and luma only (libjpeg's reduced decode, a few hundred kilobytes
  at most; it still reads every scan of every component, so a cut or damaged scan is refused as
  by a colour decode, but it skips upsampling and converting the colour), and its entropy-coded
  data must hold at least one bit per 8x8 luma block, which every real JPEG does and a small
  picture with an inflated header does not (libjpeg pads such a scan with grey and does not say
  so through Pillow).
- PNG has no reduced decode in Pillow, so its pixel data is checked as a stream instead of
  being decoded into an image: every chunk's CRC, then the zlib stream inflated a megabyte at a
  time, which must give exactly the bytes the header's size and pixel format call for, with a
  valid filter type at the start of every row. Memory stays at about a megabyte per upload
  whatever the picture's size (a full decode of the largest allowed one would take 33 MB, and
  the allocator keeps such buffers per thread long after they are freed).

The image's stamp (``core.shotstamp``, in its comment) is read from the header as well.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from workdiary.core.shotstamp import ShotStamp, parse_stamp
from workdiary.server.errors import TooLarge, Unprocessable

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
# Content-Type values that do not declare a picture type (then what the bytes are decides).
UNDECLARED = {"", "application/octet-stream"}
JPEG_SOS = b"\xff\xda"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # samples per pixel by colour type
ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2))  # (x start, y start, x step, y step) of the seven interlace passes
INFLATE_STEP = 1 << 20


@dataclass(frozen=True, slots=True)
class CheckedImage:
    width: int
    height: int
    content_type: str
    stamp: ShotStamp | None


def inspect_image(data: bytes, *, max_pixels: int, max_width: int,
                  declared_type: str = "") -> CheckedImage:
    """Width, height, type and stamp of an acceptable image; TooLarge or Unprocessable if not."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            kind = str(image.format)
            _check_header(kind, width, height, max_pixels=max_pixels, max_width=max_width,
                          declared_type=declared_type)
            stamp = parse_stamp(image.info.get("comment"))
            if kind == "JPEG":
                _check_jpeg(image, data, width, height)
            else:
                _check_png(data)
    except (TooLarge, Unprocessable):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLarge("the image decompresses to too many pixels.",
                       code="too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Unprocessable("the body is not a decodable image of the size its header declares: "
                            "send the JPEG bytes.", code="not_an_image") from exc
    return CheckedImage(width, height, CONTENT_TYPES[kind], stamp)


def _check_header(kind: str, width: int, height: int, *, max_pixels: int, max_width: int,
                  declared_type: str) -> None:
    if kind not in CONTENT_TYPES:
        raise Unprocessable(f"{kind} images are not accepted: send JPEG or PNG.",
                            code="not_an_image")
    declared = declared_type.split(";")[0].strip().lower()
    if declared not in UNDECLARED and declared != CONTENT_TYPES[kind]:
        raise Unprocessable(f"the body is {CONTENT_TYPES[kind]} but was sent as {declared}.",
                            code="wrong_image_type")
    if width * height > max_pixels or width > max_width:
        raise TooLarge(f"the image has {width}x{height} pixels; at most {max_width} pixels wide "
                       f"and {max_pixels} pixels in all are accepted.", code="too_many_pixels")
    if width < 1 or height < 1:
        raise ValueError("an image without pixels")


def _check_jpeg(image: Image.Image, data: bytes, width: int, height: int) -> None:
    scan = data.find(JPEG_SOS)
    luma_blocks = math.ceil(width / 8) * math.ceil(height / 8)
    if scan < 0 or (len(data) - scan) * 8 < luma_blocks:
        raise ValueError("the entropy-coded data is too short for the declared size")
    image.draft("L", (max(1, width // 8), max(1, height // 8)))  # a quarter less than "RGB"
    reduced = image.size
    image.load()
    if image.size != reduced:
        raise ValueError("decoded size differs from the header")


def _png_chunks(data: bytes) -> list[tuple[bytes, memoryview]]:
    """(type, data) of every chunk up to IEND, each CRC checked."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    view, pos, chunks = memoryview(data), len(PNG_SIGNATURE), []
    while True:
        if pos + 12 > len(data):
            raise ValueError("PNG truncated")
        (length,) = struct.unpack_from(">I", data, pos)
        kind = data[pos + 4:pos + 8]
        end = pos + 8 + length
        if end + 4 > len(data):
            raise ValueError("PNG chunk truncated")
        (crc,) = struct.unpack_from(">I", data, end)
        if zlib.crc32(view[pos + 4:end]) != crc:
            raise ValueError("PNG chunk CRC mismatch")
        chunks.append((kind, view[pos + 8:end]))
        if kind == b"IEND":
            return chunks
        pos = end + 4


def _png_layout(ihdr: memoryview) -> tuple[int, int]:
    """(total inflated bytes, bytes per row of a non-interlaced image; 0 when interlaced)."""
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", ihdr)
    if colour not in PNG_SAMPLES:
        raise ValueError("PNG colour type unknown")
    bits = depth * PNG_SAMPLES[colour]

    def size(w: int, h: int) -> int:
        return h * (1 + math.ceil(w * bits / 8)) if w and h else 0

    if not interlace:
        return size(width, height), 1 + math.ceil(width * bits / 8)
    return sum(size(math.ceil((width - xs) / dx) if width > xs else 0,
                    math.ceil((height - ys) / dy) if height > ys else 0)
               for xs, ys, dx, dy in ADAM7), 0


def _check_png(data: bytes) -> None:
    """The pixel stream inflates to exactly the declared size, rows with valid filter types."""
    chunks = _png_chunks(data)
    if chunks[0][0] != b"IHDR" or len(chunks[0][1]) != 13:
        raise ValueError("PNG without a header")
    expected, row = _png_layout(chunks[0][1])
    inflater = zlib.decompressobj()
    produced = 0
    for kind, body in chunks:
        if kind != b"IDAT":
            continue
        pending: bytes | memoryview = body
        while pending:
            out = inflater.decompress(pending, INFLATE_STEP)
            pending = inflater.unconsumed_tail
            if row:
                first = -produced % row  # offset of the next row start inside ``out``
                if max(out[first::row], default=0) > 4:
                    raise ValueError("PNG row with an unknown filter type")
            produced += len(out)
            if produced > expected:
                raise ValueError("PNG pixel data longer than its header declares")
    if not inflater.eof or produced != expected:
        raise ValueError("PNG pixel data shorter than its header declares")
