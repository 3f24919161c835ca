// One question and its answer on the page: the answer with its citation buttons, source chips,
// the quote, thumbs, the hand-off to the founders, and failures with Retry.

import { postJson } from "./api.js";
import { announce, button, el, page, scrollDown } from "./dom.js";
import { config, state } from "./state.js";

export function sourceLabel(source) {
  const isSlide = config.slideDocs.indexOf(source.doc) >= 0;
  const kind = isSlide ? "slide" : (source.kind || "page");
  const where = source.page ? kind + " " + source.page : source.doc;
  const title = source.title ? ": " + source.title : "";
  return (isSlide || !source.page ? where : source.doc + " " + where) + title;
}

export function addQuestion(text) {
  const item = el("li", "msg user");
  item.appendChild(el("p", null, text));
  page.log.appendChild(item);
  return item;
}

export function newTurn(question) {
  const item = el("li", "msg bot streaming");
  const text = el("p", "answer-text");
  item.setAttribute("aria-busy", "true");
  item.appendChild(text);
  page.log.appendChild(item);
  // The session it belongs to: "New chat" must not send its feedback under the new session.
  return { question, item, text, sources: [], streamed: "", sessionId: state.sessionId };
}

// "[2]" in an answer becomes a button that opens source 2; the rest stays text.
function renderAnswer(turn, answer) {
  turn.text.textContent = "";
  answer.split(/(\[\d+\])/).forEach((part) => {
    const match = /^\[(\d+)\]$/.exec(part);
    const index = match ? parseInt(match[1], 10) - 1 : -1;
    if (match && turn.chips && turn.chips[index]) {
      turn.text.appendChild(button(part, "cite", () => openSource(turn, index),
                                   "Source " + (index + 1) + ": " + sourceLabel(turn.sources[index])));
    } else {
      turn.text.appendChild(document.createTextNode(part));
    }
  });
}

function renderSources(turn, used) {
  const list = el("ul", "chips");
  list.setAttribute("aria-label", "Sources");
  turn.chips = {};
  turn.sources.forEach((source, i) => {
    if (used.indexOf(i) < 0) return;
    const snippetId = "snippet-" + Math.random().toString(36).slice(2);
    const chip = button(sourceLabel(source), "chip", () => openSource(turn, i));
    chip.setAttribute("aria-expanded", "false");
    chip.setAttribute("aria-controls", snippetId);
    chip.title = sourceLabel(source);
    const snippet = el("p", "snippet", source.snippet || "");
    snippet.id = snippetId;
    snippet.hidden = true;
    const li = el("li");
    li.appendChild(chip);
    list.appendChild(li);
    turn.chips[i] = { chip, snippet };
  });
  if (!Object.keys(turn.chips).length) return;
  turn.item.appendChild(list);
  Object.keys(turn.chips).forEach((i) => turn.item.appendChild(turn.chips[i].snippet));
}

function openSource(turn, index) {
  const entry = turn.chips[index];
  const open = entry.chip.getAttribute("aria-expanded") !== "true";
  entry.chip.setAttribute("aria-expanded", String(open));
  entry.snippet.hidden = !open;
  const source = turn.sources[index];
  // Only this app's own deck page hears it: a host site framing the widget gets nothing.
  if (window.parent !== window) {
    window.parent.postMessage({ type: "deckchat:source", doc: source.doc, page: source.page }, location.origin);
  }
}

function renderQuote(turn, quote, answer) {
  if (!quote || !quote.text || answer.indexOf(quote.text) >= 0) return;
  const block = el("blockquote", "quote", "“" + quote.text + "”");
  const source = turn.sources[quote.source];
  if (source) block.appendChild(el("span", "muted", " (" + sourceLabel(source) + ")"));
  turn.item.appendChild(block);
}

export function finish(turn, done) {
  turn.item.classList.remove("streaming");
  turn.item.setAttribute("aria-busy", "false");
  turn.messageId = done.message_id;
  let used = done.used && done.used.length ? done.used : [];
  if (!used.length && done.quote && !done.refused) used = [done.quote.source];
  // A refusal cites only the closest passage it shows, when it shows one (`used` is empty otherwise).
  renderSources(turn, used);
  renderAnswer(turn, done.answer);
  // The founders' own answer (not the documents'): marked so, beside its label in the text.
  if (done.curated && done.curated.same) turn.item.classList.add("from-founders");
  if (!done.refused) renderQuote(turn, done.quote, done.answer);
  if (done.refused) renderHandoff(turn, done.handoff, Boolean(done.quote));
  renderFeedback(turn, done.rating);
  if (!done.restored) announce(done.answer); // the live region reads the final answer once, not every token
}

