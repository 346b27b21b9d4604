"""autograd.trace: a call recorded once and replayed as straight-line NumPy, bit for bit as eager."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor, TraceError, TraceMismatch, trace
from benchmarks.workloads.scalar_graph import (
    expression as micrograd_expression,  # micrograd's README expression
)
from nn import functional as F


def value_and_grads(a, b):
    g = micrograd_expression(a, b)
    g.backward()
    return g, a.grad, b.grad


def bits(x) -> bytes:
    return np.asarray(x._data if isinstance(x, Tensor) else x).tobytes()


def pair(x: float, y: float):
    return Tensor(x, dtype=np.float64, requires_grad=True), Tensor(y, dtype=np.float64, requires_grad=True)


# -- a scalar expression: its traced gradient is a function of its inputs ------------------


def test_scalar_expression_replays_bit_for_bit():
    traced = trace(value_and_grads)
    rng = np.random.default_rng(0)
    for x, y in [(-4.0, 2.0), *rng.uniform(-5, 5, (20, 2))]:
        a, b = pair(x, y)
        replayed = traced(a, b)
        eager = value_and_grads(*pair(x, y))
        assert [bits(r) for r in replayed] == [bits(e) for e in eager]
        assert bits(a.grad) == bits(eager[1]) and bits(b.grad) == bits(eager[2])
    assert len(traced.programs) == 1
    assert traced.programs[next(iter(traced.programs))][0].replays == 20


def test_micrograd_values_through_a_replay():
    traced = trace(value_and_grads)
    traced(*pair(1.0, 1.0))
    g, ga, gb = traced(*pair(-4.0, 2.0))
    assert g.item() == pytest.approx(24.70408163265306)
    assert ga.item() == pytest.approx(138.83381924198252)
    assert gb.item() == pytest.approx(645.5772594752186)
    assert type(g) is Tensor and g.shape == ()


def test_arrays_in_and_tensors_made_inside():
    def gradient(a, b):
        ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
        return autograd.grad(micrograd_expression(ta, tb), (ta, tb))

    traced = trace(gradient, check=True)
    for x, y in [(-4.0, 2.0), (1.5, -3.0), (0.3, 0.7), (2.0, 2.0), (-1.0, 4.0)]:
        got = traced(np.array(x), np.array(y))
        want = gradient(np.array(x), np.array(y))
        assert [bits(r) for r in got] == [bits(w) for w in want]


def test_source_is_the_program_that_runs():
    traced = trace(value_and_grads)
    traced(*pair(-4.0, 2.0))
    source = traced.source
    assert source.startswith("def value_and_grads(a_in, b_in):")
    assert "# forward" in source and "# backward" in source
    assert "add1 = a + b" in source  # one-line forwards are written out as NumPy
    assert "a_in._grad = lift(" in source
    function = traced.compile()
    a, b = pair(-4.0, 2.0)
    g, ga, gb = function(a, b)
    assert g.item() == pytest.approx(24.70408163265306) and a.grad is not None


# -- training steps: parameters, gradients and optimizer state as eager leaves them ---------


def _moons(n=64):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((n, 2)).astype(np.float32)
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
    return Tensor(x), Tensor(y)


def _setup(optimizer: str, dropout: float = 0.0):
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Dropout(dropout), nn.Linear(16, 3))
    make = {
        "sgd": lambda p: nn.optim.SGD(p, lr=0.1),
        "momentum": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
        "adam": lambda p: nn.optim.Adam(p, lr=1e-2, weight_decay=1e-3),
        "adamw": lambda p: nn.optim.AdamW(p, lr=1e-2),
    }
    opt = make[optimizer](model.parameters())

    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    return model, opt, step


def _state_bits(model, opt) -> list[bytes]:
    out = []
    for p in model.parameters():
        out += [bits(p), b"none" if p.grad is None else bits(p.grad)]
        for value in opt.state.get(p, {}).values():
            out.append(bits(value) if isinstance(value, Tensor) else repr(value).encode())
    return out


def _fifty_steps(step, opt, x, y) -> list[bytes]:
    """50 steps, with a learning-rate schedule stepped every 10, as a training loop does."""
    scheduler = nn.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
    losses = []
    for _ in range(50):
        losses.append(bits(step(x, y)))
        scheduler.step()
    return losses


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "adamw"])
def test_fifty_training_steps_with_dropout_and_a_schedule_equal_eager(optimizer):
    x, y = _moons()
    model, opt, step = _setup(optimizer, dropout=0.2)
    traced = trace(step)
    traced_losses = _fifty_steps(traced, opt, x, y)
    twin, twin_opt, eager = _setup(optimizer, dropout=0.2)
    eager_losses = _fifty_steps(eager, twin_opt, x, y)
    assert traced_losses == eager_losses
    assert _state_bits(model, opt) == _state_bits(twin, twin_opt)  # parameters, .grad, optimizer state
    assert opt.param_groups[0]["lr"] == twin_opt.param_groups[0]["lr"]
    assert sum(p.replays for ps in traced.programs.values() for p in ps) >= 48


def test_a_learning_rate_set_between_replays_is_read_by_them():
    x, y = _moons()
    model, opt, step = _setup("adamw")
    twin, twin_opt, eager = _setup("adamw")
    traced = trace(step)
    for k in range(30):
        lr = 0.05 * 0.9**k
        opt.param_groups[0]["lr"] = lr
        twin_opt.param_groups[0]["lr"] = lr
        assert bits(traced(x, y)) == bits(eager(x, y))
    assert _state_bits(model, opt) == _state_bits(twin, twin_opt)


def test_check_runs_eager_beside_the_first_replays():
    x, y = _moons()
    _, _, step = _setup("momentum", dropout=0.3)
    traced = trace(step, check=True)
    for _ in range(6):
        traced(x, y)


def test_check_catches_a_python_number_that_changes():
    scale = [1.0]

    def scaled(x):
        return (x * scale[0]).sum()

    traced = trace(scaled, check=True)
    x = Tensor([1.0, 2.0])
    traced(x)
    scale[0] = 2.0
    with pytest.raises(TraceMismatch, match="result 0"):
        traced(x)


def test_dropout_draws_fresh_masks_in_eagers_order():
    def noisy(x):
        return F.dropout(x, 0.5, training=True)

    traced = trace(noisy)
    x = Tensor(np.ones(100, dtype=np.float32))
    autograd.manual_seed(3)
    replayed = [bits(traced(x)) for _ in range(4)]
    autograd.manual_seed(3)
    eager = [bits(noisy(x)) for _ in range(4)]
    assert replayed == eager
    assert len(set(replayed)) == 4


# -- what a replay cannot see: refused or noticed -------------------------------------------


@pytest.mark.parametrize(
    "read, name",
    [
        (lambda t: t.item(), "item()"),
        (lambda t: float(t), "float()"),
        (lambda t: bool(t > 0), "bool()"),
        (lambda t: t.numpy(), "numpy()"),
        (lambda t: t.tolist(), "tolist()"),
        (lambda t: f"{t:.3f}", "format()"),
    ],
)
def test_reading_a_value_into_python_while_recording_is_an_error(read, name):
    def step(x):
        y = (x * x).sum()
        read(y)
        return y

    with pytest.raises(
        TraceError, match=rf"{name.replace('(', '[(]').replace(')', '[)]')} at .*test_trace.py:\d+"
    ):
        trace(step)(Tensor([1.0, 2.0]))
    assert not autograd.is_recording()


def test_the_error_explains_why():
    with pytest.raises(TraceError, match="frozen|steer"):
        trace(lambda x: x.sum().item())(Tensor([1.0]))


def test_a_new_signature_records_again():
    traced = trace(lambda x: (x * 2).sum())
    traced(Tensor([1.0, 2.0]))
    traced(Tensor([1.0, 2.0, 3.0]))
    traced(Tensor([4.0, 5.0]))
    assert len(traced.programs) == 2
    assert traced(Tensor([1.0, 2.0, 3.0])).item() == 12.0


def test_a_replaced_parameter_array_records_again():
    w = Tensor([1.0, 2.0], requires_grad=True)
    traced = trace(lambda x: (x * w).sum())
    x = Tensor([1.0, 1.0])
    traced(x)
    traced(x)
    w.data = Tensor([10.0, 20.0])  # a new array: the record read the old one
    assert traced(x).item() == 30.0
    assert len(traced.programs[next(iter(traced.programs))]) == 2


def test_a_grad_that_was_none_when_recorded_records_again_when_set():
    w = Tensor([1.0, 2.0], requires_grad=True)

    def accumulate(x):
        loss = (x * w).sum()
        loss.backward()
        return loss

    traced = trace(accumulate)
    x = Tensor([1.0, 3.0])
    traced(x)  # w.grad was None: recorded as a fresh gradient
    traced(x)  # w.grad is set now: eager adds to it, so this records the accumulation
    traced(x)
    assert w.grad.tolist() == [3.0, 9.0]


def test_state_made_by_the_first_step_is_recorded_at_the_second():
    x, y = _moons()
    model, opt, step = _setup("momentum")
    traced = trace(step)
    traced(x, y)  # makes the momentum buffers: run eagerly, not recorded
    assert not traced.programs
    traced(x, y)
    assert len(traced.programs) == 1


def test_a_step_that_keeps_new_tensors_every_call_is_refused():
    kept = []

    def hoarder(x):
        y = x * 2
        kept.append(y)
        return y.sum()

    traced = trace(hoarder)
    with pytest.raises(TraceError, match="keeps tensors it made"):
        for _ in range(5):
            traced(Tensor([1.0]))


def test_train_and_eval_mode_are_part_of_the_record():
    autograd.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 3), nn.Dropout(0.5))
    traced = trace(lambda x: model(x).sum())
    x = Tensor(np.ones((4, 3), dtype=np.float32))
    traced(x)
    model.eval()
    assert bits(traced(x)) == bits(model(x).sum())


def test_results_keep_their_structure():
    traced = trace(lambda x: {"sum": x.sum(), "parts": (x * 2, None), "n": 3})
    x = Tensor([1.0, 2.0])
    traced(x)
    out = traced(Tensor([3.0, 4.0]))
    assert out["sum"].item() == 7.0 and out["parts"][1] is None and out["n"] == 3
    assert out["parts"][0].tolist() == [6.0, 8.0]


def test_versions_go_up_as_in_eager():
    w = Tensor([1.0, 2.0])

    def bump(x):
        w.add_(x)
        return w.sum()

    traced = trace(bump)
    x = Tensor([1.0, 1.0])
    traced(x)
    before = w._version
    traced(x)
    assert w._version == before + 1
    assert w.tolist() == [3.0, 4.0]


def test_a_trace_inside_a_recording_is_a_plain_function():
    inner = trace(lambda x: x * 3)
    outer = trace(lambda x: inner(x).sum())
    outer(Tensor([1.0, 2.0]))
    assert outer(Tensor([2.0, 2.0])).item() == 12.0
    assert not inner.programs


def test_recording_is_per_thread():
    seen = []

    def other():
        t = Tensor([1.0])
        seen.append(t.item())  # not refused: this thread is not recording

    def step(x):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        return x.sum()

    trace(step)(Tensor([1.0, 2.0]))
    assert seen == [1.0]


def test_not_a_function():
    with pytest.raises(TypeError, match="expected a function"):
        trace(3)


def test_source_before_any_call_says_so():
    with pytest.raises(RuntimeError, match="call the traced function once"):
        _ = trace(lambda x: x).source


def test_a_changed_hyperparameter_records_again():
    x, y = _moons()
    model, opt, step = _setup("momentum")
    twin, twin_opt, eager = _setup("momentum")
    traced = trace(step)
    for k in range(8):
        if k == 4:  # a Python number the step reads: the old record would bake in 0.9
            opt.param_groups[0]["momentum"] = 0.5
            twin_opt.param_groups[0]["momentum"] = 0.5
        assert bits(traced(x, y)) == bits(eager(x, y))
    assert _state_bits(model, opt) == _state_bits(twin, twin_opt)
    assert len(traced.programs[next(iter(traced.programs))]) == 2


def test_a_scheduler_between_traced_steps():
    x, y = _moons()
    results = []
    for traced in (True, False):
        model, opt, step = _setup("adam")
        scheduler = nn.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
        run = trace(step) if traced else step
        losses = []
        for _ in range(12):
            losses.append(bits(run(x, y)))
            scheduler.step()
        results.append((losses, _state_bits(model, opt)))
    assert results[0] == results[1]


def test_optimizer_state_lives_in_tensors():
    x, y = _moons()
    model, opt, step = _setup("adam")
    step(x, y)
    state = opt.state[next(iter(model.parameters()))]
    assert isinstance(state["step"], Tensor) and state["step"].shape == ()
    assert isinstance(opt.param_groups[0].lr_tensor, Tensor)


class Cube(autograd.Function):
    """x³ with a hand-written backward, 3x²·g."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x * x * g


