"""PyTorch programs, as a PyTorch user writes them, that tests/test_porting.py runs here after changing only their imports.

Each is plain PyTorch code in a string. Where the test compares numbers with PyTorch, the
program takes its starting weights (and any minibatch indices) from NumPy's generator, which
gives the same numbers under both libraries; where it draws with torch's own random functions,
only this project's behaviour is checked (shapes, ranges, determinism, a falling loss).
Each program leaves its results in variables that the test reads.
"""

# A cubic fitted to sin(x) with every gradient written by hand: tensors only, no autograd.
CUBIC_BY_HAND = """
import math

import numpy as np
import torch

xs = torch.linspace(-math.pi, math.pi, 1000, dtype=torch.float64)
target = torch.sin(xs)
features = torch.stack([xs**k for k in range(4)], dim=1)  # columns 1, x, x^2, x^3

coef = torch.tensor(np.random.default_rng(7).normal(size=4) * 0.1, dtype=torch.float64)
step = 2e-6
history = []
for it in range(3000):
    residual = features @ coef - target
    history.append(residual.pow(2).sum().item())
    grad_coef = 2.0 * features.t() @ residual  # gradient of the summed squared residual
    coef -= step * grad_coef
final = coef.tolist()
"""

# The same fit in float32 with autograd, the updates written by hand under no_grad.
CUBIC_AUTOGRAD = """
import math

import numpy as np
import torch

x = torch.linspace(-math.pi, math.pi, 800)
y = torch.sin(x)
start = np.random.default_rng(1).normal(scale=0.1, size=4).astype(np.float32)
a, b, c, d = (torch.tensor(v, requires_grad=True) for v in start)

lr = 5e-6
history = []
for it in range(1500):
    guess = a + x * (b + x * (c + x * d))  # Horner's rule
    loss = ((guess - y) ** 2).sum()
    history.append(loss.item())
    loss.backward()
    with torch.no_grad():
        for p in (a, b, c, d):
            p -= lr * p.grad
        a.grad = None  # both ways of clearing a gradient
        b.grad = None
        c.grad.zero_()
        d.grad.zero_()
final = [p.item() for p in (a, b, c, d)]
assert a.grad is None and float(c.grad) == 0.0
"""

# The fit as a network: nn.Sequential of a Linear layer over (x, x^2, x^3) and a Flatten.
CUBIC_SEQUENTIAL = """
import math

import numpy as np
import torch
from torch import nn

x = torch.linspace(-math.pi, math.pi, 600).unsqueeze(-1)  # (600, 1)
features = x.pow(torch.tensor([1, 2, 3]))  # (600, 3)
y = torch.sin(x).flatten()

model = nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))
rng = np.random.default_rng(2)
with torch.no_grad():
    model[0].weight.copy_(torch.from_numpy(rng.normal(scale=0.1, size=(1, 3)).astype(np.float32)))
    model[0].bias.fill_(0.05)
loss_fn = nn.MSELoss(reduction="sum")

lr = 2e-6
history = []
for it in range(2000):
    loss = loss_fn(model(features), y)
    history.append(loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= lr * param.grad
linear = model[0]
final = [linear.bias.item()] + linear.weight.flatten().tolist()
"""

# The fit with an optimizer from torch.optim doing the updates.
CUBIC_OPTIMIZER = """
import math

import numpy as np
import torch

x = torch.linspace(-math.pi, math.pi, 600)
features = torch.stack([x, x**2, x**3], dim=-1)
y = torch.sin(x)

model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
rng = np.random.default_rng(3)
with torch.no_grad():
    for param in model.parameters():
        param.copy_(torch.tensor(rng.normal(scale=0.1, size=param.shape), dtype=torch.float32))
loss_fn = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.RMSprop(model.parameters(), lr=2e-3)

history = []
for it in range(300):
    loss = loss_fn(model(features), y)
    history.append(loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
final = torch.cat([p.detach().flatten() for p in model.parameters()]).tolist()
"""

