"""Whether a photo can go into a report: checked when it is attached and again when drawn.

Pillow only (no reportlab), so attaching a photo does not load the report machinery.
"""

from __future__ import annotations

import io


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
