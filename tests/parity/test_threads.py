"""Grad mode is per thread, as in PyTorch.

`no_grad()` (or `set_grad_enabled(False)`) in one thread leaves every other thread
recording; a new thread starts with grad mode on; `set_grad_enabled(False)` also works as a
plain call, not only as a context manager.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from .compare import RG, TH, values

TIMEOUT = 10.0


def in_thread(fn):
    """fn() in a new thread; returns its result or re-raises its exception here."""
    box = {}

    def target():
        try:
            box["result"] = fn()
        except BaseException as error:  # handed back to the test's thread
            box["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(TIMEOUT)
    assert not thread.is_alive(), "the thread did not finish"
    if "error" in box:
        raise box["error"]
    return box["result"]


def _records(L) -> bool:
    return bool((L.leaf(np.ones(2)) * 2).requires_grad)


@pytest.mark.parametrize("L", [TH, RG], ids=str)
def test_no_grad_in_one_thread_does_not_change_another(L):
    entered, checked = threading.Event(), threading.Event()

    def other():
        with L.no_grad():
            entered.set()
            assert checked.wait(TIMEOUT)
            return L.is_grad_enabled(), _records(L)

    box = {}
    thread = threading.Thread(target=lambda: box.update(result=other()))
    thread.start()
    try:
        assert entered.wait(TIMEOUT)
        here = L.is_grad_enabled(), _records(L)  # while the other thread is inside no_grad
    finally:
        checked.set()
        thread.join(TIMEOUT)
    assert here == (True, True), f"{L}: this thread's grad mode changed: {here}"
    assert box["result"] == (False, False), f"{L}: no_grad did not hold in its own thread: {box['result']}"
    assert L.is_grad_enabled()


@pytest.mark.parametrize("L", [TH, RG], ids=str)
def test_a_new_thread_starts_with_grad_enabled_even_inside_no_grad(L):
    with L.no_grad():
        assert in_thread(lambda: (L.is_grad_enabled(), _records(L))) == (True, True)
        assert not L.is_grad_enabled()


@pytest.mark.parametrize("L", [TH, RG], ids=str)
def test_set_grad_enabled_works_as_a_plain_call(L):
    try:
        L.set_grad_enabled(False)
        assert not L.is_grad_enabled() and not _records(L)
        L.set_grad_enabled(True)
        assert L.is_grad_enabled() and _records(L)
    finally:
        L.set_grad_enabled(True)


@pytest.mark.parametrize("L", [TH, RG], ids=str)
def test_set_grad_enabled_plain_call_in_a_thread_stays_in_that_thread(L):
    def other():
        L.set_grad_enabled(False)
        return L.is_grad_enabled()

    try:
        assert in_thread(other) is False
        assert L.is_grad_enabled() and _records(L)
    finally:
        L.set_grad_enabled(True)


@pytest.mark.parametrize("L", [TH, RG], ids=str)
def test_no_grad_decorator_in_a_thread_stays_in_that_thread(L):
    @L.no_grad()
    def step():
        return L.is_grad_enabled()

    started, release = threading.Event(), threading.Event()

    def other():
        @L.no_grad()
        def hold():
            started.set()
            return release.wait(TIMEOUT) and L.is_grad_enabled()

        return hold()

    box = {}
    thread = threading.Thread(target=lambda: box.update(result=other()))
    thread.start()
    try:
        assert started.wait(TIMEOUT)
        assert L.is_grad_enabled() and step() is False and L.is_grad_enabled()
    finally:
        release.set()
        thread.join(TIMEOUT)
    assert box["result"] is False


@pytest.mark.parametrize("L", [TH, RG], ids=str)
def test_backward_in_one_thread_while_another_is_inside_no_grad(L):
    inside, done = threading.Event(), threading.Event()

    def idle():
        with L.no_grad():
            inside.set()
            assert done.wait(TIMEOUT)

    def train():
        assert inside.wait(TIMEOUT)
        try:
            x = L.leaf(np.array([1.0, 2.0, 3.0]))
            (x * x).sum().backward()
            return values(x.grad)
        finally:
            done.set()

    thread = threading.Thread(target=idle)
    thread.start()
    try:
        grad = in_thread(train)
    finally:
        done.set()
        thread.join(TIMEOUT)
    np.testing.assert_allclose(grad, [2.0, 4.0, 6.0])
