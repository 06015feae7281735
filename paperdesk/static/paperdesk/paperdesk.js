// Live countdowns: <time data-countdown="ISO-8601"> shows the time left, updated every second.
(function () {
  function render(el) {
    const target = Date.parse(el.dataset.countdown);
    let s = Math.floor((target - Date.now()) / 1000);
    if (isNaN(target)) return;
    if (s <= 0) { el.textContent = el.dataset.passed || "passed"; el.classList.add("passed"); return; }
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    el.textContent = (d ? d + "d " : "") + String(h).padStart(2, "0") + "h " + String(m).padStart(2, "0") + "m " + String(s).padStart(2, "0") + "s left";
  }
  function tick() { document.querySelectorAll("[data-countdown]").forEach(render); }
  document.addEventListener("DOMContentLoaded", function () { tick(); setInterval(tick, 1000); });
  document.addEventListener("htmx:afterSwap", tick);
})();

// The Content-Security-Policy refuses the <style> element htmx would add for its request
// indicators (paperdesk.css has those rules) and code built from strings. Set here, before
// htmx starts (both scripts are deferred; htmx reads its config on DOMContentLoaded), so a
// page's own <meta name="htmx-config"> (the reviews pages have one) still applies.
if (window.htmx) {
  htmx.config.includeIndicatorStyles = false;
  htmx.config.allowEval = false;
}

// Behaviour that used to be inline handlers (onclick, onsubmit), which the
// Content-Security-Policy refuses: delegated, so htmx-swapped content works too.
//   <input type="checkbox" data-select-all="input[name=ids]">  ticks or clears every match
//   <form data-confirm="Remove every publication?">            asks before submitting
//   <input data-select-on-click>                               selects its text when clicked
(function () {
  document.addEventListener("click", function (event) {
    const target = event.target;
    if (!(target instanceof Element)) return;
    if (target.matches("input[type=checkbox][data-select-all]")) {
      document.querySelectorAll(target.dataset.selectAll).forEach(function (box) { box.checked = target.checked; });
    } else if (target.matches("input[data-select-on-click]")) {
      target.select();
    }
  });
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
})();

// A venue moment in the viewer's own time zone: <time datetime="ISO-8601" data-localtime>
// (printed by the `moment` template filter, next to the Anywhere-on-Earth time) says the
// UTC time until this runs; then the attribute's value (if any) and the local time, e.g.
// data-localtime="your time:" -> "your time: Sun, Aug 23, 2025, 20:59 GMT+9".
(function () {
  const format = { weekday: "short", year: "numeric", month: "short", day: "numeric",
                   hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" };
  function render(root) {
    (root || document).querySelectorAll("time[data-localtime]").forEach(function (el) {
      const at = new Date(el.getAttribute("datetime"));
      if (isNaN(at.getTime())) return;
      try {
        el.textContent = (el.dataset.localtime ? el.dataset.localtime + " " : "") + at.toLocaleString(undefined, format);
      } catch (error) {
        return;  // an old browser keeps the UTC time
      }
      el.title = "In your time zone (" + (Intl.DateTimeFormat().resolvedOptions().timeZone || "local") + ")";
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    render();
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) document.querySelectorAll("[data-local-zone]").forEach(function (el) { el.textContent = zone; });
  });
  document.addEventListener("htmx:afterSwap", function (event) { render(event.target); });
})();

// After a failed save: a summary of the form's errors at the top of the page, each linking
// to its field, announced (role="alert") and focused, so keyboard and screen-reader users
// start where the problems are. Built from the error lists the server rendered
// (ul.errorlist next to each field, or a form's own errors); a page may render its own
// <div class="error-summary" data-error-summary> instead, which is then only focused.
(function () {
  function fieldFor(list) {
    const described = list.id && document.querySelector('[aria-describedby~="' + list.id + '"]');
    if (described) return described;
    const box = list.closest(".field, .has-error, fieldset, .author-row, .settings-field");
    return box ? box.querySelector("input:not([type=hidden]), select, textarea") : null;
  }
  function labelFor(field) {
    if (!field) return "";
    const box = field.closest(".field, .has-error, fieldset");
    let label = field.id ? document.querySelector('label[for="' + field.id + '"]') : null;
    if (!label && box) label = box.querySelector("legend, label");
    if (!label) label = field.closest("label");
    return label ? label.textContent.replace(/\s+/g, " ").trim() : "";
  }
  function build() {
    const main = document.querySelector("main");
    if (!main) return null;
    const existing = main.querySelector("[data-error-summary]");
    if (existing) return existing;
    const lists = Array.from(main.querySelectorAll("ul.errorlist")).filter(function (l) { return l.textContent.trim(); });
    if (!lists.length) return null;
    const summary = document.createElement("div");
    summary.className = "error-summary";
    summary.id = "error-summary";
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    summary.setAttribute("data-error-summary", "");
    const heading = document.createElement("h2");
    const items = document.createElement("ul");
    let count = 0;
    lists.forEach(function (list, i) {
      const field = fieldFor(list);
      const target = field && field.id ? field : list;
      if (!target.id) target.id = "form-error-" + (i + 1);
      const label = labelFor(field);
      list.querySelectorAll("li").forEach(function (li) {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = "#" + target.id;
        link.textContent = (label ? label + ": " : "") + li.textContent.trim();
        link.addEventListener("click", function (event) {
          event.preventDefault();
          target.scrollIntoView({ block: "center" });
          if (target.matches("input, select, textarea")) { target.focus(); }
          else { target.setAttribute("tabindex", "-1"); target.focus(); }
        });
        item.appendChild(link);
        items.appendChild(item);
        count += 1;
      });
    });
    heading.textContent = count === 1 ? "Nothing was saved: 1 problem to correct" : "Nothing was saved: " + count + " problems to correct";
    summary.appendChild(heading);
    summary.appendChild(items);
    const h1 = main.querySelector("h1");
    const after = main.querySelector(".messages") || h1;
    if (h1 && after === h1) h1.insertAdjacentElement("afterend", summary);
    else if (after) after.insertAdjacentElement("afterend", summary);
    else main.insertBefore(summary, main.firstChild);
    return summary;
  }
  document.addEventListener("DOMContentLoaded", function () {
    const summary = build();
    if (summary) summary.focus();
  });
})();
