"""Hostile files and file names, each made in code, with the message the uploader must be shown.

Every file named for a hostile *name* carries a valid PDF, so only its name can get it refused."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from PIL import Image
from PIL.PngImagePlugin import PngInfo

SCRIPT_PAGE = (
    b"<!doctype html><html><head><title>hostile</title></head><body>"
    b"<script>alert(document.cookie)</script></body></html>"
)
SCRIPT_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
APPENDED_PAGE = b"<html><script>alert(1)</script></html>"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
JAVASCRIPT_ACTION = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"


# --- Builders -------------------------------------------------------------------------------------
def classic_pdf(action: bytes = b"<< /S /URI /URI (https://www.gov.uk/) >>") -> bytes:
    """A one-page PDF 1.4 that runs `action` when opened, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate((CATALOG, PAGES, PAGE, action), 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 5\n0000000000 65535 f \n"
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def object_stream_pdf(action: bytes, *, readable: bool = True) -> bytes:
    """A PDF 1.5 whose opening action (object 4) is kept compressed in an object stream (object 5),
    found through a cross-reference stream (object 6): the action's bytes appear nowhere in the
    file. With `readable` False the object stream's bytes are noise, as if encrypted (these start
    with 0x1a, which no zlib stream can)."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}

    def add(number: int, body: bytes) -> None:
        offsets[number] = len(out)
        out.extend(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    add(1, CATALOG)
    add(2, PAGES)
    add(3, PAGE)
    header = b"4 0 "
    noise = hashlib.sha512(b"encrypted object stream").digest()
    packed = zlib.compress(header + action) if readable else noise
    add(
        5,
        b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(header), len(packed))
        + packed
        + b"\nendstream",
    )
    xref = len(out)
    rows = [(0, 0, 65535), *((1, offsets[n], 0) for n in (1, 2, 3))]
    rows += [(2, 5, 0), (1, offsets[5], 0), (1, xref, 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    )
    return bytes(out)


def png(text: dict[str, str] | None = None, size: tuple[int, int] = (8, 8)) -> bytes:
    info = PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg(comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, format="JPEG", comment=comment)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data))
    )


def pixel_bomb_png() -> bytes:
    """A 60-byte PNG that says it is 200,000 × 200,000 pixels (120 GB once decoded)."""
    header = struct.pack(">IIBBBBB", 200_000, 200_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00"))
        + _png_chunk(b"IEND", b"")
    )


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


ZIP_BOMB_DECLARED_BYTES = 600 * 1024 * 1024


def _zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, deflated bytes, CRC-32, size) entries, written by hand because zipfile
    cannot take bytes that are already compressed."""
    out, directory = bytearray(), bytearray()
    for name, deflated, crc, size in entries:
        offset, encoded = len(out), name.encode()
        fields = (8, 0, 0x21, crc, len(deflated), size, len(encoded))
        out += struct.pack("<IHH" + "HHHIIIH" + "H", 0x04034B50, 20, 0, *fields, 0)
        out += encoded + deflated
        directory += struct.pack(
            "<IHHH" + "HHHIIIH" + "HHHHII", 0x02014B50, 20, 20, 0, *fields, 0, 0, 0, 0, 0,
            offset,
        )  # fmt: skip
        directory += encoded
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory),
        len(out), 0,
    )  # fmt: skip
    return bytes(out + directory + end)


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


@cache
def zip_bomb_docx() -> bytes:
    """A Word-shaped zip with a real 600 MB part of zeros, about 0.6 MB in all. Made fast: one
    megabyte of zeros deflated and flushed in full decodes on its own, so the part is that block
    600 times over (deflating 600 MB would take seconds on a busy machine)."""
    megabyte = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeats = ZIP_BOMB_DECLARED_BYTES // len(megabyte)
    crc = 0
    for _ in range(repeats):
        crc = zlib.crc32(megabyte, crc)
    return _zip(
        [
            ("[Content_Types].xml", *_deflated(b"<Types/>")),
            ("word/document.xml", *_deflated(b"<w:document/>")),
            ("word/media/image1.bin", block * repeats + compressor.flush(), crc,
             ZIP_BOMB_DECLARED_BYTES),
        ]
    )  # fmt: skip


@cache
def many_parts_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(10_000):
            archive.writestr(f"word/part{number}.xml", b"<p/>")
    return buffer.getvalue()


def windows_program() -> bytes:
    """The start of a Windows PE executable: the MZ header pointing at the PE signature."""
    header = bytearray(b"MZ\x90\x00" + bytes(0x3C))
    header[0x3C:0x40] = struct.pack("<I", 0x80)
    header += bytes(0x80 - len(header)) + b"PE\x00\x00" + b"\x4c\x01" + bytes(200)
    return bytes(header)


def linux_program() -> bytes:
    """The start of a 64-bit ELF executable."""
    return b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(300)


