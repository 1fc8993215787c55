/*
 * Search-and-choose fields (measures/lookups.py): a text field that offers matches from the
 * server as the person types (the ARIA 1.2 combobox pattern), and keeps the chosen row's id
 * in a hidden field. Without this script the text is a search of its own.
 *
 *   <input data-lookup-url="…/lookup/" data-lookup-id="id_of_the_hidden_field">
 *   <ul role="listbox" id="<input id>-options" hidden>, <p aria-live id="<input id>-status">
 * The lookup answers {"results": [{"id": 1, "label": "…"}]}.
 */
(function () {
  "use strict";

  var WAIT_MS = 200;

  function setUp(input) {
    var hidden = document.getElementById(input.getAttribute("data-lookup-id"));
    var list = document.getElementById(input.id + "-options");
    var status = document.getElementById(input.id + "-status");
    if (!hidden || !list || !status) {
      return;
    }
    var timer = null;
    var asked = 0;
    var active = -1;
    var chosenLabel = input.value;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var all = options();
      if (!all.length) {
        return;
      }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function choose(option) {
      input.value = option.textContent;
      chosenLabel = input.value;
      hidden.value = option.getAttribute("data-id");
      close();
    }

    function show(results) {
      list.textContent = "";
      results.forEach(function (result, i) {
        var option = document.createElement("li");
        option.className = "list-group-item";
        option.id = input.id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-id", String(result.id));
        option.textContent = result.label;
        // mousedown, not click: the field's blur would close the list first.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(option);
        });
        list.appendChild(option);
      });
      list.hidden = results.length === 0;
      input.setAttribute("aria-expanded", results.length ? "true" : "false");
      active = -1;
      status.textContent = results.length
        ? status.getAttribute("data-some").replace("{count}", String(results.length))
        : status.getAttribute("data-none");
    }

    function ask() {
      var number = ++asked;
      var url = input.getAttribute("data-lookup-url") + "?q=" + encodeURIComponent(input.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (number === asked && document.activeElement === input) {
            show(data.results || []);
          }
        })
        .catch(function () {
          close();
        });
    }

    input.addEventListener("input", function () {
      // A changed text no longer names the chosen row: the text is searched instead.
      if (input.value !== chosenLabel) {
        hidden.value = "";
      }
      clearTimeout(timer);
      timer = setTimeout(ask, WAIT_MS);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) {
          highlight(active + 1);
        } else {
          ask();
        }
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(options()[active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-lookup-url]").forEach(setUp);
  });
})();
