"""A PDF that says who wrote it in every place metadata hides: the information dictionary,
an XMP metadata stream, and an annotation's author (written by hand, no PDF library)."""

from __future__ import annotations


def pdf_with_metadata(author: str, pages: int = 2, body: str = "We study circuits in small transformers") -> bytes:
    xmp = (
        '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq>'
        f"<rdf:li>{author}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    )
    objects: list[str] = []
    page_ids = [6 + 3 * i for i in range(pages)]
    objects.append("<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>")  # 1
    objects.append(f"<< /Type /Pages /Kids [{' '.join(f'{p} 0 R' for p in page_ids)}] /Count {pages} >>")  # 2
    objects.append(f"<< /Author ({author}) /Title (A paper by {author}) /Creator (LaTeX for {author}) >>")  # 3
    objects.append(f"<< /Type /Metadata /Subtype /XML /Length {len(xmp)} >>\nstream\n{xmp}\nendstream")  # 4
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>")  # 5
    for i in range(pages):
        page_id = page_ids[i]
        lines = [f"{body}, page {i + 1}, line {n + 1}." for n in range(30)]
        stream = "BT /F1 10 Tf 12 TL 108 720 Td " + " ".join(f"({line}) '" for line in lines) + " ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {page_id + 1} 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [{page_id + 2} 0 R] >>")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        objects.append(f"<< /Type /Annot /Subtype /Text /Rect [100 100 120 120] /T ({author}) /Contents (A note) >>")
    out = bytearray(b"%PDF-1.6\n")
    offsets = []
    for number, body_text in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body_text}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 3 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
