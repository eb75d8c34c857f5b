/* sitegen search: results as you type, a results page with filters, and highlights on the paper
 * a result opens. Offline: works from file:// and over HTTP.
 *
 * lunr.js and the index load only when search is first used, by injecting <script> tags (fetch
 * does not work from file://). The index (sitegen/search.py) holds each document's tokens; from
 * them this script derives lunr.js's postings and scores queries from the postings of their
 * terms, exactly as lunr.Index#query scores them (BM25, to the bit), so no lunr.Index is ever
 * built. lunr.js tokenizes, stems and parses queries. Paper text is untrusted: the DOM is built
 * with textContent only.
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

  var DATA_GLOBAL = "SITEGEN_SEARCH";
  var INDEX_FORMAT = 3; // sitegen/search.py's INDEX_FORMAT
  var DROPDOWN_LIMIT = 8;
  var PARTIAL_DROPDOWN_LIMIT = 5;
  var PAGE_SIZE = 100;
  var EXACT_BOOST = 10; // while typing, a whole word outranks the words it is only the beginning of
  var COMPLETE_FROM = 2; // letters a last word needs before it also matches words it begins
  var SUGGESTIONS = 3;
  var HIGHLIGHT = "highlight"; // the URL fragment's key on a paper page: #highlight=stem+stem
  var QUOTE = /["\u201c\u201d\u201e]/;
  var WORD_END = /[A-Za-z0-9_]$/; // lunr.trimmer keeps a word's last character only if it is one of these

  // ---- the index ----
  // Each shard has its own word list (index terms and stop words, the most frequent first) and
  // every document's fields as token codes. One pass over the tokens numbers the terms as
  // lunr.js does (in order of first occurrence: document, field, token), counts each field's
  // length and each term's frequency in each field: lunr.Builder's state after adding every
  // document. Scores then sum in lunr.Vector#dot's order (ascending term numbers), to the bit.

  var COMMA = 44, LEAD_A = 65, LEAD_Z = 90;

  // A growable list of postings: term number, document * field count + field, term frequency.
  function PostingList(capacity) {
    this.size = 0;
    this.terms = new Int32Array(capacity);
    this.places = new Int32Array(capacity);
    this.counts = new Int32Array(capacity);
  }
  PostingList.prototype.add = function (term, place, count) {
    if (this.size === this.terms.length) {
      var grown = new PostingList(this.size * 2 + 1024);
      grown.terms.set(this.terms);
      grown.places.set(this.places);
      grown.counts.set(this.counts);
      this.terms = grown.terms; this.places = grown.places; this.counts = grown.counts;
    }
    this.terms[this.size] = term;
    this.places[this.size] = place;
    this.counts[this.size++] = count;
  };

  // Reads every shard's tokens: terms numbered, field lengths, postings, where each document's
  // tokens start. Stop words get negative numbers (-1, -2, ...): they hold a place in a phrase.
  function readShards(data, fieldCount) {
    var docCount = 0, wordCount = 0, tokenChars = 0;
    data.shards.forEach(function (shard) {
      docCount += shard.docs.length;
      wordCount += shard.words.length;
      tokenChars += shard.tokens.length;
    });
    var read = {
      terms: [], numbers: new Map(), stopNumbers: new Map(), docCount: docCount,
      lengths: [], starts: new Int32Array(docCount), shardOf: new Int32Array(docCount),
      postings: new PostingList(Math.max(1024, tokenChars >> 2)), codeNumbers: []
    };
    for (var f = 0; f < fieldCount; f++) read.lengths.push(new Int32Array(docCount));
    var seen = new Int32Array(wordCount + 1), frequency = new Int32Array(wordCount + 1);
    var offset = 0;
    data.shards.forEach(function (shard, shardNumber) {
      readShard(read, shard, shardNumber, offset, fieldCount, seen, frequency);
      offset += shard.docs.length;
    });
    return read;
  }

  function readShard(read, shard, shardNumber, offset, fieldCount, seen, frequency) {
    var numberOf = new Int32Array(shard.words.length), UNSEEN = 0x7fffffff;
    numberOf.fill(UNSEEN);
    shard.stops.forEach(function (code) { numberOf[code] = stopNumber(read, shard.words[code]); });
    var tokens = shard.tokens, doc = offset, field = 0, length = 0, lead = 0, inField = [];
    var stamp = (doc * fieldCount) + 1; // one per (document, field): a term's last place seen
    read.starts[doc] = 0;
    read.shardOf[doc] = shardNumber;
    for (var i = 0; i < tokens.length; i++) {
      var c = tokens.charCodeAt(i);
      if (c >= LEAD_A && c <= LEAD_Z) {
        lead = lead * 26 + (c - LEAD_A);
        continue;
      }
      if (c === COMMA) { // the end of a field
        for (var t = 0; t < inField.length; t++) {
          read.postings.add(inField[t], doc * fieldCount + field, frequency[inField[t]]);
        }
        read.lengths[field][doc] = length;
        inField.length = 0;
        length = 0;
        stamp++;
        if (++field === fieldCount) {
          field = 0;
          if (++doc < read.docCount && doc - offset < shard.docs.length) {
            read.starts[doc] = i + 1;
            read.shardOf[doc] = shardNumber;
          }
        }
        continue;
      }
      var code = lead * 36 + (c <= 57 ? c - 48 : c - 87); // 0-9, a-z
      lead = 0;
      var number = numberOf[code];
      if (number === UNSEEN) number = numberOf[code] = termNumber(read, shard.words[code]);
      if (number < 0) continue; // a stop word: not indexed, not counted
      length++;
      if (seen[number] !== stamp) {
        seen[number] = stamp;
        frequency[number] = 1;
        inField.push(number);
      } else {
        frequency[number]++;
      }
    }
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

  // Postings grouped by term, each term's in document order: places and frequencies.
  function groupPostings(postings, termCount) {
    var starts = new Int32Array(termCount + 1);
    for (var i = 0; i < postings.size; i++) starts[postings.terms[i] + 1]++;
    for (var t = 0; t < termCount; t++) starts[t + 1] += starts[t];
    var places = new Int32Array(postings.size), counts = new Int32Array(postings.size);
    var next = starts.slice(0, termCount);
    for (var j = 0; j < postings.size; j++) {
      var at = next[postings.terms[j]]++;
      places[at] = postings.places[j];
      counts[at] = postings.counts[j];
    }
    return { starts: starts, places: places, counts: counts };
  }

  // The words of the text behind each term (for completions and suggestions), found in the
  // shards' surfaces: per code, entries joined by spaces, each the number of the term's last
  // letters to drop and the letters to add, or "=" and the whole word.
  function readVocabulary(data, read) {
    var words = [], termOf = [], known = new Map();
    data.shards.forEach(function (shard, shardNumber) {
      var numberOf = read.codeNumbers[shardNumber];
      shard.surfaces.forEach(function (encoded, code) {
        if (!encoded) return;
        var term = shard.words[code];
        encoded.split(" ").forEach(function (entry) {
          var word = entry.charAt(0) === "=" ? entry.slice(1) :
            term.slice(0, term.length - Number(entry.charAt(0))) + entry.slice(1);
          if (known.has(word)) return;
          known.set(word, words.length);
          words.push(word);
          termOf.push(numberOf[code]);
        });
      });
    });
    var byStart = new Map(); // the first two characters -> the words that begin with them
    words.forEach(function (word, at) {
      var key = word.slice(0, COMPLETE_FROM), list = byStart.get(key);
      if (list) list.push(at); else byStart.set(key, [at]);
    });
    return { words: words, termOf: termOf, byStart: byStart };
  }

  function openIndex(lunr, data) {
    var fields = data.fields.map(function (field) { return field[0]; });
    var boosts = data.fields.map(function (field) { return field[1]; });
    var fieldCount = fields.length, read = readShards(data, fieldCount), docCount = read.docCount;
    var grouped = groupPostings(read.postings, read.terms.length);
    read.postings = null;
    var averageLength = read.lengths.map(function (perDoc) {
      var sum = 0;
      for (var i = 0; i < perDoc.length; i++) sum += perDoc[i];
      return sum / docCount;
    });
    var docs = [];
    data.shards.forEach(function (shard) {
      shard.docs.forEach(function (doc) {
        docs.push({ url: doc[0], title: doc[1], date: doc[2], snippet: doc[4],
          topics: doc[3].map(function (t) { return shard.topics[t]; }) });
      });
    });
    var cache = new Map(), vocabulary = null, completed = new Map(), tokenSet = null, sorted = null;

    // lunr.Builder#createFieldVectors's BM25, the same operations in the same order.
    function score(idf, f, doc, tf) {
      var k1 = 1.2, b = 0.75;
      var value = idf * ((k1 + 1) * tf) / (k1 * (1 - b + b * (read.lengths[f][doc] / averageLength[f])) + tf);
      value *= boosts[f];
      value *= 1; // the document boost
      return Math.round(value * 1000) / 1000;
    }

    function postings(number) {
      var found = cache.get(number);
      if (found) return found;
      var start = grouped.starts[number], end = grouped.starts[number + 1], count = end - start;
      found = { fields: new Uint8Array(count), docs: new Int32Array(count), scores: new Float64Array(count) };
      var idf = Math.log(1 + Math.abs((docCount - count + 0.5) / (count + 0.5))); // lunr.idf: (field, document) pairs
      for (var i = 0; i < count; i++) {
        var place = grouped.places[start + i], doc = (place / fieldCount) | 0, f = place - doc * fieldCount;
        found.fields[i] = f;
        found.docs[i] = doc;
        found.scores[i] = score(idf, f, doc, grouped.counts[start + i]);
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
      stamp: new Int32Array(docCount), // per document: the query that last touched it
      stamps: 0,
      order: new Int32Array(docCount), // per document: the order of its fields' first matches
      orderFields: new Uint8Array(docCount),
      orderStamp: new Int32Array(docCount),
      postings: postings,
      number: function (term) { return read.numbers.get(term); },
      term: function (number) { return read.terms[number]; },
      stopNumber: function (word) { return read.stopNumbers.get(word); },
      // How many (field, document) pairs hold the term.
      frequency: function (number) { return grouped.starts[number + 1] - grouped.starts[number]; },
      // Does the document hold the term in one of `fieldSet` (field numbers as a Set)?
      holds: function (number, doc, fieldSet) {
        var start = grouped.starts[number], end = grouped.starts[number + 1], low = start, high = end;
        var first = doc * fieldCount;
        while (low < high) {
          var middle = (low + high) >>> 1;
          if (grouped.places[middle] < first) low = middle + 1; else high = middle;
        }
        for (; low < end && grouped.places[low] < first + fieldCount; low++) {
          if (fieldSet.has(grouped.places[low] - first)) return true;
        }
        return false;
      },
      // The document's words in one field: term numbers, stop words negative. Tokens with no
      // letter or digit (the empty term, e.g. "-" or "(") are left out: a phrase runs across them.
      fieldTokens: function (doc, field) {
        var shard = read.shardOf[doc], tokens = data.shards[shard].tokens, numberOf = read.codeNumbers[shard];
        var at = read.starts[doc], found = [], lead = 0, f = 0, empty = read.numbers.get("");
        for (; at < tokens.length && f <= field; at++) {
          var c = tokens.charCodeAt(at);
          if (c >= LEAD_A && c <= LEAD_Z) { lead = lead * 26 + (c - LEAD_A); continue; }
          if (c === COMMA) { f++; continue; }
          var number = numberOf[lead * 36 + (c <= 57 ? c - 48 : c - 87)];
          if (f === field && number !== empty) found.push(number);
          lead = 0;
        }
        return found;
      },
      // Term numbers of the indexed words that begin with `prefix`, the term of `prefix` aside.
      completions: function (prefix) {
        var found = completed.get(prefix);
        if (found) return found;
        var vocab = words(), numbers = new Set(), list = vocab.byStart.get(prefix.slice(0, COMPLETE_FROM)) || [];
        list.forEach(function (at) {
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
  // -> {results: [{doc, score}] best first, weights: per field, term number -> weight}.
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
    var scored = dotProducts(index, weights), results = [], order = matchOrder(lunr, index, clauses);
    var negated = clauses.length > 0 && clauses.every(function (clause) { return clause.presence === presence.PROHIBITED; });
    var candidates = negated ? Array.from({ length: index.docCount }, function (_, doc) { return doc; }) : scored.touched;
    var fieldsInOrder = [];
    candidates.forEach(function (doc) {
      if ((allRequired && !allRequired.has(doc)) || prohibited.has(doc)) return;
      var score = 0;
      fieldsInOrder.length = 0;
      for (var packed = negated ? 0 : order[doc]; packed; packed >>>= 3) fieldsInOrder.push((packed & 7) - 1);
      for (var k = fieldsInOrder.length - 1; k >= 0; k--) { // lunr.Index#query adds them up in this order
        var f = fieldsInOrder[k];
        score += scored.magnitudes[f] ? index.dots[f][doc] / scored.magnitudes[f] : 0;
      }
      results.push({ doc: doc, score: score });
    });
    results.sort(byScore);
    return { results: results, weights: weights };
  }

  function byScore(a, b) { return b.score - a.score || a.doc - b.doc; }

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
    return { magnitudes: magnitudes, touched: touched };
  }

  // Per document, the order in which lunr.Index#query first matches its fields (clause by clause,
  // term by term, field by field), which is the order it adds up their scores in: each field
  // number + 1 in 3 bits, the first the most significant. Valid for the documents just touched.
  function matchOrder(lunr, index, clauses) {
    var order = index.order, seen = index.orderStamp, stamp = index.stamps;
    clauses.forEach(function (clause) {
      if (clause.presence === lunr.Query.presence.PROHIBITED) return;
      var inClause = 0;
      clause.fields.forEach(function (f) { inClause |= 1 << f; });
      clause.terms.forEach(function (number) {
        var found = index.postings(number);
        for (var i = 0; i < found.docs.length; i++) {
          var f = found.fields[i], doc = found.docs[i];
          if (!(inClause & (1 << f))) continue;
          if (seen[doc] !== stamp) {
            seen[doc] = stamp;
            order[doc] = 0;
            index.orderFields[doc] = 0;
          }
          if (index.orderFields[doc] & (1 << f)) continue;
          index.orderFields[doc] |= 1 << f;
          order[doc] = (order[doc] << 3) | (f + 1);
        }
      });
    });
    return order;
  }

  function intersection(a, b) {
    var both = new Set();
    a.forEach(function (doc) { if (b.has(doc)) both.add(doc); });
    return both;
  }

  // The index terms a document matched (those of the query vector it holds in a weighted
  // field), for highlighting: lunr.js's matchData terms.
  function matchedTerms(index, weights, doc) {
    var terms = new Set(), fieldsOf = new Map();
    weights.forEach(function (vector, f) {
      vector.forEach(function (_, number) {
        if (!fieldsOf.has(number)) fieldsOf.set(number, new Set());
        fieldsOf.get(number).add(f);
      });
    });
    fieldsOf.forEach(function (fieldSet, number) {
      if (index.holds(number, doc, fieldSet)) terms.add(index.term(number));
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
  //  suggestions, notes, error, termsOf(doc) -> Set of stems}. options.typing: the query is
  // still being typed (its last word, with no space after it, also matches words it begins).
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
      notes: [], error: null, termsOf: function () { return new Set(); }
    };
  }

  // A unit is what a reader expects a paper to hold: a word, or a phrase.
  // unit: {label, clauses: [clause], phrase: [slot] or null, fields: [field number],
  //        prohibited, optional (a stop word being typed: it narrows nothing)}
  // slot: the term numbers (stop words negative) a phrase's token may be.
  function plainUnits(lunr, index, parts, typing, outcome) {
    var allFields = index.fields.map(function (_, f) { return f; }), units = [];
    var lastPart = parts[parts.length - 1].text ? parts.length - 1 : parts.length - 2;
    parts.forEach(function (part, partNumber) {
      var words = queryWords(lunr, part.text);
      var unfinished = typing && partNumber === lastPart && words.length > 0 && (part.phrase ? !part.closed : true) &&
        WORD_END.test(part.text) && part.text.slice(-words[words.length - 1].word.length) === words[words.length - 1].word;
      var kept = [];
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

  function wordUnit(lunr, index, entry, fields) {
    var presence = lunr.Query.presence, found = wordTerms(lunr, index, entry);
    var clauses = [{ fields: fields, boost: 1, presence: entry.stop ? presence.OPTIONAL : presence.REQUIRED, terms: found.terms }];
    if (entry.unfinished && found.exact !== undefined) {
      clauses.push({ fields: fields, boost: EXACT_BOOST, presence: presence.OPTIONAL, terms: [found.exact] });
    }
    return { label: entry.word, clauses: clauses, phrase: null, fields: fields, optional: entry.stop };
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
    var slots = unit.phrase.map(function (numbers) { return new Set(numbers); });
    return unit.fields.some(function (f) {
      var tokens = index.fieldTokens(doc, f);
      for (var start = 0; start + slots.length <= tokens.length; start++) {
        var k = 0;
        while (k < slots.length && slots[k].has(tokens[start + k])) k++;
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
    if (!needed.length && units.length && units[0].clauses[0].terms.length) { // only a stop word being typed:
      units[0].clauses[0].presence = lunr.Query.presence.REQUIRED; // the words it begins ("an": anatomy)
      needed = [units[0]];
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
    if (word.length < 3 || word.charAt(0) === "\u201c") return [];
    var limit = word.length <= 5 ? 1 : 2, vocab = index.vocabulary(), found = [];
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

  // Edits (insert, delete, substitute, swap two neighbours) from a to b; limit + 1 once over.
  function editDistance(a, b, limit) {
    var previous2 = null, previous = [], i, j;
    for (j = 0; j <= b.length; j++) previous.push(j);
    for (i = 1; i <= a.length; i++) {
      var row = [i], smallest = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
        var value = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost);
        if (previous2 && i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
          value = Math.min(value, previous2[j - 2] + 1);
        }
        row.push(value);
        smallest = Math.min(smallest, value);
      }
      if (smallest > limit) return limit + 1;
      previous2 = previous;
      previous = row;
    }
    return previous[b.length];
  }

  var exported = { openIndex: openIndex, search: search, stem: stem };
  if (typeof module === "object" && module.exports) module.exports = exported;
  if (typeof document === "undefined") return;

  // ---- the page ----

  var input = document.getElementById("site-search-input");
  var dropdown = document.getElementById("site-search-results");
  var pageResults = document.getElementById("search-page-results");
  var root = document.documentElement.getAttribute("data-root") || "";
  // The build names the index file (root included) on <html>; older pages may not.
  var indexFile = document.documentElement.getAttribute("data-search-index") || root + "assets/search-index.js";
  var loader = { index: null, error: null, started: false, waiting: [] };
  var lunrLoader = { done: false, started: false, waiting: [] };

  function loadScript(src, done) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () { done(null); };
    script.onerror = function () { done(src); };
    document.head.appendChild(script);
  }

  function withLunr(callback) {
    if (lunrLoader.done) return callback();
    lunrLoader.waiting.push(callback);
    if (lunrLoader.started) return;
    lunrLoader.started = true;
    loadScript(root + "assets/lunr.js", function (failed) {
      lunrLoader.done = true;
      lunrLoader.failed = failed;
      lunrLoader.waiting.splice(0).forEach(function (waiting) { waiting(); });
    });
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
        loader.index = openIndex(window.lunr, data);
      }
      loader.waiting.splice(0).forEach(function (waiting) { waiting(); });
    }
    withLunr(function () { loaded(lunrLoader.failed); });
    loadScript(indexFile, loaded);
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
  function matchesTerms(word, terms) {
    var lunr = window.lunr, token = lunr.trimmer(new lunr.Token(word.toLowerCase()));
    if (!token.toString() || !lunr.stopWordFilter(token)) return false;
    return terms.has(lunr.stemmer(token).toString());
  }

  // Text as nodes, every word whose stem is one of `terms` wrapped in <mark>.
  function markedNodes(text, terms, className) {
    var nodes = [];
    text.split(/([\s\-]+)/).forEach(function (piece) {
      var core = piece.replace(/^\W+/, "").replace(/\W+$/, "");
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
    var meta = [doc.date].concat(doc.topics).filter(Boolean).join(" \u00b7 ");
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
      list.appendChild(resultItem(loader.index.docs[entry.doc], outcome.termsOf(entry.doc), partial ? entry.lacks : null));
    });
    return list;
  }

  function count(number, one, many) {
    return number + " " + (number === 1 ? one : many);
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
    var found = outcome.results.length;
    if (found) return count(found, "paper matches ", "papers match ") + quoted(text) + ".";
    if (!outcome.units.length) {
      if (outcome.common.length) {
        return "Nothing to search for in " + quoted(text) + ": " + outcome.common.join(", ") +
          (outcome.common.length === 1 ? " is too common a word" : " are too common") + " to be indexed. Add a more specific word.";
      }
      if (outcome.ignored.length || !outcome.units.length) {
        return "Nothing to search for in " + quoted(text) + ": search finds words made of Latin letters and digits.";
      }
    }
    if (outcome.units.length > 1) {
      var absent = outcome.missing.length ? " No paper has " + outcome.missing.join(", ") + " at all." : "";
      return "No paper has all of: " + outcome.units.join(", ") + "." + absent;
    }
    return "No papers match " + quoted(text) + ".";
  }

  function notesText(outcome) {
    var notes = outcome.notes.slice();
    if (outcome.ignored.length) notes.push("Left out (not searchable): " + outcome.ignored.join(" ") + ".");
    var unknownField = outcome.missing.filter(function (word) {
      return /^[a-z]+:/.test(word) && loader.index && loader.index.fields.indexOf(word.split(":")[0]) < 0;
    });
    if (unknownField.length && loader.index) {
      notes.push(quoted(unknownField[0].split(":")[0]) + " is not a field you can search in: use " + loader.index.fields.join(", ") + ".");
    }
    return notes.join(" ");
  }

  function searchHref(query) {
    return root + "search.html?q=" + encodeURIComponent(query);
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
      count(outcome.partial.length, "paper has", "papers have") + " some of the words (not all of them):");
  }

  // ---- the search box in the header ----

  function renderDropdown(text) {
    var outcome = loader.error ? emptyOutcome() : search(window.lunr, loader.index, text, { typing: true });
    var children = [statusLine(outcome, text)];
    var notes = notesText(outcome);
    if (notes) children.push(element("p", "search-note", notes));
    if (outcome.suggestions.length) children.push(suggestionLine(outcome));
    if (outcome.results.length) {
      children.push(resultList(outcome.results.slice(0, DROPDOWN_LIMIT), outcome, false));
    } else if (outcome.partial.length) {
      children.push(partialHeading("p", outcome));
      children.push(resultList(outcome.partial.slice(0, PARTIAL_DROPDOWN_LIMIT), outcome, true));
    }
    var shown = outcome.results.length ? outcome.results : outcome.partial;
    if (shown.length > (outcome.results.length ? DROPDOWN_LIMIT : PARTIAL_DROPDOWN_LIMIT)) {
      var more = element("a", "search-more", outcome.results.length ?
        "See all " + outcome.results.length + " results" : "See all " + outcome.partial.length + " papers with some of the words");
      more.href = searchHref(text.trim());
      children.push(more);
    }
    dropdown.replaceChildren.apply(dropdown, children);
  }

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
      renderDropdown(text);
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

  // Enter in the box opens the top result once results are shown (never a paper that has only
  // some of the words); otherwise the form goes to search.html, which lists every result.
  function openTopResult(event) {
    if (pendingSearch) updateDropdown();
    var top = dropdown.hidden ? null : dropdown.querySelector("a.search-result:not(.search-result-partial)");
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

  // ---- search.html: every result for ?q=, filtered by topic and year, sorted ----
  // All of its state is in the address (q, topic, year, sort, page), so a results page can be
  // bookmarked, shared and reloaded; filter links are real links, followed in place.

  var UNDATED = "undated";

  function pageState() {
    var params = new URLSearchParams(window.location.search);
    return {
      q: params.get("q") || "", topic: params.get("topic") || "", year: params.get("year") || "",
      sort: params.get("sort") === "date" ? "date" : "relevance", page: Math.max(1, parseInt(params.get("page"), 10) || 1)
    };
  }

  function stateHref(state) {
    var params = [["q", state.q]];
    if (state.topic) params.push(["topic", state.topic]);
    if (state.year) params.push(["year", state.year]);
    if (state.sort !== "relevance") params.push(["sort", state.sort]);
    if (state.page > 1) params.push(["page", String(state.page)]);
    return "search.html?" + params.map(function (pair) { return pair[0] + "=" + encodeURIComponent(pair[1]); }).join("&");
  }

  function changed(state, key, value) {
    var next = { q: state.q, topic: state.topic, year: state.year, sort: state.sort, page: 1 };
    next[key] = value;
    return next;
  }

  function yearOf(doc) {
    return doc.date ? doc.date.slice(0, 4) : UNDATED;
  }

  function passes(doc, state, except) {
    return (except === "topic" || !state.topic || doc.topics.indexOf(state.topic) >= 0) &&
      (except === "year" || !state.year || yearOf(doc) === state.year);
  }

  // Each value's count among the results that pass the other filter.
  function facetCounts(results, state, key) {
    var counts = new Map();
    results.forEach(function (result) {
      var doc = loader.index.docs[result.doc];
      if (!passes(doc, state, key)) return;
      (key === "topic" ? doc.topics : [yearOf(doc)]).forEach(function (value) {
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

  function facets(results, state) {
    var topics = facetCounts(results, state, "topic"), years = facetCounts(results, state, "year");
    var allTopics = results.filter(function (r) { return passes(loader.index.docs[r.doc], state, "topic"); }).length;
    var allYears = results.filter(function (r) { return passes(loader.index.docs[r.doc], state, "year"); }).length;
    var topicNames = Array.from(topics.keys()).sort(function (a, b) { return topics.get(b) - topics.get(a) || (a < b ? -1 : 1); });
    if (state.topic && !topics.has(state.topic)) topicNames.push(state.topic);
    var yearNames = Array.from(years.keys()).filter(function (y) { return y !== UNDATED; }).sort().reverse();
    if (years.has(UNDATED)) yearNames.push(UNDATED);
    if (state.year && !years.has(state.year)) yearNames.push(state.year);
    var box = element("div", "search-facets");
    box.appendChild(facetGroup("Sort", [
      facetLink(state, "sort", "relevance", "Best match", state.sort === "relevance"),
      facetLink(state, "sort", "date", "Newest first", state.sort === "date")
    ]));
    box.appendChild(facetGroup("Topic", [facetLink(state, "topic", "", "Any topic (" + allTopics + ")", !state.topic)].concat(
      topicNames.map(function (name) { return facetLink(state, "topic", name, name + " (" + (topics.get(name) || 0) + ")", state.topic === name); }))));
    box.appendChild(facetGroup("Year", [facetLink(state, "year", "", "Any year (" + allYears + ")", !state.year)].concat(
      yearNames.map(function (year) {
        var label = year === UNDATED ? "Undated" : year;
        return facetLink(state, "year", year, label + " (" + (years.get(year) || 0) + ")", state.year === year);
      }))));
    return box;
  }

  function sortedResults(results, state) {
    var kept = results.filter(function (result) { return passes(loader.index.docs[result.doc], state); });
    if (state.sort === "date") {
      kept = kept.map(function (result, rank) { return { result: result, rank: rank, date: loader.index.docs[result.doc].date }; })
        .sort(function (a, b) {
          if (!a.date !== !b.date) return a.date ? -1 : 1; // undated last
          return (a.date < b.date ? 1 : a.date > b.date ? -1 : 0) || a.rank - b.rank;
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
    if (state.topic) parts.push("in " + state.topic);
    if (state.year) parts.push(state.year === UNDATED ? "undated" : "from " + state.year);
    return parts.length ? " (" + parts.join(", ") + ")" : "";
  }

  function renderPage(focusKey) {
    var state = pageState(), text = state.q;
    if (input) input.value = text;
    if (!text.trim()) {
      pageResults.replaceChildren(element("p", "search-status", "Type words to search for in the box above."));
      return;
    }
    var outcome = loader.error ? emptyOutcome() : search(window.lunr, loader.index, text);
    var status = statusLine(outcome, text);
    status.setAttribute("role", "status");
    var children = [status], notes = notesText(outcome);
    if (notes) children.push(element("p", "search-note", notes));
    if (outcome.suggestions.length) children.push(suggestionLine(outcome));
    if (outcome.results.length) {
      var shown = sortedResults(outcome.results, state), pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
      state.page = Math.min(state.page, pages);
      var first = (state.page - 1) * PAGE_SIZE, body = element("div", "search-page-body");
      var listing = element("div", "search-page-list");
      var range = shown.length ? "Showing " + (first + 1) + "\u2013" + Math.min(first + PAGE_SIZE, shown.length) + " of " +
        count(shown.length, "paper", "papers") + filtersText(state) + ", " + (state.sort === "date" ? "newest first" : "best match first") + "." :
        "No paper matches with these filters" + filtersText(state) + ".";
      listing.appendChild(element("p", "search-range", range));
      if (shown.length) listing.appendChild(resultList(shown.slice(first, first + PAGE_SIZE), outcome, false));
      if (shown.length > PAGE_SIZE) listing.appendChild(pageLinks(state, shown.length));
      body.appendChild(facets(outcome.results, state));
      body.appendChild(listing);
      children.push(body);
    } else if (outcome.partial.length) {
      children.push(partialHeading("h2", outcome));
      children.push(resultList(outcome.partial.slice(0, PAGE_SIZE), outcome, true));
    }
    pageResults.replaceChildren.apply(pageResults, children);
    document.title = text + " \u2014 " + baseTitle;
    if (focusKey) {
      var again = pageResults.querySelector("[data-facet=\"" + focusKey.replace(/["\\]/g, "\\$&") + "\"]");
      if (!again) status.tabIndex = -1;
      (again || status).focus();
    }
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
    renderPage(link.getAttribute("data-facet"));
  }

  var baseTitle = document.title;
  if (pageResults) {
    pageResults.removeAttribute("aria-live"); // its status line speaks for it (role=status)
    var initial = pageState();
    if (input) input.value = initial.q;
    if (initial.q.trim()) {
      pageResults.replaceChildren(element("p", "search-status", "Searching\u2026"));
      withIndex(function () { renderPage(null); });
    } else {
      renderPage(null);
    }
    pageResults.addEventListener("click", onFacetClick);
    window.addEventListener("popstate", function () { withIndex(function () { renderPage(null); }); });
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
      clearHighlights();
      try {
        history.replaceState(null, "", window.location.href.split("#")[0]);
      } catch (error) {
        window.location.hash = "";
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
