"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

A code has 18 characters drawn from a 31-character set (digits and the capital letters
A-Y without I, O, S and V):

* position 1: registration authority (登记管理部门代码), e.g. ``9`` for market regulation;
* position 2: kind of entity (机构类别代码), e.g. ``1`` for an enterprise;
* positions 3-8: administrative region code (登记管理机关行政区划码, GB/T 2260);
* positions 9-17: organisation code (主体标识码, GB 11714);
* position 18: check character over the first 17 characters.

The check character is ``CHARSET[(31 - sum(value(c_i) * w_i) mod 31) mod 31]`` with the
weights ``w_i = 3**(i - 1) mod 31``.

Only :func:`validate_uscc` uses Django; the other functions are plain Python, and importing
this module needs no configured Django settings.
"""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18

_MODULUS = len(CHARSET)
_VALUES = {character: value for value, character in enumerate(CHARSET)}

# Full-width digits and Latin letters (U+FF10-U+FF19, U+FF21-U+FF3A, U+FF41-U+FF5A) map to
# their ASCII counterparts, which sit 0xFEE0 code points lower; then ASCII letters go upper case.
_FULL_WIDTH_TO_ASCII = {
    code_point: code_point - 0xFEE0
    for first, last in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code_point in range(first, last + 1)
}
_ASCII_TO_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)
# Invisible characters that ``str.isspace`` does not report but that come with pasted text.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")

# GB 11714 organisation code (positions 9-17): eight characters plus a check character.
_ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

ERROR_CODE = "invalid_uscc"

MESSAGE_LENGTH = _("A unified social credit code has 18 characters; this one has %(length)d.")
MESSAGE_CHARACTER = _(
    "Character “%(character)s” at position %(position)d is not allowed: a unified social "
    "credit code uses only the digits 0-9 and the capital letters A-Y except I, O, S and V."
)
MESSAGE_CHECK = _(
    "The check character (position 18) should be “%(expected)s” for the first 17 characters, "
    "but it is “%(actual)s”. One of the characters is probably mistyped."
)


def _first_disallowed(text: str) -> tuple[int, str] | None:
    """Return the 1-based position and the first character of *text* not in CHARSET."""
    for index, character in enumerate(text):
        if character not in _VALUES:
            return index + 1, character
    return None


def check_character(first17: str) -> str:
    """Return the check character (position 18) for the first 17 characters of a code.

    Raises ``ValueError`` if *first17* is not 17 characters long or holds a character
    outside :data:`CHARSET`.
    """
    if len(first17) != len(WEIGHTS):
        raise ValueError(f"expected {len(WEIGHTS)} characters, got {len(first17)}")
    disallowed = _first_disallowed(first17)
    if disallowed is not None:
        position, character = disallowed
        raise ValueError(f"character {character!r} at position {position} is not in the charset")
    pairs = zip(first17, WEIGHTS, strict=True)
    total = sum(_VALUES[character] * weight for character, weight in pairs)
    return CHARSET[(_MODULUS - total % _MODULUS) % _MODULUS]


def is_valid_uscc(code: str) -> bool:
    """Whether *code* is a well-formed code with a matching check character.

    The test is strict: exactly 18 characters, capital letters only, no spaces. Pass user
    input through :func:`normalise_uscc` first.
    """
    if not isinstance(code, str) or len(code) != USCC_LENGTH:
        return False
    if _first_disallowed(code) is not None:
        return False
    return code[-1] == check_character(code[:-1])


def normalise_uscc(raw: str) -> str:
    """Tidy a code typed or pasted by a person, before validation.

    Removes all whitespace (including the ideographic space U+3000) and zero-width
    characters, turns full-width digits and letters into ASCII ones and makes ASCII letters
    upper case. Nothing else is changed, so a wrong character stays wrong and is reported.
    """
    kept = "".join(c for c in raw if not c.isspace() and c not in _INVISIBLE)
    return kept.translate(_FULL_WIDTH_TO_ASCII).translate(_ASCII_TO_UPPER)


def validate_uscc(value) -> None:
    """Django validator: raise ``ValidationError`` (code ``invalid_uscc``) for a bad code.

    The message names the first problem found: the length, the first character that is not
    allowed (with its position), or the check character that was expected. The value is not
    normalised here; do that in the form or serializer field.
    """
    code = str(value)
    if len(code) != USCC_LENGTH:
        raise ValidationError(MESSAGE_LENGTH, code=ERROR_CODE, params={"length": len(code)})
    disallowed = _first_disallowed(code)
    if disallowed is not None:
        position, character = disallowed
        raise ValidationError(
            MESSAGE_CHARACTER,
            code=ERROR_CODE,
            params={"character": character, "position": position},
        )
    expected = check_character(code[:-1])
    if code[-1] != expected:
        raise ValidationError(
            MESSAGE_CHECK,
            code=ERROR_CODE,
            params={"expected": expected, "actual": code[-1]},
        )


def organisation_check_character(first8: str) -> str:
    """Check character of a GB 11714 organisation code (the 9th character of the body).

    Digits count as themselves and letters as 10 (A) to 35 (Z); the result is a digit or X.
    """
    if len(first8) != len(_ORGANISATION_CODE_WEIGHTS):
        raise ValueError(f"expected 8 characters, got {len(first8)}")
    total = 0
    for character, weight in zip(first8, _ORGANISATION_CODE_WEIGHTS, strict=True):
        if not (character.isascii() and character.isalnum() and not character.islower()):
            raise ValueError(f"character {character!r} is not allowed in an organisation code")
        total += int(character, 36) * weight
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


_MAX_SEED = 10**8


def make_uscc(
    seed: int,
    *,
    registration_authority: str = "9",
    kind: str = "1",
    region: str = "330482",
) -> str:
    """A deterministic, synthetic but valid code for demonstration data.

    The organisation-code body is the seed as eight decimal digits followed by its GB 11714
    check character, so different seeds (0 <= seed < 10**8) give different codes. The codes
    are made up; any of them may happen to belong to a real organisation.
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < _MAX_SEED:
        raise ValueError(f"seed must be an integer in [0, {_MAX_SEED}), got {seed!r}")
    prefix = registration_authority + kind
    if len(prefix) != 2 or _first_disallowed(prefix) is not None:
        raise ValueError("registration_authority and kind must each be one character of CHARSET")
    if len(region) != 6 or not (region.isascii() and region.isdigit()):
        raise ValueError(f"region must be six digits, got {region!r}")
    organisation = f"{seed:08d}"
    first17 = prefix + region + organisation + organisation_check_character(organisation)
    return first17 + check_character(first17)
