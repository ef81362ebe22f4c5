"""The periodic report as a Word document (python-docx): A4 with the margins of an
administrative document, the two-column header, numbered sections, tables whose header
row repeats on every page, the map, the signature block, annexes, page numbers, and the
typeface embedded (data/reports/fonts.py) so Vietnamese reads right on any computer.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from data.reports.docx_parts import embed_fonts, page_number_footer, set_cell_shade
from data.reports.fonts import FAMILY
from data.reports.layout import Figure, Heading, ReportDoc, Table

TEXT_WIDTH_CM = 16.0  # A4 21 cm less 3 cm left and 2 cm right margins
BODY_PT, TABLE_PT, NOTE_PT = 12, 9.5, 10
# DejaVu is wider than the Times New Roman such headers are usually set in: at 10.5 pt
# the national title still fits on one line of the right-hand column.
HEADER_PT, HEADER_CM = 10.5, (5.8, 10.2)
MAP_MAX_HEIGHT_CM = 12.5  # so the map fits on the first page under the header
KEEP_ROWS = 8
_ALIGN = {"L": WD_ALIGN_PARAGRAPH.LEFT, "C": WD_ALIGN_PARAGRAPH.CENTER,
          "R": WD_ALIGN_PARAGRAPH.RIGHT}


def _page(d) -> None:
    s = d.sections[0]
    s.page_width, s.page_height = Cm(21), Cm(29.7)
    s.left_margin, s.right_margin = Cm(3), Cm(2)
    s.top_margin, s.bottom_margin = Cm(2), Cm(2)


def _styles(d) -> None:
    normal = d.styles["Normal"]
    normal.font.name, normal.font.size = FAMILY, Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FAMILY)  # every script slot, so no run falls back to another
    fmt = normal.paragraph_format
    fmt.space_after, fmt.space_before, fmt.line_spacing = Pt(3), Pt(0), 1.1


def _para(container, text: str = "", *, bold=False, italic=False, underline=False, size=None,
          align=WD_ALIGN_PARAGRAPH.LEFT, after=None, before=None):
    p = container.add_paragraph()
    p.alignment = align
    if after is not None:
        p.paragraph_format.space_after = Pt(after)
    if before is not None:
        p.paragraph_format.space_before = Pt(before)
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    return p


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _fixed_widths(table, widths) -> None:
    """Column widths that Word and LibreOffice both keep: the grid's and every cell's."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _two_columns(d, widths_cm: tuple[float, float]):
    table = d.add_table(rows=1, cols=2)
    _borderless(table)
    _fixed_widths(table, [Cm(w) for w in widths_cm])
    for cell in table.rows[0].cells:
        cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return table.rows[0].cells


def _header(d, doc: ReportDoc) -> None:
    left, right = _two_columns(d, HEADER_CM)
    c = WD_ALIGN_PARAGRAPH.CENTER
    _para(left, doc.issuer[0], size=HEADER_PT, align=c, after=0)
    _para(left, doc.issuer[1], bold=True, size=HEADER_PT, align=c, after=0)
    _para(left, "──────────", size=8, align=c, after=2)  # the short rule under the body
    _para(left, doc.issuer[2], size=HEADER_PT, align=c)
    _para(right, doc.nation[0], bold=True, size=HEADER_PT, align=c, after=0)
    _para(right, doc.nation[1], bold=True, underline=True, size=HEADER_PT + 1, align=c,
          after=8)
    _para(right, doc.place_date, italic=True, size=HEADER_PT + 0.5, align=c)
    _para(d, doc.heading, bold=True, size=14, align=c, before=14, after=0)
    _para(d, doc.subtitle, bold=True, size=13, align=c, after=2)
    _para(d, doc.scope_line, italic=True, size=11, align=c, after=10)


def _keep_together(table, rows: int) -> None:
    """A short table moves to the next page whole rather than leave a row behind: each
    row keeps with the next. Only short ones: LibreOffice chains long runs of kept rows
    into odd page breaks."""
    if rows > KEEP_ROWS:
        return
    for row in table.rows[:-1]:
        for cell in row.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True


def _table(d, t: Table) -> None:
    table = d.add_table(rows=1, cols=len(t.header))
    table.style = d.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [Cm(TEXT_WIDTH_CM * w / sum(t.widths)) for w in t.widths]
    head = table.rows[0]
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeats on each page
    for i, row in enumerate([t.header, *t.rows]):
        cells = head.cells if i == 0 else table.add_row().cells
        bold = i == 0 or (t.total and i == len(t.rows))
        for j, (cell, text) in enumerate(zip(cells, row, strict=True)):
            p = cell.paragraphs[0]
            p.alignment = _ALIGN["C" if i == 0 else t.align[j]]
            p.paragraph_format.space_after = Pt(0)
            run = p.add_run(text)
            run.bold, run.font.size = bold, Pt(TABLE_PT)
            if i == 0:
                set_cell_shade(cell, "E6E6E6")
    _fixed_widths(table, widths)
    _keep_together(table, len(t.rows))
    _para(d, "", after=2)


def _block(d, block) -> None:
    if isinstance(block, Heading):
        p = _para(d, block.text, bold=True, size=BODY_PT + 0.5, before=8, after=3)
        p.paragraph_format.keep_with_next = True
    elif isinstance(block, Table):
        _table(d, block)
    elif isinstance(block, Figure):
        width, height = block.size_cm(15, MAP_MAX_HEIGHT_CM)
        d.add_picture(io.BytesIO(block.png), width=Cm(width), height=Cm(height))
        d.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _para(d, block.caption, italic=True, size=NOTE_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    elif block.style == "subheading":
        p = _para(d, block.text, bold=True, italic=True, before=4, after=2)
        p.paragraph_format.keep_with_next = True
    elif block.style == "note":
        _para(d, block.text, italic=True, size=NOTE_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    else:
        p = _para(d, block.text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        p.paragraph_format.first_line_indent = Cm(1)


def _signature(d, doc: ReportDoc) -> None:
    _para(d, "", after=6)
    left, right = _two_columns(d, (7.5, 8.5))
    _para(left, doc.recipients[0], bold=True, italic=True, size=12, after=0)
    for line in doc.recipients[1:]:
        _para(left, line, size=11, after=0)
    c = WD_ALIGN_PARAGRAPH.CENTER
    _para(right, doc.signer[0], bold=True, size=12, align=c, after=0)
    _para(right, doc.signer[1], bold=True, size=12, align=c, after=0)
    _para(right, doc.signer[2], italic=True, size=11, align=c, after=60)  # room to sign


def _annexes(d, doc: ReportDoc) -> None:
    for title, sub, blocks in doc.annexes:
        p = _para(d, title, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
        p.paragraph_format.page_break_before = True
        _para(d, sub, italic=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER, after=8)
        for block in blocks:
            _block(d, block)


def _properties(d, doc: ReportDoc) -> None:
    p = d.core_properties
    p.title, p.subject, p.keywords = doc.title, doc.subject, doc.keywords
    p.author = p.last_modified_by = "vungxanh"
    p.comments, p.revision, p.language = doc.keywords, 1, doc.lang
    if doc.generated_at is not None:
        p.created = p.modified = doc.generated_at.replace(tzinfo=None)


def report_docx(doc: ReportDoc) -> bytes:
    """The report as DOCX bytes."""
    d = Document()
    _page(d)
    _styles(d)
    _header(d, doc)
    for block in doc.body:
        _block(d, block)
    _signature(d, doc)
    _annexes(d, doc)
    page_number_footer(d.sections[0], doc.page_label, NOTE_PT)
    _properties(d, doc)
    embed_fonts(d)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()

