"""Cursor pages, newest first: a page is one indexed range query however deep it goes, and an
order placed while a reseller pages through its orders neither repeats nor skips an entry."""

from __future__ import annotations

import re

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request

_POSITION = re.compile(r"[0-9]{1,19}")


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 100
    cursor_query_description = "The `next` or `previous` link of the page before holds it."
    page_size_query_description = f"Entries per page, at most {max_page_size} (default {page_size})."

    def decode_cursor(self, request: Request) -> Cursor | None:
        """The cursor, or a 400 naming `cursor` (DRF answers a bad one 404 and lets a forged
        position that is not a number through to the query, where it would be a 500)."""
        bad = ValidationError({self.cursor_query_param: ["This is not a cursor of ours."]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise bad from None
        if cursor is not None and cursor.position is not None and not _POSITION.fullmatch(cursor.position):
            raise bad
        return cursor
