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

    def product_for(self, req) -> Product | None:
        """The product that answers a request no route matched."""
        for product in self.products.values():
            if product.owns(req):
                return product
        return None
