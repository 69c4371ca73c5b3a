"""What one app instance runs on: its products, their state, the compiled schemas and the options."""

from __future__ import annotations

from dataclasses import dataclass

from .product import Product
from .schemas import SchemaRegistry
from .state import StateStore


@dataclass
class Runtime:
    products: dict[str, Product]
    schemas: SchemaRegistry
    store: StateStore
    strict: bool = False

    def product_for_path(self, path: str) -> Product | None:
        for product in self.products.values():
            if product.owns_path(path):
                return product
        return None
