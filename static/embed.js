// The chat inside the widget's iframe (/embed/<deck>). Everything the model or a document wrote
// is put on the page as text nodes (textContent), never as HTML.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("deckchat-config").textContent);
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var input = document.getElementById("question");
  var sendButton = document.getElementById("send");
  var stopButton = document.getElementById("stop");
  var suggestions = document.getElementById("suggestions");
  var statusLine = document.getElementById("status");
  var sessionKey = "deckchat:session:" + config.deck;
  var memoryStore = {};
  var current = null; // {controller, turn, done} while an answer streams
  var restoring = true; // no question until the earlier conversation is back on screen
  var pendingRetry = null; // the Retry to press when the connection comes back
  var waitingQuestion = null; // asked while restoring

  document.documentElement.style.setProperty("--accent", config.colour);

  // --- the session survives a reload: its id lives in localStorage (memory when storage is blocked)
  function store(key, value) {
    try {
      if (value === undefined) return window.localStorage.getItem(key);
      if (value === null) window.localStorage.removeItem(key); else window.localStorage.setItem(key, value);
    } catch (e) {
      if (value === undefined) return memoryStore[key] || null;
      memoryStore[key] = value;
    }
    return null;
  }
  function newSessionId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  var sessionId = store(sessionKey) || newSessionId();
  store(sessionKey, sessionId);

  // --- small DOM helpers (text only)
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function button(text, className, onClick, label) {
    var b = el("button", className, text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }
  function announce(text) { statusLine.textContent = text; }
  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function sourceLabel(source) {
    var kind = config.slideDocs.indexOf(source.doc) >= 0 ? "slide" : (source.kind || "page");
    var where = source.page ? kind + " " + source.page : source.doc;
    var title = source.title ? ": " + source.title : "";
    return (config.slideDocs.indexOf(source.doc) >= 0 || !source.page ? where : source.doc + " " + where) + title;
  }

  // --- one question and its answer
  function addQuestion(text) {
    var item = el("li", "msg user");
    item.appendChild(el("p", null, text));
    log.appendChild(item);
    return item;
  }

  function newTurn(question) {
    var item = el("li", "msg bot streaming");
    var text = el("p", "answer-text");
    item.setAttribute("aria-busy", "true");
    item.appendChild(text);
    log.appendChild(item);
    // The session it belongs to: "New chat" must not send its feedback under the new session.
    return { question: question, item: item, text: text, sources: [], streamed: "", sessionId: sessionId };
  }

  // "[2]" in an answer becomes a button that opens source 2; the rest stays text.
  function renderAnswer(turn, answer) {
    turn.text.textContent = "";
    var parts = answer.split(/(\[\d+\])/);
    parts.forEach(function (part) {
      var match = /^\[(\d+)\]$/.exec(part);
      var index = match ? parseInt(match[1], 10) - 1 : -1;
      if (match && turn.chips && turn.chips[index]) {
        turn.text.appendChild(button(part, "cite", function () { openSource(turn, index); },
                                     "Source " + (index + 1) + ": " + sourceLabel(turn.sources[index])));
      } else {
        turn.text.appendChild(document.createTextNode(part));
      }
    });
  }

  function renderSources(turn, used) {
    var list = el("ul", "chips");
    list.setAttribute("aria-label", "Sources");
    turn.chips = {};
    turn.sources.forEach(function (source, i) {
      if (used.indexOf(i) < 0) return;
      var snippetId = "snippet-" + Math.random().toString(36).slice(2);
      var chip = button(sourceLabel(source), "chip", function () { openSource(turn, i); });
      chip.setAttribute("aria-expanded", "false");
      chip.setAttribute("aria-controls", snippetId);
      chip.title = sourceLabel(source);
      var snippet = el("p", "snippet", source.snippet || "");
      snippet.id = snippetId;
      snippet.hidden = true;
      var li = el("li");
      li.appendChild(chip);
      list.appendChild(li);
      turn.chips[i] = { chip: chip, snippet: snippet };
    });
    if (!Object.keys(turn.chips).length) return;
    turn.item.appendChild(list);
    Object.keys(turn.chips).forEach(function (i) { turn.item.appendChild(turn.chips[i].snippet); });
  }

  function openSource(turn, index) {
    var entry = turn.chips[index];
    var open = entry.chip.getAttribute("aria-expanded") !== "true";
    entry.chip.setAttribute("aria-expanded", String(open));
    entry.snippet.hidden = !open;
    var source = turn.sources[index];
    // Only this app's own deck page hears it: a host site framing the widget gets nothing.
    if (window.parent !== window) {
      window.parent.postMessage({ type: "deckchat:source", doc: source.doc, page: source.page }, location.origin);
    }
  }

  function renderQuote(turn, quote, answer) {
    if (!quote || !quote.text || answer.indexOf(quote.text) >= 0) return;
    var block = el("blockquote", "quote", "“" + quote.text + "”");
    var source = turn.sources[quote.source];
    if (source) block.appendChild(el("span", "muted", " (" + sourceLabel(source) + ")"));
    turn.item.appendChild(block);
  }

  function finish(turn, done) {
    turn.item.classList.remove("streaming");
    turn.item.setAttribute("aria-busy", "false");
    turn.messageId = done.message_id;
    var used = done.used && done.used.length ? done.used : [];
    if (!used.length && done.quote && !done.refused) used = [done.quote.source];
    renderSources(turn, done.refused ? [] : used);
    renderAnswer(turn, done.answer);
    if (!done.refused) renderQuote(turn, done.quote, done.answer);
    if (done.refused) renderHandoff(turn, done.handoff);
    renderFeedback(turn, done.rating);
    if (!done.restored) announce(done.answer); // the live region reads the final answer once, not every token
  }

  // --- thumbs up/down with an optional comment
  function renderFeedback(turn, rating) {
    var bar = el("div", "actions");
    bar.appendChild(el("span", null, "Helpful?"));
    var up = button("Yes", null, function () { rate("up"); }, "Helpful");
    var down = button("No", null, function () { rate("down"); }, "Not helpful");
    var thanks = el("span", "muted");
    thanks.setAttribute("role", "status");
    bar.appendChild(up);
    bar.appendChild(down);
    bar.appendChild(thanks);
    turn.item.appendChild(bar);
    function mark(value) {
      up.setAttribute("aria-pressed", String(value === "up"));
      down.setAttribute("aria-pressed", String(value === "down"));
    }
    mark(rating === 1 ? "up" : rating === -1 ? "down" : null);
    function send(value, comment) {
      return postJson("/api/feedback", { session_id: turn.sessionId, message_id: turn.messageId,
                                         rating: value === "up" ? 1 : -1, comment: comment })
        .then(function () { mark(value); thanks.textContent = "Thanks for the feedback."; })
        .catch(function (err) { thanks.textContent = "Feedback not sent: " + err.message; });
    }
    function rate(value) {
      send(value, null);
      if (value === "down" && !turn.item.querySelector(".comment")) {
        var row = el("form", "comment");
        var id = "comment-" + turn.messageId;
        var label = el("label", "visually-hidden", "What was wrong with this answer? (optional)");
        label.htmlFor = id;
        var box = el("input");
        box.id = id;
        box.maxLength = 1000;
        box.placeholder = "What was wrong? (optional)";
        row.appendChild(label);
        row.appendChild(box);
        row.appendChild(el("button", null, "Send"));
        row.addEventListener("submit", function (event) {
          event.preventDefault();
          send("down", box.value.trim() || null).then(function () { row.remove(); });
        });
        turn.item.appendChild(row);
        box.focus();
      }
    }
  }

  // --- when the documents do not answer: the founders' contact, or leave an e-mail
  function renderHandoff(turn, alreadySent) {
    var box = el("div", "handoff");
    if (alreadySent) {
      box.appendChild(el("span", "muted", "Your question was sent to the founders."));
      turn.item.appendChild(box);
      return;
    }
    if (config.handoffUrl) {
      box.appendChild(el("span", null, "The documents do not answer this."));
      var link = el("a", null, "Ask the founders");
      link.href = config.handoffUrl;
      link.target = "_blank";
      link.rel = "noopener";
      box.appendChild(link);
      turn.item.appendChild(box);
      return;
    }
    var formEl = el("form", "handoff");
    var id = "email-" + turn.messageId;
    var label = el("label", null, "Not in the documents. Leave your e-mail and the founders will answer:");
    label.htmlFor = id;
    var email = el("input");
    email.type = "email";
    email.id = id;
    email.required = true;
    email.autocomplete = "email";
    email.placeholder = "you@example.com";
    var status = el("span", "muted");
    status.setAttribute("role", "status");
    formEl.appendChild(label);
    formEl.appendChild(email);
    formEl.appendChild(el("button", null, "Send"));
    formEl.appendChild(status);
    formEl.addEventListener("submit", function (event) {
      event.preventDefault();
      postJson("/api/handoff", { session_id: turn.sessionId, message_id: turn.messageId, email: email.value.trim() })
        .then(function () { formEl.textContent = ""; formEl.appendChild(el("span", null, "Sent: the founders will reply by e-mail.")); })
        .catch(function (err) { status.textContent = err.message; });
    });
    turn.item.appendChild(formEl);
  }

  function postJson(path, body) {
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) throw new Error(data.error || "the server answered " + response.status);
          return data;
        });
      });
  }

  // --- asking: Server-Sent Events over a POST (EventSource can only GET)
  function setBusy(busy) {
    sendButton.hidden = busy;
    stopButton.hidden = !busy;
    input.disabled = busy;
    (busy ? stopButton : input).focus(); // keyboard focus never falls back to the page
  }

  function showFailure(turn, message, canRetry) {
    turn.item.classList.remove("streaming");
    turn.item.setAttribute("aria-busy", "false");
    var row = el("div", "actions");
    row.appendChild(el("span", "error-text", message));
    if (canRetry) {
      var retry = button("Retry", null, function () {
        if (current) return; // one answer at a time; this Retry stays for later
        pendingRetry = null;
        // Asked again at the end of the conversation, question and answer together.
        if (turn.questionItem) turn.questionItem.remove();
        turn.item.remove();
        ask(turn.question);
      });
      row.appendChild(retry);
      pendingRetry = retry; // back online: the latest failed question is asked again by itself
    }
    turn.item.appendChild(row);
    announce(message);
    scrollDown();
  }

  function ask(question) {
    question = question.trim();
    if (!question || current) return false;
    if (restoring) { // asked before the earlier conversation is back: asked right after it
      waitingQuestion = question;
      return true;
    }
    suggestions.hidden = true;
    var questionItem = addQuestion(question);
    var turn = newTurn(question);
    turn.questionItem = questionItem;
    var controller = new AbortController();
    current = { controller: controller, turn: turn, done: false };
    setBusy(true);
    announce("Answering…");
    scrollDown();
    var finished = false;
    fetch("/api/chat/stream", {
      method: "POST", signal: controller.signal, headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ deck: config.deck, question: question, session_id: sessionId })
    }).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          finished = true;
          var wait = response.headers.get("Retry-After");
          showFailure(turn, (data.error || "The server answered " + response.status + ".") +
                      (wait ? " Try again in " + wait + " s." : ""), response.status >= 500 || response.status === 429);
        });
      }
      return readEvents(response.body.getReader(), function (name, data) {
        if (name === "sources") {
          turn.sources = data.sources || [];
        } else if (name === "token") {
          turn.streamed += data.text;
          turn.text.textContent = turn.streamed;
          scrollDown();
        } else if (name === "done") {
          finished = current.done = true;
          finish(turn, data);
        } else if (name === "error") {
          finished = current.done = true;
          turn.messageId = data.message_id;
          showFailure(turn, data.error, true);
        }
      });
    }).catch(function (err) {
      if (err && err.name === "AbortError") return;
      finished = true;
      showFailure(turn, "Connection lost before the answer was complete.", true);
    }).then(function () {
      if (controller.signal.aborted && !finished) {
        turn.item.classList.remove("streaming");
        turn.item.setAttribute("aria-busy", "false");
        turn.item.appendChild(el("p", "muted", "Stopped."));
        announce("Stopped.");
      } else if (!finished) {
        showFailure(turn, "Connection lost before the answer was complete.", true);
      }
      current = null;
      setBusy(false);
      scrollDown();
    });
    return true;
  }

  // Server-Sent Events as the spec reads them: CRLF or LF line ends, "data:" with or without its
  // space, several data lines joined by newlines, a last event without its blank line.
  function readEvents(reader, onEvent) {
    var decoder = new TextDecoder();
    var buffer = "";
    function dispatch(block) {
      var name = "message", data = [];
      block.split("\n").forEach(function (line) {
        var colon = line.indexOf(":");
        if (colon <= 0) return; // a comment, or a line without a field
        var field = line.slice(0, colon), value = line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") name = value;
        else if (field === "data") data.push(value);
      });
      if (!data.length) return;
      var parsed;
      try { parsed = JSON.parse(data.join("\n")); } catch (e) { throw new Error("malformed event from the server"); }
      onEvent(name, parsed);
    }
    function drain(final) {
      buffer = buffer.replace(/\r\n?/g, "\n");
      var events = buffer.split("\n\n");
      buffer = final ? "" : events.pop();
      events.forEach(function (block) { if (block.trim()) dispatch(block); });
    }
    function pump() {
      return reader.read().then(function (chunk) {
        if (chunk.done) { buffer += decoder.decode(); drain(true); return; }
        buffer += decoder.decode(chunk.value, { stream: true });
        drain(false);
        return pump();
      });
    }
    // On any failure stop reading: the server then stops the model and frees its place.
    return pump().catch(function (err) { reader.cancel().catch(function () {}); throw err; });
  }

  // --- restore the conversation after a reload
  function restore() {
    var restoringId = sessionId;
    return fetch("/api/sessions/" + encodeURIComponent(restoringId) + "?deck=" + encodeURIComponent(config.deck))
      .then(function (response) { return response.ok ? response.json() : { turns: [] }; })
      .then(function (data) {
        if (restoringId !== sessionId) return; // "New chat" was pressed meanwhile
        (data.turns || []).forEach(function (saved) {
          addQuestion(saved.question);
          var turn = newTurn(saved.question);
          turn.sources = saved.sources;
          if (saved.error) {
            turn.text.textContent = saved.answer;
            showFailure(turn, "This answer did not complete.", false);
            return;
          }
          var used = [];
          saved.sources.forEach(function (s, i) { if (s.used) used.push(i); });
          finish(turn, { message_id: saved.message_id, answer: saved.answer, refused: saved.refused,
                         quote: saved.quote, used: used, rating: saved.rating, handoff: saved.handoff,
                         restored: true });
        });
        if (data.turns && data.turns.length) suggestions.hidden = true;
        scrollDown();
      })
      .catch(function () { /* offline at load: start empty, asking will say so */ })
      .then(function () {
        restoring = false;
        if (waitingQuestion) { var question = waitingQuestion; waitingQuestion = null; ask(question); }
      });
  }

  // --- options from the host page (widget.js data-* attributes), from allowed sites only
  function applyOptions(event) {
    if (event.source !== window.parent || window.parent === window) return;
    if (config.allowedOrigins.indexOf(event.origin) < 0) return;
    var data = event.data || {};
    if (data.type !== "deckchat:options") return;
    var text = function (value) {
      return typeof value === "string" && value.trim() ? value.trim().slice(0, config.maxOptionChars) : null;
    };
    if (text(data.title)) {
      document.getElementById("chat-title").textContent = text(data.title);
      document.title = text(data.title);
    }
    if (text(data.greeting)) greetingText.textContent = text(data.greeting);
    if (/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(data.color || "")) {
      document.documentElement.style.setProperty("--accent", data.color);
    }
    var questions = (Array.isArray(data.questions) ? data.questions : []).map(text).filter(Boolean);
    if (questions.length) showSuggestions(questions.slice(0, config.maxQuestions));
  }

  function showSuggestions(questions) {
    suggestions.textContent = "";
    questions.forEach(function (q) { suggestions.appendChild(button(q, null, function () { ask(q); })); });
  }

  // --- set-up
  var greeting = el("li", "msg bot");
  var greetingText = el("p", "answer-text", config.greeting);
  greeting.appendChild(greetingText);
  log.appendChild(greeting);
  showSuggestions(config.questions);
  window.addEventListener("message", applyOptions);
  window.addEventListener("online", function () { if (pendingRetry && pendingRetry.isConnected) pendingRetry.click(); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (ask(input.value)) input.value = "";
  });
  input.addEventListener("keydown", function (event) {
    // Enter sends; Shift+Enter is a new line; Enter while an input method composes is the IME's.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });
  stopButton.addEventListener("click", function () { if (current && !current.done) current.controller.abort(); });
  document.getElementById("new-chat").addEventListener("click", function () {
    if (current) current.controller.abort();
    sessionId = newSessionId();
    store(sessionKey, sessionId);
    pendingRetry = null;
    restoring = false;
    waitingQuestion = null;
    while (log.children.length > 1) log.removeChild(log.lastChild);
    suggestions.hidden = false;
    input.focus();
  });
  var close = document.getElementById("close");
  if (config.inLauncher) {
    close.hidden = false;
    var hostOrigin = new URLSearchParams(location.search).get("host") || "*";
    var closeWidget = function () { window.parent.postMessage({ type: "deckchat:close" }, hostOrigin); };
    close.addEventListener("click", closeWidget);
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") closeWidget(); });
  }
  // Opened from the launcher (the iframe gets the focus): start where a reader types.
  function focusInput() {
    if (document.activeElement === document.body && !input.disabled) input.focus();
  }
  window.addEventListener("focus", focusInput);
  if (config.inLauncher && document.hasFocus()) focusInput(); // focused while it was still loading
  restore();
})();
