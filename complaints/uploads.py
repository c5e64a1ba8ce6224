"""Evidence uploads, checked by what the file contains rather than what it is called.

Allowed: PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), OpenDocument text and spreadsheets,
PNG and JPEG images, and plain text or CSV. Everything else, and anything whose content does not
match its name, is refused with a reason the uploader can act on: so are names with folders,
control or invisible direction characters or over 200 characters (judged as sent, see
SentNameUploadHandler), images carrying web page markup, PDFs with JavaScript or Launch actions,
and archives that are bombs or have too many parts. Downloads are inert (`inert_download`).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse
from django.http.multipartparser import MultiPartParser
from django.template.defaultfilters import filesizeformat
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_ARCHIVE_ENTRIES = 5_000
MAX_UNCOMPRESSED_BYTES = 500 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_NAME_LENGTH = 200
MARKUP = re.compile(
    rb"<\s*(script|html|svg|!doctype|\?xml|iframe|object|embed|body)\b", re.IGNORECASE
)
# In compressed bytes (images, PDFs) a short tag name turns up by chance (`<svg` followed by any
# non-word byte: about one 20 MB photo in 30), so there a tag must end as HTML ends a tag name.
# `<?xml` is left out because photos' and PDFs' XMP metadata may start with it.
BINARY_MARKUP = re.compile(
    rb"<\s*(script|html|svg|!doctype|iframe|object|embed|body)[\s/>]", re.IGNORECASE
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# A PDF name may spell any character as #xx (`/J#61vaScript`); names end at a delimiter.
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Every JavaScript action names its type /JavaScript (the /JS key alone runs nothing), as does the
# document's JavaScript name tree; /Launch starts another program.
PDF_ACTION = re.compile(rb"/(JavaScript|Launch)(?=[\s()<>\[\]{}/%]|\Z)")
PDF_STREAM = re.compile(rb"(?<!end)stream\r?\n")
PDF_ASCII_FILTER = re.compile(rb"/(ASCII85Decode|A85|ASCIIHexDecode|AHx)\b")
MAX_PDF_EXPANDED_BYTES = 500 * 1024 * 1024
PDF_PIECE_BYTES = 16 * 1024 * 1024


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


class _NameKeepingParser(MultiPartParser):
    """Django's multipart parser, which also puts the name each file was sent under on the file, as
    `sent_name`, before Django drops its folders and invisible characters."""

    _sent_name = ""

    def sanitize_file_name(self, file_name: str) -> str | None:
        self._sent_name = html.unescape(file_name)
        # Django drops a file whose name, without folders, is "." or ".."; keep it, to refuse it.
        return super().sanitize_file_name(file_name) or "unnamed"

    def handle_file_complete(self, old_field_name: str, counters: list[int]) -> None:
        super().handle_file_complete(old_field_name, counters)
        # The file just completed is the last of its field in the parser's `_files`.
        field = force_str(old_field_name, self._encoding, errors="replace")
        if files := self._files.getlist(field):
            files[-1].sent_name = self._sent_name


class SentNameUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: parses with `_NameKeepingParser` and the other handlers, so
    check_upload can refuse a name sent with a folder path, control or direction-override
    characters with a message, rather than store the file under a name Django quietly changed."""

    def handle_raw_input(
        self,
        input_data: Any,
        meta: dict[str, Any],
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> tuple[Any, Any]:
        others = [h for h in self.request.upload_handlers if h is not self]
        return _NameKeepingParser(meta, input_data, others, encoding).parse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def name_problem(name: str) -> str | None:
    """Why a file name, as sent, is refused (the uploader is asked to rename the file), or None."""
    categories = {unicodedata.category(ch) for ch in name}
    if "/" in name or "\\" in name or name.strip() in (".", ".."):
        return _(
            "its name contains a folder path (“/”, “\\” or “..”). Rename the file and send it again."
        )
    if "Cc" in categories:
        return _(
            "its name contains control characters (such as a NUL byte or a line break). Rename the file and send it again."
        )
    if "Cf" in categories:
        return _(
            "its name contains invisible characters that change how it reads (such as a right-to-left override), which can disguise what kind of file it is. Rename the file and send it again."
        )
    if categories & {"Cs", "Co", "Cn"}:
        return _(
            "its name contains characters that cannot be shown. Rename the file and send it again."
        )
    if len(name) > MAX_NAME_LENGTH:
        return _(
            "its name is %(length)d characters long. Rename the file to %(max)d characters or fewer and send it again."
        ) % {"length": len(name), "max": MAX_NAME_LENGTH}
    return None


def _shown(name: str) -> str:
    """A cleaned name short enough to quote in a message."""
    if len(name) <= 80:
        return name
    suffix = PurePosixPath(name).suffix[:10]
    return name[: 60 - len(suffix)] + "…" + suffix


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
        part = PurePosixPath(info.filename.replace("\\", "/"))
        if part.is_absolute() or ".." in part.parts:
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


def _png_end(data: bytes) -> int | None:
    """Where a PNG's IEND chunk ends, walking its chunks; None if it has none."""
    position = len(PNG_SIGNATURE)
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        chunk_type = data[position + 4 : position + 8]
        position += 12 + length
        if chunk_type == b"IEND":
            return position
    return None


def _check_image(data: bytes, kind: FileKind) -> FileKind:
    """A real image with nothing a browser could take for a web page: a PNG must end at its IEND
    chunk (polyglots append HTML there), and no image may carry markup anywhere (in its text
    chunks, comments or appended data). A JPEG may carry data after its end: phones append gain
    maps and motion-photo video there."""
    damaged = _("The image is damaged or not really an image.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            _(
                "The image is far too large in pixels to be a photograph or scan. Make it smaller and send it again."
            )
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(damaged) from exc
    if kind is PNG:
        end = _png_end(data)
        if end is None or end > len(data):
            raise ValidationError(damaged)
        if end < len(data):
            raise ValidationError(
                _(
                    "The image has something hidden after its end. Open it in an image editor, save it again and send that."
                )
            )
    if BINARY_MARKUP.search(data):
        raise ValidationError(
            _(
                "The image contains web page or script markup, which we do not accept. Open it in an image editor, save it again without its comments and send that."
            )
        )
    return kind


def _pdf_names(data: bytes) -> bytes:
    return PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), data)


