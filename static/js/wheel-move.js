/* Moving an own event by hand on the annual wheel: drag it along its ring (mouse, pen or
   touch), or focus it and use the arrow keys (Shift: a week), Enter to save, Escape to cancel.
   The new date is announced and the shape turns to it before anything is saved; after saving,
   "Undo" puts the previous dates back (refused by the server when the event changed since).

   Reads the SVG's contract: the root's data-period-start / data-period-end (inclusive),
   data-cx / data-cy (the centre in viewBox units) and data-move-url (a pattern with 0 for the
   event's id); each own event's link has data-event-id and data-date (its occurrence's first
   day). The period runs clockwise from twelve o'clock, linearly by days. Without this script
   every event is still a link, and its page has a "Move to date" form. */
(function () {
  "use strict";

  var svg = document.querySelector(".wheel-svg[data-move-url]");
  var panel = document.querySelector("[data-move-panel]");
  if (!svg || !panel) {
    return;
  }

  var DAY = 86400000;
  var DRAG_THRESHOLD = 4; // screen pixels before a press becomes a drag rather than a click
  var status = panel.querySelector("[data-move-text]");
  var undoButton = panel.querySelector("[data-move-undo]");
  var csrf = panel.querySelector("input[name='csrfmiddlewaretoken']");
  var periodStart = parseIso(svg.getAttribute("data-period-start"));
  var periodEnd = parseIso(svg.getAttribute("data-period-end"));
  var days = Math.round((periodEnd - periodStart) / DAY) + 1;
  var cx = parseFloat(svg.getAttribute("data-cx"));
  var cy = parseFloat(svg.getAttribute("data-cy"));
  var language = document.documentElement.lang || "nb";
  var dateFormat = new Intl.DateTimeFormat(language === "en" ? "en-GB" : language, {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC"
  });

  var pending = null; // {item, delta, drag: {...} | null}
  var undoData = null; // {eventId, delta, body}
  var swallowClick = false;

  function parseIso(text) {
    var parts = (text || "").split("-");
    return Date.UTC(+parts[0], +parts[1] - 1, +parts[2]);
  }

  function iso(time) {
    return new Date(time).toISOString().slice(0, 10);
  }

  function addDays(text, delta) {
    return iso(parseIso(text) + delta * DAY);
  }

  function text(name, values) {
    var template = panel.getAttribute("data-text-" + name) || "";
    return template.replace(/%\((\w+)\)s/g, function (whole, key) {
      return values && key in values ? values[key] : whole;
    });
  }

  function announce(message) {
    status.textContent = message;
  }

  function movable(target) {
    var item = target && target.closest ? target.closest("a.wheel-item[data-event-id]") : null;
    return item && svg.contains(item) ? item : null;
  }

  function siblings(item) {
    // A repeating event moves as a series: every occurrence of it on the wheel turns along.
    return svg.querySelectorAll('a.wheel-item[data-event-id="' + item.getAttribute("data-event-id") + '"]');
  }

  function turn(item, delta) {
    Array.prototype.forEach.call(siblings(item), function (each) {
      var shift = parseInt(each.getAttribute("data-shift") || "0", 10) + delta;
      if (shift) {
        each.setAttribute("transform", "rotate(" + ((shift * 360) / days).toFixed(3) + " " + cx + " " + cy + ")");
      } else {
        each.removeAttribute("transform");
      }
      each.classList.toggle("wheel-moving", delta !== 0);
    });
  }

  function settle(item, delta, dates) {
    // The saved move becomes the shapes' resting place and dates.
    Array.prototype.forEach.call(siblings(item), function (each) {
      var shift = parseInt(each.getAttribute("data-shift") || "0", 10) + delta;
      each.setAttribute("data-shift", String(shift));
      each.setAttribute("data-date", addDays(each.getAttribute("data-date"), delta));
    });
    turn(item, 0);
    // The moved occurrence's name and details say its new dates (the server writes them as
    // the wheel does); the other dates of a series are right again at the next page load.
    var old = item.getAttribute("data-dates");
    if (dates && old) {
      item.setAttribute("data-dates", dates);
      var label = item.getAttribute("aria-label");
      if (label) {
        item.setAttribute("aria-label", label.replace(old, dates));
      }
      var title = item.querySelector("title");
      if (title) {
        title.textContent = title.textContent.replace(old, dates);
      }
    }
  }

  function preview(item, delta) {
    pending.delta = delta;
    turn(item, delta);
    if (delta) {
      var to = addDays(item.getAttribute("data-date"), delta);
      announce(text("preview", {title: item.getAttribute("data-title") || "", date: dateFormat.format(parseIso(to))}));
    }
  }

  function cancel(quiet) {
    if (!pending) {
      return;
    }
    var item = pending.item;
    var moved = pending.delta !== 0;
    pending = null;
    turn(item, 0);
    if (moved && !quiet) {
      announce(text("cancelled"));
    }
  }

  function post(body) {
    var data = new FormData();
    Object.keys(body).forEach(function (key) {
      data.append(key, body[key]);
    });
    return fetch(svg.getAttribute("data-move-url").replace(/\/0\/move\/$/, "/" + body.event + "/move/"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrf ? csrf.value : ""}
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) {
        return {ok: false, error: text(response.status === 403 ? "forbidden" : "failed")};
      }
      return response.json();
    }).catch(function () {
      return {ok: false, error: text("failed")};
    });
  }

  function save() {
    var item = pending.item;
    var delta = pending.delta;
    pending = null;
    if (!delta) {
      turn(item, 0);
      return;
    }
    var eventId = item.getAttribute("data-event-id");
    var from = item.getAttribute("data-date");
    announce(text("saving"));
    // The shape stays at its new place while saving.
    post({event: eventId, date: from, to: addDays(from, delta)}).then(function (answer) {
      if (!answer.ok) {
        turn(item, 0);
        announce(answer.error);
        return;
      }
      settle(item, delta, answer.dates);
      undoData = {item: item, delta: delta, body: {event: eventId, date: answer.undo.date, to: answer.undo.to, version: answer.undo.version, undo: "1"}};
      undoButton.hidden = false;
      announce(answer.message);
    });
  }

  undoButton.addEventListener("click", function () {
    if (!undoData) {
      return;
    }
    var done = undoData;
    undoData = null;
    undoButton.hidden = true;
    announce(text("saving"));
    post(done.body).then(function (answer) {
      if (answer.ok) {
        settle(done.item, -done.delta, answer.dates);
      }
      announce(answer.ok ? answer.message : answer.error);
    });
  });

  // --- the pointer ---------------------------------------------------------------------

  function dayAt(event) {
    var matrix = svg.getScreenCTM();
    if (!matrix) {
      return 0;
    }
    var local = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    var angle = Math.atan2(local.x - cx, cy - local.y);
    if (angle < 0) {
      angle += 2 * Math.PI;
    }
    return Math.floor((angle / (2 * Math.PI)) * days);
  }

  svg.addEventListener("pointerdown", function (event) {
    var item = movable(event.target);
    if (!item || event.button !== 0) {
      return;
    }
    cancel(true);
    pending = {item: item, delta: 0, drag: {id: event.pointerId, x: event.clientX, y: event.clientY, day: dayAt(event), moving: false}};
  });

  svg.addEventListener("pointermove", function (event) {
    var drag = pending && pending.drag;
    if (!drag || drag.id !== event.pointerId) {
      return;
    }
    if (!drag.moving) {
      if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < DRAG_THRESHOLD) {
        return;
      }
      drag.moving = true;
      svg.setPointerCapture(event.pointerId);
    }
    event.preventDefault();
    // Across twelve o'clock the nearer way round counts: the period is a circle.
    var delta = dayAt(event) - drag.day;
    if (delta > days / 2) {
      delta -= days;
    } else if (delta < -days / 2) {
      delta += days;
    }
    if (delta !== pending.delta) {
      preview(pending.item, delta);
    }
  });

  svg.addEventListener("pointerup", function (event) {
    var drag = pending && pending.drag;
    if (!drag || drag.id !== event.pointerId) {
      return;
    }
    if (drag.moving) {
      swallowClick = true;
      save();
    } else {
      pending = null; // a plain click: the link opens the event
    }
  });

  // Links are draggable by default; the browser's own drag would take the pointer away.
  svg.addEventListener("dragstart", function (event) {
    if (movable(event.target)) {
      event.preventDefault();
    }
  });

  svg.addEventListener("pointercancel", function () {
    cancel(false);
  });

  // A drag ends with a click on the link; it must not open the event.
  svg.addEventListener("click", function (event) {
    if (swallowClick) {
      swallowClick = false;
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // --- the keyboard ----------------------------------------------------------------------

  svg.addEventListener("keydown", function (event) {
    var item = movable(event.target);
    if (!item) {
      return;
    }
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      if (!pending || pending.item !== item) {
        cancel(true);
        pending = {item: item, delta: 0, drag: null};
      }
      var step = event.shiftKey ? 7 : 1;
      preview(item, pending.delta + (event.key === "ArrowRight" ? step : -step));
    } else if (event.key === "Enter" && pending && pending.item === item && pending.delta) {
      event.preventDefault(); // saves instead of opening the link
      save();
    } else if (event.key === "Escape" && pending) {
      event.preventDefault();
      cancel(false);
    }
  });

  // On the figure, not the drawing: a focus listener would make the <svg> a tab stop.
  svg.parentNode.addEventListener("focusout", function (event) {
    if (pending && !pending.drag && pending.item === event.target) {
      cancel(false);
    }
  });
})();
