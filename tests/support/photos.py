"""Real, small photos for tests: attachments named as JPEG or PNG are checked as pictures."""

from __future__ import annotations

import hashlib
import io


def photo_bytes(label: str, image_format: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    """A picture that decodes whole, different for each ``label`` (so each has its own hash)."""
    from PIL import Image, ImageDraw

    digest = hashlib.sha256(label.encode("utf-8")).digest()
    image = Image.new("RGB", size, (digest[0], digest[1], digest[2]))
    ImageDraw.Draw(image).text((2, 2), label[:12], fill=(digest[3], digest[4], digest[5]))
    out = io.BytesIO()
    image.save(out, image_format)
    return out.getvalue()
