/* sitegen search engine: lunr.js's scoring over the index sitegen builds, plus phrases, partial
 * matches and suggestions. search.js loads it with lunr.js and the index's manifest when search
 * is first used; the tests run it in Node (module.exports).
 *
 * The index (sitegen/search.py) is partitioned by term: a query reads the partitions of its terms
 * (and of a word being typed), each term's postings holding all BM25 needs, and scores exactly as
 * lunr.Index#query scores (to the bit), so no lunr.Index is ever built. A file not loaded yet
 * stops the search (Missing); searchLoaded loads it and searches again. lunr.js tokenizes, stems
 * and parses queries.
 *
 * What a plain query means (the README's "Search" section says the same):
 *  - a paper matches when every word that is not a stop word matches it, through its stem
 *    (lunr.js's pipeline), in any field: lunr.js's `+w1 +w2 ...`;
 *  - a "quoted phrase" matches its words adjacent and in order, within one field;
 *  - while typing (the results under the box only), the last word, unless followed by a space,
 *    also matches every indexed word that begins with exactly what was typed (2 letters or more);
 *  - when no paper has every word, no paper is shown as a result: papers with some of the words
 *    are listed apart, with the words they lack, and absent words get "Did you mean" suggestions.
 * lunr's own syntax (title:x, +a -b, x*, x~1, x^2) is run as lunr.js runs it.
 */
