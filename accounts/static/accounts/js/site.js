/* Margin desk — small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // 1. Submit once: a second click (or Enter) on a form that is already on its way does nothing.
  //    The server refuses a second confirm anyway (one-time token); this just spares the round trip.
  function guardForms() {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.submitted === "1") {
          event.preventDefault();
          return;
        }
        form.dataset.submitted = "1";
        // Disable after the browser has collected the form data.
        window.setTimeout(function () {
          form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
            button.disabled = true;
            button.setAttribute("aria-busy", "true");
          });
        }, 0);
      });
    });
  }

  // Coming back with the browser's Back button restores the page as it was: enable it again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      delete form.dataset.submitted;
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      });
    });
  });

  // 2. "Max" and "repay all" helpers on the transfer / borrow / repay forms.
  function actionHelpers() {
    var form = document.querySelector("form.action-form");
    var data = document.getElementById("action-limits");
    if (!form || !data) return;
    var limits = JSON.parse(data.textContent || "{}");
    var purpose = form.dataset.purpose;
    var asset = form.querySelector("[name=asset]");
    var amount = form.querySelector("[name=amount]");
    var maxButton = form.querySelector("[data-fill-max]");
    var hint = form.querySelector("[data-max-hint]");
    var repayAll = form.querySelector("[name=repay_all]");

    function mode() {
      if (purpose === "transfer") {
        var checked = form.querySelector("[name=direction]:checked");
        return checked ? checked.value : "to_margin";
      }
      return purpose;
    }

    function currentMax() {
      var table = limits[mode()] || {};
      return asset && table[asset.value] !== undefined ? table[asset.value] : "0";
    }

    function describe() {
      if (!hint || !asset) return;
      var label = { to_margin: "In spot", to_spot: "Max out of margin", borrow: "Max borrowable", repay: "Repayable now" };
      var text = (label[mode()] || "Max") + ": " + currentMax() + " " + asset.value;
      if (purpose === "repay" && limits.owed && limits.owed[asset.value] !== undefined) {
        text += " (owed " + limits.owed[asset.value] + ")";
      }
      hint.textContent = text;
    }

    if (maxButton) {
      maxButton.addEventListener("click", function () {
        if (repayAll) repayAll.checked = false;
        if (amount) {
          amount.readOnly = false;
          amount.value = currentMax();
          amount.focus();
        }
      });
    }
    if (repayAll && amount) {
      repayAll.addEventListener("change", function () {
        amount.readOnly = repayAll.checked;
        if (repayAll.checked) amount.value = "";
      });
    }
    form.addEventListener("change", describe);
    describe();
  }

  // 3. "Show all" for long tables.
  function showRows() {
    document.querySelectorAll("[data-show-rows]").forEach(function (button) {
      button.addEventListener("click", function () {
        var table = document.querySelector("[data-testid='" + button.dataset.showRows + "']");
        if (!table) return;
        table.querySelectorAll("tr[hidden]").forEach(function (row) { row.hidden = false; });
        button.remove();
      });
    });
  }

  // 4. The phone's menu: the main links fold behind a "Menu" button on narrow screens.
  function navToggle() {
    var button = document.querySelector(".nav-toggle");
    var header = document.querySelector(".topbar");
    if (!button || !header) return;
    button.addEventListener("click", function () {
      var open = header.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // 5. Repay all: the amount is everything owed, so the amount field steps aside.
  function repayAllToggle() {
    document.querySelectorAll("form.action-form [name=repay_all]").forEach(function (box) {
      var amount = box.form.querySelector("[name=amount]");
      if (!amount) return;
      function sync() { amount.readOnly = box.checked; if (box.checked) amount.value = ""; }
      box.addEventListener("change", sync);
      sync();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    navToggle();
    repayAllToggle();
    guardForms();
    actionHelpers();
    showRows();
  });
})();
