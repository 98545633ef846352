"""XML parsers that refuse what Word never writes: DTDs, entities, network access, huge trees."""

import threading

from django.utils.translation import gettext_lazy as _
from lxml import etree

from .errors import DocumentRejected


class RefuseDoctype:
    """lxml parser target: no tree is built, and the first DOCTYPE stops the parse."""

    def doctype(self, name, public_id, system_url):
        raise DoctypeFound

    def close(self):
        return None


class DoctypeFound(Exception):
    pass


def xml_parser(target=None) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        dtd_validation=False,
        target=target,
    )


def entity_rejection(part: str) -> DocumentRejected:
    return DocumentRejected(
        _(
            "The document's part %(part)s declares its own XML entities (a DOCTYPE), which Word "
            "never writes and which can be used to attack the server. The file was refused."
        ),
        {"part": part},
    )


tree_parsers = threading.local()


def tree_parser() -> etree.XMLParser:
    # Building a parser costs about as much as parsing a small part; lxml parsers must not be
    # shared between threads, so each thread keeps its own.
    parser = getattr(tree_parsers, "parser", None)
    if parser is None:
        parser = tree_parsers.parser = xml_parser()
    return parser
