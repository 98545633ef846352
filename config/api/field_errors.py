"""What a client is told of a field that failed validation, in the client's language.

pydantic words its errors in English; each kind of error (pydantic's `type`) is said here again,
translatable, with the limits pydantic reports (`ctx`). A kind not listed keeps pydantic's text.
"""

from django.utils.translation import gettext as _

_TEXT_ERRORS = {"string_type", "string_unicode"}
_NUMBER_ERRORS = {"int_parsing", "int_type", "int_from_float", "float_parsing", "float_type"}
_DATE_ERRORS = {
    "date_parsing",
    "date_type",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
}
_CHOICE_ERRORS = {"enum", "literal_error"}


def message_of(error: dict) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not accepted here.")
    if kind in _TEXT_ERRORS:
        return _("Enter text.")
    if kind == "string_too_long":
        return _("Enter at most %(limit)s characters.") % {"limit": ctx.get("max_length")}
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("This field may not be empty.")
        return _("Enter at least %(limit)s characters.") % {"limit": ctx.get("min_length")}
    if kind in _NUMBER_ERRORS:
        return _("Enter a whole number.")
    if kind in {"greater_than_equal", "greater_than"}:
        return _("Enter a number of at least %(limit)s.") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in {"less_than_equal", "less_than"}:
        return _("Enter a number of at most %(limit)s.") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind in {"bool_parsing", "bool_type"}:
        return _("Enter true or false.")
    if kind in _DATE_ERRORS:
        return _("Enter a date as YYYY-MM-DD.")
    if kind == "list_type":
        return _("Send a list.")
    if kind in _CHOICE_ERRORS:
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "json_invalid":
        return _("The body is not valid JSON.")
    if kind == "value_error":  # our validators' own words (schemas.py)
        return str(ctx.get("error") or error.get("msg", ""))
    return error.get("msg", "")
