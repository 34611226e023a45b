"""Identity numbers: the 18-digit resident ID of GB 11643-1999 (ISO 7064 MOD 11-2).

Source: shared/domain.md §8.1. The address code is not checked against GB/T 2260 because
an ID keeps the code of the county that issued it, which may since have been abolished.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
)


def normalise_resident_id(text: str) -> str:
    """Fold full-width digits and spaces away and upper-case a trailing x."""
    folded = unicodedata.normalize("NFKC", text or "")
    return "".join(folded.split()).upper()


def check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class ResidentId:
    text: str
    birth_date: date
    sex: str  # "M" or "F", from the parity of the 17th digit
    area_code: str


def parse_resident_id(text: str) -> ResidentId | None:
    """The parts of a valid 18-digit ID, or None when it is not valid."""
    s = normalise_resident_id(text)
    if len(s) != 18 or not s[:17].isdigit() or not (s[17].isdigit() or s[17] == "X"):
        return None
    if int(s[:2]) not in PROVINCE_CODES:
        return None
    try:
        born = date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return None
    if born.year < 1900:
        return None
    if check_char(s[:17]) != s[17]:
        return None
    return ResidentId(s, born, "M" if int(s[16]) % 2 else "F", s[:6])


def is_valid_resident_id(text: str) -> bool:
    """True when *text* is an 18-digit resident ID with a real birth date and right check digit."""
    return parse_resident_id(text) is not None


def upgrade_15_digit(text: str) -> str | None:
    """The 18-digit form of an old 15-digit ID (19 inserted before the year), or None."""
    s = normalise_resident_id(text)
    if len(s) != 15 or not s.isdigit():
        return None
    first17 = s[:6] + "19" + s[6:]
    return first17 + check_char(first17)
