/* sitegen: the reader's light or dark theme, set before the page is drawn (so it never flashes).
   The page follows the system setting until the reader presses the theme button (site.js), then
   keeps that choice in localStorage, which pages opened from disk have too. */
(function () {
  "use strict";
  try {
    var chosen = window.localStorage.getItem("sitegen-theme");
    if (chosen === "light" || chosen === "dark") {
      document.documentElement.setAttribute("data-theme", chosen);
    }
  } catch (e) {
    // Storage refused (a private window, a browser setting): follow the system setting.
  }
})();
