"""`samen import-cbs`: two layouts, all-or-nothing with file, line and field, idempotent."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from samen.gemeenten.models import CbsImport, Inwonertal

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "gemeenten"
RAW = SHARED / "raw" / "cbs_37259eng_population_dynamics_regions_2012_2023.csv"
HEADER = "jaar,gemeentecode,gemeentenaam,provincienaam,provinciecode,inwoners_1jan,bron\n"
SAMEN = str(Path(sys.executable).parent / "samen")

pytestmark = pytest.mark.django_db


def run(path) -> str:
    out = io.StringIO()
    call_command("import_cbs", str(path), stdout=out)
    return out.getvalue()


def snapshot():
    return sorted(Inwonertal.objects.values_list("gemeente__code", "jaar", "aantal"))


def year_2025(tmp_path, change=1):
    with open(SHARED / "gemeenten_inwoners_1jan_2012_2024.csv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["jaar"] == "2024"]
    path = tmp_path / "inwoners_2025.csv"
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for r in rows:
            writer.writerow(
                {
                    **r,
                    "jaar": "2025",
                    "inwoners_1jan": int(r["inwoners_1jan"]) + change,
                    "bron": "test 2025",
                }
            )
    return path


@pytest.mark.sqlite
def test_new_year_then_same_file_again(tmp_path):
    path = year_2025(tmp_path)
    assert "342 nieuw" in run(path)
    assert Inwonertal.objects.filter(jaar=2025).count() == 342
    before = snapshot()
    assert "al eerder geïmporteerd" in run(path)
    assert snapshot() == before


def test_statline_export_is_already_known(tmp_path):
    before = snapshot()
    out = run(RAW)
    assert "niets gewijzigd" in out and "4526 inwonertallen" in out
    assert snapshot() == before


def test_statline_export_recreates_deleted_years():
    before = snapshot()
    Inwonertal.objects.filter(jaar__in=[2013, 2019]).delete()
    out = run(RAW)
    assert "763 nieuw" in out  # 408 + 355 municipalities
    assert snapshot() == before


@pytest.mark.parametrize(
    "line, field, fragment",
    [
        ("2024,GM12,X,Noord-Holland,PV27,100,t", "gemeentecode", "ongeldige gemeentecode 'GM12'"),
        ("2024,XX0363,X,Noord-Holland,PV27,100,t", "gemeentecode", "ongeldige gemeentecode"),
        (
            "2023,GM0457,Weesp,Noord-Holland,PV27,100,t",
            "gemeentecode",
            "bestond niet op 1 januari 2023",
        ),
        ("2024,GM9999,X,Noord-Holland,PV27,100,t", "gemeentecode", "onbekende gemeente GM9999"),
        ("2024,GM0363,Amsterdam,Noord-Holland,PV27,-5,t", "inwoners_1jan", "negatief"),
        ("2024,GM0363,Amsterdam,Noord-Holland,PV27,12.5,t", "inwoners_1jan", "geen geheel getal"),
        ("2024,GM0363,Amsterdam,Noord-Holland,PV27,abc,t", "inwoners_1jan", "geen geheel getal"),
        ("2024,GM0363,Amsterdam,Noord-Holland,PV27,,t", "inwoners_1jan", "geen geheel getal"),
    ],
)
@pytest.mark.sqlite
def test_bad_rows_change_nothing_and_name_file_line_field(tmp_path, line, field, fragment):
    path = tmp_path / "fout.csv"
    path.write_text(HEADER + "2024,GM0014,Groningen,Groningen,PV20,999999,t\n" + line + "\n")
    before = snapshot()
    with pytest.raises(CommandError) as exc:
        run(path)
    message = str(exc.value)
    assert f"fout.csv, regel 3, veld {field}" in message
    assert fragment in message
    assert snapshot() == before
    assert not CbsImport.objects.filter(bestandsnaam="fout.csv").exists()


def test_duplicate_row_names_both_lines(tmp_path):
    path = tmp_path / "dubbel.csv"
    path.write_text(
        HEADER + "2024,GM0363,A,NH,PV27,1,t\n2024,GM0014,G,G,PV20,2,t\n2024,GM0363,A,NH,PV27,3,t\n"
    )
    with pytest.raises(CommandError) as exc:
        run(path)
    assert (
        "regel 4, veld gemeentecode: dubbele regel: GM0363 voor 2024 staat ook op regel 2"
        in str(exc.value)
    )


@pytest.mark.parametrize(
    "header, missing",
    [
        ("jaar,gemeentecode,gemeentenaam,provincienaam,provinciecode,bron\n", "inwoners_1jan"),
        ("ID,Sex,Regions,Periods,Deaths_5\n", "PopulationOn1January_1"),
    ],
)
def test_missing_column(tmp_path, header, missing):
    path = tmp_path / "kolom.csv"
    path.write_text(header + "1,2,3,4,5,6\n")
    with pytest.raises(CommandError) as exc:
        run(path)
    assert f"regel 1, veld {missing}: kolom '{missing}' ontbreekt" in str(exc.value)


def test_every_problem_is_listed(tmp_path):
    path = tmp_path / "veel.csv"
    path.write_text(
        HEADER + "2024,GM12,A,NH,PV27,1,t\n2024,GM0014,G,G,PV20,-1,t\n2024,GM0363,A,NH,PV27,x,t\n"
    )
    with pytest.raises(CommandError) as exc:
        run(path)
    message = str(exc.value)
    assert "regel 2" in message and "regel 3" in message and "regel 4" in message


def test_crlf_and_semicolons(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        HEADER.replace(",", ";").replace("\n", "\r\n").encode("utf-8-sig")
        + b"2024;GM0363;Amsterdam;Noord-Holland;PV27;931300;test\r\n"
    )
    assert "1 gewijzigd" in run(path)
    assert Inwonertal.objects.get(gemeente__code="GM0363", jaar=2024).aantal == 931300


def test_statline_rows_filtered_and_codes_padded(tmp_path):
    amsterdam = Inwonertal.objects.get(gemeente__code="GM0363", jaar=2023).aantal
    path = tmp_path / "statline.csv"
    path.write_text(
        "ID,Sex,Regions,Periods,PopulationOn1January_1,Deaths_5\n"
        "1,T001038,NL01  ,2023JJ00,17811291,\n"
        "2,T001038,PV27  ,2023JJ00,1,\n"
        "3,T001038,CR23  ,2023JJ00,1,\n"
        "4,3000   ,GM0363,2023JJ00,1,\n"
        f"5,T001038,GM0363,2023JJ00,{amsterdam},\n"
    )
    out = run(path)
    assert "1 inwonertallen waren al bekend" in out


def test_console_script_exit_codes(tmp_path, settings):
    good = tmp_path / "goed.csv"
    good.write_text(HEADER + "2024,GM0363,Amsterdam,Noord-Holland,PV27,931298,x\n")
    bad = tmp_path / "fout.csv"
    bad.write_text(HEADER + "2024,GM0363,Amsterdam,Noord-Holland,PV27,-1,x\n")
    import os

    env_db = settings.DATABASES["default"]  # the PostgreSQL test database (not sqlite-marked)

    env = dict(os.environ)
    name = env_db.get("TEST", {}).get("NAME") or env_db["NAME"]
    env["DATABASE_URL"] = f"postgres://{env_db['USER']}@{env_db['HOST']}:{env_db['PORT']}/{name}"
    result = subprocess.run(
        [SAMEN, "import-cbs", str(bad)], env=env, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "regel 2, veld inwoners_1jan" in result.stderr
    missing = subprocess.run(
        [SAMEN, "import-cbs", str(tmp_path / "nee.csv")], env=env, capture_output=True, text=True
    )
    assert missing.returncode == 1 and "niet gevonden" in missing.stderr
