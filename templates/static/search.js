/* sitegen search: results as you type, offline (works from file:// and over HTTP).
 *
 * lunr.js and the index are loaded only when search is first used, by injecting <script> tags
 * (fetch does not work from file://). The index file holds compact postings in shards (see
 * sitegen/search.py). Plain words are scored here from the postings of their terms alone, as
 * lunr.Index#query would score them; a query in lunr's syntax (title:x, +a -b, x~1, x^2) goes
 * to the lunr.Index lunr.js would build, made on the first such query. Paper text is
 * untrusted: the DOM is built with textContent only.
 */
(function () {
  "use strict";

  var DATA_GLOBAL = "SITEGEN_SEARCH";
  var INDEX_FORMAT = 2; // sitegen/search.py's INDEX_FORMAT
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
  //
  // The file holds shards of consecutive documents, each with its own term list (so the build
  // re-encodes only shards whose documents changed). lunr numbers terms in order of first
  // occurrence, which is each shard's order, shards in turn, skipping terms seen before.

  var NO_METADATA = Object.freeze({}); // lunr only reads a posting's metadata
  var COMMA = 44, COLON = 58, SEMICOLON = 59;

  // Decodes one term's postings in one shard into found.fields/docs/scores (term frequencies
  // for now) from position `at`; returns the new end. Fields are split by ";", entries by ",",
  // each "gap" or "gap:tf" in base 36, documents numbered from `offset`.
  function decodePostings(encoded, offset, found, at) {
    var field = 0, doc = offset - 1, number = 0, gap = 0, inFrequency = false;
    for (var i = 0; i <= encoded.length; i++) {
      var code = i < encoded.length ? encoded.charCodeAt(i) : SEMICOLON;
      if (code === COMMA || code === SEMICOLON) {
        if (i > 0 && encoded.charCodeAt(i - 1) !== SEMICOLON) {
          doc += inFrequency ? gap : number;
          found.fields[at] = field;
          found.docs[at] = doc;
          found.scores[at++] = inFrequency ? number : 1;
        }
        if (code === SEMICOLON) { field++; doc = offset - 1; }
        number = 0;
        inFrequency = false;
      } else if (code === COLON) {
        gap = number;
        number = 0;
        inFrequency = true;
      } else {
        number = number * 36 + (code <= 57 ? code - 48 : code - 87); // 0-9, a-z
      }
    }
    return at;
  }

  // posting[field] ({docRef: metadata}) is made on first use, from the prototype: a query reads
  // a handful of terms, and making millions of these objects up front is most of loading.
  function postingType(fields, termPostings) {
    function Posting(termIndex) { this._index = termIndex; }
    fields.forEach(function (field, f) {
      Object.defineProperty(Posting.prototype, field, {
        configurable: true,
        get: function () {
          var docs = Object.create(null), found = termPostings(this._index);
          for (var i = 0; i < found.docs.length; i++) if (found.fields[i] === f) docs[found.docs[i]] = NO_METADATA;
          Object.defineProperty(this, fields[f], { value: docs, enumerable: true, writable: true, configurable: true });
          return docs;
        }
      });
    });
    Posting.prototype.toJSON = function () { // what lunr.Index#toJSON serializes: every field
      var plain = { _index: this._index };
      for (var f = 0; f < fields.length; f++) plain[fields[f]] = this[fields[f]];
      return plain;
    };
    return Posting;
  }

  // Every shard's terms numbered as lunr.js would, each with its postings in every shard.
  function mergeShards(shards) {
    var numbers = new Map(), terms = [], piecesOf = [], offset = 0;
    shards.forEach(function (shard) {
      for (var t = 0; t < shard.terms.length; t++) {
        var term = shard.terms[t], number = numbers.get(term);
        if (number === undefined) {
          number = terms.length;
          numbers.set(term, number);
          terms.push(term);
          piecesOf.push([]);
        }
        piecesOf[number].push({ encoded: shard.postings[t], offset: offset });
      }
      offset += shard.docs.length;
    });
    return { terms: terms, piecesOf: piecesOf, docCount: offset };
  }

  // Per field, every document's length, shards in turn.
  function fieldLengths(shards, fieldCount) {
    var lengths = [];
    for (var f = 0; f < fieldCount; f++) {
      lengths.push([].concat.apply([], shards.map(function (shard) { return shard.lengths[f]; })));
    }
    return lengths;
  }

  // The documents, shards in turn: [url, title, date, topic titles, snippet].
  function allDocuments(shards) {
    var docs = [];
    shards.forEach(function (shard) {
      shard.docs.forEach(function (doc) {
        docs.push([doc[0], doc[1], doc[2], doc[3].map(function (t) { return shard.topics[t]; }), doc[4]]);
      });
    });
    return docs;
  }

  // What both indexes need: terms numbered as lunr.js would, per-field lengths and scoring.
  function openShards(data) {
    var fields = data.fields.map(function (field) { return field[0]; });
    var merged = mergeShards(data.shards), docCount = merged.docCount;
    var lengths = fieldLengths(data.shards, fields.length);
    var averageLength = lengths.map(function (perDoc) {
      return perDoc.reduce(function (sum, length) { return sum + length; }, 0) / docCount;
    });
    var boosts = data.fields.map(function (field) { return field[1]; });
    return {
      fields: fields, terms: merged.terms, piecesOf: merged.piecesOf, docCount: docCount,
      // lunr.Builder#createFieldVectors's BM25, the same operations in the same order.
      idf: function (withTerm) { // lunr.idf counts (field, document) pairs
        return Math.log(1 + Math.abs((docCount - withTerm + 0.5) / (withTerm + 0.5)));
      },
      score: function (idf, f, doc, tf) {
        var k1 = 1.2, b = 0.75;
        var score = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (lengths[f][doc] / averageLength[f])) + tf);
        score *= boosts[f];
        score *= 1; // the document boost
        return Math.round(score * 1000) / 1000;
      }
    };
  }

  // One term's postings: field, doc and score of each, in the file's order, in typed arrays.
  function termPostings(shards, termIndex) {
    var pieces = shards.piecesOf[termIndex], size = 0, count = 0;
    pieces.forEach(function (piece) { size += (piece.encoded.length >> 1) + 1; }); // 2+ characters an entry
    var found = { fields: new Uint8Array(size), docs: new Int32Array(size), scores: new Float64Array(size) };
    pieces.forEach(function (piece) { count = decodePostings(piece.encoded, piece.offset, found, count); });
    var idf = shards.idf(count);
    for (var i = 0; i < count; i++) found.scores[i] = shards.score(idf, found.fields[i], found.docs[i], found.scores[i]);
    return { fields: found.fields.subarray(0, count), docs: found.docs.subarray(0, count), scores: found.scores.subarray(0, count) };
  }

  // Every document's BM25 vector per field, [termIndex, score, ...] by ascending term: made in
  // flat typed arrays, then cut into arrays of exactly their size (growing 50,000 arrays one
  // push at a time is most of the cost otherwise). Returns vector(field, doc).
  function packedVectors(shards) {
    var slots = shards.fields.length * shards.docCount, counts = new Int32Array(slots + 1);
    var entries = { slot: new Int32Array(1 << 16), term: new Int32Array(1 << 16), score: new Float64Array(1 << 16) };
    var total = 0;
    shards.terms.forEach(function (term, termIndex) {
      var found = termPostings(shards, termIndex);
      if (total + found.docs.length > entries.slot.length) entries = grown(entries, total + found.docs.length);
      for (var i = 0; i < found.docs.length; i++, total++) {
        var slot = found.fields[i] * shards.docCount + found.docs[i];
        entries.slot[total] = slot;
        entries.term[total] = termIndex;
        entries.score[total] = found.scores[i];
        counts[slot + 1]++;
      }
    });
    for (var s = 0; s < slots; s++) counts[s + 1] += counts[s]; // counts[s]: where slot s starts
    var next = counts.slice(), packed = new Float64Array(2 * total);
    for (var e = 0; e < total; e++) { // entries are in term order, so each slot's are too
      var at = 2 * next[entries.slot[e]]++;
      packed[at] = entries.term[e];
      packed[at + 1] = entries.score[e];
    }
    return function (f, doc) {
      var slot = f * shards.docCount + doc, start = 2 * counts[slot], vector = new Array(2 * counts[slot + 1] - start);
      for (var i = 0; i < vector.length; i++) vector[i] = packed[start + i];
      return vector;
    };
  }

  function grown(entries, needed) {
    var size = entries.slot.length;
    while (size < needed) size *= 2;
    var bigger = { slot: new Int32Array(size), term: new Int32Array(size), score: new Float64Array(size) };
    bigger.slot.set(entries.slot);
    bigger.term.set(entries.term);
    bigger.score.set(entries.score);
    return bigger;
  }

  // The lunr.Index lunr.js would build from the documents (for queries in lunr's syntax).
  function buildIndex(lunr, data, opened) {
    var shards = opened || openShards(data), fields = shards.fields, docCount = shards.docCount;
    var Posting = postingType(fields, function (termIndex) { return termPostings(shards, termIndex); });
    var invertedIndex = Object.create(null);
    shards.terms.forEach(function (term, termIndex) { invertedIndex[term] = new Posting(termIndex); });
    var vectors = packedVectors(shards);
    var fieldVectors = Object.create(null); // in lunr.Builder's order: documents, then fields
    for (var doc = 0; doc < docCount; doc++) {
      for (var f = 0; f < fields.length; f++) fieldVectors[fields[f] + "/" + doc] = new lunr.Vector(vectors(f, doc));
    }
    var pipeline = new lunr.Pipeline();
    pipeline.add(lunr.stemmer);
    return new lunr.Index({
      invertedIndex: invertedIndex,
      fieldVectors: fieldVectors,
      tokenSet: lunr.TokenSet.fromArray(shards.terms.slice().sort()),
      fields: fields,
      pipeline: pipeline
    });
  }

  // ---- plain words, scored as lunr.Index#query scores them ----
  // A query of plain words needs the postings of its few terms only, not lunr.Index's vectors
  // of every document: this index reads postings on first use and keeps them. Scores are
  // lunr.js's: per field, the dot product of the query vector (each term's summed clause
  // boosts) and the document's BM25 vector, over the query vector's magnitude, summed over
  // fields. tests/test_search_index.py compares results with lunr.Index#query's.

  function openIndex(lunr, data) {
    var shards = openShards(data);
    var sorted = shards.terms.slice().sort(), numbers = new Map();
    shards.terms.forEach(function (term, number) { numbers.set(term, number); });
    var cache = new Map(), lunrIndex = null;
    var dots = shards.fields.map(function () { return new Float64Array(shards.docCount); });
    return {
      docCount: shards.docCount,
      fieldCount: shards.fields.length,
      dots: dots,
      required: new Int32Array(shards.docCount), // per document, required clauses matched
      stamp: new Int32Array(shards.docCount),
      stamps: 0,
      number: function (term) { return numbers.get(term); },
      // Terms starting with prefix, as numbers (lunr.js's), in sorted order of the terms.
      expand: function (prefix) {
        var found = [];
        for (var i = lowerBound(sorted, prefix); i < sorted.length && sorted[i].lastIndexOf(prefix, 0) === 0; i++) {
          found.push(numbers.get(sorted[i]));
        }
        return found;
      },
      hasPrefix: function (prefix) {
        var i = lowerBound(sorted, prefix);
        return i < sorted.length && sorted[i].lastIndexOf(prefix, 0) === 0;
      },
      postings: function (number) {
        var found = cache.get(number);
        if (!found) cache.set(number, found = termPostings(shards, number));
        return found;
      },
      term: function (number) { return shards.terms[number]; },
      lunrIndex: function () { return lunrIndex || (lunrIndex = buildIndex(lunr, data, shards)); }
    };
  }

  function lowerBound(sorted, text) {
    var low = 0, high = sorted.length;
    while (low < high) {
      var middle = (low + high) >>> 1;
      if (sorted[middle] < text) low = middle + 1; else high = middle;
    }
    return low;
  }

  // clauses: [{terms: [number, ...], boost, required}] -> [{ref, score, doc}], best first.
  function scoreClauses(index, clauses) {
    var weights = new Map(), requiredCount = 0;
    clauses.forEach(function (clause) {
      clause.terms.forEach(function (number) { weights.set(number, (weights.get(number) || 0) + clause.boost); });
    });
    var numbers = Array.from(weights.keys()).sort(function (a, b) { return a - b; });
    var magnitude = Math.sqrt(numbers.reduce(function (sum, n) { return sum + weights.get(n) * weights.get(n); }, 0));
    var touched = [], seen = index.stamp, stamp = ++index.stamps;
    numbers.forEach(function (number) { // ascending term numbers: lunr.Vector#dot's order
      var found = index.postings(number), weight = weights.get(number);
      for (var i = 0; i < found.docs.length; i++) {
        var doc = found.docs[i];
        if (seen[doc] !== stamp) {
          seen[doc] = stamp;
          touched.push(doc);
          for (var f = 0; f < index.fieldCount; f++) index.dots[f][doc] = 0;
          index.required[doc] = 0;
        }
        index.dots[found.fields[i]][doc] += weight * found.scores[i];
      }
    });
    clauses.forEach(function (clause) {
      if (!clause.required) return;
      requiredCount++;
      var clauseStamp = ++index.stamps;
      clause.terms.forEach(function (number) {
        var docs = index.postings(number).docs;
        for (var i = 0; i < docs.length; i++) {
          if (seen[docs[i]] === clauseStamp) continue;
          seen[docs[i]] = clauseStamp;
          index.required[docs[i]]++;
        }
      });
    });
    var results = [];
    touched.forEach(function (doc) {
      if (index.required[doc] < requiredCount) return;
      var score = 0;
      for (var f = 0; f < index.fieldCount; f++) {
        if (index.dots[f][doc]) score += index.dots[f][doc] / magnitude;
      }
      results.push({ ref: String(doc), score: score, doc: doc });
    });
    return results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
  }

  // ---- queries ----

  // The prefix a word being typed should match. The index holds stems ("segment"), so a
  // partly typed "segmentati" matches nothing as a prefix: back off a few letters, as far
  // as a suffix the stemmer removes.
  function typedPrefix(index, word) {
    for (var prefix = word; prefix.length >= 2 && word.length - prefix.length <= 4; prefix = prefix.slice(0, -1)) {
      if (index.hasPrefix(prefix)) return prefix;
    }
    return null;
  }

  function isStopWord(lunr, word) {
    return !lunr.stopWordFilter(new lunr.Token(word));
  }

  // Plain words: each word whole (stemmed, boosted) or as the beginning of a word. With
  // requireAll, a paper must hold every word (or a word it begins); stop words never count.
  // The clauses lunr.Query would hold, expanded to term numbers as lunr.Index#query would.
  function plainClauses(lunr, index, words, requireAll) {
    var clauses = [];
    words.forEach(function (word, position) {
      var stopWord = isStopWord(lunr, word);
      if (!word || (stopWord && position < words.length - 1)) return;
      var exact = index.number(lunr.stemmer(new lunr.Token(word)).toString());
      clauses.push({ terms: exact === undefined ? [] : [exact], boost: EXACT_BOOST, required: false });
      var prefix = word.length >= 2 ? typedPrefix(index, word) : null;
      var required = requireAll && !stopWord && word.length >= 2;
      if (!prefix && !required) return;
      clauses.push({ terms: index.expand(prefix || word), boost: 1, required: required });
    });
    return clauses;
  }

  // Papers with every word first; if none has them all, papers with any of them.
  function plainSearch(lunr, index, text) {
    var words = lunr.tokenizer(text).map(function (token) { return lunr.trimmer(token).toString(); });
    var clauses = plainClauses(lunr, index, words, true);
    var results = scoreClauses(index, clauses);
    if (!results.length) results = scoreClauses(index, clauses = plainClauses(lunr, index, words, false));
    return { results: results, matched: function (shown) { return matchedTerms(index, clauses, shown); } };
  }

  // {results: [{ref, score}], matched(shown) -> {term: true}, error: "..."}: lunr's query
  // syntax when the text uses it, else plain words.
  function search(lunr, index, text) {
    text = text.trim();
    if (!text) return { results: [], matched: noTerms };
    try {
      if (LUNR_SYNTAX.test(text)) {
        var results = index.lunrIndex().search(text);
        return { results: results, matched: function (shown) { return lunrMatchedTerms(shown); } };
      }
      return plainSearch(lunr, index, text);
    } catch (error) {
      if (error instanceof lunr.QueryParseError) return { results: [], matched: noTerms, error: error.message };
      throw error;
    }
  }

  function noTerms() { return Object.create(null); }

  // The index terms the shown results hold, for highlighting.
  function matchedTerms(index, clauses, shown) {
    var terms = Object.create(null), wanted = new Set();
    shown.forEach(function (result) { wanted.add(result.doc); });
    clauses.forEach(function (clause) {
      clause.terms.forEach(function (number) {
        var docs = index.postings(number).docs;
        for (var i = 0; i < docs.length && !terms[index.term(number)]; i++) {
          if (wanted.has(docs[i])) terms[index.term(number)] = true;
        }
      });
    });
    return terms;
  }

  function lunrMatchedTerms(shown) {
    var terms = Object.create(null);
    shown.forEach(function (result) {
      Object.keys(result.matchData.metadata).forEach(function (term) { terms[term] = true; });
    });
    return terms;
  }

  var exported = { buildIndex: buildIndex, openIndex: openIndex, search: search };
  if (typeof module === "object" && module.exports) module.exports = exported;
  if (typeof document === "undefined") return;

  // ---- the page ----

  var input = document.getElementById("site-search-input");
  var dropdown = document.getElementById("site-search-results");
  var pageResults = document.getElementById("search-page-results");
  var root = document.documentElement.getAttribute("data-root") || "";
  // The build names the index file (root included) on <html>; older pages may not.
  var indexFile = document.documentElement.getAttribute("data-search-index") || root + "assets/search-index.js";
  var loader = { index: null, docs: null, error: null, started: false, waiting: [] };

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
      var data = window[DATA_GLOBAL];
      if (failed || !window.lunr || !data || data.format !== INDEX_FORMAT) { // a page and index from two builds
        loader.error = "Search could not load " + (failed || indexFile) + ". Try reloading the page.";
      } else {
        loader.docs = allDocuments(data.shards);
        loader.index = openIndex(window.lunr, data);
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
    var doc = loader.docs[Number(result.ref)];
    var topics = doc[3];
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
    var outcome = loader.error ? { results: [], matched: noTerms } : search(window.lunr, loader.index, text);
    var shown = outcome.results.slice(0, limit), terms = outcome.matched(shown);
    var list = element("ul", "search-results-list");
    shown.forEach(function (result) { list.appendChild(resultItem(result, terms)); });
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

  var shownSearch = 0; // bumped by each search and each close: a search shows only if still latest

  function closeDropdown() {
    shownSearch++;
    dropdown.hidden = true;
    dropdown.replaceChildren();
  }

  function cancelUpdate() {
    clearTimeout(pendingSearch);
    pendingSearch = null;
  }

  function updateDropdown() {
    cancelUpdate();
    var text = input.value;
    if (!text.trim()) return closeDropdown();
    var mine = ++shownSearch;
    withIndex(function () {
      if (input.value !== text || mine !== shownSearch) return; // closed, or a newer search is on its way
      renderResults(dropdown, text, DROPDOWN_LIMIT);
      dropdown.hidden = false;
    });
  }

  // Searching takes a few milliseconds: search at once, but once per burst of queued keys
  // (the search reads the box when it runs, so keys typed during a slow search coalesce).
  function scheduleUpdate() {
    if (!pendingSearch) pendingSearch = setTimeout(updateDropdown, 0);
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
      input.focus(); // first: focusing reopens the list, which Escape then closes for good
      cancelUpdate();
      closeDropdown();
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
