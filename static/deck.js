// The deck page: the chat (same-origin iframe) asks to show a source; scroll to it and highlight it.
(function () {
  "use strict";
  var frame = document.querySelector(".chat-pane iframe");
  window.addEventListener("message", function (event) {
    if (event.origin !== location.origin || !frame || event.source !== frame.contentWindow) return;
    var data = event.data || {};
    if (data.type !== "deckchat:source") return;
    var pages = document.querySelectorAll("figure.page");
    for (var i = 0; i < pages.length; i++) {
      // Compared as data, never put into a selector: document names are the owner's file names.
      if (pages[i].dataset.doc === data.doc && pages[i].dataset.page === String(data.page)) {
        show(pages[i]);
        return;
      }
    }
  });
  function show(page) {
    var lit = document.querySelectorAll("figure.page.highlight");
    for (var i = 0; i < lit.length; i++) lit[i].classList.remove("highlight");
    page.classList.add("highlight");
    page.scrollIntoView({ behavior: "smooth", block: "start" });
    page.focus({ preventScroll: true });
  }
})();

// What the reader looks at: the slide most on screen and for how long, sent to the founders in
// batches (navigator.sendBeacon: it survives the page closing). Opening the deck starts the session
// the chat then uses (the same localStorage key as static/chat/state.js).
(function () {
  "use strict";
  var layout = document.querySelector(".deck-layout");
  if (!layout || !window.IntersectionObserver || !navigator.sendBeacon) return;
  var deck = layout.dataset.deck;
  var reader = layout.dataset.reader; // a gated deck's reader: their own conversation (static/chat/state.js)
  var sessionKey = "deckchat:session:" + deck + (reader ? ":" + reader : "");
  var fallbackId = null;
  var MIN_VIEW_MS = 400; // less is scrolling past
  var FLUSH_MS = 5000;

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function sessionId() { // read each time: "New chat" in the chat starts another session
    try {
      var id = window.localStorage.getItem(sessionKey);
      if (!id) { id = newId(); window.localStorage.setItem(sessionKey, id); }
      return id;
    } catch (e) {
      return fallbackId || (fallbackId = newId());
    }
  }
  var queue = [{ type: "open" }];
  function flush() {
    if (!queue.length) return;
    var body = JSON.stringify({ deck: deck, session_id: sessionId(), events: queue.splice(0, 50) });
    navigator.sendBeacon("/api/events", new Blob([body], { type: "application/json" }));
  }
  sessionId();
  flush();

  var ratios = new Map();
  var shown = null, since = 0;
  function close() { // the slide on screen until now, as one view
    if (!shown) return;
    var ms = Math.round(performance.now() - since);
    if (ms >= MIN_VIEW_MS) queue.push({ type: "view", doc: shown.dataset.doc, page: Number(shown.dataset.page), ms: ms });
    shown = null;
  }
  function choose() {
    if (document.visibilityState !== "visible") return; // a hidden tab is not being read
    var best = null, bestRatio = 0.5; // at least half of it (or of the window) on screen
    ratios.forEach(function (ratio, page) { if (ratio >= bestRatio) { best = page; bestRatio = ratio; } });
    if (best === shown) return;
    close();
    shown = best;
    since = performance.now();
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      // A page taller than the window counts by the share of the window it fills.
      ratios.set(entry.target, Math.max(entry.intersectionRatio, entry.intersectionRect.height / window.innerHeight));
    });
    choose();
  }, { threshold: [0, 0.25, 0.5, 0.75, 1] });
  document.querySelectorAll("figure.page").forEach(function (page) { observer.observe(page); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { close(); flush(); } else { choose(); }
  });
  window.addEventListener("pagehide", function () { close(); flush(); });
  setInterval(flush, FLUSH_MS);
})();
