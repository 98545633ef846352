"""Lists shown a page at a time: the dossier list, the inbox, the register, the home page's lists.

Django's paginator counts the list (one query) before it reads the page (another). Most lists an
office looks at fit on their first page; `Pages` reads the first page with one row more and, when
the list ends there, knows its count without asking: a short list costs one query, not two. A
longer one is counted when its page shows how many there are (the count, "page 1 of n").
"""

from django.core.paginator import Paginator


class Pages(Paginator):
    def get_page(self, number):
        if str(number or 1) != "1" or "count" in self.__dict__:
            return super().get_page(number)
        rows = list(self.object_list[: self.per_page + 1])
        if len(rows) <= self.per_page:
            self.count = len(rows)  # Paginator.count is a cached_property: this is its value
        return self._get_page(rows[: self.per_page], 1, self)


def first_page(rows, size: int):
    """The first `size` of `rows` (a Page: object_list, paginator.count, has_next())."""
    return Pages(rows, size).get_page(1)
