"""PyTorch programs run here after changing only their import lines, and give PyTorch's numbers.

Each program in porting_programs.py is PyTorch code. `port` rewrites its imports by the table
in README's "Coming from PyTorch" and nothing else; the ported program runs and its results are
checked. Where PyTorch is installed, the original runs under PyTorch too, and the two are compared:
number for number where the program starts from NumPy's random numbers, and by the same checks
where it draws from the library's own generator (whose numbers differ between the two).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest
from porting_programs import PROGRAMS

import autograd

ROOT = Path(__file__).resolve().parent.parent

# PyTorch's import line (a full-line pattern) -> this project's.
IMPORT_TABLE = [
    (r"import torch", "import autograd as torch"),
    (r"import torch\.nn as nn|from torch import nn", "import nn"),
    (r"import torch\.nn\.functional as F", "from nn import functional as F"),
    (r"import torch\.optim as optim", "from nn import optim"),
    (r"from torch\.utils\.data import (.+)", r"from nn.data import \1"),
    (r"from torch\.optim\.lr_scheduler import (.+)", r"from nn.optim.lr_scheduler import \1"),
]
TORCH_IMPORT = re.compile(r"^\s*(import|from)\s+torch\b", re.MULTILINE)


def port(source: str) -> str:
    """`source` with each PyTorch import line replaced by this project's; every other line as it was."""
    lines = []
    for line in source.split("\n"):
        indent, statement = re.match(r"(\s*)(.*)", line).groups()
        for pattern, replacement in IMPORT_TABLE:
            found = re.fullmatch(pattern, statement)
            if found:
                line = indent + found.expand(replacement)
                break
        lines.append(line)
    return "\n".join(lines)


def run(source: str, name: str) -> dict:
    namespace = {"__name__": f"porting_{name}"}
    exec(compile(source, f"<{name}>", "exec"), namespace)
    return namespace


def run_ported(name: str) -> dict:
    return run(port(PROGRAMS[name]), name)


@contextlib.contextmanager
def torch_on_one_thread():
    """PyTorch imported (or the test skipped), on one thread while the block runs.

    These tensors are tiny: one thread is fastest, and spares torch's waiting threads from
    fighting other processes for the cores (tens of seconds, on a busy machine).
    """
    torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install -e '.[parity]')")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def run_under_torch(name: str) -> dict:
    with torch_on_one_thread():
        return run(PROGRAMS[name], name)


@pytest.fixture(autouse=True)
def _keep_the_default_generator():
    """Programs seed the global generator (torch.manual_seed); the tests after these should not notice."""
    state = autograd.get_rng_state()
    yield
    autograd.set_rng_state(state)


# ---- the rewrite itself


def test_port_follows_each_row_of_the_import_table():
    assert port("import torch") == "import autograd as torch"
    assert port("import torch.nn as nn") == "import nn"
    assert port("from torch import nn") == "import nn"
    assert port("import torch.nn.functional as F") == "from nn import functional as F"
    assert port("import torch.optim as optim") == "from nn import optim"
    assert port("from torch.utils.data import DataLoader, TensorDataset") == (
        "from nn.data import DataLoader, TensorDataset"
    )
    assert port("from torch.optim.lr_scheduler import StepLR") == "from nn.optim.lr_scheduler import StepLR"
    assert port("    import torch") == "    import autograd as torch"  # indented imports too


def test_port_leaves_every_other_line_alone():
    source = "x = torch.zeros(3)  # import torch\nimport torchvision\nfrom torch_geometric import data\n"
    assert port(source) == source


@pytest.mark.parametrize("name", PROGRAMS)
def test_porting_a_program_changes_only_its_torch_import_lines(name):
    original = PROGRAMS[name].split("\n")
    ported = port(PROGRAMS[name]).split("\n")
    assert len(original) == len(ported)
    changed = [(old, new) for old, new in zip(original, ported) if old != new]
    assert changed and len(changed) == len(TORCH_IMPORT.findall(PROGRAMS[name]))
    assert all(TORCH_IMPORT.match(old) for old, _ in changed)
    assert not TORCH_IMPORT.search("\n".join(ported))


def test_the_readme_import_table_is_the_one_port_applies():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Coming from PyTorch", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(.+?)` \| `(.+?)` \|$", section, re.MULTILINE)
    assert len(rows) == 7
    for theirs, ours in rows:
        assert port(theirs) == ours, theirs


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Coming from PyTorch", 1)[1].split("\n## ", 1)[0]
    (example,) = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    assert TORCH_IMPORT.search(example), "the example is PyTorch code"
    return example


def printed_by(source: str, name: str) -> str:
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        run(source, name)
    return output.getvalue().strip()


def test_the_readme_example_from_pytorch_prints_what_it_says_after_porting():
    example = readme_example()
    promised = re.search(r"^print\(.*\)\s*# (.*)$", example, re.MULTILINE).group(1)
    assert printed_by(port(example), "readme") == promised


def test_the_readme_example_learns_under_pytorch_too():
    with torch_on_one_thread():
        assert float(printed_by(readme_example(), "readme")) < 1e-3


# ---- a cubic fitted to sin(x), four ways


CUBIC_FITS = ["cubic_by_hand", "cubic_autograd", "cubic_sequential", "cubic_optimizer"]


@pytest.mark.parametrize("name", CUBIC_FITS)
def test_a_cubic_fit_of_sine_learns(name):
    result = run_ported(name)
    history = result["history"]
    assert history[-1] < history[0] / 30
    assert all(np.isfinite(history))


