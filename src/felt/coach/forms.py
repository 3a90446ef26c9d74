"""Practice mode's forms: they only gather the fields; the services check them, kindly."""

from django import forms


class PracticeForm(forms.Form):
    """An answer to one statement. Neither field is checked here: `services.check_*` say, in
    one sentence, what is missing or too long, and the answer itself is never kept."""

    statement = forms.CharField(required=False, max_length=100)
    response = forms.CharField(required=False, strip=False, widget=forms.Textarea)
