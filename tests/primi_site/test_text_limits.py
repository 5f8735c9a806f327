"""The limits of free texts: the model's message, the staff's forms, the page's counter."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from events.admin_forms import EventAdminForm
from missions.models import Mission
from primi_site.text_limits import DESCRIPTION, TextLimit, counter_texts
from tests.events.test_admin_form import form_data

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "primi_site" / "static" / "primi" / "char_count.js"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "At most 2,000 characters (this text has 2,001)."),
        ("fr", "2\u202f000 caractères au plus (ce texte en compte 2\u202f001)."),
    ],
)
def test_the_limit_says_both_numbers_in_the_readers_language(language, expected):
    with translation.override(language), pytest.raises(ValidationError) as caught:
        TextLimit(2000)("x" * 2001)
    with translation.override(language):
        assert caught.value.messages == [expected]
    TextLimit(2000)("x" * 2000)  # at the limit: fine


@pytest.mark.django_db
def test_the_staff_event_form_refuses_a_description_past_10000_characters():
    with translation.override("en"):
        form = EventAdminForm(data=form_data(description_en="d" * (DESCRIPTION + 1)))
        assert not form.is_valid()
        assert form.errors["description_en"] == [
            "Ensure this value has at most 10000 characters (it has 10001)."
        ]
        assert 'maxlength="10000"' in str(form["description_fr"])


def test_a_mission_description_past_the_limit_is_refused_by_the_model():
    mission = Mission(description_fr="d" * (DESCRIPTION + 1))
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        mission.full_clean(
            exclude=[f.name for f in Mission._meta.fields if f.name != "description_fr"]
        )
    assert caught.value.message_dict == {
        "description_fr": ["At most 10,000 characters (this text has 10,001)."]
    }


COUNTER_RUN = r"""
const fs = require("fs");
const [script, lang, one, other, max, typed] = process.argv.slice(1);  // node -e: no script name
const listeners = {};
const counter = { classList: { toggle() {} } };
const area = {
  id: "id_pitch", name: "pitch", value: "",
  attrs: { maxlength: max, "data-count-one": one, "data-count-other": other },
  getAttribute(name) { return this.attrs[name] === undefined ? null : this.attrs[name]; },
  setAttribute(name, value) { this.attrs[name] = value; },
  addEventListener(kind, handler) { listeners[kind] = handler; },
  parentNode: { insertBefore() {} },
};
global.window = global;
global.document = {
  readyState: "complete",
  documentElement: { lang },
  createElement() { return counter; },
  querySelectorAll() { return [area]; },
};
eval(fs.readFileSync(script, "utf8"));
const seen = [counter.textContent];
for (const text of JSON.parse(typed)) {
  area.value = text;
  listeners.input();
  seen.push(counter.textContent);
}
process.stdout.write(JSON.stringify({ seen, describedby: area.attrs["aria-describedby"] }));
"""


def counted(language: str, typed: list[str], limit: int = 2000) -> dict:
    if shutil.which("node") is None:
        pytest.skip("needs Node.js to run the page's script (apt-get install nodejs)")
    with translation.override(language):
        texts = counter_texts()
    done = subprocess.run(
        [
            "node",
            "-e",
            COUNTER_RUN,
            str(SCRIPT),
            language,
            texts["data-count-one"],
            texts["data-count-other"],
            str(limit),
            json.dumps(typed),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_page_counts_characters_as_one_types_with_plural_forms_in_french():
    out = counted("fr", ["a", "ab", "a" * 1500])
    assert out["seen"] == [
        "0 caractère sur 2\u202f000",
        "1 caractère sur 2\u202f000",
        "2 caractères sur 2\u202f000",
        "1\u202f500 caractères sur 2\u202f000",
    ]
    assert out["describedby"] == "id_pitch-count"  # read with the field


def test_the_page_counts_characters_as_one_types_with_plural_forms_in_english():
    assert counted("en", ["a", "ab"])["seen"] == [
        "0 characters of 2,000",
        "1 character of 2,000",
        "2 characters of 2,000",
    ]
