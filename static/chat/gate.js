// An e-mail-gated deck's gate inside the chat: the reader's address (and name) before the chat opens.

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
  form.append(problem, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit.disabled = true;
    postJson("/api/access", { deck: config.deck, email: email.value.trim(), name: name.value.trim() || null })
      .then((data) => {
        keepPass(data.pass);
        form.remove();
        page.form.hidden = false;
        page.suggestions.hidden = false;
        page.input.focus();
        onOpen();
      })
      .catch((err) => { problem.textContent = err.message; submit.disabled = false; email.focus(); });
  });
  page.log.after(form);
  email.focus();
}
