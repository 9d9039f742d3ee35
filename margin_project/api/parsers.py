"""JSON in, with every malformed body a 400 (DRF lets a too-deeply nested one through as a 500)."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except (RecursionError, LookupError, UnicodeError):
            # Nesting deeper than Python's stack, or an unknown/undecodable charset.
            raise ParseError(
                "JSON parse error - the body cannot be decoded or is nested too deeply."
            ) from None
