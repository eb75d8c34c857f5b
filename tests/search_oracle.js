/* The search oracle: search-engine.js's answers against real lunr.js 2.3.9's, in one Node process.
 *
 *   node search_oracle.js LUNR_JS SEARCH_ENGINE_JS < {data, docs, cases: [{query, folded, typing}], vocabulary, expectOnly}
 *
 * lunr.js builds its own index over the same documents and fields (lunr(function () {...})) and
 * every expected set of papers comes from its own `idx.search("+w1 +w2 ...")`, with the query's
 * words found by lunr.js's tokenizer, trimmer and stop-word filter (what "a plain query" means
 * in the README). search-engine.js's logic is not repeated here. Search reads text folded
 * (accents dropped, compatibility forms spelt plainly): the documents given here are folded, and
 * each case's `folded` query, by the Python test (unicodedata), not by search-engine.js; the
 * query itself goes to search-engine.js as typed. On top of lunr.js:
 *  - while typing, the last word (2 letters or more) also matches the corpus words it begins:
 *    the expected papers are the union of lunr.js's `+w1 ... +v` over every such word v of the
 *    corpus (found here by lunr.js's tokenizer and trimmer over the documents, not from the
 *    index); a last word being typed that is a stop word or one letter narrows nothing yet (a
 *    letter after other words leaves lunr.js's scores of them as they are);
 *  - a quoted phrase keeps lunr.js's papers whose field, tokenized and stemmed by lunr.js,
 *    holds the phrase's tokens in a row; a field before it (title:"...") asks lunr.js for its
 *    words in that field (+title:w) and looks for the row there; a phrase of stop words alone
 *    (or of nothing) is what lunr.js gives for its words, each required: no paper;
 *  - with no paper holding every word: papers with some words (each word's `+w`) and the words
 *    each lacks; words no paper holds; suggestions that are corpus words 1-2 edits away and find
 *    papers.
 * With `vocabulary`, every distinct word of the corpus is added as a query, submitted and typed.
 * Prints {failures: [...] (at most 60), stats: {...}}; with `expectOnly`, {expected: [papers of each case]}.
 */
"use strict";

const fs = require("fs");
const lunr = require(process.argv[2]);
const sitegen = require(process.argv[3]);
const input = JSON.parse(fs.readFileSync(0, "utf8"));

// Each document's number is its ref, under a name no field of the index has ("id" is one).
const REF = "__number";
const idx = lunr(function () {
  this.ref(REF);
  input.data.manifest.fields.forEach((field) => this.field(field[0], { boost: field[1] }));
  input.docs.forEach((doc, number) => this.add(Object.assign({ [REF]: String(number) }, doc)));
});
// The partitioned index, every file at hand (the browser loads them as a query needs them).
const ours = sitegen.openIndex(lunr, input.data.manifest, (name) => input.data.files[name]);

const isStop = (word) => !lunr.stopWordFilter(new lunr.Token(word));
const stems = new Map();
function stemOf(word) {
  if (!stems.has(word)) stems.set(word, lunr.stemmer(new lunr.Token(word)).toString());
  return stems.get(word);
}
const wordsOf = (text) => lunr.tokenizer(text).map((token) => lunr.trimmer(token).toString()).filter(Boolean);

// Every distinct word of the corpus, as lunr.js's tokenizer and trimmer make them (when needed).
let vocabulary = null, sortedVocabulary = null;
function corpusWords() {
  if (!vocabulary) {
    vocabulary = new Set();
    input.docs.forEach((doc) => Object.values(doc).forEach((value) => wordsOf(value).forEach((word) => vocabulary.add(word))));
    sortedVocabulary = Array.from(vocabulary).sort();
  }
  return vocabulary;
}

function beginningWith(prefix) {
  corpusWords();
  let low = 0, high = sortedVocabulary.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sortedVocabulary[middle] < prefix) low = middle + 1; else high = middle;
  }
  const found = [];
  for (let i = low; i < sortedVocabulary.length && sortedVocabulary[i].startsWith(prefix); i++) {
    if (!isStop(sortedVocabulary[i])) found.push(sortedVocabulary[i]);
  }
  return found;
}

// lunr.js's own search for papers holding every word (in `field`, if given); lunr's syntax
// characters escaped.
const searched = new Map();
function lunrSearch(words, field) {
  const scope = field ? field + ":" : "";
  const query = words.map((word) => "+" + scope + word.replace(/[:*^~+\-\\]/g, "\\$&")).join(" ");
  if (!searched.has(query)) searched.set(query, idx.search(query));
  return searched.get(query);
}
const refsOf = (results) => new Set(results.map((result) => Number(result.ref)));

function union(sets) {
  const all = new Set();
  sets.forEach((set) => set.forEach((doc) => all.add(doc)));
  return all;
}

