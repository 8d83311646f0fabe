"""From the assessment to a treatment plan and its handout, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_make_adjust_and_print_a_plan(live_server: Any, page: Page, screenshot: Any) -> None:
    page.goto(f"{live_server.url}/where/?r=temple:right&r=neck-side:right")
    page.locator("#screening summary").click()
    page.get_by_role("radiogroup", name="reduced feeling in the skin").get_by_label("Yes").check()
    expect(page.locator("#where-results .precautions")).to_contain_text("Heat")
    page.get_by_role("button", name="Make a treatment plan").click()

    expect(page.locator("h1")).to_have_text("Treatment plan")
    expect(page.locator(".referral h2")).to_contain_text("Moderate pain")  # no intensities given: moderate
    expect(page.locator("table.sessions tbody tr").first).to_be_visible()
    expect(page.get_by_text("Left out for safety")).to_be_visible()
    screenshot("plan-page")

    page.locator("select[name=severity]").select_option("severe")
    page.locator("input[name=severity_reason]").fill("wakes with headaches every day")
    page.get_by_role("button", name="Update the plan").click()
    expect(page.locator(".referral h2")).to_contain_text("Severe pain")
    expect(page.locator(".referral")).to_contain_text("wakes with headaches every day")

    with page.context.expect_page() as new_page:
        page.get_by_role("button", name="Printable handout").click()
    handout = new_page.value
    handout.wait_for_load_state()
    expect(handout.locator("body")).to_contain_text("Upper trapezius")
    assert handout.locator("svg").count() >= 1
