// On a phone the camp's tabs may not all fit. Bring the current tab fully into view, hiding only
// whole tabs on the left (a tab cut to "mp" reads as nothing), and mark the sides where more tabs
// are, so that the bar shows a fade and an arrow there. Without this file nothing breaks: the bar
// starts at its first tab and scrolls.
(function () {
  "use strict";

  function markMore(nav) {
    const hidden = nav.scrollWidth - nav.clientWidth;
    nav.classList.toggle("more-before", nav.scrollLeft > 1);
    nav.classList.toggle("more-after", nav.scrollLeft < hidden - 1);
  }

  function showCurrent(nav) {
    const current = nav.querySelector('[aria-current="page"]');
    if (!current || nav.scrollWidth <= nav.clientWidth) return;
    const tabs = Array.from(nav.querySelectorAll("a"));
    // Positions in the bar's content, whatever it is scrolled to; the arrows cover this much.
    const origin = nav.getBoundingClientRect().left - nav.scrollLeft;
    const arrow = parseFloat(getComputedStyle(nav, "::after").width) || 0;
    const end = current.getBoundingClientRect().right - origin;
    const room = nav.clientWidth - arrow;
    if (end <= room) return;
    if (current === tabs[tabs.length - 1]) {
      nav.scrollLeft = nav.scrollWidth;
      return;
    }
    for (const tab of tabs) {
      const start = tab.getBoundingClientRect().left - origin - arrow;
      if (end - start <= room) {
        nav.scrollLeft = start;
        return;
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const nav = document.querySelector(".camp-nav");
    if (!nav) return;
    showCurrent(nav);
    markMore(nav);
    nav.addEventListener("scroll", function () { markMore(nav); }, { passive: true });
    window.addEventListener("resize", function () { markMore(nav); });
  });
})();
