"""The report as a document, before it is Word or PDF: the blocks it is made of (the
header of an administrative document per Nghị định 30/2020/NĐ-CP: issuing body left,
national title right, place and date; title; numbered sections of paragraphs, tables and
the map; signature block; annexes) and the wording shared by every part.
docx_writer.py and pdf_writer.py (in data/reports/) draw the same `ReportDoc`, so the two
files say the same thing: data/reports/compose.py decides the words, they decide the ink.
"""

from __future__ import annotations

import datetime as dt
import struct
from dataclasses import dataclass, field

from i18n import t as tr
from zones.report import ReportContent

ENGLISH_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")
_UNIT_WORDS = ("Thành phố ", "Tỉnh ", "Quận ", "Huyện ", "Thị xã ", "Phường ", "Xã ",
               "Thị trấn ")


@dataclass
class Para:
    text: str
    style: str = "body"  # body | note | caption | subheading


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative widths
    align: str  # one letter a column: L, C or R
    total: bool = False  # the last row is a total, set in bold


@dataclass
class Figure:
    png: bytes
    caption: str

    def size_cm(self, max_width: float, max_height: float) -> tuple[float, float]:
        """The largest size within the box that keeps the image's proportions (read from
        the PNG header: width and height are the IHDR chunk's first two fields)."""
        width, height = struct.unpack(">II", self.png[16:24])
        scale = min(max_width / width, max_height / height)
        return width * scale, height * scale


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: a numbered section; 2: a part of one


@dataclass
class ReportDoc:
    lang: str
    title: str  # document properties: title, subject, keywords
    subject: str
    keywords: str
    issuer: list[str]  # issuing body, top left: committee, steering board (bold), number
    nation: list[str]  # national title, top right: name (bold), motto (bold, underlined)
    place_date: str
    heading: str
    subtitle: str
    scope_line: str
    body: list = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer: list[str] = field(default_factory=list)  # for whom, role (bold), hint (italic)
    annexes: list[tuple[str, str, list]] = field(default_factory=list)  # title, sub, blocks
    page_label: str = ""  # "Trang {page}/{pages}"
    generated_at: dt.datetime | None = None


def scope_name(content: ReportContent) -> str:
    """The scope's own name: the province, district or ward."""
    column = {"city": "province_name", "province": "province_name",
              "district": "district_name", "ward": "ward_name"}
    names = sorted(set(content.areas[column[content.scope.kind]].dropna().astype(str)))
    return ", ".join(names)


def scope_place(content: ReportContent) -> str:
    """The scope as the document's head names it: a ward with the unit above it, its
    district, or its province where there are no districts (two tiers, from 2025)."""
    name = scope_name(content)
    if content.scope.kind != "ward":
        return name
    row = content.areas.iloc[0]
    parent = row["district_name"] or row["province_name"]
    return f"{name}, {parent}" if parent else name


def place_name(name: str) -> str:
    """The place of the date line: the unit's name without its type ('Quận Hà Đông' →
    'Hà Đông'), except a numbered one ('Quận 1' stays)."""
    for word in _UNIT_WORDS:
        rest = name.removeprefix(word)
        if rest != name and not rest[:1].isdigit():
            return rest
    return name


def date_line(place: str, day: dt.date, lang: str) -> str:
    month = str(day.month) if lang == "vi" else ENGLISH_MONTHS[day.month - 1]
    return tr("report.place_date", lang, place=place, day=day.day, month=month, year=day.year)


def period_text(content: ReportContent, lang: str, short: bool = False) -> str:
    """'tuần 38 năm 2021 (từ ngày 20/09/2021 đến ngày 26/09/2021)', 'tháng 9 năm 2021'…"""
    p = content.requested
    fmt = "%d/%m/%Y" if lang == "vi" else "%Y-%m-%d"
    prefix = "report.period.short_" if short else "report.period."
    if p.kind == "day":
        return tr(prefix + "day", lang, date=p.start.strftime(fmt))
    if p.kind == "week":
        year, week, _ = p.start.isocalendar()
        return tr(prefix + "week", lang, week=week, year=year, start=p.start.strftime(fmt),
                  end=p.end.strftime(fmt))
    month = str(p.start.month) if lang == "vi" or short else ENGLISH_MONTHS[p.start.month - 1]
    return tr(prefix + "month", lang, month=month, year=p.start.year)
