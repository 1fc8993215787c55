/*
 * Stops a form that the server would refuse as too large before it is sent, and says why next
 * to the form, so nothing typed is lost (a refused request can only show an error page).
 *
 * The limits come from the server, which applies them (organizations/limits.py):
 *   <body data-max-form-bytes data-max-form-fields data-message-…>  the form's text and fields,
 *   <input type="file" data-max-bytes>                               each chosen file.
 * The size is counted the way Django counts it: the encoded body of an ordinary form, the
 * names and values of a multipart form's text fields; line breaks are sent as CR LF.
 */
(function () {
  "use strict";

  var MEGABYTE = 1024 * 1024;
  var ALERT_CLASS = "form-limit-alert";

  function limit(element, name) {
    var value = parseInt(element.getAttribute(name) || "", 10);
    return value > 0 ? value : null;
  }

  function megabytes(bytes) {
    // Norwegian numbers in every language of the product: 2,5 and 10.
    return (bytes / MEGABYTE).toLocaleString("nb-NO", { maximumFractionDigits: 1 });
  }

  function fill(message, values) {
    return message.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function asSent(text) {
    return text.replace(/\r\n|\r|\n/g, "\r\n");
  }

  function byteLength(text) {
    return new TextEncoder().encode(text).length;
  }

  function textSize(fields, multipart) {
    if (multipart) {
      return fields.reduce(function (sum, field) {
        return sum + byteLength(field[0]) + 2 + byteLength(asSent(field[1]));
      }, 0);
    }
    var params = new URLSearchParams();
    fields.forEach(function (field) {
      params.append(field[0], asSent(field[1]));
    });
    return params.toString().length;
  }

  function entries(form, submitter) {
    var data;
    try {
      data = new FormData(form, submitter || undefined);
    } catch (error) {
      data = new FormData(form); // browsers without the submitter argument
    }
    var fields = [];
    var files = 0;
    data.forEach(function (value, name) {
      if (typeof value === "string") {
        fields.push([name, value]);
      } else {
        files += 1;
      }
    });
    return { fields: fields, files: files };
  }

  function problem(form, submitter) {
    var body = document.body;
    var inputs = form.querySelectorAll("input[type='file'][data-max-bytes]");
    for (var i = 0; i < inputs.length; i += 1) {
      var most = limit(inputs[i], "data-max-bytes");
      var chosen = inputs[i].files || [];
      for (var j = 0; j < chosen.length; j += 1) {
        if (most && chosen[j].size > most) {
          return fill(body.getAttribute("data-message-file-too-large") || "", {
            name: chosen[j].name,
            size: megabytes(chosen[j].size),
            max: megabytes(most),
          });
        }
      }
    }
    var sent = entries(form, submitter);
    var maxFields = limit(body, "data-max-form-fields");
    var count = sent.fields.length + sent.files;
    if (maxFields && count > maxFields) {
      return fill(body.getAttribute("data-message-too-many") || "", {
        count: count.toLocaleString("nb-NO"),
      });
    }
    var maxBytes = limit(body, "data-max-form-bytes");
    var size = textSize(sent.fields, form.enctype === "multipart/form-data");
    if (maxBytes && size > maxBytes) {
      return fill(body.getAttribute("data-message-too-large") || "", { size: megabytes(size) });
    }
    return "";
  }

  function alertFor(form) {
    var previous = form.previousElementSibling;
    return previous && previous.classList.contains(ALERT_CLASS) ? previous : null;
  }

  function show(form, message) {
    var alert = alertFor(form);
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "alert alert-danger " + ALERT_CLASS;
      alert.setAttribute("role", "alert");
      alert.tabIndex = -1;
      form.parentNode.insertBefore(alert, form);
    }
    alert.textContent = message;
    alert.focus();
  }

  // Capturing on the document runs before the form's own listeners (htmx's among them), so
  // a form that would be refused is never sent, whichever way it would have been.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || form.method !== "post") {
        return;
      }
      var message = problem(form, event.submitter);
      if (!message) {
        var stale = alertFor(form);
        if (stale) {
          stale.remove();
        }
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      show(form, message);
    },
    true
  );
})();
