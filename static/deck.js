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