def _inflate(buffer: bytes, start: int) -> Iterator[bytes]:
    """The zlib stream at `start` of `buffer` decompressed, in pieces of at most PDF_PIECE_BYTES. It
    is fed up to each "endstream" in turn, so the rest of the file is not copied for every stream,
    and an "endstream" planted inside the compressed bytes does not end it early."""
    decoder = zlib.decompressobj()
    view = memoryview(buffer)
    position = start
    while not decoder.eof and position < len(buffer):
        end = buffer.find(b"endstream", position)
        end = len(buffer) if end < 0 else end + len(b"endstream")
        pending, position = view[position:end], end
        while pending:
            piece = decoder.decompress(pending, PDF_PIECE_BYTES)
            pending = decoder.unconsumed_tail
            if piece:
                yield piece


def _undo_ascii_filter(dictionary: bytes, data: bytes, start: int) -> bytes | None:
    """The stream at `start` with its ASCII85 or hex encoding undone (reportlab writes streams as
    [/ASCII85Decode /FlateDecode]); None if its dictionary names neither."""
    named = PDF_ASCII_FILTER.search(dictionary)
    if named is None:
        return None
    if named[1] in (b"ASCII85Decode", b"A85"):
        end = data.find(b"~>", start)
        return base64.a85decode(data[start : end if end >= 0 else len(data)])
    end = data.find(b">", start)
    digits = re.sub(rb"\s", b"", data[start : end if end >= 0 else len(data)])
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))


