import pytest

from lti_app.scorm.errors import PackageError
from lti_app.scorm.manifest import parse_manifest

NS_2004 = (
    'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"'
)
NS_12 = (
    'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"'
)


def manifest(body, namespaces=NS_2004, schema_version="2004 3rd Edition", extra=""):
    metadata = f"<metadata><schemaversion>{schema_version}</schemaversion></metadata>" if schema_version else ""
    return f'<?xml version="1.0"?><manifest identifier="m" {namespaces} {extra}>{metadata}{body}</manifest>'.encode()


ONE_SCO = """
<organizations default="org">
  <organization identifier="org"><title>Algebra exam</title>
    <item identifier="i1" identifierref="r1"><title>The exam</title></item>
  </organization>
</organizations>
<resources><resource identifier="r1" type="webcontent" adlcp:scormType="sco" href="index.html"/></resources>
"""


def test_scorm_2004_single_sco():
    parsed = parse_manifest(manifest(ONE_SCO))
    assert parsed.scorm_version == "2004"
    assert parsed.launch_path == "index.html"
    assert parsed.title == "Algebra exam"
    assert parsed.notes == ()
    assert parsed.launch_parameters == ""


@pytest.mark.parametrize("schema_version", ["2004 4th Edition", "CAM 1.3", "2004 3rd Edition"])
def test_scorm_2004_schema_versions(schema_version):
    assert parse_manifest(manifest(ONE_SCO, schema_version=schema_version)).scorm_version == "2004"


def test_scorm_12_from_schema_version():
    assert parse_manifest(manifest(ONE_SCO, namespaces=NS_12, schema_version="1.2")).scorm_version == "1.2"


@pytest.mark.parametrize("namespaces, version", [(NS_2004, "2004"), (NS_12, "1.2")])
def test_version_from_namespaces_without_schema_version(namespaces, version):
    assert parse_manifest(manifest(ONE_SCO, namespaces=namespaces, schema_version="")).scorm_version == version


def test_unknown_version_is_refused():
    plain = 'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"'
    with pytest.raises(PackageError, match="which SCORM version"):
        parse_manifest(manifest(ONE_SCO.replace("adlcp:scormType", "scormType"), namespaces=plain, schema_version=""))


def test_several_scos_launch_the_first_item_depth_first_with_a_note():
    body = """
    <organizations default="second">
      <organization identifier="first"><title>Not this one</title>
        <item identifier="x" identifierref="r9"><title>Wrong</title></item>
      </organization>
      <organization identifier="second"><title>Course</title>
        <item identifier="chapter"><title>Chapter</title>
          <item identifier="a" identifierref="r1" parameters="?questions=Playing"><title>Intro quiz</title></item>
        </item>
        <item identifier="b" identifierref="r2"><title>Final quiz</title></item>
      </organization>
    </organizations>
    <resources>
      <resource identifier="r2" href="final/index.html"/>
      <resource identifier="r1" href="intro/index.html"/>
      <resource identifier="r9" href="wrong.html"/>
    </resources>
    """
    parsed = parse_manifest(manifest(body))
    assert parsed.launch_path == "intro/index.html"
    assert parsed.launch_parameters == "questions=Playing"
    assert parsed.title == "Course"
    assert parsed.notes == ("This package has 2 SCOs; Examgate launches the first, 'Intro quiz'.",)


def test_first_organization_when_the_default_is_missing():
    body = ONE_SCO.replace('default="org"', 'default="nowhere"')
    assert parse_manifest(manifest(body)).launch_path == "index.html"


def test_xml_base_and_href_query_make_the_launch_address():
    body = """
    <organizations default="o"><organization identifier="o"><title>T</title>
      <item identifier="i" identifierref="r" parameters="&amp;mode=exam"><title>I</title></item>
    </organization></organizations>
    <resources xml:base="content/">
      <resource identifier="r" xml:base="exam%201/" href="start.html?lang=en"/>
    </resources>
    """
    parsed = parse_manifest(manifest(body))
    assert parsed.launch_path == "content/exam 1/start.html"
    assert parsed.launch_parameters == "lang=en&mode=exam"


def test_numbas_like_manifest():
    body = """
    <organizations default="Numbas: Algebra exam">
      <organization identifier="Numbas: Algebra exam"><title>Algebra exam</title>
        <item identifier="Numbas: Algebra exam item" identifierref="Numbas: Algebra exam resource">
          <title>Algebra exam</title>
        </item>
      </organization>
    </organizations>
    <resources>
      <resource identifier="Numbas: Algebra exam resource" type="webcontent"
                adlcp:scormType="sco" href="index.html">
        <file href="index.html"/><file href="scripts.js"/><file href="not-in-the-zip.js"/>
      </resource>
    </resources>
    """
    extra = 'xmlns:imsss="http://www.imsglobal.org/xsd/imsss" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    parsed = parse_manifest(manifest(body, extra=extra))
    assert (parsed.scorm_version, parsed.launch_path, parsed.title) == ("2004", "index.html", "Algebra exam")


def test_no_organization_launches_the_only_resource_with_a_note():
    body = '<organizations/><resources><resource identifier="r" href="sso/launch.html"/>' \
           '<resource identifier="assets"><file href="a.css"/></resource></resources>'
    parsed = parse_manifest(manifest(body))
    assert parsed.launch_path == "sso/launch.html"
    assert parsed.notes == ("The manifest has no organization; Examgate launches its only resource, 'sso/launch.html'.",)


def test_no_organization_and_several_resources_is_refused():
    body = '<resources><resource identifier="a" href="a.html"/><resource identifier="b" href="b.html"/></resources>'
    with pytest.raises(PackageError, match="2 resources"):
        parse_manifest(manifest(body))


@pytest.mark.parametrize(
    "body, message",
    [
        ("<resources/>", "no organization and no resource"),
        (ONE_SCO.replace('identifierref="r1"', ""), "no item that launches"),
        (ONE_SCO.replace('identifierref="r1"', 'identifierref="r2"'), "resource 'r2', which the manifest does not define"),
        (ONE_SCO.replace('href="index.html"', ""), "has no href"),
        (ONE_SCO.replace('href="index.html"', 'href="https://example.com/x.html"'), "outside the package"),
        (ONE_SCO.replace('href="index.html"', 'href="../index.html"'), "outside the package"),
    ],
)
def test_unusable_manifests_are_refused(body, message):
    with pytest.raises(PackageError, match=message):
        parse_manifest(manifest(body))


@pytest.mark.parametrize(
    "xml, message",
    [
        (b"<manifest><unclosed></manifest>", "not well-formed"),
        (b"", "not well-formed"),
        (b'<?xml version="1.0"?><html/>', "<manifest>"),
        (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY big "x">]><manifest>&big;</manifest>', "DOCTYPE"),
        (b'<!DOCTYPE m SYSTEM "http://example.com/evil.dtd"><manifest/>', "DOCTYPE"),
    ],
)
def test_bad_xml_is_refused(xml, message):
    with pytest.raises(PackageError, match=message):
        parse_manifest(xml)


def test_utf16_manifest():
    xml = manifest(ONE_SCO).decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    assert parse_manifest(xml.encode("utf-16")).launch_path == "index.html"
