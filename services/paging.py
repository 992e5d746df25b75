"""One way to page a list: which page is shown, how many there are, what comes before and after."""

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list; `page` is 0-based and always within 0..pages-1."""

    items: list[T]
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:
        return self.page > 0

    @property
    def has_next(self) -> bool:
        return self.page + 1 < self.pages


def clamp(page: int, total: int, size: int) -> tuple[int, int]:
    """(page, pages): a page number past the end shows the last page; there is always one page."""
    pages = max((total + size - 1) // size, 1)
    return min(max(page, 0), pages - 1), pages