# A custom op with its backward written by hand: the Chebyshev polynomial T3(z) = 4z^3 - 3z.
CUSTOM_FUNCTION = """
import math

import numpy as np
import torch
import torch.optim as optim


class ChebyshevT3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z):
        ctx.save_for_backward(z)
        return 4 * z**3 - 3 * z

    @staticmethod
    def backward(ctx, grad_output):
        (z,) = ctx.saved_tensors
        return grad_output * (12 * z**2 - 3)


probe = torch.tensor(np.linspace(-1.2, 1.2, 7), requires_grad=True)
assert torch.autograd.gradcheck(ChebyshevT3.apply, (probe,))

t3 = ChebyshevT3.apply
x = torch.linspace(-math.pi, math.pi, 500, dtype=torch.float64)
y = torch.sin(x)
a, b, c, d = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.1, -0.5, 0.05, 0.2))
optimizer = optim.SGD([a, b, c, d], lr=2e-5, momentum=0.9)
history = []
for it in range(800):
    loss = (a + b * t3(c + d * x) - y).pow(2).sum()
    history.append(loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
final = [p.item() for p in (a, b, c, d)]
"""

# Fifty made-up names for the character-level models.
NAMES = """
ada bex cora dain elio fen gida hal ines jory kael lumi mira nox oren pia quin rue sami tova
ulla vian wren xavi yara zeno abe bria cato dela emon faye garo hela ivo juna kit lio mae
nilo otis perl rina sol tam uma vero wyn yuki zia
"""

# A character-level MLP language model from scratch: embeddings, a tanh layer, manual SGD, sampling.
CHAR_MLP = f"""
import torch
import torch.nn.functional as F

words = {NAMES!r}.split()
chars = ".abcdefghijklmnopqrstuvwxyz"  # '.' marks both ends of a name
stoi = {{ch: i for i, ch in enumerate(chars)}}
itos = {{i: ch for ch, i in stoi.items()}}
block_size = 3  # characters of context


def windows(word):
    context = [0] * block_size
    for ch in word + ".":
        yield context, stoi[ch]
        context = context[1:] + [stoi[ch]]


pairs = [pair for word in words for pair in windows(word)]
X = torch.tensor([context for context, _ in pairs])
Y = torch.tensor([nxt for _, nxt in pairs])

g = torch.Generator().manual_seed(2147483647)
C = torch.randn((27, 10), generator=g)
W1 = torch.randn((block_size * 10, 64), generator=g) * (5 / 3) / (block_size * 10) ** 0.5
b1 = torch.randn(64, generator=g) * 0.01
W2 = torch.randn((64, 27), generator=g) * 0.01
b2 = torch.zeros(27)
parameters = [C, W1, b1, W2, b2]
for p in parameters:
    p.requires_grad = True
n_parameters = sum(p.nelement() for p in parameters)


def full_loss():
    with torch.no_grad():
        h = torch.tanh(C[X].view(X.shape[0], -1) @ W1 + b1)
        return F.cross_entropy(h @ W2 + b2, Y).item()


loss_before = full_loss()
batch_log10_losses = []
for i in range(1200):
    ix = torch.randint(0, X.shape[0], (32,), generator=g)
    emb = C[X[ix]]  # (32, block_size, 10)
    h = torch.tanh(emb.view(-1, block_size * 10) @ W1 + b1)
    loss = F.cross_entropy(h @ W2 + b2, Y[ix])
    for p in parameters:
        p.grad = None
    loss.backward()
    lr = 0.2 if i < 900 else 0.02
    for p in parameters:
        p.data += -lr * p.grad
    batch_log10_losses.append(loss.log10().item())
loss_after = full_loss()

g = torch.Generator().manual_seed(2147483647 + 10)
samples = []
for _ in range(12):
    out = []
    context = [0] * block_size
    while len(out) < 20:
        h = torch.tanh(C[torch.tensor([context])].view(1, -1) @ W1 + b1)
        probs = F.softmax(h @ W2 + b2, dim=1)
        ix = torch.multinomial(probs, num_samples=1, generator=g).item()
        context = context[1:] + [ix]
        if ix == 0:
            break
        out.append(itos[ix])
    samples.append("".join(out))
"""

# The same model built from nn layers with a normalisation layer (BatchNorm1d, then LayerNorm),
# starting from NumPy weights and NumPy minibatch indices, so the numbers can be compared.
CHAR_MLP_NORMALISED = f"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

words = {NAMES!r}.split()
stoi = {{ch: i for i, ch in enumerate(".abcdefghijklmnopqrstuvwxyz")}}
X, Y = [], []
for word in words:
    context = [0, 0, 0]
    for ch in word + ".":
        X.append(context)
        Y.append(stoi[ch])
        context = context[1:] + [stoi[ch]]
