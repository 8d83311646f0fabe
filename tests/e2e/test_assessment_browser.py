"""The web assessment in a real browser: a pain drawing with screening, red flags first."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_screening_answers_put_a_red_flag_above_the_muscles(live_server: Any, page: Page, screenshot: Any) -> None:
    page.goto(f"{live_server.url}/where/?r=low-back:right&r=buttock-upper:right")
    results = page.locator("#where-results")
    expect(results.locator("li.result").first).to_be_visible()
    expect(results.locator(".referral")).to_contain_text("No warning signs")
    page.locator("#screening summary").click()
    page.get_by_role("radiogroup", name="numbness or tingling around the genitals").get_by_label("Yes").check()
    referral = results.locator(".referral")
    expect(referral).to_contain_text("Emergency")
    expect(referral).to_contain_text("cauda equina")
    # Red flags come before everything else on the page.
    order = results.evaluate("el => [...el.children].map(c => c.className)")
    assert order.index(next(c for c in order if "referral" in c)) == 0
    page.get_by_role("radiogroup", name="blood-thinning").get_by_label("Yes").check()
    expect(results.locator(".precautions")).to_contain_text("Dry needling")
    expect(results.locator(".precautions")).to_contain_text("avoid")
    screenshot("assessment-red-flag")


def test_alarm_words_in_the_history_raise_a_referral(live_server: Any, page: Page) -> None:
    page.goto(f"{live_server.url}/where/?r=shoulder-side:right")
    page.locator("#screening summary").click()
    page.locator("textarea[name=history]").fill("Night sweats for the last month.")
    page.locator("input[name=age]").fill("58")
    page.locator("input[name=age]").dispatch_event("change")
    expect(page.locator("#where-results .referral")).to_contain_text("Urgent")
    expect(page.locator("#where-results .referral")).to_contain_text("Night sweats")


def test_a_bad_age_is_named_and_the_drawing_is_kept(live_server: Any, page: Page) -> None:
    page.goto(f"{live_server.url}/where/?r=heel:left")
    page.locator("#screening summary").click()
    page.locator("input[name=age]").fill("130")
    page.locator("input[name=age]").dispatch_event("change")
    expect(page.locator("#where-results .errors")).to_contain_text("age: 130 is outside 0-120")
    expect(page.locator("#where-results ol.results")).to_contain_text("Soleus")
