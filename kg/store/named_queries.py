"""Named queries: one question per ``kg/store/queries/NAME.rq`` file, with parameters.

A file starts with a comment header that says what it answers and which parameters it
takes, one ``@param`` line each::

    # Places that carry out a programme, rolled up the place hierarchy.
    # @param programme zh  the programme's name, e.g. 双报到

A parameter's kind says which RDF term its value becomes: ``zh`` a literal tagged
``@zh``, ``string`` a plain literal, ``integer`` an ``xsd:integer``, ``iri`` an IRI.
Values are *bound* to the query's variables as RDF terms (SPARQL substitution), never
pasted into its text, so a value cannot change what the query does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef

from kg.errors import QueryError

__all__ = ["KINDS", "QUERIES_DIR", "NamedQuery", "Param", "list_named", "load_named", "parse_params"]

QUERIES_DIR = Path(__file__).resolve().parent / "queries"
KINDS = ("zh", "string", "integer", "iri")
_PARAM = re.compile(r"^#\s*@param\s+(?P<name>\w+)\s+(?P<kind>\w+)\s+(?P<text>.+)$")
_EXAMPLE = re.compile(r"e\.g\.\s*(?P<value>\S+)")
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: str

    @property
    def example(self) -> str | None:
        found = _EXAMPLE.search(self.description)
        return found["value"].rstrip("，,;；。.") if found else None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    title: str
    description: str
    params: tuple[Param, ...]
    text: str

    def values(self, given: dict[str, str]) -> dict[str, URIRef | Literal]:
        """Check ``given`` against the declared parameters; each value as its RDF term."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(declared))
        if unknown:
            raise QueryError(f"query {self.name!r} has no parameter {unknown[0]!r}; "
                             f"its parameters are: {', '.join(declared) or 'none'}")
        missing = [p for p in self.params if p.name not in given]
        if missing:
            p = missing[0]
            raise QueryError(f"query {self.name!r} needs --param {p.name}=…: {p.description}")
        bound = {}
        for name, value in given.items():
            kind = declared[name].kind
            if kind == "integer" and not re.fullmatch(r"[+-]?\d+", value):
                raise QueryError(f"--param {name}={value!r}: not an integer; give a whole number")
            if kind == "iri" and not _IRI.match(value):
                raise QueryError(f"--param {name}={value!r}: not an absolute IRI; give e.g. https://…")
            bound[name] = _term(kind, value)
        return bound


def _term(kind: str, value: str) -> URIRef | Literal:
    if kind == "zh":
        return Literal(value, lang="zh")
    if kind == "integer":
        return Literal(int(value))
    if kind == "iri":
        return URIRef(value)
    return Literal(value)


def _parse(path: Path) -> NamedQuery:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"{path}: cannot read the query file ({error}); check the file") from None
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    params = []
    prose = []
    for line in header:
        match = _PARAM.match(line)
        if match:
            if match["kind"] not in KINDS:
                raise QueryError(f"{path}: parameter {match['name']} has unknown kind {match['kind']!r}; "
                                 f"use one of {', '.join(KINDS)}")
            params.append(Param(match["name"], match["kind"], match["text"].strip()))
        else:
            prose.append(line.lstrip("#").strip())
    if not prose or not prose[0]:
        raise QueryError(f"{path}: a named query starts with a '# title' comment line; add one")
    description = " ".join(line for line in prose[1:] if line)
    return NamedQuery(path.stem, path, prose[0], description, tuple(params), text)


@lru_cache(maxsize=64)
def _load(path: Path, mtime: float) -> NamedQuery:
    return _parse(path)


def list_named(folder: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every named query in ``folder``, sorted by name."""
    return [_load(path, path.stat().st_mtime) for path in sorted(Path(folder).glob("*.rq"))]


def load_named(name: str, folder: Path = QUERIES_DIR) -> NamedQuery:
    path = Path(folder) / f"{name}.rq"
    if not path.is_file():
        known = ", ".join(q.name for q in list_named(folder))
        raise QueryError(f"no named query {name!r} in {folder}; known queries: {known}")
    return _load(path, path.stat().st_mtime)


def parse_params(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``["place=林芝市"]`` → ``{"place": "林芝市"}``."""
    params = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryError(f"--param {pair!r}: write it as NAME=VALUE, e.g. --param place=林芝市")
        params[name.strip()] = value
    return params
