//! Turns raw input into the value plotted at each point, checking it on the way.

use crate::error::SpcError;
use crate::options::ChartType;

/// The data of one series, in time order.
#[derive(Debug, Clone, Copy)]
pub enum Data<'a> {
    /// One value per point: run, XmR, MR, c, g and t charts. `None` is a missing value.
    Values(&'a [Option<f64>]),
    /// A numerator and denominator per point: p, p′, u, u′ charts, or a run/XmR chart of the
    /// ratio. `None` in either is a missing point.
    Ratios {
        /// Events, cases or the count of interest.
        numerators: &'a [Option<f64>],
        /// Sample size, exposure or population.
        denominators: &'a [Option<f64>],
    },
    /// The raw measurements of each subgroup: Xbar, S and R charts.
    Subgroups(&'a [Vec<f64>]),
}

impl Data<'_> {
    /// Number of points.
    pub fn len(&self) -> usize {
        match self {
            Data::Values(v) => v.len(),
            Data::Ratios { numerators, .. } => numerators.len(),
            Data::Subgroups(s) => s.len(),
        }
    }

    /// Whether the series has no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One point after checking: the plotted value and what the limits need.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Prepared {
    /// Plotted value; `None` when missing.
    pub y: Option<f64>,
    /// Denominator or subgroup size.
    pub n: Option<f64>,
    /// Numerator of a ratio (p, u charts), so pooled rates are exact sums.
    pub numerator: Option<f64>,
    /// Subgroup mean (Xbar, S, R charts); for the t chart, the transformed value y^(1/3.6).
    pub mean: Option<f64>,
    /// Subgroup sample standard deviation (n − 1 denominator).
    pub sd: Option<f64>,
    /// Subgroup range (max − min).
    pub range: Option<f64>,
}

fn finite(field: &'static str, index: usize, v: Option<f64>) -> Result<Option<f64>, SpcError> {
    match v {
        Some(x) if !x.is_finite() => Err(SpcError::NotFinite { field, index }),
        other => Ok(other),
    }
}

fn non_negative(field: &'static str, index: usize, v: f64) -> Result<f64, SpcError> {
    if v < 0.0 {
        Err(SpcError::Negative {
            field,
            index,
            value: v,
        })
    } else {
        Ok(v)
    }
}

/// Checks the data against the chart and computes the plotted values.
///
/// With `bridge_missing` the MR chart takes a point's moving range from the last point with a
/// value before it (missing values dropped, as the Power BI visual drops blank rows).
pub(crate) fn prepare(
    chart: ChartType,
    data: Data<'_>,
    bridge_missing: bool,
) -> Result<Vec<Prepared>, SpcError> {
    match data {
        Data::Values(values) => {
            if chart.needs_denominator() {
                return Err(SpcError::WrongData {
                    chart: chart.name(),
                    needs: "a numerator and a denominator for every point",
                });
            }
            if chart.uses_subgroups() {
                return Err(SpcError::WrongData {
                    chart: chart.name(),
                    needs: "subgroups of measurements (several rows per date)",
                });
            }
            let mut points = values
                .iter()
                .enumerate()
                .map(|(i, &v)| {
                    let y = finite("value", i, v)?;
                    if let Some(x) = y {
                        match chart {
                            ChartType::C | ChartType::G => {
                                non_negative("value", i, x)?;
                            }
                            ChartType::T if x <= 0.0 => {
                                return Err(SpcError::NotPositive {
                                    field: "value",
                                    index: i,
                                    value: x,
                                })
                            }
                            _ => {}
                        }
                    }
                    Ok(Prepared {
                        y,
                        ..Prepared::default()
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            if chart == ChartType::T {
                // The t chart's lines are computed on y^(1/3.6) (kept in `mean`); the point
                // itself is plotted as entered, so that 32 reads 32.
                for p in &mut points {
                    p.mean = p.y.map(|v| v.powf(1.0 / 3.6));
                }
            }
            if chart == ChartType::Mr {
                // The MR chart plots |y_i − y_{i−1}|; the first point has no moving range.
                let mut prev = None;
                for p in &mut points {
                    let y = p.y;
                    p.y = match (prev, y) {
                        (Some(a), Some(b)) => Some(f64::abs(b - a)),
                        _ => None,
                    };
                    if y.is_some() || !bridge_missing {
                        prev = y;
                    }
                }
            }
            Ok(points)
        }
        Data::Ratios {
            numerators,
            denominators,
        } => {
            if numerators.len() != denominators.len() {
                return Err(SpcError::LengthMismatch {
                    what: "numerators and denominators",
                    expected: numerators.len(),
                    actual: denominators.len(),
                });
            }
            if chart.uses_subgroups() {
                return Err(SpcError::WrongData {
                    chart: chart.name(),
                    needs: "subgroups of measurements (several rows per date)",
                });
            }
            let proportion = matches!(chart, ChartType::P | ChartType::PPrime);
            numerators
                .iter()
                .zip(denominators)
                .enumerate()
                .map(|(i, (&d, &n))| {
                    let d = finite("numerator", i, d)?;
                    let n = finite("denominator", i, n)?;
                    let (Some(d), Some(n)) = (d, n) else {
                        return Ok(Prepared {
                            n,
                            ..Prepared::default()
                        });
                    };
                    if chart.needs_denominator() {
                        non_negative("numerator", i, d)?;
                    }
                    non_negative("denominator", i, n)?;
                    if n == 0.0 {
                        return Err(SpcError::ZeroDenominator { index: i });
                    }
                    if proportion && d > n {
                        return Err(SpcError::NumeratorAboveDenominator {
                            index: i,
                            numerator: d,
                            denominator: n,
                        });
                    }
                    let y = d / n;
                    if !y.is_finite() {
                        return Err(SpcError::NotFinite {
                            field: "numerator / denominator",
                            index: i,
                        });
                    }
                    Ok(Prepared {
                        y: Some(y),
                        n: Some(n),
                        numerator: Some(d),
                        ..Prepared::default()
                    })
                })
                .collect()
        }
        Data::Subgroups(groups) => {
            if !chart.uses_subgroups() {
                return Err(SpcError::WrongData {
                    chart: chart.name(),
                    needs: "one value per date, not subgroups",
                });
            }
            groups
                .iter()
                .enumerate()
                .map(|(i, g)| {
                    for &x in g {
                        if !x.is_finite() {
                            return Err(SpcError::NotFinite {
                                field: "value",
                                index: i,
                            });
                        }
                    }
                    let p = subgroup(chart, g);
                    if [p.y, p.mean, p.sd, p.range]
                        .into_iter()
                        .flatten()
                        .any(|v| !v.is_finite())
                    {
                        return Err(SpcError::NotFinite {
                            field: "subgroup",
                            index: i,
                        });
                    }
                    Ok(p)
                })
                .collect()
        }
    }
}

fn subgroup(chart: ChartType, g: &[f64]) -> Prepared {
    if g.is_empty() {
        return Prepared::default();
    }
    let k = g.len() as f64;
    let Some(mean) = crate::stats::mean(g.iter().copied()) else {
        return Prepared::default();
    };
    let sd = (g.len() > 1).then(|| {
        let ss: f64 = g.iter().map(|x| (x - mean) * (x - mean)).sum();
        (ss / (k - 1.0)).sqrt()
    });
    let (lo, hi) = g
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let range = (g.len() > 1).then_some(hi - lo);
    let y = match chart {
        ChartType::S => sd,
        ChartType::R => range,
        _ => Some(mean),
    };
    Prepared {
        y,
        n: Some(k),
        numerator: None,
        mean: Some(mean),
        sd,
        range,
    }
}
