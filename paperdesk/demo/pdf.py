"""Small but realistic synthetic papers for the demo: US Letter, the NeurIPS text block
(5.5 × 9 in, 1.5 in left margin, 1 in top margin), 10 pt Times, single column, a
"References" heading after the main content, then an appendix.

Written with reportlab when it is installed, else by a tiny PDF writer below."""

from __future__ import annotations

import random
import textwrap
from dataclasses import dataclass

PAGE_W, PAGE_H = 612.0, 792.0  # US Letter in points
LEFT, TOP, TEXT_W, TEXT_H = 108.0, 72.0, 396.0, 648.0  # 1.5 in, 1 in, 5.5 in, 9 in
FONT_PT, LEADING = 10.0, 12.0
CHARS_PER_LINE = 88  # Times 10 pt across 5.5 in, roughly

_SUBJECTS = [
    "the residual stream", "attention heads in the middle layers", "sparse autoencoder latents",
    "linear probes", "the unembedding matrix", "activation patching", "attribution graphs",
    "the refusal direction", "induction heads", "MLP neurons", "steering vectors", "chain-of-thought tokens",
]
_VERBS = ["encode", "mediate", "predict", "fail to explain", "track", "suppress", "amplify", "compose with"]
_OBJECTS = [
    "the model's final answer", "syntactic agreement", "factual recall", "the presence of a hidden goal",
    "numerical magnitude", "the speaker's persona", "harmful requests", "earlier reasoning steps",
]
_CLAIMS = [
    "We test this against a well-implemented baseline and report where the evidence is weak.",
    "The effect survives three random seeds but shrinks at larger scale.",
    "A simple prompting baseline recovers most of the gain, which we discuss as a limitation.",
    "We state the hypothesis in a falsifiable form before running the intervention.",
    "Ablating the component changes the output distribution far more than a random control.",
    "Our results are inconclusive for the largest model, and we say so explicitly.",
]
_SECTIONS = ["Introduction", "Related Work", "Method", "Experiments", "Results", "Analysis", "Discussion", "Ablations"]


@dataclass(frozen=True)
class Line:
    text: str
    font: str = "body"  # "body" | "bold" | "title"


