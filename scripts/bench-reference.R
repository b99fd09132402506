# Times the reference R packages on the same kind of work as Gemba's benchmarks, for comparison.
# Needs R and the packages installed as crates/gemba-spc/tests/fixtures/reference/README.md
# describes (library folder /tmp/rlib). Run: Rscript scripts/bench-reference.R
.libPaths(c("/tmp/rlib", .libPaths()))
suppressMessages({library(NHSRplotthedots); library(qicharts2)})
set.seed(1)
n_series <- 200; n_pts <- 60
d <- data.frame(
  id = rep(sprintf("M%04d", 1:n_series), each = n_pts),
  date = rep(seq(as.Date("2015-01-01"), by = "month", length.out = n_pts), n_series),
  value = rnorm(n_series * n_pts, 100, 3))
one <- d[d$id == "M0001", ]
t1 <- system.time(for (i in 1:50) ptd_spc(one, value_field = value, date_field = date, target = 95))
cat(sprintf("NHSRplotthedots ptd_spc, one series of 60 points: %.2f ms per chart\n", 1000 * t1[["elapsed"]] / 50))
t2 <- system.time(ptd_spc(d, value_field = value, date_field = date, facet_field = id, target = 95))
cat(sprintf("NHSRplotthedots ptd_spc, %d series x 60 points (facets): %.2f s -> %.2f ms per series\n", n_series, t2[["elapsed"]], 1000 * t2[["elapsed"]] / n_series))
options(qic.screenedmr = TRUE)
t3 <- system.time(for (i in 1:50) qic(date, value, data = one, chart = "i"))
cat(sprintf("qicharts2 qic i chart, one series of 60 points: %.2f ms per chart\n", 1000 * t3[["elapsed"]] / 50))
cat(R.version.string, "\n"); cat("NHSRplotthedots", as.character(packageVersion("NHSRplotthedots")), "qicharts2", as.character(packageVersion("qicharts2")), "\n")
