//! Model ids, aliases, families, capabilities and prices.