def _sentence(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return rng.choice(_CLAIMS)
    return f"We find that {rng.choice(_SUBJECTS)} can {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."


def _paragraph(rng: random.Random) -> list[Line]:
    text = " ".join(_sentence(rng) for _ in range(rng.randint(4, 7)))
    return [Line(part) for part in textwrap.wrap(text, CHARS_PER_LINE)] + [Line("")]


def paper_layout(title: str, *, main_pages: int, seed: int, extra: str = "", limitations: bool = True) -> list[list[Line]]:
    """The lines of each page: `main_pages` of body text (the last one a "Limitations"
    section unless `limitations` is false), one page of references, one appendix."""
    rng = random.Random(seed)
    per_page = int(TEXT_H // LEADING) - 6
    pages: list[list[Line]] = []
    for number in range(main_pages):
        page: list[Line] = []
        if number == 0:
            page += [Line(part, "title") for part in textwrap.wrap(title, 60)]
            page += [Line(""), Line("Anonymous Author(s)"), Line("Paper under double-blind review"), Line(""),
                     Line("Abstract", "bold")]
            page += _paragraph(rng)
        if limitations and number == main_pages - 1 and number > 0:
            section = "Limitations"
        else:
            section = _SECTIONS[number] if number < len(_SECTIONS) else f"Further Experiments {number}"
        page.append(Line(f"{number + 1}   {section}", "bold"))
        if extra and number == 1:
            page += [Line(part) for part in textwrap.wrap(extra, CHARS_PER_LINE)] + [Line("")]
        while len(page) < per_page - 8:
            page += _paragraph(rng)
        pages.append(page)
    references = [Line("References", "bold"), Line("")]
    for index in range(1, 11):
        author = rng.choice(["Elhage", "Olah", "Nanda", "Conmy", "Marks", "Geiger", "Belrose", "Templeton", "Lindsey", "Wang"])
        references += [Line(f"[{index}] {author} et al. A study of {rng.choice(_SUBJECTS)}. Preprint, {rng.randint(2020, 2025)}."), Line("")]
    pages.append(references)
    appendix = [Line("A   Appendix: additional results", "bold"), Line("")]
    for _ in range(4):
        appendix += _paragraph(rng)
    pages.append(appendix)
    return pages


def paper_pdf(title: str, *, main_pages: int, seed: int = 0, extra: str = "", limitations: bool = True) -> bytes:
    pages = paper_layout(title, main_pages=main_pages, seed=seed, extra=extra, limitations=limitations)
    try:
        import reportlab  # noqa: F401
    except ImportError:
        return _write_plain_pdf(pages, title)
    return _write_with_reportlab(pages, title)


def _write_with_reportlab(pages: list[list[Line]], title: str) -> bytes:
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_W, PAGE_H), invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor("Anonymous")
    fonts = {"body": ("Times-Roman", FONT_PT), "bold": ("Times-Bold", 12.0), "title": ("Times-Bold", 17.0)}
    for number, lines in enumerate(pages, start=1):
        y = PAGE_H - TOP - FONT_PT
        for line in lines:
            name, size = fonts[line.font]
            canvas.setFont(name, size)
            if line.font == "title":
                canvas.drawCentredString(PAGE_W / 2, y, line.text)
                y -= size + 4
            else:
                canvas.drawString(LEFT, y, line.text)
                y -= LEADING if line.font == "body" else size + 4
        canvas.setFont("Times-Roman", FONT_PT)
        canvas.drawCentredString(PAGE_W / 2, 40, str(number))
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _pdf_string(text: str) -> str:
    text = text.encode("ascii", "replace").decode("ascii")
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def _write_plain_pdf(pages: list[list[Line]], title: str) -> bytes:
    """A minimal PDF 1.4: one content stream per page, Times fonts, a cross-reference table."""
    fonts = {"body": ("F1", FONT_PT), "bold": ("F2", 12.0), "title": ("F2", 17.0)}
    page_count = len(pages)
    # Object numbers: 1 catalog, 2 page tree, 3 and 4 fonts, 5 info, then page/content pairs.
    first_page = 6
    bodies: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: (f"<< /Type /Pages /Count {page_count} /Kids ["
            + " ".join(f"{first_page + 2 * i} 0 R" for i in range(page_count)) + "] >>").encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>",
        4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Bold /Encoding /WinAnsiEncoding >>",
        5: f"<< /Title {_pdf_string(title)} /Author (Anonymous) /Producer (Paperdesk demo) >>".encode(),
    }
    for index, lines in enumerate(pages):
        ops = []
        y = PAGE_H - TOP - FONT_PT
        for line in lines:
            font, size = fonts[line.font]
            x = LEFT if line.font != "title" else max(LEFT, (PAGE_W - len(line.text) * size * 0.5) / 2)
            ops.append(f"BT /{font} {size:g} Tf {x:.1f} {y:.1f} Td {_pdf_string(line.text)} Tj ET")
            y -= LEADING if line.font == "body" else size + 4
        ops.append(f"BT /F1 {FONT_PT:g} Tf {PAGE_W / 2 - 3:.1f} 40 Td {_pdf_string(str(index + 1))} Tj ET")
        stream = "\n".join(ops).encode("latin-1")
        page_id, content_id = first_page + 2 * index, first_page + 2 * index + 1
        bodies[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W:g} {PAGE_H:g}] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>"
        ).encode()
        bodies[content_id] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(bodies):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + bodies[number] + b"\nendobj\n"
    xref_at = len(out)
    size = max(bodies) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number]
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref_at)
    return bytes(out)
