"""The goals file (scenarios/goals.yaml) as pydantic models: every goal is checked when the file is read, so a
typo in a field name, a product that does not exist or a deadline without its clock time is one clear error
naming the goal and the field, not a KeyError deep in an evaluation."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import DataError
from .settings import PRODUCTS, REGIONS, is_hhmm


class PairSpec(BaseModel):
    """Which ordered pairs a goal tests: place-set specs (geonet.places), optionally limited."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_: str = Field(alias="from")
    to: str
    same_prefecture: bool = False  # only pairs within one prefecture (county goals)
    exclude_both_in: str | None = None  # leave out pairs with both ends in this set


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    day: int = Field(ge=0, le=14)  # days after posting (0 = the same day)
    time: str  # HH:MM local

    @field_validator("time")
    @classmethod
    def _clock(cls, v: str) -> str:
        if not is_hhmm(v):
            raise ValueError("must be a clock time HH:MM")
        return v


class GoalSpec(BaseModel):
    """One time goal: the plan's words (source, quote), the pairs, the product, the deadline (or max hours) and
    the share that must meet it, and what the verdict rests on."""

    model_config = ConfigDict(extra="forbid")
    id: str
    source: str = Field(pattern=r"^(GD|LN|YRD|NP|NX)-[A-Z]\d+$")  # the digest's goal id
    quote: str
    region: Literal[tuple(REGIONS)]  # type: ignore[valid-type]
    product: Literal[tuple(PRODUCTS)]  # type: ignore[valid-type]
    description: str
    pairs: PairSpec
    deadline: Deadline | None = None
    max_hours: float | None = Field(default=None, gt=0, le=24 * 14, allow_inf_nan=False)
    target_share: float = Field(default=1.0, ge=0, le=1, allow_inf_nan=False)
    note: str = ""
    exclude: dict[str, str] | None = None  # place -> why it is left out
    cutoff: str | None = None
    via_hubs: bool | None = None
    strict: bool = False  # 'under 3 days': strictly less than max_hours
    verdict_on: Literal["capability", "outcome"] = "capability"
    measure: Literal["on_time_share", "mean_hours"] = "on_time_share"

    @field_validator("cutoff")
    @classmethod
    def _cutoff(cls, v: str | None) -> str | None:
        if v is not None and not is_hhmm(v):
            raise ValueError("must be a clock time HH:MM")
        return v

    @model_validator(mode="after")
    def _limit(self) -> "GoalSpec":
        if (self.deadline is None) == (self.max_hours is None):
            raise ValueError("give exactly one of deadline {day, time} or max_hours")
        if self.measure == "mean_hours" and (self.max_hours is None or self.verdict_on != "outcome"):
            raise ValueError("measure mean_hours judges the outcome's mean against max_hours: give max_hours and "
                             "verdict_on: outcome")
        return self


class GoalBook(BaseModel):
    model_config = ConfigDict(extra="forbid")
    place_sets: dict[str, list[str]] = {}
    goals: list[GoalSpec]
    out_of_scope: dict[str, str] = {}

    @model_validator(mode="after")
    def _unique(self) -> "GoalBook":
        ids = [g.id for g in self.goals]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"goal ids must be unique: {', '.join(dup)}")
        return self


def check_goal_book(data, where: str) -> dict:
    """The goals file's data, validated (DataError naming the goal and field), as plain dicts for the
    evaluation code (``pairs.from``, unset optional fields left out)."""
    try:
        book = GoalBook.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        if len(loc) >= 2 and loc[0] == "goals" and isinstance(loc[1], int) and isinstance(data, dict):
            goals = data.get("goals") or []
            gid = goals[loc[1]].get("id", f"#{loc[1] + 1}") if loc[1] < len(goals) and isinstance(
                goals[loc[1]], dict) else f"#{loc[1] + 1}"
            loc = [f"goal {gid}"] + [str(x) for x in loc[2:]]
        raise DataError(f"{where}: {'.'.join(map(str, loc)) or '(top level)'}: {err['msg']}") from None
    return book.model_dump(by_alias=True, exclude_none=True)