def _pdf_stream_texts(data: bytes) -> Iterator[bytes]:
    """Each stream of a PDF that is ASCII-encoded or Flate-compressed, decoded, in pieces (each
    starting with the last bytes of the one before, so no name is cut in two). Object streams
    (PDF 1.5) keep dictionaries in there, so actions can hide in them. Raises ValidationError when
    a stream whose dictionary names one of those filters cannot be decoded (encrypted, most
    likely), or when they expand past MAX_PDF_EXPANDED_BYTES in all."""
    unreadable = ValidationError(
        _(
            "Parts of the PDF cannot be checked (it may be password-protected). Remove the password or print it to a new PDF (“Save as PDF”), and send that."
        )
    )
    budget = MAX_PDF_EXPANDED_BYTES
    dictionary_start = 0
    for keyword in PDF_STREAM.finditer(data):
        # The stream's dictionary lies between the previous stream keyword and this one: searching
        # all of that, no string planted inside the dictionary can hide a filter's name.
        dictionary = _pdf_names(data[dictionary_start : keyword.start()])
        dictionary_start = keyword.end()
        tail = b""
        try:
            decoded = _undo_ascii_filter(dictionary, data, keyword.end())
            if decoded is not None and b"/FlateDecode" not in dictionary:
                pieces: Iterator[bytes] = iter([decoded])
            elif decoded is not None:
                pieces = _inflate(decoded, 0)
            else:
                pieces = _inflate(data, keyword.end())
            for piece in pieces:
                budget -= len(piece)
                if budget < 0:
                    raise unreadable
                yield tail + piece
                tail = piece[-64:]
        except (zlib.error, ValueError) as exc:
            if b"/FlateDecode" in dictionary or PDF_ASCII_FILTER.search(dictionary):
                raise unreadable from exc
            # Neither Flate nor ASCII-encoded (an image, or plain text already seen in the file).


def _outside_streams(data: bytes) -> Iterator[bytes]:
    """A PDF's own syntax, without its streams' contents. Markup is looked for here only: encoded
    streams (ASCII85 text) hold a short tag name by chance far too often to refuse on it."""
    position = 0
    for keyword in PDF_STREAM.finditer(data):
        if keyword.start() < position:
            continue
        yield data[position : keyword.start()]
        end = data.find(b"endstream", keyword.end())
        position = len(data) if end < 0 else end
    yield data[position:]


def _check_pdf(data: bytes) -> FileKind:
    """A complete PDF with no web page markup in its own syntax, and no JavaScript or Launch
    action, looked for in the file and in every encoded or compressed stream."""
    if b"%%EOF" not in data[-2048:]:
        raise ValidationError(_("The PDF is incomplete or damaged."))
    if any(BINARY_MARKUP.search(part) for part in _outside_streams(data)):
        raise ValidationError(
            _(
                "The PDF contains web page or script markup, which we do not accept. Print it to a new PDF (“Save as PDF”) and send that."
            )
        )
    for text in itertools.chain([data], _pdf_stream_texts(data)):
        if action := PDF_ACTION.search(_pdf_names(text)):
            if action[1] == b"Launch":
                raise ValidationError(
                    _(
                        "The PDF contains an action that starts another program, which we do not accept. Print it to a new PDF (“Save as PDF”) and send that."
                    )
                )
            raise ValidationError(
                _(
                    "The PDF contains JavaScript, which we do not accept. Print it to a new PDF (“Save as PDF”) and send that."
                )
            )
    return PDF


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
        return _check_pdf(data)
    if data.startswith(PNG_SIGNATURE):
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
    """Check one uploaded file's name, size and content; return what was found.

    Raises ValidationError with one message that quotes the (cleaned) file name and says what to do.
    The name judged is the one the browser sent (`sent_name`, see SentNameUploadHandler), so a
    folder path or hidden character Django would quietly drop is refused instead."""
    sent_name = getattr(upload, "sent_name", None) or upload.name or ""
    display_name = clean_display_name(sent_name)
    prefix = _("“%(name)s”: ") % {"name": _shown(display_name)}
    if problem := name_problem(sent_name):
        raise ValidationError(prefix + problem)
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
