// The chat's one state object: which session, what is streaming, what waits. Every module reads and
// changes it here, so "is an answer running?" has one answer.

export const config = JSON.parse(document.getElementById("deckchat-config").textContent);

// Each reader of a gated deck keeps their own conversation (a shared browser: the next person starts
// anew); the deck page (static/deck.js) uses the same key.
const sessionKeyOf = (readerKey) => "deckchat:session:" + config.deck + (readerKey ? ":" + readerKey : "");
const passKey = "deckchat:pass:" + config.deck;
const readerKeyKey = "deckchat:reader:" + config.deck;
const memoryStore = {};

// The session survives a reload: its id lives in localStorage (memory when storage is blocked).
export function store(key, value) {
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
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => ("0" + b.toString(16)).slice(-2)).join("");
}

const storedPass = config.gate ? store(passKey) : null;
let sessionKey = sessionKeyOf(config.readerKey || (storedPass ? store(readerKeyKey) : ""));

export const state = {
  sessionId: store(sessionKey) || newSessionId(),
  current: null, // {controller, turn, done} while an answer streams
  restoring: true, // no question until the earlier conversation is back on screen
  waitingQuestion: null, // asked while restoring: asked right after
  pendingRetry: null, // the Retry to press when the connection comes back
  // The reader's pass to a gated deck: the page's own, or the one the e-mail gate gave (kept, as the
  // cookie is a third party's on a host site).
  pass: config.pass || storedPass,
};
store(sessionKey, state.sessionId);

// The gate let a reader in: keep their pass, and their own conversation (an earlier one of theirs, or new).
export function keepPass(pass, readerKey) {
  state.pass = pass;
  store(passKey, pass);
  store(readerKeyKey, readerKey || null);
  sessionKey = sessionKeyOf(readerKey);
  state.sessionId = store(sessionKey) || newSessionId();
  store(sessionKey, state.sessionId);
}

// "New chat": a fresh session; what streams is stopped and nothing waits any more.
export function startNewSession() {
  if (state.current) state.current.controller.abort();
  state.sessionId = newSessionId();
  store(sessionKey, state.sessionId);
  state.pendingRetry = null;
  state.restoring = false;
  state.waitingQuestion = null;
}
