"""Cross-tool reliability: two coders' work arrives as a .qdpx; after import, agreement.report and the vendor
compatibility modes run on the imported coders. The values are computed by hand below."""

from __future__ import annotations

import warnings
import zipfile

import pytest

from hrp_coding.agreement.compat import atlas_ti_alpha, dedoose_kappa, maxqda_agreement, nvivo_kappa
from hrp_coding.agreement.report import report
from hrp_coding.errors import HrpCodingWarning
from hrp_coding.interop import refi

TEXT = "P01: " + "a" * 45  # 50 characters
A, B = "10000000-0000-0000-0000-00000000000a", "10000000-0000-0000-0000-00000000000b"
X, Y = "20000000-0000-0000-0000-000000000001", "20000000-0000-0000-0000-000000000002"
SRC = "40000000-0000-0000-0000-000000000001"


def _selection(n, user, start, end, code):
    return (f'<PlainTextSelection guid="50000000-0000-0000-0000-00000000000{n}" startPosition="{start}" '
            f'endPosition="{end}" creatingUser="{user}"><Coding guid="60000000-0000-0000-0000-00000000000{n}" '
            f'creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>')


QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Two coders" origin="NVivo-like hand-built file">
  <Users><User guid="{A}" name="Alex"/><User guid="{B}" name="Bo"/></Users>
  <CodeBook><Codes><Code guid="{X}" name="x" isCodable="true"/><Code guid="{Y}" name="y" isCodable="true"/>
  </Codes></CodeBook>
  <Sources><TextSource guid="{SRC}" name="T1" plainTextPath="internal://{SRC}.txt">
    {_selection(1, A, 0, 20, X)}
    {_selection(2, B, 10, 30, X)}
    {_selection(3, A, 30, 40, Y)}
    {_selection(4, B, 30, 40, Y)}
  </TextSource></Sources>
</Project>
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two")
    path = folder / "two.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", QDE)
        archive.writestr(f"sources/{SRC}.txt", TEXT)
    return refi.import_qdpx(path, folder / "study")


def test_imported_coders(project):
    assert project.coders == ("alex", "bo")
    codings = project.codings().sort_values(["code", "coder"])
    assert codings[["coder", "code", "start", "end"]].values.tolist() == [
        ["alex", "x", 0, 20], ["bo", "x", 10, 30], ["alex", "y", 30, 40], ["bo", "y", 30, 40]]


def test_character_level_report(project):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HrpCodingWarning)
        r = report(project, unit="character")
    assert r.coders == ("alex", "bo")
    x = r.by_code.loc["x"]
    # Code x over the 50 characters: both coded 10-20 (10), only alex 0-10 (10), only bo 20-30 (10), neither 30-50
    # (20). P_o = (10 + 20) / 50 = 0.6; each coder coded 20 of 50, so P_e = 0.4*0.4 + 0.6*0.6 = 0.52 and
    # Cohen's kappa = (0.6 - 0.52) / (1 - 0.52) = 1/6.
    assert x["n"] == 50
    assert x["percent_agreement"] == pytest.approx(0.6)
    assert x["kappa"] == pytest.approx(1 / 6)
    # Krippendorff's alpha (nominal, 2 coders, 50 units, 100 values: 40 "coded", 60 not): D_o = 2*20/100 = 0.4,
    # D_e = 2*40*60 / (100*99) = 0.48485; alpha = 1 - D_o/D_e = 1 - 0.825 = 0.175.
    assert x["alpha"] == pytest.approx(0.175)
    assert r.by_code.loc["y", "kappa"] == pytest.approx(1.0)  # both coded exactly 30-40
    assert r.by_code.loc["y", "percent_agreement"] == pytest.approx(1.0)


def test_vendor_modes_on_the_imported_coders(project):
    codings = project.codings()
    texts = {"T1": project.transcript("T1").text}
    nv = nvivo_kappa(codings, texts=texts)
    # NVivo: the same character-level kappa per code and source (one source: both averages equal it)
    assert float(nv.by_source.loc[("x", "T1"), "kappa"]) == pytest.approx(1 / 6)
    assert float(nv.summary.loc["x", "kappa_weighted"]) == pytest.approx(1 / 6)
    assert float(nv.summary.loc["y", "kappa_mean"]) == pytest.approx(1.0)
    # MAXQDA: alex's 0-20 and bo's 10-30 overlap by 10 of a 30-character union (33%): no match at 90%, a match at 30%
    strict = maxqda_agreement(codings, threshold=0.9)
    assert strict.summary.loc["x", ["agree", "only_a", "only_b"]].tolist() == [0, 1, 1]
    assert strict.summary.loc["y", ["agree", "only_a", "only_b"]].tolist() == [1, 0, 0]
    loose = maxqda_agreement(codings, threshold=0.3)
    assert loose.summary.loc["x", ["agree", "only_a", "only_b"]].tolist() == [1, 0, 0]
    # Dedoose: each selection is an excerpt (0-20, 10-30, 30-40). Code x: alex 1,0,0 / bo 0,1,0: p_o = 1/3,
    # p_e = (1/3)(1/3) + (2/3)(2/3) = 5/9, kappa = (1/3 - 5/9) / (4/9) = -0.5. Code y: 0,0,1 both: kappa 1.
    # Pooled (De Vries): (mean p_o - mean p_e) / (1 - mean p_e) = (2/3 - 5/9) / (4/9) = 0.25.
    excerpts = codings.assign(excerpt=codings["start"].astype(str) + "-" + codings["end"].astype(str))
    dd = dedoose_kappa(excerpts[["excerpt", "coder", "code"]], excerpt_ids=["0-20", "10-30", "30-40"])
    assert float(dd.summary.loc["x", "kappa"]) == pytest.approx(-0.5)
    assert float(dd.summary.loc["y", "kappa"]) == pytest.approx(1.0)
    assert float(dd.summary.loc["(pooled)", "kappa"]) == pytest.approx(0.25)
    # ATLAS.ti (experimental family), each code its own semantic domain: identical unitizing of y gives
    # |u-alpha = 1 for domain y; the partly overlapping x spans give less
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HrpCodingWarning)
        at = atlas_ti_alpha(codings, continuum={"T1": 50})
    binary = at.by_domain[at.by_domain["coefficient"] == "|u-alpha"].set_index("domain")["value"]
    assert float(binary["y"]) == pytest.approx(1.0)
    assert 0 < float(binary["x"]) < 1
