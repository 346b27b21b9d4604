"""The backward player in a real browser: headless Chromium loads a saved page and clicks through it.

Skipped where Chromium, its chromedriver or selenium (the dev extra) is missing; .ci/run installs them.
"""

from __future__ import annotations

import shutil

import pytest

from autograd import Tensor, backward_steps

webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')"
)
from selenium.webdriver.common.by import By  # noqa: E402

CHROMIUM = next(
    (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)),
    None,
)
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="no chromium and chromedriver on PATH (apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def fan_out_steps():
    x = Tensor(5.0, requires_grad=True, name="x")
    y = x * x + 3 * x
    y.name = "y"
    return backward_steps(y)


def visible_frames(player) -> list[int]:
    frames = player.find_elements(By.CSS_SELECTOR, ".autograd-steps-frame")
    return [k for k, frame in enumerate(frames) if frame.is_displayed()]


def test_next_previous_and_the_slider_move_through_the_frames(browser, tmp_path):
    steps = fan_out_steps()
    path = steps.save(str(tmp_path / "steps.html"))
    browser.get(f"file://{path}")
    player = browser.find_element(By.CSS_SELECTOR, ".autograd-steps")
    counter = player.find_element(By.CSS_SELECTOR, ".autograd-steps-counter")
    caption = player.find_element(By.CSS_SELECTOR, ".autograd-steps-caption")
    assert counter.text == "Step 1 of 4" and visible_frames(player) == [0]
    player.find_element(By.CSS_SELECTOR, ".autograd-steps-next").click()
    assert counter.text == "Step 2 of 4" and visible_frames(player) == [1]
    assert caption.text == steps.caption(1)
    for _ in range(5):  # past the end it stays on the last frame
        player.find_element(By.CSS_SELECTOR, ".autograd-steps-next").click()
    assert counter.text == "Step 4 of 4" and visible_frames(player) == [3]
    player.find_element(By.CSS_SELECTOR, ".autograd-steps-previous").click()
    assert counter.text == "Step 3 of 4" and caption.text == steps.caption(2)
    slider = player.find_element(By.CSS_SELECTOR, ".autograd-steps-slider")
    browser.execute_script("arguments[0].value = 0; arguments[0].dispatchEvent(new Event('input'));", slider)
    assert counter.text == "Step 1 of 4" and visible_frames(player) == [0]
    # Every frame is a picture the browser could decode.
    assert browser.execute_script(
        "return Array.from(document.querySelectorAll('.autograd-steps-frame')).every(i => i.naturalWidth > 0)"
    )


def test_two_players_on_one_page_each_keep_their_own_step(browser, tmp_path):
    first, second = fan_out_steps(), fan_out_steps()
    page = tmp_path / "two.html"
    page.write_text(f"<!DOCTYPE html><html><body>{first._repr_html_()}{second._repr_html_()}</body></html>")
    browser.get(f"file://{page}")
    players = browser.find_elements(By.CSS_SELECTOR, ".autograd-steps")
    assert len(players) == 2
    players[1].find_element(By.CSS_SELECTOR, ".autograd-steps-next").click()
    players[1].find_element(By.CSS_SELECTOR, ".autograd-steps-next").click()
    counters = [p.find_element(By.CSS_SELECTOR, ".autograd-steps-counter").text for p in players]
    assert counters == ["Step 1 of 4", "Step 3 of 4"]
