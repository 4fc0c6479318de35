// The article form's writing surface: a Markdown toolbar, a live preview rendered by
// the server's own renderer, word and reading-time counts, autosave of the user's
// copy, and a warning before leaving with unsaved changes. Progressive enhancement:
// without JavaScript the form is Django's, and the textarea stays the real field.
"use strict";

// Loaded in <head> with the form's media, so it starts once the form is there.
document.addEventListener("DOMContentLoaded", function () {
  const config = document.getElementById("article-editor-config");
  const body = document.getElementById("id_body");
  const form = body && body.form;
  if (!config || !body || !form) {
    return;
  }
  const previewUrl = config.dataset.previewUrl;
  const autosaveUrl = config.dataset.autosaveUrl;
  const article = config.dataset.article;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const AUTOSAVE_SECONDS = 5;

  // --- layout: toolbar, the textarea and the preview side by side, a status line ---
  const surface = document.createElement("div");
  surface.className = "writing-surface";
  const toolbar = document.createElement("div");
  toolbar.className = "md-toolbar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "Formatting");
  const panes = document.createElement("div");
  panes.className = "md-panes";
  const preview = document.createElement("div");
  preview.className = "md-preview article-body";
  preview.id = "body-preview";
  // A named region: a label on a plain div is not announced, and axe refuses it.
  preview.setAttribute("role", "region");
  preview.setAttribute("aria-live", "polite");
  preview.setAttribute("aria-label", "Preview");
  const status = document.createElement("p");
  status.className = "md-status";
  status.id = "body-status";
  body.parentNode.insertBefore(surface, body);
  panes.appendChild(body);
  panes.appendChild(preview);
  surface.append(toolbar, panes, status);
  body.rows = 24;

  const TOOLS = [
    ["Bold", "**", "**", "strong text"],
    ["Italic", "_", "_", "emphasis"],
    ["Heading", "\n## ", "", "Heading"],
    ["Link", "[", "](https://)", "link text"],
    ["Quote", "\n> ", "", "quoted words"],
    ["List", "\n- ", "", "item"],
  ];
  for (const [label, before, after, placeholder] of TOOLS) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button md-tool";
    button.textContent = label;
    button.addEventListener("click", () => wrap(before, after, placeholder));
    toolbar.appendChild(button);
  }

  function wrap(before, after, placeholder) {
    const start = body.selectionStart;
    const end = body.selectionEnd;
    const chosen = body.value.slice(start, end) || placeholder;
    body.setRangeText(before + chosen + after, start, end, "end");
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // --- preview and counts ---------------------------------------------------------
  let previewTimer = null;
  let counts = "";
  let saved = "";

  function showStatus() {
    status.textContent = [counts, saved].filter(Boolean).join(" · ");
  }

  async function post(url, fields) {
    const data = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      data.append(name, value);
    }
    const response = await fetch(url, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": csrf },
      credentials: "same-origin",
    });
    const json = await response.json();
    if (!response.ok) {
      throw new Error(json.detail || response.statusText);
    }
    return json;
  }

  async function refreshPreview() {
    try {
      const result = await post(previewUrl, { body: body.value, article: article });
      preview.innerHTML = result.html; // sanitised by the server (nh3)
      counts = `${result.words} words · ${result.minutes} min read`;
    } catch (error) {
      counts = `Preview unavailable: ${error.message}`;
    }
    showStatus();
  }

  body.addEventListener("input", () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(refreshPreview, 300);
  });
  refreshPreview();

  // --- unsaved changes: warn before leaving, autosave the user's copy ------------
  let dirty = false;
  let changedSinceAutosave = false;
  form.addEventListener("input", () => {
    dirty = true;
    changedSinceAutosave = true;
  });
  form.addEventListener("submit", () => {
    dirty = false;
  });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  function field(name) {
    const input = form.elements.namedItem(name);
    return input ? input.value : "";
  }

  async function autosave() {
    if (!autosaveUrl || !changedSinceAutosave) {
      return;
    }
    changedSinceAutosave = false;
    try {
      const result = await post(autosaveUrl, {
        title: field("title"),
        standfirst: field("standfirst"),
        body: body.value,
        seen_version: field("seen_version"),
      });
      const at = new Date(result.saved_at);
      saved = `Draft copy autosaved at ${at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })}`;
      status.dataset.autosaved = result.saved_at;
    } catch (error) {
      saved = `Not autosaved: ${error.message}`;
      changedSinceAutosave = true;
    }
    showStatus();
  }
  if (autosaveUrl) {
    setInterval(autosave, AUTOSAVE_SECONDS * 1000);
  }

  // --- an autosaved copy offered back ---------------------------------------------
  const offer = document.querySelector(".autosave-offer");
  if (offer) {
    const read = (id) => JSON.parse(document.getElementById(id).textContent);
    document.getElementById("autosave-restore").addEventListener("click", () => {
      form.elements.namedItem("title").value = read("autosave-title");
      form.elements.namedItem("standfirst").value = read("autosave-standfirst");
      body.value = read("autosave-body");
      // Judged against the version the copy was made from: if someone saved since,
      // the save shows their version beside this one instead of overwriting it.
      form.elements.namedItem("seen_version").value = offer.dataset.baseVersion;
      dirty = true;
      offer.remove();
      refreshPreview();
    });
    document.getElementById("autosave-discard").addEventListener("click", () => {
      offer.remove();
    });
  }
});
