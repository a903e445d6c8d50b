"""Read what Examgate needs from a package's ``imsmanifest.xml``.

Parsing is lenient, because real manifests are untidy: Numbas gives identifiers with spaces and
colons and lists files that are not in the zip, namespaces vary between tools, and only the
launch file matters to us. It is strict about safety: a manifest with a DOCTYPE or an entity
declaration is refused, so no entity expansion or external fetch can happen.

What is launched:

- the first item (depth first) of the default organization that refers to a resource; when the
  organization has several such items (SCOs), the first is launched and a note says so;
- a manifest with no organization is launched from its only resource that has an ``href``, with a
  note; when several resources have one, the package is refused, as the choice would be a guess.

The launch path is the resource's ``xml:base`` (manifest, resources, resource) joined to its
``href``; a query string from the ``href`` or the item's ``parameters`` is kept apart, without
its ``?``, in ``launch_parameters``.
"""

import posixpath
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from .errors import PackageError

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


@dataclass(frozen=True)
class Manifest:
    scorm_version: Literal["2004", "1.2"]
    launch_path: str
    title: str
    notes: tuple[str, ...] = ()
    launch_parameters: str = ""


def parse_manifest(xml: bytes) -> Manifest:
    root, namespaces = _parse_xml(xml)
    if _local_name(root.tag) != "manifest":
        raise PackageError("imsmanifest.xml does not start with a <manifest> element.")
    version = _scorm_version(root, namespaces)
    organization = _default_organization(root)
    if organization is None:
        return _launch_only_resource(root, version)
    return _launch_first_item(root, organization, version)


def _parse_xml(xml: bytes) -> tuple[Element, set[str]]:
    """Parse with expat directly, to refuse DOCTYPEs and see every namespace declared."""
    builder = TreeBuilder()
    namespaces = set()
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse(*_):
        raise PackageError("imsmanifest.xml declares a DOCTYPE or entities, which Examgate refuses.")

    def start(tag, attributes):
        builder.start(_clark(tag), {_clark(name): value for name, value in attributes.items()})

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartNamespaceDeclHandler = lambda _prefix, uri: namespaces.add(uri or "")
    parser.StartElementHandler = start
    parser.EndElementHandler = lambda tag: builder.end(_clark(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as error:
        raise PackageError(f"imsmanifest.xml is not well-formed XML ({error}).") from None
    return builder.close(), namespaces


def _clark(name: str) -> str:
    """expat gives 'uri}local'; ElementTree's paths expect '{uri}local'."""
    return "{" + name if "}" in name else name


def _local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _scorm_version(root: Element, namespaces: set[str]) -> str:
    schema_version = (root.findtext("{*}metadata/{*}schemaversion") or "").strip()
    if re.search(r"2004|1\.3", schema_version):
        return "2004"
    if re.search(r"1\.2", schema_version):
        return "1.2"
    if any("adlcp_v1p3" in uri for uri in namespaces):
        return "2004"
    if any("adlcp_rootv1p2" in uri for uri in namespaces):
        return "1.2"
    raise PackageError(
        "imsmanifest.xml does not say which SCORM version the package uses "
        "(no <schemaversion> and no ADL namespace): Examgate plays SCORM 1.2 and 2004 packages."
    )


def _default_organization(root: Element) -> Element | None:
    organizations = root.findall("{*}organizations/{*}organization")
    default = root.find("{*}organizations")
    wanted = default.get("default") if default is not None else None
    for organization in organizations:
        if organization.get("identifier") == wanted:
            return organization
    return organizations[0] if organizations else None


def _resources(root: Element) -> list[Element]:
    return root.findall("{*}resources/{*}resource")


def _launch_first_item(root: Element, organization: Element, version: str) -> Manifest:
    resources = {resource.get("identifier"): resource for resource in _resources(root)}
    items = [item for item in organization.iter() if _local_name(item.tag) == "item" and item.get("identifierref")]
    if not items:
        raise PackageError("The manifest's organization has no item that launches anything.")
    first = items[0]
    resource = resources.get(first.get("identifierref"))
    if resource is None:
        raise PackageError(
            f"The item '{_title(first)}' refers to the resource '{first.get('identifierref')}', "
            "which the manifest does not define."
        )
    path, query = _launch_address(root, resource)
    notes = ()
    if len(items) > 1:
        notes = (f"This package has {len(items)} SCOs; Examgate launches the first, '{_title(first)}'.",)
    return Manifest(
        scorm_version=version,
        launch_path=path,
        title=_title(organization) or _title(first),
        notes=notes,
        launch_parameters=_join_queries(query, first.get("parameters", "")),
    )


def _launch_only_resource(root: Element, version: str) -> Manifest:
    launchable = [resource for resource in _resources(root) if resource.get("href")]
    if not launchable:
        raise PackageError("The manifest has no organization and no resource to launch.")
    if len(launchable) > 1:
        raise PackageError(
            f"The manifest has no organization and {len(launchable)} resources that could be "
            "launched; Examgate cannot tell which one is the exam."
        )
    path, query = _launch_address(root, launchable[0])
    note = f"The manifest has no organization; Examgate launches its only resource, '{path}'."
    return Manifest(
        scorm_version=version, launch_path=path, title="", notes=(note,), launch_parameters=query
    )


def _title(element: Element) -> str:
    return " ".join((element.findtext("{*}title") or "").split())


def _launch_address(root: Element, resource: Element) -> tuple[str, str]:
    href = resource.get("href")
    if not href:
        raise PackageError(f"The resource '{resource.get('identifier')}' has no href to launch.")
    resources = root.find("{*}resources")
    bases = [element.get(XML_BASE, "") for element in (root, resources, resource)]
    href, _, query = href.partition("?")
    href = href.partition("#")[0]
    path = posixpath.normpath("/".join(part.strip("/") for part in [*bases, href] if part.strip("/")))
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", path) or path.startswith("../") or path in ("..", "."):
        raise PackageError(f"The manifest launches '{href}', outside the package.")
    return unquote(path), query


def _join_queries(*queries: str) -> str:
    return "&".join(query.lstrip("?&") for query in queries if query.lstrip("?&"))
