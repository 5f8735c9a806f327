from babel.messages.catalog import Catalog

from primi_site import catalogs


def test_every_string_of_the_code_and_templates_is_translated_in_french():
    problems = catalogs.check_catalog("fr")
    assert problems == [], "\n".join(str(p) for p in problems)


def test_extraction_reads_python_and_templates():
    extracted = {message.id for message in catalogs.extract_catalog() if message.id}
    assert "The end must come after the start." in extracted  # events/models.py
    assert "Skip to content" in extracted  # base.html, {% translate %}
    # blocktranslate count, its number shown through Babel (calendar.html)
    assert ("%(shown)s event", "%(shown)s events") in extracted
    assert "Times are also shown in your zone: %(zone)s." in extracted


def test_check_reports_missing_empty_and_fuzzy_entries(monkeypatch):
    real = catalogs.read_catalog("fr")
    broken = Catalog(locale="fr")
    skipped = None
    for index, message in enumerate(real):
        if not message.id:
            continue
        if index == 1:
            skipped = message.id
            continue
        string = "" if index == 2 else message.string
        broken.add(
            message.id, string, context=message.context, flags=["fuzzy"] if index == 3 else []
        )
    monkeypatch.setattr(catalogs, "read_catalog", lambda language: broken)
    kinds = sorted(problem.kind for problem in catalogs.check_catalog("fr"))
    assert kinds == ["fuzzy", "missing", "untranslated"]
    assert skipped is not None


def test_compiled_catalog_translates_pages(tmp_path, settings):
    from django.utils import translation

    catalogs.compile_catalogs()
    with translation.override("fr"):
        assert translation.gettext("Skip to content") == "Aller au contenu"
