"""People's names as bibliographies write them: "Given Family", "Family, Given", "von Last, Jr.,
First", or one braced name (`{The ACME Consortium}`) that is never split.

Parts are found by BibTeX's own rules, with bibtexparser's implementation of them (the same rules
every BibTeX style applies, so a name cited from papers.bib splits as it does here). No I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bibtexparser.middlewares.names import NameParts, parse_single_name_into_parts


@dataclass(frozen=True, slots=True)
class Person:
    """A person's name in BibTeX's four parts (or an institution's, whole)."""

    given: str  # "Alan", "J. R. R."
    von: str  # "van", "de la"
    family: str  # "Turing"; the whole name when it is an institution's
    jr: str  # "Jr.", "III"
    institution: bool = False  # written in braces as one name: never split or abbreviated

    def display(self) -> str:
        """As a page shows it: "Alan Turing", "Ludwig van Beethoven", "John Smith, Jr."."""
        text = " ".join(part for part in (self.given, self.von, self.family) if part)
        return f"{text}, {self.jr}" if self.jr else text

    def sort_family(self) -> str:
        """The family name with its particle ("van Beethoven"), as citations list it."""
        return " ".join(part for part in (self.von, self.family) if part)

    def initials(self) -> str:
        """The given names as initials: "Jean-Paul Anne" -> "J.-P. A."."""
        words = []
        for word in self.given.split():
            parts = [part for part in word.split("-") if part]
            words.append("-".join(f"{part[0]}." if part[0].isalpha() else part for part in parts))
        return " ".join(words)


@lru_cache(maxsize=65536)
def parse(name: str) -> Person:
    """A name's parts; a name in one pair of braces is an institution's, kept whole."""
    name = " ".join(name.split())
    if _one_group(name):
        return Person("", "", name[1:-1].strip(), "", institution=True)
    try:
        parts = _split(name)
    except Exception:  # a name bibtexparser cannot split (unbalanced braces): keep it whole
        return Person("", "", _unbraced(name), "", institution=True)
    return Person(
        _unbraced(" ".join(parts.first)),
        _unbraced(" ".join(parts.von)),
        _unbraced(" ".join(parts.last)),
        _unbraced(" ".join(parts.jr)),
    )


def _split(name: str) -> NameParts:
    """BibTeX's four parts, by bibtexparser, but for the names with no given name, which it
    splits otherwise than BibTeX (and pybtex) do: "van Gogh" (two words, the first lowercase: a
    von part and a family name, not a given name) and a name that ends in a comma, BibTeX's way
    of writing "no given name" ("De Gaulle,": one family name of two words; "van Gogh, Jr.,":
    "Jr." is the Jr part, not the given name). bibtexparser drops a trailing empty part, so such a
    name is split with a stand-in given name, taken out again."""
    words = name.split(" ")
    no_given = name.endswith(",") or (len(words) == 2 and "," not in name and words[0][:1].islower())
    if not no_given:
        return parse_single_name_into_parts(name, strict=False)
    parts = parse_single_name_into_parts(f"{name.rstrip(',').rstrip()}, {_STAND_IN}", strict=False)
    parts.first = []
    return parts


_STAND_IN = "Given"  # any one capitalised word: `_split` puts it where the given name goes


# How an author list says it goes on: BibTeX's `and others`, "et al." (also "et. al", "et alii").
MORE_AUTHORS = re.compile(r"\s*(?:others|et(?:\.\s*|\s+)al(?:ii|ia)?\.?)\s*", re.IGNORECASE)


def says_more(name: str) -> bool:
    """Whether a name of an author list is no one's but says the list is cut short."""
    return MORE_AUTHORS.fullmatch(name) is not None


def named(authors: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The authors who are named: the list without its `others` ("et al.")."""
    return tuple(name for name in authors if not says_more(name))


def cut_short(authors: tuple[str, ...] | list[str]) -> bool:
    """Whether the list says there are more authors than it names (`others`, "et al.")."""
    return any(says_more(name) for name in authors)


def as_written_down(authors: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The list as a page keeps it: the named authors, then one `others` if it was cut short
    (wherever a listing said it, however it spelt it)."""
    return named(authors) + (("others",) if cut_short(authors) and named(authors) else ())


def display(name: str) -> str:
    return parse(name).display()


def family(name: str) -> str:
    """The family name, for keys, short author lists and identity."""
    return parse(name).family


def short_list(names: tuple[str, ...] | list[str], most: int = 3) -> str:
    """Family names for a card: "Lovelace", "Lovelace and Turing", "Lovelace, Turing and Hopper",
    or "Lovelace et al." for more than `most`, or for a list cut short (`others`)."""
    return short_people([parse(name) for name in named(names)], most, more=cut_short(names))


def short_people(people: list[Person] | tuple[Person, ...], most: int = 3, *, more: bool = False) -> str:
    """As `short_list`, of names already in their parts (an institution's stays whole); `more`:
    the list names only some of the authors."""
    families = [person.sort_family() or person.display() for person in people]
    if families and (more or len(families) > most):
        return f"{families[0]} et al."
    if len(families) <= 1:
        return "".join(families)
    return f"{', '.join(families[:-1])} and {families[-1]}"


def _one_group(name: str) -> bool:
    """The name is one brace group: `{A and B Inc.}`."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(name) - 1:
            return False
    return depth == 0


def _unbraced(text: str) -> str:
    return re.sub(r"[{}]", "", text).strip()
