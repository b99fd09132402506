//! Labels above the plot (phase labels, numbered annotation markers) laid out so that none
//! covers another: each goes into the first row where its span is free.

/// Height of one row of labels, a label's box included.
pub(crate) const ROW_H: f64 = 18.0;
/// Height of a label's box.
pub(crate) const BOX_H: f64 = 16.0;
/// Space kept free between two labels in one row.
const GAP: f64 = 3.0;

/// Places labels given as horizontal spans `(left, right)`, in order, each in the lowest row
/// (0 is the top one) where it keeps `GAP` from every label already there. Returns each
/// label's row and the number of rows used.
pub(crate) fn rows(spans: &[(f64, f64)]) -> (Vec<usize>, usize) {
    let mut taken: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut out = Vec::with_capacity(spans.len());
    for &(l, r) in spans {
        let free = |row: &Vec<(f64, f64)>| row.iter().all(|&(a, b)| r + GAP <= a || b + GAP <= l);
        let row = match taken.iter().position(free) {
            Some(row) => row,
            None => {
                taken.push(Vec::new());
                taken.len() - 1
            }
        };
        if let Some(spans) = taken.get_mut(row) {
            spans.push((l, r));
        }
        out.push(row);
    }
    (out, taken.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_that_would_touch_go_to_new_rows() {
        let (rows, n) = rows(&[
            (100.0, 160.0),
            (150.0, 166.0),
            (152.0, 168.0),
            (300.0, 316.0),
        ]);
        assert_eq!(rows, [0, 1, 2, 0]);
        assert_eq!(n, 3);
        // A label fits back into the first row once it is clear of the others.
        let (rows, n) = super::rows(&[(100.0, 160.0), (150.0, 166.0), (164.0, 180.0)]);
        assert_eq!(rows, [0, 1, 0]);
        assert_eq!(n, 2);
        assert_eq!(super::rows(&[]), (vec![], 0));
    }
}
