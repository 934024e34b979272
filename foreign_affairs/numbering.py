"""Chinese numbering of official documents: 一、二、… are generated, never typed."""

DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """Return n (1–99) in Chinese numerals: 1 → 一, 10 → 十, 11 → 十一, 20 → 二十."""
    if not 0 < n < 100:
        raise ValueError(f"chinese_numeral() takes 1–99, not {n}")
    tens, units = divmod(n, 10)
    if tens == 0:
        return DIGITS[units]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[units] if units else "")
