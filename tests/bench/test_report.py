"""The benchmark report (bench/report.py): what a benchmark prints is kept, and the report says each
figure beside its target, missed ones marked, from the kept files only."""

from __future__ import annotations

import json
import sys

from bench.figures import Bench, code
from bench.report import json_objects, render, run


def test_every_object_a_benchmark_prints_is_found_and_log_lines_are_not():
    printed = 'loading… {not json}\n{"a": 1}\nx = {"b": 2}\n{\n  "c": {"d": [1, 2]}\n}\ndone\n'
    assert json_objects(printed) == [{"a": 1}, {"c": {"d": [1, 2]}}]


def _code_bench(tmp_path, right: int, other: int) -> Bench:
    script = tmp_path / f"code_{right}_{other}.py"
    figures = {
        "readings": 10,
        "right code accepted": f"{right}/10",
        "every digit heard right": f"{right}/10",
        "another code accepted": f"{other}/10",
        "seconds per check": 0.3,
    }
    script.write_text(f"import json\nprint('warming up')\nprint(json.dumps({figures!r}, indent=1))\n")
    return Bench("code", "Spoken code check", [("", [str(script)])], code)


def test_a_run_is_kept_and_the_report_marks_a_missed_target(tmp_path):
    docs = tmp_path / "docs"
    bench = _code_bench(tmp_path, right=10, other=1)
    assert run(bench, docs / "bench")
    kept = json.loads((docs / "bench" / "code.json").read_text())
    assert kept["runs"][0]["out"][0]["another code accepted"] == "1/10"
    assert kept["machine"]["versions"]["python"] == ".".join(map(str, sys.version_info[:3]))

    report = render(docs, [bench])
    assert "| code | spoken code: the right code accepted | 10/10 | all | met |" in report
    assert "| code | spoken code: another code accepted | 1/10 | 0 | **missed** |" in report
    assert "1 of 2 met." in report
    assert f"| CPU | {kept['machine']['cpu']} ({kept['machine']['cores']} cores) |" in report


def test_a_failed_benchmark_keeps_its_last_figures(tmp_path):
    docs = tmp_path / "docs"
    assert run(_code_bench(tmp_path, right=10, other=0), docs / "bench")
    broken = tmp_path / "broken.py"
    broken.write_text("raise SystemExit(3)\n")
    assert not run(Bench("code", "Spoken code check", [("", [str(broken)])], code), docs / "bench")
    report = render(docs, [_code_bench(tmp_path, 10, 0)])
    assert "2 of 2 met." in report  # the figures of the run that worked
