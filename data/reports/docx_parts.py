"""The pieces of a Word file python-docx has no API for: embedded fonts, a page-number
footer made of fields, and cell shading. Each writes the WordprocessingML of ECMA-376
Part 1 directly."""

from __future__ import annotations

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from data.reports.fonts import (
    FAMILY,
    ODTTF_TYPE,
    TYPED,
    font_key,
    font_path,
    obfuscate,
    subset_font,
)

# fontTable.xml slot of each style, in the order the schema wants them (CT_Font).
_EMBED = (("regular", "embedRegular"), ("bold", "embedBold"), ("italic", "embedItalic"),
          ("bold_italic", "embedBoldItalic"))
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def set_cell_shade(cell, fill: str) -> None:
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shade)


def _field(paragraph, instr: str, size: float) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    props, sz = OxmlElement("w:rPr"), OxmlElement("w:sz")
    sz.set(qn("w:val"), str(round(size * 2)))  # half-points
    props.append(sz)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = "1"  # shown until the reader updates fields, which Word and LibreOffice do
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def page_number_footer(section, label: str, size: float) -> None:
    """'Trang {page}/{pages}' centred at the foot of every page, as PAGE and NUMPAGES
    fields."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, _, rest = label.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    for text, instr in ((before, "PAGE"), (middle, "NUMPAGES"), (after, None)):
        if text:
            p.add_run(text).font.size = Pt(size)
        if instr:
            _field(p, instr, size)


def _font_table(document) -> Part:
    for part in document.part.package.iter_parts():
        if part.partname == "/word/fontTable.xml":
            return part
    raise ValueError("the DOCX template has no word/fontTable.xml to list embedded fonts in")


def _font_entry(table: etree._Element) -> etree._Element:
    """The <w:font> of FAMILY, emptied of any earlier embedding."""
    for font in table.findall(f"{{{_W}}}font"):
        if font.get(f"{{{_W}}}name") == FAMILY:
            table.remove(font)
    font = etree.SubElement(table, f"{{{_W}}}font", {f"{{{_W}}}name": FAMILY})
    etree.SubElement(font, f"{{{_W}}}charset", {f"{{{_W}}}val": "00"})
    etree.SubElement(font, f"{{{_W}}}family", {f"{{{_W}}}val": "roman"})
    etree.SubElement(font, f"{{{_W}}}pitch", {f"{{{_W}}}val": "variable"})
    return font


def embed_fonts(document) -> None:
    """Embed FAMILY's four styles, subset to what the document holds and an office may
    type (data/reports/fonts.py), and tell Word to keep them embedded on save."""
    part = _font_table(document)
    table = etree.fromstring(part.blob)
    entry = _font_entry(table)
    chars = TYPED | set("".join(document.element.body.itertext()))
    for i, (style, tag) in enumerate(_EMBED, start=1):
        key = font_key(style)
        data = obfuscate(subset_font(font_path(style), chars), key)
        font = Part(PackURI(f"/word/fonts/font{i}.odttf"), ODTTF_TYPE, data,
                    document.part.package)
        rid = part.relate_to(font, RT.FONT)
        etree.SubElement(entry, f"{{{_W}}}{tag}", {f"{{{_R}}}id": rid,
                                                   f"{{{_W}}}fontKey": key})
    # python-docx keeps this part as opaque bytes: replacing them is how it is edited.
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8",
                                standalone=True)
    settings = document.settings.element
    for tag in ("w:embedTrueTypeFonts", "w:saveSubsetFonts"):
        if settings.find(qn(tag)) is None:
            settings.insert(0, OxmlElement(tag))
