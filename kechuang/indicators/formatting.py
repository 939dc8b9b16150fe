"""Chinese number formatting of published figures: 1917900 万元 → 191.79亿元, 149700 m² →
14.97万平方米, counts with thousands separators."""

from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal(10_000)
YI = Decimal(100_000_000)


def _trim(value: Decimal, decimals: int = 2) -> str:
    text = f"{value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def plain_number(value) -> str:
    """A value as the CLI and tables print it: integers plainly, decimals without noise."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return _trim(Decimal(str(value)))


def yuan_from_wan(amount_wan) -> str:
    """An amount kept in 万元, in the unit a Chinese report uses: 万元 below 1亿, else 亿元."""
    if amount_wan is None:
        return "—"
    amount = Decimal(str(amount_wan))
    if abs(amount) >= WAN:
        return f"{_trim(amount / WAN)}亿元"
    return f"{_trim(amount)}万元"


def area_from_m2(area_m2) -> str:
    """An area in m², as 万平方米 from ten thousand square metres up."""
    if area_m2 is None:
        return "—"
    area = Decimal(str(area_m2))
    if abs(area) >= WAN:
        return f"{_trim(area / WAN)}万平方米"
    return f"{_trim(area)}平方米"


def with_unit(value, unit: str) -> str:
    """A published value with its unit (亿元, 万平方米, 家 …) as one string."""
    return f"{plain_number(value)}{unit}" if unit else plain_number(value)
