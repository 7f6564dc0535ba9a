// On a phone the camp's tabs scroll sideways; bring the current one into view, so that a page
// at the end of the row (e.g. the wall) shows which tab it is. Without this file nothing breaks.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    const nav = document.querySelector(".camp-nav");
    const current = nav && nav.querySelector('[aria-current="page"]');
    if (!current || nav.scrollWidth <= nav.clientWidth) return;
    nav.scrollLeft = current.offsetLeft - (nav.clientWidth - current.offsetWidth) / 2;
  });
})();
