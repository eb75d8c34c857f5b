/* sitegen search: results as you type, offline (works from file:// and over HTTP).
 *
 * lunr.js and the index are loaded only when search is first used, by injecting <script> tags
 * (fetch does not work from file://). The index file holds lunr.Builder's state in compact
 * form (see sitegen/search.py); buildIndex hands it to lunr.js's own Builder, so scores are
 * exactly lunr.js's. Paper text is untrusted: the DOM is built with textContent only.
 */
(function () {
  "use strict";

  var DATA_GLOBAL = "SITEGEN_SEARCH";
  var DROPDOWN_LIMIT = 8;
  var PAGE_LIMIT = 200;
  var EXACT_BOOST = 10; // a whole word outranks words it is only the beginning of
  var LUNR_SYNTAX = /[:*^~\\]|(^|\s)[+-]/;

  // ---- the index ----
  // The index lunr.Builder#build would make had every document been added: the same inverted
  // index, BM25 field vectors by lunr.Builder#createFieldVectors's formula (the same operations
  // in the same order, so the same numbers), token set and search pipeline. Building it here
  // from the compact postings is several times faster and lighter than replaying
  // lunr.Builder's bookkeeping; tests/test_search_index.py checks it is the same index.

  var NO_METADATA = Object.freeze({}); // lunr only reads a posting's metadata

  // Calls visit(doc, frequency) for each "gap[:tf]" entry (base 36) of one field's postings.
  function eachPosting(encoded, visit) {
    if (!encoded) return;
    var entries = encoded.split(","), doc = -1;
    for (var i = 0; i < entries.length; i++) {
      var entry = entries[i], colon = entry.indexOf(":");
      var frequency = colon < 0 ? 1 : parseInt(entry.slice(colon + 1), 36);
      doc += parseInt(colon < 0 ? entry : entry.slice(0, colon), 36);
      visit(doc, frequency);
    }
  }

  // posting[field] ({docRef: metadata}) is made on first use: a query reads a handful of terms,
  // and making millions of these objects up front is most of the cost of loading.
  function lazyPostingField(posting, field, encoded) {
    Object.defineProperty(posting, field, {
      enumerable: true,
      configurable: true,
      get: function () {
        var docs = Object.create(null);
        eachPosting(encoded, function (doc) { docs[doc] = NO_METADATA; });
        Object.defineProperty(posting, field, { value: docs, enumerable: true, writable: true, configurable: true });
        return docs;
      }
    });
  }

  function buildIndex(lunr, data) {
    var k1 = 1.2, b = 0.75;
    var fields = data.fields.map(function (field) { return field[0]; });
    var boosts = data.fields.map(function (field) { return field[1]; });
    var docCount = data.docs.length;
    var averageLength = data.lengths.map(function (lengths) {
      return lengths.reduce(function (sum, length) { return sum + length; }, 0) / docCount;
    });
    var vectors = fields.map(function () { // [field][doc] -> [termIndex, score, ...]
      var perDoc = [];
      for (var doc = 0; doc < docCount; doc++) perDoc.push([]);
      return perDoc;
    });
    var invertedIndex = Object.create(null);
    data.terms.forEach(function (term, termIndex) {
      var encodedFields = data.postings[termIndex].split(";");
      var posting = Object.create(null);
      posting._index = termIndex;
      fields.forEach(function (field, f) { lazyPostingField(posting, field, encodedFields[f]); });
      invertedIndex[term] = posting;
      var withTerm = 0; // lunr.idf counts (field, document) pairs
      encodedFields.forEach(function (encoded) { withTerm += encoded ? encoded.split(",").length : 0; });
      var idf = Math.log(1 + Math.abs((docCount - withTerm + 0.5) / (withTerm + 0.5)));
      encodedFields.forEach(function (encoded, f) {
        eachPosting(encoded, function (doc, tf) {
          var score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (data.lengths[f][doc] / averageLength[f])) + tf);
          score *= boosts[f];
          score *= 1; // the document boost
          vectors[f][doc].push(termIndex, Math.round(score * 1000) / 1000);
        });
      });
    });
    var fieldVectors = Object.create(null); // in lunr.Builder's order: documents, then fields
    for (var doc = 0; doc < docCount; doc++) {
      for (var f = 0; f < fields.length; f++) fieldVectors[fields[f] + "/" + doc] = new lunr.Vector(vectors[f][doc]);
    }
    var pipeline = new lunr.Pipeline();
    pipeline.add(lunr.stemmer);
    return new lunr.Index({
      invertedIndex: invertedIndex,
      fieldVectors: fieldVectors,
      tokenSet: lunr.TokenSet.fromArray(Object.keys(invertedIndex).sort()),
      fields: fields,
      pipeline: pipeline
    });
  }

  // ---- queries ----

  function hasTerms(lunr, index, pattern) {
    return index.tokenSet.intersect(lunr.TokenSet.fromString(pattern)).toArray().length > 0;
  }

  // The prefix a word being typed should match. The index holds stems ("segment"), so a
  // partly typed "segmentati" matches nothing as a prefix: back off a few letters, as far
  // as a suffix the stemmer removes.
  function typedPrefix(lunr, index, word) {
    for (var prefix = word; prefix.length >= 2 && word.length - prefix.length <= 4; prefix = prefix.slice(0, -1)) {
      if (hasTerms(lunr, index, prefix + "*")) return prefix;
    }
    return null;
  }

  function isStopWord(lunr, word) {
    return !lunr.stopWordFilter(new lunr.Token(word));
  }

  // Plain words: each word whole (stemmed, boosted) or as the beginning of a word. With
  // requireAll, a paper must hold every word (or a word it begins); stop words never count.
  function plainQuery(lunr, index, words, requireAll) {
    return index.query(function (query) {
      words.forEach(function (word, position) {
        var stopWord = isStopWord(lunr, word);
        if (!word || (stopWord && position < words.length - 1)) return;
        query.term(word, { boost: EXACT_BOOST });
        var prefix = word.length >= 2 ? typedPrefix(lunr, index, word) : null;
        var required = requireAll && !stopWord && word.length >= 2;
        if (!prefix && !required) return;
        query.term(prefix || word, {
          wildcard: lunr.Query.wildcard.TRAILING,
          usePipeline: false,
          presence: required ? lunr.Query.presence.REQUIRED : lunr.Query.presence.OPTIONAL
        });
      });
    });
  }

  // Papers with every word first; if none has them all, papers with any of them.
  function plainSearch(lunr, index, text) {
    var words = lunr.tokenizer(text).map(function (token) { return lunr.trimmer(token).toString(); });
    var results = plainQuery(lunr, index, words, true);
    return results.length ? results : plainQuery(lunr, index, words, false);
  }

  // {results: [...], error: "..."}: lunr's query syntax when the text uses it, else plain words.
  function search(lunr, index, text) {
    text = text.trim();
    if (!text) return { results: [] };
    try {
      if (LUNR_SYNTAX.test(text)) return { results: index.search(text) };
      return { results: plainSearch(lunr, index, text) };
    } catch (error) {
      if (error instanceof lunr.QueryParseError) return { results: [], error: error.message };
      throw error;
    }
  }

  // The index terms that matched, for highlighting.
  function matchedTerms(results) {
    var terms = Object.create(null);
    results.forEach(function (result) {
      Object.keys(result.matchData.metadata).forEach(function (term) { terms[term] = true; });
    });
    return terms;
  }

  var exported = { buildIndex: buildIndex, search: search };
  if (typeof module === "object" && module.exports) module.exports = exported;
  if (typeof document === "undefined") return;

  // ---- the page ----

  var input = document.getElementById("site-search-input");
  var dropdown = document.getElementById("site-search-results");
  var pageResults = document.getElementById("search-page-results");
  var root = document.documentElement.getAttribute("data-root") || "";
  // The build names the index file (root included) on <html>; older pages may not.
  var indexFile = document.documentElement.getAttribute("data-search-index") || root + "assets/search-index.js";
  var loader = { index: null, data: null, error: null, started: false, waiting: [] };

  function loadScript(src, done) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () { done(null); };
    script.onerror = function () { done(src); };
    document.head.appendChild(script);
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
      if (failed || !window.lunr || !window[DATA_GLOBAL]) {
        loader.error = "Search could not load " + (failed || indexFile) + ". Try reloading the page.";
      } else {
        loader.data = window[DATA_GLOBAL];
        loader.index = buildIndex(window.lunr, loader.data);
      }
      loader.waiting.splice(0).forEach(function (waiting) { waiting(); });
    }
    loadScript(root + "assets/lunr.js", loaded);
    loadScript(indexFile, loaded);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // Text with every word whose stem matched wrapped in <mark>.
  function highlighted(tag, className, text, terms) {
    var node = element(tag, className);
    text.split(/([\s\-]+)/).forEach(function (piece) {
      var core = piece.replace(/^\W+/, "").replace(/\W+$/, "");
      var stem = core && window.lunr.stemmer(new window.lunr.Token(core.toLowerCase())).toString();
      if (!core || !terms[stem]) {
        node.appendChild(document.createTextNode(piece));
        return;
      }
      var start = piece.indexOf(core);
      node.appendChild(document.createTextNode(piece.slice(0, start)));
      node.appendChild(element("mark", null, core));
      node.appendChild(document.createTextNode(piece.slice(start + core.length)));
    });
    return node;
  }

  function resultItem(result, terms) {
    var doc = loader.data.docs[Number(result.ref)];
    var topics = doc[3].map(function (number) { return loader.data.topics[number]; });
    var link = element("a", "search-result");
    link.href = root + doc[0];
    link.appendChild(highlighted("span", "search-result-title", doc[1], terms));
    var meta = [doc[2]].concat(topics).filter(Boolean).join(" · ");
    if (meta) link.appendChild(element("span", "search-result-meta", meta));
    if (doc[4]) link.appendChild(highlighted("span", "search-result-snippet", doc[4], terms));
    var item = element("li");
    item.appendChild(link);
    return item;
  }

  function status(outcome, text) {
    if (loader.error) return loader.error;
    if (outcome.error) {
      return "Cannot search for \u201c" + text + "\u201d: " + outcome.error +
        ". Check the query syntax, or search for plain words.";
    }
    var count = outcome.results.length;
    if (!count) return "No papers match \u201c" + text + "\u201d.";
    return count + (count === 1 ? " paper matches " : " papers match ") + "\u201c" + text + "\u201d.";
  }

  function renderResults(container, text, limit) {
    var outcome = loader.error ? { results: [] } : search(window.lunr, loader.index, text);
    var terms = matchedTerms(outcome.results);
    var list = element("ul", "search-results-list");
    outcome.results.slice(0, limit).forEach(function (result) { list.appendChild(resultItem(result, terms)); });
    var message = element("p", "search-status" + (outcome.error || loader.error ? " search-error" : ""), status(outcome, text));
    container.replaceChildren(message);
    if (list.childNodes.length) container.appendChild(list);
    if (outcome.results.length > limit) {
      var more = element("a", "search-more", "See all " + outcome.results.length + " results");
      more.href = root + "search.html?q=" + encodeURIComponent(text);
      container.appendChild(more);
    }
    return outcome.results.length;
  }

  // ---- the search box in the header ----

  var pendingSearch = null;

  function closeDropdown() {
    dropdown.hidden = true;
    dropdown.replaceChildren();
  }

  function updateDropdown() {
    clearTimeout(pendingSearch);
    pendingSearch = null;
    var text = input.value;
    if (!text.trim()) return closeDropdown();
    withIndex(function () {
      if (input.value !== text) return; // a newer search is on its way
      renderResults(dropdown, text, DROPDOWN_LIMIT);
      dropdown.hidden = false;
    });
  }

  function scheduleUpdate() {
    clearTimeout(pendingSearch);
    pendingSearch = setTimeout(updateDropdown, 60); // one search per burst of keys
  }

  function resultLinks() {
    return Array.prototype.slice.call(dropdown.querySelectorAll("a"));
  }

  function moveFocus(step) {
    var links = resultLinks();
    if (!links.length) return;
    var position = links.indexOf(document.activeElement) + step;
    if (position < 0) return input.focus();
    links[Math.min(position, links.length - 1)].focus();
  }

  function onKey(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (dropdown.hidden) return;
      event.preventDefault();
      moveFocus(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Escape") {
      closeDropdown();
      input.focus();
    } else if (event.key === "Enter" && event.target === input) {
      openTopResult(event);
    }
  }

  // Enter in the box opens the top result once results are shown; otherwise the form goes
  // to search.html, which lists every result.
  function openTopResult(event) {
    if (pendingSearch) updateDropdown();
    var top = dropdown.hidden ? null : dropdown.querySelector("a.search-result");
    if (!top) return;
    event.preventDefault();
    window.location.href = top.href;
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
    input.addEventListener("focus", function () {
      withIndex(function () {});
      if (dropdown.hidden && input.value.trim()) scheduleUpdate();
    });
    input.addEventListener("input", scheduleUpdate);
    input.form.addEventListener("keydown", onKey);
    document.addEventListener("keydown", onSlash);
    document.addEventListener("click", function (event) {
      if (!input.form.contains(event.target)) closeDropdown();
    });
    input.form.addEventListener("focusout", function (event) { // Tab away (not a click on the list)
      if (event.relatedTarget && !input.form.contains(event.relatedTarget)) closeDropdown();
    });
  }

  // ---- search.html: every result for ?q= ----

  if (pageResults) {
    var query = new URLSearchParams(window.location.search).get("q") || "";
    if (input) input.value = query;
    if (query.trim()) {
      pageResults.textContent = "Searching\u2026";
      withIndex(function () {
        renderResults(pageResults, query, PAGE_LIMIT);
        if (query) document.title = query + " \u2014 " + document.title;
      });
    } else {
      pageResults.replaceChildren(element("p", "search-status", "Type words to search for in the box above."));
    }
  }
})();
