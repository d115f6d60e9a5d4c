"""How often "Restart kernel and run all" hangs in JupyterLab: a benchmark, not a test.

Each trial opens lesson 00 with a kernel that has just been started, clicks
"Restart kernel and run all" as soon as the toolbar shows the course kernel (as
a learner does, while the kernel may still be starting), and counts a hang when
the cells have not finished in TRIAL_TIMEOUT_S. Between trials every session is
shut down, so each trial starts a new kernel.

    .venv/bin/python tests/restart_race.py --trials 20              # the course's connection class
    .venv/bin/python tests/restart_race.py --trials 20 --upstream   # jupyter_server's own

See edgebook/kernel_websocket.py for the cause and the fix.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import test_browser  # noqa: E402  (the same JupyterLab and Chromium the browser test uses)

UPSTREAM = ("--ServerApp.kernel_websocket_connection_class="
            "jupyter_server.services.kernels.connection.channels.ZMQChannelsWebsocketConnection")
NOTEBOOK = "00_welcome_and_setup_check.ipynb"
TRIAL_TIMEOUT_S = 90


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--upstream", action="store_true", help="use jupyter_server's connection class")
    args = parser.parse_args()
    if reason := test_browser._install_chromium():
        print(f"cannot run: {reason}")
        return 2
    from playwright.sync_api import sync_playwright

    hangs = 0
    with tempfile.TemporaryDirectory() as home, sync_playwright() as playwright:
        lab = test_browser.Lab(Path(home), extra_args=(UPSTREAM,) if args.upstream else ())
        browser = playwright.chromium.launch(executable_path=str(test_browser.CHROMIUM),
                                             args=test_browser.CHROMIUM_FLAGS)
        try:
            for trial in range(1, args.trials + 1):
                for session in lab.api("sessions"):
                    lab.api(f"sessions/{session['id']}", method="DELETE")
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                start = time.monotonic()
                try:
                    test_browser._run_all_cells(page, lab, NOTEBOOK, timeout_s=TRIAL_TIMEOUT_S)
                    outcome = "ok"
                except AssertionError:
                    hangs += 1
                    outcome = "HUNG"
                finally:
                    page.close()
                print(f"trial {trial:2d}: {outcome} ({time.monotonic() - start:.0f} s)", flush=True)
        finally:
            browser.close()
            lab.stop()
    which = "jupyter_server's connection class" if args.upstream else "the course's connection class"
    print(f"{hangs} of {args.trials} restarts hung with {which}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
