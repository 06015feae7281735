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
