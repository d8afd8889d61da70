"""Coverage summary and data-quality helpers on the real dataset."""

from __future__ import annotations

from helpers.cli import main
from helpers.report.quality import conflicts, coverage_markdown, coverage_summary


def test_coverage_file_matches_the_data(real):
    assert (real.data_dir / "COVERAGE.md").read_text(encoding="utf-8") == coverage_markdown(real)


def test_every_shandong_city_is_in_the_coverage(real):
    s = coverage_summary(real)
    shandong = real.jurisdictions.loc[real.jurisdictions["parent"] == "370000", "code"]
    assert set(shandong) <= set(s["code"]) and len(shandong) == 16


def test_enough_distinct_sources_with_urls_and_locators(real):
    assert len(real.sources) >= 25
    # a URL, or for the seed pages a precise reference to the stored copy
    cited = real.sources["url"].notna() | real.sources["note"].str.contains("shared/seeds/", regex=False)
    assert cited.all()


def test_conflicts_are_listed_not_resolved_away(real):
    c = conflicts(real)
    assert (c["place"] == "河北省").any()  # the Hebei page gives 8 and 7
    assert (
        len(
            real.claims[
                (real.claims["jurisdiction"] == "130000")
                & (real.claims["parameter"] == "family_account.max_relatives")
            ]
        )
        == 2
    )


def test_coverage_check_cli(capsys):
    assert main(["coverage", "--check"]) == 0
    assert "up to date" in capsys.readouterr().out
