"""The report's typeface and how it travels with the file. DejaVu Serif has every
Vietnamese letter; it is taken from the copy matplotlib installs (mpl-data/fonts/ttf), so
no font file lives in this repository and nothing is downloaded.

A PDF embeds it as any PDF does. A DOCX embeds it too (ECMA-376 Part 1 §17.8.1: an
obfuscated copy of the font, the first 32 bytes XOR-ed with a key made of the GUID named
in fontTable.xml), subset to the letters a Vietnamese office types, so the report shows
its diacritics on a computer that lacks the font and stays editable there.
"""

from __future__ import annotations

import io
import string
import uuid
from pathlib import Path

import matplotlib
from fontTools import subset
from fontTools.ttLib import TTFont

FAMILY = "DejaVu Serif"
STYLES = {"regular": "DejaVuSerif.ttf", "bold": "DejaVuSerif-Bold.ttf",
          "italic": "DejaVuSerif-Italic.ttf", "bold_italic": "DejaVuSerif-BoldItalic.ttf"}
_VIETNAMESE = ("aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrs"
               "tuùủũúụưừửữứựvxyỳỷỹýỵ")
# What an office may type when it edits the report: Vietnamese letters in both cases,
# ASCII, and the punctuation of the report itself (dashes, quotes, ≥, ≤, −, ±, …).
TYPED = (set(_VIETNAMESE) | set(_VIETNAMESE.upper()) | set(string.printable.strip())
         | set(" –—‘’“”…≥≤−±×%°·•"))
ODTTF_TYPE = "application/vnd.openxmlformats-officedocument.obfuscatedFont"


def font_path(style: str = "regular") -> Path:
    """The DejaVu Serif file of `style` that matplotlib ships; OSError naming the path
    when the installation lacks it."""
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / STYLES[style]
    if not path.is_file():
        raise OSError(f"font {path} not found: reinstall matplotlib (pip install "
                      "--force-reinstall matplotlib), which ships DejaVu Serif")
    return path


def subset_font(path: Path, chars: set[str]) -> bytes:
    """The font cut down to `chars` (and what shaping them needs), names kept."""
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    options.drop_tables += ["FFTM"]  # FontForge timestamps: nothing a reader uses
    font = TTFont(path)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted({ord(c) for c in chars}))
    sub.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_key(style: str) -> str:
    """A GUID for the font part, fixed by family and style so that the same report gives
    the same file (a random one would change every byte of every build)."""
    return "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"vungxanh:{FAMILY}:{style}")).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 font obfuscation; the same call undoes it. The key's 16 bytes are the
    GUID's hex digits read from the last byte to the first."""
    digits = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ digits[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]
