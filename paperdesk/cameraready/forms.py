"""The authors' form for the published metadata of an accepted paper: one set of fields
for the paper and one row (name, affiliation, place) per author."""

from __future__ import annotations

from django import forms
from django.core.validators import URLValidator


class CameraReadyMetadataForm(forms.Form):
    title = forms.CharField(max_length=300, strip=True, error_messages={"required": "Enter the title as it should be published."})
    abstract = forms.CharField(max_length=5000, strip=True, widget=forms.Textarea(attrs={"rows": 8}),
                               error_messages={"required": "Enter the abstract as it should be published."})
    code_url = forms.URLField(max_length=500, required=False, assume_scheme="https", validators=[URLValidator(schemes=["http", "https"])],
                              label="Code", help_text="A public link to the code (optional).")
    data_url = forms.URLField(max_length=500, required=False, assume_scheme="https", validators=[URLValidator(schemes=["http", "https"])],
                              label="Data or models", help_text="A public link to data or models (optional).")

    def __init__(self, *args, authors: list, **kwargs):
        """`authors`: the published authors (each with authorship_id, name, affiliation,
        position) in their current order."""
        super().__init__(*args, **kwargs)
        self.author_ids = [a.authorship_id for a in authors]
        count = len(authors)
        for a in authors:
            prefix = f"author-{a.authorship_id}-"
            self.fields[prefix + "name"] = forms.CharField(max_length=200, strip=True, initial=a.name, label="Name",
                                                           error_messages={"required": "Every author needs a name."})
            self.fields[prefix + "affiliation"] = forms.CharField(max_length=200, strip=True, required=False, initial=a.affiliation, label="Affiliation")
            self.fields[prefix + "position"] = forms.IntegerField(min_value=1, max_value=count, initial=a.position, label="Place",
                                                                  error_messages={"required": "Give every author a place in the list.",
                                                                                  "min_value": f"Places run from 1 to {count}.",
                                                                                  "max_value": f"Places run from 1 to {count}."})

    def author_rows(self) -> list[dict]:
        """The author fields, grouped per author, for the template."""
        return [{"name": self[f"author-{i}-name"], "affiliation": self[f"author-{i}-affiliation"], "position": self[f"author-{i}-position"]}
                for i in self.author_ids]

    def clean(self):
        data = super().clean()
        places = [data.get(f"author-{i}-position") for i in self.author_ids]
        if None not in places and len(set(places)) != len(places):
            raise forms.ValidationError("Two authors have the same place in the list; give each author a different place.")
        return data

    def authors_in_order(self) -> list[tuple[int, str, str]]:
        """(authorship id, name, affiliation), in the chosen order."""
        data = self.cleaned_data
        rows = [(data[f"author-{i}-position"], i, data[f"author-{i}-name"], data.get(f"author-{i}-affiliation", "")) for i in self.author_ids]
        return [(i, name, affiliation) for _, i, name, affiliation in sorted(rows)]
