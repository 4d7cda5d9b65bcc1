"""Printed forms: values as a planner reads them, control characters escaped, network labels (unit tests)."""

from geonet.display import network_label, printable, readable


def test_readable_values():
    assert readable(7200.0, "s") == "2 h"
    assert readable(3000, "s") == "0.83 h (3,000 s)"
    assert readable(151400.0) == "151,400" and "e+" not in readable(1.514e5)
    assert readable(2024) == "2024"  # a seed or a year is not a quantity
    assert readable(1.13, "x great circle") == "1.13 x great circle"
    assert readable({"road": 1800.0}, "s") == "road: 0.5 h (1,800 s)"
    assert readable(("02:00", "12:00")) == "02:00, 12:00" and readable(()) == "none"
    assert readable(True) == "True" and readable("18:00") == "18:00"


def test_printable_and_labels():
    assert printable("A\x1b[2J\aB") == "A\\x1b[2J\\x07B" and printable("广州 ok") == "广州 ok"
    assert network_label({"proxy": True}) == "PROXY roads"
    assert network_label({"proxy": False, "network": "osm"}) == "osm roads"
