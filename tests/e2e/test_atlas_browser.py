"""The atlas in a real browser: Debian's Chromium driven by Playwright against a live server."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def region(page: Page, code: str, side: str, view: str) -> Any:
    """A region's shape on one view of the map (front, back, head-right, head-left)."""
    return page.locator(f'#pain-map .view-{view} path.region[data-region="{code}"][data-side="{side}"]').first


def test_clicking_regions_on_the_body_map_lists_the_muscles_that_refer_there(
    live_server: Any, page: Page, screenshot: Any
) -> None:
    page.goto(f"{live_server.url}/where/")
    expect(page.locator("#where-results")).to_contain_text("Nothing marked yet")
    region(page, "temple", "right", "head-right").click()
    expect(page.locator("#where-results")).to_contain_text("You marked 1 area")
    region(page, "neck-side", "right", "head-right").click()
    expect(page.locator("#where-results")).to_contain_text("You marked 2 areas")
    first = page.locator("#where-results li.result").first
    expect(first).to_contain_text("Upper trapezius")
    expect(first).to_contain_text("2 of 2 painful regions")
    expect(region(page, "temple", "right", "head-right")).to_have_attribute("aria-pressed", "true")
    expect(page).to_have_url(re.compile(r"r=temple%3Aright"))  # the drawing is in the address: shareable
    screenshot("where-it-hurts")

    # Clicking again removes a region.
    region(page, "temple", "right", "head-right").click()
    expect(page.locator("#where-results")).to_contain_text("You marked 1 area")
    expect(region(page, "temple", "right", "head-right")).to_have_attribute("aria-pressed", "false")


def test_the_body_map_works_with_the_keyboard(live_server: Any, page: Page) -> None:
    page.goto(f"{live_server.url}/where/")
    heel = region(page, "heel", "left", "back")
    heel.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#where-results li.result").first).to_be_visible()
    expect(page.locator("#where-results")).to_contain_text("Soleus")
    page.keyboard.press("Space")
    expect(page.locator("#where-results")).to_contain_text("Nothing marked yet")


def test_a_result_opens_the_muscle_page_with_its_referral_picture(
    live_server: Any, page: Page, screenshot: Any
) -> None:
    page.goto(f"{live_server.url}/where/?r=elbow-outer:right")
    page.locator("#where-results li.result h3 a").first.click()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#referral svg path.region.essential").first).to_be_attached()
    expect(page.locator("#referral svg .marker").first).to_be_attached()
    expect(page.get_by_role("heading", name="References")).to_be_visible()
    # Every trigger point thumbnail loads as an image (waited for: a thumbnail still loading, or a
    # lazy one not yet scrolled to, is not a failure; one that fails to load is).
    images = page.locator(".tp img")
    loaded = """img => img.complete ? img.naturalWidth > 0 : new Promise(resolve => {
        img.addEventListener("load", () => resolve(img.naturalWidth > 0), {once: true});
        img.addEventListener("error", () => resolve(false), {once: true});
    })"""
    for i in range(images.count()):
        images.nth(i).scroll_into_view_if_needed()
        assert images.nth(i).evaluate(loaded)
    screenshot("muscle-page")


def test_live_search_finds_muscles_by_synonym_while_typing(live_server: Any, page: Page, screenshot: Any) -> None:
    page.goto(f"{live_server.url}/atlas/")
    expect(page.locator(".muscle-card")).to_have_count(99)
    page.locator("#q").fill("QL")
    expect(page.locator(".muscle-card")).to_have_count(1)
    expect(page.locator(".muscle-card")).to_contain_text("Quadratus lumborum")
    screenshot("atlas-search")
    page.locator(".muscle-card").click()
    expect(page).to_have_url(f"{live_server.url}/atlas/quadratus-lumborum/")


def test_pages_fit_a_phone_screen(live_server: Any, page: Page, screenshot: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/atlas/trapezius-upper/", "/where/?r=calf:right"):
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
    screenshot("phone-where")


def test_every_asset_is_served_by_the_app(live_server: Any, page: Page) -> None:
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(live_server.url) else None)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    for path in ("/", "/atlas/", "/atlas/soleus/", "/where/?r=heel:right"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert foreign == [] and failed == []
