"""age files sealed with a passphrase (the scrypt recipient of age-encryption.org/v1), with a
work factor fixed here rather than measured on the machine.

``pyrage`` picks the scrypt work factor by timing scrypt on the machine that seals (about one
second there) and, opening, refuses any factor above what the opening machine measures plus
four. So a bundle sealed on a fast or idle machine is refused on a slow or busy one ("excessive
work"), and the person is told the passphrase is wrong: a backup that cannot be restored on the
laptop that needs it. Here the factor is :data:`WORK_FACTOR` when sealing and the ceiling is the
caller's when opening, so whether a bundle opens depends on the file, never on the machine's
load. The files are standard age files: ``age -d`` and ``pyrage`` open them, and this opens
theirs (up to the ceiling).

The format (https://age-encryption.org/v1): a text header (one ``scrypt`` stanza wrapping the
16-byte file key with ChaCha20-Poly1305 under scrypt(passphrase)), an HMAC of the header, a
16-byte nonce, then the payload in 64 KiB ChaCha20-Poly1305 chunks (STREAM), each authenticated,
the last one marked.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os

#: The scrypt work factor (log2 N) bundles are sealed with: age's own recommendation, about a
#: second on a laptop and 256 MiB of memory.
WORK_FACTOR = 18
#: Work factors above this are refused on opening, before any work (an edited header must not
#: keep a laptop busy for hours, nor ask for more memory than it has: 2^22 takes 4 GiB).
MAX_WORK_FACTOR = 22

_VERSION_LINE = b"age-encryption.org/v1"
_SCRYPT_LABEL = b"age-encryption.org/v1/scrypt"
_CHUNK = 64 * 1024
_TAG = 16


class AgeFormatError(ValueError):
    """The file is not a well-formed passphrase-sealed age file (cut short, or edited)."""


class AgeKeyError(ValueError):
    """The passphrase does not open the file, or its header was changed."""


def _b64(data: bytes) -> bytes:
    return base64.b64encode(data).rstrip(b"=")


def _unb64(text: bytes) -> bytes:
    if text.endswith(b"=") or b"\n" in text or b"\r" in text:
        raise AgeFormatError("not canonical base64")
    try:
        return base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    except binascii.Error as exc:
        raise AgeFormatError("not base64") from exc


def _hkdf(key: bytes, salt: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def _wrapping_key(passphrase: str, salt: bytes, log_n: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=_SCRYPT_LABEL + salt, length=32, n=1 << log_n, r=8, p=1)
    return kdf.derive(passphrase.encode("utf-8"))


def _header_mac(file_key: bytes, header: bytes) -> bytes:
    return hmac.digest(_hkdf(file_key, b"", b"header"), header, "sha256")


def _chunk_nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def encrypt(plaintext: bytes, passphrase: str, *, work_factor: int = WORK_FACTOR) -> bytes:
    """``plaintext`` as an age file that ``passphrase`` opens."""
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    file_key, salt, nonce = os.urandom(16), os.urandom(16), os.urandom(16)
    wrapped = ChaCha20Poly1305(_wrapping_key(passphrase, salt, work_factor)).encrypt(
        bytes(12), file_key, None
    )
    header = b"%s\n-> scrypt %s %d\n%s\n---" % (
        _VERSION_LINE,
        _b64(salt),
        work_factor,
        _b64(wrapped),
    )
    out = [header, b" ", _b64(_header_mac(file_key, header)), b"\n", nonce]
    stream = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    chunks = [plaintext[i : i + _CHUNK] for i in range(0, len(plaintext), _CHUNK)] or [b""]
    for counter, chunk in enumerate(chunks):
        out.append(stream.encrypt(_chunk_nonce(counter, counter == len(chunks) - 1), chunk, None))
    return b"".join(out)


def decrypt(data: bytes, passphrase: str, *, max_work_factor: int = MAX_WORK_FACTOR) -> bytes:
    """The plaintext of a passphrase-sealed age file.

    Raises :class:`AgeFormatError` when the file is not one (or is cut short or edited after
    its header), :class:`AgeKeyError` when the passphrase does not open it or the header was
    changed, and ``ValueError`` naming the factor when it asks for more work than
    ``max_work_factor``.
    """
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    end = data.find(b"\n--- ")
    if end < 0:
        raise AgeFormatError("the header is incomplete")
    header = data[: end + 4]
    mac_end = data.find(b"\n", end + 5)
    if mac_end < 0:
        raise AgeFormatError("the header is incomplete")
    mac = _unb64(data[end + 5 : mac_end])
    lines = header.split(b"\n")
    if len(lines) != 4 or lines[0] != _VERSION_LINE or lines[3] != b"---":
        raise AgeFormatError("not a file sealed with one passphrase")
    stanza = lines[1].split(b" ")
    if len(stanza) != 4 or stanza[:2] != [b"->", b"scrypt"] or not stanza[3].isdigit():
        raise AgeFormatError("not a file sealed with a passphrase")
    salt, log_n, wrapped = _unb64(stanza[2]), int(stanza[3]), _unb64(lines[2])
    if len(salt) != 16 or len(wrapped) != 32 or stanza[3].startswith(b"0"):
        raise AgeFormatError("the passphrase stanza is malformed")
    if log_n > max_work_factor:
        raise ValueError(f"the work factor {log_n} is above {max_work_factor}")
    try:
        file_key = ChaCha20Poly1305(_wrapping_key(passphrase, salt, log_n)).decrypt(
            bytes(12), wrapped, None
        )
    except InvalidTag:
        raise AgeKeyError("the passphrase does not open it") from None
    if not hmac.compare_digest(_header_mac(file_key, header), mac):
        raise AgeKeyError("the header was changed")
    body = data[mac_end + 1 :]
    if len(body) < 16 + _TAG:
        raise AgeFormatError("the file is cut short")
    stream = ChaCha20Poly1305(_hkdf(file_key, body[:16], b"payload"))
    sealed = body[16:]
    step = _CHUNK + _TAG
    chunks = [sealed[i : i + step] for i in range(0, len(sealed), step)]
    out = []
    for counter, chunk in enumerate(chunks):
        last = counter == len(chunks) - 1
        try:
            out.append(stream.decrypt(_chunk_nonce(counter, last), chunk, None))
        except InvalidTag:
            raise AgeFormatError("the file was changed or cut short") from None
    if len(chunks) > 1 and not out[-1]:
        raise AgeFormatError("the file ends with an empty chunk")
    return b"".join(out)
