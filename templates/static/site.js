/* sitegen: copy-citation buttons and the All papers filters. Progressive: without it every page is complete. */
(function () {
  "use strict";

  // --- copy buttons ------------------------------------------------------------------------
  function copyWithSelection(text) {
    // file:// pages have no navigator.clipboard: select a hidden textarea and use execCommand.
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    document.body.removeChild(area);
    return copied ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyWithSelection(text); });
    }
    return copyWithSelection(text);
  }

  function setUpCopyButtons() {
    var buttons = document.querySelectorAll("[data-copy-target]");
    Array.prototype.forEach.call(buttons, function (button) {
      var source = document.getElementById(button.getAttribute("data-copy-target"));
      var status = button.parentNode.querySelector(".copy-status");
      if (!source) { return; }
      button.parentNode.hidden = false;
      button.addEventListener("click", function () {
        copyText(source.textContent.trim() + "\n").then(function () {
          status.textContent = "Copied";
        }, function () {
          status.textContent = "Copy failed: select the text and copy it by hand";
        });
      });
    });
  }

  // --- All papers: filter by topic and year, sort, state in the URL hash -------------------
  function readHash() {
    var state = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var parts = pair.split("=");
      if (parts[0]) { state[decodeURIComponent(parts[0])] = decodeURIComponent(parts[1] || ""); }
    });
    return state;
  }

  function compareRows(order) {
    var field = order.split("-")[0];
    var direction = order.split("-")[1] === "asc" ? 1 : -1;
    return function (a, b) {
      var x, y;
      if (field === "date") {
        x = a.row.getAttribute("data-date"); y = b.row.getAttribute("data-date");
        if (!x !== !y) { return x ? -1 : 1; }  // undated last, either direction
      } else {
        x = a.title; y = b.title;
      }
      if (x !== y) { return (x < y ? -1 : 1) * direction; }
      return a.position - b.position;  // the build's total order breaks ties
    };
  }

  function setUpPaperFilters() {
    var form = document.getElementById("paper-filters");
    var table = document.getElementById("paper-table");
    if (!form || !table) { return; }
    var body = table.tBodies[0];
    var topic = document.getElementById("filter-topic");
    var year = document.getElementById("filter-year");
    var sort = document.getElementById("sort-order");
    var count = document.getElementById("paper-count");
    var noMatch = document.getElementById("no-match");
    var rows = Array.prototype.map.call(body.rows, function (row, position) {
      return {
        row: row,
        position: position,
        title: row.cells[0].textContent.trim().toLocaleLowerCase(),
        topics: " " + row.getAttribute("data-topics") + " ",
        year: (row.getAttribute("data-date") || "").slice(0, 4)
      };
    });

    function choose(select, value) {
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      select.value = known ? value : select.options[0].value;
    }

    function apply() {
      var shown = 0;
      rows.forEach(function (item) {
        var visible = (!topic.value || item.topics.indexOf(" " + topic.value + " ") >= 0) &&
          (!year.value || item.year === year.value);
        item.row.hidden = !visible;
        shown += visible ? 1 : 0;
      });
      rows.slice().sort(compareRows(sort.value)).forEach(function (item) { body.appendChild(item.row); });
      count.textContent = "Showing " + shown + " of " + rows.length + " papers";
      noMatch.hidden = shown > 0;
    }

    function fromHash() {
      var state = readHash();
      choose(topic, state.topic || "");
      choose(year, state.year || "");
      choose(sort, state.sort || "date-desc");
      apply();
    }

    function toHash() {
      var parts = [];
      if (topic.value) { parts.push("topic=" + encodeURIComponent(topic.value)); }
      if (year.value) { parts.push("year=" + encodeURIComponent(year.value)); }
      if (sort.value !== "date-desc") { parts.push("sort=" + encodeURIComponent(sort.value)); }
      var target = parts.length ? "#" + parts.join("&") : location.href.split("#")[0];
      try {
        history.replaceState(null, "", target);  // shareable, without a history entry per change
      } catch (e) {
        location.hash = parts.join("&");  // some browsers refuse replaceState on file://
      }
      apply();
    }

    form.addEventListener("change", toHash);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(toHash, 0); });
    noMatch.querySelector("a").addEventListener("click", function (event) {
      event.preventDefault();
      form.reset();
    });
    window.addEventListener("hashchange", fromHash);
    form.hidden = false;
    fromHash();
  }

  function start() {
    setUpCopyButtons();
    setUpPaperFilters();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
