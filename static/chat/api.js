// Talking to the server: JSON posts, and Server-Sent Events over a POST (EventSource can only GET).

import { state } from "./state.js";

// Every call carries the reader's pass to a gated deck (a header: on a host site no cookie reaches us).
export function apiHeaders(json) {
  const headers = json ? { "Content-Type": "application/json" } : {};
  if (state.pass) headers["X-DeckChat-Pass"] = state.pass;
  return headers;
}

export function postJson(path, body) {
  return fetch(path, { method: "POST", headers: apiHeaders(true), body: JSON.stringify(body) })
    .then((response) => response.json().catch(() => ({})).then((data) => {
      if (!response.ok) throw new Error(data.error || "the server answered " + response.status);
      return data;
    }));
}

// Server-Sent Events as the spec reads them: CRLF or LF line ends, "data:" with or without its
// space, several data lines joined by newlines, a last event without its blank line.
export function readEvents(reader, onEvent) {
  const decoder = new TextDecoder();
  let buffer = "";
  function dispatch(block) {
    let name = "message";
    const data = [];
    block.split("\n").forEach((line) => {
      const colon = line.indexOf(":");
      if (colon <= 0) return; // a comment, or a line without a field
      const field = line.slice(0, colon), value = line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") name = value;
      else if (field === "data") data.push(value);
    });
    if (!data.length) return;
    let parsed;
    try { parsed = JSON.parse(data.join("\n")); } catch (e) { throw new Error("malformed event from the server"); }
    onEvent(name, parsed);
  }
  function drain(final) {
    buffer = buffer.replace(/\r\n?/g, "\n");
    const events = buffer.split("\n\n");
    buffer = final ? "" : events.pop();
    events.forEach((block) => { if (block.trim()) dispatch(block); });
  }
  function pump() {
    return reader.read().then((chunk) => {
      if (chunk.done) { buffer += decoder.decode(); drain(true); return undefined; }
      buffer += decoder.decode(chunk.value, { stream: true });
      drain(false);
      return pump();
    });
  }
  // On any failure stop reading: the server then stops the model and frees its place.
  return pump().catch((err) => { reader.cancel().catch(() => {}); throw err; });
}
