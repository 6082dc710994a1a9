"""The native controls and «what is shown is what is selected», through real callback posts."""
from __future__ import annotations

import json

import pytest

from dashboard import ids
from dashboard.controls import NAMESPACE, RadioGroup, Select
from dashboard.pages.consumi import CHART_TITLE
from tests.helpers import outputs, post_callback
from tests.test_consumi import contract_ids, show


def test_the_controls_render_as_native_components_and_refuse_unknown_props():
    chosen = Select(id="anno", options=[{"label": "2023", "value": 2023}], value=2023)
    assert chosen.to_plotly_json() == {
        "namespace": NAMESPACE, "type": "Select",
        "props": {"id": "anno", "options": [{"label": "2023", "value": 2023}], "value": 2023}}
    group = RadioGroup(id="vista", legend="Vista del grafico", options=[], value="mesi")
    assert group.to_plotly_json()["props"]["legend"] == "Vista del grafico"
    with pytest.raises(TypeError):
        Select(id="x", options=[], searchable=False)


def find(node: object, component_id: str) -> dict | None:
    """Find a component by id in a layout as the browser receives it."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == component_id:
            return node
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            found = find(child, component_id)
            if found is not None:
                return found
    return None


@pytest.mark.parametrize(("path", "picker_id"), [
    ("/contabilita", ids.CONTABILITA_SCOPE), ("/contratto", ids.CONTRATTO_CONTRACT),
    ("/invio", ids.INVIO_CONTRACT)])
def test_a_direct_link_presets_the_picker_with_the_contract_itself(member, app, path,
                                                                   picker_id):
    second = contract_ids(app, "100234")[1]
    page = outputs(post_callback(member, "header-account", {"url.pathname": path},
                                 {"url.search": f"?contratto={second}"}))["page.children"]
    picker = find(page, picker_id)
    assert picker["namespace"] == NAMESPACE
    assert picker["props"]["value"] == second   # the option's own value, not the URL's "2"


@pytest.mark.parametrize(("picker_id", "all_value"), [
    (ids.CONTABILITA_SCOPE, "tutti"), (ids.CONTRATTO_CONTRACT, None)])
def test_the_picker_follows_the_url_after_back(member, app, picker_id, all_value):
    home, holiday = contract_ids(app, "100234")
    for contract in (holiday, home):
        response = post_callback(member, f"{picker_id}.value",
                                 {"url.search": f"?contratto={contract}"})
        assert outputs(response)[f"{picker_id}.value"] == contract
    foreign = contract_ids(app, "100235")[0]
    response = post_callback(member, f"{picker_id}.value",
                             {"url.search": f"?contratto={foreign}"})
    assert f"{picker_id}.value" not in outputs(response)   # the picker stays as it is
    if all_value:
        response = post_callback(member, f"{picker_id}.value",
                                 {"url.search": f"?contratto={all_value}"})
        assert outputs(response)[f"{picker_id}.value"] == all_value


def test_the_consumption_controls_and_the_chart_title_follow_the_url(member, app):
    home = contract_ids(app, "100234")[0]
    out = outputs(post_callback(member, f"{ids.CONTRACT}.value",
                                {"url.search": f"?contratto={home}&anno=2022&vista=periodi"}))
    assert out[f"{ids.CONTRACT}.value"] == home
    assert out[f"{ids.YEAR}.value"] == 2022
    assert 2022 in [o["value"] for o in out[f"{ids.YEAR}.options"]]
    assert out[f"{ids.CHART_TITLE}.children"] == f"{CHART_TITLE} nel 2022"
    assert out[f"{ids.VIEW}.value"] == "periodi"
    foreign = contract_ids(app, "100235")[0]
    response = post_callback(member, f"{ids.CONTRACT}.value",
                             {"url.search": f"?contratto={foreign}&anno=2022"})
    assert response.status_code == 204


def test_a_member_with_one_contract_sees_the_last_year_without_choosing(neighbour, app):
    out = outputs(show(neighbour, ""))
    assert out["consumi-risultato.hidden"] is False
    assert out["consumi-fatture-dati.data"]["rows"]
    assert "Totale" in json.dumps(out["consumi-totali.children"])


def test_a_member_with_two_contracts_is_asked_to_choose(member):
    out = outputs(show(member, ""))
    assert out["consumi-risultato.hidden"] is True
