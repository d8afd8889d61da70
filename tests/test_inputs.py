"""The shared input checks (helpers.data.inputs): aliases, place groups, conversions, messages."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import helpers as h
from helpers.data import inputs, places
from helpers.exceptions import InputError

SHANDONG_16 = [
    "370100", "370200", "370300", "370400", "370500", "370600", "370700", "370800",
    "370900", "371000", "371100", "371300", "371400", "371500", "371600", "371700",
]  # fmt: skip


@pytest.mark.parametrize(
    "word,code",
    [
        ("配偶", "spouse"), ("wife", "spouse"), ("父母", "parent"), ("父亲", "parent"), ("母亲", "parent"),
        ("father", "parent"), ("Mother", "parent"), ("子女", "child"), ("儿子", "child"), ("女儿", "child"),
        ("son", "child"), ("daughter", "child"), ("兄弟姐妹", "sibling"), ("brother", "sibling"),
        ("sister", "sibling"), ("祖父母", "grandparent"), ("外祖父母", "grandparent"),
        ("孙子女", "grandchild"), ("外孙子女", "grandchild"), ("岳父母", "parent_in_law"),
        ("公婆", "parent_in_law"), ("father-in-law", "parent_in_law"), ("Father in law", "parent_in_law"),
        ("mother_in_law", "parent_in_law"), ("parent_in_law", "parent_in_law"), ("grandchild", "grandchild"),
    ],
)  # fmt: skip
def test_relation_aliases_map_to_the_vocabulary(real, word, code):
    assert inputs.relation(real, word) == code


def test_every_alias_names_one_relation_of_the_catalogue(real):
    vocab = inputs.relations_vocabulary(real)
    seen: dict[str, str] = {}
    for code in vocab:
        for alias in real.labels[code]["aliases"]:
            assert seen.setdefault(alias, code) == code, f"alias {alias} names {seen[alias]} and {code}"


def test_unknown_relation_gets_a_close_match(real):
    with pytest.raises(InputError, match=r"relation: unknown relation 'brohter' — did you mean 'sibling'"):
        inputs.relation(real, "brohter")
    with pytest.raises(InputError, match="allowed: spouse, parent, child"):
        inputs.relation(real, "叔叔")


@pytest.mark.parametrize(
    "value,message",
    [
        ("spouse,child", "'spouse,child' is not a JSON list — write a list of objects"),
        (["spouse", "child"], r'got a list of words, expected a list of objects — write e.g. \[\{"relation"'),
        ([{"relation": "spouse"}, "child"], r"household\[2\]: .child. is a bare word, expected an object"),
        ([{"relatoin": "spouse"}], r"household\[1\]: unknown field 'relatoin' — did you mean 'relation'"),
        ([{"age": 3}], r"household\[1\]: no 'relation' field"),
        ([{"relation": "child", "age": "eight"}], r"household\[1\].age: 'eight' is not a whole number"),
        ('[{"relation": "child",]', "not valid JSON"),
        (42, "expected a list of objects, got int"),
    ],
)
def test_wrongly_shaped_household_says_the_shape_expected(real, value, message):
    with pytest.raises(InputError, match=message):
        inputs.household(real, value)


def test_household_converts_types_and_words(real):
    text = '[{"relation": "女儿", "age": "8", "student": "true"}, {"relation": "公婆"}]'
    got = inputs.household(real, text)
    assert got == [{"relation": "child", "age": 8, "student": True}, {"relation": "parent_in_law"}]


GROUPS = ["山东全省", "山东省全部", "shandong:*", "Shandong:*", "370000:*", "山东：*"]


@pytest.mark.parametrize("name", GROUPS)
def test_place_group_expands_to_the_16_shandong_cities(real, name):
    assert places.find_many(real, name) == SHANDONG_16
    assert inputs.places(real, name) == SHANDONG_16


def test_place_group_mixed_with_cities_keeps_order_without_repeats(real):
    assert inputs.places(real, ["北京", "泰安", "山东全省"])[:3] == ["110000", "370900", "370100"]
    assert len(inputs.places(real, "泰安,山东全省")) == 16


def test_group_of_a_city_is_refused(real):
    with pytest.raises(InputError, match="'泰安' is not a province"):
        inputs.places(real, "泰安:*")


def test_one_city_refuses_a_group(real):
    with pytest.raises(InputError, match="city: '山东全省' names 16 places — give one city"):
        inputs.place(real, "山东全省")


@pytest.mark.parametrize(
    "value,expected",
    [(370900, ["370900"]), ("370900", ["370900"]), (["济南", 370900], ["370100", "370900"])],
)
def test_places_given_as_int_or_list(real, value, expected):
    assert inputs.places(real, value) == expected


@pytest.mark.parametrize(
    "func,value,expected",
    [
        (inputs.year, "2025", 2025), (inputs.year, 2025, 2025), (inputs.year, 0, None),
        (inputs.year, "", None),
        (inputs.wages, 8000, [8000.0]), (inputs.wages, "2500, 8000", [2500.0, 8000.0]),
        (inputs.wages, [3000, "5000"], [3000.0, 5000.0]), (inputs.months, "12", 12),
    ],
)  # fmt: skip
def test_conversions(func, value, expected):
    assert func(value) == expected


@pytest.mark.parametrize(
    "func,value,message",
    [
        (inputs.year, "abc", "year: 'abc' is not a year — give a year 1990–2100, or 0 for any year"),
        (inputs.year, 20250, "year: 20250 is not a year"),
        (inputs.year, True, "year: True is not a year"),
        (inputs.date, "2025-13-01", "as_of: '2025-13-01' is not a date — write YYYY-MM-DD"),
        (inputs.wages, "abc", "wages: 'abc' is not a monthly wage — give yuan per month"),
        (inputs.wages, -5, "wages: -5 is not a monthly wage"),
        (inputs.wages, "nan", "wages: 'nan' is not a monthly wage"),
        (inputs.months, -1, "months: -1 is not a whole number"),
    ],
)
def test_bad_values_give_one_line(func, value, message):
    with pytest.raises(InputError) as exc:
        func(value)
    assert str(exc.value).startswith(message)
    assert "\n" not in str(exc.value)


def test_scheme_topic_tier_words(real):
    assert inputs.scheme(real, "居民") == "resident"
    assert inputs.topics(real, "binding, lapse") == ["binding", "lapse"]
    assert inputs.tier(real, "2") == 2
    with pytest.raises(InputError, match=r"scheme: unknown scheme 'residential' — did you mean 'resident'\?"):
        inputs.scheme(real, "residential")
    with pytest.raises(InputError, match="tier: unknown tier 3 — give one of 1, 2"):
        inputs.tier(real, 3)


def test_input_error_renders_as_one_line_in_ipython():
    exc = InputError("city: x — y")
    assert exc._render_traceback_() == ["InputError: city: x — y"]


def test_calculators_accept_words_and_name_the_city(real):
    r = h.family_binding(real, 370900, [{"relation": "父亲"}, {"relation": "sister"}])
    assert r["relation"].tolist() == ["parent", "sibling"]
    assert set(r["city_zh"]) == {"泰安市"}
    assert h.lapse(real, "370900", "职工", gap_months=2)["city_zh"] == "泰安市"
    assert h.employee_contribution(real, "taian", 3000)["city_zh"] == "泰安市"
    assert h.resident_premiums(real, "泰安", [{"age": 8}])["city_zh"].tolist() == ["泰安市"]


@pytest.mark.parametrize(
    "func,value,expected",
    [
        (inputs.date, "2025-06-30", dt.date(2025, 6, 30)),
        (inputs.date, " 2025-06-30 ", dt.date(2025, 6, 30)),
        (inputs.date, dt.date(2025, 6, 30), dt.date(2025, 6, 30)),
        (inputs.date, dt.datetime(2025, 6, 30, 18, 45), dt.date(2025, 6, 30)),  # the day, not the time
        (inputs.date, "", None),
        (inputs.date, None, None),
        (inputs.wage, "8,000", 8000.0),  # thousands separators as people write them
        (inputs.wage, 0, 0.0),  # no income is a wage too (a minimum base then applies)
        (inputs.wage, "0.5", 0.5),
        (inputs.wage, 10_000_000, 10_000_000.0),  # the largest monthly wage taken
    ],
)
def test_dates_and_wages_are_converted(func, value, expected):
    got = func(value)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    "func,value,message",
    [
        (inputs.wage, "x", "wage: 'x' is not a monthly wage — give yuan per month ≥ 0, e.g. 8000"),
        (inputs.wage, 10_000_000.5, "wage: 10000000.5 is not a monthly wage"),
        (inputs.wage, True, "wage: True is not a monthly wage"),
        (inputs.wages, "", "wages: no wage given — give yuan per month, e.g. 3000,5000,8000"),
        (inputs.wages, " , ", "wages: no wage given — give yuan per month, e.g. 3000,5000,8000"),
        (inputs.wages, "8000\u200b", "wages: holds an invisible or control character U+200B"),
        (inputs.year, "2025\u200b", "year: holds an invisible or control character U+200B"),
        (inputs.date, "2025-06-30\u202e", "as_of: holds an invisible or control character U+202E"),
        (inputs.date, "30.06.2025", "as_of: '30.06.2025' is not a date — write YYYY-MM-DD, e.g. 2025-06-30"),
    ],
)
def test_bad_dates_wages_and_hidden_characters_name_the_parameter(func, value, message):
    with pytest.raises(InputError) as exc:
        func(value)
    assert str(exc.value).startswith(message)


def test_topics_and_tiers_refuse_what_they_cannot_use(mini):
    with pytest.raises(InputError) as exc:
        inputs.topics(mini, "")
    assert (
        str(exc.value) == "topics: no topic given — give one or more of binding, contribution, lapse, benefit"
    )
    with pytest.raises(InputError, match="^topics: holds an invisible or control character U[+]200B"):
        inputs.topics(mini, "binding\u200b")
    with pytest.raises(InputError, match="^tier: unknown tier 'first' — give one of 1, 2$"):
        inputs.tier(mini, "first")


def test_report_parameters_are_checked_by_their_name(mini):
    assert inputs.parameter(mini, "year", "2025") == 2025
    assert inputs.parameter(mini, "year", "") == 0  # notebooks take 0 for any year
    assert inputs.parameter(mini, "as_of", "2025-06-30") == "2025-06-30"
    assert inputs.parameter(mini, "topics", "lapse, binding") == ["lapse", "binding"]
    assert inputs.parameter(mini, "output_dir", " as given ") == " as given "  # no check by that name
    with pytest.raises(InputError, match="^wages: 'many' is not a monthly wage"):
        inputs.parameter(mini, "wages", "many")


# --- every kind of bad input: one line naming the parameter (and the place in a household), the
# --- problem and the fix; the full line is asserted, since a message without its fix breaks the rule
HOUSEHOLD_EXAMPLE = '[{"relation": "spouse"}, {"relation": "父亲", "age": 66}]'
ZWSP = "holds an invisible or control character U+200B ZERO WIDTH SPACE — delete it"
NO_CITY = "— give codes or names, e.g. 济南,泰安 or 山东全省"
NO_WAGE = "wages: no wage given — give yuan per month, e.g. 3000,5000,8000"
NOT_RELATION = "is not a relation — give a word such as spouse, 父母 or father"
NOT_FLAG = "is not true or false — write true or false"
RELATIONS = "(allowed: spouse, parent, child, parent_in_law, sibling, grandparent, grandchild)"
TOPICS = "(allowed: binding, contribution, lapse, benefit)"
NO_DATASET = {"wages", "months"}


def check(ds, func: str, *args):
    """inputs.<func> called with the dataset first when it takes one."""
    return getattr(inputs, func)(*args) if func in NO_DATASET else getattr(inputs, func)(ds, *args)


@pytest.mark.parametrize(
    "func,args,message",
    [
        # a hidden character anywhere, also in one item of a list, is named with its fix
        ("places", (["济南", "泰安\u200b"],), f"cities: {ZWSP}"),
        ("places", ("济南\u200b",), f"cities: {ZWSP}"),
        ("wages", (["8000\u200b"],), f"wages: {ZWSP}"),
        ("scheme", ("居民\u200b",), f"scheme: {ZWSP}"),
        ("relation", ("父母\u200b",), f"relation: {ZWSP}"),
        ("household", ('[{"relation": "spouse\u200b"}]',), f"household: {ZWSP}"),
        ("relative", ({"relation": "child", "name": "小明\u200b"},), f"household[1].name: {ZWSP}"),
        # nothing given
        ("places", (None,), f"cities: no city given (None) {NO_CITY}"),
        ("places", ("，、",), f"cities: no city given ('，、') {NO_CITY}"),
        ("places", (True,), f"cities: no city given (True) {NO_CITY}"),
        ("wages", (None,), NO_WAGE),
        ("wages", ("，",), NO_WAGE),
        ("relation", (None,), f"relation: None {NOT_RELATION}"),
        ("relation", ("  ",), f"relation: '  ' {NOT_RELATION}"),
        ("relation", (5,), f"relation: 5 {NOT_RELATION}"),
        # a word outside the vocabulary; "check it" when nothing is close
        ("relation", ("叔叔",), f"relation: unknown relation '叔叔' — check it {RELATIONS}"),
        ("topics", ("none",), f"topics: unknown topic 'none' — check it {TOPICS}"),
        ("topics", ("XXXX",), f"topics: unknown topic 'XXXX' — check it {TOPICS}"),
        # a relative: where in the household, which field, and how to write it
        ("relative", (5,), f"household[1]: expected an object, got int — write e.g. {HOUSEHOLD_EXAMPLE}"),
        ("relative", ("父母",),
         'household[1]: \'父母\' is a bare word, expected an object — write {"relation": "父母"}'),
        ("relative", ({"age": 3},), 'household[1]: no \'relation\' field — add e.g. "relation": "child"'),
        ("relative", ({"relation": "叔叔"},),
         f"household[1].relation: unknown relation '叔叔' — check it {RELATIONS}"),
        ("relative", ({"relation": "child", "student": "maybe"},),
         f"household[1].student: 'maybe' {NOT_FLAG}"),
        ("relative", ({"relation": "spouse", "already_bound": "maybe"},),
         f"household[1].already_bound: 'maybe' {NOT_FLAG}"),
        ("relative", ({"relation": "child", "group": "poor"},),
         "household[1].group: unknown group 'poor' — check it"
         " (allowed: minor, student, orphan, relapsed_poverty)"),
        ("relative", ({"relation": "child", "scheme": "private"},),
         "household[1].scheme: unknown scheme 'private' — check it (allowed: employee, flexible, resident)"),
        ("relative", ({"relation": "child", "place": "济南,泰安"},),
         "household[1].place: '济南,泰安' names 2 places — give one city, e.g. 泰安 or 370900"),
        # a household: its parameter name, also when the caller names it otherwise
        ("household", ("spouse",),
         f"household: 'spouse' is not a JSON list — write a list of objects, e.g. {HOUSEHOLD_EXAMPLE}"),
        ("household", ('[{"relation": "child",]',),
         "household: not valid JSON (Expecting property name enclosed in double quotes at column 23)"
         f" — write e.g. {HOUSEHOLD_EXAMPLE}"),
        ("household", (42,),
         f"household: expected a list of objects, got int — write e.g. {HOUSEHOLD_EXAMPLE}"),
        ("household", ([{"relation": "叔叔"}], "relatives"),
         f"relatives[1].relation: unknown relation '叔叔' — check it {RELATIONS}"),
    ],
)  # fmt: skip
def test_bad_input_names_parameter_problem_and_fix(mini, func, args, message):
    with pytest.raises(InputError) as exc:
        check(mini, func, *args)
    assert str(exc.value) == message


def test_list_of_words_for_a_household_is_shown_as_objects_in_its_own_script(mini):
    # the example keeps the words as written (Chinese, not \u escapes) and shows two objects at most,
    # so the message stays one short line however long the list is
    with pytest.raises(InputError) as exc:
        inputs.household(mini, ["父母", "子女", "配偶"])
    assert str(exc.value) == (
        "household: got a list of words, expected a list of objects — "
        'write e.g. [{"relation": "父母"}, {"relation": "子女"}]'
    )


@pytest.mark.parametrize(
    "call,expected",
    [
        # the Chinese list separators ， and 、 split like a comma
        (lambda ds: inputs.wages("3000，5000、8000"), [3000.0, 5000.0, 8000.0]),
        (lambda ds: inputs.places(ds, "济南，泰安、青岛"), ["370100", "370900", "370200"]),
        (lambda ds: inputs.topics(ds, "binding，lapse、benefit"), ["binding", "lapse", "benefit"]),
        # 600 months (50 years) is the most a gap or a period may be
        (lambda ds: inputs.months(600), 600),
        (lambda ds: inputs.months("0"), 0),
        # a vocabulary word by its Chinese or English label, any case, spaces for underscores
        (lambda ds: inputs.scheme(ds, "居民医保"), "resident"),
        (lambda ds: inputs.scheme(ds, "Employee Scheme"), "employee"),
        (lambda ds: inputs.relation(ds, "parents-in-law"), "parent_in_law"),
        (lambda ds: inputs.relation(ds, "Parent in law"), "parent_in_law"),
        # one relative given as an object instead of a list
        (lambda ds: inputs.household(ds, {"relation": "配偶"}), [{"relation": "spouse"}]),
    ],
)  # fmt: skip
def test_lists_bounds_and_labels_are_converted(mini, call, expected):
    assert call(mini) == expected


def test_months_over_the_bound_are_refused():
    with pytest.raises(InputError) as exc:
        inputs.months(601)
    assert str(exc.value) == "months: 601 is not a whole number 0–600 — give e.g. 12 for months"
    assert inputs.months(130, "age", most=130) == 130
    with pytest.raises(InputError, match="^age: 131 is not a whole number 0–130 — give e.g. 12 for age$"):
        inputs.months(131, "age", most=130)


def test_relative_fields_are_converted_to_codes(mini):
    given = {
        "relation": "子女", "age": "8", "student": "是", "already_bound": "yes", "group": "返贫致贫人口",
        "scheme": "Resident Scheme", "place": "泰安", "name": "小明",
    }  # fmt: skip
    assert inputs.relative(mini, given) == {
        "relation": "child", "age": 8, "student": True, "already_bound": True, "group": "relapsed_poverty",
        "scheme": "resident", "place": "370900", "name": "小明",
    }  # fmt: skip
    # an empty place means the employee's own city and is kept as given; a group code may be spelt
    # with spaces; already_bound "no" is False, not left as text
    assert inputs.relative(mini, {"relation": "spouse", "place": "", "already_bound": "no"}) == {
        "relation": "spouse", "place": "", "already_bound": False,
    }  # fmt: skip
    spaced = {"relation": "child", "group": "relapsed poverty"}
    assert inputs.relative(mini, spaced)["group"] == "relapsed_poverty"


@pytest.mark.parametrize(
    "vocabulary,word,message",
    [
        # an abbreviation still finds its code
        ("scheme", "emp", "did you mean 'employee'?"),
        # two close codes are both offered
        ("relation", "grand", "did you mean 'grandparent' or 'grandchild'?"),
        # three codes, even when two aliases of one code (父母, 父亲) are among the three closest words
        ("relation", "父", "did you mean 'grandparent' or 'parent' or 'parent_in_law'?"),
        # never more than three, though more are close
        ("relation", "stepfather", "did you mean 'parent' or 'spouse' or 'grandparent'?"),
    ],
)
def test_unknown_word_gets_up_to_three_close_codes(real, vocabulary, word, message):
    with pytest.raises(InputError) as exc:
        getattr(inputs, vocabulary)(real, word)
    assert str(exc.value).startswith(f"{vocabulary}: unknown {vocabulary} '{word}' — {message} (allowed: ")


# --- one validation path: the public functions check their arguments as the CLI and notebooks do ---


def test_resolve_reads_year_0_as_any_year_and_converts_a_year_given_as_text(real):
    any_year = h.resolve(real, "济南", topic="contribution")
    assert h.resolve(real, "济南", year=0, topic="contribution").equals(any_year)
    as_text = h.resolve(real, "济南", year="2025", topic="contribution")
    assert as_text.drop(columns="decision").equals(
        h.resolve(real, "济南", year=2025, topic="contribution").drop(columns="decision")
    )


@pytest.mark.parametrize(
    "call,message",
    [
        (
            lambda ds: h.resolve(ds, "济南", as_of="2026-13-01"),
            "as_of: '2026-13-01' is not a date — write YYYY-MM-DD",
        ),
        (
            lambda ds: h.resolve(ds, "济南", year="abc"),
            "year: 'abc' is not a year — give a year 1990–2100, or 0",
        ),
        (lambda ds: h.resolve(ds, "济南", year=1850), "year: 1850 is not a year"),
        (lambda ds: h.resolve(ds, "济南", stale_after_years=-1), "stale_after_years: -1 is not a number ≥ 0"),
        (
            lambda ds: h.compare(ds, "济南", topic="bindng"),
            "topic: unknown topic 'bindng' — did you mean 'binding'",
        ),
        (lambda ds: h.compare(ds, "济南", as_of="soon"), "as_of: 'soon' is not a date"),
        (
            lambda ds: h.lapse(ds, "济南", "employee", gap_months=-2),
            "gap_months: -2 is not a whole number 0–600",
        ),
        (
            lambda ds: h.lapse(ds, "济南", "employee", lapsed_years=2),
            "lapsed_years: counts whole years for the resident",
        ),
        (lambda ds: h.lapse(ds, "济南", "employee"), "gap_months, lapsed_years: give exactly one"),
        (lambda ds: h.lapse(ds, "济北", "employee", gap_months=2), "city: unknown city or region '济北'"),
        (lambda ds: h.lapse(ds, "济南", "employee", gap_months=2, year="x"), "year: 'x' is not a year"),
        (lambda ds: h.employee_contribution(ds, "济南", "lots"), "wage: 'lots' is not a monthly wage"),
        (lambda ds: h.family_binding(ds, "济南", [{"relation": "spouse"}], tier=3), "tier: unknown tier 3"),
        (lambda ds: h.resident_premiums(ds, "济南", "40"), "members: expected a list of dicts"),
    ],
)
def test_public_functions_name_their_own_argument_and_the_fix(real, call, message):
    with pytest.raises(InputError, match="^" + message.replace("[", r"\[").replace("(", r"\(")):
        call(real)


def test_a_scenario_table_without_a_needed_column_names_the_column(real):
    with pytest.raises(InputError) as e:
        h.employee_contributions(real, pd.DataFrame({"city": ["济南"], "wages": [3000]}))
    assert str(e.value) == "scenarios: column 'wages' is not one this function reads — rename it to 'wage'"
    with pytest.raises(InputError) as e:
        h.employee_contributions(real, pd.DataFrame({"city": ["济南"]}))
    assert str(e.value).startswith("scenarios: no column 'wage' (columns: city) — add a 'wage' column, e.g.")
    with pytest.raises(InputError, match="^scenarios: expected a DataFrame, got list"):
        h.employee_contributions(real, [{"city": "济南", "wage": 3000}])


def test_lapses_with_a_misnamed_column_names_the_column_not_a_command_line_option(real):
    s = pd.DataFrame({"city": ["济南"], "scheme": ["employee"], "gap": [3]})
    with pytest.raises(InputError) as e:
        h.lapses(real, s)
    assert (
        str(e.value) == "scenarios: column 'gap' is not one this function reads — rename it to 'gap_months'"
    )
    s = pd.DataFrame({"city": ["济南"], "scheme": ["employee"], "n": [3]})
    with pytest.raises(InputError) as e:
        h.lapses(real, s)
    assert "add a 'gap_months' or 'lapsed_years' column" in str(e.value) and "--" not in str(e.value)
    s = pd.DataFrame({"city": ["济南"], "scheme": ["employe"], "gap_months": [3]})
    with pytest.raises(InputError, match=r"^scenarios\['scheme'\]: unknown scheme 'employe' — did you mean"):
        h.lapses(real, s)
    s = pd.DataFrame({"city": ["济南"], "scheme": ["employee"], "gap_months": ["3"]})
    assert (
        h.lapses(real, s)["waiting_min"].tolist()
        == h.lapses(real, s.assign(gap_months=[3]))["waiting_min"].tolist()
    )


def test_the_cli_names_its_options_where_the_api_names_arguments(capsys):
    from helpers.cli import main

    assert main(["lapse", "--city", "济南", "--scheme", "employee", "--lapsed-years", "2"]) == 2
    err = capsys.readouterr().err
    assert "--lapsed-years: counts whole years" in err and "give --gap-months instead" in err
