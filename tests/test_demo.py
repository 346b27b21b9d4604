"""The demo entry point, `python -m nn.demo`, run small into a temporary folder."""

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
