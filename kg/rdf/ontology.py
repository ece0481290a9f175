"""The ontology file is the single source of truth for classes and properties.

:func:`load_vocabulary` reads ``kg/rdf/kg.ttl`` (shipped in the package) and returns a :class:`Vocabulary`
whose attributes are the terms the code uses (``vocab.Place``, ``vocab.locatedIn``).
The code never types an IRI: a term missing from the file raises
:class:`~kg.errors.OntologyError` at load time, and ``tests/test_ontology.py`` checks
that the file defines nothing the code does not know about.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import NamespaceManager

from kg.errors import OntologyError
from kg.rdf.load import read_turtle

__all__ = [
    "CLASSES",
    "DEFAULT_ONTOLOGY",
    "PROPERTIES",
    "Vocabulary",
    "load_vocabulary",
]

DEFAULT_ONTOLOGY = Path(__file__).resolve().parent / "kg.ttl"

#: Every class the code writes, by local name.
CLASSES = (
    "Cooperative", "Document", "Entity", "Enterprise", "GovernmentBody", "MediaOutlet", "Measure",
    "Mention", "MilitaryUnit", "Observation", "Organization", "PartyOrganization",
    "Person", "Place", "Position", "Programme", "ResearchInstitute", "Role", "School", "Sentence",
    "SocialOrganization", "Statement",
)
#: Every property the code writes, by local name.
PROPERTIES = (
    "about", "approximate", "carriesOut", "contentHash", "datePublished", "editedBy",
    "encoding", "end", "evidence", "holdsPosition", "inDocument", "inSentence",
    "locatedIn", "measure", "mentionOf", "mentions", "observedEntity", "organization",
    "originalScript", "partOf", "period", "placeLevel", "publishedBy", "role", "rule",
    "sentenceIndex", "siteName", "sourceFile", "sourceFormat", "sourceRecord", "sourceUrl",
    "start", "surface", "text", "title", "unit", "value", "writtenBy",
)
_VANN_URI = URIRef("http://purl.org/vocab/vann/preferredNamespaceUri")
_VANN_PREFIX = URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix")


class Vocabulary:
    """The ontology's terms as attributes, plus its labels and the parsed graph.

    Attributes are created from :data:`CLASSES` and :data:`PROPERTIES` only; any other
    name raises ``AttributeError``, so a typo cannot mint a new IRI.
    """

    def __init__(self, graph: Graph, path: Path) -> None:
        self.graph = graph
        self.path = path
        ontologies = list(graph.subjects(RDF.type, OWL.Ontology))
        uri = graph.value(ontologies[0], _VANN_URI) if ontologies else None
        prefix = graph.value(ontologies[0], _VANN_PREFIX) if ontologies else None
        if uri is None or prefix is None:
            raise OntologyError(
                f"{path}: the owl:Ontology needs vann:preferredNamespaceUri and "
                "vann:preferredNamespacePrefix; add them so kg knows its namespace"
            )
        self.iri = ontologies[0]
        self.namespace = Namespace(str(uri))
        self.prefix = str(prefix)
        defined = set(graph.subjects(RDF.type, None))
        missing = [n for n in CLASSES + PROPERTIES if self.namespace[n] not in defined]
        if missing:
            them = "them" if len(missing) > 1 else "it"
            raise OntologyError(
                f"{path}: the code uses {', '.join(missing)} but the ontology does not "
                f"define {them}; restore {them} or use the ontology shipped with kg"
            )
        self._terms = {name: self.namespace[name] for name in CLASSES + PROPERTIES}

    def __getattr__(self, name: str) -> URIRef:
        try:
            return self.__dict__["_terms"][name]
        except KeyError:
            raise AttributeError(f"term {name!r} is not in the kg ontology") from None

    def __getitem__(self, name: str) -> URIRef:
        return self.__getattr__(name)

    def label(self, term: URIRef, lang: str = "zh") -> str:
        """The term's ``rdfs:label`` in ``lang``, else its local name."""
        for value in self.graph.objects(term, RDFS.label):
            if isinstance(value, Literal) and value.language == lang:
                return str(value)
        return str(term).removeprefix(str(self.namespace))

    def defined_terms(self) -> set[str]:
        """Local names of every class and property the file defines in our namespace."""
        kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
        return {
            str(s).removeprefix(str(self.namespace))
            for kind in kinds
            for s in self.graph.subjects(RDF.type, kind)
            if str(s).startswith(str(self.namespace))
        }

    def subclasses(self, name: str) -> frozenset[str]:
        """Local names of ``name`` and every class under it, as the ontology file says."""
        return frozenset(
            str(c).removeprefix(str(self.namespace))
            for c in self.graph.transitive_subjects(RDFS.subClassOf, self[name])
        )

    @property
    def prefixes(self) -> dict[str, str]:
        """The prefixes the ontology file declares, sorted."""
        return {prefix: str(ns) for prefix, ns in sorted(self.graph.namespaces()) if prefix}

    def bind(self, manager: NamespaceManager) -> None:
        """Bind the ontology's own prefix and the prefixes it declares."""
        for prefix, namespace in self.graph.namespaces():
            if prefix:
                manager.bind(prefix, namespace, override=True, replace=True)


@lru_cache(maxsize=8)
def load_vocabulary(path: Path = DEFAULT_ONTOLOGY) -> Vocabulary:
    """Parse the ontology at ``path`` and check it defines every term the code uses."""
    path = Path(path)
    graph = read_turtle(path, OntologyError, missing="ontology file not found; pass --ontology PATH to a kg.ttl",
                        invalid="fix the file or restore it", graph=Graph(bind_namespaces="none"))
    return Vocabulary(graph, path)
