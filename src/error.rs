//! The client's opaque error with `kind()` and predicates.
