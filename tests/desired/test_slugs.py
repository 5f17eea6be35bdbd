"""Branch slugs from titles in any script: transliterated, never collapsed to a placeholder."""

from __future__ import annotations

import pytest

from ticketops.model.ticket import slugify


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Платежи: повтор вебхуков", "platezhi-povtor-vebkhukov"),
        ("支払いの再試行", "zhifaninozaishixing"),
        ("Ödeme hatası", "odeme-hatasi"),  # the dotless ı is an i, not dropped
        ("Café crème", "cafe-creme"),
        ("Ship it 🚀 now", "ship-it-now"),  # emoji separate words, they are not spelled out
        ("🚀", "ticket"),  # nothing to spell: the placeholder
    ],
)
def test_titles_in_any_script(title: str, slug: str) -> None:
    assert slugify(title) == slug
