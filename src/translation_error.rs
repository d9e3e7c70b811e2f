//! The error of the pure translation layer: what went wrong and at which JSON path.
