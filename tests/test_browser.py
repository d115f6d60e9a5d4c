"""The course as a learner sees it: JupyterLab in a real (headless) Chromium.

Starts JupyterLab from the course environment on 127.0.0.1 (a free port, token
auth, no browser of its own), opens lesson 00 and lesson 04 (the one with the
bit-width slider) from notebooks/ in Debian's Chromium driven by Playwright,
runs every cell, and checks what a person would: the course kernel, no cell
with an error, widgets drawn as widgets, plots drawn. Screenshots go to
build/browser/.

Chromium comes from Debian (`apt-get install chromium chromium-driver`), never
from `playwright install`, which downloads a browser build. Where it cannot be
installed, the test is skipped and says why.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

from edgebook import paths, workbook

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LESSONS = {  # notebook -> what it must show
    "00_welcome_and_setup_check.ipynb": {"widgets": False, "plots": False},
    "04_post_training_quantization.ipynb": {"widgets": True, "plots": True},
}
RUN_ALL_TIMEOUT_S = 300

# Settings a fresh JupyterLab gets: no news pop-up over the screenshots, and every
# cell kept in the page (JupyterLab 4 otherwise skips drawing cells out of view).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _install_chromium() -> str | None:
    """Install Debian's Chromium if it is missing; the reason it can't be, or None."""
    if CHROMIUM.exists():
        return None
    if not shutil.which("apt-get") or os.geteuid() != 0:
        return (f"{CHROMIUM} is missing and this user cannot install it "
                "(needs root and apt-get: apt-get install chromium chromium-driver)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"],
                    ["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"`{' '.join(command)}` failed: {(done.stderr or done.stdout).strip()[-300:]}"
    return None if CHROMIUM.exists() else f"apt-get installed chromium but {CHROMIUM} is missing"


@pytest.fixture(scope="module")
def chromium():
    reason = _install_chromium()
    if reason:
        pytest.skip(f"Chromium unavailable, browser test not run: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Lab:
    """A JupyterLab server on 127.0.0.1 serving a scratch copy of the lessons."""

    def __init__(self, home: Path, extra_args: tuple[str, ...] = ()):
        self.port, self.token = _free_port(), uuid.uuid4().hex
        self.url = f"http://127.0.0.1:{self.port}"
        # A copy, so that JupyterLab's autosave never writes outputs into notebooks/.
        (home / "notebooks").mkdir(parents=True)
        for name in LESSONS:
            shutil.copy(paths.root() / "notebooks" / name, home / "notebooks" / name)
        settings = home / "settings"
        for relative, values in LAB_SETTINGS.items():
            (settings / relative).parent.mkdir(parents=True, exist_ok=True)
            (settings / relative).write_text(json.dumps(values))
        env = {k: v for k, v in os.environ.items() if k not in {"CI", "EDGEBOOK_NO_NETWORK"}}
        env.update(EDGEBOOK_QUICK="1", JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"))
        self.log = home / "lab.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1",
             f"--port={self.port}", f"--IdentityProvider.token={self.token}",
             f"--ServerApp.root_dir={home}", *extra_args],
            env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        self._wait_until_up()

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.url}/api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        """The end of JupyterLab's own log, for a failure message."""
        tail = self.log.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(["--- JupyterLab log (last lines) ---", *tail])

    def _wait_until_up(self, timeout_s: float = 60):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"JupyterLab exited: {self.log.read_text()[-2000:]}")
            try:
                self.api("status")
                return
            except OSError:
                time.sleep(0.5)
        raise AssertionError(f"JupyterLab did not answer in {timeout_s} s: {self.log.read_text()[-2000:]}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = Lab(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


def _run_all_cells(page, lab: Lab, notebook: str, timeout_s: float = RUN_ALL_TIMEOUT_S):
    """Open a notebook, run every cell as soon as the toolbar shows the course kernel
    (as a learner does, often before the kernel has finished starting), wait until all are done."""
    page.goto(f"{lab.url}/lab/tree/notebooks/{notebook}?reset&token={lab.token}")
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    # What a learner is told to do: "Restart kernel and run all" (the ⏩ button), then confirm.
    page.locator(".jp-Toolbar-kernelName", has_text=workbook.config()["kernel_display_name"]).wait_for()
    page.locator("[data-command='notebook:restart-run-all']").first.click()
    page.locator(".jp-Dialog", has_text="Restart").locator(".jp-mod-accept").click()
    deadline = time.monotonic() + timeout_s
    settled = 0  # consecutive looks at a page where nothing runs or waits to run
    while time.monotonic() < deadline:
        prompts = [p.strip() for p in page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()]
        try:
            kernels = lab.api("kernels")
        except OSError:  # a server slow to answer while the kernel works is not done yet
            kernels = None
        quiet = (kernels and all(k["execution_state"] == "idle" for k in kernels)
                 and "[*]:" not in prompts and any(re.fullmatch(r"\[\d+\]:", p) for p in prompts))
        settled = settled + 1 if quiet else 0
        if settled == 3:
            return
        page.wait_for_timeout(1_000)
    raise AssertionError(f"{notebook}: cells still running after {timeout_s:.0f} s "
                         f"(prompts: {' '.join(prompts)})\n{lab.log_tail()}")


def _saved_outputs(page, lab: Lab, notebook: str) -> nbformat.NotebookNode:
    page.keyboard.press("Control+s")
    page.wait_for_timeout(1_500)
    path = Path(lab.api(f"contents/notebooks/{notebook}?content=0")["path"])
    return nbformat.read(Path(lab.process.args[-1].split("=", 1)[1]) / path, as_version=4)


@pytest.mark.parametrize("notebook", list(LESSONS))
def test_lesson_runs_in_jupyterlab(chromium, lab, notebook):
    expected = LESSONS[notebook]
    shots = paths.build_dir("browser")
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _run_all_cells(page, lab, notebook)

        kernel_name = page.locator(".jp-Toolbar-kernelName").first.inner_text()
        assert kernel_name.strip() == workbook.config()["kernel_display_name"]
        assert {s["kernel"]["name"] for s in lab.api("sessions")} == {workbook.config()["kernel"]}

        saved = _saved_outputs(page, lab, notebook)
        code_cells = [c for c in saved.cells if c.cell_type == "code"]
        errors = [o for c in code_cells for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{notebook}: {errors[0].ename}: {errors[0].evalue}"
        assert all(c.execution_count for c in code_cells), f"{notebook}: a cell did not run"
        assert page.locator("[data-mime-type='application/vnd.jupyter.error']").count() == 0

        if expected["plots"]:
            images = page.locator(".jp-OutputArea-output img[src^='data:image/png']")
            assert images.count() > 0, f"{notebook}: no plot was drawn"
        if expected["widgets"]:
            _check_bit_width_slider(page)
        else:  # the screenshot shows the lesson's last answer
            page.locator(".jp-OutputArea-output").last.scroll_into_view_if_needed()
    finally:
        page.screenshot(path=shots / notebook.replace(".ipynb", ".png"))
        page.close()


def _check_bit_width_slider(page):
    """Lesson 04's slider is drawn as a slider (not as text) and moving it updates the label."""
    text_fallbacks = page.locator(".jp-OutputArea-output pre", has_text="IntSlider(")
    assert text_fallbacks.count() == 0, "widgets were shown as text: the widget manager is missing"
    slider = page.locator(".widget-slider", has_text="weight bits").first
    slider.scroll_into_view_if_needed()
    label = slider.locator("xpath=following-sibling::*[1]")
    assert label.inner_text().startswith("8-bit weights")
    slider.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        "el => el.innerText.startsWith('7-bit weights')", arg=label.element_handle(), timeout=60_000)
