"""Train an MLP on scikit-learn's digits and draw what it computed: `python -m nn.demo --help`.

Prints the test accuracy and writes, to the output folder, the computation graph of one
forward pass (graph.svg) and the training loss curve (loss.png).
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

import autograd
import nn
from autograd import Tensor
from nn import functional as F

OPTIMIZERS = {"adam": (nn.optim.Adam, 1e-2), "sgd": (nn.optim.SGD, 0.1)}


# scikit-learn's train/test split takes seeds up to 2**32 - 1.
MAX_SEED = 2**32 - 1


def _whole_number(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid {what}: {text!r}") from None


def positive_int(text: str) -> int:
    """A whole number >= 1 (epochs, layer sizes, the batch size)."""
    value = _whole_number(text, "positive integer")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def seed(text: str) -> int:
    """A whole number from 0 to MAX_SEED."""
    value = _whole_number(text, "seed")
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be >= 0 and <= {MAX_SEED}, got {value}")
    return value


def learning_rate(text: str) -> float:
    """A finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid learning rate: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The options, every one checked: a bad value is a usage error (exit status 2) before any training."""
    parser = argparse.ArgumentParser(
        prog="python -m nn.demo",
        description="Train an MLP on scikit-learn's 8x8 digits; print the test accuracy and write the "
        "graph of one forward pass (graph.svg) and the loss curve (loss.png).",
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        default=20,
        metavar="N",
        help="passes over the training set (default 20)",
    )
    parser.add_argument(
        "--hidden",
        type=positive_int,
        nargs="+",
        default=[128],
        metavar="N",
        help="hidden layer sizes, e.g. --hidden 64 32 (default 128)",
    )
    parser.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="adam", help="default adam")
    parser.add_argument(
        "--lr",
        type=learning_rate,
        default=None,
        metavar="LR",
        help="learning rate, > 0 (default 0.01 for adam, 0.1 for sgd)",
    )
    parser.add_argument("--batch-size", type=positive_int, default=64, metavar="N", help="default 64")
    parser.add_argument(
        "--seed",
        type=seed,
        default=0,
        metavar="SEED",
        help="seed for the train/test split, the weights and the shuffling, >= 0 (default 0)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("demo-output"),
        metavar="DIR",
        help="output folder, made if missing (default ./demo-output)",
    )
    args = parser.parse_args(argv)
    problem = _unwritable(args.out)
    if problem:
        parser.error(f"argument --out: cannot write to {str(args.out)!r}: {problem}")
    return args


def _unwritable(folder: Path) -> str | None:
    """Why the demo could not write its pictures into `folder` (made here if missing), or None if it can."""
    for existing in (folder, *folder.parents):
        if existing.exists():
            if not existing.is_dir():
                return f"{'it' if existing == folder else repr(str(existing))} is a file, not a folder"
            break
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        return error.strerror or str(error)
    return None


def load_digits_split(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The digits as float32 pixels in [0, 1]; a stratified 75/25 train/test split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    return train_test_split(x, digits.target, test_size=0.25, stratify=digits.target, random_state=seed)


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of examples whose largest logit is the true class."""
    with autograd.no_grad():
        return float((model(Tensor(x)).argmax(axis=1).numpy() == y).mean())


def train(model: nn.Module, loader, optimizer, epochs: int) -> list[float]:
    """Mini-batch training with cross-entropy; returns the loss of every step."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tqdm.auto warns when it falls back to a text bar
        from tqdm.auto import tqdm

    losses: list[float] = []
    bar = tqdm(range(epochs), desc="training", unit="epoch")
    for _ in bar:
        for images, labels in loader:
            loss = F.cross_entropy(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        bar.set_postfix(loss=f"{np.mean(losses[-len(loader) :]):.4f}")
    return losses


def write_graph(model: nn.Module, x: np.ndarray, y: np.ndarray, path: Path) -> Path:
    """The computation graph of one forward pass and its loss, on a few examples, as SVG."""
    loss = F.cross_entropy(model(Tensor(x)), y)
    path.write_bytes(autograd.draw_graph(loss, show_grad=False).pipe(format="svg"))
    return path


def write_loss_curve(losses: list[float], steps_per_epoch: int, path: Path) -> Path:
    """Per-step training loss with its per-epoch mean, as PNG."""
    import matplotlib

    matplotlib.use("Agg")  # a script: no screen needed
    import matplotlib.pyplot as plt

    steps = np.arange(1, len(losses) + 1)
    epoch_ends = steps[steps_per_epoch - 1 :: steps_per_epoch]
    epoch_means = np.asarray(losses).reshape(-1, steps_per_epoch).mean(axis=1)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(steps, losses, linewidth=0.8, alpha=0.5, label="each step")
    ax.plot(epoch_ends, epoch_means, marker="o", label="epoch mean")
    ax.set(xlabel="step", ylabel="cross-entropy", yscale="log", title="training loss on digits")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main(argv: list[str] | None = None) -> float:
    """Run the demo; returns the test accuracy."""
    args = parse_args(argv)
    autograd.manual_seed(args.seed)
    x_train, x_test, y_train, y_test = load_digits_split(args.seed)
    loader = nn.data.DataLoader(
        nn.data.TensorDataset(x_train, y_train), batch_size=args.batch_size, shuffle=True
    )

    sizes = [x_train.shape[1], *args.hidden, 10]
    model = nn.MLP(sizes, activation="relu")
    optimizer_class, default_lr = OPTIMIZERS[args.optimizer]
    optimizer = optimizer_class(model.parameters(), lr=default_lr if args.lr is None else args.lr)
    print(f"digits: {len(x_train)} train / {len(x_test)} test images; MLP {' -> '.join(map(str, sizes))}")

    start = time.perf_counter()
    losses = train(model, loader, optimizer, args.epochs)
    test_accuracy = accuracy(model, x_test, y_test)
    epochs = f"{args.epochs} epoch" + ("" if args.epochs == 1 else "s")
    print(f"trained {epochs} in {time.perf_counter() - start:.1f} s")
    print(f"test accuracy: {test_accuracy:.4f}")

    args.out.mkdir(parents=True, exist_ok=True)  # parse_args made it; made again if removed since
    written = [
        write_graph(model, x_test[:4], y_test[:4], args.out / "graph.svg"),
        write_loss_curve(losses, len(loader), args.out / "loss.png"),
    ]
    for path in written:
        print(f"wrote {path}")
    return test_accuracy


if __name__ == "__main__":
    main()
