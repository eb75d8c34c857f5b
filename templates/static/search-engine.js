/* sitegen search engine: lunr.js's scoring over the index sitegen builds, plus phrases, partial
 * matches and suggestions. search.js loads it with lunr.js and the index when search is first
 * used; the tests run it in Node (module.exports).
 *
 * The index (sitegen/search.py) holds each document's tokens; from them this script derives
 * lunr.js's postings and scores queries from the postings of their terms, exactly as
 * lunr.Index#query scores them (BM25, to the bit), so no lunr.Index is ever built. lunr.js
 * tokenizes, stems and parses queries.
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

  var INDEX_FORMAT = 4; // sitegen/search.py's INDEX_FORMAT
  var EXACT_BOOST = 10; // while typing, a whole word outranks the words it is only the beginning of
  var COMPLETE_FROM = 2; // letters a last word needs before it also matches words it begins
  var SUGGESTIONS = 3;
  var QUOTE = /["\u201c\u201d\u201e]/;
  var WORD_END = /[A-Za-z0-9_]$/; // lunr.trimmer keeps a word's last character only if it is one of these

  // ---- the index ----
  // Each shard has its own word list (index terms and stop words, the most frequent first) and
  // every document's fields as token codes. One pass over the tokens numbers the terms as
  // lunr.js does (in order of first occurrence: document, field, token), counts each field's
  // length and each term's frequency in each field: lunr.Builder's state after adding every
  // document. Scores then sum in lunr.Vector#dot's order (ascending term numbers), to the bit.

  var COMMA = 44, LEAD_A = 65, LEAD_Z = 90;

  // Reads every shard's tokens: terms numbered, field lengths, postings, where each document's
  // tokens start. A posting (as many as the shards say they hold) is a place (document * field
  // count + field), a term frequency and the term's previous posting: each term's postings are
  // chained from its last (`lastOf`), and gathered when a query first needs them. Stop words get
  // negative numbers (-1, -2, ...): they hold a place in a phrase, not in the index.
  function readShards(data, fieldCount) {
    var docCount = 0, wordCount = 0, postingCount = 0;
    data.shards.forEach(function (shard) {
      docCount += shard.docs.length;
      wordCount += shard.words.length;
      postingCount += shard.postings;
    });
    var read = {
      terms: [], numbers: new Map(), stopNumbers: new Map(), docCount: docCount, codeNumbers: [],
      lengths: [], starts: new Int32Array(docCount), shardOf: new Int32Array(docCount),
      postings: { size: 0, places: new Int32Array(postingCount), counts: new Int32Array(postingCount),
        previous: new Int32Array(postingCount), lastOf: new Int32Array(wordCount + 1), perTerm: new Int32Array(wordCount + 1) }
    };
    for (var f = 0; f < fieldCount; f++) read.lengths.push(new Int32Array(docCount));
    var scratch = { frequency: new Int32Array(wordCount + 1), inField: new Int32Array(wordCount + 1) };
    var offset = 0;
    data.shards.forEach(function (shard, shardNumber) {
      readShard(read, shard, shardNumber, offset, fieldCount, scratch);
      offset += shard.docs.length;
    });
    return read;
  }

  function readShard(read, shard, shardNumber, offset, fieldCount, scratch) {
    var numberOf = new Int32Array(shard.words.length), UNSEEN = 0x7fffffff;
    numberOf.fill(UNSEEN);
    shard.stops.forEach(function (code) { numberOf[code] = stopNumber(read, shard.words[code]); });
    var frequency = scratch.frequency, inField = scratch.inField, terms = 0; // in this field
    var postings = read.postings, places = postings.places, counts = postings.counts, previous = postings.previous;
    var lastOf = postings.lastOf, perTerm = postings.perTerm;
    var size = postings.size, lengths = read.lengths, starts = read.starts, shardOf = read.shardOf;
    var tokens = shard.tokens, end = offset + shard.docs.length, doc = offset, field = 0, length = 0, lead = 0;
    if (doc < end) { starts[doc] = 0; shardOf[doc] = shardNumber; }
    for (var i = 0; i < tokens.length; i++) {
      var c = tokens.charCodeAt(i);
      if (c >= LEAD_A && c <= LEAD_Z) {
        lead = lead * 26 + (c - LEAD_A);
        continue;
      }
      if (c === COMMA) { // the end of a field
        var place = doc * fieldCount + field;
        for (var t = 0; t < terms; t++) {
          var term = inField[t];
          places[size] = place;
          counts[size] = frequency[term];
          previous[size] = perTerm[term]++ ? lastOf[term] : -1;
          lastOf[term] = size++;
          frequency[term] = 0;
        }
        lengths[field][doc] = length;
        terms = length = 0;
        if (++field === fieldCount) {
          field = 0;
          if (++doc < end) { starts[doc] = i + 1; shardOf[doc] = shardNumber; }
        }
        continue;
      }
      var code = lead * 36 + (c <= 57 ? c - 48 : c - 87); // 0-9, a-z
      lead = 0;
      var number = numberOf[code];
      if (number === UNSEEN) number = numberOf[code] = termNumber(read, shard.words[code]);
      if (number < 0) continue; // a stop word: not indexed, not counted
      length++;
      if (frequency[number]++ === 0) inField[terms++] = number; // first in this field
    }
    postings.size = size;
    read.codeNumbers.push(numberOf);
  }

  function termNumber(read, term) {
    var number = read.numbers.get(term);
    if (number === undefined) {
      number = read.terms.length;
      read.numbers.set(term, number);
      read.terms.push(term);
    }
    return number;
  }

  function stopNumber(read, word) {
    var number = read.stopNumbers.get(word);
    if (number === undefined) read.stopNumbers.set(word, number = -1 - read.stopNumbers.size);
    return number;
  }

  // The words of the text behind each term (for completions and suggestions), found in the
  // shards' surfaces: per code, entries joined by spaces, each the number of the term's last
  // letters to drop and the letters to add, or "=" and the whole word.
  // A word is listed once per shard it is in (looking words up costs more than the repeats).
  function readVocabulary(data, read) {
    var words = [], termOf = [];
    data.shards.forEach(function (shard, shardNumber) {
      var numberOf = read.codeNumbers[shardNumber], surfaces = shard.surfaces, shardWords = shard.words;
      for (var code = 0; code < surfaces.length; code++) {
        if (!surfaces[code]) continue;
        var term = shardWords[code], entries = surfaces[code].split(" "), number = numberOf[code];
        for (var e = 0; e < entries.length; e++) {
          var entry = entries[e], first = entry.charCodeAt(0);
          words.push(first === 61 ? entry.slice(1) : term.slice(0, term.length - (first - 48)) + entry.slice(1)); // 61: "="
          termOf.push(number);
        }
      }
    });
    return { words: words, termOf: termOf, byStart: new Map() };
  }

  // The positions of the words that begin with these (two) characters, found when first asked.
  function wordsBeginning(vocab, start) {
    var found = vocab.byStart.get(start);
    if (found) return found;
    found = [];
    var all = vocab.words, first = start.charCodeAt(0), second = start.charCodeAt(1);
    for (var at = 0; at < all.length; at++) {
      if (all[at].charCodeAt(0) === first && all[at].charCodeAt(1) === second) found.push(at);
    }
    vocab.byStart.set(start, found);
    return found;
  }

  function openIndex(lunr, data) {
    var fields = data.fields.map(function (field) { return field[0]; });
    var boosts = data.fields.map(function (field) { return field[1]; });
    var fieldCount = fields.length, read = readShards(data, fieldCount), docCount = read.docCount;
    var chained = read.postings;
    var averageLength = read.lengths.map(function (perDoc) {
      var sum = 0;
      for (var i = 0; i < perDoc.length; i++) sum += perDoc[i];
      return sum / docCount;
    });
    var docs = [];
    data.shards.forEach(function (shard) {
      shard.docs.forEach(function (doc) {
        docs.push({ url: doc[0], title: doc[1], date: doc[2], snippet: doc[4], byline: doc[5] || "",
          topics: doc[3].map(function (t) { return shard.topics[t]; }) });
      });
    });
    var cache = new Map(), vocabulary = null, completed = new Map(), tokenSet = null, sorted = null;
    var wordBuffer = new Int32Array(4096), fieldStarts = new Int32Array(fieldCount + 1);

    // lunr.Builder#createFieldVectors's BM25, the same operations in the same order.
    function score(idf, f, doc, tf) {
      var k1 = 1.2, b = 0.75;
      var value = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (read.lengths[f][doc] / averageLength[f])) + tf);
      value *= boosts[f];
      value *= 1; // the document boost
      return Math.round(value * 1000) / 1000;
    }

    // A term's postings in document order: fields, documents, BM25 scores (typed arrays).
    function postings(number) {
      var found = cache.get(number);
      if (found) return found;
      var count = chained.perTerm[number];
      found = { fields: new Uint8Array(count), docs: new Int32Array(count), scores: new Float64Array(count) };
      var idf = Math.log(1 + Math.abs((docCount - count + 0.5) / (count + 0.5))); // lunr.idf: (field, document) pairs
      for (var i = count - 1, at = chained.lastOf[number]; i >= 0; i--, at = chained.previous[at]) {
        var place = chained.places[at], doc = (place / fieldCount) | 0, f = place - doc * fieldCount;
        found.fields[i] = f;
        found.docs[i] = doc;
        found.scores[i] = score(idf, f, doc, chained.counts[at]);
      }
      cache.set(number, found);
      return found;
    }

    function words() {
      return vocabulary || (vocabulary = readVocabulary(data, read));
    }

    return {
      fields: fields,
      docCount: docCount,
      docs: docs,
      dots: fields.map(function () { return new Float64Array(docCount); }),
      stamp: new Int32Array(docCount), // per document: the dot products that last touched it
      stamps: 0,
      marks: { // see scoreClauses
        stamps: 0, clauses: 0, seen: new Int32Array(docCount), hits: new Int32Array(docCount),
        met: new Int32Array(docCount), barred: new Uint8Array(docCount),
        order: new Int32Array(docCount), ordered: new Uint8Array(docCount)
      },
      postings: postings,
      number: function (term) { return read.numbers.get(term); },
      term: function (number) { return read.terms[number]; },
      stopNumber: function (word) { return read.stopNumbers.get(word); },
      // How many (field, document) pairs hold the term.
      frequency: function (number) { return chained.perTerm[number]; },
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
      // The document's words: term numbers, stop words negative, in `words` (a buffer reused by
      // the next call) with field f's from starts[f] to starts[f + 1]. Tokens with no letter or
      // digit (the empty term, e.g. "-" or "(") are left out: a phrase runs across them.
      docTokens: function (doc) {
        var shard = read.shardOf[doc], tokens = data.shards[shard].tokens, numberOf = read.codeNumbers[shard];
        var at = read.starts[doc], lead = 0, empty = read.numbers.get(""), field = 0, size = 0;
        var words = wordBuffer, starts = fieldStarts;
        starts[0] = 0;
        for (; at < tokens.length; at++) {
          var c = tokens.charCodeAt(at);
          if (c >= LEAD_A && c <= LEAD_Z) { lead = lead * 26 + (c - LEAD_A); continue; }
          if (c === COMMA) {
            starts[++field] = size;
            if (field === fieldCount) break;
            continue;
          }
          var number = numberOf[lead * 36 + (c <= 57 ? c - 48 : c - 87)];
          lead = 0;
          if (number === empty) continue;
          if (size === words.length) {
            words = new Int32Array(size * 2);
            words.set(wordBuffer);
            wordBuffer = words;
          }
          words[size++] = number;
        }
        return { words: words, starts: starts };
      },
      // Term numbers of the indexed words that begin with `prefix`, the term of `prefix` aside.
      completions: function (prefix) {
        var found = completed.get(prefix);
        if (found) return found;
        var vocab = words(), numbers = new Set();
        wordsBeginning(vocab, prefix.slice(0, COMPLETE_FROM)).forEach(function (at) {
          if (vocab.words[at].lastIndexOf(prefix, 0) === 0) numbers.add(vocab.termOf[at]);
        });
        found = Array.from(numbers).sort(function (a, b) { return a - b; });
        if (completed.size > 200) completed.clear();
        completed.set(prefix, found);
        return found;
      },
      vocabulary: words,
      // Terms matching a lunr clause with a wildcard or an edit distance, in lunr.js's order.
      matching: function (clause) {
        sorted = sorted || read.terms.slice().sort();
        tokenSet = tokenSet || lunr.TokenSet.fromArray(sorted);
        return tokenSet.intersect(lunr.TokenSet.fromClause(clause)).toArray().map(function (term) {
          return read.numbers.get(term);
        });
      }
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

  // ---- scoring, as lunr.Index#query scores ----
  // A query needs the postings of its few terms only, not lunr.Index's vectors of every
  // document. Scores are lunr.js's: per field, the dot product of the query vector (each term's
  // summed clause boosts) and the document's BM25 vector, over the query vector's magnitude,
  // summed over fields; required and prohibited clauses filter as lunr.js's do.

  // clauses: [{fields: [field number], boost, presence (lunr.Query.presence), terms: [number]}]
  // -> {results: [{doc, score}] best first, weights: the query vector (see queryVector)}.
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
            order[doc] = (order[doc] << 3) | (f + 1); // the first field in the highest bits
          }
        }
      });
    });
    var weights = queryVector(lunr, index, clauses), scored = dotProducts(index, weights), results = [];
    var candidates = onlyProhibited ? Array.from({ length: index.docCount }, function (_, doc) { return doc; }) : scored.touched;
    var fieldsInOrder = [];
    candidates.forEach(function (doc) {
      var marked = seen[doc] === stamp;
      if ((required && !(marked && hits[doc] === required)) || (marked && barred[doc])) return;
      var score = 0;
      fieldsInOrder.length = 0;
      for (var packed = onlyProhibited ? 0 : order[doc]; packed; packed >>>= 3) fieldsInOrder.push((packed & 7) - 1);
      for (var k = fieldsInOrder.length - 1; k >= 0; k--) { // lunr.Index#query adds them up in this order
        var f = fieldsInOrder[k];
        score += scored.magnitudes[f] ? index.dots[f][doc] / scored.magnitudes[f] : 0;
      }
      results.push({ doc: doc, score: score });
    });
    results.sort(byScore);
    return { results: results, weights: weights };
  }

  function fieldMask(fields) {
    var mask = 0;
    fields.forEach(function (f) { mask |= 1 << f; });
    return mask;
  }

  function byScore(a, b) { return b.score - a.score || a.doc - b.doc; }

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
    var numbers = Array.from(weights.keys()).sort(function (a, b) { return a - b; });
    var magnitudes = index.fields.map(function (_, f) {
      var squares = 0;
      numbers.forEach(function (number) {
        var entry = weights.get(number);
        if (entry.mask & (1 << f)) squares += entry.values[f] * entry.values[f];
      });
      return Math.sqrt(squares);
    });
    var touched = [], seen = index.stamp, stamp = ++index.stamps, dots = index.dots, fieldCount = index.fields.length;
    numbers.forEach(function (number) {
      var found = index.postings(number), entry = weights.get(number), mask = entry.mask, values = entry.values;
      var docs = found.docs, fields = found.fields, scores = found.scores;
      for (var i = 0; i < docs.length; i++) {
        var f = fields[i], doc = docs[i];
        if (!(mask & (1 << f))) continue;
        if (seen[doc] !== stamp) {
          seen[doc] = stamp;
          touched.push(doc);
          for (var g = 0; g < fieldCount; g++) dots[g][doc] = 0;
        }
        dots[f][doc] += values[f] * scores[i];
      }
    });
    return { magnitudes: magnitudes, touched: touched };
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

  // {results: [{doc, score}], partial: [{doc, score, lacks}], units, missing, ignored, common,
  //  suggestions, notes, error, completing (the word being typed, if completed), termsOf(doc) ->
  //  Set of stems}. options.typing: the query is still being typed (its last word, with no
  //  space after it, also matches words it begins).
  function search(lunr, index, text, options) {
    var typing = Boolean(options && options.typing), outcome;
    text = String(text).replace(/\s+$/, typing ? " " : "").replace(/^\s+/, "");
    if (!text.trim()) return emptyOutcome();
    var parts = splitPhrases(text);
    var outside = parts.filter(function (part) { return !part.phrase; }).map(function (part) { return part.text; }).join(" ");
    var fieldPhrase = parts.some(function (part) { return part.phrase && (part.presence || part.field); });
    try {
      outcome = usesSyntax(index.fields, outside) || fieldPhrase ?
        syntaxSearch(lunr, index, parts, outside) : plainSearch(lunr, index, parts, typing);
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
      results: [], partial: [], units: [], missing: [], ignored: [], common: [], suggestions: [],
      notes: [], error: null, completing: null, termsOf: function () { return new Set(); }
    };
  }

  // A unit is what a reader expects a paper to hold: a word, or a phrase.
  // unit: {label, clauses: [clause], phrase: [slot] or null, fields: [field number],
  //        prohibited, optional (a stop word, or a letter, being typed: it narrows nothing)}
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
  // is all there is): "segmentation t" shows what "segmentation" finds until "tr".
  function wordUnit(lunr, index, entry, fields) {
    var presence = lunr.Query.presence, found = wordTerms(lunr, index, entry);
    var optional = entry.stop || (entry.unfinished && entry.word.length < COMPLETE_FROM);
    var clauses = [{ fields: fields, boost: 1, presence: optional ? presence.OPTIONAL : presence.REQUIRED, terms: found.terms }];
    if (entry.unfinished && found.exact !== undefined && !optional) {
      clauses.push({ fields: fields, boost: EXACT_BOOST, presence: presence.OPTIONAL, terms: [found.exact] });
    }
    return { label: entry.word, clauses: clauses, phrase: null, fields: fields, optional: optional };
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

  // Does the document hold the phrase (its slots in a row) in one of the unit's fields?
  function holdsPhrase(index, unit, doc) {
    var slots = unit.slots || (unit.slots = unit.phrase.map(function (numbers) { return new Set(numbers); }));
    var found = index.docTokens(doc), words = found.words, starts = found.starts;
    return unit.fields.some(function (f) {
      for (var start = starts[f]; start + slots.length <= starts[f + 1]; start++) {
        var k = 0;
        while (k < slots.length && slots[k].has(words[start + k])) k++;
        if (k === slots.length) return true;
      }
      return false;
    });
  }

  // The documents holding a unit (every term of a phrase's clauses, then the phrase itself).
  function unitDocs(lunr, index, unit) {
    if (!unit.docs) {
      var required = unit.clauses.filter(function (clause) { return clause.presence === lunr.Query.presence.REQUIRED; });
      var docs = required.length ? scoreClauses(lunr, index, required).results.map(function (r) { return r.doc; }) :
        Array.from({ length: index.docCount }, function (_, doc) { return doc; });
      unit.docs = new Set(unit.phrase ? docs.filter(function (doc) { return holdsPhrase(index, unit, doc); }) : docs);
    }
    return unit.docs;
  }

  function plainSearch(lunr, index, parts, typing) {
    var outcome = emptyOutcome(), units = plainUnits(lunr, index, parts, typing, outcome);
    var needed = units.filter(function (unit) { return !unit.optional; });
    if (!needed.length && units.length && units[0].clauses[0].terms.length) { // only a word being typed that
      units[0].clauses[0].presence = lunr.Query.presence.REQUIRED; // narrows nothing: what it finds ("an":
      needed = [units[0]]; // the words it begins, anatomy...; "x": the word x)
    }
    outcome.units = labels(needed);
    if (!needed.length) return outcome;
    var clauses = [].concat.apply([], units.map(function (unit) { return unit.clauses; }));
    var scored = scoreClauses(lunr, index, clauses), phrases = needed.filter(function (unit) { return unit.phrase; });
    outcome.results = scored.results.filter(function (result) {
      return phrases.every(function (unit) { return holdsPhrase(index, unit, result.doc); });
    });
    outcome.termsOf = function (doc) { return matchedTerms(index, scored.weights, doc); };
    if (outcome.results.length) return outcome;
    outcome.missing = labels(needed.filter(function (unit) { return !unitDocs(lunr, index, unit).size; }));
    if (outcome.units.length > 1) partialMatches(lunr, index, units, needed, outcome);
    return outcome;
  }

  // The units' labels, each once ("a a" has one word).
  function labels(units) {
    var seen = [];
    units.forEach(function (unit) { if (seen.indexOf(unit.label) < 0) seen.push(unit.label); });
    return seen;
  }

  // Papers with some of the units, most units first, then by the score of any of the words.
  function partialMatches(lunr, index, units, needed, outcome) {
    var presence = lunr.Query.presence;
    var anyWord = [].concat.apply([], units.map(function (unit) {
      return unit.clauses.map(function (clause) {
        return { fields: clause.fields, boost: clause.boost, presence: presence.OPTIONAL, terms: clause.terms };
      });
    }));
    var scored = scoreClauses(lunr, index, anyWord);
    needed.forEach(function (unit) { unitDocs(lunr, index, unit); });
    scored.results.forEach(function (result) {
      var lacks = labels(needed.filter(function (unit) { return !unit.docs.has(result.doc); }));
      if (lacks.length < outcome.units.length) outcome.partial.push({ doc: result.doc, score: result.score, lacks: lacks });
    });
    outcome.partial.sort(function (a, b) { return a.lacks.length - b.lacks.length || byScore(a, b); });
    outcome.termsOf = function (doc) { return matchedTerms(index, scored.weights, doc); };
  }

  // A query in lunr's syntax, parsed by lunr.js, its terms expanded as lunr.Index#query would;
  // quoted phrases (+, - and a field allowed before them) filter its results.
  function syntaxSearch(lunr, index, parts, outside) {
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
      if (!kept.some(function (entry) { return !entry.stop; })) return;
      var unit = phraseUnit(lunr, index, kept, fields, part);
      phrases.push(unit);
      if (!unit.prohibited) clauses = clauses.concat(unit.clauses);
    });
    var scored = scoreClauses(lunr, index, clauses);
    if (!clauses.length) { // only phrases to leave out: as lunr.js's -word alone, every other paper
      scored.results = Array.from({ length: index.docCount }, function (_, doc) { return { doc: doc, score: 0 }; });
    }
    outcome.results = scored.results.filter(function (result) {
      return phrases.every(function (unit) { return holdsPhrase(index, unit, result.doc) !== Boolean(unit.prohibited); });
    });
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
      if (search(lunr, index, query).results.length) found.push(query);
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
    var limit = word.length <= 5 ? 1 : 2, vocab = distinctWords(index), found = [];
    vocab.words.forEach(function (candidate, at) {
      if (Math.abs(candidate.length - word.length) > limit) return;
      var distance = editDistance(word, candidate, limit);
      if (distance > 0 && distance <= limit) found.push({ word: candidate, distance: distance, term: vocab.termOf[at], used: index.frequency(vocab.termOf[at]) });
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

  // The vocabulary without the repeats of words found in several shards (made when first needed).
  function distinctWords(index) {
    var vocab = index.vocabulary();
    if (!vocab.distinct) {
      var seen = new Set(), distinct = { words: [], termOf: [] };
      vocab.words.forEach(function (word, at) {
        if (seen.has(word)) return;
        seen.add(word);
        distinct.words.push(word);
        distinct.termOf.push(vocab.termOf[at]);
      });
      vocab.distinct = distinct;
    }
    return vocab.distinct;
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

  var exported = { INDEX_FORMAT: INDEX_FORMAT, openIndex: openIndex, search: search, emptyOutcome: emptyOutcome };
  if (typeof module === "object" && module.exports) module.exports = exported;
  else window.SITEGEN_SEARCH_ENGINE = exported;
})();
