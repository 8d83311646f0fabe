// "Where does it hurt?": the body map is a visual control for the form's checkboxes.
// The checkboxes (also shown as an accessible list) are the single source of truth; htmx
// submits the form on every change and swaps in the results.
(function () {
  "use strict";
  const form = document.getElementById("where-form");
  const map = document.getElementById("pain-map");
  if (!form || !map) return;

  function box(value) {
    return form.querySelector('input[name="r"][value="' + CSS.escape(value) + '"]');
  }

  function paint() {
    map.querySelectorAll("path.region").forEach(function (path) {
      const input = box(path.dataset.region + ":" + path.dataset.side);
      const on = !!(input && input.checked);
      path.classList.toggle("selected", on);
      path.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function toggle(path) {
    const input = box(path.dataset.region + ":" + path.dataset.side);
    if (!input) return;
    input.checked = !input.checked;
    paint();
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  map.addEventListener("click", function (event) {
    const path = event.target.closest("path.region");
    if (path) toggle(path);
  });
  map.addEventListener("keydown", function (event) {
    const path = event.target.closest("path.region");
    if (path && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      toggle(path);
    }
  });
  form.addEventListener("change", paint);
  document.body.addEventListener("click", function (event) {
    const clear = event.target.closest("[data-clear]");
    if (!clear) return;
    event.preventDefault();
    form.querySelectorAll('input[name="r"]:checked').forEach(function (i) { i.checked = false; });
    paint();
    form.dispatchEvent(new Event("change", { bubbles: true }));
  });
  window.addEventListener("popstate", function () { setTimeout(paint, 0); });
  document.body.addEventListener("htmx:historyRestore", paint);
  paint();
})();
