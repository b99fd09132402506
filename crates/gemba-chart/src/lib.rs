//! SVG and HTML rendering (being written).
