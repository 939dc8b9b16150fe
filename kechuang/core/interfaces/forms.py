from django import forms


def style_form(form):
    """Give every widget Tabler's (Bootstrap's) classes, and mark invalid fields."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        if form._errors and name in form._errors:  # never trigger validation from here
            css += " is-invalid"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


class StyledFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def full_clean(self):
        super().full_clean()
        style_form(self)