(function () {
  "use strict";

  var INDEX_FORMAT = 5; // sitegen/search.py's INDEX_FORMAT
  var EXACT_BOOST = 10; // while typing, a whole word outranks the words it is only the beginning of
  var COMPLETE_FROM = 2; // letters a last word needs before it also matches words it begins
  var SUGGESTIONS = 3;
  var QUOTE = /["\u201c\u201d\u201e]/;
  var WORD_END = /[A-Za-z0-9_]$/; // lunr.trimmer keeps a word's last character only if it is one of these
  // Latin letters Unicode does not decompose into a letter and marks, and apostrophes (dropped)
  // (sitegen/stemmer.py's LETTERS).
  var LETTERS = { "\u00f8": "o", "\u00d8": "O", "\u00e6": "ae", "\u00c6": "AE", "\u0153": "oe", "\u0152": "OE", "\u00df": "ss", "\u1e9e": "SS", "\u0111": "d", "\u0110": "D", "\u0142": "l", "\u0141": "L", "\u0131": "i", "\u0127": "h", "\u0126": "H", "\u00fe": "th", "\u00de": "TH", "\u00f0": "d", "\u00d0": "D", "\u2019": "", "\u2018": "", "'": "" };
  // Unicode's marks; a browser without \p{} in its regular expressions (before ~2020) gets the
  // combining accents, rather than a syntax error that would stop the whole script.
  var MARKS = (function () {
    try { return new RegExp("\\p{M}", "gu"); } catch (e) { return /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g; }
  })();
  var UNSPLIT = new RegExp("[" + Object.keys(LETTERS).join("") + "]", "g");

  // The text as search reads it, before lunr.js's pipeline: accents and other marks dropped,
  // compatibility forms (ligatures, superscripts, full-width letters) spelt plainly, as
  // sitegen/stemmer.py's fold() reads the papers: "Muller" finds "M\u00fcller", and "\u00d6zt\u00fcrk"
  // stays whole (lunr.js's trimmer strips any letter but A-Z from a word's ends).
  function fold(text) {
    if (!/[^\x00-\x7f]/.test(text)) return text.indexOf("'") < 0 ? text : text.replace(/'/g, "");
    return text.normalize("NFKD").replace(MARKS, "").replace(UNSPLIT, function (letter) { return LETTERS[letter]; });
  }

  // A pasted identifier is searched as the bare id the index's `id` field holds (the DOI, and
  // the arXiv id without its version): an arxiv.org or doi.org address, "arXiv:2405.06789v2",
  // "doi:10.1148/x" as pages and citations write them, or a versioned arXiv id. Without this
  // "arXiv:" and "https:" read as fields no paper has.
  var PASTED_IDS = [
    [/(^|\s)https?:\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\/(\S+?)(?:v\d+)?(?:\.pdf)?\/?(?=\s|$)/gi, "$1$2"],
    [/(^|\s)arxiv:\s*(\S+?)(?:v\d+)?(?=\s|$)/gi, "$1$2"],
    [/(^|\s)https?:\/\/(?:dx\.)?doi\.org\/(\S+)/gi, "$1$2"],
    [/(^|\s)doi:\s*(\S+)/gi, "$1$2"],
    [/(^|\s)(\d{4}\.\d{4,5})v\d+(?=\s|$)/g, "$1$2"]
  ];

  // The query as the index reads words: folded, identifiers bare.
  function readable(text) {
    return PASTED_IDS.reduce(function (done, rule) { return done.replace(rule[0], rule[1]); }, fold(text));
  }

  // ---- the index ----
  // The manifest says where each partition's range of keys begins; a partition holds its terms'
  // postings (document, field, term frequency, field length) and ranks, and the words of its
  // range with their terms; its positions file says where each posting's term stands, and the
  // stop words' postings. Files are read when a query first needs them (see Missing). Terms get
  // numbers as their partitions are read; scores add up in lunr.js's term order, which is the
  // order of first occurrence (document, then rank in it), kept as each term's `key`.

  var LEAD_A = 65, LEAD_Z = 90, RANKS = 1048576; // a document's terms have fewer ranks than this

  // Thrown when a query needs files not loaded yet; the caller loads them and searches again
  // (searchLoaded). A search keeps no state a throw could leave half made.
  function Missing(files) { this.files = files; }

  // sitegen/search.py's codes: self-delimiting base-36 numbers, lead letters before the last.
  function codes(text) {
    var out = [], lead = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= LEAD_A && c <= LEAD_Z) { lead = lead * 26 + (c - LEAD_A); continue; }
      out.push(lead * 36 + (c <= 57 ? c - 48 : c - 87)); // 0-9, a-z
      lead = 0;
    }
    return out;
  }

  // A word's term, written against the word (sitegen/search.py's encoded_surfaces).
  function termOfWord(word, encoded) {
    if (encoded.charCodeAt(0) === 61) return encoded.slice(1); // "=": the whole term
    return word.slice(0, word.length - (encoded.charCodeAt(0) - 48)) + encoded.slice(1);
  }

  function lowerBound(sorted, text) {
    var low = 0, high = sorted.length;
    while (low < high) {
      var middle = (low + high) >>> 1;
      if (sorted[middle] < text) low = middle + 1; else high = middle;
    }
    return low;
  }

  // The postings of a term or stop word, decoded: document, field, count per posting (in
  // document order, fields ascending), from codes of (document gap * fields + field) then
  // `extra` more codes per posting.
  function decodePostings(text, fieldCount, extra) {
    var c = codes(text), step = 1 + extra, count = c.length / step;
    var found = { docs: new Int32Array(count), fields: new Uint8Array(count), values: c };
    for (var i = 0, doc = 0, at = 0; i < count; i++, at += step) {
      var gap = (c[at] / fieldCount) | 0;
      doc += gap;
      found.docs[i] = doc;
      found.fields[i] = c[at] - gap * fieldCount;
    }
    return found;
  }

  // The posting of `doc` in `field` among decoded postings, or -1.
  function postingAt(found, doc, field) {
    var docs = found.docs, low = 0, high = docs.length;
    while (low < high) {
      var middle = (low + high) >>> 1;
      if (docs[middle] < doc) low = middle + 1; else high = middle;
    }
    for (; low < docs.length && docs[low] === doc; low++) if (found.fields[low] === field) return low;
    return -1;
  }

  // manifest: the global of assets/search-index.js; read(name): a file's content, or nothing if
  // it is not loaded yet (in the browser: what its script registered).
  function openIndex(lunr, manifest, read) {
    var fields = manifest.fields.map(function (field) { return field[0]; });
    var boosts = manifest.fields.map(function (field) { return field[1]; });
    var fieldCount = fields.length, docCount = manifest.docs;
    var averageLength = manifest.lengths.map(function (sum) { return sum / docCount; });
    var bounds = manifest.parts.map(function (part) { return part[0]; });
    var files = new Map(), parts = [], stopParts = [];
    var terms = [], numbers = new Map(), termPart = [], termAt = [], cache = new Map();
    var stopWords = [], stopNumbers = new Map(), completed = new Map(), tokenSets = new Map();
    var facetData = null, dateOrder = null;

    // The files of `names` (all of them, or a Missing naming those not loaded).
    function need(names) {
      var missing = names.filter(function (name) {
        if (files.has(name)) return false;
        var found = read(name);
        if (found) files.set(name, found);
        return !found;
      });
      if (missing.length) throw new Missing(missing);
      return names.map(function (name) { return files.get(name); });
    }

    function file(name) { return files.get(name) || need([name])[0]; }

    // The partition holding `key`: the last whose range begins at or before it.
    function partOf(key) {
      var low = 0, high = bounds.length;
      while (low < high) {
        var middle = (low + high) >>> 1;
        if (bounds[middle] <= key) low = middle + 1; else high = middle;
      }
      return low - 1;
    }

    // The partitions holding the keys that begin with `prefix`.
    function partsBeginning(prefix) {
      var first = partOf(prefix), found = [first];
      for (var i = first + 1; i < bounds.length && bounds[i].lastIndexOf(prefix, 0) === 0; i++) found.push(i);
      return found;
    }

    function part(i) {
      if (parts[i]) return parts[i];
      var data = file(manifest.parts[i][1]), ranks = codes(data.ranks);
      data.terms.forEach(function (term, j) {
        numbers.set(term, terms.length);
        terms.push(term);
        termPart.push(i);
        termAt.push(j);
      });
      return (parts[i] = { data: data, ranks: ranks });
    }

    function number(term) {
      var found = numbers.get(term);
      if (found !== undefined) return found;
      part(partOf(term));
      return numbers.get(term);
    }

    // lunr.Builder#createFieldVectors's BM25, the same operations in the same order.
    function score(idf, f, length, tf) {
      var k1 = 1.2, b = 0.75;
      var value = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (length / averageLength[f])) + tf);
      value *= boosts[f];
      value *= 1; // the document boost
      return Math.round(value * 1000) / 1000;
    }

    // A term's postings in document order: fields, documents, frequencies, BM25 scores; and its
    // key (lunr.js's term order).
    function postings(number) {
      var found = cache.get(number);
      if (found) return found;
      var opened = parts[termPart[number]];
      found = decodePostings(opened.data.postings[termAt[number]], fieldCount, 2);
      var count = found.docs.length, values = found.values;
      found.counts = new Int32Array(count);
      found.scores = new Float64Array(count);
      var idf = Math.log(1 + Math.abs((docCount - count + 0.5) / (count + 0.5))); // lunr.idf: (field, document) pairs
      for (var i = 0; i < count; i++) {
        found.counts[i] = values[3 * i + 1];
        found.scores[i] = score(idf, found.fields[i], values[3 * i + 2], values[3 * i + 1]);
      }
      found.values = null;
      found.key = found.docs[0] * RANKS + opened.ranks[termAt[number]];
      cache.set(number, found);
      return found;
    }

    function byKey(a, b) { return postings(a).key - postings(b).key; }

    // Where a term stands in a document's field (positions ascending).
    function termPositions(number, doc, field) {
      var found = postings(number);
      if (!found.starts) {
        var data = file(manifest.parts[termPart[number]][2]), gaps = codes(data.positions[termAt[number]]);
        var starts = new Int32Array(found.docs.length + 1), at = new Int32Array(gaps.length), k = 0;
        if (gaps.length) {
          for (var i = 0; i < found.docs.length; i++) {
            starts[i] = k;
            for (var t = 0, position = 0; t < found.counts[i]; t++) at[k] = position += gaps[k++];
          }
        }
        starts[found.docs.length] = k;
        found.at = at;
        found.starts = starts;
      }
      var posting = postingAt(found, doc, field);
      return posting < 0 ? [] : found.at.subarray(found.starts[posting], found.starts[posting + 1]);
    }

    // Where a stop word stands in a document's field.
    function stopPositions(word, doc, field) {
      var i = partOf(word), opened = stopParts[i];
      if (!opened) {
        var data = file(manifest.parts[i][2]);
        opened = stopParts[i] = { data: data, decoded: new Map() };
      }
      var found = opened.decoded.get(word);
      if (!found) {
        var at = lowerBound(opened.data.stops, word);
        if (opened.data.stops[at] !== word) return [];
        // After each posting's first code: its count, then that many position gaps.
        var c = codes(opened.data.stopPostings[at]), starts = [], positions = [], k = 0;
        while (k < c.length) {
          var count = c[k + 1], position = 0;
          k += 2;
          starts.push(positions.length);
          for (var t = 0; t < count; t++) positions.push(position += c[k++]);
        }
        found = { docs: [], fields: [], starts: starts, at: positions };
        for (var j = 0, posted = 0, pointer = 0; j < starts.length; j++) {
          var gap = (c[pointer] / fieldCount) | 0;
          posted += gap;
          found.docs.push(posted);
          found.fields.push(c[pointer] - gap * fieldCount);
          pointer += 2 + c[pointer + 1];
        }
        found.starts.push(positions.length);
        opened.decoded.set(word, found);
      }
      var posting = postingAt(found, doc, field);
      return posting < 0 ? [] : found.at.slice(found.starts[posting], found.starts[posting + 1]);
    }

    function chunkName(chunk) {
      return "d" + chunk + "-" + manifest.chunks.substr(chunk * 8, 8);
    }

    // Each document's year and topics, the same object for documents alike.
    function facets() {
      if (facetData) return facetData;
      var data = file(manifest.facets), kinds = data.kinds.map(function (kind) {
        return { year: kind[0] ? data.years[kind[0] - 1] : "", topics: kind[1].map(function (t) { return data.topics[t]; }) };
      });
      return (facetData = { kinds: kinds, of: codes(data.docs) });
    }

    return {
      fields: fields,
      docCount: docCount,
      dots: new Float64Array(docCount * fieldCount), // per document, its fields' dot products side by side
      stamp: new Int32Array(docCount), // per document: the dot products that last touched it
      stamps: 0,
      touched: new Int32Array(docCount), // the documents the last dot products touched, first `touchedCount`
      marks: { // see scoreClauses
        stamps: 0, clauses: 0, seen: new Int32Array(docCount), hits: new Int32Array(docCount),
        met: new Int32Array(docCount), barred: new Uint8Array(docCount),
        order: new Int32Array(docCount), ordered: new Uint8Array(docCount)
      },
      postings: postings,
      number: number,
      term: function (number) { return terms[number]; },
      byKey: byKey,
      stopNumber: function (word) {
        var found = stopNumbers.get(word);
        if (found === undefined) {
          stopNumbers.set(word, found = -1 - stopWords.length);
          stopWords.push(word);
        }
        return found;
      },
      // Where a term (or a stop word: a negative number) stands in a document's field.
      positions: function (number, doc, field) {
        return number < 0 ? stopPositions(stopWords[-1 - number], doc, field) : termPositions(number, doc, field);
      },
      // Does the document hold the term in one of the fields of `mask` (a bit per field)?
      holds: function (number, doc, mask) {
        var found = postings(number), docs = found.docs, low = 0, high = docs.length;
        while (low < high) {
          var middle = (low + high) >>> 1;
          if (docs[middle] < doc) low = middle + 1; else high = middle;
        }
        for (; low < docs.length && docs[low] === doc; low++) {
          if (mask & (1 << found.fields[low])) return true;
        }
        return false;
      },
      // Term numbers of the indexed words that begin with `prefix`, in lunr.js's term order.
      completions: function (prefix) {
        var found = completed.get(prefix);
        if (found) return found;
        var indices = partsBeginning(prefix), wanted = new Set();
        need(indices.map(function (i) { return manifest.parts[i][1]; }));
        indices.forEach(function (i) {
          var data = part(i).data;
          for (var at = lowerBound(data.words, prefix); at < data.words.length && data.words[at].lastIndexOf(prefix, 0) === 0; at++) {
            wanted.add(termOfWord(data.words[at], data.stems[at]));
          }
        });
        wanted = Array.from(wanted);
        need(Array.from(new Set(wanted.map(function (term) { return manifest.parts[partOf(term)][1]; }))));
        found = wanted.map(number).filter(function (n) { return n !== undefined; }).sort(byKey);
        if (completed.size > 200) completed.clear();
        completed.set(prefix, found);
        return found;
      },
      // The words of `shortest` to `longest` letters: {words, terms, used} per length, `used`
      // being how many (field, document) pairs hold the word's term.
      wordsOfLengths: function (shortest, longest) {
        var names = [];
        for (var length = Math.max(1, shortest); length <= longest; length++) {
          if (manifest.words[length]) names.push(manifest.words[length]);
        }
        return need(names).map(function (data) {
          if (!data.decoded) {
            data.decoded = { words: data.words, used: codes(data.used), terms: data.words.map(function (word, at) { return termOfWord(word, data.stems[at]); }) };
          }
          return data.decoded;
        });
      },
      // Terms matching a lunr clause with a wildcard or an edit distance, in lunr.js's order (its
      // TokenSet's, over the terms of the partitions that can hold them: all, unless the term
      // begins with letters before a wildcard).
      matching: function (clause) {
        var star = clause.term.indexOf("*");
        var prefix = "editDistance" in clause || star < 0 ? "" : clause.term.slice(0, star);
        var indices = prefix ? partsBeginning(prefix) : bounds.map(function (_, i) { return i; });
        var key = indices.join(","), tokenSet = tokenSets.get(key);
        if (!tokenSet) {
          need(indices.map(function (i) { return manifest.parts[i][1]; }));
          var sorted = [].concat.apply([], indices.map(function (i) { return part(i).data.terms; }));
          tokenSet = lunr.TokenSet.fromArray(sorted);
          tokenSets.set(key, tokenSet);
        }
        return tokenSet.intersect(lunr.TokenSet.fromClause(clause)).toArray().map(number);
      },
      // The files a query's words are likely to need (its terms' partitions, those of the word
      // being typed, and with a quote their positions): loaded at once before searching.
      likelyFiles: function (text, typing) {
        text = readable(text);
        var names = new Set(), words = lunr.tokenizer(text.replace(/["\u201c\u201d\u201e]/g, " ")), phrase = QUOTE.test(text);
        words.forEach(function (token, at) {
          var word = lunr.trimmer(token).toString().replace(/^[+-]/, "").replace(/^[a-z]+:/, "");
          if (!word) return;
          var indices = [partOf(isStopWord(lunr, word) ? word : stem(lunr, word))];
          if (typing && at === words.length - 1 && word.length >= COMPLETE_FROM) indices = indices.concat(partsBeginning(word));
          indices.forEach(function (i) {
            names.add(manifest.parts[i][1]);
            if (phrase) names.add(manifest.parts[i][2]);
          });
        });
        return Array.from(names).filter(function (name) { return !files.has(name) && !read(name); });
      },
      // What a result shows of document `doc`: {url, title, date, topics, snippet, byline}.
      doc: function (doc) {
        var chunk = (doc / manifest.chunkSize) | 0, data = file(chunkName(chunk)), entry = data.docs[doc - chunk * manifest.chunkSize];
        return { url: entry[0], title: entry[1], date: entry[2], snippet: entry[4], byline: entry[5] || "",
          topics: entry[3].map(function (t) { return data.topics[t]; }) };
      },
      // The files holding what results show of `docs`.
      docFiles: function (docs) {
        var names = new Set();
        docs.forEach(function (doc) { names.add(chunkName((doc / manifest.chunkSize) | 0)); });
        return Array.from(names).filter(function (name) { return !files.has(name) && !read(name); });
      },
      facetFiles: function () { return files.has(manifest.facets) || read(manifest.facets) ? [] : [manifest.facets]; },
      // A document's year ("" if undated) and topics (for search.html's filters): {year, topics}.
      facet: function (doc) {
        var found = facets();
        return found.kinds[found.of[doc]];
      },
      dateFiles: function () { return files.has(manifest.dates) || read(manifest.dates) ? [] : [manifest.dates]; },
      // Where a document's date stands among the dates of all (a larger number is later); 0: undated.
      dateOrder: function (doc) {
        return (dateOrder || (dateOrder = codes(file(manifest.dates).docs)))[doc];
      },
      need: need
    };
  }

  // Runs `work` (which reads the index) until no file it needs is missing: each time it throws
  // a Missing, load(names, callback(failed)) loads those files and it runs again; then
  // done(failed, its value).
  function whenLoaded(work, load, done) {
    (function attempt() {
      var value;
      try {
        value = work();
      } catch (error) {
        if (!(error instanceof Missing)) throw error;
        load(error.files, function (failed) { if (failed) done(failed); else attempt(); });
        return;
      }
      done(null, value);
    })();
  }

  // search(), once the files it needs are loaded (those its words are likely to need at once).
  function searchLoaded(lunr, index, text, options, load, done) {
    var likely = index.likelyFiles(String(text), Boolean(options && options.typing));
    function run() { whenLoaded(function () { return search(lunr, index, text, options); }, load, done); }
    if (likely.length) load(likely, function (failed) { if (failed) done(failed); else run(); });
    else run();
  }

  // ---- scoring, as lunr.Index#query scores ----
  // A query needs the postings of its few terms only, not lunr.Index's vectors of every
  // document. Scores are lunr.js's: per field, the dot product of the query vector (each term's
  // summed clause boosts) and the document's BM25 vector, over the query vector's magnitude,
  // summed over fields; required and prohibited clauses filter as lunr.js's do.

  // clauses: [{fields: [field number], boost, presence (lunr.Query.presence), terms: [number]}]
  // -> found: {docs, scores: the results' documents and scores (typed arrays) in no particular
  // order (see `ranked`), weights: the query vector (see queryVector)}.
  // One pass over the clauses' postings, in lunr.Index#query's order (clause by clause, term by
  // term), marks which required clauses each document meets, which it is barred by, and the
  // order its fields first match, in which lunr.js adds up their scores; marks live in typed
  // arrays kept by the index, valid where `seen` holds this query's stamp.
  function scoreClauses(lunr, index, clauses) {
    var presence = lunr.Query.presence, marks = index.marks, stamp = ++marks.stamps;
    var seen = marks.seen, hits = marks.hits, met = marks.met, barred = marks.barred;
    var order = marks.order, ordered = marks.ordered;
    var required = 0, onlyProhibited = clauses.length > 0;
    clauses.forEach(function (clause) {
      var id = ++marks.clauses, inClause = fieldMask(clause.fields);
      var isRequired = clause.presence === presence.REQUIRED, isProhibited = clause.presence === presence.PROHIBITED;
      if (isRequired) required++; // one without terms: nothing can match, as in lunr.js
      if (!isProhibited) onlyProhibited = false;
      clause.terms.forEach(function (number) {
        var found = index.postings(number), docs = found.docs, fields = found.fields;
        for (var i = 0; i < docs.length; i++) {
          var f = fields[i], doc = docs[i], bit = 1 << f;
          if (!(inClause & bit)) continue;
          if (seen[doc] !== stamp) {
            seen[doc] = stamp;
            hits[doc] = order[doc] = ordered[doc] = barred[doc] = 0;
          }
          if (isProhibited) {
            barred[doc] = 1;
            continue;
          }
          if (isRequired && met[doc] !== id) {
            met[doc] = id;
            hits[doc]++;
          }
          if (!(ordered[doc] & bit)) {
            ordered[doc] |= bit;
            order[doc] = (order[doc] << 4) | (f + 1); // the first field in the highest bits (4 a field: 8 in 32)
          }
        }
      });
    });
    var weights = queryVector(lunr, index, clauses), scored = dotProducts(index, weights);
    var candidates = onlyProhibited ? null : scored.touched, candidateCount = onlyProhibited ? index.docCount : scored.touchedCount;
    var fieldCount = index.fields.length, fieldsInOrder = new Int8Array(fieldCount), magnitudes = scored.magnitudes, dots = index.dots;
    var docs = new Int32Array(candidateCount), scores = new Float64Array(candidateCount), matched = 0;
    // A plain loop over typed arrays: this runs for each of up to every document, at each key typed.
    for (var c = 0; c < candidateCount; c++) {
      var doc = candidates ? candidates[c] : c, marked = seen[doc] === stamp;
      if ((required && !(marked && hits[doc] === required)) || (marked && barred[doc])) continue;
      var score = 0, count = 0;
      for (var packed = onlyProhibited ? 0 : order[doc]; packed; packed >>>= 4) fieldsInOrder[count++] = (packed & 15) - 1;
      for (var k = count - 1; k >= 0; k--) { // lunr.Index#query adds them up in this order
        var f = fieldsInOrder[k];
        score += magnitudes[f] ? dots[doc * fieldCount + f] / magnitudes[f] : 0;
      }
      docs[matched] = doc;
      scores[matched++] = score;
    }
    return { docs: docs.subarray(0, matched), scores: scores.subarray(0, matched), weights: weights };
  }

  // The results of `found` whose document passes keep(doc).
  function keptWhere(found, keep) {
    var docs = new Int32Array(found.docs.length), scores = new Float64Array(found.docs.length), count = 0;
    for (var i = 0; i < found.docs.length; i++) {
      if (!keep(found.docs[i])) continue;
      docs[count] = found.docs[i];
      scores[count++] = found.scores[i];
    }
    return { docs: docs.subarray(0, count), scores: scores.subarray(0, count), weights: found.weights };
  }

  function fieldMask(fields) {
    var mask = 0;
    fields.forEach(function (f) { mask |= 1 << f; });
    return mask;
  }

  function byScore(a, b) { return b.score - a.score || a.doc - b.doc; }

  // The results of found = {docs, scores} as [{doc, score}] (with `lacks`, an array of the words
  // each paper lacks, also {lacks}: papers lacking fewer first), best first: all of them, or with
  // `best` (a number) only the first `best`. The list under the box shows a few results and
  // their count: an object for each of the ~80,000 results of a common word at 100,000 papers,
  // sorted, was over half the time of each key typed.
  function ranked(found, best, lacks) {
    var docs = found.docs, scores = found.scores, count = docs.length;
    function result(i) {
      var made = { doc: docs[i], score: scores[i] };
      if (lacks) made.lacks = lacks[i];
      return made;
    }
    function before(i, j) { // between positions: fewer words lacking, then byScore
      var fewer = lacks ? lacks[i].length - lacks[j].length : 0;
      return fewer < 0 || (fewer === 0 && (scores[i] > scores[j] || (scores[i] === scores[j] && docs[i] < docs[j])));
    }
    if (!(best > 0) || count <= best) {
      if (!lacks) return sortResults(Array.from({ length: count }, function (_, i) { return result(i); }));
      var positions = Array.from({ length: count }, function (_, i) { return i; });
      return positions.sort(function (i, j) { return before(i, j) ? -1 : 1; }).map(result);
    }
    var top = []; // the positions of the best so far, in order
    for (var i = 0; i < count; i++) {
      if (top.length === best && !before(i, top[best - 1])) continue;
      var at = Math.min(top.length, best - 1);
      for (; at > 0 && before(i, top[at - 1]); at--) top[at] = top[at - 1];
      top[at] = i;
    }
    return top.map(result);
  }

  // Sorts results as byScore does, faster when there are many (80,000 results of a common word
  // at 100,000 papers took ~100 ms with a comparator): each score's results grouped, the distinct
  // scores sorted natively, best first, and each score's results by document.
  function sortResults(results) {
    if (results.length < 2000) return results.sort(byScore);
    var groups = new Map();
    results.forEach(function (result) {
      var group = groups.get(result.score);
      if (group) group.push(result); else groups.set(result.score, [result]);
    });
    var scores = Float64Array.from(groups.keys()).sort(), at = 0;
    for (var i = scores.length - 1; i >= 0; i--) {
      var group = groups.get(scores[i]);
      if (group.length > 1) group.sort(function (a, b) { return a.doc - b.doc; });
      for (var k = 0; k < group.length; k++) results[at++] = group[k];
    }
    return results;
  }

  // The query vector: term number -> {mask: its fields, values: its weight in each field, the
  // sum of its clauses' boosts (lunr.Vector#upsert)}; prohibited clauses add nothing.
  function queryVector(lunr, index, clauses) {
    var vector = new Map();
    clauses.forEach(function (clause) {
      if (clause.presence === lunr.Query.presence.PROHIBITED) return;
      clause.terms.forEach(function (number) {
        var entry = vector.get(number);
        if (!entry) vector.set(number, entry = { mask: 0, values: new Float64Array(index.fields.length) });
        clause.fields.forEach(function (f) {
          entry.mask |= 1 << f;
          entry.values[f] += clause.boost;
        });
      });
    });
    return vector;
  }

  // Per field and touched document, the dot product with the query vector, terms ascending
  // (lunr.Vector#dot's order, so the same sums); and each field's query vector magnitude.
  function dotProducts(index, weights) {
    var numbers = Array.from(weights.keys()).sort(index.byKey);
    var magnitudes = index.fields.map(function (_, f) {
      var squares = 0;
      numbers.forEach(function (number) {
        var entry = weights.get(number);
        if (entry.mask & (1 << f)) squares += entry.values[f] * entry.values[f];
      });
      return Math.sqrt(squares);
    });
    var touched = index.touched, touchedCount = 0, seen = index.stamp, stamp = ++index.stamps, dots = index.dots;
    var fieldCount = index.fields.length;
    numbers.forEach(function (number) {
      var found = index.postings(number), entry = weights.get(number), mask = entry.mask, values = entry.values;
      var docs = found.docs, fields = found.fields, scores = found.scores;
      for (var i = 0; i < docs.length; i++) {
        var f = fields[i], doc = docs[i];
        if (!(mask & (1 << f))) continue;
        if (seen[doc] !== stamp) {
          seen[doc] = stamp;
          touched[touchedCount++] = doc;
          for (var g = doc * fieldCount, end = g + fieldCount; g < end; g++) dots[g] = 0;
        }
        dots[doc * fieldCount + f] += values[f] * scores[i];
      }
    });
    // `touched` is the index's, valid until the next dot products (scoreClauses reads it at once).
    return { magnitudes: magnitudes, touched: touched, touchedCount: touchedCount };
  }

  // The index terms a document matched (those of the query vector it holds in a weighted
  // field), for highlighting: lunr.js's matchData terms.
  function matchedTerms(index, weights, doc) {
    var terms = new Set();
    weights.forEach(function (entry, number) {
      if (index.holds(number, doc, entry.mask)) terms.add(index.term(number));
    });
    return terms;
  }

  // ---- reading a query ----

  function stem(lunr, word) {
    return lunr.stemmer(new lunr.Token(word)).toString();
  }

  function isStopWord(lunr, word) {
    return !lunr.stopWordFilter(new lunr.Token(word));
  }

  // Words as lunr.js's tokenizer and trimmer make them; `raw` keeps each as typed.
  function queryWords(lunr, text) {
    return lunr.tokenizer(text).map(function (token) {
      return { raw: token.toString(), word: lunr.trimmer(token).toString() };
    });
  }

  // The text cut into plain stretches and quoted phrases. A phrase may carry lunr's presence
  // (+ or -) and a field (title:"..."), written just before its opening quote. A quote left
  // open runs to the end of the text.
  function splitPhrases(text) {
    var parts = [], rest = text;
    for (;;) {
      var open = rest.search(QUOTE);
      if (open < 0) break;
      var before = rest.slice(0, open), tail = rest.slice(open + 1), close = tail.search(QUOTE);
      var marks = /(?:^|\s)([+-]?)(?:([A-Za-z]+):)?$/.exec(before) || ["", "", ""];
      parts.push({ text: before.slice(0, before.length - (marks[1] + (marks[2] ? marks[2] + ":" : "")).length) });
      parts.push({
        phrase: true, presence: marks[1], field: marks[2] || null, closed: close >= 0,
        text: close >= 0 ? tail.slice(0, close) : tail
      });
      rest = close >= 0 ? tail.slice(close + 1) : "";
    }
    parts.push({ text: rest });
    return parts;
  }

  // Does the text (quotes aside) use lunr's syntax: a presence (+ or -) before a word, a field
  // name and a colon, a wildcard, an edit distance or a boost?
  function usesSyntax(fields, text) {
    if (/(^|\s)[+-]/.test(text) || /[*]/.test(text) || /~\d*(\s|$)/.test(text) || /\^\d*(\s|$)/.test(text)) return true;
    return (text.match(NAMED) || []).some(function (match) {
      return fields.indexOf(match.replace(/^[\s+-]/, "").slice(0, -1).toLowerCase()) >= 0;
    });
  }

  // The text with each field name before a colon (title:x, Title:x) as lunr.js spells it. A
  // colon and a space after a name ("EndoGen: a model") is punctuation, not a field.
  var NAMED = /(^|[\s+-])([A-Za-z]+):(?=[^\s:]|$)/g;

  function fieldNames(fields, text) {
    return text.replace(NAMED, function (match, before, name) {
      return fields.indexOf(name.toLowerCase()) >= 0 ? before + name.toLowerCase() + ":" : match;
    });
  }

  // ---- searching ----

  // {results: [{doc, score}], found (how many results), partial: [{doc, score, lacks}],
  //  partialFound, units, missing, ignored, common, suggestions, notes, error, completing (the
  //  word being typed, if completed), waiting (the word being typed, if left out: one letter),
  //  termsOf(doc) -> Set of stems}. options.typing: the query is
  //  still being typed (its last word, with no space after it, also matches words it begins);
  //  options.best: how many of the results (and of the partial) to give, best first (all of them
  //  when not given; `found` and `partialFound` count them all either way).
  function search(lunr, index, text, options) {
    var typing = Boolean(options && options.typing), best = options && options.best, outcome;
    text = readable(String(text)).replace(/\s+$/, typing ? " " : "").replace(/^\s+/, "");
    if (!text.trim()) return emptyOutcome();
    var parts = splitPhrases(text);
    var outside = parts.filter(function (part) { return !part.phrase; }).map(function (part) { return part.text; }).join(" ");
    var fieldPhrase = parts.some(function (part) { return part.phrase && (part.presence || part.field); });
    try {
      outcome = usesSyntax(index.fields, outside) || fieldPhrase ?
        syntaxSearch(lunr, index, parts, outside, best, text.trim()) : plainSearch(lunr, index, parts, typing, best);
    } catch (error) {
      if (!(error instanceof lunr.QueryParseError)) throw error;
      outcome = emptyOutcome();
      outcome.error = error.message;
    }
    if (parts.some(function (part) { return part.phrase && !part.closed; }) && !typing) {
      outcome.notes.push("The quote you opened is taken to run to the end.");
    }
    if (!outcome.results.length && outcome.missing.length && !outcome.error) {
      outcome.suggestions = suggestions(lunr, index, parts, outcome.missing);
    }
    return outcome;
  }

  function emptyOutcome() {
    return {
      results: [], found: 0, partial: [], partialFound: 0, units: [], missing: [], ignored: [], common: [],
      suggestions: [], notes: [], error: null, completing: null, waiting: null, termsOf: function () { return new Set(); }
    };
  }

  // A unit is what a reader expects a paper to hold: a word, or a phrase.
  // unit: {label, clauses: [clause], phrase: [slot] or null, fields: [field number],
  //        prohibited, optional (a stop word, or a letter, being typed: it narrows nothing), letter,
  //        short (a single letter being typed, stop word or not: it finds nothing of its own)}
  // slot: the term numbers (stop words negative) a phrase's token may be.
  function plainUnits(lunr, index, parts, typing, outcome) {
    var allFields = index.fields.map(function (_, f) { return f; }), units = [];
    var lastPart = parts[parts.length - 1].text ? parts.length - 1 : parts.length - 2;
    parts.forEach(function (part, partNumber) {
      var words = queryWords(lunr, part.text);
      var lastWord = words.length ? words[words.length - 1].word : "";
      var unfinished = typing && partNumber === lastPart && lastWord !== "" && (part.phrase ? !part.closed : true) &&
        WORD_END.test(part.text) && part.text.toLowerCase().slice(-lastWord.length) === lastWord; // as typed, to the end
      var kept = [];
      if (unfinished && lastWord.length >= COMPLETE_FROM) outcome.completing = lastWord;
      words.forEach(function (entry, position) {
        var last = unfinished && position === words.length - 1;
        if (!entry.word) {
          if (entry.raw.trim()) outcome.ignored.push(entry.raw);
          return;
        }
        kept.push({ word: entry.word, stop: isStopWord(lunr, entry.word), unfinished: last });
      });
      if (part.phrase && kept.filter(function (entry) { return !entry.stop || entry.unfinished; }).length > 0 && kept.length > 1) {
        units.push(phraseUnit(lunr, index, kept, allFields, part));
        return;
      }
      kept.forEach(function (entry) {
        if (entry.stop && !entry.unfinished) {
          if (outcome.common.indexOf(entry.word) < 0) outcome.common.push(entry.word);
          return;
        }
        units.push(wordUnit(lunr, index, entry, allFields));
      });
    });
    return units;
  }

  function wordTerms(lunr, index, entry) {
    var exact = entry.stop ? undefined : index.number(stem(lunr, entry.word));
    var terms = exact === undefined ? [] : [exact];
    if (entry.unfinished && entry.word.length >= COMPLETE_FROM) {
      index.completions(entry.word).forEach(function (number) { if (number !== exact) terms.push(number); });
    }
    return { exact: exact, terms: terms };
  }

  // A word being typed that is a stop word, or a single letter, narrows nothing yet (unless it
  // is all there is): "segmentation t" shows what "segmentation" finds until "tr" (a letter
  // does not even reorder it: see plainSearch).
  function wordUnit(lunr, index, entry, fields) {
    var presence = lunr.Query.presence, found = wordTerms(lunr, index, entry);
    var letter = entry.unfinished && !entry.stop && entry.word.length < COMPLETE_FROM, optional = entry.stop || letter;
    var clauses = [{ fields: fields, boost: 1, presence: optional ? presence.OPTIONAL : presence.REQUIRED, terms: found.terms }];
    if (entry.unfinished && found.exact !== undefined && !optional) {
      clauses.push({ fields: fields, boost: EXACT_BOOST, presence: presence.OPTIONAL, terms: [found.exact] });
    }
    var short = entry.unfinished && entry.word.length < COMPLETE_FROM;
    return { label: entry.word, clauses: clauses, phrase: null, fields: fields, optional: optional, letter: letter, short: short };
  }

  function phraseUnit(lunr, index, kept, fields, part) {
    var presence = lunr.Query.presence, clauses = [], slots = [];
    kept.forEach(function (entry) {
      if (entry.stop && !entry.unfinished) {
        var number = index.stopNumber(entry.word);
        slots.push(number === undefined ? [] : [number]);
        return;
      }
      var found = wordTerms(lunr, index, entry);
      if (entry.stop) { // a stop word being typed: itself, or a word it begins
        var stopNumber = index.stopNumber(entry.word);
        if (stopNumber !== undefined) found.terms.push(stopNumber);
      } else {
        clauses.push({ fields: fields, boost: 1, presence: presence.REQUIRED, terms: found.terms });
      }
      slots.push(found.terms);
    });
    var label = "\u201c" + kept.map(function (entry) { return entry.word; }).join(" ") + "\u201d";
    return { label: label, clauses: clauses, phrase: slots, fields: fields, prohibited: part.presence === "-" };
  }

  // Does the document hold the phrase (its slots in a row) in one of the unit's fields? Each
  // slot's positions in the field, from the index's positions files.
  function holdsPhrase(index, unit, doc) {
    var slots = unit.slots || (unit.slots = unit.phrase.map(function (numbers) { return Array.from(new Set(numbers)); }));
    return unit.fields.some(function (f) {
      var places = slots.map(function (numbers) {
        var found = new Set();
        numbers.forEach(function (number) {
          var at = index.positions(number, doc, f);
          for (var i = 0; i < at.length; i++) found.add(at[i]);
        });
        return found;
      });
      var starts = Array.from(places[0]);
      for (var s = 0; s < starts.length; s++) {
        var k = 1;
        while (k < places.length && places[k].has(starts[s] + k)) k++;
        if (k === places.length) return true;
      }
      return false;
    });
  }

  // The documents holding a unit (every term of a phrase's clauses, then the phrase itself):
  // {size, holds: a byte per document, 1 if it does}.
  function unitDocs(lunr, index, unit) {
    if (!unit.docs) {
      var required = unit.clauses.filter(function (clause) { return clause.presence === lunr.Query.presence.REQUIRED; });
      var holds = new Uint8Array(index.docCount), size = 0;
      if (required.length) {
        var docs = scoreClauses(lunr, index, required).docs;
        for (var i = 0; i < docs.length; i++) if (!unit.phrase || holdsPhrase(index, unit, docs[i])) holds[docs[i]] = 1;
      } else {
        for (var doc = 0; doc < index.docCount; doc++) holds[doc] = !unit.phrase || holdsPhrase(index, unit, doc) ? 1 : 0;
      }
      for (var d = 0; d < holds.length; d++) size += holds[d];
      unit.docs = { size: size, holds: holds };
    }
    return unit.docs;
  }

  function plainSearch(lunr, index, parts, typing, best) {
    var outcome = emptyOutcome(), units = plainUnits(lunr, index, parts, typing, outcome);
    var needed = units.filter(function (unit) { return !unit.optional; });
    var short = units.filter(function (unit) { return unit.short; })[0];
    if (!needed.length && units.length && units[0].clauses[0].terms.length) { // only a word being typed that
      units[0].clauses[0].presence = lunr.Query.presence.REQUIRED; // narrows nothing: what it finds ("an":
      needed = [units[0]]; // the words it begins, anatomy...; "x": the word x)
    } else {
      // After other words, a letter being typed leaves their results as they are, order too: the
      // list does not reshuffle at each first letter (nor load other papers' details) for papers
      // holding a one-letter word ("c", "x") that the next letter will most likely rule out.
      units = units.filter(function (unit) { return !unit.letter; });
    }
    outcome.units = labels(needed);
    // A letter being typed that the search leaves out is named: "a" alone is not "nothing to
    // search for", and a results page of the typed query says what it left out.
    if (short && needed.indexOf(short) < 0) outcome.waiting = short.label;
    if (!needed.length) return outcome;
    var clauses = [].concat.apply([], units.map(function (unit) { return unit.clauses; }));
    var scored = scoreClauses(lunr, index, clauses), phrases = needed.filter(function (unit) { return unit.phrase; });
    var found = phrases.length ? keptWhere(scored, function (doc) {
      return phrases.every(function (unit) { return holdsPhrase(index, unit, doc); });
    }) : scored;
    outcome.found = found.docs.length;
    outcome.results = ranked(found, best);
    outcome.termsOf = function (doc) { return matchedTerms(index, scored.weights, doc); };
    if (outcome.found) return outcome;
    outcome.missing = labels(needed.filter(function (unit) { return !unitDocs(lunr, index, unit).size; }));
    if (outcome.units.length > 1) partialMatches(lunr, index, units, needed, outcome, best);
    return outcome;
  }

  // The units' labels, each once ("a a" has one word).
  function labels(units) {
    var seen = [];
    units.forEach(function (unit) { if (seen.indexOf(unit.label) < 0) seen.push(unit.label); });
    return seen;
  }

  // Papers with some of the units, most units first, then by the score of any of the words.
  function partialMatches(lunr, index, units, needed, outcome, best) {
    var presence = lunr.Query.presence;
    var anyWord = [].concat.apply([], units.map(function (unit) {
      return unit.clauses.map(function (clause) {
        return { fields: clause.fields, boost: clause.boost, presence: presence.OPTIONAL, terms: clause.terms };
      });
    }));
    var scored = scoreClauses(lunr, index, anyWord);
    var holding = needed.map(function (unit) { return unitDocs(lunr, index, unit).holds; });
    var lacksOf = new Map(); // the units a paper lacks (their numbers, joined) -> their labels: one array for papers alike
    var docs = [], scores = [], lacked = [];
    scored.docs.forEach(function (doc, at) {
      var key = "";
      for (var u = 0; u < holding.length; u++) if (!holding[u][doc]) key += u + " ";
      var lacks = lacksOf.get(key);
      if (!lacks) lacksOf.set(key, lacks = labels(needed.filter(function (_, u) { return !holding[u][doc]; })));
      if (lacks.length === outcome.units.length) return;
      docs.push(doc);
      scores.push(scored.scores[at]);
      lacked.push(lacks);
    });
    outcome.partialFound = docs.length;
    outcome.partial = ranked({ docs: docs, scores: scores }, best, lacked);
    outcome.termsOf = function (doc) { return matchedTerms(index, scored.weights, doc); };
  }

  // A query in lunr's syntax, parsed by lunr.js, its terms expanded as lunr.Index#query would;
  // quoted phrases (+, - and a field allowed before them) filter its results.
  function syntaxSearch(lunr, index, parts, outside, best, text) {
    var outcome = emptyOutcome(), clauses = [], phrases = [];
    if (outside.trim()) {
      var query = new lunr.Query(index.fields);
      new lunr.QueryParser(fieldNames(index.fields, outside), query).parse();
      query.clauses.forEach(function (clause) {
        if (!clause.term.replace(/\*/g, "")) {
          throw new lunr.QueryParseError("\u201c*\u201d alone would match every paper: put letters before or after it, as in segm*", 0, 0);
        }
        clauses.push(syntaxClause(lunr, index, clause));
      });
    }
    parts.forEach(function (part) {
      if (!part.phrase) return;
      var fields = part.field ? [index.fields.indexOf(part.field.toLowerCase())] : index.fields.map(function (_, f) { return f; });
      if (fields[0] < 0) throw new lunr.QueryParseError("unrecognised field '" + part.field + "', possible fields: " + index.fields.join(", "), 0, 0);
      var kept = queryWords(lunr, part.text).filter(function (entry) { return entry.word; }).map(function (entry) {
        return { word: entry.word, stop: isStopWord(lunr, entry.word), unfinished: false };
      });
      if (!kept.some(function (entry) { return !entry.stop; })) { // stop words alone (or nothing): named
        kept.forEach(function (entry) { if (outcome.common.indexOf(entry.word) < 0) outcome.common.push(entry.word); });
        return;
      }
      var unit = phraseUnit(lunr, index, kept, fields, part);
      phrases.push(unit);
      if (!unit.prohibited) clauses = clauses.concat(unit.clauses);
    });
    // The query is one unit, as lunr.js reads it: a search that finds nothing is "No papers match",
    // not "Nothing to search for" (`author:jones` has a word to search for).
    if (clauses.length || phrases.length) outcome.units = [text];
    else return outcome; // nothing to search for (title:"the"), not every paper
    var scored = scoreClauses(lunr, index, clauses);
    if (!clauses.length) { // only phrases to leave out: as lunr.js's -word alone, every other paper
      scored.docs = Int32Array.from({ length: index.docCount }, function (_, doc) { return doc; });
      scored.scores = new Float64Array(index.docCount);
    }
    var found = phrases.length ? keptWhere(scored, function (doc) {
      return phrases.every(function (unit) { return holdsPhrase(index, unit, doc) !== Boolean(unit.prohibited); });
    }) : scored;
    outcome.found = found.docs.length;
    outcome.results = ranked(found, best);
    outcome.termsOf = function (doc) { return matchedTerms(index, scored.weights, doc); };
    return outcome;
  }

  function syntaxClause(lunr, index, clause) {
    var term = clause.usePipeline ? stem(lunr, clause.term) : clause.term, terms;
    if ("editDistance" in clause || term.indexOf("*") >= 0) { // expanded in lunr.js's order (its TokenSet's)
      var pattern = "editDistance" in clause ? { term: term, editDistance: clause.editDistance } : { term: term };
      terms = index.matching(pattern);
    } else {
      terms = index.number(term) === undefined ? [] : [index.number(term)];
    }
    var fields = clause.fields.map(function (name) { return index.fields.indexOf(name); });
    return { fields: fields, boost: clause.boost, presence: clause.presence, terms: terms };
  }

  // ---- "Did you mean" ----

  // Up to SUGGESTIONS queries, each the reader's with every absent word replaced by an indexed
  // word within 1 (words of 3-5 letters) or 2 (longer words) edits, that find papers.
  function suggestions(lunr, index, parts, missing) {
    var replacements = missing.map(function (label) { return closeWords(index, label); });
    if (!replacements.some(function (words) { return words.length; })) return [];
    var found = [];
    for (var k = 0; k < SUGGESTIONS && found.length < SUGGESTIONS; k++) {
      var changed = false, query = rebuild(parts, function (word) {
        var at = missing.indexOf(word), words = at >= 0 ? replacements[at] : [];
        if (!words.length) return word;
        changed = true;
        return words[Math.min(k, words.length - 1)];
      });
      if (!changed || found.indexOf(query) >= 0) continue;
      if (search(lunr, index, query, { best: 1 }).results.length) found.push(query); // finds some: no order needed
    }
    return found;
  }

  // The reader's query again, each plain word passed through `replace` (phrases kept whole).
  function rebuild(parts, replace) {
    return parts.map(function (part) {
      if (part.phrase) return (part.presence || "") + (part.field ? part.field + ":" : "") + "\"" + part.text + "\"";
      return part.text.split(/([\s\-]+)/).map(function (piece) {
        var core = piece.toLowerCase().replace(/^\W+/, "").replace(/\W+$/, "");
        return core ? piece.toLowerCase().replace(core, replace(core)) : piece;
      }).join("");
    }).join(" ").replace(/\s+/g, " ").trim();
  }

  // Indexed words close to `word`: fewest edits first, then the most used.
  function closeWords(index, word) {
    if (word.length < 3 || word.length > 40 || word.charAt(0) === "\u201c") return [];
    var limit = word.length <= 5 ? 1 : 2, found = [];
    index.wordsOfLengths(word.length - limit, word.length + limit).forEach(function (list) {
      list.words.forEach(function (candidate, at) {
        var distance = editDistance(word, candidate, limit);
        if (distance > 0 && distance <= limit) found.push({ word: candidate, distance: distance, term: list.terms[at], used: list.used[at] });
      });
    });
    found.sort(function (a, b) {
      return a.distance - b.distance || b.used - a.used || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0);
    });
    var terms = new Set(); // one word per term: "segmentation" and "segmentations" find the same papers
    return found.filter(function (entry) {
      if (terms.has(entry.term)) return false;
      terms.add(entry.term);
      return true;
    }).slice(0, SUGGESTIONS).map(function (entry) { return entry.word; });
  }

  // Edits (insert, delete, substitute, swap two neighbours) from a to b; limit + 1 once over.
  // Three rows of the table, reused (words here have at most 42 letters).
  var editRows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

  function editDistance(a, b, limit) {
    var before = editRows[0], previous = editRows[1], row = editRows[2], i, j;
    for (j = 0; j <= b.length; j++) previous[j] = j;
    for (i = 1; i <= a.length; i++) {
      var smallest = row[0] = i, ai = a.charCodeAt(i - 1);
      for (j = 1; j <= b.length; j++) {
        var bj = b.charCodeAt(j - 1), value = previous[j - 1] + (ai === bj ? 0 : 1);
        if (previous[j] + 1 < value) value = previous[j] + 1;
        if (row[j - 1] + 1 < value) value = row[j - 1] + 1;
        if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj && before[j - 2] + 1 < value) {
          value = before[j - 2] + 1;
        }
        row[j] = value;
        if (value < smallest) smallest = value;
      }
      if (smallest > limit) return limit + 1;
      var oldest = before;
      before = previous;
      previous = row;
      row = oldest;
    }
    return previous[b.length];
  }

  var exported = {
    INDEX_FORMAT: INDEX_FORMAT, openIndex: openIndex, search: search, searchLoaded: searchLoaded, whenLoaded: whenLoaded,
    emptyOutcome: emptyOutcome, fold: fold
  };
  if (typeof module === "object" && module.exports) module.exports = exported;
  else window.SITEGEN_SEARCH_ENGINE = exported;
})();
