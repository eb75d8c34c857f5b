/* sitegen: copy-citation buttons, the light/dark theme button, and the All papers browser.
   Progressive: without it every page is complete, and the list of all papers is paginated. */
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

  // --- citation downloads from a folder on disk -------------------------------------------
  // Chromium ignores `download` on file:// links and shows the file as text: say where it is.
  function showDownloadHints() {
    if (location.protocol !== "file:") { return; }
    Array.prototype.forEach.call(document.querySelectorAll(".download-hint"), function (hint) {
      hint.hidden = false;
    });
  }

  // --- the theme: the system's until the reader chooses; the choice is kept ---------------
  var THEME_KEY = "sitegen-theme";  // theme.js reads it before the page is drawn

  function setUpThemeToggle() {
    var button = document.getElementById("theme-toggle");
    if (!button) { return; }
    var root = document.documentElement;
    var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

    function isDark() {
      var chosen = root.getAttribute("data-theme");
      return chosen ? chosen === "dark" : !!(system && system.matches);
    }
    function show() { button.setAttribute("aria-pressed", isDark() ? "true" : "false"); }
    function apply(theme) {
      if (theme === "light" || theme === "dark") { root.setAttribute("data-theme", theme); }
      else { root.removeAttribute("data-theme"); }
      show();
    }

    button.addEventListener("click", function () {
      var theme = isDark() ? "light" : "dark";
      apply(theme);
      try { window.localStorage.setItem(THEME_KEY, theme); } catch (e) { /* kept for this page only */ }
    });
    window.addEventListener("storage", function (event) {  // chosen in another tab of the site
      if (event.key === THEME_KEY) { apply(event.newValue); }
    });
    if (system && system.addEventListener) { system.addEventListener("change", show); }
    show();
  }

  // --- dates, written as the build writes them ("23 April 2024") -----------------------------
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function humanDate(iso) {
    var parts = iso.split("-");  // "2024", "2024-05" or "2024-05-03": as precise as it is known
    var words = [parts[0]];
    if (parts[1]) { words.unshift(MONTHS[Number(parts[1]) - 1]); }
    if (parts[2]) { words.unshift(String(Number(parts[2]))); }
    return words.join(" ");
  }

  // --- All papers: facets with live counts, a text filter, sorts, pages; state in the hash --
  // The build writes every paper's card data to assets/papers-data.js (window.SITEGEN_PAPERS,
  // newest first: the build's own order). It is loaded when the browser is first used, or at
  // once when the address holds a view. Paper text is untrusted: the DOM is built with
  // textContent and attributes only.

  // Each part of the hash, as written (a list of names is split before its names are decoded).
  function readHash() {
    var state = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var parts = pair.split("=");
      if (parts[0]) { state[parts[0]] = parts[1] || ""; }
    });
    return state;
  }

  function decoded(text) {
    try { return decodeURIComponent((text || "").replace(/\+/g, " ")); }
    catch (e) { return ""; }  // a malformed part: ignored
  }

  // Latin letters Unicode does not decompose into a letter and marks, and apostrophes (dropped)
  // (sitegen/stemmer.py's LETTERS).
  // This page folds as search-engine.js does, which loads only with search: tests/test_search_fold.py
  // checks both on every character against the build's fold.
  var LETTERS = { "\u00f8": "o", "\u00d8": "O", "\u00e6": "ae", "\u00c6": "AE", "\u0153": "oe", "\u0152": "OE", "\u00df": "ss", "\u1e9e": "SS", "\u0111": "d", "\u0110": "D", "\u0142": "l", "\u0141": "L", "\u0131": "i", "\u0127": "h", "\u0126": "H", "\u00fe": "th", "\u00de": "TH", "\u00f0": "d", "\u00d0": "D", "\u2019": "", "\u2018": "", "'": "" };
  // Unicode's marks; a browser without \p{} in its regular expressions (before ~2020) gets the
  // combining accents, rather than a syntax error that would stop the whole script.
  var MARKS = (function () {
    try { return new RegExp("\\p{M}", "gu"); } catch (e) { return /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g; }
  })();
  var UNSPLIT = new RegExp("[" + Object.keys(LETTERS).join("") + "]", "g");

  function fold(text) {
    // Case and accents do not matter to the text filter: folded as search folds words
    // (search-engine.js, sitegen/stemmer.py's fold), then lowercased.
    if (!/[^\x00-\x7f]/.test(text)) return text.replace(/'/g, "").toLowerCase();
    return text.normalize("NFKD").replace(MARKS, "").replace(UNSPLIT, function (letter) { return LETTERS[letter]; }).toLowerCase();
  }

  // The text filter's words: runs of letters and digits, folded ("X-ray" is x and ray); ASCII's
  // and the accented letters' in a browser without \p{} in its regular expressions.
  var NOT_WORD = (function () {
    try { return new RegExp("[^\\p{L}\\p{N}]+", "gu"); } catch (e) { return /[^0-9a-z\u00c0-\uffff]+/g; }
  })();

  function wordsOf(text) {
    return fold(text).replace(NOT_WORD, " ").split(" ").filter(Boolean);
  }

  var LOAD_WHEN_IDLE_UP_TO = 2000;  // papers: about 450 KB of data

  // --- a facet of many values (venues, authors) ----------------------------------------------
  // The build writes its most frequent values; once the data is loaded the facet draws its
  // values itself: those with papers given the other facets, most papers first, FACET_TOP at
  // first and FACET_STEP more at each "Show more", narrowed to the words typed in its own box.
  // The values chosen are always shown. Choosing one never moves the others: a facet's counts
  // do not depend on its own choices.
  var FACET_TOP = 10, FACET_STEP = 50;
  var NONE = "";  // the value of the papers with no venue, or no named author
  var NONE_IN_ADDRESS = "@none";  // never an escaped name: encodeURIComponent escapes "@"

  function ValueFacet(fieldset, name) {
    this.name = name;
    this.list = fieldset.querySelector(".facet-values");
    this.find = fieldset.querySelector("[data-facet-find]");
    this.shownText = fieldset.querySelector(".facet-shown");
    this.more = fieldset.querySelector(".facet-more-values");
    this.fewer = fieldset.querySelector(".facet-fewer-values");
    this.plural = fieldset.getAttribute("data-plural");
    this.noneLabel = fieldset.getAttribute("data-none");
    this.limit = FACET_TOP;
    this.chosen = [];  // values, in the order chosen
    this.items = {};  // value -> its <li>, made once ("=" + value: no key is a number)
    this.drawn = [];  // the values shown, in order
    this.values = null;  // once the data is loaded: every value, its folded label and its rank
    var facet = this;
    Array.prototype.forEach.call(this.list.children, function (item) {
      var box = item.querySelector("input");
      facet.items["=" + box.value] = item;
      facet.drawn.push(box.value);
    });
    fieldset.addEventListener("change", function (event) {
      var box = event.target;
      if (box.type !== "checkbox") { return; }
      var at = facet.chosen.indexOf(box.value);
      if (box.checked && at < 0) { facet.chosen.push(box.value); }
      if (!box.checked && at >= 0) { facet.chosen.splice(at, 1); }
    });
  }

  // Every value of the data, numbered: `of(paper)` gives a paper's values. The rank is the
  // order by name that breaks ties of counts, as the build orders the values it writes.
  ValueFacet.prototype.index = function (papers, of) {
    var ids = new Map(), labels = [], folded = [];
    papers.forEach(function (paper) {
      paper[this.name + "Ids"] = of(paper).map(function (value) {
        var id = ids.get(value);
        if (id === undefined) {
          id = labels.length;
          ids.set(value, id);
          labels.push(value);
        }
        return id;
      });
    }, this);
    var noneLabel = this.noneLabel;
    var names = labels.map(function (value) { return value === NONE ? noneLabel : value; });
    folded = names.map(fold);
    var order = names.map(function (_, id) { return id; }).sort(function (a, b) {
      return folded[a] < folded[b] ? -1 : folded[a] > folded[b] ? 1 : names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0;
    });
    var rank = new Int32Array(labels.length);
    order.forEach(function (id, place) { rank[id] = place; });
    this.values = { ids: ids, labels: labels, names: names, folded: folded, rank: rank };
  };

  // The ids of the values chosen, as a lookup (null: none chosen). A chosen value the data
  // does not have (from an address) matches no paper.
  ValueFacet.prototype.wanted = function () {
    if (!this.chosen.length) { return null; }
    var wanted = new Uint8Array(this.values.labels.length);
    var ids = this.values.ids;
    this.chosen.forEach(function (value) {
      var id = ids.get(value);
      if (id !== undefined) { wanted[id] = 1; }
    });
    return wanted;
  };

  ValueFacet.prototype.choose = function (values) {
    this.chosen = values.slice();
    var chosen = this.chosen;
    Array.prototype.forEach.call(this.list.querySelectorAll("input"), function (box) {
      box.checked = chosen.indexOf(box.value) >= 0;
    });
  };

  ValueFacet.prototype.clear = function () {
    this.chosen = [];
    this.limit = FACET_TOP;
  };

  ValueFacet.prototype.item = function (value) {
    var item = this.items["=" + value];
    if (!item) {
      item = document.createElement("li");
      var label = element("label", "facet-value");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = this.name;
      box.value = value;
      label.append(box, " ", element("span", "facet-label", value === NONE ? this.noneLabel : value), " ",
        element("span", "facet-count"));
      item.appendChild(label);
      this.items["=" + value] = item;
    }
    item.querySelector("input").checked = this.chosen.indexOf(value) >= 0;
    return item;
  };

  // Shows the values for these counts (by id): the chosen ones not among the first shown, then
  // those with papers that match the words typed, most papers first, up to the limit.
  ValueFacet.prototype.draw = function (counts) {
    var values = this.values;
    var words = this.find ? fold(this.find.value).split(/\s+/).filter(Boolean) : [];
    var matching = [];
    for (var id = 0; id < counts.length; id++) {
      if (counts[id] === 0 && this.find) { continue; }  // a short facet shows every value, as topics do
      var name = values.folded[id], w = 0;
      while (w < words.length && name.indexOf(words[w]) >= 0) { w++; }
      if (w === words.length) { matching.push(id); }
    }
    var rank = values.rank;
    matching.sort(function (a, b) { return counts[b] - counts[a] || rank[a] - rank[b]; });
    var shown = matching.slice(0, this.limit).map(function (id) { return values.labels[id]; });
    var pinned = this.chosen.filter(function (value) { return shown.indexOf(value) < 0; });
    var drawn = pinned.concat(shown);
    var before = this.drawn;
    if (drawn.length !== before.length || drawn.some(function (value, at) { return value !== before[at]; })) {
      var focused = document.activeElement;
      var focusedValue = focused && focused.name === this.name && this.list.contains(focused) ? focused.value : null;
      var fragment = document.createDocumentFragment();
      drawn.forEach(function (value) { fragment.appendChild(this.item(value)); }, this);
      this.list.replaceChildren(fragment);
      this.drawn = drawn;
      if (focusedValue !== null) {  // the keyboard stays where it was
        var again = this.items["=" + focusedValue];
        if (again && again.parentNode === this.list) { again.querySelector("input").focus(); }
        else if (this.find) { this.find.focus(); }
      }
    }
    drawn.forEach(function (value) {
      var id = values.ids.get(value);
      label(this.items["=" + value].querySelector("input"), id === undefined ? 0 : counts[id]);
    }, this);
    if (!this.shownText) { return; }
    var noun = matching.length === 1 ? this.plural.slice(0, -1) : this.plural;  // "venues", "venue"
    this.shownText.textContent = matching.length === 0 && words.length ? "No " + this.plural.slice(0, -1) + " matches"
      : grouped(shown.length) + " of " + grouped(matching.length) + " " + noun + (words.length ? " matching" : "");
    this.more.hidden = matching.length <= this.limit;
    if (!this.more.hidden) { this.more.textContent = "Show " + Math.min(FACET_STEP, matching.length - this.limit) + " more " + this.plural; }
    this.fewer.hidden = this.limit <= FACET_TOP || matching.length <= FACET_TOP;
  };

  // A facet value's count, and whether it is chosen or shows no paper.
  function label(box, count, idle) {
    box.parentNode.querySelector(".facet-count").textContent = grouped(count);
    box.parentNode.classList.toggle("is-empty", (count === 0 || !!idle) && !box.checked);
    box.parentNode.classList.toggle("is-chosen", box.checked);
  }

  function Browser(form) {
    this.form = form;
    this.root = document.documentElement.getAttribute("data-root") || "";
    // The editor's view marks guessed titles and dates (in its own words: the reader's site has none).
    this.markers = form.hasAttribute("data-title-derived")
      ? { title: form.getAttribute("data-title-derived"), date: form.getAttribute("data-date-inferred") } : null;
    this.pageSize = Number(form.getAttribute("data-page-size")) || 100;
    this.results = document.getElementById("paper-results");
    this.count = document.getElementById("paper-count");
    this.pager = document.getElementById("paper-pager");
    this.noMatch = document.getElementById("no-match");
    this.text = form.elements.q;
    this.match = form.elements.match;
    this.sort = form.elements.sort;
    this.boxes = {
      topic: this.checkboxes("topic"),
      year: this.checkboxes("year"),
      code: this.checkboxes("code")
    };
    this.many = {};  // facets of many values, drawn from the data (a site without venues has none)
    ["venue", "author"].forEach(function (name) {
      var fieldset = document.getElementById("facet-" + name);
      if (fieldset) { this.many[name] = new ValueFacet(fieldset, name); }
    }, this);
    this.topics = {};  // id -> {title, url}, for the chips
    var topics = this.topics;
    this.boxes.topic.forEach(function (box) {
      topics[box.value] = { title: box.parentNode.querySelector(".facet-label").textContent, url: box.getAttribute("data-url") };
    });
    this.papers = null;
    this.orders = {};
    this.page = 1;
  }

  Browser.prototype.checkboxes = function (name) {
    return Array.prototype.filter.call(this.form.elements, function (element) {
      return element.name === name && element.type === "checkbox";
    });
  };

  Browser.prototype.start = function () {
    var browser = this;
    var form = this.form;
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("change", function (event) {
      if (event.target.hasAttribute("data-facet-find")) { return; }  // it narrows a facet's values only
      browser.page = 1;
      browser.changed(false, true);
    });
    Object.keys(this.many).forEach(function (name) {
      var facet = browser.many[name];
      var typing = false;
      if (!facet.find) { return; }  // all its values are shown
      // While the reader types in the box, how many values match is read out (not otherwise:
      // the other facets change it at every choice).
      facet.find.addEventListener("focus", function () { facet.shownText.setAttribute("aria-live", "polite"); });
      facet.find.addEventListener("blur", function () { facet.shownText.removeAttribute("aria-live"); });
      facet.find.addEventListener("input", function () {
        if (typing) { return; }
        typing = true;
        window.requestAnimationFrame(function () {
          typing = false;
          browser.load(function () { facet.limit = FACET_TOP; browser.showCounts(browser.filters()); });
        });
      });
      facet.more.addEventListener("click", function () {
        var focused = document.activeElement === facet.more;
        browser.load(function () {
          facet.limit += FACET_STEP;
          browser.showCounts(browser.filters());
          if (focused && facet.more.hidden && !facet.fewer.hidden) { facet.fewer.focus(); }  // every value shown: the button pressed is gone
        });
      });
      facet.fewer.addEventListener("click", function () {
        browser.load(function () {
          facet.limit = FACET_TOP;
          browser.showCounts(browser.filters());
          facet.more.focus();  // the button pressed is gone
        });
      });
    });
    var typing = false;  // keystrokes within one frame make one change
    this.text.addEventListener("input", function () {
      if (typing) { return; }
      typing = true;
      window.requestAnimationFrame(function () { typing = false; browser.page = 1; browser.changed(); });
    });
    form.addEventListener("reset", function () {
      Object.keys(browser.many).forEach(function (name) { browser.many[name].clear(); });
      setTimeout(function () { browser.page = 1; browser.changed(false, true); }, 0);  // after the form is reset
    });
    // That button goes with the message once the list is back: the focus goes to the count
    // above the list (a keyboard's next Tab is its first paper, not the pager below it).
    this.noMatch.querySelector("button").addEventListener("click", function () {
      var focused = document.activeElement === this;
      form.reset();
      if (focused) {
        browser.count.tabIndex = -1;
        browser.count.focus();
      }
    });
    // The build's links to the list's other pages show the same pages of the unfiltered list:
    // followed here, they keep the filters at hand.
    this.pager.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a") : null;
      if (!link) { return; }
      // The pager is drawn again, the link followed with it: the focus goes to the count above
      // the new page's papers ("... 51 to 100 on this page"), as a new page would start there.
      if (document.activeElement === link) {
        browser.count.tabIndex = -1;
        browser.count.focus();
      }
      if (!link.hasAttribute("data-page")) { return; }  // the filtered list's own: to its address
      event.preventDefault();
      browser.page = Number(link.getAttribute("data-page"));
      browser.changed(true, true);
    });
    // The data is loaded as the reader comes to the filters (or at once when the address holds
    // a view); for a small site, as soon as the page is idle. A big site's data (2 MB for 10,000
    // papers) would otherwise cost every reader of the first page a download and, on a phone, a
    // few hundred milliseconds of a busy page.
    ["pointerenter", "focusin", "touchstart", "pointerdown"].forEach(function (kind) {
      form.addEventListener(kind, function () { browser.load(); }, { once: true, passive: true });
    });
    window.addEventListener("hashchange", function () { browser.fromHash(); });
    if (location.hash.length > 1) {
      this.fromHash();
    } else if (Number(form.getAttribute("data-total")) <= LOAD_WHEN_IDLE_UP_TO) {
      if (document.readyState === "complete") { this.loadWhenIdle(); }
      else { window.addEventListener("load", function () { browser.loadWhenIdle(); }); }
    }
  };

  Browser.prototype.loadWhenIdle = function () {
    var browser = this;
    var later = window.requestIdleCallback || function (callback) { return setTimeout(callback, 200); };
    later(function () { browser.load(); }, { timeout: 3000 });
  };

  // Loads the papers' data (a script, so that it works from file:// too), then calls `then`.
  Browser.prototype.load = function (then) {
    var browser = this;
    if (this.papers) { if (then) { then(); } return; }
    this.waiting = this.waiting || [];
    if (then) { this.waiting.push(then); }
    if (this.loading) {
      if (then) { this.count.textContent = "Loading the list of papers\u2026"; }
      return;
    }
    this.loading = true;
    var script = document.createElement("script");
    script.src = this.form.getAttribute("data-papers");
    script.onload = function () {
      browser.papers = prepare(window.SITEGEN_PAPERS || []);
      browser.indexValues();
      var waiting = browser.waiting;
      browser.waiting = [];
      waiting.forEach(function (callback) { callback(); });
      if (!waiting.length) { browser.showAgain(); }
    };
    // Not loaded (the network gone for a moment): the next choice loads it again, rather than
    // "Loading..." for ever; what waited for it is dropped (the next choice shows its own view).
    script.onerror = function () {
      script.remove();
      browser.loading = false;
      browser.waiting = [];
      browser.count.textContent = "The filters could not load the list of papers (check your connection: " +
        "your next choice tries again); the pages below still list them all.";
    };
    document.head.appendChild(script);
  };

  // The values of the facets of many values, numbered (the papers' ids are `venueIds`, ...).
  Browser.prototype.indexValues = function () {
    var values = {
      venue: function (paper) { return [paper.venue]; },
      author: function (paper) { return paper.people.length ? paper.people : [NONE]; }
    };
    Object.keys(values).forEach(function (name) {
      if (this.many[name]) { this.many[name].index(this.papers, values[name]); }
      else { this.papers.forEach(function (paper) { paper[name + "Ids"] = [0]; }); }
    }, this);
  };

  function prepare(records) {
    return records.map(function (record, position) {
      return {
        position: position,
        slug: record.s,
        title: record.t,
        date: record.d || "",
        year: record.d ? record.d.slice(0, 4) : "undated",
        topics: record.k || [],
        authors: record.a || "",
        people: record.p || [],  // every author's name (or the organisation)
        venue: record.v || "",
        upvotes: typeof record.u === "number" ? record.u : -1,
        code: record.c === undefined ? null : record.c,
        titleDerived: record.g === 1,
        dateInferred: record.i === 1,
        words: null  // " " and the words of the title, authors and venue, made when the text filter is first used
      };
    });
  }

  Browser.prototype.filters = function () {
    function chosen(boxes) {
      var values = {};
      var any = false;
      boxes.forEach(function (box) { if (box.checked) { values[box.value] = true; any = true; } });
      return any ? values : null;
    }
    var words = wordsOf(this.text.value);
    return {
      words: words,
      topics: chosen(this.boxes.topic),
      all: this.match.value === "all",
      years: chosen(this.boxes.year),
      code: this.boxes.code[0].checked,
      venues: this.many.venue ? this.many.venue.wanted() : null,
      authors: this.many.author ? this.many.author.wanted() : null
    };
  };

  // Which facets a paper fails: a bit each (text, topic, year, code, venue, author).
  var TEXT = 1, TOPIC = 2, YEAR = 4, CODE = 8, VENUE = 16, AUTHOR = 32;

  function failures(paper, filters) {
    var failed = 0;
    if (filters.words.length) {
      if (paper.words === null) {
        paper.words = " " + wordsOf(paper.title + " " + (paper.people.join(" ") || paper.authors) + " " + paper.venue).join(" ");
      }
      // Each word typed begins a word of the paper's ("seg" finds Segmentation): "ct" is CT, not
      // the ct of detection, nor "ai" the ai of trained.
      for (var w = 0; w < filters.words.length; w++) {
        if (paper.words.indexOf(" " + filters.words[w]) < 0) { failed |= TEXT; break; }
      }
    }
    if (filters.topics) {
      var topics = paper.topics;
      var hits = 0, wanted = 0;
      for (var id in filters.topics) {
        wanted++;
        if (id === "unclassified" ? topics.length === 0 : topics.indexOf(id) >= 0) { hits++; }
      }
      if (filters.all ? hits < wanted : hits === 0) { failed |= TOPIC; }
    }
    if (filters.years && !filters.years[paper.year]) { failed |= YEAR; }
    if (filters.code && paper.code === null) { failed |= CODE; }
    if (filters.venues && !filters.venues[paper.venueIds[0]]) { failed |= VENUE; }
    if (filters.authors && !anyOf(paper.authorIds, filters.authors)) { failed |= AUTHOR; }
    return failed;
  }

  function anyOf(ids, wanted) {
    for (var i = 0; i < ids.length; i++) { if (wanted[ids[i]]) { return true; } }
    return false;
  }

  function countEach(counts, ids) {
    for (var i = 0; i < ids.length; i++) { counts[ids[i]]++; }
  }

  // The papers shown, and each facet value's count: the papers it would show given the other
  // facets (for topics chosen with "all", given the topics already chosen as well).
  Browser.prototype.run = function (filters) {
    var counts = {
      topic: {}, year: {}, code: 0, shown: 0, shownTopic: {}, shownYear: {},
      venue: new Int32Array(this.many.venue ? this.many.venue.values.labels.length : 1),
      author: new Int32Array(this.many.author ? this.many.author.values.labels.length : 1)
    };
    var shown = [];
    var papers = this.papers;
    function countTopics(paper) {
      var topics = paper.topics.length ? paper.topics : ["unclassified"];
      for (var t = 0; t < topics.length; t++) { counts.topic[topics[t]] = (counts.topic[topics[t]] || 0) + 1; }
    }
    for (var i = 0; i < papers.length; i++) {
      var paper = papers[i];
      var failed = failures(paper, filters);
      if (failed === 0) {
        shown[paper.position] = true;
        counts.shown++;
        countTopics(paper);
        var topicsShown = paper.topics.length ? paper.topics : ["unclassified"];
        for (var t = 0; t < topicsShown.length; t++) { counts.shownTopic[topicsShown[t]] = (counts.shownTopic[topicsShown[t]] || 0) + 1; }
        counts.year[paper.year] = (counts.year[paper.year] || 0) + 1;
        counts.shownYear[paper.year] = (counts.shownYear[paper.year] || 0) + 1;
        if (paper.code !== null) { counts.code++; }
        countEach(counts.venue, paper.venueIds);
        countEach(counts.author, paper.authorIds);
      } else if (failed === TOPIC) {
        if (!filters.all) { countTopics(paper); }  // with "all", a paper lacking a chosen topic adds to none
      } else if (failed === YEAR) {
        counts.year[paper.year] = (counts.year[paper.year] || 0) + 1;
      } else if (failed === VENUE) {
        countEach(counts.venue, paper.venueIds);
      } else if (failed === AUTHOR) {
        countEach(counts.author, paper.authorIds);
      }  // failing only "has code": it has none, so it adds nothing there either
    }
    return { shown: shown, counts: counts };
  };

  // A title as readers sort it: case and accents aside, numbers by their value (Paper 9 before
  // Paper 10: each run of digits is padded to the same length).
  function titleKey(title) {
    return fold(title).replace(/\d+/g, function (digits) { return ("000000000000" + digits).slice(-12); });
  }

  Browser.prototype.order = function (sort) {
    var found = this.orders[sort];
    if (found) { return found; }
    var papers = this.papers.slice();
    if (sort.indexOf("title") === 0) {  // once: comparing keys is ~20 times faster than a collator
      papers.forEach(function (paper) { if (paper.sortKey === undefined) { paper.sortKey = titleKey(paper.title); } });
    }
    function byKey(a, b) { return a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0; }
    var compare = {
      "date-asc": function (a, b) {
        if (!a.date !== !b.date) { return a.date ? -1 : 1; }  // undated last, either way
        return a.date < b.date ? -1 : a.date > b.date ? 1 : b.position - a.position;
      },
      "title-asc": function (a, b) { return byKey(a, b) || a.position - b.position; },
      "title-desc": function (a, b) { return byKey(b, a) || a.position - b.position; },
      "upvotes-desc": function (a, b) { return b.upvotes - a.upvotes || a.position - b.position; }
    }[sort];
    if (compare) { papers.sort(compare); }  // date-desc: the build's own order
    this.orders[sort] = papers;
    return papers;
  };

  // The view changed: show it, and keep it in the address. `toTop`: a new page of the list,
  // shown from its start. `step`: a choice the Back button undoes (a box ticked, a sort, a
  // page); the words typed in the text box change the address in place, not at every key.
  Browser.prototype.changed = function (toTop, step) {
    var browser = this;
    this.showUnknown([]);
    this.load(function () {
      browser.toHash(step);
      browser.show();
      if (toTop && browser.count.getBoundingClientRect().top < 0) { browser.count.scrollIntoView(); }
    });
  };

  Browser.prototype.show = function () {
    var filters = this.filters();
    var ran = this.run(filters);
    var shown = ran.shown;
    var list = this.order(this.sort.value).filter(function (paper) { return shown[paper.position]; });
    var pages = Math.max(1, Math.ceil(list.length / this.pageSize));
    this.page = Math.min(Math.max(1, this.page), pages);
    var start = (this.page - 1) * this.pageSize;
    var onPage = list.slice(start, start + this.pageSize);
    this.showCounts(filters, ran.counts);
    // Cards and pager links already shown are kept, not made again: the text box's `change`,
    // as a click on a paper takes the focus from it (on mousedown), would replace the link
    // under the pointer before the click, which then follows nothing.
    var cardsShown = start + ":" + onPage.map(function (paper) { return paper.position; }).join(",");
    if (cardsShown !== this.cardsShown) {
      this.results.replaceChildren(this.cards(onPage, start + 1));
      this.cardsShown = cardsShown;
    }
    var pagerShown = pages + ":" + this.hashFor(this.page);
    if (pagerShown !== this.pagerShown) {
      this.pager.replaceChildren(this.pagerFor(pages));
      this.pagerShown = pagerShown;
    }
    this.noMatch.hidden = list.length > 0;
    // Words found in no title, author or venue may be in abstracts: the link searches them there
    // (an editor's own papers.html made before it may not have it).
    var words = this.text.value.trim(), elsewhere = this.noMatch.querySelector(".no-match-search");
    if (elsewhere) { elsewhere.hidden = list.length > 0 || !words; }
    if (elsewhere && !elsewhere.hidden) {
      var link = elsewhere.querySelector("a");
      link.href = this.root + "search.html?q=" + encodeURIComponent(words);
      link.textContent = "search every paper\u2019s abstract too for \u201c" + words + "\u201d";
    }
    var sortName = this.sort.options[this.sort.selectedIndex].text;
    sortName = sortName.charAt(0).toLowerCase() + sortName.slice(1); // "title, A to Z", not "a to z"
    var range = list.length > this.pageSize ? ": " + grouped(start + 1) + " to " + grouped(start + onPage.length) + " on this page" : "";
    var all = grouped(this.papers.length) + (this.papers.length === 1 ? " paper" : " papers");
    var text = (list.length === this.papers.length ? all : "Showing " + grouped(list.length) + " of " + all) + ", " + sortName + range + ".";
    if (this.count.textContent !== text) { this.count.textContent = text; }  // it is read out when it changes
    if (this.shownHook) { this.shownHook(list.length, this.papers.length); }
  };

  Browser.prototype.showAgain = function () {
    var active = document.activeElement;
    if (active && this.results.contains(active)) { this.showCounts(this.filters()); }
    else { this.show(); }
  };

  // A topic's or a year's count is the number of papers the list would show once it is ticked:
  // several topics (matched with "any") or years give the papers with any of them, so once one
  // is chosen, another's count is the list's papers and those it would add; a chosen one's
  // count is the papers of the list that have it. (It was only the papers with that value,
  // which ticking it did not give: Segmentation and 2023-24 chosen, "Vision-language models"
  // said 93, and ticking it showed 156.) Ticking a value that adds no paper changes nothing:
  // it is shown dimmed, as a value without papers is.
  function orCount(box, all, inList, chosen, shown) {
    if (!chosen) { return { count: all[box.value] || 0, idle: false }; }
    if (box.checked) { return { count: inList[box.value] || 0, idle: false }; }
    var added = (all[box.value] || 0) - (inList[box.value] || 0);
    return { count: shown + added, idle: added === 0 };
  }

  Browser.prototype.showCounts = function (filters, counts) {
    if (!counts) { counts = this.run(filters).counts; }
    Object.keys(this.many).forEach(function (name) { this.many[name].draw(counts[name]); }, this);
    var topics = filters.topics && !filters.all;  // with "all", the counts already are the list's
    this.boxes.topic.forEach(function (box) {
      var shown = orCount(box, counts.topic, counts.shownTopic, topics, counts.shown);
      label(box, shown.count, shown.idle);
    });
    this.boxes.year.forEach(function (box) {
      var shown = orCount(box, counts.year, counts.shownYear, filters.years, counts.shown);
      label(box, shown.count, shown.idle);
    });
    label(this.boxes.code[0], counts.code);
  };

  Browser.prototype.cards = function (papers, start) {
    var list = document.createElement("ol");
    list.className = "paper-list";
    if (start !== 1) { list.start = start; }
    var root = this.root, topics = this.topics, markers = this.markers;
    papers.forEach(function (paper) {
      var item = element("li", "card");
      var title = element("a", "paper-title", paper.title);
      title.href = root + "papers/" + encodeURIComponent(paper.slug) + ".html";
      item.appendChild(title);
      if (markers && paper.titleDerived) { item.append(" ", element("span", "marker", markers.title)); }
      if (paper.authors || paper.venue) {  // who wrote it, and where
        var byline = element("div", "paper-byline");
        if (paper.authors) { byline.appendChild(element("span", "paper-authors", paper.authors)); }
        if (paper.authors && paper.venue) { byline.append(" \u00b7 "); }
        if (paper.venue) { byline.appendChild(element("span", "paper-venue", paper.venue)); }
        item.appendChild(byline);
      }
      var meta = element("div", "paper-meta");
      if (paper.date) {
        var time = element("time", "", humanDate(paper.date));
        time.setAttribute("datetime", paper.date);
        meta.appendChild(time);
        if (markers && paper.dateInferred) { meta.append(" ", element("span", "marker marker-date", markers.date)); }
      } else {
        meta.appendChild(element("span", "undated", "Undated"));
      }

      if (paper.upvotes > 0) { meta.appendChild(element("span", "", paper.upvotes + " upvote" + (paper.upvotes === 1 ? "" : "s"))); }
      if (paper.code !== null) {
        var badge = element(typeof paper.code === "string" ? "a" : "span", "badge", "Code");
        if (typeof paper.code === "string") { badge.href = paper.code; badge.rel = "noopener noreferrer"; }
        meta.appendChild(badge);
      }
      item.appendChild(meta);
      var chips = paper.topics.filter(function (id) { return topics[id]; });
      if (chips.length) {
        var chipList = element("ul", "chips");
        chipList.setAttribute("aria-label", "Topics");
        chips.forEach(function (id) {
          var chip = element("a", "chip", topics[id].title);
          chip.href = root + topics[id].url;
          var li = document.createElement("li");
          li.appendChild(chip);
          chipList.appendChild(li);
        });
        item.appendChild(chipList);
      }
      list.appendChild(item);
    });
    return list;
  };

  // The pages of the filtered list: links that change the address's page, like the build's.
  Browser.prototype.pagerFor = function (pages) {
    var fragment = document.createDocumentFragment();
    if (pages < 2) { return fragment; }
    var nav = element("nav", "pager");
    nav.setAttribute("aria-label", "Pages of the papers shown");
    var list = document.createElement("ul");
    var current = this.page, browser = this;
    function link(number, text, rel) {
      var item = document.createElement("li");
      var a = element("a", "");
      a.href = browser.hashFor(number);
      if (rel) { a.rel = rel; a.append(text, element("span", "visually-hidden", " page")); }
      else { a.append(element("span", "visually-hidden", "Page "), String(number)); }
      if (number === current && !rel) { a.setAttribute("aria-current", "page"); }
      item.appendChild(a);
      list.appendChild(item);
    }
    if (current > 1) { link(current - 1, "Previous", "prev"); }
    for (var n = 1; n <= pages; n++) {
      if (n === 1 || n === pages || Math.abs(n - current) <= 2) { link(n); }
      else if (n === 2 || n === pages - 1) {
        var gap = element("li", "pager-gap", "\u2026");
        gap.setAttribute("aria-hidden", "true");
        list.appendChild(gap);
      }
    }
    if (current < pages) { link(current + 1, "Next", "next"); }
    nav.appendChild(list);
    fragment.appendChild(nav);
    return fragment;
  };

  // A count as the site writes it, its thousands set apart ("10,000"), as sitegen/render.py's
  // `thousands` filter writes the pages' counts.
  function grouped(number) {
    return String(number).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) { made.className = className; }
    if (text !== undefined) { made.textContent = text; }
    return made;
  }

  // --- the state in the address: #topic=a,b&match=all&year=2024,undated&code=1&venue=...&author=...&q=...&sort=...&page=2
  // (a venue's or an author's name escaped, "@none" for none: names may hold commas)
  Browser.prototype.stateParts = function (page) {
    var parts = [];
    function add(key, value) { parts.push(key + "=" + encodeURIComponent(value).replace(/%2C/g, ",")); }
    function chosen(boxes) { return boxes.filter(function (box) { return box.checked; }).map(function (box) { return box.value; }); }
    if (this.text.value.trim()) { add("q", this.text.value.trim()); }
    if (chosen(this.boxes.topic).length) { add("topic", chosen(this.boxes.topic).join(",")); }
    if (this.match.value !== "any") { add("match", this.match.value); }
    if (chosen(this.boxes.year).length) { add("year", chosen(this.boxes.year).join(",")); }
    if (this.boxes.code[0].checked) { add("code", "1"); }
    Object.keys(this.many).forEach(function (name) {
      var chosen = this.many[name].chosen;
      if (chosen.length) {
        parts.push(name + "=" + chosen.map(function (value) {
          return value === NONE ? NONE_IN_ADDRESS : encodeURIComponent(value);
        }).join(","));
      }
    }, this);
    if (this.sort.value !== "date-desc") { add("sort", this.sort.value); }
    if (page > 1) { add("page", String(page)); }
    return parts;
  };

  Browser.prototype.hashFor = function (page) {
    return "#" + this.stateParts(page).join("&");
  };

  Browser.prototype.toHash = function (step) {
    var parts = this.stateParts(this.page);
    var target = parts.length ? "#" + parts.join("&") : location.href.split("#")[0];
    if (target === location.hash || (!parts.length && !location.hash)) { return; }
    try {
      // Shareable; a step is one entry of the history (Back undoes it, as on the results page),
      // the words typed are not one a key.
      if (step) { history.pushState(null, "", target); } else { history.replaceState(null, "", target); }
    } catch (e) {
      this.ignoreHash = true;
      location.hash = parts.join("&");  // some browsers refuse replaceState on file://
    }
  };

  Browser.prototype.fromHash = function () {
    if (this.ignoreHash) { this.ignoreHash = false; return; }
    var state = readHash();
    var unknown = [], corrected = false;
    // A value the address names: its box, by value, or (any case, accents aside) by its value or
    // its label where only one box has it ("Segmentation", "vision-language models").
    function boxFor(boxes, value) {
      var exact = boxes.filter(function (box) { return box.value === value; });
      if (exact.length) { return exact[0]; }
      var folded = fold(value).trim();
      var near = boxes.filter(function (box) {
        var label = box.parentNode.querySelector(".facet-label");
        return fold(box.value) === folded || (label && fold(label.textContent).trim() === folded);
      });
      return near.length === 1 ? near[0] : null;
    }
    function tick(boxes, values, kind) {
      var wanted = {};
      (values || "").split(",").forEach(function (value) {
        if (!value) { return; }
        var box = boxFor(boxes, value);
        if (box) { wanted[box.value] = true; corrected = corrected || box.value !== value; }
        else { unknown.push({ kind: kind, value: value }); }
      });
      boxes.forEach(function (box) { box.checked = !!wanted[box.value]; });
    }
    function choose(select, value) {
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
      select.value = known ? value : select.options[0].value;
    }
    this.text.value = decoded(state.q);
    tick(this.boxes.topic, decoded(state.topic), "topic");
    tick(this.boxes.year, decoded(state.year), "year");
    this.boxes.code[0].checked = state.code === "1";
    choose(this.match, decoded(state.match) || "any");
    choose(this.sort, decoded(state.sort) || "date-desc");
    Object.keys(this.many).forEach(function (name) {
      var values = [];
      (state[name] || "").split(",").forEach(function (part) {
        var value = part === NONE_IN_ADDRESS ? NONE : decoded(part);  // "": empty or malformed
        if ((value || part === NONE_IN_ADDRESS) && values.indexOf(value) < 0) { values.push(value); }
      });
      this.many[name].choose(values);
    }, this);
    this.page = Math.max(1, parseInt(state.page, 10) || 1);
    var browser = this;
    this.load(function () {
      browser.show();
      browser.showUnknown(unknown);
      if (unknown.length || corrected) { browser.toHash(false); }  // the address as the view is now
      if (state.page && browser.count.getBoundingClientRect().top < 0) { browser.count.scrollIntoView(); }
    });
  };

  // A shared link that asks for a topic or a year the review has no papers under says so, above
  // the list, rather than silently showing every paper.
  Browser.prototype.showUnknown = function (unknown) {
    if (!this.unknownNotice) {
      if (!unknown.length) { return; }
      this.unknownNotice = element("p", "notice link-notice");
      this.unknownNotice.id = "link-notice";
      this.count.parentNode.insertBefore(this.unknownNotice, this.count);
    }
    var notice = this.unknownNotice;
    notice.hidden = !unknown.length;
    if (!unknown.length) { notice.textContent = ""; return; }
    var rest = this.stateParts(1).filter(function (part) { return !/^(sort|page)=/.test(part); }).length;
    notice.textContent = unknown.map(function (asked) {
      var quotedValue = "\u201c" + asked.value + "\u201d";
      return asked.kind === "topic" ? "The link asked for topic " + quotedValue + ", which this review has no papers under"
        : "The link asked for the year " + quotedValue + ", which this review has no papers from";
    }).join(". ") + (rest ? "; it is left out." : "; showing all papers.");
  };

  // Below the width at which the filters sit beside the list (style.css), the facets start
  // folded under their summary, so that the papers come first on a phone (they began ~2.5
  // screens down), even when the address chooses some (a shared link put the first paper
  // 3.6 screens down): the summary says how many are chosen. Unfolded, a button pinned to the
  // bottom of the screen says how many papers the choices give ("Show 93 papers": the list's
  // own count is off-screen) and folds them away to the list.
  var NARROW = "(max-width: 55.99rem)";

  function foldFacets(form) {
    var more = form.querySelector(".filter-more"), chosen = more && more.querySelector(".filter-chosen");
    if (!more || !chosen) { return null; }
    more.open = !(window.matchMedia && window.matchMedia(NARROW).matches);
    function count() {
      var ticked = more.querySelectorAll("input[type=checkbox]:checked").length;
      chosen.textContent = ticked ? " (" + ticked + " chosen)" : "";
    }
    form.addEventListener("change", count);
    form.addEventListener("reset", function () { setTimeout(count, 0); });
    window.addEventListener("hashchange", function () { setTimeout(count, 0); });
    setTimeout(count, 0);
    var row = element("p", "filter-show");
    var button = element("button", "filter-show-button", "Show the papers");
    button.type = "button";
    row.appendChild(button);
    more.appendChild(row);
    button.addEventListener("click", function () {
      more.open = false;
      var summary = more.querySelector("summary");
      if (summary) { summary.focus(); }
      var list = document.getElementById("paper-count");
      if (list) { list.scrollIntoView(); }
    });
    return function shown(papers, total) {  // the list now shows `papers` of `total`
      var text = papers === total ? "Show all " + grouped(total) + " papers"
        : "Show " + grouped(papers) + (papers === 1 ? " paper" : " papers");
      if (button.textContent !== text) { button.textContent = text; }
    };
  }

  function setUpPaperBrowser() {
    var form = document.getElementById("paper-filters");
    if (!form || !document.getElementById("paper-results")) { return; }
    var shown = foldFacets(form);
    var browser = new Browser(form);
    browser.shownHook = shown;
    browser.start();
  }

  function start() {
    setUpCopyButtons();
    showDownloadHints();
    setUpThemeToggle();
    setUpPaperBrowser();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