# --- The corpus -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hostile:
    """One hostile upload: the name as sent, what it is, how to make its bytes, and the message."""

    id: str
    sent_name: str
    what: str
    make: Callable[[], bytes]
    message: str
    # Send the name RFC 2231-encoded (`filename*=UTF-8''...`), as some clients do.
    rfc2231: bool = False

    @property
    def content(self) -> bytes:
        return self.make()


ACCEPTED_TYPES = "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV"
WEB_PAGE = "the file is a web page or contains script, which we do not accept."
IMAGE_MARKUP = (
    "the image contains web page or script markup, which we do not accept. Open it in an image "
    "editor, save it again without its comments and send that."
)
PDF_SCRIPT = (
    "the PDF contains JavaScript, which we do not accept. Print it to a new PDF (“Save as PDF”) "
    "and send that."
)
RENAME = "Rename the file and send it again."
FOLDER = f"its name contains a folder path (“/”, “\\” or “..”). {RENAME}"
CONTROL = f"its name contains control characters (such as a NUL byte or a line break). {RENAME}"
INVISIBLE = (
    "its name contains invisible characters that change how it reads (such as a right-to-left "
    f"override), which can disguise what kind of file it is. {RENAME}"
)
LONG_NAME = "a" * 296 + ".pdf"
SHOWN_LONG_NAME = "a" * 56 + "….pdf"


def _valid_pdf() -> bytes:
    return classic_pdf()


def _h(
    id: str,
    sent_name: str,
    what: str,
    make: Callable[[], bytes],
    message: str,
    *,
    shown: str = "",
    rfc2231: bool = False,
) -> Hostile:
    """A corpus entry whose message quotes `shown`: by default the name without its folders and
    invisible characters (the uploader's name made safe to show)."""
    if not shown:
        shown = "".join(ch for ch in sent_name if ch.isprintable())
        shown = shown.replace("\\", "/").rsplit("/", 1)[-1].strip(".") or "evidence"
    return Hostile(id, sent_name, what, make, f"“{shown}”: {message}", rfc2231)


