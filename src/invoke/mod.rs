//! Native InvokeModel bodies, one file per model family.
