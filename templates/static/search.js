/* sitegen search: results as you type, a results page with filters, and highlights on the paper
 * a result opens. Offline: works from file:// and over HTTP.
 *
 * lunr.js, the search engine (search-engine.js) and the index's manifest load only when search
 * is first used, by injecting <script> tags (fetch does not work from file://); then each query
 * loads the index's files it needs (its terms' partitions, what results show of the papers it
 * shows, the facets on search.html), each file once. Paper text is untrusted: the DOM is built
 * with textContent only.
 */
(function () {
  "use strict";

  var DATA_GLOBAL = "SITEGEN_SEARCH";
  var PARTS_GLOBAL = "SITEGEN_SEARCH_PARTS"; // where the index's other files register themselves
  var DROPDOWN_LIMIT = 8;
  var PARTIAL_DROPDOWN_LIMIT = 5;
  var PAGE_SIZE = 25; // results a page of search.html shows: what a reader scans, and little to load
  var FIRST_SHOWN = 4; // results search.html draws as soon as their papers are loaded (the rest follow)
  var HIGHLIGHT = "highlight"; // the URL fragment's key on a paper page: #highlight=stem+stem
  // A page open this long may be of an older build: its next search checks the manifest (which
  // names the index's files) in the background, and runs again on the new index if it changed.
  var RECHECK_AFTER_MS = 30000;

  var input = document.getElementById("site-search-input");
  var dropdown = document.getElementById("site-search-results");
  var pageResults = document.getElementById("search-page-results");
  var root = document.documentElement.getAttribute("data-root") || "";
  // The build names the index file (root included) on <html>; older pages may not.
  var indexFile = document.documentElement.getAttribute("data-search-index") || root + "assets/search-index.js";
  var partsFolder = indexFile.replace(/[^\/]*$/, "") + "search/"; // the index's other files
  var partLoads = new Map(); // file name -> callbacks waiting for it (null once loaded)
  var loader = { index: null, engine: null, error: null, started: false, waiting: [] };
  var lunrLoader = { done: false, started: false, waiting: [] };

  function loadScript(src, done) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () { done(null); };
    script.onerror = function () { script.remove(); done(src); }; // tried again by a later search
    document.head.appendChild(script);
  }

  // lunr.js, and the engine for its fold (how search reads accented words), for highlights.
  function withLunr(callback) {
    if (lunrLoader.done) return callback();
    lunrLoader.waiting.push(callback);
    if (lunrLoader.started) return;
    lunrLoader.started = true;
    var pending = 2;
    function loaded(failed) {
      lunrLoader.failed = lunrLoader.failed || failed;
      if (--pending > 0) return;
      lunrLoader.done = true;
      lunrLoader.waiting.splice(0).forEach(function (waiting) { waiting(); });
    }
    loadScript(root + "assets/lunr.js", loaded);
    loadScript(root + "assets/search-engine.js", loaded);
  }

  function withIndex(callback) {
    if (loader.index || loader.error) return callback();
    loader.waiting.push(callback);
    if (loader.started) return;
    loader.started = true;
    var pending = 2, failed = null;
    function loaded(error) {
      failed = failed || error;
      if (--pending > 0) return;
      var data = window[DATA_GLOBAL], engine = window.SITEGEN_SEARCH_ENGINE;
      if (failed || !window.lunr || !engine || !data || data.format !== engine.INDEX_FORMAT) { // e.g. files of two builds
        loader.error = failedText(failed || indexFile);
        loader.retry = !!failed; // a file that did not load; files of two builds stay so
      } else {
        loader.engine = engine;
        loader.index = engine.openIndex(window.lunr, data, loadedPart);
        loader.checked = Date.now();
      }
      loader.waiting.splice(0).forEach(function (waiting) { waiting(); });
    }
    withLunr(function () { loaded(lunrLoader.failed); }); // lunr.js and the engine
    loadScript(indexFile, loaded);
  }

  function loadedPart(name) {
    var parts = window[PARTS_GLOBAL];
    return parts && Object.prototype.hasOwnProperty.call(parts, name) ? parts[name] : undefined;
  }

  // Loads the index's files `names` (each once, side by side); then done(the first that failed).
  function loadParts(names, done) {
    var pending = names.length, failed = null;
    if (!pending) return done(null);
    function one(error) {
      failed = failed || error;
      if (--pending === 0) done(failed);
    }
    names.forEach(function (name) {
      var waiting = partLoads.get(name);
      if (waiting === null) return one(null);
      if (waiting) return waiting.push(one);
      partLoads.set(name, [one]);
      loadScript(partsFolder + name + ".js", function (error) {
        var callbacks = partLoads.get(name);
        partLoads.set(name, error ? undefined : null); // a failed file may be tried again
        callbacks.forEach(function (callback) { callback(error); });
      });
    });
  }

  function noOutcome() {
    return { results: [], found: 0, partial: [], partialFound: 0, units: [], missing: [], ignored: [], common: [], suggestions: [], notes: [], error: null,
      completing: null, waiting: null, termsOf: function () { return new Set(); } };
  }

  // `index`: the index the files were asked for. One since renewed (renewIfRebuilt) says nothing
  // of the new one, whose own search is under way.
  function loadFailed(failed, index) {
    if (index !== loader.index) return;
    loader.error = failedText(failed);
    loader.retry = true;
    renewIfRebuilt();
  }

  // The search shown (the list under the box, or search.html's), run again when the index is
  // renewed: set by each as it searches.
  var rerunShown = null;

  // A file that does not load may be one a newer build of the site replaced (rebuilt by `sitegen
  // serve`, or published again, while this page was open): the manifest is loaded again, and if
  // it is another, search opens that index and runs the shown search again. The index's files
  // are named by their content: those loaded already that the new index names are used as they are.
  function renewIfRebuilt() {
    if (loader.renewing || !loader.engine) return;
    loader.renewing = true;
    loader.checked = Date.now();
    var before = JSON.stringify(window[DATA_GLOBAL]);
    var again = indexFile + (indexFile.indexOf("?") < 0 ? "?" : "&") + "build=" + Date.now(); // past any cache
    loadScript(again, function (error) {
      loader.renewing = false;
      var data = window[DATA_GLOBAL];
      if (error || !data || JSON.stringify(data) === before || data.format !== loader.engine.INDEX_FORMAT) return;
      loader.index = loader.engine.openIndex(window.lunr, data, loadedPart);
      loader.error = null;
      loader.retry = false;
      if (rerunShown) rerunShown();
    });
  }

  // A file that does not load is most often the network gone for a moment (a train in a
  // tunnel): from file://, a file missing from the site's folder.
  function failedText(file) {
    return "Search could not load part of its index (" + file.replace(/^.*\/assets\//, "assets/") + "). " +
      (location.protocol === "file:" ? "Try reloading the page." : "Check your connection, then search again.");
  }

  // A file that did not load fails the search that needed it, not every search after it: the
  // next search (a key typed, a filter chosen) tries it again.
  function forgetFailure() {
    if (!loader.retry) return;
    loader.error = null;
    loader.retry = false;
    if (loader.index) return;
    loader.started = false; // the manifest, lunr.js or the engine: loaded again
    if (lunrLoader.failed) lunrLoader.done = lunrLoader.started = false;
    lunrLoader.failed = null;
  }

  // What the engine finds for `text` (typing: the last word may be unfinished), once the files
  // it needs are loaded; nothing if search could not load.
  // With `best`, only that many results (the list under the box; outcome.found counts them all).
  function searched(text, typing, then, best) {
    if (loader.error) return then(noOutcome());
    if (Date.now() - loader.checked > RECHECK_AFTER_MS) renewIfRebuilt();
    var options = { typing: typing, best: best }, index = loader.index;
    loader.engine.searchLoaded(window.lunr, index, text, options, loadParts, function (failed, outcome) {
      if (failed) loadFailed(failed, index);
      then(failed ? noOutcome() : outcome);
    });
  }

  // Calls `then` once the index's files `names` are loaded (if they cannot be, search says so).
  function withParts(names, then) {
    if (loader.error) return then();
    var index = loader.index;
    loadParts(names, function (failed) {
      if (failed) loadFailed(failed, index);
      then();
    });
  }

  // What results show of `docs` (the index's document chunks), loaded.
  function withDocs(entries, then) {
    if (loader.error) return then();
    withParts(loader.index.docFiles(entries.map(function (entry) { return entry.doc; })), then);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function quoted(text) {
    return "\u201c" + text + "\u201d";
  }

  // Would lunr.js's index pipeline (trimmer, stop words, stemmer) make one of `terms` of this word?
  var termOfWord = new Map(); // word -> its term ("" for none), as the pipeline makes it

  function matchesTerms(word, terms) {
    var term = termOfWord.get(word);
    if (term === undefined) {
      var lunr = window.lunr, engine = window.SITEGEN_SEARCH_ENGINE;
      var token = lunr.trimmer(new lunr.Token((engine ? engine.fold(word) : word).toLowerCase()));
      term = token.toString() && lunr.stopWordFilter(token) ? lunr.stemmer(token).toString() : "";
      if (termOfWord.size > 20000) termOfWord.clear();
      termOfWord.set(word, term);
    }
    return term !== "" && terms.has(term);
  }

  // What is around a word: not a letter, digit or _ of any script (ASCII's, in a browser without
  // \p{} in its regular expressions, rather than a syntax error stopping the script).
  var WORD_EDGES = (function () {
    try { return [new RegExp("^[^\\p{L}\\p{N}_]+", "u"), new RegExp("[^\\p{L}\\p{N}_]+$", "u")]; } catch (e) { return [/^\W+/, /\W+$/]; }
  })();

  // Text as nodes, every word whose stem is one of `terms` wrapped in <mark>.
  function markedNodes(text, terms, className) {
    var nodes = [];
    text.split(/([\s\-]+)/).forEach(function (piece) {
      // The word without punctuation around it: accented letters are part of it ("\u00d6zt\u00fcrk").
      var core = piece.replace(WORD_EDGES[0], "").replace(WORD_EDGES[1], "");
      if (!core || !matchesTerms(core, terms)) {
        nodes.push(document.createTextNode(piece));
        return;
      }
      var start = piece.indexOf(core);
      nodes.push(document.createTextNode(piece.slice(0, start)));
      nodes.push(element("mark", className, core));
      nodes.push(document.createTextNode(piece.slice(start + core.length)));
    });
    return nodes;
  }

  function highlighted(tag, className, text, terms) {
    var node = element(tag, className);
    markedNodes(text, terms).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  // Dates as every page writes them ("23 April 2024"); a paper without one is "Undated".
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];

  function humanDate(iso) {
    if (!iso) return "Undated";
    var parts = iso.split("-");  // "2024", "2024-05" or "2024-05-03": as precise as it is known
    var words = [parts[0]];
    if (parts[1]) { words.unshift(MONTHS[Number(parts[1]) - 1]); }
    if (parts[2]) { words.unshift(String(Number(parts[2]))); }
    return words.join(" ");
  }

  // A result's link carries the terms it matched, which the paper page then highlights.
  function paperHref(doc, terms) {
    var href = root + doc.url;
    if (!terms.size) return href;
    return href + "#" + HIGHLIGHT + "=" + Array.from(terms).sort().map(encodeURIComponent).join("+");
  }

  function resultItem(doc, terms, lacks) {
    var link = element("a", lacks ? "search-result search-result-partial" : "search-result");
    link.href = paperHref(doc, terms);
    link.appendChild(highlighted("span", "search-result-title", doc.title, terms));
    if (doc.byline) link.appendChild(highlighted("span", "search-result-byline", doc.byline, terms));
    var meta = [humanDate(doc.date)].concat(doc.topics).join(" \u00b7 ");
    if (meta) link.appendChild(element("span", "search-result-meta", meta));
    if (doc.snippet) link.appendChild(highlighted("span", "search-result-snippet", doc.snippet, terms));
    if (lacks) link.appendChild(element("span", "search-result-lacks", "Lacks: " + lacks.join(", ")));
    var item = element("li");
    item.appendChild(link);
    return item;
  }

  function resultList(entries, outcome, partial) {
    var list = element("ul", "search-results-list");
    entries.forEach(function (entry) {
      list.appendChild(resultItem(loader.index.doc(entry.doc), outcome.termsOf(entry.doc), partial ? entry.lacks : null));
    });
    return list;
  }

  function count(number, one, many) {
    return grouped(number) + " " + (number === 1 ? one : many);
  }

  // A count as the site writes it, its thousands set apart ("10,000"), as sitegen/render.py's
  // `thousands` filter writes the pages' counts.
  function grouped(number) {
    return String(number).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // The status line, which says what the query found; it carries the query (data-query), so a
  // test or the benchmark can tell which query's results are shown.
  function statusLine(outcome, text) {
    var line = element("p", "search-status" + (outcome.error || loader.error ? " search-error" : ""), statusText(outcome, text));
    line.setAttribute("data-query", text);
    return line;
  }

  function statusText(outcome, text) {
    if (loader.error) return loader.error;
    if (outcome.error) {
      return "Cannot search for " + quoted(text) + ": " + outcome.error + ". Check the query syntax, or search for plain words.";
    }
    var found = outcome.found;
    if (found) return count(found, "paper matches ", "papers match ") + quoted(text) + ".";
    if (!outcome.units.length) {
      if (outcome.waiting) {
        return "Keep typing: " + quoted(outcome.waiting) + " alone finds no paper; a word being typed is completed from its second letter.";
      }
      if (outcome.common.length) {
        return "Nothing to search for in " + quoted(text) + ": " + outcome.common.join(", ") +
          (outcome.common.length === 1 ? " is too common a word" : " are too common") + " to be indexed. Add a more specific word.";
      }
      return "Nothing to search for in " + quoted(text) + ": search finds words made of Latin letters and digits.";
    }
    if (outcome.units.length > 1) {
      var absent = outcome.missing.length ? " No paper has " + outcome.missing.join(", ") + " at all." : "";
      return "No paper has all of: " + outcome.units.join(", ") + "." + absent;
    }
    return "No papers match " + quoted(text) + ".";
  }

  function notesText(outcome, onPage) {
    var notes = outcome.notes.slice();
    if (outcome.completing && onPage) notes.push("Words beginning with " + quoted(outcome.completing) + " count too, as when typed.");
    if (outcome.waiting && outcome.units.length && onPage) {
      notes.push(quoted(outcome.waiting) + " is left out until it has a second letter, as when typed.");
    }
    if (outcome.ignored.length) notes.push("Left out (not searchable): " + outcome.ignored.join(" ") + ".");
    var unknownField = outcome.missing.filter(function (word) {
      return /^[a-z]+:/.test(word) && loader.index && loader.index.fields.indexOf(word.split(":")[0]) < 0;
    });
    if (unknownField.length && loader.index) {
      notes.push(quoted(unknownField[0].split(":")[0]) + " is not a field you can search in: use " + loader.index.fields.join(", ") + ".");
    }
    return notes.join(" ");
  }

  // search.html for the query; `completing`: its last word also matches the words it begins, as
  // in the list under the box.
  function searchHref(query, completing) {
    return root + "search.html?q=" + encodeURIComponent(query) + (completing ? "&typed=1" : "");
  }

  // Whether the box's text ends in a word being typed (no space after it), which the list under
  // the box completes, or leaves out while it is one letter ("chest x-r" is chest and x). Its
  // "See all" link and Enter open the results page as typed (typed=1), to show what it counted.
  function endsTyping(text) {
    return /\S$/.test(text);
  }

  // "Did you mean": links to the suggested queries, labelled, never among the results.
  function suggestionLine(outcome) {
    var line = element("p", "search-suggestion");
    line.appendChild(element("span", "search-suggestion-label", "Suggestion:"));
    line.appendChild(document.createTextNode(" did you mean "));
    outcome.suggestions.forEach(function (query, at) {
      if (at) line.appendChild(document.createTextNode(at === outcome.suggestions.length - 1 ? " or " : ", "));
      var link = element("a", "search-suggestion-link", query);
      link.href = searchHref(query);
      line.appendChild(link);
    });
    line.appendChild(document.createTextNode("?"));
    return line;
  }

  function partialHeading(tag, outcome) {
    return element(tag, "search-partial-heading",
      count(outcome.partialFound, "paper has", "papers have") + " some of the words (not all of them):");
  }

  // ---- the search box in the header ----

  // The entries the list under the box shows.
  function dropdownEntries(outcome) {
    return outcome.results.length ? outcome.results.slice(0, DROPDOWN_LIMIT) : outcome.partial.slice(0, PARTIAL_DROPDOWN_LIMIT);
  }

  // The list under the box follows WAI-ARIA's combobox pattern: the box is a combobox whose
  // popup is a listbox of the results (and "See all"); the arrow keys move the active option
  // (aria-activedescendant), the focus stays in the box, and the options are no Tab stops. What
  // is read out is a short count in its own live region, once the keys stop, not every result.
  var LISTBOX_ID = "site-search-listbox";
  var ANNOUNCE_AFTER = 700; // ms without a new count before it is read out
  var liveStatus = null, announcing = null, activeOption = -1;

  function listbox(list, label) {
    list.id = LISTBOX_ID;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", label);
    Array.prototype.forEach.call(list.children, function (item, at) {
      item.setAttribute("role", "none");
      var link = item.querySelector("a");
      link.id = LISTBOX_ID + "-" + at;
      link.setAttribute("role", "option");
      link.setAttribute("aria-selected", "false");
      link.tabIndex = -1;
    });
    return list;
  }

  // A short status for screen readers: how many papers, not what they are.
  function countText(outcome, text) {
    if (loader.error) return loader.error;
    if (outcome.error) return "Cannot search for " + quoted(text);
    if (outcome.results.length) return count(outcome.found, "result", "results");
    if (outcome.partialFound) return "No paper has every word; " + count(outcome.partialFound, "paper has", "papers have") + " some";
    return "No papers match";
  }

  function announce(text) {
    clearTimeout(announcing);
    announcing = setTimeout(function () {
      if (liveStatus.textContent !== text) liveStatus.textContent = text;
    }, ANNOUNCE_AFTER);
  }

  function renderDropdown(text, outcome) {
    if (loader.error) outcome = noOutcome();
    var children = [statusLine(outcome, text)];
    var notes = notesText(outcome, false);
    if (notes) children.push(element("p", "search-note", notes));
    if (outcome.suggestions.length) children.push(suggestionLine(outcome));
    var list = null;
    if (outcome.results.length) {
      list = resultList(outcome.results.slice(0, DROPDOWN_LIMIT), outcome, false);
    } else if (outcome.partial.length) {
      children.push(partialHeading("p", outcome));
      list = resultList(outcome.partial.slice(0, PARTIAL_DROPDOWN_LIMIT), outcome, true);
    }
    var found = outcome.results.length ? outcome.found : outcome.partialFound;
    if (list && found > (outcome.results.length ? DROPDOWN_LIMIT : PARTIAL_DROPDOWN_LIMIT)) {
      var more = element("a", "search-more", outcome.results.length ?
        "See all " + grouped(found) + " results" : "See all " + grouped(found) + " papers with some of the words");
      more.href = searchHref(text.trim(), endsTyping(text));
      var item = element("li");
      item.appendChild(more);
      list.appendChild(item);
    }
    if (list) children.push(listbox(list, outcome.results.length ? "Papers found" : "Papers with some of the words"));
    dropdown.replaceChildren.apply(dropdown, children);
    activeOption = -1;
    input.removeAttribute("aria-activedescendant");
    input.setAttribute("aria-controls", list ? LISTBOX_ID : dropdown.id);
    announce(countText(outcome, text));
  }

  function showDropdown() {
    dropdown.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  var pendingSearch = null;
  var shownSearch = 0; // bumped by each search and each close: a search shows only if still latest

  function closeDropdown() {
    shownSearch++;
    dropdown.hidden = true;
    dropdown.replaceChildren();
    activeOption = -1;
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", dropdown.id);
    input.removeAttribute("aria-activedescendant");
    clearTimeout(announcing);
    liveStatus.textContent = "";
  }

  function cancelUpdate() {
    clearTimeout(pendingSearch);
    pendingSearch = null;
  }

  var SEARCHING_AFTER = 250; // ms: a search slower than this (its files loading) says so

  function showSearching() {
    dropdown.replaceChildren(element("p", "search-status search-searching", "Searching\u2026"));
    activeOption = -1;
    input.removeAttribute("aria-activedescendant");
    input.setAttribute("aria-controls", dropdown.id);
    showDropdown();
  }

  function updateDropdown() {
    cancelUpdate();
    var text = input.value;
    if (!text.trim()) return closeDropdown();
    var mine = ++shownSearch;
    forgetFailure();
    rerunShown = function () { if (document.activeElement === input) updateDropdown(); };
    function stale() { return input.value !== text || mine !== shownSearch; } // closed, or a newer search is on its way
    // On a slow network the index's files take seconds: a row says the search is under way.
    var slow = setTimeout(function () { if (!stale()) showSearching(); }, SEARCHING_AFTER);
    withIndex(function () {
      if (stale()) return;
      searched(text, true, function (outcome) {
        if (stale()) return;
        withDocs(dropdownEntries(outcome), function () {
          clearTimeout(slow);
          if (stale()) return;
          renderDropdown(text, outcome);
          showDropdown();
        });
      }, DROPDOWN_LIMIT);
    });
  }

  // Searching takes a few milliseconds: search at once, but once per burst of queued keys
  // (the search reads the box when it runs, so keys typed during a slow search coalesce).
  function scheduleUpdate() {
    if (!pendingSearch) pendingSearch = setTimeout(updateDropdown, 0);
  }

  function options() {
    return Array.prototype.slice.call(dropdown.querySelectorAll("[role=option]"));
  }

  // The option the arrow keys chose (-1: none, the box itself): marked, and named by the box.
  function setActive(position) {
    var all = options();
    activeOption = position;
    all.forEach(function (option, at) {
      option.setAttribute("aria-selected", at === position ? "true" : "false");
      option.classList.toggle("is-active", at === position);
    });
    if (position >= 0) {
      input.setAttribute("aria-activedescendant", all[position].id);
      if (all[position].scrollIntoView) all[position].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function moveActive(step) {
    var all = options();
    if (!all.length) return;
    setActive(Math.max(-1, Math.min(activeOption + step, all.length - 1)));
  }

  function onKey(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (dropdown.hidden) {
        if (event.key === "ArrowDown" && event.target === input && input.value.trim()) {
          event.preventDefault(); // the combobox's down arrow opens its list
          updateDropdown();
        }
        return;
      }
      event.preventDefault();
      moveActive(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && event.target === input && activeOption >= 0 && !dropdown.hidden) {
      var chosen = options()[activeOption];
      if (!chosen) return;
      event.preventDefault(); // the result chosen with the arrow keys opens, not the results page
      chosen.click();
    } else if (event.key === "Escape") {
      // The first Escape closes the list and keeps the words; the next clears them. (The
      // browser's own Escape in a search box clears at once: it is prevented.)
      event.preventDefault();
      var open = !dropdown.hidden || pendingSearch !== null;
      input.focus(); // first: focusing reopens the list, which Escape then closes for good
      cancelUpdate();
      closeDropdown();
      if (!open) input.value = "";
    }
    // Enter: on a result chosen with the arrow keys, that paper opens; otherwise the form opens
    // search.html with every result, however fast it was pressed (onSubmit).
  }

  // The form's own submission (Enter, however fast), with typed=1 while the last word is being
  // typed: "medg" opens the papers the list showed, not "No papers match" for a word medg.
  var typedField = element("input");
  typedField.type = "hidden";
  typedField.name = "typed";
  typedField.value = "1";

  function onSubmit() {
    if (endsTyping(input.value)) input.form.appendChild(typedField);
    else typedField.remove();
    keepQuery();
  }

  // The words typed are kept for this page's address when a result (or the results page) is
  // opened from the box, and put back when Back (or Forward) returns to it: the box has
  // autocomplete=off, so the browser does not restore it. (Not in the history's state: a
  // replaceState as the link is followed reads as a navigation of its own to some tools.)
  var KEPT_KEY = "sitegen-search-typed:";

  function keepQuery() {
    try { window.sessionStorage.setItem(KEPT_KEY + location.href, input.value); } catch (error) { /* not kept */ }
  }

  function keptQuery() {
    var entries = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    if (!entries.length || entries[0].type !== "back_forward") return "";
    try { return window.sessionStorage.getItem(KEPT_KEY + location.href) || ""; } catch (error) { return ""; }
  }

  function isTypingField(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  function onSlash(event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTypingField(event.target)) return;
    event.preventDefault();
    input.focus();
    input.select();
  }

  if (input && dropdown) {
    // The template's markup may predate the combobox: its roles and states are set here.
    dropdown.removeAttribute("aria-live");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", dropdown.id);
    liveStatus = element("div", "visually-hidden");
    liveStatus.id = "site-search-live";
    liveStatus.setAttribute("role", "status");
    input.form.appendChild(liveStatus);
    // "(press /)" is for a keyboard: a phone or tablet (touch alone, no mouse) has no / to press.
    if (window.matchMedia && !window.matchMedia("(any-pointer: fine)").matches) {
      input.placeholder = input.placeholder.replace(/\s*\(press \/\)$/, "");
    }
    // The list scrolls: Chromium would make it a Tab stop of its own. The arrow keys scroll
    // the option they choose into view.
    dropdown.tabIndex = -1;
    // Focus alone (Tab, a click) opens the list again only for words the reader typed on this
    // page: a box filled in for them (search.html's query) stays closed until they type, or
    // press the down arrow, so that Tab moves on past it.
    var typedHere = false;
    input.addEventListener("focus", function () {
      withIndex(function () {});
      if (typedHere && dropdown.hidden && input.value.trim()) scheduleUpdate();
    });
    input.addEventListener("input", function () {
      typedHere = true;
      scheduleUpdate();
    });
    input.form.addEventListener("keydown", onKey);
    input.form.addEventListener("submit", onSubmit);
    dropdown.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("a[href]")) keepQuery();
    });
    if (!pageResults && !input.value) input.value = keptQuery(); // back from what was opened
    window.addEventListener("pageshow", function (event) { // from the back/forward cache
      if (!event.persisted || pageResults || input.value) return;
      try { input.value = window.sessionStorage.getItem(KEPT_KEY + location.href) || ""; } catch (error) { /* empty */ }
    });
    document.addEventListener("keydown", onSlash);
    document.addEventListener("click", function (event) {
      if (!input.form.contains(event.target)) closeDropdown();
    });
    input.form.addEventListener("focusout", function (event) { // Tab away (not a click on the list)
      if (event.relatedTarget && !input.form.contains(event.relatedTarget)) closeDropdown();
    });
  }

  // ---- search.html: every result for ?q=, filtered by topic and year, sorted ----
  // All of its state is in the address (q, topic, year, sort, page), so a results page can be
  // bookmarked, shared and reloaded; filter links are real links, followed in place.

  var UNDATED = "undated";

  // The topics' titles by id (search.html's data-topics): the address names a topic by its id,
  // as All papers' does (#topic=id); a title, as earlier links wrote it, is taken too. The
  // index's documents name their topics by title, so the state holds the title.
  var topicTitles = (function () {
    try { return JSON.parse((pageResults && pageResults.getAttribute("data-topics")) || "{}"); } catch (e) { return {}; }
  })();

  // A paper with no topic is under "Unclassified" (the id `unclassified`), as on All papers.
  var UNCLASSIFIED = topicTitles.unclassified || "Unclassified";

  function topicsOf(doc) {
    return doc.topics.length ? doc.topics : [UNCLASSIFIED];
  }

  function topicOfAddress(value) {
    if (Object.prototype.hasOwnProperty.call(topicTitles, value)) return topicTitles[value];
    var folded = value.trim().toLowerCase(), found = null;
    Object.keys(topicTitles).forEach(function (id) {
      if (id === folded || topicTitles[id].toLowerCase() === folded) found = topicTitles[id];
    });
    return found || value;
  }

  function topicInAddress(title) {
    var ids = Object.keys(topicTitles).filter(function (id) { return topicTitles[id] === title; });
    return ids.length === 1 ? ids[0] : title;
  }

  function pageState() {
    var params = new URLSearchParams(window.location.search);
    var asked = params.get("topic") || "", topic = topicOfAddress(asked);
    return {
      q: params.get("q") || "", typed: params.get("typed") === "1", topic: isTopic(topic) ? topic : "", year: params.get("year") || "",
      sort: params.get("sort") === "date" ? "date" : "relevance", page: Math.max(1, parseInt(params.get("page"), 10) || 1),
      missingTopic: isTopic(topic) ? "" : asked // a bookmark's topic since renamed or deleted: not a filter of nothing
    };
  }

  // Whether `title` is a topic of this site (any title, where the page does not list them).
  function isTopic(title) {
    var ids = Object.keys(topicTitles);
    return !title || !ids.length || title === UNCLASSIFIED || ids.some(function (id) { return topicTitles[id] === title; });
  }

  function stateHref(state) {
    var params = [["q", state.q]];
    if (state.typed) params.push(["typed", "1"]);
    if (state.topic) params.push(["topic", topicInAddress(state.topic)]);
    if (state.year) params.push(["year", state.year]);
    if (state.sort !== "relevance") params.push(["sort", state.sort]);
    if (state.page > 1) params.push(["page", String(state.page)]);
    return "search.html?" + params.map(function (pair) { return pair[0] + "=" + encodeURIComponent(pair[1]); }).join("&");
  }

  function changed(state, key, value) {
    var next = { q: state.q, typed: state.typed, topic: state.topic, year: state.year, sort: state.sort, page: 1 };
    next[key] = value;
    return next;
  }

  function yearOf(doc) {
    return doc.year || UNDATED;
  }

  function passes(doc, state, except) {
    return (except === "topic" || !state.topic || topicsOf(doc).indexOf(state.topic) >= 0) &&
      (except === "year" || !state.year || yearOf(doc) === state.year);
  }

  // Each value's count among the results that pass the other filter.
  function facetCounts(results, state, key) {
    var counts = new Map();
    results.forEach(function (result) {
      var doc = loader.index.facet(result.doc);
      if (!passes(doc, state, key)) return;
      (key === "topic" ? topicsOf(doc) : [yearOf(doc)]).forEach(function (value) {
        counts.set(value, (counts.get(value) || 0) + 1);
      });
    });
    return counts;
  }

  function facetLink(state, key, value, label, current) {
    var link = element("a", "search-facet-link", label);
    link.href = stateHref(changed(state, key, value));
    link.setAttribute("data-facet", key + "=" + value);
    if (current) link.setAttribute("aria-current", "true");
    var item = element("li");
    item.appendChild(link);
    return item;
  }

  function facetGroup(heading, links) {
    var group = element("div", "search-facet");
    group.appendChild(element("h2", "search-facet-heading", heading));
    var list = element("ul", "search-facet-list");
    links.forEach(function (link) { list.appendChild(link); });
    group.appendChild(list);
    return group;
  }

  // Below the width at which the filters sit beside the results (search.css), they start folded
  // under their summary, so that the results come first on a phone (they began ~2 screens
  // down), even when the address chooses a filter (the summary says how many); once the reader
  // opens or closes them, that holds for the page's later renders.
  var NARROW = "(max-width: 46rem)", facetsOpen = null;

  function facets(results, state) {
    var topics = facetCounts(results, state, "topic"), years = facetCounts(results, state, "year");
    var allTopics = results.filter(function (r) { return passes(loader.index.facet(r.doc), state, "topic"); }).length;
    var allYears = results.filter(function (r) { return passes(loader.index.facet(r.doc), state, "year"); }).length;
    var topicNames = Array.from(topics.keys()).sort(function (a, b) { return topics.get(b) - topics.get(a) || (a < b ? -1 : 1); });
    if (state.topic && !topics.has(state.topic)) topicNames.push(state.topic);
    var yearNames = Array.from(years.keys()).filter(function (y) { return y !== UNDATED; }).sort().reverse();
    if (years.has(UNDATED)) yearNames.push(UNDATED);
    if (state.year && !years.has(state.year)) yearNames.push(state.year);
    var box = element("details", "search-facets"), chosen = (state.topic ? 1 : 0) + (state.year ? 1 : 0);
    var narrow = window.matchMedia && window.matchMedia(NARROW).matches;
    box.open = facetsOpen !== null ? facetsOpen : !narrow;
    box.appendChild(element("summary", "search-facets-summary", "Sort and filter" + (chosen ? " (" + chosen + " chosen)" : "")));
    box.addEventListener("toggle", function () { facetsOpen = box.open; });
    box.appendChild(facetGroup("Sort", [
      facetLink(state, "sort", "relevance", "Best match", state.sort === "relevance"),
      facetLink(state, "sort", "date", "Newest first", state.sort === "date")
    ]));
    box.appendChild(facetGroup("Topic", [facetLink(state, "topic", "", "Any topic (" + grouped(allTopics) + ")", !state.topic)].concat(
      topicNames.map(function (name) { return facetLink(state, "topic", name, name + " (" + grouped(topics.get(name) || 0) + ")", state.topic === name); }))));
    box.appendChild(facetGroup("Year", [facetLink(state, "year", "", "Any year (" + grouped(allYears) + ")", !state.year)].concat(
      yearNames.map(function (year) {
        var label = year === UNDATED ? "Undated" : year;
        return facetLink(state, "year", year, label + " (" + grouped(years.get(year) || 0) + ")", state.year === year);
      }))));
    return box;
  }

  function sortedResults(results, state) {
    var kept = results.filter(function (result) { return passes(loader.index.facet(result.doc), state); });
    if (state.sort === "date") {
      kept = kept.map(function (result, rank) { return { result: result, rank: rank, date: loader.index.dateOrder(result.doc) }; })
        .sort(function (a, b) {
          if (!a.date !== !b.date) return a.date ? -1 : 1; // undated last
          return b.date - a.date || a.rank - b.rank;
        }).map(function (entry) { return entry.result; });
    }
    return kept;
  }

  function pageLinks(state, total) {
    var pages = Math.ceil(total / PAGE_SIZE);
    var nav = element("nav", "search-pages");
    nav.setAttribute("aria-label", "Result pages");
    if (state.page > 1) nav.appendChild(facetLinkPlain(state, state.page - 1, "Previous page"));
    nav.appendChild(element("span", "search-page-number", "Page " + state.page + " of " + pages));
    if (state.page < pages) nav.appendChild(facetLinkPlain(state, state.page + 1, "Next page"));
    return nav;
  }

  function facetLinkPlain(state, page, label) {
    var next = changed(state, "page", page);
    var link = element("a", "search-page-link", label);
    link.href = stateHref(next);
    link.setAttribute("data-facet", "page=" + page);
    return link;
  }

  function filtersText(state) {
    var parts = [];
    if (state.missingTopic) parts.push("no topic " + quoted(state.missingTopic) + " here, so every topic");
    if (state.topic) parts.push("in " + state.topic);
    if (state.year) parts.push(state.year === UNDATED ? "undated" : "from " + state.year);
    return parts.length ? " (" + parts.join(", ") + ")" : "";
  }

  var pageRenders = 0; // bumped by each render of search.html: only the latest shows

  // search.html for the address's state: the query searched, the facets and the papers of the
  // page shown loaded, then shown.
  function renderPage(focusKey) {
    var state = pageState(), text = state.q, mine = ++pageRenders;
    rerunShown = function () { renderPage(null); };
    if (input) input.value = text;
    if (!text.trim()) {
      showSummary([element("p", "search-status", "Type words to search for in the box above.")], []);
      return;
    }
    searched(text, state.typed, function (outcome) {
      if (mine !== pageRenders) return;
      var found = outcome.results.length && !loader.error, files = found ? loader.index.facetFiles() : [];
      if (found && state.sort === "date") files = files.concat(loader.index.dateFiles());
      // Unfiltered, by relevance, the page's first papers are known before the facets: all load at once.
      var early = found && !state.topic && !state.year && state.sort === "relevance" ? pageSlice(outcome.results, state) : [];
      early = early.slice(0, FIRST_SHOWN).map(function (entry) { return entry.doc; });
      withParts(files.concat(loader.error ? [] : loader.index.docFiles(early)), function () {
        if (mine !== pageRenders) return;
        if (loader.error) outcome = noOutcome();
        var shown = outcome.results.length ? pageSlice(sortedResults(outcome.results, state), state) : outcome.partial.slice(0, PAGE_SIZE);
        function whole() {
          if (mine === pageRenders) showPage(state, loader.error ? noOutcome() : outcome, focusKey);
        }
        withDocs(shown.slice(0, FIRST_SHOWN), function () {
          if (mine !== pageRenders) return;
          if (shown.length <= FIRST_SHOWN || loader.error) return whole();
          showPage(state, outcome, null, FIRST_SHOWN); // the top of the page, while the rest loads
          withDocs(shown, whole);
        });
      });
    });
  }

  function pageSlice(shown, state) {
    var page = Math.min(state.page, Math.max(1, Math.ceil(shown.length / PAGE_SIZE)));
    return shown.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  }

  // The page for the outcome; with `drawn`, only its first `drawn` results, the page being
  // unfinished (its status line carries no data-query; the summary is already the whole page's).
  function showPage(state, outcome, focusKey, drawn) {
    var text = state.q, range = "", shownCount = drawn || PAGE_SIZE;
    var status = statusLine(outcome, text);
    if (drawn) status.removeAttribute("data-query");
    var lines = [status], children = [], notes = notesText(outcome, true);
    if (notes) children.push(element("p", "search-note", notes));
    if (outcome.suggestions.length) children.push(suggestionLine(outcome));
    if (outcome.results.length) {
      var shown = sortedResults(outcome.results, state), pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
      state.page = Math.min(state.page, pages);
      var first = (state.page - 1) * PAGE_SIZE, body = element("div", "search-page-body");
      var listing = element("div", "search-page-list");
      range = shown.length ? "Showing " + grouped(first + 1) + "\u2013" + grouped(Math.min(first + PAGE_SIZE, shown.length)) + " of " +
        count(shown.length, "paper", "papers") + filtersText(state) + ", " + (state.sort === "date" ? "newest first" : "best match first") + "." :
        "No paper matches with these filters" + filtersText(state) + ".";
      lines.push(element("p", "search-range", range));
      if (shown.length) listing.appendChild(resultList(shown.slice(first, first + Math.min(shownCount, PAGE_SIZE)), outcome, false));
      if (shown.length > PAGE_SIZE && !drawn) listing.appendChild(pageLinks(state, shown.length));
      body.appendChild(facets(outcome.results, state));
      body.appendChild(listing);
      children.push(body);
    } else if (outcome.partial.length) {
      children.push(partialHeading("h2", outcome));
      children.push(resultList(outcome.partial.slice(0, Math.min(shownCount, PAGE_SIZE)), outcome, true));
    } else if (outcome.units.length && !outcome.error && !loader.error) {
      children.push(noResultsHelp());
    }
    status = showSummary(lines, children);
    if (drawn) return;
    document.title = text + " \u2014 " + baseTitle;
    if (focusKey) {
      var again = pageResults.querySelector("[data-facet=\"" + focusKey.replace(/["\\]/g, "\\$&") + "\"]");
      if (!again) status.tabIndex = -1;
      (again || status).focus();
    }
  }

  // A search that finds nothing is no dead end: what to try, and the lists to browse instead.
  function noResultsHelp() {
    var help = element("p", "search-help", "Check the spelling, or try fewer or other words, or the beginning of a word with * (segment*). Or browse ");
    var papers = element("a", null, "all papers");
    papers.href = root + "papers/index.html";
    var topics = element("a", null, "the topics");
    topics.href = root + "topics/index.html";
    help.appendChild(papers);
    help.appendChild(document.createTextNode(" by topic, year and venue, or "));
    help.appendChild(topics);
    help.appendChild(document.createTextNode("."));
    return help;
  }

  // What the page found (the status line, and which results it shows) is the page's one live
  // region, the summary, at its top: a screen reader announces it when it changes (a filter
  // changes the range), not the results, and it is in the page once (it was copied into a
  // hidden live region, so every status showed twice in the page's text). The summary stays,
  // as a live region must; lines whose words are unchanged are kept (announced once), their
  // attributes updated. `children`: what follows it. Returns the status line shown.
  var summary = element("div", "search-summary");
  summary.setAttribute("role", "status");

  function showSummary(lines, children) {
    var kept = summary.children;
    var same = kept.length === lines.length && lines.every(function (line, at) {
      return line.className === kept[at].className && line.textContent === kept[at].textContent;
    });
    if (same) {
      lines.forEach(function (line, at) {
        if (line.hasAttribute("data-query")) kept[at].setAttribute("data-query", line.getAttribute("data-query"));
        else kept[at].removeAttribute("data-query");
      });
    } else {
      summary.replaceChildren.apply(summary, lines);
    }
    while (summary.nextSibling) pageResults.removeChild(summary.nextSibling);
    children.forEach(function (child) { pageResults.appendChild(child); });
    return summary.firstChild;
  }

  // A filter, sort or page link: shown in place (no reload), the address updated. Where the
  // browser refuses to change the address (some do for file://), the link is simply followed.
  function onFacetClick(event) {
    var link = event.target.closest && event.target.closest("a[data-facet]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    try {
      history.pushState(null, "", link.getAttribute("href"));
    } catch (error) {
      return;
    }
    event.preventDefault();
    forgetFailure();
    withIndex(function () { renderPage(link.getAttribute("data-facet")); });
  }

  var baseTitle = document.title;
  if (pageResults) {
    pageResults.removeAttribute("aria-live"); // the summary is the live region (the results are not read out)
    pageResults.replaceChildren(summary);
    var initial = pageState();
    if (input) input.value = initial.q;
    if (initial.q.trim()) {
      showSummary([element("p", "search-status", "Searching\u2026")], []);
      withIndex(function () { renderPage(null); });
    } else {
      renderPage(null);
    }
    pageResults.addEventListener("click", onFacetClick);
    window.addEventListener("popstate", function () {
      forgetFailure();
      withIndex(function () { renderPage(null); });
    });
  }

  // ---- a paper page opened from a result: its matched words highlighted ----
  // The result link's fragment names the terms (#highlight=stem+stem); the words of the title,
  // topics and abstract (elements marked data-search-highlight) whose stem is one of them are
  // marked. A fragment changes neither the page's address for caching nor a reload.

  var highlightAreas = document.querySelectorAll("[data-search-highlight]");

  function highlightTerms() {
    var match = /(?:^#|&)highlight=([^&]*)/.exec(window.location.hash);
    if (!match) return [];
    return match[1].split("+").map(function (term) {
      try { return decodeURIComponent(term); } catch (error) { return ""; }
    }).filter(Boolean).slice(0, 200);
  }

  function clearHighlights() {
    Array.prototype.forEach.call(document.querySelectorAll("mark.search-hit"), function (mark) {
      mark.replaceWith(document.createTextNode(mark.textContent));
    });
    Array.prototype.forEach.call(highlightAreas, function (area) { area.normalize(); });
    var note = document.getElementById("search-highlight-note");
    if (note) note.remove();
  }

  function markArea(area, terms) {
    var walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentNode.closest("math, script, style, mark") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var textNodes = [], found = 0;
    while (walker.nextNode()) textNodes.push(walker.currentNode);
    textNodes.forEach(function (node) {
      var nodes = markedNodes(node.data, terms, "search-hit");
      var marks = nodes.filter(function (child) { return child.nodeType === 1; }).length;
      if (!marks) return;
      found += marks;
      var fragment = document.createDocumentFragment();
      nodes.forEach(function (child) { fragment.appendChild(child); });
      node.parentNode.replaceChild(fragment, node);
    });
    return found;
  }

  function highlightNote(count) {
    var note = element("p", "search-highlight-note");
    note.id = "search-highlight-note";
    note.appendChild(document.createTextNode(count === 1 ? "1 word from your search is highlighted. " :
      count + " words from your search are highlighted. "));
    var button = element("button", "search-highlight-clear", "Remove highlights");
    button.type = "button";
    button.addEventListener("click", function () {
      var focused = document.activeElement === button, before = highlightAreas[0];
      clearHighlights();
      try {
        history.replaceState(null, "", window.location.href.split("#")[0]);
      } catch (error) {
        window.location.hash = "";
      }
      // The button is gone with its note: the focus goes to what the note followed, so that the
      // keyboard goes on from there, not from the top of the page.
      if (focused && before) {
        if (!before.hasAttribute("tabindex")) before.tabIndex = -1;
        before.focus();
      }
    });
    note.appendChild(button);
    return note;
  }

  function showHighlights() {
    clearHighlights();
    var terms = highlightTerms();
    if (!terms.length) return;
    withLunr(function () {
      if (!window.lunr) return;
      var wanted = new Set(terms), found = 0;
      Array.prototype.forEach.call(highlightAreas, function (area) { found += markArea(area, wanted); });
      if (found) highlightAreas[0].parentNode.insertBefore(highlightNote(found), highlightAreas[0].nextSibling);
    });
  }

  if (highlightAreas.length) {
    showHighlights();
    window.addEventListener("hashchange", showHighlights);
  }
})();
