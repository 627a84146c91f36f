# China TFP (rtfpna), labour share (labsh), real GDP and employment growth by period from
# Penn World Table 9.1 (Feenstra, Inklaar & Timmer 2015, AER; Debian package r-cran-pwt9).
# Run: Rscript pwt_china_tfp.R  > ../data/pwt91_china_periods.txt
library(pwt9)
d <- subset(pwt9.1, isocode == "CHN")
d <- d[order(d$year), ]
g <- function(v, y0, y1) {
  a <- v[d$year == y0]; b <- v[d$year == y1]
  100 * ((b / a)^(1 / (y1 - y0)) - 1)
}
periods <- list(c(1978, 2007), c(1978, 1995), c(1995, 2007), c(2000, 2007), c(2007, 2017),
                c(2008, 2017), c(2010, 2017), c(2012, 2017), c(2014, 2017))
cat("period, rtfpna_growth_pct_yr, rgdpna_growth_pct_yr, emp_growth_pct_yr, rnna_growth_pct_yr, labour_productivity_growth_pct_yr\n")
for (p in periods) {
  y0 <- p[1]; y1 <- p[2]
  cat(sprintf("%d-%d, %.2f, %.2f, %.2f, %.2f, %.2f\n", y0, y1,
              g(d$rtfpna, y0, y1), g(d$rgdpna, y0, y1), g(d$emp, y0, y1), g(d$rnna, y0, y1),
              g(d$rgdpna / d$emp, y0, y1)))
}
cat("\nyear, labsh, rtfpna, delta\n")
for (y in c(1990, 2000, 2007, 2010, 2014, 2017)) {
  r <- d[d$year == y, ]
  cat(sprintf("%d, %.3f, %.3f, %.4f\n", y, r$labsh, r$rtfpna, r$delta))
}