// Thumbs up/down with an optional comment.
function renderFeedback(turn, rating) {
  const bar = el("div", "actions");
  bar.appendChild(el("span", null, "Helpful?"));
  const up = button("Yes", null, () => rate("up"), "Helpful");
  const down = button("No", null, () => rate("down"), "Not helpful");
  const thanks = el("span", "muted");
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
                                       rating: value === "up" ? 1 : -1, comment })
      .then(() => { mark(value); thanks.textContent = "Thanks for the feedback."; })
      .catch((err) => { thanks.textContent = "Feedback not sent: " + err.message; });
  }
  function rate(value) {
    send(value, null);
    if (value === "down" && !turn.item.querySelector(".comment")) {
      const row = el("form", "comment");
      const id = "comment-" + turn.messageId;
      const label = el("label", "visually-hidden", "What was wrong with this answer? (optional)");
      label.htmlFor = id;
      const box = el("input");
      box.id = id;
      box.maxLength = 1000;
      box.placeholder = "What was wrong? (optional)";
      row.appendChild(label);
      row.appendChild(box);
      row.appendChild(el("button", null, "Send"));
      row.addEventListener("submit", (event) => {
        event.preventDefault();
        send("down", box.value.trim() || null).then(() => row.remove());
      });
      turn.item.appendChild(row);
      box.focus();
    }
  }
}

// When the documents do not answer: the founders' contact, or leave an e-mail.
// `near`: the refusal showed the closest passage, so the documents say something, not the answer.
function renderHandoff(turn, alreadySent, near) {
  const box = el("div", "handoff");
  if (alreadySent) {
    box.appendChild(el("span", "muted", "Your question was sent to the founders."));
    turn.item.appendChild(box);
    return;
  }
  if (config.handoffUrl) {
    box.appendChild(el("span", null, near ? "The documents do not answer this clearly." : "The documents do not answer this."));
    const link = el("a", null, "Ask the founders");
    link.href = config.handoffUrl;
    link.target = "_blank";
    link.rel = "noopener";
    box.appendChild(link);
    turn.item.appendChild(box);
    return;
  }
  const formEl = el("form", "handoff");
  const id = "email-" + turn.messageId;
  const missing = near ? "Not clearly answered in the documents." : "Not in the documents.";
  const label = el("label", null, missing + " Leave your e-mail and the founders will answer:");
  label.htmlFor = id;
  const email = el("input");
  email.type = "email";
  email.id = id;
  email.required = true;
  email.autocomplete = "email";
  email.placeholder = "you@example.com";
  const status = el("span", "muted");
  status.setAttribute("role", "status");
  formEl.appendChild(label);
  formEl.appendChild(email);
  formEl.appendChild(el("button", null, "Send"));
  formEl.appendChild(status);
  formEl.addEventListener("submit", (event) => {
    event.preventDefault();
    postJson("/api/handoff", { session_id: turn.sessionId, message_id: turn.messageId, email: email.value.trim() })
      .then(() => { formEl.textContent = ""; formEl.appendChild(el("span", null, "Sent: the founders will reply by e-mail.")); })
      .catch((err) => { status.textContent = err.message; });
  });
  turn.item.appendChild(formEl);
}

// A failed answer; with `retry`, a Retry button that asks the question again at the end of the
// conversation (and that is pressed by itself when the connection comes back).
export function showFailure(turn, message, retry) {
  turn.item.classList.remove("streaming");
  turn.item.setAttribute("aria-busy", "false");
  const row = el("div", "actions");
  row.appendChild(el("span", "error-text", message));
  if (retry) {
    const again = button("Retry", null, () => {
      if (state.current) return; // one answer at a time; this Retry stays for later
      state.pendingRetry = null;
      if (turn.questionItem) turn.questionItem.remove();
      turn.item.remove();
      retry(turn.question);
    });
    row.appendChild(again);
    state.pendingRetry = again;
  }
  turn.item.appendChild(row);
  announce(message);
  scrollDown();
}

export function showStopped(turn) {
  turn.item.classList.remove("streaming");
  turn.item.setAttribute("aria-busy", "false");
  turn.item.appendChild(el("p", "muted", "Stopped."));
  announce("Stopped.");
}
