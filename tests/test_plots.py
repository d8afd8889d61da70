"""Chinese labels render with the bundled font: no missing-glyph warning."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager as fm  # noqa: E402

from helpers.report import plots  # noqa: E402


def test_chinese_labels_have_no_missing_glyphs(tmp_path):
    family = plots.setup()
    fig, ax = plt.subplots()
    sns.barplot(x=["济南", "泰安"], y=[7, 8], ax=ax)
    ax.set_title("最多可绑定近亲属人数 − 对比")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(tmp_path / "chart.png")
    plt.close(fig)
    assert not [w for w in caught if "missing from font" in str(w.message)]
    found = fm.findfont(fm.FontProperties(family=family), fallback_to_default=False)
    assert found.endswith("NotoSansSC-Regular.otf")