@pytest.mark.parametrize("name", CUBIC_FITS)
def test_a_cubic_fit_of_sine_gives_pytorchs_losses_and_coefficients(name):
    theirs = run_under_torch(name)
    ours = run_ported(name)
    tolerance = 1e-9 if name == "cubic_by_hand" else 1e-4  # float64 there, float32 elsewhere
    np.testing.assert_allclose(ours["history"], theirs["history"], rtol=tolerance)
    np.testing.assert_allclose(ours["final"], theirs["final"], rtol=tolerance, atol=1e-6)


def test_by_hand_the_fit_reaches_the_least_squares_cubic_odd_part():
    result = run_ported("cubic_by_hand")
    constant, linear, square, cube = result["final"]
    assert abs(constant) < 1e-3 and abs(square) < 1e-4  # sine is odd
    assert linear == pytest.approx(0.855, abs=0.01) and cube == pytest.approx(-0.093, abs=0.01)


# ---- a custom autograd.Function


def test_a_custom_function_fits_sine():
    result = run_ported("custom_function")
    assert result["history"][-1] < result["history"][0] / 20


def test_a_custom_function_gives_pytorchs_fit():
    theirs = run_under_torch("custom_function")
    ours = run_ported("custom_function")
    np.testing.assert_allclose(ours["history"], theirs["history"], rtol=1e-9)
    np.testing.assert_allclose(ours["final"], theirs["final"], rtol=1e-9, atol=1e-12)


# ---- a character-level language model


def check_char_model(result: dict) -> None:
    assert result["n_parameters"] == 27 * 10 + 30 * 64 + 64 + 64 * 27 + 27
    assert result["loss_before"] == pytest.approx(np.log(27), abs=0.15)  # near uniform at the start
    assert result["loss_after"] < 0.5 * result["loss_before"]
    batch = result["batch_log10_losses"]
    assert np.mean(batch[-100:]) < np.mean(batch[:100]) - 0.2
    samples = result["samples"]
    assert len(samples) == 12 and all(isinstance(s, str) and len(s) <= 20 for s in samples)
    assert all(set(s) <= set("abcdefghijklmnopqrstuvwxyz") for s in samples)
    assert len(set(samples)) > 3


def test_a_character_level_mlp_learns_and_samples_names():
    check_char_model(run_ported("char_mlp"))


def test_the_character_model_is_the_same_under_the_same_generator_seeds():
    first, second = run_ported("char_mlp"), run_ported("char_mlp")
    assert first["batch_log10_losses"] == second["batch_log10_losses"]
    assert first["samples"] == second["samples"]


def test_the_character_model_passes_the_same_checks_under_pytorch():
    check_char_model(run_under_torch("char_mlp"))


def test_the_character_model_with_batchnorm_and_layernorm_learns():
    result = run_ported("char_mlp_normalised")
    for name in ("BatchNorm1d", "LayerNorm"):
        history = result["history"][name]
        assert np.mean(history[-30:]) < 0.4 * history[0]
        assert result["eval_loss"][name] < 1.5
    mean, var, batches = result["running"]["BatchNorm1d"]
    assert batches == 300 and len(mean) == len(var) == 64 and min(var) > 0


def test_the_character_model_with_batchnorm_and_layernorm_gives_pytorchs_numbers():
    theirs = run_under_torch("char_mlp_normalised")
    ours = run_ported("char_mlp_normalised")
    for name in ("BatchNorm1d", "LayerNorm"):
        np.testing.assert_allclose(ours["history"][name], theirs["history"][name], rtol=1e-4)
        assert ours["eval_loss"][name] == pytest.approx(theirs["eval_loss"][name], rel=1e-4)
    our_mean, our_var, our_count = ours["running"]["BatchNorm1d"]
    mean, var, count = theirs["running"]["BatchNorm1d"]
    np.testing.assert_allclose(our_mean, mean, atol=1e-5)
    np.testing.assert_allclose(our_var, var, rtol=1e-4)
    assert our_count == count


# ---- an MNIST-style train/test loop on scikit-learn's digits


def check_digits(result: dict) -> None:
    assert str(result["device"]) == "cpu"
    losses = result["train_losses"]
    assert losses[0] > losses[1] > losses[2]
    assert result["test_results"][-1][1] > 0.85
    # StepLR(step_size=1, gamma=0.7): the rate is multiplied by 0.7 after every epoch.
    assert result["lrs"] == [1.0, 1.0 * 0.7, 1.0 * 0.7 * 0.7, 1.0 * 0.7 * 0.7 * 0.7]
    assert result["reloaded_result"] == result["test_results"][-1]


def test_a_digits_classifier_trains_tests_saves_and_reloads():
    pytest.importorskip("sklearn", reason="the digits come with scikit-learn (pip install -e '.[demo]')")
    check_digits(run_ported("digits_train_test"))


def test_the_digits_run_is_the_same_under_the_same_seeds():
    pytest.importorskip("sklearn", reason="the digits come with scikit-learn (pip install -e '.[demo]')")
    first, second = run_ported("digits_train_test"), run_ported("digits_train_test")
    assert first["train_losses"] == second["train_losses"]
    assert first["test_results"] == second["test_results"]


def test_the_digits_run_passes_the_same_checks_under_pytorch():
    pytest.importorskip("sklearn", reason="the digits come with scikit-learn (pip install -e '.[demo]')")
    check_digits(run_under_torch("digits_train_test"))
