"""`samen import-cbs`: two layouts, all-or-nothing with file, line and field, idempotent."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from samen.audit.models import AuditRegel
from samen.gemeenten.models import CbsImport, Inwonertal
from samen.gemeenten.queries import bevolking_voor_jaar

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "gemeenten"
RAW = SHARED / "raw" / "cbs_37259eng_population_dynamics_regions_2012_2023.csv"
HEADER = "jaar,gemeentecode,gemeentenaam,provincienaam,provinciecode,inwoners_1jan,bron\n"
STATLINE = "ID,Sex,Regions,Periods,PopulationOn1January_1,Deaths_5\n"

pytestmark = pytest.mark.django_db


def run(path) -> str:
    out = io.StringIO()
    call_command("import_cbs", str(path), stdout=out)
    return out.getvalue()


def state():
    """Everything an import may change: the figures, the import log and the audit trail."""
    return (
        sorted(Inwonertal.objects.values_list("gemeente__code", "jaar", "aantal", "bron")),
        CbsImport.objects.count(),
        AuditRegel.objects.count(),
    )


def refused(path) -> str:
    """Import ``path``, expect the refusal, check that nothing changed; return the message."""
    before = state()
    with pytest.raises(CommandError) as exc:
        run(path)
    assert state() == before
    message = str(exc.value)
    assert "import geweigerd, niets gewijzigd" in message
    return message


def shipped_rows(year: str) -> list[dict[str, str]]:
    with open(SHARED / "gemeenten_inwoners_1jan_2012_2024.csv", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f) if r["jaar"] == year]


def year_2025(tmp_path, change=1, name="inwoners_2025.csv", rows=None):
    """A new-year file in the shipped layout: the 2024 municipalities with changed counts."""
    rows = rows if rows is not None else shipped_rows("2024")
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for r in rows:
            writer.writerow(
                {
                    **r,
                    "jaar": "2025",
                    "inwoners_1jan": int(r["inwoners_1jan"]) + change,
                    "bron": f"test 2025 {change:+d}",
                }
            )
    return path


def write(tmp_path, name, text) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- a new year ------------------------------------------------------------------------------


@pytest.mark.sqlite
def test_new_year_then_same_file_again(tmp_path):
    path = year_2025(tmp_path)
    out = run(path)
    assert "inwoners_2025.csv (samen, 2025): 342 nieuw, 0 gewijzigd, 0 ongewijzigd." in out
    assert "waarschuwing" not in out
    figures = dict(Inwonertal.objects.filter(jaar=2025).values_list("gemeente__code", "aantal"))
    assert len(figures) == 342
    assert figures["GM0363"] == 931299 and figures["GM0014"] == 243769
    assert Inwonertal.objects.get(gemeente__code="GM0363", jaar=2025).bron == "test 2025 +1"
    log = CbsImport.objects.get(bestandsnaam="inwoners_2025.csv")
    assert (log.formaat, log.jaren, log.regels, log.aangemaakt) == ("samen", [2025], 342, 342)
    assert (
        AuditRegel.objects.filter(object_type="gemeenten.cbsimport").latest("id").na["aangemaakt"]
        == 342
    )

    before = state()
    again = run(path)
    assert "al eerder geïmporteerd" in again and "niets gewijzigd" in again
    assert state() == before


@pytest.mark.sqlite
def test_the_population_rule_uses_a_new_year_at_once(tmp_path):
    assert bevolking_voor_jaar(2026).bronjaar == 2024
    run(year_2025(tmp_path))
    result = bevolking_voor_jaar(2026)
    assert (result.bronjaar, result.gevraagd_bronjaar) == (2025, 2025)
    assert result.totaal == 17_942_942 + 342


def test_a_partial_year_is_imported_with_a_warning(tmp_path):
    path = year_2025(tmp_path, rows=shipped_rows("2024")[:2])
    out = run(path)
    assert "2 nieuw" in out
    assert "waarschuwing: 2025: voor 340 van de 342 gemeenten ontbreekt nog een inwonertal" in out


def test_corrected_figures_are_updated_and_audited(tmp_path):
    run(year_2025(tmp_path, change=1))
    out = run(year_2025(tmp_path, change=2, name="correctie.csv"))
    assert "0 nieuw, 342 gewijzigd, 0 ongewijzigd" in out
    assert Inwonertal.objects.get(gemeente__code="GM0363", jaar=2025).aantal == 931300
    change = AuditRegel.objects.filter(object_id="GM0363/2025").latest("id")
    assert change.voor == {"aantal": 931299} and change.na["aantal"] == 931300
    assert change.kanaal == "commando"


@pytest.mark.sqlite
def test_importing_an_earlier_file_again_restores_its_figures(tmp_path):
    first = year_2025(tmp_path, change=1, name="eerste.csv")
    run(first)
    run(year_2025(tmp_path, change=2, name="tweede.csv"))
    out = run(first)  # the same content as before, but the register has changed since
    assert "342 gewijzigd" in out
    assert Inwonertal.objects.get(gemeente__code="GM0363", jaar=2025).aantal == 931299
    before = state()
    assert "al eerder geïmporteerd" in run(first)  # and now it really is a repeat
    assert state() == before


# --- the StatLine export of 37259ENG ----------------------------------------------------------


def test_statline_export_is_already_known():
    before = state()[0]
    out = run(RAW)
    assert "alle 4526 inwonertallen waren al bekend; niets gewijzigd" in out
    assert state()[0] == before


@pytest.mark.sqlite
def test_statline_export_recreates_deleted_years_exactly():
    before = state()[0]
    Inwonertal.objects.filter(jaar__range=(2012, 2023)).delete()
    assert Inwonertal.objects.count() == 342  # only 2024 is left
    out = run(RAW)
    jaren = ", ".join(str(y) for y in range(2012, 2024))
    assert f"(statline-37259, {jaren}): 4526 nieuw, 0 gewijzigd, 0 ongewijzigd" in out
    assert "waarschuwing" not in out
    assert state()[0] == before


def test_statline_rows_filtered_and_codes_padded(tmp_path):
    amsterdam = Inwonertal.objects.get(gemeente__code="GM0363", jaar=2023).aantal
    path = write(
        tmp_path,
        "statline.csv",
        STATLINE + "1,T001038,NL01  ,2023JJ00,17811291,\n"
        "2,T001038,PV27  ,2023JJ00,1,\n"
        "3,T001038,CR23  ,2023JJ00,1,\n"
        "4,T001038,LD01  ,2023JJ00,1,\n"
        "5,3000   ,GM0363,2023JJ00,1,\n"
        "6,4000   ,GM0363,2023JJ00,-7,\n"
        f"7,T001038,  GM0363  ,2023JJ00,{amsterdam},\n",
    )
    assert "alle 1 inwonertallen waren al bekend" in run(path)


@pytest.mark.sqlite
def test_statline_update_of_one_figure(tmp_path):
    path = write(tmp_path, "statline.csv", STATLINE + "1,T001038,GM0363  ,2023JJ00,900000,12\n")
    assert "1 gewijzigd" in run(path)
    row = Inwonertal.objects.get(gemeente__code="GM0363", jaar=2023)
    assert (row.aantal, row.bron) == (900000, "CBS 37259ENG PopulationOn1January")


@pytest.mark.parametrize(
    "line, field, fragment",
    [
        ("9,T001038,GM12  ,2023JJ00,100,", "Regions", "ongeldige gemeentecode 'GM12'"),
        ("9,T001038,GM0363,2023JJ00,-1,", "PopulationOn1January_1", "negatief"),
        ("9,T001038,GM0363,2023JJ00,,", "PopulationOn1January_1", "geen geheel getal: ''"),
        ("9,T001038,GM0363,2023,100,", "Periods", "onbekende periode '2023'"),
        ("9,T001038,GM0457,2023JJ00,100,", "Regions", "bestond niet op 1 januari 2023"),
        ("9,T001038,GM9999,2023JJ00,100,", "Regions", "onbekende gemeente GM9999"),
    ],
)
@pytest.mark.sqlite
def test_statline_bad_rows(tmp_path, line, field, fragment):
    path = write(
        tmp_path, "statline.csv", STATLINE + "1,T001038,NL01  ,2023JJ00,1,\n" + line + "\n"
    )
    message = refused(path)
    assert f"statline.csv, regel 3, veld {field}: " in message
    assert fragment in message


# --- refused files: every problem with file, line and field ------------------------------------


@pytest.mark.parametrize(
    "line, field, fragment",
    [
        ("2024,GM12,X,Noord-Holland,PV27,100,t", "gemeentecode", "ongeldige gemeentecode 'GM12'"),
        ("2024,XX0363,X,Noord-Holland,PV27,100,t", "gemeentecode", "ongeldige gemeentecode"),
        ("2024,gm0363,X,Noord-Holland,PV27,100,t", "gemeentecode", "ongeldige gemeentecode"),
        (
            "2023,GM0457,Weesp,Noord-Holland,PV27,100,t",
            "gemeentecode",
            "gemeente GM0457 (Weesp) bestond niet op 1 januari 2023",
        ),
        (
            "2013,GM1940,De Fryske Marren,Fryslân,PV21,100,t",
            "gemeentecode",
            "bestond niet op 1 januari 2013",
        ),
        ("2024,GM9999,X,Noord-Holland,PV27,100,t", "gemeentecode", "onbekende gemeente GM9999"),
        ("2024,GM0363,Amsterdam,Noord-Holland,PV27,-5,t", "inwoners_1jan", "negatief"),
        ("2024,GM0363,Amsterdam,Noord-Holland,PV27,12.5,t", "inwoners_1jan", "geen geheel getal"),
        ("2024,GM0363,Amsterdam,Noord-Holland,PV27,abc,t", "inwoners_1jan", "geen geheel getal"),
        ("2024,GM0363,Amsterdam,Noord-Holland,PV27,,t", "inwoners_1jan", "geen geheel getal"),
        ("2024,GM0363,Amsterdam,Noord-Holland,PV27,1 000,t", "inwoners_1jan", "geen geheel getal"),
        (
            "2024,GM0363,Amsterdam,Noord-Holland,PV27,99999999999,t",
            "inwoners_1jan",
            "te groot",
        ),
        ("24,GM0363,Amsterdam,Noord-Holland,PV27,100,t", "jaar", "geen jaartal"),
        ("0000,GM0363,Amsterdam,Noord-Holland,PV27,100,t", "jaar", "geen jaartal"),
        ("2024,GM0363,Amsterdam", "provincienaam", "te weinig velden"),
    ],
)
@pytest.mark.sqlite
def test_bad_rows_change_nothing_and_name_file_line_field(tmp_path, line, field, fragment):
    path = write(
        tmp_path,
        "fout.csv",
        HEADER + "2024,GM0014,Groningen,Groningen,PV20,999999,t\n" + line + "\n",
    )
    message = refused(path)
    assert f"fout.csv, regel 3, veld {field}: " in message
    assert fragment in message
    assert "regel 2" not in message  # the good row is not a problem
    assert not CbsImport.objects.filter(bestandsnaam="fout.csv").exists()


@pytest.mark.sqlite
def test_duplicate_row_names_both_lines(tmp_path):
    path = write(
        tmp_path,
        "dubbel.csv",
        HEADER + "2024,GM0363,A,NH,PV27,1,t\n2024,GM0014,G,G,PV20,2,t\n2024,GM0363,A,NH,PV27,3,t\n",
    )
    message = refused(path)
    assert (
        "dubbel.csv, regel 4, veld gemeentecode: "
        "dubbele regel: GM0363 voor 2024 staat ook op regel 2" in message
    )


def test_the_same_code_in_two_years_is_not_a_duplicate(tmp_path):
    path = write(
        tmp_path, "twee.csv", HEADER + "2023,GM0363,A,NH,PV27,1,t\n2024,GM0363,A,NH,PV27,2,t\n"
    )
    assert "2 gewijzigd" in run(path)


@pytest.mark.parametrize(
    "header, missing",
    [
        ("jaar,gemeentecode,gemeentenaam,provincienaam,provinciecode,bron\n", "inwoners_1jan"),
        ("jaar,gemeentenaam,provincienaam,provinciecode,inwoners_1jan,bron\n", "gemeentecode"),
        ("ID,Sex,Regions,Periods,Deaths_5\n", "PopulationOn1January_1"),
        ("ID,Regions,Periods,PopulationOn1January_1\n", "Sex"),
    ],
)
@pytest.mark.sqlite
def test_missing_column(tmp_path, header, missing):
    path = write(tmp_path, "kolom.csv", header + "1,2,3,4,5,6\n")
    message = refused(path)
    assert f"kolom.csv, regel 1, veld {missing}: kolom '{missing}' ontbreekt" in message


@pytest.mark.parametrize("text", ["", "\n\n", HEADER, HEADER + "\n  \n"])
def test_empty_files_are_refused(tmp_path, text):
    message = refused(write(tmp_path, "leeg.csv", text))
    assert "leeg.csv" in message


@pytest.mark.sqlite
def test_every_problem_is_listed(tmp_path):
    path = write(
        tmp_path,
        "veel.csv",
        HEADER
        + "2024,GM12,A,NH,PV27,1,t\n"
        + "2024,GM0014,G,G,PV20,-1,t\n"
        + "2024,GM0363,A,NH,PV27,x,t\n"
        + "2024,GM9999,A,NH,PV27,5,t\n"
        + "2023,GM0457,Weesp,NH,PV27,5,t\n"
        + "2024,GM0599,R,ZH,PV28,5,t\n",
    )
    message = refused(path)
    lines = [line.strip() for line in message.splitlines()[1:]]
    assert lines == [
        "- veel.csv, regel 2, veld gemeentecode: ongeldige gemeentecode 'GM12' (verwacht GM0000)",
        "- veel.csv, regel 3, veld inwoners_1jan: negatief aantal inwoners: -1",
        "- veel.csv, regel 4, veld inwoners_1jan: geen geheel getal: 'x'",
        "- veel.csv, regel 5, veld gemeentecode: onbekende gemeente GM9999",
        "- veel.csv, regel 6, veld gemeentecode: gemeente GM0457 (Weesp) bestond niet op "
        "1 januari 2023",
    ]


@pytest.mark.sqlite
def test_line_numbers_are_physical_lines(tmp_path):
    # Blank lines count; the header is line 1.
    path = write(
        tmp_path,
        "gaten.csv",
        HEADER + "\n2024,GM0014,G,G,PV20,1,t\n\n\n2024,GM0363,A,NH,PV27,-1,t\n",
    )
    assert "gaten.csv, regel 6, veld inwoners_1jan" in refused(path)


# --- file formats -------------------------------------------------------------------------------


@pytest.mark.sqlite
def test_crlf_bom_and_semicolons(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        HEADER.replace(",", ";").replace("\n", "\r\n").encode("utf-8-sig")
        + b"2024;GM0363;Amsterdam;Noord-Holland;PV27;931300;test\r\n"
        + b"2024;GM0014;Groningen;Groningen;PV20;-3;test\r\n"
    )
    message = refused(path)
    assert "excel.csv, regel 3, veld inwoners_1jan: negatief" in message
    path.write_bytes(
        HEADER.replace(",", ";").replace("\n", "\r\n").encode("utf-8-sig")
        + b"2024;GM0363;Amsterdam;Noord-Holland;PV27;931300;test\r\n"
    )
    assert "1 gewijzigd" in run(path)
    assert Inwonertal.objects.get(gemeente__code="GM0363", jaar=2024).aantal == 931300


@pytest.mark.sqlite
def test_crlf_comma_file(tmp_path):
    path = tmp_path / "crlf.csv"
    path.write_bytes(
        (HEADER + "2024,GM0363,Amsterdam,Noord-Holland,PV27,931301,test\n")
        .replace("\n", "\r\n")
        .encode()
    )
    assert "1 gewijzigd" in run(path)
    assert Inwonertal.objects.get(gemeente__code="GM0363", jaar=2024).aantal == 931301


def test_quoted_fields_and_windows_1252(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes(
        HEADER.encode()
        + '2024,GM1900,"Súdwest-Fryslân, gemeente",Fryslân,PV21,90001,"bron, met komma"\n'.encode(
            "cp1252"
        )
    )
    assert "1 gewijzigd" in run(path)
    row = Inwonertal.objects.get(gemeente__code="GM1900", jaar=2024)
    assert (row.aantal, row.bron) == (90001, "bron, met komma")


def test_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="niet gevonden"):
        run(tmp_path / "bestaat-niet.csv")


# --- the console script -------------------------------------------------------------------------


def _samen(live_site, *args):
    import sys

    samen = str(Path(sys.executable).parent / "samen")
    return subprocess.run(
        [samen, *args], env=live_site.env, cwd=live_site.cwd, capture_output=True, text=True
    )


@pytest.mark.sqlite
def test_console_script_exit_codes(live_site, tmp_path):
    """The real `samen import-cbs` on the live site's database (SQLite or PostgreSQL)."""
    count = (
        "from samen.gemeenten.models import Inwonertal as I\n"
        "print(I.objects.get(gemeente__code='GM0363', jaar=2024).aantal)"
    )
    good = write(
        tmp_path, "goed.csv", HEADER + "2024,GM0363,Amsterdam,Noord-Holland,PV27,931298,x\n"
    )
    result = _samen(live_site, "import-cbs", str(good))
    assert result.returncode == 0, result.stderr
    assert "goed.csv" in result.stdout and "niets gewijzigd" in result.stdout

    bad = write(
        tmp_path,
        "fout.csv",
        HEADER + "2024,GM0363,Amsterdam,Noord-Holland,PV27,1,x\n2024,GM0014,G,G,PV20,-1,x\n",
    )
    result = _samen(live_site, "import_cbs", str(bad))
    assert result.returncode == 1
    assert "fout.csv, regel 3, veld inwoners_1jan: negatief aantal inwoners: -1" in result.stderr
    assert "Traceback" not in result.stderr
    assert live_site.run("shell", "-c", count).strip() == "931298"  # line 2 was not applied

    missing = _samen(live_site, "import-cbs", str(tmp_path / "nee.csv"))
    assert missing.returncode == 1 and "niet gevonden" in missing.stderr
