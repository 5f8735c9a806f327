"""The shared form template: every field named for screen readers, groups by a legend."""

import re

from django import forms
from django.template.loader import render_to_string


class ChoicesForm(forms.Form):
    name = forms.CharField(label="Organisation")
    sectors = forms.MultipleChoiceField(
        label="Sectors",
        choices=[("animation", "Animation"), ("games", "Games")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose any.",
    )
    took_place = forms.ChoiceField(
        label="Did the meeting take place?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
    )


def render(form) -> str:
    return render_to_string("primi_site/includes/form_fields.html", {"form": form})


def test_groups_of_boxes_and_radio_buttons_are_named_by_a_legend():
    html = render(ChoicesForm(data={"name": "Demo studio"}))
    assert 'for=""' not in html  # no label pointing nowhere
    assert '<label for="id_name">Organisation' in html
    groups = re.findall(r"<fieldset[^>]*>\s*<legend>(.*?)</legend>(.*?)</fieldset>", html, re.S)
    assert [legend.split(" <span")[0] for legend, _body in groups] == [
        "Sectors",
        "Did the meeting take place?",
    ]
    sectors, took_place = (body for _legend, body in groups)
    assert 'id="id_sectors_helptext"' in sectors and 'id="id_sectors_0"' in sectors
    # The error of the group is inside it and tied to each of its radio buttons.
    assert 'id="id_took_place_error"' in took_place
    assert took_place.count('aria-describedby="id_took_place_error"') == 2
    assert 'class="field field-group has-error"' in html
