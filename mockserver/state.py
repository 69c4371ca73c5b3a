"""The state store: one dict-backed state per product, seeded from fixtures, behind one lock."""

from __future__ import annotations

import io
import pickle
import threading
from collections.abc import Iterable
from typing import Protocol

from jsonschema import Draft202012Validator

from .fixtures import FixtureDocument, check_fixture_shape
from .jsonvalue import clone


class ProductState(Protocol):
    """What a product's state offers the store. Fixture sections are plain JSON data."""

    def load(self, section: dict, source: str) -> None: ...

    def dump(self) -> dict: ...


class Seeded:
    """A part of a state that goes back to its seed by itself, paying for what changed since rather
    than for its size: the store pickles the rest of the state as its seed, and this part only by
    reference (a large collection of objects, whose writes it tracks)."""

    def seed(self) -> None:
        """What it holds now is what :meth:`rollback` comes back to."""
        raise NotImplementedError

    def rollback(self) -> None:
        """Back to what it held at :meth:`seed`, in place."""
        raise NotImplementedError


class _SeedPickler(pickle.Pickler):
    """Pickles a state, each :class:`Seeded` part by reference (seeding it as it goes)."""

    def __init__(self, file):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.seeded: list[Seeded] = []
        self._numbers: dict[int, int] = {}

    def persistent_id(self, obj):
        if not isinstance(obj, Seeded):
            return None
        number = self._numbers.get(id(obj))
        if number is None:
            obj.seed()
            number = self._numbers[id(obj)] = len(self.seeded)
            self.seeded.append(obj)
        return number


class _SeedUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, seeded: list[Seeded]):
        super().__init__(io.BytesIO(data))
        self.seeded = seeded

    def persistent_load(self, number):
        return self.seeded[number]


class StateStore:
    """Holds every served product's state.

    Mutations (and the reads that must see a consistent state) hold :attr:`lock`, so the threaded
    server is safe. The seeded state is kept as one pickle, but for its :class:`Seeded` parts (the
    large collections, pickled by reference): reset rolls those back, paying for what changed, and
    unpickles the rest, which restores it exactly however it was changed since.
    """

    def __init__(self, states: dict[str, ProductState], fixture_validator: Draft202012Validator):
        self.lock = threading.RLock()
        self._fixture_validator = fixture_validator
        self.products = states
        self._take_seed()

    def _take_seed(self) -> None:
        buffer = io.BytesIO()
        pickler = _SeedPickler(buffer)
        pickler.dump(self.products)
        self._seed, self._seeded = buffer.getvalue(), pickler.seeded

    def __getitem__(self, product: str) -> ProductState:
        return self.products[product]

    def seed(self, documents: Iterable[FixtureDocument], started=None) -> None:
        """Loads fixture documents, runs ``started(store)`` (what products do when they start), and
        makes the result the state that reset restores. The documents are the app's own, parsed or
        built for this seed (:meth:`load`'s ``fresh``): the state keeps their parts."""
        with self.lock:
            for source, document in documents:
                self.load(document, source, fresh=True)
            if started is not None:
                started(self)
            self._take_seed()

    def check(self, document: dict, source: str) -> None:
        """Refuses a document that is not a fixture document (needs no lock)."""
        check_fixture_shape(self._fixture_validator, document, source)

    def load(self, document: dict, source: str, checked: bool = False, fresh: bool = False) -> None:
        """Adds a fixture document to the state; objects with the same id are replaced.

        The document is checked whole before anything is loaded (unless it was, with :meth:`check`),
        and a product section that fails its own checks leaves that product as it was. A ``fresh``
        document (parsed for this load, which nobody else holds) gives the state its parts; any
        other is copied first, so that the state never shares a part with a caller's value.
        """
        if not checked:
            self.check(document, source)
        if not fresh:
            document = clone(document)
        with self.lock:
            for product, section in document.items():
                if product not in self.products:
                    continue  # a product this app does not serve: its section is not ours to load
                state = self.products[product]
                backup = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
                try:
                    state.load(section, source)
                except Exception:
                    self._restore(product, pickle.loads(backup))
                    raise

    def reset(self) -> None:
        with self.lock:
            for part in self._seeded:
                part.rollback()
            for name, state in _SeedUnpickler(self._seed, self._seeded).load().items():
                self._restore(name, state)

    def _restore(self, name: str, saved: ProductState) -> None:
        # In place, so that whoever holds a product's state object keeps seeing the live one; what a
        # state keeps out of its snapshot (code, caches) stays as it is.
        self.products[name].__dict__.update(saved.__dict__)

    def dump(self) -> dict:
        with self.lock:
            return {name: state.dump() for name, state in self.products.items()}
