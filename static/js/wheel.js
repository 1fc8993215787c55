/* The annual wheel page: details of the event in focus or under the pointer, and the exact
   day of a click in a ring. No framework; the page works without it (every event is a link,
   and a click in a ring adds an event on the first day of the month). */
(function () {
  "use strict";

  var svg = document.querySelector(".wheel-svg");
  var panel = document.getElementById("wheel-details");
  if (!svg) {
    return;
  }

  var FIELDS = ["title", "kind", "dates", "time", "place", "responsible", "measure", "programme", "ring"];
  // What an event's link does not say: its accessible name (yearwheel/wheel_text.py) already
  // holds kind, title, dates and ring, so a screen reader hears only these after it.
  var EXTRA = ["time", "place", "responsible", "measure", "programme"];
  var shown = null;

  function announceExtra(item) {
    var region = panel && panel.querySelector("[data-details-extra]");
    if (!region) {
      return;
    }
    var parts = [];
    EXTRA.forEach(function (name) {
      var value = item.getAttribute("data-" + name);
      var term = panel.querySelector('[data-row="' + name + '"]');
      if (value && term) {
        parts.push(term.textContent.trim() + ": " + value);
      }
    });
    // Emptied for an event with nothing more to say, so the last event's words are not left.
    region.textContent = parts.join(". ");
  }

  function show(item) {
    if (!panel || item === shown) {
      return;
    }
    shown = item;
    var body = panel.querySelector("[data-details]");
    var hint = panel.querySelector("[data-details-hint]");
    var ring = item.closest("g.wheel-ring");
    FIELDS.forEach(function (name) {
      var value = item.getAttribute("data-" + name) || "";
      if (name === "ring" && ring) {
        value = ring.getAttribute("aria-label") || "";
      }
      var field = panel.querySelector('[data-field="' + name + '"]');
      if (field) {
        field.textContent = value;
        field.hidden = !value;
      }
      var row = panel.querySelector('[data-row="' + name + '"]');
      if (row) {
        row.hidden = !value;
      }
    });
    var link = panel.querySelector('[data-field="url"]');
    if (link) {
      link.setAttribute("href", item.getAttribute("href"));
      var title = link.querySelector('[data-field="open-title"]');
      if (title) {
        title.textContent = ": " + (item.getAttribute("data-title") || "");
      }
    }
    if (hint) {
      hint.hidden = true;
    }
    if (body) {
      body.hidden = false;
    }
  }

  function itemOf(target) {
    return target && target.closest ? target.closest("a.wheel-item") : null;
  }

  svg.addEventListener("focusin", function (event) {
    var item = itemOf(event.target);
    if (item) {
      show(item);
      announceExtra(item);
    }
  });
  svg.addEventListener("mouseover", function (event) {
    var item = itemOf(event.target);
    if (item) {
      show(item);
    }
  });

  // Click-to-add: the cell's link adds an event on the first day of its month; the day
  // under the pointer is better. Updated on mousedown, so a middle click gets it too.
  var start = svg.getAttribute("data-start");
  var days = parseInt(svg.getAttribute("data-days"), 10);
  var centre = parseFloat(svg.getAttribute("data-centre"));

  function isoDay(base, offset) {
    var parts = base.split("-");
    var day = new Date(Date.UTC(+parts[0], +parts[1] - 1, +parts[2] + offset));
    return day.toISOString().slice(0, 10);
  }

  function dayAt(event) {
    var matrix = svg.getScreenCTM();
    if (!matrix || !start || !days) {
      return null;
    }
    var local = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    var angle = Math.atan2(local.x - centre, centre - local.y);
    if (angle < 0) {
      angle += 2 * Math.PI;
    }
    var offset = Math.min(days - 1, Math.floor((angle / (2 * Math.PI)) * days));
    return isoDay(start, offset);
  }

  function refine(event) {
    var cell = event.target.closest ? event.target.closest("a.wheel-cell") : null;
    if (!cell) {
      return;
    }
    var day = dayAt(event);
    var first = cell.getAttribute("data-month");
    var last = cell.getAttribute("data-last");
    if (!day || (first && day < first) || (last && day > last)) {
      return;
    }
    var href = cell.getAttribute("href");
    var url = new URL(href, window.location.href);
    url.searchParams.set("date", day);
    cell.setAttribute("href", url.pathname + url.search);
  }

  svg.addEventListener("mousedown", refine);
  svg.addEventListener("click", refine);
})();
