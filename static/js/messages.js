/*
 * Makes the page's messages reach people who use a screen reader (docs/accessibility.md):
 *
 * - An error summary above a form that failed ([data-error-summary]) takes the focus when the
 *   page loads, so its heading and list are read first; a link in it moves the focus to its
 *   field and scrolls the field's label (or the question of a radio list) into view, which a
 *   plain jump to the fragment would hide under the top of the window.
 * - Messages after a redirect ("The settings are saved.") are in the page from the start, and
 *   screen readers announce a live region only when its content changes. So the messages are
 *   copied into empty live regions ([data-announce]) a moment after the page has loaded; the
 *   copies are removed again, so that reading the page does not meet each message twice.
 *
 * No framework; without JavaScript the summary and the messages are still the first things in
 * the main content, which the skip link leads to.
 */
(function () {
  "use strict";

  // Screen readers build their view of a new page first; a change in that time is lost.
  var ANNOUNCE_AFTER_MS = 500;
  var CLEAR_AFTER_MS = 10000;

  function labelFor(field) {
    var fieldset = field.closest("fieldset");
    if (field.type === "radio" || field.type === "checkbox") {
      var legend = fieldset && fieldset.querySelector("legend");
      if (legend) {
        return legend;
      }
    }
    if (field.id) {
      var label = document.querySelector('label[for="' + field.id + '"]');
      if (label) {
        return label;
      }
    }
    return field;
  }

  function goToField(event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    labelFor(field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }

  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) {
      return;
    }
    summary.addEventListener("click", goToField);
    summary.focus();
  }

  function announce() {
    var regions = document.querySelectorAll("[data-announce]");
    regions.forEach(function (region) {
      var level = region.getAttribute("data-announce");
      var texts = [];
      document.querySelectorAll('[data-message-level="' + level + '"]').forEach(function (message) {
        texts.push(message.textContent.trim());
      });
      if (!texts.length) {
        return;
      }
      window.setTimeout(function () {
        texts.forEach(function (text) {
          var line = document.createElement("p");
          line.textContent = text;
          region.appendChild(line);
        });
        window.setTimeout(function () {
          region.textContent = "";
        }, CLEAR_AFTER_MS);
      }, ANNOUNCE_AFTER_MS);
    });
  }

  function start() {
    focusSummary();
    announce();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
