// <time datetime="ISO" data-localtime> shows the moment in the visitor's own time zone;
// [data-local-zone] names that zone. Without JavaScript the server's UTC text stays.
(function () {
  var options = { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short" };
  function render() {
    document.querySelectorAll("time[data-localtime]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when)) el.textContent = when.toLocaleString(undefined, options);
    });
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    if (zone) document.querySelectorAll("[data-local-zone]").forEach(function (el) { el.textContent = zone; });
  }
  document.addEventListener("DOMContentLoaded", render);
})();
