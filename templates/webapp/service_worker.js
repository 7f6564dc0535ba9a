// The service worker of barcamp (events.views_webapp.service_worker serves it at /sw.js, so
// that its scope covers every camp's pages). A venue's Wi-Fi breaks down when three hundred
// phones join at once; what a Teilgeber has seen stays readable then, and nothing stale is ever
// shown as fresh:
// - Pages: the network first, always. A page that allows it (the {{ keep_header|safe }} header,
//   events.webapp.kept_offline) and is not no-store is copied into the cache as it arrives;
//   only when the network fails is the copy shown, and offline.js, told so, says "offline –
//   Stand 10:42". A page never kept gets the offline page instead.
// - Static files: their names carry a fingerprint (whitenoise's manifest), so a copy of an
//   immutable one is never stale and comes from the cache; any other (in development) from the
//   network first.
// - Anything else — forms sent (POST), htmx's fragments and polls, feeds — goes to the network as
//   if there were no worker, and is never copied.
// A login or a logout answers with Clear-Site-Data, which deletes this worker and all it kept.
"use strict";

const PRECACHE = {{ precache|safe }};
const STATIC_URL = {{ static_url|safe }};
const MEDIA_URL = {{ media_url|safe }};
const OFFLINE_PAGE = {{ offline_url|safe }};
const KEEP_HEADER = {{ keep_header|safe }};
const KEEP = {{ keep|safe }};
const PAGES = "barcamp-pages";
const FILES = "barcamp-static";
const MEDIA = "barcamp-media";
// Enough for every page of a camp a phone visits in a day; the oldest copies go first.
const LIMITS = { [PAGES]: 150, [FILES]: 100, [MEDIA]: 100 };
const KEPT_AT = "barcamp-kept-at";

// The windows this worker has just answered from a kept copy, and when that copy was made:
// offline.js asks as soon as its page runs.
const keptFor = new Map();

self.addEventListener("install", function (event) {
  event.waitUntil(
    Promise.all(
      PRECACHE.map(function (url) {
        return fetch(url, { cache: "no-cache" }).then(function (response) {
          if (!response.ok) throw new Error(url + ": " + response.status);
          return keep(FILES, new URL(url, self.location.href).href, response);
        });
      })
    )
      .then(function () {
        // A new version replaces the old one at once: they keep the same caches, and an old
        // page still finds its old (fingerprinted) files there.
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    self.clients.claim().then(function () {
      // The page that installed the worker was loaded before it: keep it now, or a phone that
      // opened only that page would find nothing offline.
      return self.clients.matchAll({ type: "window" }).then(function (windows) {
        return Promise.all(
          windows.map(function (client) {
            return fetch(client.url, { credentials: "same-origin" })
              .then(function (response) {
                return keepIfAllowed(client.url, response);
              })
              .catch(function () {});
          })
        );
      });
    })
  );
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(staticFile(event));
  } else if (request.destination === "image" && url.pathname.startsWith(MEDIA_URL)) {
    // Sponsors' logos: without them a kept camp page shows broken images.
    event.respondWith(networkFirst(event, MEDIA));
  }
});

self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "kept?" || !event.source) return;
  const served = keptFor.has(event.source.id);
  const keptAt = served ? keptFor.get(event.source.id) : null;
  keptFor.delete(event.source.id);
  event.source.postMessage({ type: "kept", served: served, keptAt: keptAt });
});

async function page(event) {
  try {
    const response = await fetch(event.request);
    event.waitUntil(keepIfAllowed(event.request.url, response.clone()));
    return response;
  } catch (error) {
    const kept = await caches.match(withoutHash(event.request.url), { cacheName: PAGES });
    if (kept) {
      keptFor.set(event.resultingClientId, Number(kept.headers.get(KEPT_AT)) || null);
      return kept;
    }
    const fallback = await caches.match(new URL(OFFLINE_PAGE, self.location.href).href, {
      cacheName: FILES,
    });
    if (!fallback) throw error;
    keptFor.set(event.resultingClientId, null);
    return fallback;
  }
}

async function staticFile(event) {
  const cache = await caches.open(FILES);
  const cached = await cache.match(event.request);
  if (cached && /immutable/.test(cached.headers.get("Cache-Control") || "")) return cached;
  return networkFirst(event, FILES, cached);
}

async function networkFirst(event, cacheName, cached) {
  try {
    const response = await fetch(event.request);
    if (response.ok && response.type === "basic") {
      event.waitUntil(keep(cacheName, event.request.url, response.clone()));
    }
    return response;
  } catch (error) {
    const fallback = cached || (await caches.match(event.request, { cacheName: cacheName }));
    if (fallback) return fallback;
    throw error;
  }
}

function keepIfAllowed(url, response) {
  const allowed =
    response.ok &&
    response.type === "basic" &&
    !response.redirected &&
    response.headers.get(KEEP_HEADER) === KEEP &&
    !/no-store/i.test(response.headers.get("Cache-Control") || "");
  return allowed ? keep(PAGES, withoutHash(url), response) : Promise.resolve();
}

async function keep(cacheName, url, response) {
  // The copy carries the moment it was made: the page says "Stand" with it.
  const headers = new Headers(response.headers);
  headers.set(KEPT_AT, String(Date.now()));
  const body = await response.blob();
  const cache = await caches.open(cacheName);
  const copy = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: headers,
  });
  await cache.put(url, copy);
  await trim(cache, LIMITS[cacheName]);
}

async function trim(cache, limit) {
  const keys = await cache.keys();
  if (keys.length <= limit) return;
  const ages = await Promise.all(
    keys.map(function (key) {
      return cache.match(key).then(function (response) {
        return { key: key, at: Number(response && response.headers.get(KEPT_AT)) || 0 };
      });
    })
  );
  ages.sort(function (a, b) {
    return a.at - b.at;
  });
  await Promise.all(
    ages.slice(0, keys.length - limit).map(function (entry) {
      return cache.delete(entry.key);
    })
  );
}

function withoutHash(url) {
  const parsed = new URL(url);
  parsed.hash = "";
  return parsed.href;
}
