"""What one app instance runs on: its products, their state, the compiled schemas and the options."""

from __future__ import annotations

from dataclasses import dataclass, field

from .faults import Faults
from .journal import Journal
from .product import Product
from .schemas import SchemaRegistry
from .state import StateStore


@dataclass
class Runtime:
    products: dict[str, Product]
    schemas: SchemaRegistry
    store: StateStore
    strict: bool = False
    journal: Journal = field(default_factory=Journal)
    faults: Faults = field(default_factory=Faults)
    control_api: bool = True  # whether /_mock/ is served

    def reset(self) -> None:
        """The seeded state again, with no faults and an empty journal: a fresh start for a test."""
        self.store.reset()
        self.faults.clear()
        self.journal.clear()

    def product_for(self, req) -> Product | None:
        """The product that answers a request no route matched."""
        for product in self.products.values():
            if product.owns(req):
                return product
        return None
