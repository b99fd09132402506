//! Engine speed. Targets (2-core machine): XmR of 60 points with every MDC rule and both
//! icons < 5 µs; funnel plot of 10,000 providers < 50 ms. Run: `cargo bench -p gemba-spc`.

use criterion::{criterion_group, criterion_main, Criterion};
use gemba_spc::funnel::{funnel, FunnelOptions, FunnelType};
use gemba_spc::{analyse, ChartOptions, ChartType, Data, Improvement};
use std::hint::black_box;

/// A deterministic pseudo-random series with a step, so that rules fire.
fn series(n: usize, seed: u64) -> Vec<Option<f64>> {
    let mut s = seed;
    (0..n)
        .map(|i| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let noise = ((s >> 33) as f64 / (1u64 << 31) as f64) - 0.5;
            let step = if i >= n / 2 { 1.5 } else { 0.0 };
            Some(90.0 + step + 2.0 * noise)
        })
        .collect()
}

fn xmr(c: &mut Criterion) {
    let y = series(60, 7);
    let mut o = ChartOptions::new(ChartType::Xmr);
    o.improvement = Improvement::Increase;
    o.target = Some(95.0);
    c.bench_function("xmr_60_points_mdc_rules_and_icons", |b| {
        b.iter(|| analyse(black_box(Data::Values(&y)), black_box(&o)))
    });
    let num: Vec<Option<f64>> = (0..60).map(|i| Some(100.0 + (i % 7) as f64)).collect();
    let den: Vec<Option<f64>> = (0..60)
        .map(|i| Some(1000.0 + (i % 11) as f64 * 10.0))
        .collect();
    let p = ChartOptions::new(ChartType::PPrime);
    c.bench_function("p_prime_60_points", |b| {
        b.iter(|| {
            analyse(
                black_box(Data::Ratios {
                    numerators: &num,
                    denominators: &den,
                }),
                black_box(&p),
            )
        })
    });
}

fn funnel_10k(c: &mut Criterion) {
    let mut s = 11u64;
    let mut rnd = || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (s >> 33) as f64 / (1u64 << 31) as f64
    };
    let n: Vec<f64> = (0..10_000)
        .map(|_| (50.0 + 5000.0 * rnd()).round())
        .collect();
    let d: Vec<f64> = n
        .iter()
        .map(|&n| (n * (0.1 + 0.05 * rnd())).round())
        .collect();
    let pr = FunnelOptions {
        kind: FunnelType::Proportion,
        ..FunnelOptions::default()
    };
    c.bench_function("funnel_pr_10000_providers", |b| {
        b.iter(|| funnel(black_box(&d), black_box(&n), &pr))
    });
    let e: Vec<f64> = d.iter().map(|&d| d * (0.9 + 0.2 * rnd())).collect();
    let sr = FunnelOptions::default();
    // Exact Poisson limits (no overdispersion) are the slowest path: four gamma quantiles each.
    let sr_exact = FunnelOptions {
        overdispersion: gemba_spc::funnel::Overdispersion::Off,
        ..FunnelOptions::default()
    };
    c.bench_function("funnel_sr_exact_poisson_10000_providers", |b| {
        b.iter(|| funnel(black_box(&d), black_box(&e), &sr_exact))
    });
    c.bench_function("funnel_sr_shmi_10000_providers", |b| {
        b.iter(|| funnel(black_box(&d), black_box(&e), &sr))
    });
}

criterion_group!(benches, xmr, funnel_10k);
criterion_main!(benches);