X, Y = torch.tensor(X), torch.tensor(Y)

history = {{}}
running = {{}}
eval_loss = {{}}
for norm in (nn.BatchNorm1d(64), nn.LayerNorm(64)):
    name = type(norm).__name__
    rng = np.random.default_rng(5)
    model = nn.Sequential(
        nn.Embedding(27, 10), nn.Flatten(), nn.Linear(30, 64, bias=False), norm, nn.Tanh(), nn.Linear(64, 27)
    )
    with torch.no_grad():
        for param in model.parameters():
            scale = 1.0 if param.dim() == 1 else 1 / param.shape[-1] ** 0.5
            param.copy_(torch.from_numpy(rng.normal(scale=scale, size=tuple(param.shape)).astype(np.float32)))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.5)
    losses = []
    model.train()
    for step in range(300):
        ix = torch.from_numpy(rng.integers(0, X.shape[0], size=32))
        loss = F.cross_entropy(model(X[ix]), Y[ix])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        eval_loss[name] = F.cross_entropy(model(X), Y).item()
    history[name] = losses
    if name == "BatchNorm1d":
        running[name] = (norm.running_mean.tolist(), norm.running_var.tolist(), int(norm.num_batches_tracked))
"""

# A digit classifier trained and tested as in PyTorch's MNIST examples, on scikit-learn's 8x8 digits.
DIGITS_TRAIN_TEST = """
import os
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from sklearn.datasets import load_digits
from torch.optim.lr_scheduler import StepLR
from torch.utils.data import DataLoader, TensorDataset


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.fc1 = nn.Linear(64, 128)
        self.dropout = nn.Dropout(0.25)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.fc1(self.flatten(x)))
        return F.log_softmax(self.fc2(self.dropout(x)), dim=1)


def train_epoch(model, device, loader, optimizer):
    model.train()
    total = 0.0
    for data, target in loader:
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.nll_loss(model(data), target)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(data)
    return total / len(loader.dataset)


def evaluate(model, device, loader):
    model.eval()
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for data, target in loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            pred = output.argmax(dim=1, keepdim=True)
            correct += pred.eq(target.view_as(pred)).sum().item()
    return test_loss / len(loader.dataset), correct / len(loader.dataset)


torch.manual_seed(1)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
digits = load_digits()
images = torch.tensor(digits.images / 16.0, dtype=torch.float32).unsqueeze(1)  # (1797, 1, 8, 8)
labels = torch.tensor(digits.target)
order = np.random.default_rng(0).permutation(len(labels))
train_idx, test_idx = torch.from_numpy(order[:1400]), torch.from_numpy(order[1400:])
train_loader = DataLoader(
    TensorDataset(images[train_idx], labels[train_idx]),
    batch_size=64,
    shuffle=True,
    generator=torch.Generator().manual_seed(0),
)
test_loader = DataLoader(TensorDataset(images[test_idx], labels[test_idx]), batch_size=200)

model = Net().to(device)
optimizer = optim.Adadelta(model.parameters(), lr=1.0)
scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
train_losses, test_results, lrs = [], [], []
for epoch in range(1, 4):
    lrs.append(scheduler.get_last_lr()[0])
    train_losses.append(train_epoch(model, device, train_loader, optimizer))
    test_results.append(evaluate(model, device, test_loader))
    scheduler.step()
lrs.append(optimizer.param_groups[0]["lr"])

path = os.path.join(tempfile.mkdtemp(), "digits_mlp.pt")
torch.save(model.state_dict(), path)
reloaded = Net().to(device)
reloaded.load_state_dict(torch.load(path))
reloaded_result = evaluate(reloaded, device, test_loader)
os.remove(path)
"""

PROGRAMS = {
    "cubic_by_hand": CUBIC_BY_HAND,
    "cubic_autograd": CUBIC_AUTOGRAD,
    "cubic_sequential": CUBIC_SEQUENTIAL,
    "cubic_optimizer": CUBIC_OPTIMIZER,
    "custom_function": CUSTOM_FUNCTION,
    "char_mlp": CHAR_MLP,
    "char_mlp_normalised": CHAR_MLP_NORMALISED,
    "digits_train_test": DIGITS_TRAIN_TEST,
}
