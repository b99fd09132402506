//! Reads measure data for Gemba (being written).
