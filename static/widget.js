// DeckChat's embed: <script src="https://HOST/widget.js" data-deck="example" async></script>
// Options (data attributes): data-position="right|left", data-title, data-greeting,
// data-questions="First question?|Second question?", data-color="#1f5f8b".
// A link-only deck (deck.toml access = "link") opens for a reader whose address on the host site
// carries their personal link's token: https://www.example.com/?deckchat=TOKEN (the part after t=).
// The chat runs in an iframe served by DeckChat (no dependency on the host page's CSS or JS); the
// launcher lives in a shadow root so the host's styles cannot reach it, nor its styles the host.
(function () {
  "use strict";
  var script = document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-deck]');
  if (!script || !script.dataset.deck || script.dataset.deckchatLoaded) return;
  script.dataset.deckchatLoaded = "1";
  var options = script.dataset;
  var appOrigin = new URL(script.src, location.href).origin;
  var colour = /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(options.color || "") ? options.color : "#1f5f8b";
  var side = options.position === "left" ? "left" : "right";

  var params = { launcher: "1", host: location.origin };
  var token = new URLSearchParams(location.search).get("deckchat");
  if (token) params.t = token;
  var src = appOrigin + "/embed/" + encodeURIComponent(options.deck) + "?" + new URLSearchParams(params).toString();
  // The chat accepts these from this page only if the deck's owner allowed this site (deck.toml).
  var chatOptions = { type: "deckchat:options", title: options.title, greeting: options.greeting,
                      color: options.color,
                      questions: (options.questions || "").split("|").map(function (q) { return q.trim(); })
                        .filter(Boolean) };

  var host = document.createElement("div");
  host.setAttribute("data-deckchat", options.deck);
  var root = host.attachShadow({ mode: "open" });
  var style = document.createElement("style");
  style.textContent = [
    ":host { all: initial; }",
    ".launcher { position: fixed; bottom: 20px; " + side + ": 20px; z-index: 2147483646; border: 0;",
    "  border-radius: 999px; padding: 12px 18px; background: " + colour + "; color: #fff; cursor: pointer;",
    "  font: 600 15px/1 system-ui, sans-serif; box-shadow: 0 4px 14px rgba(0,0,0,.25); }",
    ".launcher:focus-visible { outline: 3px solid #f0b429; outline-offset: 3px; }",
    ".panel { position: fixed; bottom: 80px; " + side + ": 20px; z-index: 2147483647; width: 380px;",
    "  height: min(640px, calc(100vh - 100px)); border-radius: 12px; overflow: hidden; background: #fff;",
    "  box-shadow: 0 10px 40px rgba(0,0,0,.3); }",
    ".panel[hidden] { display: none; }",
    "iframe { width: 100%; height: 100%; border: 0; display: block; }",
    ".refused { margin: 0; padding: 24px; font: 15px/1.45 system-ui, sans-serif; color: #333; }",
    "@media (max-width: 480px) { .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; } }"
  ].join("\n");
  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.className = "launcher";
  launcher.textContent = options.title ? "Ask: " + options.title : "Ask about this deck";
  launcher.setAttribute("aria-expanded", "false");
  var panel = document.createElement("div");
  panel.className = "panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", options.title || "Chat about this deck");
  var frame = document.createElement("iframe");
  frame.title = options.title || "Chat about this deck";
  frame.addEventListener("load", function () {
    // The blank frame's own load comes first (it has no src until the chat opens): nothing to tell it,
    // and a message to it would be refused with a warning in the host page's console.
    if (!frame.getAttribute("src")) return;
    frame.contentWindow.postMessage(chatOptions, appOrigin);
    if (!panel.hidden) frame.focus(); // the first open focused a frame that was still loading
  });
  panel.appendChild(frame);
  root.appendChild(style);
  root.appendChild(panel);
  root.appendChild(launcher);

  // Before the chat loads, ask whether this site may show it: a site the deck's owner did not allow
  // gets a short message here instead of a frame the browser refuses (and an error in its console).
  var checked = null;
  function check() {
    checked = checked || fetch(appOrigin + "/widget/check/" + encodeURIComponent(options.deck), { credentials: "omit" })
      .then(function (response) { return response.json(); })
      .catch(function () { return { allowed: true }; }); // unreachable now: let the frame say why
    return checked;
  }
  function refuse(message) {
    var note = document.createElement("p");
    note.className = "refused";
    note.setAttribute("role", "alert");
    note.textContent = message || "This chat is not available on this site.";
    panel.replaceChildren(note);
  }
  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (!open) { launcher.focus(); return; }
    if (frame.src) { frame.focus(); return; }
    check().then(function (answer) {
      if (!answer.allowed) { refuse(answer.message); return; }
      if (!frame.src) frame.src = src; // loaded on first open: no cost for readers who never ask
      frame.focus();
    });
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  window.addEventListener("message", function (event) {
    if (event.origin !== appOrigin || event.source !== frame.contentWindow) return;
    if (event.data && event.data.type === "deckchat:close") setOpen(false);
  });
  (document.body || document.documentElement).appendChild(host);
})();
