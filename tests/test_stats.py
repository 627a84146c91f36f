"""Fit statistics against hand-computed examples (tolerance: 1e-12 relative, exact arithmetic)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.validation.stats import (
    fit_statistics,
    mape,
    r_squared,
    rmse,
    theil_decomposition,
    theil_u,
)

# Hand-computed example: a = [1, 2, 3, 4], s = [2, 2, 4, 6]
#   errors 1, 0, 1, 2 -> MSE = 6/4 = 1.5
#   MAPE = 100/4 (1/1 + 0 + 1/3 + 2/4) = 45.8333...
#   means 3.5 vs 2.5 -> bias^2 = 1;  var_s = 11/4, var_a = 5/4, cov = 7/4
#   (S_s - S_a)^2 = 11/4 + 5/4 - 2 sqrt(55/16) = 4 - 2 sqrt(3.4375)
#   2 (1 - r) S_s S_a = 2 (sqrt(3.4375) - 1.75)
#   r^2 = 1.75^2 / 3.4375;  Theil U = sqrt(1.5) / (sqrt(15) + sqrt(7.5))
A = [1.0, 2.0, 3.0, 4.0]
S = [2.0, 2.0, 4.0, 6.0]


def test_hand_computed_example():
    q = math.sqrt(3.4375)
    assert mape(S, A) == pytest.approx(100 / 4 * (1 + 0 + 1 / 3 + 1 / 2), rel=1e-12)
    assert rmse(S, A) == pytest.approx(math.sqrt(1.5), rel=1e-12)
    assert r_squared(S, A) == pytest.approx(1.75**2 / 3.4375, rel=1e-12)
    assert theil_u(S, A) == pytest.approx(math.sqrt(1.5) / (math.sqrt(15) + math.sqrt(7.5)), rel=1e-12)
    um, us, uc = theil_decomposition(S, A)
    assert um == pytest.approx(1 / 1.5, rel=1e-12)
    assert us == pytest.approx((4 - 2 * q) / 1.5, rel=1e-12)
    assert uc == pytest.approx(2 * (q - 1.75) / 1.5, rel=1e-12)
    assert um + us + uc == pytest.approx(1.0, abs=1e-14)
    fs = fit_statistics(S, A)
    assert fs.n == 4 and fs.mean_error == pytest.approx(1.0)
    assert set(fs.as_dict()) == {"n", "mape", "rmse", "r2", "mean_error", "theil_u", "um", "us", "uc"}


def test_pure_bias_is_all_um():
    a = np.array([3.0, 5.0, 4.0, 8.0])
    um, us, uc = theil_decomposition(a + 2.0, a)
    assert (um, us, uc) == pytest.approx((1.0, 0.0, 0.0), abs=1e-12)


def test_pure_amplitude_error_is_all_us():
    a = np.array([3.0, 5.0, 4.0, 8.0])
    s = a.mean() + 1.5 * (a - a.mean())  # same mean, perfectly correlated, larger variation
    assert theil_decomposition(s, a) == pytest.approx((0.0, 1.0, 0.0), abs=1e-12)


def test_unsystematic_error_is_all_uc():
    # same mean and same variance, imperfect correlation: all the error is covariance
    a = np.array([1.0, 2.0, 3.0, 4.0])
    s = np.array([2.0, 1.0, 4.0, 3.0])
    assert theil_decomposition(s, a) == pytest.approx((0.0, 0.0, 1.0), abs=1e-12)


def test_missing_pairs_are_skipped_not_filled():
    s = [2.0, np.nan, 2.0, 4.0, 6.0]
    a = [1.0, 7.0, 2.0, 3.0, np.nan]
    fs = fit_statistics(s, a)
    ref = fit_statistics([2.0, 2.0, 4.0], [1.0, 2.0, 3.0])
    assert fs == ref and fs.n == 3


def test_perfect_fit_and_degenerate_cases():
    a = [1.0, 2.0, 3.0]
    fs = fit_statistics(a, a)
    assert fs.mape == 0 and fs.rmse == 0 and fs.r2 == pytest.approx(1.0) and fs.theil_u == 0
    assert all(math.isnan(x) for x in (fs.um, fs.us, fs.uc))  # shares of a zero error are undefined
    one = fit_statistics([2.0], [1.0])  # a single pair: all bias, r undefined
    assert (one.um, one.us, one.uc) == (1.0, 0.0, 0.0) and math.isnan(one.r2)
    empty = fit_statistics([np.nan], [1.0])
    assert empty.n == 0 and math.isnan(empty.mape)
    with pytest.raises(ValueError, match="zero"):
        mape([1.0], [0.0])
    with pytest.raises(ValueError, match="length"):
        rmse([1.0, 2.0], [1.0])


finite = st.floats(-1e3, 1e3, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=2, max_size=30))
def test_theil_shares_sum_to_one_and_decompose_mse(pairs):
    s, a = np.array(pairs).T
    mse = np.mean((s - a) ** 2)
    um, us, uc = theil_decomposition(s, a)
    if mse < 1e-9:
        return
    assert um + us + uc == pytest.approx(1.0, abs=1e-9)
    assert min(um, us, uc) >= -1e-12
    # the unnormalised terms reproduce the MSE (Sterman 1984, eq. 2)
    ms, ma, ss, sa = s.mean(), a.mean(), s.std(), a.std()
    cov = np.mean((s - ms) * (a - ma))
    assert (ms - ma) ** 2 + (ss - sa) ** 2 + 2 * (ss * sa - cov) == pytest.approx(mse, rel=1e-7, abs=1e-9)
