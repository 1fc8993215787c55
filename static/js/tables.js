/*
 * Tables that are wider than the window on a phone scroll sideways inside their own region,
 * never the whole page (WCAG 1.4.10). Every table in the main content sits in a
 * .table-responsive box (made here when the template did not write one). A box whose table
 * is wider than it becomes a named region with a tab stop, so keyboard users can scroll it
 * and screen readers say what it holds; a box that fits stays plain (no extra tab stop).
 * The name is the table's caption, or the heading before the table, or the word the script
 * tag carries in data-label.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var fallbackLabel = (script && script.getAttribute("data-label")) || "Table";
  var counter = 0;

  function idOf(element) {
    if (!element.id) {
      counter += 1;
      element.id = "table-label-" + counter;
    }
    return element.id;
  }

  function headingBefore(element) {
    for (var node = element; node && node !== document.body; node = node.parentElement) {
      for (var sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        if (/^H[1-6]$/.test(sibling.tagName)) return sibling;
        var inner = sibling.querySelectorAll("h1, h2, h3, h4, h5, h6");
        if (inner.length) return inner[inner.length - 1];
      }
    }
    return null;
  }

  function label(region, table) {
    var caption = table.querySelector("caption");
    var labelledBy = table.getAttribute("aria-labelledby");
    var heading = caption || labelledBy ? null : headingBefore(region);
    if (caption) {
      region.setAttribute("aria-labelledby", idOf(caption));
    } else if (labelledBy) {
      region.setAttribute("aria-labelledby", labelledBy);
    } else if (table.getAttribute("aria-label")) {
      region.setAttribute("aria-label", table.getAttribute("aria-label"));
    } else if (heading) {
      region.setAttribute("aria-labelledby", idOf(heading));
    } else {
      region.setAttribute("aria-label", fallbackLabel);
    }
  }

  function regions() {
    var found = [];
    document.querySelectorAll("main table").forEach(function (table) {
      // A table for screen readers only (the figures behind a chart) is never seen, so never
      // scrolled.
      if (table.closest(".visually-hidden")) return;
      var parent = table.parentElement;
      if (!parent.classList.contains("table-responsive")) {
        var box = document.createElement("div");
        box.className = "table-responsive";
        parent.insertBefore(box, table);
        box.appendChild(table);
        parent = box;
      }
      found.push([parent, table]);
    });
    return found;
  }

  function update(found) {
    found.forEach(function (pair) {
      var region = pair[0];
      var scrolls = region.scrollWidth > region.clientWidth + 1;
      if (scrolls && !region.hasAttribute("tabindex")) {
        region.setAttribute("role", "region");
        region.setAttribute("tabindex", "0");
        label(region, pair[1]);
      } else if (!scrolls && region.getAttribute("tabindex") === "0") {
        region.removeAttribute("role");
        region.removeAttribute("tabindex");
        region.removeAttribute("aria-label");
        region.removeAttribute("aria-labelledby");
      }
    });
  }

  function start() {
    var found = regions();
    update(found);
    window.addEventListener("resize", function () {
      update(found);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
