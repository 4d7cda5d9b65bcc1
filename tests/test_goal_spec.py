"""The goals file is validated when read (unit tests of geonet.goal_spec)."""

import copy

import pytest
import yaml

from conftest import REPO
from geonet.errors import DataError
from geonet.goal_spec import check_goal_book

RAW = yaml.safe_load((REPO / "scenarios" / "goals.yaml").read_text(encoding="utf-8"))


def test_the_shipped_goals_file_is_valid_and_keeps_its_values():
    book = check_goal_book(RAW, "goals.yaml")
    assert [g["id"] for g in book["goals"]] == [g["id"] for g in RAW["goals"]]
    for raw, g in zip(RAW["goals"], book["goals"]):
        for k, v in raw.items():
            assert g[k] == v or (k == "pairs" and {**g[k], **v} == g[k]), (raw["id"], k)
        assert ("deadline" in g) != ("max_hours" in g)


@pytest.mark.parametrize("change, words", [
    (lambda g: g.update(product="overnight"), ["goal GD-next-day-province", "product"]),
    (lambda g: g.update(target_share=1.5), ["target_share"]),
    (lambda g: g.update(deadline={"day": 1, "time": "25:00"}), ["deadline.time", "HH:MM"]),
    (lambda g: g.update(max_hours=24), ["exactly one of deadline"]),
    (lambda g: g.update(targt_share=0.9), ["targt_share"]),
    (lambda g: g["pairs"].update(form="cities"), ["pairs.form"]),
    (lambda g: g.update(source="GD-01"), ["source"]),
])
def test_a_bad_goal_is_one_error_naming_goal_and_field(change, words):
    data = copy.deepcopy(RAW)
    change(data["goals"][0])
    with pytest.raises(DataError) as e:
        check_goal_book(data, "goals.yaml")
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_goal_ids_are_unique():
    data = copy.deepcopy(RAW)
    data["goals"].append(copy.deepcopy(data["goals"][0]))
    with pytest.raises(DataError, match="unique"):
        check_goal_book(data, "goals.yaml")
