/* sitegen search: results as you type, offline (works from file:// and over HTTP).
 *
 * lunr.js and the index are loaded only when search is first used, by injecting <script> tags
 * (fetch does not work from file://). The index file holds compact postings in shards (see
 * sitegen/search.py). Queries, plain words or lunr's syntax (title:x, +a -b, x~1, x^2, x*), are
 * scored here from the postings of their terms alone, exactly as lunr.Index#query scores them,
 * so no lunr.Index (vectors for every document) is ever built; lunr.js tokenizes, stems and
 * parses queries. Paper text is untrusted: the DOM is built with textContent only.
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
  // The file holds shards of consecutive documents, each with its own term list (so the build
  // re-encodes only shards whose documents changed). Terms are numbered as lunr.js numbers
  // them, in order of first occurrence: each shard's order, shards in turn, skipping terms seen
  // before; scores then sum in lunr.Vector#dot's order (ascending term numbers), to the bit.

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

  // Terms numbered as lunr.js would, their postings in each shard, and lunr.js's scoring.
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

  // ---- scoring, as lunr.Index#query scores ----
  // A query needs the postings of its few terms only, not lunr.Index's vectors of every
  // document: this index reads postings on first use and keeps them. Scores are lunr.js's: per
  // field, the dot product of the query vector (each term's summed clause boosts) and the
  // document's BM25 vector, over the query vector's magnitude, summed over fields; required and
  // prohibited clauses filter as lunr.js's do. tests/test_search_index.py compares results with
  // lunr.js's own index, for plain words and lunr's query syntax.

  function openIndex(lunr, data) {
    var shards = openShards(data);
    var sorted = shards.terms.slice().sort(), numbers = new Map(), tokenSet = null;
    shards.terms.forEach(function (term, number) { numbers.set(term, number); });
    var cache = new Map();
    return {
      fields: shards.fields,
      docCount: shards.docCount,
      dots: shards.fields.map(function () { return new Float64Array(shards.docCount); }),
      stamp: new Int32Array(shards.docCount), // per document: the query that last touched it
      stamps: 0,
      number: function (term) { return numbers.get(term); },
      // Terms starting with prefix, as numbers (lunr.js's).
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
      // Terms matching a lunr clause with wildcards inside or an edit distance.
      matching: function (clause) {
        tokenSet = tokenSet || lunr.TokenSet.fromArray(sorted);
        return tokenSet.intersect(lunr.TokenSet.fromClause(clause)).toArray().map(function (term) {
          return numbers.get(term);
        });
      },
      postings: function (number) {
        var found = cache.get(number);
        if (!found) cache.set(number, found = termPostings(shards, number));
        return found;
      },
      term: function (number) { return shards.terms[number]; }
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

  // clauses: [{fields: [field number], boost, presence (lunr.Query.presence), terms: [number]}]
  // -> {results: [{ref, score, doc}] best first, matched(shown results) -> {term: true}}.
  function scoreClauses(lunr, index, clauses) {
    var presence = lunr.Query.presence;
    var weights = index.fields.map(function () { return new Map(); }); // the query vector per field
    var required = index.fields.map(function () { return null; }), prohibited = new Set();
    clauses.forEach(function (clause) {
      if (clause.presence === presence.REQUIRED && !clause.terms.length) {
        clause.fields.forEach(function (f) { required[f] = new Set(); }); // nothing can match
        return;
      }
      var matches = clause.presence === presence.REQUIRED ? new Set() : null;
      clause.terms.forEach(function (number) {
        clause.fields.forEach(function (f) {
          if (clause.presence !== presence.PROHIBITED) weights[f].set(number, (weights[f].get(number) || 0) + clause.boost);
        });
        if (clause.presence === presence.OPTIONAL) return;
        var found = index.postings(number);
        for (var i = 0; i < found.docs.length; i++) {
          if (clause.fields.indexOf(found.fields[i]) >= 0) (matches || prohibited).add(found.docs[i]);
        }
      });
      if (matches) clause.fields.forEach(function (f) { required[f] = required[f] ? intersection(required[f], matches) : matches; });
    });
    var allRequired = required.reduce(function (all, docs) { return !docs ? all : all ? intersection(all, docs) : docs; }, null);
    var scored = dotProducts(index, weights), results = [];
    var negated = clauses.every(function (clause) { return clause.presence === presence.PROHIBITED; });
    var candidates = negated ? Array.from({ length: index.docCount }, function (_, doc) { return doc; }) : scored.touched;
    candidates.forEach(function (doc) {
      if ((allRequired && !allRequired.has(doc)) || prohibited.has(doc)) return;
      var score = 0;
      for (var f = 0; f < index.fields.length && !negated; f++) {
        if (scored.magnitudes[f]) score += index.dots[f][doc] / scored.magnitudes[f];
      }
      results.push({ ref: String(doc), score: score, doc: doc });
    });
    results.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
    return { results: results, matched: function (shown) { return matchedTerms(index, weights, scored.numbers, shown); } };
  }

  // Per field and touched document, the dot product with the query vector, terms ascending
  // (lunr.Vector#dot's order, so the same sums); and each field's query vector magnitude.
  function dotProducts(index, weights) {
    var numbers = new Set();
    weights.forEach(function (vector) { vector.forEach(function (_, number) { numbers.add(number); }); });
    numbers = Array.from(numbers).sort(function (a, b) { return a - b; });
    var magnitudes = weights.map(function (vector) {
      var squares = 0;
      numbers.forEach(function (number) { if (vector.has(number)) squares += vector.get(number) * vector.get(number); });
      return Math.sqrt(squares);
    });
    var touched = [], seen = index.stamp, stamp = ++index.stamps;
    numbers.forEach(function (number) {
      var found = index.postings(number);
      for (var i = 0; i < found.docs.length; i++) {
        var f = found.fields[i], doc = found.docs[i], weight = weights[f].get(number);
        if (weight === undefined) continue;
        if (seen[doc] !== stamp) {
          seen[doc] = stamp;
          touched.push(doc);
          for (var g = 0; g < index.fields.length; g++) index.dots[g][doc] = 0;
        }
        index.dots[f][doc] += weight * found.scores[i];
      }
    });
    return { numbers: numbers, magnitudes: magnitudes, touched: touched };
  }

  function intersection(a, b) {
    var both = new Set();
    a.forEach(function (doc) { if (b.has(doc)) both.add(doc); });
    return both;
  }

  // The index terms the shown results matched, for highlighting.
  function matchedTerms(index, weights, numbers, shown) {
    var terms = Object.create(null), wanted = new Set();
    shown.forEach(function (result) { wanted.add(result.doc); });
    numbers.forEach(function (number) {
      var found = index.postings(number);
      for (var i = 0; i < found.docs.length && !terms[index.term(number)]; i++) {
        if (wanted.has(found.docs[i]) && weights[found.fields[i]].has(number)) terms[index.term(number)] = true;
      }
    });
    return terms;
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
  function plainClauses(lunr, index, words, requireAll) {
    var clauses = [], allFields = index.fields.map(function (_, f) { return f; });
    var presence = lunr.Query.presence;
    words.forEach(function (word, position) {
      var stopWord = isStopWord(lunr, word);
      if (!word || (stopWord && position < words.length - 1)) return;
      var exact = index.number(stem(lunr, word));
      clauses.push({ fields: allFields, boost: EXACT_BOOST, presence: presence.OPTIONAL, terms: exact === undefined ? [] : [exact] });
      var prefix = word.length >= 2 ? typedPrefix(index, word) : null;
      var required = requireAll && !stopWord && word.length >= 2;
      if (!prefix && !required) return;
      var terms = index.expand(prefix || word);
      clauses.push({ fields: allFields, boost: 1, presence: required ? presence.REQUIRED : presence.OPTIONAL, terms: terms });
    });
    return clauses;
  }

  function stem(lunr, word) {
    return lunr.stemmer(new lunr.Token(word)).toString();
  }

  // Papers with every word first; if none has them all, papers with any of them.
  function plainSearch(lunr, index, text) {
    var words = lunr.tokenizer(text).map(function (token) { return lunr.trimmer(token).toString(); });
    var clauses = plainClauses(lunr, index, words, true);
    if (!clauses.length) return { results: [], matched: noTerms }; // nothing but separators
    var outcome = scoreClauses(lunr, index, clauses);
    return outcome.results.length ? outcome : scoreClauses(lunr, index, plainClauses(lunr, index, words, false));
  }

  // A query in lunr's syntax, parsed by lunr.js, its terms expanded as lunr.Index#query would.
  function syntaxSearch(lunr, index, text) {
    var query = new lunr.Query(index.fields);
    new lunr.QueryParser(text, query).parse();
    return scoreClauses(lunr, index, query.clauses.map(function (clause) {
      var term = clause.usePipeline ? stem(lunr, clause.term) : clause.term, terms;
      var wildcard = term.indexOf("*");
      if ("editDistance" in clause || (wildcard >= 0 && wildcard < term.length - 1)) {
        var pattern = "editDistance" in clause ? { term: term, editDistance: clause.editDistance } : { term: term };
        terms = index.matching(pattern);
      } else if (wildcard >= 0) {
        terms = index.expand(term.slice(0, -1));
      } else {
        terms = index.number(term) === undefined ? [] : [index.number(term)];
      }
      var fields = clause.fields.map(function (name) { return index.fields.indexOf(name); });
      return { fields: fields, boost: clause.boost, presence: clause.presence, terms: terms };
    }));
  }

  // {results: [{ref, score}], matched(shown) -> {term: true}, error: "..."}: lunr's query
  // syntax when the text uses it, else plain words.
  function search(lunr, index, text) {
    text = text.trim();
    if (!text) return { results: [], matched: noTerms };
    try {
      return LUNR_SYNTAX.test(text) ? syntaxSearch(lunr, index, text) : plainSearch(lunr, index, text);
    } catch (error) {
      if (error instanceof lunr.QueryParseError) return { results: [], matched: noTerms, error: error.message };
      throw error;
    }
  }

  function noTerms() { return Object.create(null); }

  var exported = { openIndex: openIndex, search: search };
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
