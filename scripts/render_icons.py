"""
Renders the web app's PNG icons from the SVGs in static/img/ (run it after changing either).

    .venv/bin/python scripts/render_icons.py

Home screens and app launchers want PNGs in 192 and 512 pixels: `icon-*.png` from icon.svg
(rounded corners, shown as it is), `icon-maskable-*.png` from icon-maskable.svg (full bleed, the
mark inside the middle 80 %, which every launcher's mask leaves visible). Debian's chromium
draws them, as in the browser tests; the PNGs are committed, so no build step needs a browser.
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

IMG = Path(__file__).resolve().parent.parent / "static" / "img"
ICONS = {"icon.svg": "icon-{size}.png", "icon-maskable.svg": "icon-maskable-{size}.png"}
SIZES = (192, 512)


def main():
    chromium = shutil.which("chromium")
    if not chromium:
        sys.exit("Debian's chromium is missing: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for source, target in ICONS.items():
            svg = (IMG / source).read_text()
            for size in SIZES:
                page = browser.new_page(viewport={"width": size, "height": size})
                page.set_content(
                    "<style>html,body{margin:0}svg{display:block;width:100vw;height:100vh}</style>"
                    + svg
                )
                page.screenshot(path=IMG / target.format(size=size), omit_background=True)
                page.close()
                print(IMG / target.format(size=size))
        browser.close()


if __name__ == "__main__":
    main()
