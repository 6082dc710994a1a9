"""Native form controls as Dash components: a <select> and radios in a <fieldset>.

Dash 4's dcc.Dropdown and dcc.RadioItems fail axe-core (an aria-hidden focusable input, a
button named only by its value, radios inside listbox/option roles with no group name), so the
visible label «Contratto» or «Anno» was not announced. These render the browser's own
elements (assets/controls.js): a <label for=…> names the select, a <legend> names the radios,
and a phone opens its own picker. Callbacks use them like the dcc ones: `options` as
[{"label", "value"}] and `value`, whose type (int or str) comes back unchanged.
"""
from __future__ import annotations

from typing import ClassVar

from dash.development.base_component import Component

NAMESPACE = "secab_controls"   # window.secab_controls, defined by assets/controls.js


class _Native(Component):
    """Hold what both controls share: declared props only, set when given."""

    _namespace = NAMESPACE
    _children_props: ClassVar[list[str]] = []
    _base_nodes: ClassVar[list[str]] = ["children"]
    _valid_wildcard_attributes: ClassVar[list[str]] = []
    available_wildcard_properties: ClassVar[list[str]] = []
    PROPS: tuple[str, ...] = ()

    def __init__(self, **props: object) -> None:
        self._prop_names = list(self.PROPS)
        self.available_properties = list(self.PROPS)
        super().__init__(**{key: value for key, value in props.items() if value is not None})


class Select(_Native):
    """A native <select>; name it with html.Label(htmlFor=id). The closed face wraps its text."""

    _type = "Select"
    PROPS = ("id", "options", "value", "placeholder", "className", "disabled")

    def __init__(self, id: str, options: list[dict], value: object = None,
                 placeholder: str | None = None, className: str | None = None,
                 disabled: bool | None = None) -> None:
        super().__init__(id=id, options=options, value=value, placeholder=placeholder,
                         className=className, disabled=disabled)


class RadioGroup(_Native):
    """Radios in a <fieldset> whose <legend> names the group."""

    _type = "RadioGroup"
    PROPS = ("id", "options", "value", "legend", "legendClassName", "className")

    def __init__(self, id: str, legend: str, options: list[dict], value: object = None,
                 className: str | None = None, legendClassName: str | None = None) -> None:
        super().__init__(id=id, legend=legend, options=options, value=value,
                         className=className, legendClassName=legendClassName)
