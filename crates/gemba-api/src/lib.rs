//! JSON contract (being written).
