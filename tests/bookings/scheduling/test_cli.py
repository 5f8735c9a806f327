import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bookings.scheduling.cli import main

from .builders import make_instance
from .validator import validate

ROOT = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, data, name="instance.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def small() -> dict:
    return make_instance(4, [(1, 1, 2), (2, 1, 3)], name="cli-case")


def run_main(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_solution_goes_to_stdout_with_exit_0(tmp_path):
    data = small()
    code, out, err = run_main([write(tmp_path, data), "--time-limit", "120"])
    assert code == 0
    solution = json.loads(out)
    assert solution["instance"] == "cli-case"
    assert solution["status"] == "optimal"
    assert validate(data, solution) == []
    assert err == ""


def test_out_file_is_written_and_exit_0_even_when_infeasible(tmp_path):
    data = make_instance(1, [(1, 1, 2), (2, 1, 3)])
    target = tmp_path / "solution.json"
    code, out, err = run_main([write(tmp_path, data), "--out", str(target), "--time-limit", "120"])
    assert code == 0
    assert out == ""
    solution = json.loads(target.read_text(encoding="utf-8"))
    assert solution["status"] == "infeasible"
    assert validate(data, solution) == []
    assert "infeasible" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("{not json", "not JSON"),
        ({"format": "primi-b2b/0"}, 'format: expected "primi-b2b/1"'),
        ({**small(), "slots": 0}, "slots: must be a positive integer"),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, message):
    path = str(tmp_path / "missing.json") if content is None else write(tmp_path, content)
    code, out, err = run_main([path])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("b2b_solve: ")
    assert message in err


def test_bad_option_exits_2(tmp_path):
    code, _, err = run_main([write(tmp_path, small()), "--time-limit", "soon"])
    assert code == 2
    assert "--time-limit" in err
    assert err.count("\n") == 1


def test_module_entry_point_exit_status(tmp_path):
    missing = subprocess.run(
        [sys.executable, "-m", "bookings.scheduling", str(tmp_path / "none.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert "none.json: no such file" in missing.stderr


def test_management_command_writes_the_solution(tmp_path):
    data = small()
    target = tmp_path / "out.json"
    call_command(
        "b2b_solve",
        write(tmp_path, data),
        "--time-limit",
        "120",
        "--out",
        str(target),
        stderr=io.StringIO(),
    )
    assert validate(data, json.loads(target.read_text(encoding="utf-8"))) == []


def test_management_command_bad_input_is_a_command_error_with_code_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("b2b_solve", write(tmp_path, "[]"))
    assert caught.value.returncode == 2
    assert str(caught.value) == "instance: must be a JSON object"


def test_management_command_exit_status_reaches_the_shell(tmp_path):
    done = subprocess.run(
        [sys.executable, "manage.py", "b2b_solve", write(tmp_path, "{}")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "format: expected" in done.stderr
    assert "Traceback" not in done.stderr