// Each field as lunr.js tokenizes it: stop words as themselves, other words as stems.
const sequences = new Map();
function fieldSequences(doc) {
  if (!sequences.has(doc)) {
    sequences.set(doc, Object.values(input.docs[doc]).map((value) =>
      wordsOf(value).map((word) => (isStop(word) ? "stop " + word : "term " + stemOf(word)))));
  }
  return sequences.get(doc);
}

function holdsPhrase(doc, words, field) {
  const wanted = words.map((word) => (isStop(word) ? "stop " + word : "term " + stemOf(word)));
  const names = Object.keys(input.docs[doc]);
  return fieldSequences(doc).some((sequence, at) => {
    if (field && names[at] !== field) return false;
    for (let start = 0; start + wanted.length <= sequence.length; start++) {
      if (wanted.every((token, k) => sequence[start + k] === token)) return true;
    }
    return false;
  });
}

// Edits (insert, delete, substitute, swap of neighbours) from a to b.
function edits(a, b) {
  const rows = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) { rows[i].push(j); continue; }
      let value = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2][j - 2] + 1);
      rows[i].push(value);
    }
  }
  return rows[a.length][b.length];
}

// The papers the query must find: {docs (Set), scored (lunr.js's results, to compare scores)}.
function expected(query, typing) {
  const phrase = /^(?:([a-z]+):)?"(.*)"$/.exec(query.trim());
  const words = wordsOf(phrase ? phrase[2] : query);
  const needed = words.filter((word) => !isStop(word));
  const unfinished = typing && /[A-Za-z0-9_]$/.test(query) && words.length > 0 &&
    query.toLowerCase().endsWith(words[words.length - 1]);
  if (phrase) {
    const field = phrase[1];
    if (!needed.length) return { docs: refsOf(words.length ? lunrSearch(words, field) : []), scored: null, words: [] };
    if (words.length < 2 && !field) return null; // not a case this oracle covers
    const results = lunrSearch(needed, field);
    const docs = Array.from(refsOf(results)).filter((doc) => holdsPhrase(doc, words, field));
    return { docs: new Set(docs), scored: field ? null : results, words: needed };
  }
  const last = words[words.length - 1];
  if (unfinished && last.length < 2 && !isStop(last) && needed.length > 1) { // a letter being typed changes nothing yet:
    const results = lunrSearch(needed.slice(0, -1)); // the same papers, scored as without it
    return { docs: refsOf(results), scored: results, words: needed, scoredTyping: true };
  }
  if (!unfinished || last.length < 2) {
    const results = needed.length ? lunrSearch(needed) : [];
    return { docs: refsOf(results), scored: results, words: needed };
  }
  const before = needed.slice(0, isStop(last) ? needed.length : needed.length - 1);
  const completions = beginningWith(last).map((word) => refsOf(lunrSearch(before.concat([word]))));
  if (isStop(last)) { // a stop word being typed narrows nothing, and alone finds the words it begins
    return { docs: before.length ? refsOf(lunrSearch(before)) : union(completions), scored: null, words: needed };
  }
  return { docs: union([refsOf(lunrSearch(needed))].concat(completions)), scored: null, words: needed };
}

const BEST_FIRST = 3; // see checkBest
const failures = [];
const stats = { queries: 0, withResults: 0, results: 0, partial: 0, suggested: 0, missing: 0, phrases: 0 };

function fail(query, typing, problem, details) {
  if (failures.length < 60) failures.push({ query: query, typing: typing, problem: problem, details: details });
}

function sameSet(a, b) {
  return a.size === b.size && Array.from(a).every((doc) => b.has(doc));
}

function check(query, typing, folded) {
  const want = expected(folded, typing);
  if (!want) return;
  stats.queries++;
  const got = sitegen.search(lunr, ours, query, { typing: typing });
  if (got.error) return fail(query, typing, "error", got.error);
  const docs = new Set(got.results.map((result) => result.doc));
  if (/^(?:[a-z]+:)?".*"$/.test(query.trim())) stats.phrases++;
  if (docs.size) stats.withResults++;
  stats.results += docs.size;
  if (!sameSet(docs, want.docs)) {
    const extra = Array.from(docs).filter((doc) => !want.docs.has(doc)), lacking = Array.from(want.docs).filter((doc) => !docs.has(doc));
    return fail(query, typing, "papers", { extra: extra.slice(0, 10), missing: lacking.slice(0, 10), got: docs.size, want: want.docs.size });
  }
  for (let i = 1; i < got.results.length; i++) {
    if (got.results[i - 1].score < got.results[i].score) return fail(query, typing, "order", i);
  }
  if (want.scored && (!typing || want.scoredTyping)) checkScores(query, typing, got, want);
  if (!docs.size) checkNoResults(query, typing, got, want);
  checkBest(query, typing, got);
}