def test_a_custom_function_in_a_traced_step():
    def fit(x, w):
        loss = Cube.apply(x * w).sum()
        loss.backward()
        return loss, w.grad

    traced = trace(fit, check=True)
    for k in range(5):
        w = Tensor([0.5, -1.0, 2.0], dtype=np.float64, requires_grad=True)
        x = Tensor([1.0, 2.0, 3.0 + k], dtype=np.float64)
        loss, grad = traced(x, w)
        w2 = Tensor([0.5, -1.0, 2.0], dtype=np.float64, requires_grad=True)
        want_loss, want_grad = fit(x, w2)
        assert bits(loss) == bits(want_loss) and bits(grad) == bits(want_grad)
    assert "Cube" in traced.source


def test_batch_norm_running_statistics_follow_the_replays():
    results = []
    for traced in (True, False):
        autograd.manual_seed(0)
        model = nn.Sequential(nn.Linear(2, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))
        opt = nn.optim.SGD(model.parameters(), lr=0.1)

        def step(x, y, model=model, opt=opt):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        run = trace(step) if traced else step
        x, y = _moons()
        losses = [bits(run(x, y)) for _ in range(10)]
        buffers = [bits(b) for b in model.buffers()]
        results.append((losses, buffers, [bits(p) for p in model.parameters()]))
    assert results[0] == results[1]


