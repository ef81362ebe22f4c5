"""Both message catalogues have the same keys and the same placeholders."""

import re

import pytest

from i18n import catalogue, t


def test_same_keys_in_both_languages():
    vi, en = catalogue("vi"), catalogue("en")
    assert set(vi) == set(en), set(vi) ^ set(en)


def test_same_placeholders():
    vi, en = catalogue("vi"), catalogue("en")
    for key in vi:
        assert set(re.findall(r"{(\w+)", vi[key])) == set(re.findall(r"{(\w+)", en[key])), key


def test_missing_key_and_language_are_named():
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        t("no.such.key")
    with pytest.raises(ValueError, match="fr"):
        catalogue("fr")
