"""A small regsim model exercising what the XMILE writer maps (shared by the XMILE tests)."""

from simulator import Aux, Constant, Flow, Lookup, Model, Stock, TimeSeries


def demo_model() -> Model:
    """Stocks, uniflows, a non-negative stock, lookups, a time series, delays, smooths,
    pulses/steps/ramps, IF, min/max/clip/sign and a one-dimensional array with reductions."""
    return Model("demo", [
        Stock("pop", initial="p0", inflows=("births",), outflows=("deaths",), units="persons", non_negative=True),
        Flow("births", equation="pop * rate * effect(crowd)", units="persons/yr", non_negative=True),
        Flow("deaths", equation="smooth(pop / life, 2) + delay(births, 1, 0) * 0.01 + pulse(5, 3) + step(2, 4)"
                                " + ramp(1, 2, 6)", units="persons/yr"),
        Aux("crowd", equation="pop / cap", units="1"),
        Constant("p0", value=100, units="persons"),
        Constant("rate", value=0.1, units="1/yr"),
        Constant("life", value=20, units="yr"),
        Constant("cap", value=1000, units="persons"),
        Lookup("effect", x=(0, 0.5, 1, 2), y=(1, 0.9, 0.2, 0), units="1"),
        TimeSeries("ts", x=(2, 5, 8), y=(1, 3, 0), units="1"),
        Aux("g", equation="max(ts, 0.5, crowd) + min(1, 2) + clip(ts, 0.5, 2) + sign(ts - 1)"
                          " + (1 if time > 3 else 0) + delay3(ts, 2) + smooth3(ts, 1) + smoothn(ts, 2, 4)"
                          " + delayn(ts, 2, 4) + delay1(ts, 1, 1) + -2 ** 2 + exp(-crowd)", units="1"),
        Aux("p_init", equation="init(pop)", units="persons"),
        Constant("share", value=[0.2, 0.3, 0.5], dims=("sec",), units="1"),
        Aux("va", equation="share * pop", dims=("sec",), units="persons"),
        Stock("k", initial="va", inflows=("inv",), dims=("sec",), units="persons"),
        Flow("inv", equation="(0.1 * va - 0.05 * k + va['b'] * 0) / life", dims=("sec",), units="persons/yr"),
        Aux("tot", equation="sum(va) + mean(k) + max(k) - min(k)", units="persons"),
    ], dimensions={"sec": ("a", "b", "c")})
