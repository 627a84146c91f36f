"""Label tables of the report and figures: English and Chinese (simplified).

:func:`labels` returns a :class:`Labels` object for one language: ``L.var(name)``,
``L.element(name)``, ``L.lever(id)``, ``L.unit(text)`` and ``L[key]`` for the
report's own phrases. Names without a translation come back unchanged, so a new
model variable shows its identifier rather than breaking the report.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGS = ("en", "zh")

#: model variables
VARIABLES = {
    "gdp_nominal": ("GDP (nominal)", "地区生产总值（现价）"),
    "gdp_real": ("GDP (2018 prices)", "地区生产总值（2018年不变价）"),
    "value_added": ("Value added", "增加值"),
    "exports": ("Exports", "出口"),
    "imports": ("Imports", "进口"),
    "trade_total": ("Trade (exports + imports)", "进出口总额"),
    "exports_by_partner": ("Exports by partner", "分国别（地区）出口"),
    "imports_by_partner": ("Imports by partner", "分国别（地区）进口"),
    "trade_by_partner": ("Trade by partner", "分国别（地区）进出口"),
    "port_capacity": ("Border-port capacity", "口岸通关能力"),
    "port_utilization": ("Port utilisation", "口岸利用率"),
    "employment": ("Employment", "就业人数"),
    "employment_total": ("Employment", "就业人数"),
    "unemployment_rate": ("Unemployment rate", "失业率"),
    "population": ("Population", "常住人口"),
    "net_migration": ("Net migration", "净迁移人口"),
    "labour_force": ("Labour force", "劳动力"),
    "population_by_age": ("Population by age and sex", "分年龄、性别人口"),
    "births": ("Births", "出生人口"),
    "deaths": ("Deaths", "死亡人口"),
    "net_migration_by_age": ("Net migration by age and sex", "分年龄、性别净迁移人口"),
    "working_age_population": ("Working-age population (15-64)", "劳动年龄人口（15-64岁）"),
    "old_age_dependency_ratio": ("Old-age dependency ratio (65+ / 15-64)", "老年抚养比（65岁及以上/15-64岁）"),
    "median_age": ("Median age", "年龄中位数"),
    "labour_force_by_age": ("Labour force by age and sex", "分年龄、性别劳动力"),
    "capital": ("Capital stock", "资本存量"),
    "tfp": ("Total factor productivity", "全要素生产率"),
    "digital_coverage": ("Digital coverage", "数字化覆盖率"),
    "credit_to_gdp": ("Credit / GDP", "信贷/地区生产总值"),
    "lever_spending": ("Policy spending", "政策投入"),
    "fiscal_revenue": ("Own revenue (tax and non-tax)", "本级财政收入（税收与非税）"),
    "central_transfers": ("Central transfers", "中央转移支付"),
    "government_expenditure": ("Government expenditure", "财政支出"),
    "government_deficit": ("Government deficit", "财政赤字"),
    "government_debt": ("Government debt", "政府债务余额"),
    "debt_to_gdp": ("Debt / GDP", "债务/地区生产总值"),
    "debt_to_revenue": ("Debt / own revenue", "债务/本级收入"),
    "interest_payments": ("Interest payments", "利息支出"),
}

#: elements of the model's dimensions
ELEMENTS = {
    "agri_food": ("Agriculture & food", "农业与食品加工"),
    "energy_petrochem": ("Energy & petrochemicals", "能源与石化"),
    "mining_materials": ("Mining & new materials", "采矿与新材料"),
    "equipment_mfg": ("Equipment manufacturing", "装备制造"),
    "construction": ("Construction", "建筑业"),
    "logistics_trade": ("Logistics & trade", "商贸物流"),
    "finance_services": ("Finance & business services", "金融与商务服务"),
    "tourism_consumer": ("Tourism & consumer services", "旅游与消费服务"),
    "digital_economy": ("Digital economy", "数字经济"),
    "russia": ("Russia", "俄罗斯"),
    "other_bri": ("Other Belt & Road", "其他“一带一路”国家"),
    "rest_of_world": ("Rest of world", "世界其他地区"),
}

#: policy levers (ids of simulator.levers)
LEVERS = {
    "port_investment": ("Border ports and corridors", "口岸与通道建设"),
    "digital_infrastructure": ("Digital infrastructure", "数字基础设施"),
    "industry_transfer": ("Taking over relocating industries", "承接产业转移"),
    "finance_clustering": ("Finance clustering", "金融集聚"),
    "ftz_opening": ("Free-trade-zone opening", "自贸试验区开放"),
    "innovation_chain": ("Innovation chain", "创新链"),
    "industrial_chains": ("Industrial chains", "产业链"),
    "producer_services": ("Producer services", "生产性服务业"),
}

#: the report's phrases
PHRASES = {
    "title": ("Scenario report", "情景分析报告"),
    "subtitle": ("regsim: Heilongjiang economy system-dynamics simulator",
                 "regsim：黑龙江经济系统动力学模拟器"),
    "contents": ("Contents", "目录"),
    "scenario": ("Scenario", "情景"),
    "base": ("Comparison", "对照情景"),
    "description": ("Description", "说明"),
    "sec_levers": ("Levers and spending", "政策工具与投入"),
    "sec_headline": ("Headline results", "主要结果"),
    "sec_trajectories": ("Trajectories", "发展轨迹"),
    "sec_trade": ("Trade by partner", "分国别（地区）贸易"),
    "sec_employment": ("Employment by sector", "分行业就业"),
    "sec_population": ("Population by age and sex", "人口年龄性别结构"),
    "sec_uncertainty": ("Uncertainty", "不确定性分析"),
    "sec_returns": ("Returns on spending", "政策投入回报"),
    "sec_assumptions": ("Key assumptions", "关键假设"),
    "sec_validation": ("Model validation", "模型检验"),
    "sec_metadata": ("Run metadata", "运行信息"),
    "lever": ("Lever", "政策工具"),
    "budget": ("Budget [100m yuan/yr]", "年度预算［亿元/年］"),
    "start": ("Start", "开始年份"),
    "end": ("End (excl.)", "结束年份（不含）"),
    "ramp": ("Ramp-up [yr]", "爬坡期［年］"),
    "other_settings": ("Other settings", "其他设置"),
    "no_levers": ("This scenario sets no policy lever (no new spending).", "本情景未设置任何政策工具（无新增投入）。"),
    "total_spending": ("Total spending over the horizon", "模拟期内政策投入合计"),
    "spending_chart": ("Policy spending per year", "年度政策投入"),
    "shocks": ("Shocks", "外部冲击"),
    "overrides": ("Parameter overrides", "参数调整"),
    "variable": ("Indicator", "指标"),
    "unit": ("Unit", "单位"),
    "year": ("Year", "年份"),
    "value": ("Scenario", "本情景"),
    "base_value": ("Comparison", "对照"),
    "diff": ("Difference", "差值"),
    "pct": ("Difference [%]", "差异［%］"),
    "headline_note": ("Values of the scenario and of the comparison scenario at key years; "
                      "difference = scenario − comparison.",
                      "关键年份本情景与对照情景的取值；差值 = 本情景 − 对照情景。"),
    "headline_note_nobase": ("Values of the scenario at key years (no comparison scenario given).",
                             "关键年份本情景的取值（未指定对照情景）。"),
    "traj_note": ("Solid lines: the scenario; dashed: the comparison scenario.",
                  "实线：本情景；虚线：对照情景。"),
    "trade_note": ("Exports plus imports by partner in the scenario (stacked), and the change against the "
                   "comparison scenario.", "本情景分国别（地区）进出口（堆积图），以及相对对照情景的变化。"),
    "employment_note": ("Employment by sector in the scenario (stacked), and the change against the comparison "
                        "scenario at the key years.", "本情景分行业就业（堆积图），以及关键年份相对对照情景的变化。"),
    "change_vs_base": ("Change vs comparison", "相对对照情景的变化"),
    "population_note": ("Residents by 5-year age group and sex (males left, females right) at the start and the end of "
                        "the horizon; bars: the scenario, dashed outline: the comparison scenario.",
                        "模拟期初与期末按5岁年龄组和性别划分的常住人口（左为男性，右为女性）；柱形：本情景，虚线：对照情景。"),
    "population_table_note": ("Age structure of the scenario at key years.", "关键年份本情景的人口年龄结构。"),
    "share_65": ("Share aged 65+ [%]", "65岁及以上人口占比［%］"),
    "male": ("male", "男"),
    "female": ("female", "女"),
    "age_axis": ("age", "年龄"),
    "pyramid_unit": ("10k persons", "万人"),
    "fan_note": ("Median and 50% / 90% bands over {n} model runs whose uncertain parameters are drawn from the "
                 "distributions in the parameter files (Latin hypercube, seed {seed}). The effect bands pair each "
                 "draw with the comparison scenario run on the same draw.",
                 "基于 {n} 次模型运行的中位数及 50% / 90% 区间；不确定参数按参数文件中的分布抽样（拉丁超立方，"
                 "随机种子 {seed}）。效果区间将每次抽样与使用相同抽样的对照情景配对计算。"),
    "fan_level": ("Scenario level", "本情景水平"),
    "fan_effect": ("Effect vs comparison", "相对对照情景的效果"),
    "prob_table": ("Probability that the scenario beats the comparison", "本情景优于对照情景的概率"),
    "probability": ("Probability", "概率"),
    "mean_effect": ("Mean effect", "平均效果"),
    "no_uncertainty": ("Not computed: run with --uncertainty N to add fan charts.",
                       "未计算：使用 --uncertainty N 参数可生成扇形图。"),
    "returns_note": ("Appraisal of the extra spending against the comparison scenario (differences scenario − "
                     "comparison), {settings}. Impact multipliers are GDP gained in a year of spending per yuan "
                     "spent that year; fiscal payback is the first year from which cumulative discounted extra own "
                     "revenue covers the province's own cost (bond service and budget reallocation) to the end of the "
                     "horizon; the national view subtracts the GDP the additional central transfer would have "
                     "produced elsewhere.",
                     "新增投入相对对照情景的评价（本情景 − 对照情景），{settings}。当期乘数为投入期某年GDP增量与当年投入之比；"
                     "财政回收年份为累计折现新增本级收入自该年起直至模拟期末均不低于本级负担（债券还本付息与预算调剂）的首个年份；"
                     "全国视角扣除新增中央转移支付用于其他地区本可带来的GDP。"),
    "returns_settings": ("real values at 2018 prices, discounted from the first spending year at {rates} (headline "
                         "{rate}); window: the spending years plus {after} years, {terminal}; opportunity cost of "
                         "central money {m} yuan of GDP per yuan",
                         "按2018年价格计算实际值，自首个投入年份起按 {rates} 折现（主折现率 {rate}）；"
                         "评价期为投入期加 {after} 年，{terminal}；中央资金机会成本为每元 {m} 元GDP"),
    "terminal_none": ("truncated at its end", "期末截断"),
    "terminal_decay": ("the last year's gain then decaying {d} a year", "此后末年增量每年衰减 {d}"),
    "returns_evidence": ("Local fiscal multipliers estimated for China: {refs}.", "中国地方财政乘数的实证估计：{refs}。"),
    "returns_unavailable": ("Not available (the model does not provide the inputs yet): ",
                            "暂不可用（模型尚未提供所需变量）："),
    "evidence": ("Evidence", "实证参考"),
    "band": ("Median [90% band]", "中位数［90%区间］"),
    "central_run": ("Central run", "中心参数运行"),
    "bands_note": ("Median and 90% band over {n} paired runs of the scenario and the comparison (every uncertain "
                   "parameter drawn from its distribution, Latin hypercube, seed {seed}; {mech}); the central run "
                   "has every parameter at its central value. Payback years count the runs that pay back; the "
                   "shares say how many do.",
                   "基于 {n} 次本情景与对照情景配对运行的中位数及90%区间（所有不确定参数按其分布抽样，"
                   "拉丁超立方，随机种子 {seed}；{mech}）；中心参数运行取各参数的中心值。"
                   "回收年份只统计实现回收的运行，比例说明实现回收的运行占比。"),
    "mech_sampled": ("the lever-mechanism parameters are sampled too", "政策工具机制参数同样抽样"),
    "mech_as_designed": ("the lever-mechanism parameters are fixed at their central values: the policy as designed",
                         "政策工具机制参数固定在中心值：按设计实施的政策"),
    "literature_range": ("literature {lo}–{hi} (docs/levers.md)", "文献区间 {lo}–{hi}（docs/levers.md）"),
    "literature_note": ("Range the literature supports for this lever's PV of GDP per yuan at 8%: {basis}.",
                        "文献支持的该政策工具每元投入GDP现值（8%折现）区间：{basis}。"),
    "sampled_title": ("Lever-mechanism parameters in the ensemble", "集合模拟中的政策工具机制参数"),
    "sampled_note": ("{n} parameters are sampled: {lev} lever-mechanism parameters (below) and {other} parameters of "
                     "the economy; the {fixed} policy settings (budgets, timing, financing, target shares) are fixed.",
                     "共抽样 {n} 个参数：{lev} 个政策工具机制参数（见下表）和 {other} 个经济参数；{fixed} 个政策设置"
                     "（预算、时间、融资、投向比例）保持固定。"),
    "distribution": ("Distribution", "分布"),
    "sampled": ("Sampled", "是否抽样"),
    "m_gdp_payback_share": ("Share of runs with GDP payback within the horizon", "模拟期内实现GDP回收的运行比例"),
    "m_fiscal_payback_share": ("Share of runs with fiscal payback within the horizon", "模拟期内实现财政回收的运行比例"),
    "fiscal_position": ("Fiscal position of the province", "省级财政状况"),
    "fiscal_position_note": ("Scenario values at key years, the comparison scenario below.",
                             "关键年份本情景取值，下方为对照情景。"),
    "fiscal_unavailable": ("Fiscal position not available (the model does not provide these variables yet): ",
                           "省级财政状况暂不可用（模型尚未提供以下变量）："),
    "no_returns": ("Not applicable: no comparison scenario, or no extra spending.",
                   "不适用：未指定对照情景，或无新增投入。"),
    "m_first_spending_year": ("First year of extra spending", "首个新增投入年份"),
    "m_last_spending_year": ("Last year of extra spending", "最后新增投入年份"),
    "m_spending_years": ("Spending years", "投入年数"),
    "m_appraisal_end_year": ("Last year of the appraisal window", "评价期末年份"),
    "m_window_truncated": ("Window cut by the end of the horizon", "评价期被模拟期末截断"),
    "m_spending_total": ("Extra spending over the horizon", "模拟期新增投入合计"),
    "m_gdp_gain_total": ("GDP gained over the horizon", "模拟期GDP增量合计"),
    "m_job_years_total": ("Job-years gained over the horizon", "模拟期新增就业（人·年）"),
    "m_spending_pv": ("PV of extra spending ({r})", "新增投入现值（{r}）"),
    "m_gdp_pv_gain": ("PV of GDP gained ({r})", "GDP增量现值（{r}）"),
    "m_gdp_pv_ratio": ("PV of GDP gained / PV of spending ({r})", "GDP增量现值/投入现值（{r}）"),
    "m_gdp_ratio_undiscounted": ("GDP gained / spending, undiscounted", "GDP增量/投入（不折现）"),
    "m_impact_multiplier": ("Impact multiplier, year {j} of spending", "当期乘数（投入第{j}年）"),
    "m_cumulative_multiplier": ("Cumulative multiplier over the spending years", "投入期累计乘数"),
    "m_gdp_payback_year": ("GDP payback year (discounted GDP gain covers discounted spending)",
                           "GDP回收年份（折现GDP增量覆盖折现投入）"),
    "m_fiscal_revenue_pv": ("PV of extra own revenue ({r})", "新增本级收入现值（{r}）"),
    "m_own_cost_pv": ("PV of the province's own cost: bond service + reallocation ({r})",
                      "本级负担现值：债券还本付息＋预算调剂（{r}）"),
    "m_fiscal_payback_year": ("Fiscal payback year (extra own revenue covers own cost)",
                              "财政回收年份（新增本级收入覆盖本级负担）"),
    "m_central_funding_pv": ("PV of the additional central transfer ({r})", "新增中央转移支付现值（{r}）"),
    "m_national_gdp_pv_gain": ("National view: PV of GDP gained − opportunity cost of central money ({r})",
                               "全国视角：GDP增量现值 − 中央资金机会成本（{r}）"),
    "m_national_pv_ratio": ("National view: net PV / PV of spending ({r})", "全国视角：净现值/投入现值（{r}）"),
    "m_job_years_pv_per_100m": ("Job-years per 100m yuan (PV)", "每亿元投入带来的就业（人·年，现值）"),
    "m_gdp_added": ("GDP added in {y}", "{y}年新增GDP"),
    "m_jobs_added": ("Jobs added in {y}", "{y}年新增就业"),
    "m_trade_added": ("Trade added in {y}", "{y}年新增进出口"),
    "m_trade_added_pct": ("Trade added in {y} (% of the comparison's)", "{y}年新增进出口（占对照情景的%）"),
    "paid back": ("paid back", "已回收"),
    "not within the horizon": ("not within the horizon", "模拟期内未回收"),
    "no extra spending": ("no extra spending", "无新增投入"),
    "no own cost": ("no own cost (no bonds or reallocation)", "无本级负担（无债券或预算调剂）"),
    "unavailable": ("unavailable", "不可用"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "assumptions_note": ("Parameters to which the result ({output}) is most sensitive. Each parameter is moved "
                         "alone from the low to the high end of its plausible range, all others at their values, "
                         "in one vectorised ensemble ({runs} runs); swing = result at high − result at low; "
                         "elasticity = % change of the result per % change of the parameter around its value.",
                         "结果（{output}）最敏感的参数。每次仅将一个参数从其合理区间的下限调至上限，其他参数保持不变，"
                         "在一次向量化集合运行中完成（{runs} 次运行）；摆幅 = 上限时结果 − 下限时结果；"
                         "弹性 = 参数在取值附近每变化1%时结果变化的百分比。"),
    "assumptions_morris_note": ("Parameters to which the result ({output}) is most sensitive, by Morris screening "
                                "({runs} runs in vectorised ensembles): μ* is the mean absolute change of the result "
                                "when the parameter moves one step of its distribution's range, in the result's "
                                "units; σ large relative to μ* means the effect depends on the other parameters "
                                "(non-linearity, interactions).",
                                "按Morris筛选法（向量化集合运行，共 {runs} 次）列出结果（{output}）最敏感的参数："
                                "μ* 为参数在其分布区间内移动一步时结果变化绝对值的平均（与结果同单位）；"
                                "σ 相对 μ* 较大表示其影响依赖于其他参数（非线性或交互作用）。"),
    "mu_star": ("μ*", "μ*"),
    "sigma": ("σ", "σ"),
    "parameter": ("Parameter", "参数"),
    "value_param": ("Value", "取值"),
    "range": ("Plausible range", "合理区间"),
    "swing": ("Swing", "摆幅"),
    "elasticity": ("Elasticity", "弹性"),
    "source": ("Source", "来源"),
    "no_sensitivity": ("Sensitivity not computed.", "未计算敏感性。"),
    "validation_none": ("No validation summary available (run `regsim validate-model`).",
                        "暂无模型检验摘要（请运行 `regsim validate-model`）。"),
    "validation_note": ("From the model's validation against Heilongjiang statistics ({source}).",
                        "摘自模型对黑龙江统计数据的检验结果（{source}）。"),
    "meta_key": ("Item", "项目"),
    "meta_value": ("Value", "内容"),
    "generated_by": ("Generated by regsim {version}.", "由 regsim {version} 生成。"),
    "figure_lang_fallback": ("Figure labels are in English: no font with Chinese glyphs was found on this machine.",
                             "图中标注为英文：本机未找到可显示中文的字体。"),
    "year_axis": ("year", "年份"),
    "pareto": ("Pareto frontier", "帕累托前沿"),
    "low_end": ("low end of range", "区间下限"),
    "high_end": ("high end of range", "区间上限"),
    "baseline_label": ("comparison", "对照"),
    "scenario_label": ("scenario", "本情景"),
}

#: unit fragments, longest first
UNITS = [
    ("100m yuan/yr (current prices)", "亿元/年（现价）"),
    ("100m yuan (current prices)", "亿元（现价）"),
    ("(current prices)", "（现价）"),
    ("(2018 prices)", "（2018年价格）"),
    ("100m yuan/yr (2018 prices)", "亿元/年（2018年价格）"),
    ("100m yuan (2018 prices)", "亿元（2018年价格）"),
    ("100m yuan/yr", "亿元/年"),
    ("100m yuan", "亿元"),
    ("yuan per yuan", "元/元"),
    ("person-years per 100m yuan", "人·年/亿元"),
    ("person-years", "人·年"),
    ("PV at", "现值，折现率"),
    ("true/false", "是/否"),
    ("share of members", "运行占比"),
    ("% of the base's trade_total in", "占对照情景进出口总额的%，"),
    ("10k persons/yr", "万人/年"),
    ("10k persons", "万人"),
    ("persons", "人"),
    ("1/yr", "1/年"),
    ("year", "年份"),
    ("yr", "年"),
    ("yuan", "元"),
]


@dataclass(frozen=True)
class Labels:
    """Labels of one language (see the module docstring)."""

    lang: str

    @property
    def _i(self) -> int:
        return LANGS.index(self.lang)

    def __getitem__(self, key: str) -> str:
        return PHRASES[key][self._i]

    def get(self, key: str, **fmt) -> str:
        """A phrase, formatted with ``fmt`` (an unknown key comes back unchanged)."""
        text = PHRASES[key][self._i] if key in PHRASES else key
        return text.format(**fmt) if fmt else text

    def var(self, name: str) -> str:
        """Label of a variable (``name[element]`` gives ``Label: Element``)."""
        if name.endswith("]") and "[" in name:
            base, el = name[:-1].split("[", 1)
            return f"{self.var(base)}: {self.element(el)}"
        return VARIABLES[name][self._i] if name in VARIABLES else name

    def element(self, name: str) -> str:
        """Label of a sector or partner (a cell label ``"e1,e2"`` of several dimensions: each element's)."""
        if name not in ELEMENTS and "," in name:
            return ", ".join(self.element(e) for e in name.split(","))
        return ELEMENTS[name][self._i] if name in ELEMENTS else name

    def lever(self, lever_id: str) -> str:
        """Label of a lever."""
        return LEVERS[lever_id][self._i] if lever_id in LEVERS else lever_id

    def metric(self, name: str) -> str:
        """Label of an appraisal metric of :mod:`simulator.analysis.returns` (identifier if unknown)."""
        import re

        if f"m_{name}" in PHRASES:
            return self[f"m_{name}"]
        m = re.fullmatch(r"(.+)_(\d+(?:\.\d+)?)pct", name)
        if m and f"m_{m.group(1)}" in PHRASES:
            return self.get(f"m_{m.group(1)}", r=f"{m.group(2)}%")
        m = re.fullmatch(r"impact_multiplier_y(\d+)", name)
        if m:
            return self.get("m_impact_multiplier", j=m.group(1))
        m = re.fullmatch(r"(gdp|jobs|trade)_added_(\d+)(_pct)?", name)
        if m:
            return self.get(f"m_{m.group(1)}_added{m.group(3) or ''}", y=m.group(2))
        return name

    def unit(self, unit: str) -> str:
        """A unit in this language (fragments translated, the rest kept)."""
        if self.lang == "en" or not unit:
            return unit
        out = unit
        for en, zh in sorted(UNITS, key=lambda p: -len(p[0])):
            out = out.replace(en, zh)
        return out


def labels(lang: str = "en") -> Labels:
    """Labels for ``lang`` (``"en"`` or ``"zh"``)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (choose from {', '.join(LANGS)})")
    return Labels(lang)
