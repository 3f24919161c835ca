// An e-mail-gated deck's gate inside the chat: the reader's address (and name) before the chat opens,
// and, when the server mails a code to prove the address, the code.

import { postJson } from "./api.js";
import { el, page } from "./dom.js";
import { config, keepPass } from "./state.js";

export function showEmailGate(onOpen) {
  page.form.hidden = true;
  page.suggestions.hidden = true;
  const form = el("form", "gate");
  form.noValidate = true;
  form.appendChild(el("p", null, "The founders share this deck with readers who leave their e-mail address."));
  const field = (label, type, name, autocomplete) => {
    const wrap = el("label", null, label + " ");
    const input = el("input");
    Object.assign(input, { type, name, autocomplete, maxLength: name === "email" ? 254 : 200 });
    wrap.appendChild(input);
    form.appendChild(wrap);
    return input;
  };
  const email = field("E-mail address", "email", "email", "email");
  const name = field("Name (optional)", "text", "name", "name");
  const problem = el("p", "error");
  problem.setAttribute("role", "alert");
  const submit = el("button", null, "Open the chat");
  submit.type = "submit";
  let confirm = null; // the server's token once a code was mailed
  const code = field("Code from the mail", "text", "code", "one-time-code");
  code.inputMode = "numeric";
  code.maxLength = 6;
  code.parentNode.hidden = true;
  form.append(problem, submit);
  function opened(pass, readerKey) {
    keepPass(pass, readerKey);
    form.remove();
    page.form.hidden = false;
    page.suggestions.hidden = false;
    page.input.focus();
    onOpen();
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit.disabled = true;
    problem.textContent = "";
    const asked = confirm
      ? postJson("/api/access/confirm", { deck: config.deck, confirm, code: code.value.trim() })
      : postJson("/api/access", { deck: config.deck, email: email.value.trim(), name: name.value.trim() || null });
    asked.then((data) => {
      submit.disabled = false;
      if (data.pass) { opened(data.pass, data.reader); return; }
      confirm = data.confirm; // a code went to the address: ask for it
      email.disabled = name.disabled = true;
      code.parentNode.hidden = false;
      problem.textContent = "We sent a six-digit code to " + data.sent_to + ".";
      code.focus();
    }).catch((err) => { problem.textContent = err.message; submit.disabled = false; (confirm ? code : email).focus(); });
  });
  page.log.after(form);
  email.focus();
}
