"""Real-world shapes of Word files built from python-docx output: Strict Open XML, notes,
comments and text boxes, the way Word writes them."""

from .hostile_files import parts_of, rebuild
from .sample_files import simple_docx

TRANSITIONAL = {
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main": (
        b"http://purl.oclc.org/ooxml/wordprocessingml/main"
    ),
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
        b"http://purl.oclc.org/ooxml/officeDocument/relationships"
    ),
    b"http://schemas.openxmlformats.org/drawingml/2006/main": (
        b"http://purl.oclc.org/ooxml/drawingml/main"
    ),
}
W_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
R_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def strict_docx(**kwargs) -> bytes:
    """What Word's "Strict Open XML Document" save writes: the same parts, other namespaces."""
    data = simple_docx(**kwargs)
    replaced = {}
    for name, payload in parts_of(data).items():
        if name.endswith((".xml", ".rels")):
            for old, new in TRANSITIONAL.items():
                payload = payload.replace(old, new)
            replaced[name] = payload
    return rebuild(data, replace=replaced)


def foreign_markup_docx() -> bytes:
    """A main part in a vocabulary nobody reads (not WordprocessingML at all)."""
    data = simple_docx()
    main = parts_of(data)["word/document.xml"].replace(
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        b"urn:example:not-word",
    )
    return rebuild(data, replace={"word/document.xml": main})


def _paragraphs(texts) -> bytes:
    return b"".join(b"<w:p><w:r><w:t>" + text.encode() + b"</w:t></w:r></w:p>" for text in texts)


def annotated_docx(*, footnote: str, endnote: str, comment: str) -> bytes:
    """A document with one footnote, one endnote and one comment, each referenced from the body."""
    data = simple_docx()
    parts = parts_of(data)
    separator = (
        b'<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        b"</w:footnote>"
    )
    footnotes = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes '
        + W_NS
        + b">"
        + separator
        + b'<w:footnote w:id="1">'
        + _paragraphs([footnote])
        + b"</w:footnote></w:footnotes>"
    )
    endnotes = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:endnotes '
        + W_NS
        + b">"
        + separator.replace(b"footnote", b"endnote")
        + b'<w:endnote w:id="1">'
        + _paragraphs([endnote])
        + b"</w:endnote></w:endnotes>"
    )
    comments = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments ' + W_NS + b">"
        b'<w:comment w:id="0" w:author="Tham dinh vien" w:initials="TD">'
        + _paragraphs([comment])
        + b"</w:comment></w:comments>"
    )
    references = (
        '<w:p><w:r><w:t xml:space="preserve">Xem ghi chú </w:t></w:r>'
        '<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:endnoteReference w:id="1"/></w:r>'
        '<w:commentRangeStart w:id="0"/><w:r><w:t>đoạn được góp ý</w:t></w:r>'
        '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:p>'
    ).encode()
    document = parts["word/document.xml"].replace(b"<w:sectPr", references + b"<w:sectPr", 1)
    rels = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        "".join(
            f'<Relationship Id="rIdNote{n}" Type="{R_TYPE}{kind}" Target="{kind}.xml"/>'
            for n, kind in enumerate(("footnotes", "endnotes", "comments"))
        ).encode()
        + b"</Relationships>",
    )
    types = parts["[Content_Types].xml"].replace(
        b"</Types>",
        "".join(
            f'<Override PartName="/word/{kind}.xml" ContentType="{CT}{kind}+xml"/>'
            for kind in ("footnotes", "endnotes", "comments")
        ).encode()
        + b"</Types>",
    )
    return rebuild(
        data,
        replace={
            "word/document.xml": document,
            "word/_rels/document.xml.rels": rels,
            "[Content_Types].xml": types,
        },
        add={
            "word/footnotes.xml": footnotes,
            "word/endnotes.xml": endnotes,
            "word/comments.xml": comments,
        },
    )


def text_box_docx(text: str) -> bytes:
    """A paragraph holding a text box, written as Word does: a DrawingML shape in mc:Choice and
    the same box again as VML in mc:Fallback."""
    data = simple_docx()
    parts = parts_of(data)
    box = _paragraphs([text])
    run = (
        '<w:p><w:r><w:t xml:space="preserve">Trước hộp </w:t></w:r>'.encode() + b"<w:r>"
        b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
        b' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
        b' xmlns:v="urn:schemas-microsoft-com:vml">'
        b'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>'
        + box
        + b"</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>"
        b"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>"
        + box
        + b"</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        b"</mc:AlternateContent></w:r></w:p>"
    )
    document = parts["word/document.xml"].replace(b"<w:sectPr", run + b"<w:sectPr", 1)
    return rebuild(data, replace={"word/document.xml": document})
