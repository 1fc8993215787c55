// Rows added, edited and deleted inline (htmx): after a fragment is swapped in, focus goes to
// what the server marked with data-inline-focus, an element id (the new or saved row), or
// "error" for the first field with an error. Without this, focus would be lost with the form
// that was replaced, and keyboard and screen reader users would start again at the top.
(function () {
  "use strict";

  function focusable(element) {
    if (!element.hasAttribute("tabindex") && !element.matches("a, button, input, select, textarea")) {
      element.setAttribute("tabindex", "-1");
    }
    return element;
  }

  function firstError(container) {
    // A field marked invalid; else an error of the form as a whole (no field to go to).
    return (
      container.querySelector("form .is-invalid, form [aria-invalid='true']") ||
      container.querySelector("form .text-danger, form .invalid-feedback")
    );
  }

  document.addEventListener("htmx:afterSwap", function () {
    const marked = document.querySelectorAll("[data-inline-focus]");
    marked.forEach(function (container) {
      const wanted = container.getAttribute("data-inline-focus");
      container.removeAttribute("data-inline-focus");
      let target = null;
      if (wanted === "error") {
        target = firstError(container);
        if (target && !target.matches("input, select, textarea")) {
          // A group of radio buttons shows its error after the group: focus the first choice.
          const group = target.closest(".mb-3, fieldset, form");
          const field = group && group.querySelector("input:not([type=hidden]), select, textarea");
          target = field || target;
        }
      } else if (wanted) {
        target = document.getElementById(wanted);
      }
      if (target) {
        focusable(target).focus();
      }
    });
  });
})();
