// Submission pages: the ordered author rows of the form, upload progress bars, and showing
// the server's 4xx answers (a refused upload) in place for htmx forms marked data-swap-errors.
(function () {
  "use strict";

  function renumber(container) {
    var prefix = container.dataset.prefix;
    var pattern = new RegExp("(^|_)" + prefix + "-(\\d+|__prefix__)-");
    var rows = container.querySelectorAll("[data-author-row]");
    rows.forEach(function (row, index) {
      row.querySelectorAll("input, select, textarea, label").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(pattern, "$1" + prefix + "-" + index + "-"));
        });
      });
      row.setAttribute("aria-label", "Author " + (index + 1));
      row.querySelector("[data-author-up]").disabled = index === 0;
      row.querySelector("[data-author-down]").disabled = index === rows.length - 1;
    });
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    if (total) total.value = rows.length;
  }

  function setup(section) {
    var container = section.querySelector("[data-author-rows]");
    var template = section.querySelector("#author-row-template");
    if (!container || !template) return;
    renumber(container);
    section.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !section.contains(button)) return;
      var row = button.closest("[data-author-row]");
      if (button.hasAttribute("data-author-add")) {
        var fresh = template.content.firstElementChild.cloneNode(true);
        container.appendChild(fresh);
        renumber(container);
        fresh.querySelector("input").focus();
      } else if (button.hasAttribute("data-author-remove") && row) {
        if (container.querySelectorAll("[data-author-row]").length === 1) {
          row.querySelectorAll("input").forEach(function (input) {
            if (input.type === "checkbox") input.checked = false; else input.value = "";
          });
        } else {
          row.remove();
        }
        renumber(container);
      } else if (button.hasAttribute("data-author-up") && row && row.previousElementSibling) {
        container.insertBefore(row, row.previousElementSibling);
        renumber(container);
        button.focus();
      } else if (button.hasAttribute("data-author-down") && row && row.nextElementSibling) {
        container.insertBefore(row.nextElementSibling, row);
        renumber(container);
        button.focus();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("#authors").forEach(setup);
  });

  // Upload progress for htmx file forms.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest && event.target.closest("form");
    var bar = form && form.querySelector(".upload-progress");
    if (!bar || !event.detail.lengthComputable) return;
    bar.hidden = false;
    bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });

  // A refused upload (400/403/413) carries the page fragment with its message: show it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var source = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.elt;
    if (status >= 400 && status < 500 && source && source.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