def test_iterating_a_data_loader_inside_a_recording_is_refused():
    loader = nn.data.DataLoader(nn.data.TensorDataset(np.ones((4, 2))), batch_size=2)

    def epoch():
        return sum(batch[0].sum() for batch in loader)

    with pytest.raises(TraceError, match="DataLoader"):
        trace(epoch)()


def test_sampling_is_recorded_as_draws():
    g = autograd.Generator().manual_seed(5)

    def sample(probs):
        return autograd.multinomial(probs, 3, replacement=True, generator=g), autograd.randn(2, generator=g)

    traced = trace(sample)
    probs = Tensor([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]])
    g.manual_seed(5)
    replayed = [tuple(bits(t) for t in traced(probs)) for _ in range(4)]
    g.manual_seed(5)
    eager = [tuple(bits(t) for t in sample(probs)) for _ in range(4)]
    assert replayed == eager


def test_powers_of_0d_values_replay_as_eager():
    # NumPy raises two scalars to a power with C's pow() and arrays with its own vectorised
    # loop; on some machines they differ in the last bit (0.9 ** 12 here), so a replay, whose
    # 0-d values are scalars, must hand ** arrays, as eager does.
    def powers(a, b):
        c = Tensor(b, dtype=np.float64)
        return a**12.0, c**a, (a * c) ** 3

    traced = trace(powers, check=True)
    for x in [0.9, 0.3, 1.7, 2.5, -0.4]:
        a = Tensor(x, dtype=np.float64)
        got, want = traced(a, np.array(x + 1.0)), powers(a, np.array(x + 1.0))
        assert [bits(g) for g in got] == [bits(w) for w in want]


