"""Photos made ready for the printed page: about 200 dpi at the size they print, as JPEG.

A phone photo is 12 megapixels or more; printed 8 cm wide in a report it needs about 630 pixels
across. Embedding the camera's file made a signed learning walk with a few photos 44 MB, too big
to e-mail. The report embeds a copy scaled to :data:`PRINT_DPI` at its printed size (turned
upright by its EXIF orientation, which PDF readers ignore), while the store keeps the original
and the report's data hash stays the hash of the original.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

#: Resolution the printed page needs: above a laser printer's useful detail for photos.
PRINT_DPI = 200
#: JPEG quality of the embedded copy (no visible loss at print size).
JPEG_QUALITY = 82
#: EXIF tag holding the camera's orientation.
_ORIENTATION = 0x0112


@dataclass(frozen=True, slots=True)
class PrintPhoto:
    """A photo as it goes in the PDF: its bytes and its printed size in points."""

    data: bytes
    width: float
    height: float


#: Photos already made ready, by (SHA-256 of the original, box): the preview and each signature
#: render the same report again, and scaling a camera's photo is most of a render's cost.
_READY: dict[tuple[str, float, float], PrintPhoto] = {}
_READY_LIMIT = 256


def print_ready(data: bytes, max_width: float, max_height: float) -> PrintPhoto:
    """The photo scaled to fit ``max_width`` x ``max_height`` points at :data:`PRINT_DPI`.

    Raises ``OSError`` (or Pillow's subclass of it) when ``data`` is not an image Pillow reads.
    A small JPEG is embedded as it is, undecoded: check it with :func:`usable_photo_size` first.
    """
    key = (hashlib.sha256(data).hexdigest(), round(max_width, 2), round(max_height, 2))
    ready = _READY.get(key)
    if ready is None:
        ready = _print_ready(data, max_width, max_height)
        if len(_READY) >= _READY_LIMIT:
            _READY.pop(next(iter(_READY)))
        _READY[key] = ready
    return ready


def _print_ready(data: bytes, max_width: float, max_height: float) -> PrintPhoto:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        orientation = image.getexif().get(_ORIENTATION, 1)
        stored_w, stored_h = image.size
        upright_w, upright_h = (
            (stored_h, stored_w) if orientation in (5, 6, 7, 8) else (stored_w, stored_h)
        )
        scale = min(max_width / upright_w, max_height / upright_h)
        width, height = upright_w * scale, upright_h * scale
        target_w = max(1, round(width / 72 * PRINT_DPI))
        target_h = max(1, round(height / 72 * PRINT_DPI))
        if image.format == "JPEG" and orientation == 1 and upright_w <= target_w * 1.25:
            return PrintPhoto(data, width, height)  # already no bigger than print needs
        if image.format == "JPEG":
            # Decode at a reduced scale straight from the JPEG: far faster for camera files.
            draft_size = (
                (target_h, target_w) if orientation in (5, 6, 7, 8) else (target_w, target_h)
            )
            image.draft("RGB", draft_size)
        upright = ImageOps.exif_transpose(image)
        if upright.mode in ("RGBA", "LA", "P"):
            rgba = upright.convert("RGBA")
            flat = Image.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            upright = flat
        elif upright.mode != "RGB":
            upright = upright.convert("RGB")
        if upright.width > target_w:
            upright = upright.resize((target_w, target_h), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        upright.save(out, format="JPEG", quality=JPEG_QUALITY)
        return PrintPhoto(out.getvalue(), width, height)


def usable_photo_size(data: bytes) -> tuple[int, int] | None:
    """The size of a JPEG or PNG photo that decodes whole; ``None`` for a damaged, cut-short or
    oversized one (a header alone can look fine while the picture is cut short, so it is
    decoded in full)."""
    import warnings

    from PIL import Image as PilImage

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PilImage.DecompressionBombWarning)
            with PilImage.open(io.BytesIO(data)) as picture:
                if picture.format not in {"JPEG", "PNG"}:
                    return None
                picture.load()
                return picture.size
    except Exception:  # any reason a picture cannot be drawn: it is named instead
        return None
