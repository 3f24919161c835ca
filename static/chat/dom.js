// Small DOM helpers. Everything the model or a document wrote goes on the page as text
// (textContent, text nodes), never as HTML.

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function button(text, className, onClick, label) {
  const b = el("button", className, text);
  b.type = "button";
  if (label) b.setAttribute("aria-label", label);
  b.addEventListener("click", onClick);
  return b;
}

// The chat's fixed parts of the page (templates/embed.html).
export const page = {
  log: document.getElementById("log"),
  form: document.getElementById("ask"),
  input: document.getElementById("question"),
  sendButton: document.getElementById("send"),
  stopButton: document.getElementById("stop"),
  suggestions: document.getElementById("suggestions"),
  statusLine: document.getElementById("status"),
};

export function announce(text) { page.statusLine.textContent = text; }
export function scrollDown() { page.log.scrollTop = page.log.scrollHeight; }