// Asked for only the best few (the list under the box), the first of the results (and of the
// papers with some of the words) as the order checked above has them, and the counts of all.
function checkBest(query, typing, got) {
  const best = BEST_FIRST, first = sitegen.search(lunr, ours, query, { typing: typing, best: best });
  [["results", got.results, first.results, first.found], ["partial", got.partial, first.partial, first.partialFound]].forEach(([kind, all, ranked, found]) => {
    if (found !== all.length || ranked.length !== Math.min(best, all.length)) {
      return fail(query, typing, "best " + kind, { all: all.length, found: found, ranked: ranked.length });
    }
    for (let i = 0; i < ranked.length; i++) {
      if (all[i].doc !== ranked[i].doc || all[i].score !== ranked[i].score) return fail(query, typing, "best " + kind + " order", i);
      if (kind === "partial" && all[i].lacks.join(" ") !== ranked[i].lacks.join(" ")) return fail(query, typing, "best lacks", i);
    }
  });
  if (got.found !== got.results.length || got.partialFound !== got.partial.length) fail(query, typing, "counts", [got.found, got.partialFound]);
}

// lunr.js's scores (to the bit) and matched terms, result by result.
function checkScores(query, typing, got, want) {
  const theirs = new Map(want.scored.map((result) => [Number(result.ref), result]));
  got.results.forEach((result) => {
    const reference = theirs.get(result.doc);
    if (!reference) return;
    if (reference.score !== result.score) fail(query, typing, "score", { doc: result.doc, ours: result.score, lunr: reference.score });
    const terms = Array.from(got.termsOf(result.doc)).sort().join(" ");
    const lunrTerms = Object.keys(reference.matchData.metadata).sort().join(" ");
    if (terms !== lunrTerms) fail(query, typing, "matched terms", { doc: result.doc, ours: terms, lunr: lunrTerms });
  });
}

// No paper has every word: the words no paper has, papers with some words, suggestions.
function checkNoResults(query, typing, got, want) {
  if (/^(?:[a-z]+:)?".*"$/.test(query.trim()) || typing) return;
  const distinct = Array.from(new Set(want.words));
  const holding = distinct.map((word) => refsOf(lunrSearch([word])));
  const absent = distinct.filter((_, at) => !holding[at].size);
  if (absent.join(" ") !== got.missing.join(" ")) fail(query, typing, "absent words", { ours: got.missing, lunr: absent });
  stats.missing += absent.length;
  const some = distinct.length > 1 ? union(holding) : new Set();
  const partial = new Set(got.partial.map((entry) => entry.doc));
  if (!sameSet(partial, some)) fail(query, typing, "partial papers", { ours: partial.size, lunr: some.size });
  got.partial.forEach((entry, at) => {
    const lacks = distinct.filter((_, w) => !holding[w].has(entry.doc));
    if (lacks.join(" ") !== entry.lacks.join(" ")) fail(query, typing, "lacks", { doc: entry.doc, ours: entry.lacks, lunr: lacks });
    if (at && got.partial[at - 1].lacks.length > entry.lacks.length) fail(query, typing, "partial order", at);
  });
  stats.partial += got.partial.length;
  got.suggestions.forEach((suggestion) => {
    stats.suggested++;
    const words = wordsOf(suggestion).filter((word) => !isStop(word));
    if (!lunrSearch(words).length) fail(query, typing, "suggestion finds nothing", suggestion);
    const changed = words.filter((word) => want.words.indexOf(word) < 0);
    changed.forEach((word) => {
      const closest = Math.min.apply(null, absent.map((missing) => edits(missing, word)));
      if (!corpusWords().has(word) || !(closest >= 1 && closest <= 2)) fail(query, typing, "suggested word", { suggestion, word, closest });
    });
  });
}

if (input.expectOnly) { // only lunr.js's answers, for a browser test to compare the page with
  const answers = input.cases.map((entry) => {
    const want = expected(entry.folded || entry.query, entry.typing);
    return want && Array.from(want.docs).sort((a, b) => a - b);
  });
  process.stdout.write(JSON.stringify({ expected: answers }));
  process.exit(0);
}

const cases = input.cases.slice();
if (input.vocabulary) {
  corpusWords();
  sortedVocabulary.forEach((word) => { cases.push({ query: word, typing: false }); cases.push({ query: word, typing: true }); });
  stats.vocabulary = sortedVocabulary.length;
  stats.stopWords = sortedVocabulary.filter(isStop).length;
}
cases.forEach((entry) => check(entry.query, entry.typing, entry.folded || entry.query));
process.stdout.write(JSON.stringify({ failures: failures, stats: stats }));
