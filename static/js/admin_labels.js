// Select2, which Django's autocomplete widgets use, draws a search box with no label
// of its own; give each the label of the field it searches, for screen readers.
"use strict";

(function () {
  function labelOf(select) {
    const label = select.id && document.querySelector(`label[for="${select.id}"]`);
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function label(root) {
    for (const input of root.querySelectorAll(".select2-search__field:not([aria-label])")) {
      const container = input.closest(".select2-container");
      const select = container && container.previousElementSibling;
      if (select && select.tagName === "SELECT") {
        input.setAttribute("aria-label", `Search ${labelOf(select) || "choices"}`);
      }
    }
  }

  window.addEventListener("load", () => {
    label(document);
    new MutationObserver(() => label(document)).observe(document.body, {
      childList: true,
      subtree: true,
    });
  });
})();
