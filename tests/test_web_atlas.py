"""The atlas pages through Django's test client: search, muscle pages, pictures, "where does it hurt?"."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from django.test import Client
from django.utils.html import escape

from knotwork.atlas.load import load_atlas

SVG = "{http://www.w3.org/2000/svg}"


def test_the_home_page_offers_search_and_the_body_map(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Where does it hurt?" in html and 'name="q"' in html
    assert 'href="/book/"' in html
    assert "99 muscles" in html


def test_health_check_answers_without_a_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"


def test_the_atlas_lists_every_muscle_grouped_by_body_area(client: Client) -> None:
    html = client.get("/atlas/").content.decode()
    assert html.count('class="card muscle-card"') == 99
    assert "Head and neck" in html and "Lower leg and foot" in html


def test_search_finds_a_muscle_by_synonym_and_by_complaint(client: Client) -> None:
    html = client.get("/atlas/", {"q": "SCM"}).content.decode()
    assert "/atlas/sternocleidomastoid/" in html
    assert html.count('class="card muscle-card"') == 1
    html = client.get("/atlas/", {"q": "tennis elbow"}).content.decode()
    assert "/atlas/supinator/" in html
    assert "/atlas/gastrocnemius/" not in html


def test_live_search_returns_only_the_list_for_htmx(client: Client) -> None:
    response = client.get("/atlas/", {"q": "glute"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "/atlas/gluteus-medius/" in html and "/atlas/trapezius-upper/" not in html


def test_a_search_without_matches_says_so_and_suggests_what_to_try(client: Client) -> None:
    html = client.get("/atlas/", {"q": "zzzz"}).content.decode()
    assert "0 matches" in html and "No muscle matches" in html


def test_the_muscle_page_shows_referral_picture_trigger_points_mimics_self_care_and_references(client: Client) -> None:
    response = client.get("/atlas/trapezius-upper/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Upper trapezius",
        "Essential zone",
        "Commonly mimics",
        "Self-care at home",
        "References",
        "doi.org/10.1016/j.ejpain.2006.07.005",
    ):
        assert text in html, text
    muscle = load_atlas().muscle("trapezius-upper")
    for item in (*muscle.mimics, muscle.self_care[0].title, muscle.trigger_points[0].location):
        assert escape(item) in html, item
    assert 'data-region="temple"' in html
    assert "referral.svg?side=right&amp;tp=central&amp;compact=1" in html


def test_an_unknown_muscle_page_is_not_found(client: Client) -> None:
    assert client.get("/atlas/trapezoid/").status_code == 404
    assert client.get("/atlas/trapezius-upper/referral.svg", {"tp": "nope"}).status_code == 404


def test_the_referral_picture_is_served_as_svg_for_either_side(client: Client) -> None:
    response = client.get("/atlas/infraspinatus/referral.svg", {"side": "left"})
    assert response["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    sides = {p.get("data-side") for p in root.iter(f"{SVG}path") if "essential" in (p.get("class") or "")}
    assert sides == {"left"}


def test_where_it_hurts_ranks_muscles_that_refer_to_the_marked_regions(client: Client) -> None:
    html = client.get("/where/", {"r": ["temple:right", "neck-side:right"]}).content.decode()
    assert "You marked 2 areas" in html
    first = html.index('<li class="result">')
    assert "/atlas/trapezius-upper/" in html[first : first + 900]
    assert "2 of 2 painful regions" in html
    assert "No warning signs in the answers given" in html
    assert "The screening questions were not answered" in html


def test_the_assessment_is_posted_so_answers_stay_out_of_the_address(client: Client) -> None:
    form = {"r": ["low-back:right"], "s-saddle-numbness": "yes", "s-anticoagulants": "yes", "age": "61", "history": ""}
    response = client.post("/where/", form, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert html.index("Emergency: medical care now") < html.index("Precautions") < html.index("Muscles to examine")
    assert "cauda equina" in html
    assert response["HX-Replace-Url"] == "/where/?r=low-back%3Aright"


def test_where_it_hurts_returns_the_results_alone_for_htmx(client: Client) -> None:
    html = client.get("/where/", {"r": "heel:left"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html and "/atlas/soleus/?side=left" in html


def test_where_it_hurts_reports_bad_regions_and_sides_by_field_and_keeps_the_good_ones(client: Client) -> None:
    html = client.get("/where/", {"r": ["tempel:right", "sternum:left", "heel:right"], "age": "old"}).content.decode()
    assert "age: &quot;old&quot; is not a whole number of years" in html
    assert "pain[0].region: unknown region code &quot;tempel&quot;" in html
    assert "pain[1].side: &quot;sternum&quot; is a midline region: use midline, not &quot;left&quot;" in html
    assert "You marked 1 area" in html


def test_the_interactive_map_marks_every_region_as_a_keyboard_button(client: Client) -> None:
    html = client.get("/where/", {"r": "temple:right"}).content.decode()
    assert html.count('role="button"') >= 180
    assert 'data-region="temple" data-side="right"' in html
    assert 'value="temple:right" checked' in html
