// A deck's documents page: follows a background re-index until it ends, then shows the page anew
// (the files' state and the gate's report); asks before a file is deleted.
(function () {
  "use strict";
  var section = document.getElementById("index-state");
  var line = document.getElementById("reindex-line");
  var bar = document.getElementById("reindex-progress");
  var STAGES = {reading: "reading the files", embedding: "embedding the chunks", pictures: "drawing the pages",
                checking: "checking it with the deck's questions"};

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  function running(state) { return state === "queued" || state === "running"; }

  function follow() {
    fetch(section.getAttribute("data-status-url"), {credentials: "same-origin"})
      .then(function (response) {
        // Logged out meanwhile (the login page, not JSON): show the page anew, which asks to log in.
        if (!response.ok || response.redirected) { window.location.reload(); throw new Error("reloaded"); }
        return response.json();
      })
      .then(function (job) {
        if (!running(job.state)) { window.location.reload(); return; }
        var stage = job.state === "queued" ? "waiting for another re-index" : (STAGES[job.stage] || "starting");
        line.textContent = "Re-indexing: " + stage + (job.total ? " " + job.done + "/" + job.total : "");
        bar.hidden = false;
        bar.max = job.total || 1;
        bar.value = job.total ? job.done : 0;
        window.setTimeout(follow, 700);
      })
      .catch(function () { window.setTimeout(follow, 3000); });
  }

  if (section && running(section.getAttribute("data-state"))) { follow(); }
})();
