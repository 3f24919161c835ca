// The chat inside the widget's iframe (/embed/<deck>): asking, restoring a conversation after a
// reload, options from the host page, and the set-up. One state object (state.js) says what runs.

import { apiHeaders, readEvents } from "./api.js";
import { showEmailGate } from "./gate.js";
import { announce, button, el, page, scrollDown } from "./dom.js";
import { config, startNewSession, state } from "./state.js";
import { addQuestion, finish, newTurn, showFailure, showStopped } from "./turn.js";

const LOST = "Connection lost before the answer was complete.";

function setBusy(busy) {
  page.sendButton.hidden = busy;
  page.stopButton.hidden = !busy;
  page.input.disabled = busy;
  (busy ? page.stopButton : page.input).focus(); // keyboard focus never falls back to the page
}

function ask(question) {
  question = question.trim();
  if (!question || state.current) return false;
  if (state.restoring) { // asked before the earlier conversation is back: asked right after it
    state.waitingQuestion = question;
    return true;
  }
  page.suggestions.hidden = true;
  const questionItem = addQuestion(question);
  const turn = newTurn(question);
  turn.questionItem = questionItem;
  const controller = new AbortController();
  const current = state.current = { controller, turn, done: false };
  setBusy(true);
  announce("Answering…");
  scrollDown();
  fetch("/api/chat/stream", {
    method: "POST", signal: controller.signal, headers: apiHeaders(true),
    body: JSON.stringify({ deck: config.deck, question, session_id: state.sessionId }),
  }).then((response) => {
    if (!response.ok) {
      return response.json().catch(() => ({})).then((data) => {
        current.done = true;
        const wait = response.headers.get("Retry-After");
        showFailure(turn, (data.error || "The server answered " + response.status + ".") +
                    (wait ? " Try again in " + wait + " s." : ""),
                    response.status >= 500 || response.status === 429 ? ask : null);
      });
    }
    return readEvents(response.body.getReader(), (name, data) => {
      if (name === "sources") {
        turn.sources = data.sources || [];
      } else if (name === "token") {
        turn.streamed += data.text;
        turn.text.textContent = turn.streamed;
        scrollDown();
      } else if (name === "done") {
        current.done = true;
        finish(turn, data);
      } else if (name === "error") {
        current.done = true;
        turn.messageId = data.message_id;
        showFailure(turn, data.error, ask);
      }
    });
  }).catch((err) => {
    if (err && err.name === "AbortError") return;
    current.done = true;
    showFailure(turn, LOST, ask);
  }).then(() => {
    if (!current.done) {
      if (controller.signal.aborted) showStopped(turn); else showFailure(turn, LOST, ask);
    }
    if (state.current === current) state.current = null;
    setBusy(false);
    scrollDown();
  });
  return true;
}

// The conversation again after a reload.
function restore() {
  const restoringId = state.sessionId;
  return fetch("/api/sessions/" + encodeURIComponent(restoringId) + "?deck=" + encodeURIComponent(config.deck),
               { headers: apiHeaders(false) })
    .then((response) => (response.ok ? response.json() : { turns: [] }))
    .then((data) => {
      if (restoringId !== state.sessionId) return; // "New chat" was pressed meanwhile
      (data.turns || []).forEach((saved) => {
        addQuestion(saved.question);
        const turn = newTurn(saved.question);
        turn.sources = saved.sources;
        if (saved.error) {
          turn.text.textContent = saved.answer;
          showFailure(turn, "This answer did not complete.", null);
          return;
        }
        const used = [];
        saved.sources.forEach((s, i) => { if (s.used) used.push(i); });
        finish(turn, { message_id: saved.message_id, answer: saved.answer, refused: saved.refused,
                       quote: saved.quote, used, rating: saved.rating, handoff: saved.handoff, curated: saved.curated,
                       restored: true });
      });
      if (data.turns && data.turns.length) page.suggestions.hidden = true;
      scrollDown();
    })
    .catch(() => { /* offline at load: start empty, asking will say so */ })
    .then(() => {
      state.restoring = false;
      if (state.waitingQuestion) {
        const question = state.waitingQuestion;
        state.waitingQuestion = null;
        ask(question);
      }
    });
}

function showSuggestions(questions) {
  page.suggestions.textContent = "";
  questions.forEach((q) => page.suggestions.appendChild(button(q, null, () => ask(q))));
}

// Options from the host page (widget.js data-* attributes), from allowed sites only.
function applyOptions(event, greetingText) {
  if (event.source !== window.parent || window.parent === window) return;
  if (config.allowedOrigins.indexOf(event.origin) < 0) return;
  const data = event.data || {};
  if (data.type !== "deckchat:options") return;
  const text = (value) => (typeof value === "string" && value.trim() ? value.trim().slice(0, config.maxOptionChars) : null);
  if (text(data.title)) {
    document.getElementById("chat-title").textContent = text(data.title);
    document.title = text(data.title);
  }
  if (text(data.greeting)) greetingText.textContent = text(data.greeting);
  if (/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(data.color || "")) {
    document.documentElement.style.setProperty("--accent", data.color);
  }
  const questions = (Array.isArray(data.questions) ? data.questions : []).map(text).filter(Boolean);
  if (questions.length) showSuggestions(questions.slice(0, config.maxQuestions));
}

// --- set-up
document.documentElement.style.setProperty("--accent", config.colour);
const greeting = el("li", "msg bot");
const greetingText = el("p", "answer-text", config.greeting);
greeting.appendChild(greetingText);
page.log.appendChild(greeting);
showSuggestions(config.questions);
window.addEventListener("message", (event) => applyOptions(event, greetingText));
window.addEventListener("online", () => { if (state.pendingRetry && state.pendingRetry.isConnected) state.pendingRetry.click(); });
page.form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (ask(page.input.value)) page.input.value = "";
});
page.input.addEventListener("keydown", (event) => {
  // Enter sends; Shift+Enter is a new line; Enter while an input method composes is the IME's.
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); page.form.requestSubmit(); }
});
page.stopButton.addEventListener("click", () => { if (state.current && !state.current.done) state.current.controller.abort(); });
document.getElementById("new-chat").addEventListener("click", () => {
  startNewSession();
  while (page.log.children.length > 1) page.log.removeChild(page.log.lastChild);
  page.suggestions.hidden = false;
  page.input.focus();
});
const close = document.getElementById("close");
if (config.inLauncher) {
  close.hidden = false;
  const hostOrigin = new URLSearchParams(location.search).get("host") || "*";
  const closeWidget = () => window.parent.postMessage({ type: "deckchat:close" }, hostOrigin);
  close.addEventListener("click", closeWidget);
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closeWidget(); });
}
// Opened from the launcher (the iframe gets the focus): start where a reader types.
function focusInput() {
  if (document.activeElement === document.body && !page.input.disabled) page.input.focus();
}
window.addEventListener("focus", focusInput);
if (config.inLauncher && document.hasFocus()) focusInput(); // focused while it was still loading
// An e-mail-gated deck: the reader's address first (unless this browser gave it already).
if (config.gate && !state.pass) showEmailGate(restore); else restore();
