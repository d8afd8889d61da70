"""Reader-facing value formatting: percentages, yuan, yes/no and Chinese labels for codes."""

from __future__ import annotations

import datetime as dt

VALUE_ZH = {
    "spouse": "配偶",
    "parent": "父母",
    "child": "子女",
    "parent_in_law": "配偶父母",
    "sibling": "兄弟姐妹",
    "grandparent": "(外)祖父母",
    "grandchild": "(外)孙子女",
    "city": "同一城市",
    "province": "省内",
    "national": "全国",
    "jinan_yibao_app": "济南医保",
    "taian_yibao_app": "泰安医保",
    "shandong_tax_app": "山东税务社保费缴纳",
    "ai_shandong_app": "爱山东/鲁医保",
    "national_yibao_app": "国家医保服务平台",
    "alipay": "支付宝",
    "jingtong_app": "京通",
    "beijing_yibao_portal": "北京医保公共服务平台",
    "local_office": "经办窗口",
    "province_all_urban_prev_year": "全省上年度全口径城镇单位就业人员平均工资",
    "city_prev_year": "本市上年度平均工资",
}


def value_text(value, ptype: str | None = None) -> str:
    """A claim value as a reader sees it: 8 %, 390 元, 是/否, 配偶, 2024-09 – 2024-12."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是 yes" if value else "否 no"
    if ptype == "date_range" and isinstance(value, list):
        return " – ".join(map(str, value))
    if isinstance(value, list):
        return "、".join(VALUE_ZH.get(str(v), str(v)) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if ptype == "rate" and isinstance(value, int | float):
        return f"{value * 100:.4g} %"
    if ptype == "ratio" and isinstance(value, int | float):
        return f"{value * 100:.4g} %"
    if ptype == "yuan" and isinstance(value, int | float):
        return f"{value:,.0f} 元" if float(value).is_integer() else f"{value:,.2f} 元"
    if ptype == "months":
        return f"{value} 个月"
    if ptype == "years":
        return f"{value} 年"
    return VALUE_ZH.get(str(value), str(value))


def conditions_text(cond_key: str) -> str:
    """'scheme=employee;tier=1' → 'scheme employee · tier 1' ('' when none)."""
    return " · ".join(part.replace("=", " ") for part in cond_key.split(";") if part)
