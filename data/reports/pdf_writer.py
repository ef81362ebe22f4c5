"""The periodic report as PDF, with fpdf2: pure Python (nothing to compile on an office
server), TrueType fonts embedded and subset with a ToUnicode map (so Vietnamese text can
be searched and copied), tables that repeat their header row across pages, and an
outline of the sections. Layout mirrors data/reports/docx_writer.py: A4, 30/20 mm margins.
"""

from __future__ import annotations

import io

from fpdf import FPDF, FontFace

from data.reports.fonts import font_path
from data.reports.layout import Figure, Heading, ReportDoc, Table

FONT = "DejaVuSerif"
LEFT, RIGHT, TOP, BOTTOM = 30, 20, 20, 20  # mm
WIDTH = 210 - LEFT - RIGHT
BODY_PT, TABLE_PT, NOTE_PT, HEADER_PT = 12, 9.5, 10, 10.5
LINE = 1.35  # line height, in font sizes
MAP_MAX_MM = (150, 125)
KEEP_MM = 60
SIGNATURE_MM = 45  # room the signature block needs; less left, and it starts a page


class _ReportPdf(FPDF):
    def __init__(self, doc: ReportDoc):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, BOTTOM)
        for style, name in (("", "regular"), ("B", "bold"), ("I", "italic"),
                            ("BI", "bold_italic")):
            self.add_font(FONT, style, str(font_path(name)))
        self.alias_nb_pages("{nb}")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 9)
        text = self.doc.page_label.format(page=self.page_no(), pages="{nb}")
        self.cell(0, 5, text, align="C")

    def text_block(self, text: str, size: float, style: str = "", align: str = "J",
                   x: float | None = None, w: float = 0, after: float = 1.5) -> None:
        self.set_font(FONT, style, size)
        if x is not None:
            self.set_x(x)
        self.multi_cell(w, size * LINE * 0.3528, text, align=align,
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(after)

    def room(self, mm: float) -> None:
        """Start a new page unless `mm` millimetres are left on this one."""
        if self.get_y() + mm > self.page_break_trigger:
            self.add_page()


def _column(pdf: _ReportPdf, x: float, w: float, y: float, lines) -> float:
    """Centred lines (text, style, size) in a column; returns the y under them."""
    pdf.set_y(y)
    for text, style, size in lines:
        pdf.text_block(text, size, style, "C", x=x, w=w, after=0.3)
    return pdf.get_y()


def _rule(pdf: _ReportPdf, centre: float, y: float, width: float) -> None:
    pdf.set_line_width(0.3)
    pdf.line(centre - width / 2, y, centre + width / 2, y)


def _header(pdf: _ReportPdf, doc: ReportDoc) -> None:
    left_w, right_w = 58, WIDTH - 58
    top = pdf.get_y()
    y = _column(pdf, LEFT, left_w, top, [(doc.issuer[0], "", HEADER_PT),
                                         (doc.issuer[1], "B", HEADER_PT)])
    _rule(pdf, LEFT + left_w / 2, y + 0.8, left_w / 3)  # the short rule under the body
    left_end = _column(pdf, LEFT, left_w, y + 2.5, [(doc.issuer[2], "", HEADER_PT)])
    x = LEFT + left_w
    y = _column(pdf, x, right_w, top, [(doc.nation[0], "B", HEADER_PT),
                                       (doc.nation[1], "B", HEADER_PT + 1)])
    pdf.set_font(FONT, "B", HEADER_PT + 1)
    _rule(pdf, x + right_w / 2, y + 0.3, pdf.get_string_width(doc.nation[1]))
    right_end = _column(pdf, x, right_w, y + 3, [(doc.place_date, "I", HEADER_PT + 0.5)])
    pdf.set_y(max(left_end, right_end) + 6)
    pdf.text_block(doc.heading, 14, "B", "C", after=0)
    pdf.text_block(doc.subtitle, 13, "B", "C", after=0.5)
    pdf.text_block(doc.scope_line, 11, "I", "C", after=4)


def _need(block) -> float:
    """Millimetres a block needs on the page it starts on: a short table all of it
    (about 5 mm a row, the header twice that), a long one its first rows; the map all."""
    if isinstance(block, Table):
        return min(5 * (len(block.rows) + 2), KEEP_MM)
    if isinstance(block, Figure):
        return block.size_cm(MAP_MAX_MM[0] / 10, MAP_MAX_MM[1] / 10)[1] * 10 + 10
    return 12


def _table(pdf: _ReportPdf, t: Table) -> None:
    pdf.room(_need(t))
    pdf.set_font(FONT, "", TABLE_PT)
    head = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    with pdf.table(width=WIDTH, col_widths=tuple(t.widths), text_align=tuple(t.align),
                   headings_style=head, line_height=TABLE_PT * 1.3 * 0.3528,
                   repeat_headings=1, padding=0.8) as table:
        header = table.row()
        for text in t.header:
            header.cell(text, align="C")
        for i, cells in enumerate(t.rows):
            row = table.row()
            bold = t.total and i == len(t.rows) - 1
            for text in cells:
                row.cell(text, style=FontFace(emphasis="BOLD") if bold else None)
    pdf.ln(2.5)


def _figure(pdf: _ReportPdf, f: Figure) -> None:
    w_cm, h_cm = f.size_cm(MAP_MAX_MM[0] / 10, MAP_MAX_MM[1] / 10)
    pdf.room(_need(f))
    pdf.image(io.BytesIO(f.png), x=LEFT + (WIDTH - w_cm * 10) / 2, w=w_cm * 10, h=h_cm * 10)
    pdf.ln(1)
    pdf.text_block(f.caption, NOTE_PT, "I", "C", after=3)


def _block(pdf: _ReportPdf, block, after=None) -> None:
    """Draw `block`; a heading starts a page unless the start of `after` (the block
    that follows it) fits under it, so no heading is left alone at the foot of a page."""
    if isinstance(block, Heading) or getattr(block, "style", "") == "subheading":
        pdf.room(12 + (0 if after is None else min(_need(after), KEEP_MM)))
    if isinstance(block, Heading):
        pdf.start_section(block.text, level=0)
        pdf.ln(2)
        pdf.text_block(block.text, BODY_PT + 0.5, "B", "L", after=1)
    elif isinstance(block, Table):
        _table(pdf, block)
    elif isinstance(block, Figure):
        _figure(pdf, block)
    elif block.style == "subheading":
        pdf.text_block(block.text, BODY_PT, "BI", "L", after=0.5)
    elif block.style == "note":
        pdf.text_block(block.text, NOTE_PT, "I", "J", after=2)
    else:
        pdf.text_block(block.text, BODY_PT, "", "J")


def _blocks(pdf: _ReportPdf, blocks: list) -> None:
    for block, after in zip(blocks, [*blocks[1:], None], strict=True):
        _block(pdf, block, after)


def _signature(pdf: _ReportPdf, doc: ReportDoc) -> None:
    pdf.ln(4)
    pdf.room(SIGNATURE_MM)
    top = pdf.get_y()
    pdf.set_y(top)
    pdf.text_block(doc.recipients[0], 12, "BI", "L", x=LEFT, w=75, after=0)
    for line in doc.recipients[1:]:
        pdf.text_block(line, 11, "", "L", x=LEFT, w=75, after=0)
    _column(pdf, LEFT + 75, WIDTH - 75, top, [(doc.signer[0], "B", 12),
                                              (doc.signer[1], "B", 12),
                                              (doc.signer[2], "I", 11)])


def _annexes(pdf: _ReportPdf, doc: ReportDoc) -> None:
    for title, sub, blocks in doc.annexes:
        pdf.add_page()
        pdf.start_section(title, level=0)
        pdf.text_block(title, 13, "B", "C", after=0)
        pdf.text_block(sub, 11, "I", "C", after=4)
        _blocks(pdf, blocks)


def report_pdf(doc: ReportDoc) -> bytes:
    """The report as PDF bytes."""
    pdf = _ReportPdf(doc)
    pdf.set_title(doc.title)
    pdf.set_subject(doc.subject)
    pdf.set_keywords(doc.keywords)
    pdf.set_author("vungxanh")
    pdf.set_creator("vungxanh")
    pdf.set_lang(doc.lang)
    if doc.generated_at is not None:
        pdf.set_creation_date(doc.generated_at)
    pdf.add_page()
    _header(pdf, doc)
    _blocks(pdf, doc.body)
    _signature(pdf, doc)
    _annexes(pdf, doc)
    return bytes(pdf.output())
