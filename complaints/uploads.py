"""Evidence uploads, checked by what the file contains rather than what it is called.

Allowed: PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument text and spreadsheets,
PNG and JPEG images, and plain text or CSV. Everything else, and anything whose content does not
match its name, is refused with a reason the uploader can act on.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_ARCHIVE_ENTRIES = 5_000
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MARKUP = re.compile(
    rb"<\s*(script|html|svg|!doctype|\?xml|iframe|object|embed|body)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF document", "application/pdf", (".pdf",))
DOCX = FileKind(
    "Word document",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (".docx",),
)
XLSX = FileKind(
    "Excel spreadsheet",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
PPTX = FileKind(
    "PowerPoint presentation",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
)
ODT = FileKind(
    "OpenDocument text", "application/vnd.oasis.opendocument.text", (".odt",)
)
ODS = FileKind(
    "OpenDocument spreadsheet",
    "application/vnd.oasis.opendocument.spreadsheet",
    (".ods",),
)
PNG = FileKind("PNG image", "image/png", (".png",))
JPEG = FileKind("JPEG image", "image/jpeg", (".jpg", ".jpeg"))
TEXT = FileKind("text file", "text/plain", (".txt",))
CSV = FileKind("CSV file", "text/csv", (".csv",))
ALLOWED = (PDF, DOCX, XLSX, PPTX, ODT, ODS, PNG, JPEG, TEXT, CSV)
ALLOWED_EXTENSIONS = tuple(ext for kind in ALLOWED for ext in kind.extensions)
OOXML_MARKERS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}
ODF_MIMETYPES = {ODT.content_type: ODT, ODS.content_type: ODS}


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    display_name: str
    size: int
    sha256: str


def clean_display_name(name: str) -> str:
    """The uploader's file name made safe to show: no folders, control or direction-override
    characters, at most 200 characters, the extension kept."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch
        for ch in name
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    name = name.strip().strip(".") or "evidence"
    if len(name) > 200:
        suffix = PurePosixPath(name).suffix[:10]
        name = name[: 200 - len(suffix)] + suffix
    return name


def _check_archive(data: bytes) -> FileKind:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationError(
            _("The file looks like an Office document but cannot be opened.")
        ) from exc
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        raise ValidationError(
            _("The document contains too many parts to be a real document.")
        )
    total = 0
    for info in infos:
        if info.filename.startswith("/") or ".." in PurePosixPath(info.filename).parts:
            raise ValidationError(
                _("The document contains a part with an unsafe name.")
            )
        total += info.file_size
        if total > MAX_UNCOMPRESSED_BYTES or (
            info.compress_size
            and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO
        ):
            raise ValidationError(
                _("The document expands to far more than its size (a “zip bomb”).")
            )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" in names:
        for marker, kind in OOXML_MARKERS.items():
            if marker in names:
                return kind
    if "mimetype" in names:
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        if mimetype in ODF_MIMETYPES:
            return ODF_MIMETYPES[mimetype]
    raise ValidationError(
        _("The file is an archive, not a document of a type we accept.")
    )


def _check_image(data: bytes, kind: FileKind) -> FileKind:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("The image is damaged or not really an image.")
        ) from exc
    return kind


def _check_text(data: bytes, extension: str) -> FileKind:
    if b"\x00" in data:
        raise ValidationError(_("The file is not a text file."))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                _("The text file's characters cannot be read; save it as UTF-8.")
            ) from exc
    if MARKUP.search(data):
        raise ValidationError(
            _("The file contains web page or script markup, which we do not accept.")
        )
    return CSV if extension == ".csv" else TEXT


def detect_kind(data: bytes, extension: str) -> FileKind:
    """What the bytes are, judged by their content. Raises ValidationError for anything not allowed."""
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("The PDF is incomplete or damaged."))
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _check_image(data, PNG)
    if data.startswith(b"\xff\xd8\xff"):
        return _check_image(data, JPEG)
    if data.startswith(b"PK\x03\x04"):
        return _check_archive(data)
    if extension in TEXT.extensions + CSV.extensions:
        return _check_text(data, extension)
    if MARKUP.search(data[:4096]):
        raise ValidationError(
            _("The file is a web page or contains script, which we do not accept.")
        )
    raise ValidationError(
        _(
            "The file's contents are not one of the types we accept: PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV."
        )
    )


def check_upload(upload: UploadedFile, *, already_stored_bytes: int) -> CheckedUpload:
    """Check one uploaded file against the type and size rules; return what was found."""
    display_name = clean_display_name(upload.name or "")
    prefix = _("“%(name)s”: ") % {"name": display_name}
    max_file = settings.EVIDENCE_MAX_FILE_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError(prefix + _("the file is empty."))
    if upload.size > max_file:
        raise ValidationError(
            prefix
            + _("the file is %(size)s; each file must be %(max)s or smaller.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(max_file)}
        )
    if already_stored_bytes + upload.size > settings.EVIDENCE_MAX_TOTAL_BYTES:
        raise ValidationError(
            prefix
            + _(
                "a super-complaint's evidence can total at most %(max)s; remove a file or send a smaller one."
            )
            % {"max": filesizeformat(settings.EVIDENCE_MAX_TOTAL_BYTES)}
        )
    extension = PurePosixPath(display_name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            prefix
            + _(
                "files ending “%(ext)s” are not accepted. Send PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV files."
            )
            % {"ext": extension or _("(no extension)")}
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        kind = detect_kind(data, extension)
    except ValidationError as exc:
        raise ValidationError(
            prefix + exc.messages[0][0].lower() + exc.messages[0][1:]
        ) from exc
    if extension not in kind.extensions:
        raise ValidationError(
            prefix
            + _(
                "its name ends “%(ext)s” but its contents are a %(kind)s. Rename it or send the right file."
            )
            % {"ext": extension, "kind": kind.label}
        )
    return CheckedUpload(
        kind=kind,
        display_name=display_name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def inert_download(stored: Any) -> FileResponse:
    """An uploaded file sent back as a download the browser never renders, whatever it contains:
    attachment disposition under the uploader's (cleaned) name, its checked type, `nosniff`, a
    sandboxing Content-Security-Policy and no caching. `stored` is any of the evidence models."""
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
