// Attorney review: keyboard (j/k move, a approve, o override, u undo, ? help) and htmx helpers.
// No libraries. Rows are focusable items ([data-nav-item]) with a roving tabindex, so a screen reader
// reads the row's label when it gets focus, and the result of every action is announced.
(function () {
  "use strict";

  // A refused decision (422) carries the form with its error: swap it in instead of dropping it.
  if (window.htmx) {
    htmx.config.responseHandling.unshift({ code: "422", swap: true, error: false });
  }

  function items() { return Array.prototype.slice.call(document.querySelectorAll("[data-nav-item]")); }
  function current() { return document.activeElement && document.activeElement.closest("[data-nav-item]"); }

  function focusItem(item) {
    if (!item) { return; }
    items().forEach(function (el) { el.setAttribute("tabindex", "-1"); el.classList.remove("selected"); });
    item.setAttribute("tabindex", "0");
    item.classList.add("selected");
    item.focus();
    item.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = items();
    if (!all.length) { return; }
    var focused = current();
    if (!focused) {
      // The first key press lands on the highlighted row instead of skipping past it.
      focusItem(document.querySelector("[data-nav-item].selected") || all[0]);
      return;
    }
    var here = all.indexOf(focused);
    focusItem(all[Math.min(all.length - 1, Math.max(0, here + step))]);
  }

  function announce(text) {
    var region = document.getElementById("review-announce");
    if (!region) { return; }
    region.textContent = "";
    // A fresh text node after a tick is what makes screen readers speak a repeated message.
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  function openHelp() {
    var help = document.getElementById("review-help");
    if (help && !help.open) { help.showModal(); }
  }

  function act(key) {
    var item = current() || document.querySelector("[data-nav-item].selected");
    if (!item) { return false; }
    if (key === "o") {
      var details = item.querySelector("details.override");
      if (!details) { return false; }
      details.open = true;
      var select = details.querySelector("select");
      if (select) { select.focus(); }
      return true;
    }
    var button = item.querySelector("[data-key='" + key + "']");
    if (!button) { return false; }
    button.click();
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event.target)) {
      // Escape leaves an override form and returns to its row.
      if (event.key === "Escape") {
        var row = event.target.closest("[data-nav-item]");
        var open = event.target.closest("details");
        if (open) { open.open = false; }
        if (row) { focusItem(row); }
      }
      return;
    }
    var handled = true;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": case "o": case "u": handled = act(event.key); break;
      case "?": openHelp(); break;
      case "Enter":
        var item = event.target.matches && event.target.matches("[data-nav-item]") ? event.target : null;
        if (item && item.dataset.personUrl) { window.location = item.dataset.personUrl; } else { handled = false; }
        break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-help]")) { openHelp(); }
    var all = event.target.closest("[data-select-all]");
    if (all) {
      document.querySelectorAll("input[name='determinations']").forEach(function (box) { box.checked = all.checked; });
    }
    var item = event.target.closest("[data-nav-item]");
    if (item && !typing(event.target)) {
      items().forEach(function (el) { el.classList.remove("selected"); el.setAttribute("tabindex", "-1"); });
      item.classList.add("selected");
      item.setAttribute("tabindex", "0");
    }
  });

  // After a swap, focus goes back to the row (not lost to <body>), and the message is read out.
  document.addEventListener("htmx:afterSwap", function (event) {
    var item = event.detail.target && document.getElementById(event.detail.target.id);
    var row = item && item.closest("[data-nav-item]");
    var error = item && item.querySelector("[role='alert']");
    if (error) {
      var field = item.querySelector("textarea, select");
      if (field) { field.focus(); }
      announce(error.textContent);
    } else if (row) {
      focusItem(row);
    }
  });
  document.body.addEventListener("review:announce", function (event) { announce(event.detail.value); });

  var first = document.querySelector("[data-nav-item]");
  if (first) { first.classList.add("selected"); }
})();
