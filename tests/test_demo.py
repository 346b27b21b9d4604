"""The demo entry point, `python -m nn.demo`, run small into a temporary folder."""

import os
import re

import pytest

from nn import demo


def test_demo_trains_prints_accuracy_and_writes_graph_and_loss_curve(tmp_path, capsys):
    out = tmp_path / "pictures"
    returned = demo.main(["--epochs", "1", "--hidden", "16", "--out", str(out)])

    printed = capsys.readouterr().out
    match = re.search(r"test accuracy: (\d\.\d+)", printed)
    assert match, printed
    assert float(match.group(1)) == pytest.approx(returned, abs=1e-4)
    assert returned > 0.5  # one epoch on digits is far better than chance (0.1)

    svg = (out / "graph.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "linear" in svg  # the forward pass's ops are in the picture
    assert (out / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {out / 'graph.svg'}" in printed


def test_demo_is_repeatable_under_its_seed(tmp_path):
    args = ["--epochs", "1", "--hidden", "8", "--optimizer", "sgd", "--batch-size", "128"]
    first = demo.main([*args, "--out", str(tmp_path / "a")])
    second = demo.main([*args, "--out", str(tmp_path / "b")])
    assert first == second


def test_demo_help_lists_its_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        demo.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--epochs", "--hidden", "--optimizer", "--lr", "--batch-size", "--seed", "--out"):
        assert option in text


def test_demo_rejects_a_hidden_size_of_zero(capsys):
    with pytest.raises(SystemExit):
        demo.main(["--hidden", "0"])
    assert "must be a positive integer, got 0" in capsys.readouterr().err


@pytest.fixture
def no_training(monkeypatch):
    """Make any attempt to load data or train fail the test: bad arguments must stop the demo first."""

    def trained(*args, **kwargs):
        raise AssertionError("the demo started on its data before checking its arguments")

    monkeypatch.setattr(demo, "load_digits_split", trained)
    monkeypatch.setattr(demo, "train", trained)


BAD_ARGUMENTS = [
    (["--seed", "-5"], "argument --seed: must be >= 0"),
    (["--seed", "4294967296"], "argument --seed: must be >= 0 and <= 4294967295, got 4294967296"),
    (["--seed", "x"], "argument --seed: invalid seed: 'x'"),
    (["--lr", "-1"], "argument --lr: must be a finite number > 0, got -1"),
    (["--lr", "0"], "argument --lr: must be a finite number > 0, got 0"),
    (["--lr", "nan"], "argument --lr: must be a finite number > 0, got nan"),
    (["--lr", "inf"], "argument --lr: must be a finite number > 0, got inf"),
    (["--lr", "fast"], "argument --lr: invalid learning rate: 'fast'"),
    (["--hidden", "abc"], "argument --hidden: invalid positive integer: 'abc'"),
    (["--hidden", "16", "2.5"], "argument --hidden: invalid positive integer: '2.5'"),
    (["--epochs", "many"], "argument --epochs: invalid positive integer: 'many'"),
    (["--batch-size", "-3"], "argument --batch-size: must be a positive integer, got -3"),
]


@pytest.mark.parametrize(
    "arguments, message", BAD_ARGUMENTS, ids=[" ".join(arguments) for arguments, _ in BAD_ARGUMENTS]
)
def test_demo_rejects_a_bad_argument_as_a_usage_error_before_training(
    arguments, message, no_training, capsys
):
    with pytest.raises(SystemExit) as exit_info:
        demo.main(arguments)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m nn.demo")
    assert message in err


def test_demo_rejects_an_output_folder_it_cannot_write_before_training(tmp_path, no_training, capsys):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("a file, not a folder")
    # Root can write into read-only folders, so the unwritable places are under a regular file.
    for out, reason in [
        (a_file, "it is a file, not a folder"),
        (a_file / "pictures", f"{str(a_file)!r} is a file, not a folder"),
        (a_file / "pictures" / "run1", f"{str(a_file)!r} is a file, not a folder"),
    ]:
        with pytest.raises(SystemExit) as exit_info:
            demo.main(["--out", str(out)])
        assert exit_info.value.code == 2
        assert f"argument --out: cannot write to {str(out)!r}: {reason}" in capsys.readouterr().err
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_a_bad_argument_exits_with_status_2_and_no_traceback():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "nn.demo", "--seed", "-5"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "argument --seed: must be >= 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_help_names_each_value_it_expects(capsys):
    with pytest.raises(SystemExit):
        demo.main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    for usage in (
        "--epochs N",
        "--hidden N [N ...]",
        "--lr LR",
        "--batch-size N",
        "--seed SEED",
        "--out DIR",
    ):
        assert usage in text


@pytest.mark.parametrize("epochs, said", [(1, "trained 1 epoch in"), (2, "trained 2 epochs in")])
def test_demo_counts_its_epochs_in_good_english(epochs, said, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(demo, "train", lambda model, loader, optimizer, n: [1.0] * (n * len(loader)))
    monkeypatch.setattr(demo, "write_graph", lambda model, x, y, path: path)
    monkeypatch.setattr(demo, "write_loss_curve", lambda losses, steps, path: path)
    demo.main(["--epochs", str(epochs), "--hidden", "4", "--out", str(tmp_path)])
    assert said in capsys.readouterr().out


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_demo_rejects_a_read_only_output_folder_before_training(tmp_path, no_training, capsys):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(SystemExit) as exit_info:
            demo.main(["--out", str(tmp_path / "pictures")])
    finally:
        tmp_path.chmod(0o700)
    assert exit_info.value.code == 2
    assert f"cannot write to {str(tmp_path / 'pictures')!r}: Permission denied" in capsys.readouterr().err
