// A refusal (a 4xx answer to an htmx request) is a fragment for the element that asked: the
// htmx-config in base.html swaps it there, so a refused vote explains itself in the button's
// place and the page goes on following the pitch. With DEBUG on, django-htmx's debug script
// (its listener on the document) would put such an answer in place of the whole page; it is
// stopped one step before, at <html>, so every setting answers in place. Server errors (5xx)
// still reach it: a developer sees the traceback.
document.documentElement.addEventListener("htmx:beforeOnLoad", function (event) {
  "use strict";
  const status = event.detail.xhr.status;
  if (status >= 400 && status < 500) event.stopPropagation();
});
