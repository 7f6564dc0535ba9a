// The phone without a network (beside the service worker, templates/webapp/service_worker.js).
// A venue's Wi-Fi breaks down when three hundred phones join at once; then:
// - the page says so: "offline – Stand 10:42" when it is what the phone kept (the worker served
//   its copy) or was loaded before the network went, "keine Verbindung seit 10:42" on a live page
//   (pitch, plan, projector, door sign, board) whose polls fail, with the last answer's time. Once
//   the server answers again the note goes and the page reloads itself — unless something typed
//   into it is not saved, which a reload would lose; a live page follows by its polls.
// - a vote, a wall post or a notes save tapped meanwhile (a form with data-offline-queue) waits
//   in localStorage, says "wird gesendet, sobald du wieder online bist", and is sent when the
//   server answers again, under the rules that hold then: a refusal (voting closed meanwhile) is
//   shown clearly. Each form says what it wants, not what to change (a vote's want=1/0, a post's
//   one-time nonce, the notes' base revision), so a form sent twice changes nothing; only the
//   last tap per vote button (per post, per notes page) waits, and the waiting ones go in the
//   order they were tapped. A notes save goes last, as a real form, so that the phone ends on
//   what the server answers (saved, merged, or the conflict page).
// Without this file, or in a browser without service workers, every page works as before.
(function () {
  "use strict";

  const script = document.currentScript;
  const TEXT = script.dataset;
  const QUEUE = "barcamp-offline-queue";
  const REFUSED = "barcamp-offline-refused";
  // How often a page that lost the server asks whether it is back (only while it is lost).
  const PROBE_EVERY = 5000;
  // A request on a Wi-Fi that lets nothing through can hang for minutes; a queued one gives up
  // sooner and waits for the next try.
  const SEND_TIMEOUT = 15000;

  const state = {
    offline: false,
    // The page is the copy the worker kept (the network failed as it loaded), and since when.
    kept: false,
    keptAt: null,
    // When the server last answered this page: its load, then every answer to a poll.
    heardAt: performance.timeOrigin,
  };
  let probing = null;
  let banner = null;
  let flushing = null;

  // --- Connection -----------------------------------------------------------------------

  // In the camp's time zone, as every other time on its pages (a projector's computer may run on
  // UTC); outside a camp in the phone's.
  function clock(ms) {
    const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (TEXT.timeZone) options.timeZone = TEXT.timeZone;
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options).format(ms);
    } catch (error) {
      delete options.timeZone; // a zone this browser does not know
      return new Intl.DateTimeFormat(undefined, options).format(ms);
    }
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) {
      return name in values ? values[name] : match;
    });
  }

  function isLive() {
    return document.querySelector('[hx-trigger*="every "]') !== null;
  }

  function bannerText() {
    if (state.kept && !state.keptAt) return TEXT.offline;
    if (state.kept) return fill(TEXT.asOf, { time: clock(state.keptAt) });
    if (isLive()) return fill(TEXT.since, { time: clock(state.heardAt) });
    return fill(TEXT.asOf, { time: clock(state.heardAt) });
  }

  function showBanner() {
    if (!banner) {
      banner = document.createElement("p");
      banner.className = "offline-banner";
      banner.setAttribute("role", "status");
      document.body.prepend(banner);
    }
    banner.textContent = bannerText();
    banner.hidden = false;
  }

  function goOffline() {
    state.offline = true;
    showBanner();
    if (!probing) probing = setInterval(probe, PROBE_EVERY);
  }

  function probe() {
    fetch(TEXT.probe, { cache: "no-store", credentials: "same-origin" }).then(heard, function () {
      if (!state.offline) goOffline();
    });
  }

  // The server answered (a probe, a poll, a form): back online if the page thought it was not.
  function heard() {
    state.heardAt = Date.now();
    if (!state.offline && !state.kept) {
      if (queued().length) flush();
      return;
    }
    const wasKept = state.kept;
    state.offline = false;
    state.kept = false;
    clearInterval(probing);
    probing = null;
    if (banner) banner.hidden = true;
    flush().then(function (result) {
      refresh(result, wasKept || !isLive());
    }, goOffline);
  }

  // After the queue went out: show the server's state, which a reload does best (a sent vote's
  // button, a new post); a live page follows by its polls. The refusals outlive the reload.
  function refresh(result, stale) {
    if (result.navigating) return;
    if ((stale || result.sent) && !unsaved()) {
      location.reload();
    } else {
      showRefusals();
    }
  }

  // Something typed and not saved (nor waiting in the queue): a reload would lose it.
  function unsaved() {
    return Array.prototype.some.call(
      document.querySelectorAll("textarea, input[type=text], input[type=search], input:not([type])"),
      function (field) {
        return !field.readOnly && field.value !== field.defaultValue;
      }
    );
  }

  // --- The queue --------------------------------------------------------------------------

  function queued() {
    try {
      return JSON.parse(localStorage.getItem(QUEUE)) || [];
    } catch (error) {
      return [];
    }
  }

  function store(queue) {
    localStorage.setItem(QUEUE, JSON.stringify(queue));
  }

  function field(fields, name) {
    const found = fields.find(function (pair) {
      return pair[0] === name;
    });
    return found ? found[1] : "";
  }

  function labelOf(form, kind, fields) {
    if (kind === "post") {
      const text = field(fields, "text").trim();
      return text.length > 40 ? text.slice(0, 39) + "…" : text;
    }
    const holder = form.closest("li, article, section");
    const title = holder && holder.querySelector(".session-title, h1, h2");
    return (title ? title.textContent : document.title.split(" · ")[0]).trim();
  }

  // Not form.action: a form with a field named "action" (the notes' buttons) hides it.
  function actionOf(form) {
    return new URL(form.getAttribute("action") || "", document.baseURI).href;
  }

  function enqueue(form, submitter) {
    const kind = form.dataset.offlineQueue;
    const url = actionOf(form);
    const fields = [];
    new FormData(form, submitter || undefined).forEach(function (value, name) {
      // The CSRF token is added when it is sent: the one of the page that sends it.
      if (name !== "csrfmiddlewaretoken" && typeof value === "string") fields.push([name, value]);
    });
    const key = kind === "post" ? "post " + url + " " + field(fields, "nonce") : kind + " " + url;
    const entry = { key: key, kind: kind, url: url, fields: fields, label: labelOf(form, kind, fields) };
    const queue = queued().filter(function (other) {
      return other.key !== key;
    });
    queue.push(entry);
    try {
      store(queue);
    } catch (error) {
      return false; // no room on the phone: the form stays as it is
    }
    markPending(form, entry, true);
    return true;
  }

  function pendingNote(after, text) {
    const note = document.createElement("p");
    note.className = "offline-pending";
    note.setAttribute("role", "status");
    note.textContent = text;
    after.after(note);
    return note;
  }

  // Show on the form that its tap waits; `fresh` for a tap just now, not a page loaded later.
  function markPending(form, entry, fresh) {
    if (entry.kind === "vote") {
      // Below the button and its count, whatever the button's markup.
      const holder = form.parentElement;
      form.classList.add("is-queued");
      if (!holder.querySelector(":scope > .offline-pending")) {
        pendingNote(holder.lastElementChild, TEXT.pending);
      }
    } else if (entry.kind === "post") {
      if (fresh) {
        // Ready for the next post: empty, with a new one-time token of its own.
        const text = form.querySelector("textarea");
        text.value = "";
        text.dispatchEvent(new Event("input", { bubbles: true }));
        form.querySelector("[name=nonce]").value = newNonce();
      }
      pendingNote(form, "„" + entry.label + "“ – " + TEXT.pending);
    } else if (entry.kind === "notes") {
      const text = form.querySelector("textarea");
      text.value = field(entry.fields, "text");
      text.defaultValue = text.value; // kept in the queue: not lost by a reload
      if (!form.querySelector(".offline-pending")) pendingNote(form.querySelector("textarea"), TEXT.pending);
    }
  }

  function newNonce() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (byte) {
      return byte.toString(16).padStart(2, "0");
    }).join("");
  }

  function showQueued() {
    queued().forEach(function (entry) {
      document.querySelectorAll('form[data-offline-queue="' + entry.kind + '"]').forEach(function (form) {
        if (actionOf(form) === entry.url) markPending(form, entry, false);
      });
    });
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["x-csrftoken"];
    } catch (error) {
      return null;
    }
  }

  // Send what waits, in order; then a notes save, as a real form. Tabs take turns (a Web Lock),
  // so two open pages do not send the same queue at once.
  function flush() {
    if (!flushing) {
      const run = navigator.locks ? navigator.locks.request(QUEUE, sendQueued) : sendQueued();
      flushing = run.finally(function () {
        flushing = null;
      });
    }
    return flushing;
  }

  async function sendQueued() {
    const token = csrfToken();
    const result = { sent: 0, navigating: false };
    if (!token) return result; // a page without forms (the projector): another page sends
    for (;;) {
      const entry = queued().find(function (other) {
        return other.kind !== "notes";
      });
      if (!entry) break;
      let response;
      try {
        response = await send(entry, token);
      } catch (error) {
        goOffline();
        return result;
      }
      // Busy or failing: nothing was written; the entry waits for the next try.
      if (response.status === 429 || response.status >= 500) return result;
      forget(entry.key);
      result.sent += 1;
      if (!response.ok || response.headers.get("HX-Redirect")) await refused(entry, response);
    }
    const notes = queued().find(function (other) {
      return other.kind === "notes";
    });
    if (notes && !unsaved()) {
      forget(notes.key);
      submitForm(notes, token);
      result.navigating = true;
    }
    return result;
  }

  function send(entry, token) {
    const abort = new AbortController();
    const timer = setTimeout(function () {
      abort.abort();
    }, SEND_TIMEOUT);
    // As htmx sends it: the server answers with the fragment and its status (409: voting closed).
    return fetch(entry.url, {
      method: "POST",
      body: new URLSearchParams(entry.fields),
      headers: { "X-CSRFToken": token, "HX-Request": "true" },
      credentials: "same-origin",
      signal: abort.signal,
    }).finally(function () {
      clearTimeout(timer);
    });
  }

  function forget(key) {
    store(
      queued().filter(function (other) {
        return other.key !== key;
      })
    );
  }

  function submitForm(entry, token) {
    const form = document.createElement("form");
    form.setAttribute("method", "post");
    form.setAttribute("action", entry.url);
    entry.fields.concat([["csrfmiddlewaretoken", token]]).forEach(function (pair) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = pair[0];
      input.value = pair[1];
      form.append(input);
    });
    document.body.append(form);
    form.submit();
  }

  async function refused(entry, response) {
    let reason = "";
    if (response.headers.get("HX-Redirect")) {
      reason = TEXT.loggedOut;
    } else {
      // The server's own words, from the fragment it answered with (parsed inert: nothing runs).
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      reason = Array.from(page.querySelectorAll('[role="alert"], .message-error'), function (node) {
        return node.textContent.trim();
      })
        .filter(Boolean)
        .join(" ");
    }
    const text = entry.kind === "vote" ? TEXT.voteRefused : TEXT.postRefused;
    const message = fill(text, {
      what: entry.label,
      reason: reason || fill(TEXT.refusedStatus, { status: response.status }),
    });
    const list = JSON.parse(sessionStorage.getItem(REFUSED) || "[]");
    list.push(message);
    sessionStorage.setItem(REFUSED, JSON.stringify(list));
  }

  function showRefusals() {
    const list = JSON.parse(sessionStorage.getItem(REFUSED) || "[]");
    if (!list.length) return;
    sessionStorage.removeItem(REFUSED);
    const box = document.createElement("div");
    box.className = "offline-refused";
    box.setAttribute("role", "alert");
    list.forEach(function (message) {
      const line = document.createElement("p");
      line.textContent = message;
      box.append(line);
    });
    const main = document.querySelector("main") || document.body;
    main.prepend(box);
  }

  // --- Hooks --------------------------------------------------------------------------------

  function queueable(element) {
    return element && element.matches && element.matches("form[data-offline-queue]") ? element : null;
  }

  // Known offline: keep the tap at once instead of trying.
  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = queueable(event.detail.elt);
    if (form && state.offline && enqueue(form)) event.preventDefault();
  });

  // The request did not reach the server, or its answer did not come back; sent again, the form
  // changes nothing it already changed.
  document.addEventListener("htmx:sendError", function (event) {
    goOffline();
    const form = queueable(event.detail.elt);
    if (form) enqueue(form);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const xhr = event.detail.xhr;
    if (xhr && xhr.status > 0) heard();
  });

  // A notes save is a whole-page form. Offline, the browser would show its error page instead of
  // the editor: keep the save, and when the browser does not know, ask the server first.
  document.addEventListener("submit", function (event) {
    const form = queueable(event.target);
    if (!form || form.dataset.offlineQueue !== "notes" || event.defaultPrevented) return;
    const submitter = event.submitter;
    if (submitter && submitter.value !== "save") return;
    if (form.dataset.offlineChecked) return; // the server answered the check: send it as it is
    event.preventDefault();
    forget("notes " + actionOf(form)); // this save replaces any that waits
    const keep = function () {
      goOffline();
      enqueue(form, submitter);
    };
    if (state.offline || !navigator.onLine) return keep();
    fetch(TEXT.probe, { cache: "no-store", credentials: "same-origin" }).then(function () {
      form.dataset.offlineChecked = "1";
      form.requestSubmit(submitter);
    }, keep);
  });

  window.addEventListener("offline", goOffline);
  window.addEventListener("online", probe);

  // --- Start ------------------------------------------------------------------------------

  if ("serviceWorker" in navigator && TEXT.worker) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (!event.data || event.data.type !== "kept" || !event.data.served) return;
      state.kept = true;
      state.keptAt = event.data.keptAt;
      goOffline();
    });
    navigator.serviceWorker.startMessages();
    if (navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage({ type: "kept?" });
    navigator.serviceWorker.register(TEXT.worker, { scope: "/" }).catch(function () {});
  }
  document.addEventListener("DOMContentLoaded", function () {
    showQueued();
    showRefusals();
    if (!navigator.onLine) {
      goOffline();
    } else if (queued().length) {
      // Taps kept from an earlier visit: sent now, then this page shows what the server made of them.
      flush().then(function (result) {
        refresh(result, false);
      }, goOffline);
    }
  });
})();