def test_the_same_tensor_twice_is_its_own_signature():
    traced = trace(lambda a, b: (a * b).sum())
    x, y = Tensor([1.0, 2.0]), Tensor([3.0, 4.0])
    assert traced(x, x).item() == 5.0  # recorded with one tensor in both places
    assert traced(x, y).item() == 11.0
    assert traced(y, y).item() == 25.0
    assert len(traced.programs) == 2


def test_an_argument_changed_in_place_has_its_version_bumped_by_a_replay():
    def scale(x):
        x.mul_(2.0)
        return x.sum()

    traced = trace(scale, check=True)
    for k in range(5):
        x = Tensor([1.0, 2.0])
        assert traced(x).item() == 6.0
        assert x.tolist() == [2.0, 4.0] and x._version == 1, k


def test_scalar_inputs_change_no_bit(monkeypatch):
    from autograd import trace_source

    rng = np.random.default_rng(3)
    inputs = [(np.array(x), np.array(y)) for x, y in rng.uniform(-5, 5, (30, 2))] + [
        (np.array(0.9), np.array(12.0))
    ]

    def gradient(a, b):
        ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
        return autograd.grad(micrograd_expression(ta, tb) + ta ** tb.abs(), (ta, tb))

    results = {}
    for on in (True, False):
        monkeypatch.setattr(trace_source, "SCALAR_INPUTS", on)
        traced = trace(gradient)
        traced(*inputs[0])
        results[on] = [[bits(g) for g in traced(a, b)] for a, b in inputs]
        assert ("a_in[()]" in traced.source) == on
    assert results[True] == results[False]