CORPUS: list[Hostile] = [
    # Web pages and script under other names.
    _h(
        "html-as-pdf",
        "statement.pdf",
        "HTML page with <script>, named .pdf",
        lambda: SCRIPT_PAGE,
        WEB_PAGE,
    ),
    _h(
        "html-as-txt",
        "notes.txt",
        "HTML page with <script>, named .txt",
        lambda: SCRIPT_PAGE,
        "the file contains web page or script markup, which we do not accept.",
    ),
    _h(
        "html-as-docx",
        "letter.docx",
        "HTML page with <script>, named .docx",
        lambda: SCRIPT_PAGE,
        WEB_PAGE,
    ),
    _h(
        "html",
        "page.html",
        "HTML page with <script>, named .html",
        lambda: SCRIPT_PAGE,
        f"files ending “.html” are not accepted. Send {ACCEPTED_TYPES} files.",
    ),
    _h(
        "svg",
        "chart.svg",
        "SVG with <script> and onload",
        lambda: SCRIPT_SVG,
        f"files ending “.svg” are not accepted. Send {ACCEPTED_TYPES} files.",
    ),
    _h(
        "svg-as-png",
        "chart.png",
        "SVG with <script> and onload, named .png",
        lambda: SCRIPT_SVG,
        WEB_PAGE,
    ),
    # Real images carrying a web page.
    _h(
        "png-html-appended",
        "photo.png",
        "real PNG with an HTML page after IEND",
        lambda: png() + APPENDED_PAGE,
        "the image has something hidden after its end. Open it in an image editor, save it "
        "again and send that.",
    ),
    _h(
        "png-html-text-chunk",
        "scan.png",
        "real PNG with an HTML page in a tEXt chunk",
        lambda: png({"Comment": APPENDED_PAGE.decode()}),
        IMAGE_MARKUP,
    ),
    _h(
        "jpeg-html-appended",
        "photo.jpg",
        "real JPEG with an HTML page after EOI",
        lambda: jpeg() + APPENDED_PAGE,
        IMAGE_MARKUP,
    ),
    _h(
        "jpeg-html-comment",
        "scan.jpg",
        "real JPEG with an HTML page in its comment",
        lambda: jpeg(comment=APPENDED_PAGE),
        IMAGE_MARKUP,
    ),
    _h(
        "png-pixel-bomb",
        "huge.png",
        "60-byte PNG declaring 200,000 × 200,000 pixels",
        pixel_bomb_png,
        "the image is far too large in pixels to be a photograph or scan. Make it smaller and "
        "send it again.",
    ),
    _h(
        "pdf-html-polyglot",
        "report.pdf",
        "PDF header and %%EOF around an HTML page",
        lambda: b"%PDF-1.4\n" + SCRIPT_PAGE + b"\n%%EOF\n",
        "the PDF contains web page or script markup, which we do not accept. Print it to a new "
        "PDF (“Save as PDF”) and send that.",
    ),
    # Programs.
    _h(
        "windows-program",
        "setup.docx",
        "Windows executable (MZ/PE header), named .docx",
        windows_program,
        f"the file's contents are not one of the types we accept: {ACCEPTED_TYPES}.",
    ),
    _h(
        "linux-program",
        "minutes.docx",
        "Linux executable (ELF header), named .docx",
        linux_program,
        f"the file's contents are not one of the types we accept: {ACCEPTED_TYPES}.",
    ),
    # Archives.
    _h(
        "zip-bomb",
        "bundle.docx",
        "Word-shaped zip with a 600 MB part of zeros",
        zip_bomb_docx,
        "the document expands to far more than its size (a “zip bomb”).",
    ),
    _h(
        "many-parts",
        "parts.docx",
        "Word-shaped zip with 10,002 entries",
        many_parts_docx,
        "the document contains too many parts to be a real document.",
    ),
    _h(
        "zip-slip",
        "escape.docx",
        "Word-shaped zip with an entry ../../evil.sh",
        lambda: docx({"../../evil.sh": b"#!/bin/sh\n"}),
        "the document contains a part with an unsafe name.",
    ),
    _h(
        "zip-slip-windows",
        "escape2.docx",
        "Word-shaped zip with an entry ..\\..\\evil.bat",
        lambda: docx({"..\\..\\evil.bat": b"@echo off\n"}),
        "the document contains a part with an unsafe name.",
    ),
    # PDFs with active content.
    _h(
        "pdf-javascript",
        "submission.pdf",
        "PDF that runs JavaScript when opened",
        lambda: classic_pdf(JAVASCRIPT_ACTION),
        PDF_SCRIPT,
    ),
    _h(
        "pdf-javascript-escaped",
        "submission2.pdf",
        "PDF whose JavaScript action is spelt /J#61vaScript",
        lambda: classic_pdf(b"<< /S /J#61vaScript /JS (app.alert\\(1\\)) >>"),
        PDF_SCRIPT,
    ),
    _h(
        "pdf-javascript-object-stream",
        "submission3.pdf",
        "PDF 1.5 with its JavaScript action compressed in an object stream",
        lambda: object_stream_pdf(JAVASCRIPT_ACTION),
        PDF_SCRIPT,
    ),
    _h(
        "pdf-launch",
        "annex.pdf",
        "PDF that launches a program when opened",
        lambda: classic_pdf(b"<< /S /Launch /F (cmd.exe) >>"),
        "the PDF contains an action that starts another program, which we do not accept. Print "
        "it to a new PDF (“Save as PDF”) and send that.",
    ),
    _h(
        "pdf-unreadable-object-stream",
        "locked.pdf",
        "PDF 1.5 whose object stream cannot be read (as if encrypted)",
        lambda: object_stream_pdf(JAVASCRIPT_ACTION, readable=False),
        "parts of the PDF cannot be checked (it may be password-protected). Remove the password "
        "or print it to a new PDF (“Save as PDF”), and send that.",
    ),
    # Hostile names on a valid PDF.
    _h(
        "name-path",
        "../../etc/passwd.pdf",
        "valid PDF named ../../etc/passwd.pdf",
        _valid_pdf,
        FOLDER,
    ),
    _h(
        "name-path-rfc2231",
        "../../etc/passwd.pdf",
        "valid PDF named ../../etc/passwd.pdf, sent as filename*=UTF-8''",
        _valid_pdf,
        FOLDER,
        rfc2231=True,
    ),
    _h(
        "name-path-entities",
        "&#47;etc&#47;passwd.pdf",
        "valid PDF named &#47;etc&#47;passwd.pdf (Django reads &#47; as /)",
        _valid_pdf,
        FOLDER,
        shown="passwd.pdf",
    ),
    _h(
        "name-windows-path",
        "..\\..\\Windows\\win.ini.pdf",
        "valid PDF named ..\\..\\Windows\\win.ini.pdf",
        _valid_pdf,
        FOLDER,
    ),
    _h("name-dot-dot", "..", "valid PDF named ..", _valid_pdf, FOLDER),
    _h(
        "name-nul",
        "report\x00.pdf",
        "valid PDF named report<NUL>.pdf",
        _valid_pdf,
        CONTROL,
    ),
    _h(
        "name-newline",
        "report\r\n.pdf",
        "valid PDF named report<CR><LF>.pdf",
        _valid_pdf,
        CONTROL,
        rfc2231=True,
    ),
    _h(
        "name-rlo",
        "evidence\u202egpj.pdf",
        "valid PDF named evidence<RLO>gpj.pdf (shows as evidencefdp.jpg)",
        _valid_pdf,
        INVISIBLE,
    ),
    _h(
        "name-rlo-exe",
        "invoice\u202efdp.exe",
        "valid PDF named invoice<RLO>fdp.exe (shows as invoiceexe.pdf)",
        _valid_pdf,
        INVISIBLE,
    ),
    _h(
        "name-300",
        LONG_NAME,
        "valid PDF with a 300-character name",
        _valid_pdf,
        "its name is 300 characters long. Rename the file to 200 characters or fewer and "
        "send it again.",
        shown=SHOWN_LONG_NAME,
    ),
]
BY_ID = {item.id: item for item in CORPUS}
